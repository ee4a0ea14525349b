"""Prometheus metrics rendered from the shared database: any web process shows the same."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update
from sqlmodel import col

from intake import metrics, queue
from intake.clock import utcnow
from intake.db.engine import make_engine, session_scope
from intake.db.models import Document, Status, Worker
from intake.ingest import Ingestor
from intake.pipeline import process
from samples.generator import make_document


def _samples(engine, **kwargs):
    body, content_type = metrics.exposition(engine, **kwargs)
    assert content_type.startswith("text/plain; version=")
    values = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            key = (sample.name, tuple(sorted(sample.labels.items())))
            values[key] = sample.value
    return values


def _documents(engine, statuses, received_ago=timedelta(0)):
    with session_scope(engine) as session:
        for i, status in enumerate(statuses):
            session.add(
                Document(
                    sha256=hashlib.sha256(f"{status}{i}".encode()).hexdigest(),
                    size_bytes=1,
                    original_name="Jane Doe order.pdf",
                    status=status,
                    received_at=utcnow() - received_ago,
                )
            )


def test_ocr_increments_fill_one_bucket_per_page():
    assert metrics.ocr_increments([]) == {}
    assert metrics.ocr_increments([0.1, 0.7, 0.9, 61.0]) == {
        "ocr_pages": 4,
        "ocr_ms": 62700,
        "ocr_le_0.25": 1,
        "ocr_le_1": 2,
    }
    assert metrics.ocr_increments([0.25, 60.0]) == {
        "ocr_pages": 2,
        "ocr_ms": 60250,
        "ocr_le_0.25": 1,  # the bound is inclusive, as Prometheus's le
        "ocr_le_60": 1,
    }


def test_exposition_reports_the_queue_and_the_workers(services):
    engine = services.engine
    _documents(engine, [Status.needs_review] * 3 + [Status.failed])
    _documents(engine, [Status.queued] * 2, received_ago=timedelta(minutes=10))
    queue.register_worker(engine, "4242-abc", 4242)
    queue.register_worker(engine, "4343-def", 4343)
    with session_scope(engine) as session:
        session.execute(
            update(Worker)
            .where(col(Worker.id) == "4343-def")
            .values(heartbeat_at=utcnow() - timedelta(seconds=45))
        )
    values = _samples(engine, dead_after_seconds=30)
    assert values[("intake_documents", (("status", "needs_review"),))] == 3
    assert values[("intake_documents", (("status", "failed"),))] == 1
    assert values[("intake_documents", (("status", "validated"),))] == 0
    assert values[("intake_queue_depth", ())] == 2
    assert 600 <= values[("intake_oldest_queued_age_seconds", ())] < 660
    assert values[("intake_workers_live", ())] == 1
    ages = {
        dict(labels)["worker"]: value
        for (name, labels), value in values.items()
        if name == "intake_worker_heartbeat_age_seconds"
    }
    assert ages.keys() == {"4242-abc", "4343-def"}
    assert ages["4242-abc"] < 5
    assert 45 <= ages["4343-def"] < 60
    assert values[("intake_pages_ocr_total", ())] == 0
    assert values[("intake_ocr_seconds_count", ())] == 0


def test_no_phi_in_the_metrics(services):
    _documents(services.engine, [Status.queued])
    body, _ = metrics.exposition(services.engine)
    assert b"Jane" not in body and b"order.pdf" not in body


def test_ocr_of_a_real_document_shows_in_every_process_view(services, tmp_path):
    """The worker's OCR times land in the database; a second engine (another web process)
    renders the same histogram."""
    fax = make_document(seed=3, fmt="fax_fine", pages=2)
    path = tmp_path / "fax.tiff"
    path.write_bytes(fax.data)
    Ingestor(services.settings, services.engine, services.store).ingest_path(path)
    queue.register_worker(services.engine, "w", 1)
    claim = queue.claim(services.engine, "w")
    assert claim is not None
    assert process(services, claim) == Status.needs_review

    other = make_engine(services.settings.effective_database_url)
    values = _samples(other)
    other.dispose()
    assert values[("intake_pages_ocr_total", ())] == 2
    assert values[("intake_ocr_seconds_count", ())] == 2
    assert values[("intake_ocr_seconds_bucket", (("le", "+Inf"),))] == 2
    assert 0.1 < values[("intake_ocr_seconds_sum", ())] < 120
    buckets = [
        (float(dict(labels)["le"]), value)
        for (name, labels), value in values.items()
        if name == "intake_ocr_seconds_bucket"
    ]
    counts = [value for _, value in sorted(buckets)]
    assert counts == sorted(counts) and counts[-1] == 2  # cumulative
