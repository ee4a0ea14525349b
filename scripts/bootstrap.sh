#!/usr/bin/env bash
# Installs what fax-intake needs on a fresh Debian machine: system packages, then a .venv with the project.
# Idempotent: each step is skipped when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium is for the browser tests, driven by Playwright through executable_path. The -dev
# packages and pkg-config build tesserocr against this tesseract (the C++ compiler is assumed).
APT_PACKAGES=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd libtesseract-dev libleptonica-dev
  pkg-config poppler-utils libtiff-tools fonts-dejavu-core chromium)
missing=()
for pkg in "${APT_PACKAGES[@]}" "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# The exact versions the tests ran with, each checked against its hash (requirements-dev.lock,
# made by scripts/lock.sh from pyproject.toml's ranges); then the project itself, editable.
stamp=.venv/.installed-$(cat pyproject.toml requirements-dev.lock | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  # setuptools past CVE-2025-47273 (path traversal in its package index, fixed in 78.1.1).
  .venv/bin/pip install -q --upgrade pip "setuptools>=78.1.1"
  .venv/bin/pip install -q --require-hashes --no-binary tesserocr -r requirements-dev.lock
  .venv/bin/pip install -q --no-deps -e .
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# The FHIR definitions the tests validate the API's bundles against (offline, pinned).
bash scripts/fhir_definitions.sh
