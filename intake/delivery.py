"""Validated referrals as downstream consumers receive them, in the order they were validated,
with each consumer's acknowledgements.

The order is ``ReferralRecord.validated_seq``: gap-free and committed in order (see
``intake.validation``), so a reader that has seen everything up to number n never sees a
smaller number appear later, and "after n" is a cursor that survives concurrent validations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy import ColumnElement, exists
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from extractors.referral import Referral
from intake.db.accounts import User
from intake.db.models import Document, ReferralRecord, Status
from intake.db.review import Delivery
from intake.db.types import MAX_INTEGER

#: The largest cursor a client may send: validated_seq is an integer column.
MAX_CURSOR = MAX_INTEGER


class Review(BaseModel):
    """Who validated the referral, and when."""

    validated_by: str | None = Field(description="The clerk's username.")
    validated_at: AwareDatetime
    #: Whether the clerk corrected the extractor's values before validating.
    changed: bool
    #: The clerk's reason, when one was required (e.g. approved over missing fields).
    note: str | None = None


class SourceDocument(BaseModel):
    """The original fax, as received; its bytes are at /referrals/{id}/document."""

    id: int
    media_type: str | None = Field(description="application/pdf, image/tiff, image/png...")
    pages: int | None
    size_bytes: int
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    received_at: AwareDatetime


class ValidatedReferral(BaseModel):
    """One validated referral: the values to act on, what the extractor read, and the review."""

    id: int
    #: Its place in the order of validation: pass it as ``after`` to continue from here.
    cursor: int = Field(ge=1)
    status: Literal["validated"] = "validated"
    #: The values the clerk validated (the extractor's own when the clerk changed nothing).
    approved: Referral
    #: The extractor's original reading.
    extracted: Referral
    review: Review
    document: SourceDocument


class ReferralPage(BaseModel):
    data: list[ValidatedReferral]
    #: Pass as ``after`` for the next page; the same cursor again when the page was empty.
    next_cursor: int = Field(ge=0)
    has_more: bool


@dataclass(frozen=True)
class Ack:
    referral_id: int
    document_id: int
    acked_at: datetime
    #: False when this consumer had already acknowledged the referral.
    first: bool


def _rows(
    session: Session, *where: ColumnElement[bool]
) -> list[tuple[ReferralRecord, Document, str | None]]:
    """The validated referrals matching ``where`` with their documents and validating users,
    in the order of validation."""
    rows = session.execute(
        select(ReferralRecord, Document, User.username)
        .join(Document, col(Document.id) == col(ReferralRecord.document_id))
        .outerjoin(User, col(User.id) == col(ReferralRecord.decided_by_id))
        .where(*where)
        .order_by(col(ReferralRecord.validated_seq))
    ).all()
    # Checked here rather than in SQL, where a filter on the document's status can lead a
    # planner to walk every validated document. A referral reopened after validation keeps
    # its number but is not served meanwhile.
    return [
        (record, document, username)
        for record, document, username in rows
        if record.validated_seq is not None and document.status == Status.validated
    ]


#: File name extensions of the originals the API serves, by media type.
EXTENSIONS = {
    "application/pdf": "pdf",
    "image/tiff": "tiff",
    "image/png": "png",
    "image/jpeg": "jpg",
}


def download_name(referral_id: int, media_type: str | None) -> str:
    """The name the API gives a referral's original: never the name it arrived with, which
    fax servers often build from the patient's name (the clerk still sees that one)."""
    return f"referral-{referral_id}.{EXTENSIONS.get(media_type or '', 'bin')}"


def _represent(
    record: ReferralRecord, document: Document, username: str | None
) -> ValidatedReferral:
    assert record.validated_seq is not None and record.validated_at is not None
    assert record.id is not None
    extracted = Referral.model_validate(record.extracted)
    changed = record.approved is not None and record.approved != record.extracted
    # Most referrals are validated as read: one model serves both, checked once.
    approved = Referral.model_validate(record.approved) if changed else extracted
    served_as = download_name(record.id, document.media_type)
    for referral in (extracted, approved):  # often one object: set twice, harmlessly
        referral.source.filename = served_as
    return ValidatedReferral.model_validate(
        {
            "id": record.id,
            "cursor": record.validated_seq,
            "status": "validated",
            "approved": approved,
            "extracted": extracted,
            "review": {
                "validated_by": username,
                "validated_at": record.validated_at,
                "changed": changed,
                "note": record.decision_reason,
            },
            "document": {
                "id": document.id,
                "media_type": document.media_type,
                "pages": document.page_count,
                "size_bytes": document.size_bytes,
                "sha256": document.sha256,
                "received_at": document.received_at,
            },
        }
    )


def _page(session: Session, after: int, limit: int, unacked_by: int | None = None) -> ReferralPage:
    # First the window of numbers, from the validated_seq index alone: joined with the
    # documents, a planner may start from the status index and sort every validated row.
    window = select(ReferralRecord.id, ReferralRecord.validated_seq).where(
        col(ReferralRecord.validated_seq) > after
    )
    if unacked_by is not None:
        window = window.where(
            ~exists().where(
                col(Delivery.token_id) == unacked_by,
                col(Delivery.referral_id) == col(ReferralRecord.id),
            )
        )
    rows = session.execute(
        window.order_by(col(ReferralRecord.validated_seq)).limit(limit + 1)
    ).all()
    taken = rows[:limit]
    served = _rows(session, col(ReferralRecord.id).in_([row[0] for row in taken]))
    # A referral reopened since its validation is skipped, and the cursor still moves past it.
    return ReferralPage(
        data=[_represent(*row) for row in served],
        next_cursor=int(taken[-1][1]) if taken else after,
        has_more=len(rows) > limit,
    )


def validated(session: Session, after: int, limit: int) -> ReferralPage:
    """Validated referrals with a cursor above ``after``, oldest validation first."""
    return _page(session, after, limit)


def pending(session: Session, token_id: int, after: int, limit: int) -> ReferralPage:
    """Validated referrals this consumer has not acknowledged yet, oldest validation first."""
    return _page(session, after, limit, unacked_by=token_id)


def one(session: Session, referral_id: int) -> ValidatedReferral | None:
    """The referral if it is validated; None for one that does not exist or is not validated."""
    rows = _rows(session, col(ReferralRecord.id) == referral_id)
    return _represent(*rows[0]) if rows else None


def acknowledge(session: Session, token_id: int, referral_id: int) -> Ack | None:
    """Record that this consumer has the referral. Idempotent: a repeat returns the first
    acknowledgement's time. None if the referral is not one the consumer can see."""
    document_id = session.execute(
        select(ReferralRecord.document_id)
        .join(Document, col(Document.id) == col(ReferralRecord.document_id))
        .where(
            col(ReferralRecord.id) == referral_id,
            col(ReferralRecord.validated_seq).is_not(None),
            col(Document.status) == Status.validated,
        )
    ).scalar_one_or_none()
    if document_id is None:
        return None
    first = _delivery(session, token_id, referral_id) is None
    if first:
        try:
            # A savepoint, so that losing a race with the same consumer's other ack undoes
            # only this insert.
            with session.begin_nested():
                session.add(Delivery(token_id=token_id, referral_id=referral_id))
        except IntegrityError:
            first = False
    delivery = _delivery(session, token_id, referral_id)
    assert delivery is not None
    return Ack(
        referral_id=referral_id, document_id=document_id, acked_at=delivery.acked_at, first=first
    )


def _delivery(session: Session, token_id: int, referral_id: int) -> Delivery | None:
    return session.exec(
        select(Delivery).where(
            col(Delivery.token_id) == token_id, col(Delivery.referral_id) == referral_id
        )
    ).first()
