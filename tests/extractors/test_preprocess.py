"""Straightening and rule lifting before OCR, checked through real tesseract."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from extractors.ocr import ocr_page
from extractors.preprocess import skew_degrees, straightened, without_rules

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
ROWS = [("J96.11", "Chronic respiratory failure with hypoxia"), ("J43.9", "Emphysema")]
# Column edges of the boxed table, in pixels of a 1728-wide fax page.
COLUMNS = (130, 420, 1580)


def _boxed_table() -> Image.Image:
    """A fax page with a ruled diagnosis table whose codes nearly touch the cell borders."""
    page = Image.new("L", (1728, 2200), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 36)
    top, height = 300, 52
    for row, cells in enumerate([("ICD-10 Code", "Description"), *ROWS]):
        y = top + row * height
        draw.rectangle((COLUMNS[0], y, COLUMNS[2], y + height), outline=0, width=3)
        draw.line((COLUMNS[1], y, COLUMNS[1], y + height), fill=0, width=3)
        for x, text in zip(COLUMNS[:2], cells, strict=True):
            draw.text((x + 6, y + 8), text, font=font, fill=0)
    draw.text((130, 600), "Ordering physician: Alan Whitfield MD", font=font, fill=0)
    return page


def _texts(image: Image.Image) -> list[str]:
    return [word.text for word in ocr_page(image, 1, timeout=60).page.words]


@pytest.mark.parametrize("degrees", [-2.0, -0.8, 0.6, 1.5])
def test_skew_is_measured_to_a_tenth_of_a_degree(degrees: float) -> None:
    turned = _boxed_table().rotate(degrees, resample=Image.Resampling.BILINEAR, fillcolor=255)
    assert skew_degrees(turned) == pytest.approx(-degrees, abs=0.1)


def test_a_level_page_is_left_as_it_is() -> None:
    page = _boxed_table()
    assert straightened(page).tobytes() == page.tobytes()


def test_rules_are_lifted_and_glyphs_kept() -> None:
    page = _boxed_table()
    lifted = without_rules(page)
    # The table's border rows are white now...
    assert lifted.getpixel((800, 301)) == 255
    assert lifted.getpixel((COLUMNS[1] + 1, 330)) == 255
    # ...and every word still reads.
    words = _texts(lifted)
    for code, description in ROWS:
        assert code in words
        assert description.split()[0] in words


def test_codes_in_a_skewed_ruled_table_are_read() -> None:
    skewed = _boxed_table().rotate(1.2, resample=Image.Resampling.BILINEAR, fillcolor=255)
    words = _texts(skewed)
    assert "J96.11" in words
    assert "J43.9" in words
    assert "Whitfield" in words


def test_the_clerks_image_keeps_the_rules() -> None:
    read = ocr_page(_boxed_table(), 1, timeout=60)
    with Image.open(io.BytesIO(read.png)) as png:
        border = png.convert("L").getpixel((800, 301))
        assert isinstance(border, int) and border < 128


def test_a_scan_shadowed_at_its_edge_keeps_its_text() -> None:
    """Grey paper darkening towards one edge (a scanner's lid shadow): none of it is a rule,
    and the text on it reads."""
    width, height = 2040, 1200
    shade = Image.linear_gradient("L").rotate(90).resize((width, height))
    # Paper from 150 at the shadowed left edge to 235 at the right, as the scanner saw it.
    page = shade.point(lambda v: 235 - round(85 * v / 255))
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 40)
    draw.text((60, 300), "Patient: Mary Caldwell   DOB 04/14/1960", font=font, fill=30)
    draw.text((60, 400), "K0823 Group 2 power wheelchair", font=font, fill=30)
    lifted = without_rules(straightened(page.rotate(1.8, fillcolor=200)))
    texts = _texts(lifted)
    assert "Caldwell" in texts
    assert "power" in texts and "Group" in texts


def test_a_bold_faxs_touching_letters_are_no_rule_but_a_filled_heading_bar_is() -> None:
    """A bold fax prints letters that touch, so a word holds an ink run as long as a short
    rule; whitening it lost "female" and the member ID of a letter's Re: line."""
    page = Image.new("L", (1728, 800), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 34)
    draw.text((130, 200), "Re: born 07/22/1941, female, Aetna no. WU4608092", font=font, fill=0)
    draw.line((130, 300, 1200, 300), fill=0, width=3)
    draw.rectangle((130, 400, 1600, 440), fill=0)
    # Ink spread by a pixel each way: the letters of each word run together.
    bold = page.filter(ImageFilter.MinFilter(3))
    word_ink = _ink(bold.crop((130, 190, 1500, 250)))
    lifted = without_rules(bold)
    assert _ink(lifted.crop((130, 190, 1500, 250))) == word_ink
    assert _ink(lifted.crop((130, 290, 1200, 310))) == 0
    assert _ink(lifted.crop((130, 395, 1600, 445))) == 0
    assert {"female,", "Aetna"} <= set(_texts(lifted))


def _ink(image: Image.Image) -> int:
    return sum(1 for value in image.convert("L").tobytes() if value < 128)


SERIF = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
LEADER_ROWS = [
    ("Patient", "Harold J. Benson"),
    ("D.O.B.", "7-22-1957"),
    ("Health plan", "Medicaid SoonerCare"),
    ("Plan ID", "B40021177"),
    ("Order date", "12/01/2026"),
]


def _leader_form(spaced: bool) -> Image.Image:
    """A fine fax's form whose captions run to their values along dotted leaders, and a
    sentence with an ellipsis and a full stop that are no leader."""
    page = Image.new("L", (1728, 1100), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(SERIF, 28)  # 10 pt at 204 dpi
    dots = ". " if spaced else "."
    for row, (caption, value) in enumerate(LEADER_ROWS):
        y = 120 + row * 66
        draw.text((120, y), caption + " ", font=font, fill=0)
        start = 120 + font.getlength(caption + " ")
        draw.text((start, y), dots * int((700 - start) / font.getlength(dots)), font=font, fill=0)
        draw.text((760, y), value, font=font, fill=0)
    draw.text((120, 600), "Pressure... then auto 5-15 cm. Use nightly.", font=font, fill=0)
    return page.convert("1", dither=Image.Dither.NONE)


@pytest.mark.parametrize("spaced", [False, True])
def test_dotted_leaders_are_lifted_and_their_rows_read(spaced: bool) -> None:
    """Leaders were read as letters glued to the caption ("Patient vceeeeeteeneee Harald")
    and let dots into the value beside them ("1.2/0.1/2026")."""
    page = _leader_form(spaced)
    lifted = without_rules(page)
    for row in range(len(LEADER_ROWS)):
        y = 120 + row * 66
        assert _ink(lifted.crop((330, y, 690, y + 40))) == 0  # the leader is gone...
        assert _ink(lifted.crop((760, y, 1300, y + 40))) == _ink(page.crop((760, y, 1300, y + 40)))
    # ...and an ellipsis, a full stop and the dots inside a caption are kept ("D.O.B."'s
    # last one runs into its leader).
    assert _ink(lifted.crop((100, 590, 1600, 650))) == _ink(page.crop((100, 590, 1600, 650)))
    assert _ink(lifted.crop((100, 186, 200, 230))) == _ink(page.crop((100, 186, 200, 230)))
    lines = [line.text for line in ocr_page(page, 1, timeout=60).page.lines]
    for caption, value in LEADER_ROWS:
        assert any(re.fullmatch(rf"{re.escape(caption)}?\s+{re.escape(value)}", t) for t in lines)
