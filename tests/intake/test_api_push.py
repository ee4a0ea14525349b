"""Push for consumers that cannot poll: the outbox folder (one file per validated referral,
written whole) and signed webhooks with retries and a dead-letter list."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlmodel import col, select

from intake import delivery, outbox, push, webhooks
from intake.config import ConfigError, load_settings
from intake.db.accounts import Role
from intake.db.audit import AuditEvent
from intake.db.engine import session_scope
from intake.db.push import WebhookDelivery, WebhookStatus
from tests.intake.conftest import wait_for
from tests.review_ui.api import seed

SECRET = "s" * 40


def _validated(services, count: int, start: int = 0) -> list[int]:
    clerk = seed.clerk(services, f"clerk{start}")
    documents = seed.add_documents(services, count, start=start)
    for document_id in documents:
        seed.validate(services, document_id, clerk)
    return documents


def _audited(services, action: str) -> list[AuditEvent]:
    with session_scope(services.engine) as session:
        return list(session.exec(select(AuditEvent).where(col(AuditEvent.action) == action)).all())


def test_outbox_gets_one_whole_file_per_validated_referral(services, tmp_path):
    folder = tmp_path / "outbox"
    _validated(services, 3)
    assert outbox.write_new(services.engine, folder) == 3
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "0000000001-referral-1.json",
        "0000000002-referral-2.json",
        "0000000003-referral-3.json",
    ]
    with session_scope(services.engine) as session:
        served = delivery.one(session, 2)
    written = delivery.ValidatedReferral.model_validate_json(
        (folder / "0000000002-referral-2.json").read_bytes()
    )
    assert written == served
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert outbox.write_new(services.engine, folder) == 0
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before

    _validated(services, 2, start=3)
    assert outbox.write_new(services.engine, folder) == 2
    assert len(list(folder.iterdir())) == 5  # no temp file left behind
    assert [e.document_id for e in _audited(services, "push_outbox")] == [1, 2, 3, 4, 5]


def test_two_pushers_hand_each_referral_over_once(services, tmp_path):
    folder = tmp_path / "outbox"
    _validated(services, 40)
    barrier = threading.Barrier(2)

    def pusher() -> int:
        barrier.wait()
        total = 0
        while written := outbox.write_new(services.engine, folder):
            total += written
        return total

    with ThreadPoolExecutor(2) as pool:
        results = [f.result() for f in [pool.submit(pusher) for _ in range(2)]]
    # A pusher that loses the race wrote identical files; only the winner records them.
    assert sum(results) == 40
    assert len(list(folder.iterdir())) == 40
    recorded = [e.document_id for e in _audited(services, "push_outbox")]
    assert len(recorded) == 40
    assert set(recorded) == set(range(1, 41))


@dataclass
class Receiver:
    """A real HTTP endpoint that answers with the given statuses in turn (then the last one)."""

    statuses: list[int]
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(statuses=[200])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.received.append((dict(self.headers), body))
            status = state.statuses.pop(0) if len(state.statuses) > 1 else state.statuses[0]
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/intake"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _policy(max_attempts: int = 3) -> webhooks.Policy:
    return webhooks.Policy(
        secret=SECRET.encode(), max_attempts=max_attempts, retry_base_seconds=0, timeout_seconds=5
    )


def _deliveries(services) -> list[WebhookDelivery]:
    with session_scope(services.engine) as session:
        return list(session.exec(select(WebhookDelivery).order_by(col(WebhookDelivery.id))).all())


def test_webhooks_are_signed_and_sent_once_each(services, receiver):
    _validated(services, 2)
    assert webhooks.enqueue_new(services.engine, receiver.url) == 2
    assert webhooks.enqueue_new(services.engine, receiver.url) == 0
    with httpx.Client() as client:
        assert webhooks.send_due(services.engine, [receiver.url], _policy(), client) == 2
        assert webhooks.send_due(services.engine, [receiver.url], _policy(), client) == 0

    assert len(receiver.received) == 2
    for (headers, body), expected_id in zip(receiver.received, [1, 2], strict=True):
        signed = f"{headers['X-Intake-Timestamp']}.".encode() + body
        digest = hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
        assert headers["X-Intake-Signature"] == f"sha256={digest}"
        assert headers["X-Intake-Event"] == "referral.validated"
        payload = json.loads(body)
        assert payload["referral"]["id"] == expected_id
        assert headers["X-Intake-Delivery"] == str(payload["delivery_id"])
    assert [d.status for d in _deliveries(services)] == [WebhookStatus.delivered] * 2
    assert [e.detail for e in _audited(services, "push_webhook")] == [
        "referral 1 to 127.0.0.1: delivered",
        "referral 2 to 127.0.0.1: delivered",
    ]


def test_a_failing_endpoint_is_retried_then_dead_lettered_and_retried_by_the_admin(
    services, receiver
):
    _validated(services, 1)
    webhooks.enqueue_new(services.engine, receiver.url)
    receiver.statuses = [500, 200]
    with httpx.Client() as client:
        webhooks.send_due(services.engine, [receiver.url], _policy(), client)
    [sent] = _deliveries(services)
    assert (sent.status, sent.attempts, sent.last_status_code) == ("delivered", 2, 200)
    assert len(receiver.received) == 2
    # The same delivery id both times, so the receiver can tell the repeat.
    assert {h["X-Intake-Delivery"] for h, _ in receiver.received} == {str(sent.id)}

    _validated(services, 1, start=1)
    webhooks.enqueue_new(services.engine, receiver.url)
    receiver.statuses = [503]
    with httpx.Client() as client:
        webhooks.send_due(services.engine, [receiver.url], _policy(max_attempts=3), client)
    [dead] = webhooks.dead_letters(services.engine)
    assert (dead.referral_id, dead.attempts, dead.last_error, dead.host) == (
        2,
        3,
        "HTTP 503",
        "127.0.0.1",
    )

    assert webhooks.retry(services.engine, dead.id)
    assert not webhooks.retry(services.engine, dead.id)
    receiver.statuses = [200]
    with httpx.Client() as client:
        webhooks.send_due(services.engine, [receiver.url], _policy(), client)
    assert webhooks.dead_letters(services.engine) == []
    assert _deliveries(services)[-1].status == WebhookStatus.delivered


def test_an_unreachable_endpoint_fails_without_quoting_it(services):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/hook?key=abc"
    _validated(services, 1)
    webhooks.enqueue_new(services.engine, closed)
    with httpx.Client() as client:
        webhooks.send_due(services.engine, [closed], _policy(max_attempts=1), client)
    [dead] = webhooks.dead_letters(services.engine)
    assert dead.last_error == "connection failed (ConnectError)"


def test_the_push_loop_runs_when_configured(services, tmp_path, receiver):
    folder = tmp_path / "outbox"
    settings = services.settings.model_copy(
        update={
            "outbox": folder,
            "webhook_urls": [receiver.url],
            "webhook_secret": SecretStr(SECRET),
            "push_interval_seconds": 0.1,
        }
    )
    configured = replace(services, settings=settings)
    assert push.start(services, threading.Event()) is None  # nothing configured: no thread
    stop = threading.Event()
    thread = push.start(configured, stop)
    assert thread is not None
    try:
        _validated(services, 2)
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
    assert len(receiver.received) == 2


@pytest.mark.databases("sqlite")
@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        (
            {"INTAKE_WEBHOOK_URLS": "http://crm.example.org/hook", "INTAKE_WEBHOOK_SECRET": SECRET},
            "https://",
        ),
        ({"INTAKE_WEBHOOK_URLS": "https://crm.example.org/hook"}, "INTAKE_WEBHOOK_SECRET"),
        (
            {"INTAKE_WEBHOOK_URLS": "https://crm.example.org/h", "INTAKE_WEBHOOK_SECRET": "short"},
            "at least 32",
        ),
    ],
)
def test_webhook_settings_are_checked(intake_env, monkeypatch, env, fragment):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=fragment) as refused:
        load_settings()
    assert "crm.example.org" not in str(refused.value)


@pytest.mark.databases("sqlite")
def test_webhook_settings_accept_https_and_local_http(intake_env, monkeypatch):
    monkeypatch.setenv(
        "INTAKE_WEBHOOK_URLS", "https://crm.example.org/hook, http://127.0.0.1:9000/h"
    )
    monkeypatch.setenv("INTAKE_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("INTAKE_OUTBOX", str(Path("out")))
    settings = load_settings()
    assert settings.webhook_urls == ["https://crm.example.org/hook", "http://127.0.0.1:9000/h"]
    assert settings.outbox == Path("out")


def test_a_correction_is_a_new_outbox_file_with_its_version(services, tmp_path):
    folder = tmp_path / "outbox"
    _validated(services, 2)
    assert outbox.write_new(services.engine, folder) == 2
    supervisor = seed.clerk(services, "sam", Role.supervisor)
    assert seed.correct(services, 1, supervisor, {"member.phone": "5555550199"}) == 4
    assert outbox.write_new(services.engine, folder) == 1
    assert sorted(p.name for p in folder.iterdir()) == [
        "0000000001-referral-1.json",
        "0000000002-referral-2.json",
        "0000000004-referral-1.json",
    ]
    corrected = json.loads((folder / "0000000004-referral-1.json").read_bytes())
    assert (corrected["event"], corrected["version"]) == ("corrected", 2)
    assert corrected["approved"]["member"]["phone"] == "5555550199"
    assert outbox.write_new(services.engine, folder) == 0
