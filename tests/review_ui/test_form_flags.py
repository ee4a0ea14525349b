"""Flags a clerk can act on: one message per problem, "check" apart from "invalid", no
confidence on an empty field, and a queue flag only for something to resolve."""

from __future__ import annotations

from typing import Any

from intake.db.models import ReferralRecord
from intake.referral_columns import summary_columns
from review_ui.views.review import FieldView, build_form

EVIDENCE = {
    "member.address": {
        "page": 1,
        "bbox": [0.1, 0.2, 0.5, 0.22],
        "confidence": 0.91,
        "text": "12 Elm St",
    },
    "clinician.npi": {
        "page": 1,
        "bbox": [0.1, 0.4, 0.3, 0.42],
        "confidence": 0.97,
        "text": "1234567890",
    },
}
FLAGS = [
    {"field": "clinician.npi", "code": "npi_checksum", "message": "NPI fails its check digit"},
    {"field": "clinician.npi", "code": "npi_checksum", "message": "NPI fails its check digit"},
    {"field": "dates.order", "code": "date_implausible", "message": "order date is in the future"},
    {"field": "member.address", "code": "low_confidence", "message": "the town was hard to read"},
]


def _values(flags: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "referral_type": "dme",
        "member": {"last_name": "Roe", "address": {"line1": "12 Elm St", "city": "Troy"}},
        "clinician": {"npi": "1234567890"},
        "dates": {"order": "2031-01-02"},
        "flags": flags,
        "missing": [],
        "evidence": EVIDENCE,
    }


def _fields(flags: list[dict[str, Any]]) -> dict[str, FieldView]:
    referral = ReferralRecord(document_id=1, referral_type="dme", extracted=_values(flags))
    form = build_form(referral)
    return {f.path: f for section in form.sections for row in section.rows for f in row}


def test_a_rule_broken_is_invalid_and_an_unlikely_value_is_a_check():
    fields = _fields(FLAGS)
    assert [p.kind for p in fields["clinician.npi"].problems] == ["invalid"]
    assert [p.kind for p in fields["dates.order"].problems] == ["check"]
    assert fields["dates.order"].worst == "check"
    # Both wait for the clerk: each can be confirmed as printed.
    assert fields["clinician.npi"].problems[0].confirm == "clinician.npi"
    assert fields["dates.order"].problems[0].confirm == "dates.order"


def test_one_message_per_problem():
    fields = _fields(FLAGS)
    # The same flag twice is one line; a flag on the address shows on its first field only.
    assert len(fields["clinician.npi"].problems) == 1
    address = [
        fields[f"member.address.{part}"] for part in ("line1", "line2", "city", "postal_code")
    ]
    assert [len(f.problems) for f in address] == [1, 0, 0, 0]


def test_an_empty_field_shows_no_confidence():
    fields = _fields(FLAGS)
    assert fields["member.address.line1"].confidence == 0.91
    assert fields["member.address.line2"].value == ""
    assert fields["member.address.line2"].confidence is None
    assert fields["member.address.postal_code"].confidence is None


def test_the_queue_flags_only_what_is_to_resolve():
    assert summary_columns(_values(FLAGS))["flag_count"] == 2  # the NPI and the order date
    readable_only = [f for f in FLAGS if f["code"] == "low_confidence"]
    assert summary_columns(_values(readable_only))["flag_count"] == 0
