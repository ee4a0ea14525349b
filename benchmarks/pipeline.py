"""Pipeline speed against bare tesseract on the same page images, and 2 workers against 1.

    .venv/bin/python -m benchmarks.pipeline [--docs N]

Prints a table, then what a page costs in CPU at each stage of the pipeline's own work
(reading: decoding, straightening, lifting rules, OCR, the pass over unread ink, the review
PNG; extraction), and the load average the runs saw: a busy machine slows the pipeline and
the baseline alike, but not equally. The figures in the README come from this script.
Everything runs on a throwaway data dir with the real worker processes, SQLite and tesseract.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, Executable
from sqlmodel import col, func, select

from extractors.extract.extractor import extract
from extractors.limits import Limits
from extractors.pages import ReadPage
from extractors.readers import page_sources, read_document
from intake.config import Settings
from intake.db.engine import make_engine, session_scope
from intake.db.migrate import upgrade
from intake.db.models import Document, Status, Worker
from intake.ingest import Ingestor
from intake.store import ContentStore
from samples.generator import make_document

#: The formats that go through OCR; text PDFs are read from their text layer instead.
OCR_FORMATS = ("fax_fine", "fax_standard", "scan_pdf", "png", "jpeg")


@dataclass(frozen=True)
class Run:
    label: str
    pages: int
    seconds: float

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds


def make_corpus(folder: Path, count: int) -> list[Path]:
    paths = []
    for i in range(count):
        doc = make_document(seed=90_000 + i, fmt=OCR_FORMATS[i % len(OCR_FORMATS)])
        path = folder / f"{i:03d}-{doc.name}"
        path.write_bytes(doc.data)
        paths.append(path)
    return paths


def export_page_images(paths: list[Path], folder: Path) -> list[Path]:
    """The exact images the pipeline hands tesseract: upright, square pixels."""
    images = []
    for path in paths:
        for number, source in enumerate(page_sources(path.read_bytes(), Limits()), 1):
            assert not isinstance(source, ReadPage)
            target = folder / f"{path.stem}-{number}.png"
            source.save(target)
            images.append(target)
    return images


def bare_tesseract(images: list[Path]) -> Run:
    """`tesseract IMAGE -` on each page, on one thread as the pipeline's workers read."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    started = time.perf_counter()
    for image in images:
        subprocess.run(["tesseract", str(image), "-"], env=env, check=True, capture_output=True)
    return Run("bare tesseract CLI (one thread)", len(images), time.perf_counter() - started)


@dataclass(frozen=True)
class Stages:
    pages: int
    #: CPU seconds, this process's and its children's (the rare orientation check).
    reading: float
    extraction: float


def stage_costs(paths: list[Path]) -> Stages:
    """CPU a page costs to read and to extract, in this process, as a worker does it.

    A worker loads the code sets and vocabularies once for its life: one document is
    extracted before the clock starts.
    """
    received = datetime.now(UTC)
    warm = read_document(paths[0].read_bytes(), Limits())
    extract(warm, filename=paths[0].name, sha256="0" * 64, received_at=received)
    pages = 0
    reading = extraction = 0.0
    for path in paths:
        started = _cpu_seconds()
        read = read_document(path.read_bytes(), Limits())
        between = _cpu_seconds()
        extract(read, filename=path.name, sha256="0" * 64, received_at=received)
        reading += between - started
        extraction += _cpu_seconds() - between
        pages += len(read)
    return Stages(pages, reading, extraction)


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def pipeline(paths: list[Path], workers: int, workdir: Path) -> Run:
    """`intake worker --concurrency N`, already running and idle, then ingest and read all.

    Timed from the start of ingest to the last document read: hashing, storing, the database,
    rendering, OCR and the page PNGs. Worker start-up is not counted: a service's workers are
    long-lived, and start-up (imports, ~1.5 s) would otherwise weigh on a short corpus.
    """
    env = {
        **os.environ,
        "INTAKE_DATA_DIR": str(workdir / "data"),
        "INTAKE_INBOX": str(workdir / "inbox"),
        "INTAKE_LOG_LEVEL": "WARNING",
        "INTAKE_IDLE_POLL_SECONDS": "0.1",
    }
    os.environ.update(env)
    settings = Settings()
    settings.data_dir.mkdir(parents=True)
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    worker = subprocess.Popen(
        [sys.executable, "-m", "fax_intake", "worker", "--concurrency", str(workers)], env=env
    )
    try:
        _wait_until(lambda: _count(engine, select(func.count()).select_from(Worker)) >= workers)
        started = time.perf_counter()
        ingestor = Ingestor(settings, engine, ContentStore(settings.store_dir))
        for path in paths:
            ingestor.ingest_path(path)
        waiting = select(func.count()).where(
            col(Document.status).in_([Status.queued, Status.processing])
        )
        _wait_until(lambda: _count(engine, waiting) == 0)
        seconds = time.perf_counter() - started
        pages = _count(engine, select(func.sum(col(Document.page_count))))
    finally:
        worker.terminate()
        worker.wait()
    return Run(f"pipeline, {workers} worker(s)", pages, seconds)


def _count(engine: Engine, query: Executable) -> int:
    with session_scope(engine) as session:
        return int(session.execute(query).scalar() or 0)


def _wait_until(condition: Callable[[], bool]) -> None:
    while not condition():
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=40, help="documents in the corpus")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        (root / "corpus").mkdir()
        (root / "pages").mkdir()
        paths = make_corpus(root / "corpus", args.docs)
        images = export_page_images(paths, root / "pages")
        # Bare runs before and after, averaged, so drift in the machine's speed cancels out.
        load_before = os.getloadavg()[0]
        before = bare_tesseract(images)
        one = pipeline(paths, 1, root / "one")
        two = pipeline(paths, 2, root / "two")
        after = bare_tesseract(images)
        load_after = os.getloadavg()[0]
        bare = Run(before.label, before.pages, (before.seconds + after.seconds) / 2)
        stages = stage_costs(paths)
    print(f"corpus: {len(paths)} documents, {len(images)} pages ({', '.join(OCR_FORMATS)})")
    print(f"{'run':45} {'pages':>6} {'seconds':>8} {'pages/s':>8}")
    for run in (bare, one, two):
        print(f"{run.label:45} {run.pages:6d} {run.seconds:8.1f} {run.pages_per_second:8.2f}")
    scaling = two.pages_per_second / one.pages_per_second
    print(
        "pipeline (1 worker) / bare tesseract on one thread:"
        f" {one.pages_per_second / bare.pages_per_second:.2f}"
    )
    print(f"2 workers / 1 worker on {os.cpu_count()} cores: {scaling:.2f}x")
    print(
        f"CPU a page: reading {stages.reading / stages.pages:.3f} s,"
        f" extraction {stages.extraction / stages.pages:.3f} s"
        f" (bare tesseract {bare.seconds / bare.pages:.3f} s wall)"
    )
    print(f"load average (1 min) before / after the runs: {load_before:.2f} / {load_after:.2f}")


if __name__ == "__main__":
    main()
