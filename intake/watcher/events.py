"""File-system events as wake-up hints; the periodic rescan stays the source of truth."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserverVFS

logger = logging.getLogger(__name__)


class _WakeHandler(FileSystemEventHandler):
    def __init__(self, wake: threading.Event, quiet: Sequence[Path]) -> None:
        super().__init__()
        self._wake = wake
        # Our own claims land here; waking for them would only cause a rescan per claim.
        self._quiet = tuple(os.fspath(p) + os.sep for p in quiet)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if not os.fsdecode(event.src_path).startswith(self._quiet):
            self._wake.set()


def start_observer(
    inboxes: Sequence[Path],
    quiet: Sequence[Path],
    wake: threading.Event,
    *,
    polling: bool,
    poll_interval: float,
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
    handler = _WakeHandler(wake, quiet)
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
