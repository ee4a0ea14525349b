"""OCR of one page image into a Page, turning pages that arrive upside down or sideways."""

from __future__ import annotations

import io

from PIL import Image

from extractors import tesseract
from extractors.pages import Page, ReadPage, Word, group_lines
from extractors.preprocess import STRETCHED, for_ocr, straightened
from extractors.unread import with_unread

#: An upright page of printed text reads at ~0.9 mean confidence; the same page upside down
#: reads as garbage at ~0.2. Only pages below this are checked for orientation, so the common
#: upright page costs exactly one tesseract run.
_READABLE_CONFIDENCE = 0.55
_READABLE_MIN_WORDS = 3
#: Tesseract also reads a sideways page's lines, at good confidence, with boxes taller than
#: wide; rows built from those boxes pair nothing. A page where more than this share of its
#: longer words stand on end is turned like an unreadable one.
_MAX_SIDEWAYS_SHARE = 0.5
#: Words this long are wider than tall when upright, whatever the font.
_SHAPE_MIN_CHARS = 4
#: A table's vertical rule between two rows is read as a word of its own ("1 1 1 Mountains |
#: |" under a wrapped cell): the glyphs it is read as, and how thin its ink is.
_RULE_LOOKALIKES = frozenset({"1", "l", "I"})
_RULE_FRAGMENT_PX = 2
_RULE_FRAGMENT_SHARE = 0.15
#: What such a stub is read as instead: the mark a rule is read as, which readers trim.
RULE_MARK = "|"
#: Tesseract reads a column of tick boxes as one "word" as tall as the rows it spans
#: ("QARARARAR" at confidence 0). No printed word is several lines tall and unreadable, and
#: such a box spans the rows beside it, so they pair with nothing: it is dropped.
_STACK_HEIGHTS = 3.0
_STACK_MAX_CONF = 0.3
#: Review images wider than this (a 300 dpi letter page is 2550) are scaled down: boxes are
#: fractions, so they still fit.
_REVIEW_MAX_WIDTH = 2600


def ocr_page(image: Image.Image, number: int, timeout: float) -> ReadPage:
    """OCR an image with square pixels; return the upright page, its words and a PNG of it.

    The PNG is the straightened page as printed; tesseract reads a copy without table rules.
    """
    stretched = bool(image.info.get(STRETCHED))
    upright = straightened(image if image.mode in ("1", "L") else image.convert("L"))
    read = for_ocr(upright, stretched=stretched)
    words = tesseract.recognize(read, timeout)
    rotation = 0
    if not _readable(words):
        for turn in _turns_to_try(upright, words, timeout):
            turned = upright.rotate(-turn, expand=True)
            turned_read = for_ocr(turned, stretched=stretched)
            turned_words = tesseract.recognize(turned_read, timeout)
            if _score(turned_words) > _score(words):
                upright, read, words, rotation = turned, turned_read, turned_words, turn
    words = with_unread(read, words)
    # Boxes are fractions of the copy tesseract read, which is the upright page's shape.
    page = page_from_words(words, read.size, upright.size, number, rotation)
    # A fax stays black and white for the clerk: a fifth of the bytes of greyscale.
    return review_page(page, _in_mode(upright, image.mode))


def _turns_to_try(page: Image.Image, words: list[tesseract.OcrWord], timeout: float) -> list[int]:
    """The clockwise turns worth a read: OSD's answer, else both quarter turns of a page
    whose lines stand on end (OSD gives up on a blurred standard fax it can still half read)."""
    turn = tesseract.clockwise_rotation(page, timeout)
    if turn:
        return [turn]
    return [90, 270] if _sideways_share(words) > _MAX_SIDEWAYS_SHARE else []


def _in_mode(page: Image.Image, mode: str) -> Image.Image:
    # Tesseract reads the straightened fax better in grey (its turned edges are grey); the
    # clerk's copy goes back to black and white.
    return page.convert("1", dither=Image.Dither.NONE) if mode == "1" else page


def review_page(page: Page, image: Image.Image) -> ReadPage:
    """The page with its image as the clerk sees it: a PNG, and the image the PNG holds."""
    if image.width > _REVIEW_MAX_WIDTH:
        scale = _REVIEW_MAX_WIDTH / image.width
        image = image.convert("L").resize(
            (_REVIEW_MAX_WIDTH, round(image.height * scale)), Image.Resampling.LANCZOS
        )
    buffer = io.BytesIO()
    # Fast over small: level 1 is ~4x quicker than the default on greyscale scans.
    image.save(buffer, format="PNG", compress_level=1)
    return ReadPage(page=page, png=buffer.getvalue(), shown=image)


def _readable(words: list[tesseract.OcrWord]) -> bool:
    upright = _upright(words)
    return (
        len(upright) >= _READABLE_MIN_WORDS
        and _mean_conf(upright) >= _READABLE_CONFIDENCE
        and _sideways_share(words) <= _MAX_SIDEWAYS_SHARE
    )


def _sideways(word: tesseract.OcrWord) -> bool:
    return len(word.text) >= _SHAPE_MIN_CHARS and word.height > word.width


def _upright(words: list[tesseract.OcrWord]) -> list[tesseract.OcrWord]:
    return [w for w in words if not _sideways(w)]


def _sideways_share(words: list[tesseract.OcrWord]) -> float:
    long_words = [w for w in words if len(w.text) >= _SHAPE_MIN_CHARS]
    return sum(map(_sideways, long_words)) / len(long_words) if long_words else 0.0


def _score(words: list[tesseract.OcrWord]) -> float:
    # Confidence weighted by how much upright text was read, so a few lucky words, or lines
    # read on end, don't win.
    upright = _upright(words)
    return _mean_conf(upright) * min(len(upright), 50)


def _mean_conf(words: list[tesseract.OcrWord]) -> float:
    return sum(w.conf for w in words) / len(words) if words else 0.0


def _rule_fragment(word: tesseract.OcrWord) -> bool:
    """Whether a word read as "1", "l" or "I" is a stub of a table's rule: ink a pixel or two
    wide and several times taller, where the thinnest printed 1 has a flag or a foot."""
    thin = word.width <= _RULE_FRAGMENT_PX and word.width <= _RULE_FRAGMENT_SHARE * word.height
    return word.text in _RULE_LOOKALIKES and thin


def _without_stacks(words: list[tesseract.OcrWord]) -> list[tesseract.OcrWord]:
    """The words without those several lines tall that OCR could not read (``_STACK_HEIGHTS``)."""
    heights = sorted(w.height for w in words if w.conf > _STACK_MAX_CONF)
    if not heights:
        return words
    tall = _STACK_HEIGHTS * heights[len(heights) // 2]
    return [w for w in words if w.height <= tall or w.conf > _STACK_MAX_CONF]


def page_from_words(
    ocr_words: list[tesseract.OcrWord],
    read_size: tuple[int, int],
    size: tuple[int, int],
    number: int,
    rotation: int,
) -> Page:
    """The page of tesseract's words, boxed as fractions of the copy it read (``read_size``)
    and grouped into lines; stubs of rules it read as letters are rule marks, and a column
    of marks read as one tall word is dropped."""
    read_width, read_height = read_size
    ocr_words = _without_stacks(ocr_words)
    words = [
        Word(
            text=RULE_MARK if _rule_fragment(w) else w.text,
            conf=w.conf,
            bbox=(
                w.left / read_width,
                w.top / read_height,
                (w.left + w.width) / read_width,
                (w.top + w.height) / read_height,
            ),
            line=0,
        )
        for w in ocr_words
    ]
    lines = group_lines(words, [w.line_key for w in ocr_words])
    width, height = size
    return Page(
        number=number,
        width=width,
        height=height,
        source="ocr",
        rotation=rotation,
        words=words,
        lines=lines,
    )
