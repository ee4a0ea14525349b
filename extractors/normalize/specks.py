"""OCR's stray marks in a free-text value: "Valley Family Practice ~", "Aetna’", "744 Oak Dr oo".

A fax's speckle is read as a mark glued to a word or as a word of its own. Names of plans,
practices and streets hold no such marks, so they are taken off; a dot is kept where it ends
an abbreviation ("Apt. 3F", "St. Luke's", "Assoc.").
"""

from __future__ import annotations

import re

#: Marks a speck is read as, glued to either end of a word; at the value's end, also these.
_GLUED = '~©®°’‘“”`"_|*•·;:$='
_GLUED_LAST = ",-'"
#: A token of marks only, or one or two lower-case letters: dirt, not a word of a name.
_SPECK = re.compile(r"^[^\w]+$|^_+$|^[a-z]{1,2}$")
_INNER_SPECK = re.compile(r"[.,;:'\"`~_|\u2022\u00b7\u00a9\u00ae\u00b0\u2018\u2019]+")
#: Abbreviations of five letters or more that end with a dot in practice and plan names.
_LONG_ABBREVIATIONS = frozenset({"assoc", "assocs", "assn", "hosp", "hlth", "mgmt", "svcs"})


def without_specks(text: str) -> str:
    """``text`` with speck words at its ends and marks glued to its words taken off."""
    tokens = text.split()
    while tokens and _SPECK.match(tokens[-1]):
        tokens.pop()
    while tokens and _SPECK.match(tokens[0]) and not tokens[0].isalpha():
        tokens.pop(0)
    # Inside, a mark alone is a speck too ("Humana Medicare . Advantage"); "&" and "-" stay.
    tokens = [t for t in tokens if not _INNER_SPECK.fullmatch(t)]
    cleaned = [_cleaned(token, last=i == len(tokens) - 1) for i, token in enumerate(tokens)]
    return " ".join(token for token in cleaned if token)


def _cleaned(token: str, last: bool) -> str:
    core = token.rstrip(_GLUED + (_GLUED_LAST if last else "")).lstrip(_GLUED)
    if token.startswith("$") and core[:1].isdigit() and token.endswith(core):
        # "Apt. $75": a 5 read as an S with a bar, which the value's reader may mend.
        core = "$" + core
    if last and core[-2:-1].isdigit() and core.endswith("."):
        core = core[:-1]  # "Lot 9.": no abbreviation ends in a digit
    elif core.endswith(".") and len(core) > 5:
        word = core[:-1]
        # "Prairie." mid-name is a speck on the line; "Assoc." is an abbreviation.
        if word.isalpha() and word.lower() not in _LONG_ABBREVIATIONS:
            core = word
    return core or token
