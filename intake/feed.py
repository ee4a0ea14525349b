"""Events for the downstream feed, written in the transaction of the clerk's decision.

Each takes the next number of the validation counter (intake.validation): events commit in
the order of their numbers, so a consumer that has read up to n never sees a smaller number
appear later, whatever the kind of event.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from intake.db.feed import FeedEvent, FeedEventKind
from intake.db.models import ReferralRecord
from intake.validation import next_validated_seq

#: The events that carry the referral itself (its values at that version).
VALIDATIONS = frozenset({FeedEventKind.validated, FeedEventKind.corrected})


def validations(session: Session, referral_id: int) -> int:
    """How many times the referral has been validated: its current version, 0 for none."""
    count = session.execute(
        select(func.count())
        .select_from(FeedEvent)
        .where(
            col(FeedEvent.referral_id) == referral_id,
            col(FeedEvent.event).in_(VALIDATIONS),
        )
    ).scalar_one()
    return int(count)


def record_validation(
    session: Session, referral: ReferralRecord, user_id: int, now: datetime
) -> FeedEvent:
    """The referral's next version: ``validated`` the first time, ``corrected`` after."""
    assert referral.id is not None
    version = validations(session, referral.id) + 1
    kind = FeedEventKind.validated if version == 1 else FeedEventKind.corrected
    return _record(session, referral.id, kind, version, user_id, now)


def record_status(
    session: Session, referral: ReferralRecord, kind: FeedEventKind, user_id: int, now: datetime
) -> FeedEvent:
    """A decision that takes the referral away from (or keeps it from) consumers."""
    assert kind not in VALIDATIONS and referral.id is not None
    return _record(session, referral.id, kind, validations(session, referral.id), user_id, now)


def _record(
    session: Session,
    referral_id: int,
    kind: FeedEventKind,
    version: int,
    user_id: int,
    now: datetime,
) -> FeedEvent:
    # Last in the caller's transaction: the number's row lock is held until commit.
    event = FeedEvent(
        seq=next_validated_seq(session),
        referral_id=referral_id,
        event=kind,
        version=version,
        at=now,
        user_id=user_id,
    )
    session.add(event)
    return event
