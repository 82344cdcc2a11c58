#!/usr/bin/env bash
# The discrete-event engine against SimPy, same models, same machine, one run (issue 12):
# SimPy's peer script (../shared/bench/peers/simpy_bench.py; SimPy installed in a virtualenv
# outside the repo: python3 -m venv /tmp/simpy-venv && /tmp/simpy-venv/bin/pip install simpy==4.1.1)
# then `cargo bench --bench sim`, and the ratio of events per second.
# Usage: SIMPY_PYTHON=/tmp/simpy-venv/bin/python bash bench/sim_vs_simpy.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${SIMPY_PYTHON:-/tmp/simpy-venv/bin/python}
PEER=${SIMPY_BENCH:-../shared/bench/peers/simpy_bench.py}
"$PY" "$PEER" --repeats 5 | tee /tmp/silkroute_simpy.jsonl
cargo bench -p silkroute_core --bench sim 2>/dev/null | tee /tmp/silkroute_sim.txt | grep -E "^sim/|time:"
python3 - <<'PY'
import json, re
peer = {r["model"]: r for r in map(json.loads, open("/tmp/silkroute_simpy.jsonl"))}
text = open("/tmp/silkroute_sim.txt").read()
ours = {}
for name, model, events in (("timeout_loop_1m", "timeout_loop", 1_000_002), ("mm1_200k", "mm1", 1_200_002)):
    m = re.search(rf"sim/{name}\s+time:\s+\[\S+ \S+ (\S+) (\S+)", text)
    value, unit = float(m.group(1)), m.group(2)
    seconds = value * {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]
    ours[model] = events / seconds
for model, rate in ours.items():
    p = peer[model]
    assert p["events"] == (1_000_002 if model == "timeout_loop" else 1_200_002), p
    print(f"{model}: silkroute {rate/1e6:.1f} M events/s, SimPy {p['events_per_s']/1e6:.2f} M events/s, ratio {rate/p['events_per_s']:.1f}x")
PY
