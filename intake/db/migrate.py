"""Schema migrations (Alembic) and the start-up check that the schema is current.

The check runs at the start of every command that opens the database (`intake status`
among them) and reads what it needs without Alembic, which costs ~0.09 s to import with
the template and highlighting libraries it loads; the migrations themselves use Alembic.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, Select, column, inspect, select, table

from intake.errors import IntakeError

if TYPE_CHECKING:
    from alembic.config import Config

_SCRIPTS = Path(__file__).resolve().parent.parent / "migrations"
#: Alembic's default: where it keeps the revision a database is at.
_VERSION_TABLE = "alembic_version"
#: A migration's `revision = ...` and `down_revision = ...` lines (annotated or not).
_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=(.+)$", re.MULTILINE)


class SchemaBehind(IntakeError):
    """The database schema is older than this code."""

    code = "schema_behind"


def _config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Undo migrations down to ``revision`` ("base": an empty schema)."""
    from alembic import command

    _run(engine, command.downgrade, revision)


def _run(engine: Engine, step: Callable[[Config, str], None], revision: str) -> None:
    config = _config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        step(config, revision)


def revision(engine: Engine, message: str) -> None:
    """Autogenerate a migration from the models (for developers)."""
    from alembic import command

    command.revision(_config(engine), message=message, autogenerate=True)


def require_current(engine: Engine) -> None:
    if current_revisions(engine) != head_revisions():
        raise SchemaBehind("the database schema is not current: run `intake db upgrade` first")


def head_revisions() -> set[str]:
    """The revisions no migration revises, read from the migration files themselves (the one
    source Alembic reads them from too)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in (_SCRIPTS / "versions").glob("*.py"):
        values = {
            name: ast.literal_eval(value.strip())
            for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8"))
        }
        revisions.add(values["revision"])
        # None for the first; a merge revises several.
        down = values.get("down_revision")
        revised.update((down,) if isinstance(down, str) else down or ())
    return revisions - revised


def current_revisions(engine: Engine) -> set[str]:
    """The revisions the database is at: none before its first migration."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(_VERSION_TABLE):
            return set()
        versions: Select[tuple[str]] = select(column("version_num")).select_from(
            table(_VERSION_TABLE)
        )
        return {str(version) for version in connection.execute(versions).scalars()}
