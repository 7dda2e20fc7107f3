#!/bin/sh
# Measurement demo (issue 7): a provenance-stamped statistics table, an MSE estimate on a
# simulated table with known total, and one map. Usage: demo-measure.sh BIN OUT_DIR
set -eu
bin=$1
out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
data=${LODESTAR_SHARED_DATA:-$root/../shared/data}/countries
mkdir -p "$out"
if [ -f "$data/us-hotline-calls-cases-by-state-2012-2016.csv" ]; then
  echo "-- hotline calls and cases by year (CSV with provenance header)"
  "$bin" stats hotline --data "$data/us-hotline-calls-cases-by-state-2012-2016.csv" --by year --csv
  echo "-- same by state for 2016, with a map"
  "$bin" stats hotline --data "$data/us-hotline-calls-cases-by-state-2012-2016.csv" --year 2016 \
    --map "$out/hotline-2016.svg" > "$out/hotline-2016.txt"
  head -6 "$out/hotline-2016.txt"
  echo "   (full table in $out/hotline-2016.txt; map in $out/hotline-2016.svg)"
fi
echo "-- MSE on a simulated table (true population 2000, 4 lists)"
"$bin" mse-simulate --population 2000 --lists 4 --seed 7 > "$out/lists.csv"
"$bin" mse --lists "$out/lists.csv" --bootstrap 1000 --seed 1
