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
#: This process's life: the first half of each claim token's random part. A process that
#: comes back with the same pid (a restarted container's pid 1 or 7) is another life, and the
#: claims of its earlier one are orphans to recover at once.
INCARNATION = secrets.token_hex(4)
_TOKEN = re.compile(
    r"\d{8}T\d{6}-(?P<host>[A-Za-z0-9._-]+)-(?P<pid>\d+)-(?P<life>[0-9a-f]{8})[0-9a-f]{8}"
)


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


def _this_host() -> str:
    return _UNSAFE.sub("_", socket.gethostname())[:64] or "host"


def new_token() -> str:
    unique = f"{INCARNATION}{secrets.token_hex(4)}"
    return f"{utcnow():%Y%m%dT%H%M%S}-{_this_host()}-{os.getpid()}-{unique}"


def orphaned(token: str) -> bool:
    """Whether the process that made this claim is known to be gone: one on this host whose
    pid is not running, or whose pid is now this process in another life. A claim made on
    another host (a shared inbox) cannot be judged from here, and waits for its age."""
    parsed = _TOKEN.fullmatch(token)
    if parsed is None or parsed["host"] != _this_host():
        return False
    pid = int(parsed["pid"])
    if pid == os.getpid():
        return parsed["life"] != INCARNATION
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # running, as another user
    return False


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
    """Yield files whose claim was never released: at once when the process that claimed them
    is gone (``orphaned``: a watcher killed mid-ingest, found again at its restart), else once
    claimed more than ``older_than`` seconds ago (a hand-over that failed, or a claim made on
    another host). The token is kept, because ingest finds its earlier, half-done work by it.
    Each claim folder's mtime is reset before its file is yielded, which makes a file whose
    handling keeps failing come back every ``older_than`` seconds rather than on every pass.
    Two watchers looking in the same instant can both yield one claim; ingest is idempotent
    per token, so that costs work, not correctness. Empty stale folders (a crash between
    mkdir and rename, or between ingest and release) are removed.
    """
    cutoff = time.time() - older_than  # mtimes are wall-clock, so compare with wall-clock
    for folder in _claim_folders(inbox):
        token_dir = Path(folder.path)
        try:
            young = folder.stat(follow_symlinks=False).st_mtime >= cutoff
            if young and not orphaned(folder.name):
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


def claimed_count(inbox: Path) -> int:
    """Files claimed from ``inbox`` and not yet recorded as documents (or quarantined)."""
    count = 0
    for folder in _claim_folders(inbox):
        with contextlib.suppress(FileNotFoundError), os.scandir(folder.path) as files:
            count += sum(1 for e in files if e.is_file(follow_symlinks=False))
    return count


def _claim_folders(inbox: Path) -> list[os.DirEntry[str]]:
    """The claim folders under ``inbox``'s processing folder (none when it has none)."""
    try:
        with os.scandir(processing_dir(inbox)) as listing:
            return [e for e in listing if e.is_dir(follow_symlinks=False)]
    except FileNotFoundError:
        return []


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def _remove_empty(folder: Path) -> None:
    # rmdir, not rmtree: if anything is inside after all, keeping it beats losing a fax.
    with contextlib.suppress(OSError):
        folder.rmdir()
