"""Push delivery to consumers that cannot poll: how far each push target has got in the
downstream feed, and each webhook delivery with its retries (the dead ones are the admin's
dead-letter list)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from intake.clock import utcnow
from intake.db.types import UTCDateTime


class PushCursor(SQLModel, table=True):
    """The last feed number handed to one push target (an outbox folder or a webhook
    endpoint). Feed numbers are gap-free and commit in order, so everything at or below the
    cursor has been handed over and nothing above it has."""

    __tablename__ = "push_cursor"

    #: "outbox:<hash of the folder>" or "webhook:<hash of the URL>", never the path or URL.
    name: str = Field(primary_key=True, max_length=80)
    validated_seq: int = 0
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class WebhookStatus(StrEnum):
    pending = "pending"
    delivered = "delivered"
    #: Out of attempts: on the admin's dead-letter list until retried.
    dead = "dead"
    #: Never sent: by its turn the referral had a later version, or was no longer validated
    #: (reopened, it comes again as its correction). Nothing left the service.
    superseded = "superseded"


class WebhookDelivery(SQLModel, table=True):
    """One event of the feed (a referral's version, or a status event) to one endpoint."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        # Each version of a referral, each status event, once per endpoint.
        UniqueConstraint("endpoint", "feed_seq", name="uq_webhook_delivery_endpoint_feed_seq"),
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    #: The endpoint URL as configured.
    endpoint: str = Field(max_length=500)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    #: The event delivered: its kind and the referral's version are in the feed.
    feed_seq: int = Field(foreign_key="feed_event.seq")
    status: WebhookStatus = Field(default=WebhookStatus.pending, sa_type=String(20))
    attempts: int = 0
    #: When it may be sent next; a sender pushes it forward while it holds the delivery.
    next_attempt_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    last_status_code: int | None = None
    #: "HTTP 503", "timeout", "connection failed": never the receiver's response body.
    last_error: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    delivered_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
