"""Server-side browser sessions: an opaque random id in the cookie, its sha256 in the database.

A session ends after an idle timeout and at an absolute lifetime, at logout, and when its
user is disabled. Each login gets a new id. Each session has its own CSRF token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlmodel import Session, col

from intake.audit_trail import Actor
from intake.config import Settings
from intake.db.accounts import Role, User, UserSession
from intake.review import Reviewer

COOKIE = "intake_session"
#: last_seen_at is written at most this often, so reading pages does not write every time.
_TOUCH_EVERY = timedelta(seconds=20)


@dataclass(frozen=True)
class Principal:
    """The logged-in user behind a request."""

    user_id: int
    username: str
    role: Role
    csrf_token: str
    client_addr: str | None
    #: Seconds without activity after which the session ends: the page warns before then.
    idle_seconds: int = 0

    @property
    def actor(self) -> Actor:
        return Actor(name=self.username, user_id=self.user_id, client_addr=self.client_addr)

    @property
    def reviewer(self) -> Reviewer:
        return Reviewer(actor=self.actor, role=self.role)

    @property
    def is_supervisor(self) -> bool:
        return self.role in (Role.supervisor, Role.admin)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def start(
    session: Session, user: User, client_addr: str | None, settings: Settings, now: datetime
) -> str:
    """A new session for ``user``; returns the id for the cookie (shown nowhere else)."""
    assert user.id is not None
    session_id = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            id_hash=_digest(session_id),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            client_addr=client_addr,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_lifetime_hours),
        )
    )
    return session_id


def resolve(
    session: Session,
    session_id: str,
    settings: Settings,
    now: datetime,
    client_addr: str | None,
    active: bool = True,
) -> Principal | None:
    """The session's user, or None when the session is unknown, expired or the user disabled.

    ``active`` is False for background requests (polling), which must not keep an idle
    session alive.
    """
    row = session.get(UserSession, _digest(session_id))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    idle_limit = timedelta(minutes=settings.session_idle_minutes)
    if (
        user is None
        or user.disabled
        or now >= row.expires_at
        or now - row.last_seen_at > idle_limit
    ):
        session.delete(row)
        return None
    if active and now - row.last_seen_at >= _TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
    assert user.id is not None
    return Principal(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        csrf_token=row.csrf_token,
        client_addr=client_addr,
        idle_seconds=round(idle_limit.total_seconds()),
    )


def end(session: Session, session_id: str) -> None:
    session.execute(delete(UserSession).where(col(UserSession.id_hash) == _digest(session_id)))


def purge_expired(session: Session, settings: Settings, now: datetime) -> None:
    idle_since = now - timedelta(minutes=settings.session_idle_minutes)
    session.execute(
        delete(UserSession).where(
            or_(col(UserSession.expires_at) <= now, col(UserSession.last_seen_at) < idle_since)
        )
    )
