"""Small durable-file helpers shared by the store, quarantine and archive."""

from __future__ import annotations

import os
import re
import shutil
import unicodedata
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

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
    """Write bytes so that a crash leaves either no file or the whole file, never a torn one."""
    _write_via_temp(target, lambda handle: handle.write(data), mode)


def copy_durably(source: Path, target: Path) -> None:
    """Copy a file so that the copy survives a crash (the source stays where it is)."""
    with source.open("rb") as reader:
        _write_via_temp(target, lambda handle: shutil.copyfileobj(reader, handle), 0o640)


def move_durably(source: Path, target: Path) -> None:
    """Move a file (rename, or copy then unlink across filesystems) and fsync the folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        source.rename(target)
        # A rename keeps the writer's mode (a fax server's 0644): what we keep is 0640, as a
        # copy would be.
        target.chmod(0o640)
    except OSError:
        copy_durably(source, target)
        source.unlink()
    fsync_dir(target.parent)


def _write_via_temp(target: Path, fill: Callable[[BinaryIO], object], mode: int) -> None:
    """Temp file beside the target, fsync, rename over it, fsync the folder."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.parent / f".{uuid.uuid4().hex}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
            handle.flush()
            os.fsync(handle.fileno())
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
