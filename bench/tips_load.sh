#!/usr/bin/env bash
# Load benchmark for POST /api/tips: 100 concurrent keep-alive clients (wrk)
# against a real `lodestar serve` on loopback, on SQLite and on PostgreSQL.
# Reports tips/s and latency percentiles (p50/p90/p99) for each backend, then
# checks that the database holds exactly the number of tips acknowledged.
#
#   bench/tips_load.sh [LODESTAR_BIN] [DURATION]       # defaults: build/release/bin/lodestar 20s
#   CONNS=100 THREADS=2 BACKENDS="sqlite postgresql" bench/tips_load.sh
#
# PostgreSQL comes from LODESTAR_TEST_PG, else scripts/start-test-postgres.sh is
# started (a throwaway cluster on port 55432). Needs `wrk` (apt-get install wrk).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/build/release/bin/lodestar}
DURATION=${2:-20s}
CONNS=${CONNS:-100}
THREADS=${THREADS:-2}
BACKENDS=${BACKENDS:-sqlite postgresql}
command -v wrk >/dev/null || { echo "tips_load.sh: wrk not found; apt-get install wrk" >&2; exit 2; }
[ -x "$BIN" ] || { echo "tips_load.sh: $BIN not built; run make build" >&2; exit 2; }

WORK=$(mktemp -d /tmp/lodestar-bench.XXXXXX)
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

cat >"$WORK/post_tip.lua" <<'LUA'
-- Each request is a distinct tip; half carry a language tag, half are detected;
-- a random phone makes some tips link to earlier cases, as real repeat reports do.
local token = os.getenv("LODESTAR_BENCH_TOKEN")
local n = 0
math.randomseed(os.time())
request = function()
  n = n + 1
  local lang = (n % 2 == 0) and '"language":"en",' or ''
  local body = string.format('{"channel":"web",%s"text":"Load test tip %d: workers at a packing plant say the ' ..
    'supervisor keeps their passports and wages; call 503-555-%04d"}', lang, n, math.random(0, 9999))
  return wrk.format("POST", "/api/tips",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}, body)
end
LUA

run_backend() {
  local name=$1 url=$2 dir="$WORK/$1"
  mkdir -p "$dir"
  local token
  token=$("$BIN" users add bench --role operator --org bench --db "$dir" --cases "$url" | awk '{print $NF}')
  "$BIN" serve --db "$dir" --cases "$url" --port 0 --threads $((CONNS + 40)) >"$dir/serve.log" 2>&1 &
  SERVER_PID=$!
  local port=""
  for _ in $(seq 1 100); do
    port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$dir/serve.log" | head -1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "server did not start:"; cat "$dir/serve.log"; exit 1; }
  # The machine may be shared: the load average says how much CPU the run competed with.
  local load_before; load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  echo "== $name: wrk -t$THREADS -c$CONNS -d$DURATION POST /api/tips (load average before: $load_before)"
  LODESTAR_BENCH_TOKEN=$token wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$WORK/post_tip.lua" \
    "http://127.0.0.1:$port" | tee "$dir/wrk.txt"
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
  local reqs non2xx
  reqs=$(awk '/requests in/ {print $1}' "$dir/wrk.txt")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$dir/wrk.txt"); non2xx=${non2xx:-0}
  local stored
  stored=$(LODESTAR_TOKEN= "$BIN" cases stats --db "$dir" --cases "$url" | \
           python3 -c 'import json,sys; d=json.load(sys.stdin)["tips_by_channel"]; print(sum(v for v in d.values() if isinstance(v,int)))')
  echo "== $name summary: $(awk '/Requests\/sec/ {print $2}' "$dir/wrk.txt") tips/s;" \
       "p50 $(awk '$1=="50%" {print $2}' "$dir/wrk.txt"), p90 $(awk '$1=="90%" {print $2}' "$dir/wrk.txt")," \
       "p99 $(awk '$1=="99%" {print $2}' "$dir/wrk.txt"); requests $reqs, non-2xx $non2xx, tips stored $stored;" \
       "load average before $load_before, after $(cut -d' ' -f1-3 /proc/loadavg)" \
       "(stored >= acknowledged: wrk does not count requests cut off at the end)"
}

for b in $BACKENDS; do
  case $b in
    sqlite) run_backend sqlite "sqlite:$WORK/sqlite/cases.sqlite" ;;
    postgresql)
      admin=${LODESTAR_TEST_PG:-$("$ROOT/scripts/start-test-postgres.sh")}
      dbname="lodestar_bench_$$"
      psql "$admin" -qc "CREATE DATABASE $dbname" >/dev/null
      run_backend postgresql "${admin%/*}/$dbname"
      psql "$admin" -qc "DROP DATABASE $dbname WITH (FORCE)" >/dev/null ;;
    *) echo "unknown backend $b" >&2; exit 2 ;;
  esac
done
