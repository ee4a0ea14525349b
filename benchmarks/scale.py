"""Throughput of 1, 2 and 4 worker processes on PostgreSQL against the SQLite default.

    .venv/bin/python -m benchmarks.scale [--docs N] [--workers 1,2,4] [--server URL]

``--server`` is a PostgreSQL server where the user may create databases (default:
INTAKE_TEST_DATABASE_URL, else the local server); each run gets a fresh database there, or a
fresh SQLite file, and a fresh store. The corpus is the pipeline benchmark's (generated fax
fine, fax standard, scanned PDF, PNG and JPEG documents: all OCR). The workers are started
as separate `intake worker` processes, as on separate hosts, and once all are up the corpus
is queued; pages/s is the pages over the time from the first claim to the last stored
result, by the database's clock, so process start-up is not counted (a service's workers
are long-lived); each worker's first document, which loads the extractor, is. The figures
in the README come from this script; say how many cores the machine has beside them.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Executable, create_engine, func, make_url, select, text
from sqlmodel import col

from benchmarks.pipeline import make_corpus
from intake.config import Settings
from intake.db.engine import make_engine, session_scope
from intake.db.migrate import upgrade
from intake.db.models import Attempt, Document, Status, Worker
from intake.ingest import Ingestor
from intake.store import ContentStore

LOCAL_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Result:
    database: str
    workers: int
    pages: int
    seconds: float
    #: The 1-minute load average at the end of the run: other work on the machine shows here.
    load: float

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds


@contextmanager
def postgres_database(server: str) -> Iterator[str]:
    """A new database on the server for one run; dropped afterwards."""
    url = make_url(server).set(drivername="postgresql+psycopg")
    name = f"intake_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def measure(database: str, url: str, workers: int, corpus: list[Path], workdir: Path) -> Result:
    env = {
        **os.environ,
        "INTAKE_DATA_DIR": str(workdir / "data"),
        "INTAKE_INBOX": str(workdir / "inbox"),
        "INTAKE_DATABASE_URL": url,
        "INTAKE_LOG_LEVEL": "WARNING",
        "INTAKE_IDLE_POLL_SECONDS": "0.1",
    }
    settings = Settings(data_dir=workdir / "data", inbox=[workdir / "inbox"], database_url=url)
    settings.data_dir.mkdir(parents=True)
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    processes = [
        subprocess.Popen([sys.executable, "-m", "fax_intake", "worker"], env=env)
        for _ in range(workers)
    ]
    try:
        while _scalar(engine, _WORKERS_UP) < workers:
            time.sleep(0.1)
        ingestor = Ingestor(settings, engine, ContentStore(settings.store_dir))
        for path in corpus:
            ingestor.ingest_path(path)
        while _scalar(engine, _UNFINISHED):
            time.sleep(0.2)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait()
    first_claim = _scalar(engine, select(func.min(Attempt.started_at)))
    last_result = _scalar(engine, select(func.max(Document.processed_at)))
    pages = int(_scalar(engine, select(func.sum(col(Document.page_count)))))
    failed = _scalar(engine, select(func.count()).where(col(Document.status) == Status.failed))
    engine.dispose()
    if failed:
        raise SystemExit(f"{failed} documents failed in the {database} run")
    assert isinstance(first_claim, datetime) and isinstance(last_result, datetime)
    seconds = _seconds(first_claim, last_result)
    return Result(database, workers, pages, seconds, os.getloadavg()[0])


_WORKERS_UP = select(func.count()).select_from(Worker)
_UNFINISHED = select(func.count()).where(
    col(Document.status).in_([Status.queued, Status.processing])
)


def _scalar(engine: Engine, query: Executable) -> Any:
    with session_scope(engine) as session:
        return session.execute(query).scalar()


def _seconds(first: datetime, last: datetime) -> float:
    # SQLite hands back naive values of an aggregate; they are UTC like everything stored.
    first, last = (t if t.tzinfo else t.replace(tzinfo=UTC) for t in (first, last))
    return (last - first).total_seconds()


def render(results: list[Result]) -> str:
    lines = [
        f"{'database':12} {'workers':>7} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'x 1':>6}"
    ]
    for result in results:
        one = next(r for r in results if r.database == result.database and r.workers == 1)
        lines.append(
            f"{result.database:12} {result.workers:7d} {result.pages:6d} {result.seconds:8.1f}"
            f" {result.pages_per_second:8.2f} {result.pages_per_second / one.pages_per_second:6.2f}"
            f" {result.load:5.1f}"
        )
    cores = os.cpu_count() or 1
    lines.append(f"this machine has {cores} cores")
    for result in results:
        used = min(result.workers, cores)
        if result.workers > 1 and used > 1:
            one = next(r for r in results if r.database == result.database and r.workers == 1)
            gain = (result.pages_per_second / one.pages_per_second - 1) / (used - 1)
            lines.append(
                f"{result.database}, {result.workers} workers on {used} cores:"
                f" each core past the first adds {gain:.0%} of one worker's pages/s"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=40, help="documents in the corpus")
    parser.add_argument("--workers", default="1,2,4", help="worker counts to run")
    parser.add_argument(
        "--server",
        default=os.environ.get("INTAKE_TEST_DATABASE_URL", LOCAL_SERVER),
        help="PostgreSQL server URL whose user may create databases",
    )
    args = parser.parse_args()
    counts = sorted({int(n) for n in args.workers.split(",")} | {1})
    results = []
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        (root / "corpus").mkdir()
        corpus = make_corpus(root / "corpus", args.docs)
        for workers in counts:
            # Alternating, so drift in the machine's speed falls on both databases alike.
            sqlite_dir = root / f"sqlite-{workers}"
            sqlite_url = f"sqlite:///{sqlite_dir / 'data' / 'intake.db'}"
            results.append(measure("sqlite", sqlite_url, workers, corpus, sqlite_dir))
            with postgres_database(args.server) as url:
                results.append(
                    measure("postgresql", url, workers, corpus, root / f"postgresql-{workers}")
                )
    results.sort(key=lambda r: (r.database != "postgresql", r.workers))
    print(f"corpus: {len(corpus)} documents, {results[0].pages} pages")
    print(render(results))


if __name__ == "__main__":
    main()
