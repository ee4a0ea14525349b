"""Referrals to build bundles from: the committed corpus's truth files and generated cases,
as the contract a clerk validates (no OCR: the bundle is under test, not the reading)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from extractors.referral import Referral
from review_ui.fhir import FaxDocument, Validation, build_bundle, fresh_ids
from samples.case import KINDS, build_case, to_truth

CORPUS = Path(__file__).resolve().parents[3] / "samples" / "corpus"
VALIDATED_AT = datetime(2026, 3, 3, 14, 5, tzinfo=UTC)
FAX = FaxDocument(
    media_type="application/pdf",
    size_bytes=48_213,
    pages=2,
    received_at=datetime(2026, 3, 2, 9, 41, tzinfo=UTC),
    url="https://intake.example/api/v1/referrals/7/document",
)
VALIDATION = Validation(
    username="clara",
    at=VALIDATED_AT,
    override_reason=None,
    users_system="https://intake.example/users",
)


def from_truth(truth: dict[str, Any], name: str) -> Referral:
    """The truth file's values as the contract holds them (the generator's own keys, such as
    the format and the gaps it made, dropped)."""
    values = {key: value for key, value in truth.items() if key in Referral.model_fields}
    values["member"] = {**values["member"], "address": values["member"].get("address") or {}}
    values["source"] = {"filename": name, "sha256": "0" * 64, "pages": 1}
    return Referral.model_validate(values)


def corpus() -> Iterator[tuple[str, Referral]]:
    for path in sorted(CORPUS.glob("*.truth.json")):
        yield path.name, from_truth(json.loads(path.read_text()), path.name)


def generated(count: int, seed: int = 5000) -> Iterator[tuple[str, Referral]]:
    """``count`` cases of the project's generator, its kinds in turn."""
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        name = f"generated-{seed + i}-{kind}"
        yield name, from_truth(to_truth(build_case(seed + i, kind)), name)


def bundle_json(referral: Referral, validation: Validation | None = VALIDATION) -> dict[str, Any]:
    bundle = build_bundle(referral, FAX, fresh_ids, validation)
    result: dict[str, Any] = json.loads(bundle.model_dump_json())
    return result
