"""Shared fixtures: real SQLite files, real folders, real tesseract."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from intake.config import Settings
from intake.db.engine import make_engine
from intake.db.migrate import upgrade
from intake.pipeline import Services
from intake.store import ContentStore

#: Fast timings so tests see retries, rescues and stability without long sleeps.
FAST_ENV = {
    "INTAKE_STABLE_SECONDS": "0.5",
    "INTAKE_RESCAN_SECONDS": "0.5",
    "INTAKE_HEARTBEAT_SECONDS": "0.5",
    "INTAKE_WORKER_DEAD_AFTER_SECONDS": "3",
    "INTAKE_IDLE_POLL_SECONDS": "0.2",
    "INTAKE_RETRY_BASE_SECONDS": "0.2",
    "INTAKE_MAX_PAGES": "20",
    "INTAKE_LOG_FORMAT": "json",
}


@pytest.fixture
def intake_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """INTAKE_* variables for a throwaway deployment under tmp_path, also set in os.environ."""
    env = {
        **FAST_ENV,
        "INTAKE_DATA_DIR": str(tmp_path / "data"),
        "INTAKE_INBOX": str(tmp_path / "inbox"),
        "INTAKE_WORKERS": "1",
    }
    (tmp_path / "inbox").mkdir()
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    return env


@pytest.fixture
def settings(intake_env: dict[str, str]) -> Settings:
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    yield Services(settings=settings, engine=engine, store=ContentStore(settings.store_dir))
    engine.dispose()


def subprocess_env(intake_env: dict[str, str]) -> dict[str, str]:
    return {**os.environ, **intake_env}
