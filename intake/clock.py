"""The service's one notion of time: timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


def utcnow() -> datetime:
    return datetime.now(UTC)


def time_waited(since: datetime | None, now: datetime) -> timedelta:
    """How long a wait that began ``since`` has lasted by ``now``: zero when there is none,
    and never negative when another machine's clock ran ahead."""
    if since is None:
        return timedelta(0)
    return max(now - since, timedelta(0))
