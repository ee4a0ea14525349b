"""The work queue: documents to review, urgent first, then by time left to the 24-hour target.

Filters come from the POSTed filter form (search terms are PHI and never go in a URL).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select, true
from sqlmodel import Session, col

from extractors.normalize import parse_date
from intake.db.accounts import User
from intake.db.models import Document, ReferralRecord, Status

PAGE_SIZE = 100
#: The default view: what still needs a clerk.
NEEDING_REVIEW = "needing_review"
STATUS_CHOICES = (NEEDING_REVIEW, *(s.value for s in Status), "all")
TYPE_CHOICES = ("", "dme", "home_health", "infusion", "unknown")
_NEEDING = (Status.needs_review, Status.in_review)


@dataclass(frozen=True)
class QueueFilter:
    status: str = NEEDING_REVIEW
    referral_type: str = ""
    urgent: bool = False
    flagged: bool = False
    search: str = ""

    @classmethod
    def from_form(cls, form: Mapping[str, Any]) -> QueueFilter:
        """Unknown choices fall back to the default instead of failing the page."""
        status = str(form.get("status", NEEDING_REVIEW))
        referral_type = str(form.get("referral_type", ""))
        return cls(
            status=status if status in STATUS_CHOICES else NEEDING_REVIEW,
            referral_type=referral_type if referral_type in TYPE_CHOICES else "",
            urgent=form.get("urgent") == "yes",
            flagged=form.get("flagged") == "yes",
            search=" ".join(str(form.get("search", "")).split())[:100],
        )


@dataclass(frozen=True)
class QueueRow:
    document_id: int
    received_at: datetime
    status: str
    referral_type: str | None
    member_name: str | None
    member_dob: str | None
    clinician_name: str | None
    missing_count: int | None
    flag_count: int | None
    urgent: bool
    due_by: datetime | None
    #: Since when the desk waits on the office (the clock is paused), if it does.
    waiting_since: datetime | None
    #: Who has it open right now, if anyone.
    in_review_by: str | None


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int


def queue_page(
    session: Session, wanted: QueueFilter, now: datetime, today: date, limit: int = PAGE_SIZE
) -> QueuePage:
    where = _conditions(wanted, today)
    lock_active = and_(
        col(ReferralRecord.review_user_id) == col(User.id),
        col(ReferralRecord.review_expires_at) > now,
    )
    query = (
        select(
            col(Document.id),
            col(Document.received_at),
            col(Document.status),
            col(ReferralRecord.referral_type),
            col(ReferralRecord.member_name),
            col(ReferralRecord.member_dob),
            col(ReferralRecord.clinician_name),
            col(ReferralRecord.missing_count),
            col(ReferralRecord.flag_count),
            col(ReferralRecord.urgent),
            col(ReferralRecord.due_by),
            col(ReferralRecord.waiting_since),
            col(User.username),
        )
        .select_from(Document)
        .outerjoin(ReferralRecord, col(ReferralRecord.document_id) == col(Document.id))
        .outerjoin(User, lock_active)
        .where(*where)
        .order_by(*queue_order(now))
        .limit(limit)
    )
    rows = [
        QueueRow(
            document_id=row[0],
            received_at=row[1],
            status=str(row[2]),
            referral_type=row[3],
            member_name=row[4],
            member_dob=row[5],
            clinician_name=row[6],
            missing_count=row[7],
            flag_count=row[8],
            urgent=bool(row[9]),
            due_by=row[10],
            waiting_since=row[11],
            in_review_by=row[12],
        )
        for row in session.execute(query).all()
    ]
    total = session.execute(
        select(func.count())
        .select_from(Document)
        .outerjoin(ReferralRecord, col(ReferralRecord.document_id) == col(Document.id))
        .where(*where)
    ).scalar_one()
    return QueuePage(rows=rows, total=int(total))


def queue_order(now: datetime) -> list[Any]:
    """Overdue first, the most overdue at the top; then urgent ones, then the nearest
    deadline. Urgency moves a document up only among those still in time: an overdue routine
    order has waited longer than the desk promised, an urgent one with hours left has not.
    A document with no reading has no deadline of its own and sorts by arrival. Those waiting
    on the office come last: their clock is paused and nothing is owed on them yet."""
    deadline = func.coalesce(col(ReferralRecord.due_by), col(Document.received_at))
    waiting = col(ReferralRecord.waiting_since).is_not(None)
    overdue = and_(~waiting, deadline < now)
    urgent = func.coalesce(col(ReferralRecord.urgent), false())
    return [
        case((waiting, 1), else_=0),
        case((overdue, 0), else_=1),
        case((and_(~overdue, urgent), 0), else_=1),
        deadline,
        col(Document.id),
    ]


def _conditions(wanted: QueueFilter, today: date) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if wanted.status == NEEDING_REVIEW:
        where.append(col(Document.status).in_(_NEEDING))
    elif wanted.status != "all":
        where.append(col(Document.status) == wanted.status)
    if wanted.referral_type:
        where.append(col(ReferralRecord.referral_type) == wanted.referral_type)
    if wanted.urgent:
        where.append(col(ReferralRecord.urgent) == true())
    if wanted.flagged:
        where.append(col(ReferralRecord.flag_count) > 0)
    if wanted.search:
        where.append(_search(wanted.search, today))
    return where


def _search(term: str, today: date) -> ColumnElement[bool]:
    """A date searches date of birth; anything else the member's name (every word) or ID."""
    dob = parse_date(term, "dob", today)
    if dob is not None:
        return col(ReferralRecord.member_dob) == dob.date.isoformat()
    words = [word.strip(",") for word in term.split() if word.strip(",")]
    name = and_(
        *(col(ReferralRecord.member_name).icontains(word, autoescape=True) for word in words)
    )
    return or_(name, col(ReferralRecord.member_id).icontains(term, autoescape=True))


def next_document(session: Session, current_id: int, user_id: int, now: datetime) -> int | None:
    """The first document in the default queue after leaving ``current_id``, skipping those
    another clerk has open."""
    free = or_(
        col(ReferralRecord.review_user_id).is_(None),
        col(ReferralRecord.review_user_id) == user_id,
        col(ReferralRecord.review_expires_at) <= now,
    )
    found = session.execute(
        select(col(Document.id))
        .select_from(Document)
        .outerjoin(ReferralRecord, col(ReferralRecord.document_id) == col(Document.id))
        .where(col(Document.status).in_(_NEEDING), col(Document.id) != current_id, free)
        .order_by(*queue_order(now))
        .limit(1)
    ).scalar()
    return int(found) if found is not None else None
