"""The service under faults, on SQLite and on PostgreSQL: bursts of faxes while the data
folder's disk is full, while the database refuses every write, and across a kill -9 of the
whole service. When the fault clears, every
file ends exactly once, as a document or in quarantine with a reason, and the service never
stopped. The data folder is a small tmpfs of its own, so "full" is a real ENOSPC."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from intake.config import Settings
from intake.db.engine import make_engine
from intake.db.migrate import upgrade
from intake.db.models import Status
from tests import badfiles
from tests.conftest import INTAKE_COMMAND, intake, subprocess_env
from tests.intake.conftest import TERMINAL, documents, drop, running, wait_for

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root")

BURSTS, PER_BURST = 4, 10
#: Claims left by a failed hand-over (the store or database refused) are retried this often.
STALE_CLAIM_SECONDS = "2"


def _mount(args: list[str]) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


@contextmanager
def _own_disk(path: Path, megabytes: int) -> Iterator[Path]:
    path.mkdir(parents=True)
    _mount(["-t", "tmpfs", "-o", f"size={megabytes}m,mode=0755", "tmpfs", str(path)])
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True)


@pytest.fixture
def disk(tmp_path: Path, intake_env: dict[str, str], monkeypatch) -> Iterator[Path]:
    """The data folder on a 24 MB disk of its own (the database too, on SQLite), migrated."""
    with _own_disk(tmp_path / "disk", 24) as mounted:
        data = mounted / "data"
        intake_env["INTAKE_DATA_DIR"] = str(data)
        intake_env["INTAKE_STALE_CLAIM_SECONDS"] = STALE_CLAIM_SECONDS
        for key in ("INTAKE_DATA_DIR", "INTAKE_STALE_CLAIM_SECONDS"):
            monkeypatch.setenv(key, intake_env[key])
        data.mkdir()
        engine = make_engine(Settings().effective_database_url)
        upgrade(engine)
        engine.dispose()
        yield mounted


def _faxes() -> list[tuple[str, bytes]]:
    return [
        (f"order {n:03d}.pdf", badfiles.text_pdf(text=f"Order {n} for oxygen concentrator E1390"))
        for n in range(BURSTS * PER_BURST)
    ]


def _deliver_in_bursts(inbox: Path, faxes: list[tuple[str, bytes]]) -> None:
    for start in range(0, len(faxes), PER_BURST):
        for name, data in faxes[start : start + PER_BURST]:
            drop(inbox, name, data)
        time.sleep(0.5)


def _every_file_exactly_once(settings: Settings, faxes: list[tuple[str, bytes]]) -> None:
    engine = make_engine(settings.effective_database_url)
    try:
        docs = documents(engine)
    finally:
        engine.dispose()
    expected = sorted(hashlib.sha256(data).hexdigest() for _, data in faxes)
    assert sorted(d.sha256 for d in docs) == expected  # each once, none lost
    for document in docs:
        assert Status(document.status) in TERMINAL, document.status
        if document.status == Status.failed:
            sidecars = list(settings.quarantine_dir.glob(f"{document.id}-*.error.json"))
            assert len(sidecars) == 1 and document.error_message
    left = [p for p in settings.inbox[0].rglob("*") if p.is_file()]
    assert left == []


def _all_read(settings: Settings, count: int) -> bool:
    engine = make_engine(settings.effective_database_url)
    try:
        docs = documents(engine)
        return len(docs) >= count and all(Status(d.status) in TERMINAL for d in docs)
    finally:
        engine.dispose()


def test_a_full_disk_loses_and_repeats_nothing(disk, intake_env, tmp_path):
    settings = Settings()
    faxes = _faxes()
    # Fill the disk but for a few kilobytes: the first faxes' pages and rows fit, then nothing.
    filler = disk / "filler"
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with filler.open("wb") as out:
        out.truncate(0)
        out.write(b"\0" * max(free - 64 * 1024, 0))
    with running(intake_env, "run", log=tmp_path / "service.log") as service:
        _deliver_in_bursts(settings.inbox[0], faxes)
        time.sleep(3)
        assert service.poll() is None, "the service stopped on a full disk"
        assert not _all_read(settings, len(faxes)), "the disk was never full"
        filler.unlink()  # the operator frees space
        wait_for(lambda: _all_read(settings, len(faxes)), 180, "every fax after the disk freed")
        assert service.poll() is None
    _every_file_exactly_once(settings, faxes)


@contextmanager
def _read_only_database(url: str) -> Iterator[None]:
    """PostgreSQL refuses writes (its sessions are restarted to take the setting). SQLite's
    equivalent, a read-only file, cannot be made as root under a running writer (root ignores
    the mode; a remount waits for open files): the full disk covers SQLite's refused writes."""
    name = make_url(url).database
    admin = make_engine(url)

    def read_only(on: bool) -> None:
        with admin.connect() as connection:
            connection.execute(text("SET default_transaction_read_only = off"))
            setting = "on" if on else "off"
            connection.execute(
                text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = {setting}')
            )
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            connection.commit()

    read_only(True)
    try:
        yield
    finally:
        read_only(False)
        admin.dispose()


@pytest.mark.databases("postgresql")
def test_a_read_only_database_loses_and_repeats_nothing(disk, database, intake_env, tmp_path):
    settings = Settings()
    faxes = _faxes()
    half = len(faxes) // 2
    with running(intake_env, "run", log=tmp_path / "service.log") as service:
        _deliver_in_bursts(settings.inbox[0], faxes[:half])
        wait_for(lambda: _all_read(settings, half), 120, "the first half, before the fault")
        with _read_only_database(database.url):
            _deliver_in_bursts(settings.inbox[0], faxes[half:])
            time.sleep(3)
            assert service.poll() is None, "the service stopped on a read-only database"
            assert not _all_read(settings, len(faxes)), "the database took writes"
        wait_for(lambda: _all_read(settings, len(faxes)), 180, "every fax after the fault")
        assert service.poll() is None
    _every_file_exactly_once(settings, faxes)


def test_kill_9_of_the_whole_service_mid_burst_loses_and_repeats_nothing(
    disk, intake_env, tmp_path
):
    settings = Settings()
    faxes = _faxes()
    log = (tmp_path / "killed.log").open("ab")
    # Its own process group, so kill -9 takes the watcher, the web server and every worker
    # at once, as a power cut or the OOM killer would.
    service = subprocess.Popen(
        [*INTAKE_COMMAND, "run"],
        env=subprocess_env(intake_env),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _deliver_in_bursts(settings.inbox[0], faxes[: 2 * PER_BURST])
        wait_for(lambda: _documents_made(settings) >= PER_BURST // 2, 60, "work under way")
    finally:
        os.killpg(service.pid, signal.SIGKILL)
        service.wait()
        log.close()
    assert not _all_read(settings, len(faxes)), "everything was done before the kill"
    _deliver_in_bursts(settings.inbox[0], faxes[2 * PER_BURST :])  # faxes keep arriving
    with running(intake_env, "run", log=tmp_path / "service.log") as restarted:
        wait_for(lambda: _all_read(settings, len(faxes)), 180, "every fax after the restart")
        assert restarted.poll() is None
    _every_file_exactly_once(settings, faxes)


def _documents_made(settings: Settings) -> int:
    engine = make_engine(settings.effective_database_url)
    try:
        return len(documents(engine))
    finally:
        engine.dispose()


@pytest.mark.databases("sqlite")
def test_a_read_only_sqlite_database_stops_the_service_taking_nothing(disk, intake_env, tmp_path):
    # The disk remounted read-only (as ext4 does after an error). A running writer keeps
    # SQLite's files open, which the kernel refuses to remount under, so the service meets
    # it at start: it must refuse in one line and leave every fax where it is.
    settings = Settings()
    faxes = _faxes()
    _deliver_in_bursts(settings.inbox[0], faxes[:PER_BURST])
    _mount(["-o", "remount,ro", str(disk)])
    try:
        refused = intake(intake_env, "run", timeout=60)
    finally:
        _mount(["-o", "remount,rw", str(disk)])
    assert refused.returncode != 0
    assert refused.stderr.strip().count("\n") == 0
    assert refused.stderr.startswith("error: the database is read-only")
    assert sorted(p.name for p in settings.inbox[0].iterdir() if p.is_file()) == sorted(
        name for name, _ in faxes[:PER_BURST]
    )
    _deliver_in_bursts(settings.inbox[0], faxes[PER_BURST:])
    with running(intake_env, "run", log=tmp_path / "service.log") as service:
        wait_for(lambda: _all_read(settings, len(faxes)), 180, "every fax once writable again")
        assert service.poll() is None
    _every_file_exactly_once(settings, faxes)
