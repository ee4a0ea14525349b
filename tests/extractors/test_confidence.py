"""The confidence scorer: which read values get a low_confidence flag, and why."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from extractors.extract.confidence import doubts, kind_of
from extractors.extract.extractor import extract
from extractors.extract.rules import apply_rules, flags
from extractors.pages import ReadPage
from extractors.referral import (
    Address,
    Clinician,
    Dates,
    Evidence,
    FlagCode,
    Member,
    Payer,
    Referral,
    Signature,
)
from tests.extractors.laid_out import laid_out_page
from tests.extractors.referrals import complete

RECEIVED = datetime(2024, 10, 12, 11, 39, tzinfo=UTC)
BOX = (0.1, 0.1, 0.3, 0.12)


def seen(text: str, confidence: float = 1.0) -> Evidence:
    return Evidence(page=1, bbox=BOX, confidence=confidence, text=text)


def order(evidence: dict[str, Evidence], **parts: object) -> Referral:
    return complete(evidence=evidence, **{"payer": Payer(name="Humana Gold Plus HMO"), **parts})


def doubted(referral: Referral, *texts: str) -> dict[str, str]:
    return {doubt.path: doubt.reason for doubt in doubts(referral, texts)}


#: A text-layer PDF read: every word at confidence 1, each value where its caption says.
CLEAN = {
    "member.first_name": seen("Joan Washington"),
    "member.last_name": seen("Joan Washington"),
    "member.dob": seen("06/27/1955"),
    "member.sex": seen("F"),
    "member.member_id": seen("9DE1NM8KJ23"),
    "member.phone": seen("(217) 557-3209"),
    "member.address": seen("7010 Church Blvd, Tampa, FL 33601"),
    "payer.name": seen("Humana Gold Plus HMO"),
    "clinician.first_name": seen("Julia O'Brien, MD"),
    "clinician.last_name": seen("Julia O'Brien, MD"),
    "clinician.npi": seen("1234567893"),
}


def test_a_clean_text_layer_read_raises_no_doubt() -> None:
    text = "Patient: Joan Washington DOB 06/27/1955\nOrdering physician: Julia O'Brien, MD"
    assert doubted(order(dict(CLEAN)), text) == {}


def test_a_doubtful_fax_read_of_a_name_is_flagged() -> None:
    # A standard fax's weakest word at 0.72: fine for a diagnosis code, not for a name that
    # no check can confirm.
    evidence = {**CLEAN, "member.last_name": seen("Joan Washinqton", 0.72)}
    assert doubted(order(evidence)) == {
        "member.last_name": "read with confidence 0.72; check it against the page"
    }


def test_each_kind_has_its_own_bar() -> None:
    evidence = {
        **CLEAN,
        "member.phone": seen("(217) 557-3209", 0.85),  # under the phone bar
        "member.dob": seen("06/27/1955", 0.41),  # a date's plausibility is checked: kept
        "member.address": seen("7010 Church Blvd, Tampa, FL 33601", 0.45),  # many words
        "diagnoses.0": seen("J44.1", 0.55),  # under the default bar
        "items.0": seen("E1390", 0.65),
    }
    assert set(doubted(order(evidence))) == {"member.phone", "diagnoses.0"}
    assert "member.dob" in doubted(order({"member.dob": seen("06/27/1955", 0.21)}))


def test_a_contested_value_is_flagged_whatever_its_kind() -> None:
    evidence = {**CLEAN, "member.address": seen("7010 Church Blvd, Tampa, FL 33601", 0.5)}
    reason = doubted(order(evidence))["member.address"]
    assert reason.startswith("another reading on the order")


def test_an_npi_whose_check_digit_holds_is_not_doubted_for_its_print() -> None:
    faint = {**CLEAN, "clinician.npi": seen("1234567893", 0.3)}
    assert doubted(order(faint)) == {}
    # A failing check digit is flagged by its own rule; the faint print adds a doubt too.
    bad = order(
        faint, clinician=Clinician(first_name="Julia", last_name="O'Brien", npi="1234567890")
    )
    assert "clinician.npi" in doubted(bad)


def test_two_numbers_in_one_phone_read_are_competing_candidates() -> None:
    evidence = {**CLEAN, "member.phone": seen("(217) 557-3209 Fax (217) 557-3210")}
    assert "two numbers" in doubted(order(evidence))["member.phone"]


def test_a_sex_read_where_both_boxes_are_printed_is_flagged() -> None:
    assert "both sexes" in doubted(order({**CLEAN, "member.sex": seen("M F")}))["member.sex"]
    assert doubted(order({**CLEAN, "member.sex": seen("Female", 0.2)})) == {}


def test_another_clinician_on_the_order_puts_the_chosen_one_in_doubt() -> None:
    text = (
        "REFERRING MD Julia O'Brien, MD PH 832-751-2139\n"
        "INTERPRETING MD A. Rosales, MD\n"
        "ORDERING PHYSICIAN Dr. Daniel Wilson NPI 1628640413"
    )
    out = doubted(order(dict(CLEAN)), text)
    assert set(out) == {"clinician.first_name", "clinician.last_name"}
    assert "another clinician" in out["clinician.last_name"]
    # A rival named by an initial, or with a credential as a fax prints it ("D,0,").
    for rival in ("V. Castro, MD", "Gabriel A. Anderson, D,0,"):
        assert "clinician.last_name" in doubted(order(dict(CLEAN)), f"INTERPRETING MD {rival}")
    # The chosen clinician named twice is no rival.
    assert doubted(order(dict(CLEAN)), "Dr. Julia O'Brien\nJulia O'Brien, MD") == {}


def test_names_that_do_not_look_like_names_are_flagged() -> None:
    for first, last in (("Md", "Dickerson"), ("J", "Carter"), ("Shawn", "WAnncn")):
        clinician = Clinician(first_name=first, last_name=last, npi="1234567893")
        out = doubted(order(dict(CLEAN), clinician=clinician))
        assert "clinician.first_name" in out or "clinician.last_name" in out, (first, last)
    for first, last in (("Mary-Kate", "McKee"), ("DeShawn", "O'Neil"), ("Luis", "de la Cruz")):
        clinician = Clinician(first_name=first, last_name=last, npi="1234567893")
        assert doubted(order(dict(CLEAN), clinician=clinician)) == {}, (first, last)


def test_a_patient_name_printed_with_a_credential_is_a_clinicians() -> None:
    evidence = {**CLEAN, "member.first_name": seen("Heather Rodriguez, PA-C")}
    assert "credential" in doubted(order(evidence))["member.first_name"]


def test_a_payer_name_in_lower_case_is_a_caption_or_prose() -> None:
    for name in ("carrier", "Continue current medications"):
        assert "payer.name" in doubted(order(dict(CLEAN), payer=Payer(name=name)))
    assert doubted(order(dict(CLEAN), payer=Payer(name="Blue Cross Blue Shield of Illinois"))) == {}


def test_a_payer_name_with_its_words_run_together_is_doubted() -> None:
    # "Medicare PartB": the fax lost a space; a brand's capital inside a word is no doubt.
    assert "payer.name" in doubted(order(dict(CLEAN), payer=Payer(name="Medicare PartB")))
    for name in ("UnitedHealthcare Community Plan", "CareSource", "Medicare Part B"):
        assert doubted(order(dict(CLEAN), payer=Payer(name=name))) == {}, name


def test_a_misread_word_of_an_address_is_doubted_on_its_part() -> None:
    # The town's word is weak (0.67); the whole line's confidence is above an address's bar,
    # which a long line's weakest word must be under to say anything of the whole.
    page = laid_out_page(
        [
            [(0.05, "Patient: Joan Washington"), (0.55, "DOB: 06/27/1955")],
            [(0.05, "Address: 7010 Church Blvd, Williamiand, FL 33601")],
            [(0.05, "Ordering physician: Julia Brien, MD")],
        ],
        conf={"Williamiand,": 0.67, "33601": 0.8},
    )
    referral = extract(
        [ReadPage(page, b"")], filename="fax.tif", sha256="0" * 64, received_at=RECEIVED
    )
    assert referral.evidence["member.address.city"].text == "Williamiand,"
    low = [f.field for f in referral.flags if f.code == FlagCode.LOW_CONFIDENCE]
    # A ZIP is checked against its state: its 0.8 raises no doubt.
    assert low == ["member.address.city"]


def test_an_order_date_other_than_the_signatures_is_doubted() -> None:
    # The start of care printed on the order's row, taken for the order's date.
    signed = Signature(present=True, date=date(2024, 10, 9))
    evidence = {**CLEAN, "dates.order": seen("10/11/2024")}
    out = doubted(order(evidence, signature=signed, dates=Dates(order=date(2024, 10, 11))))
    assert "signed on another day" in out["dates.order"]
    same = Dates(order=date(2024, 10, 9), signature=date(2024, 10, 9))
    assert doubted(order(evidence, signature=signed, dates=same)) == {}


def test_an_odd_address_part_is_flagged_alone() -> None:
    member = Member(
        first_name="Joan",
        last_name="Washington",
        address=Address(line1="58738 Pratt Brooks", city="City State Zip Molinashire"),
    )
    assert set(doubted(order(dict(CLEAN), member=member))) == {"member.address.city"}
    member.address = Address(line1="F 874 Susan Knoll Apt. 956", city="St. Louis")
    assert set(doubted(order(dict(CLEAN), member=member))) == {"member.address.line1"}
    member.address = Address(line1="PO Box 12", city="St. Louis")
    assert doubted(order(dict(CLEAN), member=member)) == {}


def test_a_state_the_page_does_not_print_is_flagged_alone() -> None:
    # The parser took the state from the ZIP: the print reads "Ik", or nothing.
    member = Member(
        first_name="Joan",
        last_name="Washington",
        address=Address(line1="7010 Church Blvd", city="Tampa", state="IL", postal_code="60614"),
    )
    evidence = {**CLEAN, "member.address": seen("7010 Church Blvd, Tampa, Ik 60614")}
    assert set(doubted(order(evidence, member=member))) == {"member.address.state"}
    for printed in ("Tampa, IL 60614", "Tampa, iL 60614", "Tampa, Illinois 60614"):
        evidence = {**CLEAN, "member.address": seen(f"7010 Church Blvd, {printed}")}
        assert doubted(order(evidence, member=member)) == {}


def test_the_rules_put_each_doubt_on_the_referral_as_a_low_confidence_flag() -> None:
    evidence = {**CLEAN, "member.phone": seen("(217) 557-3209", 0.44)}
    out = apply_rules(order(evidence), received_at=RECEIVED, page_texts=["Patient: Joan"])
    low = [(f.field, f.message) for f in out.flags if f.code == FlagCode.LOW_CONFIDENCE]
    assert low == [("member.phone", "read with confidence 0.44; check it against the page")]


def test_a_bar_of_zero_turns_every_doubt_off() -> None:
    # After a clerk's edit the values are theirs: only the checks on values remain.
    evidence = {**CLEAN, "member.phone": seen("(217) 557-3209 Fax (217) 557-3210", 0.1)}
    referral = order(evidence, payer=Payer(name="carrier"))
    assert doubts(referral, ["Dr. Daniel Wilson"], bar=0.0) == []
    assert not [f for f in flags(referral, RECEIVED.date(), 0.0) if f.code == "low_confidence"]


def test_every_contract_path_has_a_kind() -> None:
    assert kind_of("member.first_name") == kind_of("clinician.last_name") == "name"
    assert kind_of("clinician.fax") == kind_of("member.phone") == "phone"
    assert kind_of("dates.order") == kind_of("member.dob") == "date"
    assert kind_of("member.address") == "address"
    assert kind_of("member.address.city") == kind_of("member.address.line1") == "place"
    assert kind_of("member.address.postal_code") == "zip"
    assert kind_of("diagnoses.0") == kind_of("items.2") == "other"


def test_a_patient_phone_the_clinician_is_given_too_is_doubted() -> None:
    # A caption-less "Phone:" under the physician's section read as the patient's.
    evidence = {**CLEAN, "clinician.phone": seen("Phone: 217-557-3209")}
    clinician = Clinician(first_name="Julia", last_name="O'Brien", phone="2175573209")
    out = doubted(order(evidence, clinician=clinician))
    assert set(out) == {"member.phone"}
    assert "same number" in out["member.phone"]
    clinician.phone = "2175570000"
    assert doubted(order(evidence, clinician=clinician)) == {}


def test_the_number_a_fax_was_sent_to_is_the_receivers() -> None:
    header = "07/07/2025 12:09 FROM: 773-372-3311 TO: 412/813-5647 P. 2/2"
    arrow = "2025-05-08 16:37:38 7733723311 -> 4128135647 Pg 1/2"
    evidence = {**CLEAN, "clinician.fax": seen("412 813-5647")}
    clinician = Clinician(first_name="Julia", last_name="O'Brien", fax="4128135647")
    for text in (header, arrow):
        out = doubted(order(evidence, clinician=clinician), text)
        assert set(out) == {"clinician.fax"}, text
        assert "sent to" in out["clinician.fax"]
    # The sending number is the sender's own.
    evidence["clinician.fax"] = seen("773-372-3311")
    clinician.fax = "7733723311"
    assert doubted(order(evidence, clinician=clinician), header) == {}
    assert doubted(order(evidence, clinician=clinician), arrow) == {}


def test_a_fax_printed_under_the_clinicians_name_puts_the_letterhead_fax_in_doubt() -> None:
    text = (
        "Division of Infectious Diseases\n"
        "Voice 919.602.0399 Secure fax 512.793.2014\n"
        "Please deliver the items below.\n"
        "Julia O'Brien, MD\n"
        "NPI 1234567893\n"
        "Direct line 201.812.3887 / fax 512.229.0380"
    )
    evidence = {**CLEAN, "clinician.fax": seen("Secure fax 512.793.2014")}
    clinician = Clinician(first_name="Julia", last_name="O'Brien", fax="5127932014")
    out = doubted(order(evidence, clinician=clinician), text)
    assert set(out) == {"clinician.fax"}
    assert "another fax number" in out["clinician.fax"]
    # The clinician's own fax chosen, or another name over the other number: no doubt.
    evidence["clinician.fax"] = seen("fax 512.229.0380")
    clinician.fax = "5122290380"
    assert doubted(order(evidence, clinician=clinician), text) == {}
    clinician.fax = "5127932014"
    other = text.replace("O'Brien", "Rosales")
    assert "clinician.fax" not in doubted(order(evidence, clinician=clinician), other)


def test_a_name_holding_a_caption_word_is_doubted() -> None:
    # A section heading and a caption ("DEMOGRAPHICS / Person") read as the patient's name.
    member = Member(first_name="Demographics", last_name="Person", phone="2175573209")
    out = doubted(order(dict(CLEAN), member=member))
    assert set(out) == {"member.first_name", "member.last_name"}
    assert "caption" in out["member.last_name"]


def test_a_city_with_a_letter_broken_off_is_doubted() -> None:
    member = Member(
        first_name="Joan",
        last_name="Washington",
        address=Address(line1="7010 Church Blvd", city="J ameschester"),
    )
    assert set(doubted(order(dict(CLEAN), member=member))) == {"member.address.city"}
    member.address = Address(line1="7010 Church Blvd", city="Port St. Lucie")
    assert doubted(order(dict(CLEAN), member=member)) == {}


def _low_confidence(page_rows: list[list[tuple[float, str]]], **conf: float) -> list[str]:
    page = laid_out_page(page_rows, conf=conf)
    referral = extract(
        [ReadPage(page, b"")], filename="fax.tif", sha256="0" * 64, received_at=RECEIVED
    )
    return [f.field for f in referral.flags if f.code == FlagCode.LOW_CONFIDENCE]


def test_a_mark_between_an_addresss_parts_does_not_doubt_them_all() -> None:
    # A cell's rule read as "|" between the town and the state, barely legible: no part of
    # the address is in doubt, so none is flagged (the whole address stood for each part).
    rows = [
        [(0.05, "Patient: Joan Washington"), (0.55, "DOB: 06/27/1955")],
        [(0.05, "Address: 7010 Church Blvd, Williamsport | PA 17701")],
        [(0.05, "Ordering physician: Julia Brien, MD")],
    ]
    assert _low_confidence(rows, **{"|": 0.2}) == []
    # The state's own word barely read is a doubt about the whole address (a state has no
    # evidence of its own: it may be the ZIP's).
    assert _low_confidence(rows, **{"|": 0.2, "PA": 0.2}) == ["member.address"]


@pytest.mark.parametrize(
    ("others", "doubted"),
    [
        # The caregiver's number under its own "Phone:": a second party's number, not a
        # second reading of the patient's.
        (["Caregiver: Paul Washington (son)", "Phone: 717-555-0199"], False),
        # The same number printed again with a 9 where the first has a 3: which is the
        # print is for the clerk to see.
        (["Home phone: 570-555-0149"], True),
    ],
)
def test_a_second_number_is_a_rival_only_as_a_misread_of_the_same_print(
    others: list[str], doubted: bool
) -> None:
    rows = [
        [(0.05, "Patient: Joan Washington"), (0.55, "DOB: 06/27/1955")],
        [(0.05, "Phone: 570-555-0143")],
        *([(0.05, text)] for text in others),
        [(0.05, "Ordering physician: Julia Brien, MD")],
    ]
    assert ("member.phone" in _low_confidence(rows)) is doubted


def test_a_date_whose_year_was_read_again_is_doubted() -> None:
    evidence = {**CLEAN, "dates.discharge": seen("Expected discharge 10/14/2624")}
    out = doubted(order(evidence, dates=Dates(discharge=date(2024, 10, 14))))
    assert "printed 2624, read as 2024" in out["dates.discharge"]
    plain = {**CLEAN, "dates.discharge": seen("Expected discharge 10/14/2024")}
    assert doubted(order(plain, dates=Dates(discharge=date(2024, 10, 14)))) == {}


def test_a_discharge_year_misread_on_the_page_is_read_and_flagged() -> None:
    page = laid_out_page(
        [
            [(0.05, "Patient: Joan Washington"), (0.55, "DOB: 06/27/1955")],
            [(0.05, "Order date: 10/10/2024"), (0.55, "Expected discharge: 10/14/2624")],
            [(0.05, "Ordering physician: Julia Brien, MD")],
        ]
    )
    referral = extract(
        [ReadPage(page, b"")], filename="fax.tif", sha256="0" * 64, received_at=RECEIVED
    )
    assert referral.dates.discharge == date(2024, 10, 14)
    low = {f.field for f in referral.flags if f.code == FlagCode.LOW_CONFIDENCE}
    assert "dates.discharge" in low


def test_an_id_read_leaving_out_a_character_is_doubted() -> None:
    evidence = {**CLEAN, "member.member_id": seen("Beneficiary no.: S5CF1YESUQ12")}
    member = Member(first_name="Joan", last_name="Washington", member_id="5CF1YE5UQ12")
    assert doubted(order(evidence, member=member)) == {
        "member.member_id": "read leaving out a character the ID cannot hold; "
        "check it against the page"
    }
    # Read as printed, dashes and all: nothing left out.
    evidence = {**CLEAN, "member.member_id": seen("MBI # 1EG4-TE5-MK73")}
    member = Member(first_name="Joan", last_name="Washington", member_id="1EG4TE5MK73")
    assert doubted(order(evidence, member=member)) == {}


def test_an_id_read_through_a_sign_is_doubted() -> None:
    evidence = {**CLEAN, "member.member_id": seen("TennCare ID $C200418773")}
    member = Member(first_name="Joan", last_name="Washington", member_id="SC200418773")
    assert doubted(order(evidence, member=member)) == {
        "member.member_id": "a sign in the ID was read as a letter; check it against the page"
    }
