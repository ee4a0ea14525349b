"""Rules over a filled-in referral: type, missing paths, flags, urgency and due_by."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from extractors.extract.rules import apply_rules, referral_type
from extractors.referral import (
    MISSING_PATHS,
    Address,
    Clinician,
    Dates,
    Diagnosis,
    Evidence,
    Flag,
    FlagCode,
    Infusion,
    Item,
    Member,
    Procedure,
    Referral,
    Service,
    Signature,
)
from tests.extractors.referrals import SOURCE, complete

RECEIVED = datetime(2024, 10, 12, 11, 39, tzinfo=UTC)


def run(referral: Referral, *texts: str, received: datetime = RECEIVED) -> Referral:
    return apply_rules(referral, received_at=received, page_texts=list(texts))


def codes(referral: Referral) -> list[tuple[str, FlagCode]]:
    return [(flag.field, flag.code) for flag in referral.flags]


# -- referral type ------------------------------------------------------------------------


def test_equipment_codes_make_a_dme_order() -> None:
    assert run(complete(), "Standard Written Order").referral_type == "dme"


def test_visits_by_discipline_make_home_health() -> None:
    referral = complete(items=[], services=[Service(discipline="SN", frequency="2W4")])
    assert run(referral, "Home health referral").referral_type == "home_health"


def test_visits_read_as_items_make_home_health_not_equipment() -> None:
    """A discharge referral's discipline table ("Skilled nursing | 2x/week | 4 weeks | 8")
    is read as items with no code: visits, not equipment."""
    items = [
        Item(description="Skilled nursing", quantity=8),
        Item(description="Physical therapy", quantity=9),
    ]
    referral = complete(items=items, procedures=[])
    assert run(referral, "Home Health Referral").referral_type == "home_health"


def test_enteral_nutrition_is_supplied_as_equipment_and_parenteral_is_infused() -> None:
    enteral = [Item(description="Pediasure 1.5 with fiber", hcpcs="B4150", quantity=120)]
    referral = complete(items=enteral, procedures=[])
    assert run(referral, "ENTERAL NUTRITION ORDER").referral_type == "dme"
    parenteral = [Item(description="TPN, complete formula", hcpcs="B4197", quantity=30)]
    referral = complete(items=parenteral, procedures=[])
    assert run(referral, "Home Infusion Pharmacy Referral").referral_type == "infusion"


def test_a_485_plan_of_care_is_home_health_even_with_a_shower_chair() -> None:
    referral = complete(items=[Item(description="Shower chair")])
    out = run(referral, "HOME HEALTH CERTIFICATION AND PLAN OF CARE (CMS-485)", "SN 2W4")
    assert out.referral_type == "home_health"


def test_a_drug_with_a_picc_line_is_infusion() -> None:
    referral = complete(
        items=[],
        infusion=Infusion(drug="Ceftriaxone", dose="2 g", route="IV", access="PICC"),
        procedures=[Procedure(code="J0696", system="HCPCS")],
    )
    assert run(referral, "Home infusion order via PICC").referral_type == "infusion"


def test_a_drug_with_its_iv_pole_is_infusion_and_the_pole_alone_is_dme() -> None:
    pole = [Item(description="IV pole", hcpcs="E0776", quantity=1)]
    drug = Infusion(drug="Piperacillin-tazobactam", dose="3.375 g", route="IV", access="Port")
    letter = "I am referring my patient for home infusion of piperacillin-tazobactam IV."
    assert run(complete(items=pole, infusion=drug), letter).referral_type == "infusion"
    assert run(complete(items=pole), "Please deliver an IV pole.").referral_type == "dme"


def test_no_cues_is_unknown() -> None:
    assert run(complete(items=[]), "Please see attached.").referral_type == "unknown"


# -- missing paths ------------------------------------------------------------------------


def test_a_complete_order_misses_nothing() -> None:
    assert run(complete()).missing == []


def test_an_empty_order_misses_every_required_path_of_its_type() -> None:
    empty = Referral(source=SOURCE)
    assert run(empty).missing == list(MISSING_PATHS["unknown"])
    hh = run(Referral(source=SOURCE), "CMS-485 plan of care", "skilled nursing")
    assert hh.referral_type == "home_health"
    assert hh.missing == list(MISSING_PATHS["home_health"])
    assert "services" in hh.missing and "items" not in hh.missing


def test_missing_paths_per_type() -> None:
    dme = run(complete(items=[], procedures=[Procedure(code="E0260", system="HCPCS")]))
    assert dme.referral_type == "dme" and dme.missing == ["items"]
    infusion = run(complete(items=[], infusion=Infusion(access="PICC")), "IV infusion, PICC")
    # An access line without a drug is not an infusion order yet.
    assert infusion.referral_type == "infusion" and infusion.missing == ["infusion"]
    hh = run(complete(items=[]), "Home health plan of care")
    assert hh.referral_type == "home_health" and hh.missing == ["services"]


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"member": Member(first_name="Joan", dob=date(1955, 6, 27))}, "member.name"),
        ({"clinician": Clinician(last_name="O'Brien", npi="1234567893")}, "clinician.name"),
        ({"signature": Signature(present=False)}, "signature"),
        ({"dates": Dates(service_start=date(2024, 10, 14))}, "dates.order"),
        ({"diagnoses": []}, "diagnoses"),
    ],
)
def test_a_partly_read_field_is_missing(changes: dict[str, object], path: str) -> None:
    assert path in run(complete(**changes)).missing


def test_a_street_without_city_or_zip_is_no_address() -> None:
    member = complete().member.model_copy(update={"address": Address(line1="7010 Church Blvd")})
    assert run(complete(member=member)).missing == ["member.address"]


def test_an_npi_with_a_bad_check_digit_is_present_but_flagged() -> None:
    clinician = Clinician(first_name="Julia", last_name="O'Brien", npi="1234567890")
    out = run(complete(clinician=clinician))
    assert "clinician.npi" not in out.missing
    assert codes(out) == [("clinician.npi", FlagCode.NPI_CHECKSUM)]


# -- flags --------------------------------------------------------------------------------


def test_a_valid_order_has_no_flags() -> None:
    assert run(complete()).flags == []


def test_unknown_and_header_icd_codes() -> None:
    out = run(complete(diagnoses=[Diagnosis(code="J44"), Diagnosis(code="Q99.9X")]))
    assert codes(out) == [
        ("diagnoses.0.code", FlagCode.ICD10_NOT_BILLABLE),
        ("diagnoses.1.code", FlagCode.ICD10_UNKNOWN),
    ]


def test_unknown_hcpcs_in_items_and_procedures() -> None:
    out = run(
        complete(
            items=[Item(description="Bed", hcpcs="E9999")],
            procedures=[
                Procedure(code="E1390", system="HCPCS"),
                Procedure(code="Z9999", system="HCPCS"),
            ],
        )
    )
    assert codes(out) == [
        ("items.0.hcpcs", FlagCode.HCPCS_UNKNOWN),
        ("procedures.1.code", FlagCode.HCPCS_UNKNOWN),
    ]


def test_implausible_dates() -> None:
    member = complete().member.model_copy(update={"dob": date(2030, 1, 1)})
    dates = Dates(order=date(2021, 1, 1), service_start=date(2024, 10, 14))
    out = run(complete(member=member, dates=dates))
    assert codes(out) == [
        ("member.dob", FlagCode.DATE_IMPLAUSIBLE),
        ("dates.order", FlagCode.DATE_IMPLAUSIBLE),
    ]
    assert "future" in out.flags[0].message


def test_dates_of_an_order_received_long_after_it_was_written_are_not_doubted() -> None:
    # A file loaded two years after the order was written: its dates agree with each
    # other, so none is a misread; a year that stands apart from them is.
    dates = Dates(
        order=date(2022, 9, 30), service_start=date(2022, 10, 3), discharge=date(2021, 9, 2)
    )
    out = run(complete(dates=dates))
    assert codes(out) == [("dates.discharge", FlagCode.DATE_IMPLAUSIBLE)]
    assert "2022-10-03" in out.flags[0].message


def test_a_date_after_receipt_is_still_judged_against_receipt() -> None:
    dates = Dates(order=date(2022, 9, 30), service_start=date(2026, 10, 3))
    out = run(complete(dates=dates))
    assert codes(out) == [("dates.service_start", FlagCode.DATE_IMPLAUSIBLE)]


def test_low_confidence_evidence_is_flagged() -> None:
    evidence = {
        "member.dob": Evidence(page=1, bbox=(0.1, 0.1, 0.2, 0.12), confidence=0.21, text="6/27/55"),
        "member.phone": Evidence(page=1, bbox=(0.1, 0.2, 0.2, 0.22), confidence=0.93, text="x"),
    }
    out = run(complete(evidence=evidence))
    assert codes(out) == [("member.dob", FlagCode.LOW_CONFIDENCE)]


def test_rules_replace_their_own_flags_and_keep_others() -> None:
    repaired = Flag(field="diagnoses.0.code", code=FlagCode.CODE_REPAIRED, message="J44.l")
    stale = Flag(field="clinician.npi", code=FlagCode.NPI_CHECKSUM, message="old")
    out = run(complete(flags=[repaired, stale]))
    assert out.flags == [repaired]
    assert run(out).flags == [repaired]


# -- urgency and due_by -------------------------------------------------------------------


def test_due_by_is_a_day_after_receipt() -> None:
    out = run(complete())
    assert out.due_by == RECEIVED + timedelta(hours=24)
    assert not out.urgent and out.urgency_reason is None


def test_a_discharge_within_a_day_of_receipt_is_urgent() -> None:
    out = run(complete(dates=Dates(order=date(2024, 10, 11), discharge=date(2024, 10, 13))))
    assert out.urgent
    assert out.urgency_reason is not None and "discharge on 2024-10-13" in out.urgency_reason


def test_a_discharge_next_week_is_not_urgent() -> None:
    out = run(complete(dates=Dates(order=date(2024, 10, 11), discharge=date(2024, 10, 18))))
    assert not out.urgent


@pytest.mark.parametrize(
    ("discharge", "at", "urgent"),
    [
        # Received 2024-10-12 11:39: a printed time is held to 24 hours either side.
        (date(2024, 10, 13), time(10, 0), True),
        (date(2024, 10, 13), time(13, 45), False),
        (date(2024, 10, 12), time(8, 0), True),
        (date(2024, 10, 11), time(9, 0), False),
        # No time printed: any hour of the day may be the discharge.
        (date(2024, 10, 11), None, True),
        (date(2024, 10, 13), None, True),
        (date(2024, 10, 14), None, False),
    ],
)
def test_a_discharge_within_24_hours_of_receipt_before_or_after(
    discharge: date, at: time | None, urgent: bool
) -> None:
    # The order was written days before: only the receipt window decides.
    dates = Dates(order=date(2024, 10, 1), discharge=discharge, discharge_time=at)
    assert run(complete(dates=dates)).urgent is urgent


@pytest.mark.parametrize(("days", "urgent"), [(0, True), (1, True), (2, False), (-1, False)])
def test_a_discharge_the_day_of_the_order_or_next_is_urgent(days: int, urgent: bool) -> None:
    # Received weeks later, so the receipt window plays no part: "discharge tomorrow" does.
    ordered = date(2024, 9, 2)
    dates = Dates(order=ordered, discharge=ordered + timedelta(days=days))
    out = run(complete(dates=dates))
    assert out.urgent is urgent


def test_a_diagnosis_without_a_readable_code_is_flagged() -> None:
    out = run(complete(diagnoses=[Diagnosis(code="J44.1"), Diagnosis(description="$72,001")]))
    assert [(f.field, f.code) for f in out.flags] == [("diagnoses.1.code", FlagCode.ICD10_UNKNOWN)]


def test_a_zip_its_state_does_not_use_is_flagged_for_a_look() -> None:
    address = Address(line1="7010 Church Blvd", city="Tampa", state="FL", postal_code="90210")
    member = complete().member.model_copy(update={"address": address})
    flags = [(f.field, f.code) for f in run(complete(member=member)).flags]
    assert flags == [("member.address.postal_code", FlagCode.LOW_CONFIDENCE)]
    fits = member.model_copy(
        update={"address": address.model_copy(update={"postal_code": "33690"})}
    )
    assert run(complete(member=fits)).flags == []


@pytest.mark.parametrize(
    "line",
    [
        "STAT - needed before discharge",
        "*** URGENT *** please call",
        "Patient discharging today at 2:00 PM",
        "Patient going home tomorrow AM",
        "STAT: start therapy within 24 hrs",
    ],
)
def test_urgent_wording(line: str) -> None:
    out = run(complete(), "Oxygen order", line)
    assert out.urgent
    assert out.urgency_reason is not None and line in out.urgency_reason


@pytest.mark.parametrize(
    "line",
    [
        # The cover sheet's unticked boxes.
        "Urgent For Review Please Comment Please Reply Please Recycle",
        "Seen at urgent care last week.",
        "Hemoglobin stat result pending.",
    ],
)
def test_wording_that_is_not_urgency(line: str) -> None:
    assert not run(complete(), line).urgent


def test_a_naive_receipt_time_is_local_time() -> None:
    naive = datetime(2024, 10, 12, 11, 39)
    out = run(complete(), received=naive)
    assert out.due_by == naive.astimezone() + timedelta(hours=24)


def test_the_input_is_not_changed() -> None:
    referral = complete(items=[])
    run(referral, "CMS-485")
    assert referral.referral_type == "unknown" and referral.missing == []


def test_coded_drug_and_visit_lines_order_the_infusion_and_the_services() -> None:
    drug = [Item(description="Daptomycin", hcpcs="J0878", quantity=42)]
    infusion = run(complete(items=drug), "Home infusion referral: IV via PICC")
    assert infusion.referral_type == "infusion"
    assert "infusion" not in infusion.missing
    # Orthotics and prosthetics (L codes) are DMEPOS, as equipment is.
    brace = [Item(description="Knee orthosis, adjustable knee joint", hcpcs="L1833", quantity=1)]
    assert run(complete(items=brace), "ORTHOTIC PRESCRIPTION").referral_type == "dme"
    visits = [Item(description="Skilled nursing (RN) visits", hcpcs="G0299", quantity=8)]
    home_health = run(complete(items=visits), "Home health plan of care, skilled nursing")
    assert home_health.referral_type == "home_health"
    assert "services" not in home_health.missing


@pytest.mark.parametrize(
    ("descriptions", "text", "expected"),
    [
        # Equipment named with no code printed is still a DME order.
        (["High strength lightweight wheelchair"], "DETAILED WRITTEN ORDER", "dme"),
        # An auto-adjusting PAP device and its heated tubing (E0601, A4604).
        (["APAP device, auto-titrating", "Heated tubing"], "SLEEP ORDER", "dme"),
        # A pump named beside a parenteral nutrition order runs the infusion.
        (
            ["TPN 2.5 L/day", "Parenteral nutrition infusion pump, portable"],
            "Home infusion per diem, TPN",
            "infusion",
        ),
    ],
)
def test_items_named_without_codes_type_the_order(
    descriptions: list[str], text: str, expected: str
) -> None:
    referral = Referral(
        source=SOURCE, items=[Item(description=d, quantity=1) for d in descriptions]
    )
    assert referral_type(referral, text) == expected
