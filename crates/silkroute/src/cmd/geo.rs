//! `silkroute geo ...`: routing on geographic networks (OpenStreetMap railways and highways,
//! maritime networks) shipped in the binary or given as nodes.csv + edges.csv folders, GMNS
//! folders or GeoJSON files.
//!
//! Passages (canals, straits, ice routes) tagged in a network can be avoided per query. The
//! contraction hierarchy covers the unrestricted network, so a query that avoids a passage
//! some edge has runs bidirectional Dijkstra with an edge filter instead (the maritime network
//! has 10,000 nodes: a few milliseconds), and `geo matrix` builds its hierarchy on the
//! filtered network.

use super::Format;
use anyhow::{Context, Result, bail};
use serde_json::json;
use silkroute_core::geo::{
    ArcFilter, BidirectionalDijkstra, ChQuery, ContractionHierarchy, GeoGraph, GeoPath, Passages,
    Snap, Snapper, great_circle_km,
};
use silkroute_core::geo::{
    CacheError, EmbeddedGeo, Extras, GeoNetwork, load_geo, load_geo_cache, read_geo_source,
    save_geo_cache,
};
use silkroute_core::io::LoadWarning;
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
    #[arg(long, default_value = "-90,-180,90,180", value_name = "BOX")]
    pub bbox: String,
    /// Largest distance, km, between a dropped chain node and the simplified line.
    #[arg(long, default_value_t = 0.5, value_name = "KM")]
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
    #[arg(long, default_value_t = 50.0, value_name = "KM")]
    pub max_snap_km: f64,
    /// Passages to avoid or allow.
    #[command(flatten)]
    pub passages: PassageArgs,
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

/// Passages avoided unless allowed: the Arctic routes, open only in summer (and to ice-class
/// ships or with icebreaker escort), which container liners do not use.
pub const ICE_PASSAGES: [&str; 2] = ["northeast", "northwest"];

/// Other spellings accepted for passage names (after lower-casing and turning `-` and spaces
/// into `_`).
const PASSAGE_ALIASES: [(&str, &str); 10] = [
    ("babelmandeb", "babalmandab"),
    ("bab_el_mandeb", "babalmandab"),
    ("hormuz", "ormuz"),
    ("nsr", "northeast"),
    ("northern_sea_route", "northeast"),
    ("nwp", "northwest"),
    ("northwest_passage", "northwest"),
    ("cape", "south_africa"),
    ("cape_of_good_hope", "south_africa"),
    ("magellan", "chili"),
];

/// The passage class a name given on the command line stands for.
fn passage_class(passages: &Passages, given: &str, option: &str) -> Result<u8> {
    let given = given.trim();
    let key = given.to_lowercase().replace(['-', ' '], "_");
    let name = PASSAGE_ALIASES
        .iter()
        .find(|(alias, _)| *alias == key)
        .map_or(key.as_str(), |(_, name)| name);
    if let Some(class) = passages.class_of(given).or_else(|| passages.class_of(name)) {
        return Ok(class);
    }
    let mut valid: Vec<&str> = passages.names().iter().map(String::as_str).collect();
    valid.sort_unstable();
    if valid.is_empty() {
        bail!("{option} {given}: this network has no passage tags");
    }
    bail!(
        "{option} {given}: unknown passage; this network has {}",
        valid.join(", ")
    )
}

/// The passage classes a query avoids: the ice passages the network has, plus
/// `--avoid-passage`, minus `--allow-passage`; sorted.
pub fn avoided_passages(passages: &Passages, args: &PassageArgs) -> Result<Vec<u8>> {
    let listed = |items: &[String], option: &str| -> Result<Vec<u8>> {
        items
            .iter()
            .filter(|item| !item.trim().is_empty())
            .map(|item| passage_class(passages, item, option))
            .collect()
    };
    let avoid = listed(&args.avoid_passage, "--avoid-passage")?;
    let allow = listed(&args.allow_passage, "--allow-passage")?;
    if let Some(&both) = avoid.iter().find(|class| allow.contains(class)) {
        bail!(
            "passage {} is both avoided and allowed",
            passages.name(both).unwrap_or_default()
        );
    }
    let mut classes: Vec<u8> = ICE_PASSAGES
        .iter()
        .filter_map(|name| passages.class_of(name))
        .filter(|class| !allow.contains(class))
        .chain(avoid)
        .collect();
    classes.sort_unstable();
    classes.dedup();
    Ok(classes)
}

/// The names of passage classes, sorted.
fn passage_names(passages: &Passages, classes: &[u8]) -> Vec<String> {
    let mut names: Vec<String> = classes
        .iter()
        .filter_map(|&class| passages.name(class))
        .map(str::to_string)
        .collect();
    names.sort_unstable();
    names
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
    pub from: Option<String>,
    /// Destination as `lat,lon`.
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
    #[arg(long, default_value_t = 50.0, value_name = "KM")]
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

/// A shortest-path engine with its query workspace.
enum Router {
    Dijkstra(BidirectionalDijkstra),
    Ch(Box<ContractionHierarchy>, ChQuery),
}

impl Router {
    /// The network distance between two nodes, with the path's nodes when `with_path`, using
    /// only the arcs `filter` allows. A filter needs the Dijkstra router (the hierarchy was
    /// built on every arc): [`Router::for_filter`].
    fn connect(
        &mut self,
        graph: &GeoGraph,
        filter: Option<&ArcFilter>,
        source: u32,
        target: u32,
        with_path: bool,
    ) -> Option<GeoPath> {
        match self {
            Router::Dijkstra(search) if with_path => {
                search.path_where(graph, source, target, filter)
            }
            Router::Dijkstra(search) => {
                search
                    .distance_where(graph, source, target, filter)
                    .map(|length_m| GeoPath {
                        length_m,
                        nodes: Vec::new(),
                    })
            }
            Router::Ch(ch, query) if with_path => query.path(ch, source, target),
            Router::Ch(ch, query) => query.distance(ch, source, target).map(|length_m| GeoPath {
                length_m,
                nodes: Vec::new(),
            }),
        }
    }

    /// This router, or a Dijkstra router when queries avoid some arcs.
    fn for_filter(self, graph: &GeoGraph, filter: Option<&ArcFilter>) -> Router {
        match (self, filter) {
            (Router::Ch(..), Some(_)) => Router::Dijkstra(BidirectionalDijkstra::new(graph)),
            (router, _) => router,
        }
    }
}

/// Tags of the contraction hierarchy's arrays in the cache.
const CH_TAGS: [&[u8; 4]; 5] = [b"CHRK", b"CHFU", b"CHHD", b"CHLN", b"CHMD"];

fn ch_extras(ch: &ContractionHierarchy) -> Extras {
    let arrays = [
        ch.rank(),
        ch.first_up(),
        ch.up_head(),
        ch.up_length_m(),
        ch.up_middle(),
    ];
    CH_TAGS
        .iter()
        .zip(arrays)
        .map(|(tag, array)| (**tag, array.to_vec()))
        .collect()
}

fn ch_from_extras(mut extras: Extras) -> Option<ContractionHierarchy> {
    let mut take = |tag: &[u8; 4]| extras.remove(tag);
    ContractionHierarchy::from_parts(
        take(CH_TAGS[0])?,
        take(CH_TAGS[1])?,
        take(CH_TAGS[2])?,
        take(CH_TAGS[3])?,
        take(CH_TAGS[4])?,
    )
}

/// The folder of default cache files.
fn default_cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    Some(base.join("silkroute"))
}

/// The default cache file of a network folder or file.
fn default_cache_path(dir: &Path) -> Option<PathBuf> {
    let canonical = dir.canonicalize().ok()?;
    let key = silkroute_core::geo::checksum(canonical.to_string_lossy().as_bytes());
    Some(default_cache_dir()?.join(format!("geo-{key:016x}.bin")))
}

/// The embedded network `--network` names, if it names one.
fn embedded(args: &NetworkArgs) -> Option<EmbeddedGeo> {
    args.dir.to_str().and_then(EmbeddedGeo::from_key)
}

/// The attribution to print with answers on this network.
fn attribution(args: &NetworkArgs) -> String {
    match embedded(args) {
        Some(network) => network.attribution(),
        None => folder_attribution(&args.dir),
    }
}

/// The text of a network folder's ATTRIBUTION file; empty for a file or when there is none.
pub(crate) fn folder_attribution(path: &Path) -> String {
    if !path.is_dir() {
        return String::new();
    }
    std::fs::read_to_string(path.join("ATTRIBUTION"))
        .map(|text| text.trim().to_string())
        .unwrap_or_default()
}

/// Prints the warnings of a geographic network's reader on stderr.
pub(crate) fn print_warnings(warnings: &[LoadWarning]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}

/// Loads a geographic network in any format (no cache), printing its warnings; `what` names
/// it in errors ("network", "water network").
pub(crate) fn load_uncached(path: &Path, what: &str) -> Result<GeoNetwork> {
    let (network, warnings) =
        load_geo(path).with_context(|| format!("cannot load the {what} in {}", path.display()))?;
    print_warnings(&warnings);
    Ok(network)
}

/// Loads a network, through the cache when possible, and prepares the engine.
fn load(args: &NetworkArgs, engine: EngineKind) -> Result<(GeoNetwork, Router)> {
    if let Some(network) = embedded(args) {
        let bytes = network.bytes();
        let source = silkroute_core::geo::fingerprint(&[bytes]);
        let cache_path = if args.no_cache {
            None
        } else {
            args.cache.clone().or_else(|| {
                default_cache_dir().map(|dir| dir.join(format!("embedded-{source:016x}.bin")))
            })
        };
        return load_prepared(cache_path, source, engine, || {
            network
                .load()
                .map(|(network, _)| network)
                .map_err(anyhow::Error::from)
        });
    }
    let context = || format!("cannot load the network in {}", args.dir.display());
    let files = read_geo_source(&args.dir).with_context(context)?;
    let cache_path = if args.no_cache {
        None
    } else {
        args.cache.clone().or_else(|| default_cache_path(&args.dir))
    };
    load_prepared(cache_path, files.fingerprint(), engine, || {
        let (network, warnings) = files.parse().with_context(context)?;
        print_warnings(&warnings);
        Ok(network)
    })
}

/// Loads a prepared network from the cache, or parses it with `parse` and prepares and caches
/// it.
fn load_prepared(
    cache_path: Option<PathBuf>,
    source: u64,
    engine: EngineKind,
    parse: impl FnOnce() -> Result<GeoNetwork>,
) -> Result<(GeoNetwork, Router)> {
    if let Some(path) = &cache_path {
        match load_geo_cache(path, source) {
            Ok((network, extras)) => match engine {
                EngineKind::Dijkstra => {
                    let search = BidirectionalDijkstra::new(&network.graph);
                    return Ok((network, Router::Dijkstra(search)));
                }
                EngineKind::Ch => {
                    if let Some(ch) = ch_from_extras(extras) {
                        let query = ChQuery::new(&ch);
                        return Ok((network, Router::Ch(Box::new(ch), query)));
                    }
                    eprintln!(
                        "note: {}: no valid contraction hierarchy in the cache; rebuilding it",
                        path.display()
                    );
                }
            },
            Err(CacheError::Missing { .. }) => {}
            Err(error) => eprintln!("note: {error}; rebuilding it"),
        }
    }
    let network = parse()?;
    let (router, extras) = match engine {
        EngineKind::Dijkstra => (
            Router::Dijkstra(BidirectionalDijkstra::new(&network.graph)),
            Extras::new(),
        ),
        EngineKind::Ch => {
            let ch = ContractionHierarchy::new(&network.graph).expect("lengths fit");
            let extras = ch_extras(&ch);
            let query = ChQuery::new(&ch);
            (Router::Ch(Box::new(ch), query), extras)
        }
    };
    if let Some(path) = &cache_path {
        let saved = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .map_err(|source| {
                CacheError::Write(silkroute_core::io::WriteError::Io {
                    path: path.clone(),
                    source,
                })
            })
            .and_then(|()| save_geo_cache(path, source, &network, &extras));
        if let Err(error) = saved {
            eprintln!("note: cannot write the cache: {error}");
        }
    }
    Ok((network, router))
}

/// Runs `silkroute geo`.
pub fn run(args: &GeoArgs, out: &mut dyn Write) -> Result<()> {
    match &args.command {
        GeoCommand::Route(route) => run_route(route, out),
        GeoCommand::Matrix(matrix) => run_matrix(matrix, out),
        GeoCommand::Pack(pack) => run_pack(pack, out),
    }
}

/// Snapping and answer semantics, shared read-only by every thread; the search workspace
/// (a [`Router`] or a per-thread query) is passed in.
struct Engine {
    network: GeoNetwork,
    snapper: Snapper,
    /// Components of the network without the avoided arcs.
    components: Vec<u32>,
    /// Whether a node has an arc the query may use.
    usable: Vec<bool>,
    mode: SnapMode,
    max_snap_km: f64,
    /// Arcs of avoided passages, when the network has any.
    filter: Option<ArcFilter>,
    /// The avoided passage classes.
    avoided: Vec<u8>,
}

/// The network distance between two nodes, with the path's nodes when asked.
type Connect<'a> = dyn FnMut(u32, u32, bool) -> Option<GeoPath> + 'a;

/// One answered query.
struct Answer {
    /// Reported km (network km, plus legs under scgraph semantics).
    km: f64,
    origin: Snap,
    destination: Snap,
    nodes: Vec<u32>,
}

impl Engine {
    fn new(network: GeoNetwork, mode: SnapMode, max_snap_km: f64, avoided: Vec<u8>) -> Engine {
        let snapper = match mode {
            SnapMode::Nearest => Snapper::new(&network.graph),
            SnapMode::Scgraph => Snapper::with_all_nodes(&network.graph),
        };
        let filter = network.passages.filter(&avoided);
        let allows = |arc: usize| filter.as_ref().is_none_or(|f| f.allows(arc));
        let graph = &network.graph;
        let usable = (0..graph.node_count() as u32)
            .map(|node| graph.arcs(node).any(|(arc, _, _)| allows(arc)))
            .collect();
        Engine {
            components: graph.components_where(allows),
            usable,
            snapper,
            mode,
            max_snap_km,
            filter,
            avoided,
            network,
        }
    }

    fn filter(&self) -> Option<&ArcFilter> {
        self.filter.as_ref()
    }

    /// The names of the avoided passages, sorted.
    fn avoided_names(&self) -> Vec<String> {
        passage_names(&self.network.passages, &self.avoided)
    }

    fn graph(&self) -> &GeoGraph {
        &self.network.graph
    }

    /// Answers one query with `connect` as the search; `Ok(None)` when there is no path.
    fn route(
        &self,
        from: (f64, f64),
        to: (f64, f64),
        with_path: bool,
        connect: &mut Connect<'_>,
    ) -> Result<Option<Answer>> {
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
                Ok(
                    connect(origin.node, destination.node, with_path).map(|path| Answer {
                        km: path.length_m as f64 / 1000.0
                            + origin.distance_km
                            + destination.distance_km,
                        origin,
                        destination,
                        nodes: path.nodes,
                    }),
                )
            }
            SnapMode::Nearest => {
                let limit = self.max_snap_km;
                let usable = &self.usable;
                let origin = self
                    .snapper
                    .nearest_where(from.0, from.1, limit, |n| usable[n as usize])
                    .with_context(|| {
                        format!("no network node within {limit} km of {},{}", from.0, from.1)
                    })?;
                let component = self.components[origin.node as usize];
                let components = &self.components;
                let destination = self
                    .snapper
                    .nearest_where(to.0, to.1, limit, |n| {
                        usable[n as usize] && components[n as usize] == component
                    })
                    .with_context(|| {
                        if self.snapper.nearest_where(to.0, to.1, limit, |_| true).is_none() {
                            return format!("no network node within {limit} km of {},{}", to.0, to.1);
                        }
                        let avoiding = if self.filter.is_some() {
                            format!(
                                " without the passages {} (--allow-passage to use one)",
                                self.avoided_names().join(", ")
                            )
                        } else {
                            String::new()
                        };
                        format!(
                            "no node within {limit} km of {},{} is connected to the origin's part of the network{avoiding} (node {} at {:.1} km)",
                            to.0, to.1, self.network.ids[origin.node as usize], origin.distance_km
                        )
                    })?;
                Ok(
                    connect(origin.node, destination.node, with_path).map(|path| Answer {
                        km: path.length_m as f64 / 1000.0,
                        origin,
                        destination,
                        nodes: path.nodes,
                    }),
                )
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
    let (network, router) = load(&args.network, args.engine)?;
    let avoided = avoided_passages(&network.passages, &args.passages)?;
    let engine = Engine::new(network, args.snap, args.max_snap_km, avoided);
    let mut router = router.for_filter(engine.graph(), engine.filter());
    match (single, &args.queries) {
        (Some((from, to)), _) => {
            let graph = engine.graph();
            let filter = engine.filter();
            let answer = engine.route(from, to, true, &mut |s, t, p| {
                router.connect(graph, filter, s, t, p)
            })?;
            let Some(answer) = answer else {
                if filter.is_some() {
                    bail!(
                        "no path between the two points in this network without the passages {} (--allow-passage to use one)",
                        engine.avoided_names().join(", ")
                    );
                }
                bail!("no path between the two points in this network");
            };
            write_answer(
                &engine,
                &attribution(&args.network),
                &answer,
                args.format,
                out,
            )
        }
        (None, Some(file)) => run_queries(&engine, &mut router, file, args, out),
        (None, None) => unreachable!("checked above"),
    }
}

fn write_answer(
    engine: &Engine,
    attribution: &str,
    answer: &Answer,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    let graph = engine.graph();
    let ids = &engine.network.ids;
    let passages = engine.network.passages.on_path(graph, &answer.nodes);
    let avoided = engine.avoided_names();
    let coordinates: Vec<[f64; 2]> = answer
        .nodes
        .iter()
        .map(|&n| {
            let (lat, lon) = graph.coord(n);
            [lon, lat]
        })
        .collect();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(
                &mut *out,
                &json!({
                    "km": round3(answer.km),
                    "origin": {"node": ids[answer.origin.node as usize], "snap_km": round3(answer.origin.distance_km)},
                    "destination": {"node": ids[answer.destination.node as usize], "snap_km": round3(answer.destination.distance_km)},
                    "nodes": answer.nodes.len(),
                    "passages": passages,
                    "avoided_passages": avoided,
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
                        "properties": {
                            "km": round3(answer.km),
                            "passages": passages,
                            "avoided_passages": avoided,
                            "attribution": attribution,
                        },
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
            if !passages.is_empty() {
                writeln!(out, "  through: {}", passages.join(", "))?;
            }
            if !avoided.is_empty() {
                writeln!(out, "  avoiding: {}", avoided.join(", "))?;
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

fn run_queries(
    engine: &Engine,
    router: &mut Router,
    file: &Path,
    args: &GeoRouteArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let queries: Vec<((f64, f64), (f64, f64))> =
        read_points(file, &["olat", "olon", "dlat", "dlon"])?
            .into_iter()
            .map(|v| ((v[0], v[1]), (v[2], v[3])))
            .collect();
    let with_path = args.paths;
    let graph = engine.graph();
    let filter = engine.filter();
    let timed = |answer: &mut dyn FnMut() -> Option<f64>| {
        let start = Instant::now();
        let km = answer();
        (km, start.elapsed().as_secs_f64() * 1e6)
    };
    let started = Instant::now();
    let results: Vec<(Option<f64>, f64)> = if args.threads == 1 {
        queries
            .iter()
            .map(|&(from, to)| {
                timed(&mut || {
                    engine
                        .route(from, to, with_path, &mut |s, t, p| {
                            router.connect(graph, filter, s, t, p)
                        })
                        .ok()
                        .flatten()
                        .map(|a| a.km)
                })
            })
            .collect()
    } else {
        use rayon::prelude::*;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(args.threads)
            .build()
            .context("cannot start the worker threads")?;
        pool.install(|| match &*router {
            Router::Ch(ch, _) => queries
                .par_iter()
                .map_init(
                    || ChQuery::new(ch),
                    |query, &(from, to)| {
                        timed(&mut || {
                            let mut connect = |s: u32, t: u32, p: bool| {
                                if p {
                                    query.path(ch, s, t)
                                } else {
                                    query.distance(ch, s, t).map(|length_m| GeoPath {
                                        length_m,
                                        nodes: Vec::new(),
                                    })
                                }
                            };
                            engine
                                .route(from, to, with_path, &mut connect)
                                .ok()
                                .flatten()
                                .map(|a| a.km)
                        })
                    },
                )
                .collect(),
            Router::Dijkstra(_) => queries
                .par_iter()
                .map_init(
                    || Router::Dijkstra(BidirectionalDijkstra::new(graph)),
                    |search, &(from, to)| {
                        timed(&mut || {
                            engine
                                .route(from, to, with_path, &mut |s, t, p| {
                                    search.connect(graph, filter, s, t, p)
                                })
                                .ok()
                                .flatten()
                                .map(|a| a.km)
                        })
                    },
                )
                .collect(),
        })
    };
    let (answers, mut micros): (Vec<Option<f64>>, Vec<f64>) = results.into_iter().unzip();
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

/// Reads a CSV file's named numeric columns, with file and line in errors.
fn read_points(file: &Path, columns: &[&str]) -> Result<Vec<Vec<f64>>> {
    let text = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let mut reader = csv::Reader::from_reader(text.as_slice());
    let headers = reader
        .headers()
        .with_context(|| format!("{}: cannot read the header", file.display()))?
        .clone();
    let positions = columns
        .iter()
        .map(|name| {
            headers
                .iter()
                .position(|h| h.trim() == *name)
                .with_context(|| format!("{}:1: missing column `{name}`", file.display()))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("{}: malformed CSV", file.display()))?;
        let line = record.position().map_or(0, |p| p.line());
        let mut values = Vec::with_capacity(columns.len());
        for (&position, name) in positions.iter().zip(columns) {
            let raw = record.get(position).unwrap_or("").trim();
            let value = raw
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .with_context(|| {
                    format!("{}:{line}: {name}: `{raw}` is not a number", file.display())
                })?;
            values.push(value);
        }
        rows.push(values);
    }
    Ok(rows)
}

/// Largest matrix `geo matrix` computes (points); beyond it the output alone is gigabytes.
const MAX_MATRIX_POINTS: usize = 20_000;

fn run_matrix(args: &GeoMatrixArgs, out: &mut dyn Write) -> Result<()> {
    let points = read_points(&args.points, &["lat", "lon"])?;
    if points.len() > MAX_MATRIX_POINTS {
        bail!(
            "{}: {} points; the matrix is limited to {MAX_MATRIX_POINTS} points",
            args.points.display(),
            points.len()
        );
    }
    let (network, router) = load(&args.network, EngineKind::Ch)?;
    let Router::Ch(ch, _) = router else {
        unreachable!("load returns a CH engine when asked for one")
    };
    let graph = &network.graph;
    let avoided = avoided_passages(&network.passages, &args.passages)?;
    let filter = network.passages.filter(&avoided);
    // The cached hierarchy covers every arc; with passages avoided, one is built on the
    // filtered network (not cached: it depends on the query).
    let (ch, usable): (Box<ContractionHierarchy>, Vec<bool>) = match &filter {
        None => (ch, vec![true; graph.node_count()]),
        Some(filter) => {
            let filtered = graph.subgraph_where(|arc| filter.allows(arc));
            let usable = (0..graph.node_count() as u32)
                .map(|node| filtered.degree(node) > 0)
                .collect();
            (
                Box::new(ContractionHierarchy::new(&filtered).expect("lengths fit")),
                usable,
            )
        }
    };
    let snapper = match args.snap {
        SnapMode::Nearest => Snapper::new(graph),
        SnapMode::Scgraph => Snapper::with_all_nodes(graph),
    };
    let started = Instant::now();
    let mut snaps = Vec::with_capacity(points.len());
    for (index, point) in points.iter().enumerate() {
        let limit = match args.snap {
            SnapMode::Nearest => args.max_snap_km,
            SnapMode::Scgraph => f64::INFINITY,
        };
        let snap = snapper
            .nearest_where(point[0], point[1], limit, |node| {
                args.snap == SnapMode::Scgraph || usable[node as usize]
            })
            .with_context(|| {
                format!(
                    "{}: point {} ({}, {}) has no network node within {limit} km",
                    args.points.display(),
                    index + 1,
                    point[0],
                    point[1]
                )
            })?;
        snaps.push(snap);
    }
    let snap_ms = started.elapsed().as_secs_f64() * 1e3;
    let nodes: Vec<u32> = snaps.iter().map(|s| s.node).collect();
    let matrix = silkroute_core::geo::distance_matrix(&ch, &nodes, &nodes);
    let total_ms = started.elapsed().as_secs_f64() * 1e3;
    let n = points.len();
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record((0..n).map(|i| i.to_string()))?;
    let mut row = Vec::with_capacity(n);
    for i in 0..n {
        row.clear();
        for j in 0..n {
            let network_m = matrix[i * n + j];
            let km = match args.snap {
                SnapMode::Nearest => network_m.map(|m| m as f64 / 1000.0),
                SnapMode::Scgraph => {
                    let direct =
                        great_circle_km((points[i][0], points[i][1]), (points[j][0], points[j][1]));
                    if direct < snaps[i].distance_km || direct < snaps[j].distance_km {
                        Some(direct)
                    } else {
                        network_m.map(|m| {
                            m as f64 / 1000.0 + snaps[i].distance_km + snaps[j].distance_km
                        })
                    }
                }
            };
            row.push(km.map(|km| format!("{km:.3}")).unwrap_or_default());
        }
        writer.write_record(&row)?;
    }
    writer.flush()?;
    eprintln!(
        "points={n} pairs={} total_ms={total_ms:.1} snap_ms={snap_ms:.1} matrix_ms={:.1}",
        n * n,
        total_ms - snap_ms
    );
    Ok(())
}

fn run_pack(args: &GeoPackArgs, out: &mut dyn Write) -> Result<()> {
    let bbox: Vec<f64> = args
        .bbox
        .split(',')
        .map(|v| v.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()
        .filter(|b: &Vec<f64>| b.len() == 4 && b[0] <= b[2] && b[1] <= b[3])
        .with_context(|| {
            format!(
                "--bbox {}: expected min_lat,min_lon,max_lat,max_lon",
                args.bbox
            )
        })?;
    if args.tolerance_km.is_nan() || args.tolerance_km < 0.0 {
        bail!("--tolerance-km must be ≥ 0");
    }
    let mut network = load_uncached(&args.dir, "network")?;
    if let Some(file) = &args.passages {
        let bytes =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        network.passages = silkroute_core::geo::apply_passage_tags(
            &network,
            &(file.display().to_string(), bytes),
        )?;
    }
    for name in &args.untag {
        if !network.passages.names().iter().any(|n| n == name.trim()) {
            bail!(
                "--untag {name}: no such passage tag in {}",
                args.dir.display()
            );
        }
    }
    network.passages = network.passages.without(&network.graph, |name| {
        args.untag.iter().any(|u| u.trim() == name)
    });
    let options = silkroute_core::geo::SimplifyOptions {
        bbox: [bbox[0], bbox[1], bbox[2], bbox[3]],
        tolerance_km: args.tolerance_km,
        min_component_nodes: args.min_component_nodes,
    };
    let (small, _, passages) =
        silkroute_core::geo::simplify_with_passages(&network.graph, &network.passages, options);
    let text = match &args.attribution {
        Some(text) => text.clone(),
        None => folder_attribution(&args.dir),
    };
    let bytes = silkroute_core::geo::pack_geo(&small, &passages, &text);
    std::fs::write(&args.out, &bytes)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    writeln!(
        out,
        "packed {}: {} → {} nodes, {} → {} edges, {:.1} MB",
        args.dir.display(),
        network.graph.node_count(),
        small.node_count(),
        network.graph.edge_count(),
        small.edge_count(),
        bytes.len() as f64 / 1e6
    )?;
    let tagged = passages.tagged_edges(&small);
    if !tagged.is_empty() {
        let mut counts = vec![0usize; passages.names().len() + 1];
        for &(_, _, class) in &tagged {
            counts[usize::from(class)] += 1;
        }
        let summary: Vec<String> = passages
            .names()
            .iter()
            .zip(&counts[1..])
            .map(|(name, count)| format!("{name} {count}"))
            .collect();
        writeln!(out, "passage edges: {}", summary.join(", "))?;
    }
    Ok(())
}
