"""A table's count cell OCR read nothing in, read again alone: through real tesseract."""

from __future__ import annotations

from datetime import UTC, datetime

from PIL import Image, ImageDraw, ImageFont

from extractors.extract.extractor import extract
from extractors.limits import Limits
from extractors.readers import read_document
from samples.fax import encode_fax_tiff

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
#: A fine fax's resolution, drawn square.
DPI = 204


def _ruled_table_fax(rows: list[tuple[str, str, str, str]]) -> bytes:
    """A fine fax of an order whose items are a ruled table: code, modifier, description and
    a count column at the right, each row boxed."""
    image = Image.new("L", (1728, 1100), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, round(10 * DPI / 72))
    bold = ImageFont.truetype(BOLD, round(10 * DPI / 72))
    draw.text((122, 80), "Patient: Ruben Castellanos   DOB: 04/04/1962", fill=0, font=font)
    draw.text((122, 130), "Dx: G82.20 Paraplegia, unspecified", fill=0, font=font)
    columns = [122, 306, 469, 1408, 1612]
    top, row_height = 200, 61
    for index, cells in enumerate([("HCPCS", "Mod", "Description", "Qty"), *rows]):
        y = top + index * row_height
        draw.rectangle((columns[0], y, columns[-1], y + row_height), outline=0, width=2)
        for x in columns[1:-1]:
            draw.line((x, y, x, y + row_height), fill=0, width=2)
        for x, text in zip(columns, cells, strict=False):
            draw.text((x + 16, y + 12), text, fill=0, font=bold if index == 0 else font)
    return encode_fax_tiff([image], "fine")


def test_a_lone_count_ocr_dropped_between_the_rules_is_read_again() -> None:
    data = _ruled_table_fax(
        [
            ("K0823", "KX", "Power wheelchair, group 2 standard, captains chair", "1"),
            ("E2601", "KX", "General use seat cushion, width < 22 in", "1"),
            ("E1028", "KX", "Swingaway mounting hardware for joystick", "2"),
            # A cell left blank is no count: nothing is read into it.
            ("E0978", "KX", "Positioning belt", ""),
        ]
    )
    referral = extract(
        read_document(data, Limits()),
        filename="t.tif",
        sha256="0" * 64,
        received_at=datetime(2026, 12, 3, tzinfo=UTC),
    )
    assert [(item.hcpcs, item.quantity) for item in referral.items] == [
        ("K0823", 1),
        ("E2601", 1),
        ("E1028", 2),
        ("E0978", None),
    ]
