"""Who may act: clerks and supervisors (users with browser sessions) and downstream systems
(API tokens). Secrets are stored only as hashes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, String
from sqlmodel import Field, SQLModel

# Re-exported: the accounts' code names a user's role from here.
from intake.access import Role as Role
from intake.clock import utcnow
from intake.db.types import UTCDateTime


class User(SQLModel, table=True):
    #: "user" is reserved in PostgreSQL.
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True, index=True)
    #: argon2id hash in PHC string form.
    password_hash: str = Field(max_length=255)
    role: Role = Field(default=Role.clerk, sa_type=String(20))
    disabled: bool = False
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class UserSession(SQLModel, table=True):
    """A server-side session. The cookie holds a random id; only its sha256 is stored, so a
    copy of the database opens no session."""

    __tablename__ = "user_session"

    id_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    csrf_token: str = Field(max_length=64)
    client_addr: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    last_seen_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    #: The absolute lifetime's end; the idle timeout is measured from last_seen_at.
    expires_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ApiToken(SQLModel, table=True):
    """One downstream consumer. The bearer secret is shown once; only its sha256 is kept."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True, index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    #: Space-separated scopes, e.g. "referrals:read".
    scopes: str = Field(max_length=200)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    created_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    revoked_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
    last_used_at: datetime | None = Field(
        default=None, sa_column=Column(UTCDateTime(), nullable=True)
    )
