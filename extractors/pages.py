"""What a reader produces for one page: words and lines with boxes as fractions of the page.

Boxes are 0..1 of the upright page, so the review page can draw them over a rendering of any
size. The page image itself travels beside the model (``ReadPage.png``), not inside it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated, Literal

from PIL import Image
from pydantic import AfterValidator, BaseModel, Field

BBox = tuple[float, float, float, float]


def _on_page(box: BBox) -> BBox:
    """The part of a box on the page: a text layer may place a word past the page's edge,
    and evidence boxes must stay fractions of the page for the review page and the API."""
    x0, y0, x1, y1 = (min(max(v, 0.0), 1.0) for v in box)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


class Word(BaseModel):
    text: str
    conf: float = Field(ge=0.0, le=1.0)
    bbox: Annotated[BBox, AfterValidator(_on_page)]
    line: int


class Line(BaseModel):
    text: str
    bbox: Annotated[BBox, AfterValidator(_on_page)]
    conf: float = Field(ge=0.0, le=1.0)


class Page(BaseModel):
    number: int = Field(ge=1)
    width: int
    height: int
    source: Literal["text_layer", "ocr"]
    #: Degrees the page was turned clockwise to make it upright.
    rotation: int = 0
    words: list[Word] = Field(default_factory=list)
    lines: list[Line] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def mean_confidence(self) -> float:
        if not self.words:
            return 0.0
        return sum(w.conf for w in self.words) / len(self.words)


@dataclass(frozen=True)
class ReadPage:
    page: Page
    #: The upright page with square pixels, as PNG, for the review page.
    png: bytes
    #: The image ``png`` holds, while the reader that made it still has it: the finders that
    #: look at ink then skip decoding the PNG again (~0.015 s a page). A page loaded back
    #: from the store has none.
    shown: Image.Image | None = field(default=None, compare=False, repr=False)

    def grey(self) -> Image.Image:
        """The page image in greyscale, for the finders that look at ink: a copy of its own
        for each caller, who keeps it only while it needs it."""
        if self.shown is not None:
            return self.shown.convert("L")  # a new image, whatever the mode
        return _decoded_grey(self.png).copy()


#: Several finders look at the ink of the same few pages in turn (signature, boxes, the
#: second OCR pass), so the pages of the document being read are kept decoded, not the store.
_DECODED_PAGES = 8


@lru_cache(maxsize=_DECODED_PAGES)
def _decoded_grey(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("L")


def line_words(page: Page, number: int) -> list[Word]:
    """The words of the page's line ``number``, left to right."""
    return sorted((w for w in page.words if w.line == number), key=lambda w: w.bbox[0])


def union(boxes: list[BBox]) -> BBox:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def group_lines(words: list[Word], keys: list[object]) -> list[Line]:
    """Build lines from words in reading order, where ``keys[i]`` names the line of word i.

    Re-numbers ``Word.line`` to the index of the line it lands in.
    """
    lines: list[Line] = []
    members: list[list[Word]] = []
    index: dict[object, int] = {}
    for word, key in zip(words, keys, strict=True):
        if key not in index:
            index[key] = len(members)
            members.append([])
        word.line = index[key]
        members[index[key]].append(word)
    for group in members:
        lines.append(
            Line(
                text=" ".join(w.text for w in group),
                bbox=union([w.bbox for w in group]),
                conf=sum(w.conf for w in group) / len(group),
            )
        )
    return lines
