"""Readers on real files through real tesseract, checked against what was printed."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors.limits import Limits
from extractors.pages import ReadPage
from extractors.readers import read_document
from samples.fax import encode_fax_tiff
from samples.generator import FORMATS, make_document
from tests.badfiles import text_past_the_edge_pdf

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
ORDER_LINES = [
    "Ordering physician: Dr. Alan Whitfield MD  NPI: 1234567893",
    "Diagnosis ICD-10: J44.1  J96.11  E11.9",
    "Order date: 11/20/2026  Start of care: 11/23/2026",
    "Date of birth: 03/14/1948  Signed: 11/21/2026",
]


def _fax_page(lines: list[str], point_size: int = 12) -> Image.Image:
    """A letter page at 204 dpi with square pixels, as a fax machine scans it."""
    page = Image.new("L", (1728, 2200), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, round(point_size * 204 / 72))
    for i, line in enumerate(lines):
        draw.text((120, 300 + i * 90), line, font=font, fill=0)
    return page.point(lambda v: 255 if v > 128 else 0).convert("1")


def _words_by_line(pages) -> list[list[str]]:
    return [line.text.split() for read in pages for line in read.page.lines]


# At 11-12 pt on standard resolution tesseract reads about 7% of words with ";" for ":" or
# "," for "." (measured: 18 of 256 words); extraction has to tolerate that, see the notes.
@pytest.mark.parametrize(
    ("resolution", "compression", "point_size"),
    [("standard", "group3", 10), ("standard", "group3", 14), ("fine", "group4", 12)],
)
def test_fax_order_lines_read_word_by_word(resolution, compression, point_size):
    data = encode_fax_tiff([_fax_page(ORDER_LINES, point_size)], resolution, compression)
    with Image.open(io.BytesIO(data)) as raw:
        rows = raw.height
        assert raw.width == 1728
        assert raw.info["dpi"] == (204, 98 if resolution == "standard" else 196)
    [read] = read_document(data, Limits())
    # Standard rows come back stretched to square pixels; fine (204x196) is square enough.
    assert read.page.width == 1728
    assert read.page.height == (round(rows * 204 / 98) if resolution == "standard" else rows)
    assert _words_by_line([read]) == [line.split() for line in ORDER_LINES]


def test_small_print_on_a_standard_fax_keeps_its_codes_and_dates():
    # At 8 pt a standard fax's repeated rows left a staircase that tesseract read as "44.1"
    # for J44.1; the smoothed, enlarged page reads every code, date and the NPI as printed.
    data = encode_fax_tiff([_fax_page(ORDER_LINES, 8)], "standard", "group3")
    words = {word for line in _words_by_line(read_document(data, Limits())) for word in line}
    printed = {"1234567893", "J44.1", "J96.11", "E11.9", "11/20/2026", "11/23/2026", "03/14/1948"}
    assert printed <= words


def test_lsb_first_fill_order_and_orientation_tag_are_honoured():
    upright = _fax_page(ORDER_LINES)
    data = encode_fax_tiff([upright], "fine", "group3", fill_order=2, orientation=3)
    [read] = read_document(data, Limits())
    assert _words_by_line([read])[0] == ORDER_LINES[0].split()


def test_upside_down_and_sideways_pages_are_turned_upright():
    page = _fax_page(ORDER_LINES).convert("L")
    for turned, expected in ((page.rotate(180), 180), (page.rotate(90, expand=True), 90)):
        buffer = io.BytesIO()
        turned.save(buffer, format="PNG", dpi=(204, 204))
        [read] = read_document(buffer.getvalue(), Limits())
        assert read.page.rotation == expected
        assert _words_by_line([read])[1] == ORDER_LINES[1].split()
        assert read.page.width < read.page.height


def test_landscape_order_faxed_on_a_portrait_page_is_turned_despite_its_upright_header():
    # Tesseract reads the sideways lines at good confidence, boxes standing on end, and OSD
    # sees the upright fax header; rows built from such boxes paired no caption with a value.
    body = Image.new("L", (2200, 1728), 255)
    draw = ImageDraw.Draw(body)
    font = ImageFont.truetype(FONT, round(12 * 204 / 72))
    for i, line in enumerate(ORDER_LINES):
        draw.text((160, 300 + i * 90), line, font=font, fill=0)
    page = body.rotate(-90, expand=True)  # turned clockwise: tesseract reads it top-down
    ImageDraw.Draw(page).text(
        (20, 8), "JAN-13-2025 12:46  CEDAR RIDGE  7737126085  P.001/001", font=font, fill=0
    )
    buffer = io.BytesIO()
    page.save(buffer, format="PNG", dpi=(204, 204))
    [read] = read_document(buffer.getvalue(), Limits())
    assert read.page.rotation == 270
    lines = _words_by_line([read])
    assert all(line.split() in lines for line in ORDER_LINES)


def test_boxes_are_fractions_of_the_upright_page_and_match_the_png():
    data = encode_fax_tiff([_fax_page(ORDER_LINES)], "fine", "group4")
    [read] = read_document(data, Limits())
    npi = next(w for w in read.page.words if w.text == "1234567893")
    x0, y0, x1, y1 = npi.bbox
    assert 0 < x0 < x1 < 1 and 0 < y0 < y1 < 1
    with Image.open(io.BytesIO(read.png)) as image:
        assert image.size == (read.page.width, read.page.height)
        crop = image.convert("L").crop(
            (
                int(x0 * image.width),
                int(y0 * image.height),
                int(x1 * image.width),
                int(y1 * image.height),
            )
        )
        assert min(crop.get_flattened_data()) == 0  # ink inside the box


@pytest.mark.parametrize("fmt", ["fax_standard", "text_pdf", "jpeg"])
def test_the_ink_the_finders_see_is_the_png_the_clerk_sees(fmt):
    """A page keeps the image it was rendered from, so the finders skip decoding its PNG;
    that image must be exactly what the PNG decodes to, or a stored page would read
    differently from a fresh one."""
    doc = make_document(seed=502, fmt=fmt)
    for read in read_document(doc.data, Limits()):
        assert read.shown is not None
        with Image.open(io.BytesIO(read.png)) as image:
            decoded = image.convert("L")
        assert read.grey().tobytes() == decoded.tobytes()
        assert ReadPage(page=read.page, png=read.png).grey().tobytes() == decoded.tobytes()


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_gives_upright_pages_with_text(fmt):
    """Structure, not accuracy: field accuracy per format is measured by the eval."""
    doc = make_document(seed=500, fmt=fmt, kind="dme")
    pages = read_document(doc.data, Limits())
    assert len(pages) == doc.truth["source"]["pages"]
    sources = {read.page.source for read in pages}
    assert sources == ({"text_layer"} if fmt == "text_pdf" else {"ocr"})
    order = pages[doc.truth["source"]["order_page"] - 1].page
    assert len(order.words) > 40 and order.mean_confidence > 0.6
    words = {w.text.strip(".,;:()|") for read in pages for w in read.page.words}
    assert doc.truth["member"]["last_name"] in words or doc.truth["clinician"]["npi"] in words


def test_text_layer_pdf_needs_no_ocr_and_keeps_reading_order():
    doc = make_document(seed=501, fmt="text_pdf")
    pages = read_document(doc.data, Limits())
    for read in pages:
        assert all(w.conf == 1.0 for w in read.page.words)
        tops = [line.bbox[1] for line in read.page.lines]
        assert tops == sorted(tops)


def test_a_text_layer_word_past_the_page_edge_stays_on_the_page():
    pages = read_document(text_past_the_edge_pdf(), Limits())
    words = {w.text: w for w in pages[0].page.words}
    assert "offpage" not in words  # wholly off the page: nothing anyone can see
    edge = words["E1390-oxygen-concentrator"]
    x0, y0, x1, y1 = edge.bbox
    assert 0.9 < x0 < x1 == 1.0 and 0 < y0 < y1 < 1
    assert all(0.0 <= v <= 1.0 for line in pages[0].page.lines for v in line.bbox)
