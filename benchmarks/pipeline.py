"""Pipeline speed against bare tesseract on the same page images, and 2 workers against 1.

    .venv/bin/python -m benchmarks.pipeline [--docs N]

Prints a table; the figures in the README come from this script. Everything runs on a
throwaway data dir with the real worker processes, SQLite and tesseract.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import col, func, select

from extractors.limits import Limits
from extractors.pages import ReadPage
from extractors.readers import page_sources
from intake.config import Settings
from intake.db.engine import make_engine, session_scope
from intake.db.migrate import upgrade
from intake.db.models import Document, Status
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


def bare_tesseract(images: list[Path], threads: str) -> Run:
    env = {**os.environ, "OMP_THREAD_LIMIT": threads}
    started = time.perf_counter()
    for image in images:
        subprocess.run(["tesseract", str(image), "-"], env=env, check=True, capture_output=True)
    return Run(
        f"bare tesseract CLI (OMP_THREAD_LIMIT={threads})",
        len(images),
        time.perf_counter() - started,
    )


def pipeline(paths: list[Path], workers: int, workdir: Path) -> Run:
    """Ingest, then `intake worker --concurrency N` until the queue is empty.

    Timed from the start of ingest to the last document read, so it includes hashing,
    storing, the database and the page PNGs; worker start-up is counted too.
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
    started = time.perf_counter()
    ingestor = Ingestor(settings, engine, ContentStore(settings.store_dir))
    for path in paths:
        ingestor.ingest_path(path)
    worker = subprocess.Popen(
        [sys.executable, "-m", "intake", "worker", "--concurrency", str(workers)], env=env
    )
    try:
        while True:
            with session_scope(engine) as session:
                waiting = session.exec(
                    select(func.count()).where(
                        col(Document.status).in_([Status.queued, Status.processing])
                    )
                ).one()
                pages = session.exec(select(func.sum(Document.page_count))).one()
            if waiting == 0:
                break
            time.sleep(0.1)
        seconds = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait()
    return Run(f"pipeline, {workers} worker(s)", int(pages or 0), seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=20, help="documents in the corpus")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        (root / "corpus").mkdir()
        (root / "pages").mkdir()
        paths = make_corpus(root / "corpus", args.docs)
        images = export_page_images(paths, root / "pages")
        bare = bare_tesseract(images, "1")
        one = pipeline(paths, 1, root / "one")
        two = pipeline(paths, 2, root / "two")
    print(f"corpus: {len(paths)} documents, {len(images)} pages ({', '.join(OCR_FORMATS)})")
    print(f"{'run':45} {'pages':>6} {'seconds':>8} {'pages/s':>8}")
    for run in (bare, one, two):
        print(f"{run.label:45} {run.pages:6d} {run.seconds:8.1f} {run.pages_per_second:8.2f}")
    ratio = one.pages_per_second / bare.pages_per_second
    scaling = two.pages_per_second / one.pages_per_second
    print(f"pipeline (1 worker) / bare tesseract per core: {ratio:.2f}")
    print(f"2 workers / 1 worker on {os.cpu_count()} cores: {scaling:.2f}x")


if __name__ == "__main__":
    main()
