"""Read dates from OCR'd fax text and judge whether they fit their role on the order.

Faxed orders come from US practices, so all-numeric dates are month first. Runs of
digits with no separator ("012345", "01231945") are refused: they read equally well as
several different dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from extractors.normalize.lookalikes import digit_confusions
from extractors.normalize.ocr_digits import repair_digit_runs

DateRole = Literal["dob", "order", "service", "discharge", "signature", "face_to_face"]

MONTH_NAMES: dict[str, int] = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}

#: What a fax may read a printed 0 as, when part of its loop is lost.
_ZERO_LOOKALIKES = digit_confusions("0")


def _split_after_capital(name: str) -> str:
    """A month name as a pattern that also reads it split after its capital: a fax widens
    the thin gap after a capital into a space ("F eb", "J un"). Only after a capital, so
    "a pr 3" of running text is no month."""
    capital = f"(?-i:{name[0].upper()})"
    return f"{re.escape(name)}|{capital}[ \t]{re.escape(name[1:])}"


# Longest names first so "March" is not cut short at "Mar".
_MONTH = (
    "(?P<month_name>"
    + "|".join(_split_after_capital(n) for n in sorted(MONTH_NAMES, key=len, reverse=True))
    + r")[.,]?"
)
_YEAR = r"(?P<year>\d{4}|\d{2})"
_SEP = r"[ \t]*(?P<sep>[-/.])[ \t]*"
# The second separator must repeat the first: "1/23-45" is more likely two numbers.
_SAME_SEP = r"[ \t]*(?P=sep)[ \t]*"

DATE_PATTERNS: tuple[str, ...] = (
    # 01/23/1945, 1/23/45, 01-23-1945, 1.23.1945
    rf"(?P<month>\d{{1,2}}){_SEP}(?P<day>\d{{1,2}}){_SAME_SEP}{_YEAR}",
    # 01.23,1945: a fax reads a dotted date's second dot as a comma (a four-digit year only).
    r"(?P<month>\d{1,2})[ \t]*\.[ \t]*(?P<day>\d{1,2}),(?P<year>\d{4})",
    # 1945-01-23
    rf"(?P<year>\d{{4}}){_SEP}(?P<month>\d{{1,2}}){_SAME_SEP}(?P<day>\d{{1,2}})",
    # Jan 23 1945, January 23, 1945, Jan. 23rd, 1945; a fax's speck after the comma ("13,. 2025")
    # and its dot for the comma ("May 8.1951", only before a four-digit year)
    rf"{_MONTH}[ \t]*(?P<day>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?:,\.?[ \t]*|\.[ \t]*(?=\d{{4}})|[ \t]+){_YEAR}",
    # 23-JAN-1945, 23 Jan 1945, 23JAN45, 23rd January 1945, 23rd of January, 1945
    rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?[ \t]*(?:of[ \t]+)?-?[ \t]*{_MONTH}"
    rf"[ \t]*[-,]?[ \t]*{_YEAR}",
)

_FULL_PATTERNS = tuple(re.compile(p, re.IGNORECASE) for p in DATE_PATTERNS)
# Inside a line a date must not be glued to other letters or digits ("A01/23/19456").
_SEARCH_PATTERNS = tuple(
    re.compile(rf"(?<![0-9A-Za-z])(?:{p})(?![0-9A-Za-z])", re.IGNORECASE) for p in DATE_PATTERNS
)

# Marks OCR leaves around a value: a trailing period, a colon from the label, quotes.
_EDGE_JUNK = " \t\r\n.,;:*_'\"()[]"

_DAYS_PER_YEAR = 365.2425
#: A date within this many years of receipt is a real date, however old for its role; a
#: year further off ("2625") no order carries, and is a misread.
NEAR_YEARS = 5


@dataclass(frozen=True)
class _RoleRule:
    #: "latest_past" puts a two-digit year in the last century that keeps the date on or
    #: before the fax; "nearest" picks the century closest to the fax.
    century: Literal["latest_past", "nearest"]
    max_days_before: int
    max_days_after: int
    too_early: str
    too_late: str


# 366 so the same calendar day a year earlier still counts, leap year or not.
_ONE_YEAR_DAYS = 366
# Orders and signatures precede the fax; a few days' slack covers fax machines with a
# wrong clock and senders in other time zones.
_FAX_CLOCK_SLACK_DAYS = 3


def _precedes_fax(label: str) -> _RoleRule:
    return _RoleRule(
        "nearest",
        _ONE_YEAR_DAYS,
        _FAX_CLOCK_SLACK_DAYS,
        f"{label} is more than a year before the fax",
        f"{label} is after the fax was received",
    )


def _near_fax(label: str) -> _RoleRule:
    # Service dates may be planned ahead, so they are only checked for distance.
    return _RoleRule(
        "nearest",
        _ONE_YEAR_DAYS,
        _ONE_YEAR_DAYS,
        f"{label} is more than a year before the fax",
        f"{label} is more than a year after the fax",
    )


ROLE_RULES: dict[DateRole, _RoleRule] = {
    "dob": _RoleRule(
        "latest_past",
        round(115 * _DAYS_PER_YEAR),
        0,
        "date of birth is more than 115 years before the fax",
        "date of birth is in the future",
    ),
    "order": _precedes_fax("order date"),
    "signature": _precedes_fax("signature date"),
    "face_to_face": _precedes_fax("face-to-face date"),
    "service": _near_fax("service date"),
    "discharge": _near_fax("discharge date"),
}


@dataclass(frozen=True)
class ParsedDate:
    date: date
    plausible: bool
    reason: str | None = None


def _fields(match: re.Match[str]) -> tuple[str, int, int]:
    groups = match.groupdict()
    month_name = groups.get("month_name")
    month = (
        MONTH_NAMES[re.sub(r"\s", "", month_name).lower()]
        if month_name
        else _number(groups["month"], 12)
    )
    return groups["year"], month, _number(groups["day"], 31)


def _number(text: str, most: int) -> int:
    """A month or day; one no calendar has, led by a fax's look-alike of 0, read with the 0.

    "92/28/1934": no month 92, and a 0 that lost part of its loop reads as 9 (or 6, 8).
    """
    value = int(text)
    if value > most and len(text) == 2 and text[0] in _ZERO_LOOKALIKES and text[1] != "0":
        return int(text[1])
    return value


def _candidates(year_text: str, month: int, day: int, centuries: tuple[int, ...]) -> list[date]:
    years = (
        [int(year_text)] if len(year_text) == 4 else [c * 100 + int(year_text) for c in centuries]
    )
    found = []
    for year in years:
        try:
            found.append(date(year, month, day))
        except ValueError:
            continue
    return found


def _resolve(candidates: list[date], rule: _RoleRule, reference: date) -> date | None:
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    if rule.century == "latest_past":
        past = [d for d in candidates if d <= reference]
        return max(past) if past else None
    return min(candidates, key=lambda d: abs((d - reference).days))


def _judge(value: date, rule: _RoleRule, reference: date) -> ParsedDate:
    offset = (value - reference).days
    if offset < -rule.max_days_before:
        return ParsedDate(value, plausible=False, reason=rule.too_early)
    if offset > rule.max_days_after:
        return ParsedDate(value, plausible=False, reason=rule.too_late)
    return ParsedDate(value, plausible=True)


def parse_date(
    text: str, role: DateRole, reference: date, *, reread_year: bool = True
) -> ParsedDate | None:
    """Read one date value; ``reference`` is the day the fax was received.

    Returns None when ``text`` is not a date in a known format or names no real day.
    ``reread_year`` reads a year no order carries through a fax's look-alike digits; off
    for a date already read, whose plausibility alone is asked.
    """
    cleaned = repair_digit_runs(text).strip(_EDGE_JUNK)
    rule = ROLE_RULES[role]
    century = reference.year // 100
    for pattern in _FULL_PATTERNS:
        match = pattern.fullmatch(cleaned)
        if match is None:
            continue
        year_text, month, day = _fields(match)
        candidates = _candidates(year_text, month, day, (century - 1, century, century + 1))
        value = _resolve(candidates, rule, reference)
        if value is None:
            continue
        judged = _judge(value, rule, reference)
        if (
            reread_year
            # A birth date's year is not one near the fax: reading it as one invents a baby.
            and role != "dob"
            and not judged.plausible
            and len(year_text) == 4
            and abs(value.year - reference.year) > NEAR_YEARS
        ):
            return _misread_year(year_text, month, day, rule, reference) or judged
        return judged
    return None


def _misread_year(
    year_text: str, month: int, day: int, rule: _RoleRule, reference: date
) -> ParsedDate | None:
    """The date with its year read again, when the year read is no order's ("2625") but
    one digit of it is a fax's look-alike of the digit a year near the fax holds there (a
    0 whose loop broke). Only a single such year counts. The year printed stays in the
    evidence, so the confidence pass doubts the value.
    """
    found: list[date] = []
    for year in range(reference.year - NEAR_YEARS, reference.year + NEAR_YEARS + 1):
        differ = [(p, r) for p, r in zip(str(year), year_text, strict=True) if p != r]
        if len(differ) != 1 or differ[0][1] not in digit_confusions(differ[0][0]):
            continue
        try:
            found.append(date(year, month, day))
        except ValueError:
            continue
    return _judge(found[0], rule, reference) if len(found) == 1 else None


def find_dates(text: str) -> list[tuple[int, int, str]]:
    """Locate date-looking substrings of ``text`` as (start, end, original substring)."""
    repaired = repair_digit_runs(text)
    spans: list[tuple[int, int]] = []
    for pattern in _SEARCH_PATTERNS:
        for match in pattern.finditer(repaired):
            # Either century will do here: the point is only that the day exists.
            if _candidates(*_fields(match), (19, 20)):
                spans.append(match.span())
    spans.sort(key=lambda span: (span[0], span[0] - span[1]))
    kept: list[tuple[int, int, str]] = []
    for start, end in spans:
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, text[start:end]))
    return kept
