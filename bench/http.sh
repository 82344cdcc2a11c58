#!/usr/bin/env bash
# The HTTP API under load on loopback (issue 13): `silkroute serve` (release) against wrk
# (Debian's package), client and server on the same machine, so wrk's own CPU is part of the
# budget. Prints requests/s and latency percentiles per query, the 100 × 100 table's latency,
# and the server's resident memory before and after a long run.
#
# Usage: bash bench/http.sh                          # about 3 minutes
#        MILLION=1 bash bench/http.sh                # + 1,000,000 requests, RSS before/after
#        SOAK_SECONDS=600 bash bench/http.sh         # + a mixed soak of that length, 0 errors
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk > /dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }
cargo build --release --locked -q
PORT=${PORT:-18282}
SECS=${SECS:-10}
BIN=target/release/silkroute
"$BIN" serve --addr "127.0.0.1:$PORT" 2> /dev/null &
pid=$!
scratch=$(mktemp -d)
trap 'kill $pid 2> /dev/null || true; rm -rf "$scratch"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/status" > /dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$PORT"
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }

# requests/s, p50, p99 and errors of one wrk run: load LABEL CONNECTIONS URL [SCRIPT]
load() {
  local label=$1 conns=$2 url=$3 script=${4:-}
  local out
  if [ -n "$script" ]; then
    out=$(wrk -t1 -c"$conns" -d"${SECS}s" --latency -s "$script" "$url")
  else
    out=$(wrk -t1 -c"$conns" -d"${SECS}s" --latency "$url")
  fi
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<< "$out")
  p50=$(awk '$1 == "50%" {print $2}' <<< "$out")
  p99=$(awk '$1 == "99%" {print $2}' <<< "$out")
  errors=$(grep -E "Non-2xx|Socket errors" <<< "$out" | tr '\n' ' ' || true)
  printf '%-58s c=%-3s %9s req/s  p50 %8s  p99 %8s  %s\n' "$label" "$conns" "$rps" "$p50" "$p99" "${errors:-0 errors}"
}

echo "silkroute serve on $(nproc) cores, wrk -t1 (same machine), ${SECS} s per line, $(date -u +%F)"
for conns in 8 16; do
  load "GET /route/v1/time/Lianyungang;Duisburg (1 route)" "$conns" \
    "$base/route/v1/time/Lianyungang;Duisburg"
done
load "GET /route/v1/time/Lianyungang;Duisburg?alternatives=5" 8 \
  "$base/route/v1/time/Lianyungang;Duisburg?alternatives=5"
load "GET /route/v1/generalized/Xian;Baku?pareto=true" 8 \
  "$base/route/v1/generalized/Xian;Baku?pareto=true"
load "GET /isochrone/v1/time/Xian?contours_days=8,12,16" 8 \
  "$base/isochrone/v1/time/Xian?contours_days=8,12,16"
load "GET /places?q=kho&limit=10" 8 "$base/places?q=kho&limit=10"

# The whole network as a table: every place to every place, one request at a time.
ids=$(curl -s "$base/places" | python3 -c "import json,sys; print(';'.join(p['id'] for p in json.load(sys.stdin)['places']))")
n=$(tr ';' '\n' <<< "$ids" | wc -l)
load "GET /table/v1/time/<all $n places> ($n × $n)" 1 "$base/table/v1/time/$ids"

# A mix over every pair of places, rotating (wrk's Lua): the soak and the memory runs.
python3 - "$ids" > "$scratch/mix.lua" << 'PY'
import sys
ids = sys.argv[1].split(";")
paths = []
for i, a in enumerate(ids):
    b = ids[(i * 7 + 3) % len(ids)]
    if a == b:
        continue
    paths.append(f"/route/v1/time/{a};{b}")
    paths.append(f"/corridors/v1/cost/{a};{b}")
    paths.append(f"/isochrone/v1/generalized/{a}?contours_days=5,10")
    paths.append(f"/table/v1/co2/{a};{b};{ids[(i * 3 + 1) % len(ids)]}")
print("paths = {" + ",".join(f'"{p}"' for p in paths) + "}")
print("i = 0")
print("request = function() i = i % #paths + 1; return wrk.format(nil, paths[i]) end")
PY
load "mix: route, corridors, isochrone, table over place pairs" 8 "$base" "$scratch/mix.lua"

if [ -n "${MILLION:-}" ]; then
  echo "RSS after warm-up: $(rss)"
  total=0
  while [ "$total" -lt 1000000 ]; do
    out=$(wrk -t1 -c8 -d20s -s "$scratch/mix.lua" "$base")
    total=$((total + $(awk '/requests in/ {print $1}' <<< "$out")))
    grep -E "Non-2xx|Socket errors" <<< "$out" || true
    echo "  $total requests: RSS $(rss)"
  done
fi

if [ -n "${SOAK_SECONDS:-}" ]; then
  echo "soak: ${SOAK_SECONDS} s of the mix, RSS before $(rss)"
  out=$(wrk -t1 -c8 -d"${SOAK_SECONDS}s" --latency -s "$scratch/mix.lua" "$base")
  echo "$out" | grep -E "requests in|Requests/sec|50%|99%|Non-2xx|Socket errors" || true
  echo "soak: RSS after $(rss)"
fi
