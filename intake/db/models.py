"""Tables of the service. Pages hold OCR text (PHI): it stays in the database, never in logs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from intake.clock import utcnow
from intake.db.types import UTCDateTime


class Status(StrEnum):
    """A document's place in the flow: the worker's states, then the clerks'."""

    queued = "queued"
    processing = "processing"
    needs_review = "needs_review"
    in_review = "in_review"
    needs_clarification = "needs_clarification"
    validated = "validated"
    rejected = "rejected"
    failed = "failed"
    duplicate = "duplicate"


#: Where a clerk's decision can still be made.
OPEN_STATUSES = frozenset({Status.needs_review, Status.in_review, Status.needs_clarification})
#: From where a document may be read again, by a clerk or the CLI: a validated one has gone
#: downstream (reading it again would take it back from the systems that hold it), and one
#: being processed or a duplicate has no reading of its own to replace.
REPROCESSABLE = frozenset({*OPEN_STATUSES, Status.rejected, Status.failed})


class AttemptOutcome(StrEnum):
    succeeded = "succeeded"
    failed = "failed"
    retry = "retry"
    #: The worker died or lost its lease; another worker took the document again.
    abandoned = "abandoned"


def _utc_column(nullable: bool = True, index: bool = False) -> Any:
    return Column(UTCDateTime(), nullable=nullable, index=index)


class Document(SQLModel, table=True):
    __table_args__ = (
        # One original per content; later arrivals of the same bytes are duplicate records.
        Index(
            "uq_document_sha256_original",
            "sha256",
            unique=True,
            sqlite_where=text("duplicate_of_id IS NULL"),
            postgresql_where=text("duplicate_of_id IS NULL"),
        ),
        Index("ix_document_claimable", "status", "run_after"),
    )

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, index=True)
    size_bytes: int
    media_type: str | None = Field(default=None, max_length=40)
    #: As it arrived, for display only; never used to build a path.
    original_name: str = Field(max_length=255)
    #: The watcher's claim token, so a re-run of an interrupted ingest finds its own record.
    claim_token: str | None = Field(default=None, max_length=120, index=True, unique=True)
    received_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))
    status: Status = Field(default=Status.queued, sa_type=String(20))
    duplicate_of_id: int | None = Field(default=None, foreign_key="document.id")
    page_count: int | None = None
    error_code: str | None = Field(default=None, max_length=40)
    error_message: str | None = Field(default=None, max_length=500)
    attempts: int = 0
    run_after: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))
    locked_by: str | None = Field(default=None, max_length=64, index=True)
    claimed_at: datetime | None = Field(default=None, sa_column=_utc_column())
    processed_at: datetime | None = Field(default=None, sa_column=_utc_column())


class PageRecord(SQLModel, table=True):
    __tablename__ = "page"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    number: int
    width: int
    height: int
    source: str = Field(max_length=20)
    rotation: int = 0
    mean_confidence: float
    image_sha256: str = Field(max_length=64)
    #: The extractors' Page model: words and lines with normalized boxes.
    content: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))


class Worker(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    hostname: str = Field(max_length=255)
    pid: int
    started_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))
    heartbeat_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False, True))
    stopped_at: datetime | None = Field(default=None, sa_column=_utc_column())


class Attempt(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    worker_id: str = Field(max_length=64)
    number: int
    started_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))
    finished_at: datetime | None = Field(default=None, sa_column=_utc_column())
    outcome: AttemptOutcome | None = Field(default=None, sa_type=String(20))
    error_code: str | None = Field(default=None, max_length=40)
    error_message: str | None = Field(default=None, max_length=500)


class ReferralRecord(SQLModel, table=True):
    """The extractor's reading of a document: the Referral contract as JSON, plus the few
    columns the review queue sorts and filters on."""

    __tablename__ = "referral"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", unique=True, index=True)
    referral_type: str = Field(max_length=20, index=True)
    urgent: bool = Field(default=False, index=True)
    #: The 24-hour acknowledgement deadline, moved later by each wait on the office.
    due_by: datetime | None = Field(default=None, sa_column=_utc_column(index=True))
    #: Since when the desk waits on the office for clarification; the clock is paused
    #: meanwhile, and resumes when a clerk takes the document up again.
    waiting_since: datetime | None = Field(default=None, sa_column=_utc_column())
    #: How long the clock has been paused in all, so a new reading's deadline keeps it.
    paused_seconds: int = 0
    missing_count: int = 0
    #: The required fields the extractor found missing, kept as clerks fill them in: the
    #: dashboard's share of orders needing clarification as they arrived.
    missing_at_read: int = 0
    flag_count: int = 0
    #: The extractor's original output; clerk corrections are kept apart from it.
    extracted: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    extracted_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(False))

    #: The clerk-approved values (the contract's shape); null until a clerk saves a change.
    approved: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    #: Search columns for the queue, copied from the current values (PHI: never logged).
    member_name: str | None = Field(default=None, max_length=200, index=True)
    member_dob: str | None = Field(default=None, max_length=10, index=True)
    member_id: str | None = Field(default=None, max_length=40, index=True)
    clinician_name: str | None = Field(default=None, max_length=200)

    #: Soft lock: who has the review page open, until when.
    review_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    review_expires_at: datetime | None = Field(default=None, sa_column=_utc_column())
    #: Why it was sent for clarification, rejected or approved over missing fields.
    decision_reason: str | None = Field(default=None, max_length=1000)
    decided_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    decided_at: datetime | None = Field(default=None, sa_column=_utc_column())
    #: Order of validation, for the API's cursor: set once, when the referral is validated.
    validated_seq: int | None = Field(default=None, unique=True, index=True)
    validated_at: datetime | None = Field(default=None, sa_column=_utc_column(index=True))
