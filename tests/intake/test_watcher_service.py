"""The watcher end to end: real folders, real threads, real file events."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from intake.watcher.claim import ClaimedFile, claim, release
from intake.watcher.service import Watcher, WatcherConfigError


def wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


class Ingest:
    """Stands in for the real ingest: read the bytes, remove the file, release the claim."""

    def __init__(self, fail_first: int = 0) -> None:
        self.lock = threading.Lock()
        self.taken: list[tuple[str, bytes]] = []
        self.calls: list[ClaimedFile] = []
        self.fail_first = fail_first

    def __call__(self, claimed: ClaimedFile) -> None:
        with self.lock:
            self.calls.append(claimed)
            if self.fail_first > 0:
                self.fail_first -= 1
                raise RuntimeError(f"database down while storing {claimed.path}")
            self.taken.append((claimed.original_name, claimed.path.read_bytes()))
        claimed.path.unlink()
        release(claimed)

    def names(self) -> list[str]:
        with self.lock:
            return [name for name, _ in self.taken]

    def count(self) -> int:
        with self.lock:
            return len(self.taken)


@contextmanager
def running(watcher: Watcher) -> Iterator[None]:
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)
        assert not thread.is_alive(), "watcher did not stop"


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return inbox


def leftovers(inbox: Path) -> list[str]:
    """Everything still in the inbox, claim folders included."""
    return sorted(
        str(Path(root, name).relative_to(inbox))
        for root, dirs, files in os.walk(inbox)
        for name in files + dirs
        if Path(root, name) != inbox / "processing"
    )


def test_a_slowly_written_file_is_taken_once_and_complete(inbox):
    ingest = Ingest()
    chunks = [bytes([i]) * 4096 for i in range(13)]
    watcher = Watcher([inbox], ingest, stable_seconds=1.0, rescan_seconds=5.0, polling=False)
    with running(watcher):
        # Chunks 0.25 s apart over 3 s: always under the stability delay, never taken early.
        with (inbox / "slow.pdf").open("wb") as out:
            for chunk in chunks:
                out.write(chunk)
                out.flush()
                time.sleep(0.25)
        assert wait_until(lambda: ingest.count() >= 1, timeout=5)
        time.sleep(0.5)
    assert ingest.taken == [("slow.pdf", b"".join(chunks))]
    assert leftovers(inbox) == []


def test_a_writer_that_pauses_longer_than_the_stability_delay_has_its_file_taken_whole(inbox):
    # A fax server that stalls mid-transfer: the file holds still for 1.5 s, three times the
    # stability delay, while it is still open for writing.
    ingest = Ingest()
    watcher = Watcher([inbox], ingest, stable_seconds=0.5, rescan_seconds=0.2, polling=False)
    first, rest = b"%PDF-1.7 first half " * 500, b"second half %%EOF" * 500
    with running(watcher):
        time.sleep(0.3)  # the observer is watching
        with (inbox / "paused.pdf").open("wb") as out:
            out.write(first)
            out.flush()
            time.sleep(1.5)
            assert ingest.count() == 0, "taken while still open for writing"
            out.write(rest)
        assert wait_until(lambda: ingest.count() >= 1, timeout=5)
    assert ingest.taken == [("paused.pdf", first + rest)]


def test_a_file_renamed_into_the_inbox_is_taken_on_stability_alone(inbox, tmp_path):
    ingest = Ingest()
    watcher = Watcher([inbox], ingest, stable_seconds=0.3, rescan_seconds=0.2, polling=False)
    staged = tmp_path / "staged.pdf"
    staged.write_bytes(b"%PDF-1.7 complete")
    with running(watcher):
        time.sleep(0.3)
        staged.rename(inbox / "fax.pdf")  # the temp-name-then-rename convention
        assert wait_until(lambda: ingest.count() >= 1, timeout=3)
    assert ingest.taken == [("fax.pdf", b"%PDF-1.7 complete")]


def test_a_burst_of_500_files_is_taken_exactly_once(inbox):
    ingest = Ingest()
    watcher = Watcher([inbox], ingest, stable_seconds=0.3, rescan_seconds=5.0, polling=False)
    with running(watcher):
        for i in range(500):
            (inbox / f"fax-{i:03}.pdf").write_bytes(b"fax %d" % i)
        assert wait_until(lambda: ingest.count() >= 500, timeout=15)
        time.sleep(0.3)
    assert sorted(ingest.names()) == [f"fax-{i:03}.pdf" for i in range(500)]
    assert all(data == b"fax %d" % int(name[4:7]) for name, data in ingest.taken)
    assert leftovers(inbox) == []


def test_two_watchers_on_one_inbox_never_take_a_file_twice(inbox):
    ingest = Ingest()
    watchers = [
        Watcher([inbox], ingest, stable_seconds=0.2, rescan_seconds=0.2, polling=False)
        for _ in range(2)
    ]
    with running(watchers[0]), running(watchers[1]):
        for i in range(200):
            (inbox / f"fax-{i:03}.pdf").write_bytes(b"x")
        assert wait_until(lambda: ingest.count() >= 200, timeout=10)
        time.sleep(0.3)
    assert sorted(ingest.names()) == [f"fax-{i:03}.pdf" for i in range(200)]


def test_files_present_before_start_and_in_subfolders_are_taken(inbox):
    (inbox / "early.pdf").write_bytes(b"early")
    (inbox / "clinic-a").mkdir()
    (inbox / "clinic-a" / "nested.tif").write_bytes(b"nested")
    ingest = Ingest()
    watcher = Watcher([inbox], ingest, stable_seconds=0.2, rescan_seconds=10.0, polling=False)
    with running(watcher):
        assert wait_until(lambda: ingest.count() >= 2, timeout=5)
    assert sorted(ingest.taken) == [("early.pdf", b"early"), ("nested.tif", b"nested")]


@pytest.mark.parametrize("polling", [True, False], ids=["polling", "inotify"])
def test_events_wake_the_watcher_long_before_the_rescan(inbox, polling):
    ingest = Ingest()
    # A rescan period longer than the test: only the observer can make this file be seen.
    watcher = Watcher([inbox], ingest, stable_seconds=0.2, rescan_seconds=60.0, polling=polling)
    with running(watcher):
        time.sleep(0.3)  # the start-up scan has run and found nothing
        (inbox / "late.pdf").write_bytes(b"late")
        assert wait_until(lambda: ingest.count() >= 1, timeout=5)
    assert ingest.taken == [("late.pdf", b"late")]


def test_periodic_rescan_takes_files_without_events(inbox):
    ingest = Ingest()
    watcher = Watcher([inbox], ingest, stable_seconds=0.1, rescan_seconds=0.3, polling=False)
    (inbox / "a.pdf").write_bytes(b"a")
    assert watcher.scan_once() == 0  # first sight: not yet stable
    time.sleep(0.15)
    assert watcher.scan_once() == 1
    assert watcher.scan_once() == 0
    assert ingest.taken == [("a.pdf", b"a")]


def test_ignored_names_stay_untouched(inbox):
    junk = {
        ".hidden.pdf": b"1",
        "upload.pdf.tmp": b"2",
        "copy.pdf.part": b"3",
        "Thumbs.db": b"4",
        "._fax.pdf": b"5",
        "desktop.ini": b"6",
        "fax.pdf~": b"7",
    }
    for name, data in junk.items():
        (inbox / name).write_bytes(data)
    ingest = Ingest()
    watcher = Watcher([inbox], ingest, stable_seconds=0.1, rescan_seconds=0.2, polling=False)
    with running(watcher):
        (inbox / "real.pdf").write_bytes(b"real")
        assert wait_until(lambda: ingest.count() >= 1, timeout=5)
        time.sleep(0.5)
    assert ingest.names() == ["real.pdf"]
    assert {name: (inbox / name).read_bytes() for name in junk} == junk


def test_a_failing_hand_over_neither_stops_the_loop_nor_loses_the_file(inbox, caplog):
    caplog.set_level(logging.DEBUG, logger="intake.watcher")
    ingest = Ingest(fail_first=1)
    watcher = Watcher(
        [inbox],
        ingest,
        stable_seconds=0.1,
        rescan_seconds=0.2,
        polling=False,
        stale_claim_seconds=1.0,
    )
    with running(watcher):
        (inbox / "Jane Doe order.pdf").write_bytes(b"first")
        assert wait_until(lambda: len(ingest.calls) >= 1, timeout=5)
        # The loop goes on: a later file is taken while the first waits in processing.
        (inbox / "second.pdf").write_bytes(b"second")
        assert wait_until(lambda: "second.pdf" in ingest.names(), timeout=5)
        assert "Jane Doe order.pdf" not in ingest.names()
        # Retried as a stale claim, with the same token so ingest can find its earlier work.
        assert wait_until(lambda: ingest.count() >= 2, timeout=5)
    first_tries = [c for c in ingest.calls if c.original_name == "Jane Doe order.pdf"]
    assert len(first_tries) == 2
    assert first_tries[0] == first_tries[1]
    assert sorted(ingest.taken) == [("Jane Doe order.pdf", b"first"), ("second.pdf", b"second")]
    assert leftovers(inbox) == []
    # The callback's message quoted the path; nothing of it reaches the log.
    assert caplog.records
    for record in caplog.records:
        assert "Jane" not in record.getMessage()
        assert "Jane" not in str(record.__dict__)
        assert record.exc_info is None


def test_claims_left_by_a_crashed_watcher_are_handed_over_at_start(inbox):
    (inbox / "processing").mkdir()
    (inbox / "orphan.pdf").write_bytes(b"orphan")
    orphan = claim(inbox, inbox / "orphan.pdf")
    assert orphan is not None
    then = time.time() - 120
    os.utime(orphan.path.parent, (then, then))
    ingest = Ingest()
    watcher = Watcher(
        [inbox],
        ingest,
        stable_seconds=0.1,
        rescan_seconds=10,
        polling=False,
        stale_claim_seconds=60,
    )
    with running(watcher):
        assert wait_until(lambda: ingest.count() >= 1, timeout=3)
    assert ingest.calls[0].token == orphan.token
    assert ingest.taken == [("orphan.pdf", b"orphan")]


def test_several_inboxes_are_watched(tmp_path):
    inboxes = [tmp_path / "a", tmp_path / "b"]
    for inbox in inboxes:
        inbox.mkdir()
        (inbox / f"{inbox.name}.pdf").write_bytes(inbox.name.encode())
    ingest = Ingest()
    watcher = Watcher(inboxes, ingest, stable_seconds=0.0, rescan_seconds=1.0, polling=False)
    assert watcher.scan_once() == 2
    assert {c.inbox for c in ingest.calls} == set(inboxes)


def test_the_processing_folder_is_created(inbox):
    Watcher([inbox], Ingest(), stable_seconds=1, rescan_seconds=1, polling=False)
    assert (inbox / "processing").is_dir()


@pytest.mark.parametrize("kind", ["missing", "file", "nested", "same"])
def test_bad_inboxes_are_refused_without_naming_them(tmp_path, kind):
    secret = tmp_path / "Jane Doe"
    secret.mkdir()
    inboxes = {
        "missing": [tmp_path / "Jane Doe" / "nope"],
        "file": [tmp_path / "Jane Doe" / "file"],
        "nested": [secret, secret / "inner"],
        "same": [secret, tmp_path / "." / "Jane Doe"],
    }[kind]
    (secret / "file").write_bytes(b"")
    (secret / "inner").mkdir()
    with pytest.raises(WatcherConfigError, match="INTAKE_INBOX") as info:
        Watcher(inboxes, Ingest(), stable_seconds=1, rescan_seconds=1, polling=False)
    assert "Jane" not in str(info.value)
    assert isinstance(info.value, ValueError)


def test_a_processing_entry_that_is_not_a_folder_is_refused(inbox):
    (inbox / "processing").write_bytes(b"")
    with pytest.raises(WatcherConfigError, match="INTAKE_INBOX"):
        Watcher([inbox], Ingest(), stable_seconds=1, rescan_seconds=1, polling=False)


def test_bad_timings_are_refused(inbox):
    with pytest.raises(WatcherConfigError, match="INTAKE_STABLE_SECONDS"):
        Watcher([inbox], Ingest(), stable_seconds=-1, rescan_seconds=1, polling=False)
    with pytest.raises(WatcherConfigError, match="INTAKE_RESCAN_SECONDS"):
        Watcher([inbox], Ingest(), stable_seconds=1, rescan_seconds=0, polling=False)


def test_run_returns_promptly_when_stopped(inbox):
    watcher = Watcher([inbox], Ingest(), stable_seconds=1, rescan_seconds=60, polling=True)
    started = time.monotonic()
    with running(watcher):
        time.sleep(0.2)
    assert time.monotonic() - started < 3
