"""Tick boxes: whether the box printed before a legend ("[x] URGENT", "[ ] M  [x] F") is ticked.

OCR cannot tell: it reads a ticked box as "&", "HM", "BJ" or nothing, and an empty one as
"O", "C", "[)" or a letter glued to the legend ("OSTAT"). So the box is judged on the page
image: a square outline the height of the legend's letters, just before it, and ink inside
the square (an X, a tick or a fill) or none. Every reader of legends (urgency, sex, items)
asks this one module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from extractors.pages import ReadPage, Word
from extractors.preprocess import paper_shade

#: Darker than this share of the paper's own grey is ink: a scan's paper is grey and its
#: thin box rules print lighter than text, where a fax is black on white.
_INK_SHARE = 0.75
#: A box's side, in heights of the legend's word box.
_MIN_SIDE = 0.75
_MAX_SIDE = 1.5
#: How far before the legend the box may start, in word heights; a box OCR glued into the
#: legend's word starts inside the word's box, up to this far in.
_REACH_BEFORE = 2.6
_REACH_INTO = 1.6
#: Share of each of the four sides that must be ink for a square to be a box outline. A
#: letter (O, D, H) never has four straight sides.
_MIN_EDGE_INK = 0.8
#: A box stands alone: its edges do not run on past its corners, as a table's rules do
#: around a cell. Ink along this share of the side past each corner, ...
_RUN_ON = 0.4
#: ... above this share, is a rule running on.
_MAX_RUN_ON_INK = 0.5
#: The inside of the box, this share of the side in from each edge, ...
_INSET = 0.25
#: ... is ticked when this share of it is ink; an empty box reads near 0 even on a fax.
_TICKED_INK = 0.12


@dataclass(frozen=True)
class PageInk:
    """A page image as an ink mask, decoded once for every box on the page."""

    ink: NDArray[np.bool_]

    @classmethod
    def of(cls, read: ReadPage) -> PageInk:
        grey = np.asarray(read.grey())
        return cls(grey < _INK_SHARE * paper_shade(grey))


class PageInks:
    """Each page's ink mask, made once for every reader of one document's boxes (the ticked
    answers, the ticked items): making one costs more than reading a page's boxes."""

    def __init__(self) -> None:
        self._made: dict[int, PageInk] = {}

    def of(self, read: ReadPage) -> PageInk:
        number = read.page.number
        if number not in self._made:
            self._made[number] = PageInk.of(read)
        return self._made[number]


def box_before(page: PageInk, word: Word, legend: str | None = None) -> bool | None:
    """True when a ticked box stands just before ``word``, False when an empty one does,
    None when there is no box there.

    Given the ``legend`` the word ends with, the box ends before the legend's letters: a
    letter's strokes ("S") may outline a square too."""
    height, width = page.ink.shape
    x0, y0, x1, y1 = word.bbox
    text_px = max(4, round((y1 - y0) * height))
    left = max(0, round(x0 * width - _REACH_BEFORE * text_px))
    right = min(width, round(x0 * width + _REACH_INTO * text_px))
    if legend is not None and word.text:
        char = (x1 - x0) / len(word.text)
        # Half a letter of slack: OCR's box round a glued box is not exact.
        right = min(right, round((x1 - (len(legend) - 0.5) * char) * width))
    middle = (y0 + y1) / 2 * height
    top = max(0, round(middle - _MAX_SIDE * text_px))
    bottom = min(height, round(middle + _MAX_SIDE * text_px))
    region = page.ink[top:bottom, left:right]
    if region.size == 0:
        return None
    found = _best_square(region, text_px)
    # The rows a box beside the legend would take: the one found, else the legend's own.
    level = round(middle) - top
    half = round(_MAX_SIDE * text_px / 2)
    rows = (
        slice(found[0], found[0] + found[2])
        if found is not None
        else slice(max(0, level - half), level + half)
    )
    if left > 0 and region[rows, 0].any():
        # Ink crossing the reach's edge, beside the box found or with none found: a box as
        # wide as the widest, set as far again before its legend, is whole only further
        # left ("[x]  E0184": 2.6 heights took the box's right part for an empty box).
        left = max(0, left - round(_MAX_SIDE * text_px))
        region = page.ink[top:bottom, left:right]
        found = _best_square(region, text_px)
    if found is None:
        return None
    row, col, side = found
    inset = max(1, round(side * _INSET))
    inside = region[row + inset : row + side - inset, col + inset : col + side - inset]
    return bool(inside.size and inside.mean() >= _TICKED_INK)


def _best_square(region: NDArray[np.bool_], text_px: int) -> tuple[int, int, int] | None:
    """(row, column, side) of the box outline in ``region`` nearest the legend, which is at
    its right: "[ ] M [x] F" holds two boxes within reach of F's, and F's is the second.
    Of the squares that outline that box, the one with the most inked edges."""
    # A pixel's neighbours count as its ink: a fax's box edge wobbles a pixel either way.
    grown = region.copy()
    grown[1:, :] |= region[:-1, :]
    grown[:-1, :] |= region[1:, :]
    grown[:, 1:] |= region[:, :-1]
    grown[:, :-1] |= region[:, 1:]
    ink = grown.astype(np.int32)
    # Running sums along rows and columns: any edge's ink in one subtraction.
    along_rows = np.pad(ink.cumsum(axis=1), ((0, 0), (1, 0)))
    along_cols = np.pad(ink.cumsum(axis=0), ((1, 0), (0, 0)))
    rows, cols = ink.shape
    squares: list[tuple[float, int, int, int]] = []
    for side in range(max(4, round(_MIN_SIDE * text_px)), round(_MAX_SIDE * text_px) + 1):
        if side > rows or side > cols:
            break
        top = (
            along_rows[: rows - side + 1, side:] - along_rows[: rows - side + 1, : cols - side + 1]
        )
        bottom = along_rows[side - 1 :, side:] - along_rows[side - 1 :, : cols - side + 1]
        left = (
            along_cols[side:, : cols - side + 1] - along_cols[: rows - side + 1, : cols - side + 1]
        )
        right = along_cols[side:, side - 1 :] - along_cols[: rows - side + 1, side - 1 :]
        edges = np.minimum(np.minimum(top, bottom), np.minimum(left, right)) / side
        squares += _outlines(region, edges, side)
    if not squares:
        return None
    # Boxes are outlined about as well as the best one; a letter's strokes ("S") less so.
    best = max(score for score, _, _, _ in squares)
    boxes = [sq for sq in squares if sq[0] >= best - _SCORE_SLACK]
    # The nearest box's squares end within half a side of the rightmost one's right edge;
    # of equal ones the largest is a bold box's outer outline, not a square inside its rule.
    nearest = max(col + side for _, _, col, side in boxes)
    same_box = [sq for sq in boxes if sq[2] + sq[3] >= nearest - sq[3] / 2]
    return max(same_box, key=lambda sq: (sq[0], sq[3]))[1:]


#: How much less of its edges' ink a box outline may have than the best-outlined square.
_SCORE_SLACK = 0.1


def _outlines(
    region: NDArray[np.bool_], edges: NDArray[np.float64], side: int
) -> list[tuple[float, int, int, int]]:
    """(score, row, column, side) of each box outline of one side: for each column where
    squares' edges are inked, the best-inked square that stands alone, tried best first."""
    found: dict[int, tuple[float, int, int, int]] = {}
    for flat in np.argsort(edges, axis=None)[::-1]:
        row, col = (int(v) for v in np.unravel_index(int(flat), edges.shape))
        score = float(edges[row, col])
        if score < _MIN_EDGE_INK:
            break
        if col not in found and _alone(region, row, col, side):
            found[col] = (score, row, col, side)
    return list(found.values())


def _alone(ink: NDArray[np.bool_], row: int, col: int, side: int) -> bool:
    """Whether the square's edges stop at its corners (a box), not run on (a table's rules)."""
    reach = max(2, round(side * _RUN_ON))
    gap = 2  # the corner's own thickness
    last = side - 1
    runs = [
        ink[row, max(0, col - gap - reach) : max(0, col - gap)],  # top edge, leftwards
        ink[row, col + last + gap + 1 : col + last + gap + 1 + reach],  # top edge, rightwards
        ink[row + last, max(0, col - gap - reach) : max(0, col - gap)],
        ink[row + last, col + last + gap + 1 : col + last + gap + 1 + reach],
        ink[max(0, row - gap - reach) : max(0, row - gap), col],  # left edge, upwards
        ink[row + last + gap + 1 : row + last + gap + 1 + reach, col],  # left edge, downwards
        ink[max(0, row - gap - reach) : max(0, row - gap), col + last],
        ink[row + last + gap + 1 : row + last + gap + 1 + reach, col + last],
    ]
    if not all(run.size == 0 or run.mean() <= _MAX_RUN_ON_INK for run in runs):
        return False
    # And white space all round: a square found inside a bold letter ("E") has its
    # neighbours' strokes right outside it.
    away = gap + max(2, round(side * _MARGIN))
    above = ink[max(0, row - away) : max(0, row - gap), col : col + side]
    below = ink[row + last + gap + 1 : row + last + away + 1, col : col + side]
    before = ink[row : row + side, max(0, col - away) : max(0, col - gap)]
    after = ink[row : row + side, col + last + gap + 1 : col + last + away + 1]
    # A table's rule passing close by (a box at the foot of its cell) is no letter's stroke.
    margins = [_without_rules(above), _without_rules(below)]
    margins += [_without_rules(before.T), _without_rules(after.T)]
    return all(m.size == 0 or m.mean() <= _MAX_MARGIN_INK for m in margins)


def _without_rules(strip: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """A margin's lines (rows of ``strip``) less those inked all along: a rule, not a stroke."""
    if strip.size == 0:
        return strip
    kept: NDArray[np.bool_] = strip[strip.mean(axis=1) < _RULE_INK]
    return kept


#: A margin's line inked along this share of the box's side is a rule running by.
_RULE_INK = 0.9
#: The white margin round a box, as a share of its side, and the most ink it may hold.
_MARGIN = 0.25
_MAX_MARGIN_INK = 0.12
