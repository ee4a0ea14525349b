"""One page through `intake extract` in a new process, against bare tesseract on the same page.

    .venv/bin/python -m benchmarks.one_page [FILE] [--runs 5] [--max-ratio 1.6]

FILE defaults to a dense one-page fine fax (G4 TIFF, 204x196 dpi) made by the samples
generator. The two commands run alternately, ``--runs`` times each after one untimed run of
each (which fills the OS's file cache and writes the bytecode), so a machine busy with other
work slows both alike. tesseract runs on one thread, as the service runs it (its OpenMP
threads fight each other and any other work). Prints the medians of wall and CPU time (user
+ system of the child), their ratio and the load average; exits non-zero when the ratio of
the median wall times is above ``--max-ratio``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from samples.generator import make_document

#: The generator's discharge referral of this seed fills its page (212 words to tesseract)
#: and is not turned.
_SAMPLE_SEED = 4
_SAMPLE_KIND = "discharge"
_WARM_UP_RUNS = 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, nargs="?", help="a one-page file (default: generated)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each command")
    parser.add_argument("--max-ratio", type=float, default=None, help="bar on the wall ratio")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="intake-one-page-") as folder:
        path = args.file or _sample(Path(folder))
        commands = {
            "tesseract": ["tesseract", str(path), "stdout"],
            "intake extract": [sys.executable, "-m", "fax_intake", "extract", str(path), "--json"],
        }
        # Without PYTHONDONTWRITEBYTECODE, so the untimed run writes the bytecode that an
        # installed copy has (the image compiles it at build).
        env = {
            **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
            "OMP_THREAD_LIMIT": "1",
            "INTAKE_LOG_LEVEL": "WARNING",
        }
        load_before = os.getloadavg()[0]
        for command in commands.values():
            for _ in range(_WARM_UP_RUNS):
                _timed(command, env)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(_timed(command, env))
        load_after = os.getloadavg()[0]
    print(f"page: {args.file or f'generated fax_fine {_SAMPLE_KIND}, seed {_SAMPLE_SEED}'}")
    walls = {}
    for name, runs in times.items():
        walls[name] = statistics.median(wall for wall, _ in runs)
        cpu = statistics.median(cpu for _, cpu in runs)
        print(f"{name}: median {walls[name]:.2f} s wall, {cpu:.2f} s CPU ({args.runs} runs)")
    ratio = walls["intake extract"] / walls["tesseract"]
    over = args.max_ratio is not None and ratio > args.max_ratio
    verdict = "" if args.max_ratio is None else (" over the bar" if over else " ok")
    print(f"intake extract / tesseract: {ratio:.2f}x{verdict}")
    print(f"load average (1 min) before / after the runs: {load_before:.2f} / {load_after:.2f}")
    return 1 if over else 0


def _sample(folder: Path) -> Path:
    document = make_document(_SAMPLE_SEED, "fax_fine", kind=_SAMPLE_KIND, pages=1)
    path = folder / document.name
    path.write_bytes(document.data)
    return path


def _timed(command: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child) of one run."""
    before = os.times()
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = os.times()
    cpu = (
        after.children_user - before.children_user + after.children_system - before.children_system
    )
    return wall, cpu


if __name__ == "__main__":
    sys.exit(main())
