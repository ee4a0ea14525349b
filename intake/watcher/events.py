"""File-system events as wake-up hints; the periodic rescan stays the source of truth."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from watchdog.events import (
    FileClosedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserverVFS

logger = logging.getLogger(__name__)


class OpenWrites:
    """Files a writer has written to and not yet closed, from inotify's IN_MODIFY and
    IN_CLOSE_WRITE: a fax server that pauses longer than the stability delay mid-write still
    holds its file open, so it is not taken half-written. Only inotify reports closes; with
    polling (NFS, SMB) nothing is ever recorded here and stability alone decides. A file
    renamed into the inbox was closed before it came, and counts as closed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: set[str] = set()

    def is_open(self, path: Path) -> bool:
        with self._lock:
            return os.fspath(path) in self._open

    def note(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        path = os.fsdecode(event.src_path)
        with self._lock:
            # Written to, not merely created: a file renamed in from outside the inbox is
            # reported as created, and was closed before it came.
            if isinstance(event, FileModifiedEvent):
                self._open.add(path)
            elif isinstance(event, FileMovedEvent):
                self._open.discard(path)
                self._open.discard(os.fsdecode(event.dest_path))
            elif isinstance(event, FileClosedEvent | FileDeletedEvent):
                self._open.discard(path)

    def forget(self, path: Path) -> None:
        with self._lock:
            self._open.discard(os.fspath(path))


class _WakeHandler(FileSystemEventHandler):
    def __init__(
        self, wake: threading.Event, quiet: Sequence[Path], writes: OpenWrites | None
    ) -> None:
        super().__init__()
        self._wake = wake
        self._writes = writes
        # Our own claims land here; waking for them would only cause a rescan per claim.
        self._quiet = tuple(os.fspath(p) + os.sep for p in quiet)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if os.fsdecode(event.src_path).startswith(self._quiet):
            return
        if self._writes is not None:
            self._writes.note(event)
        self._wake.set()


def start_observer(
    inboxes: Sequence[Path],
    quiet: Sequence[Path],
    wake: threading.Event,
    *,
    polling: bool,
    poll_interval: float,
    writes: OpenWrites | None = None,
) -> BaseObserver | None:
    """Start an observer that sets ``wake`` on any change; None if events are unavailable.

    Polling is for NFS/SMB, where inotify hears nothing of other hosts' writes. It uses
    lstat so that, like the scan, it never follows a symlink (a link loop would recurse).
    Failing to start (typically the inotify watch limit) is not fatal: rescans still run.
    """
    observer: BaseObserver = (
        PollingObserverVFS(os.lstat, os.scandir, polling_interval=poll_interval)
        if polling
        else Observer()
    )
    handler = _WakeHandler(wake, quiet, None if polling else writes)
    try:
        for inbox in inboxes:
            observer.schedule(handler, os.fspath(inbox), recursive=True)
        observer.start()
    except OSError as exc:
        logger.warning(
            "file events unavailable, relying on periodic rescans",
            extra={"exc_type": type(exc).__name__, "polling": polling},
        )
        return None
    return observer


def stop_observer(observer: BaseObserver | None) -> None:
    if observer is None:
        return
    observer.stop()
    observer.join(timeout=10.0)
