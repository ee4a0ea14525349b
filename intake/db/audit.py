"""The audit trail: one append-only row per access or change. Values may be PHI; they stay in
this table and never reach the logs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from intake.clock import utcnow
from intake.db.types import UTCDateTime


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False, index=True)
    )
    #: What happened: "login", "login_failed", "view", "edit", "status", "download", "api_read"...
    action: str = Field(max_length=40, index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    token_id: int | None = Field(default=None, foreign_key="api_token.id")
    #: The username or token name as it was at the time, kept even if the account goes.
    actor: str = Field(max_length=80)
    client_addr: str | None = Field(default=None, max_length=64)
    document_id: int | None = Field(default=None, foreign_key="document.id", index=True)
    field: str | None = Field(default=None, max_length=120)
    old_value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    new_value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    detail: str | None = Field(default=None, max_length=1000)
