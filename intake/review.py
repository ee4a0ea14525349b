"""What a clerk can do to a document, as transitions in the caller's transaction.

Open (viewing takes no lock: a clerk's first edit takes a soft lock with expiry, so two clerks
never work one document unknowingly, and leaving the page releases it), save
corrections as numbered versions beside the extractor's output, approve (refused while
required fields are missing unless a supervisor overrides with a reason, and while a value
fails a rule unless the clerk confirms it against the page or a supervisor overrides), request
clarification, reject, reprocess, and reopen a validated referral to correct it (a supervisor,
with a reason). Every view, change and decision is audited in the same transaction as the
change itself; each decision is an event of the downstream feed (intake.feed).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from extractors.extract.rules import ACKNOWLEDGE_WITHIN
from intake import feed, queue
from intake.audit_trail import Actor, append
from intake.clarification import Desk, failing_fields, fax_back_text
from intake.clock import time_waited
from intake.db.accounts import Role, User
from intake.db.engine import session_scope
from intake.db.feed import FeedEventKind
from intake.db.models import OPEN_STATUSES, REPROCESSABLE, Document, ReferralRecord, Status
from intake.db.review import ReferralVersion, ReviewDraft
from intake.errors import IntakeError
from intake.fax_back_pdf import drop_in_outbox, letter_pdf
from intake.referral_columns import summary_columns
from intake.referral_edit import apply_edits
from intake.review_drafts import end_draft

_REASON_MAX = 1000


class ReviewError(IntakeError):
    """An action the clerk cannot take now; the message is for the clerk and holds no PHI."""

    code = "review_refused"
    #: The document's state refuses it (decided, locked, incomplete): a conflict.
    http_status = 409


class NotFound(ReviewError):
    code = "not_found"
    http_status = 404


class NotAllowed(ReviewError):
    code = "not_allowed"


class SupervisorOnly(ReviewError):
    code = "supervisor_only"
    http_status = 403


class LockedByOther(ReviewError):
    code = "locked_by_other"

    def __init__(self, holder: str, until: datetime) -> None:
        super().__init__(f"in review by {holder}")
        self.holder = holder
        self.until = until


class MissingRequired(ReviewError):
    code = "missing_required"

    def __init__(self, missing: list[str]) -> None:
        super().__init__(f"{len(missing)} required field(s) missing")
        self.missing = missing


class UncheckedValues(ReviewError):
    """Values fail a rule (an NPI's check digit, a code not in its code set, an implausible
    date) and the clerk has not confirmed them as printed."""

    code = "unchecked_values"

    def __init__(self, fields: list[str]) -> None:
        super().__init__(f"{len(fields)} value(s) fail a check and are not confirmed")
        self.fields = fields


@dataclass(frozen=True)
class Reviewer:
    actor: Actor
    role: Role

    @property
    def user_id(self) -> int:
        assert self.actor.user_id is not None
        return self.actor.user_id

    @property
    def is_supervisor(self) -> bool:
        return self.role in (Role.supervisor, Role.admin)


@dataclass(frozen=True)
class Lock:
    holder: str
    until: datetime
    mine: bool


@dataclass(frozen=True)
class Opened:
    document: Document
    referral: ReferralRecord | None
    lock: Lock | None


def current_values(referral: ReferralRecord) -> dict[str, Any]:
    """The values as they stand: the clerk's latest save, else the extractor's reading."""
    return referral.approved if referral.approved is not None else referral.extracted


def received_day(document: Document, referral: ReferralRecord) -> date:
    # due_by is 24 h after the fax header's own time (the time the rules judged dates by),
    # plus the time the desk waited on the office.
    if referral.due_by is None:
        return document.received_at.date()
    paused = timedelta(seconds=referral.paused_seconds)
    return (referral.due_by - ACKNOWLEDGE_WITHIN - paused).date()


def open_document(session: Session, document_id: int, reviewer: Reviewer, now: datetime) -> Opened:
    """Record the view, and say who holds the lock. Viewing takes no lock: a supervisor
    reading the audit trail, or a clerk looking, leaves the document free for others."""
    document, referral = load(session, document_id)
    append(session, "view", reviewer.actor, document_id=document_id)
    if referral is None or document.status not in OPEN_STATUSES:
        return Opened(document, referral, None)
    return Opened(document, referral, lock_of(session, referral, reviewer, now))


def lock_of(
    session: Session, referral: ReferralRecord, reviewer: Reviewer, now: datetime
) -> Lock | None:
    """Who holds the review lock now, or None when nobody does."""
    expires = referral.review_expires_at
    if referral.review_user_id is None or expires is None or expires <= now:
        return None
    holder = session.get_one(User, referral.review_user_id)
    return Lock(holder.username, expires, referral.review_user_id == reviewer.user_id)


def renew_lock(
    session: Session, document_id: int, reviewer: Reviewer, now: datetime, hold: timedelta
) -> Lock:
    """Take the lock at the clerk's first edit, and keep it while they work; LockedByOther
    when another clerk holds it."""
    _, referral = _open_referral(session, document_id, reviewer, now, hold)
    return _take(referral, reviewer, now, hold)


def release_lock(session: Session, document_id: int, reviewer: Reviewer, now: datetime) -> bool:
    """Give up the lock when the clerk leaves the page; whether they held it."""
    _, referral = load(session, document_id)
    lock = lock_of(session, referral, reviewer, now) if referral is not None else None
    if referral is None or lock is None or not lock.mine:
        return False
    _free(referral)
    session.add(referral)
    return True


def take_over(
    session: Session, document_id: int, reviewer: Reviewer, now: datetime, hold: timedelta
) -> Lock:
    """Take the lock from whoever holds it, knowingly: the audit trail names them."""
    document, referral = load(session, document_id)
    if referral is None or document.status not in OPEN_STATUSES:
        raise NotAllowed("this document is not open for review")
    previous = lock_of(session, referral, reviewer, now)
    detail = f"from {previous.holder}" if previous and not previous.mine else None
    append(session, "lock_taken", reviewer.actor, document_id=document_id, detail=detail)
    return _take(referral, reviewer, now, hold)


def save_values(
    session: Session,
    document_id: int,
    reviewer: Reviewer,
    submitted: Mapping[str, str],
    now: datetime,
    hold: timedelta,
) -> list[str]:
    """Apply the clerk's values; a change becomes a new version with one audit row per field.

    Returns the paths that changed. Raises InvalidValues when a value does not fit.
    """
    document, referral = _open_referral(session, document_id, reviewer, now, hold)
    before = current_values(referral)
    values, changes = apply_edits(before, submitted, received_day(document, referral))
    # What the clerk typed is saved now (or was the values already): no draft is left.
    end_draft(session, document_id, reviewer.user_id)
    if not changes:
        return []
    assert referral.id is not None
    number = session.execute(
        select(func.coalesce(func.max(ReferralVersion.number), 0)).where(
            col(ReferralVersion.referral_id) == referral.id
        )
    ).scalar_one()
    session.add(
        ReferralVersion(
            referral_id=referral.id,
            number=int(number) + 1,
            values=values,
            user_id=reviewer.user_id,
            created_at=now,
        )
    )
    _store_values(session, referral, values)
    for change in changes:
        append(
            session,
            "edit",
            reviewer.actor,
            document_id=document_id,
            field=change.path,
            old=change.old,
            new=change.new,
        )
    return [change.path for change in changes]


def approve(
    session: Session,
    document_id: int,
    reviewer: Reviewer,
    now: datetime,
    hold: timedelta,
    override_reason: str | None = None,
    confirmed: Collection[str] = (),
) -> int:
    """Validate the referral and return its number in the downstream feed: a new version
    of it, when it was validated before and reopened.

    With required fields missing it is refused, unless a supervisor gives a reason. A value
    failing a rule is refused too, unless its field is among those the clerk ``confirmed``
    against the page (each confirmation is audited) or a supervisor gives a reason.
    """
    document, referral = _open_referral(session, document_id, reviewer, now, hold)
    values = current_values(referral)
    missing = list(values.get("missing") or [])
    failing = failing_fields(values)
    unchecked = [field for field in failing if field not in confirmed]
    reason = None
    if missing or unchecked:
        if override_reason is None:
            raise MissingRequired(missing) if missing else UncheckedValues(unchecked)
        if not reviewer.is_supervisor:
            raise SupervisorOnly(
                "only a supervisor can approve with required fields missing"
                if missing
                else "only a supervisor can approve values that fail a check unconfirmed"
            )
        reason = _reason(override_reason)
    for field in failing:
        if field in confirmed:
            detail = "checked against the page: the value is as printed"
            append(
                session,
                "confirm",
                reviewer.actor,
                document_id=document_id,
                field=field,
                detail=detail,
            )
    _store_values(session, referral, values)
    _decide(session, document, referral, Status.validated, reviewer, now, reason)
    session.flush()
    # Last in the transaction: it holds the counter row's lock until commit.
    event = feed.record_validation(session, referral, reviewer.user_id, now)
    if referral.validated_seq is None:
        # The first validation only: the dashboard times receipt to validation by it (a
        # correction is in the feed, which the API, outbox and webhooks follow).
        referral.validated_seq = event.seq
        referral.validated_at = now
        session.add(referral)
    return event.seq


def reopen(
    session: Session,
    document_id: int,
    reviewer: Reviewer,
    reason: str,
    now: datetime,
    hold: timedelta,
) -> None:
    """Take a validated referral back into review to correct it; approving it again makes
    its next version. A supervisor's act, with a reason: downstream systems have it, and the
    feed tells them it is being corrected."""
    if not reviewer.is_supervisor:
        raise SupervisorOnly("only a supervisor can reopen a validated referral")
    document, referral = load(session, document_id)
    if referral is None or document.status != Status.validated:
        raise NotAllowed("only a validated referral can be reopened")
    text = _reason(reason)
    _take(referral, reviewer, now, hold)
    session.add(referral)
    _set_status(session, document, Status.in_review, reviewer, detail=f"reopened: {text}")
    session.flush()
    feed.record_status(session, referral, FeedEventKind.reopened, reviewer.user_id, now)


def request_clarification(
    session: Session,
    document_id: int,
    reviewer: Reviewer,
    reason: str,
    now: datetime,
    hold: timedelta,
    desk: Desk,
    outbox: Path | None = None,
) -> str:
    """Send the order back for what is missing; returns the fax-back text for the office.

    With an ``outbox`` (a fax server's folder) the letter is left there as a PDF before the
    decision commits: a letter that cannot be written refuses the request, so the desk never
    waits on an office that was not asked.
    """
    document, referral = _open_referral(session, document_id, reviewer, now, hold)
    text = _reason(reason)
    _decide(session, document, referral, Status.needs_clarification, reviewer, now, text)
    letter = clarification_text(document, referral, desk)
    if outbox is not None:
        to_fax = (current_values(referral).get("clinician") or {}).get("fax")
        try:
            drop_in_outbox(outbox, document_id, letter_pdf(letter), to_fax)
        except OSError as exc:
            raise NotAllowed(
                f"the fax-back could not be left for the fax server ({exc.strerror})"
            ) from exc
        append(session, "fax_back_queued", reviewer.actor, document_id=document_id)
    kind = FeedEventKind.clarification_requested
    feed.record_status(session, referral, kind, reviewer.user_id, now)
    return letter


def clarification_text(document: Document, referral: ReferralRecord, desk: Desk) -> str:
    assert document.id is not None
    return fax_back_text(
        current_values(referral),
        desk=desk,
        document_id=document.id,
        received_at=document.received_at,
        reason=referral.decision_reason or "",
    )


def reject(
    session: Session,
    document_id: int,
    reviewer: Reviewer,
    reason: str,
    now: datetime,
    hold: timedelta,
) -> None:
    document, referral = _open_referral(session, document_id, reviewer, now, hold)
    _decide(session, document, referral, Status.rejected, reviewer, now, _reason(reason))
    session.flush()
    feed.record_status(session, referral, FeedEventKind.rejected, reviewer.user_id, now)


def reprocess(engine: Engine, document_id: int, reviewer: Reviewer, now: datetime) -> None:
    """Queue the document to be read again from its original. The new reading replaces the
    extractor's values and the clerk's current ones; saved versions and the audit trail keep
    what the clerk did."""
    with session_scope(engine) as session:
        document, referral = load(session, document_id)
        if document.status not in REPROCESSABLE:
            raise NotAllowed(f"a {document.status} document cannot be reprocessed")
        lock = lock_of(session, referral, reviewer, now) if referral is not None else None
        if lock is not None and not lock.mine:
            raise LockedByOther(lock.holder, lock.until)
    # The queue owns the reset of a document's processing state, in its own transaction.
    if not queue.requeue(engine, document_id):
        raise NotAllowed("the document is already being processed")
    with session_scope(engine) as session:
        # Every clerk's draft was typed over the reading that is now replaced.
        end_draft(session, document_id)
        _audit_status(session, document, Status.queued, reviewer, detail="reprocess")


@dataclass(frozen=True)
class ReprocessLoses:
    """What reading a document again discards from the values clerks see."""

    #: Saves of corrections to the current reading (the versions stay in the history).
    saved_versions: int
    #: Clerks' drafts: what they typed and had not saved.
    drafts: int


def reprocess_loses(session: Session, document_id: int) -> ReprocessLoses:
    _, referral = load(session, document_id)
    versions = 0
    if referral is not None and referral.id is not None:
        versions = session.execute(
            select(func.count())
            .select_from(ReferralVersion)
            .where(col(ReferralVersion.referral_id) == referral.id)
        ).scalar_one()
    drafts = session.execute(
        select(func.count())
        .select_from(ReviewDraft)
        .where(col(ReviewDraft.document_id) == document_id)
    ).scalar_one()
    return ReprocessLoses(int(versions), int(drafts))


def load(session: Session, document_id: int) -> tuple[Document, ReferralRecord | None]:
    document = session.get(Document, document_id)
    if document is None:
        raise NotFound("no such document")
    # Row-locked on PostgreSQL (SQLite's writes are serialized already), so two clerks
    # opening one document at the same moment cannot both take its lock.
    referral = session.exec(
        select(ReferralRecord)
        .where(col(ReferralRecord.document_id) == document_id)
        .with_for_update()
    ).first()
    return document, referral


def _open_referral(
    session: Session, document_id: int, reviewer: Reviewer, now: datetime, hold: timedelta
) -> tuple[Document, ReferralRecord]:
    """The document and its referral, when it is open for review and nobody else holds it."""
    document, referral = load(session, document_id)
    if document.status not in OPEN_STATUSES:
        raise NotAllowed(f"this document is {document.status}; it is not open for review")
    if referral is None:
        raise NotAllowed("this document has no reading to review; reprocess or reject it")
    lock = lock_of(session, referral, reviewer, now)
    if lock is not None and not lock.mine:
        raise LockedByOther(lock.holder, lock.until)
    _take(referral, reviewer, now, hold)
    session.add(referral)
    # Taking up a document the desk was waiting on (the office answered) restarts its clock.
    if document.status in (Status.needs_review, Status.needs_clarification):
        _resume_clock(referral, now)
        _set_status(session, document, Status.in_review, reviewer)
    return document, referral


def _take(referral: ReferralRecord, reviewer: Reviewer, now: datetime, hold: timedelta) -> Lock:
    referral.review_user_id = reviewer.user_id
    referral.review_expires_at = now + hold
    return Lock(reviewer.actor.name, referral.review_expires_at, mine=True)


def _resume_clock(referral: ReferralRecord, now: datetime) -> None:
    """End a wait on the office: the deadline moves later by the time waited."""
    waited = time_waited(referral.waiting_since, now)
    if referral.due_by is not None:
        referral.due_by += waited
    referral.paused_seconds += int(waited.total_seconds())
    referral.waiting_since = None


def _free(referral: ReferralRecord) -> None:
    referral.review_user_id = None
    referral.review_expires_at = None


def _store_values(session: Session, referral: ReferralRecord, values: dict[str, Any]) -> None:
    referral.approved = values
    for name, value in summary_columns(values).items():
        setattr(referral, name, value)
    session.add(referral)


def _decide(
    session: Session,
    document: Document,
    referral: ReferralRecord,
    status: Status,
    reviewer: Reviewer,
    now: datetime,
    reason: str | None,
) -> None:
    assert document.id is not None
    end_draft(session, document.id, reviewer.user_id)
    referral.decision_reason = reason
    referral.decided_by_id = reviewer.user_id
    referral.decided_at = now
    # The desk owes the office nothing while it waits on the office's answer.
    referral.waiting_since = now if status == Status.needs_clarification else None
    _free(referral)
    session.add(referral)
    _set_status(session, document, status, reviewer, detail=reason)


def _set_status(
    session: Session,
    document: Document,
    status: Status,
    reviewer: Reviewer,
    detail: str | None = None,
) -> None:
    _audit_status(session, document, status, reviewer, detail)
    document.status = status
    session.add(document)


def _audit_status(
    session: Session, document: Document, status: Status, reviewer: Reviewer, detail: str | None
) -> None:
    append(
        session,
        "status",
        reviewer.actor,
        document_id=document.id,
        field="status",
        old=str(document.status),
        new=str(status),
        detail=detail,
    )


def _reason(text: str) -> str:
    reason = " ".join(text.split())
    if not reason:
        raise NotAllowed("a reason is required")
    if len(reason) > _REASON_MAX:
        raise NotAllowed(f"the reason is longer than {_REASON_MAX} characters")
    return reason
