"""What the queue holds and who works on it, read without taking anything: `intake status`,
the Prometheus metrics, and `intake process` waiting for its files (intake.queue takes and
gives back the work)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlmodel import col

from intake.db.engine import database_now, session_scope
from intake.db.models import Document, Status, Worker
from intake.db.types import UTCDateTime

#: Workers silent for longer than this are left out of the status, even if never stopped.
_RECENT_WORKERS = timedelta(hours=1)


def documents(engine: Engine, ids: Sequence[int]) -> list[Document]:
    """The documents with these ids that exist, in id order: where each stands."""
    with session_scope(engine) as session:
        found = session.scalars(
            select(Document).where(col(Document.id).in_(ids)).order_by(col(Document.id))
        )
        return list(found.all())


@dataclass(frozen=True)
class WorkerState:
    worker: Worker
    #: Seconds since its last heartbeat, by the database's clock.
    heartbeat_age: float
    live: bool
    #: Documents it holds (ids only).
    holding: tuple[int, ...]


@dataclass(frozen=True)
class QueueStatus:
    counts: dict[str, int]
    oldest_queued_at: datetime | None
    #: When this was taken, by the clock leases are measured with.
    now: datetime
    #: Workers not stopped that were heard from within the last hour, live ones first.
    workers: list[WorkerState]

    @property
    def live_workers(self) -> list[WorkerState]:
        return [w for w in self.workers if w.live]

    @property
    def oldest_queued_age(self) -> timedelta | None:
        return None if self.oldest_queued_at is None else self.now - self.oldest_queued_at


def status(engine: Engine, dead_after_seconds: float) -> QueueStatus:
    with session_scope(engine) as session:
        now = database_now(session)
        counts = {
            str(s): int(n)
            for s, n in session.execute(
                select(col(Document.status), func.count()).group_by(col(Document.status))
            ).all()
        }
        oldest = session.execute(
            select(func.min(Document.received_at)).where(col(Document.status) == Status.queued)
        ).scalar()
        workers = session.scalars(
            select(Worker)
            .where(
                col(Worker.stopped_at).is_(None), col(Worker.heartbeat_at) >= now - _RECENT_WORKERS
            )
            .order_by(col(Worker.heartbeat_at).desc())
        ).all()
        holding: dict[str, list[int]] = {}
        for document_id, holder in session.execute(
            select(col(Document.id), col(Document.locked_by))
            .where(col(Document.status) == Status.processing)
            .order_by(col(Document.id))
        ).all():
            holding.setdefault(str(holder), []).append(int(document_id))
    if isinstance(oldest, datetime) and oldest.tzinfo is None:
        # min() over a column loses its type on SQLite, so the value comes back naive.
        oldest = UTCDateTime().process_result_value(oldest, engine.dialect)
    states = [
        WorkerState(
            worker=w,
            heartbeat_age=max((now - w.heartbeat_at).total_seconds(), 0.0),
            live=(now - w.heartbeat_at).total_seconds() <= dead_after_seconds,
            holding=tuple(holding.get(w.id, ())),
        )
        for w in workers
    ]
    states.sort(key=lambda s: not s.live)
    return QueueStatus(counts=counts, oldest_queued_at=oldest, now=now, workers=states)
