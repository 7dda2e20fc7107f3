#!/bin/bash
# `make demo`: the main job on the embedded default, end to end, on a generated
# corpus (no real data needed): synth -> ingest -> stats -> show, then whatever
# analysis commands this build has. Usage: scripts/demo.sh LODESTAR_BIN OUT_DIR
set -eu  # no pipefail: the demo cuts long outputs with head
bin=$1
out=$2
ads=${DEMO_ADS:-100000}
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/store"
has() { "$bin" "$1" --help >/dev/null 2>&1; }

echo "== 1. Generate $ads synthetic ads with known truth (lodestar synth)"
"$bin" synth --ads "$ads" --seed 42 --out "$out/ads.jsonl" --truth "$out/truth.jsonl" --quiet

echo
echo "== 2. Ingest them into the embedded store (lodestar ingest)"
"$bin" ingest "$out/ads.jsonl" --db "$out/store" --quiet | tail -1

echo
echo "== 3. Ingest again: nothing is stored twice"
"$bin" ingest "$out/ads.jsonl" --db "$out/store" --quiet | tail -1

echo
echo "== 4. What the store holds (lodestar stats)"
"$bin" stats --db "$out/store" --top 5

first_id=$(head -1 "$out/ads.jsonl" | sed 's/^{"id":"\([^"]*\)".*/\1/')
echo
echo "== 5. One ad with its provenance (lodestar show $first_id)"
"$bin" show "$first_id" --db "$out/store" | head -12

if has extract; then
  echo
  echo "== 6. What extraction finds in a few ads (lodestar extract)"
  head -3 "$out/ads.jsonl" | "$bin" extract - | cut -c1-400
fi

echo
echo "== 7. Link ads into template clusters and networks (lodestar link)"
"$bin" link --db "$out/store" --quiet
"$bin" networks --db "$out/store" --limit 5
"$bin" networks --db "$out/store" --hubs | head -5 | cut -c1-160
net=$("$bin" networks --db "$out/store" --json --min-size 3 | python3 -c 'import json,sys; n=json.load(sys.stdin)[0]; print(n["id"], n["ads"][0], n["ads"][-1])')
set -- $net
echo
echo "== 8. One network, and why two of its ads are linked (lodestar network / explain)"
"$bin" network "$1" --db "$out/store" | head -12
"$bin" explain "$2" "$3" --db "$out/store"

if has search; then
  echo
  echo "== 9. Search and spikes"
  "$bin" search '"new in town" age:<25' --db "$out/store" --limit 5 || true
  "$bin" spikes --db "$out/store" | head -8 || true
fi

if has mse; then
  echo
  echo "== 10. Measurement with provenance"
  scripts/demo-measure.sh "$bin" "$out" || echo "(measurement demo failed; see above)"
fi

if has tips; then
  echo
  echo "== 11. Case side: a demo hotline files tips; a case links to ad networks"
  scripts/demo-cases.sh "$bin" "$out/store" || echo "(case demo failed; see above)"
fi

echo
echo "Done. Look in $out: ads.jsonl (input), truth.jsonl (ground truth), store/ (the store;"
echo "format in docs/store-format.md). Try: $bin stats --db $out/store --json"

# The demo ends with the HTTP API serving the generated corpus (Ctrl-C stops it).
# DEMO_SERVE=0 skips this step (for unattended runs).
if [ "${DEMO_SERVE:-1}" != 0 ] && has serve; then
  port=${DEMO_PORT:-8080}
  token=$("$bin" users add demo_analyst --role analyst --org demo-hotline --db "$out/store" | awk '{print $NF}')
  api=http://127.0.0.1:$port
  auth="Authorization: Bearer $token"
  echo
  echo "== 12. The HTTP API (docs/api.md) on the generated corpus. In another terminal, try:"
  echo "curl -s -H '$auth' --get --data-urlencode 'q=\"new in town\" age:<25' -d limit=3 -d facets=1 $api/api/search"
  echo "curl -s -H '$auth' --get --data-urlencode 'text=she said to call 503-555-0123' $api/api/tip"
  echo "curl -s -H '$auth' '$api/api/spikes?by=city'"
  echo "curl -s -H '$auth' '$api/api/measure/decisions?group=nationality'"
  echo "curl -s -H '$auth' -H 'Content-Type: application/json' -d '{\"lists\":[\"police\",\"ngo\"],\"rows\":[{\"pattern\":[1,0],\"count\":120},{\"pattern\":[0,1],\"count\":90},{\"pattern\":[1,1],\"count\":30}]}' $api/api/measure/mse"
  countries=${LODESTAR_SHARED_DATA:-$(cd "$(dirname "$0")/.." && pwd)/../shared/data}/countries
  serve_args=()
  if [ -f "$countries/3p-index-and-tip-tiers.csv" ]; then
    serve_args=(--countries-data "$countries")
    echo "curl -s -H '$auth' '$api/api/countries/rank?year=2009'"
  fi
  echo "(the token above belongs to a demo analyst account in $out/store; Ctrl-C stops the server)"
  exec "$bin" serve --db "$out/store" --port "$port" "${serve_args[@]}"
fi
