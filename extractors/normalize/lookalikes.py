"""OCR's look-alike characters on faxed orders, from ``extractors/data/ocr_lookalikes.toml``.

One table for every reader that undoes OCR damage: a glyph read where a digit was printed
(O for 0), a digit read as another digit (a 0 that lost part of its loop as 6, 8 or 9), a
glyph read where a letter was printed (5 for S), and the folds label matching uses. Each
reader picks the digit group that fits how sure it is that a digit belongs in the place.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any, Literal, get_args

#: The kinds of place a glyph may be read as a digit in, narrowest first; the data file says
#: why each is as wide as it is.
DigitGroup = Literal["same_shape", "common", "slot", "code", "address", "phone"]

#: Where the table lives, under the ``extractors`` package.
_DATA_FILE = "data/ocr_lookalikes.toml"
#: ASCII digits only: ``str.isdigit`` also takes superscripts and other scripts' digits.
_DIGITS = frozenset("0123456789")


@dataclass(frozen=True)
class _Lookalikes:
    #: Glyph -> digit, by digit group.
    digits: Mapping[str, Mapping[str, str]]
    #: Printed digit -> the digits a fax may read it as.
    misreads: Mapping[str, str]
    #: Glyph -> the letters it may be where a letter was printed.
    letters: Mapping[str, str]
    not_literal: frozenset[str]
    #: ``str.translate`` table of the label folds.
    folds: Mapping[int, str]
    #: Lower-case letter -> the group of letters of its shape (itself included).
    shapes: Mapping[str, frozenset[str]]
    #: A run of lower-case letters read -> the runs it may have been printed as.
    runs: Mapping[str, tuple[str, ...]]


def as_digit(char: str, *, group: DigitGroup = "common") -> str | None:
    """The digit ``char`` is OCR's look-alike of in ``group``, or None (a digit included)."""
    return _lookalikes().digits[group].get(char)


def digit_glyphs(group: DigitGroup) -> str:
    """The glyphs ``group`` reads as digits, in the data file's order."""
    return "".join(_lookalikes().digits[group])


def digit_class(group: DigitGroup) -> str:
    """``group``'s glyphs escaped for a regex character class (``f"[0-9{...}]"``)."""
    return "".join(re.escape(glyph) for glyph in digit_glyphs(group))


def digit_translation(group: DigitGroup, *, among: str | None = None) -> dict[int, str]:
    """A ``str.translate`` table of ``group``'s glyphs to digits; only those in ``among``."""
    digits = _lookalikes().digits[group]
    chosen = digits if among is None else {g: d for g, d in digits.items() if g in among}
    return str.maketrans(dict(chosen))


def digit_confusions(printed: str) -> str:
    """The digits a fax may read the printed digit ``printed`` as ("" if none)."""
    return _lookalikes().misreads.get(printed, "")


def as_letters(char: str) -> str:
    """The capitals ``char`` may be where a letter was printed, besides itself ("" if none)."""
    return _lookalikes().letters.get(char, "")


def reads_as_itself(char: str) -> bool:
    """False for a letter never taken as the capital it prints (a fax's l is an I or a 1)."""
    return char not in _lookalikes().not_literal


def same_shape(printed: str, read: str) -> bool:
    """Whether a fax may read the letter ``printed`` as ``read``: the same letter, or one
    of the same shape (case ignored)."""
    a, b = printed.lower(), read.lower()
    return a == b or b in _lookalikes().shapes.get(a, frozenset())


def letter_misreads() -> Mapping[str, tuple[str, ...]]:
    """Runs of lower-case letters a fax may read inside a word -> the runs printed there."""
    return _lookalikes().runs


def fold_label(text: str) -> str:
    """``text`` lower-cased with i, l, 1 and o, 0 folded together, one character for one."""
    # Per character: a few letters lower-case to two ("İ"), which would shift offsets.
    lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return lowered.translate(_lookalikes().folds)


@cache
def _lookalikes() -> _Lookalikes:
    return _parsed(tomllib.loads(files("extractors").joinpath(_DATA_FILE).read_text("utf-8")))


def _parsed(data: dict[str, Any]) -> _Lookalikes:
    """The table from the data file's contents; a ValueError names what breaks its rules."""
    as_digit_table = _single_chars(data["read_as_digit"], "read_as_digit")
    if not set(as_digit_table.values()) <= _DIGITS:
        raise ValueError(f"{_DATA_FILE}: read_as_digit must read each glyph as a digit")
    groups: dict[str, str] = data["digit_groups"]
    if set(groups) != set(get_args(DigitGroup)):
        raise ValueError(f"{_DATA_FILE}: digit_groups must be exactly {get_args(DigitGroup)}")
    digits = {
        name: MappingProxyType(_group(as_digit_table, name, glyphs))
        for name, glyphs in groups.items()
    }
    misreads: dict[str, str] = data["digit_misreads"]
    if not all(len(key) == 1 and set(key + value) <= _DIGITS for key, value in misreads.items()):
        raise ValueError(f"{_DATA_FILE}: digit_misreads must map digits to digits")
    return _Lookalikes(
        digits=MappingProxyType(digits),
        misreads=MappingProxyType(misreads),
        letters=MappingProxyType(data["read_as_letters"]),
        not_literal=frozenset(data["not_literal"]["letters"]),
        folds=MappingProxyType(str.maketrans(_single_chars(data["label_folds"], "label_folds"))),
        shapes=MappingProxyType(_shapes(data["letter_shapes"]["groups"])),
        runs=MappingProxyType(_runs(data["letter_misreads"])),
    )


def _shapes(groups: list[str]) -> dict[str, frozenset[str]]:
    if any(not group.isalpha() or not group.islower() for group in groups):
        raise ValueError(f"{_DATA_FILE}: letter_shapes groups must be lower-case letters")
    return {letter: frozenset(group) for group in groups for letter in group}


def _runs(table: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    runs = {read: tuple(printed) for read, printed in table.items()}
    if any(not r.isalpha() or not r.islower() for read, p in runs.items() for r in (read, *p)):
        raise ValueError(
            f"{_DATA_FILE}: letter_misreads must map lower-case letters to lists of them"
        )
    return runs


def _single_chars(table: dict[str, Any], name: str) -> dict[str, str]:
    # Swaps are one character for one, so positions in repaired text hold in the original.
    if not all(len(key) == 1 and isinstance(v, str) and len(v) == 1 for key, v in table.items()):
        raise ValueError(f"{_DATA_FILE}: {name} must map single characters to single characters")
    return table


def _group(table: Mapping[str, str], name: str, glyphs: str) -> dict[str, str]:
    unknown = "".join(sorted(set(glyphs) - set(table)))
    if unknown:
        raise ValueError(f"{_DATA_FILE}: digit_groups.{name} reads {unknown!r} as no digit")
    return {glyph: table[glyph] for glyph in glyphs}
