"""Content-addressed store: originals and page images kept once, by sha256, never modified."""

from __future__ import annotations

import hashlib
from pathlib import Path

from intake.errors import IntakeError
from intake.files import write_atomically


class StoreCorruption(IntakeError):
    """A stored file no longer matches its hash."""

    code = "store_corrupt"
    exit_status = 1


class ContentStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        target = self.path_for(sha256)
        if not target.exists():
            # Read-only: originals are evidence and must stay as they arrived.
            write_atomically(target, data, mode=0o440)
        return sha256

    def get(self, sha256: str) -> bytes:
        data = self.path_for(sha256).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoreCorruption(f"stored object {sha256[:12]} does not match its hash")
        return data

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()
