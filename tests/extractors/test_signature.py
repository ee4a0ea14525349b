"""Signed or blank: ink on the signature line, e-signature wording, and generated orders."""

from __future__ import annotations

import io
import math
from datetime import date
from typing import Literal

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont

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


def test_a_scribble_read_as_words_at_prints_height_after_the_label_is_ink() -> None:
    # "Signature: TNL LY": a low scribble OCR read as unsure words on the label's baseline,
    # at print's height. Unsure words are print only inside a line of print.
    scribble = [
        word("TNL", (180, 200, 280, 225), 0, conf=0.44),
        word("LY", (300, 200, 360, 225), 0, conf=0.40),
    ]
    words = [word("Signature:", (50, 200, 150, 225), 0), *scribble]
    blank = page(words, scribble=False, rule=False)
    with Image.open(io.BytesIO(blank.png)) as image:
        drawn = image.convert("L")
    zigzag = [(x, 204 if x % 20 else 222) for x in range(180, 362, 10)]
    ImageDraw.Draw(drawn).line(zigzag, fill=0, width=3)
    buffer = io.BytesIO()
    drawn.save(buffer, format="PNG")
    signed = ReadPage(page=blank.page, png=buffer.getvalue())
    found = find_signature([signed], reference=REFERENCE)
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


# -- laid-out pages: where a signature goes, and what is no signature ------------------------


class Sheet:
    """A page drawn for a test: printed words with the boxes OCR gives them, rules, pen strokes
    and stamps. Each ``text`` call prints one line."""

    def __init__(self, *, paper: int = 255, size: tuple[int, int] = (1000, 600)) -> None:
        self.image = Image.new("L", size, paper)
        self.draw = ImageDraw.Draw(self.image)
        self.words: list[Word] = []
        self.lines = 0

    def text(
        self,
        text: str,
        x: float,
        y: float,
        *,
        size: int = 22,
        conf: float = 0.95,
        ink: int = 0,
        line: int | None = None,
    ) -> None:
        """Print ``text`` at (x, y), as a new OCR line or as more words of ``line``."""
        width, height = self.image.size
        number = self.lines if line is None else line
        font = ImageFont.load_default(size=size)
        for part in text.split():
            box = self.draw.textbbox((x, y), part, font=font)
            self.draw.text((x, y), part, fill=ink, font=font)
            bbox = (box[0] / width, box[1] / height, box[2] / width, box[3] / height)
            self.words.append(Word(text=part, conf=conf, bbox=bbox, line=number))
            x = box[2] + font.getlength(" ")
        if line is None:
            self.lines += 1

    def rule(self, x0: float, x1: float, y: float, *, tilt: float = 0.0, ink: int = 0) -> None:
        """A ruled line, ``tilt`` degrees off level as a skewed fax prints it."""
        rise = (x1 - x0) * math.tan(math.radians(tilt))
        self.draw.line((x0, y, x1, y + rise), fill=ink, width=2)

    def scribble(
        self, x: float, y: float, length: float, *, height: float = 20, pen: int = 3
    ) -> None:
        """A wavy signature whose strokes sit above ``y``, the line it is written on."""
        points = [
            (x + t, y - height / 2 - height / 2 * math.sin(t / 9) + t / 25)
            for t in range(0, round(length), 2)
        ]
        self.draw.line(points, fill=0, width=pen)

    def initials(self, x: float, y: float) -> None:
        """Two small pen letters above ``y``, as a clerk initials: a "J" and an "S"."""
        self.draw.line(
            [(x + 12, y - 26), (x + 12, y - 4), (x + 6, y - 2), (x, y - 8)], fill=0, width=2
        )
        self.draw.arc((x + 22, y - 26, x + 36, y - 15), 90, 360, fill=0, width=2)
        self.draw.arc((x + 22, y - 15, x + 36, y - 3), 270, 180, fill=0, width=2)

    def stamp(self, text: str, x: int, y: int, *, tilt: float) -> None:
        """A rubber stamp at (x, y): big words in a box drawn tight around them, pressed on
        the page ``tilt`` degrees askew, its box inked unevenly. Its words get the upright
        boxes OCR gives them."""
        font = ImageFont.load_default(size=26)
        width, height = font.getbbox(text)[2:]
        stamp = Image.new("L", (round(width) + 20, round(height) + 20), 255)
        pen = ImageDraw.Draw(stamp)
        pen.text((10, 10), text, fill=0, font=font)
        left, top, right, bottom = pen.textbbox((10, 10), text, font=font)
        pen.rectangle((left - 6, top - 6, right + 6, bottom + 6), outline=0, width=3)
        # Rubber inks unevenly: the box's long sides come out with gaps.
        for gap in range(round(left), round(right), 23):
            pen.rectangle((gap, top - 7, gap + 1, top - 3), fill=255)
            pen.rectangle((gap + 11, bottom + 3, gap + 12, bottom + 7), fill=255)
        turned = stamp.rotate(tilt, expand=True, fillcolor=255)
        region = (x, y, x + turned.width, y + turned.height)
        self.image.paste(ImageChops.darker(self.image.crop(region), turned), region[:2])

        def on_page(px: float, py: float) -> tuple[float, float]:
            # Where a point of the stamp lands: turned about the stamp's centre, then placed.
            dx, dy, angle = px - stamp.width / 2, py - stamp.height / 2, math.radians(tilt)
            return (
                x + turned.width / 2 + dx * math.cos(angle) + dy * math.sin(angle),
                y + turned.height / 2 - dx * math.sin(angle) + dy * math.cos(angle),
            )

        page_width, page_height = self.image.size
        start = 10.0
        for part in text.split():
            x0, y0, x1, y1 = pen.textbbox((start, 10), part, font=font)
            corners = [on_page(px, py) for px in (x0, x1) for py in (y0, y1)]
            xs, ys = [c[0] for c in corners], [c[1] for c in corners]
            bbox = (
                min(xs) / page_width,
                min(ys) / page_height,
                max(xs) / page_width,
                max(ys) / page_height,
            )
            self.words.append(Word(text=part, conf=0.9, bbox=bbox, line=self.lines))
            start = x1 + font.getlength(" ")
        self.lines += 1

    def read(self, *, source: Literal["ocr", "text_layer"] = "ocr") -> ReadPage:
        buffer = io.BytesIO()
        self.image.save(buffer, format="PNG")
        width, height = self.image.size
        words = [w.model_copy() for w in self.words]
        lines = group_lines(words, [w.line for w in words])
        built = Page(number=1, width=width, height=height, source=source, words=words, lines=lines)
        return ReadPage(page=built, png=buffer.getvalue())


def caption_under_rule(sheet: Sheet, caption: str = "PHYSICIAN SIGNATURE") -> None:
    """The ordering clinician's block: name and phone, then a rule for the signature with
    its caption printed under it, and a date typed on a rule of its own with "DATE" under."""
    sheet.text("Ordering physician: Julia Smith, MD", 60, 200)
    sheet.text("Phone: 555-201-3344", 60, 230)
    sheet.rule(60, 520, 330)
    sheet.text(caption, 60, 336, size=14)
    sheet.text("01/02/2024", 620, 306)
    sheet.rule(610, 800, 330)
    sheet.text("DATE", 610, 336, size=14)


def signed(pages: list[ReadPage]) -> bool | None:
    found = find_signature(pages, reference=REFERENCE)
    return None if found is None else found.present.value


@pytest.mark.parametrize("scribble", [True, False])
def test_a_caption_under_the_rule_looks_above_the_rule(scribble: bool) -> None:
    sheet = Sheet()
    caption_under_rule(sheet)
    if scribble:
        sheet.scribble(80, 328, 220)
    found = find_signature([sheet.read()], reference=REFERENCE)
    assert found is not None and found.present.value is scribble
    # The date is typed on its own rule beside the signature's, above its caption.
    assert found.date is not None and found.date.value == date(2024, 1, 2)


def test_initials_above_the_rule_are_a_signature() -> None:
    sheet = Sheet()
    caption_under_rule(sheet, "Signature of treating practitioner")
    sheet.initials(90, 326)
    assert signed([sheet.read()]) is True


def test_a_thin_pen_line_a_fax_broke_into_dots_is_a_signature() -> None:
    sheet = Sheet()
    caption_under_rule(sheet)
    sheet.scribble(80, 318, 220, pen=1)
    # Every fourth column above the rule drops out, as a standard-resolution fax loses a
    # thin line: the stroke is left as crumbs a few pixels long, none a stroke by itself.
    pixels = sheet.image.load()
    assert pixels is not None
    for x in range(60, 320, 4):
        for y in range(280, 329):
            pixels[x, y] = 255
    assert signed([sheet.read()]) is True


@pytest.mark.parametrize("text", ["SIGNATURE ON FILE", "SIG. ON FILE", "ORIGINAL ON FILE"])
def test_a_signature_on_file_stamp_is_no_signature(text: str) -> None:
    sheet = Sheet()
    caption_under_rule(sheet)
    sheet.stamp(text, 90, 278, tilt=3)
    assert signed([sheet.read()]) is False


def test_a_stamp_does_not_hide_a_signature_beside_it() -> None:
    sheet = Sheet()
    caption_under_rule(sheet)
    sheet.stamp("RECEIVED", 380, 278, tilt=-3)
    sheet.scribble(80, 328, 220)
    assert signed([sheet.read()]) is True


def test_a_typed_name_under_a_blank_line_is_no_signature() -> None:
    sheet = Sheet()
    caption_under_rule(sheet, "Signature")
    sheet.text("Julia Smith, MD", 60, 360)
    assert signed([sheet.read()]) is False


def test_a_skewed_fax_and_a_grey_scan_keep_the_rule() -> None:
    """A rule tilted 2.5 degrees steps from row to row; a scan's blurred rule is light grey
    (150) on grey paper (232)."""
    for sheet, ink in ((Sheet(), 0), (Sheet(paper=232), 150)):
        sheet.text("Ordering physician: Julia Smith, MD", 60, 200)
        sheet.text("Phone: 555-201-3344", 60, 230)
        sheet.rule(60, 520, 330, tilt=-2.5 if ink == 0 else 0.0, ink=ink)
        sheet.text("PHYSICIAN SIGNATURE", 60, 336, size=14)
        blank = sheet.read()
        # Over the caption only: right of it a line of its own would be looked at too.
        sheet.scribble(70, 326, 130)
        assert (signed([blank]), signed([sheet.read()])) == (False, True)


def test_print_ocr_was_unsure_of_is_not_ink() -> None:
    """An eRx's "Sig:" (directions) reads like a signature label; words OCR was unsure of
    on its printed line are print all the same."""
    sheet = Sheet()
    sheet.text("Rx: Nasal mask cushion, replacement", 60, 270, size=30)
    sheet.text("Sig: Use nightly and with naps", 60, 310, size=30)
    sheet.words[-3:-1] = [w.model_copy(update={"conf": 0.26}) for w in sheet.words[-3:-1]]
    assert signed([sheet.read()]) is False


@pytest.mark.parametrize("scribble", [True, False])
@pytest.mark.parametrize("closing", ["Kind regards,", None])
def test_a_letter_is_signed_between_its_last_line_and_the_typed_name(
    scribble: bool, closing: str | None
) -> None:
    """Under the closing; or, with no closing and no rule, in the room left between the
    letter's last line and the clinician's typed name."""
    sheet = Sheet()
    sheet.text("Please call my office with any questions.", 60, 150)
    if closing:
        sheet.text(closing, 60, 200)
    if scribble:
        sheet.scribble(70, 262, 200)
    sheet.text("Julia Smith, MD", 60, 280)
    sheet.text("NPI 1744062286 Phone (757) 555-2210", 60, 306)
    assert signed([sheet.read()]) is scribble


@pytest.mark.parametrize("scribble", [True, False])
@pytest.mark.parametrize("under", ["Rosalind Achebe, MD", "M.D."])
def test_a_rule_over_the_signers_typed_name_is_the_place_to_sign(
    scribble: bool, under: str
) -> None:
    """A memo with no "Signature" caption and no closing: the pen goes on the rule over the
    clinician's typed name, or over the credential alone a prescription pad prints."""
    sheet = Sheet()
    sheet.text("Start of care: 12/04/2026.", 60, 150)
    sheet.text("Thank you for your help with his care.", 60, 190)
    if scribble:
        sheet.scribble(80, 318, 200)
    sheet.rule(60, 420, 330)
    sheet.text(under, 60, 340)
    assert signed([sheet.read()]) is scribble


def test_a_rule_over_a_name_with_no_credentials_is_no_place_to_sign() -> None:
    """Only a clinician's typed name marks a signature line: a table's rule over a patient's
    name, with the row above it, is none."""
    sheet = Sheet()
    sheet.scribble(80, 318, 200)
    sheet.rule(60, 420, 330)
    sheet.text("Gerald Whitcomb", 60, 340)
    assert signed([sheet.read()]) is None


@pytest.mark.parametrize(
    ("patient", "physician", "expected"), [(True, False, False), (False, True, True)]
)
def test_another_partys_signature_does_not_sign_the_order(
    patient: bool, physician: bool, expected: bool
) -> None:
    sheet = Sheet()
    caption_under_rule(sheet, "Physician signature")
    sheet.text("I received the equipment named above.", 60, 420)
    sheet.rule(60, 520, 500)
    sheet.text("Patient or caregiver signature", 60, 506, size=14)
    if patient:
        sheet.scribble(80, 498, 220)
    if physician:
        sheet.scribble(80, 328, 220)
    assert signed([sheet.read()]) is expected


def test_a_text_layer_page_is_looked_at_in_its_rendering() -> None:
    """pdfplumber reads the words; the pen mark is a drawing only the rendering shows."""
    sheet = Sheet()
    caption_under_rule(sheet)
    sheet.scribble(80, 328, 220)
    assert signed([sheet.read(source="text_layer")]) is True


def test_a_heading_in_a_box_is_no_signature_rule() -> None:
    """A boxed heading has rules above and below: the note written above it is no signature."""
    sheet = Sheet()
    sheet.text("Physician attestation and signature", 64, 336)
    sheet.draw.rectangle((56, 328, 600, 364), outline=0, width=2)
    sheet.scribble(80, 318, 220)
    assert signed([sheet.read()]) is False


def test_what_a_box_holds_above_a_caption_is_no_signature() -> None:
    """The rule above the caption is the bottom of a box (its sides rise from its ends): a
    note written in the box is not the signature."""
    sheet = Sheet()
    sheet.draw.rectangle((56, 250, 520, 330), outline=0, width=2)
    sheet.text("Comments:", 64, 256)
    sheet.scribble(200, 318, 220)
    sheet.text("Physician signature", 60, 336, size=14)
    assert signed([sheet.read()]) is False


def test_a_caption_on_a_dark_bar_is_a_heading() -> None:
    sheet = Sheet()
    sheet.draw.rectangle((56, 330, 600, 356), fill=0)
    sheet.text("SECTION D: PHYSICIAN SIGNATURE", 64, 332, ink=255)
    sheet.scribble(80, 318, 220)
    assert signed([sheet.read()]) is None


def test_junk_ocr_read_off_a_stroke_does_not_hide_the_caption() -> None:
    """A stroke dipping into the caption's line is read as junk words after it."""
    sheet = Sheet()
    sheet.text("Ordering physician: Julia Smith, MD", 60, 200)
    sheet.rule(60, 520, 330)
    sheet.text("PHYSICIAN SIGNATURE", 60, 336, size=14)
    sheet.text("a wl! mo", 230, 336, size=14, conf=0.3, line=sheet.lines - 1)
    sheet.scribble(80, 328, 220)
    assert signed([sheet.read()]) is True


@pytest.mark.parametrize("caption", ["Dale signed", "Bate signed"])
def test_date_signed_blurred_to_dale_signed_is_the_dates_caption(caption: str) -> None:
    """The date typed on its rule, read at no confidence, is no signature above "signed"."""
    sheet = Sheet()
    sheet.text("Ordering physician: Julia Smith, MD", 60, 200)
    sheet.rule(60, 520, 330)
    sheet.text("Physician signature", 60, 336, size=14)
    sheet.text("8/25/2025", 620, 300, size=30, conf=0.0)
    sheet.rule(610, 800, 330)
    sheet.text(caption, 610, 336, size=14)
    assert signed([sheet.read()]) is False


def test_the_caption_of_the_signing_date_is_no_signature_place() -> None:
    """ "Date of prescriber signature" names the date: what is right of it is no signature."""
    sheet = Sheet()
    sheet.text("Ordering physician: Julia Smith, MD", 60, 200)
    sheet.text("9. Date of prescriber signature", 60, 300)
    sheet.scribble(420, 318, 200)
    assert signed([sheet.read()]) is None


def _value_column_row(sheet: Sheet) -> None:
    """A form's row: the label in the left column, the value column's rule a line lower
    with its own small caption under it."""
    sheet.text("3. Length of need: 99 months", 60, 240)
    sheet.text("4. Prescriber signature", 60, 300)
    sheet.rule(380, 760, 350)
    sheet.text("signature of the prescriber", 380, 356, size=14)


@pytest.mark.parametrize("scribble", [True, False])
def test_a_label_looks_down_to_its_value_columns_rule(scribble: bool) -> None:
    sheet = Sheet()
    _value_column_row(sheet)
    # OCR garbles the small caption under the rule, as a fax blurs a small font.
    sheet.words = [
        w if w.bbox[1] < 0.59 else w.model_copy(update={"text": "xvqzw", "conf": 0.1})
        for w in sheet.words
    ]
    if scribble:
        # Low strokes, between the label's line and the rule: below the label's own area.
        sheet.scribble(400, 348, 260, height=12)
    assert signed([sheet.read()]) is scribble


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Electronically Sianed: Robert Miller, MD 07/07/2025", True),
        ("e-Sidned by Dr. Christopher Dunn, April 16, 2025", True),
        ("Electr: onically slgned by Andrew Griffin MD", True),
        ("Digitally signed by JOHNSON, Edward (DO)", True),
        # A fax's blurred capital: "D" read as "O" and a letter swapped inside.
        ("Oiqitally signed by Maria Lopez, NP", True),
        # The adverb after the verb.
        ("Signed electronically by Theresa Okafor-Reyes, CRNP on 11/30/2026", True),
        ("Signed electronically by:", False),
        ("Originally signed by the referring office", False),
        ("Electronically signed by:", False),
        ("Valid without wet signature when transmitted electronically.", False),
        ("This prescription was electronically scanned by the pharmacy.", False),
    ],
)
def test_electronic_statements_as_ocr_reads_them(text: str, expected: bool) -> None:
    sheet = Sheet()
    sheet.text(text, 60, 300)
    assert bool(signed([sheet.read()])) is expected


# -- the date of signing the page's OCR lost -------------------------------------------------


def _lose_line(sheet: Sheet, number: int) -> None:
    """Drop an OCR line's words, as the page's layout analysis does with a form's row it
    takes for a picture: the print stays on the image."""
    sheet.words = [w for w in sheet.words if w.line != number]


def _signed_block(sheet: Sheet) -> None:
    sheet.text("Ordering physician: Julia Smith, MD", 60, 200)
    sheet.rule(60, 520, 330)
    sheet.scribble(80, 328, 220)
    sheet.text("Signature of ordering physician", 60, 336, size=14)


@pytest.mark.parametrize(
    ("row", "signed"),
    [
        ("Date signed: 02/27/2024", date(2024, 2, 27)),
        # A date of another role in the band is no date of signing.
        ("Start of care: 03/04/2024", None),
    ],
)
def test_a_date_row_ocr_lost_is_read_again_for_its_role(row: str, signed: date | None) -> None:
    sheet = Sheet()
    _signed_block(sheet)
    lost = sheet.lines
    sheet.text(row, 60, 372)
    _lose_line(sheet, lost)
    found = find_signature([sheet.read()], reference=REFERENCE)
    assert found is not None and found.present.value is True
    assert (found.date.value if found.date else None) == signed


def test_a_lost_date_over_a_bare_date_caption_is_read_again() -> None:
    sheet = Sheet()
    _signed_block(sheet)
    lost = sheet.lines
    sheet.text("02/26/2024", 620, 306)
    sheet.rule(610, 800, 330)
    sheet.text("DATE", 610, 336, size=14)
    _lose_line(sheet, lost)
    found = find_signature([sheet.read()], reference=REFERENCE)
    assert found is not None and found.date is not None
    assert found.date.value == date(2024, 2, 26)


# -- the signature row the page's OCR lost -----------------------------------------------------


def _lost_signature_row(sheet: Sheet) -> None:
    """A form whose signature row (label, rule and caption) OCR took for a picture: only
    the print above it was read."""
    sheet.text("Ordering physician: Julia Smith, MD", 60, 150)
    sheet.text("Phone: 555-201-3344", 60, 180)
    lost = sheet.lines
    _value_column_row(sheet)
    for number in range(lost, sheet.lines):
        _lose_line(sheet, number)


def test_a_signature_row_ocr_lost_is_read_again() -> None:
    sheet = Sheet()
    _lost_signature_row(sheet)
    sheet.scribble(400, 346, 260)
    found = find_signature([sheet.read()], reference=REFERENCE)
    assert found is not None and found.present.value is True


def test_a_blank_signature_row_ocr_lost_is_not_read_again() -> None:
    """No writing above the rule: nothing is read again, and nothing is known of a place."""
    sheet = Sheet()
    _lost_signature_row(sheet)
    assert signed([sheet.read()]) is None


def test_a_stamp_in_a_signature_row_ocr_lost_is_no_signature() -> None:
    sheet = Sheet()
    _lost_signature_row(sheet)
    stamp = sheet.lines
    sheet.stamp("SIGNATURE ON FILE", 420, 296, tilt=2)
    _lose_line(sheet, stamp)
    assert not signed([sheet.read()])


@pytest.mark.parametrize("scribble", [True, False])
def test_a_box_headed_by_the_signatures_caption_is_signed_inside(scribble: bool) -> None:
    """A plan of care's box 27: the caption at the head of a ruled box, the pen and the
    date typed inside it, below the caption."""
    sheet = Sheet()
    sheet.text("24. Physician's Name and Address: Alejandro Baca, MD", 60, 150)
    sheet.rule(40, 700, 300)
    sheet.text("27. Attending Physician's Signature and Date Signed", 60, 306, size=14)
    if scribble:
        sheet.scribble(80, 370, 200)
    sheet.text("10/22/2026", 420, 345)
    sheet.rule(40, 700, 400)
    found = find_signature([sheet.read()], reference=REFERENCE)
    assert found is not None and found.present.value is scribble
    if scribble:
        assert found.date is not None and found.date.value == date(2026, 10, 22)


def test_a_scribble_ocr_glued_onto_its_caption_is_still_ink() -> None:
    """OCR read the caption and the scribble reaching it as one unsure word ("signature" over
    the whole scribble): the caption ends where its letters do, and the pen's strokes are no
    print of it."""
    sheet = Sheet()
    sheet.text("Practitioner signature", 60, 300)
    caption = sheet.words[-1]
    sheet.rule(caption.bbox[2] * 1000, 520, 322)
    sheet.scribble(caption.bbox[2] * 1000 + 4, 322, 200)
    sheet.text("Date 11/30/2026", 560, 300, line=0)
    scribble_end = caption.bbox[2] + 0.204
    glued = caption.model_copy(update={"bbox": (*caption.bbox[:2], scribble_end, caption.bbox[3])})
    glued = glued.model_copy(update={"conf": 0.27})
    sheet.words[1] = glued
    found = find_signature([sheet.read()], reference=REFERENCE)
    assert found is not None and found.present.value is True
    assert found.date is not None and found.date.value == date(2026, 11, 30)


def test_an_electronic_signature_stated_with_its_time_under_the_typed_name() -> None:
    text = ["Electronically", "signed", "12/02/2026", "16:41"]
    words = [word(t, (50 + 110 * i, 300, 150 + 110 * i, 320), 0) for i, t in enumerate(text)]
    found = find_signature([page(words, scribble=False, rule=False)], reference=REFERENCE)
    assert found is not None and found.present.value is True


@pytest.mark.parametrize("scribble", [True, False])
def test_a_caption_set_further_under_its_rule(scribble: bool) -> None:
    """A supplier's form prints its caption well under the rule, nearly two lines of print
    down ("Prescriber signature (no stamps)"): the rule is still the caption's."""
    sheet = Sheet()
    sheet.text("I certify that I am the treating practitioner.", 60, 200)
    if scribble:
        sheet.scribble(80, 326, 220)
    sheet.rule(60, 520, 330)
    sheet.text("Prescriber signature (no stamps)", 60, 362)
    assert signed([sheet.read()]) is scribble


@pytest.mark.parametrize("scribble", [True, False])
def test_the_signers_typed_name_with_the_dates_caption_beside_it(scribble: bool) -> None:
    """No "Signature" caption: the typed name under the signature's rule and "Date" under
    the date's, read by OCR as one line. The name's own cell marks the place to sign."""
    sheet = Sheet()
    sheet.text("Requested start: 07/28/2025", 60, 150)
    if scribble:
        sheet.scribble(80, 318, 200)
    sheet.rule(60, 420, 330)
    sheet.text("Jul 24, 2025", 620, 300)
    sheet.rule(610, 800, 330)
    name_line = sheet.lines
    sheet.text("Rebecca Sollenberger, DO", 60, 340)
    sheet.text("Date", 620, 340, line=name_line)
    assert signed([sheet.read()]) is scribble
