"""Values behind captions no label list names: a caption's cue words give its value's role.

Offices word their captions in endless ways ("Birth date", "Individual", "Home addr.",
"Financial class"). ``labels.toml`` pairs the wordings it lists; this module reads the rest.
Every "Caption: value" on a printed row is a candidate; the cue words of the caption
(``extractors/data/roles.toml``) score each contract path, and whose section the row sits
in (a SUPPLIER band, a PRESCRIBER band) rules out the paths of other parties. The value's
shape is then checked by the path's reader, so a caption that only looks right reads
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

from extractors.extract.cover import is_fax_header_line
from extractors.extract.labels import Row, is_column_gap, printed_rows
from extractors.extract.textlines import load_data
from extractors.pages import Page, Word

Party = Literal["member", "clinician", "other"]

#: A caption is at most this many words before its colon.
_MAX_CAPTION_WORDS = 4
#: A colon that ends a caption: after a letter, a dot, "#" or ")" ("Contract #:", "addr.:"),
#: never between digits (a time, "12:46").
_CAPTION_END = re.compile(r"(?<=[A-Za-z.#)])\s?[:;](?!\d)")
#: Weak cues ("id", "no") count this much of a full cue.
_WEAK = 0.5
#: A section heading: a short row with no colon and no digit.
_MAX_HEADING_WORDS = 5


@dataclass(frozen=True)
class PathCues:
    party: Party | None
    cues: tuple[str, ...]
    weak: tuple[str, ...]
    excluded: tuple[str, ...]
    weight: float


@dataclass(frozen=True)
class Captioned:
    """A value after a caption: the path its cues name, and the value's words."""

    path: str
    caption: str
    words: list[Word]
    page: Page

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@cache
def _registry() -> tuple[dict[Party, tuple[str, ...]], dict[str, PathCues]]:
    data = load_data("roles.toml")
    parties: dict[Party, tuple[str, ...]] = {
        "member": tuple(data["parties"]["member"]),
        "clinician": tuple(data["parties"]["clinician"]),
        "other": tuple(data["parties"]["other"]),
    }
    paths = {
        path: PathCues(
            spec.get("party"),
            tuple(spec["cues"]),
            tuple(spec.get("weak", ())),
            tuple(spec.get("not", ())),
            float(spec.get("weight", 1.0)),
        )
        for path, spec in data["paths"].items()
    }
    return parties, paths


def _normal(text: str) -> str:
    # "Home addr.:", "Sex/Gender" and "Member No." as plain words; "#" is a word of its own.
    spaced = re.sub(r"#", " # ", text.lower())
    return " " + " ".join(re.sub(r"[^a-z0-9#\- ]", " ", spaced).split()) + " "


def _holds(caption: str, cue: str) -> bool:
    return f" {cue} " in caption


def caption_party(caption: str) -> Party | None:
    """Whose value a caption (or a section heading) names: another party's words win."""
    parties, _ = _registry()
    text = _normal(caption)
    for party in ("other", "clinician", "member"):
        if any(_holds(text, cue) for cue in parties[party]):
            return party
    return None


def caption_path(caption: str) -> str | None:
    """The contract path a caption's cue words score highest, or None when none scores."""
    _, paths = _registry()
    text = _normal(caption)
    best, best_score = None, 0.0
    for path, cues in paths.items():
        if any(_holds(text, cue) for cue in cues.excluded):
            continue
        strong = sum(1.0 for cue in cues.cues if _holds(text, cue))
        if not strong:
            continue
        score = cues.weight * (strong + _WEAK * sum(1 for cue in cues.weak if _holds(text, cue)))
        if score > best_score:
            best, best_score = path, score
    return best


def _fits_party(path: str, caption: Party | None, section: Party | None) -> bool:
    _, paths = _registry()
    wanted = paths[path].party
    party = caption or section
    if party == "other":
        return False
    return wanted is None or party is None or party == wanted


def _caption_start(page: Page, row: Row, colon_word: int) -> int:
    """The first word of the caption ending at ``colon_word``: back to a column gap, a
    value's digits or an earlier colon, at most a few words."""
    start = colon_word
    while start > 0 and colon_word - start + 1 < _MAX_CAPTION_WORDS:
        before = row.words[start - 1]
        if before.text.endswith((":", ";")) or any(c.isdigit() for c in before.text):
            break
        if is_column_gap(page, before, row.words[start]):
            break
        start -= 1
    return start


def _row_captions(page: Page, row: Row) -> Iterator[tuple[str, list[Word]]]:
    """Each (caption, value words) on one printed row, left to right."""
    ends: list[tuple[int, int]] = []  # (index of the caption's last word, its first word)
    for index, word in enumerate(row.words):
        if _CAPTION_END.search(word.text) or (word.text in (":", ";") and index > 0):
            last = index if word.text not in (":", ";") else index - 1
            ends.append((index, _caption_start(page, row, last)))
    for number, (end, start) in enumerate(ends):
        stop = ends[number + 1][1] if number + 1 < len(ends) else len(row.words)
        words = row.words[start : end + 1]
        caption = " ".join(w.text for w in words)
        tail = row.words[end].text
        glued = _CAPTION_END.split(tail, maxsplit=1)
        value = row.words[end + 1 : stop]
        if len(glued) == 2 and glued[1].strip():
            # "DOB:01/02/45": the value glued to its caption.
            first = row.words[end]
            value = [first.model_copy(update={"text": glued[1].strip()}), *value]
        if value:
            yield caption, value


def _is_heading(row: Row) -> bool:
    text = " ".join(w.text for w in row.words)
    return (
        len(row.words) <= _MAX_HEADING_WORDS
        and ":" not in text
        and not any(c.isdigit() for c in text)
        and text.upper() == text
    )


def captioned_values(pages: Sequence[Page]) -> list[Captioned]:
    """Every captioned value whose caption's cues name a path its party may fill."""
    out: list[Captioned] = []
    for page in pages:
        section: Party | None = None
        header = {i for i, line in enumerate(page.lines) if is_fax_header_line(page, line)}
        for row in printed_rows(page):
            if any(w.line in header for w in row.words):
                continue  # the fax machine's stamp: its number is the sender's machine
            if _is_heading(row):
                section = caption_party(row.text)
                continue
            for caption, words in _row_captions(page, row):
                path = caption_path(caption)
                if path is not None and _fits_party(path, caption_party(caption), section):
                    out.append(Captioned(path, caption, words, page))
    return out
