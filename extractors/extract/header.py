"""When the fax was sent, from the header line the sending machine stamps across page 1."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time

from extractors.extract.cover import is_fax_header_line
from extractors.normalize import find_dates, find_phones, parse_date, parse_phone
from extractors.pages import Page

_TIME = re.compile(r"\b(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)\b")
#: What a header prints just before the receiving machine's number: "TO:", an arrow, or
#: "10:", a fax's reading of "TO:" (not a clock's minutes, "12:10").
_TO = re.compile(r"(?:(?<![:\d])\b[T1][O0]\b|-+>|\u2192)\W*$", re.IGNORECASE)


@dataclass(frozen=True)
class HeaderNumbers:
    """The numbers fax machines stamped across the tops of the pages."""

    #: The sending machine's: the sender's fax, in the order stamped.
    sending: tuple[str, ...]
    #: The receiving machine's: the recipient's fax, never a number of the order's parties.
    receiving: frozenset[str]


def stamped_numbers(text: str) -> HeaderNumbers:
    """The sending and receiving numbers of one header line: "FROM: 773-372-3311 TO:
    412/813-5647", "6144468640 -> 5122619166"; a number no "TO" or arrow opens is the
    sender's ("From: KENNEDY HEALTH PARTNERS Fax: (502) 336-8974")."""
    sending: list[str] = []
    receiving: set[str] = set()
    for start, _end, printed in find_phones(text):
        number = parse_phone(printed)
        if number is not None:
            (receiving.add if _TO.search(text[:start]) else sending.append)(number)
    return HeaderNumbers(tuple(sending), frozenset(receiving))


def header_numbers(pages: Sequence[Page]) -> HeaderNumbers:
    """The sending and receiving numbers stamped in every page's header line."""
    stamps = [
        stamped_numbers(line.text)
        for page in pages
        for line in page.lines
        if is_fax_header_line(page, line)
    ]
    return HeaderNumbers(
        tuple(n for stamp in stamps for n in stamp.sending),
        frozenset(n for stamp in stamps for n in stamp.receiving),
    )


def transmitted_at(pages: Sequence[Page], fallback: datetime) -> datetime:
    """The header's date and time (taken as UTC), or ``fallback`` when there is no header.

    The header is the transmission time: the order date is printed elsewhere on the page.
    """
    for page in pages[:1]:
        for line in page.lines[:3]:
            if not is_fax_header_line(page, line):
                continue
            for _, _, text in find_dates(line.text):
                parsed = parse_date(text, "signature", fallback.date())
                if parsed is None or not parsed.plausible:
                    continue
                clock = _TIME.search(line.text)
                at = time(int(clock["h"]), int(clock["m"])) if clock else time(12)
                return datetime.combine(parsed.date, at, tzinfo=UTC)
    return fallback
