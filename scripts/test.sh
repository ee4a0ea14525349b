#!/usr/bin/env bash
# The whole suite: lint and types first (cheap), then the tests with real tesseract, real
# SQLite files and real PostgreSQL (scripts/test_database.sh provides a server).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
bash scripts/test_database.sh .venv/bin/pytest -q "$@"
