"""A second OCR pass over the values the first read doubtfully: IDs, NPIs, dates and codes,
and the table counts it left unread (``read_counts``).

Tesseract is tuned for about 300 dpi and 20-30 px capitals; a fine fax gives 14-18 px and a
standard fax half that vertically, so a digit of an NPI or a date is easily misread. Each
value read with low confidence, or failing its check (NPI check digit, code set, a date's
plausibility for its role), is cropped from the page image and read again as a single line,
as printed and upscaled, with the characters its shape allows. The value is read from each new
text with the same reader as the first time, and then:

- every new reading agrees with the first: the first stands, with its confidence raised;
- the first fails its check and the new readings give exactly one value that passes: that value
  is taken, and flagged, because a printed NPI may really fail its check;
- the first was barely read and every new reading gives one other value that passes any check
  it has: that value is taken, and flagged;
- otherwise the first stands, marked low confidence for the clerk.

Codes are only confirmed or doubted here: their finder has already repaired them into codes
that exist, with the description from the code set.

The member's numbers (phone, ZIP, an ID of digits, the birth date) are spot-checked even when
read well: a fax turns a 0 into a 6 or 8 at full confidence, and nothing checks them. Only
readings that differ from the first in look-alike digits (``digit_misreads``) are heard:

- no such reading: the first stands as it was;
- both new readings give the same other value: it is taken, and flagged;
- otherwise the first stands, marked as read differently, for the clerk.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Literal

from PIL import Image, ImageOps

from extractors import tesseract
from extractors.codes import hcpcs, icd10
from extractors.codes.npi import is_valid_npi
from extractors.codes.repair import repair_hcpcs, repair_icd10
from extractors.errors import OcrError
from extractors.extract.confidence import CONTESTED_CONFIDENCE, DEFAULT_BAR, KIND_BARS
from extractors.extract.confidence import kind_of as doubt_kind
from extractors.extract.copies import is_misread_copy
from extractors.extract.found import Found
from extractors.extract.items import CountCell
from extractors.extract.parties import READERS
from extractors.normalize.addresses import zip_code
from extractors.normalize.dates import NEAR_YEARS
from extractors.normalize.us_states import STATES, zip_fits_state
from extractors.pages import BBox, Page, ReadPage, Word, union
from extractors.preprocess import without_rules
from extractors.referral import Flag, FlagCode

Kind = Literal["npi", "member_id", "date", "icd10", "hcpcs", "phone", "zip"]

#: The contract's single values worth a second read, by the shape of what they hold.
SCALAR_KINDS: Mapping[str, Kind] = {
    "clinician.npi": "npi",
    "member.member_id": "member_id",
    "member.dob": "date",
    "dates.order": "date",
    "dates.service_start": "date",
    "dates.discharge": "date",
    "dates.signature": "date",
    "dates.face_to_face": "date",
    "member.phone": "phone",
    "clinician.phone": "phone",
    "clinician.fax": "phone",
    "member.address.postal_code": "zip",
}
#: The member's numbers are read again even when read well: a fax turns a digit into its
#: look-alike (a 0 into a 6 or 8) at full confidence, and no check digit or code set catches
#: it (an NPI has its check digit). The clinician's phone and fax are not: their copies on
#: the letterhead and signature block are compared already (``copies``), and on the devset
#: spot checks of them flagged right values only.
SPOT_PATHS = frozenset(
    {"member.phone", "member.member_id", "member.address.postal_code", "member.dob"}
)
#: A spot check's scales: two readings, so a value is replaced only when both give the same
#: look-alike digit (on the devset one reading alone replaced right values, three flagged
#: more right ones and changed no outcome, at half again the crops).
SPOT_SCALES: tuple[int, ...] = (1, 2)
#: Lists whose entries' evidence is the code alone (an item's evidence is its whole row).
LIST_KINDS: Mapping[str, Kind] = {"diagnoses": "icd10", "procedures": "hcpcs"}

#: Values that pass their check and were read at least this well are left alone: a second
#: read could only confirm them (measured on the devset: a bar at the rules' 0.6 changed no
#: more values).
REREAD_BELOW = 0.3
#: A first reading this weak is outvoted when every new reading gives one other value.
OUTVOTED_BELOW = 0.3
#: What a value that every reading agrees on is worth: above the low-confidence bar. A single
#: new reading (the others unreadable) is too little to raise it.
AGREED_CONFIDENCE = 0.8
AGREED_READINGS = 2
#: What a value the readings dispute is worth: below the bar, so the clerk looks at it.
DISPUTED_CONFIDENCE = 0.5


#: Each crop is read as printed (alone, without the page around it), then enlarged 2x and 3x
#: (tesseract reads 20-30 px capitals best; a fax prints 9-18). On the devset a 3x read
#: changed no outcome over 1x and 2x alone, but three readings agreeing is a stricter vote,
#: for 0.03 s a page. Blurring the enlarged fax's jagged edges cost a right value there.
SCALES: tuple[int, ...] = (1, 2, 3)
#: Space around the value's words, in heights of its line: the glyphs' own edges, no more.
_MARGIN = 0.35
#: White border around each crop, in pixels: tesseract misreads glyphs touching the edge.
_BORDER = 10
#: Rules are lifted from a band around the crop this many line heights wide, so a table's
#: border beside or under the value is long enough there to be told from a glyph's stroke.
_BAND = 6
#: Seconds of tesseract per crop read: a crop takes ~0.01 s.
_SECONDS_PER_CROP = 2.0

#: Characters each shape may print; a date with a month name is read without a list.
_NUMBERS = string.digits + "/-.,"
_CODES = string.ascii_uppercase + string.digits + "-."
_WHITELISTS: Mapping[Kind, str] = {
    "npi": _NUMBERS,
    "member_id": _CODES,
    "date": _NUMBERS,
    "icd10": _CODES,
    "hcpcs": _CODES,
    "phone": _NUMBERS,
    "zip": _NUMBERS,
}


@dataclass(frozen=True)
class Reading:
    """A value as read from one text, and whether it passes the check of its kind (always,
    for a kind without one)."""

    #: What readings are compared by (a member ID in capitals).
    value: Any
    passes: bool
    #: The value as the contract stores it.
    stored: Any = None
    #: The text it was read from.
    text: str = ""


Reader = Callable[[str], Reading | None]


@dataclass(frozen=True)
class Outcome:
    how: Literal["agreed", "checked", "outvoted", "misread", "disputed", "unread"]
    reading: Reading
    confidence: float


@dataclass(frozen=True)
class Target:
    path: str
    kind: Kind
    found: Found[Any]
    #: The box of the words the value was read from, as fractions of the page.
    box: BBox
    #: The OCR confidence of those words alone.
    confidence: float
    whitelist: str
    read: Reader
    first: Reading
    #: A value read well, read again only to catch a digit the fax turned into another.
    spot: bool = False

    @property
    def scales(self) -> tuple[int, ...]:
        return SPOT_SCALES if self.spot else SCALES


@dataclass(frozen=True)
class Reread:
    #: The evidence of every value read again, with its confidence as the readings settled it.
    evidence: dict[str, Found[Any]]
    #: The paths whose value the second pass changed; each has a flag.
    changed: frozenset[str]
    flags: list[Flag]


def reread_doubtful(
    pages: Sequence[ReadPage], evidence: Mapping[str, Found[Any]], reference: date
) -> Reread:
    """Read doubtful values again from their crops of the page images (see the module doc).

    ``reference`` is the day the fax was received, for the readers' dates.
    """
    by_number = {read.page.number: read for read in pages}
    targets = []
    for path, found in evidence.items():
        source = by_number.get(found.page)
        kind = kind_of(path)
        if source is None or kind is None or source.page.source != "ocr":
            continue
        target = _target(path, kind, found, source.page, _reader(path, kind, reference))
        if target is not None:
            targets.append(target)
    if not targets:
        return Reread({}, frozenset(), [])
    texts = _read_crops(targets, by_number)
    settled: dict[str, Found[Any]] = {}
    changed: set[str] = set()
    flags: list[Flag] = []
    for target, lines in zip(targets, texts, strict=True):
        if not lines:
            continue
        first = target.first
        readings = [target.read(text) for text in lines]
        if target.spot:
            checked = spot_check(first, readings)
            if checked is None:
                continue
            outcome = checked
        else:
            outcome = settle(first, readings, target.confidence)
        if outcome.reading.value != first.value and target.path not in SCALAR_KINDS:
            # A listed code carries its code set's description: it is doubted, not replaced.
            outcome = Outcome("disputed", first, min(outcome.confidence, DISPUTED_CONFIDENCE))
        settled[target.path] = _settled(target, outcome)
        if outcome.reading.value != first.value:
            changed.add(target.path)
            flags.append(_flag(target.path, outcome.how))
    return Reread(settled, frozenset(changed), flags)


def read_counts(pages: Sequence[ReadPage], cells: Sequence[CountCell]) -> list[int | None]:
    """Each table count cell that gave no count, read again alone as a line of digits at
    every scale: its count when the readings that give one agree and are at least two, as a
    vote; else None. A lone "1" between a table's rules is what tesseract drops on a page."""
    by_number = {read.page.number: read for read in pages}
    scanned = [
        at
        for at, cell in enumerate(cells)
        if cell.page in by_number and by_number[cell.page].page.source == "ocr"
    ]
    crops = [(cells[at].page, cells[at].cell, SCALES, string.digits) for at in scanned]
    counts: list[int | None] = [None] * len(cells)
    for at, texts in zip(scanned, _crop_texts(crops, by_number), strict=True):
        read = [digits for text in texts if (digits := text.replace(" ", ""))]
        if len(read) >= _COUNT_VOTES and len(set(read)) == 1 and len(read[0]) <= 3:
            counts[at] = int(read[0]) or None
    return counts


#: Readings of a count cell that must give the same count.
_COUNT_VOTES = 2


def kind_of(path: str) -> Kind | None:
    head, _, index = path.partition(".")
    if index.isdigit():
        return LIST_KINDS.get(head)
    return SCALAR_KINDS.get(path)


def settle(first: Reading, others: Sequence[Reading | None], confidence: float) -> Outcome:
    """What to make of a first reading and the second pass's readings of the same crop."""
    read = [other for other in others if other is not None]
    if not read:
        return Outcome("unread", first, confidence)
    if all(other.value == first.value for other in read):
        if len(read) < AGREED_READINGS:
            return Outcome("unread", first, confidence)
        return Outcome("agreed", first, max(confidence, AGREED_CONFIDENCE))
    passing = {other.value: other for other in read if other.passes}
    if not first.passes and len(passing) == 1:
        return Outcome("checked", next(iter(passing.values())), confidence)
    unanimous = len(read) == len(others) and len({other.value for other in read}) == 1
    if confidence < OUTVOTED_BELOW and unanimous and read[0].passes:
        return Outcome("outvoted", read[0], confidence)
    return Outcome("disputed", first, min(confidence, DISPUTED_CONFIDENCE))


def _digits_only(text: str) -> bool:
    """Whether a value prints digits and separators only (a phone's brackets too)."""
    return any(c.isdigit() for c in text) and all(c in _NUMBERS + "()+ " for c in text)


def spot_check(first: Reading, others: Sequence[Reading | None]) -> Outcome | None:
    """What to make of a value read well and the second pass's readings of its crop: None
    when none of them reads one of its digits as a look-alike of the printed one.

    Readings that differ otherwise (a digit dropped, a 2 read as 7) are the enlarged crop's
    own noise, which on faxes is as common as a real misread, and are not heard."""
    alike = [o for o in others if o is not None and o.value != first.value and _alike(first, o)]
    if not alike:
        return None
    if len(alike) == len(others) and len({o.value for o in alike}) == 1 and alike[0].passes:
        return Outcome("misread", alike[0], CONTESTED_CONFIDENCE)
    return Outcome("disputed", first, CONTESTED_CONFIDENCE)


def _alike(first: Reading, other: Reading) -> bool:
    return is_misread_copy(str(first.value), str(other.value))


def _settled(target: Target, outcome: Outcome) -> Found[Any]:
    found = target.found
    if outcome.reading.value == _comparable(target.kind, _stored(found)):
        if found.confidence < target.confidence:
            # Something other than the print doubted the value (a weaker word beside it in its
            # evidence, or another caption giving it differently): a reading cannot lift that.
            return replace(found, confidence=min(found.confidence, outcome.confidence))
        return replace(found, confidence=outcome.confidence)
    reading = outcome.reading
    return Found(reading.stored, found.page, target.box, outcome.confidence, reading.text)


#: Why a value was changed, by how the readings settled it. The messages name no value: the
#: evidence box shows the print.
_CHANGED_BECAUSE = {
    "checked": (
        "the first reading failed its check and a second reading of a sharper crop passes it; "
        "compare it with the page, since the print itself may fail the check"
    ),
    "outvoted": (
        "the first reading was barely legible and every second reading of a sharper crop "
        "gave this value; compare it with the page"
    ),
    "misread": (
        "every second reading of a sharper crop gave a digit as another that a fax prints "
        "alike; compare it with the page"
    ),
}


def _flag(path: str, how: str) -> Flag:
    return Flag(field=path, code=FlagCode.CODE_REPAIRED, message=_CHANGED_BECAUSE[how])


def _target(path: str, kind: Kind, found: Found[Any], page: Page, read: Reader) -> Target | None:
    first = _first(found, read)
    if first is None:
        return None
    words = _value_words(_words_in(page, found.bbox), read, first)
    if not words:
        return None
    confidence = min(w.conf for w in words)
    # The value's own words decide: the rest of its evidence (a label, a row) is not re-read.
    spot = confidence >= REREAD_BELOW and first.passes
    if spot and not _spot_checked(path, confidence):
        return None
    if spot and not _digits_only(" ".join(w.text for w in words)):
        # Look-alikes are told apart among digits only (``digit_misreads``).
        return None
    whitelist = _WHITELISTS[kind]
    if kind == "date" and any(c.isalpha() for c in found.text):
        whitelist = ""
    if spot:
        whitelist = _NUMBERS  # the print has no letter for a second read to find
    box = union([w.bbox for w in words])
    return Target(path, kind, found, box, confidence, whitelist, read, first, spot)


def _spot_checked(path: str, confidence: float) -> bool:
    """Whether a value read well and passing its check is still worth a second read: one of
    digits no check catches, read above the bar under which the clerk is asked anyway."""
    if path not in SPOT_PATHS:
        return False
    bar = KIND_BARS.get(doubt_kind(path), DEFAULT_BAR)
    return bar is not None and confidence >= bar


def _first(found: Found[Any], read: Reader) -> Reading | None:
    """The first pass's reading of a value: None when its text does not read as the value
    (a value pieced together from several places, say), so there is nothing to compare."""
    first = read(found.text)
    stored = _stored(found)
    if first is None or first.stored != stored:
        # A code's finder reads it with the help of its row; the row's code is the value.
        return None
    return first


def _stored(found: Found[Any]) -> Any:
    # A diagnosis or procedure is compared by its code.
    return getattr(found.value, "code", found.value)


def _words_in(page: Page, box: BBox) -> list[Word]:
    # Boxes are unions of these very words: containment needs only a rounding allowance.
    slack = 1e-6
    return sorted(
        (
            w
            for w in page.words
            if w.bbox[0] >= box[0] - slack
            and w.bbox[1] >= box[1] - slack
            and w.bbox[2] <= box[2] + slack
            and w.bbox[3] <= box[3] + slack
        ),
        key=lambda w: (w.line, w.bbox[0]),
    )


def _value_words(words: list[Word], read: Reader, first: Reading) -> list[Word]:
    """The fewest neighbouring words that read as the value: a value's evidence may be its
    whole line, and a label or another column in the crop would be read with it."""
    for count in range(1, len(words) + 1):
        for start in range(len(words) - count + 1):
            run = words[start : start + count]
            reading = read(" ".join(w.text for w in run))
            if reading is not None and reading.value == first.value:
                return run
    return words


def _read_crops(targets: Sequence[Target], pages: Mapping[int, ReadPage]) -> list[list[str]]:
    """Each target's text in every pass (none when tesseract failed on its crop)."""
    crops = [(t.found.page, t.box, t.scales, t.whitelist) for t in targets]
    return _crop_texts(crops, pages)


def _crop_texts(
    crops: Sequence[tuple[int, BBox, tuple[int, ...], str]], pages: Mapping[int, ReadPage]
) -> list[list[str]]:
    """The text of each (page, box, scales, characters) crop at each of its scales; none when
    tesseract failed on it. Each page is decoded once for all its crops."""
    images: dict[int, Image.Image] = {}
    texts: list[list[str]] = []
    for number, box, scales, whitelist in crops:
        if number not in images:
            images[number] = pages[number].grey()
        crop = _crop(images[number], box)
        scaled = [_enlarged(crop, scale) for scale in scales]
        try:
            lines = tesseract.recognize_lines(scaled, _SECONDS_PER_CROP, whitelist)
        except OcrError:
            # No second opinion: the first reading stands as it was.
            lines = []
        texts.append([" ".join(word.text for word in line) for line in lines])
    return texts


def _crop(page: Image.Image, box: BBox) -> Image.Image:
    """The value's box with a margin, from a copy of the band around it without rules."""
    width, height = page.size
    x0, y0, x1, y1 = box[0] * width, box[1] * height, box[2] * width, box[3] * height
    line = max(1.0, y1 - y0)
    band = _clamped(page, (x0, y0, x1, y1), _BAND * line)
    inner = _clamped(page, (x0, y0, x1, y1), _MARGIN * line)
    cleaned = without_rules(page.crop(band))
    return cleaned.crop(
        (inner[0] - band[0], inner[1] - band[1], inner[2] - band[0], inner[3] - band[1])
    )


def _clamped(
    page: Image.Image, box: tuple[float, float, float, float], margin: float
) -> tuple[int, int, int, int]:
    width, height = page.size
    return (
        max(0, int(box[0] - margin)),
        max(0, int(box[1] - margin)),
        min(width, int(box[2] + margin) + 1),
        min(height, int(box[3] + margin) + 1),
    )


def _enlarged(crop: Image.Image, scale: int) -> Image.Image:
    image = crop
    if scale > 1:
        image = crop.resize((crop.width * scale, crop.height * scale), Image.Resampling.LANCZOS)
    return ImageOps.expand(image, _BORDER, fill=255)


def _reader(path: str, kind: Kind, reference: date) -> Reader:
    """The reader of the first pass for this path, answering a comparable Reading."""
    if kind == "icd10":
        return _code_reader(repair_icd10, lambda code: icd10.lookup(code) is not None)
    if kind == "hcpcs":
        return _code_reader(repair_hcpcs, lambda code: hcpcs.lookup(code) is not None)
    read: Callable[[str, date], Any] = _zip if kind == "zip" else READERS[path]

    def reading(text: str) -> Reading | None:
        value = read(text, reference)
        if value is None:
            return None
        if kind == "date":
            # Only a year no order carries ("2825") is a misread worth a second look; an old
            # but real date is the rules' to flag, not OCR's to re-read.
            passes = value.plausible or abs(value.date.year - reference.year) <= NEAR_YEARS
            return Reading(value.date, passes, value.date, text)
        return Reading(_comparable(kind, value), _passes(kind, value), value, text)

    return reading


def _passes(kind: Kind, value: str) -> bool:
    """An NPI's check digit; a ZIP's prefix, which is some state's (or territory's)."""
    if kind == "npi":
        return is_valid_npi(value)
    if kind == "zip":
        return any(zip_fits_state(value, state) for state in STATES)
    return True


def _zip(text: str, _reference: date) -> str | None:
    """The ZIP read from a crop of the member's postal code."""
    return zip_code(text)


def _comparable(kind: Kind, value: Any) -> Any:
    # Member IDs are printed in capitals; OCR's lower-case letter is the same character.
    return value.upper() if kind == "member_id" and isinstance(value, str) else value


def _code_reader(repair: Callable[[str], str | None], exists: Callable[[str], bool]) -> Reader:
    def reading(text: str) -> Reading | None:
        for token in text.split():
            code = repair(token.strip("()[]|,.;:"))
            if code is not None:
                return Reading(code, exists(code), code, text)
        return None

    return reading
