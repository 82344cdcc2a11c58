// Converts Natural Earth countries (npm world-atlas, TopoJSON) into the GeoJSON basemap the
// web map draws: one Feature per country with its name, coordinates rounded to 3 decimals
// (about 100 m, finer than a 1:50m map can show). Antarctica is left out: no corridor goes
// near it, and it is 5% of the file.
//
// Run from a scratch npm install, never from the repository (no node_modules here):
//   mkdir /tmp/basemap && cd /tmp/basemap && npm init -y
//   npm install world-atlas@2.0.2 topojson-client@3.1.0
//   node /path/to/assets/tools/basemap.mjs [50m|110m] > /path/to/assets/countries.geojson

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

// Resolve the packages from the working directory (the scratch install), not from this file.
const require = createRequire(join(process.cwd(), "package.json"));
const topojson = require("topojson-client");

const scale = process.argv[2] || "50m";
const topology = JSON.parse(readFileSync(require.resolve(`world-atlas/countries-${scale}.json`), "utf8"));
const countries = topojson.feature(topology, topology.objects.countries);

const round = (x) => Math.round(x * 1000) / 1000;

// world-atlas keeps rings that cross the antimeridian whole (Russia's Chukotka, Fiji), jumping
// from 180 to -180, which a flat map draws as a band round the world. Unwrap such a ring into
// continuous longitudes (Chukotka then lies just east of 180), then shift it by 360° so that
// its median longitude is within ±180.
function unwrapRing(ring) {
  const out = [ring[0].slice()];
  for (let i = 1; i < ring.length; i++) {
    let lon = ring[i][0];
    const prev = out[i - 1][0];
    while (lon - prev > 180) lon -= 360;
    while (lon - prev < -180) lon += 360;
    out.push([lon, ring[i][1]]);
  }
  const lons = out.map((p) => p[0]).sort((a, b) => a - b);
  const shift = -360 * Math.round(lons[lons.length >> 1] / 360);
  return shift ? out.map(([lon, lat]) => [lon + shift, lat]) : out;
}

// Rounds every position and drops the consecutive duplicates that rounding creates.
function roundRing(ring) {
  const out = [];
  for (const [lon, lat] of unwrapRing(ring)) {
    const p = [round(lon), round(lat)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out;
}

function roundGeometry(g) {
  if (!g) return null;
  if (g.type === "Polygon") {
    const rings = g.coordinates.map(roundRing).filter((r) => r.length >= 4);
    return rings.length ? { type: "Polygon", coordinates: rings } : null;
  }
  if (g.type === "MultiPolygon") {
    const polys = g.coordinates
      .map((poly) => poly.map(roundRing).filter((r) => r.length >= 4))
      .filter((poly) => poly.length > 0);
    return polys.length ? { type: "MultiPolygon", coordinates: polys } : null;
  }
  throw new Error(`unexpected geometry type ${g.type}`);
}

const features = [];
for (const f of countries.features) {
  if (f.properties.name === "Antarctica") continue;
  const geometry = roundGeometry(f.geometry);
  if (!geometry) continue; // a country too small to survive rounding
  features.push({ type: "Feature", id: f.id, properties: { name: f.properties.name }, geometry });
}

const out = {
  type: "FeatureCollection",
  properties: {
    source: `Natural Earth 4.1.0 admin-0 countries 1:${scale.replace("m", "")}m (public domain), via npm world-atlas@2.0.2 and topojson-client@3.1.0`,
  },
  features,
};
// One feature per line keeps the file diffable without the size of pretty-printing.
process.stdout.write(
  '{"type":"FeatureCollection","properties":' + JSON.stringify(out.properties) + ',"features":[\n' +
    features.map((f) => JSON.stringify(f)).join(",\n") +
    "\n]}\n",
);
