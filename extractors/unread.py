"""The printed lines a page's layout analysis left unread, read on their own.

Tesseract's layout analysis sometimes takes a band of a form for a picture: a column of
captions between tick boxes and dotted leaders ("[X] 1. Beneficiary name"), a date beside
them. Those words are simply missing from the page's reading, and with them the caption
that gives the value beside it its role. Here the page's ink outside every word read is
gathered into text-shaped segments (rows of ink, split where a wide gap parts them), and each
segment is read as a block with everything already read whitened out, so nothing is read
twice. Lines that read as text are kept; specks, scribbles and pictures read as nothing or as
low-confidence noise, and are dropped.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from extractors import tesseract
from extractors.preprocess import ink, paper_shade

#: Words this short read alone may be a tick box's mark or a speck, not text.
_LONE_CHARACTERS = 2
#: Ink this close around a word read (in line heights) is that word's: its serifs, its
#: descenders, a speck on it.
_WORD_MARGIN = 0.2
#: A row of a segment holds at least this much ink (in line heights of pixels): fax speckle
#: leaves a few pixels on every row, a line of text dozens.
_ROW_INK = 0.75
#: Rows of ink parted by less than this (in line heights) are one segment's.
_ROW_GAP = 0.5
#: Columns parted by more than this (in line heights) are separate segments: the caption
#: column and the value column of a form.
_COLUMN_GAP = 1.5
#: A segment is text-shaped: at least half a line high and two lines wide (a tick box or a
#: word of two characters, left uncovered, is narrower), at most this many
#: lines high (taller is a picture, a logo or a scribbled area), with this much ink in all
#: (in square line heights) and this share of its area inked.
_MIN_HEIGHT = 0.5
_MIN_WIDTH = 2.0
_MAX_LINES = 12
_MIN_INK = 0.4
_MIN_DENSITY = 0.04
#: At most this many segments are read on a page: a page with more unread than that is
#: noise everywhere, and reading it all would cost more than the page itself.
_MAX_SEGMENTS = 16
#: The padding around a segment's crop, in line heights: tesseract needs a margin of paper.
_PAD = 0.5
#: A line read from a segment is kept when its characters average this confidence and one of
#: its words is a word of three letters or more read this well: the caption lines read at
#: 0.55-0.95 (a dotted leader under a caption costs it some), speckle and scribbles at 0.0-0.4.
_LINE_CONFIDENCE = 0.5
_WORD_CONFIDENCE = 0.8
#: Line keys of the words read here start at this block number, past any the page's own
#: reading gives, so their lines stay apart from the page's.
_FIRST_BLOCK = 10_000
_TIMEOUT_SECONDS = 10.0


def with_unread(image: Image.Image, read: list[tesseract.OcrWord]) -> list[tesseract.OcrWord]:
    """The page reading ``read`` of ``image`` with the lines it missed added, in image pixels.

    A word of one or two characters read alone (a tick box's "x", a speck) does not hide the
    ink around it: a missed caption beside it is read with it, and it gives way to that line.
    """
    grey = np.asarray(image if image.mode == "L" else image.convert("L"))
    height = _line_height(read)
    covered = _covered(grey.shape, [w for w in read if len(w.text) > _LONE_CHARACTERS], height)
    rest = ink(grey) & ~covered
    segments = list(_segments(rest, height))
    if not segments or len(segments) > _MAX_SEGMENTS:
        return read
    # Everything read already is paper in the crops (the paper's own shade: a white patch on
    # a grey scan has edges OCR reads), so no word is read twice.
    cleaned = grey.copy()
    cleaned[covered] = np.uint8(paper_shade(grey))
    blank = Image.fromarray(cleaned)
    pad = round(height * _PAD)
    found: list[tesseract.OcrWord] = []
    for number, (top, bottom, left, right) in enumerate(segments):
        box = (
            max(0, left - pad),
            max(0, top - pad),
            min(blank.width, right + pad),
            min(blank.height, bottom + pad),
        )
        words = tesseract.recognize_block(blank.crop(box), _TIMEOUT_SECONDS)
        found += _kept_lines(words, box[0], box[1], _FIRST_BLOCK + number)
    return [w for w in read if not any(_overlap(w, new) for new in found)] + found


def _line_height(read: list[tesseract.OcrWord]) -> int:
    heights = sorted(w.height for w in read if len(w.text) > 2)
    return max(8, heights[len(heights) // 2]) if heights else 20


def _covered(
    shape: tuple[int, ...], read: list[tesseract.OcrWord], height: int
) -> NDArray[np.bool_]:
    covered = np.zeros(shape[:2], dtype=bool)
    margin = max(2, round(height * _WORD_MARGIN))
    for w in read:
        covered[
            max(0, w.top - margin) : w.top + w.height + margin,
            max(0, w.left - margin) : w.left + w.width + margin,
        ] = True
    return covered


def _segments(rest: NDArray[np.bool_], height: int) -> Iterator[tuple[int, int, int, int]]:
    """(top, bottom, left, right) of each text-shaped block of unread ink."""
    rows = rest.sum(axis=1) >= max(3, height * _ROW_INK)
    for top, bottom in _runs(rows, round(height * _ROW_GAP)):
        if not height * _MIN_HEIGHT <= bottom - top <= height * _MAX_LINES:
            continue
        band = rest[top:bottom]
        for left, right in _runs(band.sum(axis=0) >= 2, round(height * _COLUMN_GAP)):
            amount = int(band[:, left:right].sum())
            area = (right - left) * (bottom - top)
            if (
                right - left >= height * _MIN_WIDTH
                and amount >= height * height * _MIN_INK
                and amount >= area * _MIN_DENSITY
            ):
                yield top, bottom, left, right


def _runs(on: NDArray[np.bool_], gap: int) -> list[tuple[int, int]]:
    """The (start, end) of each run of True, runs parted by ``gap`` or less joined."""
    at = np.flatnonzero(on)
    if not at.size:
        return []
    breaks = np.flatnonzero(np.diff(at) > gap + 1)
    starts = [int(at[0]), *(int(at[i + 1]) for i in breaks)]
    ends = [*(int(at[i]) + 1 for i in breaks), int(at[-1]) + 1]
    return list(zip(starts, ends, strict=True))


def _kept_lines(
    words: list[tesseract.OcrWord], left: int, top: int, block: int
) -> list[tesseract.OcrWord]:
    lines: dict[tuple[int, int, int], list[tesseract.OcrWord]] = {}
    for w in words:
        lines.setdefault(w.line_key, []).append(w)
    kept = []
    for key, line in lines.items():
        # Weighted by length: a tick box's bracket read poorly weighs less than a caption.
        mean = sum(w.conf * len(w.text) for w in line) / sum(len(w.text) for w in line)
        worded = any(w.conf >= _WORD_CONFIDENCE and _is_word(w.text) for w in line)
        if mean < _LINE_CONFIDENCE or not worded:
            continue
        kept += [
            tesseract.OcrWord(
                text=w.text,
                conf=w.conf,
                left=w.left + left,
                top=w.top + top,
                width=w.width,
                height=w.height,
                line_key=(block, key[0] * 1000 + key[1], key[2]),
            )
            for w in line
        ]
    return kept


def _is_word(text: str) -> bool:
    """Three letters or four digits: what noise seldom reads as."""
    return sum(c.isalpha() for c in text) >= 3 or sum(c.isdigit() for c in text) >= 4


def _overlap(one: tesseract.OcrWord, other: tesseract.OcrWord) -> bool:
    across = min(one.left + one.width, other.left + other.width) - max(one.left, other.left)
    down = min(one.top + one.height, other.top + other.height) - max(one.top, other.top)
    return across > 0 and down > 0
