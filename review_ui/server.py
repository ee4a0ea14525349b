"""Serving the web app with uvicorn: alone (`intake serve`) or in a thread beside the watcher and
workers (`intake run`)."""

from __future__ import annotations

import threading
import time

import uvicorn

from intake.errors import IntakeError
from intake.services import Services
from review_ui.app import create_app

_START_TIMEOUT_SECONDS = 30.0


class ServerStartError(IntakeError):
    """The web server could not start (most often: the port is taken)."""

    code = "server_not_started"


def make_server(services: Services) -> uvicorn.Server:
    settings = services.settings
    config = uvicorn.Config(
        create_app(services),
        host=settings.web_host,
        port=settings.web_port,
        # Our logging is configured already (structured, no PHI); uvicorn must not replace it.
        log_config=None,
        server_header=False,
        # Uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise: any local
        # process could then name its own address. Only configured proxies are believed.
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies) or [],
    )
    return uvicorn.Server(config)


def url_of(services: Services) -> str:
    return f"{services.settings.base_url}/"


def start_in_thread(server: uvicorn.Server) -> threading.Thread:
    """Run ``server`` in a thread and wait until it listens; set ``server.should_exit`` to stop.

    Signals stay with the main thread: uvicorn installs no handlers outside it.
    """
    thread = threading.Thread(target=server.run, name="web", daemon=True)
    thread.start()
    deadline = time.monotonic() + _START_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise ServerStartError(
                f"the web UI could not listen on {server.config.host}:{server.config.port}"
            )
        time.sleep(0.05)
    return thread
