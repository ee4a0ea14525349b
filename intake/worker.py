"""A worker process: heartbeat, rescue of dead workers' documents, claim, process, repeat."""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from extractors.extract.warm_up import warm_up
from intake import queue
from intake.errors import IntakeError
from intake.pipeline import process
from intake.services import Services

logger = logging.getLogger(__name__)


class WorkerStopped(IntakeError):
    """A worker running in this process ended on an error it could not record."""

    code = "worker_stopped"
    exit_status = 1


class Worker:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.id = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._stopping_since: float | None = None
        self._next_rescue = 0.0

    def run(self, stop: threading.Event, idle_exit: Callable[[], bool] | None = None) -> None:
        """Work until ``stop`` is set, or until the queue is idle and ``idle_exit()`` says so.

        SIGTERM sets ``stop``: the document in hand is finished, or handed back to the queue
        at a page boundary once ``INTAKE_SHUTDOWN_GRACE_SECONDS`` have passed. An error on one
        document is recorded as a failed attempt and the worker goes on; it ends only when
        the database stays unusable for longer than the dead-after window, by which time its
        heartbeat is dead too and others take its document.
        """
        settings = self.services.settings
        # The extractor's one-time loads (~1.3 s of spaCy, vocabularies and code sets) before
        # the worker says it is ready, so the first fax after a start is read as fast as the
        # rest; they are once a process, so a second worker thread finds them done.
        warm_up()
        queue.register_worker(self.services.engine, self.id, os.getpid())
        beating = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(beating,), daemon=True)
        beat.start()
        logger.info("worker started", extra={"worker_id": self.id})
        outage_since: float | None = None
        try:
            while not stop.is_set():
                try:
                    claim = self._next_claim()
                except SQLAlchemyError as error:
                    if outage_since is None:
                        outage_since = time.monotonic()
                        logger.warning(
                            "database unavailable; will retry",
                            extra={"worker_id": self.id, "exc_type": type(error).__name__},
                        )
                    elif time.monotonic() - outage_since > settings.worker_dead_after_seconds:
                        raise
                    stop.wait(settings.idle_poll_seconds)
                    continue
                outage_since = None
                if claim is not None:
                    self._process(claim, stop)
                    continue
                if idle_exit is not None and idle_exit():
                    break
                stop.wait(settings.idle_poll_seconds)
        finally:
            beating.set()
            beat.join()
            self._sign_off()

    def _next_claim(self) -> queue.Claim | None:
        settings = self.services.settings
        # Rescue at the heartbeat's pace: more often cannot find a worker dead any sooner.
        if time.monotonic() >= self._next_rescue:
            queue.rescue_abandoned(
                self.services.engine,
                settings.worker_dead_after_seconds,
                settings.max_attempts,
                settings.retry_base_seconds,
            )
            self._next_rescue = time.monotonic() + settings.heartbeat_seconds
        return queue.claim(self.services.engine, self.id)

    def _process(self, claim: queue.Claim, stop: threading.Event) -> None:
        try:
            process(self.services, claim, lambda: self._grace_over(stop))
        except Exception as error:
            # Storing the result failed (a database fault, a schema problem, a bug): a failed
            # attempt with a reason, retried with backoff and failed for good after the last.
            # If even that cannot be written, the worker ends and its heartbeat with it.
            logger.exception(
                "document not stored",
                extra={"worker_id": self.id, "document_id": claim.document_id},
            )
            settings = self.services.settings
            failure = queue.Failure(
                code="internal_error",
                message=f"unexpected {type(error).__name__} while storing the result; will retry",
                permanent=False,
            )
            queue.fail(
                self.services.engine,
                claim,
                failure,
                settings.max_attempts,
                settings.retry_base_seconds,
            )

    def _grace_over(self, stop: threading.Event) -> bool:
        if not stop.is_set():
            return False
        if self._stopping_since is None:
            self._stopping_since = time.monotonic()
        elapsed = time.monotonic() - self._stopping_since
        return elapsed >= self.services.settings.shutdown_grace_seconds

    def _heartbeat(self, done: threading.Event) -> None:
        while not done.wait(self.services.settings.heartbeat_seconds):
            try:
                queue.heartbeat(self.services.engine, self.id)
            except SQLAlchemyError as error:
                # A busy or restarting database delays a beat; the dead-after window allows
                # several. A thread that died here would get a live worker's documents taken.
                logger.warning(
                    "heartbeat failed",
                    extra={"worker_id": self.id, "exc_type": type(error).__name__},
                )

    def _sign_off(self) -> None:
        try:
            queue.stop_worker(self.services.engine, self.id)
        except SQLAlchemyError as error:
            # Without the sign-off its documents are rescued once the heartbeat is seen dead.
            logger.warning(
                "could not record the worker's stop",
                extra={"worker_id": self.id, "exc_type": type(error).__name__},
            )
        logger.info("worker stopped", extra={"worker_id": self.id})


class WorkerThread(threading.Thread):
    """A worker inside this process (for `intake process`), whose end the caller can see."""

    def __init__(self, services: Services) -> None:
        super().__init__(name="worker", daemon=True)
        self.worker = Worker(services)
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.worker.run(self.stop)
        except BaseException as error:
            # Kept for the caller instead of the thread's traceback, which can quote SQL
            # parameters (PHI) on stderr.
            logger.exception("worker ended on an error", extra={"worker_id": self.worker.id})
            self.error = error

    def check(self) -> None:
        """Raise WorkerStopped if the worker has ended without being asked to."""
        if not self.is_alive() and not self.stop.is_set():
            name = type(self.error).__name__ if self.error else "no error"
            raise WorkerStopped(f"the worker stopped unexpectedly ({name}); see the log")
