"""Small durable-file helpers shared by the store, quarantine and archive."""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
import uuid
from pathlib import Path

_UNSAFE = re.compile(r"[^\w.\- ]+")
_MAX_NAME = 120


def safe_filename(name: str) -> str:
    """A display name made safe to use as one path component, whatever the sender put in it."""
    base = re.split(r"[/\\]", name)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = _UNSAFE.sub("_", base).strip(" .")
    return base[:_MAX_NAME] or "file"


def read_without_following(path: Path) -> bytes:
    """Read a file, refusing a symlink swapped in after the watcher checked the path."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def write_atomically(target: Path, data: bytes, mode: int = 0o640) -> None:
    """Write to a temp file beside the target, fsync, rename, fsync the folder.

    A crash leaves either the old state or the whole new file, never a torn one.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / f".{uuid.uuid4().hex}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.replace(target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def move_durably(source: Path, target: Path) -> None:
    """Move a file (rename, or copy+fsync+unlink across filesystems) and fsync the folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        source.rename(target)
    except OSError:
        write_atomically(target, source.read_bytes())
        source.unlink()
    fsync_dir(target.parent)


def copy_durably(source: Path, target: Path) -> None:
    """Copy a file so that the copy survives a crash (the source stays where it is)."""
    temp = target.parent / f".{uuid.uuid4().hex}.tmp"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with source.open("rb") as reader, temp.open("xb") as writer:
            shutil.copyfileobj(reader, writer)
            writer.flush()
            os.fsync(writer.fileno())
        temp.replace(target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
