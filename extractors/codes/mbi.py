"""Medicare Beneficiary Identifier (CMS): eleven characters in a fixed letter/digit pattern."""

from __future__ import annotations

import re

#: The letters an MBI may use: A to Z without S, L, O, I, B and Z.
LETTER = "AC-HJKMNP-RT-Y"
#: Digit, letter, letter-or-digit, digit, letter, letter-or-digit, digit, letter, letter,
#: digit, digit.
PATTERN = re.compile(
    rf"[1-9][{LETTER}][{LETTER}0-9][0-9][{LETTER}][{LETTER}0-9][0-9][{LETTER}]{{2}}[0-9]{{2}}"
)


def is_mbi(value: str) -> bool:
    return PATTERN.fullmatch(value) is not None
