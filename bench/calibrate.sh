#!/usr/bin/env bash
# The calibration benchmark of issue 10: `silkroute calibrate` on the default network and the
# shipped observations (the fit on every observation + 5-fold cross-validation = 6 fits),
# wall-clock over RUNS runs (default 3), with the figures it prints.
# Usage: bash bench/calibrate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
cargo build --release --locked -q
BIN=target/release/silkroute
times=()
for _ in $(seq "$RUNS"); do
  start=$(date +%s.%N)
  "$BIN" calibrate data/observed --folds 5 > /tmp/silkroute_calibrate.txt 2>/dev/null
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc)")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | sed -n "$(( (RUNS + 1) / 2 ))p")
echo "calibrate --folds 5: runs ${times[*]} s; median ${median} s on $(nproc) cores"
head -1 /tmp/silkroute_calibrate.txt
tail -12 /tmp/silkroute_calibrate.txt
