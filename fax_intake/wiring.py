"""The service's parts built from the settings, and what the long-running commands share."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from pathlib import Path

from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError

from intake import logs
from intake.config import Settings, load_settings
from intake.db.engine import make_engine
from intake.db.migrate import require_current
from intake.services import Services
from intake.store import ContentStore
from intake.watcher import Watcher

#: How the supervisor starts each worker process: this same command, one worker each.
WORKER_COMMAND = (sys.executable, "-m", "fax_intake", "worker", "--concurrency", "1")


def settings() -> Settings:
    """The checked settings, with logging configured and the data folder made."""
    loaded = load_settings()
    logs.configure(loaded.log_level, loaded.log_format)
    loaded.data_dir.mkdir(parents=True, exist_ok=True)
    return loaded


def services(given: Settings | None = None) -> Services:
    """The service's parts on a database whose schema is current (else SchemaBehind)."""
    given = given or settings()
    engine = make_engine(given.effective_database_url)
    require_current(engine)
    return Services(settings=given, engine=engine, store=ContentStore(given.store_dir))


def watcher(parts: Services) -> Watcher:
    """The inbox watcher, handing each complete file to the ingestor."""
    # Here, not at the top: `intake status` and the other short commands never ingest.
    from intake.ingest import Ingestor

    given = parts.settings
    ingestor = Ingestor(given, parts.engine, parts.store)
    return Watcher(
        given.inbox,
        ingestor.ingest_claimed,
        stable_seconds=given.stable_seconds,
        rescan_seconds=given.rescan_seconds,
        polling=given.poll,
        stale_claim_seconds=given.stale_claim_seconds,
    )


def stop_on_signals() -> threading.Event:
    """An event SIGTERM and SIGINT set: the long-running commands stop when it is."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    return stop


def database_failure(exc: Exception) -> str | None:
    """The one line for a database error; None for any other error.

    Not the driver's text: it can quote SQL parameters, i.e. patient data. Only whether the
    database refused writes, which tells an operator where to look.
    """
    if not isinstance(exc, SQLAlchemyError):
        return None
    what = "the database is read-only" if _database_read_only(exc) else "database error"
    return f"{what} ({type(exc).__name__})"


def _database_read_only(exc: SQLAlchemyError) -> bool:
    """PostgreSQL says so ("read-only transaction"); SQLite on a read-only filesystem only
    says it cannot open its file, so its folder is asked."""
    if "read-only" in str(getattr(exc, "orig", "")).replace("readonly", "read-only"):
        return True
    with contextlib.suppress(Exception):
        url = make_url(load_settings().effective_database_url)
        if url.get_backend_name() == "sqlite" and url.database:
            folder = Path(url.database).resolve().parent
            return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    return False
