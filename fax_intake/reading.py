"""The commands that read faxes through the service: files through the whole service here,
waiting for them; the extractor against a labeled folder; a document read again. One file
without a database is `one_file`."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from extractors.evaluate import meets, render
from fax_intake import wiring
from fax_intake.errors import UsageError
from intake import queue, queue_state
from intake.config import load_settings
from intake.db.models import Status
from intake.evaluation import labeled_files, run_eval
from intake.ingest import Ingestor
from intake.services import Services
from intake.worker import WorkerThread

out = Console(soft_wrap=True)
err = Console(stderr=True)

_TERMINAL = {Status.needs_review, Status.failed, Status.duplicate}


def process(files: list[Path]) -> None:
    missing = [f for f in files if not f.is_file()]
    if missing:
        raise UsageError(f"{len(missing)} of the given paths are not readable files")
    services = wiring.services()
    ingestor = Ingestor(services.settings, services.engine, services.store)
    ids = [ingestor.ingest_path(path).document_id for path in files]
    worker_thread = WorkerThread(services)
    worker_thread.start()
    try:
        with Progress(
            TextColumn("reading"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
        ) as bar:
            task = bar.add_task("documents", total=len(ids))
            while True:
                done = sum(
                    1 for d in queue_state.documents(services.engine, ids) if d.status in _TERMINAL
                )
                bar.update(task, completed=done)
                if done == len(ids):
                    break
                worker_thread.check()  # a worker that died must not leave us waiting forever
                time.sleep(0.5)
    finally:
        worker_thread.stop.set()
    worker_thread.join()
    _print_documents(services, ids)


def _print_documents(services: Services, ids: list[int]) -> None:
    table = Table("id", "status", "pages", "reason")
    for doc in queue_state.documents(services.engine, ids):
        table.add_row(str(doc.id), doc.status, str(doc.page_count or ""), doc.error_message or "")
    out.print(table)


def eval_(folder: Path, minimum: list[str]) -> None:
    if not folder.is_dir() or not labeled_files(folder):
        raise UsageError("the folder holds no <name>.truth.json files beside their documents")
    thresholds = _thresholds(minimum)
    result = run_eval(folder, load_settings().limits)
    print(render(result.report, seconds=result.seconds))
    try:
        failed = meets(result.report, thresholds)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if failed:
        print("\n".join(f"below threshold: {line}" for line in failed))
        raise typer.Exit(1)


def _thresholds(given: list[str]) -> dict[str, float]:
    thresholds = {}
    for item in given:
        metric, _, value = item.partition("=")
        try:
            thresholds[metric.strip()] = float(value)
        except ValueError:
            raise UsageError(f"--min takes METRIC=VALUE, not {item!r}") from None
    return thresholds


def reprocess(document_id: int) -> None:
    services = wiring.services()
    if not queue.requeue(services.engine, document_id):
        found = queue_state.documents(services.engine, [document_id])
        if not found:
            raise UsageError(f"document {document_id} does not exist")
        raise UsageError(
            f"document {document_id} is {found[0].status}: only a document open for review,"
            " rejected or failed is read again"
        )
    out.print(f"document {document_id} queued again")
