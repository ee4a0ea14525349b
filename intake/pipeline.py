"""One claimed document through the readers: the orchestration, kept short on purpose."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from sqlalchemy import Engine

from extractors.errors import ExtractError
from extractors.extract.extractor import extract
from extractors.pages import ReadPage
from extractors.readers import read_document
from intake import queue
from intake.config import Settings
from intake.db.engine import session_scope
from intake.db.models import Document, PageRecord, ReferralRecord, Status
from intake.quarantine import Reason, quarantine_bytes
from intake.referral_columns import summary_columns
from intake.store import ContentStore, StoreCorruption

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine
    store: ContentStore


def process(services: Services, claim: queue.Claim) -> Status | None:
    """Read the claimed document's pages and record the outcome. None: the lease was lost."""
    started = time.monotonic()
    with session_scope(services.engine) as session:
        document = session.get_one(Document, claim.document_id)
    try:
        data = services.store.get(document.sha256)
        pages = read_document(data, services.settings.limits)
    except (ExtractError, StoreCorruption) as error:
        return _record_failure(services, claim, document, _failure_of(error), error)
    except Exception as error:  # a bug or a library fault must not kill the worker
        logger.exception("unexpected error", extra={"document_id": claim.document_id})
        failure = queue.Failure(
            code="internal_error",
            message=f"unexpected {type(error).__name__} while reading; will retry",
            permanent=False,
        )
        return _record_failure(services, claim, document, failure, error)
    records = [
        PageRecord(
            document_id=claim.document_id,
            number=read.page.number,
            width=read.page.width,
            height=read.page.height,
            source=read.page.source,
            rotation=read.page.rotation,
            mean_confidence=read.page.mean_confidence,
            image_sha256=services.store.put(read.png),
            content=read.page.model_dump(mode="json"),
        )
        for read in pages
    ]
    referral = _referral(document, pages)
    if not queue.complete(services.engine, claim, records, referral):
        logger.warning("lease lost; result discarded", extra={"document_id": claim.document_id})
        return None
    logger.info(
        "document read",
        extra={
            "document_id": claim.document_id,
            "pages": len(records),
            "seconds": round(time.monotonic() - started, 3),
        },
    )
    return Status.needs_review


def _referral(document: Document, pages: list[ReadPage]) -> ReferralRecord | None:
    """The extractor's reading; None when it fails, so the OCR'd pages still reach a clerk."""
    try:
        referral = extract(
            pages,
            filename=document.original_name,
            sha256=document.sha256,
            received_at=document.received_at,
        )
    except Exception:  # an extractor bug must not lose the document or its pages
        logger.exception("extraction failed", extra={"document_id": document.id})
        return None
    assert document.id is not None
    values = referral.model_dump(mode="json")
    return ReferralRecord(
        document_id=document.id, due_by=referral.due_by, extracted=values, **summary_columns(values)
    )


def _failure_of(error: ExtractError | StoreCorruption) -> queue.Failure:
    if isinstance(error, ExtractError):
        return queue.Failure(code=error.code, message=error.message, permanent=error.permanent)
    return queue.Failure(code="store_corrupt", message=str(error), permanent=True)


def _record_failure(
    services: Services,
    claim: queue.Claim,
    document: Document,
    failure: queue.Failure,
    error: Exception,
) -> Status | None:
    settings = services.settings
    status = queue.fail(
        services.engine, claim, failure, settings.max_attempts, settings.retry_base_seconds
    )
    logger.warning(
        "document failed",
        extra={"document_id": claim.document_id, "code": failure.code, "status": status},
    )
    if status == Status.failed and isinstance(error, ExtractError):
        quarantine_bytes(
            settings.quarantine_dir,
            services.store.get(document.sha256),
            claim.document_id,
            document.original_name,
            document.sha256,
            Reason(code=failure.code, message=failure.message),
        )
    return status
