"""Lists the files in an inbox that are safe to take: regular files that really live inside it."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from intake.watcher.filters import is_ignored
from intake.watcher.logref import path_ref

logger = logging.getLogger(__name__)


@dataclass
class _Skipped:
    symlinks: int = 0
    other_device: int = 0
    escaped: int = 0
    unreadable: int = 0

    def any(self) -> bool:
        return bool(self.symlinks or self.other_device or self.escaped or self.unreadable)


_reported: dict[Path, _Skipped] = {}
_reported_lock = threading.Lock()


def candidate_files(inbox: Path, reserved: Collection[str]) -> Iterator[Path]:
    """Walk ``inbox`` without following symlinks and yield the regular files worth looking at.

    ``reserved`` names top-level folders the watcher owns (``processing``); files there are
    already claimed. A symlink could point at any file on the host, so links are never taken,
    only counted. Sub-folders on another filesystem are skipped too: a claim is a rename into
    ``<inbox>/processing``, which cannot cross devices.
    """
    root = inbox.resolve()
    root_dev = root.stat().st_dev
    skipped = _Skipped()
    pending: list[tuple[Path, bool]] = [(root, True)]
    while pending:
        folder, top = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except (FileNotFoundError, NotADirectoryError):
            if top:
                raise
            continue  # removed mid-walk; the next rescan sees the new state
        except OSError:
            if top:
                raise  # the whole inbox is unreadable (share down): the caller must know
            skipped.unreadable += 1
            continue
        for entry in entries:
            if is_ignored(entry.name) or (top and entry.name in reserved):
                continue
            try:
                if entry.is_symlink():
                    skipped.symlinks += 1
                elif entry.is_dir(follow_symlinks=False):
                    sub = folder / entry.name
                    if entry.stat(follow_symlinks=False).st_dev != root_dev:
                        skipped.other_device += 1
                    elif _inside(sub, root):
                        pending.append((sub, False))
                    else:
                        skipped.escaped += 1
                elif entry.is_file(follow_symlinks=False):
                    path = folder / entry.name
                    if _inside(path, root):
                        yield path
                    else:
                        skipped.escaped += 1
                # FIFOs, sockets and devices are not faxes and reading one could block.
            except FileNotFoundError:
                continue
    # Only a finished walk has counts worth comparing with the last report.
    _report(root, skipped)


def _report(root: Path, skipped: _Skipped) -> None:
    # Counts only, since the names may be PHI; and only when they change, since the inbox is
    # rescanned every few seconds and a stray symlink would otherwise flood the log.
    with _reported_lock:
        if _reported.get(root, _Skipped()) == skipped:
            return
        _reported[root] = skipped
    if skipped.any():
        logger.warning(
            "inbox entries skipped",
            extra={
                "inbox_ref": path_ref(root),
                "symlinks": skipped.symlinks,
                "other_device": skipped.other_device,
                "escaped": skipped.escaped,
                "unreadable": skipped.unreadable,
            },
        )


def _inside(path: Path, root: Path) -> bool:
    # Re-resolving catches a folder swapped for a symlink between listing and use.
    try:
        return path.resolve(strict=True).is_relative_to(root)
    except (OSError, RuntimeError):
        return False
