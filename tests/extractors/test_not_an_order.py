"""Faxes that hold no order are said to be none, with no values, urgency or due clock; orders,
damaged or behind a cover sheet, are still orders. Real pages through real tesseract."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors.extract.extractor import extract_file
from extractors.limits import Limits
from extractors.referral import FlagCode, Referral
from samples.fax import encode_fax_tiff

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
CORPUS = Path(__file__).resolve().parents[2] / "samples" / "corpus"
RECEIVED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
#: The stamp a fax machine prints across the top of every page it sends, blank or not.
HEADER = "03/02/2026 09:14 FROM: 555 201 3344 P.001/002"

COVER = [
    "FAX COVER SHEET",
    "",
    "To: Northside Medical Supply",
    "Fax: (555) 201-3344",
    "From: Lakeview Family Clinic",
    "Date: 03/02/2026",
    "Pages (including cover): 2",
    "Re: Referral   [x] Urgent  [ ] For review  [ ] Please reply",
    "",
    "CONFIDENTIALITY NOTICE: This facsimile contains confidential information",
    "intended only for the named recipient. If you received it in error,",
    "please notify the sender; any other use is prohibited.",
]
LETTER = [
    "Lakeview Family Clinic",
    "410 Harbor Road, Springfield, IL 62704",
    "Phone (555) 201-7788   Fax (555) 201-3344",
    "",
    "March 2, 2026",
    "",
    "Margaret Ellison",
    "22 Birch Lane",
    "Springfield, IL 62711",
    "",
    "Dear Ms. Ellison,",
    "",
    "Thank you for visiting our clinic. This is a reminder that your next",
    "appointment is on March 16, 2026 at 10:30 AM with Dr. Paul Brennan.",
    "If you need to reschedule, please call us today.",
    "",
    "Sincerely,",
    "",
    "Paul Brennan, MD",
]
TEMPLATE = [
    "HOME MEDICAL EQUIPMENT ORDER FORM",
    "",
    "Patient Name: ______________________   Date of Birth: ____/____/______",
    "Address: ____________________________  Phone: (____) ______________",
    "Insurance: __________________________  Member ID: ________________",
    "Diagnosis (ICD-10): __________________________________________",
    "Equipment / HCPCS: ____________________________  Qty: _______",
    "Length of need (months): ______",
    "Ordering Physician: __________________________  NPI: ______________",
    "Physician Signature: _________________________  Date: ____________",
    "",
    "Instructions: complete every field, sign and fax to the supplier.",
]
ORDER = [
    "DME ORDER - URGENT",
    "Patient: Margaret Ellison   DOB: 04/12/1941",
    "Diagnosis ICD-10: J44.1 Chronic obstructive pulmonary disease with exacerbation",
    "Item: E0431 Portable oxygen system   Qty: 1",
    "Ordering physician: Dr. Paul Brennan MD  NPI: 1234567893",
    "Order date: 03/01/2026",
]


def _page(lines: list[str], *, point_size: int = 12, specks: int = 0) -> Image.Image:
    """A letter page at 204 dpi fine resolution with the fax header stamped on top."""
    page = Image.new("L", (1728, 2200), 255)
    draw = ImageDraw.Draw(page)
    draw.text((60, 30), HEADER, font=ImageFont.truetype(FONT, 24), fill=0)
    font = ImageFont.truetype(FONT, round(point_size * 204 / 72))
    for i, line in enumerate(lines):
        draw.text((140, 200 + i * 80), line, font=font, fill=0)
    rng = random.Random(7)
    for _ in range(specks):
        x, y, r = rng.randrange(1728), rng.randrange(150, 2200), rng.choice((1, 2, 3, 4))
        draw.ellipse((x, y, x + r, y + r * rng.choice((1, 2, 3))), fill=0)
    for _ in range(specks // 500):
        x = rng.randrange(1728)
        draw.line((x, 150, x + rng.randrange(-20, 20), 2200), fill=0, width=2)
    return page.point(lambda v: 255 if v > 128 else 0).convert("1")


def _extract(*pages: Image.Image) -> Referral:
    data = encode_fax_tiff(list(pages), "fine", "group4")
    _, referral = extract_file(data, filename="fax.tiff", received_at=RECEIVED, limits=Limits())
    return referral


def _reason(referral: Referral) -> str | None:
    flags = [flag for flag in referral.flags if flag.code == FlagCode.NOT_AN_ORDER]
    assert len(flags) <= 1
    return flags[0].message if flags else None


def _assert_set_aside(referral: Referral) -> str:
    reason = _reason(referral)
    assert reason is not None and reason.startswith("not an order")
    assert [flag.code for flag in referral.flags] == [FlagCode.NOT_AN_ORDER]
    member, clinician = referral.member, referral.clinician
    assert (member.first_name, member.last_name, member.dob, member.member_id) == (None,) * 4
    assert (member.address.line1, member.address.city, member.address.postal_code) == (None,) * 3
    assert (referral.payer.name, referral.payer.group_number) == (None, None)
    assert (clinician.first_name, clinician.last_name, clinician.npi) == (None, None, None)
    assert clinician.organization is None
    assert not (referral.diagnoses or referral.procedures or referral.items or referral.services)
    assert referral.dates.order is None
    assert referral.evidence == {}
    assert referral.referral_type == "unknown"
    assert referral.urgent is False and referral.urgency_reason is None
    assert referral.due_by is None
    assert referral.missing == []
    return reason


def test_a_blank_white_page_is_not_an_order() -> None:
    referral = _extract(_page([]))
    assert _assert_set_aside(referral) == "not an order: a blank page"


def test_a_blank_page_with_fax_speckle_and_streaks_is_not_an_order() -> None:
    referral = _extract(_page([], specks=3000))
    assert _assert_set_aside(referral) == "not an order: a blank page"


def test_two_blank_pages_are_not_an_order() -> None:
    referral = _extract(_page([]), _page([], specks=1500))
    assert _assert_set_aside(referral) == "not an order: blank pages"


def test_a_cover_sheet_sent_alone_is_not_an_order_even_ticked_urgent() -> None:
    referral = _extract(_page(COVER))
    reason = _assert_set_aside(referral)
    assert reason == "not an order: a fax cover sheet with no order behind it"


def test_a_cover_sheet_and_a_blank_page_are_not_an_order() -> None:
    referral = _extract(_page(COVER), _page([], specks=1500))
    reason = _assert_set_aside(referral)
    assert reason == "not an order: a fax cover sheet with no order behind it"


def test_a_letter_that_orders_nothing_is_not_an_order() -> None:
    referral = _extract(_page(LETTER))
    reason = _assert_set_aside(referral)
    assert "nothing is ordered" in reason
    # The reason is for the clerk and the logs alike: no names, places or dates from the page.
    for word in ("Ellison", "Brennan", "Lakeview", "Springfield", "2026"):
        assert word not in reason


def test_a_blank_order_form_is_not_an_order() -> None:
    referral = _extract(_page(TEMPLATE, point_size=11))
    reason = _assert_set_aside(referral)
    assert reason == (
        "not an order: nothing is ordered, no diagnosis code, no member identified, "
        "no ordering clinician"
    )


def test_a_minimal_order_is_an_order() -> None:
    referral = _extract(_page(ORDER))
    assert _reason(referral) is None
    assert (referral.member.first_name, referral.member.last_name) == ("Margaret", "Ellison")
    assert referral.clinician.npi == "1234567893"
    assert [d.code for d in referral.diagnoses] == ["J44.1"]
    assert [item.hcpcs for item in referral.items] == ["E0431"]
    assert referral.urgent is True
    assert referral.due_by is not None


def test_an_order_behind_a_cover_sheet_is_an_order() -> None:
    referral = _extract(_page(COVER), _page(ORDER))
    assert _reason(referral) is None
    assert referral.source.order_page == 2
    assert referral.member.last_name == "Ellison"
    assert [item.hcpcs for item in referral.items] == ["E0431"]
    assert referral.due_by is not None


def test_an_order_that_lacks_its_member_and_diagnosis_is_still_an_order() -> None:
    """OCR or the sender can leave an order short; what it orders and who orders it remain."""
    lines = [ORDER[0], ORDER[3], ORDER[4], ORDER[5]]
    referral = _extract(_page(lines))
    assert _reason(referral) is None
    assert [item.hcpcs for item in referral.items] == ["E0431"]
    assert "member.name" in referral.missing


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in CORPUS.iterdir() if p.suffix in {".pdf", ".tiff", ".png", ".jpg"}),
)
def test_every_committed_corpus_order_is_an_order(name: str) -> None:
    data = (CORPUS / name).read_bytes()
    _, referral = extract_file(data, filename=name, received_at=RECEIVED, limits=Limits())
    assert _reason(referral) is None
    assert referral.due_by is not None
