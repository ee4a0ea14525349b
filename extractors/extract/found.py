"""A value read off a page, with the evidence a clerk needs to check it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from extractors.pages import BBox, Page, Word, union

T = TypeVar("T")


@dataclass(frozen=True)
class Found(Generic[T]):
    value: T
    #: 1-based page number.
    page: int
    #: Union of the words' boxes, as 0..1 fractions of the upright page.
    bbox: BBox
    #: The weakest OCR confidence among the words the value came from, 0..1.
    confidence: float
    #: The text as printed on the page (evidence), before normalization.
    text: str
    #: The words the value was read from, so that a part of it can have evidence of its own.
    words: tuple[Word, ...] = ()


def found_from_words(value: T, page: Page, words: list[Word]) -> Found[T]:
    """Evidence for a value read from these words of one page."""
    return _found_on(value, page.number, words)


def found_part(found: Found[Any], value: T) -> Found[T] | None:
    """Evidence for a part of a read value (an address's city): the words of ``found`` that
    print it. A whole line's weakest word may lie in any part, so only the part's own words
    say which part is doubtful. None when a word of the part is not printed as such (the
    parser mended it) or ``found`` kept no words."""
    printed = {_bare(word.text): word for word in found.words}
    words = [printed.get(_bare(token)) for token in str(value).split()]
    kept = [word for word in words if word is not None]
    if not kept or len(kept) < len(words):
        return None
    return _found_on(value, found.page, kept)


def _found_on(value: T, page: int, words: list[Word]) -> Found[T]:
    if not words:
        raise ValueError("a found value needs at least one word as evidence")
    return Found(
        value=value,
        page=page,
        bbox=union([w.bbox for w in words]),
        confidence=min(w.conf for w in words),
        text=" ".join(w.text for w in words),
        words=tuple(words),
    )


def _bare(text: str) -> str:
    """A word without its punctuation, as a part of a parsed value prints it ("Dover," is
    the city "Dover")."""
    return "".join(c for c in text if c.isalnum()).casefold()
