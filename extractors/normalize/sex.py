"""The sex a page states, as the contract's letter: one table for every reader of it."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

#: How orders write the sex (a value, a box's legend, a word in a letter), lower case.
SEX_WORDS: Mapping[str, str] = MappingProxyType(
    {"m": "M", "male": "M", "f": "F", "female": "F", "u": "U", "unknown": "U"}
)
#: The words a sex box or a listing prints for a stated sex: never "unknown".
STATED_SEX: Mapping[str, str] = MappingProxyType(
    {word: sex for word, sex in SEX_WORDS.items() if sex != "U"}
)
