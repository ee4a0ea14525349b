"""The supervisor's figures, by referral type: volume today and over the last 7 days, the share
read with required fields missing (the desk's "percent needing clarification"), the median
time from receipt to validated, and the share acknowledged within 24 hours.

"Acknowledged" means a clerk decided (validated, sent for clarification or rejected) by the
referral's due time; referrals still inside their 24 hours and undecided are not counted yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import ColumnElement, and_, case, func, or_, select
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
class _Tally:
    """The referrals of one type received on one day."""

    referral_type: str
    day: date
    count: int
    #: Read with required fields missing.
    missing: int
    #: Decided, or past their due time: those the 24-hour share is judged on.
    judged: int
    #: Decided by their due time.
    on_time: int


def dashboard(session: Session, now: datetime, zone: tzinfo | None) -> Dashboard:
    today = now.astimezone(zone).date()
    days = [today - timedelta(days=offset) for offset in range(DAYS - 1, -1, -1)]
    starts = [_midnight(day, zone) for day in days]
    tallies = _tallies(session, days, starts, now)
    waits = _waits_to_validated(session, starts[0])
    rows = [
        _figures(
            kind,
            [t for t in tallies if t.referral_type == kind],
            [wait for of_kind, wait in waits if of_kind == kind],
            today,
        )
        for kind in TYPES
    ]
    chart_height = 120
    return Dashboard(
        rows=rows,
        total=_figures("all", tallies, [wait for _, wait in waits], today),
        days=days,
        bars=_bars(tallies, days, chart_height),
        chart_height=chart_height,
    )


def _midnight(day: date, zone: tzinfo | None) -> datetime:
    start = datetime.combine(day, time())
    return start.replace(tzinfo=zone) if zone is not None else start.astimezone()


def _tallies(
    session: Session, days: list[date], starts: list[datetime], now: datetime
) -> list[_Tally]:
    """Counted by the database, a row per type and day: a busy week is thousands of
    referrals, and fetching each row costs more than the page may take."""
    received = col(Document.received_at)
    # The local day is found against each day's midnight, so no dialect's time zone
    # functions are needed.
    day = case(
        *((received >= start, index) for index, start in reversed(list(enumerate(starts)))),
        else_=0,
    )
    decided, due = col(ReferralRecord.decided_at), col(ReferralRecord.due_by)
    judged = or_(decided.is_not(None), and_(due.is_not(None), due <= now))
    on_time = and_(decided.is_not(None), or_(due.is_(None), decided <= due))

    def count_of(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.sum(case((condition, 1), else_=0))

    query = (
        select(
            col(ReferralRecord.referral_type),
            day,
            func.count(),
            # The extractor's own count, not the current one: clerks fill fields in later.
            count_of(col(ReferralRecord.missing_at_read) > 0),
            count_of(judged),
            count_of(on_time),
        )
        .join(Document, col(Document.id) == col(ReferralRecord.document_id))
        .where(received >= starts[0])
        .group_by(col(ReferralRecord.referral_type), day)
    )
    return [
        _Tally(
            referral_type=kind if kind in TYPES else "unknown",
            day=days[index],
            count=int(count),
            missing=int(missing or 0),
            judged=int(judged_count or 0),
            on_time=int(on_time_count or 0),
        )
        for kind, index, count, missing, judged_count, on_time_count in session.execute(query)
    ]


def _waits_to_validated(session: Session, since: datetime) -> list[tuple[str, timedelta]]:
    """Receipt to validation of each referral received since ``since`` and validated."""
    query = (
        select(
            col(ReferralRecord.referral_type),
            col(Document.received_at),
            col(ReferralRecord.validated_at),
        )
        .join(Document, col(Document.id) == col(ReferralRecord.document_id))
        .where(col(Document.received_at) >= since, col(ReferralRecord.validated_at).is_not(None))
    )
    return [
        (kind if kind in TYPES else "unknown", validated - received)
        for kind, received, validated in session.execute(query)
    ]


def _figures(kind: str, tallies: list[_Tally], waits: list[timedelta], today: date) -> TypeFigures:
    return TypeFigures(
        referral_type=kind,
        today=sum(t.count for t in tallies if t.day == today),
        week=sum(t.count for t in tallies),
        missing_share=_share(sum(t.missing for t in tallies), sum(t.count for t in tallies)),
        median_to_validated=_median(waits),
        acknowledged_share=_share(sum(t.on_time for t in tallies), sum(t.judged for t in tallies)),
    )


def _median(values: list[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _bars(tallies: list[_Tally], days: list[date], height: int) -> list[Bar]:
    counts: dict[tuple[date, str], int] = {}
    for t in tallies:
        counts[(t.day, t.referral_type)] = counts.get((t.day, t.referral_type), 0) + t.count
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
