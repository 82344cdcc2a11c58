#!/usr/bin/env bash
# The corridor simulation of issue 12: `silkroute simulate` on the default network, 200
# one-year replications (data/sim.toml), wall clock over RUNS runs (default 3), and the same
# call with one replication (the freight assignment and model building it starts with).
# One replication-year in process: `cargo bench -p silkroute_core --bench sim` (simulate/).
# Usage: bash bench/simulate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
cargo build --release --locked -q
BIN=target/release/silkroute
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
time_of() {
  local start end
  start=$(date +%s.%N)
  "$@" > /tmp/silkroute_simulate.json 2>/dev/null
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
full=(); one=()
for _ in $(seq "$RUNS"); do
  full+=("$(time_of "$BIN" simulate --format json)")
  events=$(python3 -c "import json; r=json.load(open('/tmp/silkroute_simulate.json')); print(int(r['events_per_replication']), r['replications'])")
  one+=("$(time_of "$BIN" simulate --format json --replications 1)")
done
read -r per reps <<< "$events"
echo "simulate ($reps one-year replications, $per events each): runs ${full[*]} s; median $(median "${full[@]}") s on $(nproc) cores"
echo "simulate --replications 1 (assignment + model + one year): median $(median "${one[@]}") s"
