"""The work queue in the documents table: claim, lease, heartbeat, results, retries.

With intake.counters, this is the only module that writes dialect-specific SQL. A result is
written only while the writer still holds the lease (``locked_by = me AND status =
'processing'``), so a worker that was presumed dead and came back cannot overwrite the work of
the one that took over.

On PostgreSQL, workers on many hosts share the queue: a claim skips rows another worker has
locked, and lease times come from the database's clock, so hosts whose clocks disagree still
agree on whose heartbeat is dead. SQLite serialises writers, so its claim needs no locking.
"""

from __future__ import annotations

import random
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Engine,
    TextClause,
    Update,
    bindparam,
    delete,
    null,
    or_,
    select,
    text,
    update,
)
from sqlmodel import Session, col

from intake.clock import time_waited
from intake.counters import add as add_to_counters
from intake.db.engine import changed_one, database_now, session_scope
from intake.db.models import (
    REPROCESSABLE,
    Attempt,
    AttemptOutcome,
    Document,
    PageRecord,
    ReferralRecord,
    Status,
    Worker,
)
from intake.db.types import UTCDateTime
from intake.errors import IntakeError
from intake.referral_columns import reading_columns, summary_columns

_MAX_BACKOFF = timedelta(hours=1)
#: What a new reading replaces in an existing referral row; clerk state is kept.
_READING_COLUMNS = (
    "extracted",
    "extracted_at",
    "due_by",
    *summary_columns({}),
    *reading_columns({}),
)

# One document per claim: a worker holding several would make the others wait behind it.
_CLAIM: dict[str, TextClause] = {
    # The write lock is taken at BEGIN (see intake.db.engine): one claimer at a time.
    "sqlite": text(
        """
        UPDATE document
           SET status = 'processing', locked_by = :worker, claimed_at = :now,
               attempts = attempts + 1
         WHERE id = (SELECT id FROM document
                      WHERE status = 'queued' AND run_after <= :now
                      ORDER BY id LIMIT 1)
           AND status = 'queued'
        RETURNING id, attempts
        """
    ).bindparams(bindparam("now", type_=UTCDateTime())),
    # A CTE, so the planner cannot turn the subquery into a join that updates more rows than
    # the limit; SKIP LOCKED lets concurrent claimers pass each other's rows instead of
    # waiting for them and then finding them taken.
    "postgresql": text(
        """
        WITH picked AS (
            SELECT id FROM document
             WHERE status = 'queued' AND run_after <= :now
             ORDER BY id
             LIMIT 1
               FOR UPDATE SKIP LOCKED
        )
        UPDATE document AS d
           SET status = 'processing', locked_by = :worker, claimed_at = :now,
               attempts = d.attempts + 1
          FROM picked
         WHERE d.id = picked.id
        RETURNING d.id, d.attempts
        """
    ).bindparams(bindparam("now", type_=UTCDateTime())),
}


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


class UnsupportedDatabase(IntakeError):
    """The engine's dialect has no claim query."""

    code = "unsupported_database"


def backoff(attempt: int, base_seconds: float) -> timedelta:
    """Exponential with jitter, so documents failed together don't retry together."""
    seconds = base_seconds * (2 ** max(attempt - 1, 0)) * random.uniform(0.5, 1.5)
    return min(timedelta(seconds=seconds), _MAX_BACKOFF)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def register_worker(engine: Engine, worker_id: str, pid: int) -> None:
    with session_scope(engine) as session:
        now = database_now(session)
        session.add(
            Worker(
                id=worker_id,
                hostname=socket.gethostname(),
                pid=pid,
                started_at=now,
                heartbeat_at=now,
            )
        )


def heartbeat(engine: Engine, worker_id: str) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(Worker)
            .where(col(Worker.id) == worker_id)
            .values(heartbeat_at=database_now(session))
        )


def stop_worker(engine: Engine, worker_id: str) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(Worker)
            .where(col(Worker.id) == worker_id)
            .values(stopped_at=database_now(session))
        )


def claim(engine: Engine, worker_id: str) -> Claim | None:
    """Take the oldest runnable document, or None when there is none."""
    with session_scope(engine) as session:
        query = _CLAIM.get(_dialect(session))
        if query is None:
            raise UnsupportedDatabase(f"no claim query for {_dialect(session)}")
        now = database_now(session)
        row = session.execute(query, {"worker": worker_id, "now": now}).first()
        if row is None:
            return None
        document_id, attempt = int(row[0]), int(row[1])
        session.add(
            Attempt(document_id=document_id, worker_id=worker_id, number=attempt, started_at=now)
        )
    return Claim(document_id=document_id, attempt=attempt, worker_id=worker_id)


def _update_held(session: Session, claim: Claim, **values: Any) -> bool:
    """Write ``values`` to the claimed document only while ``claim`` still holds its lease
    (``locked_by = me AND status = 'processing'``). False when the lease was lost: the
    session is rolled back, so nothing this transaction did is written."""
    held = update(Document).where(
        col(Document.id) == claim.document_id,
        col(Document.locked_by) == claim.worker_id,
        col(Document.status) == Status.processing,
    )
    if changed_one(session, held.values(**values)):
        return True
    session.rollback()
    return False


def _close_attempt(
    claim: Claim, outcome: AttemptOutcome, now: datetime, failure: Failure | None = None
) -> Update:
    return (
        update(Attempt)
        .where(
            col(Attempt.document_id) == claim.document_id,
            col(Attempt.worker_id) == claim.worker_id,
            col(Attempt.number) == claim.attempt,
            # Open only: a released document's next try may reuse the number.
            col(Attempt.outcome).is_(None),
        )
        .values(
            outcome=outcome,
            finished_at=now,
            error_code=failure.code if failure else None,
            error_message=failure.message if failure else None,
        )
    )


def complete(
    engine: Engine,
    claim: Claim,
    pages: list[PageRecord],
    referral: ReferralRecord | None,
    counters: Mapping[str, int] | None = None,
) -> bool:
    """Store the pages and the referral, add ``counters`` and mark the document read; False
    if the lease was lost meanwhile (then nothing is written).

    A document read again keeps its referral row (clerks' versions, deliveries and audit
    events point at it): the new reading replaces the extractor's columns and any values a
    clerk had approved. Without a new reading the earlier one stays.
    """
    with session_scope(engine) as session:
        now = database_now(session)
        read = _update_held(
            session,
            claim,
            status=Status.needs_review,
            page_count=len(pages),
            processed_at=now,
            locked_by=None,
            error_code=None,
            error_message=None,
        )
        if not read:
            return False
        session.execute(delete(PageRecord).where(col(PageRecord.document_id) == claim.document_id))
        session.add_all(pages)
        if referral is not None:
            _store_reading(session, claim.document_id, referral, now)
        add_to_counters(session, counters or {})
        session.execute(_close_attempt(claim, AttemptOutcome.succeeded, now))
    return True


def _store_reading(
    session: Session, document_id: int, referral: ReferralRecord, now: datetime
) -> None:
    earlier = session.execute(
        select(col(ReferralRecord.paused_seconds), col(ReferralRecord.waiting_since))
        .where(col(ReferralRecord.document_id) == document_id)
        .with_for_update()
    ).first()
    if earlier is None:
        session.add(referral)
        return
    # A new reading ends any wait on the office, and its deadline keeps every pause so far.
    paused = earlier[0] + int(time_waited(earlier[1], now).total_seconds())
    due_by = referral.due_by + timedelta(seconds=paused) if referral.due_by else None
    session.execute(
        update(ReferralRecord)
        .where(col(ReferralRecord.document_id) == document_id)
        .values(
            {
                **{name: getattr(referral, name) for name in _READING_COLUMNS},
                "due_by": due_by,
                "paused_seconds": paused,
                "waiting_since": None,
                "approved": null(),
            }
        )
    )


def fail(
    engine: Engine, claim: Claim, failure: Failure, max_attempts: int, retry_base_seconds: float
) -> Status | None:
    """Record a failed attempt: retry later, or fail the document for good.

    Returns the document's new status, or None if the lease was lost meanwhile.
    """
    final = failure.permanent or claim.attempt >= max_attempts
    status = Status.failed if final else Status.queued
    with session_scope(engine) as session:
        now = database_now(session)
        failed = _update_held(
            session,
            claim,
            status=status,
            locked_by=None,
            error_code=failure.code,
            error_message=failure.message,
            run_after=now + backoff(claim.attempt, retry_base_seconds),
        )
        if not failed:
            return None
        outcome = AttemptOutcome.failed if final else AttemptOutcome.retry
        session.execute(_close_attempt(claim, outcome, now, failure))
    return status


def release(engine: Engine, claim: Claim) -> bool:
    """Hand a document back to the queue unread, e.g. on shutdown: not counted as a try.

    False if the lease was lost meanwhile.
    """
    with session_scope(engine) as session:
        now = database_now(session)
        released = _update_held(
            session,
            claim,
            status=Status.queued,
            locked_by=None,
            attempts=Document.attempts - 1,
            run_after=now,
        )
        if not released:
            return False
        stopped = Failure("worker_stopped", "handed back when its worker was stopped", False)
        session.execute(_close_attempt(claim, AttemptOutcome.abandoned, now, stopped))
    return True


def rescue_abandoned(
    engine: Engine, dead_after_seconds: float, max_attempts: int, retry_base_seconds: float
) -> int:
    """Give documents held by dead workers back to the queue (or fail them after max attempts).

    A worker is dead when its heartbeat stopped, never because a document is taking long:
    a 50-page fax may legitimately OCR for minutes. Returns how many documents this call
    took back (another worker rescuing at the same moment takes the rest).
    """
    rescued = 0
    with session_scope(engine) as session:
        now = database_now(session)
        live = select(col(Worker.id)).where(
            col(Worker.heartbeat_at) >= now - timedelta(seconds=dead_after_seconds),
            col(Worker.stopped_at).is_(None),
        )
        orphaned = or_(col(Document.locked_by).is_(None), col(Document.locked_by).not_in(live))
        # In id order, so two rescuers lock rows in the same order and cannot deadlock.
        stalled = session.execute(
            select(col(Document.id), col(Document.locked_by), col(Document.attempts))
            .where(col(Document.status) == Status.processing, orphaned)
            .order_by(col(Document.id))
        ).all()
        for document_id, holder, attempts in stalled:
            final = attempts >= max_attempts
            taken = changed_one(
                session,
                update(Document)
                .where(
                    col(Document.id) == document_id,
                    col(Document.status) == Status.processing,
                    col(Document.locked_by) == holder
                    if holder is not None
                    else col(Document.locked_by).is_(None),
                )
                .values(
                    status=Status.failed if final else Status.queued,
                    locked_by=None,
                    run_after=now + backoff(attempts, retry_base_seconds),
                    error_code="worker_lost",
                    error_message=f"the worker processing it stopped responding ({attempts} tries)",
                ),
            )
            if not taken:
                continue
            # An open attempt exists only while its document is processing by that worker.
            session.execute(
                update(Attempt)
                .where(col(Attempt.document_id) == document_id, col(Attempt.outcome).is_(None))
                .values(outcome=AttemptOutcome.abandoned, finished_at=now)
            )
            rescued += 1
    return rescued


def requeue(engine: Engine, document_id: int) -> bool:
    """Queue a document again from scratch (a clerk's or an operator's reprocess); False
    unless its status is one a document may be read again from (``REPROCESSABLE``)."""
    with session_scope(engine) as session:
        return changed_one(
            session,
            update(Document)
            .where(col(Document.id) == document_id, col(Document.status).in_(REPROCESSABLE))
            .values(
                status=Status.queued,
                attempts=0,
                error_code=None,
                error_message=None,
                run_after=database_now(session),
                locked_by=None,
            ),
        )
