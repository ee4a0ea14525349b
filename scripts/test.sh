#!/usr/bin/env bash
# The whole suite: lint and types first (cheap), then the tests with real tesseract and databases.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/pytest -q "$@"
