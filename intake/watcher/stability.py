"""Decides when a file has stopped changing, so a half-written fax is never taken."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class _Sighting:
    size: int
    mtime_ns: int
    since: float


class StabilityTracker:
    """Remembers each file's last (size, mtime) and since when it has been unchanged.

    Size and mtime together, because network copies can pre-allocate the full size and
    some fax servers rewrite in place; either changing means someone is still writing.
    """

    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic) -> None:
        if delay < 0:
            raise ValueError("delay must not be negative")
        self._delay = delay
        self._clock = clock
        self._seen: dict[Path, _Sighting] = {}

    def observe(self, path: Path, size: int, mtime_ns: int) -> bool:
        """Record a sighting; True once the same size and mtime have held for ``delay`` seconds."""
        now = self._clock()
        last = self._seen.get(path)
        if last is None or (last.size, last.mtime_ns) != (size, mtime_ns):
            # A zero-byte file gets no shortcut: fax servers often create first and write later.
            last = _Sighting(size, mtime_ns, now)
            self._seen[path] = last
        return now - last.since >= self._delay

    def held_for(self, path: Path) -> float:
        """Seconds the file has kept its last size and mtime (0 when never seen)."""
        last = self._seen.get(path)
        return self._clock() - last.since if last is not None else 0.0

    def forget(self, path: Path) -> None:
        self._seen.pop(path, None)

    def prune(self, present: set[Path]) -> None:
        """Drop files that are gone, so a later file with the same name starts from scratch."""
        for path in self._seen.keys() - present:
            del self._seen[path]

    def __len__(self) -> int:
        return len(self._seen)
