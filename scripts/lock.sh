#!/usr/bin/env bash
# Re-makes the lock files from pyproject.toml's ranges: the newest versions they allow, each with
# its hashes, for Python 3.11 on Linux. requirements.lock is what the service runs with (the
# Docker image installs it); requirements-dev.lock adds the test tools at the same versions
# (scripts/bootstrap.sh installs it). Run this after changing a dependency, then the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv-lock/bin/uv ]; then
  python3 -m venv .venv-lock
  .venv-lock/bin/pip install -q uv
fi
compile=(.venv-lock/bin/uv pip compile pyproject.toml --generate-hashes --python-version 3.11
  --python-platform linux --no-header --no-annotate --quiet)
"${compile[@]}" -o requirements.lock
"${compile[@]}" --extra dev -c requirements.lock -o requirements-dev.lock
