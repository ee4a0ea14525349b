"""A worker process: heartbeat, rescue of dead workers' documents, claim, process, repeat."""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Callable

from sqlalchemy.exc import OperationalError

from intake import queue
from intake.pipeline import Services, process

logger = logging.getLogger(__name__)


class Worker:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.id = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"

    def run(self, stop: threading.Event, idle_exit: Callable[[], bool] | None = None) -> None:
        """Work until ``stop`` is set, or until the queue is idle and ``idle_exit()`` says so.

        A document in hand is always finished before returning: SIGTERM sets ``stop``.
        """
        settings = self.services.settings
        engine = self.services.engine
        queue.register_worker(engine, self.id, os.getpid())
        beating = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(beating,), daemon=True)
        beat.start()
        logger.info("worker started", extra={"worker_id": self.id})
        try:
            while not stop.is_set():
                queue.rescue_abandoned(
                    engine,
                    settings.worker_dead_after_seconds,
                    settings.max_attempts,
                    settings.retry_base_seconds,
                )
                claim = queue.claim(engine, self.id)
                if claim is not None:
                    process(self.services, claim)
                    continue
                if idle_exit is not None and idle_exit():
                    break
                stop.wait(settings.idle_poll_seconds)
        finally:
            beating.set()
            beat.join()
            queue.stop_worker(engine, self.id)
            logger.info("worker stopped", extra={"worker_id": self.id})

    def _heartbeat(self, done: threading.Event) -> None:
        while not done.wait(self.services.settings.heartbeat_seconds):
            try:
                queue.heartbeat(self.services.engine, self.id)
            except OperationalError:
                # A busy database delays one beat; the dead-after window allows several.
                logger.warning("heartbeat failed", extra={"worker_id": self.id})
