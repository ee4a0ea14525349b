"""Runs worker processes as children and keeps them running until told to stop."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time

logger = logging.getLogger(__name__)

_WORKER_COMMAND = [sys.executable, "-m", "intake", "worker", "--concurrency", "1"]
_SHUTDOWN_GRACE_SECONDS = 120.0


def supervise(count: int, stop: threading.Event) -> None:
    """Keep ``count`` worker processes alive until ``stop`` is set, then stop them gracefully.

    Workers finish the document in hand on SIGTERM, so shutdown waits for them; a worker
    killed meanwhile loses nothing, its document is rescued by the others' heartbeat check.
    """
    children = [subprocess.Popen(_WORKER_COMMAND) for _ in range(count)]
    try:
        while not stop.wait(1.0):
            for index, child in enumerate(children):
                if child.poll() is not None:
                    logger.warning(
                        "worker exited; starting another",
                        extra={"pid": child.pid, "returncode": child.returncode},
                    )
                    children[index] = subprocess.Popen(_WORKER_COMMAND)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + _SHUTDOWN_GRACE_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                child.kill()
