#!/bin/bash
# Template linking beside InfoShield's coarse stage (issue 4), in one run on the same generated ads:
# both are timed with GNU time (wall, CPU, peak RSS) and scored with the adjusted Rand index against the
# templates `lodestar synth` planted. Prints a Markdown table on stdout (progress on stderr).
#
# Usage: bench/infoshield_bench.sh INFOSHIELD_DIR      (or INFOSHIELD_DIR=... bench/infoshield_bench.sh)
#   INFOSHIELD_DIR  a checkout of github.com/mengchillee/InfoShield, made by you outside this repository; this
#                   script never fetches, builds or copies it, it only runs its infoshieldcoarse.py.
# Env: N (ads, default 100000), SEED (default 1), LODESTAR_BIN (default build/release/bin/lodestar),
#      PYTHON (default /usr/bin/python3: InfoShield needs Debian's python3-pandas, -sklearn, -networkx,
#      -scipy, -matplotlib), WORK (scratch dir, default a new one under /tmp), KEEP=1 keeps the scratch dir.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
is_dir=${1:-${INFOSHIELD_DIR:-}}
n=${N:-100000}
seed=${SEED:-1}
bin=${LODESTAR_BIN:-$root/build/release/bin/lodestar}
py=${PYTHON:-/usr/bin/python3}

die() { echo "error: $*" >&2; exit 1; }
[ -n "$is_dir" ] || die "no InfoShield checkout given; pass its path as the first argument or INFOSHIELD_DIR"
is_dir=$(cd "$is_dir" 2>/dev/null && pwd) || die "INFOSHIELD_DIR: cannot enter '${1:-$INFOSHIELD_DIR}'"
[ -f "$is_dir/infoshieldcoarse.py" ] ||
  die "$is_dir: no infoshieldcoarse.py; INFOSHIELD_DIR must be a checkout of mengchillee/InfoShield"
[ -x "$bin" ] || die "$bin: no lodestar binary; build it (ninja -C build/release lodestar) or set LODESTAR_BIN"
[ -x /usr/bin/time ] || die "/usr/bin/time missing; apt-get install time"
"$py" -c 'import pandas, sklearn, networkx, scipy, matplotlib' 2>/dev/null ||
  die "$py cannot import pandas, sklearn, networkx, scipy and matplotlib; apt-get install python3-pandas" \
      "python3-sklearn python3-networkx python3-scipy python3-matplotlib (or set PYTHON)"
[[ "$n" =~ ^[0-9]+$ && "$n" -ge 2 ]] || die "N='$n': expected a number of ads >= 2"

if [ -n "${WORK:-}" ]; then
  work=$WORK
  mkdir -p "$work" || die "WORK=$work: cannot create it"
  [ -z "$(ls -A "$work")" ] || die "WORK=$work is not empty; give an empty or new directory"
else
  work=$(mktemp -d /tmp/infoshield-bench-XXXXXX)
fi
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
work=$(cd "$work" && pwd)

# timed LOG CMD...: runs CMD under GNU time -v (log in $work/LOG), its own output in $work/LOG.out.
timed() {
  local log=$1; shift
  /usr/bin/time -v -o "$work/$log" "$@" >"$work/$log.out" 2>&1 ||
    die "benchmark step failed: $* (exit $?); its output: $work/$log.out (rerun with KEEP=1 to inspect)"
}

echo "generating $n ads (seed $seed) in $work ..." >&2
"$bin" synth --ads "$n" --seed "$seed" --out "$work/ads.jsonl" --truth "$work/truth.jsonl" --quiet
mkdir "$work/infoshield"
"$py" "$root/bench/infoshield_ari.py" to-csv "$work/ads.jsonl" "$work/infoshield/ads.csv"

echo "lodestar ingest + link ..." >&2
timed time-ingest.txt "$bin" ingest "$work/ads.jsonl" --db "$work/db" --quiet
timed time-link.txt "$bin" link --db "$work/db" --quiet
"$bin" clusters --db "$work/db" --json >"$work/clusters.json"
"$bin" link-eval --db "$work/db" --truth "$work/truth.jsonl" >"$work/link-eval.json"

# InfoShield names its outputs after the input path up to the first '.', and writes pkl_files/ into the
# current directory, so it runs inside its own folder on a relative file name.
echo "InfoShield coarse stage (this is the slow part) ..." >&2
(cd "$work/infoshield" && MPLBACKEND=Agg timed time-infoshield.txt "$py" "$is_dir/infoshieldcoarse.py" ads.csv)
[ -s "$work/infoshield/ads_full_LSH_labels.csv" ] ||
  die "InfoShield wrote no ads_full_LSH_labels.csv; its output: $work/time-infoshield.txt.out"

"$py" "$root/bench/infoshield_ari.py" report --work "$work" --n "$n" --seed "$seed" \
  --commit "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
