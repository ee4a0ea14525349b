"""Scoring predicted referrals against truth: exact numbers on hand-made pairs."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from extractors.evaluate import OVERALL, SCALAR_PATHS, Sample, evaluate, meets, render

N_FIELDS = len(SCALAR_PATHS)


def truth(fmt: str = "text_pdf") -> dict[str, Any]:
    return {
        "format": fmt,
        "referral_type": "dme",
        "member": {
            "first_name": "Joan",
            "last_name": "Washington",
            "dob": "1955-06-27",
            "sex": "F",
            "member_id": "9DE1NM8KJ23",
            "phone": "2175573209",
            "address": {
                "line1": "7010 Church Blvd",
                "line2": None,
                "city": "Tampa",
                "state": "FL",
                "postal_code": "33690",
            },
        },
        "payer": {"name": "Medicare", "group_number": None},
        "clinician": {
            "first_name": "Julia",
            "last_name": "O'Brien",
            "credentials": "DO",
            "npi": "1234567893",
            "phone": None,
            "fax": None,
            "organization": None,
        },
        "diagnoses": [{"code": "J44.1", "description": None}],
        "procedures": [],
        "items": [{"description": "Oxygen concentrator", "hcpcs": "E1390"}],
        "dates": {
            "order": "2024-10-12",
            "service_start": None,
            "discharge": None,
            "signature": "2024-10-12",
            "face_to_face": None,
        },
        "signature": {"present": True, "date": "2024-10-12"},
        "urgent": False,
        "missing": [],
        "source": {"filename": "a.pdf", "pages": 2, "order_page": 1},
    }


def test_a_perfect_prediction_scores_one_everywhere() -> None:
    t = truth()
    report = evaluate([Sample(copy.deepcopy(t), t)])
    assert list(report.rows) == ["text_pdf", OVERALL]
    row = report.rows[OVERALL]
    assert row.documents == 1 and row.pages == 2
    assert row.field_accuracy == 1.0
    assert (row.codes.tp, row.codes.fp, row.codes.fn) == (2, 0, 0)
    assert row.missing.precision == 1.0 and row.missing.recall == 1.0


def test_case_and_whitespace_do_not_count_but_a_null_for_a_value_does() -> None:
    t = truth()
    p = copy.deepcopy(t)
    p["member"]["first_name"] = "  JOAN "
    p["member"]["address"]["line1"] = "7010  church blvd"
    p["member"]["dob"] = None  # present in truth, not predicted: wrong
    p["payer"]["group_number"] = "G-1"  # absent in truth, predicted: wrong
    row = evaluate([Sample(p, t)]).rows[OVERALL]
    assert row.fields["member.first_name"] == [1, 1]
    assert row.fields["member.address.line1"] == [1, 1]
    assert row.fields["member.dob"] == [0, 1]
    assert row.fields["payer.group_number"] == [0, 1]
    # Absent in both is correct.
    assert row.fields["clinician.fax"] == [1, 1]
    assert row.field_accuracy == pytest.approx((N_FIELDS - 2) / N_FIELDS)


def test_booleans_are_fields_too() -> None:
    t = truth()
    p = copy.deepcopy(t)
    p["signature"]["present"] = False
    p["urgent"] = True
    row = evaluate([Sample(p, t)]).rows[OVERALL]
    assert row.fields["signature.present"] == [0, 1]
    assert row.fields["urgent"] == [0, 1]


def test_codes_are_scored_as_sets_over_diagnoses_procedures_and_items() -> None:
    t = truth()
    t["diagnoses"].append({"code": "E11.9", "description": None})
    t["procedures"] = [{"code": "G0299", "system": "HCPCS"}]
    p = copy.deepcopy(t)
    # One right code lost, one wrong code added, one duplicated (counted once).
    p["diagnoses"] = [{"code": "j44.1"}, {"code": "J44.9"}, {"code": "J44.1"}]
    row = evaluate([Sample(p, t)]).rows[OVERALL]
    # truth {J44.1, E11.9, G0299, E1390}; predicted {J44.1, J44.9, G0299, E1390}
    assert (row.codes.tp, row.codes.fp, row.codes.fn) == (3, 1, 1)
    assert row.codes.precision == pytest.approx(0.75)
    assert row.codes.recall == pytest.approx(0.75)
    assert row.codes.f1 == pytest.approx(0.75)


def test_missing_flags_precision_and_recall() -> None:
    t = truth()
    t["missing"] = ["member.dob", "signature"]
    p = copy.deepcopy(t)
    # Called the signature present (a recall miss) and wrongly called the phone missing.
    p["missing"] = ["member.dob", "member.phone", "member.member_id"]
    row = evaluate([Sample(p, t)]).rows[OVERALL]
    assert (row.missing.tp, row.missing.fp, row.missing.fn) == (1, 2, 1)
    assert row.missing.precision == pytest.approx(1 / 3)
    assert row.missing.recall == pytest.approx(0.5)


def test_rows_by_format_and_overall() -> None:
    text, fax = truth("text_pdf"), truth("fax_fine")
    wrong = copy.deepcopy(fax)
    wrong["member"]["last_name"] = "Washingtan"
    wrong["clinician"]["npi"] = "1234567890"
    wrong["items"] = []
    report = evaluate([Sample(copy.deepcopy(text), text), Sample(wrong, fax)])
    assert list(report.rows) == ["text_pdf", "fax_fine", OVERALL]
    assert report.rows["text_pdf"].field_accuracy == 1.0
    assert report.rows["fax_fine"].field_accuracy == pytest.approx((N_FIELDS - 2) / N_FIELDS)
    overall = report.rows[OVERALL]
    assert overall.documents == 2 and overall.pages == 4
    assert overall.field_accuracy == pytest.approx((2 * N_FIELDS - 2) / (2 * N_FIELDS))
    assert (overall.codes.tp, overall.codes.fp, overall.codes.fn) == (3, 0, 1)
    assert overall.codes.precision == 1.0
    assert overall.codes.recall == pytest.approx(0.75)
    assert overall.codes.f1 == pytest.approx(2 * 0.75 / 1.75)


def test_nothing_predicted_and_nothing_true_is_perfect() -> None:
    t = truth()
    t["diagnoses"], t["items"] = [], []
    p = copy.deepcopy(t)
    row = evaluate([Sample(p, t)]).rows[OVERALL]
    assert row.codes.precision == 1.0 and row.codes.recall == 1.0 and row.codes.f1 == 1.0


def test_meets_names_each_failed_threshold() -> None:
    text, fax = truth("text_pdf"), truth("fax_fine")
    wrong = copy.deepcopy(fax)
    wrong["member"]["last_name"] = "Washingtan"
    wrong["diagnoses"] = [{"code": "J44.9"}]
    report = evaluate([Sample(copy.deepcopy(text), text), Sample(wrong, fax)])
    failed = meets(
        report,
        {
            "field_accuracy.text_pdf": 0.98,
            "field_accuracy.fax_fine": 0.99,
            "field_accuracy.fax_standard": 0.92,  # no such documents: skipped
            "code_precision": 0.99,
            "missing_recall": 1.0,
        },
    )
    fax_accuracy = (N_FIELDS - 1) / N_FIELDS
    assert failed == [
        f"field_accuracy [fax_fine] {fax_accuracy:.3f} < 0.990",
        "code_precision [overall] 0.750 < 0.990",
    ]
    assert meets(report, {"missing_recall": 1.0}) == []
    with pytest.raises(ValueError, match="unknown metric"):
        meets(report, {"field_acuracy": 0.9})


def test_render_is_a_plain_text_table() -> None:
    t = truth("fax_fine")
    text = render(evaluate([Sample(copy.deepcopy(t), t)]), seconds=4.0)
    lines = text.splitlines()
    assert lines[0].split() == [
        "format",
        "docs",
        "pages",
        "fields",
        "items",
        "code",
        "P",
        "code",
        "R",
        "code",
        "F1",
        "miss",
        "P",
        "miss",
        "R",
    ]
    assert lines[2].split() == ["fax_fine", "1", "2", *["1.000"] * 7]
    assert lines[3].split() == ["overall", "1", "2", *["1.000"] * 7]
    assert "items.quantity" in text
    assert "member.dob" in text and "signature.present" in text
    assert text.rstrip().endswith("0.50 pages/s (2 pages)")


def test_items_are_paired_by_code_then_description_and_scored_field_by_field() -> None:
    t = truth()
    t["items"] = [
        {"description": "Oxygen concentrator", "hcpcs": "E1390", "quantity": 1},
        {"description": "Shower chair", "hcpcs": None, "quantity": None},
        {"description": "Hospital bed", "hcpcs": "E0250", "quantity": 1, "serial_number": "AB1234"},
    ]
    p = copy.deepcopy(t)
    p["items"] = [
        {"description": "shower chair", "hcpcs": None, "quantity": None},
        {"description": "Oxygen concentrator (Invacare)", "hcpcs": "E1390", "quantity": 2},
        {"description": "Cane", "hcpcs": "E0100", "quantity": 1},
    ]
    row = evaluate([Sample(p, t)]).rows[OVERALL]
    # Pairs: E1390 by code, shower chair by description; the bed was missed, the cane extra.
    assert row.items["items.description"] == [1, 4]
    assert row.items["items.hcpcs"] == [2, 4]
    assert row.items["items.quantity"] == [1, 4]
    assert row.items["items.serial_number"] == [3, 4]
    assert row.item_accuracy == pytest.approx(7 / 16)
    assert meets(evaluate([Sample(p, t)]), {"item_accuracy": 0.5}) == [
        "item_accuracy [overall] 0.438 < 0.500"
    ]
