#!/usr/bin/env bash
# HTTP search benchmark: wrk against GET /api/search of a real `lodestar serve`
# on a synthetic store, with a mixed query list rotated per request: free text,
# prefix, exact phrases, phone lookups (phones taken from the synth truth) and
# city:+age: filters. Prints req/s, p50/p90/p99 and the machine's load average.
#
#   bench/search_http.sh [LODESTAR_BIN] [ADS] [DURATION]   # defaults: build/release/bin/lodestar 100000 20s
#   CONNS=32 THREADS=2 KEEP=/tmp/search-http-store bench/search_http.sh
#
# KEEP=DIR reuses (or builds once) the store in DIR instead of a fresh temporary one.
# SERVE_ARGS adds flags to `lodestar serve` (e.g. "--search-slots 4"); SERVE_PREFIX runs it
# under a command (e.g. "env LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2").
# Targets (issue 5): >= 2,000 search req/s on 2 cores, p99 <= 50 ms. Needs `wrk`.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/build/release/bin/lodestar}
ADS=${2:-100000}
DURATION=${3:-20s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
command -v wrk >/dev/null || { echo "search_http.sh: wrk not found; apt-get install wrk" >&2; exit 2; }
[ -x "$BIN" ] || { echo "search_http.sh: $BIN not built; run make build" >&2; exit 2; }

WORK=$(mktemp -d /tmp/lodestar-search-http.XXXXXX)
STORE=${KEEP:-$WORK/store}
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

if [ ! -f "$STORE/ads.truth" ]; then
  mkdir -p "$STORE"
  echo "== building a $ADS-ad store in $STORE (synth, ingest, link, index)"
  "$BIN" synth --ads "$ADS" --seed 42 --quiet --out "$STORE/ads.jsonl" --truth "$STORE/ads.truth.tmp"
  "$BIN" ingest "$STORE/ads.jsonl" --db "$STORE" >/dev/null
  "$BIN" link --quiet --db "$STORE" >/dev/null
  "$BIN" index --db "$STORE" >/dev/null 2>&1
  rm -f "$STORE/ads.jsonl"
  mv "$STORE/ads.truth.tmp" "$STORE/ads.truth"
fi
TOKEN=$("$BIN" users add "bench$$" --role analyst --org bench --db "$STORE" | awk '{print $NF}')

# The query list: fixed words and phrases of the synthetic templates, plus
# phones and cities sampled from the truth (fixed order, so runs compare).
python3 - "$STORE/ads.truth" "$WORK/queries.lua" <<'PY'
import json, sys, urllib.parse
phones, cities = [], []
with open(sys.argv[1]) as f:
    for i, line in enumerate(f):
        t = json.loads(line)
        if i % 97 == 0 and t["phones"] and len(phones) < 40: phones.append(t["phones"][0])
        if i % 131 == 0 and t.get("city") and t["city"] not in cities and len(cities) < 20: cities.append(t["city"])
free = ["sweet", "new town", "wine cooking", "schedule", "visits hour", "garage parking", "sexy", "first timers welcome"]
phrases = ['"limited schedule"', '"first timers"', '"new in town"', '"cash only"']
prefix = ["sweet*", "visit*", "compan*"]
queries = []
for i in range(40):
    queries.append(free[i % len(free)])
    queries.append(phrases[i % len(phrases)])
    queries.append("phone:" + phones[i % len(phones)])
    queries.append('city:"%s" age:<25' % cities[i % len(cities)].lower())
    if i % 2 == 0: queries.append(prefix[i % len(prefix)])
with open(sys.argv[2], "w") as out:
    out.write("paths = {\n")
    for q in queries:
        out.write('  "/api/search?limit=10&q=%s",\n' % urllib.parse.quote(q, safe=""))
    out.write("}\n")
print("%d queries: free text, phrases, prefixes, %d phones, %d cities with age:<25" % (len(queries), len(phones), len(cities)))
PY
cat >>"$WORK/queries.lua" <<'LUA'
local token = os.getenv("LODESTAR_BENCH_TOKEN")
local n = 0
setup = function(thread) thread:set("offset", math.random(1, #paths)) end
init = function(args) n = offset or 0 end
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1], {["Authorization"] = "Bearer " .. token})
end
LUA

${SERVE_PREFIX:-} "$BIN" serve --db "$STORE" --port 0 ${SERVE_ARGS:-} >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 600); do
  PORT=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/serve.log" | head -1)
  [ -n "$PORT" ] && break
  sleep 0.2
done
[ -n "$PORT" ] || { echo "server did not start:"; cat "$WORK/serve.log"; exit 1; }
# Sanity: one query answers 200 before timing anything.
curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/search?q=sweet&limit=1" >/dev/null \
  || { echo "GET /api/search failed"; cat "$WORK/serve.log"; exit 1; }
curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/search?q=sweet&limit=10" >/dev/null  # warm-up

echo "== $(date -u +%FT%TZ) nproc $(nproc), load average before: $(cut -d' ' -f1-3 /proc/loadavg), ads $("$BIN" index --db "$STORE" 2>/dev/null | sed -n 's/.*; \([0-9]*\) ads searchable.*/\1/p')"
echo "== wrk -t$THREADS -c$CONNS -d$DURATION GET /api/search (mixed queries)"
# The server's CPU time (user + system, clock ticks) around the run: CPU per
# request is steadier than req/s on a shared, noisy machine.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
CPU_BEFORE=$(cpu_ticks)
LODESTAR_BENCH_TOKEN=$TOKEN /usr/bin/time -f "wrk CPU %U user %S sys" -o "$WORK/wrk.cpu" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -s "$WORK/queries.lua" \
  "http://127.0.0.1:$PORT" | tee "$WORK/wrk.txt"
CPU_AFTER=$(cpu_ticks)
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$WORK/wrk.cpu"
awk -v ticks=$((CPU_AFTER - CPU_BEFORE)) -v hz="$(getconf CLK_TCK)" -v wrk_cpu="$(awk '{print $3 + $5}' "$WORK/wrk.cpu")" \
  '/requests in/ {n=$1} /Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +90%/ {p90=$2} /^ +99%/ {p99=$2}
     /Non-2xx/ {bad=$NF} END {printf "search over HTTP: %s req/s, p50 %s, p90 %s, p99 %s, CPU per request: server %.3f ms, wrk %.3f ms%s (targets: >= 2000 req/s, p99 <= 50ms)\n",
     rps, p50, p90, p99, n ? 1000 * ticks / hz / n : 0, n ? 1000 * wrk_cpu / n : 0, bad ? ", NON-2xx: " bad : ""}' "$WORK/wrk.txt"
