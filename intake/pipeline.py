"""One claimed document through the readers: the orchestration, kept short on purpose."""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from extractors.errors import ExtractError
from extractors.extract.extractor import extract, unread_referral
from extractors.limits import Limits
from extractors.ocr import ocr_page
from extractors.pages import ReadPage
from extractors.readers import page_sources
from intake import queue
from intake.db.engine import session_scope
from intake.db.models import Document, PageRecord, ReferralRecord, Status
from intake.metrics import ocr_increments
from intake.quarantine import Reason, quarantine_bytes
from intake.referral_columns import reading_columns, summary_columns
from intake.services import Services
from intake.store import StoreCorruption

logger = logging.getLogger(__name__)


class Released(Exception):
    """The worker was asked to stop before it finished the document."""


@dataclass
class Reading:
    pages: list[ReadPage] = field(default_factory=list)
    #: Seconds of OCR for each page that needed it (text-layer pages need none).
    ocr_seconds: list[float] = field(default_factory=list)


def _read(data: bytes, limits: Limits, should_release: Callable[[], bool]) -> Reading:
    """The readers' pages, one OCR pass each, timed; ``should_release`` is asked before each
    page, so a stopping worker hands a long fax back after the page in hand."""
    reading = Reading()
    for number, source in enumerate(page_sources(data, limits), 1):
        if should_release():
            raise Released
        if isinstance(source, ReadPage):
            reading.pages.append(source)
            continue
        started = time.perf_counter()
        reading.pages.append(ocr_page(source, number, limits.ocr_timeout_seconds))
        reading.ocr_seconds.append(time.perf_counter() - started)
    return reading


def _never() -> bool:
    return False


def process(
    services: Services, claim: queue.Claim, should_release: Callable[[], bool] = _never
) -> Status | None:
    """Read the claimed document's pages and record the outcome.

    Returns the document's new status (queued when retried or handed back), or None when the
    lease was lost meanwhile and nothing was written.
    """
    started = time.monotonic()
    with session_scope(services.engine) as session:
        document = session.get_one(Document, claim.document_id)
    try:
        data = services.store.get(document.sha256)
        reading = _read(data, services.settings.limits, should_release)
    except Released:
        logger.info("document handed back", extra={"document_id": claim.document_id})
        return Status.queued if queue.release(services.engine, claim) else None
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
            number=page.page.number,
            width=page.page.width,
            height=page.page.height,
            source=page.page.source,
            rotation=page.page.rotation,
            mean_confidence=page.page.mean_confidence,
            image_sha256=services.store.put(page.png),
            content=page.page.model_dump(mode="json"),
        )
        for page in reading.pages
    ]
    referral = _referral(document, reading.pages)
    counters = ocr_increments(reading.ocr_seconds)
    if not queue.complete(services.engine, claim, records, referral, counters):
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


def _referral(document: Document, pages: list[ReadPage]) -> ReferralRecord:
    """The extractor's reading; when it fails as a whole, a reading with no values that says
    so, so the OCR'd pages still reach a clerk with a document they can review."""
    read = {"filename": document.original_name, "sha256": document.sha256}
    try:
        referral = extract(pages, **read, received_at=document.received_at)
    except Exception as exc:  # an extractor bug must not lose the document or its pages
        # The type and where it was raised, not the message: that may quote the page (PHI).
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        logger.error(
            "extraction failed: %s at %s:%d",
            type(exc).__name__,
            Path(frame.filename).name,
            frame.lineno or 0,
            extra={"document_id": document.id},
        )
        referral = unread_referral(pages, **read, received_at=document.received_at)
    assert document.id is not None
    values = referral.model_dump(mode="json")
    return ReferralRecord(
        document_id=document.id,
        due_by=referral.due_by,
        extracted=values,
        **summary_columns(values),
        **reading_columns(values),
    )


def _failure_of(error: ExtractError | StoreCorruption) -> queue.Failure:
    return queue.Failure(code=error.code, message=error.message, permanent=error.permanent)


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
