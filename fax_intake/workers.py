"""The commands that take faxes in and read them: the watcher and the workers."""

from __future__ import annotations

from fax_intake import wiring
from intake.supervisor import supervise
from intake.worker import Worker


def watch() -> None:
    wiring.watcher(wiring.services()).run(wiring.stop_on_signals())


def worker(concurrency: int) -> None:
    services = wiring.services()
    stop = wiring.stop_on_signals()
    if concurrency == 1:
        Worker(services).run(stop)
        return
    settings = services.settings
    # Grace, then the page in hand (at most one OCR timeout), then a margin.
    shutdown = settings.shutdown_grace_seconds + settings.ocr_timeout_seconds + 10
    supervise(wiring.WORKER_COMMAND, concurrency, stop, shutdown_seconds=shutdown)
