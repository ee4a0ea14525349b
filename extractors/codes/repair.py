"""Repair of ICD-10-CM and HCPCS codes misread by OCR on faxed orders.

A repair only ever returns a code that exists in the real code set and differs from the page
by known OCR confusions (O/0, I/1/l, S/5, B/8, Z/2, G/6), a stray space, a missing dot or a
comma for the dot, or brackets and pipes glued to the code. When the reading is not unique the
answer is None: a wrong code on an order is worse than a blank the clerk fills in.
"""

from __future__ import annotations

import re
import string
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import Enum
from functools import cache, lru_cache
from importlib.resources import files
from itertools import product

from extractors.codes import hcpcs, icd10
from extractors.normalize.lookalikes import as_digit, as_letters, digit_confusions, reads_as_itself


class _Slot(Enum):
    LETTER = "letter"
    DIGIT = "digit"
    ALNUM = "alnum"


#: More misreads than this in one short code is more likely another word than a code.
_MAX_SUBSTITUTIONS = 2

_NOISE = re.compile(r"[\s\[\](){}<>|]")
#: A bracket or bar where the code's letter goes, before its digits, is that letter as a fax
#: left it: a J that lost its hook ("]96.11"), an I that lost its stem's right side
#: ("[50.32"); a table border glued to a code ("|E11.65", "[I10") stands before the letter.
_LEADING_LETTER = re.compile(r"[\]}|\[](?=[0-9])")
_EDGE_PUNCTUATION = ".,;:"

_ICD_SLOTS = (_Slot.LETTER, _Slot.DIGIT) + (_Slot.ALNUM,) * 5
_HCPCS_SLOTS = (_Slot.LETTER,) + (_Slot.DIGIT,) * 4


def repair_icd10(token: str, described_by: str = "") -> str | None:
    """The dotted ICD-10-CM code ``token`` reads as, or None if there is not exactly one.

    ``described_by`` is text printed beside the code ("111.0 Hypertensive heart disease"):
    when several codes fit the characters, the one whose description that text names wins.
    """
    # A comma for the dot, or printed beside it ("J96,.11").
    text = re.sub(r"[.,]{1,2}", ".", _strip_noise(token))
    head, dot, tail = text.partition(".")
    if dot and (len(head) != 3 or not 1 <= len(tail) <= 4):
        return None
    chars = head + tail
    if not 3 <= len(chars) <= 7:
        return None
    candidates = _candidates(chars, _ICD_SLOTS, lambda code: icd10.lookup(code) is not None)
    if len(candidates) > 1 and described_by:
        candidates = _best_described(candidates, described_by)
    return icd10.normalize(candidates.pop()) if len(candidates) == 1 else None


def described(code: str, text: str) -> int:
    """How many words of the ICD-10-CM description of ``code`` the ``text`` carries."""
    entry = icd10.lookup(code)
    if entry is None or not entry.description:
        return 0
    return len(_words(entry.description) & _words(text))


def described_child(code: str, text: str) -> str | None:
    """The one billable code under the subcategory ``code`` whose own words, beyond its
    parent's description, ``text`` prints: "G20.A Parkinson's disease without dyskinesia,
    without mention..." is G20.A1 (OCR lost the 1). None when the text names no child's words
    (a header code printed with its own title, "G47.3 (Sleep apnea)") or several's."""
    parent = _description_words(code)
    printed = _words(text)
    named = [
        child.code
        for child in icd10.children(code)
        if child.billable and (_words(child.description) - parent) & printed
    ]
    return named[0] if len(named) == 1 else None


def _description_words(code: str) -> frozenset[str]:
    entry = icd10.lookup(code)
    return _words(entry.description) if entry is not None and entry.description else frozenset()


def description_share(code: str, text: str) -> tuple[int, float]:
    """How many words of the description of ``code`` the ``text`` carries, and what share of
    them: "Malignant neoplasm of colon" carries all of C18.9's and three of C18.2's four."""
    own = _description_words(code)
    carried = len(own & _words(text))
    return carried, carried / len(own) if own else 0.0


@lru_cache(maxsize=4096)  # the same pieces recur on every order ("120", "2.5")
def near_codes(token: str) -> frozenset[str]:
    """The ICD-10-CM codes (undotted) a damaged piece may have been printed as: itself, its
    look-alike readings, and the codes one character away, where OCR lost the letter
    ("89.153", "44.1"), read it as a mark ("&11.621", "[50.2") or as two characters ("J110"
    for I10), or misread one digit ("ZI901"). Far too many to take on the print alone: only
    a description printed beside the piece may choose among them."""
    # A bracket after the first character is a 1 that lost its foot ("M62.8]" is M62.81).
    chars = token[:1] + re.sub(r"[\]|}]", "1", token[1:])
    chars = re.sub(r"[^0-9A-Z]", "", chars.upper())
    if not 2 <= len(chars) <= 7 or sum(c.isdigit() for c in chars) < 2:
        return frozenset()
    shapes = {
        letter + tail for letter in string.ascii_uppercase for tail in (chars, chars[1:], chars[2:])
    }
    for i in range(1, len(chars)):
        shapes.add(chars[:i] + chars[i + 1 :])
        shapes |= {chars[:i] + digit + chars[i + 1 :] for digit in string.digits}
    found = {code for code in shapes if icd10.exists(code)}
    return frozenset(found | _candidates(chars, _ICD_SLOTS, icd10.exists))


#: A line's words are matched against the descriptions of every code a piece on it may be.
_TEXTS_KEPT = 4096


@lru_cache(maxsize=_TEXTS_KEPT)
def _words(text: str) -> frozenset[str]:
    """The telling words of a text, with those of the diagnoses its abbreviations name."""
    spelled, pattern = _abbreviations()
    expanded = " ".join(spelled[short] for short in pattern.findall(text))
    found = re.findall(r"[a-z]{4,}", f"{text} {expanded}".lower())
    return frozenset(w for w in found if w not in _COMMON_WORDS)


@cache
def _abbreviations() -> tuple[dict[str, str], re.Pattern[str]]:
    """The diagnoses' abbreviations with their words, and one pattern finding any of them."""
    data = files("extractors").joinpath("data/abbreviations.toml").read_text("utf-8")
    spelled = dict(tomllib.loads(data)["diagnoses"])
    return spelled, re.compile(r"\b(" + "|".join(map(re.escape, spelled)) + r")\b")


#: Words too common in ICD-10-CM descriptions to tell two codes apart.
#: Qualifiers many descriptions share: they tell no code from another ("Gastrostomy status").
_COMMON_WORDS = frozenset(
    {"unspecified", "other", "with", "without", "specified", "type", "status"}
)


def _best_described(candidates: set[str], text: str) -> set[str]:
    scores = {code: described(code, text) for code in candidates}
    best = max(scores.values())
    return {code for code, score in scores.items() if score == best} if best else candidates


def repair_hcpcs(token: str, table: hcpcs.HcpcsTable | None = None) -> str | None:
    """The HCPCS Level II code ``token`` reads as in ``table`` (default: packaged), or None."""
    chars = _strip_noise(token)
    if len(chars) != len(_HCPCS_SLOTS):
        return None
    codes = hcpcs.load_table() if table is None else table
    return _repair(chars, _HCPCS_SLOTS, codes.__contains__)


#: What reading a damaged print as a code costs per character: a look-alike glyph (O for 0),
#: any other character ("@" for 0), a stray character OCR added at an edge (a rule or speck
#: glued on: "FGe299") and one inside.
_LOOKALIKE_COST = 0.5
_OTHER_COST = 1.0
_EDGE_STRAY_COST = 0.5
_STRAY_COST = 1.0
#: Most a print may cost away from the code its row's words choose: one character of any
#: kind and one look-alike, or three look-alikes. Two other characters let too many codes
#: fit a print for two shared words to single one out.
_MAX_DISTANCE = 1.5
#: Fewest words a row must share with a code's descriptions to vouch for it.
_VOUCHING_WORDS = 2
#: Letters of a word compared: "therapy" is "therapist", "nursing" is "nurse".
_STEM = 5
#: Words that tell no service or supply from another.
_FILLER_WORDS = frozenset(
    {"an", "and", "any", "as", "at", "by", "ea", "each", "for", "in", "of", "on", "or", "per"}
    | {"than", "the", "to", "with", "other", "not", "only", "use", "includes"}
)
#: Quotes OCR reads specks beside a code as.
_QUOTES = "\"'`\u2018\u2019\u201c\u201d"


def described_hcpcs(token: str, words: str, table: hcpcs.HcpcsTable | None = None) -> str | None:
    """The HCPCS code a print damaged past look-alike repair stands for, chosen by the words
    printed with it ("Ge299" beside "Skilled nursing (RN) visits" is G0299), or None.

    A damaged print near several codes says nothing alone; the row's words vouch for the
    code whose descriptions share the most of them (at least two), the nearest print
    breaking a tie. No winner, no code: a wrong code is worse than a blank.
    """
    named = _stems(words)
    if len(named) < _VOUCHING_WORDS:
        return None
    codes = hcpcs.load_table() if table is None else table
    ranked: list[tuple[int, float, str]] = []
    for code, distance in _near_prints(_strip_noise(token).strip(_QUOTES)).items():
        entry = codes.get(code)
        if entry is None:
            continue
        shared = len(named & _stems(f"{entry.short_description} {entry.long_description}"))
        if shared >= _VOUCHING_WORDS:
            ranked.append((shared, -distance, code))
    ranked.sort(reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[0][:2] == ranked[1][:2]):
        return None
    return ranked[0][2]


def _near_prints(chars: str) -> dict[str, float]:
    """Each HCPCS-shaped reading of ``chars`` within the most a print may cost, with its cost;
    a print one character long reads without one of its characters."""
    if len(chars) == len(_HCPCS_SLOTS):
        return _readings_within(chars, 0, "", 0.0)
    if len(chars) != len(_HCPCS_SLOTS) + 1:
        return {}
    near: dict[str, float] = {}
    for at in range(len(chars)):
        stray = _EDGE_STRAY_COST if at in (0, len(chars) - 1) else _STRAY_COST
        for code, cost in _readings_within(chars[:at] + chars[at + 1 :], 0, "", stray).items():
            near[code] = min(cost, near.get(code, cost))
    return near


def _readings_within(chars: str, at: int, read: str, cost: float) -> dict[str, float]:
    if at == len(chars):
        return {read: cost}
    near: dict[str, float] = {}
    for char, step in _costed_readings(chars[at], _HCPCS_SLOTS[at]):
        if cost + step <= _MAX_DISTANCE:
            for code, total in _readings_within(chars, at + 1, read + char, cost + step).items():
                near[code] = min(total, near.get(code, total))
    return near


def _costed_readings(char: str, slot: _Slot) -> list[tuple[str, float]]:
    """Every character ``slot`` takes, with what reading ``char`` as it costs."""
    choices = string.ascii_uppercase if slot is _Slot.LETTER else string.digits
    return [(choice, _reading_cost(char, choice)) for choice in choices]


def _reading_cost(char: str, want: str) -> float:
    if char.upper() == want and (want.isdigit() or reads_as_itself(char)):
        return 0.0
    if want.isalpha():
        return _LOOKALIKE_COST if want in as_letters(char) else _OTHER_COST
    return _LOOKALIKE_COST if as_digit(char, group="code") == want else _OTHER_COST


# Cached: code descriptions recur across orders, and a row's words are read twice.
@lru_cache(maxsize=8192)
def _stems(text: str) -> frozenset[str]:
    words = re.findall(r"[a-z]{2,}", text.lower())
    return frozenset(word[:_STEM] for word in words if word not in _FILLER_WORDS)


def agreeing_code(code: str, printed: Iterable[str]) -> str | None:
    """The one code in ``printed`` that ``code`` differs from by a single digit, or None.

    An order prints the same code twice (a code list, then the item's row): when one reading
    is a code that does not exist ("E1396") and the other exists (E1390), the digit OCR
    misread is plain. Digits confuse among themselves in ways no single reading can undo,
    so only the order's own second print is trusted to settle it, and only between digits
    that look alike (E1392 is no reading of E1396).
    """
    alike = {other for other in printed if _one_lookalike_digit_apart(other, code)}
    return alike.pop() if len(alike) == 1 else None


def _one_lookalike_digit_apart(a: str, b: str) -> bool:
    differ = [(x, y) for x, y in zip(a, b, strict=False) if x != y]
    return len(a) == len(b) and len(differ) == 1 and differ[0][1] in digit_confusions(differ[0][0])


def _strip_noise(token: str) -> str:
    token = token.strip(_EDGE_PUNCTUATION)
    if _LEADING_LETTER.match(token):
        return token[0] + _NOISE.sub("", token[1:]).strip(_EDGE_PUNCTUATION)
    return _NOISE.sub("", token).strip(_EDGE_PUNCTUATION)


def _repair(chars: str, slots: Sequence[_Slot], exists: Callable[[str], bool]) -> str | None:
    found = _candidates(chars, slots, exists)
    return found.pop() if len(found) == 1 else None


def _candidates(chars: str, slots: Sequence[_Slot], exists: Callable[[str], bool]) -> set[str]:
    """The existing codes ``chars`` may be: the literal reading alone when it exists."""
    # A code always has digits; a token without any is a word, however it could be misread.
    if not any(c.isascii() and c.isdigit() for c in chars):
        return set()
    found: set[str] = set()
    for code, substitutions in _readings(chars, slots):
        if not exists(code):
            continue
        if substitutions == 0:
            return {code}
        found.add(code)
    return found


def _readings(chars: str, slots: Sequence[_Slot]) -> Iterator[tuple[str, int]]:
    """Every reading of ``chars`` with at most a few substitutions, the literal one first."""
    options = [_char_readings(char, slot) for char, slot in zip(chars, slots, strict=False)]
    combos = sorted(product(*options), key=lambda combo: sum(cost for _, cost in combo))
    for combo in combos:
        substitutions = sum(cost for _, cost in combo)
        if substitutions > _MAX_SUBSTITUTIONS:
            return
        yield "".join(char for char, _ in combo), substitutions


def _char_readings(char: str, slot: _Slot) -> list[tuple[str, int]]:
    """(character, 1 if it is a substitution else 0) for what ``char`` may be in ``slot``."""
    if not char.isascii() and not as_letters(char):
        return []
    wants_letter = slot is not _Slot.DIGIT
    wants_digit = slot is not _Slot.LETTER
    readings: list[tuple[str, int]] = []
    if wants_letter and char.isascii() and char.isalpha() and reads_as_itself(char):
        readings.append((char.upper(), 0))
    if wants_digit and char.isdigit():
        readings.append((char, 0))
    if wants_letter:
        readings.extend((letter, 1) for letter in as_letters(char))
    if wants_digit and (digit := as_digit(char, group="code")) is not None:
        readings.append((digit, 1))
    return readings
