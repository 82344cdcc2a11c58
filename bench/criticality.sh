#!/usr/bin/env bash
# The criticality benchmark of issue 11: `silkroute criticality` on the default network
# (every link and facility place removed in turn, and every capacitated link and facility cut
# to 30%), wall-clock over RUNS runs (default 3), warm-started (the default) and cold
# (`--cold`: each re-solve from empty queues), and one freight assignment at fixed demand.
# The single re-solve, warm and cold, in process: `cargo bench -p silkroute_core --bench
# criticality`.
# Usage: bash bench/criticality.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
cargo build --release --locked -q
BIN=target/release/silkroute
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
time_of() {
  local start end
  start=$(date +%s.%N)
  "$@" > /tmp/silkroute_criticality.txt 2>/dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
remove=(); cold=(); keep=(); one=()
for _ in $(seq "$RUNS"); do
  remove+=("$(time_of "$BIN" criticality --format csv)")
  elements=$(($(wc -l < /tmp/silkroute_criticality.txt) - 1))
  cold+=("$(time_of "$BIN" criticality --cold --format csv)")
  keep+=("$(time_of "$BIN" criticality --keep 0.3 --format csv)")
  cut_elements=$(($(wc -l < /tmp/silkroute_criticality.txt) - 1))
  one+=("$(time_of "$BIN" assign --no-choice --format json)")
done
echo "criticality (remove, $elements elements): runs ${remove[*]} s; median $(median "${remove[@]}") s on $(nproc) cores"
echo "criticality --cold (each re-solve from empty queues): runs ${cold[*]} s; median $(median "${cold[@]}") s"
echo "criticality --keep 0.3 ($cut_elements elements): runs ${keep[*]} s; median $(median "${keep[@]}") s"
echo "one assignment at fixed demand (whole CLI call): median $(median "${one[@]}") s"
