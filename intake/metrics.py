"""Prometheus metrics, rendered from the shared database on every scrape.

Workers run on many hosts and come and go, so no figure lives in a process's memory: the
queue's state is read from the documents and workers tables, and the OCR figures are named
counters that each worker adds to in the same transaction that stores its result. Any web
process therefore renders the same numbers, a restart loses none, and a result discarded
because its lease was lost is not counted. Labels carry statuses and worker ids only, no PHI.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from intake import counters, queue_state
from intake.config import Settings
from intake.db.models import Status

#: Upper bounds of the OCR-seconds buckets: a clean page takes about 0.7 s on one core, a
#: dense or rotated one a few seconds, and the default per-page timeout is 60 s.
OCR_SECONDS_BUCKETS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)

_PREFIX = "ocr_"
_PAGES = "ocr_pages"
_MILLISECONDS = "ocr_ms"

_DEFAULT_DEAD_AFTER = float(Settings.model_fields["worker_dead_after_seconds"].default)


def _bucket_counter(upper: float) -> str:
    return f"{_PREFIX}le_{upper:g}"


def ocr_increments(page_seconds: Sequence[float]) -> dict[str, int]:
    """Counter increments for the OCR'd pages of one stored result, one duration per page.

    Each page adds to the one bucket it falls in; exposition makes the buckets cumulative.
    A page slower than the last bound is counted in ``ocr_pages`` only (the +Inf bucket).
    """
    increments: dict[str, int] = {}
    if not page_seconds:
        return increments
    increments[_PAGES] = len(page_seconds)
    increments[_MILLISECONDS] = round(sum(page_seconds) * 1000)
    for seconds in page_seconds:
        index = bisect.bisect_left(OCR_SECONDS_BUCKETS, seconds)
        if index < len(OCR_SECONDS_BUCKETS):
            name = _bucket_counter(OCR_SECONDS_BUCKETS[index])
            increments[name] = increments.get(name, 0) + 1
    return increments


class _DatabaseCollector(Collector):
    def __init__(self, engine: Engine, dead_after_seconds: float) -> None:
        self._engine = engine
        self._dead_after = dead_after_seconds

    def collect(self) -> Iterator[Metric]:
        state = queue_state.status(self._engine, self._dead_after)
        by_status = GaugeMetricFamily("intake_documents", "Documents by status.", labels=["status"])
        for status in Status:
            by_status.add_metric([status.value], state.counts.get(status.value, 0))
        yield by_status
        yield GaugeMetricFamily(
            "intake_queue_depth",
            "Documents waiting to be read (queued, including those waiting to retry).",
            value=state.counts.get(Status.queued.value, 0),
        )
        age = state.oldest_queued_age
        yield GaugeMetricFamily(
            "intake_oldest_queued_age_seconds",
            "Seconds since the oldest queued document arrived; 0 when none waits.",
            value=max(age.total_seconds(), 0.0) if age is not None else 0.0,
        )
        yield from self._ocr()
        heartbeats = GaugeMetricFamily(
            "intake_worker_heartbeat_age_seconds",
            "Seconds since each worker's last heartbeat (workers not stopped, heard from"
            " within the last hour); a worker past the dead-after window has lost its leases.",
            labels=["worker", "host"],
        )
        for worker in state.workers:
            heartbeats.add_metric([worker.worker.id, worker.worker.hostname], worker.heartbeat_age)
        yield heartbeats
        yield GaugeMetricFamily(
            "intake_workers_live",
            "Workers whose heartbeat is within the dead-after window.",
            value=len(state.live_workers),
        )

    def _ocr(self) -> Iterator[Metric]:
        counts = counters.read(self._engine, _PREFIX)
        pages = counts.get(_PAGES, 0)
        yield CounterMetricFamily(
            "intake_pages_ocr", "Pages read by OCR, in stored results.", value=pages
        )
        cumulative = 0
        buckets: list[tuple[str, float]] = []
        for upper in OCR_SECONDS_BUCKETS:
            cumulative += counts.get(_bucket_counter(upper), 0)
            buckets.append((f"{upper:g}", cumulative))
        buckets.append(("+Inf", pages))
        yield HistogramMetricFamily(
            "intake_ocr_seconds",
            "Seconds of OCR per page, in stored results.",
            buckets=buckets,
            sum_value=counts.get(_MILLISECONDS, 0) / 1000,
        )


def exposition(
    engine: Engine, dead_after_seconds: float = _DEFAULT_DEAD_AFTER
) -> tuple[bytes, str]:
    """The metrics in Prometheus text format: (body, content type) for an HTTP response."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_DatabaseCollector(engine, dead_after_seconds))
    return generate_latest(registry), CONTENT_TYPE_LATEST
