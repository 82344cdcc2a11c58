//! `silkroute geo ...`: routing on geographic networks (OpenStreetMap railways, maritime
//! networks) given as nodes.csv + edges.csv folders.

use super::Format;
use anyhow::{Context, Result, bail};
use serde_json::json;
use silkroute_core::geo::{BidirectionalDijkstra, GeoGraph, Snap, Snapper, great_circle_km};
use silkroute_core::io::{GeoNetwork, load_geo_dir};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `silkroute geo`.
#[derive(Debug, clap::Args)]
pub struct GeoArgs {
    #[command(subcommand)]
    pub command: GeoCommand,
}

/// Subcommands of `silkroute geo`.
#[derive(Debug, clap::Subcommand)]
pub enum GeoCommand {
    /// Shortest path between two coordinates, or for every row of a query file.
    Route(GeoRouteArgs),
}

/// How query coordinates are attached to the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SnapMode {
    /// Each end to the nearest node that has an edge, the destination within the origin's
    /// connected component; the reported km is the network distance.
    Nearest,
    /// scgraph's semantics, for comparison: each end to the nearest node of any component, km =
    /// network km + both straight-line legs, or the straight line when it is shorter than a leg.
    Scgraph,
}

/// Arguments of `silkroute geo route`.
#[derive(Debug, clap::Args)]
pub struct GeoRouteArgs {
    /// Origin as `lat,lon`.
    pub from: Option<String>,
    /// Destination as `lat,lon`.
    pub to: Option<String>,
    /// Folder with nodes.csv (id,lat,lon) and edges.csv (from,to,km).
    #[arg(long, value_name = "DIR")]
    pub network: PathBuf,
    /// Answer every row of this CSV (columns olat,olon,dlat,dlon) and print one CSV row per
    /// query; timing of the queries alone goes to stderr.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["from", "to"])]
    pub queries: Option<PathBuf>,
    /// How coordinates attach to the network.
    #[arg(long, value_enum, default_value_t = SnapMode::Nearest)]
    pub snap: SnapMode,
    /// Largest snapping distance, km (nearest mode).
    #[arg(long, default_value_t = 50.0, value_name = "KM")]
    pub max_snap_km: f64,
    /// Output format for a single route.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Runs `silkroute geo`.
pub fn run(args: &GeoArgs, out: &mut dyn Write) -> Result<()> {
    match &args.command {
        GeoCommand::Route(route) => run_route(route, out),
    }
}

struct Engine {
    network: GeoNetwork,
    snapper: Snapper,
    components: Vec<u32>,
    search: BidirectionalDijkstra,
    mode: SnapMode,
    max_snap_km: f64,
}

/// One answered query.
struct Answer {
    /// Reported km (network km, plus legs under scgraph semantics).
    km: f64,
    origin: Snap,
    destination: Snap,
    nodes: Vec<u32>,
}

impl Engine {
    fn new(network: GeoNetwork, mode: SnapMode, max_snap_km: f64) -> Engine {
        let snapper = match mode {
            SnapMode::Nearest => Snapper::new(&network.graph),
            SnapMode::Scgraph => Snapper::with_all_nodes(&network.graph),
        };
        Engine {
            components: network.graph.components(),
            search: BidirectionalDijkstra::new(&network.graph),
            snapper,
            network,
            mode,
            max_snap_km,
        }
    }

    fn graph(&self) -> &GeoGraph {
        &self.network.graph
    }

    /// Answers one query; `Ok(None)` when there is no path.
    fn route(&mut self, from: (f64, f64), to: (f64, f64)) -> Result<Option<Answer>> {
        let no_nodes = || anyhow::anyhow!("the network has no nodes with edges");
        match self.mode {
            SnapMode::Scgraph => {
                let origin = self.snapper.nearest(from.0, from.1).ok_or_else(no_nodes)?;
                let destination = self.snapper.nearest(to.0, to.1).ok_or_else(no_nodes)?;
                let direct = great_circle_km(from, to);
                if direct < origin.distance_km || direct < destination.distance_km {
                    return Ok(Some(Answer {
                        km: direct,
                        origin,
                        destination,
                        nodes: Vec::new(),
                    }));
                }
                let graph = &self.network.graph;
                Ok(self
                    .search
                    .path(graph, origin.node, destination.node)
                    .map(|path| Answer {
                        km: path.length_m as f64 / 1000.0
                            + origin.distance_km
                            + destination.distance_km,
                        origin,
                        destination,
                        nodes: path.nodes,
                    }))
            }
            SnapMode::Nearest => {
                let limit = self.max_snap_km;
                let origin = self
                    .snapper
                    .nearest_where(from.0, from.1, limit, |_| true)
                    .with_context(|| {
                        format!("no network node within {limit} km of {},{}", from.0, from.1)
                    })?;
                let component = self.components[origin.node as usize];
                let components = &self.components;
                let destination = self
                    .snapper
                    .nearest_where(to.0, to.1, limit, |n| components[n as usize] == component)
                    .with_context(|| {
                        format!(
                            "no node within {limit} km of {},{} is connected to the origin's part of the network (node {} at {:.1} km)",
                            to.0, to.1, self.network.ids[origin.node as usize], origin.distance_km
                        )
                    })?;
                let graph = &self.network.graph;
                Ok(self
                    .search
                    .path(graph, origin.node, destination.node)
                    .map(|path| Answer {
                        km: path.length_m as f64 / 1000.0,
                        origin,
                        destination,
                        nodes: path.nodes,
                    }))
            }
        }
    }
}

fn parse_coordinate(text: &str, what: &str) -> Result<(f64, f64)> {
    let parsed = silkroute_core::network::parse_lat_lon(text)
        .filter(|(lat, lon)| (-90.0..=90.0).contains(lat) && (-180.0..=180.0).contains(lon));
    parsed.with_context(|| format!("{what} `{text}`: expected `lat,lon` in decimal degrees"))
}

fn run_route(args: &GeoRouteArgs, out: &mut dyn Write) -> Result<()> {
    if args.max_snap_km.is_nan() || args.max_snap_km < 0.0 {
        bail!("--max-snap-km must be ≥ 0");
    }
    let single = match (&args.queries, &args.from, &args.to) {
        (Some(_), _, _) => None,
        (None, Some(from), Some(to)) => Some((
            parse_coordinate(from, "origin")?,
            parse_coordinate(to, "destination")?,
        )),
        _ => bail!("give an origin and a destination as lat,lon, or --queries FILE"),
    };
    let network = load_geo_dir(&args.network)
        .with_context(|| format!("cannot load the network in {}", args.network.display()))?;
    let mut engine = Engine::new(network, args.snap, args.max_snap_km);
    match (single, &args.queries) {
        (Some((from, to)), _) => {
            let answer = engine.route(from, to)?;
            let Some(answer) = answer else {
                bail!("no path between the two points in this network");
            };
            write_answer(&engine, &args.network, &answer, args.format, out)
        }
        (None, Some(file)) => run_queries(&mut engine, file, out),
        (None, None) => unreachable!("checked above"),
    }
}

fn write_answer(
    engine: &Engine,
    dir: &Path,
    answer: &Answer,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    let graph = engine.graph();
    let ids = &engine.network.ids;
    let coordinates: Vec<[f64; 2]> = answer
        .nodes
        .iter()
        .map(|&n| {
            let (lat, lon) = graph.coord(n);
            [lon, lat]
        })
        .collect();
    let attribution = std::fs::read_to_string(dir.join("ATTRIBUTION"))
        .map(|text| text.trim().to_string())
        .unwrap_or_default();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(
                &mut *out,
                &json!({
                    "km": round3(answer.km),
                    "origin": {"node": ids[answer.origin.node as usize], "snap_km": round3(answer.origin.distance_km)},
                    "destination": {"node": ids[answer.destination.node as usize], "snap_km": round3(answer.destination.distance_km)},
                    "nodes": answer.nodes.len(),
                    "coordinates": coordinates,
                    "attribution": attribution,
                }),
            )?;
            writeln!(out)?;
        }
        Format::Geojson => {
            serde_json::to_writer_pretty(
                &mut *out,
                &json!({
                    "type": "FeatureCollection",
                    "features": [{
                        "type": "Feature",
                        "geometry": {"type": "LineString", "coordinates": coordinates},
                        "properties": {"km": round3(answer.km), "attribution": attribution},
                    }],
                }),
            )?;
            writeln!(out)?;
        }
        Format::Csv => {
            writeln!(out, "lat,lon,node")?;
            for &node in &answer.nodes {
                let (lat, lon) = graph.coord(node);
                writeln!(out, "{lat},{lon},{}", ids[node as usize])?;
            }
        }
        Format::Table => {
            writeln!(out, "{:.1} km over {} nodes", answer.km, answer.nodes.len())?;
            for (label, snap) in [("from", answer.origin), ("to", answer.destination)] {
                let (lat, lon) = graph.coord(snap.node);
                writeln!(
                    out,
                    "  {label}: node {} ({lat}, {lon}), {:.2} km from the point asked",
                    ids[snap.node as usize], snap.distance_km
                )?;
            }
            if !attribution.is_empty() {
                writeln!(out, "{attribution}")?;
            }
        }
    }
    Ok(())
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

fn run_queries(engine: &mut Engine, file: &Path, out: &mut dyn Write) -> Result<()> {
    let text = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut reader = csv::Reader::from_reader(text.as_slice());
    let headers = reader
        .headers()
        .with_context(|| format!("{}: cannot read the header", file.display()))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .with_context(|| format!("{}:1: missing column `{name}`", file.display()))
    };
    let positions = [
        column("olat")?,
        column("olon")?,
        column("dlat")?,
        column("dlon")?,
    ];
    let mut queries = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("{}: malformed CSV", file.display()))?;
        let line = record.position().map_or(0, |p| p.line());
        let mut values = [0.0; 4];
        for (value, (&position, name)) in values
            .iter_mut()
            .zip(positions.iter().zip(["olat", "olon", "dlat", "dlon"]))
        {
            let raw = record.get(position).unwrap_or("").trim();
            *value = raw
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .with_context(|| {
                    format!("{}:{line}: {name}: `{raw}` is not a number", file.display())
                })?;
        }
        queries.push(((values[0], values[1]), (values[2], values[3])));
    }
    let mut answers = Vec::with_capacity(queries.len());
    let mut micros = Vec::with_capacity(queries.len());
    let started = Instant::now();
    for &(from, to) in &queries {
        let start = Instant::now();
        let answer = engine.route(from, to).ok().flatten();
        micros.push(start.elapsed().as_secs_f64() * 1e6);
        answers.push(answer.map(|a| a.km));
    }
    let total_ms = started.elapsed().as_secs_f64() * 1e3;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["km", "olat", "olon", "dlat", "dlon"])?;
    for (answer, ((olat, olon), (dlat, dlon))) in answers.iter().zip(&queries) {
        writer.write_record([
            answer.map(|km| format!("{km:.3}")).unwrap_or_default(),
            olat.to_string(),
            olon.to_string(),
            dlat.to_string(),
            dlon.to_string(),
        ])?;
    }
    writer.flush()?;
    micros.sort_by(f64::total_cmp);
    let percentile = |p: f64| {
        if micros.is_empty() {
            0.0
        } else {
            micros[((micros.len() - 1) as f64 * p).round() as usize]
        }
    };
    eprintln!(
        "queries={} total_ms={:.1} median_us={:.1} p90_us={:.1}",
        queries.len(),
        total_ms,
        percentile(0.5),
        percentile(0.9)
    );
    Ok(())
}
