"""Make extractors/data/icd10cm.gz from the installed simple-icd-10-cm.

    .venv/bin/python -m extractors.codes.build_icd10

Run it after upgrading simple-icd-10-cm (a new CMS release); tests/extractors/test_codes.py
fails until the file agrees with the installed package again.
"""

from __future__ import annotations

import sys
import warnings
from importlib import import_module
from importlib.resources import files
from pathlib import Path

from extractors.codes.icd10 import DATA_FILE, CodeSet


def from_package() -> CodeSet:
    """Every item the package knows, in its order, as lookups read them from it."""
    # The package calls the deprecated importlib.resources.read_text; that warning is about
    # its code, not ours.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        icd = import_module("simple_icd_10_cm")
    # A block and the category it holds can share a name (B99): listed twice, one entry.
    names = list(dict.fromkeys(icd.get_all_codes(True)))
    return CodeSet(
        names=names,
        descriptions=[str(icd.get_description(name)) for name in names],
        billable=[bool(icd.is_leaf(name)) for name in names],
    )


def main() -> int:
    code_set = from_package()
    # The file's columns are separated by line breaks (an empty line ends one).
    texts = (*code_set.names, *code_set.descriptions)
    if any("\n" in text for text in texts) or not all(code_set.names):
        print("an empty name, or a line break in a name or description", file=sys.stderr)
        return 1
    path = Path(str(files("extractors").joinpath(DATA_FILE)))
    path.write_bytes(code_set.encode())
    print(f"{path}: {len(code_set.names)} items")
    return 0


if __name__ == "__main__":
    sys.exit(main())
