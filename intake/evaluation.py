"""`intake eval`: the extractor against a labeled folder (each file beside <name>.truth.json)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from extractors.evaluate import Report, Sample, evaluate
from extractors.extract.extractor import extract_file
from extractors.limits import Limits

TRUTH_SUFFIX = ".truth.json"


@dataclass(frozen=True)
class EvalRun:
    report: Report
    seconds: float


def labeled_files(folder: Path) -> list[tuple[Path, Path]]:
    return [
        (truth.with_name(truth.name.removesuffix(TRUTH_SUFFIX)), truth)
        for truth in sorted(folder.glob(f"*{TRUTH_SUFFIX}"))
        if truth.with_name(truth.name.removesuffix(TRUTH_SUFFIX)).is_file()
    ]


def run_eval(folder: Path, limits: Limits) -> EvalRun:
    samples = []
    started = time.perf_counter()
    for document, truth_file in labeled_files(folder):
        truth = json.loads(truth_file.read_text())
        # When the file reached the inbox is context the service has, not a page value.
        arrived = datetime.fromisoformat(truth["arrived_at"])
        _, referral = extract_file(
            document.read_bytes(), filename=document.name, received_at=arrived, limits=limits
        )
        samples.append(Sample(predicted=referral.model_dump(mode="json"), truth=truth))
    return EvalRun(report=evaluate(samples), seconds=time.perf_counter() - started)
