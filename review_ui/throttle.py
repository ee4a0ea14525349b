"""Login throttling with growing delays, counted from the audit trail's failed logins.

NIST SP 800-63B §5.2.2 asks for a limit on failed attempts that does not let an attacker lock
the real user out. So nothing here locks an account: after a few free failures, each further
one makes the next attempt wait longer (1 s, 2 s, 4 s ... up to 15 minutes). The wait is
counted per account from one address, per address over all accounts, and per account over
all addresses (at a much higher allowance, against guessing spread over many addresses).
A refused attempt is audited but does not count, so hammering never extends a wait; a
successful login or an admin's unlock starts the account's count afresh.

Counting audited failures (not memory) keeps the limits across restarts and across server
processes sharing one database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select

from intake.db.audit import AuditEvent

FAILED = "login_failed"
#: The audit detail of an attempt refused for the wait: not a guess, so it never counts.
REFUSED = "rate limited"
#: What starts an account's count afresh: its own login, or an admin's unlock.
_FRESH_START = ("login", "login_unlocked")
#: Failures older than this are forgotten.
WINDOW = timedelta(hours=1)
#: Failures allowed before waits begin: per account from one address, per address over all
#: accounts, and per account over all addresses.
FREE_PER_ACCOUNT_AND_ADDRESS = 5
FREE_PER_ADDRESS = 20
FREE_PER_ACCOUNT = 100
_FIRST_WAIT = timedelta(seconds=1)
MAX_WAIT = timedelta(minutes=15)


@dataclass(frozen=True)
class _Count:
    failures: int
    last: datetime | None

    def wait_until(self, free: int) -> datetime | None:
        if self.failures < free or self.last is None:
            return None
        doublings = min(self.failures - free, 20)
        return self.last + min(_FIRST_WAIT * (1 << doublings), MAX_WAIT)


def retry_after(
    session: Session, username: str, client_addr: str | None, now: datetime
) -> timedelta | None:
    """How long this login must wait, or None when it may be tried now."""
    since = max(now - WINDOW, _fresh_start(session, username) or now - WINDOW)
    account = col(AuditEvent.actor) == username
    address = col(AuditEvent.client_addr) == client_addr
    limits = (
        (_count(session, and_(account, address), since), FREE_PER_ACCOUNT_AND_ADDRESS),
        (_count(session, address, now - WINDOW), FREE_PER_ADDRESS),
        (_count(session, account, since), FREE_PER_ACCOUNT),
    )
    until = max((u for count, free in limits if (u := count.wait_until(free))), default=None)
    return until - now if until is not None and until > now else None


def _fresh_start(session: Session, username: str) -> datetime | None:
    last: datetime | None = session.execute(
        select(func.max(col(AuditEvent.at))).where(
            col(AuditEvent.action).in_(_FRESH_START),
            or_(
                col(AuditEvent.actor) == username,
                and_(
                    col(AuditEvent.action) == "login_unlocked",
                    col(AuditEvent.detail) == username,
                ),
            ),
        )
    ).scalar_one()
    return last


def _count(session: Session, who: ColumnElement[bool], since: datetime) -> _Count:
    failures, last = session.execute(
        select(func.count(), func.max(col(AuditEvent.at))).where(
            col(AuditEvent.action) == FAILED,
            col(AuditEvent.at) > since,
            or_(col(AuditEvent.detail).is_(None), col(AuditEvent.detail) != REFUSED),
            who,
        )
    ).one()
    return _Count(int(failures), last)
