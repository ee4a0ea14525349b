"""The extractor's one-time loads, done ahead of the first order that needs them.

The first extraction in a process loads spaCy and its pipelines, the label vocabulary, the
code sets and the name lists: about 1.3 s of CPU, more than reading a page takes. A process
that reads one file (``intake extract``) would pay it after the page's OCR; done on a thread
while the page is read, the other core pays it (the OCR runs in libtesseract, off the GIL).
The loads are the finders' own caches, filled by extracting a small specimen order whose
lines reach every finder; its referral is thrown away.
"""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime
from functools import cache

from PIL import Image

from extractors.pages import Page, ReadPage, Word, group_lines

#: A short order in words every finder reads: parties with their numbers, codes, items,
#: home-health visits, an infusion, dates, a signature line. None of it is ever output.
_SPECIMEN_LINES = (
    "PHYSICIAN ORDER - URGENT",
    "Patient: Roe, Jane  DOB: 01/02/1950  Sex: F  Phone: (555) 201-3344",
    "Address: 12 Main Street, Springfield, IL 62701",
    "Insurance: Medicare  Member ID: 1EG4-TE5-MK73",
    "Ordering physician: John Smith MD  NPI: 1234567893  Fax: 555-201-9988",
    "Diagnosis: J44.1 Chronic obstructive pulmonary disease with exacerbation",
    "Item  HCPCS  Qty",
    "Oxygen concentrator  E1390  1",
    "Skilled nursing 2x/week x 4 weeks, start of care 01/06/2025",
    "Ceftriaxone 1 g IV q24h x 14 days via PICC, discharge 01/05/2025",
    "Signature: Electronically signed by John Smith MD  Date: 01/04/2025",
)
_PAGE_SIZE = (612, 792)


def warm_up_in_background() -> threading.Thread:
    """Start the one-time loads on a thread of their own; join it before extracting."""
    thread = threading.Thread(target=warm_up, name="extractor-warm-up", daemon=True)
    thread.start()
    return thread


@cache
def warm_up() -> None:
    """Fill the extractor's caches (once a process; later calls return at once)."""
    # Imported here: this module is imported by the extractor, and the loads are its own.
    from extractors.extract.extractor import extract

    extract(
        [specimen_page()],
        filename="specimen.pdf",
        sha256="0" * 64,
        received_at=datetime(2025, 1, 6, tzinfo=UTC),
    )


def specimen_page() -> ReadPage:
    words: list[Word] = []
    keys: list[object] = []
    for row, line in enumerate(_SPECIMEN_LINES):
        top = 0.05 + row * 0.03
        x = 0.05
        for token in line.split():
            width = 0.012 * len(token)
            words.append(Word(text=token, conf=0.96, bbox=(x, top, x + width, top + 0.015), line=0))
            keys.append(row)
            x += width + 0.012
    lines = group_lines(words, keys)
    page = Page(
        number=1,
        width=_PAGE_SIZE[0],
        height=_PAGE_SIZE[1],
        source="text_layer",
        words=words,
        lines=lines,
    )
    blank = Image.new("L", _PAGE_SIZE, 255)
    png = io.BytesIO()
    blank.save(png, format="PNG")
    return ReadPage(page=page, png=png.getvalue(), shown=blank)
