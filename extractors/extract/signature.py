"""Is the order signed? Handwriting where the signature goes, or an e-signature statement.

A printed form carries its signature caption whether or not anyone signed it, so the caption
proves nothing. What tells a signed order from a blank one is handwriting where the signature
goes, and forms put that place in one of a few spots beside the printed words that name it:

- right of a label on its own line ("Physician Signature: ________");
- above a ruled line, with the caption printed under the rule ("PHYSICIAN SIGNATURE");
- in a letter, between the closing ("Sincerely,") and the typed name under it.

Each place is searched, in the page image (also for a text-layer PDF, whose pen mark is a
drawing), for ink that is not print, not a ruled line or a box, not fax speckle and not a
rubber stamp ("SIGNATURE ON FILE" in a box is not the signer's mark). A caption naming
someone else (the patient, the supplier) is no place for the order's signature. Electronic
signatures are text instead ("Electronically signed by ...", "/s/ Jane Doe") and are found
in the words.

When no page has a place at all, OCR may have lost the signature row (a form's row taken for
a picture, a caption too small to read): the bands where someone wrote above a rule whose
caption OCR did not read are read again, a few at most, and searched the same way.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher

import numpy as np
from numpy.typing import NDArray

from extractors.extract.found import Found, found_from_words
from extractors.extract.labels import is_column_gap
from extractors.extract.signature_date import band_lines, reread_signature_date, words_at
from extractors.normalize.dates import find_dates, parse_date
from extractors.normalize.names import CREDENTIALS, split_person_name
from extractors.pages import BBox, Page, ReadPage, Word, group_lines
from extractors.preprocess import long_runs, paper_shade, widened

Ink = NDArray[np.bool_]

#: The word of a signature label ("Physician Signature:", "Signed:", "Sig."), lower-case
#: without edge punctuation; i/l/1 because faxes blur them ("Slgnature").
SIGNATURE_LABEL = re.compile(r"s[il1|]gn(?:ature|atur|ed)?|sig")
#: A word just before the label word that makes it some other field ("Date Signed:").
NOT_SIGNATURE_BEFORE = frozenset({"date", "dated", "when"})
#: Words after "Signature" that say whose it is, up to the label's colon.
LABEL_CONTINUATIONS = frozenset({"of", "by"})
#: How many words such a label may run on for before its colon.
_MAX_LABEL_TAIL = 4
#: Words in a signature caption that make it someone else's signature than the ordering
#: clinician's: the patient's acknowledgement, the supplier's proof of delivery, a witness.
OTHER_SIGNERS = frozenset(
    {
        "patient",
        "patient's",
        "beneficiary",
        "beneficiary's",
        "member",
        "caregiver",
        "guardian",
        "representative",
        "supplier",
        "supplier's",
        "vendor",
        "pharmacist",
        "pharmacy",
        "agency",
        "nurse",
        "nurse's",
        "rn",
        "therapist",
        "witness",
        "servicing",
        "delivery",
        "recipient",
        "interpreter",
    }
)
#: Text that is a signature by itself: e-signature statements and the "/s/" convention.
ELECTRONIC_PATTERNS: tuple[str, ...] = (
    r"\belectronically\s+(?:signed|authenticated|verified)\b",
    r"\bdigitally\s+signed\b",
    r"\be-?signed\b",
    r"\be-?signature\s*:?\s*[A-Z]",
    r"(?<!\w)/s/\s*[A-Za-z]",
)
#: The adverbs that make "signed" an e-signature, for statements OCR garbled ("Electronically
#: Sianed:", "e-Sidned by", "Electr: onically slgned by"); "e" is the prefix of "e-Signed".
ELECTRONIC_ADVERBS = ("electronically", "digitally")
#: How alike (difflib ratio) a garbled word must be to "signed" ("scanned" is 0.62) and to
#: an adverb; it must also start with the same letter, so "personally" does not pass.
_ALIKE_SIGNED = 0.65
_ALIKE_ADVERB = 0.6
#: Or the adverb with at most this many letters swapped for others, the first among them
#: ("Biaitally" for "Digitally"): a fax blurs a capital as much as any letter, and a long
#: word of the adverb's length this close to it is no other word.
_ADVERB_SWAPS = 2
#: How alike a word of eight letters or more must be to "signature" to be one OCR misread
#: ("algnature" is 0.78, "designated" 0.74).
_ALIKE_CAPTION = 0.75
#: The complimentary close of a letter, on a short line of its own; the signature goes below.
LETTER_CLOSING = re.compile(
    r"(?:yours\s+)?(?:sincerely|truly|faithfully|respectfully|cordially)"
    r"|(?:(?:with\s+)?(?:kind|best|warm|warmest)\s+)?regards"
    r"|(?:with\s+)?(?:many\s+)?thanks|thank\s+you|best(?:\s+wishes)?",
    re.IGNORECASE,
)
#: A closing is a short line: "Yours sincerely," not a sentence that ends with "thanks".
_MAX_CLOSING_WORDS = 4
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_ELECTRONIC = tuple(re.compile(p, re.IGNORECASE) for p in ELECTRONIC_PATTERNS)
#: The words of a line for the garbled e-signature test, and the "@" OCR reads for "e".
_TOKENS = re.compile(r"[^\W\d_]+|[@:]")
#: Labels of the date printed beside the signature.
DATE_LABEL_WORDS = frozenset({"date", "dated", "signed", "on"})

#: A pixel darker than this share of the paper's shade is ink. Faxes are black on white, but
#: a scan's grey paper and a blurred thin rule (120 on paper of 232) need the paper's measure.
_INK_SHARE = 0.7
#: The area right of a label, in multiples of the label's text height: strokes rise above
#: the writing line and dip a little below it.
_RISE = 1.8
_DIP = 0.4
#: The widest a signature area right of a label is taken to be, as a share of the page width.
_MAX_WIDTH = 0.45
#: A word whose box is this dark is printed light on a dark bar (dark print covers less).
_DARK_BAR = 0.6
#: A rule beside a caption: at most this many text heights above (or below) it, across the
#: caption word, and this many text heights long at least.
_RULE_GAP = 2.0
_MIN_RULE = 4.0
#: A rule's pieces are horizontal runs this many text heights long at least (a 2-pixel rule
#: tilted 3 degrees still leaves 40-pixel runs); breaks up to this long are bridged.
_RULE_PIECE = 0.8
_RULE_BREAK = 0.5
#: A label's value may be written on a rule up to this many text heights below the label.
_VALUE_DROP = 2.5
#: The deepest box, in text heights, whose caption at its head names the signature.
_BOX_DEPTH = 6.0
#: A box's side rises this many text heights from the end of its bottom rule, inked along
#: this share of it within this many pixels of the end.
_CORNER = 1.0
_CORNER_COVER = 0.9
_CORNER_SLACK = 3
#: How high above its rule a signature is looked for, in text heights: a signature stands
#: taller than print, and a scribble often leaves the line.
_ABOVE_RULE = 3.5
#: A rule's caption is read again down to this many text heights under the rule.
_CAPTION_BELOW = 2.5
#: At most this many bands of a document are read again for a signature place OCR lost;
#: a rule longer than this share of the page width is a table's, not one to sign on.
_MAX_REREADS = 2
_MAX_RULE_SHARE = 0.7
#: Printed words this close above a rule (in text heights) sit on it: a typed name, which is
#: blanked, rather than the printed line above that bounds the signature area.
_ON_RULE = 0.8
#: Below a letter's closing, the signature is looked for over this many text heights at most.
_BELOW_CLOSING = 6.0
#: A horizontal dark run longer than this many text heights is a ruled line, not a stroke.
_RULE_RUN = 1.5
#: How far, in its height, a word may sit off the baseline of print beside it, and how much
#: taller than it it may be, to be print too (a label beside the signature area, a word OCR
#: was unsure of in a printed line).
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
_MAX_WORD_HEIGHT = 2.0
#: A blob whose pixels spread less than this (in text heights) across its main direction is
#: a straight bar, level or tilted: the side of a stamp's box or a table, a piece of a rule.
_BAR_SPREAD = 0.08
#: This many crumbs in a chain, each within this many text heights of the next, are the
#: pieces of one pen line a fax broke up; a crumb is this many pixels long at least, longer
#: than the specks fax noise flips.
_TRAIL_CRUMBS = 4
_TRAIL_GAP = 0.3
_CRUMB = 3
#: Handwriting spans this many text heights of the area's columns at least, and one of its
#: strokes is longer than this: initials do, print OCR did not read and crumbs of a rule do not.
_MIN_WRITING = 1.2
_MIN_STROKE = 0.8
#: A stamp's box is drawn around its printed words, so its inside is a hole in the ink this
#: many text heights wide at least; the search looks this far around the area for the box.
_STAMP_WIDTH = 2.0
_STAMP_REACH = 2.0
#: The stamp's words span this share of its box's width at least, and the box is at most
#: this many times their height; it is cleared with this margin (text heights) for its frame.
_STAMP_FILL = 0.6
_STAMP_TALL = 3.0
_STAMP_PAD = 0.5
#: Gaps this wide (in text heights) in a stamp's box are closed, and lines across it (a
#: rule, a stroke) twice as thick do not split it.
_STAMP_SEAM = 0.2


@dataclass(frozen=True)
class SignatureReading:
    #: present or not; the evidence box is the signature area (or the e-signature text).
    present: Found[bool]
    #: The date printed beside the signature, when there is one.
    date: Found[date] | None


@dataclass(frozen=True)
class _Area:
    box: BBox
    #: The height of the print around the area, as a share of the page height: the unit of
    #: every size in the ink test.
    text_height: float


@dataclass(frozen=True)
class _Place:
    """Where a signature goes: the printed words naming it, the areas to look for ink."""

    caption: Word
    areas: tuple[_Area, ...]
    #: Words beside the place, where the date of signing is printed.
    beside: list[Word]


@dataclass(frozen=True)
class _Rule:
    #: The rule's box as fractions of the page: the rows it covers (a tilted page slants
    #: it) and its horizontal extent.
    y0: float
    y1: float
    x0: float
    x1: float


def find_signature(
    pages: Sequence[ReadPage], *, reference: date | None = None, order_dated: bool = False
) -> SignatureReading | None:
    """Whether the order is signed, or None when no page has a signature place or statement.

    ``reference`` is the day the fax arrived, used to resolve two-digit years of the date.
    A signing date the page's OCR lost is read again only when the order is not
    ``order_dated`` elsewhere: only then is it the order's date, and the second read is a
    tesseract run over a band of the page.
    """
    day = reference or date.today()
    blank: SignatureReading | None = None
    inks: list[_PageInk] = []
    for read in pages:
        for words in _electronic_lines(read.page):
            return _reading(True, read.page, words, words, day)
        inks.append(_PageInk(read))
        page = _letters_only(read.page)
        signed, unsigned = _read_places(read, page, inks[-1], day, order_dated)
        if signed is not None:
            return signed
        blank = blank or unsigned
    if blank is not None:
        return blank
    # No page has a place to sign: its OCR may have lost the caption (a form's row taken
    # for a picture). Only then are the lines where someone wrote above a rule read again.
    return _reread_places(pages, inks, day, order_dated)


def _letters_only(page: Page) -> Page:
    """The page with each unsure word's box cut to the width its letters take, at the width
    a letter takes in the sure words of its line: OCR glues a scribble that reaches its
    caption onto the caption's word ("signature" over 455 pixels where its letters take
    111), and the pen's strokes would count as the caption's print."""
    widths: dict[int, list[Word]] = {}
    for word in page.words:
        if word.conf >= _WORD_CONFIDENCE and len(word.text) >= _MEASURED_LETTERS:
            widths.setdefault(word.line, []).append(word)
    words = []
    for word in page.words:
        sure = widths.get(word.line, [])
        if word.conf < _WORD_CONFIDENCE and sure:
            letter = sum(w.bbox[2] - w.bbox[0] for w in sure) / sum(len(w.text) for w in sure)
            end = word.bbox[0] + letter * len(word.text) * _LETTER_SLACK
            if end < word.bbox[2]:
                word = word.model_copy(update={"bbox": (*word.bbox[:2], end, word.bbox[3])})
        words.append(word)
    return page.model_copy(update={"words": words})


#: Words at least this long measure a letter's width (a short word's box is mostly edge).
_MEASURED_LETTERS = 3
#: How much wider than its line's letters a word's may run before it is cut: bold and
#: capitals print wider.
_LETTER_SLACK = 1.5


def _read_places(
    read: ReadPage, page: Page, ink: _PageInk, day: date, order_dated: bool
) -> tuple[SignatureReading | None, SignatureReading | None]:
    """The page's first signed place, or else its first blank one (``page`` is ``read``'s
    page, or it with a band read again)."""
    printed = _printed(page)
    blank: SignatureReading | None = None
    for place in _places(page, ink):
        found_date = _date(page, place.beside, day)
        for area in place.areas:
            if _has_writing(ink.mask, area, printed, page.words):
                present = Found(True, page.number, area.box, place.caption.conf, place.caption.text)
                if found_date is None and not order_dated:
                    found_date = _reread_date(read, place, day)
                return SignatureReading(present, found_date), None
        if blank is None:
            box = place.areas[0].box
            absent = Found(False, page.number, box, place.caption.conf, place.caption.text)
            blank = SignatureReading(absent, found_date)
    return None, blank


def _reread_places(
    pages: Sequence[ReadPage], inks: list[_PageInk], day: date, order_dated: bool
) -> SignatureReading | None:
    """The signature places of bands read again: the band around a rule that has writing
    above it and a caption under it OCR did not read, where a form's signature row lost to
    OCR lies. A tesseract run each, a few at most for a document: from its end up, as the
    signature closes an order."""
    blank: SignatureReading | None = None
    reads = 0
    for read, ink in reversed(list(zip(pages, inks, strict=True))):
        # A text layer's words are the PDF's own, none lost to OCR; a page kept without
        # its image has nothing to read again.
        if read.page.source != "ocr" or not read.png:
            continue
        done: list[tuple[float, float]] = []
        for top, bottom in _lost_bands(read.page, ink):
            if any(t <= (top + bottom) / 2 <= b for t, b in done):
                continue
            if reads == _MAX_REREADS:
                return blank
            reads += 1
            done.append((top, bottom))
            page = _with_band(read.page, top, bottom, band_lines(read, top, bottom))
            signed, unsigned = _read_places(read, page, ink, day, order_dated)
            if signed is not None:
                return signed
            blank = blank or unsigned
    return blank


def _lost_bands(page: Page, ink: _PageInk) -> list[tuple[float, float]]:
    """The bands (top, bottom) from the writing above a rule to its caption under it, for
    each rule with writing above it and a caption OCR did not read (none, or words it was
    unsure of), bottom band first.

    A rule across most of the page is a table's or a section's, not one to sign on.
    """
    height = _text_height(page)
    rows = ink.mask.shape[0]
    if height <= 0:
        return []
    printed = _printed(page)
    bands: list[tuple[float, float]] = []
    for rule in _rules_in(ink.mask, 0, rows, height * rows):
        if rule.x1 - rule.x0 > _MAX_RULE_SHARE:
            continue
        bottom = min(1.0, rule.y1 + _CAPTION_BELOW * height)
        caption = [
            w
            for w in page.words
            if w.bbox[0] < rule.x1 and w.bbox[2] > rule.x0 and rule.y1 <= w.bbox[1] < bottom
        ]
        if caption and all(_is_text(w) for w in caption):
            continue
        area = _Area((rule.x0, max(0.0, rule.y0 - _ABOVE_RULE * height), rule.x1, rule.y0), height)
        # Stamps are told from writing once the band is read again, in its place's area.
        if _has_writing(ink.mask, area, printed, page.words, stamps=False):
            bands.append((area.box[1], bottom))
    return sorted(bands, reverse=True)


def _with_band(page: Page, top: float, bottom: float, lines: list[list[Word]]) -> Page:
    """``page`` with the words of the band top..bottom replaced by ``lines``, read again."""
    kept = [w for w in page.words if not top <= (w.bbox[1] + w.bbox[3]) / 2 <= bottom]
    first = max((w.line for w in kept), default=-1) + 1
    again = [w.model_copy(update={"line": first + n}) for n, line in enumerate(lines) for w in line]
    words = kept + again
    return page.model_copy(
        update={"words": words, "lines": group_lines(words, [w.line for w in words])}
    )


class _PageInk:
    """The page's ink, decoded from its PNG only when a signature place needs it."""

    def __init__(self, read: ReadPage) -> None:
        self._read = read
        self._mask: Ink | None = None

    @property
    def mask(self) -> Ink:
        if self._mask is None:
            grey = np.asarray(self._read.grey())
            self._mask = grey < _INK_SHARE * paper_shade(grey)
        return self._mask


def _reread_date(read: ReadPage, place: _Place, day: date) -> Found[date] | None:
    """The date of signing from a second read of the band around the signed place: the
    page's OCR may have lost the row that prints it (see ``signature_date``)."""
    top = min(area.box[1] for area in place.areas)
    height = _text_height(read.page)
    return reread_signature_date(read, min(top, place.caption.bbox[1]), place.caption, height, day)


def _reading(
    present: bool, page: Page, evidence: list[Word], line: list[Word], day: date
) -> SignatureReading:
    return SignatureReading(found_from_words(present, page, evidence), _date(page, line, day))


def _key(word: Word) -> str:
    # OCR glues quotes, dots and speckle marks to words ("‘Signature:").
    return _EDGES.sub("", word.text).lower()


# -- electronic signatures -----------------------------------------------------------------


def _electronic_lines(page: Page) -> list[list[Word]]:
    found = []
    for number, line in enumerate(page.lines):
        if _is_electronic(line.text):
            found.append([w for w in page.words if w.line == number])
    return [words for words in found if words]


def _is_electronic(text: str) -> bool:
    """A statement that someone signed electronically, naming the signer or when it was
    signed ("Electronically signed 12/02/2026 16:41", under the signer's typed name).

    "Electronically signed by: ____" with nobody named is a caption, not a signature.
    """
    for pattern in _ELECTRONIC:
        for match in pattern.finditer(text):
            after = text[match.end() :]
            if _names_someone(_TOKENS.findall(after.lower())) or _opens_with_date(after):
                return True
    tokens = _TOKENS.findall(text.lower())
    return any(
        _alike(token, "signed", _ALIKE_SIGNED)
        and (
            (_after_adverb(tokens[:i]) and _names_someone(tokens[i + 1 :]))
            # The adverb after the verb: "Signed electronically by Theresa Okafor-Reyes".
            or (_before_adverb(tokens[i + 1 : i + 2]) and _names_someone(tokens[i + 2 :]))
        )
        for i, token in enumerate(tokens)
    )


def _opens_with_date(text: str) -> bool:
    dates = find_dates(text)
    return bool(dates) and not text[: dates[0][0]].strip(" :-")


def _before_adverb(after: list[str]) -> bool:
    return bool(after) and any(_is_adverb(after[0], adverb) for adverb in ELECTRONIC_ADVERBS)


def _after_adverb(before: list[str]) -> bool:
    """Whether "signed" follows "electronically", "digitally" or the "e-" of "e-signed".

    OCR may split the adverb in two ("Elev: ally"), so the last two words are tried joined.
    """
    if not before:
        return False
    if before[-1] in {"e", "@"}:
        return True
    words = [t for t in before if t.isalpha()]
    tries = [words[-1], "".join(words[-2:])] if words else []
    return any(_is_adverb(t, adverb) for t in tries for adverb in ELECTRONIC_ADVERBS)


def _is_adverb(word: str, adverb: str) -> bool:
    if _alike(word, adverb, _ALIKE_ADVERB):
        return True
    # The first letter misread too: the word is the adverb's length, a letter or two off.
    same_length = len(word) == len(adverb)
    return same_length and sum(a != b for a, b in zip(word, adverb, strict=True)) <= _ADVERB_SWAPS


def _names_someone(after: list[str]) -> bool:
    # "by" and the colon come before the name.
    rest = [t for t in after if t not in {"by", ":"}]
    return bool(rest) and len(rest[0]) >= 2


def _alike(word: str, target: str, ratio: float) -> bool:
    return word[:1] == target[:1] and SequenceMatcher(None, word, target).ratio() >= ratio


# -- where a signature goes ----------------------------------------------------------------


def _places(page: Page, ink: _PageInk) -> Iterator[_Place]:
    height = _text_height(page)
    for line in _lines(page):
        for i in range(len(line)):
            place = _caption_place(page, ink, line, i, height)
            if place is not None:
                yield place
    yield from _letter_places(page, height)
    yield from _signer_name_places(page, ink, height)


def _text_height(page: Page) -> float:
    """The height of the page's print: the unit of distances around a signature place.

    A caption printed small under its rule ("REQUESTING PROVIDER SIGNATURE") is no measure
    of the signature above it; the body text is.
    """
    heights = [w.bbox[3] - w.bbox[1] for w in page.words if _is_text(w)]
    return statistics.median(heights) if heights else 0.0


def _caption_place(
    page: Page, ink: _PageInk, line: list[Word], i: int, height: float
) -> _Place | None:
    word = line[i]
    if not _is_signature_word(_key(word)):
        return None
    if _names_the_date(line, i):
        return None
    if any(_key(w) in OTHER_SIGNERS for w in _phrase(line, i)):
        return None
    if _on_dark(ink.mask, word):
        return None
    height = max(height, word.bbox[3] - word.bbox[1])
    rule = _rule_near(ink.mask, word.bbox, height, below=False)
    under = _rule_near(ink.mask, word.bbox, height, below=True)
    areas, caption, beside = [], word, []
    end = _label_end(line, i)
    if end is not None:
        caption = line[end]
        area = _down_to_value_rule(ink.mask, _area(page, caption, (rule, under)), caption, height)
        areas.append(_Area(area, caption.bbox[3] - caption.bbox[1]))
        beside = _same_line(page, caption)
    captioned = end is not None or _is_caption(line, i)
    if rule is not None and captioned and _open_above(ink.mask, rule, under, height):
        areas.append(_Area(_above(page, rule, word, height), height))
        beside = sorted([*_same_line(page, word), *_beside_rule(page, rule, height)], key=_x)
    elif rule is not None and not any(c.isdigit() for w in line[1:] for c in w.text):
        # The caption at the head of its box ("27. Attending Physician's Signature and Date
        # Signed"): the pen goes in the box under it, down to the box's bottom rule.
        floor = _rule_near(ink.mask, line[0].bbox, height, below=True, gap=_BOX_DEPTH)
        if floor is not None:
            left = line[0].bbox[0]
            box = (left, max(w.bbox[3] for w in line), min(1.0, left + _MAX_WIDTH), floor.y0)
            areas.append(_Area(box, height))
            # The date signed is typed in the box beside the pen.
            beside = [w for w in page.words if box[1] <= w.bbox[1] and w.bbox[3] <= box[3]]
    if not areas:
        return None
    return _Place(caption, tuple(areas), beside)


def _names_the_date(line: list[Word], i: int) -> bool:
    """Whether the label that word i ends names the date of signing: "Date signed",
    "Date of practitioner signature". The label runs back to a word ending with a colon,
    which ends a label of its own ("Date: 01/02/2024 Signature:")."""
    phrase = _phrase(line, i)
    for word in reversed(phrase[: phrase.index(line[i])]):
        if word.text.endswith(":"):
            return False
        if _dates(_key(word)):
            return True
    return False


def _dates(key: str) -> bool:
    # "Date signed" is the date's caption, also when a fax blurs it to "Dale signed", or
    # closes the D's bowl against its stem into a B ("Bale signed").
    folded = "d" + key[1:] if key[:1] == "b" else key
    return key in NOT_SIGNATURE_BEFORE or _alike(folded, "date", _ALIKE_CAPTION)


def _is_signature_word(key: str) -> bool:
    # "Signature/Date" is a caption too; a long word OCR misread by a letter or two
    # ("algnature") still is one.
    return any(
        SIGNATURE_LABEL.fullmatch(part)
        or (
            len(part) >= len("signature") - 1
            and SequenceMatcher(None, part, "signature").ratio() >= _ALIKE_CAPTION
        )
        for part in key.split("/")
    )


def _x(word: Word) -> float:
    return word.bbox[0]


def _on_dark(ink: Ink, word: Word) -> bool:
    """Whether a word is printed light on a dark bar: a section heading ("SECTION D:
    PHYSICIAN Attestation and Signature/Date"), whose bar is no rule to sign on."""
    rows, columns = ink.shape
    x0, y0, x1, y1 = _pixels(word.bbox, columns, rows)
    return x1 > x0 and y1 > y0 and float(ink[y0:y1, x0:x1].mean()) >= _DARK_BAR


def _phrase(line: list[Word], i: int) -> list[Word]:
    """The words printed together with word i: up to a gap wider than a few letters.

    "Patient signature" and "Physician signature" can share an OCR line across the page.
    """
    height = line[i].bbox[3] - line[i].bbox[1]
    start, end = i, i
    while start > 0 and line[start].bbox[0] - line[start - 1].bbox[2] < 2 * height:
        start -= 1
    while end + 1 < len(line) and line[end + 1].bbox[0] - line[end].bbox[2] < 2 * height:
        end += 1
    return line[start : end + 1]


def _label_end(line: list[Word], i: int) -> int | None:
    """Where the label that starts at word i ends, or None when it is running text."""
    # "Signature of Ordering Practitioner:" names whose signature; the colon ends it.
    if i + 1 < len(line) and _key(line[i + 1]) in LABEL_CONTINUATIONS:
        for j in range(i + 2, min(len(line), i + 2 + _MAX_LABEL_TAIL)):
            if line[j].text.endswith(":"):
                return j
    word = line[i]
    after = _next_print(line, i)
    # A label ends with a colon or is followed by room to sign (blank or a rule);
    # "signed by me." in an attestation is running text.
    height = word.bbox[3] - word.bbox[1]
    roomy = after is None or after.bbox[0] - word.bbox[2] > 4 * height
    if word.text.endswith(":") or roomy or (after is not None and _is_rule(after)):
        return i
    return None


def _is_caption(line: list[Word], i: int) -> bool:
    """A caption under a rule may go on to say whose signature it is: "Signature of treating
    practitioner", "Prescriber signature (wet ink required)". Running text goes on with other
    words ("Faxing signed paperwork")."""
    after = _next_print(line, i)
    return after is None or after.text[:1] in "([{" or _key(after) in LABEL_CONTINUATIONS


def _next_print(line: list[Word], i: int) -> Word | None:
    """The word after word i that is print or a rule: a pen stroke crossing the caption's
    line is read as junk words ("a wl! mo Lo") that say nothing about the caption."""
    return next((w for w in line[i + 1 :] if _is_text(w) or _is_rule(w)), None)


def _lines(page: Page) -> list[list[Word]]:
    lines: dict[int, list[Word]] = {}
    for word in page.words:
        lines.setdefault(word.line, []).append(word)
    return [sorted(words, key=_x) for _, words in sorted(lines.items())]


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
        key=_x,
    )


def _area(page: Page, label: Word, rules: tuple[_Rule | None, _Rule | None]) -> BBox:
    """The area right of a label, up to the next label on its line, below the print above
    it, and between the rules just above and below the label (a table row's, a box's)."""
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
    bottom = min(1.0, y1 + height * _DIP)
    above, below = rules
    if above is not None and above.x0 < right and above.x1 > left:
        top = max(top, above.y1)
    if below is not None and below.x0 < right and below.x1 > left:
        bottom = min(bottom, below.y0)
    return (left, top, right, bottom)


def _down_to_value_rule(ink: Ink, area: BBox, label: Word, height: float) -> BBox:
    """The area right of a label, reaching down to the rule its value is written on.

    A form's value column may rule the signature's line lower than the label's baseline
    ("6. Practitioner signature" on the row's first line, the rule a line or two below with
    its own caption under it): the scribble sits above that rule, below the label's line.
    A rule at the label's baseline is its own; the area is not taken past it.
    """
    columns = (area[0], label.bbox[1], area[2], label.bbox[3])
    value = _rule_near(ink, columns, height, below=True, gap=_VALUE_DROP)
    if value is None or value.y0 <= area[3]:
        return area
    return (area[0], area[1], area[2], value.y0)


def _is_next_label(word: Word, label: Word) -> bool:
    # Bold labels beside a rule can read at low confidence ("Dated:" at 0.16) yet spell out;
    # they sit on the label's own baseline at its own height. A scribble OCR read as "SOY:"
    # rises above the line and stands taller.
    key = _key(word)
    colon = word.text.endswith(":") and len(key) >= 3 and key.isalpha()
    return (colon and _beside_print(word, label)) or (_is_text(word) and key in DATE_LABEL_WORDS)


def _beside_print(word: Word, print_: Word) -> bool:
    """Whether a word sits on the baseline of a printed word, at its height, as print does."""
    height = print_.bbox[3] - print_.bbox[1]
    return (
        abs(word.bbox[3] - print_.bbox[3]) <= _BASELINE_SLACK * height
        and word.bbox[3] - word.bbox[1] <= _MAX_LABEL_HEIGHT * height
    )


def _is_text(word: Word) -> bool:
    return word.conf >= _WORD_CONFIDENCE and sum(c.isalnum() for c in word.text) >= 2


def _printed(page: Page) -> list[Word]:
    """The words that are print, blanked before looking for handwriting.

    Confident words of print's height are print. So is a word OCR was unsure of that sits
    inside a line of confident print, on its baseline and at its height: "and" at 0.26
    between "nightly" and "naps". A scribble OCR tried to read stands taller, on a line of its
    own, or ends the line after its label ("Signature: TNL LY", at print's height).
    """
    height = _text_height(page)
    sure = [w for w in page.words if _is_print(w, height)]
    lines: dict[int, list[Word]] = {}
    for word in sure:
        lines.setdefault(word.line, []).append(word)
    unsure = [
        w
        for w in page.words
        if not _is_print(w, height)
        and sum(c.isalnum() for c in w.text) >= 2
        and _inside_print(w, lines.get(w.line, []))
    ]
    return sure + unsure


def _inside_print(word: Word, line: list[Word]) -> bool:
    """Whether confident print on the word's line sits beside it on both sides."""
    beside = [other for other in line if _beside_print(word, other)]
    return any(_x(o) < _x(word) for o in beside) and any(_x(o) > _x(word) for o in beside)


def _is_print(word: Word, height: float) -> bool:
    """Text OCR read with confidence, of print's height (a scribble read as a word is taller)."""
    return _is_text(word) and word.bbox[3] - word.bbox[1] <= _MAX_WORD_HEIGHT * height


def _open_above(ink: Ink, rule: _Rule, under: _Rule | None, height: float) -> bool:
    """Whether a rule above a caption is one to sign on, with open room above it.

    A rule as long just under the caption boxes it in (a heading's box, a table's row), and
    a rule whose ends turn up is the bottom of a box: what is above is that box's content.
    """
    rows, columns = ink.shape
    slack = height * rows / columns
    if under is not None and max(abs(under.x0 - rule.x0), abs(under.x1 - rule.x1)) <= slack:
        return False
    rise = max(2, round(_CORNER * height * rows))
    top, bottom = max(0, round(rule.y0 * rows) - rise), round(rule.y1 * rows)
    for end in (rule.x0, rule.x1):
        x = round(end * columns)
        side = ink[top:bottom, max(0, x - _CORNER_SLACK) : x + _CORNER_SLACK]
        if side.size and side.any(axis=1).mean() >= _CORNER_COVER:
            return False
    return True


def _rule_near(
    ink: Ink, box: BBox, height: float, *, below: bool, gap: float = _RULE_GAP
) -> _Rule | None:
    """The ruled line nearest above (or below) a caption's box, within ``gap`` text heights,
    running on for several text heights across the box's columns."""
    rows, columns = ink.shape
    x0, y0, x1, y1 = _pixels(box, columns, rows)
    unit = height * rows
    top, bottom = (y1, y1 + round(gap * unit)) if below else (y0 - round(gap * unit), y0)
    if x1 <= x0:
        return None
    rules = [r for r in _rules_in(ink, top, bottom, unit) if r.x0 < box[2] and r.x1 > box[0]]
    if not rules:
        return None
    return min(rules, key=lambda r: r.y0) if below else max(rules, key=lambda r: r.y1)


def _rules_in(ink: Ink, top: int, bottom: int, unit: float) -> list[_Rule]:
    """The ruled lines within rows top..bottom of the page, ``unit`` the text height in pixels.

    A rule is made of horizontal runs of ink longer than any letter's stroke, joined across
    the breaks a fax leaves and the steps a tilted page makes, running on for several text
    heights.
    """
    rows, columns = ink.shape
    top, bottom = max(0, top), min(rows, bottom)
    if bottom - top < 2:
        return []
    reach = max(1, round(_RULE_BREAK * unit))
    pieces = long_runs(ink[top:bottom], max(4, round(_RULE_PIECE * unit)))
    return [
        _Rule(
            (top + blob.y0) / rows,
            (top + blob.y1) / rows,
            (blob.x0 + reach) / columns,
            (blob.x1 - reach) / columns,
        )
        for blob in _blobs(widened(pieces, reach, axis=1))
        if blob.x1 - blob.x0 - 2 * reach >= _MIN_RULE * unit
    ]


def _grow(mask: Ink, reach: int) -> Ink:
    """``mask`` with each set pixel spread ``reach`` pixels every way (a square)."""
    return widened(widened(mask, reach, axis=1), reach, axis=0)


def _above(page: Page, rule: _Rule, caption: Word, height: float) -> BBox:
    """The area above a caption's rule, along the rule, up to the print above it."""
    top = max(0.0, rule.y0 - _ABOVE_RULE * height)
    for word in page.words:
        overlaps = word.bbox[0] < rule.x1 and word.bbox[2] > rule.x0
        bottom = word.bbox[3]
        if overlaps and _is_print(word, height) and top < bottom <= rule.y0 - _ON_RULE * height:
            top = bottom
    return (rule.x0, top, rule.x1, caption.bbox[1])


def _beside_rule(page: Page, rule: _Rule, height: float) -> list[Word]:
    """Words right of a signature rule at its height: the date, typed on its own rule."""
    return [
        w
        for w in page.words
        if w.bbox[0] >= rule.x1 and rule.y0 - 2 * height <= w.bbox[3] <= rule.y1 + height / 2
    ]


def _letter_places(page: Page, height: float) -> Iterator[_Place]:
    """Below a letter's closing ("Sincerely,"), down to the typed name of the signer."""
    for line in _lines(page):
        text = " ".join(_key(w) for w in line)
        if len(line) > _MAX_CLOSING_WORDS or not _ends_with_closing(text):
            continue
        left = max(0.0, line[0].bbox[0] - height)
        right = min(1.0, left + _MAX_WIDTH)
        top = max(w.bbox[3] for w in line)
        bottom = min(1.0, top + _BELOW_CLOSING * height)
        for word in page.words:
            overlaps = word.bbox[0] < right and word.bbox[2] > left
            if overlaps and _is_print(word, height) and top < word.bbox[1] < bottom:
                bottom = word.bbox[1]
        yield _Place(line[-1], (_Area((left, top, right, bottom), height),), [])


def _signer_name_places(page: Page, ink: _PageInk, height: float) -> Iterator[_Place]:
    """Above a rule whose caption is the signer's typed name ("Rosalind Achebe, MD" under
    the line), as memos and letters with no "Signature" or closing print it: a name with a
    clinician's credentials, alone on its line just under an open rule."""
    for whole in _lines(page):
        # The name's own cell: "Date" may be printed beside it under the next rule.
        line = whole[: next((i for i in range(1, len(whole)) if _apart(page, whole, i)), None)]
        text = " ".join(w.text for w in line)
        # A prescription pad prints only the credential under its line ("________ M.D.").
        credential = len(line) == 1 and _is_credential(text)
        if len(line) > _MAX_SIGNER_WORDS or not (credential or _is_clinicians_name(text)):
            continue
        box = (line[0].bbox[0], min(w.bbox[1] for w in line), line[-1].bbox[2], line[0].bbox[3])
        rule = _rule_near(ink.mask, box, height, below=False)
        under = _rule_near(ink.mask, box, height, below=True)
        if rule is not None and _open_above(ink.mask, rule, under, height):
            area = _Area(_above(page, rule, line[0], height), height)
            yield _Place(line[0], (area,), _beside_rule(page, rule, height))
        elif rule is None and not credential and not any(w.text.endswith(":") for w in line):
            # No rule and no closing: a letter signed in the room left over the typed name
            # (a captioned name, "Ordering physician: ...", is no signer's line).
            room = _room_above(page, box, height)
            if room is not None:
                yield _Place(line[0], (_Area(room, height),), [])


def _apart(page: Page, line: list[Word], i: int) -> bool:
    """Whether words i-1 and i of a line stand a column's gap apart."""
    return is_column_gap(page, line[i - 1], line[i])


def _room_above(page: Page, name: BBox, height: float) -> BBox | None:
    """The room between a typed name and the letter's print over it, when it is tall enough
    to sign in (a line's spacing leaves none) and print closes it above."""
    left, right = max(0.0, name[0] - height), min(1.0, name[0] + _MAX_WIDTH)
    top = None
    for word in page.words:
        overlaps = word.bbox[0] < right and word.bbox[2] > left
        reach = name[1] - _ROOM_REACH * height < word.bbox[3] <= name[1]
        if overlaps and _is_print(word, height) and reach:
            top = max(top or 0.0, word.bbox[3])
    if top is None or name[1] - top < _SIGNING_ROOM * height:
        return None
    return (left, top, right, name[1])


#: The least room, in text heights, over a typed name with no rule that a hand signs in,
#: and the most a letter leaves between its last line and the name.
_SIGNING_ROOM = 2.0
_ROOM_REACH = 12.0
#: A signer's typed name is a few words: a first and last name, maybe a middle initial and
#: credentials ("Ingrid M. Solberg, MD, FCCP").
_MAX_SIGNER_WORDS = 6


def _is_credential(text: str) -> bool:
    return re.sub(r"[^A-Za-z]", "", text).upper() in CREDENTIALS


def _is_clinicians_name(text: str) -> bool:
    name = split_person_name(text)
    return name is not None and name.first is not None and bool(name.credentials)


def _ends_with_closing(text: str) -> bool:
    return any(m.end() == len(text) for m in LETTER_CLOSING.finditer(text))


# -- ink -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Blob:
    """A connected patch of pixels: its box in pixels (ends exclusive), its size, and how far
    its pixels spread across its main direction (a third of a straight line's thickness)."""

    x0: int
    y0: int
    x1: int
    y1: int
    pixels: int
    spread: float


def _has_writing(
    ink: Ink, area: _Area, printed: list[Word], words: list[Word], *, stamps: bool = True
) -> bool:
    """Whether pen strokes are left in the area once rules, print and (with ``stamps``)
    rubber stamps are cleared."""
    rows, columns = ink.shape
    box = _pixels(area.box, columns, rows)
    if box[2] - box[0] < 4 or box[3] - box[1] < 4:
        return False
    unit = max(1.0, area.text_height * rows)
    crop = ink[box[1] : box[3], box[0] : box[2]].copy()
    _clear_rules(crop, unit)
    _blank_words(crop, printed, box, (columns, rows), unit)
    # Too little ink left to span handwriting's width: the costlier tests are not needed.
    if int(crop.any(axis=0).sum()) < _MIN_WRITING * unit:
        return False
    if stamps:
        # A stamp prints big: its words are confident text of any height.
        _clear_stamps(crop, ink, box, [w for w in words if _is_text(w)], unit)
    return _looks_like_writing(crop, unit)


def _pixels(box: BBox, width: int, height: int) -> tuple[int, int, int, int]:
    return (
        max(0, round(box[0] * width)),
        max(0, round(box[1] * height)),
        min(width, round(box[2] * width)),
        min(height, round(box[3] * height)),
    )


def _clear_rules(crop: Ink, unit: float) -> None:
    """Clear ruled lines: long horizontal runs, and the rows of a rule a fax broke into
    dashes ("__ ___ ____").

    A broken rule's pieces are too short to be cleared as one long run, but they all sit in
    the same few rows, which no handwriting fills across the area: a stroke crosses a row, it
    does not run along it. The rows next to such a row are the rule's thickness.
    """
    length = max(8, round(_RULE_RUN * unit))
    crop &= ~long_runs(crop, length)
    ruled = np.flatnonzero(crop.mean(axis=1) >= _RULE_ROW_SHARE)
    for step in (-1, 0, 1):
        crop[np.clip(ruled + step, 0, crop.shape[0] - 1)] = False


def _blank_words(
    crop: Ink,
    words: list[Word],
    origin: tuple[int, int, int, int],
    size: tuple[int, int],
    unit: float,
) -> None:
    """Blank the print: typed names, captions, the date beside the line."""
    pad = round(_WORD_PAD * unit)
    for word in words:
        x0, y0, x1, y1 = _pixels(word.bbox, *size)
        top, left = max(0, y0 - pad - origin[1]), max(0, x0 - pad - origin[0])
        crop[top : max(top, y1 + pad - origin[1]), left : max(left, x1 + pad - origin[0])] = False


def _clear_stamps(
    crop: Ink, ink: Ink, box: tuple[int, int, int, int], words: list[Word], unit: float
) -> None:
    """Clear rubber stamps: a box drawn tight around printed words ("SIGNATURE ON FILE").

    The box is found as the hole in the ink that the words fill: a table cell or a
    scribble's loop holding a caption is far larger than its words. The search reaches
    around the area, where the rest of a stamp that strays into it lies.
    """
    rows, columns = ink.shape
    reach = round(_STAMP_REACH * unit)
    x0, y0 = max(0, box[0] - reach), max(0, box[1] - reach)
    x1, y1 = min(columns, box[2] + reach), min(rows, box[3] + reach)
    inside = [
        (w, _pixels(w.bbox, columns, rows))
        for w in words
        if x0 <= _centre(w, columns, 0) < x1 and y0 <= _centre(w, rows, 1) < y1
    ]
    if not inside:
        return
    seam = max(1, round(_STAMP_SEAM * unit))
    holes = _holes(~_bridged(ink[y0:y1, x0:x1], max(4, round(_RULE_PIECE * unit)), seam))
    pad = round(_STAMP_PAD * unit)
    # A line across the stamp (a rule, a stroke) splits its inside: the parts are joined.
    for hole in _blobs(holes, _labels(_grow(holes, seam))):
        if hole.x1 - hole.x0 < _STAMP_WIDTH * unit:
            continue
        where = (hole.x0 + x0, hole.y0 + y0, hole.x1 + x0, hole.y1 + y0)
        stamp = _stamp(where, inside)
        if stamp is not None:
            top, left = max(0, stamp[1] - pad - box[1]), max(0, stamp[0] - pad - box[0])
            crop[
                top : max(top, stamp[3] + pad - box[1]), left : max(left, stamp[2] + pad - box[0])
            ] = False


def _stamp(
    hole: tuple[int, int, int, int], words: list[tuple[Word, tuple[int, int, int, int]]]
) -> tuple[int, int, int, int] | None:
    """The box of a stamp whose inside is ``hole`` (pixels), when printed words fill it: the
    hole with the whole line of its words, where a letter touching the box cut it short."""
    within = [
        (w, b)
        for w, b in words
        if hole[0] <= (b[0] + b[2]) / 2 < hole[2] and hole[1] <= (b[1] + b[3]) / 2 < hole[3]
    ]
    if not within:
        return None
    span = max(b[2] for _w, b in within) - min(b[0] for _w, b in within)
    tall = max(b[3] - b[1] for _w, b in within)
    if span < _STAMP_FILL * (hole[2] - hole[0]) or hole[3] - hole[1] > _STAMP_TALL * tall:
        return None
    lines = {w.line for w, _b in within}
    boxes = [hole, *(b for w, b in words if w.line in lines)]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _bridged(ink: Ink, length: int, gap: int) -> Ink:
    """``ink`` with the gaps up to ``gap`` long closed in its lines (level or upright runs
    ``length`` long): a rubber stamp inks its box unevenly. Letters are left as they are, so
    the box's inside stays one piece."""
    across = widened(long_runs(ink, length), gap, axis=1)
    down = widened(long_runs(ink.T, length), gap, axis=1).T
    closed: Ink = ink | across | down
    return closed


def _holes(paper: Ink) -> Ink:
    """The paper enclosed by ink: the parts of ``paper`` that do not reach its edges."""
    labels = _labels(paper)
    edges = np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])
    enclosed: Ink = paper & ~np.isin(labels, edges)
    return enclosed


def _centre(word: Word, size: int, axis: int) -> int:
    return round((word.bbox[axis] + word.bbox[axis + 2]) / 2 * size)


def _looks_like_writing(crop: Ink, unit: float) -> bool:
    """Whether what is left is pen strokes, spanning enough of the area's width between them,
    one of them longer than a printed letter.

    A stroke is a blob past speck size that is no straight bar, or a trail of crumbs: a thin
    pen line a fax broke into dots.
    """
    labels = _labels(crop)
    blobs = _blobs(crop, labels)
    speck = (_SPECK_SIZE * unit) ** 2
    solid = [b.pixels > speck and not _straight(b, unit) for b in blobs]
    # Specks of a pixel or two (doubled on a standard-resolution fax) are fax noise.
    crumb = [
        not s and max(b.x1 - b.x0, b.y1 - b.y0) >= _CRUMB for b, s in zip(blobs, solid, strict=True)
    ]
    strokes = [b for b, s in zip(blobs, solid, strict=True) if s]
    strokes += _trails(labels, np.flatnonzero(crumb), np.flatnonzero(solid), unit)
    columns = np.zeros(crop.shape[1], dtype=bool)
    for blob in strokes:
        columns[blob.x0 : blob.x1] = True
    longest = max((max(b.x1 - b.x0, b.y1 - b.y0) for b in strokes), default=0)
    return longest >= _MIN_STROKE * unit and int(columns.sum()) >= _MIN_WRITING * unit


def _straight(blob: _Blob, unit: float) -> bool:
    # A piece of a rule (level or tilted), the side of a box, a stroke flattened where a rule
    # was cleared: its pixels hardly leave a straight line. Pen strokes curve.
    return blob.spread < _BAR_SPREAD * unit


def _trails(
    labels: NDArray[np.intp], crumbs: NDArray[np.intp], solid: NDArray[np.intp], unit: float
) -> list[_Blob]:
    """Crumbs (blobs numbered ``crumbs`` in ``labels``) chained along a path that bends, as
    the dots of a thin pen line are.

    Fax speckle lies scattered and a rule's crumbs lie straight. Crumbs chained to a solid
    blob are print OCR did not read: the dot of an "i", the bar of a "t" beside their letters.
    """
    reach = max(1, round(_TRAIL_GAP * unit))
    pieces = np.isin(labels, crumbs)
    groups = _labels(_grow(pieces | np.isin(labels, solid), reach))
    ys, xs = np.nonzero(pieces)
    # How many crumbs each group chains: distinct (group, crumb) pairs, counted by group.
    chained = np.unique(np.stack([groups[ys, xs], labels[ys, xs]]), axis=1)[0]
    count = np.bincount(chained, minlength=int(groups.max()) + 1)
    count[groups[np.isin(labels, solid)]] = 0
    speck = (_SPECK_SIZE * unit) ** 2
    return [
        trail
        for trail, chain in zip(_blobs(pieces, groups), count.tolist(), strict=False)
        if chain >= _TRAIL_CRUMBS and trail.pixels > speck and not _straight(trail, unit)
    ]


def _runs(mask: Ink) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """Each row's runs of set pixels: their rows, first columns and ends (exclusive)."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    edges = np.diff(padded, axis=1)
    rows, starts = np.nonzero(edges == 1)
    _rows, ends = np.nonzero(edges == -1)
    return rows, starts, ends


def _labels(mask: Ink) -> NDArray[np.intp]:
    """The number of the 8-connected blob each set pixel is in, -1 elsewhere.

    Runs of set pixels are joined to the runs they touch in the row above.
    """
    rows, starts, ends = _runs(mask)
    parent = list(range(len(rows)))

    def root(at: int) -> int:
        while parent[at] != at:
            parent[at] = parent[parent[at]]
            at = parent[at]
        return at

    first = np.searchsorted(rows, np.arange(mask.shape[0] + 1)).tolist()
    start, end = starts.tolist(), ends.tolist()
    for row in range(1, mask.shape[0]):
        a, b = first[row - 1], first[row]
        while a < first[row] and b < first[row + 1]:
            # Diagonal neighbours touch too: a run may start where the one above ends.
            if start[a] <= end[b] and start[b] <= end[a]:
                parent[root(a)] = root(b)
            if end[a] < end[b]:
                a += 1
            else:
                b += 1
    _keys, numbers = np.unique([root(i) for i in range(len(parent))], return_inverse=True)
    lengths = ends - starts
    before = np.cumsum(lengths) - lengths
    labels = np.full(mask.shape, -1, dtype=np.intp)
    columns = np.repeat(starts - before, lengths) + np.arange(int(lengths.sum()))
    labels[np.repeat(rows, lengths), columns] = np.repeat(numbers, lengths)
    return labels


def _blobs(mask: Ink, labels: NDArray[np.intp] | None = None) -> list[_Blob]:
    """The blobs of set pixels, 8-connected, in the order of their numbers; or the set pixels
    of each group ``labels`` numbers (the crumbs of a trail; a group may have none)."""
    ys, xs = np.nonzero(mask)
    numbers = (_labels(mask) if labels is None else labels)[ys, xs]
    if not numbers.size:
        return []
    count = int(numbers.max()) + 1
    x0, y0 = np.full(count, mask.shape[1]), np.full(count, mask.shape[0])
    x1, y1 = np.zeros(count, dtype=np.intp), np.zeros(count, dtype=np.intp)
    np.minimum.at(x0, numbers, xs)
    np.minimum.at(y0, numbers, ys)
    np.maximum.at(x1, numbers, xs + 1)
    np.maximum.at(y1, numbers, ys + 1)
    pixels = np.bincount(numbers, minlength=count)
    spread = _spread(numbers, xs, ys, pixels)
    return [
        _Blob(*values)
        for values in zip(
            x0.tolist(),
            y0.tolist(),
            x1.tolist(),
            y1.tolist(),
            pixels.tolist(),
            spread.tolist(),
            strict=True,
        )
    ]


def _spread(
    numbers: NDArray[np.intp], xs: NDArray[np.intp], ys: NDArray[np.intp], pixels: NDArray[np.intp]
) -> NDArray[np.float64]:
    """Each blob's standard deviation across its main axis: the smaller spread of its pixels."""
    count = np.maximum(pixels, 1)

    def mean(values: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.bincount(numbers, weights=values, minlength=len(pixels)) / count

    x, y = xs.astype(np.float64), ys.astype(np.float64)
    mx, my = mean(x), mean(y)
    xx, yy, xy = mean(x * x) - mx**2, mean(y * y) - my**2, mean(x * y) - mx * my
    minor = (xx + yy) / 2 - np.sqrt(((xx - yy) / 2) ** 2 + xy**2)
    result: NDArray[np.float64] = np.sqrt(np.maximum(minor, 0.0))
    return result


# -- the date beside the signature ---------------------------------------------------------


def _date(page: Page, line: list[Word], day: date) -> Found[date] | None:
    """The first date among the words beside the signature (a "Date:" field or "on ...")."""
    text = " ".join(w.text for w in line)
    for start, _end, raw in find_dates(text):
        parsed = parse_date(raw, "signature", day)
        if parsed is None:
            continue
        return found_from_words(parsed.date, page, words_at(line, start, len(raw)))
    return None
