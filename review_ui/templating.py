"""Jinja2 templates with autoescaping on for every template, and the few display filters.

OCR text and file names are untrusted: they reach the page only through autoescaped
expressions. Nothing in this package marks a string safe.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from intake.referral_edit import us_date

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def local_time(value: datetime | None, zone: tzinfo | None, fmt: str = "%a %m/%d %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(zone).strftime(fmt)


def time_left(due: datetime | None, now: datetime) -> str:
    """The acknowledgement countdown: "5h 12m", or "overdue 1h 05m"."""
    if due is None:
        return ""
    left = due - now
    minutes = int(abs(left) / timedelta(minutes=1))
    text = f"{minutes // 60}h {minutes % 60:02d}m"
    return text if left >= timedelta(0) else f"overdue {text}"


def duration(value: timedelta | None) -> str:
    if value is None:
        return "–"
    minutes = int(value / timedelta(minutes=1))
    return f"{minutes // 60}h {minutes % 60:02d}m"


def optional_us_date(iso: str | None) -> str:
    return us_date(iso) if iso else ""


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        local_time=local_time,
        time_left=time_left,
        duration=duration,
        percent=percent,
        us_date=optional_us_date,
    )
    return env


templates = Jinja2Templates(env=_environment())
