"""Is the order signed? Ink on the signature line, or an electronic-signature statement.

A printed form carries its "Signature:" label whether or not anyone signed it, so the label
proves nothing. What tells a signed order from a blank one is ink where the signature goes:
dark pixels just right of the label (and up to a line height above it) that OCR did not read
as words and that are not the ruled line itself. Electronic signatures are text instead
("Electronically signed by ...", "/s/ Jane Doe") and are found in the words.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PIL import Image

from extractors.extract.found import Found, found_from_words
from extractors.normalize.dates import find_dates, parse_date
from extractors.pages import BBox, Page, ReadPage, Word

#: The word of a signature label ("Physician Signature:", "Signed:", "Sig."), lower-case
#: without edge punctuation; i/l/1 because faxes blur them ("Slgnature").
SIGNATURE_LABEL = re.compile(r"s[il1|]gn(?:ature|atur|ed)?|sig")
#: A word just before the label word that makes it some other field ("Date Signed:").
NOT_SIGNATURE_BEFORE = frozenset({"date", "dated", "when"})
#: Words after "Signature" that say whose it is, up to the label's colon.
LABEL_CONTINUATIONS = frozenset({"of", "by"})
_MAX_LABEL_TAIL = 4
#: Text that is a signature by itself: e-signature statements and the "/s/" convention.
ELECTRONIC_PATTERNS: tuple[str, ...] = (
    r"\belectronically\s+(?:signed|authenticated|verified)\b",
    r"\bdigitally\s+signed\b",
    r"\be-?signed\b",
    r"\be-?signature\s*:?\s*[A-Z]",
    r"(?<!\w)/s/\s*[A-Za-z]",
)
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_ELECTRONIC = tuple(re.compile(p, re.IGNORECASE) for p in ELECTRONIC_PATTERNS)
#: Labels of the date printed beside the signature.
DATE_LABEL_WORDS = frozenset({"date", "dated", "signed", "on"})

#: A pixel darker than this is ink (faded faxes still print strokes well below it).
_INK_LEVEL = 128
#: The region searched for ink, in multiples of the label's text height: strokes rise above
#: the writing line and dip a little below it.
_RISE = 1.8
_DIP = 0.4
#: The widest a signature area is taken to be, as a fraction of the page width.
_MAX_WIDTH = 0.45
#: A horizontal dark run longer than this many text heights is a ruled line, not a stroke.
_RULE_RUN = 1.5
#: How far, in label heights, a printed label beside the signature area may sit off the
#: signature label's baseline, and how much taller than it it may be.
_BASELINE_SLACK = 0.35
_MAX_LABEL_HEIGHT = 1.3
#: Blobs no bigger than a square this share of the text height on a side are specks.
_SPECK_SIZE = 0.25
#: A row with ink across this share of the area is a ruled line, however broken.
_RULE_ROW_SHARE = 0.3
#: Margin around recognized words that is blanked before counting ink, in text heights.
_WORD_PAD = 0.15
#: Words OCR read with at least this confidence and two letters or digits are text, not ink.
#: OCR reads scribbles as short "words" too ("Ay" at 0.61, "VN" at 0.53), so the bar is high.
_WORD_CONFIDENCE = 0.75
#: A "word" this many text heights tall is handwriting OCR tried to read, not print.
_MAX_WORD_HEIGHT = 1.5
#: Ink must cover this share of the area's columns (a signature runs along the line; speckle
#: and a stray vertical rule touch few columns) ...
_MIN_COLUMN_SHARE = 0.12
#: ... and be this dense in them (a column counts when it holds this many ink pixels).
_MIN_COLUMN_INK = 2


@dataclass(frozen=True)
class SignatureReading:
    #: present or not; the evidence box is the signature area (or the e-signature text).
    present: Found[bool]
    #: The date printed beside the signature, when there is one.
    date: Found[date] | None


def find_signature(
    pages: Sequence[ReadPage], *, reference: date | None = None
) -> SignatureReading | None:
    """Whether the order is signed, or None when no page has a signature line or statement.

    ``reference`` is the day the fax arrived, used to resolve two-digit years of the date.
    """
    day = reference or date.today()
    blank: SignatureReading | None = None
    for read in pages:
        for words in _electronic_lines(read.page):
            return _reading(True, read.page, words, words, day)
        for label in _labels(read.page):
            area = _area(read.page, label)
            line = _same_line(read.page, label)
            reading = _reading(False, read.page, [label], line, day)
            if _has_ink(read, area, label):
                present = Found(True, read.page.number, area, label.conf, label.text)
                return SignatureReading(present, reading.date)
            if blank is None:
                absent = Found(False, read.page.number, area, label.conf, label.text)
                blank = SignatureReading(absent, reading.date)
    return blank


def _reading(
    present: bool, page: Page, evidence: list[Word], line: list[Word], day: date
) -> SignatureReading:
    return SignatureReading(found_from_words(present, page, evidence), _date(page, line, day))


def _key(word: Word) -> str:
    # OCR glues quotes, dots and speckle marks to words ("‘Signature:").
    return _EDGES.sub("", word.text).lower()


def _electronic_lines(page: Page) -> list[list[Word]]:
    found = []
    for number, line in enumerate(page.lines):
        if any(p.search(line.text) for p in _ELECTRONIC):
            found.append([w for w in page.words if w.line == number])
    return [words for words in found if words]


def _labels(page: Page) -> list[Word]:
    """The last word of each signature label ("Signature:", "Signature of Physician:")."""
    labels = []
    for line in _lines(page):
        for i, word in enumerate(line):
            if not SIGNATURE_LABEL.fullmatch(_key(word)):
                continue
            if i and _key(line[i - 1]) in NOT_SIGNATURE_BEFORE:
                continue
            end = _label_end(line, i)
            if end is not None:
                labels.append(line[end])
    return labels


def _label_end(line: list[Word], i: int) -> int | None:
    """Where the label that starts at word i ends, or None when it is running text."""
    # "Signature of Ordering Practitioner:" names whose signature; the colon ends it.
    if i + 1 < len(line) and _key(line[i + 1]) in LABEL_CONTINUATIONS:
        for j in range(i + 2, min(len(line), i + 2 + _MAX_LABEL_TAIL)):
            if line[j].text.endswith(":"):
                return j
    word = line[i]
    after = line[i + 1] if i + 1 < len(line) else None
    # A label ends with a colon or is followed by room to sign (blank or a rule);
    # "signed by me." in an attestation is running text.
    height = word.bbox[3] - word.bbox[1]
    roomy = after is None or after.bbox[0] - word.bbox[2] > 4 * height
    if word.text.endswith(":") or roomy or (after is not None and _is_rule(after)):
        return i
    return None


def _lines(page: Page) -> list[list[Word]]:
    lines: dict[int, list[Word]] = {}
    for word in page.words:
        lines.setdefault(word.line, []).append(word)
    return [sorted(words, key=lambda w: w.bbox[0]) for _, words in sorted(lines.items())]


def _is_rule(word: Word) -> bool:
    return set(word.text) <= set("_-.") and len(word.text) >= 3


def _same_line(page: Page, label: Word) -> list[Word]:
    """Words right of the label on its line: where "Date: 1/2/24" sits beside the signature.

    A scribble makes OCR lines tall and may split them, so a word counts when OCR put it on
    the label's line or when it spans the label's middle height.
    """
    middle = (label.bbox[1] + label.bbox[3]) / 2
    return sorted(
        (
            w
            for w in page.words
            if w.bbox[0] >= label.bbox[2]
            and (w.line == label.line or w.bbox[1] <= middle <= w.bbox[3])
        ),
        key=lambda w: w.bbox[0],
    )


def _area(page: Page, label: Word) -> BBox:
    _x0, y0, x1, y1 = label.bbox
    height = y1 - y0
    right = min(1.0, x1 + _MAX_WIDTH)
    # The area ends at the next label on the line ("Date:"); a scribble OCR read as a word
    # does not end it.
    for word in _same_line(page, label):
        if _is_next_label(word, label) and word.bbox[0] > x1 + height:
            right = min(right, word.bbox[0])
            break
    left = min(x1 + height * 0.3, right)
    # Strokes rise above the line, but not into the printed line above it.
    top = max(0.0, y0 - height * _RISE)
    for word in page.words:
        overlaps = word.bbox[0] < right and word.bbox[2] > left
        if overlaps and _is_text(word) and word.bbox[3] <= y0 and word.bbox[3] > top:
            top = word.bbox[3]
    return (left, top, right, min(1.0, y1 + height * _DIP))


def _is_next_label(word: Word, label: Word) -> bool:
    # Bold labels beside a rule can read at low confidence ("Dated:" at 0.16) yet spell out;
    # they sit on the label's own baseline at its own height. A scribble OCR read as "SOY:"
    # rises above the line and stands taller.
    height = label.bbox[3] - label.bbox[1]
    printed = (
        abs(word.bbox[3] - label.bbox[3]) <= _BASELINE_SLACK * height
        and word.bbox[3] - word.bbox[1] <= _MAX_LABEL_HEIGHT * height
    )
    key = _key(word)
    colon = word.text.endswith(":") and len(key) >= 3 and key.isalpha() and printed
    return colon or (_is_text(word) and key in DATE_LABEL_WORDS)


def _is_text(word: Word) -> bool:
    return word.conf >= _WORD_CONFIDENCE and sum(c.isalnum() for c in word.text) >= 2


def _has_ink(read: ReadPage, area: BBox, label: Word) -> bool:
    image = Image.open(io.BytesIO(read.png)).convert("L")
    width, height = image.size
    box = _pixels(area, width, height)
    if box[2] - box[0] < 4 or box[3] - box[1] < 4:
        return False
    crop = image.crop(box)
    text_height = max(1, round((label.bbox[3] - label.bbox[1]) * height))
    ink = _ink_mask(crop, text_height)
    _clear_rule_rows(ink, crop.width)
    _blank_words(ink, crop.width, read.page.words, box, (width, height), text_height)
    _clear_specks(ink, crop.width, round((_SPECK_SIZE * text_height) ** 2))
    return _looks_like_writing(ink, crop.width, crop.height)


def _pixels(box: BBox, width: int, height: int) -> tuple[int, int, int, int]:
    return (
        max(0, round(box[0] * width)),
        max(0, round(box[1] * height)),
        min(width, round(box[2] * width)),
        min(height, round(box[3] * height)),
    )


def _ink_mask(crop: Image.Image, text_height: int) -> bytearray:
    """One byte per pixel, 1 for ink; long horizontal runs (the ruled line) are cleared."""
    mask = bytearray(crop.point(lambda v: 1 if v < _INK_LEVEL else 0).tobytes())
    rule = re.compile(b"\x01{%d,}" % max(8, round(_RULE_RUN * text_height)))
    width = crop.width
    for row in range(crop.height):
        start = row * width
        for run in rule.finditer(mask, start, start + width):
            mask[run.start() : run.end()] = bytes(run.end() - run.start())
    return mask


def _clear_rule_rows(mask: bytearray, width: int) -> None:
    """Clear the rows of a ruled line a fax broke into dashes ("__ ___ ____").

    Its pieces are too short to be cleared as one long run, but they all sit in the same
    few rows, which no handwriting fills across the area: a stroke crosses a row, it does
    not run along it. The rows next to such a row are the rule's thickness.
    """
    rows = len(mask) // width
    ruled = {
        row
        for row in range(rows)
        if sum(mask[row * width : (row + 1) * width]) >= _RULE_ROW_SHARE * width
    }
    for row in {r + step for r in ruled for step in (-1, 0, 1)}:
        if 0 <= row < rows:
            mask[row * width : (row + 1) * width] = bytes(width)


def _clear_specks(mask: bytearray, width: int, largest: int) -> None:
    """Clear blobs of at most ``largest`` pixels: fax speckle and the crumbs of a broken
    rule. A pen stroke is one long connected trail."""
    rows = len(mask) // width
    seen = bytearray(len(mask))
    for start in range(len(mask)):
        if not mask[start] or seen[start]:
            continue
        blob, stack = [], [start]
        seen[start] = 1
        while stack:
            at = stack.pop()
            blob.append(at)
            row, col = divmod(at, width)
            for r in (row - 1, row, row + 1):
                for c in (col - 1, col, col + 1):
                    near = r * width + c
                    if 0 <= r < rows and 0 <= c < width and mask[near] and not seen[near]:
                        seen[near] = 1
                        stack.append(near)
        if len(blob) <= largest:
            for at in blob:
                mask[at] = 0


def _blank_words(
    mask: bytearray,
    width: int,
    words: list[Word],
    origin: tuple[int, int, int, int],
    size: tuple[int, int],
    text_height: int,
) -> None:
    pad = round(_WORD_PAD * text_height)
    rows = len(mask) // width
    for word in words:
        x0, y0, x1, y1 = _pixels(word.bbox, *size)
        if not _is_text(word) or y1 - y0 > _MAX_WORD_HEIGHT * text_height:
            continue
        left, top = max(0, x0 - pad - origin[0]), max(0, y0 - pad - origin[1])
        right, bottom = min(width, x1 + pad - origin[0]), min(rows, y1 + pad - origin[1])
        for row in range(top, bottom):
            if right > left:
                mask[row * width + left : row * width + right] = bytes(right - left)


def _looks_like_writing(mask: bytearray, width: int, height: int) -> bool:
    columns = [0] * width
    for row in range(height):
        start = row * width
        for x, value in enumerate(mask[start : start + width]):
            columns[x] += value
    inked = sum(1 for count in columns if count >= _MIN_COLUMN_INK)
    return inked >= _MIN_COLUMN_SHARE * width


def _date(page: Page, line: list[Word], day: date) -> Found[date] | None:
    """The first date among the words beside the signature (a "Date:" field or "on ...")."""
    text = " ".join(w.text for w in line)
    for start, _end, raw in find_dates(text):
        parsed = parse_date(raw, "signature", day)
        if parsed is None:
            continue
        return found_from_words(parsed.date, page, _words_at(line, start, len(raw)))
    return None


def _words_at(line: list[Word], start: int, length: int) -> list[Word]:
    """The words of ``line`` covering characters start..start+length of their joined text."""
    chosen, offset = [], 0
    for word in line:
        end = offset + len(word.text)
        if end > start and offset < start + length:
            chosen.append(word)
        offset = end + 1
    return chosen or line[:1]
