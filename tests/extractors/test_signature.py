"""Signed or blank: ink on the signature line, e-signature wording, and generated orders."""

from __future__ import annotations

import io
import math
from datetime import date

import pytest
from PIL import Image, ImageDraw, ImageFont

from extractors.extract.signature import find_signature
from extractors.limits import Limits
from extractors.pages import Page, ReadPage, Word, group_lines
from extractors.readers import read_document
from samples.generator import make_document

WIDTH, HEIGHT = 1000, 400
REFERENCE = date(2024, 3, 1)

Box = tuple[int, int, int, int]


def word(text: str, box: Box, line: int, conf: float = 0.95) -> Word:
    x0, y0, x1, y1 = box
    return Word(
        text=text, conf=conf, bbox=(x0 / WIDTH, y0 / HEIGHT, x1 / WIDTH, y1 / HEIGHT), line=line
    )


def page(words: list[Word], *, scribble: bool, rule: bool = True, fax: bool = False) -> ReadPage:
    """A page with the given words printed, a signature rule and maybe a scribble.

    ``fax`` breaks the rule into dashes and sprinkles speckle, as a standard-resolution
    fax prints them (each speck two rows tall: the rows are doubled).
    """
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=22)
    for w in words:
        # Printed words are ink to the pixel test: only masking the words keeps them out.
        draw.text((w.bbox[0] * WIDTH, w.bbox[1] * HEIGHT), w.text, fill=0, font=font)
    if rule and fax:
        for x in range(160, 600, 40):
            draw.line((x, 226, x + 30, 226), fill=0, width=2)
        for n in range(120):
            x, y = 160 + (n * 37) % 440, 160 + (n * 53) % 80
            draw.line((x, y, x, y + 1), fill=0)
    elif rule:
        draw.line((160, 226, 600, 226), fill=0, width=2)
    if scribble:
        points = [(x, 200 - 20 * math.sin(x / 9) + (x - 180) / 20) for x in range(180, 420, 2)]
        draw.line(points, fill=0, width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    lines = group_lines(words, [w.line for w in words])
    built = Page(number=1, width=WIDTH, height=HEIGHT, source="ocr", words=words, lines=lines)
    return ReadPage(page=built, png=buffer.getvalue())


def signature_line(*extra: Word) -> list[Word]:
    return [
        word("Physician", (50, 200, 130, 225), 0),
        word("Signature:", (135, 200, 150, 225), 0),
        word("Date:", (650, 200, 700, 225), 0),
        word("01/02/2024", (710, 200, 800, 225), 0),
        *extra,
    ]


def test_ink_on_the_line_is_a_signature_with_its_date() -> None:
    found = find_signature([page(signature_line(), scribble=True)], reference=REFERENCE)
    assert found is not None
    assert found.present.value is True
    assert found.present.page == 1
    x0, y0, x1, y1 = found.present.bbox
    # The area starts at the label and is at most 0.45 of the page wide; it covers the line.
    assert 0.15 <= x0 < 0.18 and x1 == pytest.approx(0.6)
    assert y0 < 200 / HEIGHT and y1 > 226 / HEIGHT
    assert found.date is not None and found.date.value == date(2024, 1, 2)
    assert found.date.text == "01/02/2024"


def test_a_blank_rule_is_not_a_signature() -> None:
    found = find_signature([page(signature_line(), scribble=False)], reference=REFERENCE)
    assert found is not None and found.present.value is False
    assert found.date is not None and found.date.value == date(2024, 1, 2)


def test_underscores_read_as_a_word_are_blank() -> None:
    words = signature_line(word("______________", (160, 215, 600, 228), 0, conf=0.4))
    found = find_signature([page(words, scribble=False, rule=False)], reference=REFERENCE)
    assert found is not None and found.present.value is False


def test_a_printed_name_on_the_line_is_not_ink() -> None:
    words = signature_line(
        word("Julia", (200, 200, 260, 225), 0), word("Smith", (270, 200, 330, 225), 0)
    )
    found = find_signature([page(words, scribble=False)], reference=REFERENCE)
    assert found is not None and found.present.value is False


def test_a_scribble_that_ocr_read_as_a_word_is_still_ink() -> None:
    words = signature_line(word("Ay", (180, 170, 420, 225), 0, conf=0.61))
    found = find_signature([page(words, scribble=True)], reference=REFERENCE)
    assert found is not None and found.present.value is True


def test_a_fax_broken_rule_and_its_speckle_are_not_a_signature() -> None:
    found = find_signature([page(signature_line(), scribble=False, fax=True)])
    assert found is not None and found.present.value is False
    signed = find_signature([page(signature_line(), scribble=True, fax=True)])
    assert signed is not None and signed.present.value is True


def test_a_scribble_read_as_a_label_does_not_end_the_signature_area() -> None:
    """OCR reads a stroke as "SOY:" (a colon, no confidence, taller than print and off the
    baseline): the area must still reach across the signature, not stop at it."""
    words = signature_line(word("SOY:", (260, 178, 300, 214), 0, conf=0.0))
    found = find_signature([page(words, scribble=True)], reference=REFERENCE)
    assert found is not None and found.present.value is True
    assert found.present.bbox[2] == pytest.approx(0.6)


@pytest.mark.parametrize(
    "text",
    [
        ["Electronically", "signed", "by", "Julia", "Smith,", "MD", "on", "01/02/2024"],
        ["/s/", "Julia", "Smith", "MD", "01/02/2024"],
        ["E-signed:", "Julia", "Smith", "01/02/2024"],
    ],
)
def test_electronic_signatures(text: list[str]) -> None:
    words = [word(t, (50 + 90 * i, 300, 130 + 90 * i, 320), 0) for i, t in enumerate(text)]
    found = find_signature([page(words, scribble=False, rule=False)], reference=REFERENCE)
    assert found is not None and found.present.value is True
    assert found.date is not None and found.date.value == date(2024, 1, 2)


def test_running_text_about_signing_is_no_signature_line() -> None:
    text = ["has", "been", "reviewed", "and", "signed", "by", "me."]
    words = [word(t, (50 + 90 * i, 100, 130 + 90 * i, 120), 0) for i, t in enumerate(text)]
    assert find_signature([page(words, scribble=True, rule=False)]) is None


def test_date_signed_is_not_a_signature_label() -> None:
    words = [word("Date", (50, 200, 100, 225), 0), word("Signed:", (105, 200, 150, 225), 0)]
    assert find_signature([page(words, scribble=True)]) is None


# -- generated orders, against truth["signature"]["present"] ------------------------------

#: (format, seed): signed and unsigned (the ``unsigned`` gap) orders, drawn signatures and
#: e-signatures. Few OCR'd formats, one page each, to keep the file fast.
GENERATED = [
    ("text_pdf", 0),
    ("text_pdf", 1),  # unsigned
    ("text_pdf", 4),  # e-signed
    ("text_pdf", 7),
    ("text_pdf", 128),  # unsigned
    ("fax_fine", 204),  # "'Signature:" read with a stray quote
    ("fax_fine", 236),  # unsigned
    ("png", 200),
    ("png", 236),  # unsigned
]


@pytest.mark.parametrize(("fmt", "seed"), GENERATED)
def test_generated_orders(fmt: str, seed: int) -> None:
    doc = make_document(seed, fmt)
    expected = doc.truth["signature"]
    assert ("unsigned" in doc.truth["gaps"]) is not expected["present"]
    found = find_signature(read_document(doc.data, Limits()))
    present = found is not None and found.present.value
    assert present is expected["present"]
    if expected["present"]:
        assert found is not None and found.date is not None
        assert found.date.value.isoformat() == expected["date"]
