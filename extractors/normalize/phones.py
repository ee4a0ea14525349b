"""Read US phone and fax numbers from OCR'd fax text.

The ``phonenumbers`` library decides what is a real number, so numbers with an area
code or exchange that cannot exist ("123-456-7890") are refused rather than guessed at.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

from extractors.normalize.dates import find_dates
from extractors.normalize.lookalikes import digit_class, digit_translation
from extractors.normalize.ocr_digits import repair_digit_runs

REGION = "US"
# Country code 1 is the whole North American plan: a Canadian number is still ten digits
# a clerk can dial.
_NANP_COUNTRY_CODE = 1
#: The finders of one document look for phones in the same lines, each in turn (about three
#: times a line on the devset), and the matcher is the costliest thing they do with a line.
_LINES_KEPT = 4096


def _ten_digits(number: phonenumbers.PhoneNumber) -> str | None:
    if number.country_code != _NANP_COUNTRY_CODE or not phonenumbers.is_valid_number(number):
        return None
    digits = str(number.national_number)
    return digits if len(digits) == 10 else None


def parse_phone(text: str) -> str | None:
    """Return the ten digits of the one phone number in ``text``, or None.

    A label before the number ("Ph:", "Fax") and an extension after it are ignored, and so
    is a number printed in a phone's shape that a fax damaged (``_shaped_phones``).
    """
    number = _parsed(repair_digit_runs(text))
    if number is None:
        shaped = _shaped_phones(text)
        number = _parsed(shaped[0][2]) if len(shaped) == 1 else None
    return number


def _parsed(text: str) -> str | None:
    try:
        number = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    return _ten_digits(number)


@lru_cache(maxsize=_LINES_KEPT)
def find_phones(text: str) -> tuple[tuple[int, int, str], ...]:
    """Locate valid phone numbers in ``text`` as (start, end, original substring).

    Any ten digits that form a valid number are found, including an NPI that happens to
    look like one; telling them apart is left to the label beside the number.
    """
    repaired = repair_digit_runs(text)
    matcher = phonenumbers.PhoneNumberMatcher(
        repaired, REGION, leniency=phonenumbers.Leniency.VALID
    )
    found = [
        (match.start, match.end, text[match.start : match.end])
        for match in matcher
        if _ten_digits(match.number) is not None
    ]
    found += [
        (start, end, text[start:end])
        for start, end, shaped in _shaped_phones(text)
        if _parsed(shaped) is not None and not any(s < end and start < e for s, e, _ in found)
    ]
    return tuple(sorted(found))


#: A digit, or a glyph a fax reads for one inside a phone's groups (data/ocr_lookalikes.toml).
_PHONE_DIGIT = f"[0-9{digit_class('phone')}]"
_AS_PHONE_DIGIT = digit_translation("phone")
#: A bracket a fax reads for the round one around an area code: "(415}839-1997".
_BRACKETS = str.maketrans("[{]}", "(())")
#: A North American number by its shape alone: an optional country code, three, three and
#: four digits (or their look-alikes), the area code maybe bracketed. Nothing that may be
#: part of a longer number or word may touch it.
_PHONE_SHAPE = re.compile(
    rf"(?<![\w/])(?:\+?1[ .\-]?)?(?P<area>[(\[{{]?{_PHONE_DIGIT}{{3}}[)\]}}]?)[ .\-/]?"
    rf"(?P<exchange>{_PHONE_DIGIT}{{3}})[ .\-]?(?P<line>{_PHONE_DIGIT}{{4}})(?![\w/])"
)
#: The fewest printed digits a damaged number keeps: a glyph or two read for the rest.
_MIN_SHAPED_DIGITS = 8


def _shaped_phones(text: str) -> list[tuple[int, int, str]]:
    """(start, end, repaired text) of each number printed in a phone's shape that the
    matcher misses: its groups hold a glyph a fax read for a digit ("(7/3) 996-56lb"), a
    bracket read for the area code's ("(415}839-1997"), or a date or a clock time follows
    it, which the matcher takes for part of the number ("(502) 336-8974 09/05/25 15:07").
    A run of bare digits is the matcher's alone to judge, and a date is never a number:
    "2025/03/31" has a phone's shape once its slashes are read as sevens."""
    dates = find_dates(text)
    out = []
    for match in _PHONE_SHAPE.finditer(text):
        span = match.group()
        if sum(c.isdigit() for c in span) < _MIN_SHAPED_DIGITS or span.isdigit():
            continue
        if any(start < match.end() and match.start() < end for start, end, _ in dates):
            continue
        groups = "".join(match.group(name) for name in ("area", "exchange", "line"))
        digits = groups.translate(_BRACKETS).strip("()").translate(_AS_PHONE_DIGIT)
        out.append((match.start(), match.end(), digits))
    return out
