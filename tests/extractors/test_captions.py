"""Captions no label list names: their cue words give the value's role, its shape decides."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.extract.captions import caption_party, caption_path, captioned_values
from extractors.extract.confidence import CONTESTED_CONFIDENCE
from extractors.extract.cover import is_cover_sheet, order_pages
from extractors.extract.labels import find_values, values_over_captions
from extractors.extract.narrative import find_mentions
from extractors.extract.parties import extract_parties
from tests.extractors.faxed import faxed_lines
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
    # The member's other values are no member ID, though "Member" alone captions one.
    assert caption_path("MEMBER ADDRESS.") == "member.address"
    assert caption_path("Member #") == "member.member_id"
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


def test_boxed_form_captions_over_their_values_by_column() -> None:
    page = laid_out_page(
        [
            [(0.1, "SECTION A - ENROLLEE")],
            [
                (0.06, "1. ENROLLEE NAME (Last, First)"),
                (0.5, "2. DATE OF BIRTH"),
                (0.75, "3. PLAN MEMBER #"),
            ],
            [(0.06, "Miller, Katie B."), (0.5, "03/16/1967"), (0.75, "RP71098W")],
            [
                (0.06, "5. STREET ADDRESS"),
                (0.4, "6. CITY"),
                (0.6, "7. STATE"),
                (0.7, "8. ZIP CODE"),
            ],
            [(0.06, "497 Johnston Point"), (0.4, "Josephville"), (0.6, "FL"), (0.7, "32655")],
            [(0.06, "13. PROVIDER NAME"), (0.5, "14. NPI")],
            [(0.06, "David Harris, NP"), (0.5, "2349394629")],
            [(0.06, "18. ADDRESS")],
            [(0.06, "09 Davis Center, Rothshire, HI 96853")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 2, 5)).items()}
    assert (values["member.first_name"], values["member.last_name"]) == ("Katie", "Miller")
    assert values["member.dob"] == date(1967, 3, 16)
    assert values["member.member_id"] == "RP71098W"
    # The street's city, state and ZIP boxes make its address; the provider's is not hers.
    assert values["member.address"]["city"] == "Josephville"
    assert values["member.address"]["postal_code"] == "32655"
    assert values["clinician.last_name"] == "Harris"
    assert values["clinician.npi"] == "2349394629"


def test_a_form_printing_its_captions_under_the_values() -> None:
    """Each value typed on a line with its caption printed beneath: the rows above the
    captions hold the values, as the dates, phones and NPI in their columns show."""
    page = laid_out_page(
        [
            [(0.1, "PAP SUPPLY ORDER")],
            [(0.08, "Hollis"), (0.5, "Bernadette"), (0.8, "F")],
            [(0.08, "PATIENT LAST NAME"), (0.5, "FIRST NAME"), (0.8, "SEX")],
            [(0.08, "02/17/1963"), (0.32, "(503) 555-0129"), (0.65, "Providence Health Plan")],
            [(0.08, "DATE OF BIRTH"), (0.32, "HOME PHONE"), (0.65, "INSURANCE")],
            [(0.08, "9920 SW Canyon Ln"), (0.58, "PHP00417762")],
            [(0.08, "STREET ADDRESS"), (0.58, "MEMBER ID")],
            [(0.08, "Beaverton"), (0.46, "OR"), (0.6, "97005")],
            [(0.08, "CITY"), (0.46, "STATE"), (0.6, "ZIP")],
            [(0.08, "Anand Ramaswamy, MD"), (0.5, "1338204716"), (0.75, "503-555-6000")],
            [(0.08, "ORDERING PHYSICIAN"), (0.5, "NPI"), (0.75, "PHONE")],
            [(0.08, "G47.33 Obstructive sleep apnea")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2026, 12, 3)).items()}
    assert (values["member.first_name"], values["member.last_name"]) == ("Bernadette", "Hollis")
    assert values["member.sex"] == "F"
    assert values["member.dob"] == date(1963, 2, 17)
    assert values["member.phone"] == "5035550129"
    assert values["payer.name"] == "Providence Health Plan"
    assert values["member.member_id"] == "PHP00417762"
    assert values["member.address"]["line1"] == "9920 SW Canyon Ln"
    assert values["member.address"]["city"] == "Beaverton"
    assert values["member.address"]["postal_code"] == "97005"
    assert values["clinician.last_name"] == "Ramaswamy"
    assert values["clinician.npi"] == "1338204716"
    # The phone in the physician's row of boxes is his, though the member's ID sat above it.
    assert values["clinician.phone"] == "5035556000"


def test_dates_typed_over_date_captions_make_no_page_of_captions_under_values() -> None:
    """Every form types a signature's date over its "Date": that says nothing of where the
    form's other captions put their values."""
    page = laid_out_page(
        [
            [(0.08, "PATIENT NAME"), (0.5, "DATE OF BIRTH")],
            [(0.08, "Gerald Whitcomb"), (0.5, "03/14/1941")],
            [(0.08, "Physician signature")],
            [(0.08, "12/02/2026"), (0.5, "12/03/2026")],
            [(0.08, "Date"), (0.5, "Date")],
        ]
    )
    assert not values_over_captions(page)
    values = {p: f.value for p, f in extract_parties([page], date(2026, 12, 3)).items()}
    assert values["member.dob"] == date(1941, 3, 14)


def test_captions_without_colons_by_their_style() -> None:
    page = laid_out_page(
        [
            [
                (0.06, "Pt. name"),
                (0.25, "Martinez, Joshua"),
                (0.55, "Hospital MRN"),
                (0.7, "934777"),
            ],
            [(0.06, "DoB"), (0.25, "12/04/1970"), (0.55, "Gndr."), (0.7, "M")],
            [
                (0.06, "Ins. carrier"),
                (0.25, "Humana Gold Plus HMO"),
                (0.55, "Member no."),
                (0.7, "W4507845901"),
            ],
            [(0.06, "ADDRESS 714 Gregory Port CITY Laramouth ST CA ZIP 91725")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 10, 1)).items()}
    assert values["member.last_name"] == "Martinez"
    assert values["member.dob"] == date(1970, 12, 4)
    assert values["member.sex"] == "M"
    assert values["payer.name"] == "Humana Gold Plus HMO"
    assert values["member.member_id"] == "W4507845901"
    assert values["member.address"]["city"] == "Laramouth"
    assert values["member.address"]["state"] == "CA"


def test_a_signature_blocks_caption_under_its_date() -> None:
    page = laid_out_page(
        [
            [(0.06, "Patient: Paul Rodriguez")],
            [(0.65, "September 24, 2025")],
            [(0.06, "PHYSICIAN SIGNATURE"), (0.65, "DATE")],
        ]
    )
    found = extract_parties([page], date(2025, 9, 25))
    assert found["dates.signature"].value == date(2025, 9, 24)


def test_a_letters_subject_line_lists_the_members_values() -> None:
    page = laid_out_page(
        [
            [(0.06, "Tel 813/796-5972")],
            [
                (
                    0.06,
                    "Re: born 04-Mar-1972, male, Kaiser Permanente no. 657876332,"
                    " tel. 720/804-7831",
                )
            ],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 3, 7)).items()}
    assert values["member.dob"] == date(1972, 3, 4)
    assert values["member.sex"] == "M"
    assert values["payer.name"] == "Kaiser Permanente"
    assert values["member.member_id"] == "657876332"
    # The letterhead's number, above the member's first value, is the office's, not hers.
    assert values["member.phone"] == "7208047831"


@pytest.mark.parametrize(
    ("listing", "plan", "member_id"),
    [
        # OCR reads the dot of "no." as a comma: still the number's cue, not a cut.
        ("Re: born 1943/01/22, male, Tricare East no, 96536679455", "Tricare East", "96536679455"),
        # A plan's letter prefix printed apart from the number.
        ("Re: born 08/29/1964, male, Aetna no. UV 9660767", "Aetna", "UV9660767"),
    ],
)
def test_a_subject_lines_plan_and_number_through_print_and_ocr_quirks(
    listing: str, plan: str, member_id: str
) -> None:
    page = laid_out_page([[(0.06, listing)]])
    values = {p: f.value for p, f in extract_parties([page], date(2025, 3, 7)).items()}
    assert values["payer.name"] == plan
    assert values["member.member_id"] == member_id


@pytest.mark.parametrize(
    "row",
    [
        "ID# RNY 546453166 GROUP# 576892",
        "Financial class: Aetna ID card #: RNY546453166",
        "Insurer: Medi-Cal Enrollee ID: RNY546453166",
    ],
)
def test_member_ids_under_unlisted_captions_and_with_a_spaced_prefix(row: str) -> None:
    page = laid_out_page([[(0.06, "PATIENT Grace Okafor")], [(0.06, row)]])
    values = {p: f.value for p, f in extract_parties([page], date(2025, 3, 7)).items()}
    assert values["member.member_id"] == "RNY546453166"


@pytest.mark.parametrize(
    ("printed", "member_id"),
    [
        ("CFB 7723 0119 4", "CFB772301194"),
        ("XWJ 449 201 337", "XWJ449201337"),
        ("7723 0119 4", "772301194"),
        # A number that is an ID's length alone, then the card's two-digit person code.
        ("123456789 01", "12345678901"),
    ],
)
def test_a_member_id_printed_in_groups_as_on_a_card(printed: str, member_id: str) -> None:
    page = laid_out_page(
        [
            [(0.06, "Last name"), (0.2, "Okafor"), (0.5, "First name"), (0.62, "Chidi")],
            [(0.06, "Member ID"), (0.2, printed), (0.5, "Group"), (0.62, "88120")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 3, 7)).items()}
    assert values["member.member_id"] == member_id


@pytest.mark.parametrize(
    ("printed", "plan", "member_id"),
    [
        ("Plan: Anthem BCBS # YRB882047731", "Anthem BCBS", "YRB882047731"),
        ("Plan: Anthem BCBS #YRB882047731", "Anthem BCBS", "YRB882047731"),
        ("Insurance: Medicare Part B ID 1EG4TE5MK73", "Medicare Part B", "1EG4TE5MK73"),
    ],
)
def test_a_plans_number_after_a_bare_mark_is_the_members_id(
    printed: str, plan: str, member_id: str
) -> None:
    page = laid_out_page([[(0.1, "Patient: Marisol Delacroix")], [(0.1, printed)]])
    values = {p: f.value for p, f in extract_parties([page], date(2026, 12, 3)).items()}
    assert values["payer.name"] == plan
    assert values["member.member_id"] == member_id


def test_a_letterheads_one_letter_captions_and_a_names_initial() -> None:
    """ "P 614-555-8810 | F 614-555-8811" are the office's phone and fax; the "P." of a
    name is an initial, no caption of the words after it."""
    page = laid_out_page(
        [
            [(0.1, "Dr. Tomasz Wielgosz, MD | NPI 1903556276 | P 614-555-8810 | F 614-555-8811")],
            [(0.1, "Patient: Marisol Delacroix")],
            [(0.1, "Name: Curtis P. Ramirez, M.D. NPI no.: 1797041195")],
        ]
    )
    assert caption_path("P. Ramirez, M.D. NPI no.") == "clinician.npi"
    values = {p: f.value for p, f in extract_parties([page], date(2026, 12, 3)).items()}
    assert values["clinician.phone"] == "6145558810"
    assert values["clinician.fax"] == "6145558811"


def test_a_letters_subject_block_set_in_under_its_re_line() -> None:
    """The lines under "Re: <name> (DOB ...)", set in by a few spaces: the street's line ends
    at its ZIP before the phone, and the plan's name runs on into its number's caption."""
    page = laid_out_page(
        [
            [(0.1, "Re: Eleanor Whitfield-Brandt (DOB 10/02/1931, female)")],
            [(0.125, "5012 Swiss Ave, Dallas, TX 75214 - home 214-555-0172")],
            [(0.125, "Aetna Medicare Advantage, member no. MEB404129937")],
            [(0.1, "Ms. Whitfield-Brandt has end-stage heart failure (I50.84).")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2026, 12, 3)).items()}
    assert values["member.address"]["line1"] == "5012 Swiss Ave"
    assert values["member.address"]["line2"] is None
    assert values["member.address"]["postal_code"] == "75214"
    assert values["member.phone"] == "2145550172"
    assert values["payer.name"] == "Aetna Medicare Advantage"
    assert values["member.member_id"] == "MEB404129937"


def test_a_numbers_caption_after_a_number_opens_a_caption_of_its_own() -> None:
    """ "Ph 402-555-3700 Fax 402-555-3701", no colon or bar between: two numbers."""
    page = laid_out_page(
        [
            [(0.1, "Prairie Rehabilitation Clinic")],
            [(0.1, "Ph 402-555-3700 Fax 402-555-3701")],
            [(0.1, "Patient name: Beaumont, Clifford R.")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2026, 12, 3)).items()}
    assert values["clinician.phone"] == "4025553700"
    assert values["clinician.fax"] == "4025553701"


def test_a_hospital_labels_name_in_a_cell_of_the_title_row() -> None:
    """A patient label set beside the hospital's name: the name is a cell of that row, its
    double surname listed part by part; the label's date of birth and the page's other
    values anchor it. Flagged: only its place says whose it is."""
    page = laid_out_page(
        [
            [(0.08, "MERCY GENERAL HOSPITAL"), (0.6, "GARCIA-LOPEZ, MARIA E")],
            [(0.08, "Discharge Planning"), (0.6, "MRN: 00552431")],
            [(0.6, "DOB: 03/03/1939 F")],
            [(0.08, "Home address: 2219 Capitol Ave, Sacramento, CA 95816")],
            [(0.08, "Home phone: (916) 555-0133")],
        ]
    )
    found = extract_parties([page], date(2026, 12, 3))
    assert (found["member.first_name"].value, found["member.last_name"].value) == (
        "Maria",
        "Garcia-Lopez",
    )
    assert found["member.last_name"].confidence <= CONTESTED_CONFIDENCE


def test_a_row_another_partys_caption_opens_keeps_its_numbers() -> None:
    """ "Dispensing pharmacy: Valley Home Infusion, NPI ..., ph ...": the pharmacy's NPI and
    phone, however near the ordering clinician's line, are neither the clinician's nor the
    member's."""
    page = laid_out_page(
        [
            [(0.1, "Patient: Sandoval, Teodoro     DOB: 04/19/1961")],
            [(0.1, "Dispensing pharmacy: Valley Home Infusion, NPI 1819202122, ph 559-555-9100")],
            [(0.1, "Ordering physician: Miriam Castellano-Ruiz, MD   NPI 1920212226")],
        ]
    )
    found = extract_parties([page], date(2026, 12, 3))
    assert found["clinician.npi"].value == "1920212226"
    assert "member.phone" not in found


def test_a_number_under_its_caption_in_the_clinicians_block() -> None:
    """The requesting provider's boxes: "FAX" alone on its row, the number on the row under
    it, is the fax, not a second phone."""
    page = laid_out_page(
        [
            [(0.06, "MEMBER NAME"), (0.5, "DATE OF BIRTH")],
            [(0.06, "Okonjo, Chidi"), (0.5, "11/23/1955")],
            [(0.06, "REQUESTING PROVIDER")],
            [(0.06, "NAME"), (0.45, "NPI"), (0.7, "PHONE")],
            [(0.06, "Yusuf Adeyemi, MD"), (0.45, "1213141512"), (0.7, "407-555-2200")],
            [(0.06, "FAX")],
            [(0.06, "407-555-2201")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2026, 12, 3)).items()}
    assert values["clinician.phone"] == "4075552200"
    assert values["clinician.fax"] == "4075552201"


def test_a_plans_group_number_after_its_name_is_no_members_id() -> None:
    page = laid_out_page(
        [[(0.1, "Patient: Bernadette Anderson")], [(0.1, "Funding Source: Cigna Grp # GRP338446")]]
    )
    found = extract_parties([page], date(2026, 12, 3))
    assert found["payer.group_number"].value == "GRP338446"
    assert "member.member_id" not in found


def test_a_tick_and_a_box_number_before_a_caption() -> None:
    page = laid_out_page([[(0.06, "[X] 1. Beneficiary name RICHARDS, WILLIAM")]])
    values = {p: f.value for p, f in extract_parties([page], date(2025, 3, 7)).items()}
    assert (values["member.first_name"], values["member.last_name"]) == ("William", "Richards")


def test_a_listed_label_with_no_value_reads_nothing_from_its_own_words() -> None:
    page = laid_out_page([[(0.07, "Funding Source ke #")]])
    assert "payer.name" not in extract_parties([page], date(2025, 3, 7))


def test_a_letters_name_over_an_address_block_is_the_member() -> None:
    page = laid_out_page(
        [
            [(0.06, "Patrick Infectious Disease Consultants")],
            [(0.06, "944 Weaver Turnpike, East Johnland, CO 81559")],
            [(0.06, "07-Mar-2025")],
            [(0.06, "FRAZIER, RYAN")],
            [(0.06, "58834 Mosley Mountain")],
            [(0.06, "Lake Jasonmouth, NY 11941")],
            [(0.06, "Dear colleagues,")],
            [(0.06, "Omar Miller, DO")],
            [(0.06, "12 Clinic Way, Denver, CO 80202")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 3, 7)).items()}
    assert (values["member.first_name"], values["member.last_name"]) == ("Ryan", "Frazier")
    assert values["member.address"]["line1"] == "58834 Mosley Mountain"
    assert values["member.address"]["city"] == "Lake Jasonmouth"


def test_only_a_bare_id_caption_names_the_members_id() -> None:
    assert caption_path("ID#") == "member.member_id"
    assert caption_path("No.") is None


def test_a_value_another_caption_contradicts_is_doubted() -> None:
    page = laid_out_page(
        [
            [(0.06, "Patient: Ann Lee"), (0.5, "Birth date: 11/17/43")],
            [(0.06, "Daytime phone: 702.461.8075")],
            [(0.06, "Cell phone: 702.555.0199")],
            [(0.06, "DOB: 11/17/48")],
        ]
    )
    found = extract_parties([page], date(2025, 8, 20))
    # Two birth dates for the patient: the first is kept, and offered to the clerk as unsure.
    assert found["member.dob"].value == date(1943, 11, 17)
    assert found["member.dob"].confidence <= CONTESTED_CONFIDENCE
    # Two phones are two numbers (a patient's cell beside the home line, a caregiver's):
    # the first is kept, and the other doubts it only if it may be the same print misread.
    assert found["member.phone"].value == "7024618075"
    assert found["member.phone"].confidence > CONTESTED_CONFIDENCE


def test_a_second_payer_or_office_line_is_no_doubt() -> None:
    # An order rightly prints a secondary insurer and a second clinician number.
    page = laid_out_page(
        [
            [(0.06, "Patient: Ann Lee"), (0.5, "Birth date: 11/17/43")],
            [(0.06, "Primary insurance: Blue Cross"), (0.5, "Secondary insurance: Humana")],
            [(0.06, "Physician: Dr. Omar Miller"), (0.5, "Office phone: 702.461.8075")],
            [(0.5, "Direct phone: 702.555.0199")],
        ]
    )
    found = extract_parties([page], date(2025, 8, 20))
    assert found["payer.name"].confidence > CONTESTED_CONFIDENCE
    assert found["clinician.phone"].confidence > CONTESTED_CONFIDENCE


def test_a_band_of_captions_reads_wrapped_captions_and_wrapped_values() -> None:
    # A requisition's demographics: captions across the page, a caption wrapped onto a
    # second row ("Daytime" / "phone"), and values wrapped inside their cells.
    page = laid_out_page(
        [
            [(0.05, "PATIENT DEMOGRAPHICS")],
            [
                (0.05, "Last"),
                (0.15, "First"),
                (0.23, "Birth date"),
                (0.36, "Sex"),
                (0.42, "Mailing addr"),
                (0.55, "City"),
                (0.66, "ST"),
                (0.70, "ZIP"),
                (0.76, "Daytime"),
                (0.88, "Plan"),
            ],
            [(0.76, "phone")],
            [
                (0.05, "Okafor"),
                (0.15, "Grace"),
                (0.23, "03/14/51"),
                (0.36, "F"),
                (0.42, "12 Birch Lane"),
                (0.55, "Fort"),
                (0.66, "TX"),
                (0.70, "75001"),
                (0.76, "214.555.0188"),
                (0.88, "Lone Star"),
            ],
            [(0.42, "Unit 4B"), (0.55, "Worth"), (0.88, "Health")],
            [(0.05, "Comments: none")],
        ],
        line_height=0.014,
    )
    values = {path: f.value for path, f in extract_parties([page], date(2025, 8, 20)).items()}
    assert (values["member.first_name"], values["member.last_name"]) == ("Grace", "Okafor")
    assert values["member.dob"] == date(1951, 3, 14)
    assert values["member.sex"] == "F"
    assert values["member.address"]["line1"] == "12 Birch Lane Unit 4B"
    assert values["member.address"]["city"] == "Fort Worth"
    assert values["member.address"]["postal_code"] == "75001"
    assert values["member.phone"] == "2145550188"
    assert values["payer.name"] == "Lone Star Health"


def test_printed_separators_cut_a_row_into_cells_and_single_letters_caption_numbers() -> None:
    page = laid_out_page(
        [
            [(0.05, "Patient: Grace Okafor")],
            [
                (
                    0.05,
                    "Authorizing provider: NWOSU, Adaeze T (MD) | NPI 1234567893"
                    " | T 919.372.1295 | F 303.343.5959",
                )
            ],
        ]
    )
    values = {path: f.value for path, f in extract_parties([page], date(2025, 8, 20)).items()}
    assert (values["clinician.first_name"], values["clinician.last_name"]) == ("Adaeze", "Nwosu")
    assert values["clinician.npi"] == "1234567893"
    assert values["clinician.phone"] == "9193721295"
    assert values["clinician.fax"] == "3033435959"


def test_a_caption_beside_its_value_is_no_band_of_captions() -> None:
    # Neither a name after its caption nor a plan's name is a caption over a value row; the
    # row under them is no one's name.
    page = laid_out_page(
        [
            [(0.05, "Discharged to: Home"), (0.60, "Name"), (0.70, "Marshall, Robert K.")],
            [(0.05, "Room / bed 203-B"), (0.60, "Health insurance"), (0.75, "Aetna Medicare")],
            [(0.05, "Admitted 11/01/2025"), (0.60, "Legal sex"), (0.70, "Male")],
        ]
    )
    values = {path: f.value for path, f in extract_parties([page], date(2025, 11, 20)).items()}
    assert (values["member.first_name"], values["member.last_name"]) == ("Robert", "Marshall")
    assert values["payer.name"] == "Aetna Medicare"
    assert values["member.sex"] == "M"


def test_a_first_name_box_never_takes_the_next_caption() -> None:
    page = laid_out_page(
        [
            [(0.05, "Last"), (0.20, "First"), (0.35, "D/O/B"), (0.50, "Sex")],
            [(0.05, "MILLER"), (0.20, "MELISSA"), (0.35, "12/3/1957"), (0.50, "F")],
        ]
    )
    values = {path: f.value for path, f in extract_parties([page], date(2025, 8, 20)).items()}
    names = (values["member.first_name"], values["member.last_name"])
    assert tuple(name.lower() for name in names) == ("melissa", "miller")


def test_numbered_boxes_read_box_by_box_and_row_by_row() -> None:
    # A prior-authorization form: numbered boxes, two in one cell ("7. STATE 8. ZIP CODE"),
    # each caption row straight over its values and straight under the row before.
    page = laid_out_page(
        [
            [(0.06, "SECTION A - ENROLLEE")],
            [(0.06, "1. ENROLLEE NAME (Last, First)"), (0.45, "2. DATE OF BIRTH")],
            [(0.06, "Hardy, Bradley K."), (0.45, "04/24/1937")],
            [
                (0.06, "5. STREET ADDRESS"),
                (0.30, "6. CITY"),
                (0.48, "7. STATE 8. ZIP CODE"),
                (0.75, "9. TELEPHONE"),
            ],
            [
                (0.06, "28781 Herring Fork"),
                (0.30, "Kathleenstad"),
                (0.48, "FL"),
                (0.58, "32720"),
                (0.75, "919-757-7545"),
            ],
        ],
        line_height=0.014,
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 3, 7)).items()}
    assert (values["member.first_name"], values["member.last_name"]) == ("Bradley", "Hardy")
    assert values["member.address"] == {
        "line1": "28781 Herring Fork",
        "line2": None,
        "city": "Kathleenstad",
        "state": "FL",
        "postal_code": "32720",
    }
    assert values["member.phone"] == "9197577545"


def test_an_address_known_by_its_shape_in_the_members_part() -> None:
    # A discharge sheet's side column: the street after words no list names, the town,
    # state and ZIP on the row under it, a row of the other column set between them.
    page = laid_out_page(
        [
            [(0.04, "Cedar Ridge Care Center"), (0.66, "PHYSICIAN DISCHARGE ORDERS")],
            [(0.04, "D/C date: 11/10/2025"), (0.66, "Name"), (0.72, "Marshall, Robert K.")],
            [(0.04, "Daptomycin J0878 42"), (0.66, "Legal sex"), (0.74, "Male")],
            [(0.04, "Start on: 11/12/2025"), (0.66, "Going home to 038 Jorge Pines Suite 570")],
            [(0.04, "Provider arranged: Optima Infusion Pharmacy")],
            [(0.76, "Amberland, AK 99914")],
        ],
        line_height=0.012,
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 11, 10)).items()}
    assert values["member.sex"] == "M"
    assert values["member.address"]["line1"] == "038 Jorge Pines Suite 570"
    assert values["member.address"]["city"] == "Amberland"


def test_a_speck_before_the_town_and_a_units_dot_read_as_a_colon() -> None:
    # The side column's rule read as a word ("we") before the town, and "Apt." as "Apt:".
    page = laid_out_page(
        [
            [(0.04, "D/C date: 11/10/2025"), (0.66, "Name"), (0.72, "Marshall, Robert K.")],
            [(0.04, "Start on: 11/12/2025"), (0.66, "Going home to 62364 Heather Courts Apt: 610")],
            [(0.74, "we Melissaborough, TX 78748")],
        ],
        line_height=0.012,
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 11, 10)).items()}
    address = values["member.address"]
    assert address["line1"].replace(".", "") == "62364 Heather Courts Apt 610"
    assert (address["city"], address["state"], address["postal_code"]) == (
        "Melissaborough",
        "TX",
        "78748",
    )


def test_a_town_wider_than_its_street_in_a_side_column() -> None:
    # The town runs past the short street above it, and the other column's words share
    # its row.
    page = laid_out_page(
        [
            [(0.04, "Daptomycin J0878 42"), (0.62, "LAKESIDE CARE FACILITY - GOING HOME")],
            [(0.04, "Start on: 11/12/2025"), (0.62, "Name"), (0.70, "Marshall, Robert K.")],
            [(0.04, "Follow up with PCP"), (0.62, "Going home to 12 Elm Rd")],
            [(0.04, "Home infusion per diem 28"), (0.72, "Springfield Heights, OH 45011")],
        ],
        line_height=0.012,
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 11, 10)).items()}
    assert values["member.address"]["line1"] == "12 Elm Rd"
    assert values["member.address"]["city"] == "Springfield Heights"


def test_captions_inside_an_address_part_its_values() -> None:
    # Lower-case captions between capitalised values, and the ADDRESS caption misread.
    page = laid_out_page(
        [
            [(0.06, "PATIENT Okafor, Grace"), (0.5, "DOB 02/11/1958")],
            [(0.06, "Adrcss 4410 Fenwick Road Apt. 9 city Carver st. MN / zip 55315")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 3, 1)).items()}
    assert values["member.address"] == {
        "line1": "4410 Fenwick Road Apt. 9",
        "line2": None,
        "city": "Carver",
        "state": "MN",
        "postal_code": "55315",
    }


def test_a_slashed_caption_list_inside_the_streets_value() -> None:
    # "City / State / Zip" parts the street from the town; the street's own "City" does not.
    page = laid_out_page(
        [
            [(0.06, "Patient: Okafor, Grace"), (0.5, "DOB: 02/11/1958")],
            [(0.06, "Home address: 77 Salt Lake City Rd Cty/ State / Zip Carver, MN 55315")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 3, 1)).items()}
    assert values["member.address"]["line1"] == "77 Salt Lake City Rd"
    assert values["member.address"]["city"] == "Carver"


def test_a_street_and_town_on_one_row_after_a_caption_no_list_names() -> None:
    page = laid_out_page(
        [
            [(0.06, "Patient: Okafor, Grace"), (0.5, "DOB: 02/11/1958")],
            [(0.06, "Whereabouts 1: 4410 Fenwick Road, Carver, MN 55315 Cell: 612-555-0142")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 3, 1)).items()}
    assert values["member.address"]["line1"] == "4410 Fenwick Road"
    assert values["member.address"]["postal_code"] == "55315"


@pytest.mark.parametrize(
    ("row", "street", "town"),
    [
        # "city", "st" and "zip" read as "crry", "sr" and "zp": the short lower-case words
        # before the state and the ZIP say the row prints its captions inline, so "crry"
        # between the street and the town is one too, not part of either.
        (
            "ADDRESS 4410 Fenwick Port crry Port Carver sr MN zp 55315",
            "4410 Fenwick Port",
            "Port Carver",
        ),
        # The caption garbled past reading ("Home addr." read as "Henao adér.") and the
        # house number read with a speck's point: the street and town are still the row's.
        (
            "Henao adér. OO 758. Anne Stravenue City / State / Zip Carver, MN 55315",
            "758 Anne Stravenue",
            "Carver",
        ),
        # The town lost its capital to the box's rule: "st" before the state is still the
        # state's caption, not the end of the town.
        (
            "ADDRESS 1753 King Street city |] eremyborough st MN zip 55315",
            "1753 King Street",
            "eremyborough",
        ),
    ],
)
def test_a_one_row_address_whatever_ocr_made_of_its_captions(
    row: str, street: str, town: str
) -> None:
    page = laid_out_page(
        [[(0.06, "PATIENT Okafor, Grace"), (0.5, "DOB 02/11/1958")], [(0.06, row)]]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 3, 1)).items()}
    assert values["member.address"]["line1"] == street
    assert values["member.address"]["city"] == town
    assert values["member.address"]["state"] == "MN"
    assert values["member.address"]["postal_code"] == "55315"


@pytest.mark.parametrize(
    "rows",
    [
        # A table's street cell wrapped onto the row under it: the row holds half of it.
        [
            [(0.06, "Last First DoB Street City ST ZIP")],
            [(0.06, "Okafor Grace 02/11/1958"), (0.36, "4410 Fenwick"), (0.5, "Carver MN 55315")],
            [(0.36, "Road"), (0.5, "Heights")],
        ],
        # A quantity, not a house number: "28 per diem" beside an item.
        [
            [(0.06, "Patient: Okafor, Grace"), (0.5, "DOB: 02/11/1958")],
            [(0.06, "Home infusion per diem 28 per diem"), (0.5, "Carver, MN 55315")],
        ],
        # The prescriber's part of the order.
        [
            [(0.06, "Patient: Okafor, Grace"), (0.5, "DOB: 02/11/1958")],
            [(0.06, "ORDERING PHYSICIAN")],
            [(0.06, "Dr. Ruth Ames 4410 Fenwick Road, Carver, MN 55315")],
        ],
    ],
)
def test_no_address_from_a_row_that_only_looks_like_one(
    rows: list[list[tuple[float, str]]],
) -> None:
    page = laid_out_page(rows)
    assert "member.address" not in extract_parties([page], date(2025, 3, 1))


def test_a_letterheads_address_is_not_the_members_by_its_shape() -> None:
    page = laid_out_page(
        [
            [(0.30, "Francis Center for Sleep Medicine")],
            [(0.30, "62032 Barry Fort Apt. 292")],
            [(0.30, "Jamesport, RI 02811")],
            [(0.06, "Patient: Ronald Marks"), (0.50, "DOB: 11/05/1947")],
        ]
    )
    assert "member.address" not in extract_parties([page], date(2025, 6, 28))


def test_a_caption_ending_in_its_line_number() -> None:
    page = laid_out_page(
        [
            [(0.06, "Patient/Beneficiary: ALVARADO, Jennifer T")],
            [(0.06, "Address"), (0.16, "1: 741 Saunders Cove, West Tracy, AR 72189")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 4, 25)).items()}
    assert values["member.address"]["line1"] == "741 Saunders Cove"


def test_a_caption_ending_in_line_and_its_number() -> None:
    page = laid_out_page(
        [
            [(0.06, "Patient: Okafor, Grace")],
            [(0.06, "Address"), (0.16, "line 1: 741 Birch Cove Suite 4, Carver, MN 55315")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 4, 25)).items()}
    assert values["member.address"]["line1"] == "741 Birch Cove Suite 4"


def test_a_prescriptions_sex_after_the_birth_date() -> None:
    page = laid_out_page([[(0.07, "Patient: Taylor, Vanessa DOB: October 19, 1943 F")]])
    values = {p: f.value for p, f in extract_parties([page], date(2025, 11, 20)).items()}
    assert values["member.dob"] == date(1943, 10, 19)
    assert values["member.sex"] == "F"


def test_both_sex_legends_under_the_caption_are_no_answer() -> None:
    # "M  F" are the two boxes' legends: which one is ticked is the page image's to say.
    page = laid_out_page([[(0.06, "3. SEX"), (0.30, "4. PLAN MEMBER #")], [(0.06, "M F")]])
    assert "member.sex" not in extract_parties([page], date(2025, 11, 20))


def test_the_prescribers_numbers_are_those_beside_the_prescribers_name() -> None:
    # A nursing facility's letterhead prints the facility's fax; the attending physician's
    # box prints the physician's own numbers under the name.
    page = laid_out_page(
        [
            [(0.04, "Lakeview Transitional Care"), (0.66, "PHYSICIAN DISCHARGE ORDERS")],
            [
                (0.04, "932 Tonya Pass"),
                (0.30, "Nurses' station 773.458.2759"),
                (0.55, "Fax 312.823.4227"),
            ],
            [(0.04, "Name: Gonzalez, Donald"), (0.50, "Birth 12/10/1940")],
            [(0.04, "Start on: 03/30/2025")],
            [(0.66, "ATTENDING PHYSICIAN")],
            [(0.66, "Raymond K. Smith, M.D.")],
            [(0.66, "NPI#: 1234567893")],
            [(0.66, "Ph: 312.278.4265")],
            [(0.66, "Fax: 916.713.2944")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 3, 29)).items()}
    assert values["clinician.last_name"] == "Smith"
    assert values["clinician.phone"] == "3122784265"
    assert values["clinician.fax"] == "9167132944"


def test_a_caption_in_two_halves_over_its_box_and_a_supplier_is_no_person() -> None:
    # A prior-authorization form: "HEALTH PLAN / PRODUCT" over the plan; the requesting
    # and servicing providers' boxes side by side, the supplier's name in one.
    page = laid_out_page(
        [
            [(0.06, "1. ENROLLEE NAME"), (0.40, "2. DATE OF BIRTH")],
            [(0.06, "Hardy, Bradley K."), (0.40, "04/24/1937")],
            [(0.06, "10. HEALTH PLAN / PRODUCT"), (0.40, "11. GROUP #")],
            [(0.06, "Sunshine Health"), (0.40, "515778")],
            [(0.06, "13. PROVIDER / FACILITY NAME"), (0.50, "18. PROVIDER / FACILITY NAME")],
            [(0.06, "Lakeshore Medical Supply"), (0.50, "BLAKE, Christopher J (PA-C)")],
        ],
        line_height=0.014,
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 3, 7)).items()}
    assert values["payer.name"] == "Sunshine Health"
    assert (values["clinician.first_name"], values["clinician.last_name"]) == (
        "Christopher",
        "Blake",
    )


def test_a_date_typed_over_its_caption_under_the_signatures() -> None:
    page = laid_out_page(
        [
            [(0.06, "Patient: Robert Marshall")],
            [(0.66, "Physician signature")],
            [(0.66, "11/09/2025")],
            [(0.66, "Date")],
        ],
        line_height=0.014,
    )
    found = extract_parties([page], date(2025, 11, 10))
    assert found["dates.signature"].value == date(2025, 11, 9)


def test_a_date_label_run_on_from_another_dates_caption_is_no_order_date() -> None:
    page = laid_out_page(
        [
            [(0.06, "PATIENT RONALD MARKS DOB 11.05.1947 SEX M")],
            [(0.06, "STUDY DATE 06.20.2025 TYPE PSG")],
        ]
    )
    assert "dates.order" not in extract_parties([page], date(2025, 6, 28))


@pytest.mark.parametrize(
    ("printed", "credentials"),
    [
        (["Ordering: Beatriz Solano, NP-C NPI 1765432103"], "NP-C"),
        (["Ordering clinician: Beatriz Solano MD, CWS Tel 509-555-3300"], "MD, CWS"),
    ],
)
def test_the_ordering_name_ends_at_the_caption_its_cell_runs_on_into(
    printed: list[str], credentials: str
) -> None:
    """The ordering clinician's cell runs on into her NPI's caption; the primary-care doctor
    printed above her is no ordering clinician."""
    page = laid_out_page(
        [
            [(0.1, "Pt: Haugen, Lars DOB: 01/19/1950")],
            [(0.1, "PCP: Dr. Miriam Oduya (NPI 1283746505)")],
            *([(0.1, row)] for row in printed),
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2026, 12, 3)).items()}
    assert (values["clinician.first_name"], values["clinician.last_name"]) == ("Beatriz", "Solano")
    assert values["clinician.credentials"] == credentials


def test_the_ordering_clinician_before_a_referring_one() -> None:
    page = laid_out_page(
        [
            [(0.06, "PATIENT Kyle Lee DOB 04/02/1950")],
            [(0.06, "REFERRING MD Caleb Mckee, MD PH 916 732 6583")],
            [(0.06, "EQUIPMENT ORDERED CPAP E0601")],
            [(0.06, "ORDERING PHYSICIAN Jason B. Johnson, D.O. NPI 1234567893")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 11, 20)).items()}
    assert (values["clinician.first_name"], values["clinician.last_name"]) == ("Jason", "Johnson")


def test_who_can_be_reached_is_the_sentences_subject() -> None:
    page = laid_out_page(
        [
            [(0.30, "Patrick Infectious Disease Consultants")],
            [(0.06, "Re: Ryan Frazier, born 04-Mar-1972, male")],
            [(0.06, "He can be reached at 720/804-7831 for delivery.")],
            [(0.06, "Should you have any questions, I can be reached at 813/796-5972.")],
            [(0.06, "Scott Garrison, PA-C")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 3, 7)).items()}
    assert values["member.phone"] == "7208047831"
    assert values["clinician.phone"] == "8137965972"


def test_a_second_verb_of_the_sentence_is_its_subjects() -> None:
    """ "He lives at ... and can be reached at ...": the number is his, as the sentence's
    subject says; the writer's "I" is the office."""
    page = laid_out_page(
        [
            [(0.06, "Re: Gerald Whitcomb, DOB 03/14/1941, male")],
            [(0.06, "Mr. Whitcomb was seen in clinic today. He lives at")],
            [(0.06, "418 Birch Hollow Rd, Dayton, OH 45410 and can be reached at (937) 555-0147.")],
            [(0.06, "Questions? Our nurse and I can be reached at 937-555-2300.")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2026, 12, 3)).items()}
    assert values["member.phone"] == "9375550147"
    assert values["clinician.phone"] == "9375552300"


def test_a_relative_clauses_number_and_an_id_after_is() -> None:
    """ "my patient, Mrs. Joan Petrakis, who resides at ... and can be reached at ...": the
    number is hers, though the sentence opens with the writer's "I"."""
    page = laid_out_page(
        [
            [
                (
                    0.06,
                    "I am writing on behalf of my patient, Mrs. Joan Petrakis (DOB 5/9/1944), who",
                )
            ],
            [(0.06, "resides at 1815 Barton Springs Rd, Austin, TX 78704 and can be reached at")],
            [(0.06, "512-555-0109. Her Medicare ID is 3HX7-QA2-TT41 and she is homebound.")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2026, 12, 3)).items()}
    assert values["member.phone"] == "5125550109"
    assert values["member.member_id"] == "3HX7QA2TT41"


@pytest.mark.parametrize(
    "subject",
    [
        "RE: Home health referral - Gerald Whitcomb, DOB 03/14/1941, male",
        "Re: Referral for Gerald Whitcomb (DOB 03/14/1941)",
    ],
)
def test_a_subject_lines_topic_before_the_members_name(subject: str) -> None:
    page = laid_out_page([[(0.06, subject)], [(0.06, "Please evaluate and treat.")]])
    values = {p: f.value for p, f in extract_parties([page], date(2026, 12, 3)).items()}
    assert (values["member.first_name"], values["member.last_name"]) == ("Gerald", "Whitcomb")
    assert values["member.dob"] == date(1941, 3, 14)


def test_a_subject_lines_topic_alone_names_no_one() -> None:
    page = laid_out_page([[(0.06, "Re: Request for Hospital Bed")], [(0.06, "Dx: J44.1")]])
    found = extract_parties([page], date(2026, 12, 3))
    assert "member.last_name" not in found and "member.first_name" not in found


@pytest.mark.parametrize(
    "rows",
    [
        # A tick and a box number before a caption in its own column.
        [[(0.07, "[X] 1. Beneficiary name"), (0.40, "RICHARDS, WILLIAM")]],
        # An insurer's word for the member.
        [[(0.07, "Covered person: Richards, William"), (0.50, "Sex: M")]],
        # A caption beside its value at the end of a row of tick-box legends.
        [
            [
                (0.04, "Discharged to:"),
                (0.20, "Home"),
                (0.30, "ALF"),
                (0.40, "Other facility"),
                (0.60, "Name"),
                (0.70, "William Richards"),
            ],
            [(0.04, "POST-DISCHARGE ORDERS"), (0.60, "Room / bed"), (0.70, "300-B")],
        ],
    ],
)
def test_the_members_name_beside_its_caption(rows: list[list[tuple[float, str]]]) -> None:
    page = laid_out_page(rows)
    values = {p: f.value for p, f in extract_parties([page], date(2025, 3, 7)).items()}
    assert (values["member.first_name"], values["member.last_name"]) == ("William", "Richards")


def test_a_sparse_cover_sheet_read_through_fax_damage() -> None:
    # Most captions lost to the fax: a page count, the status boxes and the notice survive.
    cover = laid_out_page(
        [
            [(0.06, "TOTAL PAGES")],
            [(0.06, "preaDnmc")],
            [(0.06, "OURGENT OFYI OReply requested Original to follow")],
            [(0.06, "NOTICE: The pages that follow are intended solely for the addressee.")],
            [(0.06, "If received in error, please notify us and destroy this material.")],
        ]
    )
    assert is_cover_sheet(cover)
    # An order page with a notice and as few captions is no cover sheet: it prints more.
    order = laid_out_page(
        [
            [(0.06, "URGENT FYI Reply requested")],
            [(0.06, "TOTAL PAGES 2")],
            *(
                [(0.06, f"Line {n} of the order: wheelchair, cushion, walker and a cane")]
                for n in range(9)
            ),
            [(0.06, "Confidential: intended for the addressee only.")],
        ]
    )
    assert not is_cover_sheet(order)


def test_a_letters_discharge_and_first_dose_dates_with_words_between_cue_and_date() -> None:
    page = laid_out_page(
        [
            [(0.06, "Re: Ryan Frazier, born 04-Mar-1972, male")],
            [(0.06, "He is expected to be discharged home on 03/20/2025. Please begin")],
            [(0.06, "cefazolin 2 g IV every 8 hours, with the first home dose on 03/21/2025.")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 3, 18)).items()}
    assert values["dates.discharge"].isoformat() == "2025-03-20"
    assert values["dates.service_start"].isoformat() == "2025-03-21"


def test_a_letters_discharge_from_a_named_hospital() -> None:
    """A letter's "His anticipated discharge from Northwestern Memorial is September 17,
    2025": the hospital's name between the cue and its date. Faxed and read by tesseract."""
    rows = [
        "Re: Walter J. Kaminski, male, DOB 04/22/1948",
        "He was admitted on September 9, 2025. His anticipated",
        "discharge from Northwestern Memorial is September 17, 2025, with the first home dose on",
        "September 17, 2025.",
    ]
    found = extract_parties(
        [read.page for read in faxed_lines(rows, height=600)], date(2025, 9, 16)
    )
    values = {path: value.value for path, value in found.items()}
    assert values["dates.discharge"].isoformat() == "2025-09-17"
    assert values["dates.service_start"].isoformat() == "2025-09-17"


def test_a_letters_needed_by_date_starts_the_service() -> None:
    """A letter's "The equipment is needed by 07/15/2025, when ... begins." Faxed and read by
    tesseract."""
    rows = [
        "Re: Denise Albright, female, DOB 03/02/1971",
        "The equipment is needed by 07/15/2025, when her home health physical therapy begins.",
    ]
    found = extract_parties([read.page for read in faxed_lines(rows, height=500)], date(2025, 7, 8))
    assert found["dates.service_start"].value.isoformat() == "2025-07-15"


def test_a_claim_forms_span_of_service_starts_at_its_from_box() -> None:
    # "Date(s) of service - From | To": the span's first date is when service starts; the
    # dash between the caption's words is punctuation.
    page = laid_out_page(
        [
            [(0.06, "SECTION C - SERVICES REQUESTED")],
            [
                (0.06, "23. DATES OF SERVICE - FROM"),
                (0.40, "24. TO"),
                (0.55, "25. PLACE OF SERVICE"),
            ],
            [(0.06, "04 Jun 2025"), (0.40, "03 Sep 2025"), (0.55, "12 - Home")],
        ],
        line_height=0.014,
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 6, 1)).items()}
    assert values["dates.service_start"].isoformat() == "2025-06-04"


def test_two_captions_a_narrow_column_gap_joins_are_two_columns() -> None:
    # "Sex" and "Street address" read as one cell; the values under each are their own.
    page = laid_out_page(
        [
            [(0.06, "Last"), (0.16, "First"), (0.28, "D/O/B"), (0.40, "Sex Street address")],
            [
                (0.06, "MILLER"),
                (0.16, "MELISSA"),
                (0.28, "12/3/1957"),
                (0.40, "F"),
                (0.44, "874 Susan Knoll"),
            ],
        ]
    )
    page_values = extract_parties([page], date(2025, 5, 2))
    assert page_values["member.sex"].value == "F"
    # "Patient phone" stays one caption: its first word says whose phone it is.
    assert caption_path("Patient phone") == "member.phone"


def test_a_first_page_that_reads_as_next_to_nothing_is_not_the_order() -> None:
    noise = laid_out_page(
        [[(0.1, "One TION ern SUIT")], [(0.1, "PAX NO: +1 702 207 8519")], [(0.1, "re 1916")]],
        conf={"One": 0.3, "TION": 0.2, "ern": 0.4, "SUIT": 0.5, "PAX": 0.4},
    )
    order_rows = [[(0.06, f"Patient name Jane Roe line {n} of the order form")] for n in range(8)]
    order = laid_out_page(order_rows, number=2)
    assert order_pages([noise, order]) == [order]
    # A short order alone, or before an unreadable page, stays the order.
    assert order_pages([order]) == [order]
    assert order_pages([order, noise]) == [order, noise]


def test_a_bare_name_caption_under_a_practitioner_heading_is_the_clinicians() -> None:
    page = laid_out_page(
        [
            [(0.06, "Name: Richards, William"), (0.50, "DOB: 11/30/1937")],
            [(0.06, "TREATING PRACTITIONER")],
            [(0.06, "Name: MARSH, Thomas S (MD)"), (0.50, "Natl Provider ID: 1234567893")],
        ]
    )
    paths = {(c.path, c.text) for c in captioned_values([page])}
    assert ("member.name", "Richards, William") in paths
    assert ("clinician.name", "MARSH, Thomas S (MD)") in paths
    values = {p: f.value for p, f in extract_parties([page], date(2025, 8, 5)).items()}
    assert (values["clinician.first_name"], values["clinician.last_name"]) == ("Thomas", "Marsh")
    assert (values["member.first_name"], values["member.last_name"]) == ("William", "Richards")


def test_person_served_is_the_member_name() -> None:
    assert caption_path("Person served") == "member.name"


def test_an_empty_box_before_a_captioned_pair_takes_no_caption_for_its_value() -> None:
    page = laid_out_page(
        [[(0.06, "Financial class"), (0.50, "Policy/ID no."), (0.66, "PD9272431")]]
    )
    found = extract_parties([page], date(2025, 8, 20))
    assert found["member.member_id"].value == "PD9272431"


def test_a_requisitions_band_through_run_together_and_blurred_captions() -> None:
    # Two captions OCR ran together over two values ("Contactphone Cert #"), a 1 read for
    # the I of "ID", a caption's line number ("Address line 1"), a box number set apart from its
    # caption, and a colon OCR set inside a caption word ("insu: rance").
    page = laid_out_page(
        [
            [
                (0.03, "1."),
                (0.08, "Last"),
                (0.20, "Address line 1"),
                (0.40, "Contactphone Cert #"),
                (0.62, "1D card #"),
                (0.80, "Health insu: rance"),
            ],
            [
                (0.08, "Hughes"),
                (0.20, "41 Birch St"),
                (0.40, "708-9602"),
                (0.517, "C086103252"),
                (0.62, "35947920187"),
                (0.80, "Tricare East"),
            ],
        ],
        line_height=0.014,
    )
    values = [c for c in captioned_values([page]) if c.path == "member.member_id"]
    assert {"C086103252", "35947920187"} <= {c.text for c in values}
    found = extract_parties([page], date(2025, 8, 20))
    assert found["member.member_id"].value == "C086103252"


def test_caption_words_a_fax_misread_by_their_letters_shapes() -> None:
    assert caption_path("PLAN MCMBER #") == "member.member_id"
    assert caption_path("Tdentitication #") == "member.member_id"
    # Only letters of one shape are swapped: "Barrier" is no "Carrier".
    assert caption_path("Barrier") is None


def test_a_signature_lines_date_is_the_signers_not_the_box_above_its_column() -> None:
    page = laid_out_page(
        [
            [(0.06, "PATIENT NAME Ruth Ellis"), (0.66, "SERVICING PROVIDER")],
            [(0.06, "Ruth Ellis"), (0.66, "Acme Home Medical")],
            [(0.06, "I attest that the requested items are medically necessary.")],
            [(0.06, "J. Bloom"), (0.66, "03/22/2025")],
            [(0.06, "REQUESTING PROVINER SIGNATURE"), (0.66, "DATE")],
        ]
    )
    found = extract_parties([page], date(2025, 3, 25))
    assert found["dates.signature"].value == date(2025, 3, 22)


@pytest.mark.parametrize("caption", ["Date signed", "Dale signed", "Dote siqned"])
def test_a_blurred_date_signed_under_its_date(caption: str) -> None:
    page = laid_out_page(
        [
            [(0.06, "Patient: Zoe Hart")],
            [(0.06, "Dr. Lee"), (0.66, "11.23.2025")],
            [(0.06, "Physician signature"), (0.66, caption)],
        ]
    )
    found = extract_parties([page], date(2025, 11, 25))
    assert found["dates.signature"].value == date(2025, 11, 23)


def test_a_subject_lines_birth_date_keeps_its_own_comma() -> None:
    # "Apr. 26, 1960": the comma inside the date is the date's, not the listing's cut.
    page = laid_out_page([[(0.06, "Re: born Apr. 26, 1960, female, Aetna no. P980572486")]])
    values = {p: f.value for p, f in extract_parties([page], date(2025, 5, 8)).items()}
    assert values["member.dob"] == date(1960, 4, 26)
    assert values["member.sex"] == "F"


def test_a_slash_read_as_a_letter_still_parts_two_caption_words() -> None:
    # A fax reads the slash of "Sex/Gender" as an i: still the sex's caption.
    assert caption_path("SexiGender") == "member.sex"
    page = laid_out_page([[(0.06, "Name"), (0.3, "NICOLE IRWIN")], [(0.06, "SexiGender F")]])
    values = {p: f.value for p, f in extract_parties([page], date(2025, 5, 8)).items()}
    assert values["member.sex"] == "F"


def test_a_lone_letter_beside_a_caption_is_its_value_not_a_caption() -> None:
    # "F" alone is a sex, not the fax's caption: "Legal sex" keeps its value, and the
    # column caption before it ("ordered") does not take "Legal sex" for its own.
    page = laid_out_page([[(0.06, "ordered"), (0.4, "Legal sex"), (0.6, "F")]])
    sexes = [c.text for c in captioned_values([page]) if c.path == "member.sex"]
    assert sexes == ["F"]


def _captioned(rows: list[list[tuple[float, str]]]) -> dict[str, str]:
    return {c.path: c.text for c in captioned_values([laid_out_page(rows)])}


def test_a_plan_named_by_a_cue_word_is_the_value_between_two_captions() -> None:
    # "Medicaid" is a cue word of the member's number and a plan's name: between a caption
    # and a caption with its value, it is the first caption's value.
    cells = [(0.06, "Coverage"), (0.3, "Medicaid"), (0.5, "Medicaid no."), (0.7, "LM4471902")]
    found = _captioned([[(0.06, "PATIENT Grace Okafor")], cells])
    assert found["payer.name"] == "Medicaid"
    assert found["member.member_id"] == "LM4471902"


def test_a_caption_word_a_fax_blurred_into_a_digit() -> None:
    found = _captioned([[(0.06, "PATIENT Grace Okafor")], [(0.06, "Beneficiary 1D 5TK2WA7RY93")]])
    assert found["member.member_id"] == "5TK2WA7RY93"


def test_a_plans_name_ends_at_the_caption_of_its_number() -> None:
    page = laid_out_page(
        [
            [(0.06, "PATIENT Grace Okafor")],
            [(0.06, "Insurance: Humana Gold Plus Contract no. H8812")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 3, 7)).items()}
    assert values["payer.name"] == "Humana Gold Plus"


def test_a_plans_cue_word_names_its_number_only_alone_or_with_a_number_cue() -> None:
    assert caption_path("Carrier Medicaid") == "payer.name"
    assert caption_path("Medicaid") == "member.member_id"
    assert caption_path("Medicaid #") == "member.member_id"
    assert caption_path("Medicaid Managed Care") is None


def test_a_plural_caption_reads_as_its_singular_cue_and_the_spans_end_is_no_start() -> None:
    # "Dates of service" is the "date of service" cue though its "From" is blurred past
    # reading; the "To" caption beside it ends the span and starts nothing.
    page = laid_out_page(
        [
            [(0.06, "DATES OF SERVICE FRQN"), (0.40, "DATES OF SERVICE TO")],
            [(0.06, "04 Jun 2025"), (0.40, "03 Sep 2025")],
        ],
        line_height=0.014,
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 6, 1)).items()}
    assert values["dates.service_start"].isoformat() == "2025-06-04"


def test_a_letters_start_beginning_a_date_and_a_cue_a_speck_glued() -> None:
    # "beginning 5/2" starts the service as "starting 5/2" does; "dose.on": a fax's speck
    # read as a dot between two words splits no cue.
    begun = laid_out_page(
        [[(0.06, "Please give meropenem 1 g IV q8h for 10 days beginning 05/02/2025.")]]
    )
    dosed = laid_out_page(
        [[(0.06, "Please give meropenem 1 g IV q8h, with the first dose.on 05/02/2025.")]]
    )
    for page in (begun, dosed):
        found = extract_parties([page], date(2025, 4, 30))
        assert found["dates.service_start"].value.isoformat() == "2025-05-02"


@pytest.mark.parametrize(
    "line", ["discharged home. on 05/02/2025", "discharged home on 05/02/2025"]
)
def test_a_speck_read_as_a_stop_splits_no_cue_of_a_running_sentence(line: str) -> None:
    # "home. on": the sentence runs on in lower case, so the dot is a fax's speck.
    page = laid_out_page([[(0.06, f"Mr. Ortiz will be {line}, then needs a walker.")]])
    mentions = find_mentions([page], {})
    assert [m.text[:10] for m in mentions if m.path == "dates.discharge"] == ["05/02/2025"]


def test_names_marked_by_ocr_beside_their_credentials() -> None:
    """A bracketed credential ends the name, with what the next cell printed after it; a
    stray bracket, a speck inside the credential and a glued initial are OCR's."""
    page = laid_out_page(
        [
            [(0.1, "Patient name: PELLMAN, Ruthie}"), (0.6, "DOB: 02/11/1950")],
            [(0.1, "ORDERING PRACTITIONER")],
            [(0.1, "Name: QUILLEN, Marcus.T (PA-:C) Type 2 NPI: 1234567893")],
        ]
    )
    found = extract_parties([page], date(2025, 8, 20))
    values = {path: f.value for path, f in found.items()}
    assert (values["member.first_name"], values["member.last_name"]) == ("Ruthie", "Pellman")
    assert (values["clinician.first_name"], values["clinician.last_name"]) == ("Marcus", "Quillen")
    assert values["clinician.credentials"] == "PA-C"


def test_a_name_caption_with_a_number_word_is_the_number() -> None:
    assert caption_path("Beneficiary no.:") == "member.member_id"
    assert caption_path("Enrollee number:") != "member.name"
    assert caption_path("Enrollee name:") == "member.name"


def test_a_caption_word_the_fax_blurred_still_ends_at_its_colon() -> None:
    page = laid_out_page([[(0.1, "Plan: Acme Health Member I0: QX4471002")]])
    found = extract_parties([page], date(2025, 8, 20))
    assert found["member.member_id"].value == "QX4471002"


def test_a_captions_line_number_is_no_street() -> None:
    # "Address line 1." in a caption column, a speck after it: the street is the next cell.
    page = laid_out_page(
        [
            [(0.06, "Patient: Okafor, Grace"), (0.5, "DOB: 02/11/1958")],
            [
                (0.06, "Address line 1. -"),
                (0.26, "|19589 Ward Stravenue"),
                (0.5, "City / State / Zip"),
                (0.7, "|Williamsmouth, NV 89098"),
            ],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2025, 3, 1)).items()}
    assert values["member.address"]["line1"] == "19589 Ward Stravenue"
    assert values["member.address"]["city"] == "Williamsmouth"


def test_a_caption_naming_two_values_with_a_slash_pairs_them_in_order() -> None:
    # "OFFICE PHONE/FAX" over "802-555-4400 / 802-555-4401": the fax was the phone's
    # number, and the phone another's.
    page = laid_out_page(
        [
            [(0.06, "PATIENT NAME"), (0.35, "DATE OF BIRTH"), (0.55, "HOME PHONE")],
            [(0.06, "LINDQVIST, ERIK"), (0.35, "03/09/1944"), (0.55, "802-555-0187")],
            [(0.06, "ORDERING PHYSICIAN"), (0.35, "NPI"), (0.55, "OFFICE PHONE/FAX")],
            [
                (0.06, "Dana Whitcomb, MD"),
                (0.35, "1376540989"),
                (0.55, "802-555-4400 / 802-555-4401"),
            ],
        ]
    )
    read = {(c.path, " ".join(w.text for w in c.words)) for c in captioned_values([page])}
    assert ("clinician.phone", "802-555-4400") in read
    assert ("clinician.fax", "802-555-4401") in read
    assert not any(path == "clinician.fax" and "4400" in text for path, text in read)
    values = {p: f.value for p, f in extract_parties([page], date(2026, 12, 1)).items()}
    assert (values["clinician.phone"], values["clinician.fax"]) == ("8025554400", "8025554401")
    assert values["member.phone"] == "8025550187"


def test_a_header_band_of_values_parted_by_bars() -> None:
    # "Name: HUANG, WEI | DOB: ... | Sex: M": the bar ends a value and starts the next
    # caption; the name was read as the birth date's caption, the plan with the ID after it.
    page = laid_out_page(
        [
            [(0.07, "Name: HUANG, WEI | DOB: 04/02/1967 | Sex: M | Phone: 608-555-0177")],
            [(0.07, "Address: 902 Lakeview Ter, Madison, WI 53703 | Ins: Quartz | ID: QZ55108223")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2026, 12, 1)).items()}
    assert (values["member.first_name"], values["member.last_name"]) == ("Wei", "Huang")
    assert values["member.dob"] == date(1967, 4, 2)
    assert (values["payer.name"], values["member.member_id"]) == ("Quartz", "QZ55108223")


def test_a_bar_before_a_values_own_words_is_no_cell_end() -> None:
    # "Burke, | ennifer": OCR's bar for the J of Jennifer, no caption after it.
    page = laid_out_page([[(0.06, "Patient full name: Burke, | ennifer. Sex: F")]])
    assert [c.text for c in find_values([page], "member.name")] == ["Burke, | ennifer."]


def test_a_grid_of_boxes_captioned_over_their_values() -> None:
    # A listed wording stays one caption ("Last name" is no "Last" and "name"), a lone
    # letter under a caption is a value (no "F" for fax), and the caption with no colon
    # takes its box below, not the next box's caption right of it ("MI").
    rows = [
        [(0.08, "Last name"), (0.36, "First name"), (0.66, "MI"), (0.76, "Sex")],
        [(0.08, "PETERSEN"), (0.36, "GRETA"), (0.66, "L"), (0.76, "F")],
        [(0.08, "Date of birth"), (0.29, "Street"), (0.59, "Telephone")],
        [(0.08, "08/22/1944"), (0.29, "4471 Maple Grove Rd"), (0.59, "(402) 555-0176")],
        [(0.08, "City"), (0.36, "State"), (0.5, "ZIP"), (0.66, "Medicare / plan number")],
        [(0.08, "Omaha"), (0.36, "NE"), (0.5, "68134"), (0.66, "5EG2-TR8-MK44")],
    ]
    found = extract_parties([laid_out_page(rows)], date(2026, 7, 6))
    values = {path: f.value for path, f in found.items()}
    assert (values["member.first_name"], values["member.last_name"]) == ("GRETA", "PETERSEN")
    assert values["member.sex"] == "F"
    assert values["member.dob"] == date(1944, 8, 22)
    assert values["member.phone"] == "4025550176"
    assert values["member.member_id"] == "5EG2TR8MK44"
    address = values["member.address"]
    assert (address["line1"], address["city"], address["postal_code"]) == (
        "4471 Maple Grove Rd",
        "Omaha",
        "68134",
    )


def test_a_caption_beside_its_value_keeps_it_over_a_garbled_caption_below() -> None:
    rows = [
        [(0.08, "Patient: Erin Boyd")],
        [(0.08, "Payor source"), (0.3, "Anthem Blue Cross")],
        [(0.08, "Cet#"), (0.3, "VVW590463988")],
    ]
    found = extract_parties([laid_out_page(rows)], date(2026, 7, 6))
    assert found["payer.name"].value == "Anthem Blue Cross"


def test_a_forms_title_names_no_clinician_and_opens_no_part() -> None:
    # "PHYSICIAN ORDER FORM" is the title: no clinician named "Order Form", and the
    # "Phone" under the patient's name is the patient's.
    rows = [
        [(0.07, "SUNBELT MEDICAL SUPPLY - PHYSICIAN ORDER FORM")],
        [(0.07, "Patient Name"), (0.2, "Lorraine Whitaker"), (0.58, "DOB"), (0.63, "11/30/1949")],
        [(0.07, "Phone"), (0.14, "813-555-0107"), (0.4, "Insurance"), (0.5, "Florida Blue")],
        [(0.07, "Physician"), (0.2, "Marcus Bell, MD"), (0.5, "NPI"), (0.55, "1188900421")],
        [(0.07, "Phone"), (0.14, "813-555-2200"), (0.4, "Fax"), (0.5, "813-555-2201")],
    ]
    found = extract_parties([laid_out_page(rows)], date(2026, 10, 20))
    values = {path: f.value for path, f in found.items()}
    assert (values["clinician.first_name"], values["clinician.last_name"]) == ("Marcus", "Bell")
    assert values["member.phone"] == "8135550107"
    assert values["clinician.phone"] == "8135552200"


def test_a_specialists_title_captions_the_clinician_up_to_a_printed_separator() -> None:
    assert (caption_party("Ordering oncologist:"), caption_path("Ordering oncologist:")) == (
        "clinician",
        "clinician.name",
    )
    rows = [
        [(0.07, "Name: Haruto Nishimura"), (0.4, "DOB: 12/19/1961")],
        [(0.07, "Ordering oncologist: Grace Tanaka-Wu, MD —— NP] 1599312083")],
    ]
    found = extract_parties([laid_out_page(rows)], date(2026, 10, 30))
    assert (found["clinician.first_name"].value, found["clinician.last_name"].value) == (
        "Grace",
        "Tanaka-Wu",
    )
