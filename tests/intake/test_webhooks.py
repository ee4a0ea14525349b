"""Webhooks as Standard Webhooks messages, checked by real receivers on 127.0.0.1 that verify
every delivery with the `standardwebhooks` library, as a consumer would: signatures across a
secret rotation, thin payloads without PHI, the same webhook-id on retries, the dead letters,
corrections as messages of their own, status events for the endpoints that ask, the upgrade
from first-validation webhooks, and the INTAKE_WEBHOOKS setting."""

from __future__ import annotations

import base64
import json
import re
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import get_args

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import column, insert, table, update
from sqlmodel import col, select
from standardwebhooks import Webhook, WebhookVerificationError

from intake import delivery, push, webhooks
from intake.clock import utcnow
from intake.config import (
    ConfigError,
    WebhookEndpoint,
    WebhookEventType,
    WebhookPayload,
    load_settings,
)
from intake.db import migrate
from intake.db.accounts import Role
from intake.db.audit import AuditEvent
from intake.db.engine import session_scope
from intake.db.feed import FeedEventKind
from intake.db.push import PushCursor, WebhookDelivery, WebhookStatus
from intake.db.types import UTCDateTime
from review_ui.app import create_app
from tests.conftest import intake
from tests.intake.conftest import wait_for
from tests.review_ui.api import seed
from tests.review_ui.api.serving import serving

OLD = webhooks.new_secret()
NEW = webhooks.new_secret()
BASE_URL = "https://intake.example.org"
#: The patient in seed.add_documents(services, 1): names, date of birth, member id, phone
#: and street.
PHI = ("Jane", "Patient0", "1948-02-29", "XAB000000000", "5555550123", "1 Example Street")


@dataclass
class Receipt:
    headers: dict[str, str]
    body: bytes
    #: Whether the receiver's own secret verified it.
    verified: bool


@dataclass
class Receiver:
    """A real HTTP endpoint holding one secret, as its operator configured it: a delivery
    that verifies is answered with ``statuses`` in turn (then the last one), one that does
    not with 401."""

    secret: str
    statuses: list[int] = field(default_factory=lambda: [204])
    received: list[Receipt] = field(default_factory=list)
    url: str = ""

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        try:
            Webhook(self.secret).verify(body, headers)
        except WebhookVerificationError:
            self.received.append(Receipt(headers, body, verified=False))
            return 401
        self.received.append(Receipt(headers, body, verified=True))
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]


@pytest.fixture
def receivers() -> Iterator[Callable[[str], Receiver]]:
    servers: list[ThreadingHTTPServer] = []

    def start(secret: str) -> Receiver:
        receiver = Receiver(secret)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                self.send_response(receiver.answer(dict(self.headers), body))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/intake"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return receiver

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


#: Every event type, in the order of intake.db.feed.FeedEventKind.
EVERY_EVENT: list[WebhookEventType] = list(get_args(WebhookEventType))


def _endpoint(
    url: str,
    *secrets: str,
    payload: WebhookPayload = "full",
    events: list[WebhookEventType] | None = None,
) -> WebhookEndpoint:
    return WebhookEndpoint(
        url=url,
        secrets=[SecretStr(s) for s in secrets],
        payload=payload,
        **({} if events is None else {"events": events}),
    )


def _summary(receiver: Receiver) -> list[tuple[str, int, int]]:
    """Each message received: its type, and the referral's id and version it names."""
    events = [json.loads(receipt.body) for receipt in receiver.received]
    return [(e["type"], e["data"]["id"], e["data"]["version"]) for e in events]


def _policy(max_attempts: int = 3, base_url: str = BASE_URL) -> webhooks.Policy:
    return webhooks.Policy(
        max_attempts=max_attempts, retry_base_seconds=0, timeout_seconds=5, base_url=base_url
    )


def _send(services, endpoints: list[WebhookEndpoint], policy: webhooks.Policy) -> int:
    for endpoint in endpoints:
        webhooks.enqueue_new(services.engine, endpoint)
    with httpx.Client() as client:
        return webhooks.send_due(services.engine, endpoints, policy, client)


def _deliveries(services) -> list[WebhookDelivery]:
    with session_scope(services.engine) as session:
        return list(session.exec(select(WebhookDelivery).order_by(col(WebhookDelivery.id))).all())


def _audited(services) -> list[str | None]:
    with session_scope(services.engine) as session:
        events = session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.action) == "push_webhook")
            .order_by(col(AuditEvent.id))
        ).all()
        return [event.detail for event in events]


def test_each_referral_is_a_standard_webhooks_message(services, receivers):
    receiver = receivers(NEW)
    seed.add_validated(services, 2)
    endpoint = _endpoint(receiver.url, NEW)
    assert _send(services, [endpoint], _policy()) == 2
    assert _send(services, [endpoint], _policy()) == 0

    assert [r.verified for r in receiver.received] == [True, True]
    rows = _deliveries(services)
    assert [d.status for d in rows] == [WebhookStatus.delivered] * 2
    for receipt, row in zip(receiver.received, rows, strict=True):
        headers = {k.lower(): v for k, v in receipt.headers.items()}
        assert headers["webhook-id"] == webhooks.message_id(row)
        assert re.fullmatch(r"msg_\d+_\d{8}T\d{12}", headers["webhook-id"])
        assert re.fullmatch(r"v1,[A-Za-z0-9+/]{43}=", headers["webhook-signature"])
        assert not any(name.startswith("x-intake") for name in headers)
        with session_scope(services.engine) as session:
            served = delivery.one(session, row.referral_id)
        assert served is not None
        assert json.loads(receipt.body) == {
            "type": "referral.validated",
            "timestamp": served.review.validated_at.isoformat().replace("+00:00", "Z"),
            "data": served.model_dump(mode="json"),
        }
    assert _audited(services) == [
        "full referral 1 version 1 (referral.validated) to 127.0.0.1: delivered",
        "full referral 2 version 1 (referral.validated) to 127.0.0.1: delivered",
    ]


def test_a_secret_rotation_keeps_old_and_new_receivers_verifying_until_the_old_one_goes(
    services, receivers
):
    # Two receivers of the same deployment's messages: one still holds the old secret, one
    # already the new. Each endpoint is configured with the secrets its sender signs with.
    old_holder, new_holder = receivers(OLD), receivers(NEW)

    before = [_endpoint(old_holder.url, OLD), _endpoint(new_holder.url, OLD)]
    seed.add_validated(services, 1)
    _send(services, before, _policy(max_attempts=1))
    assert [r.verified for r in old_holder.received] == [True]
    assert [r.verified for r in new_holder.received] == [False]  # the new one is not in use

    overlap = [_endpoint(old_holder.url, OLD, NEW), _endpoint(new_holder.url, OLD, NEW)]
    seed.add_validated(services, 1, start=1)
    _send(services, overlap, _policy(max_attempts=1))
    assert [r.verified for r in old_holder.received] == [True, True]
    assert [r.verified for r in new_holder.received] == [False, True]
    signature = new_holder.received[-1].headers["webhook-signature"]
    assert len(signature.split(" ")) == 2
    assert all(part.startswith("v1,") for part in signature.split(" "))

    after = [_endpoint(old_holder.url, NEW), _endpoint(new_holder.url, NEW)]
    seed.add_validated(services, 1, start=2)
    _send(services, after, _policy(max_attempts=1))
    assert [r.verified for r in old_holder.received] == [True, True, False]
    assert [r.verified for r in new_holder.received] == [False, True, True]
    late = old_holder.received[-1]
    with pytest.raises(WebhookVerificationError):
        Webhook(OLD).verify(late.body, late.headers)
    assert Webhook(NEW).verify(late.body, late.headers)["data"]["id"] == 3

    dead = {(d.referral_id, d.last_error) for d in webhooks.dead_letters(services.engine)}
    assert dead == {(1, "HTTP 401"), (3, "HTTP 401")}


def test_thin_payloads_carry_ids_and_a_link_that_fetches_the_referral(services, receivers):
    thin_receiver, full_receiver = receivers(NEW), receivers(NEW)
    seed.add_validated(services, 1)
    endpoints = [
        _endpoint(thin_receiver.url, NEW, payload="thin"),
        _endpoint(full_receiver.url, NEW, payload="full"),
    ]
    with serving(create_app(services)) as base_url:
        _send(services, endpoints, _policy(base_url=base_url))
        [thin], [full] = thin_receiver.received, full_receiver.received
        assert thin.verified
        for text in PHI:
            assert text in full.body.decode()  # the full payload does carry them
            assert text not in thin.body.decode()
        event = json.loads(thin.body)
        link = f"{base_url}/api/v1/referrals/1"
        assert event["data"] == {"id": 1, "version": 1, "cursor": 1, "url": link}
        assert event["timestamp"] == json.loads(full.body)["timestamp"]
        fetched = httpx.get(link, headers=seed.bearer(seed.token(services, "crm")))
    assert fetched.status_code == 200
    assert fetched.json() == json.loads(full.body)["data"]
    assert _audited(services) == [
        "thin referral 1 version 1 (referral.validated) to 127.0.0.1: delivered",
        "full referral 1 version 1 (referral.validated) to 127.0.0.1: delivered",
    ]


def test_retries_keep_the_webhook_id_and_follow_the_endpoints_payload_now(services, receivers):
    receiver = receivers(NEW)
    receiver.statuses = [500, 200]
    seed.add_validated(services, 1)
    webhooks.enqueue_new(services.engine, _endpoint(receiver.url, NEW))
    # The first attempt goes out full and fails; the operator switches the endpoint to thin
    # before the retry, which then carries no PHI.
    with httpx.Client() as client:
        webhooks.send_due(
            services.engine, [_endpoint(receiver.url, NEW)], _policy(), client, limit=1
        )
        webhooks.send_due(
            services.engine, [_endpoint(receiver.url, NEW, payload="thin")], _policy(), client
        )
    [row] = _deliveries(services)
    assert (row.status, row.attempts, row.last_status_code) == ("delivered", 2, 200)
    first, second = receiver.received
    assert first.verified and second.verified
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert "XAB000000000" in first.body.decode()
    assert "XAB000000000" not in second.body.decode()
    assert json.loads(second.body)["data"]["id"] == 1


def test_a_failing_endpoint_is_dead_lettered_and_sent_again_with_the_same_id(services, receivers):
    receiver = receivers(NEW)
    receiver.statuses = [503]
    seed.add_validated(services, 1)
    endpoint = _endpoint(receiver.url, NEW, payload="thin")
    _send(services, [endpoint], _policy(max_attempts=3))
    [dead] = webhooks.dead_letters(services.engine)
    assert (dead.referral_id, dead.attempts, dead.last_error, dead.host) == (
        1,
        3,
        "HTTP 503",
        "127.0.0.1",
    )

    assert webhooks.retry(services.engine, dead.id)
    assert not webhooks.retry(services.engine, dead.id)
    receiver.statuses = [200]
    _send(services, [endpoint], _policy())
    assert webhooks.dead_letters(services.engine) == []
    assert _deliveries(services)[-1].status == WebhookStatus.delivered
    assert [r.verified for r in receiver.received] == [True] * 4
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1


def test_an_unreachable_endpoint_fails_without_quoting_it(services):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/hook?key=abc"
    seed.add_validated(services, 1)
    _send(services, [_endpoint(closed, NEW)], _policy(max_attempts=1))
    [dead] = webhooks.dead_letters(services.engine)
    assert dead.last_error == "connection failed (ConnectError)"


def test_the_push_loop_runs_when_configured(services, tmp_path, receivers):
    receiver = receivers(NEW)
    folder = tmp_path / "outbox"
    settings = services.settings.model_copy(
        update={
            "outbox": folder,
            "webhooks": [_endpoint(receiver.url, NEW, payload="thin")],
            "public_url": BASE_URL,
            "push_interval_seconds": 0.1,
        }
    )
    configured = replace(services, settings=settings)
    assert push.start(services, threading.Event()) is None  # nothing configured: no thread
    stop = threading.Event()
    thread = push.start(configured, stop)
    assert thread is not None
    try:
        seed.add_validated(services, 2)
        wait_for(
            lambda: len(list(folder.glob("*.json"))) == 2 and len(receiver.received) == 2,
            timeout=30,
            what="the outbox files and the webhook calls",
        )
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert len(list(folder.glob("*.json"))) == 2
    assert [r.verified for r in receiver.received] == [True, True]
    assert [json.loads(r.body)["data"]["url"] for r in receiver.received] == [
        f"{BASE_URL}/api/v1/referrals/1",
        f"{BASE_URL}/api/v1/referrals/2",
    ]


def test_a_correction_is_a_second_distinct_message_with_its_version(services, receivers):
    full_receiver, thin_receiver = receivers(NEW), receivers(OLD)
    endpoints = [
        _endpoint(full_receiver.url, NEW),
        _endpoint(thin_receiver.url, OLD, payload="thin"),
    ]
    seed.add_validated(services, 1)
    assert _send(services, endpoints, _policy()) == 2
    supervisor = seed.clerk(services, "sam", Role.supervisor)
    # Validated (1), reopened (2), validated again (3): version 2.
    assert seed.correct(services, 1, supervisor, {"member.phone": "5555550199"}) == 3
    assert _send(services, endpoints, _policy()) == 2
    assert _send(services, endpoints, _policy()) == 0  # each version once per endpoint

    for receiver in (full_receiver, thin_receiver):
        assert [r.verified for r in receiver.received] == [True, True]
        assert _summary(receiver) == [("referral.validated", 1, 1), ("referral.corrected", 1, 2)]
        first, second = (r.headers["webhook-id"] for r in receiver.received)
        assert first != second
    with session_scope(services.engine) as session:
        served = delivery.one(session, 1)
    assert served is not None
    assert (served.event, served.version, served.cursor) == ("corrected", 2, 3)
    assert served.approved.member.phone == "5555550199"
    assert json.loads(full_receiver.received[1].body) == {
        "type": "referral.corrected",
        "timestamp": served.review.validated_at.isoformat().replace("+00:00", "Z"),
        "data": served.model_dump(mode="json"),
    }
    thin = thin_receiver.received[1].body.decode()
    assert json.loads(thin)["data"] == {
        "id": 1,
        "version": 2,
        "cursor": 3,
        "url": f"{BASE_URL}/api/v1/referrals/1",
    }
    for text in (*PHI, "5555550199", "misread"):
        assert text not in thin
    assert _audited(services)[2:] == [
        "full referral 1 version 2 (referral.corrected) to 127.0.0.1: delivered",
        "thin referral 1 version 2 (referral.corrected) to 127.0.0.1: delivered",
    ]


def test_a_version_replaced_before_its_turn_is_not_sent_and_its_correction_is(services, receivers):
    receiver = receivers(NEW)
    endpoint = _endpoint(receiver.url, NEW)
    seed.add_validated(services, 2)
    assert webhooks.enqueue_new(services.engine, endpoint) == 2  # queued, not yet sent
    supervisor = seed.clerk(services, "sam", Role.supervisor)
    seed.correct(services, 1, supervisor, {"member.phone": "5555550199"})
    _send(services, [endpoint], _policy())

    # Version 1 would now carry version 2's values under its own number: it is not sent.
    assert _summary(receiver) == [("referral.validated", 2, 1), ("referral.corrected", 1, 2)]
    statuses = [(d.referral_id, d.feed_seq, d.status) for d in _deliveries(services)]
    assert statuses == [
        (1, 1, WebhookStatus.superseded),
        (2, 2, WebhookStatus.delivered),
        (1, 4, WebhookStatus.delivered),
    ]
    assert webhooks.dead_letters(services.engine) == []


def test_status_events_go_to_the_endpoints_that_list_them_without_phi(services, receivers):
    opted_in, default = receivers(NEW), receivers(NEW)
    # Full payloads both: a status event carries ids only all the same.
    endpoints = [_endpoint(opted_in.url, NEW, events=EVERY_EVENT), _endpoint(default.url, NEW)]
    rejected, asked, kept, withdrawn = seed.every_decision(services)
    _send(services, endpoints, _policy())

    assert all(r.verified for r in (*opted_in.received, *default.received))
    assert _summary(opted_in) == [
        ("referral.rejected", rejected, 0),
        ("referral.clarification_requested", asked, 0),
        ("referral.validated", kept, 1),
        # The withdrawn referral's version 1 no longer stands: never sent, to either.
        ("referral.reopened", withdrawn, 1),
        ("referral.rejected", withdrawn, 1),
    ]
    assert _summary(default) == [("referral.validated", kept, 1)]
    first = opted_in.received[0]
    with session_scope(services.engine) as session:
        [event] = delivery.feed(session, 0, 1, [FeedEventKind.rejected]).data
    assert json.loads(first.body) == {
        "type": "referral.rejected",
        "timestamp": json.loads(event.model_dump_json())["at"],
        "data": event.model_dump(mode="json"),
    }
    assert set(json.loads(first.body)["data"]) == {"id", "cursor", "event", "version", "at"}
    for receipt in opted_in.received[:2] + opted_in.received[3:]:
        body = receipt.body.decode()
        for text in ("Patient", "XAB", "home-care order", "unreadable", "misread", "clara"):
            assert text not in body
    assert (
        f"ids only referral {rejected} version 0 (referral.rejected) to 127.0.0.1: delivered"
        in (_audited(services))
    )
    superseded = [d.endpoint for d in _deliveries(services) if d.status == "superseded"]
    assert superseded == [opted_in.url, default.url]


def test_an_upgrade_keeps_pending_deliveries_and_sends_no_made_one_again(services, receivers):
    receiver = receivers(NEW)
    receiver.statuses = [204, 500, 204]
    endpoint = _endpoint(receiver.url, NEW)
    seed.add_validated(services, 3)
    webhooks.enqueue_new(services.engine, endpoint)
    with httpx.Client() as client:
        # Referral 1 is delivered, 2 fails once, 3 is not yet tried.
        webhooks.send_due(services.engine, [endpoint], _policy(), client, limit=2)
    assert _summary(receiver) == [("referral.validated", 1, 1), ("referral.validated", 2, 1)]
    failed_id = receiver.received[1].headers["webhook-id"]

    # Back to webhooks that follow first validations only (0010). Referral 1 is corrected
    # (feed 4 and 5), which they never queued; referral 4 is validated (6), which they did.
    migrate.downgrade(services.engine, "0010")
    supervisor = seed.clerk(services, "sam", Role.supervisor)
    seed.correct(services, 1, supervisor, {"member.phone": "5555550199"})
    seed.add_validated(services, 1, start=3)
    old_delivery = table(
        "webhook_delivery",
        *(column(name) for name in ("endpoint", "referral_id", "status", "attempts")),
        column("next_attempt_at", UTCDateTime()),
        column("created_at", UTCDateTime()),
    )
    with services.engine.begin() as connection:
        now = utcnow()
        connection.execute(
            insert(old_delivery).values(
                endpoint=endpoint.url,
                referral_id=4,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
        connection.execute(update(PushCursor).values(validated_seq=6))
    migrate.upgrade(services.engine)

    assert _send(services, [endpoint], _policy()) == 4
    assert _send(services, [endpoint], _policy()) == 0
    assert all(r.verified for r in receiver.received)
    after = receiver.received[2:]
    assert sorted(_summary(receiver)[2:]) == [
        ("referral.corrected", 1, 2),
        ("referral.validated", 2, 1),
        ("referral.validated", 3, 1),
        ("referral.validated", 4, 1),
    ]
    # The failed one again under its webhook-id, so a receiver that got it drops it.
    [again] = [r for r in after if json.loads(r.body)["data"]["id"] == 2]
    assert again.headers["webhook-id"] == failed_id
    assert len({r.headers["webhook-id"] for r in after}) == 4
    rows = _deliveries(services)
    assert [(d.referral_id, d.feed_seq, d.status) for d in rows] == [
        (1, 1, WebhookStatus.delivered),
        (2, 2, WebhookStatus.delivered),
        (3, 3, WebhookStatus.delivered),
        (4, 6, WebhookStatus.delivered),
        (1, 5, WebhookStatus.delivered),
    ]


@pytest.mark.databases("sqlite")  # no database is opened
def test_every_kind_of_feed_event_has_its_message_type():
    assert list(webhooks.TYPES) == list(FeedEventKind)
    assert list(webhooks.TYPES.values()) == EVERY_EVENT
    assert [f"referral.{kind}" for kind in FeedEventKind] == EVERY_EVENT


@pytest.mark.databases("sqlite")  # no database is opened
def test_new_secret_prints_a_whsec_secret_the_settings_and_the_library_accept(intake_env):
    made = [intake(intake_env, "webhooks", "new-secret") for _ in range(2)]
    assert [m.returncode for m in made] == [0, 0]
    secrets = [m.stdout.strip() for m in made]
    assert secrets[0] != secrets[1]
    for secret in secrets:
        assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{43}=", secret)
        assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
        endpoint = _endpoint("https://crm.example.org/hook", secret)
        headers = webhooks.signed_headers(endpoint.secrets, "msg_1", b"{}", utcnow())
        assert Webhook(secret).verify(b"{}", headers) == {}


_HOOK = "https://svc:pa55word@crm.example.org/hook"


def _webhooks_env(*endpoints: dict[str, object]) -> str:
    return json.dumps(list(endpoints))


@pytest.mark.databases("sqlite")
def test_webhook_settings_are_read_per_endpoint_and_never_shown(intake_env, monkeypatch):
    monkeypatch.setenv(
        "INTAKE_WEBHOOKS",
        _webhooks_env(
            {"url": _HOOK, "secrets": [OLD, NEW]},
            {
                "url": "http://127.0.0.1:9000/h",
                "secrets": [NEW.rstrip("=")],
                "payload": "full",
                "events": ["referral.validated", "referral.rejected"],
            },
        ),
    )
    monkeypatch.setenv("INTAKE_PUBLIC_URL", BASE_URL)
    monkeypatch.setenv("INTAKE_OUTBOX", "out")
    settings = load_settings()
    assert settings.outbox == Path("out")
    first, second = settings.webhooks
    assert (first.url, first.payload) == (_HOOK, "thin")  # thin unless asked otherwise
    assert [s.get_secret_value() for s in first.secrets] == [OLD, NEW]
    assert (second.url, second.payload) == ("http://127.0.0.1:9000/h", "full")
    # Referrals, each version, unless the endpoint lists what it takes.
    assert first.events == ["referral.validated", "referral.corrected"]
    assert second.events == ["referral.validated", "referral.rejected"]
    shown = repr(settings)
    for hidden in (OLD, NEW, NEW.rstrip("="), "pa55word", "crm.example.org"):
        assert hidden not in shown


@pytest.mark.databases("sqlite")
@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        (
            {
                "INTAKE_WEBHOOKS": _webhooks_env(
                    {"url": "http://crm.example.org/h", "secrets": [NEW]}
                )
            },
            "INTAKE_WEBHOOKS[0].url: Value error, must be https://",
        ),
        (
            {"INTAKE_WEBHOOKS": _webhooks_env({"url": _HOOK, "secrets": ["pa55word" * 5]})},
            "INTAKE_WEBHOOKS[0].secrets[0]: Value error, must be whsec_",
        ),
        (
            {"INTAKE_WEBHOOKS": _webhooks_env({"url": _HOOK, "secrets": ["whsec_cGE1NXdvcmQ="]})},
            "base64 of 24 to 64 bytes",
        ),
        (
            {"INTAKE_WEBHOOKS": _webhooks_env({"url": _HOOK, "secrets": [NEW, OLD, NEW]})},
            "INTAKE_WEBHOOKS[0].secrets: List should have at most 2 items",
        ),
        (
            {"INTAKE_WEBHOOKS": _webhooks_env({"url": _HOOK, "secrets": [NEW, NEW]})},
            "the same secret twice",
        ),
        (
            {"INTAKE_WEBHOOKS": _webhooks_env({"url": _HOOK, "secrets": []})},
            "INTAKE_WEBHOOKS[0].secrets: List should have at least 1 item",
        ),
        (
            {"INTAKE_WEBHOOKS": _webhooks_env({"url": _HOOK, "secret": NEW})},
            "INTAKE_WEBHOOKS[0].secret: Extra inputs are not permitted",
        ),
        (
            {"INTAKE_WEBHOOKS": _webhooks_env({"url": _HOOK, "secrets": [NEW], "payload": "all"})},
            "INTAKE_WEBHOOKS[0].payload: Input should be 'full' or 'thin'",
        ),
        (
            {
                "INTAKE_WEBHOOKS": _webhooks_env(
                    {"url": _HOOK, "secrets": [NEW], "events": ["referral.deleted"]}
                )
            },
            "INTAKE_WEBHOOKS[0].events[0]: Input should be 'referral.validated',"
            " 'referral.corrected', 'referral.reopened', 'referral.rejected' or"
            " 'referral.clarification_requested'",
        ),
        (
            {
                "INTAKE_WEBHOOKS": _webhooks_env(
                    {"url": _HOOK, "secrets": [NEW], "events": ["referral.rejected"] * 2}
                )
            },
            "INTAKE_WEBHOOKS[0].events: Value error, the same event twice",
        ),
        (
            {"INTAKE_WEBHOOKS": _webhooks_env({"url": _HOOK, "secrets": [NEW], "events": []})},
            "INTAKE_WEBHOOKS[0].events: List should have at least 1 item",
        ),
        (
            {
                "INTAKE_WEBHOOKS": _webhooks_env(
                    {"url": _HOOK, "secrets": [NEW]}, {"url": _HOOK, "secrets": [OLD]}
                )
            },
            "INTAKE_WEBHOOKS: Value error, the same url twice",
        ),
        (
            {"INTAKE_WEBHOOKS": f'[{{"url": "{_HOOK}", "secrets": ["{NEW}"]'},
            "INTAKE_WEBHOOKS: Value error, not JSON (Expecting ',' delimiter at line 1 column",
        ),
        (
            {
                "INTAKE_WEBHOOKS": _webhooks_env({"url": _HOOK, "secrets": [NEW]}),
                "INTAKE_PUBLIC_URL": "",
            },
            "INTAKE_PUBLIC_URL is required with thin webhook payloads",
        ),
        (
            {"INTAKE_WEBHOOK_URLS": _HOOK},
            "INTAKE_WEBHOOK_URLS: Value error, retired: webhooks now follow Standard Webhooks;"
            " set INTAKE_WEBHOOKS",
        ),
        (
            {"INTAKE_WEBHOOK_SECRET": "pa55word" * 5},
            "INTAKE_WEBHOOK_SECRET: Value error, retired: each endpoint's secrets are in"
            " INTAKE_WEBHOOKS",
        ),
    ],
)
def test_bad_webhook_settings_are_one_line_without_secrets_or_urls(
    intake_env, monkeypatch, env, fragment
):
    monkeypatch.setenv("INTAKE_PUBLIC_URL", BASE_URL)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError) as refused:
        load_settings()
    message = str(refused.value)
    assert fragment in message
    for hidden in (OLD, NEW, "pa55word", "cGE1NXdvcmQ", "crm.example.org"):
        assert hidden not in message


@pytest.mark.databases("sqlite")
def test_the_service_refuses_bad_webhook_settings_in_one_line(intake_env):
    bad = {**intake_env, "INTAKE_WEBHOOKS": _webhooks_env({"url": _HOOK, "secrets": ["x"]})}
    result = intake({**bad, "INTAKE_PUBLIC_URL": BASE_URL}, "status")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: invalid configuration: INTAKE_WEBHOOKS[0].secrets[0]:")
    assert "pa55word" not in line
