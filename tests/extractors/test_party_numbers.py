"""Whose phone or fax number a printed number is: the fax header's machines, a form's
headings and columns, a box's number, and the copies an order prints of one number."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.extract.captions import captioned_values, row_cells
from extractors.extract.confidence import CONTESTED_CONFIDENCE
from extractors.extract.copies import settle
from extractors.extract.header import stamped_numbers
from extractors.extract.parties import READERS, extract_parties
from tests.extractors.laid_out import laid_out_page

_REFERENCE = date(2025, 12, 1)


def _numbers(rows: list[list[tuple[float, str]]]) -> dict[str, str]:
    out = extract_parties([laid_out_page(rows)], _REFERENCE)
    paths = ("member.phone", "clinician.phone", "clinician.fax")
    return {path: out[path].value for path in paths if path in out}


def test_header_tells_the_sending_machine_from_the_receiving_one() -> None:
    stamp = stamped_numbers("07/07/2025 12:09 FROM: 773-372-3311 TO: 412/813-5647 P. 1/2")
    assert stamp.sending == ("7733723311",)
    assert stamp.receiving == {"4128135647"}
    arrow = stamped_numbers("2025-10-07 16:02:15 6144468640 -> 5122619166 Pg 1/1")
    assert arrow.sending == ("6144468640",) and arrow.receiving == {"5122619166"}


def test_the_receiving_fax_is_not_the_clinicians() -> None:
    # The recipient's fax, printed again as "Send to: ... fax", is the fax machine's
    # receiving number: the clinician's is the sending one.
    numbers = _numbers(
        [
            [(0.02, "10/07/2025 16:02 FROM: 614-446-8640 TO: 512-261-9166 P. 1/1")],
            [(0.06, "Patient: Zoe Hart")],
            [(0.06, "Send to: Acme Home Infusion fax 512-261-9166")],
            [(0.06, "Ordering physician: John Pope, MD")],
        ]
    )
    assert numbers.get("clinician.fax") == "6144468640"


def test_a_heading_opens_the_clinicians_part_of_the_form() -> None:
    # "HOME HEALTH ORDERS" read as the patient's part; the physician's heading opens the
    # physician's, so the "Fax:" beyond the reach of its row's first column is the
    # physician's too.
    page = laid_out_page(
        [
            [(0.04, "Person served: Zoe Hart"), (0.25, "DoB: 01/02/1950")],
            [(0.06, "5 HOME HEALTH ORDERS")],
            [(0.06, "Skilled nursing visits 4")],
            [(0.06, "6 ORDERING / CERTIFYING PHYSICIAN")],
            [(0.06, "Name: Jared Tyler MD"), (0.54, "NPI# 1116047881")],
            [(0.06, "Phone; 412.496.4552"), (0.54, "Fax: 214.479.2707")],
        ]
    )
    faxes = [value.text for value in captioned_values([page]) if value.path == "clinician.fax"]
    assert faxes == ["214.479.2707"]


def test_a_number_cut_by_a_column_gap_is_read_on() -> None:
    numbers = _numbers(
        [
            [(0.06, "Name"), (0.3, "HART, Zoe")],
            [(0.06, "Primary #"), (0.3, "©."), (0.45, "1-720-643-3577")],
            [(0.06, "Responsible party"), (0.3, "Dan Hart (spouse)")],
            [(0.06, "phone"), (0.3, "1-817-242-1844")],
        ]
    )
    assert numbers.get("member.phone") == "7206433577"


def test_two_numbers_in_one_run_read_the_first() -> None:
    read = READERS["clinician.phone"]
    assert read("916 280-5723 773 372-3311", _REFERENCE) == "9162805723"


def test_a_form_box_takes_the_number_under_its_caption() -> None:
    # "17. PHONE 17a. FAX": the phone's value is under its caption, not the sub-box number;
    # the requesting provider's values are those in its own column.
    numbers = _numbers(
        [
            [(0.06, "1. ENROLLEE NAME"), (0.5, "2. DATE OF BIRTH")],
            [(0.06, "HART, ZOE"), (0.5, "01/02/1950")],
            [(0.06, "13. PROVIDER / FACILITY NAME"), (0.5, "18. PROVIDER / FACILITY NAME")],
            [(0.06, "Acme Medical Supply"), (0.5, "Mitchell, Juan M.D.")],
            [
                (0.06, "17. PHONE"),
                (0.28, "17a. FAX"),
                (0.5, "22. PHONE"),
                (0.73, "22a. FAX"),
            ],
            [
                (0.06, "916-892-5823"),
                (0.28, "617-661-4467"),
                (0.5, "415-212-9550"),
                (0.73, "904-598-5131"),
            ],
        ]
    )
    assert numbers.get("clinician.fax") == "9045985131"


def test_copies_of_a_number_settle_a_misread_digit() -> None:
    printed = [("8138090303", 1.0), ("6138090303", 1.0), ("8138090303", 0.5)]
    settled = settle("6138090303", printed, set())
    assert settled.value == "8138090303" and settled.contested


def test_a_neighbouring_number_is_no_copy() -> None:
    # An office's phone and fax often differ in one digit: 0 and 1 are no fax misreading.
    settled = settle("4125551200", [("4125551201", 1.0), ("4125551201", 1.0)], set())
    assert settled.value == "4125551200" and not settled.contested


def test_a_signature_block_gives_the_clinicians_own_numbers() -> None:
    # The letterhead's numbers are the hospital's; the block under the signer's name is
    # the clinician's own, whatever words caption it.
    numbers = _numbers(
        [
            [(0.06, "University Medical Center")],
            [(0.06, "Voice (412) 916-3497 Secure fax (305) 580-2511")],
            [(0.06, "Re: Zoe Hart, born 01/02/1950")],
            [(0.06, "I am writing to refer Zoe Hart for home infusion.")],
            [(0.06, "Yours sincerely,")],
            [(0.06, "John Perez, NP")],
            [(0.06, "Direct line (916) 489-3461 / fax (201) 592-5203")],
        ]
    )
    assert numbers.get("clinician.phone") == "9164893461"
    assert numbers.get("clinician.fax") == "2015925203"


def test_a_number_taken_for_an_unread_one_is_doubted() -> None:
    # The physician's own "Fax:" reads no number (964 is no area code): the department's
    # fax at the head of the page may be taken, but not with a clean confidence.
    page = laid_out_page(
        [
            [(0.06, "Mercy General Hospital")],
            [(0.06, "Department of Care Transitions - Fax 832-962-5947")],
            [(0.06, "Person served: Zoe Hart"), (0.3, "DoB: 01/02/1950")],
            [(0.06, "ORDERING PHYSICIAN")],
            [(0.06, "Name: Julia Johnson, PA-C")],
            [(0.06, "Phone: 212-328-3846"), (0.54, "Fax: 964-962-2104")],
        ]
    )
    fax = extract_parties([page], _REFERENCE).get("clinician.fax")
    assert fax is None or fax.confidence <= CONTESTED_CONFIDENCE


def test_a_listed_wording_names_its_party_before_its_words() -> None:
    # "Individual" alone captions the patient, but "Individual NPI" is the prescriber's:
    # the "Fx:" under it in its column is the prescriber's fax.
    numbers = _numbers(
        [
            [(0.06, "Individual: Zoe Hart"), (0.54, "DoB: 01/02/1950")],
            [(0.06, "Ordering clinician: Dr. Ira Vole"), (0.54, "Individual NPI #: 1234567893")],
            [(0.06, "Ph: 614-746-0938"), (0.54, "Fx: 312-467-2290")],
        ]
    )
    assert numbers.get("clinician.fax") == "3124672290"


def test_a_signature_lines_numbers_beside_the_name_not_the_recipients() -> None:
    # The row opened by "Send to:" is the recipient's: its fax is not the clinician's. The
    # clinician's are on the name's own line, one with its "F" run into it.
    numbers = _numbers(
        [
            [(0.06, "Patient: Zoe Hart"), (0.54, "DOB: 01/02/1950")],
            [(0.06, "Send to: Acme Home Infusion fax 412-813-5647")],
            [
                (0.06, "Authorizing provider: Ira Vole MD | NPI 1234567893"),
                (0.52, "| 614 746-0938 | F312 467-2290"),
            ],
        ]
    )
    assert numbers.get("clinician.fax") == "3124672290"
    assert numbers.get("clinician.phone") == "6147460938"


def test_no_uncaptioned_number_beside_a_name_outside_a_cell_of_its_own() -> None:
    # Garbled words between a name and a number may have been another role's caption.
    numbers = _numbers(
        [
            [(0.06, "Patient: Zoe Hart"), (0.54, "DOB: 01/02/1950")],
            [(0.06, "Dr. Ira Vole, MD zq 614 746 0938")],
        ]
    )
    assert "clinician.phone" not in numbers


def test_a_clinic_line_is_the_clinicians_phone() -> None:
    page = laid_out_page(
        [
            [(0.06, "Patient: Zoe Hart"), (0.54, "DOB: 01/02/1950")],
            [(0.06, "Name: Ira Vole, MD"), (0.54, "NPI no: 1234567893")],
            [(0.06, "Clinic line: 614-746-0938"), (0.54, "Return fax: 312-467-2290")],
        ]
    )
    phones = [value.text for value in captioned_values([page]) if value.path == "clinician.phone"]
    assert phones == ["614-746-0938"]


@pytest.mark.parametrize("mark", ["-", "\u00b7", "|"])
def test_a_letterheads_numbers_parted_by_a_dot_or_a_dash_are_each_their_captions(
    mark: str,
) -> None:
    # A letterhead's middle dot, which a fax reads as a dash: "... 68102 - Ph ... - Fx ...".
    page = laid_out_page(
        [
            [(0.07, "Heartland Pulmonary & Sleep")],
            [
                (
                    0.07,
                    f"1200 Prairie Ave, NE 68102 {mark} Ph 402-555-8100 {mark} Fx 402-555-8101",
                )
            ],
            [(0.07, "Recipient name"), (0.3, "Whitehorse, June")],
            [(0.07, "Prescriber"), (0.3, "Gordon Feld, MD")],
        ]
    )
    values = {p: f.value for p, f in extract_parties([page], date(2026, 12, 1)).items()}
    assert (values["clinician.phone"], values["clinician.fax"]) == ("4025558100", "4025558101")


def test_a_dash_inside_a_caption_or_a_range_parts_no_cells() -> None:
    page = laid_out_page([[(0.06, "DATES OF SERVICE - FROM 11/14/2025 Pressure 5 - 15 cm")]])
    assert [[w.text for w in cell] for cell in row_cells(page, page.words)] == [
        [w.text for w in page.words]
    ]


@pytest.mark.parametrize(
    "letterhead",
    ["Office (614) 746-0938 Fax (412) 813-5647", "Office (614) 746-0938 | Fax (412) 813-5647"],
)
def test_a_signature_block_under_a_name_read_off_the_cover_sheet(letterhead: str) -> None:
    # The order names its clinician only over a letter's signature block, which the name
    # reader does not take; the cover sheet's sender names the same clinician, whose block
    # then gives the office's fax before the hospital letterhead's, even when the
    # letterhead's fax is read in a cell of its own.
    cover = laid_out_page(
        [
            [(0.4, "FAX COVER SHEET")],
            [(0.1, "To: Summit Home Care"), (0.55, "Pages: 2")],
            [(0.1, "From: Ana at the office of RAMIREZ, Curtis P (MD)")],
            [(0.1, "Re: new order")],
            [(0.1, "CONFIDENTIALITY NOTICE: this fax is intended only for the recipient.")],
        ]
    )
    order = laid_out_page(
        [
            [(0.06, "Lakeside General Hospital")],
            [(0.06, letterhead)],
            [(0.06, "Patient: Zoe Hart"), (0.54, "DOB: 01/02/1950")],
            [(0.06, "Please begin the therapy as discussed.")],
            [(0.06, "RAMIREZ, Curtis P (MD)")],
            [(0.06, "Attending Physician")],
            [(0.06, "Direct line (312) 467-2290 / fax (216) 471-3380")],
        ],
        number=2,
    )
    found = extract_parties([order], _REFERENCE, [cover])
    assert found["clinician.last_name"].value == "Ramirez"
    assert found["clinician.fax"].value == "2164713380"


def test_a_value_across_a_columns_start_shows_no_column_there() -> None:
    # "Attending:" a column's width right of its row's start opens a column; the member's
    # address on a later row runs across that column's start, so the "Phone:" after it is
    # the member's, not the attending's.
    numbers = _numbers(
        [
            [(0.09, "Patient: Lindqvist, Harold DOB: 12/08/1940")],
            [(0.09, "Admitted: 06/18/2026"), (0.54, "Attending: Priya Natarajan, MD")],
            [
                (0.09, "Home address: 1316 Linden Ave, Cincinnati, OH 45205"),
                (0.64, "Phone: 513-555-0148"),
            ],
        ]
    )
    assert numbers.get("member.phone") == "5135550148"
    assert "clinician.phone" not in numbers


@pytest.mark.parametrize(
    ("rows", "name", "npi"),
    [
        # The PCP's NPI is printed just under the attending's name, nearer it than the
        # attending's own NPI further down.
        (
            [
                [(0.09, "Patient: Lindqvist, Harold DOB: 12/08/1940")],
                [(0.09, "Discharged: 06/24/2026"), (0.54, "Attending: Priya Natarajan, MD")],
                [(0.09, "PCP: Robert Feeney, MD (NPI 1120477819) - follow up in 7 days")],
                *[[(0.09, "Discharge diagnoses: I50.33")]] * 12,
                [(0.09, "Ordering/attending physician: Priya Natarajan, MD NPI 1188426054")],
            ],
            "Natarajan",
            "1188426054",
        ),
        # A supervising physician's NPI under the ordering NP's.
        (
            [
                [(0.07, "Name: Delacroix, Maurice T."), (0.5, "DOB: 01/15/1952")],
                [(0.07, "Ordering provider: Celeste Marchand, APRN, FNP-C NPI 1742309853")],
                [(0.07, "Supervising physician: Jean-Luc Babineaux, MD NPI 1298433172")],
            ],
            "Marchand",
            "1742309853",
        ),
    ],
)
def test_another_clinicians_npi_is_not_the_ordering_clinicians(
    rows: list[list[tuple[float, str]]], name: str, npi: str
) -> None:
    found = extract_parties([laid_out_page(rows)], _REFERENCE)
    assert (found["clinician.last_name"].value, found["clinician.npi"].value) == (name, npi)


@pytest.mark.parametrize(
    ("rows", "numbers"),
    [
        # Two labels a slash parts take the two values a slash parts; a section mark read
        # for the 5.
        (
            [
                [(0.06, "PATIENT NAME: GARZA, ROSALIND")],
                [(0.06, "ORDERING PROVIDER: OKAFOR, CHIDI MD")],
                [(0.06, "CLINIC PHONE / FAX: §12-555-7700 / 512-555-7701")],
            ],
            ("5125557700", "5125557701"),
        ),
        # A practice's caption over a number captions the practice's phone.
        (
            [
                [(0.08, "Pt: Hollis, Dwayne DOB 7/2/1964")],
                [(0.08, "Ordering MD: Lucas Brandt, MD NPI 1933775201")],
                [(0.08, "Clinic (615) 555-2880 Fax (615) 555-2881")],
            ],
            ("6155552880", "6155552881"),
        ),
    ],
)
def test_the_clinicians_phone_and_fax_under_captions_of_both(
    rows: list[list[tuple[float, str]]], numbers: tuple[str, str]
) -> None:
    phone, fax = numbers
    assert _numbers(rows) == {"clinician.phone": phone, "clinician.fax": fax}


def test_a_value_before_a_number_in_the_signers_block_ends_its_caption() -> None:
    numbers = _numbers(
        [
            [(0.1, "Patient name: Cornelius Abernathy")],
            [(0.1, "Telephone: (757) 555-0139")],
            [(0.1, "Desmond Achterberg, MD")],
            [(0.1, "NPI 1744062286 Phone (757) 555-2210 Fax (757) 555-2211")],
        ]
    )
    assert numbers == {
        "member.phone": "7575550139",
        "clinician.phone": "7575552210",
        "clinician.fax": "7575552211",
    }
