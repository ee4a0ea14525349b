"""Start-up time of the `intake` command: `intake --help` and `intake status`.

    .venv/bin/python -m benchmarks.startup [--runs 15] [--max-seconds 0.3]

Each command runs in a new process, as an operator's shell starts it, ``--runs`` times after
two untimed runs (which fill the OS's file cache and write the bytecode); `status` reads a
fresh, migrated SQLite database. The median of the wall times is reported, and the median
CPU time of the child (user + system), which holds on a machine doing other work. Exits
non-zero when a command's median wall time is above ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: The console script `intake` runs this module's main.
INTAKE = (sys.executable, "-m", "fax_intake")
COMMANDS = (("--help",), ("status",))
_WARM_UP_RUNS = 2


@dataclass(frozen=True)
class Timing:
    command: str
    wall_seconds: float
    cpu_seconds: float


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each command")
    parser.add_argument("--max-seconds", type=float, default=None, help="median wall time bar")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="intake-startup-") as folder:
        # Without PYTHONDONTWRITEBYTECODE, so the untimed runs write the bytecode that an
        # installed copy has (the image compiles it at build).
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "INTAKE_DATA_DIR": str(Path(folder) / "data"),
            "INTAKE_INBOX": str(Path(folder) / "inbox"),
            "INTAKE_LOG_LEVEL": "WARNING",
        }
        Path(env["INTAKE_INBOX"]).mkdir()
        _run(("db", "upgrade"), env)
        timings = [_time(command, env, args.runs) for command in COMMANDS]
    over = False
    for timing in timings:
        bar = args.max_seconds
        verdict = "" if bar is None else (" over the bar" if timing.wall_seconds > bar else " ok")
        over |= bar is not None and timing.wall_seconds > bar
        print(
            f"intake {timing.command}: median {timing.wall_seconds:.3f} s wall,"
            f" {timing.cpu_seconds:.3f} s CPU ({args.runs} runs){verdict}"
        )
    return 1 if over else 0


def _time(command: tuple[str, ...], env: Mapping[str, str], runs: int) -> Timing:
    for _ in range(_WARM_UP_RUNS):
        _run(command, env)
    walls, cpus = [], []
    for _ in range(runs):
        before = os.times()
        started = time.perf_counter()
        _run(command, env)
        walls.append(time.perf_counter() - started)
        after = os.times()
        cpus.append(
            after.children_user
            - before.children_user
            + after.children_system
            - before.children_system
        )
    return Timing(" ".join(command), statistics.median(walls), statistics.median(cpus))


def _run(command: tuple[str, ...], env: Mapping[str, str]) -> None:
    subprocess.run([*INTAKE, *command], env=env, check=True, capture_output=True)


if __name__ == "__main__":
    sys.exit(main())
