#!/usr/bin/env bash
# The embedded default: SQLite and files under ./var, the committed samples dropped in the inbox.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export INTAKE_DATA_DIR="${INTAKE_DATA_DIR:-var}"
export INTAKE_INBOX="${INTAKE_INBOX:-var/inbox}"
export INTAKE_LOG_FORMAT="${INTAKE_LOG_FORMAT:-text}"
mkdir -p "$INTAKE_INBOX"
.venv/bin/intake db upgrade
# The first run creates an "admin" user and prints its random password once (never logged).
.venv/bin/intake users bootstrap
find samples/corpus -maxdepth 1 -type f ! -name '*.json' ! -name '*.md' -exec cp {} "$INTAKE_INBOX"/ \;
cat <<TXT
Dropped the committed samples into $INTAKE_INBOX.
Review:   http://${INTAKE_WEB_HOST:-127.0.0.1}:${INTAKE_WEB_PORT:-8000}/  (log in; \`intake users add NAME --role clerk\` adds clerks)
Look at:  .venv/bin/intake status        (documents by status, workers)
          $INTAKE_DATA_DIR/quarantine/   (files that could not be read, each with .error.json)
          $INTAKE_DATA_DIR/intake.db     (SQLite database)
TXT
exec .venv/bin/intake run
