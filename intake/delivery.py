"""Referrals as downstream consumers receive them: the feed (each validation of a referral
with its values, and optionally what else became of it), a referral's current version, and
each consumer's acknowledgements.

The order is ``FeedEvent.seq``: committed in order (see ``intake.feed``), so a reader that
has seen everything up to number n never sees a smaller number appear later, and "after n" is
a cursor that survives concurrent decisions. A referral reopened and validated again is a new
version with a new number; the feed shows each referral at its latest version only, so a
consumer reading from the start gets the values that stand, once.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy import ColumnElement, exists, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from extractors.referral import Referral
from intake.clock import utcnow
from intake.db.accounts import User
from intake.db.engine import changed_one
from intake.db.feed import FeedEvent, FeedEventKind
from intake.db.models import Document, ReferralRecord, Status
from intake.db.review import Delivery
from intake.db.types import MAX_INTEGER
from intake.feed import VALIDATIONS

#: The largest cursor a client may send: the feed's numbers are an integer column.
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
    #: Its place in the feed: pass it as ``after`` to continue from here.
    cursor: int = Field(ge=1)
    status: Literal["validated"] = "validated"
    #: ``validated`` for version 1; ``corrected`` for a later version, validated again after a
    #: supervisor reopened it: it replaces every earlier version.
    event: Literal["validated", "corrected"] = "validated"
    version: int = Field(default=1, ge=1)
    #: The values the clerk validated (the extractor's own when the clerk changed nothing).
    approved: Referral
    #: The extractor's original reading.
    extracted: Referral
    review: Review
    document: SourceDocument


class StatusEvent(BaseModel):
    """What became of a referral, without its values: reopened to be corrected (a
    ``corrected`` version follows, or a rejection), rejected, or sent back to the ordering
    office for clarification."""

    #: The referral's id, as in ValidatedReferral.
    id: int
    cursor: int = Field(ge=1)
    event: Literal["reopened", "rejected", "clarification_requested"]
    #: How many times the referral had been validated by then; 0 when never, so a consumer
    #: that never received it can tell.
    version: int = Field(ge=0)
    at: AwareDatetime


FeedItem = Annotated[ValidatedReferral | StatusEvent, Field(discriminator="event")]


class FeedPage(BaseModel):
    data: list[FeedItem]
    #: Pass as ``after`` for the next page; the same cursor again when the page was empty.
    next_cursor: int = Field(ge=0)
    has_more: bool


class ReferralPage(BaseModel):
    data: list[ValidatedReferral]
    #: Pass as ``after`` for the next page; the same cursor again when the page was empty.
    next_cursor: int = Field(ge=0)
    has_more: bool


@dataclass(frozen=True)
class Ack:
    referral_id: int
    document_id: int
    #: The version acknowledged.
    version: int
    acked_at: datetime
    #: False when this consumer had already acknowledged this version (or a later one).
    first: bool


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


_LATER = aliased(FeedEvent)


def _standing() -> ColumnElement[bool]:
    """A status event, or a validation that no later validation of its referral replaced."""
    return or_(
        col(FeedEvent.event).not_in(VALIDATIONS),
        ~exists().where(
            col(_LATER.referral_id) == col(FeedEvent.referral_id),
            col(_LATER.seq) > col(FeedEvent.seq),
            col(_LATER.event).in_(VALIDATIONS),
        ),
    )


def _validated_rows(
    session: Session, referral_ids: Collection[int]
) -> dict[int, tuple[ReferralRecord, Document]]:
    """The referrals among ``referral_ids`` that are validated now, with their documents.

    Checked here rather than in the window's SQL, where a filter on the document's status can
    lead a planner to walk every validated document. A referral reopened since is left out.
    """
    rows = session.execute(
        select(ReferralRecord, Document)
        .join(Document, col(Document.id) == col(ReferralRecord.document_id))
        .where(col(ReferralRecord.id).in_(referral_ids))
    ).all()
    return {
        record.id: (record, document)
        for record, document in rows
        if record.id is not None and document.status == Status.validated
    }


def _usernames(session: Session, events: Sequence[FeedEvent]) -> dict[int, str]:
    ids = {event.user_id for event in events if event.user_id is not None}
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.username).where(col(User.id).in_(ids))).all()
    return {int(user_id): username for user_id, username in rows}


def _represent(
    event: FeedEvent, record: ReferralRecord, document: Document, username: str | None
) -> ValidatedReferral:
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
            "cursor": event.seq,
            "status": "validated",
            "event": event.event,
            "version": event.version,
            "approved": approved,
            "extracted": extracted,
            "review": {
                "validated_by": username,
                "validated_at": event.at,
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


def _items(session: Session, events: Sequence[FeedEvent]) -> list[ValidatedReferral | StatusEvent]:
    validated = _validated_rows(
        session, [event.referral_id for event in events if event.event in VALIDATIONS]
    )
    usernames = _usernames(session, events)
    items: list[ValidatedReferral | StatusEvent] = []
    for event in events:
        if event.event not in VALIDATIONS:
            items.append(
                StatusEvent.model_validate(
                    {
                        "id": event.referral_id,
                        "cursor": event.seq,
                        "event": event.event,
                        "version": event.version,
                        "at": event.at,
                    }
                )
            )
        elif (row := validated.get(event.referral_id)) is not None:
            username = usernames.get(event.user_id) if event.user_id is not None else None
            items.append(_represent(event, *row, username))
    return items


def _window(
    session: Session, after: int, limit: int, *where: ColumnElement[bool]
) -> tuple[list[FeedEvent], int, bool]:
    """Up to ``limit`` standing events after ``after`` matching ``where``, from the feed's
    own indexes: joined with the documents, a planner may start from the status index and
    sort every validated row. Returns them, the next cursor and whether more follow."""
    events = list(
        session.exec(
            select(FeedEvent)
            .where(col(FeedEvent.seq) > after, _standing(), *where)
            .order_by(col(FeedEvent.seq))
            .limit(limit + 1)
        ).all()
    )
    taken = events[:limit]
    # A referral reopened since its validation is skipped, and the cursor still moves past it.
    return taken, taken[-1].seq if taken else after, len(events) > limit


def feed(
    session: Session, after: int, limit: int, kinds: Collection[FeedEventKind] = VALIDATIONS
) -> FeedPage:
    """The feed after ``after``, oldest first: each referral at its latest validation (as
    ``validated`` or ``corrected``), and the status events among ``kinds``."""
    events, next_cursor, has_more = _window(
        session, after, limit, col(FeedEvent.event).in_(list(kinds))
    )
    return FeedPage(data=_items(session, events), next_cursor=next_cursor, has_more=has_more)


def validated(session: Session, after: int, limit: int) -> ReferralPage:
    """The referrals' latest validations after ``after``, oldest first."""
    return _referral_page(session, after, limit)


def pending(session: Session, token_id: int, after: int, limit: int) -> ReferralPage:
    """Validated referrals whose latest version this consumer has not acknowledged, oldest
    validation first: a correction of one it acknowledged is pending again."""
    unacked = ~exists().where(
        col(Delivery.token_id) == token_id,
        col(Delivery.referral_id) == col(FeedEvent.referral_id),
        col(Delivery.version) >= col(FeedEvent.version),
    )
    return _referral_page(session, after, limit, unacked)


def _referral_page(
    session: Session, after: int, limit: int, *where: ColumnElement[bool]
) -> ReferralPage:
    events, next_cursor, has_more = _window(
        session, after, limit, col(FeedEvent.event).in_(VALIDATIONS), *where
    )
    items = [item for item in _items(session, events) if isinstance(item, ValidatedReferral)]
    return ReferralPage(data=items, next_cursor=next_cursor, has_more=has_more)


def _latest_validation(session: Session, referral_id: int) -> FeedEvent | None:
    return session.exec(
        select(FeedEvent)
        .where(col(FeedEvent.referral_id) == referral_id, col(FeedEvent.event).in_(VALIDATIONS))
        .order_by(col(FeedEvent.seq).desc())
        .limit(1)
    ).first()


def one(session: Session, referral_id: int) -> ValidatedReferral | None:
    """The referral's latest version if it is validated now; None for one that does not
    exist or is not validated (never, or reopened since)."""
    event = _latest_validation(session, referral_id)
    if event is None:
        return None
    items = _items(session, [event])
    return items[0] if items and isinstance(items[0], ValidatedReferral) else None


def item(session: Session, event: FeedEvent) -> ValidatedReferral | StatusEvent | None:
    """One event as the feed serves it now: a status event as it happened; a validation as
    the referral, or None once a later version replaced it or the referral is no longer
    validated (a reader is never handed values that no longer stand)."""
    if event.event not in VALIDATIONS:
        return _items(session, [event])[0]
    latest = one(session, event.referral_id)
    return latest if latest is not None and latest.cursor == event.seq else None


def acknowledge(
    session: Session, token_id: int, referral_id: int, version: int | None = None
) -> Ack | None:
    """Record that this consumer has ``version`` of the referral (default: its latest).
    Idempotent: a repeat returns the first acknowledgement's time. None if the referral is
    not one the consumer can see, or has no such version."""
    event = _latest_validation(session, referral_id)
    # The document's id and status only: an ack needs none of the referral's values.
    row = session.execute(
        select(ReferralRecord.document_id, Document.status)
        .join(Document, col(Document.id) == col(ReferralRecord.document_id))
        .where(col(ReferralRecord.id) == referral_id)
    ).first()
    if event is None or row is None or row[1] != Status.validated:
        return None
    wanted = event.version if version is None else version
    if not 1 <= wanted <= event.version:
        return None
    first = _record_ack(session, token_id, referral_id, wanted)
    acked_at = _acked_at(session, token_id, referral_id)
    assert acked_at is not None
    return Ack(
        referral_id=referral_id,
        document_id=int(row[0]),
        version=wanted,
        acked_at=acked_at,
        first=first,
    )


def _acked_at(session: Session, token_id: int, referral_id: int) -> datetime | None:
    # Read from the database, not the session's objects: a concurrent ack may have moved it.
    return session.execute(
        select(Delivery.acked_at).where(
            col(Delivery.token_id) == token_id, col(Delivery.referral_id) == referral_id
        )
    ).scalar_one_or_none()


def _record_ack(session: Session, token_id: int, referral_id: int, version: int) -> bool:
    """Whether this call recorded the acknowledgement (False: it was there already)."""
    if _acked_at(session, token_id, referral_id) is None:
        try:
            # A savepoint, so that losing a race with the same consumer's other ack undoes
            # only this insert.
            with session.begin_nested():
                session.add(Delivery(token_id=token_id, referral_id=referral_id, version=version))
            return True
        except IntegrityError:
            pass
    # Moved up to this version only from an earlier one: of two acks of one correction made
    # at once, one moves it.
    return changed_one(
        session,
        update(Delivery)
        .where(
            col(Delivery.token_id) == token_id,
            col(Delivery.referral_id) == referral_id,
            col(Delivery.version) < version,
        )
        .values(version=version, acked_at=utcnow())
        .execution_options(synchronize_session=False),
    )
