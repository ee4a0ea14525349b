"""X-Forwarded-For is believed only from configured proxies: a local process cannot give the
login throttle or the audit trail a made-up address. Served by uvicorn as `intake serve`
configures it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import httpx
import pytest
from sqlmodel import col, select

from intake.db.audit import AuditEvent
from intake.db.engine import session_scope
from intake.services import Services
from review_ui.server import make_server, start_in_thread
from tests.conftest import free_port
from tests.review_ui.conftest import hidden_value

pytestmark = pytest.mark.databases("sqlite")


@contextmanager
def _served(services: Services, **settings) -> Iterator[str]:
    configured = services.settings.model_copy(update={"web_port": free_port(), **settings})
    server = make_server(replace(services, settings=configured))
    thread: threading.Thread = start_in_thread(server)
    try:
        yield f"http://127.0.0.1:{configured.web_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def _failed_login_from(base: str, forwarded: str) -> None:
    with httpx.Client(base_url=base) as client:
        csrf = hidden_value(client.get("/login").text, "_csrf")
        client.post(
            "/login",
            data={"username": "nobody", "password": "wrong", "_csrf": csrf},
            headers={"x-forwarded-for": forwarded},
        )


def _addresses(services: Services) -> list[str | None]:
    with session_scope(services.engine) as session:
        return list(
            session.exec(
                select(col(AuditEvent.client_addr)).where(col(AuditEvent.action) == "login_failed")
            ).all()
        )


def test_a_spoofed_forwarded_address_is_ignored(services):
    with _served(services) as base:
        for n in range(3):
            _failed_login_from(base, f"203.0.113.{n}")
    assert _addresses(services) == ["127.0.0.1"] * 3


def test_a_configured_proxy_is_believed(services):
    with _served(services, trusted_proxies=["127.0.0.1"]) as base:
        _failed_login_from(base, "203.0.113.7")
    assert _addresses(services) == ["203.0.113.7"]
