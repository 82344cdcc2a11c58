// The silkroute web map: one page over the HTTP API (docs/http.md), drawn with Leaflet.
//
// Views: Route (GET /route/v1), Reach (GET /isochrone/v1), Assignment (POST /assign) and
// Scenarios (POST /scenario/compare). The basemap is the embedded Natural Earth countries layer,
// the corridor network (GET /network) and the places (GET /places). Nothing is fetched from
// outside the server.
//
// Deep links: ?view=route&from=Xian&to=Duisburg&by=time&pareto=1&avoid=RU&year=2030&select=1,
// ?view=reach&place=Xian&days=8,12,16&by=time&reverse=1, ?view=assign&year=2026&avoid=RU,
// ?view=compare&base=baseline_2026&other=caspian_closed. The page runs that query on load.
//
// Test hooks on <body>: data-ready="1" once the first query has been drawn or has failed, and
// data-routes, data-places, data-bands, data-flows, data-error for a headless browser to read.

"use strict";

(() => {
  // ---------------------------------------------------------------- constants

  const OBJECTIVES = [
    ["time", "Time"],
    ["cost", "Cost (USD)"],
    ["co2", "CO₂e"],
    ["generalized", "Generalized cost"],
  ];
  const OBJECTIVE_WORDS = { time: "time", cost: "cost", co2: "CO₂e", generalized: "generalized cost" };
  const FIRST_YEAR = 2024;
  const LAST_YEAR = 2035;

  // Closures offered as checkboxes: `avoid` items (countries, modes, corridors) as the CLI takes
  // them. Anything else from a deep link is kept and sent too.
  const AVOID_OPTIONS = [
    ["RU", "Russia"],
    ["BY", "Belarus"],
    ["IR", "Iran"],
    ["ferry", "Ferries (Caspian, Black Sea, Van)"],
    ["sea_suez", "Suez (Red Sea)"],
  ];

  const CORRIDORS = {
    northern: { label: "Northern", colour: "#c2185b" },
    middle: { label: "Middle (TITR)", colour: "#e08e0b" },
    southern: { label: "Southern", colour: "#00897b" },
    sea_suez: { label: "Sea · Suez", colour: "#1e5aa8" },
    sea_cape: { label: "Sea · Cape", colour: "#6a3d9a" },
    regional: { label: "Regional", colour: "#6d7b8a" },
  };
  // Colours for corridors the page does not know yet (another network's).
  const SPARE_COLOURS = ["#8c564b", "#17becf", "#bcbd22", "#7f7f7f", "#d62728", "#2ca02c"];

  // Volume/capacity classes of the assignment view, highest first.
  const VC_CLASSES = [
    { min: 0.95, colour: "#c62828", label: "≥ 0.95 bottleneck" },
    { min: 0.8, colour: "#ef6c00", label: "0.80 – 0.95" },
    { min: 0.5, colour: "#f9a825", label: "0.50 – 0.80" },
    { min: 0, colour: "#2e7d32", label: "< 0.50" },
  ];
  const VC_NONE = { colour: "#5c6f82", label: "no capacity modelled" };

  const CHANGE_UP = "#c0392b";
  const CHANGE_DOWN = "#2471a3";
  const CHANGE_NONE = "#9aa5b1";

  // The map's first view: western China to the North Sea.
  const HOME_BOUNDS = [
    [22, -5],
    [60, 122],
  ];

  // ---------------------------------------------------------------- state

  const state = {
    view: "route",
    places: [], // rows of GET /places
    placeById: new Map(),
    network: null, // GET /network body
    scenarios: [],
    referenceYear: null,
    seq: 0, // the latest query; answers to older ones are dropped
    readyPending: true, // data-ready not yet set
    route: null, // { report, layers: Map(route number -> [layers]), selected }
  };

  // ---------------------------------------------------------------- small helpers

  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

  // Builds an element: h("td", { class: "num" }, "12.3", otherNode). Strings become text nodes,
  // so nothing from a response is ever parsed as HTML.
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "style") node.style.cssText = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat(Infinity)) {
      if (c == null || c === false) continue;
      node.append(c instanceof Node ? c : String(c));
    }
    return node;
  }

  // The same in SVG's namespace, for the Pareto chart.
  function s(tag, attrs, ...children) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null) continue;
      if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children.flat(Infinity)) {
      if (c == null) continue;
      node.append(c instanceof Node ? c : String(c));
    }
    return node;
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  const isNum = (x) => typeof x === "number" && Number.isFinite(x);
  // `|| 0` turns a rounded -0 (an unserved -0.0 in a report) into 0.
  const fmtInt = (x) => (isNum(x) ? (Math.round(x) || 0).toLocaleString("en-US") : "–");
  const fmt1 = (x) => (isNum(x) ? x.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 }) : "–");
  const fmt2 = (x) => (isNum(x) ? x.toFixed(2) : "–");
  // TEU and tonnes per year: 1.04 M, 51.4 k, 830.
  function fmtBig(x) {
    if (!isNum(x)) return "–";
    const a = Math.abs(x);
    if (a >= 1e9) return (x / 1e9).toFixed(2) + " G";
    if (a >= 1e6) return (x / 1e6).toFixed(2) + " M";
    if (a >= 1e4) return (x / 1e3).toFixed(1) + " k";
    return fmtInt(x);
  }
  const signed = (x, f) => (isNum(x) ? (x > 0 ? "+" : x < 0 ? "−" : "±") + f(Math.abs(x)) : "–");

  function corridorInfo(id) {
    if (!id) return { label: "—", colour: "#888" };
    if (CORRIDORS[id]) return CORRIDORS[id];
    // An unknown corridor: a stable spare colour, its name from the network when known.
    let hash = 0;
    for (const ch of id) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
    const net = state.network && (state.network.corridors || []).find((c) => c.id === id);
    CORRIDORS[id] = { label: net ? net.name.split(" (")[0] : id.replace(/_/g, " "), colour: SPARE_COLOURS[hash % SPARE_COLOURS.length] };
    return CORRIDORS[id];
  }
  const corridorName = (id) => {
    const net = state.network && (state.network.corridors || []).find((c) => c.id === id);
    return net ? net.name : corridorInfo(id).label;
  };
  const swatch = (colour, cls = "swatch") => h("span", { class: cls, style: `background:${colour}` });

  const placeName = (id) => (state.placeById.get(id) || {}).name || id;

  function vcClass(vc) {
    if (!isNum(vc)) return VC_NONE;
    return VC_CLASSES.find((c) => vc >= c.min) || VC_CLASSES[VC_CLASSES.length - 1];
  }

  // Linear interpolation between colour stops, for the reach bands (dark = soon).
  function gradedColours(n) {
    const stops = [
      [0x1b, 0x5e, 0x20],
      [0x55, 0x8b, 0x2f],
      [0xc9, 0xa2, 0x27],
      [0xe6, 0x7e, 0x22],
      [0xb2, 0x3a, 0x1a],
    ];
    const out = [];
    for (let i = 0; i < n; i++) {
      const t = n === 1 ? 0 : (i / (n - 1)) * (stops.length - 1);
      const k = Math.min(Math.floor(t), stops.length - 2);
      const f = t - k;
      const c = stops[k].map((v, j) => Math.round(v + (stops[k + 1][j] - v) * f));
      out.push("#" + c.map((v) => v.toString(16).padStart(2, "0")).join(""));
    }
    return out;
  }

  // ---------------------------------------------------------------- the API

  class ApiFailure extends Error {
    constructor(body) {
      super(body.message || body.code);
      this.body = body;
    }
  }

  // Calls the API. Resolves to the body when its code is `Ok`; otherwise rejects with an
  // ApiFailure carrying the error body (the server's, or a made-up `FetchFailed`).
  async function api(path, body) {
    let response;
    try {
      response = await fetch(path, body === undefined
        ? { headers: { Accept: "application/json" } }
        : { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body) });
    } catch (e) {
      throw new ApiFailure({ code: "FetchFailed", message: `The server did not answer (${e.message}).` });
    }
    let json;
    try {
      json = await response.json();
    } catch (e) {
      throw new ApiFailure({ code: "BadResponse", message: `HTTP ${response.status}: the answer is not JSON.` });
    }
    if (!json || json.code !== "Ok") {
      throw new ApiFailure(json && json.code ? json : { code: "BadResponse", message: `HTTP ${response.status}` });
    }
    return json;
  }

  // Places in a URL path: names URL-encoded, `lon,lat` kept readable.
  const encodePlace = (p) => encodeURIComponent(p.trim()).replace(/%2C/gi, ",");

  // ---------------------------------------------------------------- test hooks

  const HOOKS = ["routes", "places", "bands", "flows", "reached", "alternatives"];

  function setHooks(values) {
    for (const k of HOOKS) {
      if (k === "places") continue; // the basemap's count, set once
      document.body.dataset[k] = String(values[k] || 0);
    }
    if (values.error) document.body.dataset.error = values.error;
    else delete document.body.dataset.error;
  }

  function markReady() {
    if (!state.readyPending) return;
    state.readyPending = false;
    document.body.dataset.ready = "1";
  }

  // ---------------------------------------------------------------- the map

  const map = L.map("map", {
    zoomSnap: 0.25,
    minZoom: 2,
    maxZoom: 10,
    worldCopyJump: true,
    attributionControl: true,
  });
  map.fitBounds(HOME_BOUNDS);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com" title="A JavaScript library for interactive maps">Leaflet</a>');

  // Panes fix the drawing order whatever order the layers arrive in.
  for (const [name, z] of [["countries", 200], ["network", 300], ["results", 400], ["places", 450], ["resultPoints", 500], ["endpoints", 550]]) {
    map.createPane(name).style.zIndex = z;
  }
  const layers = {
    network: L.layerGroup([], { pane: "network" }).addTo(map),
    places: L.layerGroup([], { pane: "places" }).addTo(map),
    results: L.layerGroup([], { pane: "results" }).addTo(map),
    endpoints: L.layerGroup([], { pane: "endpoints" }).addTo(map),
  };
  const svgRenderer = (pane) => L.svg({ pane, padding: 0.5 });
  const renderers = {
    countries: L.svg({ pane: "countries" }),
    network: svgRenderer("network"),
    results: svgRenderer("results"),
    resultPoints: svgRenderer("resultPoints"),
    places: svgRenderer("places"),
    endpoints: svgRenderer("endpoints"),
  };

  // A legend in the map's corner whose content each view sets.
  const Legend = L.Control.extend({
    options: { position: "bottomright" },
    onAdd() {
      this.div = L.DomUtil.create("div", "legend");
      L.DomEvent.disableClickPropagation(this.div);
      this.div.hidden = true;
      return this.div;
    },
    show(title, rows) {
      this.div.replaceChildren(h("div", { class: "legend-title" }, title), ...rows);
      this.div.hidden = rows.length === 0;
    },
    hide() {
      this.div.hidden = true;
    },
  });
  const legend = new Legend().addTo(map);
  const legendRow = (mark, text) => h("div", { class: "legend-row" }, mark, h("span", {}, text));
  const lineMark = (colour, width = 4, dash) =>
    h("span", { class: "legend-line", style: `border-top:${width}px ${dash ? "dashed" : "solid"} ${colour}` });
  const dotMark = (fill, stroke) => h("span", { class: "legend-dot", style: `background:${fill};border-color:${stroke || fill}` });

  // [lon, lat] rings to Leaflet's [lat, lon].
  const toLatLngs = (coords) => coords.map(([lon, lat]) => [lat, lon]);

  // Polylines for a LineString or MultiLineString geometry; null for anything else.
  function lineLayer(geometry, style) {
    if (!geometry) return null;
    if (geometry.type === "LineString") return L.polyline(toLatLngs(geometry.coordinates), style);
    if (geometry.type === "MultiLineString") return L.polyline(geometry.coordinates.map(toLatLngs), style);
    return null;
  }

  function pointLatLng(geometry) {
    if (!geometry || geometry.type !== "Point") return null;
    const [lon, lat] = geometry.coordinates;
    return [lat, lon];
  }

  // A tooltip from [label, value] pairs under a title, escaped.
  function tip(title, pairs = []) {
    const rows = pairs
      .filter(([, v]) => v != null && v !== "" && v !== "–")
      .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
      .join("");
    return `<div class="tip"><b>${escapeHtml(title)}</b>${rows ? `<table>${rows}</table>` : ""}</div>`;
  }

  function fitTo(layerList) {
    const group = L.featureGroup(layerList.filter(Boolean));
    const bounds = group.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [30, 30], maxZoom: 6 });
  }

  // ---------------------------------------------------------------- basemap

  async function loadCountries() {
    const response = await fetch("/assets/countries.geojson");
    if (!response.ok) throw new ApiFailure({ code: "FetchFailed", message: `countries.geojson: HTTP ${response.status}` });
    const geojson = await response.json();
    L.geoJSON(geojson, {
      pane: "countries",
      renderer: renderers.countries,
      interactive: false,
      style: { color: "#b8b1a3", weight: 0.6, fillColor: "#f7f5f0", fillOpacity: 1 },
    }).addTo(map);
  }

  async function loadNetwork() {
    const body = await api("/network?geometries=geojson");
    state.network = body;
    state.referenceYear = body.reference_year || null;
    const features = (body.geojson && body.geojson.features) || [];
    for (const f of features) {
      const p = f.properties || {};
      const closed = p.status === "closed";
      const planned = p.status === "planned" || p.status === "under_construction";
      const line = lineLayer(f.geometry, {
        renderer: renderers.network,
        pane: "network",
        color: p.mode === "sea" ? "#7e9bb8" : p.mode === "ferry" ? "#5f8db5" : "#7d8590",
        weight: p.mode === "sea" ? 1 : 1.4,
        opacity: closed ? 0.35 : 0.7,
        dashArray: p.mode === "sea" || p.mode === "ferry" ? "4 4" : planned || closed ? "2 4" : null,
      });
      if (!line) continue;
      line.bindTooltip(
        tip(p.name || p.link || "link", [
          ["mode", p.mode],
          ["km", fmtInt(p.km)],
          ["status", p.status !== "operational" ? `${String(p.status || "").replace(/_/g, " ")}${p.opening_year ? ` (opens ${p.opening_year})` : ""}${p.closing_year ? ` (closed ${p.closing_year})` : ""}` : null],
          ["corridors", (p.corridors || []).map((c) => corridorInfo(c).label).join(", ")],
        ]),
        { sticky: true, className: "quiet" },
      );
      line.addTo(layers.network);
    }
    if (body.geojson && body.geojson.properties && body.geojson.properties.attribution) {
      map.attributionControl.addAttribution(escapeHtml(body.geojson.properties.attribution));
    }
  }

  // Places are small white stations, larger for terminals and ports; results draw over them.
  const PLACE_RADIUS = { city_terminal: 4, seaport: 4, dry_port: 4, border_crossing: 3.2, junction: 2.6, sea_passage: 2.6 };

  async function loadPlaces() {
    const body = await api("/places");
    state.places = body.places || [];
    state.placeById = new Map(state.places.map((p) => [p.id, p]));
    for (const p of state.places) {
      if (!isNum(p.lat) || !isNum(p.lon)) continue;
      const marker = L.circleMarker([p.lat, p.lon], {
        renderer: renderers.places,
        pane: "places",
        radius: PLACE_RADIUS[p.kind] || 3,
        color: p.kind === "seaport" || p.kind === "sea_passage" ? "#3f6f9f" : "#4a5561",
        weight: 1.3,
        fillColor: "#ffffff",
        fillOpacity: 1,
        bubblingMouseEvents: false, // a click on a place is not also a click on the map
      });
      marker.bindTooltip(tip(`${p.name} (${p.country})`, [["kind", String(p.kind || "").replace(/_/g, " ")]]), { direction: "top", offset: [0, -4] });
      marker.on("click", () => onMapPick(p.name, [p.lat, p.lon]));
      marker.addTo(layers.places);
    }
    document.body.dataset.places = String(layers.places.getLayers().length);
  }

  async function loadStatus() {
    const body = await api("/status");
    state.scenarios = Array.isArray(body.scenarios) ? body.scenarios : [];
    const footer = $("#footer");
    footer.replaceChildren(
      h("span", {}, "data ", h("code", {}, body.data_version || "?")),
      body.build ? h("span", {}, " · ", body.build) : null,
      h("span", {}, " · ", h("a", { href: "/openapi.json" }, "API")),
      h("div", { class: "credits" }, "Basemap: Natural Earth (public domain). Map: Leaflet (BSD-2-Clause)."),
    );
    fillScenarioSelects();
  }

  // ---------------------------------------------------------------- forms

  function fillSelect(select, options, value) {
    select.replaceChildren(...options.map(([v, label]) => h("option", { value: v }, label)));
    if (value != null) select.value = value;
  }

  function initForms() {
    for (const id of ["route-by", "reach-by"]) fillSelect($("#" + id), OBJECTIVES, "time");
    const years = [["", "default"]];
    for (let y = FIRST_YEAR; y <= LAST_YEAR; y++) years.push([String(y), String(y)]);
    for (const sel of $$(".year-select")) fillSelect(sel, years, "");
    for (const fs of $$("fieldset.avoid")) {
      for (const [item, label] of AVOID_OPTIONS) {
        fs.append(h("label", { class: "check" }, h("input", { type: "checkbox", value: item }), " ", label));
      }
      // Items from a deep link that have no checkbox.
      fs.append(h("input", { type: "text", class: "avoid-extra", placeholder: "more: TR, link or place ids…", spellcheck: "false", title: "Other things to avoid, comma-separated: country codes, modes, corridors, link ids or places" }));
    }

    $$("#tabs button").forEach((b) => b.addEventListener("click", () => {
      setView(b.dataset.view);
      runView();
    }));

    for (const form of $$("form.panel")) {
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        runView();
      });
    }
    // Options re-run the current query at once.
    for (const el of $$("#form-route select, #form-route input[type=checkbox], #form-reach select, #form-reach input[type=checkbox], #form-assign select, #form-assign input[type=checkbox], #form-compare select")) {
      el.addEventListener("change", () => runView({ quiet: true }));
    }
    $("#form-route .swap").addEventListener("click", () => {
      const a = $("#route-from"), b = $("#route-to");
      [a.value, b.value] = [b.value, a.value];
      runView({ quiet: true });
    });
    $("#form-route .clear").addEventListener("click", () => {
      $("#route-from").value = "";
      $("#route-to").value = "";
      state.clickTarget = "from";
      clearResults();
      setMessage(null);
      setHooks({});
      writeUrl();
    });

    autocomplete($("#route-from"), () => $("#route-to").value || $("#route-to").focus());
    autocomplete($("#route-to"), () => runView());
    autocomplete($("#reach-place"), () => runView());
  }

  function fillScenarioSelects() {
    const opts = state.scenarios.map((n) => [n, n.replace(/_/g, " ")]);
    const base = $("#compare-base"), other = $("#compare-other");
    const keepBase = base.value || base.dataset.want, keepOther = other.value || other.dataset.want;
    fillSelect(base, opts);
    fillSelect(other, opts);
    base.value = state.scenarios.includes(keepBase) ? keepBase : state.scenarios.includes("baseline_2026") ? "baseline_2026" : state.scenarios[0] || "";
    // The default comparison is a disruption with a visible effect, where the network has it.
    const fallback = state.scenarios.includes("caspian_closed") && base.value !== "caspian_closed" ? "caspian_closed" : state.scenarios.find((n) => n !== base.value);
    other.value = state.scenarios.includes(keepOther) ? keepOther : fallback || "";
  }

  function avoidList(form) {
    const fs = $("fieldset.avoid", form);
    if (!fs) return [];
    const items = $$("input[type=checkbox]:checked", fs).map((c) => c.value);
    const extra = $(".avoid-extra", fs).value.split(",").map((x) => x.trim()).filter(Boolean);
    return [...new Set([...items, ...extra])];
  }

  function setAvoid(form, list) {
    const fs = $("fieldset.avoid", form);
    if (!fs) return;
    const known = new Set(AVOID_OPTIONS.map(([v]) => v));
    for (const c of $$("input[type=checkbox]", fs)) c.checked = list.includes(c.value);
    $(".avoid-extra", fs).value = list.filter((x) => !known.has(x)).join(", ");
  }

  function setView(view) {
    if (!["route", "reach", "assign", "compare"].includes(view)) view = "route";
    state.view = view;
    document.body.dataset.view = view;
    for (const b of $$("#tabs button")) b.setAttribute("aria-selected", String(b.dataset.view === view));
    for (const f of $$("form.panel")) f.hidden = f.dataset.view !== view;
    // Map clicks pick places only where a view takes them.
    map.getContainer().classList.toggle("picking", view === "route" || view === "reach");
  }

  // ---------------------------------------------------------------- autocomplete

  // A dropdown of GET /places?q=… under a place input. `onPick` runs after a choice.
  function autocomplete(input, onPick) {
    const list = h("ul", { class: "suggest", role: "listbox", hidden: true });
    input.parentElement.append(list);
    let timer = null, active = -1, seq = 0;

    const close = () => {
      list.hidden = true;
      active = -1;
    };
    const pick = (name) => {
      input.value = name;
      close();
      onPick();
    };
    const highlight = (i) => {
      const items = $$("li[data-name]", list);
      if (!items.length) return;
      active = (i + items.length) % items.length;
      items.forEach((li, j) => li.classList.toggle("active", j === active));
    };

    async function lookup() {
      const q = input.value.trim();
      if (!q || /^-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?$/.test(q)) return close();
      const mine = ++seq;
      let body;
      try {
        body = await api(`/places?q=${encodeURIComponent(q)}&limit=10`);
      } catch (e) {
        return close();
      }
      if (mine !== seq || document.activeElement !== input) return;
      const rows = body.places || [];
      const items = rows.map((p) =>
        h("li", { role: "option", "data-name": p.name, onmousedown: (e) => { e.preventDefault(); pick(p.name); } },
          h("span", { class: "name" }, p.name),
          h("span", { class: "meta" }, `${p.country} · ${String(p.kind || "").replace(/_/g, " ")}`)));
      if (!items.length) {
        const sugg = body.suggestions || [];
        items.push(h("li", { class: "none" }, `No place matches “${q}”.`, sugg.length ? " Did you mean:" : ""));
        for (const name of sugg) {
          items.push(h("li", { role: "option", "data-name": name, onmousedown: (e) => { e.preventDefault(); pick(name); } }, h("span", { class: "name" }, name)));
        }
      }
      list.replaceChildren(...items);
      list.hidden = false;
      active = -1;
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(lookup, 150);
    });
    input.addEventListener("keydown", (e) => {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
      else if (e.key === "Escape") close();
      else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        pick($$("li[data-name]", list)[active].dataset.name);
      }
    });
    input.addEventListener("blur", () => setTimeout(close, 100));
  }

  // ---------------------------------------------------------------- map picks

  // A place marker (its name) or a click on the map (`lon,lat`, snapped by the server).
  function onMapPick(name, latlng) {
    if (state.view === "route") {
      const from = $("#route-from"), to = $("#route-to");
      if (!from.value || state.clickTarget !== "to") {
        from.value = name;
        to.value = "";
        state.clickTarget = "to";
        clearResults();
        setHooks({});
        showEndpoints([[latlng, "from"]]);
        setMessage("info", "Origin set. Click the destination, or type it.");
      } else {
        to.value = name;
        state.clickTarget = "from";
        runView();
      }
    } else if (state.view === "reach") {
      $("#reach-place").value = name;
      runView();
    }
  }

  map.on("click", (e) => {
    if (state.view !== "route" && state.view !== "reach") return;
    const ll = e.latlng.wrap();
    onMapPick(`${ll.lng.toFixed(2)},${ll.lat.toFixed(2)}`, [ll.lat, ll.lng]);
  });

  function showEndpoints(list) {
    layers.endpoints.clearLayers();
    for (const [latlng, which] of list) {
      L.circleMarker(latlng, {
        renderer: renderers.endpoints,
        pane: "endpoints",
        radius: 8,
        color: which === "from" ? "#1b5e20" : "#b71c1c",
        weight: 3,
        fillColor: "#ffffff",
        fillOpacity: 0.9,
        interactive: false,
      }).addTo(layers.endpoints);
    }
  }

  // ---------------------------------------------------------------- messages and results

  function setMessage(kind, ...content) {
    const box = $("#message");
    if (!kind) {
      box.replaceChildren();
      box.className = "";
      return;
    }
    box.className = "msg msg-" + kind;
    box.replaceChildren(...content);
  }

  function clearResults() {
    layers.results.clearLayers();
    layers.endpoints.clearLayers();
    legend.hide();
    $("#results").replaceChildren();
    state.route = null;
  }

  // Shows an error body readably: the code, the message, and what the code carries.
  function showError(err) {
    const body = err instanceof ApiFailure ? err.body : { code: "ScriptError", message: String(err && err.message || err) };
    const parts = [h("div", { class: "msg-title" }, errorTitle(body.code)), h("div", {}, body.message || "")];
    if (body.code === "UnknownPlace") {
      const sugg = body.suggestions || [];
      if (sugg.length) {
        parts.push(h("div", { class: "did-you-mean" }, "Did you mean ",
          sugg.map((name, i) => [i ? ", " : "", h("button", { type: "button", class: "link", onclick: () => useSuggestion(body.field, body.query, name) }, name)]), "?"));
      }
    } else if (body.code === "NoRoute" && Array.isArray(body.reasons) && body.reasons.length) {
      parts.push(h("ul", { class: "reasons" }, body.reasons.map((r) =>
        h("li", { title: r.name || "" },
          swatch(corridorInfo(r.corridor).colour), " ",
          h("b", {}, corridorInfo(r.corridor).label), ": ", r.reason || "no route"))));
    } else if (body.code === "NoSegment") {
      if (body.nearest && !String(body.message || "").includes(body.nearest)) parts.push(h("div", {}, `The nearest place is ${body.nearest}${isNum(body.distance_km) ? `, ${fmtInt(body.distance_km)} km away` : ""}.`));
    } else if (body.code === "InvalidValue" && body.field) {
      parts.push(h("div", { class: "meta" }, "Field: ", h("code", {}, body.field)));
    } else if (body.code === "Busy" || body.code === "Timeout") {
      parts.push(h("div", { class: "meta" }, "The server is busy with long jobs; try again in a moment."));
    }
    parts.push(h("div", { class: "meta code" }, body.code));
    setMessage("error", ...parts);
    return body.code || "Error";
  }

  function errorTitle(code) {
    return {
      UnknownPlace: "Unknown place",
      NoRoute: "No route",
      NoSegment: "Too far from the network",
      InvalidValue: "Invalid value",
      InvalidQuery: "Invalid query",
      InvalidUrl: "No such endpoint",
      InvalidService: "Unknown objective",
      TooBig: "Request too big",
      Busy: "Server busy",
      Timeout: "Timed out",
      FetchFailed: "No answer from the server",
    }[code] || code || "Error";
  }

  // Puts a suggested name in place of the unknown one and runs the query again.
  function useSuggestion(field, query, name) {
    const inputs = state.view === "reach" ? [$("#reach-place")] : [$("#route-from"), $("#route-to")];
    let target = null;
    if (state.view === "route" && (field === "from" || field === "to")) target = field === "from" ? inputs[0] : inputs[1];
    if (!target) target = inputs.find((i) => i.value.trim() === query) || inputs[0];
    target.value = name;
    runView();
  }

  const table = (head, rows, attrs = {}) =>
    h("table", { class: "data", ...attrs },
      h("thead", {}, h("tr", {}, head.map(([label, cls]) => h("th", { class: cls }, label)))),
      h("tbody", {}, rows));

  // ---------------------------------------------------------------- running a view

  async function runView(opts = {}) {
    const view = state.view;
    const seq = ++state.seq;
    const runner = { route: runRoute, reach: runReach, assign: runAssign, compare: runCompare }[view];
    let hooks = {};
    try {
      const job = runner(seq, opts);
      if (!job) return false; // not enough input to query yet
      setMessage("busy", view === "assign" || view === "compare" ? "Assigning the freight demand… (a few seconds)" : "Loading…");
      writeUrl();
      hooks = await job;
      if (seq !== state.seq) return true;
      setMessage(null);
    } catch (err) {
      if (seq !== state.seq) return true;
      clearResults();
      hooks = { error: showError(err) };
      if (!(err instanceof ApiFailure)) console.warn(err); // a bug of this page: keep its stack
    }
    setHooks(hooks);
    return true;
  }

  // ---------------------------------------------------------------- route view

  function runRoute(seq) {
    const from = $("#route-from").value.trim(), to = $("#route-to").value.trim();
    if (!from || !to) {
      if (!from && !to) setMessage("info", "Type an origin and a destination, or click two places on the map.");
      return null;
    }
    const by = $("#route-by").value;
    const pareto = $("#route-pareto").checked;
    const year = $("#route-year").value;
    const avoid = avoidList($("#form-route"));
    let url = `/route/v1/${by}/${encodePlace(from)};${encodePlace(to)}?alternatives=5&geometries=geojson`;
    if (pareto) url += "&pareto=true";
    if (avoid.length) url += "&avoid=" + avoid.map(encodeURIComponent).join(",");
    if (year) url += "&year=" + year;
    return api(url).then((body) => (seq === state.seq ? drawRoute(body) : {}));
  }

  function drawRoute(body) {
    clearResults();
    const routes = body.routes || [];
    const features = (body.geojson && body.geojson.features) || [];
    const byRoute = new Map(); // route number -> { lines: [], points: [] }
    const group = (n) => byRoute.get(n) || byRoute.set(n, { lines: [], points: [] }).get(n);
    let lineCount = 0;
    // Draw the last route first so route 1 ends on top where routes share track.
    const ordered = [...features].sort((a, b) => ((b.properties || {}).route || 0) - ((a.properties || {}).route || 0));
    for (const f of ordered) {
      const p = f.properties || {};
      const n = p.route || 1;
      const colour = corridorInfo(p.corridor || (routes[n - 1] || {}).corridor).colour;
      const latlng = pointLatLng(f.geometry);
      if (latlng) {
        // A transfer: handling at a terminal, border, gauge change or port.
        const m = L.circleMarker(latlng, { renderer: renderers.resultPoints, pane: "resultPoints", radius: 4.5, color: "#fff", weight: 1.5, fillColor: colour, fillOpacity: 1 });
        m.bindTooltip(tip(p.name || placeName(p.node) || "transfer", [
          ["route", `${n} · ${corridorInfo(p.corridor).label}`],
          ["", p.reason || String(p.kind || "").replace(/_/g, " ")],
          ["hours", fmt1(p.hours)],
          ["USD", fmtInt(p.cost_usd)],
        ]), { direction: "top" });
        m.on("click", () => selectRoute(n));
        m.addTo(layers.results);
        group(n).points.push(m);
        continue;
      }
      const line = lineLayer(f.geometry, { renderer: renderers.results, pane: "results", color: colour, weight: 4, opacity: 0.9, lineJoin: "round" });
      if (!line) continue;
      lineCount += 1;
      line.bindTooltip(tip(`${placeName(p.from)} – ${placeName(p.to)}`, [
        ["route", `${n} · ${corridorInfo(p.corridor).label}`],
        ["mode", p.mode],
        ["km", fmtInt(p.km)],
        ["hours", fmt1(p.hours)],
        ["USD", fmtInt(p.cost_usd)],
        ["kg CO₂e", fmtInt(p.co2e_kg)],
      ]), { sticky: true });
      line.on("click", (e) => {
        L.DomEvent.stopPropagation(e);
        selectRoute(n);
      });
      line.addTo(layers.results);
      group(n).lines.push(line);
    }
    state.route = { report: body, groups: byRoute, selected: null };

    const ends = [];
    if (body.from && isNum(body.from.lat)) ends.push([[body.from.lat, body.from.lon], "from"]);
    if (body.to && isNum(body.to.lat)) ends.push([[body.to.lat, body.to.lon], "to"]);
    showEndpoints(ends);
    fitTo([...layers.results.getLayers(), ...layers.endpoints.getLayers()]);

    // Legend: the corridors drawn.
    const seen = [...new Set(routes.map((r) => r.corridor))];
    legend.show("Corridor", [
      ...seen.map((c) => legendRow(lineMark(corridorInfo(c).colour), corridorInfo(c).label)),
      legendRow(dotMark("#555", "#fff"), "transfer (handling)"),
    ]);

    renderRouteResults(body);
    // A deep link's `select=N` applies to the first answer only.
    const want = state.wantSelect;
    state.wantSelect = null;
    if (want && want <= routes.length) selectRoute(want);
    return { routes: lineCount, alternatives: routes.length };
  }

  function renderRouteResults(body) {
    const routes = body.routes || [];
    const q = body.query || {};
    const place = (x) => (x ? `${x.name}${x.snapped_km ? ` (snapped ${fmt1(x.snapped_km)} km)` : ""}` : "?");
    const meta = [
      `best by ${OBJECTIVE_WORDS[q.by] || q.by}`,
      q.year ? `network of ${q.year}` : null,
      q.avoid && q.avoid.length ? `avoiding ${q.avoid.join(", ")}` : null,
      q.pareto ? "Pareto set" : null,
    ].filter(Boolean).join(" · ");

    // The best value of each column in bold.
    const best = (key) => Math.min(...routes.map((r) => r[key]).filter(isNum));
    const cols = ["total_days", "total_cost_usd", "total_co2e_kg", "generalized_cost_usd"];
    const mins = Object.fromEntries(cols.map((k) => [k, best(k)]));
    const cell = (r, k, f) => h("td", { class: "num" + (r[k] === mins[k] ? " best" : "") }, f(r[k]));

    const rows = routes.map((r, i) =>
      h("tr", { "data-route": i + 1, class: "clickable", onclick: () => selectRoute(i + 1), title: corridorName(r.corridor) },
        h("td", { class: "num idx" }, i + 1),
        h("td", { class: "nowrap" }, swatch(corridorInfo(r.corridor).colour), " ", corridorInfo(r.corridor).label),
        cell(r, "total_days", fmt1),
        cell(r, "total_cost_usd", fmtInt),
        cell(r, "total_co2e_kg", fmtInt),
        cell(r, "generalized_cost_usd", fmtInt)));

    const out = [
      h("h2", {}, `${place(body.from)} → ${place(body.to)}`),
      h("p", { class: "meta" }, meta),
    ];
    if (q.pareto && routes.length) out.push(paretoChart(routes));
    out.push(
      table([["#", "num"], ["Corridor"], ["Days", "num"], ["USD/FEU", "num"], ["kg CO₂e", "num"], ["Gen. USD", "num"]], rows, { id: "routes-table" }),
      h("p", { class: "hint" }, routes.length ? "Click a route (row or line) for its legs." : "No routes."),
      h("div", { id: "legs" }),
    );
    $("#results").replaceChildren(...out);
  }

  function selectRoute(n) {
    const r = state.route;
    if (!r) return;
    r.selected = r.selected === n ? null : n;
    for (const [k, g] of r.groups) {
      const on = r.selected === null || r.selected === k;
      for (const line of g.lines) {
        line.setStyle({ weight: r.selected === k ? 6.5 : 4, opacity: on ? 0.92 : 0.22 });
        if (r.selected === k) line.bringToFront();
      }
      for (const m of g.points) {
        m.setStyle({ opacity: on ? 1 : 0.25, fillOpacity: on ? 1 : 0.25 });
        if (r.selected === k) m.bringToFront();
      }
    }
    for (const tr of $$("#routes-table tbody tr")) tr.classList.toggle("selected", Number(tr.dataset.route) === r.selected);
    for (const c of $$(".pareto circle[data-route]")) c.classList.toggle("selected", Number(c.dataset.route) === r.selected);
    renderLegs(r.selected ? (r.report.routes || [])[r.selected - 1] : null, r.selected);
  }

  function renderLegs(route, n) {
    const box = $("#legs");
    if (!box) return;
    if (!route) return box.replaceChildren();
    const legs = route.legs || [];
    const transfers = route.transfers || [];
    // Transfers sit between legs: `after_leg` counts the legs before them.
    const rows = [];
    const transferRow = (t) =>
      h("tr", { class: "transfer" },
        h("td", { colspan: 3 }, "⟳ ", placeName(t.node), ": ", t.reason || String(t.kind || "").replace(/_/g, " ")),
        h("td", { class: "num" }, fmt1(t.hours)),
        h("td", { class: "num" }, fmtInt(t.cost_usd)),
        h("td", { class: "num" }, ""));
    legs.forEach((leg, i) => {
      for (const t of transfers.filter((t) => t.after_leg === i)) rows.push(transferRow(t));
      rows.push(h("tr", {},
        h("td", {}, `${placeName(leg.from)} → ${placeName(leg.to)}`),
        h("td", {}, leg.mode),
        h("td", { class: "num" }, fmtInt(leg.km)),
        h("td", { class: "num" }, fmt1(leg.hours)),
        h("td", { class: "num" }, fmtInt(leg.cost_usd)),
        h("td", { class: "num" }, fmtInt(leg.co2e_kg))));
    });
    for (const t of transfers.filter((t) => t.after_leg >= legs.length)) rows.push(transferRow(t));
    box.replaceChildren(
      h("h3", {}, swatch(corridorInfo(route.corridor).colour), ` Route ${n}: ${corridorName(route.corridor)}`),
      h("p", { class: "meta" }, `${fmtInt(route.total_km)} km · ${fmt1(route.total_days)} days (${fmt1(route.handling_hours)} h handling) · ${fmtInt(route.total_cost_usd)} USD/FEU · ${fmtInt(route.total_co2e_kg)} kg CO₂e`),
      table([["Leg"], ["Mode"], ["km", "num"], ["h", "num"], ["USD", "num"], ["kg CO₂e", "num"]], rows, { class: "data legs" }),
    );
  }

  // An inline SVG scatter of the Pareto set: days across, USD/FEU up, one dot per route.
  function paretoChart(routes) {
    const W = 340, H = 190, m = { l: 50, r: 12, t: 12, b: 32 };
    const xs = routes.map((r) => r.total_days), ys = routes.map((r) => r.total_cost_usd);
    const xt = niceTicks(Math.min(...xs), Math.max(...xs), 5), yt = niceTicks(Math.min(...ys), Math.max(...ys), 4);
    const [x0, x1] = [xt[0], xt[xt.length - 1]], [y0, y1] = [yt[0], yt[yt.length - 1]];
    const X = (v) => m.l + ((v - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
    const Y = (v) => H - m.b - ((v - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
    const order = routes.map((r, i) => [r, i + 1]).sort((a, b) => a[0].total_days - b[0].total_days);
    // The trade-off as a staircase: faster routes cost more.
    let path = "";
    order.forEach(([r], i) => {
      path += i === 0 ? `M${X(r.total_days)},${Y(r.total_cost_usd)}` : `H${X(r.total_days)}V${Y(r.total_cost_usd)}`;
    });
    // Route numbers beside their dots, moved round a dot until clear of the labels and dots
    // already placed (routes of one corridor often sit close together).
    const taken = order.map(([r]) => [X(r.total_days), Y(r.total_cost_usd)]);
    const placeLabel = (cx, cy) => {
      const tries = [[8, -6], [8, 13], [-15, -6], [-15, 13], [-4, -10], [-4, 20]];
      for (const [dx, dy] of tries) {
        const [x, y] = [cx + dx, cy + dy];
        const centre = [x + 3, y - 4];
        if (taken.every(([tx, ty]) => Math.hypot(tx - centre[0], ty - centre[1]) >= 12)) {
          taken.push(centre);
          return [x, y];
        }
      }
      return [cx + tries[0][0], cy + tries[0][1]];
    };
    return h("figure", { class: "pareto" },
      s("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img", "aria-label": "Days against USD per FEU of the Pareto routes" },
        xt.map((v) => s("g", {}, s("line", { x1: X(v), x2: X(v), y1: m.t, y2: H - m.b, class: "grid" }), s("text", { x: X(v), y: H - m.b + 14, "text-anchor": "middle" }, String(v)))),
        yt.map((v) => s("g", {}, s("line", { x1: m.l, x2: W - m.r, y1: Y(v), y2: Y(v), class: "grid" }), s("text", { x: m.l - 5, y: Y(v) + 4, "text-anchor": "end" }, v.toLocaleString("en-US")))),
        s("path", { d: path, class: "front" }),
        s("text", { x: (m.l + W - m.r) / 2, y: H - 3, "text-anchor": "middle", class: "axis" }, "days"),
        s("text", { x: 11, y: (m.t + H - m.b) / 2, "text-anchor": "middle", class: "axis", transform: `rotate(-90 11 ${(m.t + H - m.b) / 2})` }, "USD / FEU"),
        order.map(([r, n]) => {
          const [cx, cy] = [X(r.total_days), Y(r.total_cost_usd)];
          const [lx, ly] = placeLabel(cx, cy);
          return s("g", { class: "pt", onclick: () => selectRoute(n) },
            s("circle", { cx, cy, r: 6, fill: corridorInfo(r.corridor).colour, "data-route": n },
              s("title", {}, `${n}: ${corridorInfo(r.corridor).label}, ${fmt1(r.total_days)} days, ${fmtInt(r.total_cost_usd)} USD, ${fmtInt(r.total_co2e_kg)} kg CO₂e`)),
            s("text", { x: lx, y: ly, class: "label" }, String(n)));
        })),
      h("figcaption", {}, "Pareto set: no route is both faster and cheaper (and lower in CO₂e) than another."));
  }

  // About `count` round tick values covering [lo, hi].
  function niceTicks(lo, hi, count) {
    if (lo === hi) {
      lo -= 1;
      hi += 1;
    }
    const raw = (hi - lo) / count;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((st) => st >= raw);
    const ticks = [];
    for (let v = Math.floor(lo / step) * step; v <= hi + step * 0.999; v += step) {
      ticks.push(Number(v.toFixed(6)));
      if (v >= hi) break;
    }
    return ticks;
  }

  // ---------------------------------------------------------------- reach view

  function parseDays(text) {
    const days = [...new Set(String(text).split(/[,\s]+/).map(Number).filter((d) => isNum(d) && d > 0))].sort((a, b) => a - b);
    return days;
  }

  function runReach(seq) {
    const place = $("#reach-place").value.trim();
    if (!place) {
      setMessage("info", "Type a place, or click one on the map.");
      return null;
    }
    const contours = parseDays($("#reach-days").value);
    if (!contours.length) {
      setMessage("error", h("div", { class: "msg-title" }, "Invalid value"), "Within days: one or more numbers of days, e.g. 8,12,16.");
      return null;
    }
    $("#reach-days").value = contours.join(",");
    const by = $("#reach-by").value;
    let url = `/isochrone/v1/${by}/${encodePlace(place)}?contours_days=${contours.join(",")}&geometries=geojson`;
    if ($("#reach-reverse").checked) url += "&reverse=true";
    return api(url).then((body) => (seq === state.seq ? drawReach(body, contours) : {}));
  }

  // The band (0-based) of a reach feature. Points carry their arrival `days`; lines carry the
  // band's limit in `days`. Either way, the first contour at or above it. `band` is the
  // fallback: a contour value, or a 1-based index.
  function bandIndex(p, contours) {
    if (isNum(p.days)) {
      const i = contours.findIndex((c) => p.days <= c + 1e-9);
      return i >= 0 ? i : null;
    }
    if (isNum(p.band)) {
      const byValue = contours.indexOf(p.band);
      if (byValue >= 0) return byValue;
      if (Number.isInteger(p.band) && p.band >= 1 && p.band <= contours.length) return p.band - 1;
      if (p.band === 0) return 0;
    }
    return null;
  }

  function drawReach(body, asked) {
    clearResults();
    const q = body.query || {};
    const contours = Array.isArray(q.contours_days) && q.contours_days.length ? [...q.contours_days].map(Number).sort((a, b) => a - b) : asked;
    const colours = gradedColours(contours.length);
    const features = (body.geojson && body.geojson.features) || [];
    const perBand = contours.map(() => ({ lines: 0, places: 0 }));
    const reached = [];
    // Outer bands first, so the nearer, darker bands end on top.
    const lines = [], points = [], areas = [];
    for (const f of features) {
      const g = f.geometry || {};
      if (g.type === "Point") points.push(f);
      else if (g.type === "LineString" || g.type === "MultiLineString") lines.push(f);
      else if (g.type === "Polygon" || g.type === "MultiPolygon") areas.push(f);
    }
    const byBandDesc = (a, b) => (bandIndex(b.properties || {}, contours) ?? -1) - (bandIndex(a.properties || {}, contours) ?? -1);
    // Optional display polygons, faint under the lines.
    for (const f of areas.sort(byBandDesc)) {
      const i = bandIndex(f.properties || {}, contours);
      if (i == null) continue;
      L.geoJSON(f, { pane: "results", renderer: renderers.results, interactive: false, style: { color: colours[i], weight: 0, fillColor: colours[i], fillOpacity: 0.12 } }).addTo(layers.results);
    }
    for (const f of lines.sort(byBandDesc)) {
      const p = f.properties || {};
      const i = bandIndex(p, contours);
      if (i == null) continue;
      const line = lineLayer(f.geometry, { renderer: renderers.results, pane: "results", color: colours[i], weight: 4, opacity: 0.9, lineJoin: "round" });
      line.bindTooltip(tip(p.name || (p.link ? p.link.replace(/_/g, " ") : "reached"), [["within", `${contours[i]} days`]]), { sticky: true });
      line.addTo(layers.results);
      perBand[i].lines += 1;
    }
    for (const f of points.sort(byBandDesc)) {
      const p = f.properties || {};
      const i = bandIndex(p, contours);
      if (i == null) continue;
      const name = p.name || placeName(p.id || p.node || p.place) || "place";
      const m = L.circleMarker(pointLatLng(f.geometry), { renderer: renderers.resultPoints, pane: "resultPoints", radius: 5, color: "#fff", weight: 1.5, fillColor: colours[i], fillOpacity: 1 });
      m.bindTooltip(tip(name, [
        ["days", fmt1(p.days)],
        ["USD/FEU", fmtInt(p.usd ?? p.cost_usd)],
        ["kg CO₂e", fmtInt(p.co2e_kg)],
        ["corridor", p.corridor ? corridorInfo(p.corridor).label : null],
        ["via", p.via ? placeName(p.via) : null],
      ]), { direction: "top" });
      m.addTo(layers.results);
      perBand[i].places += 1;
      reached.push({ ...p, name, band: i });
    }
    const origin = body.origin || body.from || (Array.isArray(body.origins) ? body.origins[0] : null);
    if (origin && isNum(origin.lat)) showEndpoints([[[origin.lat, origin.lon], "from"]]);
    fitTo([...layers.results.getLayers(), ...layers.endpoints.getLayers()]);

    const reverse = q.reverse === true;
    legend.show(reverse ? "Arriving within" : "Reached within", contours.map((c, i) => legendRow(lineMark(colours[i], 5), `${c} days`)));

    reached.sort((a, b) => (a.days ?? Infinity) - (b.days ?? Infinity));
    const title = `${reverse ? "Reaching" : "Reach from"} ${origin ? origin.name : $("#reach-place").value}`;
    $("#results").replaceChildren(
      h("h2", {}, title),
      h("p", { class: "meta" }, `by ${OBJECTIVE_WORDS[q.by || $("#reach-by").value] || q.by} · within ${contours.join(", ")} days${body.note ? ` · ${body.note}` : ""}`),
      table([["Band"], ["Places", "num"], ["Links", "num"]],
        contours.map((c, i) => h("tr", {}, h("td", {}, swatch(colours[i]), ` ≤ ${c} days`), h("td", { class: "num" }, perBand[i].places), h("td", { class: "num" }, perBand[i].lines)))),
      h("h3", {}, `${reached.length} places`),
      h("div", { class: "scroll" },
        table([["Place"], ["Days", "num"], ["USD/FEU", "num"], ["Corridor"]],
          reached.map((r) => h("tr", {},
            h("td", {}, swatch(colours[r.band]), " ", r.name),
            h("td", { class: "num" }, fmt1(r.days)),
            h("td", { class: "num" }, fmtInt(r.usd ?? r.cost_usd)),
            h("td", {}, r.corridor ? corridorInfo(r.corridor).label : ""))))),
    );
    return { bands: perBand.filter((b) => b.lines + b.places > 0).length, reached: reached.length };
  }

  // ---------------------------------------------------------------- assignment view

  function runAssign(seq) {
    const body = { geometries: "geojson" };
    const year = $("#assign-year").value;
    body.year = year ? Number(year) : state.referenceYear || undefined;
    const avoid = avoidList($("#form-assign"));
    if (avoid.length) body.avoid = avoid;
    return api("/assign", body).then((r) => (seq === state.seq ? drawAssign(r) : {}));
  }

  function flowWidth(flow, max) {
    return 1.5 + 9 * Math.sqrt(Math.max(0, flow) / (max || 1));
  }

  function drawAssign(body) {
    clearResults();
    const features = (body.geojson && body.geojson.features) || [];
    const lines = features.filter((f) => f.geometry && f.geometry.type !== "Point" && (f.properties || {}).teu_per_year > 0);
    const points = features.filter((f) => f.geometry && f.geometry.type === "Point");
    const maxFlow = Math.max(1, ...lines.map((f) => f.properties.teu_per_year));
    let count = 0;
    // Thin lines first, so thick ones do not hide them... and bottlenecks on top of all.
    lines.sort((a, b) => (a.properties.vc ?? -1) - (b.properties.vc ?? -1) || b.properties.teu_per_year - a.properties.teu_per_year);
    for (const f of lines) {
      const p = f.properties;
      const cls = vcClass(p.vc);
      const line = lineLayer(f.geometry, { renderer: renderers.results, pane: "results", color: cls.colour, weight: flowWidth(p.teu_per_year, maxFlow), opacity: 0.85, lineCap: "butt", lineJoin: "round" });
      if (!line) continue;
      line.bindTooltip(tip(p.name || p.link, [
        ["TEU/year", fmtInt(p.teu_per_year)],
        ["forward", isNum(p.teu_forward) ? `${fmtInt(p.teu_forward)} (${placeName(p.from)} → ${placeName(p.to)})` : null],
        ["backward", isNum(p.teu_backward) ? fmtInt(p.teu_backward) : null],
        ["capacity", isNum(p.capacity_teu_per_year) ? fmtInt(p.capacity_teu_per_year) : "not modelled"],
        ["v/c", fmt2(p.vc)],
        ["delay h", fmt1(p.delay_hours)],
        ["mode", p.mode],
      ]), { sticky: true });
      line.addTo(layers.results);
      count += 1;
    }
    const maxFac = Math.max(1, ...points.map((f) => (f.properties || {}).teu_per_year || 0));
    for (const f of points) {
      const p = f.properties || {};
      const cls = vcClass(p.vc);
      const m = L.circleMarker(pointLatLng(f.geometry), { renderer: renderers.resultPoints, pane: "resultPoints", radius: 4 + 7 * Math.sqrt((p.teu_per_year || 0) / maxFac), color: "#fff", weight: 1.5, fillColor: cls.colour, fillOpacity: 0.95 });
      m.bindTooltip(tip(p.name || placeName(p.node), [
        ["kind", String(p.kind || "").replace(/_/g, " ")],
        ["TEU/year", fmtInt(p.teu_per_year)],
        ["capacity", fmtInt(p.capacity_teu_per_year)],
        ["v/c", fmt2(p.vc)],
        ["delay h", fmt1(p.delay_hours)],
      ]), { direction: "top" });
      m.addTo(layers.results);
    }
    fitTo(layers.results.getLayers());
    legend.show("Volume / capacity", [
      ...VC_CLASSES.map((c) => legendRow(lineMark(c.colour, 5), c.label)),
      legendRow(lineMark(VC_NONE.colour, 5), VC_NONE.label),
      h("div", { class: "legend-note" }, `width: TEU/year (max ${fmtBig(maxFlow)}); dots: facilities`),
    ]);
    renderAssignSummary(body);
    return { flows: count };
  }

  function renderAssignSummary(r) {
    const t = r.totals || {};
    const out = [
      h("h2", {}, `Freight assignment ${r.year || ""}`),
      h("p", { class: "meta" }, [
        r.method ? `method ${r.method}` : null,
        isNum(r.iterations) ? `${r.iterations} iteration${r.iterations === 1 ? "" : "s"}` : null,
        isNum(r.relative_gap) ? `gap ${r.relative_gap.toExponential(1)}` : null,
        r.converged === false ? "NOT converged" : r.converged ? "converged" : null,
        r.closed && r.closed.length ? `closed: ${r.closed.join(", ")}` : null,
      ].filter(Boolean).join(" · ")),
      h("dl", { class: "kv" },
        kv("Demand", `${fmtBig(t.demand_teu_per_year)} TEU/yr`),
        kv("Assigned", `${fmtBig(t.assigned_teu_per_year)} TEU/yr`),
        kv("Unserved", `${fmtBig(Math.abs(t.unserved_teu_per_year || 0) < 0.5 ? 0 : t.unserved_teu_per_year)} TEU/yr`),
        kv("TEU-km", fmtBig(t.teu_km_per_year)),
        kv("CO₂e", `${fmtBig(t.co2e_t_per_year)} t/yr`),
        kv("Gen. cost", `${fmtBig(t.generalized_cost_usd_per_year)} USD/yr`)),
    ];
    const corridors = r.corridors || [];
    if (corridors.length) {
      out.push(h("h3", {}, "Corridors"), table([["Corridor"], ["TEU/yr", "num"], ["Share"]],
        corridors.map((c) => h("tr", { title: c.name || "" },
          h("td", {}, swatch(corridorInfo(c.corridor).colour), " ", corridorInfo(c.corridor).label),
          h("td", { class: "num" }, fmtBig(c.teu_per_year)),
          h("td", { class: "bar-cell" }, h("span", { class: "bar", style: `width:${Math.round((c.share || 0) * 100)}%;background:${corridorInfo(c.corridor).colour}` }), h("span", { class: "bar-label" }, `${Math.round((c.share || 0) * 1000) / 10}%`))))));
    }
    const bottlenecks = r.bottlenecks || [];
    if (bottlenecks.length) {
      out.push(h("h3", {}, "Bottlenecks"), table([["Element"], ["v/c", "num"], ["Delay h", "num"]],
        bottlenecks.slice(0, 10).map((b) => h("tr", {},
          h("td", {}, swatch(vcClass(b.vc).colour), " ", b.name || b.id),
          h("td", { class: "num" }, fmt2(b.vc)),
          h("td", { class: "num" }, fmt1(b.delay_hours))))));
    }
    if ((r.unserved || []).length) {
      out.push(h("h3", {}, "Unserved"), h("ul", { class: "plain" }, r.unserved.slice(0, 10).map((u) => h("li", {}, typeof u === "string" ? u : `${u.origin || ""} → ${u.destination || ""}: ${fmtBig(u.teu_per_year)} TEU/yr`))));
    }
    if ((r.warnings || []).length) {
      out.push(h("h3", {}, "Warnings"), h("ul", { class: "plain warn" }, r.warnings.map((w) => h("li", {}, typeof w === "string" ? w : w.message || JSON.stringify(w)))));
    }
    $("#results").replaceChildren(...out);
  }

  const kv = (k, v) => [h("dt", {}, k), h("dd", {}, v)];

  // ---------------------------------------------------------------- scenario comparison view

  function runCompare(seq) {
    const base = $("#compare-base").value || $("#compare-base").dataset.want;
    const other = $("#compare-other").value || $("#compare-other").dataset.want;
    if (!base || !other) {
      setMessage("info", "Choose two scenarios.");
      return null;
    }
    return api("/scenario/compare", { base, other, geometries: "geojson" }).then((r) => (seq === state.seq ? drawCompare(r) : {}));
  }

  function drawCompare(body) {
    clearResults();
    const features = (body.geojson && body.geojson.features) || [];
    const delta = (p) => (isNum(p.delta_teu_per_year) ? p.delta_teu_per_year : 0);
    const lines = features.filter((f) => f.geometry && f.geometry.type !== "Point");
    const points = features.filter((f) => f.geometry && f.geometry.type === "Point");
    const maxDelta = Math.max(1, ...features.map((f) => Math.abs(delta(f.properties || {}))));
    let changed = 0;
    // Unchanged flows thin and grey underneath; changes on top, the largest last.
    lines.sort((a, b) => Math.abs(delta(a.properties || {})) - Math.abs(delta(b.properties || {})));
    for (const f of lines) {
      const p = f.properties || {};
      const d = delta(p);
      const moved = Math.abs(d) >= 0.5;
      if (!moved && !((p.other_teu_per_year || 0) > 0)) continue;
      const line = lineLayer(f.geometry, moved
        ? { renderer: renderers.results, pane: "results", color: d > 0 ? CHANGE_UP : CHANGE_DOWN, weight: flowWidth(Math.abs(d), maxDelta), opacity: 0.85, lineCap: "butt" }
        : { renderer: renderers.results, pane: "results", color: CHANGE_NONE, weight: 1.5, opacity: 0.8 });
      if (!line) continue;
      line.bindTooltip(tip(p.name || p.link, [
        ["base TEU/yr", fmtInt(p.base_teu_per_year)],
        ["other TEU/yr", fmtInt(p.other_teu_per_year)],
        ["change", signed(d, fmtInt)],
        ["mode", p.mode],
      ]), { sticky: true });
      line.addTo(layers.results);
      if (moved) changed += 1;
    }
    for (const f of points) {
      const p = f.properties || {};
      const d = delta(p);
      const moved = Math.abs(d) >= 0.5;
      const m = L.circleMarker(pointLatLng(f.geometry), { renderer: renderers.resultPoints, pane: "resultPoints", radius: moved ? 4 + 7 * Math.sqrt(Math.abs(d) / maxDelta) : 3.5, color: "#fff", weight: 1.5, fillColor: moved ? (d > 0 ? CHANGE_UP : CHANGE_DOWN) : CHANGE_NONE, fillOpacity: 0.95 });
      m.bindTooltip(tip(p.name || placeName(p.node), [
        ["kind", String(p.kind || "").replace(/_/g, " ")],
        ["base TEU/yr", fmtInt(p.base_teu_per_year)],
        ["other TEU/yr", fmtInt(p.other_teu_per_year)],
        ["change", signed(d, fmtInt)],
        ["v/c", `${fmt2(p.base_vc)} → ${fmt2(p.other_vc)}`],
      ]), { direction: "top" });
      m.addTo(layers.results);
    }
    fitTo(layers.results.getLayers());
    legend.show("Change of flow", [
      legendRow(lineMark(CHANGE_UP, 5), "more TEU/year"),
      legendRow(lineMark(CHANGE_DOWN, 5), "less TEU/year"),
      legendRow(lineMark(CHANGE_NONE, 2), "unchanged flow"),
      h("div", { class: "legend-note" }, `width: change (max ${fmtBig(maxDelta)} TEU/yr)`),
    ]);
    renderCompareSummary(body, lines);
    return { flows: changed };
  }

  function renderCompareSummary(r, lines) {
    const fr = r.freight || {};
    const t = fr.totals || {};
    const pretty = (n) => String(n || "").replace(/_/g, " ");
    const deltaRow = (label, x, f = fmtBig) =>
      x ? h("tr", {}, h("td", {}, label), h("td", { class: "num" }, f(x.base)), h("td", { class: "num" }, f(x.other)), h("td", { class: "num " + deltaClass(x.delta) }, signed(x.delta, f))) : null;
    const out = [
      h("h2", {}, `${pretty(r.base)} → ${pretty(r.other)}`),
      h("p", { class: "meta" }, fr.base_year ? `network of ${fr.base_year}${fr.other_year && fr.other_year !== fr.base_year ? ` vs ${fr.other_year}` : ""}` : ""),
      table([["Per year"], ["Base", "num"], ["Other", "num"], ["Change", "num"]], [
        deltaRow("Demand TEU", t.demand_teu_per_year),
        deltaRow("Assigned TEU", t.assigned_teu_per_year),
        deltaRow("Unserved TEU", t.unserved_teu_per_year),
        deltaRow("TEU-km", t.teu_km_per_year),
        deltaRow("TEU-hours", t.teu_hours_per_year),
        deltaRow("Gen. cost USD", t.generalized_cost_usd_per_year),
        deltaRow("CO₂e t", t.co2e_t_per_year),
        deltaRow("To sea TEU", t.to_sea_teu_per_year),
      ]),
    ];
    const corridors = (fr.corridors || []).filter((c) => c.teu_per_year && (c.teu_per_year.base || c.teu_per_year.other));
    if (corridors.length) {
      out.push(h("h3", {}, "Corridors"), table([["Corridor"], ["Base", "num"], ["Other", "num"], ["Change", "num"]],
        corridors.map((c) => h("tr", {},
          h("td", {}, swatch(corridorInfo(c.corridor).colour), " ", corridorInfo(c.corridor).label),
          h("td", { class: "num" }, fmtBig(c.teu_per_year.base)),
          h("td", { class: "num" }, fmtBig(c.teu_per_year.other)),
          h("td", { class: "num " + deltaClass(c.teu_per_year.delta) }, signed(c.teu_per_year.delta, fmtBig))))));
    }
    const top = lines
      .map((f) => f.properties || {})
      .filter((p) => Math.abs(p.delta_teu_per_year || 0) >= 0.5)
      .sort((a, b) => Math.abs(b.delta_teu_per_year) - Math.abs(a.delta_teu_per_year))
      .slice(0, 8);
    if (top.length) {
      out.push(h("h3", {}, "Largest changes"), table([["Link"], ["Base", "num"], ["Other", "num"], ["Change", "num"]],
        top.map((p) => h("tr", {},
          h("td", {}, p.name || p.link),
          h("td", { class: "num" }, fmtBig(p.base_teu_per_year)),
          h("td", { class: "num" }, fmtBig(p.other_teu_per_year)),
          h("td", { class: "num " + deltaClass(p.delta_teu_per_year) }, signed(p.delta_teu_per_year, fmtBig))))));
    }
    const pairs = (r.routes || []).filter((x) => x.best);
    if (pairs.length) {
      out.push(h("h3", {}, "Best routes of the pairs"), table([["Pair"], ["Corridor"], ["Days", "num"], ["USD", "num"]],
        pairs.map((x) => {
          const b = x.best, c = b.corridor || {};
          const corr = c.changed
            ? [swatch(corridorInfo(c.base).colour), " ", corridorInfo(c.base).label, " → ", swatch(corridorInfo(c.other).colour), " ", corridorInfo(c.other).label]
            : [swatch(corridorInfo(c.base || c.other).colour), " ", corridorInfo(c.base || c.other).label];
          const dd = b.total_days || {}, du = b.total_cost_usd || {};
          return h("tr", { class: c.changed ? "changed" : "" },
            h("td", {}, `${placeName((x.from || {}).other || (x.from || {}).base)} → ${placeName((x.to || {}).other || (x.to || {}).base)}`),
            h("td", {}, corr),
            h("td", { class: "num " + deltaClass(dd.delta) }, isNum(dd.delta) && dd.delta !== 0 ? signed(dd.delta, fmt1) : fmt1(dd.other ?? dd.base)),
            h("td", { class: "num " + deltaClass(du.delta) }, isNum(du.delta) && du.delta !== 0 ? signed(du.delta, fmtInt) : fmtInt(du.other ?? du.base)));
        })),
      h("p", { class: "hint" }, "Days and USD: the other scenario's, or the change where there is one."));
    }
    $("#results").replaceChildren(...out);
  }

  const deltaClass = (d) => (isNum(d) && d > 0 ? "up" : isNum(d) && d < 0 ? "down" : "");

  // ---------------------------------------------------------------- URL state

  function readUrl() {
    const p = new URLSearchParams(location.search);
    setView(p.get("view") || (p.get("place") ? "reach" : "route"));
    const by = p.get("by");
    if (by && OBJECTIVES.some(([k]) => k === by)) {
      $("#route-by").value = by;
      $("#reach-by").value = by;
    }
    if (p.get("from")) $("#route-from").value = p.get("from");
    if (p.get("to")) $("#route-to").value = p.get("to");
    $("#route-pareto").checked = ["1", "true", "yes"].includes((p.get("pareto") || "").toLowerCase());
    const year = p.get("year");
    if (year) for (const sel of $$(".year-select")) sel.value = [...sel.options].some((o) => o.value === year) ? year : "";
    const avoid = (p.get("avoid") || "").split(",").map((x) => x.trim()).filter(Boolean);
    setAvoid($("#form-route"), avoid);
    setAvoid($("#form-assign"), avoid);
    state.wantSelect = Number(p.get("select")) || null;
    if (p.get("place")) $("#reach-place").value = p.get("place");
    if (p.get("days")) $("#reach-days").value = p.get("days");
    $("#reach-reverse").checked = ["1", "true", "yes"].includes((p.get("reverse") || "").toLowerCase());
    // Scenario names wait for GET /status to fill the selects.
    if (p.get("base")) $("#compare-base").dataset.want = p.get("base");
    if (p.get("other")) $("#compare-other").dataset.want = p.get("other");
  }

  // Keeps the address bar a deep link to what is on screen.
  function writeUrl() {
    const p = new URLSearchParams();
    p.set("view", state.view);
    if (state.view === "route") {
      p.set("from", $("#route-from").value.trim());
      p.set("to", $("#route-to").value.trim());
      p.set("by", $("#route-by").value);
      if ($("#route-pareto").checked) p.set("pareto", "1");
      if ($("#route-year").value) p.set("year", $("#route-year").value);
      const avoid = avoidList($("#form-route"));
      if (avoid.length) p.set("avoid", avoid.join(","));
    } else if (state.view === "reach") {
      p.set("place", $("#reach-place").value.trim());
      p.set("days", $("#reach-days").value);
      p.set("by", $("#reach-by").value);
      if ($("#reach-reverse").checked) p.set("reverse", "1");
    } else if (state.view === "assign") {
      if ($("#assign-year").value) p.set("year", $("#assign-year").value);
      const avoid = avoidList($("#form-assign"));
      if (avoid.length) p.set("avoid", avoid.join(","));
    } else if (state.view === "compare") {
      p.set("base", $("#compare-base").value);
      p.set("other", $("#compare-other").value);
    }
    history.replaceState(null, "", "?" + p.toString().replace(/%2C/g, ","));
  }

  // ---------------------------------------------------------------- start

  // The first screen's hint, with a few queries one click away.
  function showWelcome() {
    const example = (label, params) =>
      h("button", { type: "button", class: "link", onclick: () => {
        history.replaceState(null, "", "?" + params);
        readUrl();
        runView();
      } }, label);
    setMessage("info",
      h("div", {}, "Type an origin and a destination, or click two places on the map."),
      h("div", { class: "examples" }, "Try ",
        example("Xi'an → Duisburg", "view=route&from=Xian&to=Duisburg&by=time"), ", ",
        example("the same without Russia", "view=route&from=Xian&to=Duisburg&by=time&avoid=RU"), ", ",
        example("the Pareto set", "view=route&from=Xian&to=Duisburg&by=cost&pareto=1"), ", ",
        example("reach from Xi'an", "view=reach&place=Xian&days=8,12,16&by=time"), " or ",
        example("the Caspian closed", "view=compare&base=baseline_2026&other=caspian_closed"), "."));
  }

  async function start() {
    initForms();
    readUrl();
    const deepLink = new URLSearchParams(location.search).has("view") || location.search.length > 1;
    setMessage("busy", "Loading the network…");
    const names = ["countries", "network", "places", "status"];
    const loads = await Promise.allSettled([loadCountries(), loadNetwork(), loadPlaces(), loadStatus()]);
    // A part of the basemap that fails to load is reported, and the page goes on without it:
    // a route can still be drawn without the countries, say.
    const failed = loads.map((x, i) => [names[i], x]).filter(([, x]) => x.status === "rejected");
    setHooks({});
    if (failed.length) {
      document.body.dataset.loadError = failed.map(([n]) => n).join(",");
      const code = showError(failed[0][1].reason);
      document.body.dataset.error = code;
      $("#footer").prepend(h("div", { class: "load-error" }, `Not loaded: ${failed.map(([n, x]) => `${n} (${x.reason && x.reason.body ? x.reason.body.code : x.reason})`).join(", ")}`));
    } else {
      setMessage(null);
    }
    // The deep link's query, or the view's hint. Assignment and comparison run on their
    // defaults only when asked for by the link, as they take a few seconds.
    if (deepLink) await runView();
    else if (!failed.length) showWelcome();
    markReady();
  }

  start();
})();
