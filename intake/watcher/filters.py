"""Names that are never faxes: temp files of writers still busy, and OS/NAS junk."""

from __future__ import annotations

# Writers that copy under a temporary name and rename when done (browsers, rsync-like
# tools, WinSCP, office suites); taking these would take a half-written file.
TEMP_SUFFIXES: tuple[str, ...] = (
    ".tmp",
    ".temp",
    ".part",
    ".partial",
    ".crdownload",
    ".filepart",
    "~",
)

# Dotfiles cover .DS_Store, ._* AppleDouble, .snapshot, .Trash-*; these are the rest.
# Compared case-insensitively because SMB shares are.
JUNK_NAMES: frozenset[str] = frozenset(
    {
        "thumbs.db",
        "desktop.ini",
        ".ds_store",
        "@eadir",  # Synology thumbnail folders
        "#recycle",  # Synology/QNAP recycle bins
        "$recycle.bin",
        "system volume information",
    }
)

JUNK_PREFIXES: tuple[str, ...] = (
    ".",  # dotfiles, including ._* AppleDouble
    "~$",  # Office lock files
)


def is_ignored(name: str) -> bool:
    """True for a file or folder name the watcher must leave alone."""
    folded = name.casefold()
    return (
        not name
        or folded in JUNK_NAMES
        or folded.startswith(JUNK_PREFIXES)
        or folded.endswith(TEMP_SUFFIXES)
    )
