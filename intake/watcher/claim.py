"""Claims a file by an atomic rename, so that of any number of watchers exactly one takes it."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import socket
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from intake.clock import utcnow

logger = logging.getLogger(__name__)

PROCESSING = "processing"

_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")


@dataclass(frozen=True)
class ClaimedFile:
    #: Where it now lives: <inbox>/processing/<token>/<original-basename>.
    path: Path
    #: The basename as it arrived; for display only, never for building other paths.
    original_name: str
    inbox: Path
    #: Unique per claim, safe to log (time, host, pid, random; no file name).
    token: str


def processing_dir(inbox: Path) -> Path:
    return inbox / PROCESSING


def new_token() -> str:
    host = _UNSAFE.sub("_", socket.gethostname())[:64] or "host"
    return f"{utcnow():%Y%m%dT%H%M%S}-{host}-{os.getpid()}-{secrets.token_hex(8)}"


def claim(inbox: Path, path: Path) -> ClaimedFile | None:
    """Move ``path`` into a fresh ``<inbox>/processing/<token>/``; None if someone else got it.

    A per-claim folder means the rename target never exists, so rename cannot overwrite,
    and the source vanishing is the one unambiguous sign of having lost the race, even
    between hosts sharing the inbox over NFS or SMB.
    """
    token = new_token()
    token_dir = processing_dir(inbox) / token
    target = token_dir / path.name
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
    except FileNotFoundError:
        return None
    # Recreated if someone tidied it away; exist_ok=False below is what makes the folder ours.
    token_dir.parent.mkdir(exist_ok=True)
    token_dir.mkdir(exist_ok=False)
    try:
        path.rename(target)  # Path.rename is os.rename: atomic, same filesystem
    except FileNotFoundError:
        # NFS retransmits a rename whose reply was lost; the retry then fails although the
        # first attempt moved the file. The file being in our folder is what counts.
        if _is_regular(target):
            return ClaimedFile(target, path.name, inbox, token)
        _remove_empty(token_dir)
        return None
    except BaseException:
        _remove_empty(token_dir)
        raise
    if not _is_regular(target):
        # Swapped for a symlink or folder between the check and the rename. Putting it back
        # could overwrite a new fax of the same name, so it stays quarantined in its folder.
        logger.warning(
            "claimed entry is not a regular file; left aside", extra={"claim_token": token}
        )
        return None
    return ClaimedFile(target, path.name, inbox, token)


def release(claimed: ClaimedFile) -> None:
    """Remove the claim's folder once the caller has moved or deleted the file out of it.

    Refuses (OSError) while the folder still holds anything, so a release can never lose a fax.
    """
    token_dir = claimed.path.parent
    if token_dir.parent != processing_dir(claimed.inbox) or token_dir.name != claimed.token:
        raise ValueError("claimed path is not inside its claim folder")
    with contextlib.suppress(FileNotFoundError):
        token_dir.rmdir()


def stale_claims(inbox: Path, older_than: float) -> Iterator[ClaimedFile]:
    """Yield files claimed more than ``older_than`` seconds ago and never released.

    A watcher that died between claim and ingest leaves these; so does a hand-over that
    failed. The token is kept, because ingest finds its earlier, half-done work by it.
    Each claim folder's mtime is reset before its file is yielded, which makes a file whose
    handling keeps failing come back every ``older_than`` seconds rather than on every pass.
    Two watchers looking in the same instant can both yield one claim; ingest is idempotent
    per token, so that costs work, not correctness. Empty stale folders (a crash between
    mkdir and rename, or between ingest and release) are removed.
    """
    base = processing_dir(inbox)
    cutoff = time.time() - older_than  # mtimes are wall-clock, so compare with wall-clock
    try:
        with os.scandir(base) as listing:
            folders = [e for e in listing if e.is_dir(follow_symlinks=False)]
    except FileNotFoundError:
        return
    for folder in folders:
        token_dir = Path(folder.path)
        try:
            if folder.stat(follow_symlinks=False).st_mtime >= cutoff:
                continue
            with os.scandir(token_dir) as listing:
                names = [e.name for e in listing if e.is_file(follow_symlinks=False)]
            if not names:
                _remove_empty(token_dir)
                continue
            os.utime(token_dir)
        except FileNotFoundError:
            continue  # finished and released while we looked
        logger.info("stale claim found", extra={"claim_token": folder.name, "files": len(names)})
        for name in names:
            yield ClaimedFile(token_dir / name, name, inbox, folder.name)


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def _remove_empty(folder: Path) -> None:
    # rmdir, not rmtree: if anything is inside after all, keeping it beats losing a fax.
    with contextlib.suppress(OSError):
        folder.rmdir()
