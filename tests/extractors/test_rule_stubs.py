"""Marks tesseract reads as words: stubs of a table's vertical rules read as a "1" (told from
a printed 1), and a column of tick boxes read as one tall word."""

from __future__ import annotations

from extractors.ocr import RULE_MARK, page_from_words
from extractors.tesseract import OcrWord


def _word(
    text: str, left: int, width: int, height: int, top: int = 100, conf: float = 0.5
) -> OcrWord:
    return OcrWord(text, conf, left, top, width, height, (1, 1, 1))


def test_a_rule_stub_read_as_one_is_a_rule_mark_and_a_printed_one_stays() -> None:
    # Under a wrapped cell ("036 Davenport" / "Mountains"), the column rules between the two
    # rows are read as words "1": a pixel wide and ten tall, where a printed 1 has its flag.
    words = [
        _word("1", 260, 1, 10),
        _word("Mountains", 300, 97, 37),
        _word("1", 420, 6, 17),  # a quantity printed in the next cell
        _word("l", 500, 2, 14),
    ]
    page = page_from_words(words, (1728, 2156), (1728, 2156), 1, 0)
    assert [w.text for w in page.words] == [RULE_MARK, "Mountains", "1", RULE_MARK]


def test_a_column_of_tick_boxes_read_as_one_tall_word_is_dropped() -> None:
    # A checklist's seven ticked boxes, read as "QARARARAR" at confidence 0 and as tall as the
    # seven rows beside it: the rows' captions paired with nothing while it spanned them.
    rows = [
        _word(text, 200, 300, 30, top=100 + 60 * i, conf=0.95)
        for i, text in enumerate(
            ["Beneficiary", "Item(s)", "Date", "Pertinent", "Length", "Practitioner", "Date"]
        )
    ]
    stack = _word("QARARARAR", 120, 30, 420, top=95, conf=0.0)
    title = _word("ORDER", 200, 400, 110, top=10, conf=0.93)  # large type, read well
    speck = _word("~", 600, 10, 28, top=100, conf=0.1)  # unsure, but a line's height
    page = page_from_words([title, stack, *rows, speck], (1728, 2156), (1728, 2156), 1, 0)
    assert [w.text for w in page.words] == ["ORDER", *[w.text for w in rows], "~"]
