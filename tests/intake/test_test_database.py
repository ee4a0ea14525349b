"""scripts/test_database.sh: the throwaway PostgreSQL cluster it falls back to on a fresh
machine answers while the command runs and is gone afterwards."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import os
from sqlalchemy import create_engine, text
url = os.environ["INTAKE_TEST_DATABASE_URL"]
engine = create_engine(url, isolation_level="AUTOCOMMIT")
with engine.connect() as connection:
    connection.execute(text("CREATE DATABASE probe"))
    print(url)
    print(connection.execute(text("SHOW data_directory")).scalar_one())
"""


def test_throwaway_cluster_serves_the_command_and_is_removed_after(tmp_path):
    result = subprocess.run(
        ["bash", "scripts/test_database.sh", "--throwaway", sys.executable, "-c", _PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    url, data_directory = result.stdout.split()
    assert url.startswith("postgresql+psycopg://postgres@127.0.0.1:")
    assert not url.endswith(":5432/postgres")  # its own port, not the local server's
    assert "throwaway cluster" in result.stderr
    assert not Path(data_directory).exists()
    with pytest.raises(OperationalError):
        create_engine(url, connect_args={"connect_timeout": 3}).connect().execute(text("SELECT 1"))


def test_the_command_fails_when_the_given_server_does_not_answer():
    result = subprocess.run(
        ["bash", "scripts/test_database.sh", "true"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "INTAKE_TEST_DATABASE_URL": "postgresql+psycopg://x@127.0.0.1:1/x",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "does not answer" in result.stderr
