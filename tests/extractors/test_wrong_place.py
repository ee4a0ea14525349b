"""A field the page lacks is never filled from somewhere else: the causes found on
development sets, each on a small page built for it (and through real tesseract where the
cause is about what OCR reads)."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image, ImageDraw, ImageFont

from extractors.extract.cover import is_fax_header_line
from extractors.extract.parties import extract_parties
from extractors.limits import Limits
from extractors.pages import Page
from extractors.readers import read_document
from tests.extractors.laid_out import laid_out_page

RECEIVED = date(2025, 10, 1)


def _page(rows: list[list[tuple[float, str]]], conf: dict[str, float] | None = None) -> Page:
    return laid_out_page(rows, conf=conf, char=0.012, line_height=0.014)


def _values(*pages: Page) -> dict[str, object]:
    return {path: found.value for path, found in extract_parties(list(pages), RECEIVED).items()}


def test_a_fax_page_count_blurred_to_letters_still_marks_the_header_line() -> None:
    page = _page([[(0.02, "01/26/25 14:27 Prairie Family Practice 860-619-6406 Pg l/l")]])
    page.lines[0].bbox = (0.02, 0.005, 0.6, 0.02)
    assert is_fax_header_line(page, page.lines[0])


def test_a_header_stamped_down_a_stacked_image_is_no_field() -> None:
    """Pages stacked into one image carry each page's header in the middle of the image:
    its "Medical Group 915-280-8519" is the sender's name and fax, not a group number."""
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 30)
    image = Image.new("L", (1700, 2200), 255)
    draw = ImageDraw.Draw(image)
    rows = [
        (80, "10/01/25 18:46:08  Prairie Medical Group  915-280-8519  Pg 1/2"),
        (250, "Patient: Patel, Hiroshi      Birthdate: August 16, 1948"),
        (320, "Payer: Medicaid"),
        (1100, "10/01/25 18:46:08  Prairie Medical Group  915-280-8519  Pg 2/2"),
        (1250, "SECTION D: PHYSICIAN Attestation and Signature/Date"),
    ]
    for y, text in rows:
        draw.text((120, y), text, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(200, 200))
    (read,) = read_document(buffer.getvalue(), Limits())
    middle = [ln for ln in read.page.lines if "Pg 2/2" in ln.text]
    assert middle and is_fax_header_line(read.page, middle[0])
    values = _values(read.page)
    assert values.get("payer.name") == "Medicaid"
    assert "payer.group_number" not in values


def test_a_cue_does_not_run_into_the_labelled_line_below() -> None:
    page = _page(
        [
            [(0.07, "URGENT: STAT - needed before discharge")],
            [(0.07, "Date: 10/10/2024")],
            [(0.07, "Name of Patient: Okafor, Olga")],
        ]
    )
    values = _values(page)
    assert "dates.discharge" not in values
    assert values["dates.order"] == date(2024, 10, 10)


def test_the_signer_repeated_under_a_letter_is_not_the_practice() -> None:
    closing = [
        [(0.1, "Please call my office with any questions.")],
        [(0.1, "Sincerely,")],
        [(0.35, "Michael Dubois, DO")],
        [(0.1, "Michael Dubois, DO. \u00b0")],
        [(0.1, "Northgate Family Practice")],
    ]
    assert _values(_page(closing))["clinician.organization"] == "Northgate Family Practice"
    credentialed = [
        [(0.1, "St. Mary's Geriatric Medicine")],
        [(0.1, "Please call my office with any questions.")],
        [(0.1, "Sincerely,")],
        [(0.35, "Amy Clark")],
        [(0.1, "Clark, Amy PA-C .")],
        [(0.1, "NPI 2679178816")],
    ]
    organization = _values(_page(credentialed))["clinician.organization"]
    assert organization == "St. Mary's Geriatric Medicine"


def test_a_person_is_no_organization_even_under_an_organization_label() -> None:
    page = _page(
        [[(0.1, "Ordering Physician: Laura Johnson, DO")], [(0.1, "Clinic: Laura Johnson, DO")]]
    )
    assert "clinician.organization" not in _values(page)


def test_dirt_beside_an_empty_label_leaves_the_value_below_it() -> None:
    page = _page(
        [
            [(0.07, "Ordering Provider: Harris, Jennifer PA-C")],
            [(0.07, "Clinic"), (0.27, "oc")],
            [(0.07, "St. Mary's Regional Medical Center")],
        ],
        conf={"oc": 0.0},
    )
    assert _values(page)["clinician.organization"] == "St. Mary's Regional Medical Center"


def test_a_faint_capital_answer_is_not_dirt() -> None:
    page = _page(
        [
            [(0.09, "Beneficiary: Martinez, Janet")],
            [(0.09, "Sex: F"), (0.4, "Member ID: 9M17AC6KT94")],
        ],
        conf={"F": 0.2},
    )
    assert _values(page)["member.sex"] == "F"


def test_the_name_typed_under_a_signature_line_beats_ink_read_as_letters() -> None:
    page = _page(
        [
            [
                (0.1, "Signature of Ordering Practitioner: AAA SIN"),
                (0.6, "Date Signed: 17-FEB-2024"),
            ],
            [(0.3, "Hernandez, Grace PA-C")],
            [(0.1, "NPI No.: 2649119068")],
        ]
    )
    values = _values(page)
    assert (values["clinician.first_name"], values["clinician.last_name"]) == ("Grace", "Hernandez")
    assert values["clinician.credentials"] == "PA-C"


def test_a_misread_label_or_a_lone_letter_is_no_patient_name() -> None:
    misread = _page(
        [[(0.08, "Patlent's Name"), (0.4, "DOB")], [(0.08, "Chidi"), (0.4, "03/19/1929")]]
    )
    values = _values(misread)
    assert "member.first_name" not in values and "member.last_name" not in values
    initial = _page([[(0.08, "Patient: Rita P")]])
    assert "member.last_name" not in _values(initial)


def test_a_speck_and_a_mark_are_no_payer() -> None:
    assert "payer.name" not in _values(_page([[(0.07, "Funding Source ke #")]]))


def test_an_mbi_never_holds_the_letters_ocr_puts_for_its_digits() -> None:
    page = _page([[(0.1, "Patient: Ann Lee"), (0.5, "MBI: 2ROSFR7WG37")]])
    assert _values(page)["member.member_id"] == "2R05FR7WG37"
    # Not MBI-shaped after the repair: kept as printed for the clerk to compare.
    page = _page([[(0.1, "Patient: Ann Lee"), (0.5, "Member ID: PTKQ50502399")]])
    assert _values(page)["member.member_id"] == "PTKQ50502399"
