"""Lines the page's layout analysis left unread are read on their own: a checklist's caption
column that tesseract took for a picture comes back, in place, and nothing is read twice."""

from __future__ import annotations

import random

from PIL import Image, ImageDraw, ImageFont

from extractors import tesseract
from extractors.unread import with_unread

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
ROWS = (
    ("[X] 1. Beneficiary name", "JONES, CINDY"),
    ("[X] 3. Date of face-to-face examination", "08/23/2025"),
    ("[X] 5. Length of need", "Lifetime"),
)


def _checklist() -> Image.Image:
    """A checklist at 200 dpi: captions on the left, values on the right, dotted leaders."""
    page = Image.new("L", (1700, 900), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 30)
    draw.text((100, 80), "Seven-element order checklist", font=font, fill=0)
    for row, (caption, value) in enumerate(ROWS):
        y = 180 + row * 90
        draw.text((100, y), caption, font=font, fill=0)
        draw.text((900, y), value, font=font, fill=0)
        for x in range(100, 1600, 12):
            draw.point([(x, y + 50), (x + 1, y + 50)], fill=0)
    return page


def _text(words: list[tesseract.OcrWord]) -> str:
    return " ".join(w.text for w in words)


def test_a_caption_column_the_layout_analysis_missed_is_read_in_place():
    page = _checklist()
    everything = tesseract.recognize(page, 60)
    # What the layout analysis gave on the devset's faxes: the values, not their captions.
    values_only = [w for w in everything if w.left >= 850 or w.top < 150]
    assert "Beneficiary" not in _text(values_only)

    read = with_unread(page, values_only)

    text = _text(read)
    assert "Beneficiary name" in text and "Length of need" in text
    assert "face-to-face examination" in text
    # Nothing read twice: each value once, the title once.
    assert text.count("JONES") == 1 and text.count("Lifetime") == 1
    assert text.count("checklist") == 1
    # In place: the caption sits on its value's row, left of it.
    [caption] = [w for w in read if w.text == "Beneficiary"]
    [value] = [w for w in read if w.text.startswith("JONES")]
    assert abs(caption.top - value.top) < value.height and caption.left < value.left
    # Its own line, apart from the page's lines.
    assert caption.line_key != value.line_key


def test_a_page_read_whole_gains_nothing():
    page = _checklist()
    everything = tesseract.recognize(page, 60)
    assert with_unread(page, everything) == everything


def test_speckle_and_a_scribble_add_no_words():
    page = _checklist()
    draw = ImageDraw.Draw(page)
    dice = random.Random(7)
    for _ in range(3000):
        x, y = dice.randrange(page.width), dice.randrange(page.height)
        draw.point((x, y), fill=0)
    # A signature-like scribble where no text is.
    draw.line([(200 + i * 15, 520 + (25 if i % 2 else -25)) for i in range(40)], fill=0, width=3)
    everything = tesseract.recognize(page, 60)
    added = [w for w in with_unread(page, everything) if w not in everything]
    assert added == []
