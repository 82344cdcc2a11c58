#!/usr/bin/env python3
"""A development stand-in for `silkroute serve`, for working on the web map before the server exists.

It serves the assets the way the server will (the page at `/`, files under `/assets/`) and
answers the API calls the page makes (docs/http.md) by running the release CLI with the same
query and wrapping its `--format json` report as the server does: `code` and `data_version`
added, `geojson` holding the CLI's `--format geojson` output when `geometries=geojson` is asked.
CLI errors become the documented error bodies (`UnknownPlace` with `suggestions`, `NoRoute`
with `reasons` from `silkroute corridors`, `NoSegment`, `InvalidValue`). Answers are cached in
memory, so a page reloaded in a headless browser gets them at once.

`GET /isochrone/v1/...` runs `silkroute reach` when the CLI has it; until then it builds a
stand-in from one `route` per place (the earliest arrival at every place, bands by
`contours_days`, the reached links as LineStrings per band), shaped as docs/http.md and the
reach specification describe. That stand-in is only for drawing; it is not the reach report.

Usage (Python 3.8+, standard library only):

    python3 crates/silkroute_server/assets/tools/mock_server.py \
        --cli target/release/silkroute --repo . --port 8088

The real server replaces this script; nothing in the server or its tests uses it.
"""

import argparse
import concurrent.futures
import difflib
import hashlib
import json
import mimetypes
import os
import re
import subprocess
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ASSETS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

OBJECTIVES = {"time", "cost", "co2", "generalized"}

# Query parameters of the route endpoints and the CLI flags they become (docs/http.md).
ROUTE_OPTIONS = {
    "alternatives": "--alternatives",
    "avoid": "--avoid",
    "year": "--year",
    "service": "--service",
    "month": "--month",
    "payload_t": "--payload-t",
    "value_of_time": "--value-of-time",
    "sea_rate": "--sea-rate",
    "carbon_price": "--carbon-price",
    "max_snap_km": "--max-snap-km",
}


class ApiError(Exception):
    """An error body and its HTTP status, as the server would send it."""

    def __init__(self, status, body):
        super().__init__(body.get("message", ""))
        self.status = status
        self.body = body


class Cli:
    """Runs the release CLI and remembers its answers."""

    def __init__(self, binary, repo):
        self.binary = binary
        self.repo = repo
        self.cache = {}
        self.lock = threading.Lock()
        self.has_reach = self.run_raw(["reach", "--help"])[0] == 0
        network = self.json(["network"])
        # The server's data_version is the network's fingerprint; the mock hashes the summary.
        self.data_version = hashlib.sha256(json.dumps(network, sort_keys=True).encode()).hexdigest()[:16]

    def run_raw(self, args):
        key = tuple(args)
        with self.lock:
            if key in self.cache:
                return self.cache[key]
        p = subprocess.run([self.binary, *args], cwd=self.repo, capture_output=True, text=True)
        result = (p.returncode, p.stdout, p.stderr.strip())
        with self.lock:
            self.cache[key] = result
        return result

    def json(self, args, fmt="json"):
        """The CLI's report as JSON, or an ApiError made from its error message."""
        rc, out, err = self.run_raw([*args, "--format", fmt])
        if rc != 0:
            raise error_from_cli(err)
        return json.loads(out)


def error_from_cli(message):
    """Maps the CLI's error message onto the HTTP API's error codes."""
    message = re.sub(r"^error: ", "", message)
    field = "from" if message.startswith("origin") else "to" if message.startswith("destination") else None
    m = re.search(r"unknown place `([^`]*)`(?:; did you mean (?:one of: )?(.*)\?)?", message)
    if m:
        suggestions = [s.strip() for s in (m.group(2) or "").split(",") if s.strip()]
        return ApiError(400, {"code": "UnknownPlace", "message": message, "field": field,
                              "query": m.group(1), "suggestions": suggestions})
    m = re.search(r"the nearest place, (.*), is (\d+(?:\.\d+)?) km away", message)
    if m:
        return ApiError(400, {"code": "NoSegment", "message": message, "field": field,
                              "nearest": m.group(1), "distance_km": float(m.group(2))})
    if message.startswith("no route"):
        return ApiError(400, {"code": "NoRoute", "message": message, "reasons": []})
    m = re.match(r"--([a-z-]+)", message)
    return ApiError(400, {"code": "InvalidValue", "message": message,
                          "field": m.group(1).replace("-", "_") if m else None})


def cli_place(place):
    """A URL place (name, or `lon,lat` as in OSRM) as the CLI takes it (name, or `lat,lon`)."""
    m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*", place)
    return f"{m.group(2)},{m.group(1)}" if m else place


def first(query, name, default=None):
    values = query.get(name)
    return values[0] if values else default


def truthy(value):
    return str(value).lower() in ("1", "true", "yes")


class Api:
    def __init__(self, cli, repo):
        self.cli = cli
        self.repo = repo

    def ok(self, report):
        return {"code": "Ok", "data_version": self.cli.data_version, **report}

    def status(self, query):
        network = self.cli.json(["network"])
        folder = os.path.join(self.repo, "data", "scenarios")
        scenarios = sorted(f[:-5] for f in os.listdir(folder) if f.endswith(".toml"))
        return self.ok({"report_version": 1, "build": "mock " + self.cli.run_raw(["--version"])[1].strip(),
                        "places": network["places"], "links": network["links"], "scenarios": scenarios})

    def network(self, query):
        body = self.ok(self.cli.json(["network"]))
        if first(query, "geometries") == "geojson":
            body["geojson"] = self.cli.json(["network"], "geojson")
        return body

    def places(self, query):
        q = first(query, "q", "")
        limit = int(first(query, "limit", "0") or 0)
        everything = self.cli.json(["places"])
        rows = everything
        if q:
            rc, out, _ = self.cli.run_raw(["places", q, "--format", "json"])
            rows = json.loads(out) if rc == 0 else []
        if limit:
            rows = rows[:limit]
        body = self.ok({"places": rows})
        if q and not rows:
            names = [p["name"] for p in everything]
            body["suggestions"] = difflib.get_close_matches(q, names, n=5, cutoff=0.5)
        return body

    def route(self, objective, places, query):
        if objective not in OBJECTIVES:
            raise ApiError(404, {"code": "InvalidService", "message": f"unknown objective `{objective}`"})
        parts = places.split(";")
        if len(parts) != 2:
            raise ApiError(400, {"code": "InvalidQuery", "message": "a route needs two places: {from};{to}"})
        args = ["route", cli_place(parts[0]), cli_place(parts[1]), "--by", objective]
        options = []
        for name, flag in ROUTE_OPTIONS.items():
            value = first(query, name)
            if value not in (None, ""):
                options += [flag, value]
        for risk in query.get("risk", []):
            for item in risk.split(","):
                options += ["--risk", item]
        pareto = truthy(first(query, "pareto", "false"))
        try:
            body = self.ok(self.cli.json(args + options + (["--pareto"] if pareto else [])))
            if first(query, "geometries") == "geojson":
                body["geojson"] = self.cli.json(args + options + (["--pareto"] if pareto else []), "geojson")
            return body
        except ApiError as e:
            if e.body["code"] == "NoRoute":
                # `corridors` says, per corridor, why it has none: the server's `reasons`.
                opts = list(options)
                if "--alternatives" in opts:  # `corridors` has no such option
                    i = opts.index("--alternatives")
                    del opts[i:i + 2]
                report = self.cli.json(["corridors", *args[1:], *opts])
                e.body["reasons"] = [{"corridor": c["corridor"], "name": c["name"], "reason": c["no_route_reason"]}
                                     for c in report["corridors"] if c.get("route") is None]
            raise

    def isochrone(self, objective, place, query):
        if objective not in OBJECTIVES:
            raise ApiError(404, {"code": "InvalidService", "message": f"unknown objective `{objective}`"})
        try:
            contours = sorted({float(x) for x in first(query, "contours_days", "10,15,20").split(",") if x})
        except ValueError:
            raise ApiError(400, {"code": "InvalidQuery", "message": "contours_days: numbers, comma-separated"})
        reverse = truthy(first(query, "reverse", "false"))
        year = first(query, "year")
        avoid = first(query, "avoid")
        if self.cli.has_reach:
            args = ["reach", cli_place(place), "--by", objective,
                    "--within-days", ",".join(f"{c:g}" for c in contours)]
            args += (["--reverse"] if reverse else []) + (["--year", year] if year else [])
            args += ["--avoid", avoid] if avoid else []
            body = self.ok(self.cli.json(args))
            if first(query, "geometries") == "geojson":
                body["geojson"] = self.cli.json(args, "geojson")
            return body
        return self.reach_stand_in(objective, cli_place(place), contours, reverse, year, avoid,
                                   first(query, "geometries") == "geojson")

    def reach_stand_in(self, objective, place, contours, reverse, year, avoid, geojson):
        """The earliest arrival at every place by one `route` each (see the module doc)."""
        options = ["--by", objective, "--alternatives", "1"]
        options += ["--year", year] if year else []
        options += ["--avoid", avoid] if avoid else []
        origin = self.cli.json(["places", place])
        if not origin:
            raise error_from_cli(f"unknown place `{place}`")
        rows = self.cli.json(["places"])
        # The place as the network names it, so the CLI resolves it the same way every time.
        origin = next((p for p in origin if p["name"].lower() == place.lower() or p["id"] == place), origin[0])

        def best(p):
            if p["id"] == origin["id"]:
                return p, None
            a, b = (p["id"], origin["id"]) if reverse else (origin["id"], p["id"])
            rc, out, _ = self.cli.run_raw(["route", a, b, *options, "--format", "json"])
            routes = json.loads(out)["routes"] if rc == 0 else []
            return p, (routes[0] if routes else None)

        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(best, rows))

        def band_of(days):
            return next((i + 1 for i, c in enumerate(contours) if days <= c), None)

        days_at = {origin["id"]: 0.0}
        reached = []
        for p, r in results:
            days = 0.0 if r is None and p["id"] == origin["id"] else (r["total_days"] if r else None)
            if days is None or band_of(days) is None:
                continue
            days_at[p["id"]] = days
            reached.append({"id": p["id"], "name": p["name"], "country": p["country"], "lat": p["lat"],
                            "lon": p["lon"], "days": days, "band": band_of(days),
                            "usd": r["total_cost_usd"] if r else 0.0,
                            "co2e_kg": r["total_co2e_kg"] if r else 0.0,
                            "corridor": r["corridor"] if r else None,
                            "via": (r["legs"][0]["to"] if reverse else r["legs"][-1]["from"]) if r else None})
        reached.sort(key=lambda x: x["days"])
        report = {"version": 1, "origin": {k: origin[k] for k in ("id", "name", "country", "lat", "lon")},
                  "query": {"by": objective, "contours_days": contours, "reverse": reverse,
                            "year": int(year) if year else None, "avoid": avoid.split(",") if avoid else []},
                  "places": reached, "note": "mock_server.py stand-in until `silkroute reach` exists"}
        body = self.ok(report)
        if not geojson:
            return body
        shapes = {f["properties"]["link"]: f["geometry"] for f in self.cli.json(["network"], "geojson")["features"]
                  if f["geometry"]["type"] == "LineString"}
        features = []
        # Each link of a best route, in the band of the later of its two ends.
        seen = set()
        for p, r in results:
            for leg in (r["legs"] if r else []):
                ends = [days_at.get(leg["from"]), days_at.get(leg["to"])]
                if None in ends or leg["link"] in seen or leg["link"] not in shapes:
                    continue
                band = band_of(max(ends))
                seen.add(leg["link"])
                features.append({"type": "Feature", "geometry": shapes[leg["link"]],
                                 "properties": {"band": band, "days": contours[band - 1], "link": leg["link"],
                                                "mode": leg["mode"]}})
        for x in reached:
            features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [x["lon"], x["lat"]]},
                             "properties": {k: x[k] for k in ("id", "name", "days", "band", "usd", "co2e_kg",
                                                              "corridor", "via")}})
        body["geojson"] = {"type": "FeatureCollection", "properties": {"note": report["note"]}, "features": features}
        return body

    def assign(self, request):
        args = ["assign"]
        if request.get("year") is not None:
            args += ["--year", str(request["year"])]
        if request.get("avoid"):
            avoid = request["avoid"]
            args += ["--avoid", ",".join(avoid) if isinstance(avoid, list) else str(avoid)]
        if request.get("demand_factor") is not None:
            args += ["--demand-factor", str(request["demand_factor"])]
        body = self.ok(self.cli.json(args))
        if request.get("geometries") == "geojson":
            body["geojson"] = self.cli.json(args, "geojson")
        return body

    def compare(self, request):
        folder = os.path.join(self.repo, "data", "scenarios")
        files = []
        for field in ("base", "other"):
            name = str(request.get(field, ""))
            path = os.path.join(folder, name + ".toml")
            if not re.fullmatch(r"[A-Za-z0-9_]+", name) or not os.path.exists(path):
                known = sorted(f[:-5] for f in os.listdir(folder) if f.endswith(".toml"))
                raise ApiError(400, {"code": "InvalidValue", "field": field, "message":
                                     f"{field}: no scenario `{name}`", "suggestions":
                                     difflib.get_close_matches(name, known, n=5, cutoff=0.4)})
            files.append(path)
        args = ["scenario", "compare", *files]
        body = self.ok(self.cli.json(args))
        if request.get("geometries") == "geojson":
            body["geojson"] = self.cli.json(args, "geojson")
        return body


class Handler(BaseHTTPRequestHandler):
    api = None  # set in main()

    def send(self, status, body, content_type="application/json", extra=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def asset(self, name):
        path = os.path.join(ASSETS, name)
        if "/" in name or name.startswith(".") or not os.path.isfile(path):
            return self.send(404, {"code": "InvalidUrl", "message": f"no asset `{name}`"})
        kind = {".js": "text/javascript", ".css": "text/css", ".geojson": "application/geo+json",
                ".html": "text/html", ".txt": "text/plain"}.get(os.path.splitext(name)[1])
        kind = kind or mimetypes.guess_type(name)[0] or "application/octet-stream"
        with open(path, "rb") as f:
            self.send(200, f.read(), kind + ("; charset=utf-8" if kind.startswith("text/") else ""))

    def answer(self, fn, *args):
        try:
            self.send(200, fn(*args))
        except ApiError as e:
            body = {"code": e.body["code"], "data_version": self.api.cli.data_version, **e.body}
            self.send(e.status, body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        query = urllib.parse.parse_qs(url.query)
        if path in ("/", "/index.html"):
            return self.asset("index.html")
        if path.startswith("/assets/"):
            return self.asset(path[len("/assets/"):])
        if path == "/status":
            return self.answer(self.api.status, query)
        if path == "/network":
            return self.answer(self.api.network, query)
        if path == "/places":
            return self.answer(self.api.places, query)
        m = re.fullmatch(r"/route/v1/([^/]+)/([^/]+)", path)
        if m:
            return self.answer(self.api.route, m.group(1), m.group(2), query)
        m = re.fullmatch(r"/isochrone/v1/([^/]+)/([^/]+)", path)
        if m:
            return self.answer(self.api.isochrone, m.group(1), m.group(2), query)
        self.send(404, {"code": "InvalidUrl", "message": f"no such path `{path}`"})

    def do_POST(self):
        path = urllib.parse.urlsplit(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        try:
            request = json.loads(self.rfile.read(length) or b"{}")
        except json.JSONDecodeError as e:
            return self.send(400, {"code": "InvalidQuery", "message": f"body: {e}"})
        if path == "/assign":
            return self.answer(self.api.assign, request)
        if path == "/scenario/compare":
            return self.answer(self.api.compare, request)
        self.send(404, {"code": "InvalidUrl", "message": f"no such path `{path}`"})

    def log_message(self, fmt, *args):
        sys.stderr.write("mock: " + (fmt % args) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cli", default="target/release/silkroute", help="the silkroute binary")
    parser.add_argument("--repo", default=".", help="the repository (for data/scenarios)")
    parser.add_argument("--addr", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8088)
    args = parser.parse_args()
    repo = os.path.abspath(args.repo)
    Handler.api = Api(Cli(os.path.abspath(args.cli), repo), repo)
    server = ThreadingHTTPServer((args.addr, args.port), Handler)
    print(f"mock silkroute server on http://{args.addr}:{args.port}/ (assets from {ASSETS})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
