"""Ingest through the real watcher claim: stored, recorded, then removed; or quarantined."""

from __future__ import annotations

import hashlib
import json
import stat

import pytest

from intake.db.models import Status
from intake.ingest import Ingestor
from intake.watcher.claim import claim
from tests import badfiles
from tests.intake.conftest import documents


@pytest.fixture
def ingestor(services):
    return Ingestor(services.settings, services.engine, services.store)


def _ingest(services, ingestor, name, data):
    inbox = services.settings.inbox[0]
    (inbox / name).write_bytes(data)
    (inbox / name).chmod(0o644)  # as a fax server leaves its files: readable by everyone
    claimed = claim(inbox, inbox / name)
    assert claimed is not None
    return ingestor.ingest_claimed(claimed)


def test_good_file_is_stored_recorded_and_removed(services, ingestor):
    data = badfiles.text_pdf()
    result = _ingest(services, ingestor, "order.pdf", data)
    assert result.status == Status.queued
    [doc] = documents(services.engine)
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert services.store.get(doc.sha256) == data
    assert doc.media_type == "application/pdf"
    inbox = services.settings.inbox[0]
    assert sorted(p.name for p in inbox.rglob("*") if p.is_file()) == []


def test_same_content_twice_is_one_document_and_one_duplicate_record(services, ingestor):
    data = badfiles.text_pdf()
    first = _ingest(services, ingestor, "fax-1.pdf", data)
    second = _ingest(services, ingestor, "fax-1 (resent).pdf", data)
    docs = documents(services.engine)
    assert [d.status for d in docs] == [Status.queued, Status.duplicate]
    assert docs[1].duplicate_of_id == first.document_id
    assert second.status == Status.duplicate


def test_rerun_of_an_interrupted_ingest_finds_its_own_record(services, ingestor):
    """A crash after the commit but before the source was removed must not make a duplicate."""
    inbox = services.settings.inbox[0]
    (inbox / "order.pdf").write_bytes(badfiles.text_pdf())
    claimed = claim(inbox, inbox / "order.pdf")
    assert claimed is not None
    document = ingestor._record(claimed.path, claimed.original_name, claimed.token)
    again = ingestor.ingest_claimed(claimed)  # the stale-claim path after a restart
    assert again.document_id == document.id
    assert [d.status for d in documents(services.engine)] == [Status.queued]
    assert not claimed.path.exists()


BAD_INPUTS = [
    ("empty.pdf", b"", "empty_file", "empty"),
    ("renamed.pdf", badfiles.png(), "type_mismatch", "named .pdf but its content is a PNG"),
    ("notes.docx", b"PK\x03\x04 zip", "unsupported_type", "not a PDF, TIFF, PNG or JPEG"),
    ("Pt Ñandú .. 2 Ω.pdf", b"", "empty_file", "empty"),
]


@pytest.mark.parametrize(("name", "data", "code", "reason"), BAD_INPUTS)
def test_unreadable_file_is_quarantined_with_a_sidecar_and_a_failed_record(
    services, ingestor, name, data, code, reason
):
    result = _ingest(services, ingestor, name, data)
    assert result.status == Status.failed
    [doc] = documents(services.engine)
    assert (doc.error_code, doc.original_name) == (code, name)
    assert reason in (doc.error_message or "")
    quarantine = services.settings.quarantine_dir
    [sidecar] = list(quarantine.glob("*.error.json"))
    body = json.loads(sidecar.read_text())
    assert (body["code"], body["document_id"]) == (code, doc.id)
    assert reason in body["reason"]
    quarantined = quarantine / sidecar.name.removesuffix(".error.json")
    assert quarantined.read_bytes() == data
    assert quarantined.resolve().parent == quarantine.resolve()
    # PHI: readable by the service's user and group only, like everything else it keeps.
    assert stat.S_IMODE(quarantined.stat().st_mode) == 0o640


def test_file_over_the_byte_limit_is_quarantined_without_being_stored(services, ingestor):
    services.settings.max_bytes = 1000
    data = badfiles.text_pdf(pages=3)
    assert len(data) > 1000
    result = _ingest(services, ingestor, "big.pdf", data)
    assert result.status == Status.failed
    [doc] = documents(services.engine)
    assert doc.error_code == "limit_exceeded" and "over the limit" in (doc.error_message or "")
    assert not services.store.exists(doc.sha256)
    assert len(list(services.settings.quarantine_dir.glob("1-big.pdf*"))) == 2


def test_process_path_leaves_the_callers_file_alone(services, ingestor, tmp_path):
    path = tmp_path / "mine.pdf"
    path.write_bytes(b"")
    result = ingestor.ingest_path(path)
    assert result.status == Status.failed
    assert path.exists()
    assert (services.settings.quarantine_dir / f"{result.document_id}-mine.pdf").exists()


def test_a_second_copy_of_an_unreadable_file_is_quarantined_too(services, ingestor):
    data = badfiles.png()
    _ingest(services, ingestor, "first.pdf", data)
    again = _ingest(services, ingestor, "again.pdf", data)
    assert again.status == Status.failed
    first, second = documents(services.engine)
    assert second.duplicate_of_id == first.id and second.error_code == first.error_code
    assert f"the same file as document {first.id}" in (second.error_message or "")
    quarantine = services.settings.quarantine_dir
    assert sorted(p.name for p in quarantine.iterdir()) == [
        f"{first.id}-first.pdf",
        f"{first.id}-first.pdf.error.json",
        f"{second.id}-again.pdf",
        f"{second.id}-again.pdf.error.json",
    ]
