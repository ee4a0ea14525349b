"""Webhooks, for consumers that cannot poll: each validated referral is POSTed to each
configured endpoint as a Standard Webhooks message (https://www.standardwebhooks.com/),
retried with exponential backoff, and after the last attempt put on the dead-letter list that
the admin sees (and can retry from).

Delivery is at least once: a receiver that answered too late is sent the message again with
the same ``webhook-id``, so it can drop the repeat. Each attempt has a fresh
``webhook-timestamp`` and a ``webhook-signature`` over "<id>.<timestamp>.<body>" per active
secret of the endpoint, made by the ``standardwebhooks`` library that receivers verify with.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from secrets import token_bytes
from typing import Final, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import AwareDatetime, BaseModel, SecretStr
from sqlalchemy import Engine, update
from sqlmodel import col, select
from standardwebhooks import Webhook

from intake import delivery, push_cursor
from intake.audit_trail import Actor, append
from intake.clock import utcnow
from intake.config import WEBHOOK_SECRET_PREFIX, WebhookEndpoint, WebhookPayload
from intake.db.engine import session_scope
from intake.db.models import ReferralRecord
from intake.db.push import WebhookDelivery, WebhookStatus
from intake.queue import backoff

logger = logging.getLogger(__name__)

ACTOR = Actor(name="webhook")
EVENT: Final = "referral.validated"
_ENQUEUE_BATCH = 500
_SEND_BATCH = 100


@dataclass(frozen=True)
class Policy:
    max_attempts: int
    retry_base_seconds: float
    timeout_seconds: float
    #: The service's public address, where a thin payload's link points.
    base_url: str


@dataclass(frozen=True)
class DeadLetter:
    id: int
    #: The host only: the full URL may carry a credential.
    host: str
    referral_id: int
    attempts: int
    last_error: str | None
    created_at: datetime


class ThinReferral(BaseModel):
    """A validated referral by reference: no patient data, only where to fetch it."""

    id: int
    #: Its place in the order of validation, as in the API.
    cursor: int
    #: GET /api/v1/referrals/{id}, with a token of scope referrals:read (the read is audited).
    url: str


class Event(BaseModel):
    """The body of every delivery, in the shape the Standard Webhooks spec recommends."""

    type: Literal["referral.validated"] = EVENT
    #: When the referral was validated: the event's time, the same on every attempt.
    timestamp: AwareDatetime
    data: delivery.ValidatedReferral | ThinReferral


def new_secret() -> str:
    """A fresh endpoint secret: whsec_ and the base64 of 32 random bytes."""
    return WEBHOOK_SECRET_PREFIX + base64.b64encode(token_bytes(32)).decode()


def message_id(row: WebhookDelivery) -> str:
    """The webhook-id, the same on every attempt of one delivery. Its creation time keeps it
    unique when a fresh database numbers the deliveries from 1 again."""
    return f"msg_{row.id}_{row.created_at:%Y%m%dT%H%M%S%f}"


def signed_headers(
    secrets: Sequence[SecretStr], msg_id: str, body: bytes, at: datetime
) -> dict[str, str]:
    """The Standard Webhooks headers, with one v1 signature per secret, space-separated: a
    receiver holding any one of them verifies, which is how the spec rotates secrets."""
    signatures = (Webhook(s.get_secret_value()).sign(msg_id, at, body) for s in secrets)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


def event_body(
    referral: delivery.ValidatedReferral, payload: WebhookPayload, base_url: str
) -> bytes:
    data: delivery.ValidatedReferral | ThinReferral = referral
    if payload == "thin":
        data = ThinReferral(
            id=referral.id,
            cursor=referral.cursor,
            url=f"{base_url}/api/v1/referrals/{referral.id}",
        )
    return Event(timestamp=referral.review.validated_at, data=data).model_dump_json().encode()


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
    endpoints: Sequence[WebhookEndpoint],
    policy: Policy,
    client: httpx.Client,
    limit: int = _SEND_BATCH,
) -> int:
    """Send up to ``limit`` deliveries that are due to one of ``endpoints``; returns how many
    were tried. The limit keeps a round short, so a stopping service need not wait long."""
    by_url = {endpoint.url: endpoint for endpoint in endpoints}
    tried = 0
    while tried < limit and (claimed := _claim(engine, list(by_url), policy)) is not None:
        _send(engine, claimed, by_url[claimed.endpoint], policy, client)
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


def _send(
    engine: Engine,
    claimed: WebhookDelivery,
    endpoint: WebhookEndpoint,
    policy: Policy,
    client: httpx.Client,
) -> None:
    with session_scope(engine) as session:
        referral = delivery.one(session, claimed.referral_id)
    if referral is None:
        # Reopened after validation: nothing to send until it is validated again.
        _record(engine, claimed, policy, error="referral is no longer validated", final=True)
        return
    # The payload kind as configured now, so an endpoint switched to thin has no PHI in
    # the retries of what was queued before.
    content = event_body(referral, endpoint.payload, policy.base_url)
    headers = {
        "Content-Type": "application/json",
        **signed_headers(endpoint.secrets, message_id(claimed), content, utcnow()),
    }
    status_code: int | None = None
    try:
        response = client.post(
            endpoint.url, content=content, headers=headers, timeout=policy.timeout_seconds
        )
        status_code = response.status_code
        error = None if response.is_success else f"HTTP {status_code}"
    except httpx.TimeoutException:
        error = "timeout"
    except httpx.HTTPError as exc:
        # The class only: the message can quote the URL.
        error = f"connection failed ({type(exc).__name__})"
    _record(
        engine, claimed, policy, error=error, status_code=status_code, sent=(referral, endpoint)
    )


def _record(
    engine: Engine,
    claimed: WebhookDelivery,
    policy: Policy,
    *,
    error: str | None,
    status_code: int | None = None,
    final: bool = False,
    sent: tuple[delivery.ValidatedReferral, WebhookEndpoint] | None = None,
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
            # Each attempt may have disclosed the referral (full) or its existence (thin),
            # whatever the answer.
            referral, endpoint = sent
            append(
                session,
                "push_webhook",
                ACTOR,
                document_id=referral.document.id,
                detail=f"{endpoint.payload} referral {referral.id} to"
                f" {urlsplit(endpoint.url).hostname}: {error or 'delivered'}",
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
