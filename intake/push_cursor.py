"""How far a push target (the outbox folder, a webhook endpoint) has got in the downstream
feed (intake.feed, numbered as validations were before it). Advanced by compare-and-set, so
when two processes push at once exactly one of them moves the cursor past an event and the
other sees that it lost."""

from __future__ import annotations

import hashlib

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from intake.clock import utcnow
from intake.db.engine import changed_one
from intake.db.push import PushCursor


def name_for(kind: str, target: str) -> str:
    """A cursor's name: a hash of the folder or URL, which may carry names or credentials."""
    return f"{kind}:{hashlib.sha256(target.encode()).hexdigest()[:32]}"


def read(session: Session, name: str) -> int:
    cursor = session.get(PushCursor, name)
    if cursor is not None:
        return cursor.validated_seq
    try:
        with session.begin_nested():
            session.add(PushCursor(name=name))
    except IntegrityError:
        pass  # another process made it first; it starts at 0 all the same
    return 0


def advance(session: Session, name: str, seen: int, to: int) -> bool:
    """Move the cursor from ``seen`` to ``to``; False if someone else moved it meanwhile."""
    return changed_one(
        session,
        update(PushCursor)
        .where(col(PushCursor.name) == name, col(PushCursor.validated_seq) == seen)
        .values(validated_seq=to, updated_at=utcnow()),
    )
