"""The claim, the lease and the retry rules, on a real SQLite file shared by several threads."""

from __future__ import annotations

import hashlib
import threading
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select

from intake import queue
from intake.clock import utcnow
from intake.db.engine import make_engine, session_scope
from intake.db.models import Attempt, AttemptOutcome, Document, PageRecord, Status, Worker


def _add_documents(engine, count):
    with session_scope(engine) as session:
        docs = [
            Document(
                sha256=hashlib.sha256(str(i).encode()).hexdigest(),
                size_bytes=1,
                original_name=f"{i}.pdf",
                media_type="application/pdf",
            )
            for i in range(count)
        ]
        session.add_all(docs)
    return [d.id for d in docs]


def _page(document_id):
    return PageRecord(
        document_id=document_id,
        number=1,
        width=10,
        height=10,
        source="ocr",
        mean_confidence=0.9,
        image_sha256="0" * 64,
        content={},
    )


def _document(engine, document_id):
    with session_scope(engine) as session:
        return session.get_one(Document, document_id)


def test_concurrent_claims_never_hand_out_a_document_twice(services):
    ids = _add_documents(services.engine, 60)
    claimed: list[int] = []
    lock = threading.Lock()

    def drain(worker_id):
        engine = make_engine(services.settings.effective_database_url)
        queue.register_worker(engine, worker_id, 0)
        while (claim := queue.claim(engine, worker_id)) is not None:
            with lock:
                claimed.append(claim.document_id)

    threads = [threading.Thread(target=drain, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == sorted(ids)


def test_result_is_written_only_by_the_lease_holder(services):
    engine = services.engine
    [doc_id] = _add_documents(engine, 1)
    queue.register_worker(engine, "old", 1)
    stale = queue.claim(engine, "old")
    assert stale is not None
    # "old" stops beating; after the dead window its document goes to another worker.
    with session_scope(engine) as session:
        session.execute(
            update(Worker)
            .where(col(Worker.id) == "old")
            .values(heartbeat_at=utcnow() - timedelta(minutes=5))
        )
    assert queue.rescue_abandoned(engine, 3, 5, 0) == 1
    queue.register_worker(engine, "new", 2)
    fresh = queue.claim(engine, "new")
    assert fresh is not None and fresh.document_id == doc_id and fresh.attempt == 2

    assert queue.complete(engine, stale, [_page(doc_id)], None) is False
    assert queue.fail(engine, stale, queue.Failure("x", "y", True), 5, 0) is None
    assert queue.complete(engine, fresh, [_page(doc_id)], None) is True

    doc = _document(engine, doc_id)
    assert doc.status == Status.needs_review and doc.page_count == 1
    with session_scope(engine) as session:
        outcomes = session.exec(select(Attempt.outcome).order_by(col(Attempt.number))).all()
    assert outcomes == [AttemptOutcome.abandoned, AttemptOutcome.succeeded]


def test_a_slow_document_of_a_live_worker_is_never_rescued(services):
    engine = services.engine
    [doc_id] = _add_documents(engine, 1)
    queue.register_worker(engine, "busy", 1)
    claim = queue.claim(engine, "busy")
    assert claim is not None
    with session_scope(engine) as session:
        session.execute(
            update(Document)
            .where(col(Document.id) == doc_id)
            .values(claimed_at=utcnow() - timedelta(hours=3))
        )
    assert queue.rescue_abandoned(engine, 3, 5, 0) == 0
    assert _document(engine, doc_id).status == Status.processing


def test_transient_failures_retry_with_backoff_then_fail_with_the_last_error(services):
    engine = services.engine
    [doc_id] = _add_documents(engine, 1)
    queue.register_worker(engine, "w", 1)
    timeout = queue.Failure("ocr_timeout", "OCR of a page took longer than 1 s", permanent=False)

    first = queue.claim(engine, "w")
    assert first is not None
    assert (
        queue.fail(engine, first, timeout, max_attempts=2, retry_base_seconds=60) == Status.queued
    )
    doc = _document(engine, doc_id)
    assert doc.run_after > utcnow() + timedelta(seconds=20)
    assert queue.claim(engine, "w") is None  # not before its backoff

    with session_scope(engine) as session:
        session.execute(update(Document).values(run_after=utcnow()))
    second = queue.claim(engine, "w")
    assert second is not None and second.attempt == 2
    assert (
        queue.fail(engine, second, timeout, max_attempts=2, retry_base_seconds=60) == Status.failed
    )
    doc = _document(engine, doc_id)
    assert (doc.status, doc.error_code, doc.attempts) == (Status.failed, "ocr_timeout", 2)


def test_permanent_failure_is_final_at_once(services):
    engine = services.engine
    _add_documents(engine, 1)
    queue.register_worker(engine, "w", 1)
    claim = queue.claim(engine, "w")
    assert claim is not None
    corrupt = queue.Failure("corrupt_file", "the PDF structure is damaged", permanent=True)
    assert queue.fail(engine, claim, corrupt, max_attempts=5, retry_base_seconds=0) == Status.failed


def test_requeue_starts_over_but_never_steals_a_document_in_progress(services):
    engine = services.engine
    [doc_id] = _add_documents(engine, 1)
    queue.register_worker(engine, "w", 1)
    claim = queue.claim(engine, "w")
    assert claim is not None
    assert queue.requeue(engine, doc_id) is False
    queue.complete(engine, claim, [_page(doc_id)], None)
    assert queue.requeue(engine, doc_id) is True
    doc = _document(engine, doc_id)
    assert (doc.status, doc.attempts) == (Status.queued, 0)
