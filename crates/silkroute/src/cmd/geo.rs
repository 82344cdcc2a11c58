//! `silkroute geo ...`: routing on geographic networks (OpenStreetMap railways and highways,
//! maritime networks) shipped in the binary or given as nodes.csv + edges.csv folders, GMNS
//! folders or GeoJSON files. The engine is `silkroute_core::geo::GeoEngine`; this file parses
//! the arguments, keeps the per-user cache folder and prints.

use super::Format;
use crate::progress;
use anyhow::{Context, Result, bail};
use silkroute_core::geo::{
    GeoEngine, GeoError, GeoNote, GeoProgress, GeoQueryOptions, GeoRouteRequest, GeoSpec,
    MatrixRequest, PackError, PackOptions, PassageChoice, PreparedGeo, SearchKind,
    SnapMode as CoreSnapMode, folder_attribution, pack_network, read_points,
};
use silkroute_core::io::{Limit, read_named, write_atomic};
use silkroute_core::report::GeoRouteReport;
use silkroute_core::report::geo::{
    GeoMatrixReport, query_percentiles, write_matrix_csv, write_queries_csv,
};
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
    /// Distance matrix between all points of a CSV file (columns lat,lon), on all cores.
    Matrix(GeoMatrixArgs),
    /// Pack a network folder into the compact binary form shipped in data/geo.
    Pack(GeoPackArgs),
}

/// Arguments of `silkroute geo pack`.
#[derive(Debug, clap::Args)]
pub struct GeoPackArgs {
    /// The network: a folder with nodes.csv and edges.csv, a GMNS folder (node.csv, link.csv)
    /// or a .geojson file.
    pub dir: PathBuf,
    /// The packed file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Keep nodes inside `min_lat,min_lon,max_lat,max_lon`.
    #[arg(
        long,
        allow_negative_numbers = true,
        default_value = "-90,-180,90,180",
        value_name = "BOX"
    )]
    pub bbox: String,
    /// Largest distance, km, between a dropped chain node and the simplified line.
    #[arg(
        long,
        allow_negative_numbers = true,
        default_value_t = 0.5,
        value_name = "KM"
    )]
    pub tolerance_km: f64,
    /// Drop fragments with fewer nodes.
    #[arg(long, default_value_t = 1)]
    pub min_component_nodes: usize,
    /// Attribution text stored in the file (default: the folder's ATTRIBUTION file).
    #[arg(long)]
    pub attribution: Option<String>,
    /// CSV of passage tags to set before packing (columns from,to,passage; node ids as in
    /// nodes.csv; an empty passage removes the tag), e.g. data/geo/sea_passages.csv.
    #[arg(long, value_name = "FILE")]
    pub passages: Option<PathBuf>,
    /// Passage tags to remove, comma-separated (searoute's antimeridian seam:
    /// `segment,segment2,pacific_ocean`).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub untag: Vec<String>,
}

/// Arguments of `silkroute geo matrix`.
#[derive(Debug, clap::Args)]
pub struct GeoMatrixArgs {
    /// CSV file of points with columns `lat,lon`.
    pub points: PathBuf,
    /// The network and cache options, as for `geo route`.
    #[command(flatten)]
    pub network: NetworkArgs,
    /// How coordinates attach to the network.
    #[arg(long, value_enum, default_value_t = SnapMode::Nearest)]
    pub snap: SnapMode,
    /// Largest snapping distance, km (nearest mode).
    #[arg(
        long,
        allow_negative_numbers = true,
        default_value_t = 50.0,
        value_name = "KM"
    )]
    pub max_snap_km: f64,
    /// Passages to avoid or allow.
    #[command(flatten)]
    pub passages: PassageArgs,
    /// Output format: `csv` (a header of point numbers, then one row of km per point) or
    /// `json` (the points, the km matrix with null where there is no path, the attribution).
    #[arg(long, value_enum, default_value_t = MatrixFormat::Csv)]
    pub format: MatrixFormat,
}

/// Output formats of `geo matrix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MatrixFormat {
    /// CSV: a header of point numbers, then one row per point.
    Csv,
    /// JSON (docs/formats.md).
    Json,
}

/// Passages to avoid or allow, on networks whose edges carry passage tags.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PassageArgs {
    /// Passages not to use, comma-separated (e.g. `suez,babelmandeb` for a Red Sea closure);
    /// names as tagged in the network (`suez`, `panama`, `malacca`, `gibraltar`, ...).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub avoid_passage: Vec<String>,
    /// Ice passages to use all the same: `northeast` (the Northern Sea Route) and/or
    /// `northwest`, avoided by default (seasonal, for ice-class ships).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub allow_passage: Vec<String>,
}

/// Where the network is and how it is cached.
#[derive(Debug, clap::Args)]
pub struct NetworkArgs {
    /// `rail`, `road` or `sea` (the networks shipped in the binary), a folder with nodes.csv
    /// (id,lat,lon) and edges.csv (from,to,km, optional passage), a GMNS folder (node.csv,
    /// link.csv), or a GeoJSON file (.geojson/.json) of LineString features.
    #[arg(
        long = "network",
        value_name = "rail|road|sea|PATH",
        default_value = "rail"
    )]
    pub dir: PathBuf,
    /// Cache file for the prepared network (default: under $XDG_CACHE_HOME or ~/.cache).
    #[arg(long, value_name = "FILE", conflicts_with = "no_cache")]
    pub cache: Option<PathBuf>,
    /// Do not read or write a cache.
    #[arg(long)]
    pub no_cache: bool,
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

/// The shortest-path algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineKind {
    /// Contraction hierarchies: prepared once (and cached), then fast queries.
    Ch,
    /// Bidirectional Dijkstra: no preparation, slower queries.
    Dijkstra,
}

/// Arguments of `silkroute geo route`.
#[derive(Debug, clap::Args)]
pub struct GeoRouteArgs {
    /// Origin as `lat,lon`.
    #[arg(allow_hyphen_values = true)]
    pub from: Option<String>,
    /// Destination as `lat,lon`.
    #[arg(allow_hyphen_values = true)]
    pub to: Option<String>,
    /// The network and cache options.
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Answer every row of this CSV (columns olat,olon,dlat,dlon) and print one CSV row per
    /// query; timing of the queries alone goes to stderr.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["from", "to"])]
    pub queries: Option<PathBuf>,
    /// How coordinates attach to the network.
    #[arg(long, value_enum, default_value_t = SnapMode::Nearest)]
    pub snap: SnapMode,
    /// Largest snapping distance, km (nearest mode).
    #[arg(
        long,
        allow_negative_numbers = true,
        default_value_t = 50.0,
        value_name = "KM"
    )]
    pub max_snap_km: f64,
    /// Output format for a single route.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Shortest-path algorithm.
    #[arg(long, value_enum, default_value_t = EngineKind::Ch)]
    pub engine: EngineKind,
    /// With --queries: compute each path, not only its length (for timing path queries).
    #[arg(long)]
    pub paths: bool,
    /// With --queries: threads answering queries (0 = all cores). Answers do not depend on
    /// it; per-query timings are like-for-like with single-threaded peers only at 1.
    #[arg(long, default_value_t = 1)]
    pub threads: usize,
    /// Passages to avoid or allow.
    #[command(flatten)]
    pub passages: PassageArgs,
}

impl PassageArgs {
    /// The passages of a request.
    pub fn choice(&self) -> PassageChoice {
        PassageChoice {
            avoid: self.avoid_passage.clone(),
            allow: self.allow_passage.clone(),
        }
    }
}

impl From<SnapMode> for CoreSnapMode {
    fn from(mode: SnapMode) -> CoreSnapMode {
        match mode {
            SnapMode::Nearest => CoreSnapMode::Nearest,
            SnapMode::Scgraph => CoreSnapMode::Scgraph,
        }
    }
}

impl From<EngineKind> for SearchKind {
    fn from(kind: EngineKind) -> SearchKind {
        match kind {
            EngineKind::Ch => SearchKind::Ch,
            EngineKind::Dijkstra => SearchKind::Dijkstra,
        }
    }
}

/// The folder of default cache files: `$XDG_CACHE_HOME/silkroute` or `~/.cache/silkroute`.
pub(crate) fn default_cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    Some(base.join("silkroute"))
}

/// A request error in the command line's terms: request fields become options
/// (`max_snap_km` → `--max-snap-km`).
pub(crate) fn geo_error(error: GeoError) -> anyhow::Error {
    match &error {
        GeoError::InvalidParameter {
            field,
            value,
            expected,
        } => anyhow::anyhow!("{} {value}: {expected}", super::flag(field)),
        GeoError::Passage(passage) => {
            anyhow::anyhow!("{} {passage}", super::flag(passage.field()))
        }
        _ => anyhow::Error::new(error),
    }
}

/// Prints the notes of preparing a network: reader warnings, cache notes.
pub(crate) fn print_notes(notes: &[GeoNote]) {
    for note in notes {
        if note.is_warning() {
            eprintln!("warning: {note}");
        } else {
            eprintln!("note: {note}");
        }
    }
}

/// Loads the network `--network` names, through its cache, for `search`, with a progress bar
/// while it is prepared.
fn prepare(args: &NetworkArgs, search: SearchKind) -> Result<PreparedGeo> {
    let spec = GeoSpec::parse(&args.dir);
    let cache = if args.no_cache {
        None
    } else {
        args.cache
            .clone()
            .or_else(|| spec.default_cache_file(&default_cache_dir()?))
    };
    let mut notes = Vec::new();
    let bar = progress::Steps::new(format!("preparing the {} network", spec.display()));
    let prepared = PreparedGeo::load(&spec, cache.as_deref(), search, &mut notes, &mut |step| {
        match step {
            GeoProgress::Reading => bar.message("reading"),
            GeoProgress::Contracting { done, total } => bar.fraction("contracting", done, total),
            GeoProgress::WritingCache => bar.message("writing the cache"),
        }
        std::ops::ControlFlow::Continue(())
    });
    bar.finish();
    print_notes(&notes);
    prepared.map_err(geo_error)
}

/// Loads a geographic network in any format (no cache), printing its warnings; `what` names
/// it in errors ("network", "water network").
pub(crate) fn load_uncached(path: &Path, what: &str) -> Result<silkroute_core::geo::GeoNetwork> {
    let (network, warnings) = silkroute_core::geo::load_geo(path)
        .with_context(|| format!("cannot load the {what} in {}", path.display()))?;
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    Ok(network)
}

/// Runs `silkroute geo`.
pub fn run(args: &GeoArgs, out: &mut dyn Write) -> Result<()> {
    match &args.command {
        GeoCommand::Route(route) => run_route(route, out),
        GeoCommand::Matrix(matrix) => run_matrix(matrix, out),
        GeoCommand::Pack(pack) => run_pack(pack, out),
    }
}

fn run_route(args: &GeoRouteArgs, out: &mut dyn Write) -> Result<()> {
    let options = GeoQueryOptions {
        snap: args.snap.into(),
        max_snap_km: args.max_snap_km,
        passages: args.passages.choice(),
    };
    options.validate().map_err(geo_error)?;
    let single = match (&args.queries, &args.from, &args.to) {
        (Some(_), _, _) => None,
        (None, Some(from), Some(to)) => Some(
            GeoRouteRequest {
                from: from.clone(),
                to: to.clone(),
                options: options.clone(),
            }
            .resolve()
            .map_err(geo_error)?,
        ),
        _ => bail!("give an origin and a destination as lat,lon, or --queries FILE"),
    };
    let prepared = prepare(&args.network, args.engine.into())?;
    let engine = GeoEngine::new(&prepared, &options).map_err(geo_error)?;
    match (single, &args.queries) {
        (Some((from, to)), _) => {
            let answer = engine.route_path(from, to).map_err(geo_error)?;
            let report = GeoRouteReport::new(&engine, &answer, &prepared.attribution);
            write_route(&report, args.format, out)
        }
        (None, Some(file)) => {
            let queries: Vec<((f64, f64), (f64, f64))> =
                read_points(file, &["olat", "olon", "dlat", "dlon"])?
                    .into_iter()
                    .map(|v| ((v[0], v[1]), (v[2], v[3])))
                    .collect();
            let started = Instant::now();
            let bar = progress::Counter::new("answering the queries");
            let answers = engine.route_many_with_progress(
                &queries,
                args.threads,
                args.paths,
                &|done, total| {
                    bar.set(done, total);
                    std::ops::ControlFlow::Continue(())
                },
            );
            bar.finish();
            let answers = answers.map_err(geo_error)?;
            let total_ms = started.elapsed().as_secs_f64() * 1e3;
            write_queries_csv(&queries, &answers, out)?;
            let (median, p90) = query_percentiles(&answers);
            eprintln!(
                "queries={} total_ms={total_ms:.1} median_us={median:.1} p90_us={p90:.1}",
                queries.len()
            );
            Ok(())
        }
        (None, None) => unreachable!("checked above"),
    }
}

fn write_route(report: &GeoRouteReport, format: Format, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            writeln!(out)?;
        }
        Format::Geojson => {
            serde_json::to_writer_pretty(&mut *out, &report.to_geojson())?;
            writeln!(out)?;
        }
        Format::Csv => report.write_csv(out)?,
        Format::Table => {
            writeln!(out, "{:.1} km over {} nodes", report.km, report.nodes)?;
            for (label, snap, (lat, lon)) in [
                ("from", &report.origin, report.snapped[0]),
                ("to", &report.destination, report.snapped[1]),
            ] {
                writeln!(
                    out,
                    "  {label}: node {} ({lat}, {lon}), {:.2} km from the point asked",
                    snap.node, snap.snap_km
                )?;
            }
            if !report.passages.is_empty() {
                writeln!(out, "  through: {}", report.passages.join(", "))?;
            }
            if !report.avoided_passages.is_empty() {
                writeln!(out, "  avoiding: {}", report.avoided_passages.join(", "))?;
            }
            if !report.attribution.is_empty() {
                writeln!(out, "{}", report.attribution)?;
            }
        }
    }
    Ok(())
}

fn run_matrix(args: &GeoMatrixArgs, out: &mut dyn Write) -> Result<()> {
    let points: Vec<(f64, f64)> = read_points(&args.points, &["lat", "lon"])?
        .into_iter()
        .map(|v| (v[0], v[1]))
        .collect();
    let request = MatrixRequest {
        points,
        options: GeoQueryOptions {
            snap: args.snap.into(),
            max_snap_km: args.max_snap_km,
            passages: args.passages.choice(),
        },
    };
    request.validate().map_err(|error| match error {
        GeoError::TooManyPoints { .. } | GeoError::BadPoint { .. } => {
            anyhow::anyhow!("{}: {error}", args.points.display())
        }
        error => geo_error(error),
    })?;
    let MatrixRequest { points, options } = request;
    let prepared = prepare(&args.network, SearchKind::Ch)?;
    let engine = GeoEngine::new(&prepared, &options).map_err(geo_error)?;
    let bar = progress::Counter::new("computing the distance matrix");
    let matrix = engine.matrix_with_progress(&points, &|done, total| {
        bar.set(done, total);
        std::ops::ControlFlow::Continue(())
    });
    bar.finish();
    let matrix = matrix.map_err(geo_error)?;
    for &index in &matrix.unsnapped {
        eprintln!(
            "warning: {}: point {} ({}, {}) has no network node within {} km; its row and column are empty",
            args.points.display(),
            index + 1,
            points[index].0,
            points[index].1,
            args.max_snap_km
        );
    }
    match args.format {
        MatrixFormat::Csv => write_matrix_csv(&matrix, points.len(), out)?,
        MatrixFormat::Json => {
            let report = GeoMatrixReport::new(&matrix, &points, &prepared.attribution);
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
    }
    let n = points.len();
    eprintln!(
        "points={n} pairs={} total_ms={:.1} snap_ms={:.1} matrix_ms={:.1}",
        n * n,
        matrix.total_ms,
        matrix.snap_ms,
        matrix.total_ms - matrix.snap_ms
    );
    Ok(())
}

fn run_pack(args: &GeoPackArgs, out: &mut dyn Write) -> Result<()> {
    let bad_box = || {
        format!(
            "--bbox {}: expected min_lat,min_lon,max_lat,max_lon",
            args.bbox
        )
    };
    let bbox: Vec<f64> = args
        .bbox
        .split(',')
        .map(|v| v.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()
        .filter(|b: &Vec<f64>| b.len() == 4)
        .with_context(bad_box)?;
    let network = load_uncached(&args.dir, "network")?;
    let tags = match &args.passages {
        Some(file) => Some(read_named(file, Limit::LIST_FILE)?),
        None => None,
    };
    let options = PackOptions {
        bbox: [bbox[0], bbox[1], bbox[2], bbox[3]],
        tolerance_km: args.tolerance_km,
        min_component_nodes: args.min_component_nodes,
        attribution: match &args.attribution {
            Some(text) => text.clone(),
            None => folder_attribution(&args.dir),
        },
        untag: args.untag.clone(),
    };
    let packed = pack_network(
        network,
        &args.dir.display().to_string(),
        tags.as_ref(),
        &options,
    )
    .map_err(|error| match error {
        PackError::BadBox { .. } => anyhow::anyhow!(bad_box()),
        PackError::BadTolerance { .. } => anyhow::anyhow!("--tolerance-km must be ≥ 0"),
        PackError::UnknownTag { name, network } => {
            anyhow::anyhow!("--untag {name}: no such passage tag in {network}")
        }
        PackError::Tags(error) => anyhow::Error::new(error),
    })?;
    write_atomic(&args.out, &packed.bytes)?;
    writeln!(
        out,
        "packed {}: {} → {} nodes, {} → {} edges, {:.1} MB",
        args.dir.display(),
        packed.nodes.0,
        packed.nodes.1,
        packed.edges.0,
        packed.edges.1,
        packed.bytes.len() as f64 / 1e6
    )?;
    if !packed.passage_edges.is_empty() {
        let summary: Vec<String> = packed
            .passage_edges
            .iter()
            .map(|(name, count)| format!("{name} {count}"))
            .collect();
        writeln!(out, "passage edges: {}", summary.join(", "))?;
    }
    Ok(())
}
