"""Login rate limits, counted from the audit trail's failed logins.

Counting audited failures (not memory) keeps the limit across restarts and across server
processes sharing one database.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from intake.db.audit import AuditEvent

WINDOW = timedelta(minutes=15)
#: Failures within the window after which a username is refused, and a client address.
PER_USERNAME = 5
PER_ADDRESS = 20
FAILED = "login_failed"


def locked_out(session: Session, username: str, client_addr: str | None, now: datetime) -> bool:
    recent = (col(AuditEvent.action) == FAILED, col(AuditEvent.at) > now - WINDOW)
    by_name, by_addr = session.execute(
        select(
            func.count().filter(col(AuditEvent.actor) == username),
            func.count().filter(col(AuditEvent.client_addr) == client_addr),
        ).where(
            *recent,
            or_(col(AuditEvent.actor) == username, col(AuditEvent.client_addr) == client_addr),
        )
    ).one()
    return int(by_name) >= PER_USERNAME or int(by_addr) >= PER_ADDRESS
