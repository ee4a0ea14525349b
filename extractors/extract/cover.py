"""Tell a fax cover sheet and the fax machine's header line from the order itself.

A cover sheet names the sender and the recipient, not the patient's details in a form a
clerk can trust ("Re: J. Smith"), and the header line's date is the transmission date.
"""

from __future__ import annotations

import re

from extractors.normalize.dates import find_dates
from extractors.pages import Line, Page

# The header line sits in the top strip of the page the fax machine stamps.
_HEADER_BAND = 0.05
# "Page 1/2", "P.001/003", "Pg 1 of 2"; faxes blur a 1 into l, I or | ("Pg l/l").
_COUNT = r"[0-9lI|]{1,3}"
_HEADER_PAGE = re.compile(
    rf"\b(?:p(?:age|g)?\.?)\s*{_COUNT}\s*(?:/|of)\s*{_COUNT}(?![A-Za-z0-9])", re.IGNORECASE
)
_HEADER_STAMP = re.compile(r"\bfax\b|\bfrom\b", re.IGNORECASE)
_TIME = re.compile(r"\b\d{1,2}:\d{2}\b")

_COVER_TITLE = re.compile(
    r"^\W*(?:fax|facsimile|fax transmittal|facsimile transmittal|transmittal|"
    r"(?:fax|facsimile)\s+cover(?:\s+sheet|\s+page)?|cover\s+(?:sheet|page))\W*$",
    re.IGNORECASE,
)
# Field names of a cover sheet, printed capitalised ("To", "FROM:"), never mid-sentence.
_COVER_FIELDS = {"to": "to", "from": "from", "pages": "pages", "attn": "to", "attention": "to"}
_CONFIDENTIAL = re.compile(r"\bconfidential", re.IGNORECASE)
_NOTICE = re.compile(r"\b(?:intended|recipient|in error|prohibited|privileged)\b", re.IGNORECASE)
_PAGE_COUNT = re.compile(r"\b(?:including cover|# of pages|number of pages|no\. of pages)\b", re.I)


def is_fax_header_line(page: Page, line: Line) -> bool:
    """The line a fax machine stamps across the top: date, time, sender, page x/y.

    Below the top strip only the full stamp counts (a date, a clock time and a page count):
    pages scanned or stacked into one image carry each page's header down the image.
    """
    text = line.text
    if line.bbox[1] > _HEADER_BAND:
        stamped = _TIME.search(text) and _HEADER_PAGE.search(text)
        return bool(stamped and find_dates(text))
    return bool(_HEADER_PAGE.search(text)) or bool(
        _TIME.search(text) and _HEADER_STAMP.search(text)
    )


def _field_names(page: Page) -> set[str]:
    names = set()
    for word in page.words:
        # "To:" and, glued to its value by a reader, "To:Mercy DME".
        key = re.split(r"[:;]", word.text, maxsplit=1)[0].lower()
        if key in _COVER_FIELDS and word.text[:1].isupper():
            names.add(_COVER_FIELDS[key])
    return names


def is_cover_sheet(page: Page) -> bool:
    """A fax cover sheet: a Fax/Cover title or a page count, To and From, and a notice."""
    lines = [line for line in page.lines if not is_fax_header_line(page, line)]
    text = "\n".join(line.text for line in lines)
    cues = _field_names(page)
    if any(_COVER_TITLE.match(line.text) for line in lines):
        cues.add("title")
    if _PAGE_COUNT.search(text):
        cues.add("pages")
    notice = bool(_CONFIDENTIAL.search(text) and _NOTICE.search(text))
    structure = {"to", "from"} <= cues and bool(cues & {"title", "pages"})
    # Without a notice only the full set of cues will do: order forms carry "To:"/"From:" too.
    return structure and (notice or {"title", "pages"} <= cues)
