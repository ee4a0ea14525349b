"""Parties fields (member, payer, clinician, dates) against the generator's truth, and the
label pairing rules on hand-built pages."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors.extract.confidence import DEFAULT_BAR, KIND_BARS
from extractors.extract.cover import is_cover_sheet
from extractors.extract.labels import find_values, is_tick_box
from extractors.extract.parties import FoundDate, extract_parties, sex_beside_member
from extractors.limits import Limits
from extractors.pages import Page
from extractors.readers import read_document
from samples.fax import encode_fax_tiff
from samples.generator import make_document
from tests.extractors.faxed import faxed_cells, faxed_lines
from tests.extractors.laid_out import laid_out_page

KINDS = ("dme", "oxygen_cmn", "home_health", "infusion", "letter", "discharge")
FIELDS = (
    "member.first_name",
    "member.last_name",
    "member.dob",
    "member.sex",
    "member.member_id",
    "member.phone",
    "member.address",
    "payer.name",
    "payer.group_number",
    "clinician.first_name",
    "clinician.last_name",
    "clinician.credentials",
    "clinician.npi",
    "clinician.phone",
    "clinician.fax",
    "clinician.organization",
    "dates.order",
    "dates.service_start",
    "dates.discharge",
    "dates.signature",
    "dates.face_to_face",
)
SEEDS = range(30)
#: The floor each field held when this test was written (text PDFs, seeds 0-29); the
#: mean must stay above the overall level reached.
FIELD_FLOOR = 0.9
MEAN_FLOOR = 0.98


def _expected(truth: dict[str, Any], path: str) -> Any:
    section, key = path.split(".")
    value = truth[section][key]
    if path == "dates.discharge" and value:
        return value[:10]  # truth keeps the time of day; the contract's date does not
    return value


def _got(found: dict[str, Any], path: str) -> Any:
    item = found.get(path)
    value = item.value if item is not None else None
    if isinstance(value, date):
        return value.isoformat()
    return value


def test_parties_accuracy_on_text_pdfs() -> None:
    right: Counter[str] = Counter()
    for seed in SEEDS:
        doc = make_document(seed, "text_pdf", KINDS[seed % len(KINDS)])
        received = doc.truth.get("received_at")
        reference = datetime.fromisoformat(received).date() if received else date(2024, 6, 1)
        pages = [read.page for read in read_document(doc.data, Limits())]
        found = extract_parties(pages, reference)
        for path in FIELDS:
            right[path] += _got(found, path) == _expected(doc.truth, path)
    accuracy = {path: right[path] / len(SEEDS) for path in FIELDS}
    print(f"\nper-field accuracy, text PDF, {len(SEEDS)} documents")
    for path, value in accuracy.items():
        print(f"  {path:24s} {value:.2f}")
    mean = sum(accuracy.values()) / len(accuracy)
    print(f"  {'mean':24s} {mean:.3f}")
    assert min(accuracy.values()) >= FIELD_FLOOR, accuracy
    assert mean >= MEAN_FLOOR


# ---------------------------------------------------------------- hand-built pages


def _page(rows: list[list[tuple[float, str]]], number: int = 1) -> Page:
    return laid_out_page(rows, number=number)


def _values(page: Page, path: str) -> list[str]:
    return [c.text for c in find_values([page], path)]


def test_value_right_of_label() -> None:
    page = _page([[(0.1, "Patient Name: Maria Gonzalez")]])
    [candidate] = find_values([page], "member.name")
    assert candidate.layout == "right"
    assert candidate.text == "Maria Gonzalez"
    assert candidate.label == "Patient Name"


def test_ocr_noise_in_labels() -> None:
    page = _page([[(0.1, "Pt. Maria Gonzalez"), (0.5, "DOB; 03/14/1948")]])
    assert _values(page, "member.dob") == ["03/14/1948"]
    assert _values(page, "member.name") == ["Maria Gonzalez"]


def test_value_below_label() -> None:
    page = _page([[(0.1, "Date of Birth")], [(0.1, "03/14/1948")]])
    [candidate] = find_values([page], "member.dob")
    assert candidate.layout == "below"
    assert candidate.text == "03/14/1948"


def test_two_columns_stay_apart() -> None:
    page = _page(
        [
            [(0.1, "Member ID"), (0.55, "Group #")],
            [(0.1, "XYZ123456789"), (0.55, "G-5521")],
            [(0.1, "Sex: F"), (0.55, "Insurance: Aetna Health Plan")],
        ]
    )
    assert _values(page, "member.member_id") == ["XYZ123456789"]
    assert _values(page, "payer.group_number") == ["G-5521"]
    assert _values(page, "member.sex") == ["F"]
    assert _values(page, "payer.name") == ["Aetna Health Plan"]


@pytest.mark.parametrize("printed", ["Sex , \\F .", "Sex: | F |", "Sex: F;"])
def test_marks_around_a_sex_value_are_specks_and_rules(printed: str) -> None:
    page = _page([[(0.1, "Patient: Maria Gonzalez")], [(0.1, printed)]])
    assert extract_parties([page], date(2026, 1, 1))["member.sex"].value == "F"


def test_glued_label_and_value() -> None:
    page = _page([[(0.1, "NPI#1234567893 Sex:M")]])
    assert _values(page, "clinician.npi") == ["1234567893"]
    assert _values(page, "member.sex") == ["M"]


def test_supplier_npi_is_not_the_clinicians() -> None:
    page = _page(
        [
            [(0.1, "SUPPLIER NAME, ADDRESS, TELEPHONE and NPI")],
            [(0.1, "Supplier: Summit Home Oxygen"), (0.55, "NPI: 1234567893")],
            [(0.1, "PHYSICIAN NAME, ADDRESS, TELEPHONE and NPI")],
            [(0.1, "Physician: Alan Whitfield, MD"), (0.55, "NPI: 1245319599")],
        ]
    )
    assert _values(page, "clinician.npi") == ["1245319599"]
    found = extract_parties([page], date(2024, 6, 1))
    assert found["clinician.npi"].value == "1245319599"
    assert found["clinician.last_name"].value == "Whitfield"


def test_the_npi_printed_with_the_clinicians_name_outranks_another_columns() -> None:
    """Two providers' numbered boxes side by side, under column headings a fax garbled: the left
    box's "NPI" is the supplier's, and the NPI under the clinician's name, its caption
    unread ("Wd"), is the clinician's, for the clerk to check."""
    page = _page(
        [
            [(0.1, "Servicing provider"), (0.55, "Requestlng provlder")],
            [(0.1, "13. PROVIDER NAME"), (0.55, "18. PROVIDER NAME")],
            [(0.1, "Summit Home Oxygen"), (0.55, "Whitfield, Alan D.O.")],
            [(0.1, "14. NPI"), (0.55, "19. Wd")],
            [(0.1, "1234567893"), (0.55, "1245319599")],
        ]
    )
    found = extract_parties([page], date(2024, 6, 1))
    assert found["clinician.last_name"].value == "Whitfield"
    assert found["clinician.npi"].value == "1245319599"
    assert found["clinician.npi"].confidence < DEFAULT_BAR


def test_state_and_zip_under_a_garbled_caption_after_the_town() -> None:
    """A wide table's "St Zip" caption read as "stomp", and OCR's line of the row cut
    before its state and ZIP: after the street's and the town's columns, a state's code and
    a ZIP are the address's by their shape, for the clerk to check."""
    page = _page(
        [
            [(0.05, "PATIENT")],
            [(0.05, "Last"), (0.16, "First"), (0.28, "Street"), (0.5, "City"), (0.66, "stomp")],
            [(0.05, "Mahoney"), (0.16, "Travis"), (0.28, "719 Carolyn Tunnel"), (0.5, "Diazburgh")],
            [(0.66, "CA 90101")],
        ]
    )
    # The state and ZIP sit on the row of the other values, as a line of OCR's own.
    row_top = page.lines[2].bbox[1]
    words = [
        w.model_copy(update={"bbox": (w.bbox[0], row_top, w.bbox[2], row_top + 0.012)})
        if w.line == 3
        else w
        for w in page.words
    ]
    page = page.model_copy(update={"words": words})
    found = extract_parties([page], date(2024, 6, 1))["member.address"]
    assert found.value["line1"] == "719 Carolyn Tunnel"
    assert (found.value["city"], found.value["state"], found.value["postal_code"]) == (
        "Diazburgh",
        "CA",
        "90101",
    )
    assert found.confidence < (KIND_BARS["address"] or 1.0)


def test_a_practice_caption_heading_a_title_is_no_caption() -> None:
    """A "Clinic Note" printed right of the letterhead is the page's title, not a practice
    named "Note"."""
    page = _page(
        [
            [(0.05, "Johnson Center for Sleep Medicine"), (0.6, "Clinic Note")],
            [(0.05, "Pt: Jonathan T Wright"), (0.4, "DoB 03/29/1946")],
        ]
    )
    found = extract_parties([page], date(2025, 6, 1)).get("clinician.organization")
    assert found is None or found.value != "Note"


def test_a_form_title_across_from_the_letterhead_is_no_part_of_the_practice() -> None:
    page = _page(
        [
            [(0.05, "Riverside Regional Hospital"), (0.6, "OUTPATIENT REQUISITION")],
            [(0.05, "142 Amber Orchard, Markmouth, AL 35546")],
            [(0.05, "Patient: Katie Miller"), (0.5, "DOB: 03/16/1967")],
        ]
    )
    found = extract_parties([page], date(2025, 6, 1))["clinician.organization"]
    assert found.value == "Riverside Regional Hospital"


def test_the_practice_in_the_other_providers_box_is_not_the_clinicians() -> None:
    """Two boxes captioned alike, one per provider: the clinician's name fills one, and the
    organization in the other is the servicing supplier, not the clinician's practice."""
    page = _page(
        [
            [(0.05, "Patient: Katie Miller"), (0.5, "DOB: 03/16/1967")],
            [(0.05, "13. PROVIDER / FACILITY NAME"), (0.5, "18. PROVIDER / FACILITY NAME")],
            [(0.05, "Alan Whitfield, MD"), (0.5, "Summit Home Oxygen")],
        ]
    )
    found = extract_parties([page], date(2025, 6, 1))
    assert found["clinician.last_name"].value == "Whitfield"
    assert "clinician.organization" not in found


def test_a_cells_rule_read_as_marks_is_no_part_of_the_plans_name() -> None:
    page = _page([[(0.05, "Benefit plan: —_— UnitedHealthcare Medicare Advantage")]])
    found = extract_parties([page], date(2025, 6, 1))
    assert found["payer.name"].value == "UnitedHealthcare Medicare Advantage"


def test_a_plans_own_form_has_no_practice_letterhead() -> None:
    """A prior authorization request is the payer's form: its letterhead is the plan's."""
    page = _page(
        [
            [(0.05, "Sunshine Health")],
            [(0.05, "PRIOR AUTHORIZATION REQUEST")],
            [(0.05, "Patient: Katie Miller"), (0.5, "DOB: 03/16/1967")],
            [(0.05, "Health plan: Sunshine Health"), (0.5, "Member ID: RP71098W")],
        ]
    )
    found = extract_parties([page], date(2025, 6, 1))
    assert found["payer.name"].value == "Sunshine Health"
    assert "clinician.organization" not in found


_COVER = [
    [(0.4, "FAX COVER SHEET")],
    [(0.1, "To: Summit Home Care"), (0.55, "From: Dr. Alan Whitfield")],
    [(0.1, "Fax: 555-201-3344"), (0.55, "Pages: 3")],
    [(0.1, "Re: Maria Gonzalez DOB 03/14/1948")],
    [(0.1, "CONFIDENTIALITY NOTICE: this fax is intended only for the recipient named above.")],
]


def test_cover_sheet_recognized_and_excluded() -> None:
    cover = _page(_COVER)
    order = _page([[(0.1, "Patient: John Smith"), (0.55, "DOB: 01/23/1945")]], number=2)
    assert is_cover_sheet(cover)
    assert not is_cover_sheet(order)
    found = extract_parties([cover, order], date(2024, 6, 1))
    assert found["member.first_name"].value == "John"
    assert found["member.dob"].value == date(1945, 1, 23)
    assert found["member.dob"].page == 2
    alone = extract_parties([cover], date(2024, 6, 1))
    assert not any(path.startswith("member.") for path in alone)


def test_implausible_date_is_kept_and_marked() -> None:
    page = _page([[(0.1, "Order Date: 01/02/2019")]])
    found = extract_parties([page], date(2024, 6, 1))["dates.order"]
    assert isinstance(found, FoundDate)
    assert found.value == date(2019, 1, 2)
    assert not found.plausible


@pytest.mark.parametrize(
    ("text", "first", "last", "born"),
    [
        ("Please provide Mr. John Smith (DOB 1/23/45) with a walker.", "John", "Smith", 1945),
        ("Re: Maria Gonzalez DOB 03/14/1948", "Maria", "Gonzalez", 1948),
        # A fax reads the title's dot as a comma and the colon after "RE" as a semicolon.
        ("Mr, Robert Clark is under my care for COPD.", "Robert", "Clark", None),
        ("RE; CLARK, ROBERT, ID # W27043275", "Robert", "Clark", None),
    ],
)
def test_narrative_member(text: str, first: str, last: str, born: int | None) -> None:
    found = extract_parties([_page([[(0.1, text)]])], date(2024, 6, 1))
    assert (found["member.first_name"].value, found["member.last_name"].value) == (first, last)
    dob = found.get("member.dob")
    assert (dob.value.year if dob else None) == born


def test_sincerely_names_the_clinician() -> None:
    page = _page([[(0.1, "Sincerely,")], [(0.1, "Alan Whitfield, MD")], [(0.1, "Lakeside Clinic")]])
    found = extract_parties([page], date(2024, 6, 1))
    assert found["clinician.last_name"].value == "Whitfield"
    assert found["clinician.credentials"].value == "MD"
    assert found["clinician.organization"].value == "Lakeside Clinic"


def test_practice_letterhead_is_the_clinicians() -> None:
    page = _page(
        [
            [(0.3, "Lakeside Orthopedic Group")],
            [(0.3, "8152 Lincoln Rd, Spokane, WA 99236")],
            [(0.3, "Phone (225) 891-7002 Fax (509) 956-6312")],
            [(0.1, "Pt Name: Luis Brown"), (0.55, "Order Date: 11-20-2024")],
            [(0.1, "Prescriber Signature:"), (0.55, "Date Signed: 11-20-2024")],
            [(0.1, "Steven Jones, MD")],
        ]
    )
    found = extract_parties([page], date(2024, 12, 1))
    assert found["clinician.organization"].value == "Lakeside Orthopedic Group"
    assert found["clinician.phone"].value == "2258917002"
    assert found["clinician.fax"].value == "5099566312"
    assert found["clinician.last_name"].value == "Jones"
    assert found["clinician.credentials"].value == "MD"


def test_supplier_letterhead_is_not_the_clinicians() -> None:
    page = _page(
        [
            [(0.3, "Summit Home Medical Equipment")],
            [(0.3, "Phone (225) 891-7002 Fax (509) 956-6312")],
            [(0.1, "Pt Name: Luis Brown"), (0.55, "Order Date: 11-20-2024")],
        ]
    )
    found = extract_parties([page], date(2024, 12, 1))
    assert "clinician.organization" not in found
    assert "clinician.phone" not in found


def test_name_and_address_box() -> None:
    page = _page(
        [
            [(0.1, "6. Patient's Name and Address"), (0.55, "7. Provider's Name")],
            [(0.1, "YAMAMOTO, MARIA"), (0.55, "Summit Home Care")],
            [(0.1, "2767 Sunset Street, Unit 2B")],
            [(0.1, "Albany, NY 12222")],
            [(0.1, "(518) 555-0142")],
        ]
    )
    found = extract_parties([page], date(2024, 12, 1))
    assert (found["member.first_name"].value, found["member.last_name"].value) == (
        "Maria",
        "Yamamoto",
    )
    assert found["member.address"].value["line1"] == "2767 Sunset Street Unit 2B"
    assert found["member.address"].value["line2"] is None
    assert found["member.phone"].value == "5185550142"


def test_ocr_marks_around_a_wrapped_name() -> None:
    page = _page([[(0.1, "Beneficiary: Garcia, |"), (0.55, "Sex: F")], [(0.23, "Barbara ~")]])
    found = extract_parties([page], date(2024, 12, 1))
    assert (found["member.first_name"].value, found["member.last_name"].value) == (
        "Barbara",
        "Garcia",
    )


def test_bare_date_heading_a_caption_is_no_label() -> None:
    page = _page([[(0.1, "25. Date HHA Received Signed POT")], [(0.1, "01/28/2025")]])
    assert _values(page, "any.date") == []


def test_split_label_words_in_two_cells() -> None:
    page = _page([[(0.1, "Patient"), (0.5, "DOB")], [(0.1, "Mary Moore"), (0.5, "02/21/1978")]])
    assert _values(page, "member.name") == ["Mary Moore"]
    assert _values(page, "member.dob") == ["02/21/1978"]


def test_letterhead_named_as_the_supplier_is_not_the_clinicians() -> None:
    page = _page(
        [
            [(0.3, "Summit Medical Partners")],
            [(0.3, "Phone (225) 891-7002 Fax (509) 956-6312")],
            [(0.1, "Pt Name: Luis Brown"), (0.55, "Order Date: 11-20-2024")],
            [(0.1, "Supplier: Summit Medical Partners")],
        ]
    )
    found = extract_parties([page], date(2024, 12, 1))
    assert "clinician.organization" not in found
    assert "clinician.fax" not in found


def test_labels_are_matched_through_fax_blur() -> None:
    """A fax reads i, l and 1 alike and o as 0: "Medicald ID" and "P0licy #" are labels."""
    page = _page([[(0.1, "Medicald ID: 738292117")], [(0.1, "P0licy #: W774835390")]])
    assert _values(page, "member.member_id") == ["738292117", "W774835390"]


def test_a_label_before_an_identifier_needs_no_colon() -> None:
    page = _page([[(0.1, "Gender: F . Policy No. H53636052")]])
    assert _values(page, "member.member_id") == ["H53636052"]
    found = extract_parties([page], date(2024, 6, 1))
    assert found["member.member_id"].value == "H53636052"


def test_stray_marks_between_two_empty_labels_hide_no_cell_gap() -> None:
    page = _page(
        [
            [(0.1, "Member ID '-"), (0.5, "Cell Phone")],
            [(0.1, "W774835390"), (0.5, "(865) 826-7266")],
        ]
    )
    assert _values(page, "member.member_id") == ["W774835390"]
    assert _values(page, "member.phone") == ["(865) 826-7266"]


def test_a_dash_beside_an_empty_label_does_not_narrow_its_cell() -> None:
    page = _page([[(0.1, "Home Address —")], [(0.1, "4022 N Mill Rd, Omaha, NE 68114")]])
    assert _values(page, "member.address") == ["4022 N Mill Rd, Omaha, NE 68114"]


def test_a_label_is_never_read_as_a_name() -> None:
    """An empty "Pt" cell beside "Birth Dt": the DOB's label is no patient called Birth Dt."""
    page = _page([[(0.1, "Pt"), (0.5, "Birth Dt")], [(0.5, "1937-05-31")]])
    found = extract_parties([page], date(2024, 6, 1))
    assert "member.first_name" not in found
    assert "member.last_name" not in found
    assert found["member.dob"].value == date(1937, 5, 31)


def test_misread_name_word_taken_as_printed_again_beside_the_other_name() -> None:
    # No census list holds the surname, so only its better-read print can mend it.
    page1 = laid_out_page([[(0.1, "Patient Name: Eleanor Oka.for")]], conf={"Oka.for": 0.5})
    page2 = _page([[(0.1, "Patient: ELEANOR OKAFOR  DOB 03/14/1948")]], number=2)
    found = extract_parties([page1, page2], date(2025, 6, 1))
    assert found["member.last_name"].value == "Okafor"
    assert (found["member.last_name"].page, found["member.last_name"].text) == (2, "OKAFOR")


def test_misread_name_word_mended_through_the_census_is_doubted() -> None:
    page = _page([[(0.1, "Patient Name: Dcnnis Thomton")]])
    found = extract_parties([page], date(2025, 6, 1))
    first, last = found["member.first_name"], found["member.last_name"]
    assert (first.value, last.value) == ("Dennis", "Thornton")
    # Nothing on the page prints it so: the clerk is asked to compare it with the page.
    assert max(first.confidence, last.confidence) < (KIND_BARS["name"] or 1.0)


def test_listed_name_word_is_kept_beside_a_near_one() -> None:
    page1 = laid_out_page([[(0.1, "Patient Name: Teresa Hall")]], conf={"Hall": 0.6})
    page2 = _page([[(0.1, "Patient: Teresa Hill")]], number=2)
    assert extract_parties([page1, page2], date(2025, 6, 1))["member.last_name"].value == "Hall"


@pytest.mark.parametrize(
    ("printed", "member_id"),
    [
        ("1EG4-TE5-MK73", "1EG4TE5MK73"),
        ("4KP8AW6.JN70", "4KP8AW6JN70"),
        ("1DP8EY4KT52°", "1DP8EY4KT52"),
        ("1EG4TE5MKO3", "1EG4TE5MK03"),
        ("ABC-123-456", "ABC-123-456"),
        ("HO15612818", "H015612818"),
        ("W77483539O", "W774835390"),
        ("NWAQ21232012", "NWAQ21232012"),
        ("2R7 1WP8WY68", "2R71WP8WY68"),
        # The card's three groups, OCR's spaces and dashes out of place.
        ("3QR7-TE 5-MK 24", "3QR7TE5MK24"),
        ("GU16VU2KF25", "6U16VU2KF25"),
        ("H53636052 Phone", "H53636052"),
    ],
)
def test_member_ids_through_ocr_damage(printed: str, member_id: str) -> None:
    page = _page([[(0.1, f"Member ID: {printed}")]])
    assert extract_parties([page], date(2024, 6, 1))["member.member_id"].value == member_id


def test_a_lower_case_date_ending_an_unknown_caption_is_no_order_date() -> None:
    """OCR read "Visit date:" as "Misit date:": that date is the visit's, not the order's."""
    page = _page([[(0.1, "Patient: Lloyd Brown DOB: 4/28/1933 . Misit date: 1/28/2024")]])
    assert "dates.order" not in extract_parties([page], date(2024, 2, 4))
    dated = _page([[(0.1, "Patient: Lloyd Brown"), (0.55, "Date: 1/28/2024")]])
    assert extract_parties([dated], date(2024, 2, 4))["dates.order"].value == date(2024, 1, 28)


def test_a_label_under_a_value_below_its_label_heads_the_next_field() -> None:
    """OCR set the DOB a little right of its label; the "Primary Phone" label under it,
    at the value's margin, is the next field, not more of the date."""
    page = _page(
        [
            [(0.1, "Beneficiary Name"), (0.48, "DOB (mm/dd/yyyy)")],
            [(0.1, "Hiroshi P. Lee :"), (0.51, "July 24, 1946")],
            [(0.1, "Ins. ID #"), (0.51, "Primary Phone")],
            [(0.1, "U20905525"), (0.51, "225-841-8511")],
        ]
    )
    assert _values(page, "member.dob") == ["July 24, 1946"]
    assert _values(page, "member.phone") == ["225-841-8511"]
    found = extract_parties([page], date(2024, 6, 1))
    assert (found["member.first_name"].value, found["member.last_name"].value) == ("Hiroshi", "Lee")


def test_a_letters_date_line_with_specks_is_its_order_date() -> None:
    page = _page(
        [
            [(0.1, "Riverside Geriatric Medicine")],
            [(0.6, "Phone (419) 761-9141")],
            [(0.1, "\u2018September 5, 2024 .")],
            [(0.1, "Dear Colleague,")],
        ]
    )
    assert extract_parties([page], date(2024, 9, 5))["dates.order"].value == date(2024, 9, 5)


@pytest.mark.parametrize(
    ("printed", "organization"),
    [
        ("Northgate Primary Care", "Northgate Primary Care"),
        ("Northgate Health Partners, LLC", "Northgate Health Partners, LLC"),
        # A person, surname first (with credentials OCR damaged or none): no practice.
        ("Clark, Sarah", None),
        ("Yamamoto, Elena PA-G", None),
    ],
)
def test_a_practice_is_never_a_person(printed: str, organization: str | None) -> None:
    page = _page(
        [[(0.1, "Ordering Physician: Alan Whitfield, MD")], [(0.1, f"Practice: {printed}")]]
    )
    found = extract_parties([page], date(2024, 6, 1)).get("clinician.organization")
    assert (found.value if found else None) == organization


@pytest.mark.parametrize(
    ("row", "first", "last"),
    [
        ("Pt. Name: DAVIS, FATIMA", "Fatima", "Davis"),
        ("Patient Name: VAN BUREN; THUY", "Thuy", "Van Buren"),
        ("Patient Name: STANISLAW K. WASHINGTON.\u2019", "Stanislaw", "Washington"),
        ("Patient Name: Kenneth Lee 7", "Kenneth", "Lee"),
    ],
)
def test_member_names_through_fax_damage(row: str, first: str, last: str) -> None:
    found = extract_parties([_page([[(0.1, row)]])], date(2024, 6, 1))
    assert (found["member.first_name"].value, found["member.last_name"].value) == (first, last)


@pytest.mark.parametrize(
    "sentence",
    [
        "For delivery, her address is 6280 Oak St, Albany, NY. 12200- 6345 and her phone",
        "For delivery, her address is 6280: Oak St, Albany, NY 122 00-6345 and her phone",
    ],
)
def test_an_address_in_a_sentence_through_fax_specks(sentence: str) -> None:
    found = extract_parties([_page([[(0.1, sentence)]])], date(2024, 6, 1))
    address = found["member.address"].value
    assert (address["line1"], address["postal_code"]) == ("6280 Oak St", "12200")


def test_a_speck_before_a_label_does_not_cut_its_column_short() -> None:
    page = _page(
        [
            [(0.088, "'"), (0.102, "Insurance"), (0.511, "Group ID")],
            [(0.106, "Humana Medicare Advantage"), (0.515, "2285928")],
        ]
    )
    # OCR gives a speck a box no taller than a dot.
    speck = page.words[0]
    page.words[0] = speck.model_copy(update={"bbox": (0.088, 0.1, 0.089, 0.101), "conf": 0.0})
    assert _values(page, "payer.name") == ["Humana Medicare Advantage"]
    assert _values(page, "payer.group_number") == ["2285928"]


def test_a_medicare_number_named_in_a_letter() -> None:
    text = "RE: Barbara V. Haddad, Date of Birth 1950-07-17, Medicare No. 5HWON51UD63"
    found = extract_parties([_page([[(0.1, text)]])], date(2024, 6, 1))
    assert found["member.member_id"].value == "5HW0N51UD63"


def test_unreadable_dirt_beside_a_label_leaves_its_value_below() -> None:
    page = _page([[(0.09, "Patient Name"), (0.5, ".PtDOB")], [(0.09, "Esther Hernandez")]])
    page.words[2] = page.words[2].model_copy(update={"conf": 0.1})
    found = extract_parties([page], date(2024, 6, 1))
    assert (found["member.first_name"].value, found["member.last_name"].value) == (
        "Esther",
        "Hernandez",
    )


def _clinician(pages: list[Page], covers: list[Page] | None = None) -> tuple[Any, Any]:
    found = extract_parties(pages, date(2025, 5, 12), covers or [])
    first, last = (
        found[path].value if path in found else None
        for path in ("clinician.first_name", "clinician.last_name")
    )
    return first, last


def test_the_ordering_box_beats_a_physician_named_elsewhere() -> None:
    # "Name:" under the ordering heading is the ordering clinician; the community physician
    # named in a sentence above, and the tick legends after "Physician", are not.
    page = _page(
        [
            [(0.06, "Performed by:"), (0.20, "Physician"), (0.30, "NP PA CNS")],
            [(0.06, "Community physician to follow / sign plan of care: Dr. Jason Thompson")],
            [(0.06, "6 ORDERING / CERTIFYING PHYSICIAN")],
            [(0.06, "Name: Matthew Shaw MD, FACP"), (0.50, "Natl Provider ID: 1234567893")],
        ]
    )
    assert _clinician([page]) == ("Matthew", "Shaw")


@pytest.mark.parametrize(
    "row",
    [
        "INTERPRETING MD M. Dickerson, MD, D-ABSM",  # a credential read as the given name
        "Community physician to follow: Dr. Jason Thompson",
        "Performed by: Physician NP PA CNS",  # tick legends, credentials only
        "Physician signature: Dole siqned",  # "Date signed" misread: a lower-case surname
    ],
)
def test_no_ordering_clinician_from_another_role_or_a_credential(row: str) -> None:
    page = _page([[(0.06, "PATIENT Tara Gates DOB 03/14/1981")], [(0.06, row)]])
    assert _clinician([page]) == (None, None)


def test_a_degree_before_a_fellowship_keeps_the_given_name() -> None:
    page = _page([[(0.06, "Discharge summary reviewed.")], [(0.06, "David Contreras DO, FACP")]])
    assert _clinician([page]) == ("David", "Contreras")


def test_a_credentials_dots_are_no_box_number() -> None:
    # "N.P." before "NPI:" has a box number's shape ("18.A."): it stays in the name's cell.
    page = _page([[(0.06, "Prescriber: Michael M. Butler, N.P."), (0.50, "NPI: 1234567893")]])
    [candidate] = find_values([page], "clinician.name")
    assert candidate.text == "Michael M. Butler, N.P."
    found = extract_parties([page], date(2025, 5, 12))
    assert (found["clinician.last_name"].value, found["clinician.credentials"].value) == (
        "Butler",
        "NP",
    )


def test_a_speck_after_a_surnames_comma() -> None:
    page = _page([[(0.06, "Ordering clinician: JOHNSON,. Edward"), (0.50, "NPI 1234567893")]])
    assert _clinician([page]) == ("Edward", "Johnson")


def test_the_sending_offices_clinician_from_the_cover_sheet() -> None:
    cover = _page(
        [
            [(0.4, "FAX COVER SHEET")],
            [(0.1, "To: Summit Home Care"), (0.55, "Pages: 3")],
            [(0.1, "From: Ana at the office of RAMIREZ, Curtis P (MD)")],
            [(0.1, "Re: new order")],
            [(0.1, "CONFIDENTIALITY NOTICE: this fax is intended only for the recipient.")],
        ]
    )
    unsigned = _page([[(0.1, "Patient: John Smith"), (0.55, "DOB: 01/23/1945")]], number=2)
    assert is_cover_sheet(cover)
    assert _clinician([unsigned], [cover]) == ("Curtis", "Ramirez")
    found = extract_parties([unsigned], date(2025, 5, 12), [cover])
    assert found["clinician.last_name"].confidence < 0.9  # below the bar: the clerk checks it
    named = _page(
        [
            [(0.1, "Patient: John Smith"), (0.55, "DOB: 01/23/1945")],
            [(0.1, "Ordering Physician: Alan Whitfield, MD")],
        ],
        number=2,
    )
    assert _clinician([named], [cover]) == ("Alan", "Whitfield")


def _member(rows: list[list[tuple[float, str]]]) -> tuple[Any, Any]:
    found = extract_parties([_page(rows)], date(2025, 6, 1))
    first, last = found.get("member.first_name"), found.get("member.last_name")
    return (first.value if first else None, last.value if last else None)


def test_curly_quote_before_name_is_noise() -> None:
    assert _member([[(0.1, "Patient full name \u201cLOPEZ, ANNA")]]) == ("Anna", "Lopez")


def test_member_caption_words_are_no_name() -> None:
    # A section heading over a caption: the caption's words are not the member's name.
    rows = [
        [(0.1, "Patient Demographics Individual")],
        [(0.1, "Covered person: Ruth Ames")],
    ]
    assert _member(rows) == ("Ruth", "Ames")


def test_person_served_caption() -> None:
    assert _member([[(0.1, "Person served: Ruth Ames")]]) == ("Ruth", "Ames")


def test_discipline_abbreviations_are_no_name() -> None:
    assert _member([[(0.1, "Disciplines SN PT OT ST")]]) == (None, None)


def test_first_name_box_holding_next_caption() -> None:
    # "First" read across into the next box's damaged caption ("Fpirth date"); the
    # caption cell of the "First" box is read instead.
    rows = [
        [(0.1, "Last"), (0.3, "First Fpirth date.")],
        [(0.1, "Last: Ames"), (0.3, "First: Ruth")],
    ]
    assert _member(rows)[0] != "Fpirth"


def test_a_lower_case_caption_word_beside_first_is_no_given_name() -> None:
    # A band of captions over a table's row: "DOB" beside "First" read as "poe".
    rows = [
        [(0.06, "Last"), (0.16, "First poe Sex Residence address City st zip")],
        [(0.06, "Ortega William 06/15/88 M 586 Katherine Way Provo UT 84077")],
    ]
    assert _member(rows)[0] != "poe"


def test_miscased_surname_read_again_elsewhere() -> None:
    page1 = _page([[(0.1, "Patient full name SHAWN WAnncn")]])
    page2 = _page([[(0.1, "Patient fullname: SHAWN WARREN")]], number=2)
    found = extract_parties([page1, page2], date(2025, 6, 1))
    assert (found["member.first_name"].value, found["member.last_name"].value) == (
        "Shawn",
        "Warren",
    )


@pytest.mark.parametrize(
    ("printed", "member_id"),
    [
        # A table's cell rule before the value is no part of it.
        ("| XMV372735818 |", "XMV372735818"),
        # A J whose hook a fax lost reads 3, in a slot where an MBI holds only a letter.
        ("3347-DP5-MCO5", "3J47DP5MC05"),
        # ... or a brace, with a space OCR set after it.
        ("'7N24A98U} 30", "7N24A98UJ30"),
        # A speck read as a letter no MBI holds, before it or inside it.
        ("S5CF1YESUQ12", "5CF1YE5UQ12"),
        ("3KQ3HK8TIJ78", "3KQ3HK8TJ78"),
        # Twelve characters that leave no MBI, or more than one, are a plan's own ID.
        ("XMV372735818", "XMV372735818"),
        ("1S2S3S4S5S6S", "1S2S3S4S5S6S"),
    ],
)
def test_member_ids_through_cell_rules_and_lost_strokes(printed: str, member_id: str) -> None:
    page = _page([[(0.1, f"Member no. {printed}")]])
    assert extract_parties([page], date(2024, 6, 1))["member.member_id"].value == member_id


def test_a_phone_under_an_id_caption_is_never_the_member_id() -> None:
    """A caption row read across two columns puts the phone beside under the ID's caption."""
    page = _page([[(0.1, "Cert #: 817.708.9602")]])
    assert "member.member_id" not in extract_parties([page], date(2024, 6, 1))


@pytest.mark.parametrize(
    "row", ["Medicare Claim # 1PH5-UP1-WF47", "Identification #: PGT 727526042"]
)
def test_the_medicare_cards_and_an_abbreviated_identification_caption(row: str) -> None:
    found = extract_parties([_page([[(0.1, row)]])], date(2024, 6, 1))
    assert found["member.member_id"].value in {"1PH5UP1WF47", "PGT727526042"}


def test_a_label_word_a_fax_misread_by_its_letters_shapes() -> None:
    """A misread round letter: "Mamber 1D;" is Member ID, but "Insurer" is no "Insured"."""
    page = _page([[(0.1, "Aetna Mamber 1D; HU1408148")], [(0.1, "Insurer: Texas Medicaid")]])
    found = extract_parties([page], date(2024, 6, 1))
    assert found["member.member_id"].value == "HU1408148"
    assert "member.last_name" not in found


def test_an_id_beside_the_group_number_under_a_blurred_caption() -> None:
    """A plan's ID and group number side by side; the ID's short caption blurred ("Ip#")."""
    page = _page([[(0.06, "Ip# 757279131"), (0.40, "GROUP# GRP 531881")]])
    found = extract_parties([page], date(2024, 6, 1))["member.member_id"]
    assert found.value == "757279131"
    assert found.confidence <= 0.6  # the clerk is asked to check it


@pytest.mark.parametrize(
    "cell",
    [
        "Rx# 757279131",  # another number's caption
        "UHC 757279131",  # a plan's name in capitals, no caption
        "Ip# 817.708.9602",  # a phone's shape
    ],
)
def test_no_member_id_beside_the_group_number_without_a_blurred_caption(cell: str) -> None:
    page = _page([[(0.06, cell), (0.40, "Group # 531881")]])
    assert "member.member_id" not in extract_parties([page], date(2024, 6, 1))


@pytest.mark.parametrize(
    "line",
    [
        "X 7. Date of practitioner signature 8/28/2025",
        "Digitally signed by Ana Ruiz MD - 8/28/2025 17:44",
    ],
)
def test_a_signature_date_stated_beside_its_cue(line: str) -> None:
    page = laid_out_page([[(0.06, "Patient: Zoe Hart")], [(0.06, line)]])
    found = extract_parties([page], date(2025, 9, 1))
    assert found["dates.signature"].value == date(2025, 8, 28)


def test_a_written_date_with_a_speck_after_its_comma() -> None:
    page = laid_out_page([[(0.06, "Patient: Zoe Hart")], [(0.06, "Date written: April 13,. 2025")]])
    found = extract_parties([page], date(2025, 4, 14))
    assert found["dates.order"].value == date(2025, 4, 13)


def test_a_dotted_date_whose_second_dot_a_fax_read_as_a_comma() -> None:
    page = laid_out_page(
        [[(0.06, "Patient: Zoe Hart")], [(0.06, "Electronically signed by Ana Ruiz MD 06.26,2025")]]
    )
    found = extract_parties([page], date(2025, 6, 28))
    assert found["dates.signature"].value == date(2025, 6, 26)


def test_an_npi_whose_caption_ocr_garbled_is_known_by_its_shape_and_place() -> None:
    # The caption read as "NPino:"; the supplier's NPI on the next row passes its check too,
    # and a phone number that happens to pass it is no NPI.
    page = laid_out_page(
        [
            [(0.05, "ORDERING PRACTITIONER")],
            [(0.05, "Name: Curtis P. Ramirez, M.D."), (0.5, "NPino: 1234567893")],
            [(0.05, "Tel 1245319607")],
            [(0.05, "Apex Home Medical - Supplier NPI 1245319599 Ph (512) 223-7633")],
        ]
    )
    found = extract_parties([page], date(2025, 6, 1))
    assert found["clinician.npi"].value == "1234567893"


def test_no_npi_from_a_supplier_line_or_a_phone_alone() -> None:
    page = laid_out_page(
        [
            [(0.05, "Patient: Rosa Delgado"), (0.5, "DOB: 03/02/1950")],
            [(0.05, "Apex Home Medical - Supplier NPI 1245319599 Fax 1245319607")],
        ]
    )
    assert "clinician.npi" not in extract_parties([page], date(2025, 6, 1))


def test_a_birth_date_whose_caption_the_fax_blurred_is_read_beside_the_name() -> None:
    # "DOB" blurred to "poB": the date after the member's name, decades old, is the birth,
    # read below the date bar; a recent date there ("Encounter") never is.
    page = _page([[(0.05, "PATIENT Lee, Owen poB 06/23/45 SEX M")]])
    found = extract_parties([page], date(2025, 5, 1))
    assert found["member.dob"].value == date(1945, 6, 23)
    assert found["member.dob"].confidence < 0.3
    page = _page([[(0.05, "Pt: Lee, Owen Dab 03/02/2025 Encounter: 01/02/2019")]])
    assert "member.dob" not in extract_parties([page], date(2025, 5, 1))


def test_a_birth_date_in_the_block_under_the_members_name() -> None:
    page = _page(
        [
            [(0.05, "Discharged to: Home"), (0.6, "Name"), (0.7, "Ford, Nina C.")],
            [(0.6, "Room / bed"), (0.7, "332-A")],
            [(0.6, "D/0/B"), (0.7, "5/19/1937")],
        ]
    )
    assert extract_parties([page], date(2025, 5, 1))["member.dob"].value == date(1937, 5, 19)


def test_a_birth_date_wrapped_in_its_table_cell_on_the_members_row() -> None:
    page = _page(
        [
            [(0.05, "Last"), (0.15, "First"), (0.25, "Fpirth date."), (0.4, "Sex")],
            [(0.05, "Perez"), (0.15, "Lucia"), (0.25, "02 Oct"), (0.4, "M")],
            [(0.25, "1948")],
        ]
    )
    assert extract_parties([page], date(2025, 5, 1))["member.dob"].value == date(1948, 10, 2)


@pytest.mark.parametrize(
    ("rows", "sex"),
    [
        # A sex word on the row that prints the birth date, the letter's "Re:" misread.
        (
            [[(0.05, "Pt Nakamura Alice DoB 03/11/1939")], [(0.05, "Re; bom 03/11/1939, female")]],
            "F",
        ),
        # A letter alone after the birth date in a table row, its caption blurred.
        ([[(0.05, "Pt: Hughes, Daniel DOB 06/15/88 sm M 41 Birch Rd")]], "M"),
        # The letter on its fill-in line, the underscore glued to it.
        ([[(0.05, "Pt: Hollis, Dwayne DOB 7/2/1964 M_ Ph (615) 555-0142")]], "M"),
        # A middle initial is no sex, nor is a pair of legends.
        ([[(0.05, "Pt: Hughes, Daniel M DOB 06/15/1988")]], None),
        ([[(0.05, "Pt: Hughes, Daniel DOB 06/15/1988 M F")]], None),
    ],
)
def test_the_members_sex_by_its_shape_beside_the_name(
    rows: list[list[tuple[float, str]]], sex: str | None
) -> None:
    page = _page(rows)
    found = extract_parties([page], date(2025, 5, 1))
    answer = sex_beside_member([page], found, date(2025, 5, 1))
    assert (answer.value if answer is not None else None) == sex


@pytest.mark.parametrize(
    "rows",
    [
        # The block under the member's name, the phone's caption blurred past reading.
        [
            [(0.05, "Pt name"), (0.2, "Ortiz, Rosa"), (0.5, "DOB 04/19/1952")],
            [(0.05, "Adr"), (0.2, "18 Elm Court, Dover, DE 19901")],
            [(0.05, "Tcho,"), (0.2, "302.555.0143"), (0.5, "Emergency contact Ana Ortiz")],
        ],
        # A table row of the member's values under a header whose last caption OCR garbled
        # past reading (two caption words run together read apart: "Contacttel").
        [
            [(0.05, "Last"), (0.15, "First"), (0.25, "Born"), (0.4, "ST"), (0.5, "Cntcttl")],
            [
                (0.05, "Ortiz"),
                (0.15, "Rosa"),
                (0.25, "04/19/1952"),
                (0.4, "DE"),
                (0.5, "302/555-0143"),
            ],
        ],
        # A letter's "Re:" line listing the member's values, its words misread, on the row
        # of the member's birth date.
        [
            [(0.05, "Patient: Rosa Ortiz DOB 04/19/1952")],
            [(0.05, "Rc; bom 04/19/1952, female, tel. 302-555-0143")],
        ],
        # A letter's "Re:" block, its lines hanging under the name after the caption.
        [
            [(0.05, "Re: Rosa Ortiz (female, born 04/19/1952)")],
            [(0.086, "Medicare number 3TJ7-WN4-RC58")],
            [(0.086, "18 Elm Court, Dover, DE 19901 (302) 555-0143")],
        ],
    ],
)
def test_the_members_phone_by_its_shape_among_the_members_values(
    rows: list[list[tuple[float, str]]],
) -> None:
    found = extract_parties([_page(rows)], date(2025, 5, 1))
    assert found["member.phone"].value == "3025550143"
    # The caption unread, the clerk is asked to check the number.
    assert found["member.phone"].confidence < 0.3


@pytest.mark.parametrize(
    "rows",
    [
        # Another party's number on the member's row is never the member's.
        [
            [(0.05, "Pt name"), (0.2, "Ortiz, Rosa"), (0.5, "DOB 04/19/1952")],
            [(0.05, "Emergency contact"), (0.25, "Ana Ortiz"), (0.5, "302.555.0143")],
        ],
        [[(0.05, "Pt: Ortiz, Rosa DOB 04/19/1952"), (0.5, "Fax 302.555.0143")]],
        # Ten bare digits are as likely the member's ID as a phone.
        [[(0.05, "Pt: Ortiz, Rosa DOB 04/19/1952"), (0.5, "3025550143")]],
    ],
)
def test_no_member_phone_by_shape_from_another_partys_number(
    rows: list[list[tuple[float, str]]],
) -> None:
    assert "member.phone" not in extract_parties([_page(rows)], date(2025, 5, 1))


@pytest.mark.parametrize(
    "provider",
    [
        [(0.06, "Requesting provider: Dr. Alan Reed"), (0.5, "Phone: 651-555-0199")],
        [(0.06, "Ordering physician: Alan Reed, MD"), (0.5, "Phone: 651-555-0199")],
    ],
)
def test_one_printed_number_is_never_two_parties_values(
    provider: list[tuple[float, str]],
) -> None:
    # The provider's phone, printed on the provider's row in the column the member's DOB
    # opened above it: read as the clinician's, it is not the member's as well.
    rows = [[(0.06, "Patient: Grace Okafor"), (0.5, "DOB: 02/11/1958")], provider]
    found = extract_parties([_page(rows)], date(2025, 3, 1))
    assert found["clinician.phone"].value == "6515550199"
    assert "member.phone" not in found


def test_tick_boxes_before_credentials_are_no_clinicians_name() -> None:
    # "Performed by: [X] Physician [ ] NP [ ] PA [ ] CNS", each empty box read as a letter
    # or two glued to its legend; the physician's own name lost its first letter to a rule.
    rows = [
        [(0.06, "Patient: Grace Okafor"), (0.5, "DOB: 02/11/1958")],
        [(0.06, "F2F performed on: 2025/10/04 Performed by: IX Physician ONP COPA DICNS ©")],
        [(0.06, "ORDERING / CERTIFYING PHYSICIAN")],
        [(0.06, "Name; | onathan Golden, DO NPI no; 2951243387")],
    ]
    found = extract_parties([_page(rows)], date(2025, 11, 1))
    assert "clinician.first_name" not in found
    assert "clinician.last_name" not in found


@pytest.mark.parametrize("written", ["Unknown", "N/A", "None", "See attached", "pending"])
def test_a_box_holding_the_word_for_no_value_gives_none(written: str) -> None:
    rows = [
        [(0.06, "Patient Name: Grace Okafor"), (0.5, "DOB: 02/11/1958")],
        [(0.06, f"Insurance: {written}"), (0.5, "Secondary insurance: None")],
        [(0.06, f"Practice: {written}")],
    ]
    found = extract_parties([_page(rows)], date(2025, 3, 1))
    assert "payer.name" not in found
    assert "clinician.organization" not in found


def test_a_letters_addressee_just_above_the_letterhead_band() -> None:
    # The addressee's name sits a hair inside the band the letterhead fills, its street and
    # town under it outside: the block is the letter's subject, not the sending office.
    rows = [
        [(0.06, "Rowe Ada")],
        [(0.06, "144 Baker Track")],
        [(0.06, "Dover, DE 19901")],
        [(0.06, "Dear Sir or Madam,")],
        [(0.06, "I am writing to refer Ada Rowe for home infusion.")],
    ]
    page = laid_out_page(rows)
    shifted = [
        w.model_copy(update={"bbox": (w.bbox[0], w.bbox[1] - 0.004, *w.bbox[2:])})
        for w in page.words
    ]
    page = page.model_copy(update={"words": shifted})
    found = extract_parties([page], date(2025, 3, 1))
    assert found["member.address"].value["line1"] == "144 Baker Track"


@pytest.mark.parametrize(
    "line",
    [
        "FOLLOW-UP DATE 3/14/2024 ROOM 4",
        "RECALL DATE..3/14/2024 ROOM 4",
    ],
)
def test_a_date_whose_qualifier_is_hyphenated_or_glued_to_it_is_no_order_date(line: str) -> None:
    """A hyphenated qualifier ("FOLLOW-UP") or a label glued to its value by OCR specks
    still makes the "DATE" another date's caption, not a bare order date."""
    page = _page([[(0.06, line)]])
    assert "dates.order" not in extract_parties([page], date(2024, 6, 1))


def test_a_date_alone_at_the_end_of_the_titles_row_is_the_orders_date() -> None:
    page = _page(
        [
            [(0.1, "Greenfield Pulmonary Clinic")],
            [(0.1, "OXYGEN ORDER"), (0.65, "December 2, 2026")],
            [(0.1, "Patient: Theodora Mancuso")],
        ]
    )
    assert extract_parties([page], date(2026, 12, 3))["dates.order"].value == date(2026, 12, 2)


def test_a_date_after_a_values_caption_in_the_cell_before_is_no_orders_date() -> None:
    """ "Admitted    03.20.2025" at the head of a discharge form: the cell before the date
    is its caption, no title."""
    page = _page(
        [
            [(0.1, "Lakeview Transitional Care")],
            [(0.1, "Resident: Donald Gonzalez"), (0.55, "Admitted"), (0.75, "03.20.2025")],
        ]
    )
    assert "dates.order" not in extract_parties([page], date(2025, 3, 30))


def test_a_lone_date_under_its_columns_heading_is_no_letters_date() -> None:
    """A table's last cell that OCR lists after the page, under its column's heading
    ("Recorded"), is no letter's date line, however alone on its line it reads."""
    rows = [
        [(0.1, "Pinecrest Vein Clinic")],
        [(0.1, "Site"), (0.3, "Size (cm)"), (0.8, "Recorded")],
        [(0.1, "Left calf"), (0.3, "2.0 x 1.1")],
        [(0.1, "Dear Colleague,")],
        [(0.8, "03/02/2024")],
    ]
    page = _page(rows)
    # The cell sits on the table's row, under its heading, though read last.
    row_top = page.lines[2].bbox[1]
    cell = page.lines[4]
    lift = cell.bbox[1] - row_top
    words = [
        w.model_copy(update={"bbox": (w.bbox[0], w.bbox[1] - lift, w.bbox[2], w.bbox[3] - lift)})
        if w.line == 4
        else w
        for w in page.words
    ]
    box = (cell.bbox[0], row_top, cell.bbox[2], cell.bbox[3] - lift)
    lines = [*page.lines[:4], cell.model_copy(update={"bbox": box})]
    moved = page.model_copy(update={"words": words, "lines": lines})
    assert "dates.order" not in extract_parties([moved], date(2024, 3, 5))


def test_a_birth_date_under_a_blurred_caption_is_no_service_date() -> None:
    """ "DoB" blurred to "DOS" (date of service) captions the member's birth date: the day
    the member was born is no date of the order's care."""
    page = _page([[(0.1, "Pt: Lopez, Carmen DOB 03/09/1950 Encounter: 04/02/2025")]])
    notes = _page([[(0.1, "Pt: Lopez, Carmen DOS 03/09/1950 Encounter: 04/02/2025")]], number=2)
    found = extract_parties([page, notes], date(2025, 4, 8))
    assert found["member.dob"].value == date(1950, 3, 9)
    assert "dates.service_start" not in found


def test_a_letters_date_line_after_words_ocr_barely_read_is_its_order_date() -> None:
    """Dots of a rule OCR read as barely sure words ("eee ee") stand before the letter's date
    on its line: specks, not print that makes the line more than a date."""
    page = _page(
        [
            [(0.1, "Lakeview Renal Associates")],
            [(0.1, "Voice (419) 761-9141")],
            [(0.1, "eee ee"), (0.6, "12 Oct 2024")],
            [(0.1, "Dear Colleague,")],
        ],
    )
    specks = [
        w.model_copy(update={"conf": 0.3}) if w.text in ("eee", "ee") else w for w in page.words
    ]
    page = page.model_copy(update={"words": specks})
    assert extract_parties([page], date(2024, 10, 14))["dates.order"].value == date(2024, 10, 12)


def _boxed_member_rows(captions: str) -> list[list[tuple[float, str]]]:
    """A form's numbered boxes: the member's name and birth, then the address row under
    ``captions``, its street a bar before a word that lost its capital, a phone after it."""
    return [
        [(0.05, "1. PATIENT NAME"), (0.45, "2. DATE OF BIRTH")],
        [(0.05, "Okafor, Renata"), (0.45, "02/11/1958")],
        [(0.05, captions)],
        [
            (0.05, "8812 | ilson Bend"),
            (0.33, "Fairmont"),
            (0.55, "WV"),
            (0.62, "26554"),
            (0.72, "(304) 555-0187"),
        ],
    ]


def test_an_address_row_under_captions_a_fax_garbled() -> None:
    # Only the street's caption is readable: the town is its column on the row, up to the
    # ZIP, and the phone after it is no part of the address. The bar is the lost capital of
    # a common name; what nothing prints so is left for the clerk to check.
    page = _page(_boxed_member_rows("5. STREET ADDRESS 6. CJTY 7. SIATE 8. ZJP 9. TELEPHONF"))
    found = extract_parties([page], date(2025, 3, 1))
    address = found["member.address"]
    assert address.value["line1"] == "8812 Wilson Bend"
    assert (address.value["city"], address.value["state"], address.value["postal_code"]) == (
        "Fairmont",
        "WV",
        "26554",
    )
    bar = KIND_BARS["address"]
    assert bar is not None and address.confidence < bar


def test_a_providers_bare_address_is_not_the_members() -> None:
    # The provider's "Address" box comes after the member's boxes with no heading to say
    # whose it is: the member's own street caption reads the member's address.
    rows = [
        *_boxed_member_rows("5. STREET ADDRESS 6. CJTY 7. SIATE 8. ZJP 9. TELEPHONF"),
        [(0.05, "12. ADDRESS")],
        [(0.05, "4410 Commerce Pkwy, Charleston, WV 25301")],
    ]
    found = extract_parties([_page(rows)], date(2025, 3, 1))
    assert found["member.address"].value["line1"] == "8812 Wilson Bend"
    assert found["member.address"].value["postal_code"] == "26554"


@pytest.mark.parametrize(
    ("line", "first", "last"),
    [("Wexford, Dana N.P.", "Dana", "Wexford"), ("Lionel R. Ashgrove, P.A.", "Lionel", "Ashgrove")],
)
def test_a_credentialed_name_heading_a_letter_is_the_clinicians(
    line: str, first: str, last: str
) -> None:
    """A name printed with a dotted credential ("N.P."), surname first or not, is a
    clinician's, with no caption before it."""
    page = _page(
        [
            [(0.1, line)],
            [(0.1, "Riverbend Family Practice")],
            [(0.1, "Please deliver a walker to my patient.")],
        ]
    )
    found = extract_parties([page], date(2025, 8, 20))
    assert (found["clinician.first_name"].value, found["clinician.last_name"].value) == (
        first,
        last,
    )


@pytest.mark.parametrize("word", ["I", "1", "l", "IX", "1X", "Il]", "I."])
def test_a_letter_or_digit_alone_is_no_tick_box(word: str) -> None:
    # A tick box's bracket read as "I", "l" or "1" opens it only before a mark and a bracket.
    assert not is_tick_box(word)


@pytest.mark.parametrize("tick", ["[X]", "[X)", "XJ", "[X]}-", "x", "IX]", "1X]", "lX)"])
@pytest.mark.parametrize("number", ["1.", "2:"])
def test_a_checklist_rows_caption_opens_its_cell_after_a_tick_box_and_number(tick, number):
    # "[X] 1. Beneficiary name   JONES, Cindy T": a seven-element order's checklist row.
    page = _page(
        [
            [(0.05, "Seven-element order checklist")],
            [(0.05, tick), (0.09, f"{number} Beneficiary name"), (0.4, "JONES, Cindy T")],
            [(0.05, tick), (0.09, "3. Date of face-to-face examination"), (0.4, "2025/08/23")],
        ]
    )
    found = extract_parties([page], date(2025, 9, 9))
    assert (found["member.first_name"].value, found["member.last_name"].value) == (
        "Cindy",
        "Jones",
    )


def _lone_name_page(name_row: list[tuple[float, str]], at: int) -> Page:
    rows: list[list[tuple[float, str]]] = [
        [(0.05, "DOB: 04/14/1960"), (0.5, "Sex: F")],
        [(0.05, "ID card #: 91572614791")],
        [(0.05, "Seven-element order checklist")],
        [(0.4, "K0823 Group 2 power wheelchair")],
        [(0.4, "29 Sep 2025")],
        [(0.4, "G80.9 Cerebral palsy, unspecified")],
        [(0.4, "Lifetime")],
        [(0.05, "TREATING PRACTITIONER")],
        [(0.05, "Name: Scott Thomas DO")],
    ]
    rows.insert(at, name_row)
    return _page(rows)


def test_a_lone_name_beside_the_members_values_is_the_member_flagged():
    page = _lone_name_page([(0.4, "CALDWELL, MARY")], 3)
    found = extract_parties([page], date(2025, 10, 13))
    first, last = found["member.first_name"], found["member.last_name"]
    assert (first.value, last.value) == ("Mary", "Caldwell")
    # Found by its place alone: under the bar, so the clerk checks it against the page.
    bar = KIND_BARS["name"]
    assert bar is not None and last.confidence < bar


@pytest.mark.parametrize(
    ("row", "at"),
    [
        ([(0.4, "Lakeshore Medical Supply")], 3),  # no person's name
        ([(0.4, "Scott Thomas")], 3),  # the clinician's
        ([(0.05, "Referring physician"), (0.4, "Anna Lee")], 3),  # captioned as another's
        ([(0.4, "CALDWELL, MARY")], 9),  # far from the member's values
    ],
)
def test_no_member_name_from_a_lone_row_that_is_not_the_members(row, at):
    found = extract_parties([_lone_name_page(row, at)], date(2025, 10, 13))
    assert "member.last_name" not in found


def test_a_row_of_captions_under_a_section_heading_is_no_name() -> None:
    """A demographics table's header row, its name captions misread ("Lost Firat" for
    "Last First"), sits under the PATIENT heading where a name would; the captions the row
    holds that read right (Sex, Street, City) make it a row of captions, never a name."""
    page = _page(
        [
            [(0.1, "PATIENT")],
            [(0.1, "Lost Firat Doe"), (0.4, "Sex"), (0.5, "Street"), (0.7, "City")],
            [(0.1, "Mahoney Travis K"), (0.3, "01/28/1970"), (0.4, "M"), (0.5, "719 Carolyn")],
        ]
    )
    found = extract_parties([page], date(2025, 6, 1))
    last = found.get("member.last_name")
    assert last is None or last.value == "Mahoney"


def _letterhead_organization(rows: list[list[tuple[float, str]]], **conf: float) -> str | None:
    page = laid_out_page([*rows, [(0.1, "Patient: Maria Gonzalez")]], conf=conf or None)
    found = extract_parties([page], date(2025, 6, 1)).get("clinician.organization")
    return None if found is None else found.value


@pytest.mark.parametrize(
    ("rows", "conf"),
    [
        # A page's one-word heading is no practice's name.
        ([[(0.8, "Note")]], {}),
        # A fax header OCR turned to noise, read at no confidence.
        ([[(0.05, "MN EME ATO")]], {"MN": 0.1, "EME": 0.2, "ATO": 0.3}),
        # A physician, not a practice.
        ([[(0.05, "Dr. Paul Gray")]], {}),
    ],
)
def test_no_organization_is_read_from_a_heading_noise_or_a_person(
    rows: list[list[tuple[float, str]]], conf: dict[str, float]
) -> None:
    assert _letterhead_organization(rows, **conf) is None


def test_a_practice_caption_holding_a_phone_reads_no_organization() -> None:
    page = laid_out_page(
        [[(0.1, "Patient: Maria Gonzalez")], [(0.1, "Practice: line (214) 989-2482")]]
    )
    found = extract_parties([page], date(2025, 6, 1)).get("clinician.organization")
    assert found is None


_TWO_COLUMNS = [
    [(0.07, "Name: Doe, Margaret A"), (0.52, "Physician: Alan Whitfield, MD")],
    [(0.07, "Birthdate: 04/17/1946"), (0.52, "NPI #: 1245319599")],
    [(0.07, "Gender: Female"), (0.52, "Office Ph: 937-555-2210")],
    [(0.07, "Street: 1420 Larkspur Lane"), (0.52, "Office Fax: 937-555-2211")],
    [(0.07, "City/State/Zip: Kettering, OH 45409")],
    [(0.07, "Home Ph: 937-555-0142")],
    [(0.07, "Insurance: Anthem Blue Cross")],
]


@pytest.mark.parametrize("headings", [True, False])
def test_a_two_column_forms_generic_captions_are_their_columns_party(headings: bool) -> None:
    """PATIENT | PRESCRIBER side by side, read row by row: "Home Ph:" under the patient's
    column was the clinician's phone (the prescriber's label was read last), the prescriber's
    "Office Ph:" the member's, and the street beside "Office Fax:" no one's. The columns'
    headings may be there, or lost to OCR (white on black bars)."""
    top = [[(0.07, "PATIENT"), (0.52, "PRESCRIBING PHYSICIAN")]] if headings else []
    found = extract_parties([_page([*top, *_TWO_COLUMNS])], date(2026, 12, 1))
    values = {path: found[path].value for path in found}
    assert values["member.phone"] == "9375550142"
    assert values["clinician.phone"] == "9375552210"
    assert values["clinician.fax"] == "9375552211"
    assert values["clinician.npi"] == "1245319599"
    assert values["member.address"] == {
        "line1": "1420 Larkspur Lane",
        "line2": None,
        "city": "Kettering",
        "state": "OH",
        "postal_code": "45409",
    }


def test_a_party_caption_takes_over_the_columns_its_column_shared() -> None:
    # A prior-authorization form: the enrollee's band in three columns, then two providers'
    # boxes, the right one opening inside the enrollee's middle column. The fax under the
    # enrollee's right column is a provider's, not the enrollee's.
    rows = [
        [(0.06, "Patient: Doe, Margaret A"), (0.32, "DOB: 04/17/1946"), (0.65, "Sex: F")],
        [(0.06, "Provider: Acme Medical"), (0.5, "Provider: Alan Whitfield, MD")],
        [
            (0.06, "Phone: 212-896-5685"),
            (0.2, "Fax: 469-530-5983"),
            (0.5, "Phone: 773-304-8345"),
            (0.7, "Fax: 404-390-0571"),
        ],
    ]
    page = _page(rows)
    assert _values(page, "clinician.fax") == ["469-530-5983", "404-390-0571"]
    assert _values(page, "member.fax") == []


def test_a_contact_number_caption_gives_the_members_phone() -> None:
    # Four rows under the name, past the block read by shape: only the caption tells.
    rows = [
        [(0.07, "Patient"), (0.4, "Harold J. Benson")],
        [(0.07, "D.O.B."), (0.4, "7-22-1957")],
        [(0.07, "Sex"), (0.4, "M")],
        [(0.07, "Mailing address"), (0.4, "9021 S. Quaker Ave, Tulsa, OK 74137")],
        [(0.07, "Contact number"), (0.4, "918.555.4471")],
    ]
    found = extract_parties([_page(rows)], date(2026, 12, 1))
    assert found["member.phone"].value == "9185554471"


def test_a_street_and_its_town_state_and_zip_rows_past_another_columns_box() -> None:
    # "Addr" beside the provider's "Fax" in the next column, then "City", "State" and "Zip"
    # rows under it: the fax's box came between the street and its town.
    rows = [
        [(0.07, "Pt Name"), (0.2, "Boyd, Harriet L"), (0.52, "Provider"), (0.65, "Sam Okoye, MD")],
        [(0.07, "Addr"), (0.2, "301 Quarry St Apt 4"), (0.52, "Fax"), (0.65, "617-555-7001")],
        [(0.07, "City"), (0.2, "Quincy")],
        [(0.07, "State"), (0.2, "MA")],
        [(0.07, "Zip"), (0.2, "02169")],
    ]
    found = extract_parties([_page(rows)], date(2026, 12, 1))
    assert found["member.address"].value == {
        "line1": "301 Quarry St Apt 4",
        "line2": None,
        "city": "Quincy",
        "state": "MA",
        "postal_code": "02169",
    }


def test_the_name_heading_a_members_address_block_under_an_aside() -> None:
    # "(patient home)" is the caption's aside, no "Patient" label; the name the block
    # prints over the street is the member's, and the "BILL TO" block names the plan.
    rows = [
        [(0.09, "SHIP TO (patient home)"), (0.52, "BILL TO")],
        [(0.09, "Marisol Quintero"), (0.52, "Presbyterian Centennial Care")],
        [(0.09, "88 Riverbend Ct"), (0.52, "PO Box 27489")],
        [(0.09, "Santa Fe, NM 87507"), (0.52, "Albuquerque, NM 87125")],
        [(0.09, "DOB 09/30/1968 Sex F"), (0.52, "Member # 61100483920")],
    ]
    found = extract_parties([_page(rows)], date(2026, 6, 5))
    values = {path: f.value for path, f in found.items()}
    assert (values["member.first_name"], values["member.last_name"]) == ("Marisol", "Quintero")
    assert found["member.last_name"].confidence < DEFAULT_BAR
    address = values["member.address"]
    assert (address["line1"], address["city"], address["postal_code"]) == (
        "88 Riverbend Ct",
        "Santa Fe",
        "87507",
    )
    assert values["payer.name"] == "Presbyterian Centennial Care"


def test_a_box_whose_caption_lists_the_members_values_is_read_by_their_shapes() -> None:
    # A certificate of medical necessity's section A: the patient's box beside the
    # supplier's, each caption listing what its box holds. The physician's captioned row
    # gives the clinician's name and address, never the member's.
    rows = [
        [
            (0.07, "PATIENT NAME, ADDRESS, TELEPHONE and MEDICARE ID"),
            (0.56, "SUPPLIER NAME, ADDRESS, TELEPHONE and NSC or NPI #"),
        ],
        [(0.08, "Voight, Harlan"), (0.57, "Apex Respiratory Supply")],
        [(0.08, "2311 Brentwood Blvd"), (0.57, "400 Industrial Pkwy")],
        [(0.08, "Columbus, OH 43209"), (0.57, "Columbus, OH 43228")],
        [(0.08, "(614) 555-0128 3QX9-EK4-TT17"), (0.57, "(555) 301-2211 NPI 1777000252")],
        [(0.07, "PLACE OF SERVICE: Home DOB: 07/30/1941")],
        [
            (
                0.07,
                "PHYSICIAN NAME, ADDRESS: Helena Voss, MD, 3535 Olentangy River Rd,"
                " Columbus, OH 43214",
            )
        ],
        [(0.07, "SECTION D - PHYSICIAN ATTESTATION AND SIGNATURE/DATE")],
    ]
    found = extract_parties([_page(rows)], date(2026, 12, 1))
    values = {path: f.value for path, f in found.items()}
    assert (values["member.first_name"], values["member.last_name"]) == ("Harlan", "Voight")
    assert (values["member.phone"], values["member.member_id"]) == ("6145550128", "3QX9EK4TT17")
    assert values["member.address"]["line1"] == "2311 Brentwood Blvd"
    assert found["member.member_id"].confidence < DEFAULT_BAR
    assert (values["clinician.first_name"], values["clinician.last_name"]) == ("Helena", "Voss")


def test_the_block_under_a_caption_with_no_colon_holds_the_members_phone() -> None:
    rows = [
        [(0.07, "PATIENT"), (0.15, "OYELARAN, FUNMILAYO"), (0.38, "DOB 1972-08-08")],
        [(0.15, "1740 W Belmont Ave Apt 2, Chicago, IL 60657"), (0.56, "773-555-0192")],
        [(0.07, "PAYER"), (0.15, "BCBS of Illinois PPO")],
    ]
    found = extract_parties([_page(rows)], date(2026, 11, 18))
    assert found["member.phone"].value == "7735550192"


def test_the_patient_named_under_its_heading_before_the_policy_holder() -> None:
    # The spouse's policy covers the patient: "Insured name" is not the member's name when
    # the patient's box names her; "Ordered by" names the clinician, whose phone follows.
    rows = [
        [(0.09, "PATIENT")],
        [(0.09, "Name: Mary Kline"), (0.35, "Birth date: 06/21/1958")],
        [(0.09, "Address: 17 Old Mill Rd, Hershey, PA 17033"), (0.55, "Phone: 717-555-0104")],
        [(0.09, "INSURANCE")],
        [(0.09, "Carrier: Highmark Blue Shield"), (0.45, "Policy #: HMK20573316")],
        [(0.09, "Insured name: Robert Kline"), (0.45, "Relationship: spouse")],
        [(0.09, "Ordered by: Theresa Okafor-Reyes, CRNP NPI 1299003313")],
        [(0.09, "Phone 717-555-8800 Fax 717-555-8801")],
    ]
    found = extract_parties([_page(rows)], date(2026, 11, 30))
    values = {path: f.value for path, f in found.items()}
    assert (values["member.first_name"], values["member.last_name"]) == ("Mary", "Kline")
    assert values["clinician.last_name"] == "Okafor-Reyes"
    assert (values["member.phone"], values["clinician.phone"]) == ("7175550104", "7175558800")


def test_a_small_caption_over_its_taller_value_and_a_bracket_read_off_a_box() -> None:
    # The caption's print is half the value's: the step to the value is measured in the
    # taller line's height. OCR read the box's edge after the first name ("Thu)").
    caption = laid_out_page([[(0.065, "1. Patient's HI Claim No.")]], line_height=0.006)
    value = laid_out_page([[(0.069, "6XN3-TY7-UU19")]], line_height=0.012)
    words = [
        *caption.words,
        *(
            w.model_copy(update={"bbox": (w.bbox[0], 0.116, w.bbox[2], 0.128), "line": 1})
            for w in value.words
        ),
    ]
    lines = [
        *caption.lines,
        value.lines[0].model_copy(update={"bbox": (0.069, 0.116, 0.19, 0.128)}),
    ]
    page = caption.model_copy(update={"words": words, "lines": lines})
    assert [c.text for c in find_values([page], "member.member_id")] == ["6XN3-TY7-UU19"]
    rows = [[(0.07, "Last: Pham First: Thu) MI: T DOB: 5/5/55")]]
    found = extract_parties([_page(rows)], date(2026, 8, 14))
    assert (found["member.first_name"].value, found["member.last_name"].value) == ("Thu", "Pham")


def test_a_hint_saying_the_surname_comes_first_orders_a_name_printed_with_no_comma() -> None:
    # Its closing bracket read as a brace, the hint's words no labels of their own.
    rows = [[(0.06, "PATIENT (LAST FIRST MI}: WOJCIK MAREK J")], [(0.06, "DOB: 02/11/1948")]]
    found = extract_parties([_page(rows)], date(2026, 11, 26))
    assert (found["member.first_name"].value, found["member.last_name"].value) == (
        "Marek",
        "Wojcik",
    )


def test_a_patient_named_in_a_sentence_full_of_caption_words() -> None:
    # "order", "home", "patient", "born": a sentence holds caption words, yet is no header row.
    page = _page(
        [
            [(0.1, "I am writing to order home oxygen for my patient, Mr. Elias Thornbury")],
            [(0.1, "(male, born 06.19.1944), who lives at 12 Gorham Road, Scarborough, ME")],
            [(0.1, "04074 (telephone 207-555-0165)")],
        ]
    )
    found = extract_parties([page], date(2026, 12, 1))
    assert (_got(found, "member.first_name"), _got(found, "member.last_name")) == (
        "Elias",
        "Thornbury",
    )
    assert _got(found, "member.dob") == "1944-06-19"
    # What the sentence goes on with after the ZIP is no part of the street.
    assert found["member.address"].value["line1"] == "12 Gorham Road"


@pytest.mark.parametrize(
    "rows",
    [
        # The doctor's NPI printed in the letterhead over the practice's numbers.
        [
            [(0.1, "NORTHGATE PULMONARY & SLEEP")],
            [(0.1, "Dr. Ingrid Halvorsen, DO - NPI 1762334799")],
            [(0.1, "88 Wexford Street, Portland, ME 04101 phone 207.555.0118 fax 207.555.0119")],
            [(0.1, "Patient: Elias Thornbury")],
        ],
        # Single letters naming the numbers: "P ... F ...".
        [
            [(0.1, "NORTHGATE PULMONARY & SLEEP")],
            [(0.1, "88 Wexford Street, Portland, ME 04101 * P 207-555-0118 * F 207-555-0119")],
            [(0.1, "Patient: Elias Thornbury")],
        ],
    ],
)
def test_the_practices_numbers_in_its_letterhead(rows: list[list[tuple[float, str]]]) -> None:
    found = extract_parties([_page(rows)], date(2026, 12, 1))
    assert (_got(found, "clinician.phone"), _got(found, "clinician.fax")) == (
        "2075550118",
        "2075550119",
    )


def test_a_letterheads_right_hand_block_read_after_the_first_rows() -> None:
    page = _page(
        [
            [(0.1, "Riverbend Family Medicine")],
            [(0.1, "Beneficiary: Harlan J. Pettigrew")],
            [(0.6, "Phone (608) 555-0121")],
            [(0.6, "Fax (608) 555-0122")],
        ]
    )
    # Tesseract reads the block at the letterhead's right after the rows under its name:
    # its lines come third and fourth, printed beside the name and under it.
    printed_at = {2: 0.1, 3: 0.11}

    def lifted(box: tuple[float, float, float, float], y: float) -> tuple[float, ...]:
        return (box[0], y, box[2], y + 0.008)

    page.words = [
        w.model_copy(update={"bbox": lifted(w.bbox, printed_at[w.line])})
        if w.line in printed_at
        else w
        for w in page.words
    ]
    page.lines = [
        line.model_copy(update={"bbox": lifted(line.bbox, printed_at[i])})
        if i in printed_at
        else line
        for i, line in enumerate(page.lines)
    ]
    found = extract_parties([page], date(2026, 12, 1))
    assert (_got(found, "clinician.phone"), _got(found, "clinician.fax")) == (
        "6085550121",
        "6085550122",
    )


def test_a_clinician_surname_first_with_a_comma_before_the_credential() -> None:
    page = _page(
        [
            [(0.1, "AUTHORIZING PROVIDER")],
            [(0.1, "Kessler, Aaron J, DO"), (0.4, "NPI: 1568594232")],
        ]
    )
    found = extract_parties([page], date(2026, 12, 3))
    assert (_got(found, "clinician.first_name"), _got(found, "clinician.last_name")) == (
        "Aaron",
        "Kessler",
    )
    assert _got(found, "clinician.credentials") == "DO"


def test_a_number_captioned_after_a_slash_beside_another_number() -> None:
    page = _page(
        [
            [(0.1, "FROM: Dr. Yusuf Karimi, MD (NPI 1656900168)")],
            [(0.16, "Lakeside Family Health, 55 Lake St, Burlington VT 05401")],
            [(0.16, "ph 802-555-0190 / fax 802-555-0191")],
            [(0.1, "RE: MORIN, CLAIRE - DOB 02/02/1936 - F")],
        ]
    )
    found = extract_parties([page], date(2026, 12, 3))
    assert (_got(found, "clinician.phone"), _got(found, "clinician.fax")) == (
        "8025550190",
        "8025550191",
    )


@pytest.mark.parametrize(
    ("text", "start"),
    [
        # The therapy between the verb and "on".
        ("Please begin TPN on 12/04/2026 via existing right arm PICC, infused nightly:", "12-04"),
        # The date right after the verb, at a sentence's start.
        ("Cefazolin 2 g IV every 8 hours for 4 weeks via midline. Begin 12/08/2026.", "12-08"),
    ],
)
def test_a_start_date_after_begin(text: str, start: str) -> None:
    found = extract_parties([_page([[(0.1, text)]])], date(2026, 12, 3))
    assert _got(found, "dates.service_start") == f"2026-{start}"


def test_a_section_heading_over_the_clinician_is_no_practice() -> None:
    page = _page(
        [
            [(0.1, "ORDERING PROVIDER")],
            [(0.1, "Benedikt Sorensen, MD - Family Medicine")],
            [(0.1, "NPI 1580521106")],
            [(0.1, "Order for: Pritchard, Samuel"), (0.5, "DOB 01/29/1950")],
        ]
    )
    found = extract_parties([page], date(2026, 12, 3))
    assert "clinician.organization" not in found
    assert (_got(found, "member.first_name"), _got(found, "member.last_name")) == (
        "Samuel",
        "Pritchard",
    )


def test_a_scribble_read_as_letters_under_the_closing_is_no_clinician() -> None:
    page = _page(
        [
            [(0.1, "Sincerely,")],
            [(0.1, "WV")],
            [(0.1, "Rafaela Costa-Mendes, MD")],
            [(0.1, "NPI 1782514016")],
        ],
    )
    page.lines[1] = page.lines[1].model_copy(update={"conf": 0.13})
    found = extract_parties([page], date(2026, 12, 3))
    assert (_got(found, "clinician.first_name"), _got(found, "clinician.last_name")) == (
        "Rafaela",
        "Costa-Mendes",
    )


def test_a_name_captioned_again_inside_its_sections_box() -> None:
    """Boxes side by side under their headings, each line captioned again ("Name: ..."),
    faxed and read by tesseract: the member's box is read as "Name: Achterberg, Willemijn",
    its caption then its value."""
    image = Image.new("L", (1728, 700), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 27)
    bold = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 26)
    draw.rectangle((122, 150, 857, 560), outline=0, width=2)
    draw.rectangle((857, 150, 1612, 560), outline=0, width=2)
    draw.text((143, 165), "PATIENT", fill=0, font=bold)
    draw.text((877, 165), "PRESCRIBER", fill=0, font=bold)
    left = ["Name: Achterberg, Willemijn", "DOB: 06/14/1957   Sex: F", "4120 Lakeshore Dr"]
    right = ["Dr. Pieter van der Berg, MD", "NPI: 1625179126", "Lakeshore Sleep & Lung"]
    for row, (mine, theirs) in enumerate(zip(left, right, strict=True)):
        draw.text((143, 225 + 55 * row), mine, fill=0, font=font)
        draw.text((877, 225 + 55 * row), theirs, fill=0, font=font)
    pages = [read.page for read in read_document(encode_fax_tiff([image], "fine"), Limits())]
    found = extract_parties(pages, date(2026, 12, 3))
    assert (_got(found, "member.first_name"), _got(found, "member.last_name")) == (
        "Willemijn",
        "Achterberg",
    )


def test_a_coverage_rank_is_no_plan() -> None:
    page = _page(
        [
            [(0.05, "Patient: Beauchamp, Odile"), (0.5, "DOB 05/19/1936")],
            [(0.05, "Coverage"), (0.25, "Plan"), (0.6, "ID")],
            [(0.05, "Primary"), (0.25, "Humana Gold Plus"), (0.6, "H55102938")],
            [(0.05, "Secondary"), (0.25, "Mississippi Medicaid"), (0.6, "700119283")],
        ]
    )
    found = extract_parties([page], date(2026, 12, 3))
    assert _got(found, "payer.name") == "Humana Gold Plus"


def _parties_of(
    rows: list[list[tuple[float, str]]], received: date = date(2026, 12, 3)
) -> dict[str, Any]:
    return extract_parties([_page(rows)], received)


def test_a_note_in_brackets_after_the_ordering_name_is_no_part_of_it() -> None:
    found = _parties_of(
        [
            [(0.05, "Patient: Lindqvist, Soren A"), (0.55, "DOB: 12/08/1962")],
            [(0.05, "Ordering physician: HALVORSEN, INGRID (Infectious Disease)")],
            [(0.05, "Referring: Dr. Alan Ng")],
        ]
    )
    assert (_got(found, "clinician.first_name"), _got(found, "clinician.last_name")) == (
        "Ingrid",
        "Halvorsen",
    )


def test_a_caption_set_flush_right_before_its_name_still_names_a_distractor() -> None:
    """ "Primary care:" set flush right, its name a gap after it: the primary-care doctor is
    no ordering clinician, and the prescriber's typed name below is."""
    found = _parties_of(
        [
            [(0.05, "Patient: Lindqvist, Soren A"), (0.42, "Primary care:"), (0.56, "Dr. Alan Ng")],
            [(0.05, "DOB: 12/08/1962")],
            [(0.05, "Please start ertapenem 1 g IV daily.")],
            [(0.05, "Ingrid Halvorsen, MD")],
        ]
    )
    assert (_got(found, "clinician.first_name"), _got(found, "clinician.last_name")) == (
        "Ingrid",
        "Halvorsen",
    )


def test_ph_on_the_members_row_is_the_members_phone() -> None:
    found = _parties_of(
        [
            [(0.05, "Name: Ortiz, Marisol"), (0.55, "Date: 11/29/2026")],
            [(0.05, "Ins. Tufts Health Plan"), (0.35, "ID 9920014471"), (0.6, "Ph 978-555-0127")],
        ]
    )
    assert _got(found, "member.phone") == "9785550127"
    assert "clinician.phone" not in found


def test_a_letterheads_npi_is_no_phone() -> None:
    found = _parties_of(
        [
            [(0.05, "Eastside Family Medicine")],
            [(0.05, "Prescriber: LEWIS, David A (MD) NPI: 2189757570")],
            [(0.05, "5921 Erica Circle, East Eric, WV 26038")],
            [(0.05, "Patient: Washington, William"), (0.55, "DOB: 6/14/1987")],
        ],
        date(2025, 5, 21),
    )
    assert _got(found, "clinician.npi") == "2189757570"
    assert "clinician.phone" not in found


def test_the_clinics_number_after_a_speck_between_cells() -> None:
    """OCR read a speck in the gap between the NPI's cell and the clinic's ("_—s-")."""
    found = _parties_of(
        [
            [(0.05, "Patient: Fairbanks, Lorraine"), (0.55, "DOB 05/22/1951")],
            [(0.05, "Treating provider: Aiyana Redcloud, APRN-CNP, CWON")],
            [(0.05, "NPI 1472534555 _\u2014s- Clinic 410-555-0160 Fax 410-555-0161")],
        ]
    )
    assert _got(found, "clinician.npi") == "1472534555"
    assert _got(found, "clinician.phone") == "4105550160"
    assert _got(found, "clinician.fax") == "4105550161"


def _side_by_side_boxes() -> Page:
    return _page(
        [
            [(0.05, "DURABLE MEDICAL EQUIPMENT PRESCRIPTION")],
            [(0.08, "FROM (prescriber)"), (0.5, "FOR (patient)")],
            [(0.08, "Gideon Achterberg, MD"), (0.5, "Nakamura, Emiko")],
            [(0.08, "Family Medicine of Ames"), (0.5, "DOB 08/19/1949 Sex F")],
            [(0.08, "515 Lincoln Way, Ames, IA 50010"), (0.5, "2406 Hoover Ave")],
            [(0.08, "NPI 1608524538"), (0.5, "Ames, IA 50010")],
            [(0.5, "Tel 515-555-0177")],
            [(0.08, "Ph 515-555-0102 Fax 515-555-0103")],
            [(0.5, "Wellmark BCBS ID WMK4410297")],
        ]
    )


def test_headings_side_by_side_head_a_column_each() -> None:
    """ "FROM (prescriber)" and "FOR (patient)" over boxes of their own: each box's first line
    is its party's name, and its numbers are its party's."""
    found = extract_parties([_side_by_side_boxes()], date(2026, 12, 3))
    assert (_got(found, "member.first_name"), _got(found, "member.last_name")) == (
        "Emiko",
        "Nakamura",
    )
    assert (_got(found, "clinician.first_name"), _got(found, "clinician.last_name")) == (
        "Gideon",
        "Achterberg",
    )
    assert _got(found, "member.phone") == "5155550177"
    assert _got(found, "clinician.phone") == "5155550102"


def test_a_plans_number_after_a_bare_id() -> None:
    found = extract_parties([_side_by_side_boxes()], date(2026, 12, 3))
    assert _got(found, "payer.name") == "Wellmark BCBS"
    assert _got(found, "member.member_id") == "WMK4410297"


def test_a_sex_letter_with_a_speck_glued_on_after_the_birth_date() -> None:
    page = _page([[(0.05, "Pt: Ferreira, Joaquim DOB 1/30/1962 \u2122M")]])
    found = extract_parties([page], date(2026, 12, 3))
    shaped = sex_beside_member([page], found, date(2026, 12, 3))
    assert shaped is not None and shaped.value == "M"


def test_a_captioned_name_running_on_into_the_npis_caption() -> None:
    found = _parties_of(
        [
            [(0.05, "Pt: Ferreira, Joaquim"), (0.5, "DOB 1/30/1962")],
            [(0.05, "Surgeon: Helena Vasquez-Morrow, MD, FACS NPI 1106450459")],
        ]
    )
    assert (_got(found, "clinician.first_name"), _got(found, "clinician.last_name")) == (
        "Helena",
        "Vasquez-Morrow",
    )


@pytest.mark.parametrize(
    ("rows", "path", "expected"),
    [
        pytest.param(
            [
                [(0.3, "CASCADE HOME INFUSION PHARMACY")],
                [(0.05, "Patient: Lindqvist, Soren A"), (0.5, "Insurance: Providence Health")],
                [(0.05, "DOB: 12/08/1962"), (0.5, "Start infusion: 12/01/2026")],
            ],
            "dates.service_start",
            "2026-12-01",
            id="a supplier's name titling its own form opens no section of the supplier's",
        ),
        pytest.param(
            [
                [(0.05, "PHYSICIAN ORDERS")],
                [(0.05, "Date/time: 12/03/2026 10:15")],
                [(0.05, "Patient: Walsh, Theodore J"), (0.5, "DOB 04/05/1944")],
            ],
            "dates.order",
            "2026-12-03",
            id="a date and time caption dates the order",
        ),
        pytest.param(
            [
                [(0.5, "WALSH, THEODORE J")],
                [(0.5, "DOB 04/05/1944 M")],
                [(0.5, "MEDICARE 1EG4-TE5-MK72")],
            ],
            "payer.name",
            "MEDICARE",
            id="a hospital label's plan, its number printed bare after it",
        ),
        pytest.param(
            [
                [(0.05, "Re: Marisela Gutierrez, born 06/24/1944 (female)")],
                [(0.05, "615 Colley Ave Apt 12, Norfolk, VA 23507")],
                [(0.05, "Optima Health Medicare, member ID OPM55021346")],
            ],
            "payer.name",
            "Optima Health Medicare",
            id="a plan in a letter's subject before its member ID's caption",
        ),
    ],
)
def test_a_value_read_by_its_place(
    rows: list[list[tuple[float, str]]], path: str, expected: str
) -> None:
    assert _got(_parties_of(rows), path) == expected


def test_a_line_across_the_boxes_columns_is_under_them() -> None:
    """Under side-by-side PATIENT and PHYSICIAN boxes, a line printed across both columns
    holds the member's plan and ID (its caption blurred to "1D:", which only the caption
    reader takes): the physician's column ended above it."""
    found = _parties_of(
        [
            [(0.08, "PATIENT"), (0.5, "PHYSICIAN")],
            [(0.08, "Name: Abernathy, Clement"), (0.5, "Name: Priscilla Ong, DO")],
            [(0.08, "DOB: 03/03/1961 Sex: M"), (0.5, "NPI: 1548261803")],
            [(0.08, "Phone: 603-555-0164"), (0.5, "Phone: 603-555-0120")],
            [
                (0.08, "Insurance: Harvard Pilgrim Stride (HMO) Medicare Advantage"),
                (0.72, "1D: HPS40028817"),
            ],
        ]
    )
    assert _got(found, "member.member_id") == "HPS40028817"


def test_a_states_medicaid_program_names_the_plan_and_captions_its_number() -> None:
    """A state's own name for its Medicaid program ("SoonerCare ID: ...") is the plan and
    the caption of the member's number at once; faxed and read by tesseract."""
    rows = [
        "Patient: Lindqvist, Soren A        DOB: 12/08/1962",
        "SoonerCare ID: SC200418773         Sex: M",
        "Ordering physician: Ingrid Halvorsen, MD",
    ]
    pages = [read.page for read in faxed_lines(rows, height=500)]
    found = extract_parties(pages, date(2026, 12, 3))
    assert _got(found, "payer.name") == "SoonerCare"
    assert _got(found, "member.member_id") == "SC200418773"


def test_a_sign_read_for_the_first_letter_of_a_plans_number() -> None:
    found = _parties_of(
        [
            [(0.05, "Patient: Lindqvist, Soren A"), (0.55, "DOB: 12/08/1962")],
            [(0.05, "TennCare ID $C200418773"), (0.55, "Sex: M")],
        ]
    )
    assert _got(found, "payer.name") == "TennCare"
    assert _got(found, "member.member_id") == "SC200418773"


def test_an_offices_name_over_its_street_is_no_member_addressed() -> None:
    """A practice's letterhead printed lower than a letterhead's band (under a fax header or a
    logo): its name over its street and town addresses no person, so the member, whose
    address the order does not print, has none."""
    found = _parties_of(
        [
            [(0.3, "Lakeview Pulmonary Associates")],
            [(0.3, "210 Harbor Way, Suite 4")],
            [(0.3, "Duluth, MN 55802")],
            [(0.3, "Tel (218) 555-0147   Fax 218.555.0148")],
            [(0.05, "Patient: Lindqvist, Soren A"), (0.55, "DOB: 12/08/1962")],
            [(0.05, "Ordering physician: Ingrid Halvorsen, MD"), (0.55, "NPI: 1234567893")],
        ]
    )
    assert "member.address" not in found
    assert (_got(found, "member.first_name"), _got(found, "member.last_name")) == (
        "Soren",
        "Lindqvist",
    )


def test_a_primary_care_doctor_is_the_ordering_one_only_when_no_other_is_named() -> None:
    """ "PCP: <name>, MD" printed before the signer's typed name ("Print name: <name>, MD"):
    the signer ordered; with no other clinician named, the PCP is read."""
    rows = [
        [(0.05, "Patient: Lindqvist, Soren A"), (0.55, "DOB: 12/08/1962")],
        [(0.05, "PCP: Marguerite Baptiste, MD - Riverside Family Clinic")],
        [(0.05, "Physician signature: ____________"), (0.55, "Date: 28-Feb-25")],
        [(0.05, "Print name: Chinedu Okafor, MD (attending)"), (0.55, "NPI: 1096723659")],
    ]
    found = _parties_of(rows)
    assert (_got(found, "clinician.first_name"), _got(found, "clinician.last_name")) == (
        "Chinedu",
        "Okafor",
    )
    found = _parties_of(rows[:2])
    assert _got(found, "clinician.last_name") == "Baptiste"


def _two_column_cmn() -> bytes:
    """A certificate of medical necessity's section A as a fine fax: numbered headings side
    by side ("A1. BENEFICIARY   A2. SUPPLIER (DMEPOS)"), and "A3. ORDERING PHYSICIAN" printed
    in the right column beside the member's town, over the physician's values."""
    image = Image.new("L", (1728, 900), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 26)
    bold = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 26)
    left = [
        ("A1. BENEFICIARY", bold),
        ("Name (first, MI, last): Lowell E. Brandvold", font),
        ("Date of birth: 10/09/1947", font),
        ("Street: 1186 Hickman Rd Apt 3", font),
        ("City/State/ZIP: Urbandale, IA 50322", font),
        ("Telephone: 515.276.4418", font),
        ("Plan: Aetna Medicare Advantage PPO", font),
        ("Member ID: W284 119 3726", font),
    ]
    right = [
        ("A2. SUPPLIER (DMEPOS)", bold),
        ("Name: Prairie Air Respiratory Services", font),
        ("Supplier NPI: 2658481967", font),
        ("Phone: 515.244.0910  Fax: 515.244.0911", font),
        ("A3. ORDERING PHYSICIAN", bold),
        ("Name: Imani Kasongo, MD", font),
        ("NPI: 1749038786", font),
        ("Phone: 515.241.7700  Fax: 515.241.7799", font),
    ]
    for row, ((mine, mine_font), (theirs, theirs_font)) in enumerate(zip(left, right, strict=True)):
        draw.text((100, 120 + 60 * row), mine, fill=0, font=mine_font)
        draw.text((900, 120 + 60 * row), theirs, fill=0, font=theirs_font)
    return encode_fax_tiff([image], "fine")


def test_numbered_headings_side_by_side_and_a_heading_inside_a_column() -> None:
    pages = [read.page for read in read_document(_two_column_cmn(), Limits())]
    found = extract_parties(pages, date(2026, 12, 3))
    assert (_got(found, "member.first_name"), _got(found, "member.last_name")) == (
        "Lowell",
        "Brandvold",
    )
    # A plan's prefix glued to the first of the card's groups of digits.
    assert _got(found, "member.member_id") == "W2841193726"
    assert (_got(found, "clinician.first_name"), _got(found, "clinician.last_name")) == (
        "Imani",
        "Kasongo",
    )
    assert (_got(found, "clinician.phone"), _got(found, "clinician.fax")) == (
        "5152417700",
        "5152417799",
    )


def test_an_electronic_signature_names_the_clinician_over_an_e_mails_sender() -> None:
    """An e-mailed order: the case manager who sent it ("From: ..., RN") is named first, the
    ordering clinician by the e-signature statement, whose date follows the name."""
    found = _parties_of(
        [
            [(0.05, "From: Dana Whitcomb, RN CCM <dwhitcomb@lakeshorehealth.org>")],
            [(0.05, "Subject: HH referral - Ostrowski, Frank - SOC 6/12")],
            [(0.07, "Pt Name: Frank J. Ostrowski"), (0.5, "Sex: M")],
            [(0.07, "DOB: 11/02/1948"), (0.5, "Ph: (262)654-3391")],
            [(0.07, "Electronically signed by Priya Natarajan, MD on 06/09/2025 16:42")],
        ]
    )
    assert (_got(found, "clinician.first_name"), _got(found, "clinician.last_name")) == (
        "Priya",
        "Natarajan",
    )


def test_a_memo_with_a_group_npi_a_bare_plan_number_and_a_kin_of_the_same_surname() -> None:
    """A practice's memo: its letterhead's "Group NPI" is the practice's, not the signer's
    (whose own NPI, under the name, fails its check digit and stays theirs); "Ins: <plan>
    <number>" prints the member's number bare after the plan; and the daughter named with
    the member's surname in a sentence is not the member, so her cell is not the member's."""
    found = _parties_of(
        [
            [(0.1, "RIVERBEND FAMILY & GERIATRIC MEDICINE")],
            [(0.1, "Tel 901-726-5500 - Fax 901-726-5512 - Group NPI 1384756205")],
            [(0.1, "FROM: Priya Raman, MD - Internal Medicine / Geriatrics")],
            [(0.1, "RE: Okonkwo, Adaeze (F) DOB 4/17/1949 Ins: Humana Gold Plus H4512-0193")],
            [(0.1, "2210 Calloway Street, Memphis, TN 38114 - home (901) 744-3826")],
            [(0.1, "Her daughter, Chioma Okonkwo (cell 901-488-0271), will accept delivery.")],
            [(0.1, "Sincerely,")],
            [(0.1, "Priya Raman, MD")],
            [(0.1, "NPI 1620483397")],
        ]
    )
    assert _got(found, "clinician.npi") == "1620483397"
    assert _got(found, "payer.name") == "Humana Gold Plus"
    assert _got(found, "member.member_id") == "H4512-0193"
    assert _got(found, "member.phone") == "9017443826"
    # With no NPI of the signer's own, the practice's is still not the clinician's.
    found = _parties_of(
        [
            [(0.1, "RIVERBEND FAMILY & GERIATRIC MEDICINE")],
            [(0.1, "Tel 901-726-5500 - Fax 901-726-5512 - Group NPI 1384756205")],
            [(0.1, "RE: Okonkwo, Adaeze (F) DOB 4/17/1949")],
            [(0.1, "Sincerely,")],
            [(0.1, "Priya Raman, MD")],
        ]
    )
    assert "clinician.npi" not in found


def test_a_word_of_a_name_order_hint_captions_nothing() -> None:
    """ "PATIENT (LAST, FIRST MIDDLE)" over the name: "FIRST" is the hint's word, so the
    member's given name is not "MIDDLE)" but the one the row under it prints."""
    found = _parties_of(
        [
            [(0.05, "PATIENT (LAST, FIRST MIDDLE)"), (0.45, "DOB"), (0.6, "SEX")],
            [(0.05, "OKONKWO, AMARA GRACE"), (0.45, "08/23/2019"), (0.6, "F")],
        ]
    )
    assert (_got(found, "member.first_name"), _got(found, "member.last_name")) == (
        "Amara",
        "Okonkwo",
    )


def test_a_sex_letter_in_brackets_after_the_members_name() -> None:
    page = _page([[(0.05, "RE: Okonkwo, Adaeze (F) DOB 4/17/1949 MRN 0081734")]])
    found = extract_parties([page], date(2026, 12, 3))
    shaped = sex_beside_member([page], found, date(2026, 12, 3))
    assert shaped is not None and shaped.value == "F"


def test_an_office_caption_in_the_prescribers_block_gives_the_clinicians_phone() -> None:
    """ "Office: ..." in the prescriber's block; a pharmacy's footer prints its own "Ph"."""
    found = _parties_of(
        [
            [(0.05, "PRESCRIBER"), (0.5, "PATIENT")],
            [(0.05, "Samuel K. Adeyemi, MD"), (0.5, "Name: Lindqvist, Marcus")],
            [(0.05, "NPI: 1987654328"), (0.5, "DOB: 08.19.1961")],
            [(0.05, "Office: 614.293.7710"), (0.5, "Phone: (614) 889-2046")],
            [(0.05, "Prescriber signature:"), (0.6, "Date: 07/09/25")],
            [(0.2, "BUCKEYE HOME INFUSION PHARMACY - 1850 Dividend Dr, Columbus, OH 43228")],
            [(0.2, "Ph 614-771-3300 - Fax 614-771-3309 - NPI 1335577999")],
        ]
    )
    assert _got(found, "clinician.phone") == "6142937710"


def test_an_abbreviated_insurance_number_caption() -> None:
    found = _parties_of(
        [
            [(0.07, "Pt Name: Frank J. Ostrowski"), (0.5, "Sex: M")],
            [(0.07, "DOB: 11/02/1948"), (0.5, "Ins #: 918442703-01")],
        ]
    )
    assert _got(found, "member.member_id") == "918442703-01"


def test_a_group_number_captioned_beside_the_plan_is_no_member_id() -> None:
    found = _parties_of(
        [
            [(0.05, "Patient: Robert Sullivan"), (0.5, "DOB: 10/31/1955")],
            [(0.05, "Payer"), (0.3, "Group Number")],
            [(0.05, "UnitedHealthcare"), (0.3, "632-64519")],
        ]
    )
    assert _got(found, "payer.group_number") == "632-64519"
    assert "member.member_id" not in found


def test_a_letters_supplier_addressee_prints_its_own_numbers() -> None:
    """A clinic's letter to a supplier: the addressee's block under the letterhead prints
    the supplier's phone and fax, which are not the clinician's; and a sentence after "this
    plan." names no payer."""
    found = _parties_of(
        [
            [(0.23, "RIVERSIDE WOUND & VASCULAR CLINIC")],
            [(0.29, "2250 Riverside Drive, Suite 120 - Columbus, OH 43221")],
            [(0.33, "Phone (614) 488-2710 - Fax (614) 488-2719")],
            [(0.09, "April 2, 2025")],
            [(0.09, "Keystone Medical Equipment")],
            [(0.09, "Attn: Intake / Order Processing")],
            [(0.09, "Phone (614) 291-7700 Fax (614) 291-7745")],
            [(0.09, "RE: Dorothy A. Kessler, female, DOB 09/14/1949")],
            [(0.09, "Her primary care physician, Ellen Whitacre, MD, is aware of")],
            [(0.09, "this plan. Please contact my office with any questions.")],
            [(0.09, "Marcus L. Bennett, DO")],
        ]
    )
    assert (_got(found, "clinician.phone"), _got(found, "clinician.fax")) == (
        "6144882710",
        "6144882719",
    )
    assert "payer.name" not in found


def test_a_caption_glued_to_its_value_and_a_q_read_for_a_zero() -> None:
    """A form of fill-in lines, its captions glued to their values by OCR ("Patientname
    Maria T. Esposito"), its dates' leading 0 read as a Q ("Q2/19/1962")."""
    found = _parties_of(
        [
            [(0.05, "PATIENT")],
            [(0.07, "Patientname Maria T. Esposito")],
            [(0.07, "Date of birth Q2/19/1962")],
            [(0.07, "Date needed Q5/09/2025")],
        ]
    )
    assert (_got(found, "member.first_name"), _got(found, "member.last_name")) == (
        "Maria",
        "Esposito",
    )
    assert _got(found, "member.dob") == "1962-02-19"
    assert _got(found, "dates.service_start") == "2025-05-09"


def test_boxes_under_headings_side_by_side_each_open_with_a_name_caption() -> None:
    """ "PRESCRIBING PHYSICIAN" and "PATIENT" head two boxes whose rows open with captions
    and no colons ("Name", "Specialty"); the member's ID ends in the card's person code
    printed apart ("U88491203 01"). Faxed and read by tesseract."""
    pages = [
        read.page
        for read in faxed_cells(
            [
                (100, 100, "PRESCRIBING PHYSICIAN"),
                (900, 100, "PATIENT"),
                (100, 150, "Name"),
                (280, 150, "Anjali Deshpande, MD"),
                (900, 150, "Name"),
                (1080, 150, "Bell, Marcus T."),
                (100, 200, "Specialty"),
                (280, 200, "Orthopaedic Surgery"),
                (900, 200, "DOB"),
                (1080, 200, "04/09/1966"),
                (100, 250, "NPI"),
                (280, 250, "1187383322"),
                (900, 250, "Member ID"),
                (1080, 250, "U88491203 01"),
            ],
            height=500,
        )
    ]
    found = extract_parties(pages, date(2025, 11, 21))
    assert (_got(found, "clinician.first_name"), _got(found, "clinician.last_name")) == (
        "Anjali",
        "Deshpande",
    )
    assert (_got(found, "member.first_name"), _got(found, "member.last_name")) == (
        "Marcus",
        "Bell",
    )
    assert _got(found, "member.member_id") == "U8849120301"


def test_one_caption_listing_the_names_parts_in_order() -> None:
    """ "Last name, First name, MI" captions one value, "WHITFIELD, HAROLD J": no "MI" for
    a given name. Faxed and read by tesseract."""
    pages = [
        read.page
        for read in faxed_cells(
            [
                (100, 100, "PATIENT"),
                (100, 150, "Last name, First name, MI"),
                (700, 150, "Date of birth"),
                (1000, 150, "Phone"),
                (100, 180, "WHITFIELD, HAROLD J"),
                (700, 180, "08/14/1951"),
                (1000, 180, "(843) 662-4178"),
            ],
            height=400,
        )
    ]
    found = extract_parties(pages, date(2025, 10, 9))
    assert (_got(found, "member.first_name"), _got(found, "member.last_name")) == (
        "Harold",
        "Whitfield",
    )


def test_a_case_manager_is_no_clinician_and_a_captioned_names_block() -> None:
    """The prescriber's heading lost (white on black): "Case mgr:" names another party, and
    the numbers under "Name: Elena Marsh, MD" are hers, their line starting at her name's
    caption. Faxed and read by tesseract."""
    rows = [
        "Facility: Williamson Regional Medical Center, 4 North",
        "Case mgr: Brittany Oyelaran, RN ph (512) 341-2288 fax (512) 341-2290",
        "Name: Elena Marsh, MD (Infectious Disease)       NPI: 1997965466",
        "Phone: (512) 341-7700   Fax: (512) 341-7799",
        "Patient: Kevin Okafor   DOB: 11/03/1979",
    ]
    found = extract_parties(
        [read.page for read in faxed_lines(rows, height=600)], date(2025, 12, 3)
    )
    assert (_got(found, "clinician.first_name"), _got(found, "clinician.last_name")) == (
        "Elena",
        "Marsh",
    )
    assert (_got(found, "clinician.phone"), _got(found, "clinician.fax")) == (
        "5123417700",
        "5123417799",
    )


def test_the_patients_box_beside_the_letterhead() -> None:
    """The practice's street, phone and fax under its name on the left, the patient's box
    level with them on the right under "PATIENT": OCR reads each row across both. The
    street on the left is the office's, not the member's, and its numbers the clinician's.
    Faxed and read by tesseract."""
    left = ["Sunrise Family Medicine", "412 Oak Street, Suite 200", "Tulsa, OK 74105"]
    left += ["Phone (918) 555-0142", "Fax (918) 555-0143"]
    right = ["PATIENT", "Name: Maria Lopez", "DOB: 03/14/1948   Sex: F"]
    right += ["Member ID: XKH448120931", "Plan: Aetna Medicare", "Phone: (918) 555-7781"]
    right += ["1820 Elm Ave, Tulsa, OK 74112"]
    cells = [(100, 100 + 60 * at, text) for at, text in enumerate(left)]
    cells += [(760, 100 + 60 * at, text) for at, text in enumerate(right)]
    cells += [(100, 600, "Ordering physician: Alan Park, MD   NPI 1234567893")]
    found = extract_parties(
        [read.page for read in faxed_cells(cells, height=2200)], date(2026, 12, 1)
    )
    address = _got(found, "member.address")
    assert (address["line1"], address["postal_code"]) == ("1820 Elm Ave", "74112")
    assert _got(found, "member.phone") == "9185557781"
    assert (_got(found, "clinician.phone"), _got(found, "clinician.fax")) == (
        "9185550142",
        "9185550143",
    )


def test_the_patients_box_beside_the_letterhead_opens_with_its_caption() -> None:
    """As above, the box opening with "Patient:" level with the practice's name; faxed and
    read by tesseract."""
    left = ["Piedmont Family & Geriatric Medicine", "1450 Hillandale Road, Suite 200"]
    left += ["Durham, NC 27705", "Tel (919) 383-5120", "Fax (919) 383-5129"]
    right = ["Patient: Eleanor V. Pruitt", "DOB 02/09/1939   Female", "2206 Cole Mill Road"]
    right += ["Durham, NC 27712", "Phone (919) 471-3382"]
    cells = [(140, 100 + 34 * at, text) for at, text in enumerate(left)]
    cells += [(1000, 100 + 34 * at, text) for at, text in enumerate(right)]
    cells += [(100, 500, "Ordering physician: Catherine L. Boateng, MD   NPI 1902654189")]
    found = extract_parties(
        [read.page for read in faxed_cells(cells, height=2200)], date(2025, 6, 23)
    )
    address = _got(found, "member.address")
    assert (address["line1"], address["postal_code"]) == ("2206 Cole Mill Road", "27712")
    assert _got(found, "clinician.phone") == "9193835120"


def test_the_date_typed_over_a_date_signed_caption() -> None:
    """The date written on its rule over "Date signed", beside the signer's typed name, on
    a page whose other captions stand before their values, is that caption's value: the
    order's date, not the date a progress note after it was signed electronically. Faxed
    and read by tesseract."""
    cells = [
        (100, 100, "Patient: Eleanor V. Pruitt   DOB: 02/09/1939"),
        (100, 160, "Date needed: 06/24/2025"),
        (170, 258, "IW LAS"),  # the scribble on the signature's rule, as OCR reads it
        (1000, 260, "06/23/2025"),
        (100, 300, "Catherine L. Boateng, MD   NPI 1902654189"),
        (1000, 300, "Date signed"),
    ]
    note = [
        (100, 100, "PROGRESS NOTE   Visit date: 06/19/2025"),
        (100, 160, "Electronically signed by Catherine L. Boateng, MD on 06/19/2025 17:12"),
    ]
    order = faxed_cells(cells, height=2200)[0].page
    second = faxed_cells(note, height=2200)[0].page.model_copy(update={"number": 2})
    signed = find_values([order], "dates.signature")
    assert [(c.layout, c.text) for c in signed] == [("above", "06/23/2025")]
    found = extract_parties([order, second], date(2025, 6, 23))
    assert _got(found, "dates.order") == "2025-06-23"


def test_a_name_after_a_hint_of_its_order_and_a_last_measure_is_no_surname() -> None:
    """ "Name (first, last) Rosalinda Ybarra" with no colon: the hint's comma is no part of
    the value; "Last A1c 9.4 %" further down captions no surname. Faxed and read by
    tesseract."""
    cells = [
        (100, 100, "1. PATIENT"),
        (100, 150, "Name (first, last)   Rosalinda Ybarra"),
        (1000, 150, "Date of birth   03/27/1962"),
        (100, 200, "Phone (832) 419-2276"),
        (100, 300, "Last office visit 09/18/2025     Last A1c 9.4 %"),
    ]
    found = extract_parties(
        [read.page for read in faxed_cells(cells, height=2200)], date(2025, 10, 2)
    )
    assert (_got(found, "member.first_name"), _got(found, "member.last_name")) == (
        "Rosalinda",
        "Ybarra",
    )


def test_the_date_typed_over_a_bare_date_caption_beside_the_signers_name() -> None:
    """No "Signature" caption, low on the page: the signer's name typed under the rule, and
    "Jul 24, 2025" typed over "Date" beside it. Faxed and read by tesseract."""
    cells = [
        (100, 100, "Name: Gerald A. Lindqvist      Date of birth: 11/30/1957"),
        (100, 160, "Requested start: 07/28/2025"),
        (100, 220, "Access: 20 Fr PEG placed 07/15/2025. Last clinic visit: 07/21/2025"),
        (1000, 1800, "Jul 24, 2025"),
        (100, 1840, "Rebecca Sollenberger, DO"),
        (1000, 1840, "Date"),
    ]
    found = extract_parties(
        [read.page for read in faxed_cells(cells, height=2200)], date(2025, 7, 24)
    )
    assert _got(found, "dates.order") == "2025-07-24"


def test_the_npi_on_the_clinicians_row_over_one_in_the_box_above() -> None:
    """A supplier's box ("DME provider: ... NPI ...") right above the ordering physician's
    ("Name: ..., MD    NPI: ..."): the NPI beside the name is hers, though the other stands
    nearer her name's start. Faxed and read by tesseract."""
    cells = [
        (100, 100, "Patient name: Thanh-Huong Pham    Date of birth: 12/03/1963"),
        (100, 300, "DME provider: Pacific Coast Respiratory Care"),
        (300, 340, "NPI 1795422058 - Tel (408) 555-0770 - Fax (408) 555-0771"),
        (100, 420, "ORDERING PHYSICIAN"),
        (100, 460, "Name: Helena M. Sorensen, MD"),
        (900, 460, "NPI: 1526018159"),
        (100, 500, "Phone: (650) 555-0330   Fax: (650) 555-0331"),
    ]
    found = extract_parties(
        [read.page for read in faxed_cells(cells, height=2200)], date(2025, 6, 16)
    )
    assert _got(found, "clinician.last_name") == "Sorensen"
    assert _got(found, "clinician.npi") == "1526018159"
