"""Named counters in the database, for figures that many processes on many hosts add to.

Each is added to in the transaction that stores what it counts, so a result discarded for a
lost lease is never counted and a restart loses nothing; the metrics read them back
(intake.metrics). Names carry no PHI.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from intake.db.engine import session_scope
from intake.db.review import Counter


def add(session: Session, increments: Mapping[str, int]) -> None:
    """Upsert-add to named counters in the caller's transaction. Sorted, so concurrent
    writers lock rows in one order."""
    postgres = session.get_bind().dialect.name == "postgresql"
    insert = postgresql.insert if postgres else sqlite.insert
    for name in sorted(increments):
        statement = insert(Counter).values(name=name, value=increments[name])
        session.execute(
            statement.on_conflict_do_update(
                index_elements=[col(Counter.name)],
                set_={"value": Counter.value + statement.excluded.value},
            )
        )


def read(engine: Engine, prefix: str) -> dict[str, int]:
    """The counters whose names start with ``prefix``, by name."""
    with session_scope(engine) as session:
        rows = session.execute(
            select(col(Counter.name), col(Counter.value)).where(
                col(Counter.name).startswith(prefix, autoescape=True)
            )
        ).all()
    return {str(name): int(value) for name, value in rows}
