"""Ingest: a file becomes a stored original plus a Document row, crash-safe and idempotent.

Order matters: hash, store (fsync + rename), commit the row, and only then remove the source.
A crash at any point leaves the source in place, and the re-run finds the row by claim token.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from extractors.errors import ExtractError, LimitExceeded
from extractors.filetype import check_name, sniff
from intake.clock import utcnow
from intake.config import Settings
from intake.db.engine import session_scope
from intake.db.models import Document, Status
from intake.files import move_durably, read_without_following, safe_filename
from intake.quarantine import Reason, quarantine_file
from intake.store import ContentStore
from intake.watcher.claim import ClaimedFile, release

logger = logging.getLogger(__name__)

_HASH_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Ingested:
    document_id: int
    status: Status


class Ingestor:
    def __init__(self, settings: Settings, engine: Engine, store: ContentStore) -> None:
        self.settings = settings
        self.engine = engine
        self.store = store

    def ingest_claimed(self, claimed: ClaimedFile) -> Ingested:
        """The watcher's hand-over: record the file, then clear it out of the inbox."""
        document = self._find_by_token(claimed.token) or self._record(
            claimed.path, claimed.original_name, claimed.token
        )
        self._dispose(claimed.path, document, keep_source=False)
        release(claimed)
        return Ingested(document_id=_id(document), status=document.status)

    def ingest_path(self, path: Path) -> Ingested:
        """Record a file given on the command line; the caller's file is left where it is."""
        document = self._record(path, path.name, claim_token=None)
        self._dispose(path, document, keep_source=True)
        return Ingested(document_id=_id(document), status=document.status)

    def _find_by_token(self, token: str) -> Document | None:
        with session_scope(self.engine) as session:
            return session.exec(select(Document).where(col(Document.claim_token) == token)).first()

    def _record(self, path: Path, original_name: str, claim_token: str | None) -> Document:
        size = path.stat().st_size
        document = Document(
            sha256="",
            size_bytes=size,
            original_name=original_name[:255],
            claim_token=claim_token,
        )
        if size > self.settings.max_bytes:
            # Too big to keep a second copy of: hashed as a stream, then quarantined as is.
            document.sha256 = _hash_file(path)
            _mark_failed(
                document,
                LimitExceeded(
                    f"the file is {size / 1e6:.1f} MB, over the limit of"
                    f" {self.settings.max_bytes / 1e6:.1f} MB"
                ),
            )
        else:
            data = read_without_following(path)
            document.sha256 = self.store.put(data)
            try:
                document.media_type = sniff(data[:1024])
                check_name(original_name, document.media_type)
            except ExtractError as error:
                _mark_failed(document, error)
        saved = self._insert(document)
        logger.info(
            "document recorded",
            extra={"document_id": saved.id, "sha256": saved.sha256[:12], "status": saved.status},
        )
        return saved

    def _insert(self, document: Document) -> Document:
        try:
            with session_scope(self.engine) as session:
                session.add(document)
            return document
        except IntegrityError:
            # Two watchers re-handing one stale claim at once: the other one recorded it.
            if document.claim_token and (mine := self._find_by_token(document.claim_token)):
                return mine
        # Same bytes as an earlier original: a duplicate record pointing at it, not new work.
        with session_scope(self.engine) as session:
            original = session.exec(
                select(Document).where(
                    col(Document.sha256) == document.sha256,
                    col(Document.duplicate_of_id).is_(None),
                )
            ).one()
            duplicate = Document(
                **document.model_dump(
                    exclude={
                        "id",
                        "status",
                        "error_code",
                        "error_message",
                        "page_count",
                        "duplicate_of_id",
                    }
                ),
                status=Status.duplicate,
                duplicate_of_id=original.id,
                page_count=original.page_count,
            )
            if original.status == Status.failed:
                # A copy of a file that could not be read is no more readable: it goes to
                # quarantine with its reason, not silently away as a duplicate.
                duplicate.status = Status.failed
                duplicate.error_code = original.error_code
                duplicate.error_message = (
                    f"the same file as document {original.id}, which could not be read:"
                    f" {original.error_message or original.error_code}"
                )[:_MESSAGE_MAX]
            session.add(duplicate)
        return duplicate

    def _dispose(self, source: Path, document: Document, keep_source: bool) -> None:
        if not source.exists():
            return
        if document.status == Status.failed:
            reason = Reason(
                code=document.error_code or "failed", message=document.error_message or ""
            )
            quarantine_file(
                self.settings.quarantine_dir,
                source,
                _id(document),
                document.original_name,
                document.sha256,
                reason,
                keep_source=keep_source,
            )
        elif not keep_source:
            if self.settings.archive:
                day = utcnow().strftime("%Y-%m-%d")
                name = f"{document.id}-{safe_filename(document.original_name)}"
                move_durably(source, self.settings.archive_dir / day / name)
            else:
                # Two watchers re-handing one stale claim may both get here.
                source.unlink(missing_ok=True)


#: The length of the document's error_message column.
_MESSAGE_MAX = 500


def _mark_failed(document: Document, error: ExtractError) -> None:
    document.status = Status.failed
    document.error_code = error.code
    document.error_message = error.message


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _id(document: Document) -> int:
    assert document.id is not None
    return document.id
