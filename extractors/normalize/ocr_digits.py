"""Undo the letter-for-digit swaps OCR makes inside numbers (O for 0, l for 1).

Only runs that are mostly real digits are touched, so words such as "Oct", "Ill" or
"Lol" keep their letters. Every swap is one character for one, so positions found in
the repaired text are positions in the original text too.
"""

from __future__ import annotations

import re

from extractors.normalize.lookalikes import as_digit, digit_class, digit_translation

#: A digit, or a glyph OCR reads for one anywhere on the page (data/ocr_lookalikes.toml).
_RUN_CHAR = f"[0-9{digit_class('common')}]"
# A run is digits and look-alikes joined by date or phone separators; a letter on either
# side means the run is part of a word, not a number.
_DIGIT_RUN = re.compile(rf"(?<![A-Za-z]){_RUN_CHAR}+(?:[ \t]*[-/.][ \t]*{_RUN_CHAR}+)*(?![A-Za-z])")
_TRANSLATION = digit_translation("common")


def _repair_run(match: re.Match[str]) -> str:
    run = match.group()
    digits = sum(ch.isdigit() for ch in run)
    lookalikes = sum(as_digit(ch, group="common") is not None for ch in run)
    # A run that is mostly look-alikes ("I", "Ol") is more likely a word than a number.
    if digits == 0 or lookalikes > digits:
        return run
    return run.translate(_TRANSLATION)


def repair_digit_runs(text: str) -> str:
    """Return ``text`` with look-alike letters inside digit runs replaced by digits."""
    return _DIGIT_RUN.sub(_repair_run, text)
