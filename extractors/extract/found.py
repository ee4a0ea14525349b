"""A value read off a page, with the evidence a clerk needs to check it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

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


def found_from_words(value: T, page: Page, words: list[Word]) -> Found[T]:
    """Evidence for a value read from these words of one page."""
    if not words:
        raise ValueError("a found value needs at least one word as evidence")
    return Found(
        value=value,
        page=page.number,
        bbox=union([w.bbox for w in words]),
        confidence=min(w.conf for w in words),
        text=" ".join(w.text for w in words),
    )
