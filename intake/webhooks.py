"""Webhooks, for consumers that cannot poll: each validated referral is POSTed to each
configured endpoint, signed with HMAC-SHA256, retried with exponential backoff, and after the
last attempt put on the dead-letter list that the admin sees (and can retry from).

Delivery is at least once: a receiver that answered too late is sent the referral again, with
the same ``X-Intake-Delivery`` id, so it can tell a repeat. The signature covers the timestamp
and the body (``X-Intake-Signature: sha256=HMAC(secret, "<timestamp>.<body>")``), so a
receiver can also refuse an old message replayed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpx
from sqlalchemy import Engine, update
from sqlmodel import col, select

from intake import delivery, push_cursor
from intake.audit_trail import Actor, append
from intake.clock import utcnow
from intake.db.engine import session_scope
from intake.db.models import ReferralRecord
from intake.db.push import WebhookDelivery, WebhookStatus
from intake.queue import backoff

logger = logging.getLogger(__name__)

ACTOR = Actor(name="webhook")
EVENT = "referral.validated"
SIGNATURE_HEADER = "X-Intake-Signature"
TIMESTAMP_HEADER = "X-Intake-Timestamp"
DELIVERY_HEADER = "X-Intake-Delivery"
EVENT_HEADER = "X-Intake-Event"
_ENQUEUE_BATCH = 500
_SEND_BATCH = 100


@dataclass(frozen=True)
class Policy:
    secret: bytes
    max_attempts: int
    retry_base_seconds: float
    timeout_seconds: float


@dataclass(frozen=True)
class DeadLetter:
    id: int
    #: The host only: the full URL may carry a credential.
    host: str
    referral_id: int
    attempts: int
    last_error: str | None
    created_at: datetime


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def enqueue_new(engine: Engine, endpoint: str) -> int:
    """A pending delivery to ``endpoint`` for each referral validated since the last call."""
    name = push_cursor.name_for("webhook", endpoint)
    with session_scope(engine) as session:
        seen = push_cursor.read(session, name)
        rows = session.execute(
            select(ReferralRecord.id, ReferralRecord.validated_seq)
            .where(col(ReferralRecord.validated_seq) > seen)
            .order_by(col(ReferralRecord.validated_seq))
            .limit(_ENQUEUE_BATCH)
        ).all()
        if not rows:
            return 0
        # The cursor first: on PostgreSQL its row lock makes a concurrent enqueuer wait here
        # and then find the cursor moved, instead of inserting the same deliveries.
        if not push_cursor.advance(session, name, seen, int(rows[-1][1])):
            session.rollback()
            return 0
        session.add_all(WebhookDelivery(endpoint=endpoint, referral_id=int(r[0])) for r in rows)
    return len(rows)


def send_due(
    engine: Engine,
    endpoints: list[str],
    policy: Policy,
    client: httpx.Client,
    limit: int = _SEND_BATCH,
) -> int:
    """Send up to ``limit`` deliveries that are due to one of ``endpoints``; returns how many
    were tried. The limit keeps a round short, so a stopping service need not wait long."""
    tried = 0
    while tried < limit and (claimed := _claim(engine, endpoints, policy)) is not None:
        _send(engine, claimed, policy, client)
        tried += 1
    return tried


def _claim(engine: Engine, endpoints: list[str], policy: Policy) -> WebhookDelivery | None:
    """Take the oldest due delivery by pushing its next attempt past the send's timeout, so
    another process leaves it alone while this one sends (and retries it if this one dies)."""
    now = utcnow()
    lease = timedelta(seconds=policy.timeout_seconds * 2 + 5)
    with session_scope(engine) as session:
        for candidate in session.exec(
            select(WebhookDelivery)
            .where(
                col(WebhookDelivery.status) == WebhookStatus.pending,
                col(WebhookDelivery.next_attempt_at) <= now,
                col(WebhookDelivery.endpoint).in_(endpoints),
            )
            .order_by(col(WebhookDelivery.next_attempt_at), col(WebhookDelivery.id))
            .limit(5)
        ).all():
            taken = session.execute(
                update(WebhookDelivery)
                .where(
                    col(WebhookDelivery.id) == candidate.id,
                    col(WebhookDelivery.next_attempt_at) == candidate.next_attempt_at,
                    col(WebhookDelivery.status) == WebhookStatus.pending,
                )
                .values(next_attempt_at=now + lease)
            )
            if taken.rowcount == 1:  # type: ignore[attr-defined]
                return candidate
    return None


def _send(engine: Engine, claimed: WebhookDelivery, policy: Policy, client: httpx.Client) -> None:
    assert claimed.id is not None
    with session_scope(engine) as session:
        referral = delivery.one(session, claimed.referral_id)
    if referral is None:
        # Reopened after validation: nothing to send until it is validated again.
        _record(engine, claimed, policy, error="referral is no longer validated", final=True)
        return
    body = json.dumps(
        {"event": EVENT, "delivery_id": claimed.id, "referral": referral.model_dump(mode="json")}
    ).encode()
    timestamp = str(int(utcnow().timestamp()))
    headers = {
        "Content-Type": "application/json",
        EVENT_HEADER: EVENT,
        DELIVERY_HEADER: str(claimed.id),
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(policy.secret, timestamp, body),
    }
    status_code: int | None = None
    try:
        response = client.post(
            claimed.endpoint, content=body, headers=headers, timeout=policy.timeout_seconds
        )
        status_code = response.status_code
        error = None if response.is_success else f"HTTP {status_code}"
    except httpx.TimeoutException:
        error = "timeout"
    except httpx.HTTPError as exc:
        # The class only: the message can quote the URL.
        error = f"connection failed ({type(exc).__name__})"
    _record(engine, claimed, policy, error=error, status_code=status_code, sent=referral)


def _record(
    engine: Engine,
    claimed: WebhookDelivery,
    policy: Policy,
    *,
    error: str | None,
    status_code: int | None = None,
    final: bool = False,
    sent: delivery.ValidatedReferral | None = None,
) -> None:
    attempts = claimed.attempts + 1
    now = utcnow()
    if error is None:
        values: dict[str, object] = {"status": WebhookStatus.delivered, "delivered_at": now}
    elif final or attempts >= policy.max_attempts:
        values = {"status": WebhookStatus.dead}
    else:
        values = {"next_attempt_at": now + backoff(attempts, policy.retry_base_seconds)}
    with session_scope(engine) as session:
        session.execute(
            update(WebhookDelivery)
            .where(col(WebhookDelivery.id) == claimed.id)
            .values(attempts=attempts, last_status_code=status_code, last_error=error, **values)
        )
        if sent is not None:
            # Each attempt may have disclosed the referral, whatever the answer.
            append(
                session,
                "push_webhook",
                ACTOR,
                document_id=sent.document.id,
                detail=f"referral {sent.id} to {urlsplit(claimed.endpoint).hostname}:"
                f" {error or 'delivered'}",
            )
    if error is not None:
        logger.warning(
            "webhook attempt failed",
            extra={"delivery_id": claimed.id, "attempt": attempts, "error": error},
        )


def dead_letters(engine: Engine, limit: int = 200) -> list[DeadLetter]:
    with session_scope(engine) as session:
        rows = session.exec(
            select(WebhookDelivery)
            .where(col(WebhookDelivery.status) == WebhookStatus.dead)
            .order_by(col(WebhookDelivery.id).desc())
            .limit(limit)
        ).all()
        return [
            DeadLetter(
                id=row.id or 0,
                host=urlsplit(row.endpoint).hostname or "",
                referral_id=row.referral_id,
                attempts=row.attempts,
                last_error=row.last_error,
                created_at=row.created_at,
            )
            for row in rows
        ]


def retry(engine: Engine, delivery_id: int) -> bool:
    """Put a dead delivery back in line with fresh attempts; False if it is not dead."""
    with session_scope(engine) as session:
        result = session.execute(
            update(WebhookDelivery)
            .where(
                col(WebhookDelivery.id) == delivery_id,
                col(WebhookDelivery.status) == WebhookStatus.dead,
            )
            .values(status=WebhookStatus.pending, attempts=0, next_attempt_at=utcnow())
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]
