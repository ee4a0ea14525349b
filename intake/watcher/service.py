"""The watcher loop: rescan inboxes, claim files once they are stable, hand them over."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from intake.errors import IntakeError
from intake.watcher.claim import PROCESSING, ClaimedFile, claim, processing_dir, stale_claims
from intake.watcher.events import OpenWrites, start_observer, stop_observer
from intake.watcher.logref import path_ref
from intake.watcher.safety import candidate_files
from intake.watcher.stability import StabilityTracker

logger = logging.getLogger(__name__)

RESERVED: frozenset[str] = frozenset({PROCESSING})

# How often run() looks at its stop event while otherwise idle.
_STOP_POLL_SECONDS = 0.2
# A file left open for writing is taken anyway once it has been unchanged this long (the
# longer of the two): its close event was lost, or its writer died holding it open.
_CLOSE_WAIT_FLOOR_SECONDS = 120.0
_CLOSE_WAIT_STABLE_TIMES = 30.0
# Floor for the settling interval, so stable_seconds=0 cannot turn into a busy loop.
_MIN_SETTLE_SECONDS = 0.05


class WatcherConfigError(IntakeError, ValueError):
    """The watcher cannot start with these settings; the message names the setting."""

    code = "invalid_watcher_config"


class Watcher:
    """Hands each complete file in the inboxes to ``on_claimed`` once, after claiming it.

    One thread drives an instance (run, or scan_once from a test or a one-shot command);
    several instances, in one process or on several hosts, may share an inbox.
    """

    def __init__(
        self,
        inboxes: Sequence[Path],
        on_claimed: Callable[[ClaimedFile], object],
        *,
        stable_seconds: float,
        rescan_seconds: float,
        polling: bool,
        stale_claim_seconds: float = 600.0,
    ) -> None:
        if stable_seconds < 0:
            raise WatcherConfigError("INTAKE_STABLE_SECONDS must not be negative")
        if rescan_seconds <= 0:
            raise WatcherConfigError("INTAKE_RESCAN_SECONDS must be positive")
        if stale_claim_seconds <= 0:
            raise WatcherConfigError("stale_claim_seconds must be positive")
        self._inboxes = _checked_inboxes(inboxes)
        self._on_claimed = on_claimed
        self._stable = stable_seconds
        self._rescan = rescan_seconds
        self._polling = polling
        self._stale = stale_claim_seconds
        # A close event lost (inotify's queue overflowed) must not hold a file for ever.
        self._close_wait = max(_CLOSE_WAIT_FLOOR_SECONDS, _CLOSE_WAIT_STABLE_TIMES * stable_seconds)
        self._tracker = StabilityTracker(stable_seconds)
        self._writes = OpenWrites()
        self._wake = threading.Event()
        # Paths whose claim failed, so a persistent failure is logged once, not every pass.
        self._claim_failed: set[Path] = set()

    @property
    def inboxes(self) -> tuple[Path, ...]:
        """The inboxes as resolved at construction; ClaimedFile.inbox is one of these."""
        return self._inboxes

    def scan_once(self) -> int:
        """One pass over all inboxes; returns how many files were handed over successfully."""
        handed = 0
        present: set[Path] = set()
        for inbox in self._inboxes:
            try:
                handed += self._scan_inbox(inbox, present)
            except OSError as exc:
                # A share that is down must not stop the other inboxes; nothing is claimed from
                # it and its files start settling afresh once it is back.
                logger.error(
                    "inbox scan failed",
                    extra={"inbox_ref": path_ref(inbox), "exc_type": type(exc).__name__},
                )
        self._tracker.prune(present)
        self._claim_failed &= present
        return handed

    def reclaim_stale(self) -> int:
        """Hand over again files whose claim was never finished; returns how many succeeded."""
        handed = 0
        for inbox in self._inboxes:
            try:
                for claimed in stale_claims(inbox, self._stale):
                    handed += self._hand_over(claimed)
            except OSError as exc:
                logger.error(
                    "stale claim check failed",
                    extra={"inbox_ref": path_ref(inbox), "exc_type": type(exc).__name__},
                )
        return handed

    def run(self, stop: threading.Event) -> None:
        """Scan at start, then on every file event, and every rescan_seconds regardless."""
        observer = start_observer(
            self._inboxes,
            [processing_dir(i) for i in self._inboxes],
            self._wake,
            polling=self._polling,
            poll_interval=min(1.0, self._rescan),
            writes=self._writes,
        )
        logger.info(
            "watcher started",
            extra={
                "inboxes": len(self._inboxes),
                "polling": self._polling,
                "events": observer is not None,
            },
        )
        stale_every = min(self._rescan, self._stale / 4)
        next_stale = 0.0  # at start: claims left by a previous run are handled first
        try:
            while not stop.is_set():
                self._wake.clear()
                if time.monotonic() >= next_stale:
                    self._guarded(self.reclaim_stale)
                    next_stale = time.monotonic() + stale_every
                self._guarded(self.scan_once)
                self._sleep(stop, min(self._next_interval(), next_stale - time.monotonic()))
        finally:
            stop_observer(observer)
            logger.info("watcher stopped")

    def _scan_inbox(self, inbox: Path, present: set[Path]) -> int:
        handed = 0
        for path in candidate_files(inbox, RESERVED):
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue
            present.add(path)
            if not self._tracker.observe(path, st.st_size, st.st_mtime_ns):
                continue
            if self._writes.is_open(path) and self._tracker.held_for(path) < self._close_wait:
                continue  # still open for writing: a writer that paused, not one that finished
            # Whatever happens next, a file found at this path again must settle again.
            self._tracker.forget(path)
            self._writes.forget(path)
            claimed = self._try_claim(inbox, path)
            if claimed is not None:
                present.discard(path)
                handed += self._hand_over(claimed)
        return handed

    def _try_claim(self, inbox: Path, path: Path) -> ClaimedFile | None:
        try:
            claimed = claim(inbox, path)
        except OSError as exc:
            # The file stays where it is and is tried again after it settles once more.
            if path not in self._claim_failed:
                self._claim_failed.add(path)
                logger.warning(
                    "claim failed, will retry",
                    extra={"path_ref": path_ref(path), "exc_type": type(exc).__name__},
                )
            return None
        self._claim_failed.discard(path)
        return claimed

    def _hand_over(self, claimed: ClaimedFile) -> int:
        try:
            self._on_claimed(claimed)
        except Exception as exc:
            # Neither the message nor the traceback: both routinely quote the file's path.
            logger.error(
                "claimed file not taken; it stays claimed and is retried as a stale claim",
                extra={"claim_token": claimed.token, "exc_type": type(exc).__name__},
            )
            return 0
        logger.debug("claimed file handed over", extra={"claim_token": claimed.token})
        return 1

    def _guarded(self, step: Callable[[], int]) -> None:
        try:
            step()
        except Exception as exc:
            # The loop is the only thing standing between the fax server and a full inbox.
            logger.error("watcher pass failed", extra={"exc_type": type(exc).__name__})

    def _next_interval(self) -> float:
        if len(self._tracker):
            # Files are settling: look again soon so they are taken promptly once stable.
            return min(self._rescan, max(self._stable / 4, _MIN_SETTLE_SECONDS))
        return self._rescan

    def _sleep(self, stop: threading.Event, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not stop.is_set() and not self._wake.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self._wake.wait(min(left, _STOP_POLL_SECONDS))


def _checked_inboxes(inboxes: Sequence[Path]) -> tuple[Path, ...]:
    if not inboxes:
        raise WatcherConfigError("INTAKE_INBOX names no folder")
    resolved: list[Path] = []
    for number, inbox in enumerate(inboxes, start=1):
        if not inbox.is_dir():
            raise WatcherConfigError(f"INTAKE_INBOX entry {number} is not an existing folder")
        resolved.append(inbox.resolve())
    for i, a in enumerate(resolved):
        for j, b in enumerate(resolved):
            # One inbox inside another would let the outer one claim from the inner's processing.
            if i != j and a.is_relative_to(b):
                raise WatcherConfigError(
                    f"INTAKE_INBOX entries {min(i, j) + 1} and {max(i, j) + 1} overlap"
                )
    for number, inbox in enumerate(resolved, start=1):
        processing = processing_dir(inbox)
        try:
            processing.mkdir(exist_ok=True)
        except OSError:
            raise WatcherConfigError(
                f"INTAKE_INBOX entry {number}: cannot create its processing folder"
            ) from None
        if processing.is_symlink() or not processing.is_dir():
            raise WatcherConfigError(
                f"INTAKE_INBOX entry {number}: its processing entry is not a plain folder"
            )
    return tuple(resolved)
