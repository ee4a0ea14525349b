"""The `intake` command as a user runs it: one clear line on any bad input, never a traceback."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from intake.db.engine import session_scope
from intake.db.migrate import downgrade
from intake.db.models import Attempt, AttemptOutcome, Status
from samples.generator import make_document
from tests import badfiles
from tests.conftest import intake
from tests.intake.conftest import documents, running, wait_for
from tests.review_ui.fhir.validator import Definitions, Validator


def _one_line_error(result, *fragments):
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.databases("sqlite")  # refused before any database is opened
@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("INTAKE_WORKERS", "many", "INTAKE_WORKERS"),
        ("INTAKE_WORKERS", "0", "INTAKE_WORKERS"),
        ("INTAKE_DATABASE_URL", "mysql://db/intake", "INTAKE_DATABASE_URL"),
        ("INTAKE_DATABASE_URL", "postgresql", "INTAKE_DATABASE_URL"),
        ("INTAKE_MAX_PAGES", "-1", "INTAKE_MAX_PAGES"),
        ("INTAKE_HEARTBEAT_SECONDS", "60", "INTAKE_WORKER_DEAD_AFTER_SECONDS"),
    ],
)
def test_bad_setting_is_one_line_naming_the_variable(intake_env, variable, value, fragment):
    _one_line_error(intake({**intake_env, variable: value}, "status"), fragment)


def test_service_refuses_a_schema_that_is_behind(intake_env):
    _one_line_error(intake(intake_env, "status"), "intake db upgrade")


def test_bad_arguments_are_one_line(intake_env, tmp_path):
    assert intake(intake_env, "db", "upgrade").returncode == 0
    _one_line_error(intake(intake_env, "process", str(tmp_path / "nope.pdf")), "not readable")
    _one_line_error(intake(intake_env, "reprocess", "4242"), "4242")


def test_inbox_that_is_a_file_is_one_line(intake_env, tmp_path):
    assert intake(intake_env, "db", "upgrade").returncode == 0
    not_a_folder = tmp_path / "inbox-file"
    not_a_folder.write_text("x")
    result = intake({**intake_env, "INTAKE_INBOX": str(not_a_folder)}, "watch", timeout=30)
    _one_line_error(result, "INTAKE_INBOX")


def test_process_reads_files_and_status_counts_them(intake_env, tmp_path):
    assert intake(intake_env, "db", "upgrade").returncode == 0
    good = tmp_path / "order.pdf"
    good.write_bytes(badfiles.text_pdf(text="Order for E1390 oxygen concentrator"))
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    result = intake(intake_env, "process", str(good), str(empty))
    assert result.returncode == 0, result.stderr
    assert "needs_review" in result.stdout and "the file is empty" in result.stdout
    status = intake(intake_env, "status")
    assert status.returncode == 0
    rows = {
        line.split("│")[1].strip(): line.split("│")[2].strip()
        for line in status.stdout.splitlines()
        if line.count("│") == 3
    }
    assert rows["needs_review"] == "1" and rows["failed"] == "1" and rows["queued"] == "0"
    reprocess = intake(intake_env, "reprocess", "1")
    assert reprocess.returncode == 0 and "queued again" in reprocess.stdout


@pytest.mark.databases("sqlite")
def test_reprocess_refuses_a_validated_referral_and_leaves_it_whole(services, intake_env, tmp_path):
    order = tmp_path / "order.pdf"
    order.write_bytes(badfiles.text_pdf(text="Order for E1390 oxygen concentrator, Dx J44.1"))
    assert intake(intake_env, "process", str(order)).returncode == 0
    [document] = documents(services.engine)
    with session_scope(services.engine) as session:
        session.execute(
            text("UPDATE document SET status = 'validated' WHERE id = :id"), {"id": document.id}
        )
    refused = intake(intake_env, "reprocess", str(document.id))
    _one_line_error(refused, f"document {document.id} is validated")
    [after] = documents(services.engine)
    assert after.status == Status.validated
    # A rejected one may be read again: the rule is the one the review page applies.
    with session_scope(services.engine) as session:
        session.execute(
            text("UPDATE document SET status = 'rejected' WHERE id = :id"), {"id": document.id}
        )
    assert intake(intake_env, "reprocess", str(document.id)).returncode == 0


def test_extract_prints_the_contract_json_without_a_database(intake_env):
    corpus = Path(__file__).resolve().parents[2] / "samples" / "corpus"
    document = corpus / "order-0000.pdf"
    truth = json.loads((corpus / "order-0000.pdf.truth.json").read_text())
    result = intake(
        intake_env, "extract", str(document), "--json", "--received-at", truth["arrived_at"]
    )
    assert result.returncode == 0, result.stderr
    referral = json.loads(result.stdout)
    assert referral["member"]["dob"] == truth["member"]["dob"]
    assert referral["clinician"]["npi"] == truth["clinician"]["npi"]
    assert referral["source"] == {**truth["source"], "sha256": referral["source"]["sha256"]}
    assert set(referral) >= {"referral_type", "missing", "flags", "evidence", "urgent", "due_by"}
    assert not (Path(intake_env["INTAKE_DATA_DIR"]) / "intake.db").exists()


def test_extract_loads_no_database_layer():
    # A new process per file (the scorer runs it so): the database layer costs each ~0.5 s.
    probe = (
        "import sys, fax_intake.one_file;"
        " print(*sorted({'sqlalchemy', 'sqlmodel', 'alembic'} & set(sys.modules)))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == ""


def test_extract_previews_the_fhir_bundle_with_fresh_ids(intake_env):
    corpus = Path(__file__).resolve().parents[2] / "samples" / "corpus"
    document = corpus / "order-0000.pdf"
    truth = json.loads((corpus / "order-0000.pdf.truth.json").read_text())
    runs = [
        intake(intake_env, "extract", str(document), "--fhir", "--received-at", truth["arrived_at"])
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    first, second = (json.loads(r.stdout) for r in runs)
    assert first["type"] == "collection"
    resources = {e["resource"]["resourceType"]: e["resource"] for e in first["entry"]}
    assert resources["Patient"]["birthDate"] == truth["member"]["dob"]
    assert resources["Practitioner"]["identifier"][0]["value"] == truth["clinician"]["npi"]
    attachment = resources["DocumentReference"]["content"][0]["attachment"]
    assert attachment["url"] == document.resolve().as_uri()
    assert attachment["contentType"] == "application/pdf"
    # Nobody has validated a preview: the only Provenance is the signature's.
    provenance = [
        e["resource"] for e in first["entry"] if e["resource"]["resourceType"] == "Provenance"
    ]
    assert [p["activity"]["text"] for p in provenance] == [
        "Order signed by the treating practitioner"
    ]
    # Fresh ids on every run; the same resources.
    assert {e["fullUrl"] for e in first["entry"]}.isdisjoint(e["fullUrl"] for e in second["entry"])
    assert [e["resource"]["resourceType"] for e in second["entry"]] == [
        e["resource"]["resourceType"] for e in first["entry"]
    ]
    assert Validator(Definitions()).validate_bundle(first).errors == []
    assert not (Path(intake_env["INTAKE_DATA_DIR"]) / "intake.db").exists()


@pytest.mark.databases("sqlite")  # no test database: these URLs point nowhere on purpose
@pytest.mark.parametrize(
    "url",
    ["mysql://intake:s3cret-pw@db/intake", "postgresql://intake:s3cret-pw@127.0.0.1:1/intake"],
    ids=["unknown-scheme", "unreachable"],
)
def test_a_database_url_is_never_echoed(intake_env, url):
    result = intake({**intake_env, "INTAKE_DATABASE_URL": url}, "status")
    _one_line_error(result)
    assert "s3cret-pw" not in result.stderr and "intake@" not in result.stderr


def _rename_table(services, table):
    with services.engine.begin() as connection:
        connection.execute(text(f"ALTER TABLE {table} RENAME TO {table}_moved"))


def _small_png(tmp_path):
    path = tmp_path / "order.png"
    path.write_bytes(make_document(seed=5, fmt="png").data)
    return path


def test_process_ends_when_results_cannot_be_stored(services, intake_env, tmp_path):
    """A worker that cannot store its result records failed attempts and goes on."""
    _rename_table(services, "page")
    result = intake(intake_env, "process", str(_small_png(tmp_path)), timeout=180)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    [doc] = documents(services.engine)
    assert (doc.status, doc.error_code, doc.attempts) == (
        Status.failed,
        "internal_error",
        services.settings.max_attempts,
    )
    assert "storing the result" in (doc.error_message or "")
    with session_scope(services.engine) as session:
        outcomes = session.exec(select(Attempt.outcome).order_by(col(Attempt.number))).all()
    assert outcomes == [AttemptOutcome.retry] * (services.settings.max_attempts - 1) + [
        AttemptOutcome.failed
    ]


def test_process_stops_in_one_line_when_its_worker_dies(services, intake_env, tmp_path):
    _rename_table(services, "attempt")  # no claim can be recorded
    result = intake(intake_env, "process", str(_small_png(tmp_path)), timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]  # after the logs
    # A missing table is an OperationalError on SQLite, a ProgrammingError on PostgreSQL.
    assert last in {
        f"error: the worker stopped unexpectedly ({kind}); see the log"
        for kind in ("OperationalError", "ProgrammingError")
    }
    assert [d.status for d in documents(services.engine)] == [Status.queued]


def _status_lines(intake_env):
    result = intake(intake_env, "status")
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_status_shows_live_workers_with_their_heartbeat(services, intake_env, tmp_path):
    with running(intake_env, "worker", log=tmp_path / "worker.log") as worker:
        wait_for(lambda: "live workers: 1" in _status_lines(intake_env), 60, "a live worker")
        shown = _status_lines(intake_env)
        row = next(line for line in shown.splitlines() if f"{worker.pid}-" in line)
        assert socket.gethostname() in row and "s ago" in row and "live" in row
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        wait_for(
            lambda: "live workers: 0 (1 silent" in _status_lines(intake_env),
            30,
            "the killed worker shown silent",
        )


def test_service_refuses_a_schema_one_migration_behind(services, intake_env):
    downgrade(services.engine, "-1")
    for command in ("status", "worker", "watch"):
        _one_line_error(intake(intake_env, command), "intake db upgrade")
