"""Downstream pull throughput: validated referrals pulled page by page over HTTP.

    .venv/bin/python -m benchmarks.api_pull [--referrals 10000] [--limit 100]
                                            [--database-url postgresql+psycopg://...]

Makes a throwaway deployment (SQLite by default), reads one committed sample with the real
extractor and stores it as N referrals (each with its own member), validates each through the
clerks' approve transition, starts `intake serve` as its own process and pulls everything
over HTTP as a consumer would: by cursor (GET /referrals?after=), then as a second consumer
with GET /referrals/pending and an ack per referral. Every referral served is audited, as in
production. Prints referrals per second for each way; the README's figure comes from here.
"""

from __future__ import annotations

import argparse
import copy
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from extractors.extract.extractor import extract_file
from extractors.limits import Limits
from intake import review, tokens
from intake.audit_trail import CLI_ACTOR, Actor
from intake.clock import utcnow
from intake.db.accounts import Role
from intake.db.engine import make_engine, session_scope
from intake.db.migrate import upgrade
from intake.db.models import Document, ReferralRecord, Status
from intake.referral_columns import reading_columns, summary_columns
from intake.store import ContentStore
from intake.users import create_user

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "corpus" / "order-0000.pdf"
_START_TIMEOUT_SECONDS = 60.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _referral_values(count: int) -> Iterator[dict[str, Any]]:
    _, referral = extract_file(
        SAMPLE.read_bytes(), filename=SAMPLE.name, received_at=datetime.now(UTC), limits=Limits()
    )
    base = referral.model_dump(mode="json")
    for n in range(count):
        values = copy.deepcopy(base)
        values["member"]["last_name"] = f"Bench{n}"
        values["member"]["member_id"] = f"B{n:010d}"
        yield values


def seed(env: dict[str, str], count: int) -> float:
    """Store and validate ``count`` referrals; returns the seconds the validations took."""
    engine = make_engine(
        env.get("INTAKE_DATABASE_URL") or f"sqlite:///{env['INTAKE_DATA_DIR']}/intake.db"
    )
    upgrade(engine)
    store = ContentStore(Path(env["INTAKE_DATA_DIR"]) / "store")
    document_ids = []
    with session_scope(engine) as session:
        user = create_user(session, "bench-clerk", "a long enough password", Role.clerk, CLI_ACTOR)
        assert user.id is not None
        clerk = review.Reviewer(actor=Actor(name=user.username, user_id=user.id), role=Role.clerk)
        for n, values in enumerate(_referral_values(count)):
            data = f"%PDF-1.4\n% benchmark fax {n}\n".encode()
            document = Document(
                sha256=store.put(data),
                size_bytes=len(data),
                media_type="application/pdf",
                original_name=f"fax-{n}.pdf",
                status=Status.needs_review,
                page_count=2,
            )
            session.add(document)
            session.flush()
            assert document.id is not None
            document_ids.append(document.id)
            session.add(
                ReferralRecord(
                    document_id=document.id,
                    extracted=values,
                    **summary_columns(values),
                    **reading_columns(values),
                )
            )
    started = time.perf_counter()
    for document_id in document_ids:
        with session_scope(engine) as session:
            review.approve(session, document_id, clerk, utcnow(), timedelta(minutes=5))
    seconds = time.perf_counter() - started
    engine.dispose()
    return seconds


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "fax_intake", "serve"],
        env={**env, "INTAKE_WEB_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + _START_TIMEOUT_SECONDS
        while True:
            try:
                if httpx.get(f"{base_url}/api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("intake serve did not start")
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)


def pull_by_cursor(client: httpx.Client, limit: int) -> int:
    pulled, cursor = 0, 0
    while True:
        page = client.get("/api/v1/referrals", params={"after": cursor, "limit": limit})
        page.raise_for_status()
        body = page.json()
        pulled += len(body["data"])
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return pulled


def pull_pending_and_ack(client: httpx.Client, limit: int) -> int:
    pulled = 0
    while True:
        page = client.get("/api/v1/referrals/pending", params={"limit": limit})
        page.raise_for_status()
        batch = page.json()["data"]
        if not batch:
            return pulled
        for referral in batch:
            ack = f"/api/v1/referrals/{referral['id']}/ack"
            client.post(ack, params={"version": referral["version"]}).raise_for_status()
        pulled += len(batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=10_000)
    parser.add_argument("--limit", type=int, default=100, help="page size (1 to 500)")
    parser.add_argument("--database-url", default="", help="default: SQLite in a temp dir")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="api-bench-") as tmp:
        env = {
            **os.environ,
            "INTAKE_DATA_DIR": tmp,
            "INTAKE_INBOX": tmp,
            "INTAKE_LOG_LEVEL": "WARNING",
            # Throughput is measured here, not the rate limit: one ack per referral is far
            # more requests a minute than the default lets one token make.
            "INTAKE_API_RATE_LIMIT": "1000000/minute",
        }
        if args.database_url:
            env["INTAKE_DATABASE_URL"] = args.database_url
        validating = seed(env, args.referrals)
        engine_url = args.database_url or f"sqlite:///{tmp}/intake.db"
        engine = make_engine(engine_url)
        consumers = {
            name: tokens.create(engine, name, [tokens.REFERRALS_READ], CLI_ACTOR)
            for name in ("by-cursor", "by-pending")
        }
        engine.dispose()
        backend = "PostgreSQL" if args.database_url else "SQLite"
        print(f"{args.referrals} validated referrals on {backend}, pages of {args.limit}")
        print(f"validating them (approve, one at a time): {args.referrals / validating:.0f}/s")
        print(f"{'way':<34} {'referrals':>9} {'seconds':>8} {'referrals/s':>12}")
        with serving(env) as base_url:
            for name, pull in (("by-cursor", pull_by_cursor), ("by-pending", pull_pending_and_ack)):
                headers = {"Authorization": f"Bearer {consumers[name]}"}
                with httpx.Client(base_url=base_url, headers=headers, timeout=120) as client:
                    started = time.perf_counter()
                    pulled = pull(client, args.limit)
                    seconds = time.perf_counter() - started
                assert pulled == args.referrals, f"{name} pulled {pulled}"
                label = {
                    "by-cursor": "GET /referrals?after= (pages)",
                    "by-pending": "GET /referrals/pending + ack each",
                }[name]
                print(f"{label:<34} {pulled:>9} {seconds:>8.1f} {pulled / seconds:>12.0f}")


if __name__ == "__main__":
    main()
