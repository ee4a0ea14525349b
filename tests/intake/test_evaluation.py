"""Regression guard: the extractor on the committed corpus, end to end through real OCR.

The floors are what the extractor reaches today on documents it was developed beside; the
issue's targets are for unseen documents and are measured with `intake eval` (see README).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.evaluate import meets
from extractors.limits import Limits
from intake.evaluation import run_eval

CORPUS = Path(__file__).resolve().parents[2] / "samples" / "corpus"

FLOORS = {
    # Measured on this corpus: fields 0.990 overall (text 1.000, scan 1.000, fax fine 1.000,
    # fax standard 0.973, png 0.991, jpeg 0.973), items 0.957, code precision 1.000, missing
    # recall 1.000. Floors sit a document's worth of slack below, never under the issue's
    # targets for unseen documents.
    "field_accuracy": 0.98,
    "field_accuracy.text_pdf": 0.99,
    "field_accuracy.scan_pdf": 0.98,
    "field_accuracy.fax_fine": 0.96,
    "field_accuracy.fax_standard": 0.95,
    "field_accuracy.png": 0.98,
    "field_accuracy.jpeg": 0.95,
    "item_accuracy": 0.9,
    "code_precision": 0.99,
    "missing_recall": 1.0,
}


@pytest.mark.slow
def test_committed_corpus_holds_its_accuracy_floors():
    result = run_eval(CORPUS, Limits())
    assert meets(result.report, FLOORS) == []
