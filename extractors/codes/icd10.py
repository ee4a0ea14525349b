"""ICD-10-CM lookups against the CMS code set packaged by simple-icd-10-cm (offline)."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from types import ModuleType

#: A code in the dotted form this project stores: letter, digit, alphanumeric, then an
#: optional dot and one to four alphanumerics.
DOTTED_PATTERN = r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$"

_SHAPE = re.compile(r"([A-Z][0-9][0-9A-Z])(?:\.?([0-9A-Z]{1,4}))?")


@dataclass(frozen=True, slots=True)
class IcdCode:
    code: str
    description: str
    #: Only leaf codes may go on a claim; categories such as J44 need more characters.
    billable: bool


def normalize(code: str) -> str | None:
    """The dotted upper-case form of a well-shaped code ("j441" -> "J44.1"), without lookup."""
    match = _SHAPE.fullmatch(code.strip().upper())
    if match is None:
        return None
    category, rest = match.groups()
    return f"{category}.{rest}" if rest else category


def lookup(code: str) -> IcdCode | None:
    """The code-set entry for ``code`` (with or without its dot), or None if it does not exist."""
    dotted = normalize(code)
    if dotted is None:
        return None
    icd = _code_set()
    if not icd.is_valid_item(dotted):
        return None
    return IcdCode(
        code=dotted,
        description=str(icd.get_description(dotted)),
        billable=bool(icd.is_leaf(dotted)),
    )


def exists(code: str) -> bool:
    """Whether ``code`` (undotted, upper case: "J441") is a code of the set, by a set lookup:
    cheap enough to try every near reading of a damaged print."""
    return code in _undotted_codes()


@cache
def _undotted_codes() -> frozenset[str]:
    # Chapters and blocks ("A00-A09") are listed too; no code-shaped token matches them.
    return frozenset(_code_set().get_all_codes(False))


@cache
def _code_set() -> ModuleType:
    # Importing parses the whole CMS tabular list (~2 s), so it waits until a code is looked
    # up. The package calls the deprecated importlib.resources.read_text; that warning is
    # about its code, not ours.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return import_module("simple_icd_10_cm")
