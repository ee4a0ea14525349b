"""The supervisor's figures, by referral type: volume today and over the last 7 days, the share
read with required fields missing (the desk's "percent needing clarification"), the median
time from receipt to validated, and the share acknowledged within 24 hours.

"Acknowledged" means a clerk decided (validated, sent for clarification or rejected) by the
referral's due time; referrals still inside their 24 hours and undecided are not counted yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import func, select
from sqlmodel import Session, col

from intake.db.models import Document, ReferralRecord

DAYS = 7
TYPES = ("dme", "home_health", "infusion", "unknown")


@dataclass(frozen=True)
class TypeFigures:
    referral_type: str
    today: int
    week: int
    missing_share: float | None
    median_to_validated: timedelta | None
    acknowledged_share: float | None


@dataclass(frozen=True)
class Bar:
    """One segment of the daily-volume chart, in SVG user units."""

    x: int
    y: int
    width: int
    height: int
    referral_type: str
    count: int
    day: date


@dataclass(frozen=True)
class Dashboard:
    rows: list[TypeFigures]
    total: TypeFigures
    days: list[date]
    bars: list[Bar]
    chart_height: int


@dataclass(frozen=True)
class _Read:
    referral_type: str
    day: date
    missing: bool
    received_at: datetime
    due_by: datetime | None
    decided_at: datetime | None
    validated_at: datetime | None


def dashboard(session: Session, now: datetime, zone: tzinfo | None) -> Dashboard:
    today = now.astimezone(zone).date()
    days = [today - timedelta(days=offset) for offset in range(DAYS - 1, -1, -1)]
    since = datetime.combine(days[0], time(), now.astimezone(zone).tzinfo)
    reads = _reads(session, since, zone)
    rows = [
        _figures(kind, [r for r in reads if r.referral_type == kind], today, now) for kind in TYPES
    ]
    chart_height = 120
    return Dashboard(
        rows=rows,
        total=_figures("all", reads, today, now),
        days=days,
        bars=_bars(reads, days, chart_height),
        chart_height=chart_height,
    )


def _reads(session: Session, since: datetime, zone: tzinfo | None) -> list[_Read]:
    # The extractor's own missing list, not the current one: clerks fill fields in later.
    missing_at_read = func.json_array_length(col(ReferralRecord.extracted)["missing"])
    query = (
        select(
            col(ReferralRecord.referral_type),
            missing_at_read,
            col(Document.received_at),
            col(ReferralRecord.due_by),
            col(ReferralRecord.decided_at),
            col(ReferralRecord.validated_at),
        )
        .join(Document, col(Document.id) == col(ReferralRecord.document_id))
        .where(col(Document.received_at) >= since)
    )
    return [
        _Read(
            referral_type=kind if kind in TYPES else "unknown",
            day=received.astimezone(zone).date(),
            missing=bool(missing),
            received_at=received,
            due_by=due,
            decided_at=decided,
            validated_at=validated,
        )
        for kind, missing, received, due, decided, validated in session.execute(query).all()
    ]


def _figures(kind: str, reads: list[_Read], today: date, now: datetime) -> TypeFigures:
    to_validated = [r.validated_at - r.received_at for r in reads if r.validated_at is not None]
    judged = [r for r in reads if r.decided_at is not None or (r.due_by and r.due_by <= now)]
    on_time = [r for r in judged if r.decided_at and (r.due_by is None or r.decided_at <= r.due_by)]
    return TypeFigures(
        referral_type=kind,
        today=sum(1 for r in reads if r.day == today),
        week=len(reads),
        missing_share=_share(sum(1 for r in reads if r.missing), len(reads)),
        median_to_validated=_median(to_validated),
        acknowledged_share=_share(len(on_time), len(judged)),
    )


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _bars(reads: list[_Read], days: list[date], height: int) -> list[Bar]:
    counts = {(r.day, r.referral_type): 0 for r in reads}
    for r in reads:
        counts[(r.day, r.referral_type)] += 1
    per_day = [sum(counts.get((day, kind), 0) for kind in TYPES) for day in days]
    scale = height / max(max(per_day, default=0), 1)
    bars = []
    for index, day in enumerate(days):
        top = height
        for kind in TYPES:
            count = counts.get((day, kind), 0)
            if not count:
                continue
            segment = max(round(count * scale), 1)
            top -= segment
            bars.append(Bar(index * 40 + 8, top, 24, segment, kind, count, day))
    return bars
