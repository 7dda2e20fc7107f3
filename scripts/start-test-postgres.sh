#!/bin/sh
# Starts (if not already running) a throwaway PostgreSQL 15 cluster for tests
# and benchmarks, and prints its URL on stdout (the only stdout line), e.g.
#   export LODESTAR_TEST_PG="$(scripts/start-test-postgres.sh)"
# Idempotent: a second call finds the running cluster and prints the same URL.
# Data lives in /tmp/lodestar-pg (trust auth, loopback only: never for real data).
# Stop it with: runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D /tmp/lodestar-pg/data -m fast stop
set -eu
PORT="${LODESTAR_PG_PORT:-55432}"
DIR="${LODESTAR_PG_DIR:-/tmp/lodestar-pg}"
BIN="${LODESTAR_PG_BIN:-/usr/lib/postgresql/15/bin}"
URL="postgresql://postgres@127.0.0.1:${PORT}/postgres"

if [ ! -x "$BIN/pg_ctl" ]; then
  echo "start-test-postgres: $BIN/pg_ctl not found; install postgresql-15 (apt-get install postgresql-15)" >&2
  exit 1
fi
# Postgres refuses to run as root, so run its tools as the postgres user when we are root.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
  echo "$URL"
  exit 0
fi
mkdir -p "$DIR"
if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; fi
if [ ! -f "$DIR/data/PG_VERSION" ]; then
  as_pg "$BIN/initdb" -D "$DIR/data" -A trust -U postgres >"$DIR/initdb.log" 2>&1 || {
    echo "start-test-postgres: initdb failed, see $DIR/initdb.log" >&2; exit 1; }
fi
# A stale pid file from a killed cluster would block the start.
rm -f "$DIR/data/postmaster.pid" 2>/dev/null || true
as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/pg.log" -w -t 30 \
  -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null || {
  echo "start-test-postgres: pg_ctl start failed, see $DIR/pg.log" >&2; exit 1; }
echo "$URL"
