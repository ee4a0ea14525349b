"""Engine and sessions: SQLite tuned for several processes sharing one file, or PostgreSQL
shared by processes on many hosts."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import CursorResult, Engine, Update, create_engine, event, func, select
from sqlmodel import Session

from intake.clock import utcnow

#: Writers wait this long for the lock instead of failing with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: Shown in pg_stat_activity, so an operator can tell the service's connections apart.
APPLICATION_NAME = "fax-intake"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    # Pre-ping: a worker idle through a database restart or failover gets a fresh connection
    # instead of an error on its next claim.
    return create_engine(
        url, pool_pre_ping=True, connect_args={"application_name": APPLICATION_NAME}
    )


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself instead of the driver's lazy BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    # A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when
    # another process wrote in between; taking the write lock up front makes it wait instead.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def database_now(session: Session) -> datetime:
    """The clock leases are measured by: the database's on PostgreSQL, this host's on SQLite
    (which only ever has one host)."""
    if session.get_bind().dialect.name == "postgresql":
        now = session.execute(select(func.clock_timestamp())).scalar_one()
        assert isinstance(now, datetime)
        return now.astimezone(UTC)
    return utcnow()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A unit of work: committed when the block ends, rolled back if it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def changed_one(session: Session, statement: Update) -> bool:
    """Whether a compare-and-set ``statement`` (an UPDATE whose WHERE names the row in the
    state it was read in) found its row so: another process may have changed it meanwhile."""
    result = session.execute(statement)
    # An UPDATE's result is a cursor's, with its rowcount; the session types it as any result.
    assert isinstance(result, CursorResult)
    return result.rowcount == 1
