"""Push delivery to consumers that cannot poll: how far each push target has got in the order
of validation, and each webhook delivery with its retries (the dead ones are the admin's
dead-letter list)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from intake.clock import utcnow
from intake.db.types import UTCDateTime


class PushCursor(SQLModel, table=True):
    """The last validation number handed to one push target (an outbox folder or a webhook
    endpoint). Validation numbers are gap-free and commit in order, so everything at or below
    the cursor has been handed over and nothing above it has."""

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


class WebhookDelivery(SQLModel, table=True):
    """One referral to one webhook endpoint."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        UniqueConstraint("endpoint", "referral_id"),
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    #: The endpoint URL as configured.
    endpoint: str = Field(max_length=500)
    referral_id: int = Field(foreign_key="referral.id", index=True)
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
