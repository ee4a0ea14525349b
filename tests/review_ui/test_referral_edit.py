"""A clerk's edits applied to a real reading (intake.referral_edit), and the fax-back text."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest

from extractors.extract.extractor import extract_file
from extractors.limits import Limits
from intake.clarification import MISSING_LABELS, Desk, fax_back_text
from intake.referral_edit import InvalidValues, apply_edits
from tests.review_ui.conftest import TEXT_ORDER

RECEIVED = date(2025, 10, 27)


@pytest.fixture(scope="module")
def values() -> dict[str, Any]:
    _, referral = extract_file(
        TEXT_ORDER.read_bytes(),
        filename=TEXT_ORDER.name,
        received_at=datetime(2025, 10, 27, 9, 0, tzinfo=UTC),
        limits=Limits(),
    )
    return referral.model_dump(mode="json")


def _flags(values: dict[str, Any]) -> set[tuple[str, str]]:
    return {(flag["field"], flag["code"]) for flag in values["flags"]}


def test_a_change_is_normalized_and_reported_leaf_by_leaf(values):
    edited, changes = apply_edits(
        values, {"member.phone": "(508) 555-0142", "member.dob": "3/1/42"}, RECEIVED
    )
    assert edited["member"]["phone"] == "5085550142"
    assert edited["member"]["dob"] == "1942-03-01"  # unchanged: a DOB's century is the past
    assert [(c.path, c.old, c.new) for c in changes] == [
        ("member.phone", "3156803592", "5085550142")
    ]


def test_the_same_values_typed_back_change_nothing(values):
    same = {
        "member.last_name": "Kim",
        "member.dob": "03/01/1942",
        "member.phone": "315-680-3592",
        "signature.present": "yes",
        "items.0.quantity": "1",
        "diagnoses.0.code": "i10",
    }
    assert apply_edits(values, same, RECEIVED)[1] == []


def test_missing_fields_are_decided_again(values):
    edited, _ = apply_edits(values, {"member.dob": "", "signature.present": "no"}, RECEIVED)
    assert edited["missing"] == ["member.dob", "signature"]
    restored, _ = apply_edits(
        edited, {"member.dob": "03/01/1942", "signature.present": "yes"}, RECEIVED
    )
    assert restored["missing"] == []


def test_value_flags_follow_the_values(values):
    bad, _ = apply_edits(
        values, {"clinician.npi": "1234567890", "diagnoses.0.code": "J44"}, RECEIVED
    )
    assert {
        ("clinician.npi", "npi_checksum"),
        ("diagnoses.0.code", "icd10_not_billable"),
    } <= _flags(bad)
    fixed, _ = apply_edits(
        bad, {"clinician.npi": "1234567893", "diagnoses.0.code": "J44.1"}, RECEIVED
    )
    assert not {f for f in _flags(fixed) if f[1] in ("npi_checksum", "icd10_not_billable")}


def test_reading_flags_go_for_the_values_a_clerk_set(values):
    low = {
        **values,
        "flags": [
            *values["flags"],
            {"field": "member.phone", "code": "low_confidence", "message": "read at 0.41"},
            {"field": "diagnoses.0", "code": "code_repaired", "message": "repaired"},
        ],
    }
    edited, _ = apply_edits(low, {"member.phone": "5085550142"}, RECEIVED)
    assert ("member.phone", "low_confidence") not in _flags(edited)
    assert ("diagnoses.0", "code_repaired") in _flags(edited)  # not touched: kept
    edited, _ = apply_edits(low, {"diagnoses.0.code": "J44.1"}, RECEIVED)
    assert ("diagnoses.0", "code_repaired") not in _flags(edited)


def test_rows_are_added_and_cleared_with_their_evidence_renumbered(values):
    two, changes = apply_edits(
        values, {"diagnoses.1.code": "J44.1", "diagnoses.1.description": ""}, RECEIVED
    )
    assert [d["code"] for d in two["diagnoses"]] == ["I10", "J44.1"]
    assert ("diagnoses.1.code", None, "J44.1") in [(c.path, c.old, c.new) for c in changes]
    first_box = two["evidence"]["diagnoses.0"]
    moved = {**two, "evidence": {**two["evidence"], "diagnoses.1": first_box}}
    one, _ = apply_edits(moved, {"diagnoses.0.code": "", "diagnoses.0.description": ""}, RECEIVED)
    assert [d["code"] for d in one["diagnoses"]] == ["J44.1"]
    assert one["evidence"]["diagnoses.0"] == first_box and "diagnoses.1" not in one["evidence"]


def test_only_form_fields_can_be_set(values):
    with pytest.raises(InvalidValues) as caught:
        apply_edits(
            values,
            {"source.filename": "x.pdf", "evidence.member.dob": "x", "diagnoses.7.code": "I10"},
            RECEIVED,
        )
    assert caught.value.errors == {
        "source.filename": "not an editable field",
        "evidence.member.dob": "not an editable field",
        "diagnoses.7.code": "no such row",
    }


def test_values_that_do_not_fit_the_contract_name_their_field(values):
    with pytest.raises(InvalidValues) as caught:
        apply_edits(
            values,
            {"member.phone": "555-01", "member.dob": "31/31/1942", "items.0.quantity": "two"},
            RECEIVED,
        )
    assert set(caught.value.errors) == {"member.phone", "member.dob", "items.0.quantity"}
    assert caught.value.errors["member.dob"] == "not a date (try MM/DD/YYYY)"
    assert "555-01" not in " ".join(caught.value.errors.values())


def test_fax_back_lists_exactly_the_missing_fields_in_the_contracts_order(values):
    gaps = {**values, "missing": ["member.dob", "clinician.npi", "signature"]}
    text = fax_back_text(
        gaps,
        desk=Desk("Northside Care Coordination", fax="5125550188", phone="5125550100"),
        document_id=17,
        received_at=datetime(2025, 10, 27, 9, 0, tzinfo=UTC),
        reason="Need DOB, NPI and signature",
    )
    block = text.split("until we receive the following:\n")[1].split("\n\n")[0]
    assert block.splitlines() == [
        f"  - {MISSING_LABELS[path]}" for path in ("member.dob", "clinician.npi", "signature")
    ]
    assert "To: Julia Jones, ST. MARY'S CARDIOLOGY CLINIC" in text
    assert "Fax: (559) 415-0850" in text
    assert "Patient: Mohammed Kim, DOB 03/01/1942" in text
    assert "our reference #17" in text
    assert "From: Northside Care Coordination" in text
    assert "Return fax: (512) 555-0188" in text and "Phone: (512) 555-0100" in text
    assert "fax the completed or corrected order back to us at (512) 555-0188" in text


def test_fax_back_says_what_is_wrong_in_the_offices_words_and_us_dates(values):
    flags = [
        {"field": "clinician.npi", "code": "npi_checksum", "message": "NPI 1234567890 fails"},
        {"field": "diagnoses.0.code", "code": "icd10_not_billable", "message": "E11 is a header"},
        {"field": "dates.order", "code": "date_implausible", "message": "2031-01-02 is after"},
        {"field": "member.phone", "code": "low_confidence", "message": "read at 41%"},
    ]
    wrong = {
        **values,
        "clinician": {**values["clinician"], "npi": "1234567890"},
        "diagnoses": [{"code": "E11", "description": "Type 2 diabetes mellitus"}],
        "dates": {"order": "2031-01-02"},
        "flags": flags,
    }
    text = fax_back_text(
        wrong,
        desk=Desk("Northside Care Coordination"),
        document_id=17,
        received_at=datetime(2025, 10, 27, 9, 0, tzinfo=UTC),
        reason="Please confirm",
    )
    confirm = text.split("Please also confirm:\n")[1].split("\n\n")[0].splitlines()
    assert confirm == [
        "  - The ordering practitioner's NPI 1234567890 is not a valid NPI: please send the"
        " correct NPI",
        "  - Diagnosis code E11 is incomplete (a category, not a billable code): please send"
        " the complete ICD-10-CM code",
        "  - The order date 01/02/2031 looks wrong: please confirm it",
    ]
    # Nothing of the service's own wording, and no date in ISO form.
    assert "fails" not in text and "header" not in text and "41%" not in text
    assert re.search(r"\d{4}-\d{2}-\d{2}", text) is None


def test_a_changed_code_takes_its_own_description(values):
    edited, _ = apply_edits(values, {"diagnoses.0.code": "J44.1"}, RECEIVED)
    assert edited["diagnoses"][0] == {
        "code": "J44.1",
        "description": "Chronic obstructive pulmonary disease with (acute) exacerbation",
    }
    # A description the clerk typed with it stands; a code the set lacks has none.
    typed, _ = apply_edits(
        values, {"diagnoses.0.code": "J44.1", "diagnoses.0.description": "COPD flare"}, RECEIVED
    )
    assert typed["diagnoses"][0]["description"] == "COPD flare"
    unknown, _ = apply_edits(values, {"diagnoses.0.code": "J44.7"}, RECEIVED)
    assert unknown["diagnoses"][0].get("description") is None


def test_urgency_is_the_clerks_to_set_with_a_reason(values):
    assert values["urgent"] is False
    with pytest.raises(InvalidValues) as caught:
        apply_edits(values, {"urgent": "yes"}, RECEIVED)
    assert caught.value.errors == {"urgency_reason": "say why the urgency changed"}
    edited, changes = apply_edits(
        values, {"urgent": "yes", "urgency_reason": "discharged home today"}, RECEIVED
    )
    assert edited["urgent"] is True and edited["urgency_reason"] == "discharged home today"
    assert {c.path for c in changes} == {"urgent", "urgency_reason"}


def test_every_item_value_and_the_discharge_time_are_editable(values):
    edited, _ = apply_edits(
        values,
        {
            "items.0.brand_model": "ResMed AirSense 11",
            "items.0.serial_number": "SN 23145",
            "items.0.suggested_hcpcs": "E0601",
            "dates.discharge_time": "14:30",
        },
        RECEIVED,
    )
    item = edited["items"][0]
    assert (item["brand_model"], item["serial_number"]) == ("ResMed AirSense 11", "SN 23145")
    assert item["suggested_hcpcs"] == "E0601"
    assert edited["dates"]["discharge_time"] == "14:30:00"


def test_an_items_code_may_be_typed_as_cpt(values):
    """A nursing visit's row prints its CPT code: the clerk's typing of it is kept, with no
    HCPCS Level II flag on it."""
    edited, _ = apply_edits(values, {"items.0.hcpcs": "99601"}, RECEIVED)
    assert edited["items"][0]["hcpcs"] == "99601"
    assert ("items.0.hcpcs", "hcpcs_unknown") not in _flags(edited)
