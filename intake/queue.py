"""The work queue in the documents table: claim, lease, heartbeat, results, retries.

This is the only module that writes dialect-specific SQL. A result is written only while the
writer still holds the lease (``locked_by = me AND status = 'processing'``), so a worker that
was presumed dead and came back cannot overwrite the work of the one that took over.
"""

from __future__ import annotations

import random
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Engine,
    Update,
    bindparam,
    delete,
    func,
    or_,
    select,
    text,
    update,
)
from sqlmodel import col

from intake.clock import utcnow
from intake.db.engine import session_scope
from intake.db.models import (
    Attempt,
    AttemptOutcome,
    Document,
    PageRecord,
    ReferralRecord,
    Status,
    Worker,
)
from intake.db.types import UTCDateTime

_MAX_BACKOFF = timedelta(hours=1)

_CLAIM_SQLITE = text(
    """
    UPDATE document
       SET status = 'processing', locked_by = :worker, claimed_at = :now, attempts = attempts + 1
     WHERE id = (SELECT id FROM document
                  WHERE status = 'queued' AND run_after <= :now
                  ORDER BY id LIMIT 1)
       AND status = 'queued'
    RETURNING id, attempts
    """
).bindparams(bindparam("now", type_=UTCDateTime()))


@dataclass(frozen=True)
class Claim:
    document_id: int
    attempt: int
    worker_id: str


@dataclass(frozen=True)
class Failure:
    code: str
    message: str
    permanent: bool


def backoff(attempt: int, base_seconds: float) -> timedelta:
    """Exponential with jitter, so documents failed together don't retry together."""
    seconds = base_seconds * (2 ** max(attempt - 1, 0)) * random.uniform(0.5, 1.5)
    return min(timedelta(seconds=seconds), _MAX_BACKOFF)


def register_worker(engine: Engine, worker_id: str, pid: int) -> None:
    with session_scope(engine) as session:
        session.add(Worker(id=worker_id, hostname=socket.gethostname(), pid=pid))


def heartbeat(engine: Engine, worker_id: str) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(Worker).where(col(Worker.id) == worker_id).values(heartbeat_at=utcnow())
        )


def stop_worker(engine: Engine, worker_id: str) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(Worker).where(col(Worker.id) == worker_id).values(stopped_at=utcnow())
        )


def claim(engine: Engine, worker_id: str) -> Claim | None:
    """Take the oldest runnable document, or None when there is none."""
    now = utcnow()
    with session_scope(engine) as session:
        if engine.dialect.name != "sqlite":
            raise NotImplementedError(f"no claim query for {engine.dialect.name}")
        row = session.execute(_CLAIM_SQLITE, {"worker": worker_id, "now": now}).first()
        if row is None:
            return None
        document_id, attempt = int(row[0]), int(row[1])
        session.add(
            Attempt(document_id=document_id, worker_id=worker_id, number=attempt, started_at=now)
        )
    return Claim(document_id=document_id, attempt=attempt, worker_id=worker_id)


def _held(claim: Claim) -> list[ColumnElement[bool]]:
    return [
        col(Document.id) == claim.document_id,
        col(Document.locked_by) == claim.worker_id,
        col(Document.status) == Status.processing,
    ]


def _close_attempt(claim: Claim, outcome: AttemptOutcome, failure: Failure | None = None) -> Update:
    return (
        update(Attempt)
        .where(
            col(Attempt.document_id) == claim.document_id,
            col(Attempt.worker_id) == claim.worker_id,
            col(Attempt.number) == claim.attempt,
        )
        .values(
            outcome=outcome,
            finished_at=utcnow(),
            error_code=failure.code if failure else None,
            error_message=failure.message if failure else None,
        )
    )


def complete(
    engine: Engine, claim: Claim, pages: list[PageRecord], referral: ReferralRecord | None
) -> bool:
    """Store the pages and the referral and mark the document read; False if the lease was
    lost meanwhile (then nothing is written)."""
    with session_scope(engine) as session:
        result = session.execute(
            update(Document)
            .where(*_held(claim))
            .values(
                status=Status.needs_review,
                page_count=len(pages),
                processed_at=utcnow(),
                locked_by=None,
                error_code=None,
                error_message=None,
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            return False
        # A reprocessed document replaces its earlier pages and reading.
        session.execute(delete(PageRecord).where(col(PageRecord.document_id) == claim.document_id))
        session.execute(
            delete(ReferralRecord).where(col(ReferralRecord.document_id) == claim.document_id)
        )
        session.add_all(pages)
        if referral is not None:
            session.add(referral)
        session.execute(_close_attempt(claim, AttemptOutcome.succeeded))
    return True


def fail(
    engine: Engine, claim: Claim, failure: Failure, max_attempts: int, retry_base_seconds: float
) -> Status | None:
    """Record a failed attempt: retry later, or fail the document for good.

    Returns the document's new status, or None if the lease was lost meanwhile.
    """
    final = failure.permanent or claim.attempt >= max_attempts
    status = Status.failed if final else Status.queued
    with session_scope(engine) as session:
        result = session.execute(
            update(Document)
            .where(*_held(claim))
            .values(
                status=status,
                locked_by=None,
                error_code=failure.code,
                error_message=failure.message,
                run_after=utcnow() + backoff(claim.attempt, retry_base_seconds),
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            return None
        outcome = AttemptOutcome.failed if final else AttemptOutcome.retry
        session.execute(_close_attempt(claim, outcome, failure))
    return status


def rescue_abandoned(
    engine: Engine, dead_after_seconds: float, max_attempts: int, retry_base_seconds: float
) -> int:
    """Give documents held by dead workers back to the queue (or fail them after max attempts).

    A worker is dead when its heartbeat stopped, never because a document is taking long:
    a 50-page fax may legitimately OCR for minutes.
    """
    now = utcnow()
    live = select(col(Worker.id)).where(
        col(Worker.heartbeat_at) >= now - timedelta(seconds=dead_after_seconds),
        col(Worker.stopped_at).is_(None),
    )
    orphaned = or_(col(Document.locked_by).is_(None), col(Document.locked_by).not_in(live))
    rescued = 0
    with session_scope(engine) as session:
        stalled = session.execute(
            select(col(Document.id), col(Document.locked_by), col(Document.attempts)).where(
                col(Document.status) == Status.processing, orphaned
            )
        ).all()
        for document_id, holder, attempts in stalled:
            final = attempts >= max_attempts
            session.execute(
                update(Document)
                .where(
                    col(Document.id) == document_id,
                    col(Document.status) == Status.processing,
                    col(Document.locked_by) == holder,
                )
                .values(
                    status=Status.failed if final else Status.queued,
                    locked_by=None,
                    run_after=now + backoff(attempts, retry_base_seconds),
                    error_code="worker_lost",
                    error_message=f"the worker processing it stopped responding ({attempts} tries)",
                )
            )
            rescued += 1
        session.execute(
            update(Attempt)
            .where(col(Attempt.outcome).is_(None), col(Attempt.worker_id).not_in(live))
            .values(outcome=AttemptOutcome.abandoned, finished_at=now)
        )
    return rescued


def requeue(engine: Engine, document_id: int) -> bool:
    """Queue a document again from scratch (operator's reprocess)."""
    with session_scope(engine) as session:
        result = session.execute(
            update(Document)
            .where(
                col(Document.id) == document_id,
                col(Document.status).not_in([Status.processing, Status.duplicate]),
            )
            .values(
                status=Status.queued,
                attempts=0,
                error_code=None,
                error_message=None,
                run_after=utcnow(),
                locked_by=None,
            )
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class QueueStatus:
    counts: dict[str, int]
    oldest_queued_at: datetime | None
    live_workers: list[Worker]


def status(engine: Engine, dead_after_seconds: float) -> QueueStatus:
    with session_scope(engine) as session:
        counts = {
            str(s): int(n)
            for s, n in session.execute(
                select(col(Document.status), func.count()).group_by(col(Document.status))
            ).all()
        }
        oldest = session.execute(
            select(func.min(Document.received_at)).where(col(Document.status) == Status.queued)
        ).scalar()
        workers = list(
            session.scalars(
                select(Worker).where(
                    col(Worker.stopped_at).is_(None),
                    col(Worker.heartbeat_at) >= utcnow() - timedelta(seconds=dead_after_seconds),
                )
            ).all()
        )
    if isinstance(oldest, datetime) and oldest.tzinfo is None:
        oldest = UTCDateTime().process_result_value(oldest, engine.dialect)
    return QueueStatus(counts=counts, oldest_queued_at=oldest, live_workers=workers)
