"""A worker asked to stop finishes its document, or hands it back once the grace is over."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import col, select

from extractors.extract.warm_up import warm_up
from intake.db.engine import session_scope
from intake.db.models import Attempt, AttemptOutcome, Status, Worker
from intake.ingest import Ingestor
from intake.worker import Worker as QueueWorker
from samples.generator import make_document
from tests.intake.conftest import documents, wait_for


def _attempts(engine):
    with session_scope(engine) as session:
        return list(session.exec(select(Attempt).order_by(col(Attempt.id))).all())


def _start_on_a_long_fax(services, tmp_path):
    path = tmp_path / "fax.tiff"
    path.write_bytes(make_document(seed=17, fmt="fax_fine", pages=4).data)
    Ingestor(services.settings, services.engine, services.store).ingest_path(path)
    worker = QueueWorker(services)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()
    wait_for(lambda: len(_attempts(services.engine)) == 1, 30, "the worker to claim the fax")
    return worker, stop, thread


@pytest.mark.parametrize(("grace", "outcome"), [(0.0, "handed back"), (600.0, "finished")])
def test_a_stopped_worker_hands_back_or_finishes_its_document(services, tmp_path, grace, outcome):
    services.settings.shutdown_grace_seconds = grace
    worker, stop, thread = _start_on_a_long_fax(services, tmp_path)
    stop.set()
    thread.join(timeout=120)
    assert not thread.is_alive()
    [doc] = documents(services.engine)
    [attempt] = _attempts(services.engine)
    if outcome == "handed back":
        assert (doc.status, doc.attempts, doc.locked_by) == (Status.queued, 0, None)
        assert (attempt.outcome, attempt.error_code) == (AttemptOutcome.abandoned, "worker_stopped")
    else:
        assert (doc.status, doc.page_count) == (Status.needs_review, 4)
        assert attempt.outcome == AttemptOutcome.succeeded
    with session_scope(services.engine) as session:
        row = session.get_one(Worker, worker.id)
    assert row.stopped_at is not None


def test_a_worker_has_its_extractor_loaded_before_it_says_it_is_ready(services):
    """The first fax after a start is read as fast as the rest: the extractor's one-time
    loads are done before the worker registers, not while a fax waits."""
    warm_up.cache_clear()  # as in a new worker process
    worker = QueueWorker(services)
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()

    def registered() -> bool:
        with session_scope(services.engine) as session:
            return session.get(Worker, worker.id) is not None

    try:
        wait_for(registered, 60, "the worker to register")
        assert warm_up.cache_info().currsize == 1
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not thread.is_alive()
