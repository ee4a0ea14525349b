"""The push loop: the outbox folder and the webhooks, for consumers that cannot poll. It runs
beside the service (``intake run``, ``intake serve``); several copies may run at once, on one
host or many, since every hand-over is claimed in the database first."""

from __future__ import annotations

import logging
import threading

import httpx

from intake import outbox, webhooks
from intake.services import Services

logger = logging.getLogger(__name__)


def configured(services: Services) -> bool:
    settings = services.settings
    return settings.outbox is not None or bool(settings.webhooks)


def push_once(services: Services, client: httpx.Client) -> None:
    settings = services.settings
    if settings.outbox is not None:
        while outbox.write_new(services.engine, settings.outbox):
            pass
    if settings.webhooks:
        policy = webhooks.Policy(
            max_attempts=settings.webhook_max_attempts,
            retry_base_seconds=settings.webhook_retry_base_seconds,
            timeout_seconds=settings.webhook_timeout_seconds,
            base_url=settings.base_url,
        )
        for endpoint in settings.webhooks:
            while webhooks.enqueue_new(services.engine, endpoint):
                pass
        webhooks.send_due(services.engine, settings.webhooks, policy, client)


def run(services: Services, stop: threading.Event) -> None:
    """Push until ``stop`` is set; a failed round is logged and the next one tries again."""
    if services.settings.outbox is not None:
        services.settings.outbox.mkdir(parents=True, exist_ok=True)
    with httpx.Client(follow_redirects=False) as client:
        while not stop.is_set():
            try:
                push_once(services, client)
            except Exception as error:  # a full disk or a lost database must not end the loop
                logger.error("push round failed", extra={"error": type(error).__name__})
            stop.wait(services.settings.push_interval_seconds)


def start(services: Services, stop: threading.Event) -> threading.Thread | None:
    """Run the loop in a thread when an outbox or a webhook is configured; else None."""
    if not configured(services):
        return None
    thread = threading.Thread(target=run, args=(services, stop), name="push", daemon=True)
    thread.start()
    return thread
