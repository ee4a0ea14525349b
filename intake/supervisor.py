"""Runs worker processes as children and keeps them running until told to stop."""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections.abc import Sequence

logger = logging.getLogger(__name__)

#: Enough for a worker to finish its page after the grace period (the default OCR timeout).
_SHUTDOWN_GRACE_SECONDS = 120.0
#: A worker that keeps dying at start (database down, schema behind) is restarted at most
#: this often, instead of every second with a log line each time.
_MAX_RESTART_DELAY_SECONDS = 60.0
#: A worker that ran this long is healthy again: its next restart is immediate.
_HEALTHY_AFTER_SECONDS = 60.0


class _Slot:
    def __init__(self, command: Sequence[str]) -> None:
        self.command = command
        self.child: subprocess.Popen[bytes] | None = None
        self.started = 0.0
        self.delay = 0.0
        self.next_start = 0.0

    def start(self) -> None:
        self.child = subprocess.Popen(self.command)
        self.started = time.monotonic()

    def tend(self) -> None:
        """Start the worker if it is due: at once, or after a growing delay if it keeps dying."""
        now = time.monotonic()
        if self.child is None:
            if now >= self.next_start:
                self.start()
            return
        if self.child.poll() is None:
            return
        logger.warning(
            "worker exited; starting another",
            extra={"pid": self.child.pid, "returncode": self.child.returncode},
        )
        healthy = now - self.started >= _HEALTHY_AFTER_SECONDS
        self.delay = 0.0 if healthy else min(max(self.delay * 2, 1.0), _MAX_RESTART_DELAY_SECONDS)
        self.child = None
        self.next_start = now + self.delay
        if self.delay == 0.0:
            self.start()


def supervise(
    command: Sequence[str],
    count: int,
    stop: threading.Event,
    shutdown_seconds: float = _SHUTDOWN_GRACE_SECONDS,
) -> None:
    """Keep ``count`` worker processes (each run by ``command``) alive until ``stop`` is set,
    then stop them gracefully.

    Workers finish or hand back the document in hand on SIGTERM, so shutdown waits for them
    up to ``shutdown_seconds``; a worker killed meanwhile loses nothing, its document is
    rescued by the others' heartbeat check.
    """
    slots = [_Slot(command) for _ in range(count)]
    for slot in slots:
        slot.start()
    try:
        while not stop.wait(1.0):
            for slot in slots:
                slot.tend()
    finally:
        children = [slot.child for slot in slots if slot.child is not None]
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + shutdown_seconds
        for child in children:
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
