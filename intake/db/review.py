"""What clerks did to a referral, kept beside the extractor's output: saved versions of the
values, the order of validation, and per-consumer delivery state for the downstream API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint, Uuid
from sqlmodel import Field, SQLModel

from intake.clock import utcnow
from intake.db.types import UTCDateTime


class ReferralVersion(SQLModel, table=True):
    """Each save of a referral's values by a clerk; number 0 is never stored, it is the
    extractor's output in ReferralRecord.extracted."""

    __tablename__ = "referral_version"
    __table_args__ = (UniqueConstraint("referral_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    number: int
    values: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    user_id: int = Field(foreign_key="app_user.id")
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class Delivery(SQLModel, table=True):
    """A consumer's acknowledgement of a referral: each consumer gets each version of each
    referral once."""

    __table_args__ = (UniqueConstraint("token_id", "referral_id"),)

    id: int | None = Field(default=None, primary_key=True)
    token_id: int = Field(foreign_key="api_token.id", index=True)
    referral_id: int = Field(foreign_key="referral.id", index=True)
    #: The latest version of the referral acknowledged: a correction is pending again until
    #: the consumer acknowledges it too.
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    acked_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class FhirResourceId(SQLModel, table=True):
    """The id of one resource of a referral's FHIR bundle, by its role there ("patient",
    "condition/0"): random, so no two installations share one, and kept, so every pull of the
    referral carries the same ids. Made the first time the bundle is served; never changed."""

    __tablename__ = "fhir_resource_id"

    referral_id: int = Field(foreign_key="referral.id", primary_key=True)
    role: str = Field(primary_key=True, max_length=60)
    resource_id: uuid.UUID = Field(sa_column=Column(Uuid(), nullable=False, unique=True))


class Counter(SQLModel, table=True):
    """Named counters taken under a row lock, so numbers are handed out in commit order."""

    name: str = Field(primary_key=True, max_length=40)
    value: int = 0


class ReviewDraft(SQLModel, table=True):
    """What a clerk has typed on a review page and not yet saved, kept as they type: a
    session timeout, a navigation away, a lock taken over or a crash loses none of it. One
    per clerk and document; a save or a decision by that clerk ends it."""

    __tablename__ = "review_draft"
    __table_args__ = (UniqueConstraint("document_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    user_id: int = Field(foreign_key="app_user.id")
    #: The form as typed: field path to text, and the reason under "_reason".
    values: dict[str, str] = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
