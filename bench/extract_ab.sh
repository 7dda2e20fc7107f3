#!/bin/bash
# Extraction and ingest speed, two builds side by side in the same minutes (issue 3 target: ingest with
# extraction >= 25,000 ads/s per core on ~1 KB ads). This VM's speed swings by 30-50% within minutes, so the two
# builds are alternated PAIRS times and every pair is reported; compare within a pair.
#
#   bench/extract_ab.sh OLD_BIN_DIR NEW_BIN_DIR [ADS_FILE...]
#   OLD_BIN_DIR / NEW_BIN_DIR hold `lodestar` and `extract_bench` (ninja -C <build> lodestar extract_bench).
#   Default files: 100,000 generated ads (`lodestar synth --ads 100000 --seed 42`, made once under $WORK) and
#   ../shared/data/ads/backpage-ca.jsonl. Env: PAIRS (default 3), ROUNDS (extract_bench rounds, default 5),
#   WORK (scratch directory, default /tmp/lodestar-extract-ab).
#
# Per file and pair it prints: extract_bench's fastest and median round (ads per CPU-second of the extracting
# thread, all ads in memory) for each build, then `lodestar ingest --threads 1` into a fresh store (user+sys CPU
# seconds of the whole process, start-up included) as ads per CPU-second. Counts only: no ad text is printed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
old=${1:?usage: bench/extract_ab.sh OLD_BIN_DIR NEW_BIN_DIR [ADS_FILE...]}
new=${2:?usage: bench/extract_ab.sh OLD_BIN_DIR NEW_BIN_DIR [ADS_FILE...]}
shift 2
pairs=${PAIRS:-3}
rounds=${ROUNDS:-5}
work=${WORK:-/tmp/lodestar-extract-ab}
for d in "$old" "$new"; do
  for b in lodestar extract_bench; do
    [ -x "$d/$b" ] || { echo "extract_ab.sh: $d/$b not found; build it: ninja -C <build dir> lodestar extract_bench" >&2; exit 2; }
  done
done
mkdir -p "$work"
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  if [ ! -s "$work/synth100k.jsonl" ]; then
    "$new/lodestar" synth --ads 100000 --seed 42 --out "$work/synth100k.jsonl" >/dev/null
  fi
  files=("$work/synth100k.jsonl" "$root/../shared/data/ads/backpage-ca.jsonl")
fi
echo "| file | pair | build | extract_bench fastest / median (ads/CPU-s) | ingest --threads 1 (ads/CPU-s) |"
echo "|---|---|---|---|---|"
for f in "${files[@]}"; do
  [ -s "$f" ] || { echo "extract_ab.sh: $f missing or empty" >&2; exit 2; }
  ads=$(wc -l < "$f")
  for p in $(seq 1 "$pairs"); do
    for side in old new; do
      d=${!side}
      eb=$("$d/extract_bench" "$f" --rounds "$rounds" | tail -1)
      fastest=$(echo "$eb" | sed -n 's/.*"fastest":\([0-9]*\).*/\1/p')
      median=$(echo "$eb" | sed -n 's/.*"median":\([0-9]*\).*/\1/p')
      rm -rf "$work/db"
      /usr/bin/time -o "$work/time.txt" -f "%U %S" "$d/lodestar" ingest --db "$work/db" --threads 1 --quiet "$f" \
        >/dev/null 2>&1
      cpu=$(tail -1 "$work/time.txt")
      rate=$(echo "$cpu" | awk -v n="$ads" '{ printf "%d", n / ($1 + $2) }')
      echo "| $(basename "$f") | $p | $side | $fastest / $median | $rate |"
    done
  done
done
rm -rf "$work/db"
