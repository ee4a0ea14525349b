#!/usr/bin/env bash
# Runs a command with INTAKE_TEST_DATABASE_URL naming a PostgreSQL server the tests may create
# databases on: the one already given, else a local server if one answers, else a throwaway
# cluster (Debian's postgresql packages, installed if missing) in a temp dir on a free port,
# stopped and removed when the command ends. Without a server it fails: tests never skip.
#
#   bash scripts/test_database.sh [--throwaway] COMMAND [ARGS...]
#
# --throwaway skips the first two and always starts a cluster (this is how its test runs it).
set -euo pipefail
cd "$(dirname "$0")/.."

LOCAL_URL="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PYTHON=.venv/bin/python

say() { echo "test database: $*" >&2; }

# Exit status 0 if the URL answers and its user may create databases. Prints nothing of the
# URL, which may carry a password.
answers() {
  "$PYTHON" - "$1" <<'PY'
import sys

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

engine = create_engine(sys.argv[1], connect_args={"connect_timeout": 3})
try:
    with engine.connect() as connection:
        may_create = connection.execute(
            text("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
        ).scalar_one()
except OperationalError:
    sys.exit(1)
sys.exit(0 if may_create else 2)
PY
}

postgres_bin() {
  find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1
}

start_throwaway() {
  local bin
  bin=$(postgres_bin)
  if [ -z "$bin" ]; then
    say "installing Debian's postgresql packages for a throwaway cluster"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    bin=$(postgres_bin)
  fi
  [ -n "$bin" ] || { say "no PostgreSQL server binaries after installing"; exit 1; }

  CLUSTER_DIR=$(mktemp -d -t intake-test-pg.XXXXXX)
  local port
  port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # initdb and postgres refuse to run as root.
  AS_OWNER=()
  if [ "$(id -u)" -eq 0 ]; then
    local owner=postgres
    id "$owner" >/dev/null 2>&1 || owner=nobody
    chown "$owner" "$CLUSTER_DIR"
    AS_OWNER=(runuser -u "$owner" --)
  fi
  PG_CTL="$bin/pg_ctl"
  trap stop_throwaway EXIT
  trap 'exit 130' INT TERM
  "${AS_OWNER[@]}" "$bin/initdb" -D "$CLUSTER_DIR/data" -U postgres --auth=trust \
    --encoding=UTF8 --no-locale >/dev/null
  # Durability is worthless for a cluster deleted at exit; without fsync the tests run faster.
  "${AS_OWNER[@]}" "$PG_CTL" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" -w -s \
    -o "-p $port -k $CLUSTER_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
    start
  export INTAKE_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  say "throwaway cluster on 127.0.0.1:$port in $CLUSTER_DIR"
}

stop_throwaway() {
  "${AS_OWNER[@]}" "$PG_CTL" -D "$CLUSTER_DIR/data" -m immediate -s stop >/dev/null 2>&1 || true
  rm -rf "$CLUSTER_DIR"
}

throwaway=false
if [ "${1:-}" = "--throwaway" ]; then
  throwaway=true
  shift
fi
[ "$#" -gt 0 ] || { echo "usage: $0 [--throwaway] COMMAND [ARGS...]" >&2; exit 2; }

if $throwaway; then
  start_throwaway
elif [ -n "${INTAKE_TEST_DATABASE_URL:-}" ]; then
  answers "$INTAKE_TEST_DATABASE_URL" || {
    say "INTAKE_TEST_DATABASE_URL does not answer, or its user may not create databases"
    exit 1
  }
  say "the server named by INTAKE_TEST_DATABASE_URL"
elif answers "$LOCAL_URL"; then
  export INTAKE_TEST_DATABASE_URL="$LOCAL_URL"
  say "local server on 127.0.0.1:5432"
else
  start_throwaway
fi

# Not exec: the EXIT trap must stop the cluster after the command.
"$@"
