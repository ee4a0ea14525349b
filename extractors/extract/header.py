"""When the fax was sent, from the header line the sending machine stamps across page 1."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, time

from extractors.extract.cover import is_fax_header_line
from extractors.normalize import find_dates, parse_date
from extractors.pages import Page

_TIME = re.compile(r"\b(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)\b")


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
