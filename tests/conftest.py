"""Shared fixtures: real SQLite files and real PostgreSQL databases, real folders, real tesseract.

Every test that uses ``database`` (directly or through ``intake_env``, ``settings`` or
``services``) runs twice, on SQLite and on PostgreSQL, with the same code. A module or test
that should run on one only says so with ``@pytest.mark.databases("sqlite")``; that keeps
its test id unparametrized.

PostgreSQL comes from INTAKE_TEST_DATABASE_URL (``bash scripts/test.sh`` provides one: a
given server, a local one, or a throwaway cluster), else from a local server if one answers.
Each test gets a fresh database, dropped afterwards. Tests needing PostgreSQL fail,
never skip, when there is none.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from intake.config import Settings
from intake.db.engine import make_engine
from intake.db.migrate import upgrade
from intake.services import Services
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

BACKENDS = ("sqlite", "postgresql")
#: Where a developer's machine usually has a server (the same default as scripts/test.sh).
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "databases(*backends): run only on these of 'sqlite', 'postgresql' (default: both)",
    )


def _backends(node: pytest.Item) -> tuple[str, ...]:
    marker = node.get_closest_marker("databases")
    backends = tuple(marker.args) if marker else BACKENDS
    unknown = set(backends) - set(BACKENDS)
    if unknown or not backends:
        raise pytest.UsageError(f"databases marker takes some of {BACKENDS}, got {backends}")
    return backends


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database" in metafunc.fixturenames:
        backends = _backends(metafunc.definition)
        if len(backends) > 1:
            metafunc.parametrize("database", backends, indirect=True)


class PostgresServer:
    """A server the tests may create and drop databases on."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url).set(drivername="postgresql+psycopg")
        self._admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        self._prefix = f"intake_test_{os.getpid()}_{secrets.token_hex(3)}"
        self._count = 0
        self._template: str | None = None

    def check(self) -> None:
        with self._admin.connect() as connection:
            connection.execute(text("SELECT 1"))

    def create(self, migrated: bool) -> str:
        """A new database, empty or with the current schema; returns its URL.

        A migrated one is a copy of a template migrated once per session, which costs no
        more than an empty one, where running the migrations again would.
        """
        template = self._migrated_template() if migrated else "template0"
        return self._url(self._create(template))

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self._admin.connect() as connection:
            # FORCE: worker processes a test started may still hold connections.
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        if self._template is not None:
            self.drop(self._url(self._template))
        self._admin.dispose()

    def _create(self, template: str) -> str:
        self._count += 1
        name = f"{self._prefix}_{self._count}"
        with self._admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        return name

    def _migrated_template(self) -> str:
        if self._template is None:
            name = self._create("template0")
            engine = make_engine(self._url(name))
            upgrade(engine)
            engine.dispose()  # a template must have no connections when it is copied
            self._template = name
        return self._template

    def _url(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    given = os.environ.get("INTAKE_TEST_DATABASE_URL")
    server = PostgresServer(given or LOCAL_POSTGRES)
    try:
        server.check()
    except OperationalError:
        pytest.fail(
            "no PostgreSQL for the tests: "
            + (
                "INTAKE_TEST_DATABASE_URL does not answer"
                if given
                else "set INTAKE_TEST_DATABASE_URL, or run `bash scripts/test.sh`,"
                " which provides a server"
            ),
            pytrace=False,
        )
    yield server
    server.close()


@dataclass(frozen=True)
class Database:
    backend: str
    #: INTAKE_DATABASE_URL for this test; None on SQLite, which uses the default file.
    url: str | None


@pytest.fixture
def database(request: pytest.FixtureRequest) -> Iterator[Database]:
    """A fresh database of the backend this test run is parametrized with: empty, or already
    migrated on PostgreSQL when the test uses ``services`` (which migrates it anyway)."""
    backend = getattr(request, "param", None) or _backends(request.node)[0]
    if backend == "sqlite":
        yield Database("sqlite", None)
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create(migrated="services" in request.fixturenames)
    try:
        yield Database("postgresql", url)
    finally:
        server.drop(url)


@pytest.fixture
def intake_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database: Database
) -> dict[str, str]:
    """INTAKE_* variables for a throwaway deployment under tmp_path, also set in os.environ."""
    env = {
        **FAST_ENV,
        "INTAKE_DATA_DIR": str(tmp_path / "data"),
        "INTAKE_INBOX": str(tmp_path / "inbox"),
        "INTAKE_WORKERS": "1",
        # `intake run` serves the web UI too: tests running side by side must not share a port.
        "INTAKE_WEB_PORT": str(free_port()),
    }
    if database.url is not None:
        env["INTAKE_DATABASE_URL"] = database.url
    else:
        monkeypatch.delenv("INTAKE_DATABASE_URL", raising=False)
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
    """The service's parts on a migrated database."""
    engine = make_engine(settings.effective_database_url)
    upgrade(engine)
    yield Services(settings=settings, engine=engine, store=ContentStore(settings.store_dir))
    engine.dispose()


#: The `intake` command, as its console script runs it.
INTAKE_COMMAND = (sys.executable, "-m", "fax_intake")


def intake(
    env: dict[str, str], *args: str, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run one `intake ARGS...` command to its end, as an operator would."""
    return subprocess.run(
        [*INTAKE_COMMAND, *args],
        env=subprocess_env(env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def subprocess_env(intake_env: dict[str, str]) -> dict[str, str]:
    return {**os.environ, **intake_env}
