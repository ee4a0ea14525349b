"""User accounts: creation, disabling, and the password check (argon2id).

Passwords are never stored, logged or compared in the clear; only argon2 hashes in PHC form
are kept. Disabling a user ends their sessions at once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from intake.audit_trail import Actor, append
from intake.db.accounts import Role, User, UserSession
from intake.errors import IntakeError

MIN_PASSWORD_LENGTH = 12
#: Usernames are shown in the UI and the audit trail; keep them plain.
_USERNAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-")


class AccountError(IntakeError):
    """A user cannot be created or changed as asked; the message says why."""

    code = "account_refused"
    http_status = 422


@dataclass(frozen=True)
class LoginCheck:
    """The outcome of a password check. ``user`` is set whenever the name exists, so a
    failure can be audited against the account."""

    user: User | None
    ok: bool
    #: Why it failed, for the audit trail only (the login page never says which).
    reason: str | None = None


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@cache
def _decoy_hash() -> str:
    # Checking an unknown name against a real hash makes it take as long as a known one.
    return _hasher().hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def random_password() -> str:
    """A password to show once: 20 URL-safe characters, about 120 bits."""
    return secrets.token_urlsafe(15)


def check_username(name: str) -> str:
    username = name.strip().lower()
    if not 2 <= len(username) <= 80 or not set(username) <= _USERNAME_CHARS:
        raise AccountError("a username is 2 to 80 characters: letters, digits, '.', '_' or '-'")
    return username


def create_user(session: Session, name: str, password: str, role: Role, actor: Actor) -> User:
    username = check_username(name)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if find_user(session, username) is not None:
        raise AccountError(f"user {username} already exists")
    user = User(username=username, password_hash=hash_password(password), role=role)
    session.add(user)
    session.flush()
    append(session, "user_created", actor, detail=f"{username} as {role.value}")
    return user


def find_user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(col(User.username) == username.strip().lower())).first()


def disable_user(session: Session, name: str, actor: Actor) -> User:
    """Disable the account and delete every session it has, so it is logged out everywhere."""
    user = find_user(session, name)
    if user is None:
        raise AccountError("no such user")
    user.disabled = True
    session.add(user)
    session.execute(delete(UserSession).where(col(UserSession.user_id) == user.id))
    append(session, "user_disabled", actor, detail=user.username)
    return user


def unlock_user(session: Session, name: str, actor: Actor) -> User:
    """Start the account's count of failed logins afresh: its next login waits for nothing
    its earlier failures earned (the audit trail keeps them, and the unlock)."""
    user = find_user(session, name)
    if user is None:
        raise AccountError("no such user")
    append(session, "login_unlocked", actor, detail=user.username)
    return user


def has_users(session: Session) -> bool:
    return bool(session.execute(select(func.count()).select_from(User)).scalar_one())


def create_first_admin(session: Session, actor: Actor) -> tuple[User, str] | None:
    """An "admin" account with a random password when there are no users at all, else None.

    The password is returned to be shown once; it is not kept anywhere else.
    """
    if has_users(session):
        return None
    password = random_password()
    return create_user(session, "admin", password, Role.admin, actor), password


def check_password(session: Session, name: str, password: str) -> LoginCheck:
    """Verify a login. Unknown names cost as much time as known ones."""
    user = find_user(session, name) if name.strip() else None
    stored = user.password_hash if user is not None else _decoy_hash()
    matched: bool
    try:
        matched = _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        matched = False
    if user is None:
        return LoginCheck(user=None, ok=False, reason="unknown user")
    if not matched:
        return LoginCheck(user=user, ok=False, reason="wrong password")
    if user.disabled:
        return LoginCheck(user=user, ok=False, reason="account disabled")
    if _hasher().check_needs_rehash(user.password_hash):
        # Parameters were raised since this hash was made; upgrade it while we have the password.
        user.password_hash = hash_password(password)
        session.add(user)
    return LoginCheck(user=user, ok=True)
