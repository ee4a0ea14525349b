"""ICD-10-CM lookups against the CMS code set packaged by simple-icd-10-cm (offline), kept in
a compact file made from it (extractors/codes/build_icd10.py)."""

from __future__ import annotations

import gzip
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

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
    return code_set().get(dotted)


def children(code: str) -> list[IcdCode]:
    """The codes one character longer under ``code`` (dotted), in the list's order."""
    dotted = normalize(code)
    return [] if dotted is None else code_set().children(dotted)


def exists(code: str) -> bool:
    """Whether ``code`` (undotted, upper case: "J441") is a code of the set, by a set lookup:
    cheap enough to try every near reading of a damaged print."""
    return code_set().has_undotted(code)


@dataclass(frozen=True, slots=True)
class CodeSet:
    """Every item of the CMS tabular list (chapters and blocks too, as simple-icd-10-cm lists
    them), in its order: name as printed ("J44.1", "A00-A09"), description, and whether it is
    a leaf, i.e. billable."""

    names: Sequence[str]
    descriptions: Sequence[str]
    billable: Sequence[bool]
    _index: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not len(self.names) == len(self.descriptions) == len(self.billable):
            raise ValueError("names, descriptions and billable flags differ in number")
        object.__setattr__(self, "_index", {name: at for at, name in enumerate(self.names)})

    def get(self, name: str) -> IcdCode | None:
        """The item named exactly ``name`` (dotted), or None."""
        at = self._index.get(name)
        if at is None:
            return None
        return IcdCode(code=name, description=self.descriptions[at], billable=self.billable[at])

    def children(self, name: str) -> list[IcdCode]:
        """The items one character longer than ``name`` under it ("G20.A" -> G20.A1, G20.A2):
        they follow it in the list's order."""
        at = self._index.get(name)
        if at is None:
            return []
        out = []
        for child in self.names[at + 1 :]:
            if not child.startswith(name):
                break
            if len(child) == len(name) + 1:
                out.append(self.get(child))
        return [entry for entry in out if entry is not None]

    def has_undotted(self, code: str) -> bool:
        """Whether ``code`` is an item's name with the dot after its category taken out (as
        simple-icd-10-cm's ``get_all_codes(False)`` lists them), without building that list."""
        dotted_form = len(code) > 4 and code[3] == "."
        return (code in self._index and not dotted_form) or (
            len(code) >= 4 and f"{code[:3]}.{code[3:]}" in self._index
        )

    def encode(self) -> bytes:
        """The packaged file's bytes: the three columns one after another (names, then a 0/1
        per item, then descriptions), gzipped. Columns split in a few milliseconds where
        parsing a row per item takes a tenth of a second; no mtime, so a rebuild from the same
        release gives the same bytes."""
        text = "\n\n".join(
            (
                "\n".join(self.names),
                "".join("1" if leaf else "0" for leaf in self.billable),
                "\n".join(self.descriptions),
            )
        )
        return gzip.compress(text.encode(), compresslevel=9, mtime=0)

    @classmethod
    def decode(cls, data: bytes) -> CodeSet:
        names, flags, descriptions = gzip.decompress(data).decode().split("\n\n", 2)
        return cls(
            names=names.split("\n"),
            descriptions=descriptions.split("\n"),
            billable=[flag == "1" for flag in flags],
        )


#: Made from simple-icd-10-cm by `python -m extractors.codes.build_icd10`; a test fails when
#: it disagrees with the installed package.
DATA_FILE = "data/icd10cm.gz"


@cache
def code_set() -> CodeSet:
    """The packaged code set, loaded on first use."""
    # The package itself parses the whole CMS tabular list (9.7 MB of XML, ~2.6 s) on import;
    # this file holds the little the readers ask of it and loads in ~0.07 s.
    return CodeSet.decode(files("extractors").joinpath(DATA_FILE).read_bytes())
