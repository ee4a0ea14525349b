"""API tokens: one per downstream consumer. The secret is shown once, when it is made; only its
sha256 is stored, so a copy of the database authenticates nobody. Every request looks the token
up again, so a revocation takes effect on the next request."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

# Re-exported: the API and the admin page name the scopes from here.
from intake.access import METRICS_READ as METRICS_READ
from intake.access import REFERRALS_READ as REFERRALS_READ
from intake.access import SCOPES as SCOPES
from intake.audit_trail import Actor, append
from intake.clock import utcnow
from intake.db.accounts import ApiToken
from intake.db.engine import session_scope
from intake.errors import IntakeError

#: Makes a leaked secret recognisable to secret scanners and to people.
_PREFIX = "fxi_"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
#: last_used_at is a hint for the admin; writing it on every request would only add writes.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(IntakeError, ValueError):
    """A token cannot be made or found as asked; the message says why (it holds no secret)."""

    code = "token_refused"
    http_status = 422


@dataclass(frozen=True)
class TokenInfo:
    id: int
    name: str
    scopes: tuple[str, ...]
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


@dataclass(frozen=True)
class Caller:
    """The consumer a request's bearer token belongs to."""

    token_id: int
    name: str
    scopes: frozenset[str]


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise TokenError(
            "a token name is 1 to 80 letters, digits, '.', '_' or '-', starting with a letter"
            " or digit"
        )
    return name


def check_scopes(scopes: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(scopes))
    if not chosen:
        raise TokenError(f"give at least one scope: {', '.join(SCOPES)}")
    unknown = [s for s in chosen if s not in SCOPES]
    if unknown:
        raise TokenError(f"unknown scope {unknown[0]!r}; known scopes: {', '.join(SCOPES)}")
    return chosen


def create(engine: Engine, name: str, scopes: Iterable[str], actor: Actor) -> str:
    """Make a token and return its secret: the only time the secret exists outside the client."""
    check_name(name)
    chosen = check_scopes(scopes)
    secret = _PREFIX + secrets.token_urlsafe(32)
    try:
        with session_scope(engine) as session:
            if session.exec(select(ApiToken.id).where(col(ApiToken.name) == name)).first():
                raise TokenError(f"a token named {name!r} already exists (revoked ones too)")
            session.add(
                ApiToken(
                    name=name,
                    token_hash=hash_secret(secret),
                    scopes=" ".join(chosen),
                    created_by_id=actor.user_id,
                )
            )
            append(session, "token_created", actor, detail=f"{name}: {' '.join(chosen)}")
    except IntegrityError:
        # Another admin made the same name at the same moment.
        raise TokenError(f"a token named {name!r} already exists (revoked ones too)") from None
    return secret


def revoke(engine: Engine, name: str, actor: Actor) -> None:
    with session_scope(engine) as session:
        token = session.exec(select(ApiToken).where(col(ApiToken.name) == name)).first()
        if token is None:
            raise TokenError(f"no token named {name!r}")
        if token.revoked_at is not None:
            raise TokenError(f"the token {name!r} is already revoked")
        token.revoked_at = utcnow()
        append(session, "token_revoked", actor, detail=name)


def list_tokens(engine: Engine) -> list[TokenInfo]:
    with session_scope(engine) as session:
        rows = session.exec(select(ApiToken).order_by(col(ApiToken.name))).all()
        return [
            TokenInfo(
                id=_id(t),
                name=t.name,
                scopes=tuple(t.scopes.split()),
                created_at=t.created_at,
                revoked_at=t.revoked_at,
                last_used_at=t.last_used_at,
            )
            for t in rows
        ]


def verify(session: Session, secret: str) -> Caller | None:
    """The live token with this secret, in the caller's transaction; None if there is none."""
    token = session.exec(
        select(ApiToken).where(
            col(ApiToken.token_hash) == hash_secret(secret), col(ApiToken.revoked_at).is_(None)
        )
    ).first()
    if token is None:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        token.last_used_at = now
    return Caller(token_id=_id(token), name=token.name, scopes=frozenset(token.scopes.split()))


def _id(token: ApiToken) -> int:
    assert token.id is not None
    return token.id
