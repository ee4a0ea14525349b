"""The commands that serve the review web UI: the whole service in one process tree, or the
web UI alone."""

from __future__ import annotations

import threading

from rich.console import Console

from fax_intake import wiring
from intake import push
from intake.db.engine import session_scope
from intake.services import Services
from intake.supervisor import supervise
from intake.users import has_users
from review_ui.server import make_server, start_in_thread, url_of

out = Console(soft_wrap=True)


def run() -> None:
    services = wiring.services()
    watching_inbox = wiring.watcher(services)
    server = make_server(services)
    stop = wiring.stop_on_signals()
    web = start_in_thread(server)
    watching = threading.Thread(target=watching_inbox.run, args=(stop,), name="watcher")
    watching.start()
    pushing = push.start(services, stop)
    settings = services.settings
    out.print(
        f"fax-intake running: {settings.workers} worker(s) watching"
        f" {', '.join(map(str, settings.inbox))}; `intake status` shows progress. Ctrl-C stops."
    )
    _web_hint(services)
    try:
        supervise(wiring.WORKER_COMMAND, settings.workers, stop)
    finally:
        stop.set()
        server.should_exit = True
        watching.join()
        web.join()
        if pushing is not None:
            pushing.join()


def serve() -> None:
    services = wiring.services()
    _web_hint(services)
    stop = threading.Event()
    push.start(services, stop)  # the outbox and webhooks, when configured
    try:
        make_server(services).run()
    finally:
        stop.set()


def _web_hint(services: Services) -> None:
    out.print(f"review UI: {url_of(services)}")
    with session_scope(services.engine) as session:
        if not has_users(session):
            out.print("no users yet: `intake users add NAME --role admin` creates one")
