"""Captions no label list names: their cue words give the value's role, its shape decides."""

from __future__ import annotations

from datetime import date

from extractors.extract.captions import caption_party, caption_path, captioned_values
from extractors.extract.cover import is_cover_sheet
from extractors.extract.parties import extract_parties
from tests.extractors.laid_out import laid_out_page


def test_cue_words_name_the_path_whatever_the_wording() -> None:
    assert caption_path("Birth date:") == "member.dob"
    assert caption_path("Sex at birth:") == "member.sex"
    assert caption_path("Home addr.:") == "member.address"
    assert caption_path("Financial class:") == "payer.name"
    assert caption_path("Contract #:") == "member.member_id"
    assert caption_path("NPI ID:") == "clinician.npi"
    # A phone caption that names the patient is the phone, not the name.
    assert caption_path("Patient phone:") == "member.phone"
    # Numbers of other things are no member ID; a caption with no cue names nothing.
    assert caption_path("Group #:") is None
    assert caption_path("Req #:") is None
    assert caption_path("Remarks:") is None


def test_another_partys_caption_or_section_reads_nothing() -> None:
    assert caption_party("Supplier phone") == "other"
    assert caption_party("Signing provider") == "clinician"
    page = laid_out_page(
        [
            [(0.1, "DISPENSING SUPPLIER")],
            [(0.1, "Telephone: 702.555.0101")],
            [(0.1, "PATIENT")],
            [(0.1, "Telephone: 702.461.8075")],
        ]
    )
    phones = [c.text for c in captioned_values([page]) if c.path == "member.phone"]
    assert phones == ["702.461.8075"]


def test_unlisted_captions_fill_the_order() -> None:
    page = laid_out_page(
        [
            [(0.1, "Individual: Jonathan Davis"), (0.5, "Birth date: 11/17/43")],
            [(0.1, "Street: 234 Taylor Unions, South Anthony, ME 04059")],
            [(0.1, "Daytime phone: 702.461.8075"), (0.5, "Financial class: Humana Gold Plus")],
            [(0.1, "Signing provider: Christine Jackson, PA-C"), (0.6, "NPI ID: 2226618504")],
        ]
    )
    found = extract_parties([page], date(2025, 8, 20))
    values = {path: f.value for path, f in found.items()}
    assert (values["member.first_name"], values["member.last_name"]) == ("Jonathan", "Davis")
    assert values["member.dob"] == date(1943, 11, 17)
    assert values["member.address"]["city"] == "South Anthony"
    assert values["member.phone"] == "7024618075"
    assert values["payer.name"] == "Humana Gold Plus"
    assert values["clinician.last_name"] == "Jackson"
    assert values["clinician.npi"] == "2226618504"


def test_a_caption_whose_value_has_the_wrong_shape_reads_nothing() -> None:
    page = laid_out_page([[(0.1, "Birth date: unknown")], [(0.1, "Daytime phone: none")]])
    found = extract_parties([page], date(2025, 8, 20))
    assert "member.dob" not in found
    assert "member.phone" not in found


def test_cover_sheets_are_told_by_their_kinds_of_caption() -> None:
    # Other wordings than "To/From", no title line: recipient, sender, page count, status.
    cover = laid_out_page(
        [
            [(0.1, "RECIPIENT Intake / Referrals")],
            [(0.1, "ORGANIZATION Summit Respiratory")],
            [(0.1, "SENT BY Maria at the office of Dr. Gray")],
            [(0.1, "PAGES INCL. COVER 3")],
            [(0.1, "URGENT FYI Reply requested Original to follow")],
        ]
    )
    assert is_cover_sheet(cover)
    # An order that prints a "To:" and a fax number is still an order.
    order = laid_out_page(
        [
            [(0.1, "To: Summit Respiratory"), (0.5, "Fax: 555-201-3344")],
            [(0.1, "Patient: John Smith"), (0.5, "DOB: 01/23/1945")],
            [(0.1, "Dx: J44.1"), (0.5, "Item: E1390 oxygen concentrator")],
        ]
    )
    assert not is_cover_sheet(order)
