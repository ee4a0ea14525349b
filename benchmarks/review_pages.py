"""Response times of the review UI with 10,000 documents in the database.

    .venv/bin/python -m benchmarks.review_pages [--documents N] [--requests N]
        [--database-url URL] [--max-median-ms 150]

A few committed samples are read by the real pipeline (text PDFs and TIFF faxes through
tesseract); their documents, pages and referrals are then cloned in the database up to
``--documents``, spread over statuses, types, urgency and the last 30 days like a busy desk.
A real `intake serve` process answers; requests go over HTTP with a logged-in supervisor's
session, and each page is timed end to end. With --max-median-ms the exit status is 1 when
any page's median is over the limit.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, insert, select, text, update
from sqlmodel import col

from intake.audit_trail import CLI_ACTOR
from intake.clock import utcnow
from intake.config import Settings
from intake.db.accounts import Role
from intake.db.audit import AuditEvent
from intake.db.engine import make_engine, session_scope
from intake.db.migrate import upgrade
from intake.db.models import Document, PageRecord, ReferralRecord, Status
from intake.db.review import Counter
from intake.ingest import Ingestor
from intake.referral_columns import summary_columns
from intake.services import Services
from intake.store import ContentStore
from intake.users import create_user, random_password
from intake.worker import Worker

CORPUS = Path(__file__).resolve().parents[1] / "samples" / "corpus"
#: Text-layer orders of each type, and TIFF faxes (fine and standard resolution).
SEEDS = (
    "order-0000.pdf",
    "order-0006.pdf",
    "order-0012.pdf",
    "order-0018.pdf",
    "order-0008.tiff",
    "order-0003.tiff",
    "order-0009.tiff",
)
#: Share of documents in each status, roughly a desk a few weeks into production.
STATUS_MIX = (
    (Status.needs_review, 0.35),
    (Status.in_review, 0.05),
    (Status.needs_clarification, 0.05),
    (Status.validated, 0.45),
    (Status.rejected, 0.05),
    (Status.failed, 0.03),
    (Status.duplicate, 0.02),
)
_CHUNK = 500


@dataclass(frozen=True)
class Seed:
    document: dict[str, Any]
    pages: list[dict[str, Any]]
    referral: dict[str, Any]
    is_fax: bool


@dataclass(frozen=True)
class Timing:
    label: str
    milliseconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.milliseconds)

    @property
    def p95(self) -> float:
        ordered = sorted(self.milliseconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def read_seeds(services: Services) -> list[Seed]:
    ingestor = Ingestor(services.settings, services.engine, services.store)
    for name in SEEDS:
        ingestor.ingest_path(CORPUS / name)
    Worker(services).run(threading.Event(), idle_exit=lambda: True)
    seeds = []
    with session_scope(services.engine) as session:
        for document in session.scalars(select(Document).order_by(col(Document.id))):
            pages = session.scalars(
                select(PageRecord).where(col(PageRecord.document_id) == document.id)
            ).all()
            referral = session.scalars(
                select(ReferralRecord).where(col(ReferralRecord.document_id) == document.id)
            ).one()
            seeds.append(
                Seed(
                    document=document.model_dump(exclude={"id"}, warnings=False),
                    pages=[p.model_dump(exclude={"id", "document_id"}) for p in pages],
                    referral=referral.model_dump(exclude={"id", "document_id"}),
                    is_fax=document.media_type == "image/tiff",
                )
            )
    return seeds


def clone(engine: Engine, seeds: list[Seed], total: int, rng: random.Random) -> dict[str, int]:
    """Copy the seeds' rows until there are ``total`` documents; returns counts by status."""
    now = utcnow()
    statuses = [status for status, _ in STATUS_MIX]
    weights = [share for _, share in STATUS_MIX]
    counts: dict[str, int] = {}
    with session_scope(engine) as session:
        first_id = int(session.execute(text("SELECT max(id) FROM document")).scalar_one()) + 1
        seq = int(
            session.execute(
                select(col(Counter.value)).where(col(Counter.name) == "validated")
            ).scalar_one()
        )
    for start in range(first_id, total + 1, _CHUNK):
        documents, pages, referrals, events = [], [], [], []
        for document_id in range(start, min(start + _CHUNK, total + 1)):
            seed = seeds[document_id % len(seeds)]
            status = rng.choices(statuses, weights)[0]
            counts[status] = counts.get(status, 0) + 1
            # Open work arrived in the last two days; decided work over the last 30.
            open_work = status in (Status.needs_review, Status.in_review)
            age = timedelta(hours=rng.uniform(0, 48 if open_work else 30 * 24))
            received = now - age
            documents.append(
                {
                    **seed.document,
                    "id": document_id,
                    "sha256": secrets.token_hex(32),
                    "claim_token": None,
                    "status": status,
                    "duplicate_of_id": first_id - 1 if status == Status.duplicate else None,
                    "received_at": received,
                    "run_after": received,
                    "processed_at": received + timedelta(seconds=30),
                }
            )
            if status in (Status.failed, Status.duplicate):
                continue
            pages += [{**page, "document_id": document_id} for page in seed.pages]
            values = seed.referral["extracted"]
            columns = summary_columns(values)
            # Member IDs differ per document, so a search by ID finds one, as it would.
            member_id = f"{(columns['member_id'] or 'M')[:3]}{document_id:07d}"
            decided = received + timedelta(hours=rng.uniform(0.2, 30))
            validated = status == Status.validated
            if validated:
                seq += 1
            referrals.append(
                {
                    **seed.referral,
                    **columns,
                    "document_id": document_id,
                    "member_id": member_id,
                    "urgent": rng.random() < 0.08,
                    "due_by": received + timedelta(hours=24),
                    "decided_at": None if open_work else decided,
                    "waiting_since": decided if status == Status.needs_clarification else None,
                    "validated_at": decided if validated else None,
                    "validated_seq": seq if validated else None,
                }
            )
            events += [
                {
                    "at": received + timedelta(minutes=m),
                    "action": a,
                    "actor": "bench",
                    "document_id": document_id,
                }
                for m, a in ((5, "view"), (6, "edit"), (9, "status"))
            ]
        with session_scope(engine) as session:
            for table, rows in (
                (Document, documents),
                (PageRecord, pages),
                (ReferralRecord, referrals),
                (AuditEvent, events),
            ):
                if rows:
                    session.execute(insert(table), rows)
    with session_scope(engine) as session:
        session.execute(update(Counter).where(col(Counter.name) == "validated").values(value=seq))
        if engine.dialect.name == "postgresql":
            # Ids were given explicitly; the sequence must not hand them out again.
            session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('document', 'id'), max(id)) FROM document"
                )
            )
    return counts


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(env: dict[str, str], port: int) -> Iterator[str]:
    """A real `intake serve` process, until the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-m", "fax_intake", "serve"],
        env={**env, "INTAKE_WEB_PORT": str(port), "INTAKE_LOG_LEVEL": "WARNING"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/login", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("intake serve did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def log_in(client: httpx.Client, username: str, password: str) -> str:
    form = client.get("/login").text
    token = re.search(r'name="_csrf" value="([^"]+)"', form)
    assert token is not None
    response = client.post(
        "/login", data={"username": username, "password": password, "_csrf": token.group(1)}
    )
    if response.status_code != 303:
        raise SystemExit(f"login failed ({response.status_code})")
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/queue").text)
    assert csrf is not None
    return csrf.group(1)


def time_requests(label: str, count: int, send: Callable[[int], httpx.Response]) -> Timing:
    for warm in range(3):
        send(warm).raise_for_status()
    times = []
    for index in range(count):
        started = time.perf_counter()
        response = send(index)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{label}: HTTP {response.status_code}")
        times.append(elapsed)
    return Timing(label, times)


def open_faxes(engine: Engine, limit: int) -> list[int]:
    with session_scope(engine) as session:
        return list(
            session.scalars(
                select(col(Document.id))
                .where(
                    col(Document.status) == Status.needs_review,
                    col(Document.media_type) == "image/tiff",
                )
                .order_by(col(Document.id))
                .limit(limit)
            )
        )


def measure(folder: Path, args: argparse.Namespace) -> list[Timing]:
    """Build the database under ``folder``, serve it, and time each page."""
    env = {
        **os.environ,
        "INTAKE_DATA_DIR": str(folder / "data"),
        "INTAKE_INBOX": str(folder / "inbox"),
        "INTAKE_DATABASE_URL": args.database_url,
        "INTAKE_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    settings = Settings()
    settings.data_dir.mkdir(parents=True)
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    services = Services(settings=settings, engine=engine, store=ContentStore(settings.store_dir))

    rng = random.Random(4)
    started = time.monotonic()
    seeds = read_seeds(services)
    counts = clone(engine, seeds, args.documents, rng)
    password = random_password()
    with session_scope(engine) as session:
        create_user(session, "bench", password, Role.supervisor, CLI_ACTOR)
    print(
        f"database: {engine.dialect.name}, {args.documents} documents"
        f" ({', '.join(f'{n} {s}' for s, n in sorted(counts.items()))} among the clones),"
        f" built in {time.monotonic() - started:.0f} s"
    )

    faxes = open_faxes(engine, args.requests + 3)
    with serving(env, _free_port()) as base, httpx.Client(base_url=base, timeout=30) as client:
        csrf = log_in(client, "bench", password)
        post = {"_csrf": csrf}
        member = seeds[0].referral["member_name"].split(",")[0]
        return [
            time_requests("queue (GET /queue)", args.requests, lambda _: client.get("/queue")),
            time_requests(
                "queue refresh (POST /queue/rows)",
                args.requests,
                lambda _: client.post("/queue/rows", data=post),
            ),
            time_requests(
                "queue search, member name (POST /queue)",
                args.requests,
                lambda _: client.post("/queue", data={**post, "search": member}),
            ),
            time_requests(
                "queue search, member ID (POST /queue)",
                args.requests,
                lambda i: client.post("/queue", data={**post, "search": f"{i + 1:07d}"}),
            ),
            time_requests(
                "review page, faxes of 2 pages (GET /documents/ID)",
                args.requests,
                lambda i: client.get(f"/documents/{faxes[i % len(faxes)]}"),
            ),
            time_requests("dashboard (GET /dashboard)", 20, lambda _: client.get("/dashboard")),
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--database-url", default="", help="default: SQLite in a temporary folder")
    parser.add_argument("--max-median-ms", type=float, default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="review-bench-") as folder:
        timings = measure(Path(folder), args)
    print(f"{'page':52} {'requests':>8} {'median ms':>10} {'p95 ms':>8}")
    for timing in timings:
        print(
            f"{timing.label:52} {len(timing.milliseconds):>8}"
            f" {timing.median:>10.1f} {timing.p95:>8.1f}"
        )
    if args.max_median_ms is not None:
        slow = [t.label for t in timings if t.median > args.max_median_ms]
        if slow:
            print(f"over {args.max_median_ms:.0f} ms median: {', '.join(slow)}")
            raise SystemExit(1)


if __name__ == "__main__":
    main()
