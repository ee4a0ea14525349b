"""Clock times printed beside a date ("5/28/2025 13:45", "10-JUL-2024 10:00 AM", "at 2 PM")."""

from __future__ import annotations

import re
from datetime import time

_CLOCK = re.compile(
    r"(?<![0-9:])(?P<h>[01]?[0-9]|2[0-3])[:.](?P<m>[0-5][0-9])(?![0-9])"
    r"(?:\s*(?P<ampm>[AaPp])\.?\s?[Mm]\b\.?)?"
)
#: An hour with AM/PM and no minutes: "2 PM", "11am".
_HOUR = re.compile(r"(?<![0-9:])(?P<h>1[0-2]|0?[1-9])\s*(?P<ampm>[AaPp])\.?\s?[Mm]\b")
_NOON = re.compile(r"\bnoon\b", re.IGNORECASE)


def find_time(text: str) -> time | None:
    """The first clock time in ``text``, or None. A 12-hour time needs its AM or PM."""
    clock = _CLOCK.search(text)
    hour = _HOUR.search(text)
    noon = _NOON.search(text)
    found = [m for m in (clock, hour, noon) if m is not None]
    if not found:
        return None
    first = min(found, key=lambda m: m.start())
    if first is noon:
        return time(12)
    h = int(first["h"])
    minute = int(first["m"]) if first is clock else 0
    ampm = (first["ampm"] or "").lower()
    if ampm and not 1 <= h <= 12:
        return None
    if ampm == "p" and h != 12:
        h += 12
    elif ampm == "a" and h == 12:
        h = 0
    return time(h, minute)
