"""The referral contract: key paths, JSON shapes, validators and the missing-path table."""

from __future__ import annotations

import datetime as dt
import json
from typing import get_args

import pytest
from pydantic import ValidationError

from extractors.referral import (
    MISSING_PATHS,
    Address,
    Clinician,
    Diagnosis,
    Evidence,
    FlagCode,
    Item,
    Member,
    MissingPath,
    Procedure,
    Referral,
    ReferralType,
    Source,
)

SOURCE = {"filename": "order.pdf", "sha256": "ab" * 32, "pages": 3, "order_page": 2}

FULL = {
    "referral_type": "dme",
    "member": {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "dob": "1941-02-03",
        "sex": "F",
        "member_id": "1EG4TE5MK73",
        "phone": "(555) 123-4567",
        "address": {
            "line1": "12 Elm St",
            "line2": "Apt 3",
            "city": "Springfield",
            "state": "il",
            "postal_code": "62704-1234",
        },
    },
    "payer": {"name": "Medicare", "group_number": None},
    "clinician": {
        "first_name": "Grace",
        "last_name": "Hopper",
        "credentials": "MD",
        "npi": "1234567893",
        "phone": "+1 555.987.6543",
        "fax": "5559876500",
        "organization": "Springfield Pulmonology",
    },
    "diagnoses": [{"code": "J441", "description": "COPD with exacerbation"}],
    "procedures": [{"code": "E1390", "system": "HCPCS", "description": None}],
    "items": [
        {
            "description": "Oxygen concentrator",
            "hcpcs": "e1390",
            "quantity": 1,
            "frequency": "continuous",
            "flow_rate_lpm": 2.5,
            "length_of_need_months": 99,
            "brand_model": None,
        }
    ],
    "dates": {"order": "2026-01-05", "face_to_face": "2025-12-20"},
    "signature": {"present": True, "date": "2026-01-05"},
    "access_notes": ["3rd floor walk-up"],
    "urgent": True,
    "urgency_reason": "discharge today",
    "due_by": "2026-01-05T17:00:00-06:00",
    "missing": ["payer.name"],
    "flags": [{"field": "diagnoses.0.code", "code": "code_repaired", "message": "read as J441"}],
    "evidence": {
        "member.dob": {
            "page": 2,
            "bbox": [0.1, 0.2, 0.3, 0.25],
            "confidence": 0.91,
            "text": "DOB 02/03/1941",
        }
    },
    "source": SOURCE,
}


def test_full_referral_dumps_normalized_json():
    data = Referral.model_validate(FULL).model_dump(mode="json")
    assert data["member"]["dob"] == "1941-02-03"
    assert data["member"]["phone"] == "5551234567"
    assert data["member"]["address"]["state"] == "IL"
    assert data["member"]["address"]["postal_code"] == "62704"
    assert data["clinician"]["phone"] == "5559876543"
    assert data["diagnoses"] == [{"code": "J44.1", "description": "COPD with exacerbation"}]
    assert data["items"][0]["hcpcs"] == "E1390"
    assert data["dates"]["face_to_face"] == "2025-12-20"
    assert data["dates"]["service_start"] is None
    assert data["signature"] == {"present": True, "date": "2026-01-05"}
    assert data["due_by"] == "2026-01-05T17:00:00-06:00"
    assert data["flags"] == [
        {"field": "diagnoses.0.code", "code": "code_repaired", "message": "read as J441"}
    ]
    assert data["evidence"]["member.dob"]["bbox"] == [0.1, 0.2, 0.3, 0.25]


def test_json_round_trip():
    referral = Referral.model_validate(FULL)
    assert Referral.model_validate_json(referral.model_dump_json()) == referral


def test_every_key_is_present_and_null_when_absent():
    data = json.loads(Referral(source=Source(**SOURCE)).model_dump_json())
    assert set(data) >= {
        "referral_type", "member", "payer", "clinician", "diagnoses", "procedures", "items",
        "infusion", "services", "dates", "signature", "access_notes", "urgent",
        "urgency_reason", "due_by", "missing", "flags", "evidence", "source",
    }  # fmt: skip
    assert data["referral_type"] == "unknown"
    assert data["member"] == {
        "first_name": None, "last_name": None, "dob": None, "sex": None, "member_id": None,
        "phone": None,
        "address": {"line1": None, "line2": None, "city": None, "state": None,
                    "postal_code": None},
    }  # fmt: skip
    assert data["payer"] == {"name": None, "group_number": None}
    assert set(data["clinician"]) == {
        "first_name", "last_name", "credentials", "npi", "phone", "fax", "organization"
    }  # fmt: skip
    assert set(data["clinician"].values()) == {None}
    assert data["dates"] == dict.fromkeys(
        ["order", "service_start", "discharge", "discharge_time", "signature", "face_to_face"]
    )
    assert data["signature"] == {"present": False, "date": None}
    assert data["infusion"] is None
    assert data["urgent"] is False
    for key in ("diagnoses", "procedures", "items", "services", "access_notes", "missing", "flags"):
        assert data[key] == []
    assert data["evidence"] == {}
    assert data["source"] == SOURCE


@pytest.mark.parametrize(
    ("model", "field", "value", "stored"),
    [
        (Member, "phone", "555-123-4567", "5551234567"),
        (Member, "phone", "1 (555) 123 4567", "5551234567"),
        (Clinician, "fax", "555.123.4567", "5551234567"),
        (Clinician, "npi", "1234567890", "1234567890"),  # bad checksum: kept, flagged elsewhere
        (Address, "state", " ny ", "NY"),
        (Address, "postal_code", "10001", "10001"),
        (Address, "postal_code", "100011234", "10001"),
        (Diagnosis, "code", "e119", "E11.9"),
        (Diagnosis, "code", "E11", "E11"),
        (Item, "hcpcs", "E0431", "E0431"),
        (Member, "dob", "1950-07-04", dt.date(1950, 7, 4)),
        (Member, "sex", "U", "U"),
    ],
)
def test_shape_validators_accept(model, field, value, stored):
    assert getattr(model(**{field: value}), field) == stored


@pytest.mark.parametrize(
    ("model", "field", "value"),
    [
        (Member, "phone", "555-1234"),
        (Member, "phone", "555-123-4567 x12"),
        (Member, "phone", "2 555 123 4567"),
        (Clinician, "npi", "123456789"),
        (Clinician, "npi", "12345678901"),
        (Clinician, "npi", "123456789O"),
        (Address, "state", "Illinois"),
        (Address, "state", "I1"),
        (Address, "postal_code", "1234"),
        (Address, "postal_code", "ABCDE"),
        (Diagnosis, "code", "J999.99"),
        (Diagnosis, "code", "44.1"),
        (Item, "hcpcs", "E13900"),
        (Item, "hcpcs", "9960"),
        (Item, "quantity", 0),
        (Item, "flow_rate_lpm", 0),
        (Item, "length_of_need_months", 100),
        (Member, "dob", "02/03/1941"),
        (Member, "sex", "X"),
    ],
)
def test_shape_validators_refuse(model, field, value):
    with pytest.raises(ValidationError):
        model(**{field: value})


def test_an_items_code_is_hcpcs_level_ii_or_cpt():
    assert Item(hcpcs="e1390").code_system == "HCPCS"
    assert Item(hcpcs="99601").code_system == "CPT"
    assert Item().code_system is None


def test_assignment_is_validated():
    referral = Referral(source=Source(**SOURCE))
    referral.member.phone = "(555) 123-4567"
    assert referral.member.phone == "5551234567"
    with pytest.raises(ValidationError):
        referral.member.phone = "555"
    with pytest.raises(ValidationError):
        referral.missing = ["member.favourite_colour"]  # type: ignore[list-item]


def test_unknown_keys_are_refused():
    with pytest.raises(ValidationError, match="extra"):
        Referral.model_validate({**FULL, "memeber": {}})


@pytest.mark.parametrize(
    ("code", "system", "ok"),
    [
        ("E1390", "HCPCS", True),
        ("99601", "CPT", True),
        ("1111F", "CPT", True),
        ("99601", "HCPCS", False),
        ("E1390", "CPT", False),
        ("e1390", "HCPCS", False),
        ("E1390", "ICD", False),
    ],
)
def test_procedure_code_fits_its_system(code, system, ok):
    if ok:
        Procedure(code=code, system=system)
    else:
        with pytest.raises(ValidationError):
            Procedure(code=code, system=system)


def test_diagnosis_needs_code_or_description():
    assert Diagnosis(description="COPD").code is None
    with pytest.raises(ValidationError, match="code or a description"):
        Diagnosis()


@pytest.mark.parametrize(
    ("bbox", "confidence", "ok"),
    [
        ((0.0, 0.0, 1.0, 1.0), 1.0, True),
        ((0.5, 0.5, 0.5, 0.5), 0.0, True),
        ((0.3, 0.2, 0.1, 0.25), 0.9, False),  # x1 before x0
        ((0.1, 0.2, 1.3, 0.25), 0.9, False),  # past the page
        ((0.1, 0.2, 0.3, 0.25), 1.5, False),
    ],
)
def test_evidence_shape(bbox, confidence, ok):
    fields = {"page": 1, "bbox": bbox, "confidence": confidence, "text": "x"}
    if ok:
        Evidence(**fields)
    else:
        with pytest.raises(ValidationError):
            Evidence(**fields)


@pytest.mark.parametrize(
    "source",
    [
        {**SOURCE, "sha256": "AB" * 32},
        {**SOURCE, "sha256": "ab" * 31},
        {**SOURCE, "pages": 0},
        {**SOURCE, "order_page": 4},
    ],
)
def test_source_shape(source):
    with pytest.raises(ValidationError):
        Source(**source)


def test_due_by_needs_a_timezone():
    with pytest.raises(ValidationError):
        Referral.model_validate({**FULL, "due_by": "2026-01-05T17:00:00"})


def test_flag_codes():
    assert {code.value for code in FlagCode} >= {
        "npi_checksum",
        "icd10_unknown",
        "icd10_not_billable",
        "hcpcs_unknown",
        "date_implausible",
        "low_confidence",
    }
    assert FlagCode("npi_checksum") == "npi_checksum"


def test_missing_paths_table():
    assert set(MISSING_PATHS) == set(get_args(ReferralType))
    every_path = set(get_args(MissingPath))
    common = set.intersection(*(set(paths) for paths in MISSING_PATHS.values()))
    assert common >= {"member.name", "member.dob", "clinician.npi", "dates.order", "signature"}
    for paths in MISSING_PATHS.values():
        assert len(set(paths)) == len(paths)
        assert set(paths) <= every_path
    assert "items" in MISSING_PATHS["dme"]
    assert "services" in MISSING_PATHS["home_health"]
    assert "services" not in MISSING_PATHS["dme"]
    assert "infusion" in MISSING_PATHS["infusion"]
    assert "infusion" not in MISSING_PATHS["home_health"]


def test_json_schema():
    schema = Referral.model_json_schema()
    assert schema["required"] == ["source"]
    properties = schema["properties"]
    assert properties["referral_type"]["enum"] == ["dme", "home_health", "infusion", "unknown"]
    defs = schema["$defs"]
    assert set(defs["FlagCode"]["enum"]) == {code.value for code in FlagCode}
    assert defs["Dates"]["properties"]["order"]["anyOf"][0] == {"format": "date", "type": "string"}
    assert defs["Member"]["properties"]["phone"]["anyOf"][0]["pattern"] == "^[0-9]{10}$"
    assert set(defs["Service"]["properties"]["discipline"]["enum"]) == {
        "SN", "PT", "OT", "ST", "MSW", "HHA"
    }  # fmt: skip
    json.dumps(schema)
