"""Answers given by ticking a box: the member's sex ("[ ] M  [x] F") and an order's urgency
("[x] Routine  [ ] STAT").

A legend printed beside a box says nothing until the box is ticked: an unticked "URGENT"
or "STAT (within 24 h)" is the form's wording, not the office's request. Boxes are judged
on the page image (``checkboxes``); a legend with no box before it is plain text and is left
to the readers of text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from extractors.extract.checkboxes import PageInk, PageInks, box_before
from extractors.extract.found import Found, found_from_words
from extractors.extract.labels import cell_opening, is_column_gap, printed_rows
from extractors.normalize.sex import STATED_SEX
from extractors.pages import Page, ReadPage, Word

T = TypeVar("T")

#: The legends of the sex boxes, by the contract's value.
SEX_LEGENDS = {word.upper(): sex for word, sex in STATED_SEX.items()}
#: Legends whose ticked box makes the order urgent.
URGENT_LEGENDS = frozenset({"URGENT", "STAT", "ASAP", "EXPEDITED", "RUSH"})
#: A caption asking the sex; M and F boxes elsewhere on a page are something else's.
_SEX_CAPTION = re.compile(r"\b(?:sex|gender|gndr)\b", re.IGNORECASE)
#: OCR reads a box as a character or two glued before its legend ("OSTAT", "HM", "om").
_MAX_GLUED = 2
_EDGES = re.compile(r"^[^\w]+|[^\w]+$")


@dataclass(frozen=True)
class Ticks:
    """What the boxes of a document answer."""

    sex: Found[str] | None
    #: The legend of a ticked urgency box, as printed, when one is ticked.
    urgent: str | None
    #: Each page's text with unticked legends (and the words that run on after them in
    #: their cell, "STAT SET-UP (within 24 h)") left out, for the readers of wording.
    texts: list[str]


def _legend(word: Word, legends: frozenset[str] | dict[str, str]) -> str | None:
    text = _EDGES.sub("", word.text).upper()
    # Its box glued before a legend, and the legend's next words glued after it by a point:
    # "[ ] STAT SET-UP" read as "CISTAT.SET-UP".
    for part in dict.fromkeys((text, text.partition(".")[0])):
        if part in legends:
            return part
        # Longest first: "FEMALE" ends in "MALE" too.
        for legend in sorted(legends, key=len, reverse=True):
            if part.endswith(legend) and len(part) - len(legend) <= _MAX_GLUED:
                return legend
    # A typed box of any width glued on whole: "[IX]M", its left edge read as a letter.
    raw = word.text.upper()
    ends = [legend for legend in legends if raw.endswith(legend)]
    for legend in sorted(ends, key=len, reverse=True):
        if _typed(raw[: -len(legend)]) is not None:
            return legend
    return None


def _glued_box(word: Word, legend: str) -> Word:
    """What of a word stands before its legend: a typed box glued on ("(X]M", "[]F")."""
    start = _legend_start(word, legend)
    return word.model_copy(update={"text": word.text[:start] if start is not None else ""})


def _typed_box(before: Sequence[Word]) -> bool | None:
    """Whether a box typed in text before a legend, as printouts print them ("[ ] URGENT",
    "[X] STAT"), is ticked; None when the words before the legend are no typed box."""
    for size in (1, 2, 3):
        box = "".join(w.text for w in before[-size:]) if len(before) >= size else ""
        if box and (ticked := _typed(box)) is not None:
            return ticked
    return None


def _typed(box: str) -> bool | None:
    """Whether a box typed in text is ticked; None when the text is no typed box."""
    if _TYPED_EMPTY.fullmatch(box):
        return False
    if _TYPED_TICKED.fullmatch(box):
        return True
    return None


#: A box typed with brackets, empty or holding a tick mark ("[ ]", "( )", "[X]", "[v]"),
#: an edge of it maybe read as a letter ("[IX]").
_TYPED_EMPTY = re.compile(r"[\[(][_\s]*[\])]")
_TYPED_TICKED = re.compile(r"[\[(]\s*[Il|]?\s*[xXvV\u2713\u2714*]\s*[Il|]?\s*[\])]")


def _printed_from(word: Word, legend: str) -> str:
    """The word's text from its legend on: what of the word is not its box."""
    start = _legend_start(word, legend)
    return word.text[start:] if start is not None else legend


def _legend_start(word: Word, legend: str) -> int | None:
    """Where the legend starts in the word as read, or None when OCR spelled it otherwise."""
    start = word.text.upper().find(legend)
    return start if start >= 0 else None


def read_ticks(reads: Sequence[ReadPage], inks: PageInks) -> Ticks:
    sex: Found[str] | None = None
    urgent: str | None = None
    texts: list[str] = []
    for read in reads:
        page = read.page
        ink: PageInk | None = None
        dropped: set[int] = set()
        asked = False  # whether this row or the one above asks the sex
        for row in printed_rows(page):
            asks = bool(_SEX_CAPTION.search(row.text))
            # Sex boxes stand beside their caption or under it (a boxed form's caption row).
            looks = asks or asked
            asked = asks
            sexes: list[tuple[str, Word, bool]] = []
            for index, word in enumerate(row.words):
                sex_legend = (
                    _legend(word, SEX_LEGENDS) if looks or _paired(row.words, index) else None
                )
                urgent_legend = _legend(word, URGENT_LEGENDS)
                if sex_legend is None and urgent_legend is None:
                    continue
                ink = ink or inks.of(read)
                legend = sex_legend or urgent_legend or ""
                ticked = box_before(ink, word, _printed_from(word, legend))
                if ticked is None:
                    ticked = _typed_box([*row.words[:index], _glued_box(word, legend)])
                if ticked is None:
                    continue
                if sex_legend is not None:
                    sexes.append((SEX_LEGENDS[sex_legend], word, ticked))
                elif ticked:
                    urgent = urgent or urgent_legend
                else:
                    dropped |= {id(w) for w in _cell_from(page, row.words, index)}
            ticked_sexes = {value: word for value, word, ticked in sexes if ticked}
            # A pair of sex boxes with one ticked answers; one box alone may be anything.
            if sex is None and len({v for v, _, _ in sexes}) == 2 and len(ticked_sexes) == 1:
                value, word = next(iter(ticked_sexes.items()))
                sex = found_from_words(value, page, [word])
        texts.append(_text_without(read, dropped))
    return Ticks(sex, urgent, texts)


def _paired(words: list[Word], index: int) -> bool:
    """Whether the word at ``index`` and one beside it are the two sexes' legends ("CM &F",
    "[ ] Male [x] Female"): a pair of boxes that asks the sex though OCR lost its caption
    ("Shx"). Boxes for other things that use the letters ("M T W Th F") do not pair them."""
    legend = _legend(words[index], SEX_LEGENDS)
    if legend is None:
        return False
    beside = [_legend(w, SEX_LEGENDS) for w in words[max(0, index - 1) : index + 2]]
    return {SEX_LEGENDS[b] for b in beside if b is not None} == {"M", "F"}


def _cell_from(page: Page, words: list[Word], index: int) -> list[Word]:
    """The legend at ``index`` and the words after it up to the next column gap."""
    cell = [words[index]]
    for before, after in zip(words[index:], words[index + 1 :], strict=False):
        if is_column_gap(page, before, after):
            break
        cell.append(after)
    return cell


def _text_without(read: ReadPage, dropped: set[int]) -> str:
    page = read.page
    lines: dict[int, list[str]] = {}
    for word in page.words:
        lines.setdefault(word.line, [])
        if id(word) not in dropped:
            lines[word.line].append(word.text)
    return "\n".join(" ".join(lines[number]) for number in sorted(lines))


def ticked_only(
    reads: Sequence[ReadPage], finds: Sequence[Found[T]], inks: PageInks
) -> list[Found[T]]:
    """The finds not printed after an empty tick box. A checklist orders what is ticked
    ("[x] E1390 Oxygen concentrator", "[ ] E0433 Portable liquid oxygen"): an unticked
    line is the form's offer, not the order. A find with no box before it stands."""
    by_number = {read.page.number: read for read in reads}
    kept: list[Found[T]] = []
    for found in finds:
        read = by_number.get(found.page)
        if read is None or not found.words or not read.png:
            kept.append(found)
            continue
        start = _row_start(read.page, found.words[0])
        if box_before(inks.of(read), start, _proper_text(start.text)) is not False:
            kept.append(found)
    return kept


def _proper_text(text: str) -> str | None:
    """The part of a line's first word that OCR read as print, not as a box: from a code on
    ("QE0431": its box read as a Q), or a whole word in its case ("Glucose"), whose own
    letters may outline a square; None for marks a box was read as ("XX]", "><]")."""
    code = _CODE.search(text)
    if code is not None:
        return text[code.start() :]
    return text if _WORD.fullmatch(text) else None


_CODE = re.compile(r"[A-Z][0-9]{4}\b")
#: A word as print gives it: a capital at most, then lower-case letters; or capitals
#: ("HCPCS:"), whose own letters outline squares as well.
_WORD = re.compile(r"(?:[A-Z]?[a-z]{2,}|[A-Z]{3,})\W?")


def _row_start(page: Page, word: Word) -> Word:
    """The first word of the cell a word sits in: a tick box opens its legend's cell."""
    line = sorted((w for w in page.words if w.line == word.line), key=lambda w: w.bbox[0])
    if not line:
        return word
    # By place, not identity: a finder may have mended the word's text.
    at = max((i for i, w in enumerate(line) if w.bbox[0] <= word.bbox[0]), default=0)
    return line[cell_opening(page, line, at)]
