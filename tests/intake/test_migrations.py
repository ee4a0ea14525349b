"""The migrations build exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import column, insert, inspect, table, update
from sqlmodel import Session, SQLModel, select

from intake.db.engine import make_engine
from intake.db.feed import FeedEvent, FeedEventKind
from intake.db.migrate import downgrade, upgrade
from intake.db.models import Document, ReferralRecord

_DECIDED = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


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


def _old_referral(engine, **values) -> None:
    """A document, and its referral as an earlier revision stored it: only the columns given
    (the model may have more than that revision had)."""
    with Session(engine) as session:
        document = Document(sha256="0" * 64, size_bytes=1, original_name="fax.pdf")
        session.add(document)
        session.commit()
        referral = table("referral", *(column(key) for key in ("document_id", *values)))
        session.execute(insert(referral).values(document_id=document.id, **values))
        session.commit()


def test_the_flag_count_is_recounted_as_values_to_resolve(settings):
    engine = make_engine(settings.effective_database_url)
    upgrade(engine, "0005")
    flags = [
        {"field": "clinician.npi", "code": "npi_checksum", "message": "fails"},
        {"field": "clinician.npi", "code": "low_confidence", "message": "faint"},
        {"field": "member.phone", "code": "low_confidence", "message": "faint"},
        {"field": "dates.order", "code": "date_implausible", "message": "old"},
    ]
    _old_referral(
        engine, referral_type="dme", urgent=False, missing_count=0, flag_count=4,
        extracted=json.dumps({"flags": flags}), extracted_at=_DECIDED,
    )  # fmt: skip
    upgrade(engine, "0006")
    with Session(engine) as session:
        assert session.exec(select(ReferralRecord.flag_count)).one() == 2
    downgrade(engine, "0005")
    with Session(engine) as session:
        assert session.exec(select(ReferralRecord.flag_count)).one() == 4
    engine.dispose()


def test_orders_already_sent_back_wait_since_they_were_sent(settings):
    engine = make_engine(settings.effective_database_url)
    upgrade(engine, "0006")
    _old_referral(
        engine, referral_type="dme", urgent=False, missing_count=1, flag_count=0,
        extracted="{}", extracted_at=_DECIDED, decided_at=_DECIDED,
    )  # fmt: skip
    with engine.begin() as connection:
        connection.execute(
            update(table("document", column("status"))).values(status="needs_clarification")
        )
    upgrade(engine)
    with Session(engine) as session:
        referral = session.exec(select(ReferralRecord)).one()
        assert referral.waiting_since == _DECIDED and referral.paused_seconds == 0
    engine.dispose()


def test_the_fields_missing_when_read_are_counted_from_each_reading(settings):
    engine = make_engine(settings.effective_database_url)
    upgrade(engine, "0007")
    _old_referral(
        engine, referral_type="dme", urgent=False, missing_count=0, flag_count=0,
        paused_seconds=0, extracted=json.dumps({"missing": ["signature", "dates.order"]}),
        extracted_at=_DECIDED,
    )  # fmt: skip
    upgrade(engine)
    with Session(engine) as session:
        assert session.exec(select(ReferralRecord.missing_at_read)).one() == 2
    engine.dispose()


def test_referrals_validated_before_the_feed_are_its_first_events(settings):
    engine = make_engine(settings.effective_database_url)
    upgrade(engine, "0009")
    _old_referral(
        engine, referral_type="dme", urgent=False, missing_count=0, flag_count=0,
        paused_seconds=0, missing_at_read=0, extracted="{}", extracted_at=_DECIDED,
        validated_seq=7, validated_at=_DECIDED,
    )  # fmt: skip
    upgrade(engine)
    with Session(engine) as session:
        events = session.exec(select(FeedEvent)).all()
        # The cursor a consumer held (7) still points just past this referral.
        assert [(e.seq, e.referral_id, e.event, e.version, e.at) for e in events] == [
            (7, 1, FeedEventKind.validated, 1, _DECIDED)
        ]
    downgrade(engine, "0009")
    assert "feed_event" not in inspect(engine).get_table_names()
    engine.dispose()
