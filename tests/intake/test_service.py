"""The running service, as separate processes, with real tesseract and a real SQLite file.

These are the foundation's acceptance tests: nothing lost, nothing processed twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import threading
import time

import pytest
from sqlmodel import col, func, select

from intake.db.engine import session_scope
from intake.db.models import Attempt, AttemptOutcome, PageRecord, ReferralRecord, Status
from intake.ingest import Ingestor
from intake.watcher.claim import new_token
from samples.generator import FORMATS, make_document
from tests import badfiles
from tests.conftest import intake
from tests.intake.conftest import all_terminal, documents, drop, running, wait_for

pytestmark = pytest.mark.slow


def _inbox_files(inbox):
    return sorted(p for p in inbox.rglob("*") if p.is_file())


def test_mixed_batch_of_50_ends_processed_with_an_empty_inbox(services, intake_env, tmp_path):
    inbox = services.settings.inbox[0]
    intake_env["INTAKE_WORKERS"] = "2"
    sent = {}
    with running(intake_env, "run", log=tmp_path / "service.log"):
        for i in range(50):
            doc = make_document(seed=1000 + i, fmt=FORMATS[i % len(FORMATS)])
            name = f"{i:02d}-{doc.name}"
            sent[hashlib.sha256(doc.data).hexdigest()] = (name, doc)
            drop(inbox, name, doc.data)
        wait_for(lambda: all_terminal(services.engine, 50), 600, "50 documents read")
    docs = documents(services.engine)
    assert len(docs) == 50
    assert {d.status for d in docs} == {Status.needs_review}, [d.error_message for d in docs]
    assert {d.sha256 for d in docs} == set(sent)
    for d in docs:
        name, generated = sent[d.sha256]
        assert d.original_name == name
        assert services.store.get(d.sha256) == generated.data
        assert d.page_count == generated.truth["source"]["pages"]
    assert _inbox_files(inbox) == []
    with session_scope(services.engine) as session:
        readings = session.exec(select(ReferralRecord)).all()
    assert {r.document_id for r in readings} == {d.id for d in docs}
    # No PHI in logs: neither the names on the orders nor the file names, which may carry them.
    log = (tmp_path / "service.log").read_text()
    assert '"document recorded"' in log or "document recorded" in log
    for name, generated in sent.values():
        assert name not in log
        for person in (generated.truth["member"], generated.truth["clinician"]):
            if person["last_name"]:
                assert person["last_name"] not in log


def test_slow_writer_is_taken_once_and_complete(services, intake_env, tmp_path):
    inbox = services.settings.inbox[0]
    data = make_document(seed=7, fmt="fax_fine").data
    chunks = [data[i : i + len(data) // 6 + 1] for i in range(0, len(data), len(data) // 6 + 1)]
    with running(intake_env, "run", log=tmp_path / "service.log"):
        with (inbox / "slow.tiff").open("wb") as handle:
            for chunk in chunks:  # about 3 s in all, as a network copy would
                handle.write(chunk)
                handle.flush()
                time.sleep(0.5)
        wait_for(lambda: all_terminal(services.engine, 1), 120, "the slow file read")
        time.sleep(2)  # room for a wrong second take
    [doc] = documents(services.engine)
    assert doc.status == Status.needs_review
    assert doc.sha256 == hashlib.sha256(data).hexdigest()


def test_killed_worker_during_ocr_of_a_10_page_fax_completes_exactly_once(
    services, intake_env, tmp_path
):
    fax = make_document(seed=11, fmt="fax_fine", pages=10)
    assert fax.truth["source"]["pages"] == 10
    path = tmp_path / "ten-pages.tiff"
    path.write_bytes(fax.data)
    document_id = (
        Ingestor(services.settings, services.engine, services.store).ingest_path(path).document_id
    )

    def attempts():
        with session_scope(services.engine) as session:
            return list(session.exec(select(Attempt).order_by(col(Attempt.id))).all())

    with running(intake_env, "worker", log=tmp_path / "worker1.log") as first:
        wait_for(lambda: len(attempts()) == 1, 60, "the first worker to claim the fax")
        time.sleep(3)  # well into OCR: a page takes about a second
        assert first.poll() is None
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
    assert documents(services.engine)[0].status == Status.processing
    with running(intake_env, "worker", log=tmp_path / "worker2.log"):
        wait_for(lambda: all_terminal(services.engine, 1), 180, "the replacement worker")
    [doc] = documents(services.engine)
    assert (doc.id, doc.status, doc.page_count) == (document_id, Status.needs_review, 10)
    outcomes = [a.outcome for a in attempts()]
    assert outcomes == [AttemptOutcome.abandoned, AttemptOutcome.succeeded]
    with session_scope(services.engine) as session:
        pages = session.exec(select(PageRecord.number).order_by(col(PageRecord.number))).all()
    assert list(pages) == list(range(1, 11))
    assert path.exists()


def test_duplicate_drop_gives_one_document_and_one_duplicate(services, intake_env, tmp_path):
    inbox = services.settings.inbox[0]
    data = make_document(seed=21, fmt="png").data
    with running(intake_env, "run", log=tmp_path / "service.log"):
        drop(inbox, "fax.png", data)
        wait_for(lambda: all_terminal(services.engine, 1), 120, "the first copy")
        drop(inbox, "fax.png", data)
        wait_for(lambda: all_terminal(services.engine, 2), 60, "the second copy")
    first, second = documents(services.engine)
    assert (first.status, second.status) == (Status.needs_review, Status.duplicate)
    assert second.duplicate_of_id == first.id
    with session_scope(services.engine) as session:
        assert session.exec(select(func.count()).select_from(Attempt)).one() == 1


def _bad_inputs():
    tiff = make_document(seed=31, fmt="fax_fine").data
    jpeg = make_document(seed=32, fmt="jpeg").data
    return {
        "zero.pdf": (b"", "empty_file"),
        "truncated.pdf": (badfiles.truncated(badfiles.text_pdf()), "corrupt_file"),
        "truncated.tiff": (badfiles.truncated(tiff, 0.4), "corrupt_file"),
        "locked.pdf": (badfiles.encrypted_pdf(), "encrypted"),
        "really-a-png.pdf": (badfiles.png(), "type_mismatch"),
        "bomb.png": (badfiles.png_header_only(30_000, 30_000), "limit_exceeded"),
        "too-many-pages.pdf": (badfiles.text_pdf(pages=25), "limit_exceeded"),
        "Pt Ñandú .. 2.pdf": (badfiles.truncated(badfiles.text_pdf(), 0.7), "corrupt_file"),
        # Cut inside its header: Pillow raises a plain OSError ("Truncated File Read").
        "header-cut.jpg": (jpeg[:300], "corrupt_file"),
        "half.jpg": (badfiles.truncated(jpeg), "corrupt_file"),
    }


def test_bad_inputs_are_quarantined_and_the_next_good_file_is_read(services, intake_env, tmp_path):
    inbox = services.settings.inbox[0]
    bad = _bad_inputs()
    good = make_document(seed=41, fmt="text_pdf")
    with running(intake_env, "run", log=tmp_path / "service.log") as service:
        for name, (data, _) in bad.items():
            drop(inbox, name, data)
        wait_for(lambda: all_terminal(services.engine, len(bad)), 120, "the bad files")
        drop(inbox, "good order.pdf", good.data)
        wait_for(lambda: all_terminal(services.engine, len(bad) + 1), 120, "the good file")
        assert service.poll() is None
    by_name = {d.original_name: d for d in documents(services.engine)}
    assert by_name.pop("good order.pdf").status == Status.needs_review
    quarantine = services.settings.quarantine_dir
    for name, (data, code) in bad.items():
        doc = by_name[name]
        assert (doc.status, doc.error_code) == (Status.failed, code), name
        assert doc.attempts <= 1, name  # unreadable for good: quarantined at once, no retries
        sidecars = list(quarantine.glob(f"{doc.id}-*.error.json"))
        assert len(sidecars) == 1, name
        body = json.loads(sidecars[0].read_text())
        assert body["code"] == code and body["reason"] == doc.error_message
        assert (
            sidecars[0].with_name(sidecars[0].name.removesuffix(".error.json")).read_bytes() == data
        )
    assert _inbox_files(inbox) == []
    log = (tmp_path / "service.log").read_text()
    assert "Ñandú" not in log and "really-a-png" not in log


def test_two_watch_processes_on_one_inbox_take_each_file_once(services, intake_env, tmp_path):
    inbox = services.settings.inbox[0]
    payloads = [badfiles.text_pdf(text=f"order number {i}") for i in range(200)]
    with (
        running(intake_env, "watch", log=tmp_path / "w1.log"),
        running(intake_env, "watch", log=tmp_path / "w2.log"),
    ):
        writer = threading.Thread(
            target=lambda: [drop(inbox, f"{i}.pdf", p) for i, p in enumerate(payloads)]
        )
        writer.start()
        writer.join()
        wait_for(lambda: len(documents(services.engine)) >= 200, 120, "200 documents")
        time.sleep(2)
    docs = documents(services.engine)
    assert len(docs) == 200
    assert {d.status for d in docs} == {Status.queued}


def test_a_file_claimed_by_a_killed_service_is_a_document_within_30_s_of_restart(
    services, intake_env, tmp_path
):
    # What kill -9 mid-ingest leaves: the file moved into a claim folder of a process that
    # is gone, in no table yet.
    inbox = services.settings.inbox[0]
    token = new_token()
    prefix, _pid, life = token.rsplit("-", 2)
    folder = inbox / "processing" / f"{prefix}-4000000-{life}"
    folder.mkdir(parents=True)
    order = make_document(seed=43, fmt="text_pdf")
    (folder / "order.pdf").write_bytes(order.data)
    status = intake(intake_env, "status")
    assert "files claimed, not yet recorded: 1" in status.stdout
    with running(intake_env, "run", log=tmp_path / "service.log"):
        started = time.monotonic()
        wait_for(lambda: all_terminal(services.engine, 1), 30, "the recovered claim")
        assert time.monotonic() - started < 30
    [document] = documents(services.engine)
    assert document.status == Status.needs_review
    assert document.sha256 == hashlib.sha256(order.data).hexdigest()
    assert not folder.exists()
