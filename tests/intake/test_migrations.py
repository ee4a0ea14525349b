"""The migrations build exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from intake.db.engine import make_engine
from intake.db.migrate import downgrade, upgrade


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
