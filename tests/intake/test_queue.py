"""The claim, the lease and the retry rules, on SQLite and PostgreSQL, shared by several
threads each with its own engine."""

from __future__ import annotations

import hashlib
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, update
from sqlmodel import col, select

from intake import counters, queue, queue_state
from intake.clock import utcnow
from intake.db.accounts import User
from intake.db.engine import make_engine, session_scope
from intake.db.models import (
    Attempt,
    AttemptOutcome,
    Document,
    PageRecord,
    ReferralRecord,
    Status,
    Worker,
)
from intake.db.review import ReferralVersion
from intake.referral_columns import summary_columns


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


def _reading(document_id, member_last, urgent):
    values = {
        "referral_type": "dme",
        "urgent": urgent,
        "member": {"last_name": member_last, "first_name": "Ann", "dob": "1950-02-03"},
        "missing": ["clinician.npi"],
        "flags": [],
    }
    return ReferralRecord(
        document_id=document_id,
        due_by=utcnow() + timedelta(hours=24),
        extracted=values,
        **summary_columns(values),
    )


def _referrals(engine):
    with session_scope(engine) as session:
        return list(session.exec(select(ReferralRecord)).all())


def test_a_document_read_again_updates_its_referral_row_in_place(services):
    engine = services.engine
    [doc_id] = _add_documents(engine, 1)
    queue.register_worker(engine, "w", 1)
    first = queue.claim(engine, "w")
    assert first is not None
    assert queue.complete(engine, first, [_page(doc_id)], _reading(doc_id, "Lee", False))
    [referral] = _referrals(engine)
    # A clerk's saved version and approved values point at the row.
    with session_scope(engine) as session:
        clerk = User(username="clerk", password_hash="x")
        session.add(clerk)
        session.flush()
        assert clerk.id is not None
        session.add(ReferralVersion(referral_id=referral.id, number=1, values={}, user_id=clerk.id))
        session.execute(
            update(ReferralRecord)
            .where(col(ReferralRecord.id) == referral.id)
            .values(approved={"member": {"last_name": "Leigh"}}, member_name="Leigh, Ann")
        )

    assert queue.requeue(engine, doc_id)
    again = queue.claim(engine, "w")
    assert again is not None
    assert queue.complete(engine, again, [_page(doc_id)], _reading(doc_id, "Lowe", True))
    [reread] = _referrals(engine)
    assert reread.id == referral.id
    assert reread.extracted["member"]["last_name"] == "Lowe"
    assert (reread.member_name, reread.urgent, reread.approved) == ("Lowe, Ann", True, None)
    assert reread.extracted_at > referral.extracted_at and reread.due_by != referral.due_by
    with session_scope(engine) as session:
        assert session.exec(select(ReferralVersion.referral_id)).all() == [referral.id]
        approved_is_null = session.exec(
            select(func.count())
            .select_from(ReferralRecord)
            .where(col(ReferralRecord.approved).is_(None))
        ).one()
    assert approved_is_null == 1  # SQL NULL, not a JSON null


def test_counters_add_up_across_results(services):
    engine = services.engine
    ids = _add_documents(engine, 2)
    queue.register_worker(engine, "w", 1)
    for doc_id, added in zip(ids, [{"ocr_x": 2, "ocr_y": 1}, {"ocr_x": 3}], strict=True):
        claim = queue.claim(engine, "w")
        assert claim is not None and claim.document_id == doc_id
        assert queue.complete(engine, claim, [_page(doc_id)], None, added)
    assert counters.read(engine, "ocr_") == {"ocr_x": 5, "ocr_y": 1}
    assert counters.read(engine, "ocr_x") == {"ocr_x": 5}


def test_a_lost_lease_adds_nothing_to_the_counters(services):
    engine = services.engine
    [doc_id] = _add_documents(engine, 1)
    queue.register_worker(engine, "w", 1)
    claim = queue.claim(engine, "w")
    assert claim is not None
    queue.stop_worker(engine, "w")
    assert queue.rescue_abandoned(engine, 3, 5, 0) == 1
    assert queue.complete(engine, claim, [_page(doc_id)], None, {"ocr_pages": 1}) is False
    assert counters.read(engine, "ocr_") == {}


def test_release_hands_the_document_back_without_counting_a_try(services):
    engine = services.engine
    [doc_id] = _add_documents(engine, 1)
    queue.register_worker(engine, "w", 1)
    claim = queue.claim(engine, "w")
    assert claim is not None
    assert queue.release(engine, claim) is True
    assert queue.release(engine, claim) is False  # no longer held
    doc = _document(engine, doc_id)
    assert (doc.status, doc.attempts, doc.locked_by) == (Status.queued, 0, None)
    with session_scope(engine) as session:
        [attempt] = session.exec(select(Attempt)).all()
    assert (attempt.outcome, attempt.error_code) == (AttemptOutcome.abandoned, "worker_stopped")
    again = queue.claim(engine, "w")
    assert again is not None and again.attempt == 1


def test_a_stopped_workers_document_is_rescued_at_once_and_failed_after_the_last_try(services):
    engine = services.engine
    [doc_id] = _add_documents(engine, 1)
    for number in (1, 2):
        worker = f"w{number}"
        queue.register_worker(engine, worker, number)
        with session_scope(engine) as session:
            session.execute(update(Document).values(run_after=utcnow()))
        claim = queue.claim(engine, worker)
        assert claim is not None and claim.attempt == number
        # Its heartbeat is fresh, but it signed off without finishing: nothing to wait for.
        queue.stop_worker(engine, worker)
        assert queue.rescue_abandoned(engine, 3, max_attempts=2, retry_base_seconds=0) == 1
    doc = _document(engine, doc_id)
    assert (doc.status, doc.error_code) == (Status.failed, "worker_lost")
    assert "2 tries" in (doc.error_message or "")
    with session_scope(engine) as session:
        outcomes = session.exec(select(Attempt.outcome)).all()
    assert outcomes == [AttemptOutcome.abandoned, AttemptOutcome.abandoned]


@pytest.mark.databases("postgresql")
def test_a_claim_passes_over_a_row_another_transaction_has_locked(services):
    engine = services.engine
    first, second = _add_documents(engine, 2)
    queue.register_worker(engine, "w", 1)
    with session_scope(engine) as holder:
        holder.execute(select(Document.id).where(col(Document.id) == first).with_for_update()).all()
        # Without SKIP LOCKED this would wait for the holder's commit, i.e. forever here.
        claim = queue.claim(engine, "w")
        assert claim is not None and claim.document_id == second
    later = queue.claim(engine, "w")
    assert later is not None and later.document_id == first


def test_status_reports_workers_by_the_database_clock(services):
    engine = services.engine
    ids = _add_documents(engine, 2)
    queue.register_worker(engine, "live", 1)
    queue.register_worker(engine, "silent", 2)
    queue.register_worker(engine, "gone", 3)
    queue.stop_worker(engine, "gone")
    claim = queue.claim(engine, "live")
    assert claim is not None
    with session_scope(engine) as session:
        session.execute(
            update(Worker)
            .where(col(Worker.id) == "silent")
            .values(heartbeat_at=utcnow() - timedelta(seconds=40))
        )
        session.execute(
            update(Document)
            .where(col(Document.id) == ids[1])
            .values(received_at=utcnow() - timedelta(minutes=5))
        )
    state = queue_state.status(engine, dead_after_seconds=30)
    assert state.counts == {"processing": 1, "queued": 1}
    assert [(w.worker.id, w.live, w.holding) for w in state.workers] == [
        ("live", True, (ids[0],)),
        ("silent", False, ()),
    ]
    assert 39 < state.workers[1].heartbeat_age < 60
    assert state.oldest_queued_age is not None
    assert timedelta(minutes=5) <= state.oldest_queued_age < timedelta(minutes=6)


def test_backoff_doubles_with_jitter_and_is_capped():
    for attempt in (1, 2, 3, 4):
        delays = [queue.backoff(attempt, 10).total_seconds() for _ in range(200)]
        nominal = 10 * 2 ** (attempt - 1)
        assert all(0.5 * nominal <= d <= 1.5 * nominal for d in delays)
        assert len(set(delays)) > 150  # jittered: documents failed together spread out
    assert queue.backoff(30, 10) == timedelta(hours=1)
