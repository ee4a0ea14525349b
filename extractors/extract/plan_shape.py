"""A plan's name read by its own words where no caption the lists know heads it.

A fax garbles a payer's caption past reading ("Finacial class", "Beneftpian"), and a table
prints its plans in a column whose caption sits rows above. The plan's name is still a
run of capitalised words holding an insurer's word ("Medicare", "Advantage", "Blue
Cross"), after a short caption-shaped lead or in a row of values. A name read this way is
only as sure as its shape, so the caller marks it doubtful.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from extractors.extract.captions import (
    caption_excludes,
    caption_party,
    caption_path,
    is_bare_plan_id,
    is_caption_word,
    plan_name_end,
    row_cells,
)
from extractors.extract.labels import LABELS_FILE, office_words, printed_rows
from extractors.pages import Page, Word

_PATH = "payer.name"
#: The most words of a caption before a plan's name in its cell ("Financial class").
_MAX_LEAD_WORDS = 3
#: The most words a plan's name has.
_MAX_PLAN_WORDS = 6
#: A word of a name: letters, with inner marks ("Post-Acute", "O'Neil", "A&B"), maybe a
#: trailing dot or comma.
_NAME_WORD = re.compile(r"[A-Z][A-Za-z&'\-]*[.,;]?")
#: A caption's word: letters only, maybe with its colon or dot.
_LEAD_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*[.:;]?")
#: Parties whose caption before a plan-shaped name says it is not the member's plan.
_OTHER_PARTIES = frozenset({"other", "clinician"})


@dataclass(frozen=True)
class PlanWords:
    plans: frozenset[str]
    endings: frozenset[str]
    facilities: frozenset[str]


@cache
def _plan_words() -> PlanWords:
    shape = tomllib.loads(LABELS_FILE.read_text(encoding="utf-8"))["plan_shape"]
    return PlanWords(
        frozenset(w.lower() for w in shape["plan_words"]),
        frozenset(w.lower() for w in shape["ending_words"]),
        office_words(),
    )


def plan_by_shape(pages: Sequence[Page]) -> tuple[str, Page, list[Word]] | None:
    """The first plan's name the pages print by its shape alone, with its page and words."""
    for page in pages:
        for row in printed_rows(page):
            cells = list(row_cells(page, row.words))
            for index in range(len(cells)):
                words = _plan_in_cell(cells, index)
                if words:
                    return _plain(words), page, words
    return None


def _plan_in_cell(cells: list[list[Word]], index: int) -> list[Word] | None:
    """The plan's words in a cell: after a lead of caption words inside it, or, where the
    cell opens with the name, after a caption cell or as a value among a row's values."""
    cell = cells[index]
    for lead in range(min(_MAX_LEAD_WORDS, len(cell) - 1) + 1):
        run = _name_run(cell[lead:])
        if not run or not _is_plan(run):
            continue
        if lead:
            return run if _is_lead([w.text for w in cell[:lead]]) else None
        # The name's first words are no caption of its own ("Keystone Medicaid").
        led = _led_by_cell(cells, index, whole=len(run) == len(cell))
        return run if led or _numbered(cell, run) else None
    return None


def _numbered(cell: list[Word], run: list[Word]) -> bool:
    """Whether a name opening its cell is followed there by its number under a caption, as
    a card prints a plan ("Aetna Medicare Advantage, member no. MEB404129937")."""
    words = [w.text for w in cell]
    rest = words[len(run) :]
    if rest and is_bare_plan_id(rest[0]):
        return True  # "MEDICARE 1EG4-TE5-MK72": a card's number right after the plan
    numbered = any(c.isdigit() for w in rest for c in w)
    # A caption opens the rest ("member ID ..."), or, read with the name before it, a bare
    # "ID" does (it opens a number only after a name).
    return numbered and (plan_name_end(rest) == 0 or plan_name_end(words) == len(run))


def _led_by_cell(cells: list[list[Word]], index: int, *, whole: bool) -> bool:
    """Whether a name opening its cell is a value: a caption cell before it ("Financial
    class    Aetna Medicare"), or the whole cell in a row of values (a table's column)."""
    before = cells[index - 1] if index else []
    if before and len(before) <= _MAX_LEAD_WORDS and _is_lead([w.text for w in before]):
        return True
    others = [w for at, cell in enumerate(cells) if at != index for w in cell]
    return whole and any(c.isdigit() for w in others for c in w.text)


def _is_lead(words: list[str]) -> bool:
    """Whether words are a caption, however garbled, that may head the member's plan: words
    alone (no digits), naming no other path and no other party, and not another plan's
    ("Secondary insurance")."""
    if not words or not all(_LEAD_WORD.fullmatch(w) for w in words):
        return False
    caption = " ".join(words)
    if caption_path(caption) not in (None, _PATH) or caption_excludes(caption, _PATH):
        return False
    return caption_party(caption) not in _OTHER_PARTIES


def _name_run(words: list[Word]) -> list[Word]:
    """The capitalised words a cell's part opens with, up to the first that is not a name's
    (a lower-case word, a number, a mark, a caption word no plan's name holds)."""
    run: list[Word] = []
    for word in words[:_MAX_PLAN_WORDS]:
        if not _NAME_WORD.fullmatch(word.text):
            break
        bare = word.text.rstrip(".,;").lower()
        if len(bare) > 1 and is_caption_word(bare) and not _is_plan_word(bare):
            break  # "Medicare Beneficiary ID": the next caption starts ("Part B" ends a name)
        run.append(word)
        if word.text.endswith((".", ",", ";")):
            break  # "Medicare." : the name's own end
    end = plan_name_end([w.text for w in run])
    return run[:end] if end is not None else run


def _is_plan(run: list[Word]) -> bool:
    words = [w.text.rstrip(".,;").lower() for w in run]
    if any(_has(words, phrase) for phrase in _plan_words().facilities):
        return False  # "Compass Home Health", "Watson Health Partners": not plans
    ending = len(words) > 1 and words[-1] in _plan_words().endings
    return ending or _holds_plan_word(words)


def _is_plan_word(word: str) -> bool:
    """Whether a word is a plan's own, though captions use it too ("Medicare", "Health")."""
    return _holds_plan_word([word]) or word in _plan_words().endings


def _holds_plan_word(words: list[str]) -> bool:
    return any(_has(words, phrase) for phrase in _plan_words().plans)


def _has(words: list[str], phrase: str) -> bool:
    return f" {phrase} " in " " + " ".join(words) + " "


def _plain(words: list[Word]) -> str:
    return " ".join(w.text for w in words).rstrip(".,;")
