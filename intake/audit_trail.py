"""Appending to the audit trail: the one way rows get into ``audit_event``.

Callers pass who acted (a user with a browser session, an API token, or the command line),
what happened and, for changes, the old and new values. Values may be PHI: they go into the
table only, never into logs. Rows are never updated or deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from intake.clock import utcnow
from intake.db.audit import AuditEvent

_ACTOR_MAX = 80
_DETAIL_MAX = 1000
_FIELD_MAX = 120
_ADDR_MAX = 64


@dataclass(frozen=True)
class Actor:
    """Who did something: a user, a downstream token, or an operator at the command line."""

    #: The username or token name as it is now; kept in the row even if the account goes.
    name: str
    user_id: int | None = None
    token_id: int | None = None
    client_addr: str | None = None


#: Operator commands run on the server itself (``intake users ...``).
CLI_ACTOR = Actor(name="cli")


def append(
    session: Session,
    action: str,
    actor: Actor,
    *,
    document_id: int | None = None,
    field: str | None = None,
    old: Any = None,
    new: Any = None,
    detail: str | None = None,
) -> AuditEvent:
    """Add one audit row to ``session``; it commits with the caller's transaction, so an
    action and its record stand or fall together."""
    event = AuditEvent(
        at=utcnow(),
        action=action,
        user_id=actor.user_id,
        token_id=actor.token_id,
        actor=actor.name[:_ACTOR_MAX],
        client_addr=actor.client_addr[:_ADDR_MAX] if actor.client_addr else None,
        document_id=document_id,
        field=field[:_FIELD_MAX] if field else None,
        old_value=old,
        new_value=new,
        detail=detail[:_DETAIL_MAX] if detail else None,
    )
    session.add(event)
    return event
