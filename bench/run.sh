#!/bin/bash
# End-to-end ingest benchmark, side by side in one run:
#   lodestar ingest  vs  the simdjson parse-only ceiling  vs  sqlite3 bulk load,
# all on the same generated JSON Lines file. Prints a Markdown table (medians of
# REPEAT runs) and writes it to bench/results/. Usage: bench/run.sh [LODESTAR_BIN]
# Env: ADS (default 1000000), REPEAT (default 3), SEED (default 7), WORK (scratch dir).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/release/bin/lodestar}
bindir=$(dirname "$bin")
ads=${ADS:-1000000}
repeat=${REPEAT:-3}
seed=${SEED:-7}
work=${WORK:-$root/build/bench-work}
mkdir -p "$work" "$root/bench/results"
corpus="$work/synth-$ads-$seed.jsonl"
if [ ! -s "$corpus" ]; then
  echo "generating $ads ads (seed $seed)..." >&2
  "$bin" synth --ads "$ads" --seed "$seed" --out "$corpus" --truth "$work/truth-$ads-$seed.jsonl" --quiet >&2
fi
bytes=$(stat -c %s "$corpus")
cores=$(nproc)

# time_cmd LABEL CMD...: runs CMD under GNU time, appends "label secs peak_kb" to $work/times
time_cmd() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time.out" "$@" >/dev/null 2>"$work/cmd.err" || {
    echo "benchmark command failed: $*" >&2; cat "$work/cmd.err" >&2; exit 1; }
  echo "$label $(cat "$work/time.out")" >> "$work/times"
}

unit_sep=$'\x1f'  # a column separator that never occurs in JSON text, so each line is one value
: > "$work/times"
sync
for i in $(seq "$repeat"); do
  # Page cache is warm for every contender alike (the file was just read).
  rm -rf "$work/store" "$work/store-x"
  time_cmd lodestar "$bin" ingest "$corpus" --db "$work/store" --quiet --no-extract
  store_bytes=$(du -sb "$work/store/segments" | cut -f1)
  if [ "${WITH_EXTRACT:-1}" = 1 ]; then
    time_cmd lodestar_extract "$bin" ingest "$corpus" --db "$work/store-x" --quiet
    time_cmd link "$bin" link --db "$work/store-x" --quiet
  fi
  time_cmd ceiling "$bindir/parse_ceiling" "$corpus"
  rm -f "$work/sqlite.db"
  time_cmd sqlite3 sqlite3 "$work/sqlite.db" \
    "PRAGMA journal_mode=OFF;" "PRAGMA synchronous=OFF;" \
    "CREATE TABLE raw(doc TEXT);" \
    ".mode ascii" ".separator $unit_sep \\n" ".import $corpus raw" \
    "CREATE TABLE ads AS SELECT json_extract(doc,'\$.id') AS id, json_extract(doc,'\$.source') AS source, json_extract(doc,'\$.url') AS url, json_extract(doc,'\$.title') AS title, json_extract(doc,'\$.body') AS body, json_extract(doc,'\$.location') AS location, json_extract(doc,'\$.posted') AS posted FROM raw;"
done

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
python3 - "$work/times" "$ads" "$bytes" "$store_bytes" "$cores" "$commit" "$cpu" <<'PY' | tee "$root/bench/results/ingest-$(date +%Y%m%d-%H%M%S).md"
import sys, statistics, datetime
times, ads, size, store, cores, commit, cpu = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6], sys.argv[7]
rows = {}
for line in open(times):
    label, secs, kb = line.split()
    rows.setdefault(label, []).append((float(secs), int(kb)))
def med(label):
    return statistics.median(s for s, _ in rows[label]), max(k for _, k in rows[label])
print(f"Machine: {cpu}, {cores} cores. Date: {datetime.date.today()}. Commit: {commit}.")
print(f"Input: {ads:,} generated ads, {size/1e6:.0f} MB JSON Lines ({size/ads:.0f} B/ad). Median of {len(rows['lodestar'])} runs each.\n")
print("| contender | seconds | ads/s | ads/s per core | MB/s per core | peak RSS | vs lodestar |")
print("|---|---|---|---|---|---|---|")
lod = med('lodestar')[0]
names = {'lodestar': f'lodestar ingest --no-extract ({cores} threads)',
         'lodestar_extract': f'lodestar ingest with extraction ({cores} threads)',
         'link': f'lodestar link, from stored facts ({cores} threads)',
         'ceiling': 'simdjson parse only (1 thread)', 'sqlite3': 'sqlite3 .import + json_extract (1 thread)'}
for label in ('lodestar', 'lodestar_extract', 'link', 'ceiling', 'sqlite3'):
    if label not in rows: continue
    threads = 1 if label in ('ceiling', 'sqlite3') else cores
    s, kb = med(label)
    name = names[label]
    print(f"| {name} | {s:.2f} | {ads/s:,.0f} | {ads/s/threads:,.0f} | {size/s/threads/1e6:.0f} | {kb/1024:.0f} MiB | {s/lod:.2f}x time |")
print(f"\nStore: {store/1e6:.0f} MB of segments = {store/ads:.0f} B/ad = {store/size:.2f}x the input.")
PY
