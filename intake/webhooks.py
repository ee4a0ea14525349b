"""Webhooks, for consumers that cannot poll: the downstream feed (intake.feed) POSTed to each
configured endpoint as Standard Webhooks messages (https://www.standardwebhooks.com/), one per
event the endpoint takes: each version of a referral (``referral.validated``, then
``referral.corrected`` for each correction) and, when it asks for them, the status events.
Each is retried with exponential backoff, and after the last attempt put on the dead-letter
list that the admin sees (and can retry from).

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
from sqlmodel import Session, col, select
from standardwebhooks import Webhook

from intake import delivery, push_cursor
from intake.audit_trail import Actor, append
from intake.clock import utcnow
from intake.config import WEBHOOK_SECRET_PREFIX, WebhookEndpoint, WebhookEventType
from intake.db.engine import session_scope
from intake.db.feed import FeedEvent, FeedEventKind
from intake.db.models import ReferralRecord
from intake.db.push import WebhookDelivery, WebhookStatus
from intake.queue import backoff

logger = logging.getLogger(__name__)

ACTOR = Actor(name="webhook")
#: The message type of each kind of feed event.
TYPES: Final[dict[FeedEventKind, WebhookEventType]] = {
    FeedEventKind.validated: "referral.validated",
    FeedEventKind.corrected: "referral.corrected",
    FeedEventKind.reopened: "referral.reopened",
    FeedEventKind.rejected: "referral.rejected",
    FeedEventKind.clarification_requested: "referral.clarification_requested",
}
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
    type: WebhookEventType
    attempts: int
    last_error: str | None
    created_at: datetime


class ThinReferral(BaseModel):
    """A version of a referral by reference: no patient data, only where to fetch it."""

    id: int
    #: 1 when first validated; each correction is the next, and replaces the earlier ones.
    version: int
    #: Its place in the feed, as in the API.
    cursor: int
    #: GET /api/v1/referrals/{id}, with a token of scope referrals:read (the read is audited).
    #: It serves the latest version, which may be later than this one by then.
    url: str


class Event(BaseModel):
    """The body of every delivery, in the shape the Standard Webhooks spec recommends."""

    type: WebhookEventType
    #: When the clerk or supervisor decided: the event's time, the same on every attempt.
    timestamp: AwareDatetime
    #: A status event is ids only, whatever the endpoint's payload: no values, no reason.
    data: delivery.ValidatedReferral | ThinReferral | delivery.StatusEvent


@dataclass(frozen=True)
class Message:
    """What one delivery sends now, and what the audit trail records of it."""

    body: bytes
    type: WebhookEventType
    referral_id: int
    version: int
    document_id: int
    #: What the body discloses: "full", "thin", or "ids only" for a status event.
    disclosure: Literal["full", "thin", "ids only"]


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


def message(
    session: Session, claimed: WebhookDelivery, endpoint: WebhookEndpoint, base_url: str
) -> Message | None:
    """The delivery's message as of now; None for a version that no longer stands (a later
    one replaced it, or the referral was reopened): its successor is delivered instead."""
    event = session.get(FeedEvent, claimed.feed_seq)
    assert event is not None  # a foreign key
    served = delivery.item(session, event)
    if served is None:
        return None
    data: delivery.ValidatedReferral | ThinReferral | delivery.StatusEvent = served
    disclosure: Literal["full", "thin", "ids only"]
    if isinstance(served, delivery.StatusEvent):
        disclosure = "ids only"
        document_id = session.execute(
            select(ReferralRecord.document_id).where(col(ReferralRecord.id) == event.referral_id)
        ).scalar_one()
    else:
        # The payload kind as configured now, so an endpoint switched to thin has no PHI in
        # the retries of what was queued before.
        disclosure = endpoint.payload
        document_id = served.document.id
        if endpoint.payload == "thin":
            data = ThinReferral(
                id=served.id,
                version=served.version,
                cursor=served.cursor,
                url=f"{base_url}/api/v1/referrals/{served.id}",
            )
    kind = TYPES[event.event]
    return Message(
        body=Event(type=kind, timestamp=event.at, data=data).model_dump_json().encode(),
        type=kind,
        referral_id=event.referral_id,
        version=event.version,
        document_id=int(document_id),
        disclosure=disclosure,
    )


def enqueue_new(engine: Engine, endpoint: WebhookEndpoint) -> int:
    """A pending delivery to ``endpoint`` for each feed event of a type it takes, since the
    last call; returns how many events were passed (taken or not), 0 once there are none."""
    name = push_cursor.name_for("webhook", endpoint.url)
    with session_scope(engine) as session:
        seen = push_cursor.read(session, name)
        rows = session.execute(
            select(FeedEvent.seq, FeedEvent.referral_id, FeedEvent.event)
            .where(col(FeedEvent.seq) > seen)
            .order_by(col(FeedEvent.seq))
            .limit(_ENQUEUE_BATCH)
        ).all()
        if not rows:
            return 0
        # The cursor first: on PostgreSQL its row lock makes a concurrent enqueuer wait here
        # and then find the cursor moved, instead of inserting the same deliveries. It moves
        # past the events the endpoint does not take too: asking for them later starts then.
        if not push_cursor.advance(session, name, seen, int(rows[-1].seq)):
            session.rollback()
            return 0
        session.add_all(
            WebhookDelivery(endpoint=endpoint.url, referral_id=int(referral_id), feed_seq=seq)
            for seq, referral_id, kind in rows
            if TYPES[FeedEventKind(kind)] in endpoint.events
        )
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
        sending = message(session, claimed, endpoint, policy.base_url)
    if sending is None:
        _supersede(engine, claimed)
        return
    headers = {
        "Content-Type": "application/json",
        **signed_headers(endpoint.secrets, message_id(claimed), sending.body, utcnow()),
    }
    status_code: int | None = None
    try:
        response = client.post(
            endpoint.url, content=sending.body, headers=headers, timeout=policy.timeout_seconds
        )
        status_code = response.status_code
        error = None if response.is_success else f"HTTP {status_code}"
    except httpx.TimeoutException:
        error = "timeout"
    except httpx.HTTPError as exc:
        # The class only: the message can quote the URL.
        error = f"connection failed ({type(exc).__name__})"
    _record(engine, claimed, policy, sending, endpoint, error=error, status_code=status_code)


def _supersede(engine: Engine, claimed: WebhookDelivery) -> None:
    with session_scope(engine) as session:
        session.execute(
            update(WebhookDelivery)
            .where(col(WebhookDelivery.id) == claimed.id)
            .values(status=WebhookStatus.superseded)
        )


def _record(
    engine: Engine,
    claimed: WebhookDelivery,
    policy: Policy,
    sent: Message,
    endpoint: WebhookEndpoint,
    *,
    error: str | None,
    status_code: int | None,
) -> None:
    attempts = claimed.attempts + 1
    now = utcnow()
    if error is None:
        values: dict[str, object] = {"status": WebhookStatus.delivered, "delivered_at": now}
    elif attempts >= policy.max_attempts:
        values = {"status": WebhookStatus.dead}
    else:
        values = {"next_attempt_at": now + backoff(attempts, policy.retry_base_seconds)}
    with session_scope(engine) as session:
        session.execute(
            update(WebhookDelivery)
            .where(col(WebhookDelivery.id) == claimed.id)
            .values(attempts=attempts, last_status_code=status_code, last_error=error, **values)
        )
        # Each attempt may have disclosed the referral (full) or its existence (thin, ids),
        # whatever the answer.
        append(
            session,
            "push_webhook",
            ACTOR,
            document_id=sent.document_id,
            detail=f"{sent.disclosure} referral {sent.referral_id} version {sent.version}"
            f" ({sent.type}) to {urlsplit(endpoint.url).hostname}: {error or 'delivered'}",
        )
    if error is not None:
        logger.warning(
            "webhook attempt failed",
            extra={"delivery_id": claimed.id, "attempt": attempts, "error": error},
        )


def dead_letters(engine: Engine, limit: int = 200) -> list[DeadLetter]:
    with session_scope(engine) as session:
        rows = session.execute(
            select(WebhookDelivery, FeedEvent.event)
            .join(FeedEvent, col(FeedEvent.seq) == col(WebhookDelivery.feed_seq))
            .where(col(WebhookDelivery.status) == WebhookStatus.dead)
            .order_by(col(WebhookDelivery.id).desc())
            .limit(limit)
        ).all()
        return [
            DeadLetter(
                id=row.id or 0,
                host=urlsplit(row.endpoint).hostname or "",
                referral_id=row.referral_id,
                type=TYPES[FeedEventKind(kind)],
                attempts=row.attempts,
                last_error=row.last_error,
                created_at=row.created_at,
            )
            for row, kind in rows
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
