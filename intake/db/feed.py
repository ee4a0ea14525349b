"""The downstream feed: what happened to each referral that a consumer may need to know, in
one order. Validations carry the referral; the other events only say what became of it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String
from sqlmodel import Field, SQLModel

from intake.db.types import UTCDateTime


class FeedEventKind(StrEnum):
    #: The first validation of a referral (version 1).
    validated = "validated"
    #: A validation after the referral was reopened: version 2 and later.
    corrected = "corrected"
    #: A supervisor took a validated referral back to correct it.
    reopened = "reopened"
    rejected = "rejected"
    clarification_requested = "clarification_requested"


class FeedEvent(SQLModel, table=True):
    __tablename__ = "feed_event"
    __table_args__ = (
        # "The latest validation of this referral", asked for every event a page holds.
        Index("ix_feed_event_referral_seq", "referral_id", "seq"),
    )

    #: The event's place in the feed, from the counter that numbered validations before the
    #: feed had other events (intake.validation): a cursor held from then still means the same.
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    referral_id: int = Field(foreign_key="referral.id")
    event: FeedEventKind = Field(sa_type=String(30))
    #: How many times the referral had been validated once this event happened: a validation's
    #: own number (1, 2...), or 0 for a referral never validated.
    version: int
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    #: The clerk or supervisor who acted.
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
