"""Notes on reaching the patient at home: stairs, elevators, gate codes, pets, oxygen safety.

Taken from lines under an access label ("Special instructions:", "Home access") and split at
semicolons, the way orders list them; or from a sentence that carries a strong cue ("gate
code", "no elevator") anywhere on the order. Vocabulary: ``data/access_notes.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from extractors.extract.found import Found
from extractors.extract.phrases import Phrases
from extractors.extract.textlines import (
    TextLine,
    all_lines,
    join_lines,
    load_data,
)
from extractors.pages import Page

_SEPARATOR = re.compile(r";\s*")


@cache
def _patterns() -> tuple[Phrases, Phrases, Phrases]:
    data = load_data("access_notes.toml")
    return (
        Phrases(data["labels"]),
        Phrases(data["not_labels"]),
        Phrases(data["cues"]),
    )


def find_access_notes(pages: Iterable[Page]) -> list[Found[str]]:
    """Each access note once, as printed, in page order."""
    labels, not_labels, cues = _patterns()
    notes: dict[str, Found[str]] = {}
    lines = all_lines(pages)
    consumed = -1
    for index, line in enumerate(lines):
        if index == consumed:
            continue
        value_at = _value_start(line, labels, not_labels)
        if value_at is None and line.text.strip().lower() in _bare_labels():
            if index + 1 < len(lines) and lines[index + 1].page == line.page:
                _add(notes, lines[index + 1], 0, cues, labelled=True)
            continue
        following = lines[index + 1] if index + 1 < len(lines) else None
        if following is not None and following.page == line.page and following.text[:1].islower():
            # The last note wraps onto the next line; a note is never split across pages.
            line, consumed = join_lines(line, following), index + 1
        if value_at is not None:
            _add(notes, line, value_at, cues, labelled=True)
        else:
            _add(notes, line, 0, cues, labelled=False)
    return list(notes.values())


@cache
def _bare_labels() -> frozenset[str]:
    return frozenset(label.lower() for label in load_data("access_notes.toml")["labels"])


def _value_start(line: TextLine, labels: Phrases, not_labels: Phrases) -> int | None:
    """Where the value of an access label starts on the line ("Access notes: |...")."""
    for match in labels.finditer(line.text):
        if any(n.start() <= match.start() < n.end() for n in not_labels.finditer(line.text)):
            continue
        after = line.text[match.end() :]
        if after.lstrip().startswith(":"):
            return match.end() + after.index(":") + 1
    return None


def _add(
    notes: dict[str, Found[str]],
    line: TextLine,
    start: int,
    cues: Phrases,
    labelled: bool,
) -> None:
    at = start
    for piece in _SEPARATOR.split(line.text[start:]):
        piece_start = line.text.index(piece, at) if piece else at
        at = piece_start + len(piece)
        note = " ".join(piece.split()).strip(" .")
        if not note or (not labelled and cues.search(note) is None):
            continue
        if note.lower() not in (n.lower() for n in notes):
            notes[note] = line.found(note, piece_start, piece_start + len(piece))
