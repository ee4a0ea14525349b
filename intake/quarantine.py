"""Quarantine: files the service could not read, each beside a sidecar saying why."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from intake.clock import utcnow
from intake.files import copy_durably, move_durably, safe_filename, write_atomically


@dataclass(frozen=True)
class Reason:
    code: str
    message: str


def quarantine_name(document_id: int, original_name: str) -> str:
    return f"{document_id}-{safe_filename(original_name)}"


def write_sidecar(folder: Path, name: str, document_id: int, sha256: str, reason: Reason) -> None:
    sidecar = {
        "document_id": document_id,
        "sha256": sha256,
        "code": reason.code,
        "reason": reason.message,
        "quarantined_at": utcnow().isoformat(),
    }
    write_atomically(folder / f"{name}.error.json", json.dumps(sidecar, indent=2).encode())


def quarantine_file(
    folder: Path,
    source: Path,
    document_id: int,
    original_name: str,
    sha256: str,
    reason: Reason,
    keep_source: bool = False,
) -> Path:
    """Move (or copy) a file to quarantine, sidecar first: no file sits there unexplained."""
    name = quarantine_name(document_id, original_name)
    write_sidecar(folder, name, document_id, sha256, reason)
    target = folder / name
    (copy_durably if keep_source else move_durably)(source, target)
    return target


def quarantine_bytes(
    folder: Path, data: bytes, document_id: int, original_name: str, sha256: str, reason: Reason
) -> Path:
    """Put a copy of a stored original into quarantine (the worker found it unreadable)."""
    name = quarantine_name(document_id, original_name)
    write_sidecar(folder, name, document_id, sha256, reason)
    target = folder / name
    write_atomically(target, data)
    return target
