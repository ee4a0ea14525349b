"""The `intake` command as a user runs it: one clear line on any bad input, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import badfiles
from tests.conftest import subprocess_env


def _intake(env, *args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "intake", *args],
        env=subprocess_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _one_line_error(result, *fragments):
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("INTAKE_WORKERS", "many", "INTAKE_WORKERS"),
        ("INTAKE_WORKERS", "0", "INTAKE_WORKERS"),
        ("INTAKE_DATABASE_URL", "mysql://db/intake", "INTAKE_DATABASE_URL"),
        ("INTAKE_MAX_PAGES", "-1", "INTAKE_MAX_PAGES"),
        ("INTAKE_HEARTBEAT_SECONDS", "60", "INTAKE_WORKER_DEAD_AFTER_SECONDS"),
    ],
)
def test_bad_setting_is_one_line_naming_the_variable(intake_env, variable, value, fragment):
    _one_line_error(_intake({**intake_env, variable: value}, "status"), fragment)


def test_service_refuses_a_schema_that_is_behind(intake_env):
    _one_line_error(_intake(intake_env, "status"), "intake db upgrade")


def test_bad_arguments_are_one_line(intake_env, tmp_path):
    assert _intake(intake_env, "db", "upgrade").returncode == 0
    _one_line_error(_intake(intake_env, "process", str(tmp_path / "nope.pdf")), "not readable")
    _one_line_error(_intake(intake_env, "reprocess", "4242"), "4242")


def test_inbox_that_is_a_file_is_one_line(intake_env, tmp_path):
    assert _intake(intake_env, "db", "upgrade").returncode == 0
    not_a_folder = tmp_path / "inbox-file"
    not_a_folder.write_text("x")
    result = _intake({**intake_env, "INTAKE_INBOX": str(not_a_folder)}, "watch", timeout=30)
    _one_line_error(result, "INTAKE_INBOX")


def test_process_reads_files_and_status_counts_them(intake_env, tmp_path):
    assert _intake(intake_env, "db", "upgrade").returncode == 0
    good = tmp_path / "order.pdf"
    good.write_bytes(badfiles.text_pdf(text="Order for E1390 oxygen concentrator"))
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    result = _intake(intake_env, "process", str(good), str(empty))
    assert result.returncode == 0, result.stderr
    assert "needs_review" in result.stdout and "the file is empty" in result.stdout
    status = _intake(intake_env, "status")
    assert status.returncode == 0
    rows = {
        line.split("│")[1].strip(): line.split("│")[2].strip()
        for line in status.stdout.splitlines()
        if line.count("│") == 3
    }
    assert rows["needs_review"] == "1" and rows["failed"] == "1" and rows["queued"] == "0"
    reprocess = _intake(intake_env, "reprocess", "1")
    assert reprocess.returncode == 0 and "queued again" in reprocess.stdout


def test_extract_prints_the_contract_json_without_a_database(intake_env):
    corpus = Path(__file__).resolve().parents[2] / "samples" / "corpus"
    document = corpus / "order-0000.pdf"
    truth = json.loads((corpus / "order-0000.pdf.truth.json").read_text())
    result = _intake(
        intake_env, "extract", str(document), "--json", "--received-at", truth["arrived_at"]
    )
    assert result.returncode == 0, result.stderr
    referral = json.loads(result.stdout)
    assert referral["member"]["dob"] == truth["member"]["dob"]
    assert referral["clinician"]["npi"] == truth["clinician"]["npi"]
    assert referral["source"] == {**truth["source"], "sha256": referral["source"]["sha256"]}
    assert set(referral) >= {"referral_type", "missing", "flags", "evidence", "urgent", "due_by"}
    assert not (Path(intake_env["INTAKE_DATA_DIR"]) / "intake.db").exists()
