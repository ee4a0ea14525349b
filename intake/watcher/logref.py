"""Log-safe references to paths: file names may carry patient names, so they never reach logs."""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

# Keyed per process: a plain hash of "Jane Doe.pdf" could be reversed with a list of names.
# References therefore correlate log lines within one run, which is all they are for.
_KEY = secrets.token_bytes(16)


def path_ref(path: Path) -> str:
    """A short opaque id for ``path``, stable for the life of the process."""
    return hashlib.blake2b(
        str(path).encode("utf-8", "surrogateescape"), key=_KEY, digest_size=6
    ).hexdigest()
