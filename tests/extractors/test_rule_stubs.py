"""Stubs of a table's vertical rules that tesseract reads as a "1", told from a printed 1."""

from __future__ import annotations

from extractors.ocr import RULE_MARK, page_from_words
from extractors.tesseract import OcrWord


def _word(text: str, left: int, width: int, height: int) -> OcrWord:
    return OcrWord(text, 0.5, left, 100, width, height, (1, 1, 1))


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
