#!/bin/bash
# Search benchmark (issue 5): Lodestar's index beside Xapian and SQLite FTS5.
# Generates N ads, ingests them (with extraction, so phone/city/age facts exist),
# then runs search_bench, which rebuilds Lodestar's index from scratch, builds the
# peers from the same texts and times a mixed query workload on all three.
# Usage: bench/search_bench.sh [N]   (N = 100000 by default; 1000000 for the issue's target)
# Env: BUILD (build dir with bin/lodestar and bin/search_bench; default build/searchbench), LODESTAR (CLI binary),
#      WORK (scratch dir), SEED (corpus seed, 7), REPEAT (timed runs per query, 5),
#      PER_CLASS (queries per class, 40), QSEED (workload seed, 11),
#      PEERS (all, fts5 or none; default all: Xapian takes ~11 min to build 10^6 ads).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ads=${1:-100000}
case "$ads" in
  ''|*[!0-9]*) echo "search_bench.sh: N must be a number of ads, e.g. 100000 (got '$ads')" >&2; exit 2;;
esac
build=${BUILD:-$root/build/searchbench}
bin=${LODESTAR:-$build/bin/lodestar}
bench=$build/bin/search_bench
for b in "$bin" "$bench"; do
  [ -x "$b" ] || { echo "search_bench.sh: $b missing; build it: ninja -C $build lodestar search_bench" >&2; exit 2; }
done
seed=${SEED:-7}
work=${WORK:-$build/work}
mkdir -p "$work" "$root/bench/results"
corpus="$work/synth-$ads-$seed.jsonl"
store="$work/store-$ads-$seed"
if [ ! -s "$corpus" ]; then
  echo "generating $ads ads (seed $seed)..." >&2
  "$bin" synth --ads "$ads" --seed "$seed" --out "$corpus.tmp" --quiet
  mv "$corpus.tmp" "$corpus"
fi
if [ ! -f "$store/.ingested" ]; then
  echo "ingesting with extraction..." >&2
  rm -rf "$store"
  SECONDS=0
  "$bin" ingest "$corpus" --db "$store" --quiet
  echo "ingest took ${SECONDS} s" >&2
  touch "$store/.ingested"
fi
out="$root/bench/results/search-$ads-$(date +%Y%m%d-%H%M%S).md"
"$bench" --corpus "$corpus" --db "$store" --work "$work/peers-$ads-$seed" \
  --repeat "${REPEAT:-5}" --per-class "${PER_CLASS:-40}" --seed "${QSEED:-11}" --peers "${PEERS:-all}" --out "$out"
echo "report written to $out" >&2
