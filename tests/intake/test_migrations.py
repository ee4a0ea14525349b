"""The migrations build exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import Session, SQLModel, select

from intake.db.engine import make_engine
from intake.db.migrate import downgrade, upgrade
from intake.db.models import Document, ReferralRecord


def _diff(engine):
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)


def test_migrations_build_exactly_the_models_schema(settings):
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    assert _diff(engine) == []
    engine.dispose()


def test_migrations_go_down_to_nothing_and_up_again(settings):
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert _diff(engine) == []
    engine.dispose()


def test_the_flag_count_is_recounted_as_values_to_resolve(settings):
    engine = make_engine(settings.effective_database_url)
    upgrade(engine, "0005")
    flags = [
        {"field": "clinician.npi", "code": "npi_checksum", "message": "fails"},
        {"field": "clinician.npi", "code": "low_confidence", "message": "faint"},
        {"field": "member.phone", "code": "low_confidence", "message": "faint"},
        {"field": "dates.order", "code": "date_implausible", "message": "old"},
    ]
    with Session(engine) as session:
        document = Document(sha256="0" * 64, size_bytes=1, original_name="fax.pdf")
        session.add(document)
        session.flush()
        assert document.id is not None
        session.add(
            ReferralRecord(
                document_id=document.id, referral_type="dme", flag_count=4,
                extracted={"flags": flags},
            )
        )  # fmt: skip
        session.commit()
    upgrade(engine)
    with Session(engine) as session:
        assert session.exec(select(ReferralRecord.flag_count)).one() == 2
    downgrade(engine, "0005")
    with Session(engine) as session:
        assert session.exec(select(ReferralRecord.flag_count)).one() == 4
    engine.dispose()
