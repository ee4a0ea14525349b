"""HCPCS Level II code table: the packaged CMS release, or a newer CMS file named by path."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType

#: A letter and four digits.
PATTERN = r"^[A-Z][0-9]{4}$"

_SHAPE = re.compile(PATTERN)

#: Accepted spellings of each column, after lower-casing and turning "_" into a space: the
#: packaged file's names and those of CMS's own release files ("HCPC", "LONG DESCRIPTION").
_COLUMNS: Mapping[str, frozenset[str]] = {
    "code": frozenset({"code", "hcpc", "hcpcs", "hcpcs code", "hcpcs cd"}),
    "short_description": frozenset({"short description", "short desc", "short descriptor"}),
    "long_description": frozenset({"long description", "long desc", "long descriptor"}),
}


@dataclass(frozen=True, slots=True)
class HcpcsCode:
    code: str
    short_description: str
    long_description: str


HcpcsTable = Mapping[str, HcpcsCode]


class HcpcsTableError(ValueError):
    """The file is not a usable HCPCS table (missing columns, no codes)."""


#: A code as it stands in running text: not part of a longer word or number.
_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])[A-Z][0-9]{4}(?![A-Za-z0-9])")


def codes_printed(texts: Iterable[str], table: HcpcsTable | None = None) -> set[str]:
    """The existing codes printed, exactly as they stand, anywhere in ``texts``."""
    return {
        match.group()
        for text in texts
        for match in _IN_TEXT.finditer(text)
        if lookup(match.group(), table) is not None
    }


def load_table(path: Path | None = None) -> HcpcsTable:
    """The packaged table, or the CSV at ``path`` (reloaded only when the file changes)."""
    if path is None:
        return _packaged_table()
    stat = path.stat()
    return _file_table(path.resolve(), stat.st_mtime_ns, stat.st_size)


def lookup(code: str, table: HcpcsTable | None = None) -> HcpcsCode | None:
    """The entry for ``code`` in ``table`` (default: the packaged one), or None."""
    return (load_table() if table is None else table).get(code.strip().upper())


@cache
def _packaged_table() -> HcpcsTable:
    data = files("extractors").joinpath("data/hcpcs.csv").read_bytes()
    return _parse(data, "packaged hcpcs.csv")


# Modification time and size are part of the key so that dropping a newer release over the
# old file takes effect without a restart.
@lru_cache(maxsize=4)
def _file_table(path: Path, mtime_ns: int, size: int) -> HcpcsTable:
    return _parse(path.read_bytes(), str(path))


def _parse(data: bytes, origin: str) -> HcpcsTable:
    rows = csv.reader(io.StringIO(_decode(data)))
    header = next(rows, None)
    if header is None:
        raise HcpcsTableError(f"{origin}: the file is empty")
    code_at, short_at, long_at = _column_positions(header, origin)
    table: dict[str, HcpcsCode] = {}
    for row in rows:
        code = _cell(row, code_at).upper()
        # Modifiers (two characters), blank lines and notes share the file; only codes count.
        if not _SHAPE.fullmatch(code):
            continue
        short, long = _cell(row, short_at), _cell(row, long_at)
        known = table.get(code)
        if known is None:
            table[code] = HcpcsCode(code, short, long)
        else:
            # CMS's release files continue a long description on further rows of the same code.
            table[code] = HcpcsCode(
                code,
                known.short_description or short,
                f"{known.long_description} {long}".strip(),
            )
    if not table:
        raise HcpcsTableError(f"{origin}: no HCPCS Level II codes found")
    return MappingProxyType(table)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # CMS files saved from Excel are often Windows-1252.
        return data.decode("cp1252", errors="replace")


def _column_positions(header: Sequence[str], origin: str) -> tuple[int, int, int]:
    names = [" ".join(name.replace("_", " ").split()).lower() for name in header]
    positions: list[int] = []
    missing: list[str] = []
    for column, spellings in _COLUMNS.items():
        found = next((i for i, name in enumerate(names) if name in spellings), None)
        if found is None:
            missing.append(column)
        else:
            positions.append(found)
    if missing:
        raise HcpcsTableError(f"{origin}: missing column(s) {', '.join(missing)}")
    code_at, short_at, long_at = positions
    return code_at, short_at, long_at


def _cell(row: Sequence[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""
