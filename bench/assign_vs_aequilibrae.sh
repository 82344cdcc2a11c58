#!/usr/bin/env bash
# Side by side, in one run: `silkroute assign --tntp` against AequilibraE's bi-conjugate
# Frank–Wolfe on the five TNTP networks, to relative gaps 1e-4 and 1e-6 (and ours to 1e-10).
#
# Needs: PYTHON = a Python with aequilibrae==1.7.2 (a venv outside the repo), the shared folder
# with data/tntp and bench/peers (SHARED, default ../shared). The TNTP data are research-only:
# they are read from SHARED, never copied.
# Usage:  PYTHON=/tmp/aeq/bin/python bash bench/assign_vs_aequilibrae.sh [NETWORK...]
# Env: METHODS (ours, default "b bfw"), GAPS (default "1e-4 1e-6"), PEER=0 to skip AequilibraE.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
PYTHON=${PYTHON:-python3}
TNTP="$SHARED/data/tntp"
PEER_SCRIPT="$SHARED/bench/peers/aequilibrae_tntp.py"
NETWORKS=${*:-SiouxFalls Anaheim Barcelona Winnipeg ChicagoSketch}
METHODS=${METHODS:-b bfw}
GAPS=${GAPS:-1e-4 1e-6}
[ -d "$TNTP" ] || { echo "missing $TNTP (set SHARED)" >&2; exit 1; }
if [ "${PEER:-1}" = 1 ]; then
  "$PYTHON" -c "import aequilibrae" 2>/dev/null \
    || { echo "PYTHON=$PYTHON has no aequilibrae (pip install aequilibrae==1.7.2 in a venv)" >&2; exit 1; }
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cargo build --release --locked -q
BIN=target/release/silkroute

for net in $NETWORKS; do
  for gap in $GAPS; do
    for method in $METHODS; do
      "$BIN" assign --tntp "$TNTP/$net/$net" --method "$method" --gap "$gap" --max-iter 5000 \
        --format json > "$OUT/ours_${net}_${method}_${gap}.json"
    done
    if [ "${PEER:-1}" = 1 ]; then
      "$PYTHON" "$PEER_SCRIPT" "$TNTP/$net" --algorithm bfw --rgap "$gap" --max-iter 5000 \
        --time-limit 600 > "$OUT/peer_${net}_${gap}.json" 2>/dev/null
    fi
  done
done
# Algorithm B to 1e-10 (no peer reaches it).
for net in $NETWORKS; do
  "$BIN" assign --tntp "$TNTP/$net/$net" --method b --gap 1e-10 --max-iter 5000 --format json \
    > "$OUT/ours_${net}_b_1e-10.json"
done

"$PYTHON" - "$OUT" "$NETWORKS" "$METHODS" "$GAPS" <<'PY'
import json, os, sys, platform
out, networks, methods, gaps = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4].split()
def load(name):
    p = f"{out}/{name}.json"
    return json.load(open(p)) if os.path.exists(p) and os.path.getsize(p) else None
print(f"machine: {platform.machine()}, {os.cpu_count()} cores; {platform.platform()}")
print()
print("| network | gap | AequilibraE BFW | " + " | ".join(f"silkroute {m}" for m in methods)
      + " | " + " | ".join(f"ratio {m}" for m in methods) + " |")
print("|---|---|---|" + "---|" * (2 * len(methods)))
for net in networks:
    for gap in gaps:
        peer = load(f"peer_{net}_{gap}")
        row = [net, gap]
        if peer:
            row.append(f"{peer['assign_seconds']:.3f} s ({peer['iterations']} it, gap {peer['rgap_std']:.1e})")
        else:
            row.append("—")
        ratios = []
        for m in methods:
            o = load(f"ours_{net}_{m}_{gap}")
            if o is None:
                row.append("—"); ratios.append("—"); continue
            row.append(f"{o['seconds']:.3f} s ({o['iterations']} it, gap {o['relative_gap']:.1e})")
            ratios.append(f"{peer['assign_seconds'] / o['seconds']:.0f}×" if peer and o['seconds'] > 0 else "—")
        print("| " + " | ".join(row + ratios) + " |")
print()
print("| network | Algorithm B to 1e-10 | objective |")
print("|---|---|---|")
for net in networks:
    o = load(f"ours_{net}_b_1e-10")
    if o:
        print(f"| {net} | {o['seconds']:.3f} s ({o['iterations']} it, gap {o['relative_gap']:.1e}) | {o['objective']:.10e} |")
PY
