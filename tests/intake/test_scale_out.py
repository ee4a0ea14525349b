"""Scale-out acceptance: real worker processes sharing one database, real tesseract.

Exactly once is checked by counting OCR runs: a worker records an Attempt in the same
transaction as its claim and only then reads, so Attempt rows bound the OCR runs from
above, and the stored pages and the pages-OCR'd counter (added in the same transaction as
each result) show that each document's reading was stored once.
"""

from __future__ import annotations

import io
import os
import random
import signal
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from sqlmodel import col, func, select

from intake import counters, queue_state
from intake.db.engine import session_scope
from intake.db.models import Attempt, AttemptOutcome, Document, PageRecord, ReferralRecord, Status
from intake.ingest import Ingestor
from samples.generator import make_document
from tests.intake.conftest import all_terminal, documents, running, wait_for

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parents[2] / "samples" / "corpus"


def small_documents(count: int) -> list[tuple[str, bytes]]:
    """Letterhead strips cut from the committed corpus's PNG and JPEG pages at half their
    resolution (a third of a second of OCR each), each stamped with its own number so no two
    are the same content (which would be duplicates, not work)."""
    pages = sorted(CORPUS.glob("*.png")) + sorted(CORPUS.glob("*.jpg"))
    strips = []
    for path in pages:
        with Image.open(path) as image:
            strip = image.convert("L").crop((0, 0, image.width, image.height // 5))
            strips.append(strip.resize((strip.width // 2, strip.height // 2)))
    made = []
    for i in range(count):
        strip = strips[i % len(strips)].copy()
        ImageDraw.Draw(strip).text((20, strip.height - 15), f"Batch item {i:04d}", fill=0)
        buffer = io.BytesIO()
        strip.save(buffer, format="PNG")
        made.append((f"item-{i:04d}.png", buffer.getvalue()))
    return made


def _queue_documents(services, tmp_path, count):
    folder = tmp_path / "batch"
    folder.mkdir()
    ingestor = Ingestor(services.settings, services.engine, services.store)
    ids = []
    for name, data in small_documents(count):
        path = folder / name
        path.write_bytes(data)
        ids.append(ingestor.ingest_path(path).document_id)
    assert {d.status for d in documents(services.engine)} == {Status.queued}
    return ids


def _attempts(engine):
    with session_scope(engine) as session:
        return list(session.exec(select(Attempt)).all())


def _assert_each_read_exactly_once(engine, ids):
    docs = documents(engine)
    assert [d.id for d in docs] == ids
    assert {d.status for d in docs} == {Status.needs_review}, {d.error_code for d in docs}
    attempts = _attempts(engine)
    assert all(a.outcome is not None for a in attempts), "an attempt was left open"
    succeeded = sorted(a.document_id for a in attempts if a.outcome == AttemptOutcome.succeeded)
    assert succeeded == ids
    with session_scope(engine) as session:
        pages = session.exec(
            select(PageRecord.document_id, func.count()).group_by(col(PageRecord.document_id))
        ).all()
        referrals = session.exec(select(func.count()).select_from(ReferralRecord)).one()
    assert sorted(pages) == [(i, 1) for i in ids]
    assert referrals == len(ids)
    assert counters.read(engine, "ocr_pages") == {"ocr_pages": len(ids)}
    return attempts


@pytest.mark.databases("postgresql")
def test_four_workers_read_300_documents_exactly_once(services, intake_env, tmp_path):
    ids = _queue_documents(services, tmp_path, 300)
    with ExitStack() as stack:
        for i in range(4):
            stack.enter_context(running(intake_env, "worker", log=tmp_path / f"worker{i}.log"))
        wait_for(lambda: all_terminal(services.engine, 300), 900, "300 documents read")
    attempts = _assert_each_read_exactly_once(services.engine, ids)
    assert len(attempts) == 300  # one OCR run per document, none repeated
    assert all(d.attempts == 1 for d in documents(services.engine))
    assert len({a.worker_id for a in attempts}) == 4  # all four took a share


@pytest.mark.databases("postgresql")
def test_workers_killed_at_random_moments_lose_nothing_and_repeat_nothing(
    services, intake_env, tmp_path
):
    ids = _queue_documents(services, tmp_path, 300)
    rng = random.Random(os.getpid())
    killed: list[int] = []
    with ExitStack() as stack:
        workers = [
            stack.enter_context(running(intake_env, "worker", log=tmp_path / f"worker{i}.log"))
            for i in range(4)
        ]
        wait_for(lambda: len(_attempts(services.engine)) > 0, 60, "the first claim")
        for victim, number in zip(rng.sample(workers, 2), (4, 5), strict=True):
            time.sleep(rng.uniform(1.0, 8.0))
            os.kill(victim.pid, signal.SIGKILL)
            victim.wait()
            killed.append(victim.pid)
            stack.enter_context(running(intake_env, "worker", log=tmp_path / f"worker{number}.log"))
        wait_for(lambda: all_terminal(services.engine, 300), 900, "300 documents read")
    assert documents(services.engine)[-1].status == Status.needs_review
    attempts = _assert_each_read_exactly_once(services.engine, ids)
    abandoned = [a for a in attempts if a.outcome == AttemptOutcome.abandoned]
    # Only what the killed workers held was read again: at most one document each.
    assert len(abandoned) <= 2
    assert {int(a.worker_id.split("-")[0]) for a in abandoned} <= set(killed)
    assert len(attempts) == 300 + len(abandoned)
    with session_scope(services.engine) as session:
        stuck = session.exec(
            select(func.count()).select_from(Document).where(col(Document.locked_by).is_not(None))
        ).one()
    assert stuck == 0


def test_sigterm_hands_the_document_back_after_the_grace(services, intake_env, tmp_path):
    path = tmp_path / "ten-pages.tiff"
    path.write_bytes(make_document(seed=11, fmt="fax_fine", pages=10).data)
    Ingestor(services.settings, services.engine, services.store).ingest_path(path)
    env = {**intake_env, "INTAKE_SHUTDOWN_GRACE_SECONDS": "1"}
    with running(env, "worker", log=tmp_path / "worker.log") as worker:
        wait_for(lambda: len(_attempts(services.engine)) == 1, 60, "the claim")
        time.sleep(1.5)  # into the OCR of the first pages
        started = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
        # The grace, then the page in hand: far less than the ten pages would take.
        assert time.monotonic() - started < 6
    [doc] = documents(services.engine)
    assert (doc.status, doc.attempts, doc.locked_by) == (Status.queued, 0, None)
    [attempt] = _attempts(services.engine)
    assert (attempt.outcome, attempt.error_code) == (AttemptOutcome.abandoned, "worker_stopped")


def _live_worker_pids(engine):
    state = queue_state.status(engine, dead_after_seconds=3)
    return {w.worker.pid for w in state.live_workers}


def test_concurrency_keeps_n_workers_and_stops_them_all_on_sigterm(services, intake_env, tmp_path):
    with running(intake_env, "worker", "--concurrency", "2", log=tmp_path / "w.log") as parent:
        wait_for(lambda: len(_live_worker_pids(services.engine)) == 2, 60, "two workers")
        first = _live_worker_pids(services.engine)
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        wait_for(
            lambda: len(pids := _live_worker_pids(services.engine)) == 2 and victim not in pids,
            60,
            "a replacement worker",
        )
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(timeout=60) == 0
    state = queue_state.status(services.engine, dead_after_seconds=3)
    # The two running at the end signed off; only the killed one never did.
    assert [w.worker.pid for w in state.workers] == [victim]
