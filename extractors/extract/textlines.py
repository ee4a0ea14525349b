"""Page lines as plain text with a map back to the words, so a regex match becomes evidence.

The clinical extractors read line by line: a code, a quantity or a visit frequency sits on
one printed line, and the words under a match give the page box the clerk checks.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any, TypeVar

from extractors.extract.found import Found, found_from_words
from extractors.pages import Page, Word

T = TypeVar("T")


@dataclass(frozen=True)
class TextLine:
    page: Page
    words: tuple[Word, ...]
    #: The words joined by single spaces.
    text: str
    #: Character offset of each word in ``text``.
    starts: tuple[int, ...]

    def words_in(self, start: int, end: int) -> list[Word]:
        """The words that overlap characters ``start``..``end`` of ``text``."""
        return [
            word
            for word, at in zip(self.words, self.starts, strict=True)
            if at < end and at + len(word.text) > start
        ]

    def found(self, value: T, start: int, end: int) -> Found[T]:
        return found_from_words(value, self.page, self.words_in(start, end) or list(self.words))

    def word_at(self, offset: int) -> Word | None:
        hits = self.words_in(offset, offset + 1)
        return hits[0] if hits else None


def page_lines(page: Page) -> list[TextLine]:
    """The page's lines in reading order (the order the reader numbered them)."""
    groups: dict[int, list[Word]] = {}
    for word in page.words:
        groups.setdefault(word.line, []).append(word)
    return [_line(page, groups[key]) for key in sorted(groups) if groups[key]]


def all_lines(pages: Iterable[Page]) -> list[TextLine]:
    return [line for page in pages for line in page_lines(page)]


def words_line(page: Page, words: Sequence[Word]) -> TextLine:
    """The words, as given, read as one line."""
    return _line(page, words)


def _line(page: Page, words: Sequence[Word]) -> TextLine:
    starts: list[int] = []
    at = 0
    for word in words:
        starts.append(at)
        at += len(word.text) + 1
    return TextLine(page, tuple(words), " ".join(w.text for w in words), tuple(starts))


def merge_found(parts: Sequence[Found[Any]], value: T) -> Found[T]:
    """One value read from several pieces of evidence on the same page."""
    first = parts[0]
    same_page = [p for p in parts if p.page == first.page]
    return Found(
        value=value,
        page=first.page,
        bbox=(
            min(p.bbox[0] for p in same_page),
            min(p.bbox[1] for p in same_page),
            max(p.bbox[2] for p in same_page),
            max(p.bbox[3] for p in same_page),
        ),
        confidence=min(p.confidence for p in parts),
        text=" ".join(p.text for p in parts),
    )


@cache
def load_data(name: str) -> dict[str, Any]:
    """A TOML vocabulary from ``extractors/data``."""
    return tomllib.loads(files("extractors").joinpath(f"data/{name}").read_text("utf-8"))


@dataclass(frozen=True)
class PageText:
    """A page's lines joined by newlines, for phrases that wrap onto the next line."""

    page: Page
    lines: tuple[TextLine, ...]
    text: str
    #: Offset of each line in ``text``.
    starts: tuple[int, ...]

    def found(self, value: T, start: int, end: int) -> Found[T]:
        words: list[Word] = []
        for line, at in zip(self.lines, self.starts, strict=True):
            if at < end and at + len(line.text) >= start:
                words += line.words_in(start - at, end - at)
        return found_from_words(value, self.page, words or list(self.lines[0].words))


def page_text(page: Page) -> PageText | None:
    lines = page_lines(page)
    if not lines:
        return None
    starts: list[int] = []
    at = 0
    for line in lines:
        starts.append(at)
        at += len(line.text) + 1
    return PageText(page, tuple(lines), "\n".join(line.text for line in lines), tuple(starts))


def page_texts(pages: Iterable[Page]) -> list[PageText]:
    return [text for text in map(page_text, pages) if text is not None]


def split_columns(heads: Sequence[tuple[str, float]], line: TextLine) -> dict[str, list[Word]]:
    """Words of a table row under each column head, given as (name, left edge) in x order.

    Cells are left-aligned under their heads on printed forms, so a word belongs to the last
    head that starts at or before it (with a little slack for OCR boxes).
    """
    cells: dict[str, list[Word]] = {name: [] for name, _ in heads}
    for word in line.words:
        owner = heads[0][0]
        for name, left in heads:
            if word.bbox[0] >= left - 0.012:
                owner = name
        cells[owner].append(word)
    return cells


def join_lines(line: TextLine, following: TextLine) -> TextLine:
    """Two printed lines read as one, for a phrase that wraps onto the next line."""
    offset = len(line.text) + 1
    return TextLine(
        line.page,
        line.words + following.words,
        f"{line.text} {following.text}",
        line.starts + tuple(offset + at for at in following.starts),
    )


def visual_rows(words: Iterable[Word]) -> list[list[Word]]:
    """Words grouped into printed rows by their vertical centres, top to bottom, each row left
    to right. OCR may read one printed row as several lines (a table's columns as blocks).
    A speck OCR boxed flat ("-", ".") is within the row's own height, not only its own."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=centre_y):
        if rows and abs(centre_y(word) - _mean_centre(rows[-1])) <= _reach(word, rows[-1]):
            rows[-1].append(word)
        else:
            rows.append([word])
    return [sorted(row, key=lambda w: w.bbox[0]) for row in rows]


def _reach(word: Word, row: Sequence[Word]) -> float:
    """How far from a row's centre a word's centre may lie to be in it: half the taller of
    the word and the row's middle word."""
    return max(height(word), sorted(map(height, row))[len(row) // 2]) / 2


def _mean_centre(words: Sequence[Word]) -> float:
    return sum(map(centre_y, words)) / len(words)


def level_with(page: Page, words: Sequence[Word]) -> list[Word]:
    """The page's words level with ``words`` (the printed row, whatever lines OCR made of
    it), left to right; not a rule or a speck OCR boxed across several lines."""
    top = min(word.bbox[1] for word in words)
    bottom = max(word.bbox[3] for word in words)
    tallest = _TALL * sorted(map(height, words))[len(words) // 2]
    level = [w for w in page.words if top <= centre_y(w) <= bottom and height(w) <= tallest]
    return sorted(level, key=lambda w: w.bbox[0])


#: A word taller than this many times a line's middle height is a rule or a speck's box.
_TALL = 2.5


def centre_y(word: Word) -> float:
    return (word.bbox[1] + word.bbox[3]) / 2


def height(word: Word) -> float:
    return word.bbox[3] - word.bbox[1]
