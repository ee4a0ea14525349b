"""The ordering clinician's NPI known by its shape: when no caption OCR could read names it,
or when the caption read is another box's than the clinician's.

A fax garbles a small caption ("NPino:", "MPI#:", "Type 1 NPE") while the ten digits after it
read well, and a ten-digit number that passes the NPI check digit (which one in ten digit
strings does) is an NPI far more often than anything else an order prints solid. Whose it is
comes from context: not another party's (a supplier's, a servicing provider's line), not a
phone or fax number's caption, not the fax machine's stamp; and of several, the one printed
nearest the clinician's name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractors.codes.npi import is_valid_npi
from extractors.extract.captions import (
    DISTRACTOR_RANK,
    caption_excludes,
    caption_party,
    caption_path,
    clinician_rank,
)
from extractors.extract.cover import is_fax_header_line
from extractors.extract.found import Found, found_from_words
from extractors.extract.labels import cell_opening
from extractors.pages import BBox, Page, Word, line_words

#: Ten digits standing alone, or glued to the caption OCR ran into them ("NPI1956061414").
_TEN_DIGITS = re.compile(r"(?:^|[^0-9])([12][0-9]{9})[^0-9]*$")
#: The words before a number that say whose it is: its caption and a little more.
_CAPTION_WORDS = 4
#: An NPI known only by its shape is worth at most this much: less than a captioned one.
SHAPED_CONFIDENCE = 0.7


def npi_by_shape(pages: Sequence[Page], name: Found[object] | None) -> Found[str] | None:
    """The NPI-shaped number on the order that is the clinician's, or None when there is
    none or several and no clinician's name to tell them apart."""
    found = [hit for page in pages for hit in _candidates(page)]
    if len({npi for npi, _, _ in found}) > 1:
        if name is None:
            return None
        found = sorted(found, key=lambda hit: _distance(hit[1], hit[2], name))[:1]
    if not found:
        return None
    npi, page, words = found[0]
    shaped = found_from_words(npi, page, words)
    return Found(
        value=npi,
        page=shaped.page,
        bbox=shaped.bbox,
        confidence=min(shaped.confidence, SHAPED_CONFIDENCE),
        text=shaped.text,
    )


def nearer_npi(pages: Sequence[Page], chosen: Found[str], name: Found[object]) -> Found[str] | None:
    """An NPI known by its shape printed nearer the clinician's name than the one a caption
    gave, or None: a form's boxes put a supplier's or servicing provider's "NPI" beside the
    ordering clinician's, under column headings a fax garbled, and the NPI printed with the
    name is the name's."""
    chosen_distance = _distance_between(chosen.page, chosen.bbox, name)
    nearer = [
        hit
        for page in pages
        for hit in _candidates(page)
        if hit[0] != chosen.value
        and _distance(hit[1], hit[2], name) < chosen_distance
        and not another_clinicians(hit[1], hit[2][0], name)
    ]
    if not nearer:
        return None
    npi, page, words = min(nearer, key=lambda hit: _distance(hit[1], hit[2], name))
    return found_from_words(npi, page, words)


def _candidates(page: Page) -> list[tuple[str, Page, list[Word]]]:
    out = []
    for number, line in enumerate(page.lines):
        if is_fax_header_line(page, line):
            continue
        words = line_words(page, number)
        for at, word in enumerate(words):
            match = _TEN_DIGITS.search(word.text)
            if match is None or not is_valid_npi(match.group(1)):
                continue
            caption = " ".join(w.text for w in words[max(0, at - _CAPTION_WORDS) : at])
            if caption_party(caption) == "other" or caption_path(caption) in _NUMBER_PATHS:
                continue
            if caption_excludes(caption, "clinician.npi"):
                continue  # "Group NPI 1384756205": the practice's own, no person's
            if _cell_party(page, words, at) == "other":
                continue  # "Dispensing pharmacy: Valley Home Infusion, NPI 1819202122"
            out.append((match.group(1), page, [word]))
    return out


def another_clinicians(page: Page, word: Word, name: Found[object]) -> bool:
    """Whether a clinician's number is printed on a line a distractor's caption opens, off
    the chosen name's line: the last caption before it on its line ("Supervising physician:",
    "PCP:") names a clinician who is not the ordering one, as "PCP: Robert Feeney, MD (NPI
    ...)" printed just under "Attending: Priya Natarajan" does."""
    if page.number == name.page and word.bbox[1] < name.bbox[3] and name.bbox[1] < word.bbox[3]:
        return False
    before = [w for w in line_words(page, word.line) if w.bbox[2] <= word.bbox[0]]
    ends = [i for i, w in enumerate(before) if w.text.endswith(":")]
    if not ends:
        return False
    opened = before[max(0, ends[-1] + 1 - _CAPTION_WORDS) : ends[-1] + 1]
    return clinician_rank(" ".join(w.text for w in opened)) == DISTRACTOR_RANK


def _cell_party(page: Page, words: list[Word], at: int) -> str | None:
    """The party the caption opening a word's cell names ("Dispensing pharmacy:"), if any."""
    lead: list[str] = []
    for word in words[cell_opening(page, words, at) : at]:
        lead.append(word.text)
        if word.text.endswith(":"):
            return caption_party(" ".join(lead))
    return None


#: Captions of numbers that are no NPI, whatever their check digit says.
_NUMBER_PATHS = frozenset(
    {"member.phone", "clinician.phone", "clinician.fax", "member.member_id", "payer.name"}
)


def _distance(page: Page, words: list[Word], name: Found[object]) -> tuple[bool, float]:
    return _distance_between(page.number, words[0].bbox, name)


def _distance_between(page: int, box: BBox, name: Found[object]) -> tuple[bool, float]:
    """How far an NPI lies from the clinician's name: one above the name's line comes after
    any on or under it (a box holds its NPI beside or under its name; the box above is
    another party's, "DME provider: ... NPI ..."), then the distance."""
    if page != name.page:
        return True, float("inf")
    x0, y0, x1, y1 = box
    nx0, ny0, nx1, ny1 = name.bbox
    return y1 <= ny0, abs((x0 + x1) - (nx0 + nx1)) / 2 + abs((y0 + y1) - (ny0 + ny1)) / 2
