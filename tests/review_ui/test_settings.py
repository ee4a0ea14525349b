"""The web UI's settings are checked at start like every other."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from intake.config import ConfigError, load_settings


def test_web_defaults(monkeypatch):
    for name in ("INTAKE_WEB_HOST", "INTAKE_WEB_PORT", "INTAKE_TIMEZONE", "INTAKE_COOKIE_SECURE"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert (settings.web_host, settings.web_port, settings.cookie_secure) == (
        "127.0.0.1",
        8000,
        False,
    )
    assert timedelta(minutes=settings.session_idle_minutes) < timedelta(
        hours=settings.session_lifetime_hours
    )
    assert settings.zone is None  # this machine's zone


def test_a_desk_time_zone_is_an_iana_name(monkeypatch):
    monkeypatch.setenv("INTAKE_TIMEZONE", "America/Chicago")
    assert load_settings().zone == ZoneInfo("America/Chicago")
    monkeypatch.setenv("INTAKE_TIMEZONE", "Mars/Olympus")
    with pytest.raises(ConfigError, match=r"INTAKE_TIMEZONE: .*not an IANA time zone name"):
        load_settings()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("INTAKE_WEB_PORT", "70000"),
        ("INTAKE_SESSION_IDLE_MINUTES", "0"),
        ("INTAKE_COOKIE_SECURE", "maybe"),
    ],
)
def test_bad_web_settings_name_their_variable(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=variable):
        load_settings()
