"""`intake status`: where the documents and the workers stand."""

from __future__ import annotations

from datetime import timedelta

from rich.console import Console
from rich.table import Table

from fax_intake import wiring
from intake import queue_state
from intake.db.models import Status
from intake.watcher import claimed_count

out = Console(soft_wrap=True)


def show() -> None:
    services = wiring.services()
    state = queue_state.status(services.engine, services.settings.worker_dead_after_seconds)
    table = Table("status", "documents")
    for name in Status:
        table.add_row(name.value, str(state.counts.get(name.value, 0)))
    out.print(table)
    out.print(f"queue depth: {state.counts.get(Status.queued.value, 0)}")
    # Claimed from an inbox but in no table yet: a crash mid-ingest leaves these until the
    # watcher recovers them, and their 24-hour clock has not started.
    claimed = sum(claimed_count(inbox) for inbox in services.settings.inbox)
    out.print(f"files claimed, not yet recorded: {claimed}")
    if (age := state.oldest_queued_age) is not None:
        out.print(f"oldest waiting: {timedelta(seconds=max(round(age.total_seconds()), 0))}")
    silent = len(state.workers) - len(state.live_workers)
    out.print(
        f"live workers: {len(state.live_workers)}"
        + (
            f" ({silent} silent: stopped beating, their documents are taken again)"
            if silent
            else ""
        )
    )
    if state.workers:
        workers = Table("worker", "host", "pid", "last heartbeat", "state", "documents")
        for w in state.workers:
            workers.add_row(
                w.worker.id,
                w.worker.hostname,
                str(w.worker.pid),
                f"{w.heartbeat_age:.1f} s ago",
                "live" if w.live else "silent",
                ", ".join(map(str, w.holding)),
            )
        out.print(workers)
