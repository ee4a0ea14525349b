"""What extraction adds to reading: seconds a page for pages already read (OCR'd).

    .venv/bin/python -m benchmarks.extraction FOLDER [--max SECONDS]

Reads every PDF, TIFF, PNG and JPEG in FOLDER once (tesseract, not timed), then times
``extract()`` over all of them on one core, and within it the second OCR pass over doubtful
values (``extractors.extract.reread``, tesseract again on small crops). A worker loads the code
sets, vocabularies and name lists once for its life, so one document is extracted before the
clock starts and that one-time load is reported apart. Both wall time and CPU time (this
process and its tesseract runs) are given: the CPU figure holds on a machine doing other work.
Exits non-zero when a page costs more than ``--max`` seconds of CPU. The README's extraction
figure comes from this script run on ``../shared/devset``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from extractors.extract import reread
from extractors.extract.extractor import extract
from extractors.extract.found import Found
from extractors.limits import Limits
from extractors.pages import ReadPage
from extractors.readers import read_document

#: The files extraction is timed on: the types the watcher takes.
SUFFIXES = frozenset({".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg"})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--max", type=float, default=None, help="seconds a page at most")
    args = parser.parse_args()
    files = sorted(p for p in args.folder.iterdir() if p.suffix.lower() in SUFFIXES)
    read: list[list[ReadPage]] = [read_document(f.read_bytes(), Limits()) for f in files]
    pages = sum(len(doc) for doc in read)
    loading = time.perf_counter()
    if files:
        extract(read[0], filename=files[0].name, sha256="0" * 64, received_at=datetime.now(UTC))
    loading = time.perf_counter() - loading
    second_pass = _timed_second_pass()
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    for doc, path in zip(read, files, strict=True):
        extract(doc, filename=path.name, sha256="0" * 64, received_at=datetime.now(UTC))
    per_page = (time.perf_counter() - started) / max(1, pages)
    cpu_per_page = (_cpu_seconds() - cpu_started) / max(1, pages)
    print(
        f"{len(files)} documents, {pages} pages: extraction {cpu_per_page:.3f} s of CPU a page"
        f" ({per_page:.3f} s wall); loading the code sets once: {loading:.1f} s"
    )
    reread_per_page = second_pass.seconds / max(1, pages)
    print(
        f"  of which the second OCR pass: {reread_per_page:.3f} s a page "
        f"({second_pass.values} values re-read, {second_pass.changed} changed and flagged)"
    )
    if args.max is not None and cpu_per_page > args.max:
        print(f"over the bar of {args.max:.3f} s a page")
        return 1
    return 0


def _cpu_seconds() -> float:
    """CPU time of this process and of the tesseract runs it waited for."""
    spent = os.times()
    return spent.user + spent.system + spent.children_user + spent.children_system


class _SecondPass:
    """The time spent in the extractor's second OCR pass, and what it did."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.values = 0
        self.changed = 0


def _timed_second_pass() -> _SecondPass:
    tally = _SecondPass()
    second_pass = reread.reread_doubtful

    def timed(
        pages: Sequence[ReadPage], evidence: Mapping[str, Found[Any]], reference: date
    ) -> reread.Reread:
        started = time.perf_counter()
        result = second_pass(pages, evidence, reference)
        tally.seconds += time.perf_counter() - started
        tally.values += len(result.evidence)
        tally.changed += len(result.changed)
        return result

    reread.reread_doubtful = timed
    return tally


if __name__ == "__main__":
    sys.exit(main())
