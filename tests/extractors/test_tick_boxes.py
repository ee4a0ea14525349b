"""Tick boxes judged on the page image, through real tesseract: sex and urgency answers."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from PIL import Image, ImageDraw, ImageFont

from extractors.extract.checkboxes import PageInk, PageInks, box_before
from extractors.extract.extractor import extract
from extractors.extract.found import found_from_words
from extractors.extract.tick_legends import Ticks, read_ticks, ticked_only
from extractors.limits import Limits
from extractors.pages import Page, ReadPage, Word
from extractors.readers import read_document
from extractors.referral import Item
from samples.fax import encode_fax_tiff
from tests.extractors.faxed import faxed_cells

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
RECEIVED = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
#: A fine fax's resolution: 204 x 196 dpi, drawn square.
DPI = 200

Cell = tuple[str, bool | None]  # legend, and its box: ticked, empty, or no box at all


def _page(rows: list[list[Cell | str]], *, fax: bool, gap: int = 14) -> bytes:
    """A page of rows; each cell is plain text or a (legend, ticked) box with its legend,
    ``gap`` pixels after its box."""
    image = Image.new("L", (1700, 900), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, round(11 * DPI / 72))
    side = 28
    for number, cells in enumerate(rows):
        x, y = 120, 120 + number * 110
        for cell in cells:
            if isinstance(cell, str):
                draw.text((x, y), cell, fill=0, font=font)
                x += round(draw.textlength(cell, font=font)) + 60
                continue
            legend, ticked = cell
            top = y + 6
            draw.rectangle((x, top, x + side, top + side), outline=0, width=2)
            if ticked:
                draw.line((x + 5, top + 5, x + side - 5, top + side - 5), fill=0, width=3)
                draw.line((x + 5, top + side - 5, x + side - 5, top + 5), fill=0, width=3)
            x += side + gap
            draw.text((x, y), legend, fill=0, font=font)
            x += round(draw.textlength(legend, font=font)) + 50
    if fax:
        image = image.point(lambda v: 255 if v > 128 else 0).convert("1")
    buffer = io.BytesIO()
    image.save(buffer, format="TIFF" if fax else "PNG", dpi=(DPI, DPI))
    return buffer.getvalue()


def _ticks(rows: list[list[Cell | str]], *, fax: bool = True) -> Ticks:
    return read_ticks(read_document(_page(rows, fax=fax), Limits()), PageInks())


def test_the_ticked_sex_box_answers() -> None:
    ticks = _ticks([["Sex:", ("M", False), ("F", True)], ["Patient: Katie Miller"]])
    assert ticks.sex is not None and ticks.sex.value == "F"
    ticks = _ticks([["Gender", ("Male", True), ("Female", False)]], fax=False)
    assert ticks.sex is not None and ticks.sex.value == "M"


def test_sex_boxes_all_empty_or_all_ticked_answer_nothing() -> None:
    assert _ticks([["Sex:", ("M", False), ("F", False)]]).sex is None
    assert _ticks([["Sex:", ("M", True), ("F", True)]]).sex is None


def test_an_unticked_urgency_legend_is_not_wording_the_rules_read() -> None:
    ticks = _ticks([["Priority:", ("Routine", True), ("STAT set-up (within 24 h)", False)]])
    assert ticks.urgent is None
    [text] = ticks.texts
    assert "Routine" in text
    assert "STAT" not in text and "24" not in text


def test_a_ticked_urgency_box_marks_the_order() -> None:
    ticks = _ticks([[("URGENT", True), ("FYI", False), ("Reply requested", False)]])
    assert ticks.urgent == "URGENT"


def test_a_legend_with_no_box_is_left_to_the_text() -> None:
    ticks = _ticks([["URGENT: patient discharged today"]])
    assert ticks.urgent is None
    assert "URGENT" in ticks.texts[0]


def test_a_box_at_the_foot_of_its_cell_beside_the_forms_rule() -> None:
    # A form's box drawn a few pixels above the rule closing its cell (as a text PDF renders
    # "3. SEX [X] M [ ] F"): the rule is no neighbouring letter's stroke, so the box still
    # stands alone and its X still counts.
    image = Image.new("L", (800, 200), 255)
    draw = ImageDraw.Draw(image)
    left, top, side = 100, 60, 15
    draw.rectangle((left, top, left + side, top + side), outline=0, width=1)
    draw.line((left + 3, top + 3, left + side - 3, top + side - 3), fill=0, width=2)
    draw.line((left + 3, top + side - 3, left + side - 3, top + 3), fill=0, width=2)
    draw.line((20, top + side + 5, 780, top + side + 5), fill=0, width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    box = (left + side + 8, top - 2, left + side + 22, top + side + 2)
    word = Word(
        text="M", conf=0.9, bbox=(box[0] / 800, box[1] / 200, box[2] / 800, box[3] / 200), line=0
    )
    page = Page(number=1, width=800, height=200, source="ocr", words=[word])
    assert box_before(PageInk.of(ReadPage(page, buffer.getvalue())), word) is True


def _boxes(paper: int, rule: int, ticks: list[bool]) -> tuple[bytes, list[int]]:
    """A strip of boxes 40 px apart on paper of grey ``paper``, outlined in grey ``rule``;
    each box's left edge is returned."""
    image = Image.new("L", (800, 200), paper)
    draw = ImageDraw.Draw(image)
    lefts = [100 + 40 * index for index in range(len(ticks))]
    top, side = 80, 20
    for left, ticked in zip(lefts, ticks, strict=True):
        draw.rectangle((left, top, left + side, top + side), outline=rule, width=2)
        if ticked:
            draw.line((left + 4, top + 4, left + side - 4, top + side - 4), fill=40, width=3)
            draw.line((left + 4, top + side - 4, left + side - 4, top + 4), fill=40, width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue(), lefts


def _legend_word(text: str, left: int) -> tuple[Word, Page]:
    """A legend's word from pixel ``left`` on, a box's width a character, as OCR boxes it."""
    right = left + 22 * len(text)
    box = (left / 800, 78 / 200, right / 800, 102 / 200)
    word = Word(text=text, conf=0.9, bbox=box, line=0)
    return word, Page(number=1, width=800, height=200, source="ocr", words=[word])


def test_the_box_nearest_its_legend_is_the_legends() -> None:
    # "[ ] M [x] F" set close, OCR reading the ticked box into the legend ("&F"): F's box is
    # the one right before its letter, not the empty one further back within reach.
    png, lefts = _boxes(255, 0, [False, True])
    word, page = _legend_word("&F", lefts[1])
    assert box_before(PageInk.of(ReadPage(page, png)), word, "F") is True


def test_a_scans_grey_box_on_grey_paper_is_still_a_box() -> None:
    # A scan prints thin rules lighter than text, on paper that is not white.
    png, lefts = _boxes(235, 140, [True])
    word, page = _legend_word("F", lefts[0] + 34)
    assert box_before(PageInk.of(ReadPage(page, png)), word, "F") is True


def test_a_pair_of_sex_boxes_asks_the_sex_when_ocr_lost_the_caption() -> None:
    ticks = _ticks([["Shx", ("M", False), ("F", True)], ["Patient: Katie Miller"]])
    assert ticks.sex is not None and ticks.sex.value == "F"


def test_an_unticked_legend_glued_to_its_box_and_its_next_words_is_dropped() -> None:
    # "[ ] STAT SET-UP (within 24 h)" read as "CISTAT.SET-UP (within 24 h)": the box is
    # before the legend, its words after it part of its cell, and none of them is wording.
    png, lefts = _boxes(255, 0, [False])
    glued, _ = _legend_word("CISTAT.SET-UP", lefts[0])
    after = [
        Word(text=text, conf=0.9, bbox=(x / 800, 78 / 200, (x + 60) / 800, 102 / 200), line=0)
        for x, text in ((392, "(within"), (458, "24"), (524, "h)"))
    ]
    page = Page(number=1, width=800, height=200, source="ocr", words=[glued, *after])
    ticks = read_ticks([ReadPage(page, png)], PageInks())
    assert ticks.urgent is None
    assert "24" not in ticks.texts[0]


def test_a_checklist_orders_only_its_ticked_lines() -> None:
    """Equipment offered as a checklist: the unticked line's code and item are not ordered,
    and a line with no box is ordered as printed."""
    data = _page(
        [
            ["Patient: Theodora Mancuso", "Dx: J84.10"],
            [("E1390 Oxygen concentrator", True)],
            [("E0431 Portable gaseous oxygen system", False)],
            [("E0433 Portable liquid oxygen system", True)],
            ["K0001 Standard wheelchair x 1"],
        ],
        fax=True,
    )
    referral = extract(
        read_document(data, Limits()), filename="t.tif", sha256="0" * 64, received_at=RECEIVED
    )
    assert [item.hcpcs for item in referral.items] == ["E1390", "E0433", "K0001"]
    assert "E0431" not in {p.code for p in referral.procedures}


def test_a_checklist_whose_boxes_stand_a_box_apart_from_their_codes() -> None:
    """A box set as far before its legend as it is wide was cut by the reach before the
    legend: its right part read as an empty box, and a ticked line was dropped."""
    data = _page(
        [
            ["Patient: Grace Okafor", "Dx: G35"],
            [("E0260 Hospital bed, semi-electric, with mattress", True)],
            [("E0255 Hospital bed, variable height, with mattress", False)],
            [("E0184 Dry pressure mattress", True)],
            [("E0277 Powered pressure-reducing air mattress", False)],
            [("E0163 Commode chair, stationary, fixed arms", True)],
        ],
        fax=True,
        gap=34,
    )
    referral = extract(
        read_document(data, Limits()), filename="t.tif", sha256="0" * 64, received_at=RECEIVED
    )
    assert [item.hcpcs for item in referral.items] == ["E0260", "E0184", "E0163"]


def test_a_words_own_letter_outlining_a_square_is_no_box_before_it() -> None:
    """A serif "G" that a fax squares off outlines a box at the word's start: read as an
    empty box, it dropped the item the line ordered. A box OCR glued into a code ("QE0431")
    still stands before the code's own characters."""
    png, lefts = _boxes(255, 0, [False])
    letter, _ = _legend_word("Glucose", lefts[0])
    capitals, _ = _legend_word("HCPCS:", lefts[0])
    glued, _ = _legend_word("QE0431", lefts[0])
    for word, kept in ((letter, True), (capitals, True), (glued, False)):
        page = Page(number=1, width=800, height=200, source="ocr", words=[word])
        found = found_from_words(Item(description="meter", hcpcs="E0607"), page, [word])
        assert bool(ticked_only([ReadPage(page, png)], [found], PageInks())) is kept


def test_a_code_opening_a_ruled_cell_has_no_box_before_it() -> None:
    """A field/value table faxed at standard resolution: a code set close after the value
    column's rule, whose rule, row rules and the E's own stem outline a square. The code's
    letters are print, so that square is no box, and the items the row orders stay."""
    image = Image.new("L", (1728, 2244), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 26)

    def px(inches: float) -> int:
        return round(inches * 204)

    rows = [
        ("Patient", "Haverford, Louis"),
        ("Date of birth", "1939-07-21"),
        ("Sex", "Male"),
        ("Address", "301 Quincy St, Apt 2"),
        ("City, State ZIP", "Hancock, MI 49930"),
        ("Telephone", "906-555-0162"),
        ("Coverage", "Medicare + BCBS of Michigan"),
        ("Medicare ID", "6PA3-RW9-YK20"),
        ("Diagnosis", "J43.9 Emphysema, unspecified"),
        ("Equipment", "E1390 oxygen concentrator x1; E0431 portable cylinder x1"),
    ]
    y = 1.05
    draw.rectangle((px(0.6), px(y), px(7.9), px(y + 0.28)), outline=0, width=2)
    for x, head in ((0.6, "Field"), (2.3, "Value")):
        draw.text((px(x + 0.06), px(y + 0.06)), head, fill=0, font=font)
    first = y
    y += 0.28
    for field, value in rows:
        draw.rectangle((px(0.6), px(y), px(7.9), px(y + 0.28)), outline=0, width=1)
        draw.text((px(0.66), px(y + 0.06)), field, fill=0, font=font)
        draw.text((px(2.36), px(y + 0.06)), value, fill=0, font=font)
        y += 0.28
    draw.line((px(2.3), px(first), px(2.3), px(y)), fill=0, width=1)
    data = encode_fax_tiff([image], "standard")
    referral = extract(
        read_document(data, Limits()), filename="t.tif", sha256="0" * 64, received_at=RECEIVED
    )
    assert [item.hcpcs for item in referral.items] == ["E1390", "E0431"]


def test_a_box_typed_in_brackets_is_a_box() -> None:
    """A printout types its boxes as brackets ("[ ] URGENT", "[X] STAT"), with no square
    drawn: an empty pair leaves the legend out of the wording, a pair holding an X ticks it."""
    ticks = _ticks([["[ ] URGENT"], ["ORDER DATE: 05/20/2025"]])
    assert ticks.urgent is None
    assert "URGENT" not in ticks.texts[0]
    assert _ticks([["[X] STAT"], ["ORDER DATE: 05/20/2025"]]).urgent == "STAT"


def test_a_typed_box_glued_to_its_legend() -> None:
    """A scan's "Sex: (X]M []F": each typed box glued to its legend, the first ticked."""
    ticks = _ticks([["Sex: (X]M []F"], ["Patient: Marcus Lindqvist"]])
    assert ticks.sex is not None and ticks.sex.value == "M"


def test_a_typed_box_whose_edge_reads_as_a_letter() -> None:
    """A fine fax of "Sex: [X] M  [ ] F" typed in text, read "[IX]M []F": the box's left
    edge read as an I, the box glued to its legend."""
    pages = faxed_cells(
        [(100, 100, "Patient: Ruth Ann Miller"), (100, 330, "Sex: [X] M  [ ] F")], height=2200
    )
    assert "[IX]M" in pages[0].page.text
    ticks = read_ticks(pages, PageInks())
    assert ticks.sex is not None and ticks.sex.value == "M"
