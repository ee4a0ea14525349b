"""Fixtures for the review UI: documents read by the real pipeline, users, logged-in clients."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import col, select

from intake.db.accounts import Role, User
from intake.db.engine import session_scope
from intake.db.models import Document, ReferralRecord
from intake.ingest import Ingestor
from intake.services import Services
from intake.users import hash_password
from intake.worker import Worker
from review_ui.app import create_app

CORPUS = Path(__file__).resolve().parents[2] / "samples" / "corpus"
#: A DME order with nothing missing, read from its text layer (no OCR: quick).
TEXT_ORDER = CORPUS / "order-0000.pdf"
#: A scanned DME order without a signature, read by tesseract: "signature" is missing.
UNSIGNED_ORDER = CORPUS / "order-0016.png"

PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Account:
    username: str
    role: Role


ACCOUNTS = {
    "clerk": Account("clara", Role.clerk),
    "clerk2": Account("colin", Role.clerk),
    "supervisor": Account("sam", Role.supervisor),
    "admin": Account("alma", Role.admin),
}


def reading(services: Services, document_id: int) -> tuple[Document, ReferralRecord | None]:
    """The document and its referral (None before any reading), detached from the session."""
    with session_scope(services.engine) as session:
        document = session.get_one(Document, document_id)
        referral = session.exec(
            select(ReferralRecord).where(col(ReferralRecord.document_id) == document_id)
        ).first()
        session.expunge_all()
    return document, referral


def process(services: Services, *paths: Path) -> list[int]:
    """Ingest the files and read them with a real worker until the queue is empty."""
    ingestor = Ingestor(services.settings, services.engine, services.store)
    ids = [ingestor.ingest_path(path).document_id for path in paths]
    Worker(services).run(threading.Event(), idle_exit=lambda: True)
    return ids


@pytest.fixture(scope="session")
def password_hash() -> str:
    # Hashing is slow on purpose; the accounts share one hash of the same password.
    return hash_password(PASSWORD)


@pytest.fixture
def accounts(services: Services, password_hash: str) -> dict[str, Account]:
    with session_scope(services.engine) as session:
        for account in ACCOUNTS.values():
            session.add(
                User(username=account.username, password_hash=password_hash, role=account.role)
            )
    return ACCOUNTS


@pytest.fixture
def app(services: Services):
    return create_app(services)


def new_client(app) -> TestClient:
    return TestClient(app, base_url="http://testserver", follow_redirects=False)


@pytest.fixture
def anonymous(app) -> Iterator[TestClient]:
    with new_client(app) as client:
        yield client


def login_csrf(client: TestClient) -> str:
    page = client.get("/login")
    return hidden_value(page.text, "_csrf")


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert match, f"no hidden field {name}"
    return match.group(1)


def log_in(client: TestClient, username: str, password: str = PASSWORD):
    return client.post(
        "/login",
        data={"username": username, "password": password, "_csrf": login_csrf(client)},
    )


def csrf_of(client: TestClient) -> str:
    """The session's CSRF token, as the page's meta tag carries it."""
    match = re.search(r'<meta name="csrf-token" content="([^"]+)">', client.get("/queue").text)
    assert match
    return match.group(1)


@dataclass
class LoggedIn:
    client: TestClient
    csrf: str
    account: Account

    def post(self, url: str, data: dict[str, str] | None = None, **kwargs):
        return self.client.post(url, data={**(data or {}), "_csrf": self.csrf}, **kwargs)


def logged_in(app, account: Account) -> LoggedIn:
    client = new_client(app)
    client.__enter__()
    response = log_in(client, account.username)
    assert response.status_code == 303, response.text
    return LoggedIn(client, csrf_of(client), account)


@pytest.fixture
def clerk(app, accounts) -> Iterator[LoggedIn]:
    session = logged_in(app, accounts["clerk"])
    yield session
    session.client.__exit__(None, None, None)


@pytest.fixture
def clerk2(app, accounts) -> Iterator[LoggedIn]:
    session = logged_in(app, accounts["clerk2"])
    yield session
    session.client.__exit__(None, None, None)


@pytest.fixture
def supervisor(app, accounts) -> Iterator[LoggedIn]:
    session = logged_in(app, accounts["supervisor"])
    yield session
    session.client.__exit__(None, None, None)
