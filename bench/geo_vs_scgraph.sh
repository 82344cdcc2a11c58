#!/usr/bin/env bash
# Side by side, in one run: `silkroute geo route --queries` against scgraph's C++ contraction
# hierarchy on the OpenStreetMap world railway network and the shared 1,000 Eurasian queries.
#
# Needs: PYTHON = a Python with scgraph==3.6.0 installed (a venv outside the repo), GNU time
# (/usr/bin/time), and the shared folder with data/geo and bench/ (SHARED, default ../shared).
# Usage:  PYTHON=/tmp/venv/bin/python bash bench/geo_vs_scgraph.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${SHARED:-../shared}
PYTHON=${PYTHON:-python3}
NET="$SHARED/data/geo/world_railways"
Q="$SHARED/bench/queries/eurasia_rail_1000.csv"
PEER="$SHARED/bench/peers/scgraph_bench.py"
for f in "$NET/nodes.csv" "$Q" "$PEER"; do
  [ -e "$f" ] || { echo "missing $f (set SHARED)" >&2; exit 1; }
done
"$PYTHON" -c "import scgraph" 2>/dev/null || { echo "PYTHON=$PYTHON has no scgraph (pip install scgraph==3.6.0 in a venv)" >&2; exit 1; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cargo build --release --locked -q
BIN=target/release/silkroute
export XDG_CACHE_HOME="$OUT/cache"

run_ours() { # name, extra args
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$OUT/$name.time" "$BIN" geo route --network "$NET" --queries "$Q" \
    --snap scgraph "$@" > "$OUT/$name.csv" 2> "$OUT/$name.err"
}
run_ours cold_distance                 # parses the CSV, prepares the CH, writes the cache
run_ours warm_distance                 # loads the cache
run_ours warm_path --paths
run_ours dijkstra_distance --engine dijkstra --no-cache

/usr/bin/time -f "%e %M" -o "$OUT/peer_len.time" "$PYTHON" "$PEER" "$Q" --modes cpp_ch --length-only > "$OUT/peer_len.jsonl" 2>/dev/null
/usr/bin/time -f "%e %M" -o "$OUT/peer_path.time" "$PYTHON" "$PEER" "$Q" --modes cpp_ch > "$OUT/peer_path.jsonl" 2>/dev/null

if [ "${MATRIX:-0}" = 1 ]; then
  # 1,000 x 1,000 matrix between the query origins: ours, then scgraph's distance_matrix.
  "$PYTHON" -c "import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print('lat,lon'); [print(x['olat']+','+x['olon']) for x in r]" "$Q" > "$OUT/points.csv"
  "$BIN" geo matrix "$OUT/points.csv" --network "$NET" --snap scgraph > "$OUT/matrix.csv" 2> "$OUT/matrix.err"
  "$PYTHON" - "$NET" "$OUT/points.csv" "$OUT/peer_matrix.json" <<'PY'
import csv, json, sys, time
from scgraph import GeoGraph
net, points, out = sys.argv[1:4]
nodes = [[float(r["lat"]), float(r["lon"])] for r in csv.DictReader(open(f"{net}/nodes.csv"))]
graph = [{} for _ in nodes]
for r in csv.DictReader(open(f"{net}/edges.csv")):
    a, b, w = int(r["from"]), int(r["to"]), float(r["km"])
    graph[a][b] = w; graph[b][a] = w
g = GeoGraph(graph=graph, nodes=nodes)
pts = [{"latitude": float(r["lat"]), "longitude": float(r["lon"])} for r in csv.DictReader(open(points))]
t = time.time()
m = g.distance_matrix(pts, output_units="km", silent=True)
json.dump({"seconds": time.time() - t, "matrix": m}, open(out, "w"))
PY
fi

"$PYTHON" - "$OUT" <<'PY'
import csv, json, os, sys, re, platform, subprocess
out = sys.argv[1]
def ours(name):
    err = open(f"{out}/{name}.err").read()
    m = dict(re.findall(r"(\w+)=([\d.]+)", err.strip().splitlines()[-1]))
    wall, rss = open(f"{out}/{name}.time").read().split()
    km = [r["km"] for r in csv.DictReader(open(f"{out}/{name}.csv"))]
    return m, float(wall), int(rss) / 1024, km
def peer(name):
    lines = [json.loads(l) for l in open(f"{out}/{name}.jsonl")]
    meta = next(l for l in lines if l.get("mode") == "meta")
    run = next(l for l in lines if l.get("mode") == "cpp_ch")
    wall, rss = open(f"{out}/{name}.time").read().split()
    return meta, run, float(wall), int(rss) / 1024
pl_meta, pl, pl_wall, pl_rss = peer("peer_len")
pp_meta, pp, pp_wall, pp_rss = peer("peer_path")
cold, cold_wall, cold_rss, cold_km = ours("cold_distance")
warm, warm_wall, warm_rss, warm_km = ours("warm_distance")
path, path_wall, path_rss, path_km = ours("warm_path")
dij, dij_wall, dij_rss, dij_km = ours("dijkstra_distance")
ref = pl["distances_km"]
worst, mism = 0.0, 0
for a, b in zip(warm_km, ref):
    if (a == "") != (b is None): mism += 1; continue
    if b: worst = max(worst, abs(float(a) - b) / b)
same = warm_km == cold_km == path_km == dij_km
print(f"machine: {platform.processor() or platform.machine()}, {subprocess.getoutput('nproc')} cores; queries: {len(ref)}")
print(f"answers: max relative difference to scgraph {worst:.2e}, null mismatches {mism}; CH = Dijkstra, cold = warm = path: {same}")
print("| measure | silkroute | scgraph cpp_ch | ratio |")
print("|---|---:|---:|---:|")
print(f"| median distance-only query | {float(warm['median_us']):.1f} µs | {pl['median_ms']*1000:.0f} µs | {pl['median_ms']*1000/float(warm['median_us']):.0f}× |")
print(f"| p90 distance-only query | {float(warm['p90_us']):.1f} µs | {pl['p90_ms']*1000:.0f} µs | {pl['p90_ms']*1000/float(warm['p90_us']):.0f}× |")
print(f"| median path query | {float(path['median_us']):.1f} µs | {pp['median_ms']*1000:.0f} µs | {pp['median_ms']*1000/float(path['median_us']):.0f}× |")
print(f"| p90 path query | {float(path['p90_us']):.1f} µs | {pp['p90_ms']*1000:.0f} µs | {pp['p90_ms']*1000/float(path['p90_us']):.0f}× |")
print(f"| 1,000 distance queries, total | {float(warm['total_ms']):.1f} ms | {pl['total_s']*1000:.0f} ms | {pl['total_s']*1000/float(warm['total_ms']):.0f}× |")
load = pl_meta["load"]["read_s"] + pl_meta["load"]["geograph_init_s"]
print(f"| whole cold process: read CSV, prepare CH, write cache, 1,000 queries | {cold_wall:.2f} s | load {load:.2f} s + CH prep {pl['prep_s']:.2f} s | |")
print(f"| whole warm process (cache load, 1,000 queries) | {warm_wall:.2f} s | {pl_wall:.2f} s | {pl_wall/warm_wall:.1f}× |")
print(f"| peak memory, cold / warm | {cold_rss:.0f} / {warm_rss:.0f} MB | {pl_rss:.0f} MB | |")
print(f"| bidirectional Dijkstra (no CH), median | {float(dij['median_us']):.0f} µs | | |")
if os.path.exists(f"{out}/peer_matrix.json"):
    peer_m = json.load(open(f"{out}/peer_matrix.json"))
    m = dict(re.findall(r"(\w+)=([\d.]+)", open(f"{out}/matrix.err").read()))
    ours_m = list(csv.reader(open(f"{out}/matrix.csv")))[1:]
    worst, mism = 0.0, 0
    for i, row in enumerate(peer_m["matrix"]):
        for j, b in enumerate(row):
            a = ours_m[i][j]
            if (a == "") != (b is None): mism += 1; continue
            if b: worst = max(worst, abs(float(a) - b) / b)
    print(f"| 1,000 x 1,000 distance matrix | {float(m['total_ms']):.0f} ms | {peer_m['seconds']:.1f} s | {peer_m['seconds']*1000/float(m['total_ms']):.0f}× |")
    print(f"matrix answers: max relative difference {worst:.1e}, null mismatches {mism}")
PY
