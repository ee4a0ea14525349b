"""Who the order is for, who wrote it, who pays, and its dates: the "parties" fields.

Labelled values (``labels``) come first, sentences in letters (``narrative``) second. A
fax cover sheet gives nothing (it names sender and recipient, not the patient's record),
nor does the fax machine's header line (its date is the transmission date).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from itertools import chain, dropwhile, pairwise, takewhile
from typing import Any, Literal

from extractors.codes import mbi
from extractors.extract.captions import (
    DISTRACTOR_RANK,
    STRUCK_LETTERS,
    Captioned,
    caption_party,
    caption_path,
    captioned_values,
    clinician_rank,
    glued_captions,
    is_caption_word,
    is_locality_caption,
    is_member_caption_word,
    names_another_date,
    plan_name_end,
    row_cells,
)
from extractors.extract.confidence import CONTESTED_CONFIDENCE, UNCONTESTED_PATHS
from extractors.extract.copies import is_misread_copy, printed_numbers, settle
from extractors.extract.cover import is_cover_sheet, is_fax_header_line
from extractors.extract.date_roles import DATE_ROLES
from extractors.extract.found import Found, found_from_words
from extractors.extract.header import header_numbers, stamped_numbers
from extractors.extract.labels import (
    LABELS_FILE,
    OTHER_PARTY,
    SIGNATURE,
    Candidate,
    Row,
    all_candidates,
    has_phrase,
    is_column_gap,
    is_separator,
    is_tick_box,
    letterhead_words,
    office_words,
    printed_rows,
    vocabulary,
)
from extractors.extract.narrative import find_mentions
from extractors.extract.plan_shape import plan_by_shape
from extractors.extract.shaped_npi import another_clinicians, nearer_npi, npi_by_shape
from extractors.extract.textlines import level_with
from extractors.normalize import (
    DateRole,
    find_dates,
    find_phones,
    parse_address,
    parse_date,
    parse_phone,
    split_person_name,
)
from extractors.normalize.lookalikes import (
    as_letters,
    digit_class,
    digit_translation,
    fold_label,
)
from extractors.normalize.name_frequencies import (
    given_share,
    is_listed,
    surname_share,
)
from extractors.normalize.name_mends import COMMON_SHARE, mended_name_word, near_spelling
from extractors.normalize.names import (
    CREDENTIALS,
    SURNAME_CREDENTIALS,
    SURNAME_PARTICLES,
    TITLES,
    PersonName,
)
from extractors.normalize.sex import SEX_WORDS, STATED_SEX
from extractors.normalize.specks import without_specks
from extractors.normalize.times import find_time
from extractors.normalize.us_states import STATES
from extractors.pages import Page, Word, line_words, union


@dataclass(frozen=True)
class FoundDate(Found[date]):
    """A date with its plausibility for its role, so rules can flag ``date_implausible``."""

    plausible: bool = True
    reason: str | None = None


_NAME_TOKEN = re.compile(r"^[A-Za-z][A-Za-z'.\-]*,?$")
_ID_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-.]{3,}[A-Za-z0-9]$")
_NPI = re.compile(r"(?<!\d)\d{10}(?!\d)")
_MARKS_ONLY = re.compile(r"^[^\w#]+$|^[^\w#]*_[_\W]*$")

Read = Callable[[str, date], Any]


@dataclass(frozen=True)
class _Source:
    text: str
    words: list[Word]
    page: Page
    #: The most confidence a value read from it may carry: one read by its shape, past
    #: captions unread, is for the clerk to check however well its words were read.
    most: float = 1.0


# OCR's stray marks around a name: "EUGENE HARRIS -'", "Schneider ~", "Johnson, |".
_NAME_NOISE = "|~_-'\"`©®°*•·\u201c\u201d{}[]"
#: A credential in brackets after a name: "(MD)", "(PA-C)", a fax's speck inside.
_BRACKETED_CREDENTIAL = re.compile(r"\([A-Za-z][A-Za-z.:\-]*\)")
#: The dot between a given name and its middle initial, read with no space: "Anne.M".
_GLUED_INITIAL = re.compile(r"(?<=[a-z]{2})\.(?=[A-Z]$)")
#: Marks alone inside a name that are noise: a cell rule, a speck ("JOHNSON,. Edward").
_INNER_NOISE = frozenset({"|", "."})


def _clean_name_text(text: str) -> str:
    # A fax reads the comma of "VAN BUREN, THUY" as a semicolon.
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace(";", ",")
    tokens = text.replace(",", ", ").split()
    # Marks alone at either end are noise; inside, only a cell rule "|" is ("Smith, | John"),
    # as "Physician Order - Medical Equipment" is a title, not a name.
    # A token with no letter at either end is a speck ("Lee :", "Kenneth Lee 7"): no name
    # holds a digit.
    while tokens and not any(c.isalpha() for c in tokens[-1]):
        tokens.pop()
    while tokens and not any(c.isalnum() for c in tokens[0]):
        tokens.pop(0)
    if len(tokens) > 1 and glued_captions(tokens[0]) is not None:
        tokens.pop(0)  # "Patientname Maria T. Esposito": its caption, the space lost
    # "Gonzales, James S (MD)": a credential in brackets ends the name; what follows on the
    # line is the next cell's ("(DO) Type 1 NPI"), and a speck inside it ("PA-:C") is OCR's.
    bracketed = [at for at, t in enumerate(tokens) if _is_bracketed_credential(t)]
    if bracketed and bracketed[0] > 0:
        tokens = tokens[: bracketed[0] + 1]
        tokens[-1] = tokens[-1][1:-1].replace(":", "")
    elif tokens and re.fullmatch(r"\([A-Za-z.\-]+\)", tokens[-1]):
        tokens[-1] = tokens[-1][1:-1]  # any last word in brackets, read as printed
    elif (opened := _bracketed_note(tokens)) is not None:
        tokens = tokens[:opened]
    # "Christopher.J": a middle initial OCR glued to the given name by its dot.
    tokens = [part for t in tokens for part in _GLUED_INITIAL.sub(" ", t).split()]
    tokens = [t.strip(_NAME_NOISE) if len(t) > 1 else t for t in tokens if t not in _INNER_NOISE]
    if tokens and len(tokens[-1]) > 4 and tokens[-1].endswith("."):
        tokens[-1] = tokens[-1].rstrip(".")  # "WASHINGTON.": a speck; "Jr." keeps its dot
    return " ".join(t for t in tokens if t).replace(" ,", ",")


def _bracketed_note(tokens: list[str]) -> int | None:
    """Where a note of several words in brackets after a name opens ("Ingrid Halvorsen, MD
    (Infectious Disease)", "Dana Wu (covering for Dr. Ames)"): the name ends before it."""
    for at, token in enumerate(tokens[_MIN_NAME_WORDS:], _MIN_NAME_WORDS):
        if token.startswith("(") and ")" not in token:
            return at if tokens[-1].endswith(")") else None
    return None


def _is_bracketed_credential(token: str) -> bool:
    return bool(_BRACKETED_CREDENTIAL.fullmatch(token)) and (
        re.sub(r"[^A-Za-z]", "", token).upper() in CREDENTIALS
    )


def _name(text: str) -> PersonName | None:
    """A person's name, refusing text that holds label words or is not name-shaped."""
    text = _clean_name_text(text)
    tokens = text.replace(",", ", ").split()
    specs = vocabulary().specs
    if not 2 <= len(tokens) <= 6 or not all(_NAME_TOKEN.match(t) for t in tokens):
        return None
    if not tokens[0][:1].isupper() or _holds_label(tokens, specs):
        return None
    if any(fold_label(t.strip(",.:")) in _label_words() for t in tokens):
        return None  # a label OCR misread: "Patlent's Name"
    if any(is_member_caption_word(t) for t in tokens):
        return None  # a caption read as the name: "DEMOGRAPHICS Person", "Covered porscn"
    if all(len(t.strip(",.")) <= 2 and t.isupper() for t in tokens) or _boxed_credentials(tokens):
        return None  # "PT OT ST": a row of abbreviations (disciplines, credentials)
    if has_phrase(text, letterhead_words()[0]):
        return None  # "Lakeshore Medical Supply": a supplier, not a person
    titles = letterhead_words()[1]
    if all(t.strip(",.:").lower() in titles for t in tokens):
        return None  # "PHYSICIAN ORDER FORM": the rest of the form's title
    if any(t.lower() == "and" for t in tokens):
        return None  # "ATTESTATION AND SIGNATURE": a heading's words, no person's name
    parsed = split_person_name(text)
    if parsed is None or not parsed.first or not parsed.last:
        return None
    if _credential_as_name(parsed, text) or not parsed.last.split()[-1][:1].isupper():
        return None  # "NP PA CNS": a row of tick legends; "Dole siqned": a misread caption
    # A surname of one letter is an initial or a speck, not the name.
    return parsed if len(parsed.last.strip(".")) > 1 else None


def _miscased_word(word: str) -> bool:
    """Whether a word's case is one no printed name has: "WAnncn" (capitals, then lower case
    after two of them) is OCR's misreading of "WARREN"; "McDonald", "DeLuca" are printed."""
    letters = [c for c in word if c.isalpha()]
    return (
        len(letters) > 2
        and letters[0].isupper()
        and letters[1].isupper()
        and any(c.islower() for c in letters[2:])
    )


def _miscased(name: PersonName) -> bool:
    return any(_miscased_word(w) for part in (name.first, name.last) for w in (part or "").split())


def _same_name_well_cased(
    sources: Sequence[_Source], hit: tuple[PersonName, _Source]
) -> tuple[PersonName, _Source]:
    """The same person read elsewhere without OCR's case damage ("SHAWN WAnncn" on page 1,
    "SHAWN WARREN" on page 2): the first name, or the surname, the same, the other well-cased."""
    name = hit[0]
    for source in sources:
        other = _name(source.text)
        if other is None or _miscased(other):
            continue
        if (other.first or "").lower() == (name.first or "").lower() or (
            other.last or ""
        ).lower() == (name.last or "").lower():
            return other, source
    return hit


def _boxed_credentials(tokens: list[str]) -> bool:
    """Whether the words are a row of tick boxes before credentials, each box read as a
    letter or two glued to its legend ("[ ]NP [ ]PA [ ]CNS" read as "ONP COPA DICNS")."""
    words = [t.strip(",.") for t in tokens if any(c.isalpha() for c in t)]
    return len(words) >= 2 and all(
        word.isupper() and any(word[glued:] in CREDENTIALS for glued in (1, 2)) for word in words
    )


def _credential_as_name(name: PersonName, text: str) -> bool:
    """Whether a credential was taken for a given name or a surname: a credential is never
    a name. One that is also a surname ("Do", "Pa") counts only when printed in capitals
    among words that are not ("Contreras DO")."""
    shouted = {t.strip(",.") for t in text.split() if t.isupper()}
    for part in (name.first, name.last):
        key = re.sub(r"[.\-]", "", part or "").upper()
        if key in CREDENTIALS and (
            key not in SURNAME_CREDENTIALS or (key in shouted and not text.isupper())
        ):
            return True
    return False


def _holds_label(tokens: list[str], specs: Mapping[str, object]) -> bool:
    """Whether any run of the tokens is a label ("Birth Dt", "Sex"): a label is no name."""
    words = [t.strip(",.:").lower() for t in tokens]
    return any(
        " ".join(words[start:end]) in specs
        for start in range(len(words))
        for end in range(start + 1, len(words) + 1)
    )


@cache
def _label_words() -> frozenset[str]:
    """Label words that never stand in a person's name, folded so a misread one still is."""
    single = {key for key in vocabulary().specs if " " not in key}
    return frozenset(fold_label(word) for word in {*single, "name", "name:"} if len(word) > 2)


def _date_reader(role: DateRole) -> Read:
    def read(text: str, reference: date) -> Any:
        spans = find_dates(text)
        return parse_date(spans[0][2], role, reference) if spans else None

    return read


def _phone(text: str, _reference: date) -> str | None:
    # OCR reads a phone's dots as commas: "915,497,2430".
    text = re.sub(r"(?<=\d),(?=\d)", ".", text)
    spans = find_phones(text) or _leading_phone(text)
    return parse_phone(spans[0][2]) if spans else None


def _leading_phone(text: str) -> tuple[tuple[int, int, str], ...]:
    """The number at the head of a run of two printed with only spaces between ("916
    280-5723 773 372-3311", a row of boxes' values), which is read as neither whole."""
    words = text.split()
    for size in range(1, min(len(words), _MAX_PHONE_WORDS) + 1):
        if spans := find_phones(" ".join(words[:size])):
            return spans
    return ()


#: The most words a printed phone number takes: "+1 (817) 708 9602".
_MAX_PHONE_WORDS = 4


def _sex(text: str, _reference: date) -> str | None:
    # Marks at a word's ends are a box's rules or specks ("Sex , \\F ."), never the value.
    words = [word for w in text.split() if (word := _EDGE_MARKS.sub("", w).lower())]
    if {STATED_SEX.get(w) for w in words} >= {"M", "F"}:
        return None  # "M F": both boxes' legends, and which is ticked is the boxes' to say
    return SEX_WORDS.get(words[0]) if words else None


def _identifier(text: str, _reference: date) -> str | None:
    first = text.split()[0] if text.split() else ""
    if first[:1] and first[0] in STRUCK_LETTERS and first[1:2].isalpha():
        # A sign before a letter is no currency but a letter with a stroke across it
        # ("$C200418773" of SC200418773); ``confidence`` asks the clerk to check it.
        first = as_letters(first[0]) + first[1:]
    # Marks at either end are the label's or OCR's ("#", "1DP8EY4KT52°"), never the ID's.
    token = _EDGE_MARKS.sub("", first)
    return token if _ID_TOKEN.match(token) and any(c.isdigit() for c in token) else None


_EDGE_MARKS = re.compile(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$")


def _member_id(text: str, reference: date) -> str | None:
    # A table's cell rule or a speck before the value ("| XMV372735818 |") is no part of it.
    parts = list(dropwhile(lambda part: not any(c.isalnum() for c in part), text.split()))
    if parts and _is_printed_phone(parts[0]):
        return None  # "817.708.9602": the phone of the column beside, never an ID
    text = " ".join(parts)
    spaced = _spaced_mbi(parts)
    if spaced is not None:
        return spaced
    if len(parts) > 1 and _spaced_prefix(parts[0], tail := _EDGE_MARKS.sub("", parts[1])):
        return parts[0] + tail  # "RNY 546453166": a plan's prefix printed apart
    grouped = _grouped_id(parts)
    if grouped is not None:
        return grouped
    token = _identifier(text, reference)
    if token is None:
        return None
    member_id = _prefixed_digits(_mbi(token))
    # Bare: "12." is the next box's number.
    suffix = parts[1] if len(parts) == _WITH_SUFFIX else ""
    if member_id is not None and parts[0] == token and _MEMBER_SUFFIX.fullmatch(suffix):
        return member_id + suffix  # "U88491203 01": the card's person code, printed apart
    return member_id


#: An ID followed by only a two-digit person code, the member's number on a family's card.
_WITH_SUFFIX = 2
_MEMBER_SUFFIX = re.compile(r"\d{2}")


def _spaced_mbi(parts: list[str]) -> str | None:
    """An MBI OCR read as two or three parts: a space it set inside ("2R7 1WP8WY68"), or the
    card's three groups ("1PH5-UP 1-WF 47" of "1PH5-UP1-WF47"); the fewest parts first."""
    for count in range(2, _MBI_GROUPS + 1):
        if len(parts) >= count and _MBI.fullmatch(
            joined := _mbi(_EDGE_MARKS.sub("", "".join(parts[:count])))
        ):
            return joined
    return None


#: An MBI is printed in three groups of characters ("1EG4-TE5-MK73").
_MBI_GROUPS = 3


def _is_printed_phone(token: str) -> bool:
    """Whether a token is a phone number printed as one, its digits in groups ("817.708.9602");
    ten digits in a run may be a plan's number and are left to the caption."""
    if token.isdigit():
        return False
    spans = find_phones(token)
    return bool(spans) and len(spans[0][2]) >= len(token.strip(_PHONE_EDGES))


#: Marks a phone's print may open or close with beside its digits: "(817)", "9602.".
_PHONE_EDGES = ".,;:"


def _spaced_prefix(head: str, tail: str) -> bool:
    """Whether ``head`` is a plan's letter prefix printed apart from the number ``tail``."""
    return (
        _SPACED_PREFIX.fullmatch(head) is not None
        and not is_caption_word(head)
        and tail.isdigit()
        and len(tail) >= _MIN_SPACED_TAIL
    )


def _grouped_id(parts: list[str]) -> str | None:
    """A member ID printed in groups as a plan's card prints it ("CFB 7723 0119 4", "449 201
    337"): maybe a letter prefix, then two or more groups of digits that together are an ID's
    length. A longer first number is the ID ("123456789 01", its person code after it)."""
    words = [_EDGE_MARKS.sub("", part) for part in parts]
    prefix = words[0] if words and _SPACED_PREFIX.fullmatch(words[0]) else ""
    if words and (glued := _GLUED_PREFIX.fullmatch(words[0])):
        # The prefix glued to the first group ("W284 119 3726").
        prefix, words = glued.group(1), [glued.group(2), *words[1:]]
    groups = list(takewhile(_ID_GROUP.fullmatch, words[1 if prefix and not glued else 0 :]))
    digits = "".join(groups)
    if len(groups) < 2 or not _MIN_SPACED_TAIL <= len(digits) <= _MAX_GROUPED_DIGITS:
        return None
    return prefix + digits


#: A group of a member ID printed in groups, and the most digits such an ID holds (more is
#: two numbers side by side).
_ID_GROUP = re.compile(r"\d{1,5}")
_MAX_GROUPED_DIGITS = 14

#: A plan's letter prefix printed apart from the member's number ("RNY 546453166"), and
#: the fewest digits such a number has.
_SPACED_PREFIX = re.compile(r"[A-Z]{2,4}")
#: A plan's letter prefix and the first group of digits, printed as one ("W284").
_GLUED_PREFIX = re.compile(r"([A-Z]{1,4})(\d{1,5})")
_MIN_SPACED_TAIL = 6
#: A plan's member ID of a short letter prefix and digits ("H015612818"), where OCR reads a
#: 0 after the prefix as the letter O ("HO15612818").
_PREFIXED_DIGITS = re.compile(rf"([A-Z]{{0,3}}?)([0-9{digit_class('same_shape')}]{{6,}})")
#: Only the glyphs printed with a digit's own shape: the tail is a plan's own number, not a
#: field whose shape demands digits.
_AS_ID_DIGIT = digit_translation("same_shape")


def _prefixed_digits(token: str) -> str:
    match = _PREFIXED_DIGITS.fullmatch(token)
    if match is None or sum(c.isdigit() for c in match.group(2)) < 5:
        return token
    return match.group(1) + match.group(2).translate(_AS_ID_DIGIT)


_MBI = mbi.PATTERN
#: The letters an MBI never uses: anywhere in an MBI, each is OCR's look-alike of a digit.
_MBI_NEVER = "BILOSZ"
_MBI_DIGITS = digit_translation("slot", among=_MBI_NEVER)
#: Which of an MBI's eleven characters are always digits.
_MBI_DIGIT_SLOTS = (True, False, False, True, False, False, True, False, False, True, True)
#: Where an MBI holds only a digit, any letter that looks like one is that digit.
_AS_SLOT_DIGIT = digit_translation("slot")


def _mbi(token: str) -> str:
    """An MBI read through OCR damage, or the token as it stands when none fits.

    The letters an MBI never holds are read as their digits, and dashes and dots inside it
    ("1EG4-TE5-MK73", "4KP8AW6.JN70") are dropped.
    """
    if _MBI.fullmatch(token):
        return token
    raw = re.sub(r"[-.]", "", token).upper()
    if len(raw) == len(_MBI_DIGIT_SLOTS) + 1:
        # One character too many: a speck read as a letter no MBI holds, before the MBI or
        # inside it ("S5CF1YE5UQ12", "3KQ3HK8TIJ78"). Taken only when one such letter
        # leaves an MBI; the clerk is asked to check it (``confidence``).
        fits = {
            fit
            for at, char in enumerate(raw)
            if char in _MBI_NEVER and _MBI.fullmatch(fit := _mbi(raw[:at] + raw[at + 1 :]))
        }
        return fits.pop() if len(fits) == 1 else token
    bare = raw.translate(_MBI_DIGITS)
    if len(bare) == len(_MBI_DIGIT_SLOTS) and not _MBI.fullmatch(bare):
        # Where an MBI holds only a digit, a letter is OCR's look-alike ("GU16..." is 6U16).
        bare = "".join(
            c.translate(_AS_SLOT_DIGIT) if digit else c
            for c, digit in zip(bare, _MBI_DIGIT_SLOTS, strict=True)
        )
    if len(bare) == len(_MBI_DIGIT_SLOTS) and not _MBI.fullmatch(bare):
        # Where an MBI holds only a letter, a digit is OCR's look-alike of the one MBI
        # letter it may stand for ("3347DP5MC05" is 3J47...): a J's lost hook reads 3.
        bare = "".join(
            _as_mbi_letter(c) if _MBI_LETTER_SLOTS[at] else c for at, c in enumerate(bare)
        )
    return bare if _MBI.fullmatch(bare) else token


#: Which of an MBI's eleven characters are always letters.
_MBI_LETTER_SLOTS = (False, True, False, False, True, False, False, True, True, False, False)


def _as_mbi_letter(char: str) -> str:
    """The one letter an MBI uses that ``char`` may be OCR's look-alike of, else ``char``."""
    letters = [c for c in as_letters(char) if re.fullmatch(f"[{mbi.LETTER}]", c)]
    # A digit or a mark: a J that lost its hook reads 3, "]" or "}".
    return letters[0] if not char.isalpha() and len(letters) == 1 else char


def _npi(text: str, _reference: date) -> str | None:
    match = _NPI.search(re.sub(r"(?<=\d)[ \-](?=\d)", "", text))
    return match.group() if match else None


def _free_text(text: str, _reference: date) -> str | None:
    # A cell's rule or a fax's speck read as marks of their own: "—_— UnitedHealthcare".
    value = " ".join(_trim_marks(without_specks(text).split())).strip(" ,;:.-")
    if _not_given(value):
        return None  # "Insurance: Unknown": the box is empty
    return value if value and any(c.isalpha() for c in value) and len(value) <= 80 else None


def _not_given(value: str) -> bool:
    """Whether a value opens with the word a form's writer puts in a box left without one
    (what follows it is the next box's: "Unknown    Secondary insurance: None")."""
    words = re.findall(r"[a-z]+", value.lower())
    return any(" ".join(words[:size]) in _not_given_words() for size in range(1, 4))


@cache
def _not_given_words() -> frozenset[str]:
    values = tomllib.loads(LABELS_FILE.read_text(encoding="utf-8"))["not_given"]["values"]
    return frozenset(" ".join(re.findall(r"[a-z]+", value.lower())) for value in values)


def _name_part(text: str, _reference: date) -> str | None:
    """The first word of a "First name" or "Last name" box, when it is name-shaped and not
    the caption of the next box ("Last  First  D/O/B" read across a band of captions)."""
    # A bracket glued to the word is OCR's reading of the box's edge: "Thu)".
    words = [w.strip("()[]|") for w in without_specks(text).strip(" ,;:.-").split()]
    if not words or not _NAME_TOKEN.match(words[0]) or caption_path(words[0]) is not None:
        return None
    if words[0].islower():
        return None  # a name is printed capitalised: "poe" is the next box's "DOB", misread
    if any(is_caption_word(w) for w in words[1:2]):
        return None  # "Fpirth date.": the next box's caption, misread, not a name
    if any(char.isdigit() for w in words[1:2] for char in w):
        return None  # "Last A1c 9.4 %", "Last visit 09/18": a measure, no box of a name
    return words[0].rstrip(",")


def _trim_marks(tokens: list[str]) -> list[str]:
    while tokens and _MARKS_ONLY.match(tokens[0]):
        tokens = tokens[1:]
    while tokens and _MARKS_ONLY.match(tokens[-1]):
        tokens = tokens[:-1]
    return tokens


def _address(text: str, reference: date) -> dict[str, str | None] | None:
    # A line of only a phone number under an address is the phone, not a unit.
    if any(not any(c.isalpha() for c in ln) and _phone(ln, reference) for ln in text.split("\n")):
        return None
    if find_dates(text):
        return None  # no address holds a date: the run took in another row ("Birth 1/2/45")
    # OCR's lone marks at a line's ends (": , Knoxville", "Street __", "#10 .") are specks.
    # "Address 1: 741 Saunders Cove": the caption's line number is no house number.
    text = _LINE_NUMBER.sub("", text.lstrip())
    text = "\n".join(_captions_as_breaks(ln) for ln in text.split("\n"))
    lines = [without_specks(" ".join(_trim_marks(ln.split()))) for ln in text.split("\n")]
    parsed = parse_address("\n".join(ln for ln in lines if ln))
    return None if parsed is None else parsed.model_dump()


def _captions_as_breaks(line: str) -> str:
    """``line`` with the captions of an address's city, state and ZIP printed inside it
    turned into line breaks, so they part the values rather than join the city: "12 Elm Rd
    city Dover st DE zip 19901", "12 Elm Rd City / State / Zip Dover, DE 19901"."""
    tokens = line.replace("/", " / ").split()
    inline = _has_inline_captions(tokens)
    out: list[str] = []
    at = 0
    while at < len(tokens):
        size = _caption_span(tokens, at) or int(
            inline and (_is_garbled_caption(tokens, at) or _box_opened(tokens, at) is not None)
        )
        out.append("\n" if size else tokens[at])
        at += size or 1
    return " ".join(out)


def _caption_span(tokens: list[str], at: int) -> int:
    """How many tokens from ``at`` make a city, state or ZIP caption (0 if none).

    A caption of several words ("City / State / Zip", "zip code") is one whatever its case.
    A lone caption word must be in the lower case a caption is printed in among capitalised
    values ("Dover st DE"), since "St", "State" and "City" are also parts of streets and
    towns ("12 Elm St", "Salt Lake City").
    """
    for size in range(min(_MAX_CAPTION_TOKENS, len(tokens) - at), 0, -1):
        span = tokens[at : at + size]
        text = " ".join(span)
        if not is_locality_caption(text):
            continue
        if size > 1:
            return size
        around = [*tokens[at - 1 : at][:1], *tokens[at + size : at + size + 1]]
        if text.islower() and not any(word.islower() for word in around):
            return size
    return 0


#: The most tokens a caption inside an address takes: "City / State / Zip code".
_MAX_CAPTION_TOKENS = 7


def _has_inline_captions(tokens: list[str]) -> bool:
    """Whether a one-row address prints its state and ZIP each after a lower-case caption,
    however OCR spelled them ("Dover sr DE zp 19901"): a short lower-case word just before
    "DE 19901", or between "DE" and "19901", can be nothing else."""
    return any(
        box == "zip" or (box == "state" and bool(_ZIP.fullmatch(" ".join(tokens[at + 2 : at + 3]))))
        for at in range(len(tokens))
        if (box := _box_opened(tokens, at)) is not None
    )


def _box_opened(tokens: list[str], at: int) -> Literal["state", "zip"] | None:
    """The box whose caption the caption-shaped token at ``at`` is: the state's before its
    code ("st CA"), the ZIP's between that code and a ZIP ("CA zip 90397"), whatever the
    town before it, which may itself have lost its capital ("eremyborough st CA")."""
    before, after = tokens[at - 1 : at][:1], tokens[at + 1 : at + 2]
    if not after or not _is_caption_shaped(tokens[at]):
        return None
    if _STATE.fullmatch(after[0]):
        return "state"
    return "zip" if before and _STATE.fullmatch(before[0]) and _ZIP.fullmatch(after[0]) else None


def _is_garbled_caption(tokens: list[str], at: int) -> bool:
    """Whether the token at ``at`` of a row printed with inline captions is one OCR garbled
    ("ciry", "gp"): a short lower-case word between capitalised values or numbers, where no
    town or street word is printed in lower case."""
    around = [*tokens[at - 1 : at][:1], *tokens[at + 1 : at + 2]]
    return _is_caption_shaped(tokens[at]) and not any(word.islower() for word in around)


def _is_caption_shaped(word: str) -> bool:
    return word.isalpha() and word.islower() and len(word) <= _MAX_GARBLED_CAPTION


#: The longest caption word of an address's inline captions: "city".
_MAX_GARBLED_CAPTION = 4
#: A state's code and a ZIP, as printed after an inline caption.
_STATE = re.compile(r"[A-Z]{2}")
_ZIP = re.compile(r"\d{5}(?:-\d{4})?")

#: The number of a caption's line left before its value: the "1: " of "Address 1: 12 Elm",
#: the "line 1: " of "Address line 1: 12 Elm".
_LINE_NUMBER = re.compile(r"^(?:line\s*)?\d:\s*", re.IGNORECASE)
#: "Clark, Sarah" or "Yamamoto, Elena PA-C": one word, a comma, a given name and maybe more.
_SURNAME_FIRST = re.compile(r"^[^\s,]+, \S+(?: \S+)?$")


def _organization(text: str, reference: date) -> str | None:
    # A practice's name, never a person's ("Laura Johnson, DO" under a letter), a speck, or
    # a number's line ("line (214) 989-2482" beside a practice caption).
    value = _free_text(text, reference)
    if value is None or not re.search(r"[A-Za-z]{3}", value) or find_phones(value):
        return None
    return None if _a_person(value) else value


#: A physician's title before a name: "Dr. Paul Gray" is a person, not a practice.
_DOCTOR = re.compile(r"^Dr\.?\s", re.IGNORECASE)


def _a_person(value: str) -> bool:
    """Whether a would-be practice's name is a person's: after "Dr.", with credentials, or
    surname first ("Clark, Sarah": a practice's comma comes later, "Northgate Health
    Partners, LLC")."""
    if _DOCTOR.match(value):
        return True
    person = _name(value)
    return person is not None and (bool(person.credentials) or bool(_SURNAME_FIRST.match(value)))


def _payer(text: str, reference: date) -> str | None:
    # "Anthem Blue Cross, group 744-16552": the plan's name ends at the comma, or at the
    # caption of its number ("Aetna Medicare Advantage Policy/ID no. U25986745").
    words = text.split(",")[0].split()
    value = _free_text(" ".join(words[: plan_name_end(words)]), reference)
    # A name has a word in it; "ke #" is a speck and a mark.
    if value is None or not re.search(r"[A-Za-z]{3}", value) or text.lstrip().startswith("/"):
        return None  # "HEALTH PLAN / PRODUCT": the caption's own second half
    words = value.split()
    if all(is_caption_word(w) for w in words) and (len(words) > 1 or value.islower()):
        return None  # "carrier", "Plan member # Responsible party": captions, not a plan
    if all(w.lower().strip(".:") in _COVERAGE_RANKS for w in words):
        return None  # a coverage column's "Primary" beside the plan's own column
    if _a_sentence(text):
        return None  # "... is aware of this plan. Please contact my office with any questions."
    return _joined_part(value)


def _a_sentence(text: str) -> bool:
    """Whether a text is a sentence of prose, no name: ending in its full stop, with more
    lower-case words than capitalised ones."""
    words = text.split()
    lower = sum(w[:1].islower() for w in words)
    full_stop = text.rstrip().endswith(".")
    return len(words) >= _SENTENCE_WORDS and full_stop and lower > len(words) / 2


#: The fewest words of a sentence a payer's caption may run on into.
_SENTENCE_WORDS = 4


#: Words that rank a plan among the patient's coverages, no plan's name.
_COVERAGE_RANKS = frozenset({"primary", "secondary", "tertiary", "supplemental", "1st", "2nd"})


#: A plan's part glued to its letter by a fax's lost space: "Medicare PartB".
_JOINED_PART = re.compile(r"\b(Part)([A-D])\b")


def _joined_part(value: str) -> str:
    """A plan's name with its part's letter apart from "Part", as plans print it."""
    return _JOINED_PART.sub(r"\1 \2", value)


READERS: dict[str, Read] = {
    **{path: _date_reader(role) for path, role in DATE_ROLES.items()},
    "member.sex": _sex,
    "member.member_id": _member_id,
    "member.phone": _phone,
    "member.address": _address,
    "payer.name": _payer,
    "payer.group_number": _identifier,
    "clinician.npi": _npi,
    "clinician.phone": _phone,
    "clinician.fax": _phone,
    "clinician.organization": _organization,
}


def _label_sources(candidate: Candidate, path: str) -> Iterable[_Source]:
    page = candidate.page
    if path == "member.address":
        # Every run of one to three lines, so "Name and Address" boxes yield their address.
        lines = candidate.lines
        for start in range(len(lines)):
            for stop in range(min(len(lines), start + 3), start, -1):
                words = [w for line in lines[start:stop] for w in line]
                yield _Source("\n".join(_text(line) for line in lines[start:stop]), words, page)
        return
    lines = candidate.lines
    if len(lines) > 1 and _is_label_tail(lines[0]):
        lines = lines[1:]  # "1. Patient's HI Claim" / "No." / the value
    below = path == "name" and candidate.layout == "below"
    if below and (named := _boxed_name(lines[0])):
        lines = [named, *lines[1:]]
    elif below and _in_caption_row(page, lines[0]):
        lines = lines[1:]  # a table's header row under a PATIENT heading: no name there
    if not lines:
        return
    if path == "name" and len(lines[0]) > _MIN_NAME_WORDS and lines[0][0].text.endswith(":"):
        lines = [lines[0][1:], *lines[1:]]  # "PATIENT" over "Name: Mary Kline"
    first = _before_next_caption(lines[0]) if path == "name" else lines[0]
    wraps = candidate.layout == "right" and len(lines) > 1
    if path in _WRAPPING and wraps and _is_wrap(first, lines[1]):
        # "Plan: Blue Cross Blue" / "Shield": a name wrapped under itself in its cell.
        joined = [*first, *lines[1]]
        yield _Source(f"{_text(first)} {_text(lines[1])}", joined, page)
    if path == "name" and len(lines) > 1:
        # "Garcia," / "Barbara": a name wrapped in its cell after the surname's comma.
        text = _clean_name_text(_text(first))
        if text.endswith(",") or len(text.split()) == 1:
            joined = [*first, *lines[1]]
            yield _Source(f"{text} {_text(lines[1])}", joined, page)
    yield _Source(_text(first), first, page)
    if path.endswith((".phone", ".fax")) and len(lines) > 1:
        # "Telephone: (225)" / "530-9063": a number wrapped in a narrow cell.
        joined = [*first, *lines[1]]
        yield _Source(f"{_text(first)} {_text(lines[1])}", joined, page)


_WRAPPING = frozenset({"payer.name", "clinician.organization"})

#: The paths that hold a party's phone or fax number.
_NUMBERS = frozenset({"member.phone", "clinician.phone", "clinician.fax"})


def _readers(received: frozenset[str]) -> dict[str, Read]:
    """``READERS``, their phone readers refusing the numbers a fax header stamped as the
    receiving machine's: that is the recipient's fax (a supplier's, an agency's), printed
    again on the order ("Send to: ... fax", "17a. FAX" of the servicing provider), and
    never the member's or the clinician's."""

    def refusing(read: Read) -> Read:
        def read_sender(text: str, reference: date) -> Any:
            value = read(text, reference)
            return None if value in received else value

        return read_sender

    return {path: refusing(read) if path in _NUMBERS else read for path, read in READERS.items()}


def _is_wrap(first: list[Word], line: list[Word]) -> bool:
    # A short run of capitalised words, not a value of its own (digits) or a sentence,
    # in the case of the line it continues (OCR's specks read as "KINA" are not).
    words = [w.text for w in line]
    shouting = _text(first).isupper()
    return (
        len(words) <= 3
        and all(w[:1].isupper() and not any(c.isdigit() for c in w) for w in words)
        and all(shouting or not w.isupper() or len(w) == 1 for w in words)
        and not any(w.endswith((":", ".")) for w in words)
    )


#: Captions that read right in a printed row, with no digit and no colon in it, that make
#: it a table's header row ("Lost Firat Doe Sex Street City": "Last First DOB" misread)...
_CAPTION_ROW_WORDS = 2
#: ...when they are at least this share of its words: a sentence holds caption words too
#: ("to order home oxygen for my patient, Mr. Elias Thornbury (male, born").
_CAPTION_ROW_SHARE = 0.5


#: The caption a box prints before a person's name when a heading over it says whose.
_NAME_CAPTION = "name"


def _boxed_name(words: list[Word]) -> list[Word]:
    """The name in a box's row that opens with its caption, up to the next box's caption:
    "Name Anjali Deshpande, MD   Name Bell, Marcus T." under "PRESCRIBING PHYSICIAN" and
    "PATIENT" set side by side; [] for a row that opens otherwise."""
    if len(words) < 2 or words[0].text.rstrip(":").casefold() != _NAME_CAPTION:
        return []
    rest = words[1:]
    captions = [at for at, w in enumerate(rest) if w.text.rstrip(":").casefold() == _NAME_CAPTION]
    return rest[: captions[0]] if captions else rest


def _in_caption_row(page: Page, words: list[Word]) -> bool:
    """Whether the words sit in a table's header row: its other captions read right even
    where the ones over the name are misread, so the misread ones are never a name."""
    row = page.lines[words[0].line].text if words else ""
    if any(c.isdigit() or c == ":" for c in row):
        return False
    tokens = row.split()
    captions = sum(is_caption_word(token) for token in tokens)
    return captions >= max(_CAPTION_ROW_WORDS, _CAPTION_ROW_SHARE * len(tokens))


def _is_label_tail(line: list[Word]) -> bool:
    """The end of a label that wrapped under itself: "No.", "Number:"."""
    text = _text(line)
    return len(line) <= 2 and text.endswith((".", ":")) and not any(c.isdigit() for c in text)


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def _first(sources: Iterable[_Source], read: Read, reference: date) -> tuple[Any, _Source] | None:
    for source in sources:
        value = read(source.text, reference)
        if value is not None and source.words:
            return value, source
    return None


def _found(path: str, value: Any, source: _Source) -> Found[Any]:
    base = found_from_words(value, source.page, source.words)
    base = replace(base, confidence=min(base.confidence, source.most))
    if path in DATE_ROLES:
        return FoundDate(
            value.date,
            base.page,
            base.bbox,
            base.confidence,
            base.text,
            base.words,
            plausible=value.plausible,
            reason=value.reason,
        )
    return base


class _Document:
    """The candidates of one document, with cover sheets and fax header lines left out."""

    def __init__(self, pages: Sequence[Page]) -> None:
        kept = [p for p in pages if not is_cover_sheet(p)]
        skip = {
            p.number: {i for i, ln in enumerate(p.lines) if is_fax_header_line(p, ln)} for p in kept
        }
        self.candidates = [
            c
            for c in all_candidates(kept)
            if not any(w.line in skip[c.page.number] for w in c.words)
        ]
        self.mentions = find_mentions(kept, skip)
        self.captioned = captioned_values(kept)
        self.pages = kept

    def labelled(self, *paths: str) -> Iterable[Candidate]:
        return (c for c in self.candidates if c.path in paths)

    def mentioned(self, *paths: str) -> Iterable[_Source]:
        return (_Source(m.text, m.words, m.page) for m in self.mentions if m.path in paths)


def _credentials(
    name: PersonName, source: _Source, sources: list[_Source], out: dict[str, Found[Any]]
) -> None:
    """The clinician's credentials: beside the name, else where the same name is printed
    again with them (the signature line, "Omar Miller, DO" under the letter)."""
    for other in [source, *sources]:
        again = _name(other.text)
        same = again is not None and again.last.casefold() == name.last.casefold()
        if again is not None and same and again.credentials:
            text = ", ".join(again.credentials)
            out["clinician.credentials"] = found_from_words(text, other.page, other.words)
            return


def _before_signed_time(source: _Source) -> _Source:
    """A signer's name without the time an electronic signature states after it:
    "Electronically signed by Priya Natarajan, MD on 06/09/2025 16:42"."""
    words = source.words
    for at in range(1, len(words) - 1):
        if words[at].text.lower() in _SIGNED_AT and words[at + 1].text[:1].isdigit():
            return _Source(_text(words[:at]), words[:at], source.page)
    return source


#: The words between an electronic signature's signer and its date or time.
_SIGNED_AT = frozenset({"on", "at"})


def _names_policy_holder(label: str) -> bool:
    return any(word in _POLICY_HOLDER for word in label.lower().replace("'s", "").split())


#: Words of a caption naming the person who holds the policy, not the patient.
_POLICY_HOLDER = frozenset({"insured", "subscriber", "guarantor", "policyholder"})


def _named_as_distractor(source: _Source) -> bool:
    """Whether the words before a name on its line give it another role: "INTERPRETING MD
    M. Dickerson, MD", "Community physician to follow: Dr. Jason Thompson"."""
    if not source.words:
        return False
    first = source.words[0]
    line = line_words(source.page, first.line)
    before = [w for w in line if w.bbox[2] <= first.bbox[0]]
    # Only the mention's own cell: a caption in the column beside it is another's.
    cell: list[Word] = []
    for left, right in zip([None, *before], before, strict=False):
        # A caption ending in a colon owns the value after it across any gap: labels set
        # flush right before their values ("Primary care:  Dr. Alan Ng").
        gap = left is not None and is_column_gap(source.page, left, right)
        if gap and left is not None and not left.text.endswith(":"):
            cell = []
        cell.append(right)
    text = _text(cell[-_CAPTION_REACH:])
    return clinician_rank(text) == DISTRACTOR_RANK or caption_party(text) == "other"


def _ordering_captioned(doc: _Document) -> list[_Source]:
    """Captioned clinician names whose caption, or the heading printed over it, names the
    ordering clinician ("Ordering physician: ...", "TREATING PRACTITIONER" / "Name: ...").

    Only a caption printed beside its value counts: a value read from a band of captions
    over boxes may have been given the column beside its own.
    """
    return [
        _Source(_text(words), words, c.page)
        for c in doc.captioned
        if c.path == "clinician.name"
        and _beside_caption(c)
        and _ORDERING_RANK in (clinician_rank(c.caption), _heading_rank(c.page, c.words[0]))
        and (words := _before_next_caption(c.words))
    ]


def _before_next_caption(words: list[Word]) -> list[Word]:
    """A name's words up to the caption of another value its cell runs on into: "Beatriz
    Solano, NP-C NPI 1765432103" is the name before "NPI"; or up to a printed separator
    ("Grace Tanaka-Wu, MD —— NP] 1599312083", the caption past it garbled)."""
    for at in range(_MIN_NAME_WORDS, len(words)):
        if is_separator(words[at]) or _DASHES.fullmatch(words[at].text):
            return words[:at]
        for size in range(1, _MAX_NEXT_CAPTION_WORDS + 1):
            span = [w.text.strip(_LABEL_MARKS) for w in words[at : at + size]]
            # "Type 1 NPI": a caption of a few words, ending in a caption's word.
            if caption_path(span[-1]) is not None and caption_path(" ".join(span)) not in (
                None,
                "clinician.name",
            ):
                return words[:at]
    return words


#: A run of dashes a form prints between two values of a row, as OCR reads it.
_DASHES = re.compile(r"[-\u2013\u2014=_~]{2,}")
#: A name has a first and a last name at least.
_MIN_NAME_WORDS = 2
#: The longest caption a name's cell runs on into ("Type 1 NPI").
_MAX_NEXT_CAPTION_WORDS = 3


def _beside_caption(value: Captioned) -> bool:
    """Whether a captioned value is printed on its caption's line, right after it."""
    if not value.words or not value.caption.split():
        return False
    first = value.words[0]
    before = [w for w in line_words(value.page, first.line) if w.bbox[2] <= first.bbox[0]]
    return bool(before) and before[-1].text == value.caption.split()[-1]


def _heading_rank(page: Page, word: Word) -> int | None:
    """The ``clinician_rank`` of the clinician heading printed just over a word's row."""
    height = word.bbox[3] - word.bbox[1]
    above = [
        line
        for line in page.lines
        if line.bbox[3] <= word.bbox[1] + height / 2
        and word.bbox[1] - line.bbox[3] <= _HEADING_REACH * height
        and line.bbox[0] <= word.bbox[2]
        and word.bbox[0] <= line.bbox[2]
    ]
    if not above:
        return None
    heading = max(above, key=lambda line: line.bbox[3]).text
    return clinician_rank(heading) if caption_party(heading) == "clinician" else None


#: A heading sits within this many text heights over the row it heads.
_HEADING_REACH = 2.5
#: ``clinician_rank`` of a caption naming the ordering clinician.
_ORDERING_RANK = 0
#: How many words before a name may caption it.
_CAPTION_REACH = 8


def _names(doc: _Document, out: dict[str, Found[Any]]) -> None:
    # The policy holder ("Insured name: Robert Kline") is the patient only when nothing
    # names the patient: a spouse's or a parent's policy covers the patient too.
    labelled = sorted(doc.labelled("member.name"), key=lambda c: _names_policy_holder(c.label))
    member_sources = [s for c in labelled for s in _label_sources(c, "name")]
    member_sources += [
        source
        for source in doc.mentioned("member.name", "member.sex.M", "member.sex.F")
        if not _in_caption_row(source.page, source.words)
    ]
    ranked = sorted(doc.labelled("clinician.name"), key=lambda c: clinician_rank(c.label))
    ordering = [c for c in ranked if clinician_rank(c.label) == _ORDERING_RANK]
    clinician_sources = [s for c in ordering for s in _label_sources(c, "name")]
    # A caption the label list lacks ("Name:" in the box under "ORDERING PHYSICIAN") that
    # names the ordering clinician beats a label naming any physician.
    clinician_sources += _ordering_captioned(doc)
    others = [c for c in ranked if clinician_rank(c.label) not in (_ORDERING_RANK, DISTRACTOR_RANK)]
    clinician_sources += [s for c in others for s in _label_sources(c, "name")]
    # The name typed on or under the signature line is the signer's: the ordering clinician.
    clinician_sources += [
        _before_signed_time(s) for c in doc.labelled(SIGNATURE) for s in _label_sources(c, "")
    ]
    clinician_sources += [s for s in doc.mentioned("clinician.name") if not _named_as_distractor(s)]
    # A name captioned as a referring or primary-care doctor's is the ordering one only when
    # the order names no other clinician ("PCP: ..." beside "Print name: <signer>, MD").
    distractors = [c for c in ranked if clinician_rank(c.label) == DISTRACTOR_RANK]
    clinician_sources += [s for c in distractors for s in _label_sources(c, "name")]
    for party, sources in (("member", member_sources), ("clinician", clinician_sources)):
        hit = _first(sources, lambda text, _ref: _name(text), date.min)
        if hit is None:
            continue
        if _miscased(hit[0]):
            captioned = [
                _Source(text, words, page)
                for text, page, words in _captioned_names(doc.captioned, party)
            ]
            hit = _same_name_well_cased([*sources, *captioned], hit)
        name, source = hit
        out[f"{party}.first_name"] = found_from_words(name.first, source.page, source.words)
        out[f"{party}.last_name"] = found_from_words(name.last, source.page, source.words)
        if party == "clinician":
            _credentials(name, source, sources, out)
    # Separate "First Name" / "Last Name" boxes beat a name split from one line.
    for part in ("first_name", "last_name"):
        hit = _first(
            (s for c in doc.labelled(f"member.{part}") for s in _label_sources(c, "")),
            _name_part,
            date.min,
        )
        if hit is not None:
            out[f"member.{part}"] = found_from_words(hit[0], hit[1].page, hit[1].words)
    if "member.sex" not in out:
        for mention in doc.mentions:
            if mention.path.startswith("member.sex.") and mention.words:
                out["member.sex"] = found_from_words(mention.path[-1], mention.page, mention.words)
                break


#: The confidence of a name word mended through the census, not as printed: under the
#: bar for names (``KIND_BARS``), so the clerk compares it with the page.
_MENDED_CONFIDENCE = 0.8
#: A word's pieces that may be a name's word: letters, with marks only inside
#: ("O'Brien", OCR's "SULI.IVAN"); "Burke,Jennifer" holds two.
_NAME_PIECE = re.compile(r"[A-Za-z](?:[A-Za-z'.\-]*[A-Za-z])?")


def _mend_names(pages: Sequence[Page], out: dict[str, Found[Any]]) -> None:
    """Mend the words of the chosen names that OCR misread (``_mended``)."""
    for party in ("member", "clinician"):
        for part, other in (("first_name", "last_name"), ("last_name", "first_name")):
            found, beside = out.get(f"{party}.{part}"), out.get(f"{party}.{other}")
            if found is not None and isinstance(found.value, str):
                other_name = beside.value if beside is not None else None
                given = part == "first_name"
                out[f"{party}.{part}"] = _mended(pages, found, other_name, given=given)


def _mended(
    pages: Sequence[Page], found: Found[Any], beside: str | None, *, given: bool
) -> Found[Any]:
    """A name with each word neither census list holds mended: to the spelling read better
    where the name is printed again beside the person's other name (``beside``), with that
    print as evidence; else into the one common name a look-alike misread makes of it, with
    lowered confidence, since nothing on the page prints it so.

    A listed word is never mended: "Hall" beside a "Hill" stays.
    """
    words = found.value.split()
    evidence, mended = found, False
    for at, word in enumerate(words):
        if is_listed(word) or word.lower() in SURNAME_PARTICLES:
            continue
        again = _printed_again(pages, word, beside) if beside else None
        if again is not None:
            words[at], page, printed = again
            evidence = found_from_words(found.value, page, [printed])
        elif (census := mended_name_word(word, given=given)) is not None:
            words[at], mended = census, True
    if words == found.value.split():
        return found
    confidence = min(evidence.confidence, _MENDED_CONFIDENCE) if mended else evidence.confidence
    return replace(evidence, value=" ".join(words), confidence=confidence)


#: The parts of an address printed in words, each a name for its street or town.
_NAMED_PARTS = ("line1", "city")


def _mend_address(out: dict[str, Found[Any]]) -> None:
    """The member's street and town with each word that lost its first capital (a fax's bar
    read for it, "| ohnston") mended into the one common name it makes, as ``_mended`` mends
    a person's: a street or town is named after people more often than not, and its words
    open in capitals. Nothing prints the mended word, so the clerk is asked to check it."""
    found = out.get("member.address")
    if found is None or not isinstance(found.value, dict):
        return
    address, mended = dict(found.value), False
    for part in _NAMED_PARTS:
        words = str(address.get(part) or "").split()
        for at, word in enumerate(words):
            if word[:1].islower() and (census := _census_word(word)) is not None:
                words[at], mended = census, True
        if words:
            address[part] = " ".join(words)
    if mended:
        confidence = min(found.confidence, _SHAPE_CONFIDENCE)
        out["member.address"] = replace(found, value=address, confidence=confidence)


def _census_word(word: str) -> str | None:
    return mended_name_word(word, given=False) or mended_name_word(word, given=True)


def _printed_again(pages: Sequence[Page], word: str, beside: str) -> tuple[str, Page, Word] | None:
    """The spelling of ``word`` best read on the lines that also print the person's other
    name ``beside`` (the same name in a caption, a signature block, a letter's body), when
    it is another spelling than ``word``: each spelling scores its words' OCR confidences.
    """
    key = beside.split()[-1].casefold()
    scores: dict[str, float] = {}
    best: dict[str, tuple[str, Page, Word]] = {}
    for page in pages:
        for line in _lines(page):
            pieces = [(piece, w) for w in line for piece in _NAME_PIECE.findall(w.text)]
            if not any(piece.casefold() == key for piece, _ in pieces):
                continue
            for piece, w in pieces:
                same = piece.casefold() == word.casefold()
                # A name is printed capitalised: "on" or "ee" near "Onp" is no print of it.
                if not same and not (piece[0].isupper() and near_spelling(word, piece)):
                    continue
                spelling = piece.casefold()
                scores[spelling] = scores.get(spelling, 0.0) + w.conf
                if spelling not in best or w.conf > best[spelling][2].conf:
                    best[spelling] = (_display_case(piece), page, w)
    if not scores:
        return None
    top = max(scores, key=lambda spelling: scores[spelling])
    own = scores.get(word.casefold(), 0.0)
    return best[top] if top != word.casefold() and scores[top] > own else None


def _lines(page: Page) -> list[list[Word]]:
    lines: dict[int, list[Word]] = {}
    for w in page.words:
        lines.setdefault(w.line, []).append(w)
    return list(lines.values())


def _display_case(word: str) -> str:
    # A name printed in capitals is given in title case, as ``split_person_name`` does.
    return word.title() if word.isupper() else word


def _block_lines(doc: _Document, party: str) -> Iterable[tuple[Candidate, list[list[Word]]]]:
    """The lines under a name in a "Name and Address" box: that person's address, phone..."""
    for candidate in doc.labelled(f"{party}.name"):
        named = _name(_text(candidate.lines[0])) is not None
        if named and len(candidate.lines) > 1:
            yield candidate, candidate.lines[1:]
        elif not named and party == "member" and "address" in candidate.label.lower():
            # "Patient's Name and Address" with the name left blank: all of it is address.
            yield candidate, candidate.lines


def _from_name_blocks(doc: _Document, out: dict[str, Found[Any]], reference: date) -> None:
    for party in ("member", "clinician"):
        for candidate, lines in _block_lines(doc, party):
            page = candidate.page
            address_path = f"{party}.address"
            if party == "member" and address_path not in out:
                runs = (
                    _Source(
                        "\n".join(_text(ln) for ln in lines[a:b]),
                        [w for ln in lines[a:b] for w in ln],
                        page,
                    )
                    for a in range(len(lines))
                    for b in range(min(len(lines), a + 3), a, -1)
                )
                hit = _first(runs, _address, reference)
                if hit is not None:
                    out[address_path] = _found(address_path, *hit)
            for line in lines:
                text = _text(line)
                bare = not any(c.isalpha() for c in text)
                if bare and f"{party}.phone" not in out and (phone := _phone(text, reference)):
                    out[f"{party}.phone"] = found_from_words(phone, page, line)
            organization = "clinician.organization"
            if party == "clinician" and organization not in out:
                first = _text(lines[0])
                if not any(c.isdigit() for c in first) and _organization_line(lines[0]):
                    out[organization] = found_from_words(first.strip(" ,"), page, lines[0])


#: The fewest words of a practice's name atop a page: one word there is a page's heading
#: ("Note", "Orders").
_ORGANIZATION_MIN_WORDS = 2
#: Below this mean confidence a line atop a page is tesseract's guess at noise (a fax
#: header's stamp read as "MN EME ATO", specks as "Se ee"), not a letterhead: on the devset
#: such lines read at 0.17-0.35, practices' names at 0.68 and up.
_LETTERHEAD_MIN_CONFIDENCE = 0.5


def _organization_line(words: list[Word]) -> bool:
    """Whether a printed line reads as an organization's name, not a title, label,
    sentence or person, and as print, not tesseract's guess at noise."""
    text = _text(words)
    _, titles = letterhead_words()
    confidence = sum(w.conf for w in words) / len(words) if words else 0.0
    return (
        confidence >= _LETTERHEAD_MIN_CONFIDENCE
        and _ORGANIZATION_MIN_WORDS <= len(words) <= 8
        and text[:1].isupper()
        and ":" not in text
        and not any(c.isdigit() for c in text)
        and not has_phrase(text, titles)
        and not _a_person(text)
        # A section's heading names a party, no practice ("ORDERING PROVIDER").
        and not all(is_caption_word(word.text) for word in words)
    )


def _named_as_other(pages: Sequence[Page], name: str) -> bool:
    """Whether the order names this organization as someone else: "Supplier: <name>"."""
    specs = vocabulary().specs
    for page in pages:
        for line in page.lines:
            at = line.text.casefold().find(name.casefold())
            if at <= 0:
                continue
            before = line.text[:at].replace("(", " ").replace(")", " ").split()
            for size in (1, 2, 3):
                label = " ".join(before[-size:]).strip(":# ").casefold()
                spec = specs.get(label)
                if spec is not None and spec.path == OTHER_PARTY:
                    return True
    return False


def _another_providers_box(doc: _Document, out: dict[str, Found[Any]]) -> None:
    """Drop a practice read from one of two boxes a form captions alike ("PROVIDER /
    FACILITY NAME" for the requesting and the servicing provider) when the clinician's name
    fills the other: that practice is the other provider's, a supplier's most often."""
    practice, name = out.get("clinician.organization"), out.get("clinician.last_name")
    if practice is None or name is None or not practice.words:
        return
    boxes = [c for c in doc.labelled("clinician.name") if c.page.number == practice.page]
    printed = {w.bbox for w in practice.words}
    theirs = [c for c in boxes if printed <= {w.bbox for w in c.words}]
    own = [c for c in boxes if name.value.casefold() in c.text.casefold()]
    if any(t.label == o.label and t is not o for t in theirs for o in own):
        del out["clinician.organization"]


def _without_title(page: Page, line: list[Word]) -> list[Word]:
    """A letterhead's line without the form's title printed across the page from the name,
    in capitals the name is not set in: "Riverside Regional Hospital    OUTPATIENT
    REQUISITION"."""
    for at in range(1, len(line)):
        if is_column_gap(page, line[at - 1], line[at]):
            head, tail = line[:at], line[at:]
            if _text(tail).isupper() and not _text(head).isupper():
                return head
            break
    return line


def _the_payers(out: dict[str, Found[Any]], name: str) -> bool:
    """Whether a letterhead is the plan's: a prior authorization request is the payer's
    form, headed by the payer's name."""
    payer = out.get("payer.name")
    return payer is not None and payer.value.casefold() == name.casefold()


def _letterhead(
    doc: _Document, pages: Sequence[Page], out: dict[str, Found[Any]], received: frozenset[str]
) -> None:
    """The practice printed atop the order page, when the order comes from a practice.

    The letterhead is the lines above the page's first labelled value but the clinician's
    own (a letterhead may print the doctor's NPI over the practice's numbers). Its organization,
    phone and fax are the clinician's unless its name is a supplier's or agency's, or the
    order names the clinician's practice as another organization. The receiving fax
    machine's number is the recipient's ("Attn: Intake, ... (fax ...)").
    """
    kept = [p for p in pages if not is_cover_sheet(p)]
    if not kept:
        return
    page = kept[0]
    # By height, not reading order: a letterhead's right-hand block ("Phone (608) ...")
    # may be read after the page's first rows.
    labelled = [
        w.bbox[1]
        for c in doc.candidates
        if c.page is page and not c.path.startswith("clinician.")
        for w in c.words
    ]
    top = min(labelled, default=1.0)
    lines = [
        [w for w in page.words if w.line == number]
        for number, line in enumerate(page.lines)
        if not is_fax_header_line(page, line) and line.bbox[1] < min(top, _LETTERHEAD_DEPTH)
    ]
    lines = [sorted(ln, key=lambda w: w.bbox[0]) for ln in lines if ln]
    # The letterhead opens with the name; a page opening with a title has none.
    if not lines or not _organization_line(lines[0]):
        return
    whole = lines[0]
    named = _without_title(page, whole)
    name = _text(named).strip(" ,")
    suppliers, _ = letterhead_words()
    if has_phrase(_text(whole), suppliers) or _named_as_other(kept, name) or _the_payers(out, name):
        return
    known = out.get("clinician.organization")
    if known is not None and known.value.casefold() != name.casefold():
        return
    out.setdefault("clinician.organization", found_from_words(name, page, named))
    for line in lines:
        text = _text(line)
        for start, _end, printed in find_phones(text):
            # The word before the number names it: "fax", "Fx", the "F" of "P ... F ...".
            caption = text[:start].rstrip(" :#.").split()[-1:]
            captioned = caption_path(" ".join(caption), "clinician")
            if captioned not in (None, "clinician.phone", "clinician.fax"):
                continue  # "NPI: 2189757570": ten digits, but not a phone number
            path = captioned or "clinician.phone"
            phone = parse_phone(printed)
            if phone is None or phone in received or path in out:
                continue
            words = [w for w in line if w.text in printed] or line
            out[path] = found_from_words(phone, page, words)


#: A letterhead sits in this top share of the page.
_LETTERHEAD_DEPTH = 0.3


def _header_fax(pages: Sequence[Page], out: dict[str, Found[Any]]) -> None:
    """The sending machine's number, stamped in the fax header: the ordering practice's fax,
    unless the header names a supplier or agency as the sender. The receiving machine's
    number beside it ("TO: 412/813-5647") is the recipient's."""
    if "clinician.fax" in out:
        return
    suppliers, _ = letterhead_words()
    for page in pages[:1]:
        for line in page.lines[:3]:
            if not is_fax_header_line(page, line) or has_phrase(line.text, suppliers):
                continue
            phones = set(stamped_numbers(line.text).sending)
            words = [w for w in page.words if w.line == page.lines.index(line)]
            if len(phones) == 1 and words:
                out["clinician.fax"] = found_from_words(phones.pop(), page, words)
            return


def _from_captions(
    doc: _Document, out: dict[str, Found[Any]], reference: date, readers: Mapping[str, Read]
) -> None:
    """Paths no listed label filled, from captions whose cue words name them."""
    for party in ("member", "clinician"):
        if f"{party}.last_name" in out and f"{party}.first_name" in out:
            continue
        for text, page, words in _captioned_names(doc.captioned, party):
            if (name := _name(text)) is not None:
                # A part a listed label already gave stays; the caption fills the other.
                out.setdefault(f"{party}.first_name", found_from_words(name.first, page, words))
                out.setdefault(f"{party}.last_name", found_from_words(name.last, page, words))
                break
    # A "First" or "Last" box the label list did not fill, read on its own.
    for value in doc.captioned:
        part_box = value.path in ("member.first_name", "member.last_name")
        if part_box and value.path not in out and (part := _name_part(value.text, reference)):
            out[value.path] = found_from_words(part, value.page, value.words)
    for path, read in readers.items():
        if path in out:
            continue
        indices = [i for i, c in enumerate(doc.captioned) if c.path == path]
        anchor = out.get("clinician.last_name")
        if path in _CLINICIAN_CONTACT and anchor is not None:
            found = doc.captioned
            indices.sort(
                key=lambda i: (not found[i].placed, _away(found[i].words, found[i].page, anchor))
            )
        sources = (
            s
            for i in indices
            for s in _with_locality(doc.captioned, i)
            if not _the_other_partys_number(out, path, s.words)
        )
        if (hit := _first(sources, read, reference)) is not None:
            out[path] = _found(path, *hit)


def _the_other_partys_number(
    out: Mapping[str, Found[Any]], path: str, words: Sequence[Word]
) -> bool:
    """Whether ``words`` hold a number already read as the other party's: a number printed
    once is the member's or the clinician's, however a caption's column would also give it
    to the other (the provider's "Phone:" on the provider's row, under the member's DOB)."""
    if path not in _NUMBERS:
        return False
    party = path.partition(".")[0]
    return any(
        other.partition(".")[0] != party and any(w in found.words for w in words)
        for other, found in out.items()
        if other in _NUMBERS
    )


#: The digits of a phone number without its country code.
_DIGITS = 10


def _plan_by_shape(doc: _Document, out: dict[str, Found[Any]]) -> None:
    """A plan's name no caption gave, read by its insurer's words ("Aetna Medicare
    Advantage" after a caption the fax garbled): doubtful, as only its shape names it."""
    if "payer.name" in out or (hit := plan_by_shape(doc.pages)) is None:
        return
    found = found_from_words(_joined_part(hit[0]), hit[1], hit[2])
    out["payer.name"] = replace(found, confidence=min(found.confidence, CONTESTED_CONFIDENCE))


def _doubt_stand_ins(doc: _Document, out: dict[str, Found[Any]], reference: date) -> None:
    """Lower the confidence of a clinician's number taken while the order prints the
    clinician's own caption for it, placed by its section or column, with no number read
    (a misread "Fax: 964-962-2104" in the physician's box): the number taken stands in for
    it and may be another party's (the hospital's department line at the head of the page).
    """
    for path in ("clinician.phone", "clinician.fax"):
        found = out.get(path)
        placed = [value for value in doc.captioned if value.path == path and value.placed]
        # Only a caption over a number's worth of digits: an empty box reads none either.
        printed = [value for value in placed if sum(map(str.isdigit, value.text)) >= _DIGITS]
        readings = {_phone(value.text, reference) for value in printed}
        if found is not None and None in readings and found.value not in readings:
            out[path] = replace(found, confidence=min(found.confidence, CONTESTED_CONFIDENCE))


def _cover_sender(pages: Sequence[Page], out: dict[str, Found[Any]]) -> None:
    """The clinician whose office sent the fax, as its cover sheet names it ("Sent by Ana
    at the office of Curtis P. Ramirez, M.D."), when the order gave no clinician's name.

    The sending office's clinician is most often the ordering one, but not surely: the
    name is taken last, and below the bar for names, so the clerk checks it.
    """
    if "clinician.last_name" in out or "clinician.first_name" in out:
        return
    for page in pages:
        if not is_cover_sheet(page):
            continue
        for number in range(len(page.lines)):
            words = line_words(page, number)
            text = _text(words)
            match = _SENDER_OFFICE.search(text)
            if match is None:
                continue
            # The words after the cue: offsets in ``text`` follow the words one space apart.
            starts = [sum(len(w.text) + 1 for w in words[:i]) for i in range(len(words))]
            named = [w for w, at in zip(words, starts, strict=True) if at >= match.end()]
            name = _name(_text(named)) if named else None
            if name is None:
                continue
            for part in ("first_name", "last_name"):
                found = found_from_words(getattr(name, part.split("_")[0]), page, named)
                confidence = min(found.confidence, _SENDER_CONFIDENCE)
                out[f"clinician.{part}"] = replace(found, confidence=confidence)
            return


#: The words on a cover sheet's sender line before the name of the office's clinician.
_SENDER_OFFICE = re.compile(r"\b(?:office of|on behalf of)\s+", re.IGNORECASE)
#: Below the bar for names (``KIND_BARS``): a name read off the cover sheet is checked.
_SENDER_CONFIDENCE = 0.8


#: A surname cell holds a word or a few ("De la Cruz"); more is a sentence.
_MAX_SURNAME_WORDS = 3


def _captioned_names(values: list[Captioned], party: str) -> Iterator[tuple[str, Page, list[Word]]]:
    """A party's captioned names: whole ones, and a "Last" cell joined with the "First" cell
    beside it on the same page, as "Last, First"."""
    for index, value in enumerate(values):
        if value.path == "clinician.name" and clinician_rank(value.caption) == DISTRACTOR_RANK:
            continue  # "Community physician to follow: ...": not who ordered
        if value.path == f"{party}.name":
            words = _before_next_caption(_after_own_caption(value.words))
            yield _text(words), value.page, words
        elif value.path == f"{party}.last_name":
            first = next(
                (
                    other
                    for other in values[max(0, index - 1) : index + 2]
                    if other.path == f"{party}.first_name" and other.page is value.page
                ),
                None,
            )
            if first is not None and len(value.words) <= _MAX_SURNAME_WORDS:
                yield f"{value.text}, {first.text}", value.page, [*value.words, *first.words]


def _after_own_caption(words: list[Word]) -> list[Word]:
    """A value's words after the caption its own line opens with: a heading's box whose
    first line is captioned again ("PATIENT" over "Name: Achterberg, Willemijn")."""
    for at, word in enumerate(words[:_OWN_CAPTION_WORDS]):
        if word.text.endswith(":") and not any(
            c.isdigit() for w in words[: at + 1] for c in w.text
        ):
            return words[at + 1 :] or words
    return words


#: How many words a caption inside a heading's box may print.
_OWN_CAPTION_WORDS = 3
#: How many city, state and ZIP cells may follow the street's.
_LOCALITY_CELLS = 3


def _with_locality(values: list[Captioned], index: int) -> Iterator[_Source]:
    """A captioned value, then, for a street, the street joined with the city, state and
    ZIP cells printed after it ("Address line 1 ..." / "City / State / Zip ..."), and for
    a number, the number run on to the end of its row."""
    value = values[index]
    yield _Source(value.text, value.words, value.page)
    if value.path in _NUMBERS:
        # "| 702/966 - 1203": a number a column gap cut, read on to the row's next caption.
        row = _rest_of_row(value)
        if len(row) > len(value.words):
            yield _Source(_text(row), row, value.page)
    if value.path != "member.address":
        return
    parts: list[Captioned] = []
    for after in values[index + 1 :]:
        if after.page is not value.page or len(parts) == _LOCALITY_CELLS:
            break
        if after.path == "member.address.locality":
            parts.append(after)
        elif not _beside(after, value):
            # Another column's box on the street's row ("Fax" in the provider's column)
            # comes between the street and its town; anything else ends the address.
            break
    if parts:
        words = [*value.words, *(w for part in parts for w in part.words)]
        locality = " ".join(part.text for part in parts)
        # A part known by its shape, its caption unread, is for the clerk to check.
        most = _SHAPE_CONFIDENCE if any(part.by_shape for part in parts) else 1.0
        yield _Source(f"{value.text}\n{locality}", words, value.page, most)
    row = _rest_of_row(value)
    span = _to_zip(row)
    if span is not None and len(span) > len(value.words):
        # "497 Elm Rd    Dover    DE    19901    (302) ...": the street's row read on to its
        # ZIP, whatever the captions of the other boxes were read as. Each column of a
        # form's row is one part, so a town's first word is not taken for the street's
        # ("12 Elm Tunnel    Port Dover"). Unless the row prints the town's caption, the
        # town was read by its shape alone.
        tokens = _text(span).replace("/", " / ").split()
        captioned = any(_caption_span(tokens, at) for at in range(len(tokens)))
        most = 1.0 if captioned else _SHAPE_CONFIDENCE
        yield _Source(_column_lines(value.page, span), span, value.page, most)
    if len(row) > len(value.words):
        yield _Source(_text(row), row, value.page)


def _beside(value: Captioned, other: Captioned) -> bool:
    """Whether a value lies on the row of another, right of it."""
    first = value.words[0]
    level = level_with(other.page, other.words)
    # By box: a word a caption was trimmed from is a copy of the page's.
    return first.bbox[0] >= other.words[-1].bbox[2] and any(w.bbox == first.bbox for w in level)


#: Marks OCR sets on a state's code or a ZIP printed as words of their own: "DE.", "19901,".
_WORD_MARKS = ".,;"


def _to_zip(words: list[Word]) -> list[Word] | None:
    """The words up to the first ZIP printed after a state's code, or None when there is
    none: what follows (a phone, another box) is no part of the address."""
    for at in range(2, len(words)):
        state, postal = (w.text.rstrip(_WORD_MARKS) for w in words[at - 1 : at + 1])
        if _ZIP.fullmatch(postal) and _STATE.fullmatch(state):
            return words[: at + 1]
    return None


def _column_lines(page: Page, words: list[Word]) -> str:
    """The words as text, a line for each column a column gap sets apart."""
    lines = [[words[0]]]
    for left, right in pairwise(words):
        if is_column_gap(page, left, right):
            lines.append([])
        lines[-1].append(right)
    return "\n".join(_text(line) for line in lines)


def _rest_of_row(value: Captioned) -> list[Word]:
    """The street's printed line from its first word to the line's end or the next caption
    with a colon ("Cell:"): the city, state and ZIP that OCR's column gaps cut from the
    street's cell ("12 Elm Rd City / State / Zip _ Dover, DE 19901")."""
    first = value.words[0]
    line = [w for w in line_words(value.page, first.line) if w.bbox[0] >= first.bbox[0]]
    return list(takewhile(lambda w: not _is_colon_caption(w.text), line))


def _is_colon_caption(text: str) -> bool:
    # "Apt: 610" is OCR's colon for a dot, and no caption.
    return text.endswith(":") and is_caption_word(text)


def _from_listing_caption(doc: _Document, out: dict[str, Found[Any]], reference: date) -> None:
    """A box whose caption lists the member's values ("PATIENT NAME, ADDRESS, TELEPHONE and
    MEDICARE ID", as a certificate of medical necessity prints it), its lines read by their
    shapes: the name first, the street and the town under it, then the phone and the ID.
    Each value only where no caption gave it, and doubtful: the clerk checks it."""
    for page in doc.pages:
        rows = printed_rows(page)
        for index, row in enumerate(rows):
            cells = list(row_cells(page, row.words))
            for at, cell in enumerate(cells):
                text = _text(cell)
                if caption_party(text) != "member" or len(_listed_paths(text)) < _LISTED_PATHS:
                    continue
                right = cells[at + 1][0].bbox[0] if at + 1 < len(cells) else 1.0
                block = [
                    inside
                    for below in rows[index + 1 : index + 1 + _LISTED_BLOCK_ROWS]
                    if (inside := [w for w in below.words if _in_column(w, cell[0], right)])
                ]
                _read_listed_block(page, block, out, reference)
                return


def _listed_paths(caption: str) -> set[str]:
    """The paths a caption lists, parted by commas, "and", "&" or slashes."""
    parts = re.split(r",|/|&|\band\b", caption, flags=re.IGNORECASE)
    return {path for part in parts if (path := caption_path(part, "member")) is not None}


def _in_column(word: Word, first: Word, right: float) -> bool:
    return first.bbox[0] - _ALIGNED <= word.bbox[0] < right


def _read_listed_block(
    page: Page, block: list[list[Word]], out: dict[str, Found[Any]], reference: date
) -> None:
    if not block:
        return
    name = _name(_text(block[0]))
    if name is not None and "member.last_name" not in out and "member.first_name" not in out:
        _put_member_name(out, name, _Source(_text(block[0]), block[0], page, _SHAPE_CONFIDENCE))
    rest = block[1:] if name is not None else block
    for size in (2, 3):
        lines = rest[:size]
        text = "\n".join(_text(line) for line in lines)
        if (address := READERS["member.address"](text, reference)) is not None:
            if "member.address" not in out:
                words = [w for line in lines for w in line]
                source = _Source(text, words, page, _SHAPE_CONFIDENCE)
                out["member.address"] = _found("member.address", address, source)
            rest = rest[size:]  # the phone and the ID are printed under the address
            break
    for line in rest:
        spans = find_phones(_text(line))
        for _, _, printed in spans:
            number = parse_phone(printed)
            if number is not None and "member.phone" not in out:
                words = [w for w in line if w.text in printed]
                out["member.phone"] = _found(
                    "member.phone", number, _Source(printed, words or line, page, _SHAPE_CONFIDENCE)
                )
        leftover = [w for w in line if not any(w.text in p for _, _, p in spans)]
        for word in leftover:
            member_id = READERS["member.member_id"](word.text, reference)
            if member_id is not None and "member.member_id" not in out and _has_digit(word):
                out["member.member_id"] = _found(
                    "member.member_id",
                    member_id,
                    _Source(word.text, [word], page, _SHAPE_CONFIDENCE),
                )


#: A caption listing this many of the member's values heads a block of them.
_LISTED_PATHS = 3
#: The most rows such a block runs to: name, street, town, phone and ID, and one more.
_LISTED_BLOCK_ROWS = 5


def _from_address_blocks(doc: _Document, out: dict[str, Found[Any]], reference: date) -> None:
    """A person's name over a street and a "City, ST ZIP" line, as a letter addresses its
    subject: that person's name and address, when no caption gave the member's.

    A name with credentials ("Omar Miller, DO") is the clinician's, and the letterhead at
    the head of the page is the office's, so neither is taken.
    """
    if "member.address" in out:
        return
    for page in doc.pages:
        lines = [line_words(page, n) for n in range(len(page.lines))]
        lines = [ln for ln in lines if ln]
        for at, words in enumerate(lines[:-1]):
            # The letterhead's street starts in its band; a name just above the band's
            # edge may head a block printed under it (a letter's addressee).
            if lines[at + 1][0].bbox[1] < _LETTERHEAD_BAND:
                continue
            text = _text(words)
            name = _name(text)
            # "Patrick Infectious Disease Consultants" reads as a name; a person's name
            # has at most three words unless a comma puts the surname first, and no word of
            # an office's ("Lakeview Pulmonary Associates" over the practice's street).
            office = has_phrase(text, office_words())
            if name is None or name.credentials or office or ("," not in text and len(words) > 3):
                name = None
                # Nor the line naming the member ("Re: Eleanor W. (DOB ...)") over a line
                # opening with a house number.
                house = lines[at + 1][0].text[:1].isdigit()
                if not (house and _prints_members_name(out, page, words)):
                    continue
            # A line holding its ZIP is the whole address, ended there: "5012 Swiss Ave,
            # Dallas, TX 75214 - home 214-555-0172".
            one_line = _to_zip(lines[at + 1])
            for size in (1,) if one_line else (2, 1):
                block = [one_line] if one_line else lines[at + 1 : at + 1 + size]
                text = "\n".join(_text(ln) for ln in block)
                address = _address(text, reference) if len(block) == size else None
                if address is None:
                    continue
                street = [w for ln in block for w in ln]
                out["member.address"] = found_from_words(address, page, street)
                if name is not None and "member.last_name" not in out:
                    out["member.first_name"] = found_from_words(name.first, page, words)
                    out["member.last_name"] = found_from_words(name.last, page, words)
                return


def _prints_members_name(out: dict[str, Found[Any]], page: Page, words: list[Word]) -> bool:
    """Whether a line is the one the member's name was read from."""
    name = out.get("member.last_name")
    return name is not None and name.page == page.number and any(w in words for w in name.words)


#: The letterhead's band at the head of a page, as a share of its height.
_LETTERHEAD_BAND = 0.1


def _doubt_contested(
    doc: _Document, out: dict[str, Found[Any]], reference: date, readers: Mapping[str, Read]
) -> None:
    """Lower the confidence of a value another caption on the order gives differently.

    Two readable phones captioned as the patient's, or two birth dates, mean the role of at
    least one is wrong; the first in reading order is kept, but the clerk is asked to look.
    """
    for path, read in readers.items():
        chosen = out.get(path)
        if chosen is None or path in UNCONTESTED_PATHS:
            continue
        sources = [s for c in doc.labelled(path) for s in _label_sources(c, path)]
        sources += [_Source(c.text, c.words, c.page) for c in doc.captioned if c.path == path]
        readings = {_comparable(read(s.text, reference)) for s in sources} - {None}
        own = _comparable(chosen.value)
        if any(_rivals(path, own, reading) for reading in readings - {own}):
            out[path] = replace(chosen, confidence=min(chosen.confidence, CONTESTED_CONFIDENCE))


#: Paths whose kind of value an order prints for each of its parties: the patient's phone
#: beside a caregiver's, an emergency contact's or a supplier's, the clinician's fax beside
#: the facility's or the pharmacy's, the patient's address beside the supplier's. Another
#: reading under the same caption is then most often another party's value, not a doubt
#: about the one chosen beside the party's name (on the devset such second readings
#: flagged 45 right values and not one wrong one). Only a reading that may be the same
#: print read otherwise rivals it.
_EVERY_PARTYS = frozenset({"member.phone", "clinician.fax", "member.address"})


def _rivals(path: str, own: Any, reading: Any) -> bool:
    """Whether another caption's reading of ``path`` doubts the chosen one (``own``, both as
    ``_comparable`` gives them): any other reading does, but for a value each party has only
    one that may be the same print misread: a number differing in digits a fax confuses
    (its copies are voted on by ``_settle_numbers`` too), an address with the same street
    line or the same ZIP."""
    if path not in _EVERY_PARTYS:
        return True
    if isinstance(own, tuple) and isinstance(reading, tuple):
        return any(a is not None and a == b for a, b in zip(own, reading, strict=True))
    return is_misread_copy(str(own), str(reading))


def _comparable(value: Any) -> Any:
    """A reading as compared with another: a date by its day, an address by its street."""
    value = getattr(value, "date", value)  # a date reader's answer carries its plausibility
    if isinstance(value, dict):
        return (value.get("line1"), value.get("postal_code"))
    return value


def _beside_group_number(doc: _Document, out: dict[str, Found[Any]], reference: date) -> None:
    """The member's ID under a caption OCR could not read, in the cell before the group's.

    A plan's card, and the forms that copy it, print the member's ID and the group number
    side by side, the ID first ("ID# 757279131    GROUP# GRP 531881"). A short caption is
    the first thing a fax blurs ("Ip#", "ro#"); the ID-shaped value after it, in the cell
    before the group's caption, is still the member's. It is read with lowered confidence,
    so the clerk checks it against the page.
    """
    if "member.member_id" in out:
        return
    for page in doc.pages:
        for row in printed_rows(page):
            cells = [cell for cell in row_cells(page, row.words) if _holds_alnum(cell)]
            for before, after in pairwise(cells):
                if len(before) < _CAPTION_AND_VALUE or not _opens_group_number(after):
                    continue
                if not _unread_caption(before[0].text):
                    continue
                value = _member_id(_text(before[1:]), reference)
                if value is not None:
                    found = found_from_words(value, page, before[1:])
                    confidence = min(found.confidence, _UNREAD_CAPTION_CONFIDENCE)
                    out["member.member_id"] = replace(found, confidence=confidence)
                    return


def _after_plan_name(doc: _Document, out: dict[str, Found[Any]], reference: date) -> None:
    """The member's ID printed after the plan's name, behind a caption or a bare mark ("Plan:
    Anthem BCBS # YRB882047731"), as a card prints them, when nothing else gave the ID."""
    payer = out.get("payer.name")
    page = next((p for p in doc.pages if p.number == payer.page), None) if payer else None
    if payer is None or page is None or not payer.words or "member.member_id" in out:
        return
    # The plan's words and the rest of their cell: a name read by its shape ends at itself.
    line = line_words(page, payer.words[-1].line)
    after = [w for w in line if w.bbox[0] > payer.words[-1].bbox[0]]
    cell = next(row_cells(page, after), []) if after else []
    words = [*payer.words, *cell]
    end = plan_name_end([w.text for w in words])
    if end is None:
        return
    rest = words[end:]
    # Past the caption's words and marks ("member no.", "#"), to the number itself.
    while rest and (
        is_caption_word(_bare(rest[0].text)) or not any(c.isalnum() for c in rest[0].text)
    ):
        rest = rest[1:]
    if _opens_group_number(words[end:]) or (end and _opens_group_number(words[end - 1 :])):
        return  # "Cigna Grp # GRP338446": the plan's group, no member's ID
    group = out.get("payer.group_number")
    if group is not None and any(w in group.words for w in rest):
        return  # "Payer | Group Number" over "UnitedHealthcare | 632-64519": the group's
    glued = rest and rest[0].text.startswith("#")  # "#YRB882047731"
    value = _member_id(_text(rest).lstrip("#") if glued else _text(rest), reference)
    if rest and value is not None:
        out["member.member_id"] = found_from_words(value, page, rest)


#: The confidence of an ID whose caption OCR could not read: under the member ID's bar, so
#: the clerk is asked to check it.
_UNREAD_CAPTION_CONFIDENCE = 0.6
#: A caption's word and the value after it, in one cell.
_CAPTION_AND_VALUE = 2
#: The longest caption a fax may blur past reading and still be taken for the ID's ("ID#").
_MAX_UNREAD_CAPTION = 4


def _holds_alnum(words: list[Word]) -> bool:
    return any(c.isalnum() for w in words for c in w.text)


def _opens_group_number(cell: list[Word]) -> bool:
    """Whether a cell opens with a listed caption of the plan's group number ("GROUP#")."""
    specs = vocabulary().specs
    for size in (1, 2):
        key = _text(cell[:size]).lower().rstrip(_LABEL_MARKS)
        spec = specs.get(key) or specs.get(key.rstrip("#").rstrip())
        if spec is not None and spec.path == "payer.group_number":
            return True
    return False


#: Marks a caption may end with: "GRouP#.", "Group No.:".
_LABEL_MARKS = ".:;, "


def _unread_caption(token: str) -> bool:
    """Whether a token reads as a short caption blurred past reading ("Ip#", "ro#", "De"):
    a few letters no caption uses, with a number sign or a small letter only OCR would set
    in a form's capitalised caption. "Rx#" or "MRN" name another number, "UHC" is a plan."""
    letters = token.rstrip("#:.;")
    return (
        0 < len(letters) <= _MAX_UNREAD_CAPTION
        and letters.isalpha()
        and (token.endswith("#") or any(c.islower() for c in letters))
        and not is_caption_word(letters)
    )


def _dates_from_bare_labels(doc: _Document, out: dict[str, Found[Any]], reference: date) -> None:
    # A bare "Date" is the signature date on a signature line, else the order's date.
    for near, path in ((True, "dates.signature"), (False, "dates.order")):
        if path in out:
            continue
        sources = (
            s
            for c in doc.labelled("any.date")
            if c.near_signature == near and (near or not _qualified_date_label(c))
            for s in _label_sources(c, path)
        )
        hit = _first(sources, READERS[path], reference)
        if hit is not None:
            out[path] = _found(path, *hit)


def _qualified_date_label(candidate: Candidate) -> bool:
    """Whether the word before a "Date" label makes it another date's caption ("STUDY DATE",
    "SET-UP DATE"): the words run on into the label, and the caption they make is no order's.
    The label may be glued to its value ("DATE..11/05/25"), so every word starting left of
    the value counts, the label's own word last."""
    first = candidate.words[0]
    before = sorted(
        (
            w
            for w in candidate.page.words
            if w.line == first.line and w.bbox[0] < first.bbox[0] and w.bbox != first.bbox
        ),
        key=lambda w: w.bbox[0],
    )
    label = re.match(r"[A-Za-z]+", before[-1].text) if before else None
    if len(before) < _CAPTION_AND_LABEL or label is None:
        return False
    qualifier = before[-2].text
    if not _CAPTION_WORD.fullmatch(qualifier):
        return False
    caption = f"{qualifier} {label.group()}"
    return not is_column_gap(candidate.page, before[-2], before[-1]) and (
        caption_path(caption) != "dates.order"
    )


#: A caption's qualifying word: letters, perhaps joined by hyphens ("SET-UP", "Follow-up").
_CAPTION_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


#: A qualifying word and the "Date" label itself.
_CAPTION_AND_LABEL = 2


#: The member's own values that place the member's block on the page.
_MEMBER_ANCHORS = ("member.dob", "member.member_id", "member.phone", "member.address")
#: How many of them a page must hold before a lone name near them is taken for the member's.
_MIN_ANCHORS = 2
#: How far (in the anchors' line heights) a lone name may sit from the nearest anchor: a
#: checklist's first row under the member's block, a name above its date of birth.
_ANCHOR_REACH_LINES = 6
#: The most confidence a name found by its place alone carries: the clerk checks it.
_LONE_NAME_CONFIDENCE = CONTESTED_CONFIDENCE


def _lone_member_name(doc: _Document, out: dict[str, Found[Any]]) -> None:
    """A row (or a cell of one) printing nothing but a person's name, beside the member's
    other values, is the member's name when no caption names it ("CALDWELL, MARY" under the
    date of birth and the member ID, its caption unread). The given name must be a common
    one and the surname one the census lists: a lone title or a practice's name is not a
    person's. Flagged for the clerk."""
    if "member.last_name" in out or "member.first_name" in out:
        return
    anchors = [out[path] for path in _MEMBER_ANCHORS if path in out]
    for page in doc.pages:
        boxes = [a.bbox for a in anchors if a.page == page.number]
        if len(boxes) < _MIN_ANCHORS:
            continue
        reach = _ANCHOR_REACH_LINES * min(box[3] - box[1] for box in boxes)
        # A cell of its own will do: a hospital's label prints the name on the row of the
        # hospital's name ("MERCY GENERAL HOSPITAL      GARCIA-LOPEZ, MARIA E").
        cells = [(r, c) for r in printed_rows(page) for c in row_cells(page, r.words)]
        for row, cell in cells:
            top, bottom = cell[0].bbox[1], cell[0].bbox[3]
            if min(max(box[1] - bottom, top - box[3]) for box in boxes) > reach:
                continue
            name = _common_name(_text(_trimmed_ticks(cell)))
            if name is None or _names_another_party(page, row.words):
                continue  # "Referring physician    Anna Lee": captioned as another's
            clinician = out.get("clinician.last_name")
            if clinician is not None and clinician.value.casefold() == name.last.casefold():
                continue
            source = _Source(_text(cell), cell, page, most=_LONE_NAME_CONFIDENCE)
            _put_member_name(out, name, source)
            return


def _name_over_address(doc: _Document, out: dict[str, Found[Any]]) -> None:
    """The person's name heading the member's address under its caption, as a label or an
    envelope prints it ("SHIP TO (patient home)" / "Marisol Quintero" / "88 Riverbend Ct" /
    "Santa Fe, NM 87507"), when no caption named the member. The names must be listed ones,
    and the clerk checks it."""
    address = out.get("member.address")
    if address is None or "member.last_name" in out or "member.first_name" in out:
        return
    for candidate in doc.labelled("member.address"):
        lines = candidate.lines
        if candidate.layout != "below" or len(lines) < 2 or not lines[0]:
            continue
        heading, below = lines[0], lines[1]
        if not below or not _covers(address, candidate.page, below[0]):
            continue  # the address was read elsewhere
        if any(c.isdigit() for w in heading for c in w.text):
            continue  # a street's or a box's line, no name
        name = _name(_text(heading))
        if name is None or not name.first or not name.last:
            continue
        if given_share(name.first.split()[0]) == 0 or surname_share(name.last.split()[-1]) == 0:
            continue
        source = _Source(_text(heading), heading, candidate.page, most=_LONE_NAME_CONFIDENCE)
        _put_member_name(out, name, source)
        return


def _put_member_name(out: dict[str, Found[Any]], name: PersonName, source: _Source) -> None:
    """The member's first and last names, both read from one source."""
    out["member.first_name"] = _found("member.first_name", name.first, source)
    out["member.last_name"] = _found("member.last_name", name.last, source)


def _covers(found: Found[Any], page: Page, word: Word) -> bool:
    """Whether a found value was read from the rows holding this word."""
    return (
        found.page == page.number
        and found.bbox[1] <= word.bbox[3]
        and word.bbox[1] <= found.bbox[3]
        and found.bbox[0] <= word.bbox[2]
        and word.bbox[0] <= found.bbox[2]
    )


def _trimmed_ticks(words: list[Word]) -> list[Word]:
    """The words of a row after a tick box opening it ("x Randy C Allen")."""
    return list(dropwhile(lambda w: is_tick_box(w.text), words))


def _common_name(text: str) -> PersonName | None:
    name = _name(text)
    if name is None or not name.first or not name.last:
        return None
    given, surname = name.first.split()[0], name.last.split()[-1]
    # A double surname ("Garcia-Lopez") is listed part by part.
    listed = all(surname_share(part) > 0 for part in surname.split("-"))
    if given_share(given) < COMMON_SHARE or not listed:
        return None
    return name


def _drop_birth_dates(out: dict[str, Found[Any]]) -> None:
    """No date of the order's care is the day the member was born: a "DoB" the
    fax blurred to "DOS" (date of service) captions the birth date, not the service's."""
    born = out.get("member.dob")
    for path in DATE_ROLES:
        found = out.get(path)
        if born is not None and path != "member.dob" and found and found.value == born.value:
            del out[path]


def _discharge_time(out: dict[str, Found[Any]]) -> None:
    """The clock time printed after the discharge date ("5/28/2025 13:45", "at 2 PM")."""
    found = out.get("dates.discharge")
    spans = find_dates(found.text) if found is not None else []
    if found is None or not spans:
        return
    at = find_time(found.text[spans[0][1] :][:_TIME_REACH])
    if at is not None:
        out["dates.discharge_time"] = Found(
            at, found.page, found.bbox, found.confidence, found.text
        )


def _clinicians_npi(doc: _Document, out: dict[str, Found[Any]]) -> None:
    """The NPI known by its shape when no caption gave one; and in place of a captioned one
    when an NPI printed nearer the clinician's name passes the check digit, doubtful then,
    as the caption may be the clinician's after all."""
    name = out.get("clinician.last_name")
    captioned = out.get("clinician.npi")
    if captioned is None:
        if (shaped := npi_by_shape(doc.pages, name)) is not None:
            out["clinician.npi"] = shaped
    elif name is not None and (nearer := nearer_npi(doc.pages, captioned, name)) is not None:
        out["clinician.npi"] = replace(
            nearer, confidence=min(nearer.confidence, CONTESTED_CONFIDENCE)
        )


#: How far past the discharge date, in characters, its time may be printed (" at 10:00 AM").
_TIME_REACH = 16


#: The clinician's numbers, printed beside the clinician's name in the prescriber's box.
_CLINICIAN_CONTACT = frozenset({"clinician.phone", "clinician.fax", "clinician.npi"})


def _placed_elsewhere(doc: _Document, candidate: Candidate) -> bool:
    """Whether the caption reading, which follows the page's headings and columns, places a
    labelled number as the other party's: a bare "Phone" under an "ORDERING / CERTIFYING
    PHYSICIAN" heading the label list does not hold is not the patient's."""
    party = candidate.path.partition(".")[0]
    if candidate.path not in _NUMBERS or not candidate.lines:
        return False
    boxes = {w.bbox for w in candidate.lines[0]}
    return any(
        value.placed
        and value.page is candidate.page
        and value.path in _NUMBERS
        and not value.path.startswith(party)
        and any(w.bbox in boxes for w in value.words)
        for value in doc.captioned
    )


def _outranked_address(doc: _Document, candidate: Candidate, reference: date) -> bool:
    """Whether a bare "Address" took the member's party only from the section above it
    while a caption of the member's own ("Street address") reads an address: a form puts
    the providers' "Address" boxes under the patient's part with no heading a fax kept."""
    spec = vocabulary().specs.get(candidate.label.lower().strip(" :;.#"))
    if candidate.path != "member.address" or spec is None or not spec.generic:
        return False
    captioned = doc.captioned
    sources = (
        s
        for i, c in enumerate(captioned)
        if c.path == "member.address" and c.caption
        for s in _with_locality(captioned, i)
    )
    return _first(sources, _address, reference) is not None


def _signature_block(doc: _Document, out: dict[str, Found[Any]], received: frozenset[str]) -> None:
    """The numbers printed after the clinician's name on its line and in the lines under it,
    as a signature block prints them ("Jane Roe, MD | NPI ... | T 916 489-3461 | F ...",
    "Direct line (916) 489-3461 / fax (201) 592-5203"): the clinician's own, whatever words
    caption them, before a letterhead's, which may be the hospital's.

    A number is taken only after words no caption of another value holds (no "NPI", no
    patient's caption, no digits), and the block ends at a line naming another party.
    """
    anchor = _name_on_order(doc, out.get("clinician.last_name"))
    if anchor is None:
        return
    page, box = anchor
    lines = [line_words(page, n) for n in range(len(page.lines))]
    own = [w for ln in lines if ln and ln[0].line == box.line for w in ln if w.bbox[0] >= box.x1]
    below = [ln for ln in lines if ln and ln[0].line != box.line and ln[0].bbox[1] > box.y0]
    below = [ln for ln in below if ln[0].bbox[0] >= _block_left(page, box) - _BLOCK_SLACK]
    over = ""  # a line of a caption alone ("FAX"), over the number it captions
    for line in [own, *below[:_BLOCK_LINES]]:
        text = _UNGLUED.sub(" ", _text(line))
        if caption_party(text) == "other" or has_phrase(text, letterhead_words()[0]):
            return
        start = 0
        for at, end, printed in find_phones(text):
            # A number opening its line has its caption on the line above, if that is one.
            caption, start = (over if at == 0 and over else text[start:at]), end
            path = _block_path(caption, beside_name=line is own)
            number = parse_phone(printed)
            if path is None or number is None or number in received:
                continue
            if path in out and not _from_letterhead(out[path], out):
                continue
            words = [w for w in line if w.text in printed] or line
            out[path] = found_from_words(number, page, words)
        over = "" if any(c.isdigit() for c in text) else text


def _block_left(page: Page, box: _NameBox) -> float:
    """Where the lines of a name's block start: at its caption when one is printed right
    before it ("Name: Elena Marsh, MD" over "Phone: ...  Fax: ..."), else at the name."""
    line = line_words(page, box.line)
    before = [w for w in line if w.bbox[2] <= box.x0]
    name = [w for w in line if w.bbox[0] >= box.x0]
    captioned = before and name and before[-1].text.endswith(":")
    if captioned and not is_column_gap(page, before[-1], name[0]):
        return before[-1].bbox[0]
    return box.x0


def _from_letterhead(found: Found[Any], out: Mapping[str, Found[Any]]) -> bool:
    """Whether a value was read above the member's values on its page, where a letterhead
    prints the practice's or the hospital's numbers: the clinician's own block outranks it."""
    member = [
        value.bbox[1]
        for path, value in out.items()
        if path.startswith("member.") and value.words and value.page == found.page
    ]
    return bool(found.words and member) and found.bbox[3] <= min(member)


@dataclass(frozen=True)
class _NameBox:
    """Where the clinician's name is printed: its line, and its box's left, top and right."""

    line: int
    x0: float
    y0: float
    x1: float


def _name_on_order(doc: _Document, name: Found[Any] | None) -> tuple[Page, _NameBox] | None:
    """The page and place of the clinician's name on the order: where it was read, or, for a
    name read off the cover sheet, the last line of the order that prints it again (the
    letter's signature block under which the office's numbers stand)."""
    if name is None:
        return None
    for page in doc.pages:
        if page.number == name.page and name.words:
            first = name.words[0]
            return page, _NameBox(first.line, name.bbox[0], name.bbox[1], name.bbox[2])
    key = str(name.value).casefold()
    for page in reversed(doc.pages):
        for number in reversed(range(len(page.lines))):
            words = line_words(page, number)
            again = _name(_text(words)) if words else None
            if again is not None and again.last.casefold() == key:
                box = union([w.bbox for w in words])
                return page, _NameBox(number, box[0], box[1], box[2])
    return None


#: A signature line's one-letter caption run into its number: "F971 834-7467", "T(312)...".
_UNGLUED = re.compile(r"(?<=(?<![A-Za-z])[A-Za-z])(?=\(?\d{3}\b)")
#: How many lines under the clinician's name its signature block runs, and how far left of
#: the name a line of it may start.
_BLOCK_LINES = 3
_BLOCK_SLACK = 0.02


def _block_path(caption: str, *, beside_name: bool = False) -> str | None:
    """Which of the clinician's numbers the words before it in a signature block name: the
    words since the last mark parting its cells ("| NPI 1234567893 | F ...").

    On the name's own line a number is the clinician's only when so captioned or set in a
    cell of its own: the words OCR garbled after a name ("mm #1 212 ...") may have been
    another role's caption, the name a referring doctor's.
    """
    cells = caption.split(_CELL_MARK)
    # A value printed before the number ends its caption as a cell's mark does: "NPI
    # 1744062286 Phone (757) ..." captions the phone with "Phone".
    caption = _AFTER_VALUE.split(cells[-1])[-1]
    words = re.findall(r"[A-Za-z]+", caption)
    if any(c.isdigit() for c in caption) or len(words) > _MAX_BLOCK_CAPTION:
        return None
    if caption_party(caption) not in (None, "clinician"):
        return None  # "Patient phone", "Supplier fax": another's number
    path = caption_path(caption, "clinician")
    if path in ("clinician.phone", "clinician.fax"):
        return path
    if beside_name and (words or len(cells) == 1):
        return None
    return "clinician.phone" if path is None and caption_party(caption) is None else None


#: A value of five digits or more, which no caption holds.
_AFTER_VALUE = re.compile(r"\S*[0-9]{5,}\S*")
#: The mark a signature line prints between its cells.
_CELL_MARK = "|"
#: The most words a signature block's caption of a number takes: "Direct line".
_MAX_BLOCK_CAPTION = 3


def _settle_numbers(
    pages: Sequence[Page], out: dict[str, Found[Any]], received: frozenset[str]
) -> None:
    """Each chosen phone or fax number as the copies the document prints of it read it
    (``copies.settle``): a digit the fax misread in one copy is read from the others, and a
    number its copies disagree on is marked contested. Another field's number, or the
    receiving fax machine's, is no copy."""
    printed = printed_numbers(pages)
    for path in sorted(_NUMBERS):
        found = out.get(path)
        if found is None:
            continue
        others = {out[other].value for other in _NUMBERS - {path} if other in out} | received
        settled = settle(found.value, printed, others)
        if settled.contested:
            confidence = min(found.confidence, CONTESTED_CONFIDENCE)
            out[path] = replace(found, value=settled.value, confidence=confidence)


def _practice_numbers(doc: _Document, path: str) -> Iterable[Candidate]:
    """For the clinician's phone, a practice's caption whose value is a phone number alone:
    "Clinic (615) 555-2880   Fax (615) 555-2881" captions the clinic's number, not its name."""
    if path != "clinician.phone":
        return
    for candidate in doc.labelled("clinician.organization"):
        text = _text(candidate.lines[0]) if candidate.lines else ""
        spans = find_phones(text)
        if len(spans) == 1 and spans[0][0] == 0 and not text[spans[0][1] :].strip():
            yield replace(candidate, path=path)


def _nearest_first(candidates: Iterable[Candidate], name: Found[Any] | None) -> list[Candidate]:
    """A party's candidates nearest its name first: the prescriber's "Fax:" under the
    prescriber's name before the letterhead's or the facility's at the head of the page.
    Last come those another clinician's caption holds off the name's line ("Supervising
    physician: Jean-Luc Babineaux, MD NPI ..." under the ordering NP's own NPI)."""
    if name is None:
        return list(candidates)
    return sorted(
        candidates,
        key=lambda c: (
            bool(c.words) and another_clinicians(c.page, c.words[0], name),
            *_away(c.words, c.page, name),
        ),
    )


def _away(words: list[Word], page: Page, name: Found[Any]) -> tuple[bool, bool, bool, float]:
    """How far words lie from a found name: another page first, then words ending left of
    the name or above its line (another column or box of a form: a party's box holds its
    values under and right of its name, "DME provider: ... NPI ..." over "Name: Helena M.
    Sorensen, MD  NPI: ..."), then the distance."""
    box = union([w.bbox for w in words])
    left = box[2] < name.bbox[0]
    above = box[3] <= name.bbox[1]
    return page.number != name.page, left, above, math.dist(box[:2], name.bbox[:2])


def _member_rows(pages: Sequence[Page], out: Mapping[str, Found[Any]]) -> Iterator[_Row]:
    """Each printed row that names the member, from the word after the name: the row
    holding the surname the order was read for, or a row a member caption opens ("PATIENT
    Dominguez, Justin ..."), where a form prints the member's other values."""
    for page, rows, at, start in _named_rows(pages, out):
        yield _Row(page, rows[at].words[start + 1 :])


def _wrapped_member_cells(pages: Sequence[Page], out: Mapping[str, Found[Any]]) -> Iterator[_Row]:
    """The cells after the member's name on its row, each joined with the cell under it
    that starts where it does: a table's value wrapped in its narrow cell ("15 Mar" /
    "1956")."""
    for page, rows, at, start in _named_rows(pages, out):
        if at + 1 >= len(rows):
            continue
        under = list(row_cells(page, rows[at + 1].words))
        for cell in row_cells(page, rows[at].words[start + 1 :]):
            for below in under:
                if abs(below[0].bbox[0] - cell[0].bbox[0]) <= _ALIGNED:
                    yield _Row(page, [*cell, *below])


def _under_member_rows(pages: Sequence[Page], out: Mapping[str, Found[Any]]) -> Iterator[_Row]:
    """The cells of the few rows under a member's name row that start where that row does:
    a block of the member's values one under another ("Name Wang, Melissa" / "Room / bed
    332-A" / "D/0/B 1/26/1936")."""
    for page, rows, at, start in _named_rows(pages, out):
        low, high = _block_lefts(page, rows[at].words, start)
        for row in rows[at + 1 : at + 1 + _BLOCK_ROWS]:
            cells = list(row_cells(page, row.words))
            for index, cell in enumerate(cells):
                if low - _ALIGNED <= cell[0].bbox[0] <= high + _ALIGNED:
                    yield _Row(page, [w for c in cells[index:] for w in c])
                    break


def _block_lefts(page: Page, words: list[Word], start: int) -> tuple[float, float]:
    """Where a block of the member's values may start, from its name row (the least and
    the most left): at the name's caption, in the name's own cell ("Name: Wang, Melissa")
    or the cell before it, or indented under the caption, as far as hanging under the value
    after it ("Re: Walter Kim" over "1717 Orchard Dr", or set in by a few spaces)."""
    cells = list(row_cells(page, words))
    named = next((i for i, cell in enumerate(cells) if any(w is words[start] for w in cell)), 0)
    if named and cells[named][0] is words[start] and caption_path(_text(cells[named - 1])):
        # The caption in a cell of its own: the block starts under it or under the name.
        return cells[named - 1][0].bbox[0], cells[named][0].bbox[0]
    cell = cells[named]
    # A caption opening the cell, with its colon or without ("PATIENT  OYELARAN, ..." over
    # the address set in under the name).
    captioned = cell[0].text.endswith(":") or caption_path(cell[0].text) is not None
    hanging = cell[1].bbox[0] if len(cell) > 1 and captioned else None
    return cell[0].bbox[0], cell[0].bbox[0] if hanging is None else hanging


#: How many rows under the member's name a block of the member's values runs.
_BLOCK_ROWS = 3
#: How far apart, as a share of the page's width, two left-aligned rows may start.
_ALIGNED = 0.01


def _named_rows(
    pages: Sequence[Page], out: Mapping[str, Found[Any]]
) -> Iterator[tuple[Page, list[Row], int, int]]:
    """(page, its rows, the row naming the member, the index of the naming word in it)."""
    surname = out.get("member.last_name")
    key = _bare(surname.value.split()[-1]) if surname is not None and surname.value else None
    for page in pages:
        rows = printed_rows(page)
        for number, row in enumerate(rows):
            words = row.words
            at = next((i for i, w in enumerate(words) if key and _bare(w.text) == key), None)
            if at is None and words and caption_path(words[0].text) == "member.name":
                at = 0
            # A kin's row ("Emergency contact Ana Ortiz") names the member's surname too, as
            # does a kin's name in a sentence ("Her daughter, Chioma Okonkwo (cell ...)").
            if at is None or _names_another_party(page, words[: at + 1]):
                continue
            if not _another_given_name(words, at, out):
                yield page, rows, number, at


def _another_given_name(words: list[Word], at: int, out: Mapping[str, Found[Any]]) -> bool:
    """Whether the member's surname at ``at`` follows a given name not the member's: a kin
    of the same surname ("Chioma Okonkwo" where the member is Adaeze Okonkwo)."""
    given = out.get("member.first_name")
    if given is None or not given.value or at == 0:
        return False
    before = words[at - 1].text
    named = before[:1].isupper() and before.isalpha() and not is_caption_word(before)
    titled = before.lower() in TITLES  # "Mrs Okonkwo": the member
    return named and not titled and _bare(before) != _bare(given.value.split()[0])


def _names_another_party(page: Page, words: list[Word]) -> bool:
    return any(_opens_another_party(cell) for cell in row_cells(page, words))


@dataclass(frozen=True)
class _Row:
    """The words of a printed row after an anchor (the member's name, a date of birth)."""

    page: Page
    words: list[Word]


def _bare(text: str) -> str:
    """A word without OCR's marks around it ("Miller,", "‘Male"), case folded."""
    return text.strip(_WORD_MARKS).casefold()


#: Marks around a printed word that are no part of it, a fill-in line's underscores too.
_WORD_MARKS = " ,.;:|()[]{}'\"`‘’“”_"


def _dates_in(words: list[Word]) -> Iterator[tuple[str, list[Word], int]]:
    """The dates printed in a run of words: the date's text, its words and the index of the
    word after it."""
    return _spans_in(words, find_dates)


def _spans_in(
    words: list[Word], finder: Callable[[str], Iterable[tuple[int, int, str]]]
) -> Iterator[tuple[str, list[Word], int]]:
    """What ``finder`` locates in a run of words' text (a date, a phone): its text, its
    words and the index of the word after it."""
    starts = [sum(len(w.text) + 1 for w in words[:i]) for i in range(len(words))]
    for start, end, printed in finder(_text(words)):
        spanned = [i for i, at in enumerate(starts) if at < end and at + len(words[i].text) > start]
        if spanned:
            yield printed, [words[i] for i in spanned], spanned[-1] + 1


def _dob_beside_member(doc: _Document, out: dict[str, Found[Any]], reference: date) -> None:
    """The member's date of birth by its shape, when no caption named it: a fax blurs a short
    caption past reading ("pop", "b/0/B;", "BATE OF ATRTH"), but the value stays a date
    old enough to be a birth, printed after the member's name on the name's row (maybe
    wrapped in its table cell), else in the block of the member's values under the name.

    A date within the last year may as well be the order's, a visit's or an admission's, so
    it is never taken; nor is one whose own caption names another date ("Encounter:",
    "Discharge date:"). The caption unread, the value is read below the date bar, so the
    clerk checks it.
    """
    if "member.dob" in out:
        return
    rows = [
        *_member_rows(doc.pages, out),
        *_wrapped_member_cells(doc.pages, out),
        *_under_member_rows(doc.pages, out),
    ]
    for row in rows:
        for printed, words, _after in _dates_in(row.words):
            parsed = parse_date(printed, "dob", reference)
            before = row.words[: row.words.index(words[0])]
            if parsed is None or not parsed.plausible or _captions_other(before):
                continue
            if (reference - parsed.date).days <= _RECENT_DAYS:
                continue
            found = _found("member.dob", parsed, _Source(printed, words, row.page))
            out["member.dob"] = replace(found, confidence=min(found.confidence, _SHAPE_CONFIDENCE))
            return


#: A date within this many days before the fax may be any of the order's own dates.
_RECENT_DAYS = 366
#: The confidence of a value read by its shape with its caption unread: under the date bar
#: (``confidence.KIND_BARS``), so the clerk is asked to check it.
_SHAPE_CONFIDENCE = 0.25


def _captions_other(before: list[Word]) -> bool:
    """Whether the words just before a value caption it as another path's ("Encounter:")."""
    for size in (1, 2):
        words = before[-size:] if len(before) >= size else []
        # A lone letter is a middle initial ("Lori T"), a caption only with its colon ("T:").
        if any(len(w.text.strip(".,")) == 1 for w in words):
            break
        if not words:
            break
        path = caption_path(_text(words))
        if (path is not None and path != "member.dob") or names_another_date(_text(words)):
            return True
    return False


def _phone_beside_member(
    doc: _Document, out: dict[str, Found[Any]], reference: date, header: frozenset[str]
) -> None:
    """The member's phone by its shape, when no caption named it: a fax blurs a short
    caption past reading ("pHous", "Teno.", "lel. no."), but the value stays a phone
    number, printed on a row of the member's values (the name's row, the block under it,
    the row of the birth date in a letter's "Re:" line).

    Only a number no caption gives another party is taken: a row's cells after one that
    names another party ("Emergency contact", "Physician") are that party's, a caption
    naming another path ("Fax:") rules its number out, and the clinician's or a fax
    machine's number is never the member's. The caption unread, the clerk checks it.
    """
    if "member.phone" in out:
        return
    theirs = {out[p].value for p in ("clinician.phone", "clinician.fax") if p in out} | header
    kept = [p for p in doc.pages if not is_cover_sheet(p)]
    rows = [
        *_member_rows(kept, out),
        *_under_member_rows(kept, out),
        *_birth_rows(kept, out, reference),
    ]
    for row in rows:
        for words in _member_cells(row):
            for printed, spanned, _after in _spans_in(words, find_phones):
                number = parse_phone(printed)
                before = _after_values(words[: words.index(spanned[0])])
                if (
                    number is None
                    or number in theirs
                    or printed.isdigit()  # ten bare digits: as likely an ID as a phone
                    or not _may_caption_phone(before)
                ):
                    continue
                found = found_from_words(number, row.page, spanned)
                out["member.phone"] = replace(
                    found, confidence=min(found.confidence, _SHAPE_CONFIDENCE)
                )
                return


def _member_cells(row: _Row) -> Iterator[list[Word]]:
    """A member's row cell by cell, up to a cell another party's caption opens."""
    for cell in row_cells(row.page, row.words):
        if _opens_another_party(cell):
            return
        yield cell


def _opens_another_party(cell: list[Word]) -> bool:
    """Whether a cell is opened by a caption of the clinician's or another party's: one
    ending in its colon ("Dispensing pharmacy: Valley Home Infusion, NPI ..."), or with no
    colon a cell without a digit (the "MD 21307" of an address is a state and its ZIP, a
    value's), nor a state's code alone."""
    lead = next(
        (at + 1 for at, w in enumerate(cell[:_PARTY_CAPTION_WORDS]) if w.text.endswith(":")), None
    )
    if lead is not None:
        return caption_party(_text(cell[:lead])) in ("clinician", "other")
    if any(_has_digit(w) for w in cell) or (len(cell) == 1 and cell[0].text in STATES):
        return False
    return caption_party(_text(cell[:_PARTY_CAPTION_WORDS])) in ("clinician", "other")


def _after_values(words: list[Word]) -> list[Word]:
    """The words after the last value a run prints: after its last word with a digit or
    ending a listing's item ("born 07/22/1941, female, tel." leaves "tel.")."""
    ends = [i for i, w in enumerate(words) if w.text.endswith((",", ";")) or _has_digit(w)]
    return words[ends[-1] + 1 :] if ends else words


def _has_digit(word: Word) -> bool:
    return any(c.isdigit() for c in word.text)


def _may_caption_phone(before: list[Word]) -> bool:
    """Whether the words before a number may be a phone's caption, blurred or not: a few
    words that name no other path ("Fax", "NPI", a name's caption before the name)."""
    if len(before) > _MAX_PHONE_CAPTION:
        return False
    path = caption_path(_text(before)) if before else None
    return path in (None, "member.phone", "clinician.phone")


#: The most words a blurred caption before a member's phone keeps: "Tel. no.:", "Home ph #".
_MAX_PHONE_CAPTION = 3
#: The most words a party's caption opening a cell holds ("Emergency contact", "Ordering
#: physician").
_PARTY_CAPTION_WORDS = 3


def sex_beside_member(
    pages: Sequence[Page], found: Mapping[str, Found[Any]], reference: date
) -> Found[str] | None:
    """The member's sex by its shape, when no caption or box gave it: "male" or "female" on
    a row that names the member or prints the birth date ("Re: bern 07/22/1941, female"), or
    an M or F alone just after a date there ("Ortega William 06/15/88 M", "1958/04/02 sm F",
    a blurred "Sex" caption between), where no middle initial stands.

    A row printing both sexes (a pair of box legends) says nothing, nor do rows that disagree.
    """
    kept = [p for p in pages if not is_cover_sheet(p)]
    rows = [*_member_rows(kept, found), *_birth_rows(kept, found, reference)]
    answers = [answer for row in rows if (answer := _stated_sex(row)) is not None]
    if len({value for value, _ in answers}) != 1:
        return None
    value, row_word = answers[0]
    return found_from_words(value, row_word[0], [row_word[1]])


def _birth_rows(
    pages: Sequence[Page], found: Mapping[str, Found[Any]], reference: date
) -> Iterator[_Row]:
    """Each printed row holding the member's date of birth, as found."""
    birth = found.get("member.dob")
    if birth is None:
        return
    for page in pages:
        for row in printed_rows(page):
            for printed, _words, _after in _dates_in(row.words):
                parsed = parse_date(printed, "dob", reference)
                if parsed is not None and parsed.date == birth.value:
                    yield _Row(page, row.words)
                    break


def _stated_sex(row: _Row) -> tuple[str, tuple[Page, Word]] | None:
    """The sex a member's row states by its shape: a word, else a letter after a date."""
    spelled = [w for w in row.words if len(_bare(w.text)) > 1 and _bare(w.text) in STATED_SEX]
    # A letter in brackets is a sex too, wherever the row puts it: "Okonkwo, Adaeze (F)".
    lettered = [
        *_letters_after_dates(row.words),
        *(w for w in row.words if _BRACKETED_SEX.fullmatch(w.text)),
    ]
    letters = {letter for w in lettered if (letter := _lone_letter(w)) is not None}
    stated = {STATED_SEX[_bare(w.text)] for w in spelled} or letters
    if len(stated) != 1:
        return None
    return stated.pop(), (row.page, (spelled or lettered)[0])


def _letters_after_dates(words: list[Word]) -> Iterator[Word]:
    """An M or F alone right after a date, or after one short word (a blurred caption)."""
    if {_lone_letter(w) for w in words} >= {"M", "F"}:
        return  # both legends of a pair of boxes
    for _printed, _words, after in _dates_in(words):
        following = words[after : after + 2]
        if following and _lone_letter(following[0]):
            yield following[0]
        elif (
            len(following) == 2
            and len(following[0].text) <= _BLURRED
            and _lone_letter(following[1])
        ):
            yield following[1]


#: A sex letter in brackets: "(F)".
_BRACKETED_SEX = re.compile(r"\([MF]\)[,;.]?")
#: The most characters a blurred "Sex" caption between a date and its letter keeps ("sm").
_BLURRED = 3


def _lone_letter(word: Word) -> str | None:
    """The sex letter a word is alone ("M", "F.", "M_" on its fill-in line, "™M" with a
    speck glued on), else None."""
    text = _EDGE_MARKS.sub("", word.text)
    return text if text in ("M", "F") else None


def extract_parties(
    pages: Sequence[Page], reference: date, covers: Sequence[Page] = ()
) -> dict[str, Found[Any]]:
    """The member, payer, clinician and date fields, keyed by contract path.

    ``reference`` is the day the fax was received: two-digit years and plausibility are
    judged against it. ``covers`` are the fax's cover sheets, read only for the sending
    office's clinician. A path the document does not give is absent from the result.
    """
    doc = _Document(pages)
    received = header_numbers([*pages, *covers]).receiving
    readers = _readers(received)
    out: dict[str, Found[Any]] = {}
    _names(doc, out)
    for path, read in readers.items():
        if path in out:
            continue
        near = out.get("clinician.last_name") if path in _CLINICIAN_CONTACT else None
        labelled = (
            c
            for c in chain(doc.labelled(path), _practice_numbers(doc, path))
            if not _placed_elsewhere(doc, c) and not _outranked_address(doc, c, reference)
        )
        ordered = _nearest_first(labelled, near)
        sources = [s for c in ordered for s in _label_sources(c, path)]
        hit = _first(sources, read, reference)
        if hit is not None:
            out[path] = _found(path, *hit)
    _from_name_blocks(doc, out, reference)
    for path, read in readers.items():
        if path not in out and (hit := _first(doc.mentioned(path), read, reference)):
            out[path] = _found(path, *hit)
    _signature_block(doc, out, received)
    _from_captions(doc, out, reference, readers)
    _beside_group_number(doc, out, reference)
    _plan_by_shape(doc, out)
    _after_plan_name(doc, out, reference)
    _cover_sender([*pages, *covers], out)
    # A name read only now (off a cover sheet, from a caption) heads a block read only now.
    _signature_block(doc, out, received)
    _from_listing_caption(doc, out, reference)
    _from_address_blocks(doc, out, reference)
    _dates_from_bare_labels(doc, out, reference)
    _dob_beside_member(doc, out, reference)
    _name_over_address(doc, out)
    _lone_member_name(doc, out)
    _drop_birth_dates(out)
    _discharge_time(out)
    _mend_names(doc.pages, out)
    _mend_address(out)
    _clinicians_npi(doc, out)
    _another_providers_box(doc, out)
    _letterhead(doc, pages, out, received)
    _header_fax([p for p in pages if not is_cover_sheet(p)] or list(pages), out)
    header = header_numbers([*pages, *covers])
    _phone_beside_member(doc, out, reference, header.receiving | frozenset(header.sending))
    _settle_numbers([*pages, *covers], out, received)
    _doubt_stand_ins(doc, out, reference)
    _doubt_contested(doc, out, reference, readers)
    return out
