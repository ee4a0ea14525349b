"""What the bundle says, value by value: identifiers under their systems, nothing invented
where the order is silent, oxygen parameters coded, one request per home-health phase, the
infusion's dosage structured, and who signed and who validated."""

from __future__ import annotations

import uuid
from typing import Any

from extractors.referral import Referral
from review_ui.api.examples import REFERRAL
from review_ui.fhir import Validation, fresh_ids, systems
from tests.review_ui.fhir.referrals import VALIDATED_AT, VALIDATION, bundle_json
from tests.review_ui.fhir.validator import DATA_ABSENT_REASON_URL, Validator

ABSENT = {"extension": [{"url": DATA_ABSENT_REASON_URL, "valueCode": "unknown"}]}


def _referral(**changes: Any) -> Referral:
    """The API's example referral (a DME order, nothing missing) with ``changes`` by path."""
    values = REFERRAL.approved.model_dump(mode="json")
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = values
        for key in parents:
            node = node[key]
        node[last] = value
    return Referral.model_validate(values)


def _all(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _one(bundle: dict[str, Any], kind: str) -> dict[str, Any]:
    [resource] = _all(bundle, kind)
    return resource


def test_an_mbi_is_under_us_mbi_and_another_member_id_under_its_payer():
    bundle = bundle_json(_referral(member__member_id="1EG4TE5MK73"))
    [on_patient] = _one(bundle, "Patient")["identifier"]
    assert (on_patient["system"], on_patient["value"]) == (systems.MBI, "1EG4TE5MK73")
    assert on_patient["type"]["coding"][0]["code"] == "MC"
    coverage = _one(bundle, "Coverage")
    [on_coverage] = coverage["identifier"]
    assert (on_coverage["system"], on_coverage["value"]) == (systems.MBI, "1EG4TE5MK73")
    assert on_coverage["type"]["coding"][0]["code"] == "MB"
    assert coverage["subscriberId"] == "1EG4TE5MK73"

    bundle = bundle_json(_referral())
    [identifier] = _one(bundle, "Patient")["identifier"]
    assert identifier["system"] == "urn:fax-intake:member-id:example-health-plan"
    assert identifier["value"] == "XAB123456789"
    assert identifier["type"]["coding"][0]["code"] == "MB"
    payer = _one(bundle, "Organization")
    assert (payer["active"], payer["name"]) == (True, "Example Health Plan")


def test_what_the_order_does_not_give_is_marked_absent_never_made_up(validator: Validator):
    referral = _referral(
        member__first_name=None,
        member__last_name=None,
        member__sex=None,
        payer={"name": None, "group_number": None},
        clinician__npi=None,
        dates__order=None,
    )
    bundle = bundle_json(referral)
    patient = _one(bundle, "Patient")
    assert patient["name"] == [ABSENT]
    assert patient["_gender"] == ABSENT and "gender" not in patient
    [identifier] = patient["identifier"]
    assert identifier["_system"] == ABSENT and identifier["value"] == "XAB123456789"
    coverage = _one(bundle, "Coverage")
    assert coverage["payor"] == [ABSENT] and coverage["relationship"] == ABSENT
    assert _all(bundle, "Organization") == []
    practitioner = _one(bundle, "Practitioner")
    assert practitioner["identifier"] == [{"system": systems.NPI, "_value": ABSENT}]
    [device] = _all(bundle, "DeviceRequest")
    assert device["_authoredOn"] == ABSENT and "authoredOn" not in device
    assert [
        i for i in validator.validate_bundle(bundle).errors if "us-core-6" not in i.message
    ] == []


def test_oxygen_flow_rate_is_coded_and_a_length_of_need_of_99_is_lifetime():
    [device] = _all(bundle_json(_referral(dates__service_start="2026-03-04")), "DeviceRequest")
    flow, need = device["parameter"]
    assert flow["code"]["coding"] == [
        {"system": systems.LOINC, "code": "3151-8", "display": "Inhaled oxygen flow rate"}
    ]
    assert flow["valueQuantity"] == {
        "value": 2.0, "unit": "L/min", "system": systems.UCUM, "code": "L/min"
    }  # fmt: skip
    assert need == {
        "code": {"text": "Length of need"},
        "valueCodeableConcept": {"text": "Lifetime"},
    }
    assert device["occurrencePeriod"] == {"start": "2026-03-04"}
    assert device["authoredOn"] == "2026-03-02"

    items = [{**REFERRAL.approved.items[0].model_dump(mode="json"), "length_of_need_months": 12}]
    [device] = _all(bundle_json(_referral(items=items)), "DeviceRequest")
    assert device["parameter"][1]["valueQuantity"] == {
        "value": 12, "unit": "months", "system": systems.UCUM, "code": "mo"
    }  # fmt: skip


def test_an_items_cpt_code_is_coded_as_cpt_and_not_requested_twice(validator: Validator):
    visit = {"description": "Home infusion nursing visit", "hcpcs": "99601", "quantity": 4}
    procedure = {"code": "99601", "system": "CPT", "description": None}
    bundle = bundle_json(
        _referral(items=[*REFERRAL.approved.model_dump(mode="json")["items"], visit],
                  procedures=[procedure])
    )  # fmt: skip
    codings = [d["codeCodeableConcept"]["coding"] for d in _all(bundle, "DeviceRequest")]
    assert [{"system": systems.CPT, "code": "99601"}] in codings
    requested = [r.get("code", {}).get("coding") for r in _all(bundle, "ServiceRequest")]
    assert [{"system": systems.CPT, "code": "99601"}] not in requested
    errors = [i for i in validator.validate_bundle(bundle).errors if "us-core-6" not in i.message]
    assert errors == []


def test_each_phase_of_a_home_health_frequency_is_its_own_request():
    services = [{"discipline": "SN", "frequency": "2W3, 1W6"}]
    started = bundle_json(
        _referral(referral_type="home_health", services=services, dates__service_start="2026-03-02")
    )
    first, second = _all(started, "ServiceRequest")
    assert [r["code"]["coding"][0]["code"] for r in (first, second)] == ["G0299", "G0299"]
    assert first["occurrenceTiming"] == {
        "code": {"text": "2W3"},
        "repeat": {
            "frequency": 2,
            "period": 1,
            "periodUnit": "wk",
            "boundsPeriod": {"start": "2026-03-02", "end": "2026-03-22"},
        },
    }
    assert second["occurrenceTiming"]["repeat"]["boundsPeriod"] == {
        "start": "2026-03-23",
        "end": "2026-05-03",
    }
    assert second["occurrenceTiming"]["repeat"]["frequency"] == 1
    visits = {"unit": "visits", "system": systems.UCUM, "code": "{visit}"}
    assert first["quantityQuantity"] == {"value": 6, **visits}
    assert second["quantityQuantity"] == {"value": 6, **visits}
    assert {"text": "Frequency as written: 2W3, 1W6"} in first["note"]
    # Ordered together: one requisition.
    assert first["requisition"] == second["requisition"]

    undated = bundle_json(_referral(referral_type="home_health", services=services))
    first, second = _all(undated, "ServiceRequest")
    assert first["occurrenceTiming"]["repeat"]["boundsDuration"] == {
        "value": 3, "unit": "wk", "system": systems.UCUM, "code": "wk"
    }  # fmt: skip
    assert second["occurrenceTiming"]["repeat"]["boundsDuration"]["value"] == 6

    prn = bundle_json(_referral(services=[{"discipline": "MSW", "frequency": "1 visit PRN x2"}]))
    [request] = _all(prn, "ServiceRequest")
    assert request["occurrenceTiming"] == {"code": {"text": "1 visit PRN x2"}}
    assert "quantityQuantity" not in request


def test_an_infusion_is_a_medication_request_with_structured_dosage():
    infusion = {
        "drug": "Ceftriaxone",
        "dose": "2 g",
        "route": "IV",
        "frequency": "q24h",
        "duration": "6 weeks",
        "access": "PICC",
    }
    procedures = [
        {"code": "J0696", "system": "HCPCS"},
        {"code": "S9500", "system": "HCPCS"},
        {"code": "99601", "system": "CPT"},
    ]
    bundle = bundle_json(
        _referral(
            referral_type="infusion",
            items=[],
            infusion=infusion,
            procedures=procedures,
            dates__service_start="2026-03-03",
        )
    )
    medication = _one(bundle, "MedicationRequest")
    drug = medication["medicationCodeableConcept"]
    assert drug["text"] == "Ceftriaxone"
    assert [c["code"] for c in drug["coding"]] == ["J0696"]
    [dosage] = medication["dosageInstruction"]
    assert dosage["text"] == "2 g IV q24h 6 weeks"
    assert dosage["route"]["coding"] == [
        {"system": systems.SNOMED, "code": "47625008", "display": "Intravenous route"}
    ]
    assert dosage["doseAndRate"] == [
        {"doseQuantity": {"value": 2.0, "unit": "g", "system": systems.UCUM, "code": "g"}}
    ]
    assert dosage["timing"] == {
        "code": {"text": "q24h"},
        "repeat": {
            "frequency": 1,
            "period": 24,
            "periodUnit": "h",
            "boundsPeriod": {"start": "2026-03-03", "end": "2026-04-13"},
        },
    }
    assert {"text": "Vascular access: PICC"} in medication["note"]
    # The per-diem and the nursing visit are services of their own.
    codes = {r["code"]["coding"][0]["code"] for r in _all(bundle, "ServiceRequest")}
    assert codes == {"S9500", "99601"}

    weight_based = {**infusion, "dose": "15 mg/kg", "frequency": "continuous", "duration": None}
    [dosage] = _one(bundle_json(_referral(items=[], infusion=weight_based)), "MedicationRequest")[
        "dosageInstruction"
    ]
    assert dosage["text"] == "15 mg/kg IV continuous"
    assert "doseAndRate" not in dosage
    assert dosage["timing"] == {"code": {"text": "continuous"}}


def test_provenance_names_the_signer_and_the_validating_clerk_with_an_override_reason():
    override = Validation(
        username="sam",
        at=VALIDATED_AT,
        override_reason="phone confirmed with the office",
        users_system=VALIDATION.users_system,
    )
    bundle = bundle_json(_referral(), validation=override)
    signed, validated = _all(bundle, "Provenance")
    practitioner_url = next(
        e["fullUrl"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Practitioner"
    )
    assert signed["occurredDateTime"] == "2026-03-02"
    [signer] = signed["agent"]
    assert signer["who"] == {"reference": practitioner_url, "type": "Practitioner"}
    [signature] = signed["signature"]
    assert signature["type"][0]["code"] == systems.AUTHOR_SIGNATURE
    assert signature["who"] == signer["who"]
    requests = {
        e["fullUrl"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] in ("DeviceRequest", "DocumentReference")
    }
    assert {t["reference"] for t in signed["target"]} == requests

    assert validated["recorded"] == "2026-03-03T14:05:00Z"
    [clerk] = validated["agent"]
    assert clerk["type"]["coding"][0]["code"] == "verifier"
    assert clerk["who"]["identifier"] == {"system": "https://intake.example/users", "value": "sam"}
    assert validated["reason"] == [{"text": "Supervisor override: phone confirmed with the office"}]
    others = {e["fullUrl"] for e in bundle["entry"]} - {
        e["fullUrl"] for e in bundle["entry"] if e["resource"] is validated
    }
    assert {t["reference"] for t in validated["target"]} == others

    unsigned = bundle_json(_referral(signature={"present": False, "date": None}))
    assert [p["activity"]["text"] for p in _all(unsigned, "Provenance")] == [
        "Values checked against the faxed order and approved"
    ]
    preview = bundle_json(_referral(), validation=None)
    assert [p["activity"]["text"] for p in _all(preview, "Provenance")] == [
        "Order signed by the treating practitioner"
    ]


def test_the_order_s_notes_travel_with_every_request():
    bundle = bundle_json(
        _referral(
            urgent=True,
            urgency_reason="discharge today",
            dates__discharge="2026-03-02",
            dates__discharge_time="15:30:00",
            dates__face_to_face="2026-02-20",
        )
    )
    [device] = _all(bundle, "DeviceRequest")
    assert device["priority"] == "urgent"
    assert [n["text"] for n in device["note"]] == [
        "Urgent: discharge today",
        "Discharged: 2026-03-02 15:30",
        "Face-to-face encounter: 2026-02-20",
        "Home access: Second floor walk-up, no elevator",
    ]


def test_the_bundle_is_a_collection_stamped_with_its_validation():
    bundle = bundle_json(_referral())
    assert bundle["type"] == "collection"
    assert bundle["timestamp"] == bundle["meta"]["lastUpdated"] == "2026-03-03T14:05:00Z"
    assert bundle["identifier"]["system"] == systems.URI
    assert uuid.UUID(bundle["identifier"]["value"].removeprefix("urn:uuid:")).version == 4
    for entry in bundle["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        assert uuid.UUID(resource["id"]).version == 4
        assert resource["meta"]["profile"] == list(systems.PROFILES[resource["resourceType"]])
    assert fresh_ids("patient") != fresh_ids("patient")
