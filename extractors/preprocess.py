"""Page images made easier to OCR: straightened, with the rules of form tables and the dots
of leaders lifted.

A fax or scan arrives a degree or two askew; over a 1728-pixel fax line that is tens of
pixels, enough for tesseract to merge neighbouring lines. And tesseract drops text that
touches a table's cell borders (a code in a boxed "ICD-10" column reads as nothing), so the
long straight strokes of rules are whitened in the copy that goes to OCR. So are a form's
dotted leaders ("Patient ........ Jane Roe"): tesseract reads their dots as a run of letters
("vceeeeeteeneee") glued to the caption or the value, and lets dots into the value beside
them ("1.2/0.1/2026"). Only the OCR copy loses them: the clerk's page image keeps the form as
printed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageFilter

#: Skew is searched within this many degrees; a page sent further askew reads badly anyway.
_MAX_SKEW_DEGREES = 3.0
_COARSE_STEP = 0.25
_FINE_STEP = 0.05
#: Below this (6 pixels over a fax line) the page is left as it is: turning it would only
#: blur the glyphs.
_MIN_SKEW_DEGREES = 0.2
#: Width the skew is estimated at: line structure survives, most of the cost does not.
_ESTIMATE_WIDTH = 600
#: Darker than this counts as ink (grey edges of a turned or scanned page included).
_INK_BELOW = 200
#: Ink is this much darker than the paper around it (a fax's paper is 255, its ink 0; a
#: grey scan's paper may be 200 at a shadowed edge, its ink 30).
_INK_CONTRAST = 60
#: Side of the blocks the paper's shade is measured in, in pixels.
_PAPER_BLOCK = 32
#: A stroke straight and unbroken for this share of the page width is a rule, never a glyph.
_RULE_SHARE = 1 / 25
_RULE_MIN_PIXELS = 40
#: A rule is at most this share of the page width thick (3 pixels of a fax page at the half
#: resolution rules are found at, 4 of a 300 dpi scan) along most of its length. A bold word
#: whose letters touch, as a bold fax prints them, holds runs as long as a short rule, but
#: the ink through them is as tall as the letters.
_RULE_THICKNESS_SHARE = 1 / 288
#: Rules and filled bars (a form's black section headings) this share of the page wide are
#: whitened however thick: no word is that long.
_BAR_SHARE = 1 / 4
#: A leader's dot is at most this share of the page wide (7 pixels of a fax line, 10 of a
#: 300 dpi scan): a period of the largest type a form prints.
_DOT_SHARE = 1 / 250
#: A leader is a row of dots, each alone within a pixel of paper (a letter's broken stroke
#: has its letter beside it), with gaps of at most this many dot sizes ("Name . . . . ")...
_LEADER_GAP_DOTS = 3
#: ...running at least this many dot sizes (0.6 inch), with nothing printed above or below
#: it: an ellipsis is shorter, and a fax's speckle seldom lines up that far.
_LEADER_MIN_DOTS = 20
#: Rules are whitened this many pixels past their detected edge: anti-aliased borders.
_RULE_MARGIN = 2
#: A page stretched to square pixels (a standard fax's rows repeated) has a staircase on
#: every curve and slant, which tesseract reads as broken strokes. Its OCR copy is smoothed
#: over about one row and enlarged by half, to the glyph size tesseract reads best. Measured
#: on the devset's 30 standard faxes: field accuracy 0.496 -> 0.524, for 1.6x the OCR time
#: of those pages. Less smoothing leaves the steps (0.7 px: 0.44) and more merges thin
#: strokes (1.3 px, unenlarged: 0.45); fine faxes, not stretched, gained nothing they kept.
_STRETCH_SMOOTHING_PX = 1.0
_STRETCH_ENLARGE = 1.5
#: The key in a page image's ``info`` that says the reader repeated its rows or columns to
#: make its pixels square.
STRETCHED = "stretched_to_square"


def straightened(image: Image.Image) -> Image.Image:
    """The page turned so its text lines run level: greyscale when turned, else as it came."""
    angle = skew_degrees(image)
    if abs(angle) < _MIN_SKEW_DEGREES:
        return image
    grey = image if image.mode == "L" else image.convert("L")
    return grey.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)


def skew_degrees(image: Image.Image) -> float:
    """The counter-clockwise turn that levels the text, by the projection-profile method:
    level lines make the sharpest alternation of inked and blank rows."""
    scale = min(1.0, _ESTIMATE_WIDTH / image.width)
    small = image.convert("L").resize(
        (max(1, round(image.width * scale)), max(1, round(image.height * scale))),
        Image.Resampling.BOX,
    )
    rows, cols = np.nonzero(np.asarray(small) < _INK_BELOW)
    if rows.size == 0:
        return 0.0
    # Turning by a small angle moves each ink pixel's row by about x * tan(angle).
    x = cols.astype(np.float64) - small.width / 2
    y = rows.astype(np.float64)

    def sharpness(degrees: float) -> float:
        shifted = np.rint(y - x * np.tan(np.radians(degrees))).astype(np.int64)
        profile = np.bincount(shifted - shifted.min())
        return float(np.square(np.diff(profile)).sum())

    steps = round(_MAX_SKEW_DEGREES / _COARSE_STEP)
    coarse = max((i * _COARSE_STEP for i in range(-steps, steps + 1)), key=sharpness)
    fine_steps = round(_COARSE_STEP / _FINE_STEP)
    return max((coarse + i * _FINE_STEP for i in range(-fine_steps, fine_steps + 1)), key=sharpness)


def without_rules(image: Image.Image) -> Image.Image:
    """A copy with long horizontal and vertical strokes (table rules) and dotted leaders
    whitened.

    A black-and-white page (a fax not turned) stays black and white: tesseract reads it
    faster that way, and whitening loses nothing of it.
    """
    grey = np.asarray(image if image.mode == "L" else image.convert("L"))
    paper = _paper(grey)
    # Rules are found at half resolution (a 2x2 block is ink if any pixel is): a rule is
    # dozens of pixels long either way, and a quarter of the pixels is a quarter of the time.
    height, width = grey.shape[0] // 2 * 2, grey.shape[1] // 2 * 2
    ink = grey[:height, :width].astype(np.int16) < paper[:height, :width] - _INK_CONTRAST
    pooled = ink[0::2, 0::2] | ink[1::2, 0::2] | ink[0::2, 1::2] | ink[1::2, 1::2]
    length = max(_RULE_MIN_PIXELS, round(image.width * _RULE_SHARE)) // 2
    bar = round(image.width * _BAR_SHARE) // 2
    thickness = max(1, round(image.width * _RULE_THICKNESS_SHARE / 2))
    across, down = (
        _full_size(rules, grey.shape) for rules in _rules(pooled, length, bar, thickness)
    )
    dots = _leaders(pooled, dot=max(2, round(image.width * _DOT_SHARE / 2)))
    if not across.any() and not down.any() and not dots.any():
        return image
    mask = across | down | _full_size(dots, grey.shape)
    for step in range(1, _RULE_MARGIN + 1):
        mask |= np.roll(across, step, 0) | np.roll(across, -step, 0)
        mask |= np.roll(down, step, 1) | np.roll(down, -step, 1)
    cleaned = grey.copy()
    # Whitened to the paper's own shade: a white stripe on a grey scan is an edge OCR reads.
    cleaned[mask] = paper[mask]
    lifted = Image.fromarray(cleaned)
    return lifted.convert("1", dither=Image.Dither.NONE) if image.mode == "1" else lifted


def for_ocr(page: Image.Image, *, stretched: bool) -> Image.Image:
    """The copy of an upright page that tesseract reads: without table rules, and for a page
    stretched to square pixels, smoothed and enlarged (see ``_STRETCH_SMOOTHING_PX``)."""
    copy = without_rules(page)
    if not stretched:
        return copy
    smooth = copy.convert("L").filter(ImageFilter.GaussianBlur(_STRETCH_SMOOTHING_PX))
    size = (round(copy.width * _STRETCH_ENLARGE), round(copy.height * _STRETCH_ENLARGE))
    return smooth.resize(size, Image.Resampling.LANCZOS)


def paper_shade(grey: NDArray[np.uint8]) -> float:
    """The grey of a page's paper: its median, since most of a page is paper. Every fourth
    pixel each way measures it as well as all of them, at a sixteenth of the cost."""
    return float(np.median(grey[::4, ::4]))


def ink(grey: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """The pixels darker than the paper around them by a printed stroke's contrast."""
    paper: NDArray[np.bool_] = grey.astype(np.int16) < _paper(grey) - _INK_CONTRAST
    return paper


def _paper(grey: NDArray[np.uint8]) -> NDArray[np.int16]:
    """The shade of the paper under each pixel: a scan's paper darkens towards an edge or a
    fold, and a fixed threshold there takes whole stretches of paper for ink.

    The brightest pixel of each block is paper (text never fills a block), taken over the
    block's neighbours too so a block inside a thick stroke or a bar still sees paper.
    """
    size = _PAPER_BLOCK
    rows, cols = -(-grey.shape[0] // size), -(-grey.shape[1] // size)
    padded = np.full((rows * size, cols * size), 255, dtype=np.uint8)
    padded[: grey.shape[0], : grey.shape[1]] = grey
    blocks = padded.reshape(rows, size, cols, size).max(axis=(1, 3))
    around = np.pad(blocks, 1, mode="edge")
    shade = np.stack([around[r : r + rows, c : c + cols] for r in range(3) for c in range(3)])
    full = shade.max(axis=0).repeat(size, axis=0).repeat(size, axis=1)
    paper: NDArray[np.int16] = full[: grey.shape[0], : grey.shape[1]].astype(np.int16)
    return paper


def _full_size(mask: NDArray[np.bool_], shape: tuple[int, ...]) -> NDArray[np.bool_]:
    full = np.zeros(shape[:2], dtype=bool)
    doubled = mask.repeat(2, axis=0).repeat(2, axis=1)
    full[: doubled.shape[0], : doubled.shape[1]] = doubled
    return full


def _rules(
    pooled: NDArray[np.bool_], length: int, bar: int, thickness: int
) -> tuple[NDArray[np.bool_], ...]:
    """The pixels in rules across and down: runs at least ``length`` long that are at most
    ``thickness`` thick over most of their length (a rule crossing a word is thick only at
    the letters), and any run at least ``bar`` long."""
    rows, columns = _Runs(pooled), _Runs(pooled.T)
    across = rows.rules(length, bar, thickness, lambda: columns.lengths().T)
    down = columns.rules(length, bar, thickness, lambda: rows.lengths().T)
    return across, down.T


def _leaders(ink: NDArray[np.bool_], dot: int) -> NDArray[np.bool_]:
    """The pixels of dotted leaders: blobs that fit a box ``dot`` pixels wide with paper
    all round it, in rows of such blobs (see ``_LEADER_GAP_DOTS``)."""
    radius = max(1, dot // 2)
    # A blob is alone when the square ring just outside the box round one of its pixels is
    # paper: its four sides are the ink widened along them, shifted out to the ring.
    across, down = widened(ink, radius + 1, axis=1), widened(ink, radius + 1, axis=0)
    ring = _shifted(across, radius + 1, axis=0) | _shifted(across, -radius - 1, axis=0)
    ring |= _shifted(down, radius + 1, axis=1) | _shifted(down, -radius - 1, axis=1)
    alone = ink & ~ring
    blobs = ink & widened(widened(alone, radius, axis=0), radius, axis=1)
    beside = widened(ink & ~blobs, dot, axis=0)
    rows = widened(blobs, (_LEADER_GAP_DOTS * dot + 1) // 2, axis=1) & ~beside
    leaders = long_runs(rows, _LEADER_MIN_DOTS * dot)
    return blobs & widened(leaders, 1, axis=1)


def widened(mask: NDArray[np.bool_], radius: int, axis: int) -> NDArray[np.bool_]:
    """The mask widened by ``radius`` pixels either way along one axis: widened by a pixel,
    then by the reach so far again, until the radius is reached, so a wide radius costs a
    few passes over the mask."""
    wide = mask.copy()
    reach = 0
    while reach < radius:
        step = min(reach + 1, radius - reach)
        wide |= _shifted(wide, step, axis) | _shifted(wide, -step, axis)
        reach += step
    return wide


def _shifted(mask: NDArray[np.bool_], step: int, axis: int) -> NDArray[np.bool_]:
    """The mask moved ``step`` pixels along one axis (towards higher indices when positive),
    paper where it moved from."""
    moved = np.zeros_like(mask)
    size = mask.shape[axis]
    if abs(step) >= size:
        return moved
    source = [slice(None)] * 2
    target = [slice(None)] * 2
    source[axis] = slice(0, size - step) if step > 0 else slice(-step, size)
    target[axis] = slice(step, size) if step > 0 else slice(0, size + step)
    moved[tuple(target)] = mask[tuple(source)]
    return moved


def long_runs(ink: NDArray[np.bool_], length: int) -> NDArray[np.bool_]:
    """The pixels of each row that lie in a run of ink at least ``length`` long."""
    runs = _Runs(ink)
    return runs.covered(runs.ends - runs.starts >= length)


class _Runs:
    """The runs of ink along the rows of a mask, as offsets into its rows laid end to end,
    each row with a blank column either side so that every run starts and ends in its row."""

    def __init__(self, ink: NDArray[np.bool_]) -> None:
        self.shape = ink.shape
        padded = np.zeros((ink.shape[0], ink.shape[1] + 2), dtype=np.int8)
        padded[:, 1:-1] = ink
        edges = np.diff(padded.ravel())
        #: A run covers the padded offsets starts + 1 .. ends.
        self.starts = np.flatnonzero(edges == 1)
        self.ends = np.flatnonzero(edges == -1)

    def _spread(self, values: NDArray[np.int32]) -> NDArray[np.int32]:
        # Each run's value over its own pixels, by a running sum of its two edges (no two
        # runs start, or end, at one offset, so plain indexing adds each once).
        marks = np.zeros(self.shape[0] * (self.shape[1] + 2) + 1, dtype=np.int32)
        marks[self.starts + 1] += values
        marks[self.ends + 1] -= values
        spread: NDArray[np.int32] = np.cumsum(marks[:-1], dtype=np.int32)
        return spread.reshape(self.shape[0], -1)[:, 1:-1]

    def rules(
        self, length: int, bar: int, thickness: int, across: Callable[[], NDArray[np.int32]]
    ) -> NDArray[np.bool_]:
        """The pixels of the runs that are rules, given each pixel's ink thickness across."""
        size = self.ends - self.starts
        long = size >= length
        if not long.any():
            return np.zeros(self.shape, dtype=bool)
        ink_across = across()
        thin = self.sums((ink_across > 0) & (ink_across <= thickness))
        return self.covered((size >= bar) | (long & (2 * thin >= size)))

    def covered(self, kept: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """The pixels of the kept runs."""
        return self._spread(kept.astype(np.int32)) > 0

    def lengths(self) -> NDArray[np.int32]:
        """Each pixel's run length (0 off the ink)."""
        return self._spread((self.ends - self.starts).astype(np.int32))

    def sums(self, mask: NDArray[np.bool_]) -> NDArray[np.int32]:
        """How many pixels of each run the mask holds."""
        padded = np.zeros((self.shape[0], self.shape[1] + 2), dtype=np.int32)
        padded[:, 1:-1] = mask
        running = np.concatenate([[0], np.cumsum(padded.ravel(), dtype=np.int32)])
        sums: NDArray[np.int32] = running[self.ends + 1] - running[self.starts + 1]
        return sums
