"""Tell a fax cover sheet and the fax machine's header line from the order itself.

A cover sheet names the sender and the recipient, not the patient's details in a form a
clerk can trust ("Re: J. Smith"), and the header line's date is the transmission date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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

#: What a cover sheet's captions are about, each kind as the caption's wordings. A sheet is
#: told by how many kinds it fills in, whatever its sender calls them: offices word them
#: many ways ("To", "Attention", "Recipient", "Deliver to"), but every sheet names a
#: recipient, a sender and a page count, and ticks or lists a status.
#: OCR folds are allowed for: "FAXNO," and "NO.QFPAGES" still read as captions.
_COVER_CUES: dict[str, re.Pattern[str]] = {
    "recipient": re.compile(r"^\W{0,3}(?:to|attn|attention|recipient|deliver\s*to)\b", re.I),
    "sender": re.compile(r"^\W{0,3}(?:from|sender|sent\s*by|originator)\b", re.I),
    "fax_number": re.compile(
        r"^\W{0,3}(?:(?:recipient|reply|ret[uo]rn)\s*fa[xk]|fax\s*n[o0]|dial)\b", re.I
    ),
    "pages": re.compile(
        r"\b(?:(?:total|#|n[o0]\.?\s*[o0q]f|number\s*of)\s*pages|pages?\s*\(?incl"
        r"|including\s*(?:this\s*page|cover))",
        re.I,
    ),
    "subject": re.compile(r"^\W{0,3}(?:re|subject|regarding|concerning|conceming)\b", re.I),
    # The tick-box row: "URGENT  FYI  Reply requested  Original to follow".
    "status": re.compile(
        r"urgent\W.*(?:fyi|f\s?y\s?i|reply|review|comment|recycle)|fy[il!1]\W.*reply",
        re.I,
    ),
    "title": re.compile(
        r"^\W*(?:fax|facsimile)(?:\s+(?:cover|transmittal|message|sheet|page))*\W*$"
        r"|^\W*(?:fax\s+|facsimile\s+)?(?:cover\s+(?:sheet|page)|transmittal)\W*$",
        re.I,
    ),
}
#: A cover sheet fills at least this many kinds of caption ...
_MIN_COVER_CUES = 4
#: ... or one fewer beside a confidentiality notice.
_MIN_COVER_CUES_WITH_NOTICE = 3
#: A page with fewer words than this is sparse, as a cover sheet is.
_SPARSE_WORDS = 80
_NOTICE = re.compile(
    r"\b(?:confidential|intended|in error|prohibited|forbidden|addressee|privileged)\b", re.I
)
#: A notice uses at least this many of those words; an order's "confidential" alone is none.
_NOTICE_WORDS = 2
#: A word counts as read text only with this many letters or digits: OCR turns fax speckle
#: into marks and two-letter scraps ("oe", "4"), never into runs of real words.
MIN_WORD_CHARS = 3
#: ... and only when OCR is this sure of it: printed words score about 0.95 even on a fax,
#: the odd three-letter scrap OCR makes of speckle ("oof", "wee") stays near 0.5.
MIN_WORD_CONFIDENCE = 0.7
#: A page with fewer read words than this reads as next to nothing: a cover sheet of
#: logos and large stylised print that OCR turned to noise. An order's first page prints
#: far more (on the devset, 80 or more; its unread cover sheets 1 to 38).
_LEGIBLE_PAGE_WORDS = 40


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


def _cover_cues(lines: list[Line]) -> set[str]:
    # A caption may share its printed line with a value or another caption (two columns):
    # each word run after a wide gap is tried as a line's start too.
    starts = [part for line in lines for part in re.split(r"\s{2,}| (?=[A-Z][a-z]+:)", line.text)]
    return {
        kind
        for kind, pattern in _COVER_CUES.items()
        if any(pattern.search(text) for text in [*starts, *(line.text for line in lines)])
    }


def is_cover_sheet(page: Page) -> bool:
    """A fax cover sheet: captions of several cover-sheet kinds (recipient, sender, pages...).

    Order forms carry "To:"/"From:" or a fax number too, so it takes several kinds of
    caption, or fewer beside a confidentiality notice, which orders seldom print.
    """
    lines = [line for line in page.lines if not is_fax_header_line(page, line)]
    text = "\n".join(line.text for line in lines)
    cues = _cover_cues(lines)
    notice = len({m.group().lower() for m in _NOTICE.finditer(text)}) >= _NOTICE_WORDS
    need = _MIN_COVER_CUES_WITH_NOTICE if notice else _MIN_COVER_CUES
    if notice and len(text.split()) < _SPARSE_WORDS:
        # A cover sheet is a sparse page: read through fax damage, the few captions that
        # survive beside its notice tell it, where an order's page prints far more.
        need -= 1
    return len(cues) >= need and bool(cues & {"recipient", "sender", "pages", "status"})


def order_pages(pages: Sequence[Page]) -> list[Page]:
    """The pages of the order itself: without its cover sheets, and without a first page
    that reads as next to nothing before a page that reads well (a cover sheet too damaged
    to tell by its captions). Values are never taken from what OCR could not read."""
    kept = [page for page in pages if not is_cover_sheet(page)] or list(pages)
    if len(kept) > 1 and read_words(kept[0]) < _LEGIBLE_PAGE_WORDS <= read_words(kept[1]):
        return kept[1:]
    return kept


def read_words(page: Page) -> int:
    """How many words on the page are text, not speckle, past the fax header stamp."""
    headers = {i for i, line in enumerate(page.lines) if is_fax_header_line(page, line)}
    return sum(
        1
        for word in page.words
        if word.line not in headers
        and word.conf >= MIN_WORD_CONFIDENCE
        and sum(c.isalnum() for c in word.text) >= MIN_WORD_CHARS
    )
