"""Downstream systems pull concurrently while clerks validate: each ends with every referral
exactly once. Real HTTP, real clerks' approvals (intake.review.approve), SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import func, select
from sqlmodel import col

from intake.db.review import Delivery
from tests.review_ui.api import seed
from tests.review_ui.api.serving import serving

REFERRALS = 200
DEADLINE_SECONDS = 240
CLERK_PAUSE_SECONDS = 0.02


def _pull_pending_and_ack(
    base_url: str, secret: str, done: threading.Event, received: list[int]
) -> None:
    """What a care-management platform does: take what is pending, store it, acknowledge it."""
    with httpx.Client(base_url=base_url, headers=seed.bearer(secret), timeout=60) as client:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while len(set(received)) < REFERRALS and time.monotonic() < deadline:
            page = client.get("/api/v1/referrals/pending", params={"limit": 7})
            page.raise_for_status()
            batch = [referral["id"] for referral in page.json()["data"]]
            for referral_id in batch:
                received.append(referral_id)
                client.post(f"/api/v1/referrals/{referral_id}/ack").raise_for_status()
            if not batch:
                time.sleep(0.02 if not done.is_set() else 0)


def _pull_by_cursor(base_url: str, secret: str, done: threading.Event, received: list[int]) -> None:
    """What a scheduling system keeping its own cursor does."""
    cursor = 0
    with httpx.Client(base_url=base_url, headers=seed.bearer(secret), timeout=60) as client:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while len(set(received)) < REFERRALS and time.monotonic() < deadline:
            page = client.get("/api/v1/referrals", params={"after": cursor, "limit": 9})
            page.raise_for_status()
            body = page.json()
            received.extend(referral["id"] for referral in body["data"])
            cursor = body["next_cursor"]
            if not body["data"]:
                time.sleep(0.02 if not done.is_set() else 0)


def test_concurrent_consumers_each_get_every_referral_once(services, app):
    documents = seed.add_documents(services, REFERRALS)
    clerks = [seed.clerk(services, "clerk-a"), seed.clerk(services, "clerk-b")]
    consumers = {name: seed.token(services, name) for name in ("care-platform", "payer", "sched")}
    validated = threading.Event()

    def clerk_work(index: int) -> None:
        for document_id in documents[index :: len(clerks)]:
            seed.validate(services, document_id, clerks[index])
            # A clerk is not a loop: the pause keeps validations arriving while consumers pull.
            time.sleep(CLERK_PAUSE_SECONDS)

    received: dict[str, list[int]] = {name: [] for name in consumers}
    pullers = {"care-platform": _pull_pending_and_ack, "payer": _pull_pending_and_ack}
    with serving(app) as base_url, ThreadPoolExecutor(max_workers=5) as pool:
        pulls = [
            pool.submit(
                pullers.get(name, _pull_by_cursor), base_url, secret, validated, received[name]
            )
            for name, secret in consumers.items()
        ]
        for work in [pool.submit(clerk_work, i) for i in range(len(clerks))]:
            work.result()
        during_validation = {name: len(ids) for name, ids in received.items()}
        validated.set()
        for pull in pulls:
            pull.result()

    assert all(during_validation.values()), "the consumers did not pull while clerks worked"
    for name, ids in received.items():
        repeats = {rid: n for rid, n in Counter(ids).items() if n > 1}
        assert repeats == {}, f"{name} received some referrals more than once"
        assert len(ids) == REFERRALS, f"{name} received {len(ids)} of {REFERRALS}"
    assert set(received["care-platform"]) == set(received["payer"]) == set(received["sched"])
    with services.engine.connect() as connection:
        acked = dict(
            connection.execute(
                select(col(Delivery.token_id), func.count()).group_by(col(Delivery.token_id))
            ).all()
        )
    assert sorted(acked.values()) == [REFERRALS, REFERRALS]
