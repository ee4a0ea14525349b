"""Helpers for tests that run the real service as separate processes."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlmodel import col, select

from intake.db.engine import session_scope
from intake.db.models import Document, Status
from tests.conftest import INTAKE_COMMAND, subprocess_env

TERMINAL = {Status.needs_review, Status.failed, Status.duplicate}


@contextmanager
def running(intake_env: dict[str, str], *args: str, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run `intake ARGS...` until the block ends, then stop it the way an operator would."""
    with log.open("ab") as sink:
        process = subprocess.Popen(
            [*INTAKE_COMMAND, *args],
            env=subprocess_env(intake_env),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def documents(engine) -> list[Document]:
    with session_scope(engine) as session:
        return list(session.exec(select(Document).order_by(col(Document.id))).all())


def all_terminal(engine, expected: int) -> bool:
    docs = documents(engine)
    return len(docs) >= expected and all(Status(d.status) in TERMINAL for d in docs)


def drop(inbox: Path, name: str, data: bytes) -> Path:
    """Deliver a file the way most fax servers do: write under a temp name, then rename."""
    temp = inbox / f"{name}.part"
    temp.write_bytes(data)
    final = inbox / name
    temp.rename(final)
    return final
