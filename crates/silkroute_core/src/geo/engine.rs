//! The geographic routing engine every front end uses: a network loaded from the binary or a
//! path, prepared (through a cache file) for contraction-hierarchy or Dijkstra queries
//! ([`PreparedGeo`]); requests that attach coordinates to it, avoid passages and answer single
//! routes, batches of queries and distance matrices ([`GeoEngine`]).
//!
//! The hierarchy covers every arc. A query that avoids a passage some arc has runs the
//! bidirectional Dijkstra with an arc filter instead (the maritime network has 10,000 nodes:
//! a few milliseconds), and a matrix builds a hierarchy on the filtered network.
//!
//! Two snapping semantics: [`SnapMode::Nearest`] attaches each end to the nearest node that
//! has a usable arc, the destination within the origin's connected part, and reports the
//! network distance; [`SnapMode::Scgraph`] reproduces scgraph's answers for comparison (each
//! end to the nearest node of any part; network km plus both straight legs, or the straight
//! line when it is shorter than a leg).

use super::{
    ArcFilter, BidirectionalDijkstra, CacheError, Cancelled, ChError, ChQuery,
    ContractionHierarchy, EmbeddedGeo, Extras, GeoArcId, GeoGraph, GeoNetwork, GeoNodeId, GeoPath,
    PassageChoice, PassageChoiceError, PassageClass, SharedProgress, Snap, Snapper,
    ch_from_sections, ch_sections, checksum, distance_matrix_with_progress, fingerprint,
    folder_attribution, great_circle_km, load_geo_cache, read_geo_source, save_geo_cache,
};
use crate::io::{LoadError, LoadWarning, clip};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

/// A point: `(latitude, longitude)` in degrees.
pub type LatLon = (f64, f64);

/// A query of a batch: origin and destination.
pub type GeoQuery = (LatLon, LatLon);

/// The shortest-path algorithm a prepared network is made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchKind {
    /// Contraction hierarchies: prepared once (and cached), then fast queries.
    Ch,
    /// Bidirectional Dijkstra: no preparation, slower queries.
    Dijkstra,
}

/// How query coordinates are attached to the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapMode {
    /// Each end to the nearest node that has a usable arc, the destination within the
    /// origin's connected part; km is the network distance.
    Nearest,
    /// scgraph's semantics: each end to the nearest node of any part; km is network km plus
    /// both straight legs, or the straight line when it is shorter than a leg.
    Scgraph,
}

/// A geographic network to load: one shipped in the binary, or a path (a nodes.csv +
/// edges.csv folder, a GMNS folder or a GeoJSON file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GeoSpec {
    /// `rail`, `road` or `sea`.
    Embedded(EmbeddedGeo),
    /// A folder or file.
    Path(PathBuf),
}

impl GeoSpec {
    /// `rail`, `road` and `sea` name the shipped networks; anything else is a path.
    pub fn parse(text: &Path) -> GeoSpec {
        match text.to_str().and_then(EmbeddedGeo::from_key) {
            Some(network) => GeoSpec::Embedded(network),
            None => GeoSpec::Path(text.to_path_buf()),
        }
    }

    /// How messages name it.
    pub fn display(&self) -> String {
        match self {
            GeoSpec::Embedded(network) => network.key().to_string(),
            GeoSpec::Path(path) => path.display().to_string(),
        }
    }

    /// The default cache file of this network in the folder `cache_dir` (a front end's
    /// per-user cache folder): named by the fingerprint of the shipped bytes, or by the
    /// canonical path of a folder or file; `None` when the path does not exist.
    pub fn default_cache_file(&self, cache_dir: &Path) -> Option<PathBuf> {
        match self {
            GeoSpec::Embedded(network) => {
                let source = fingerprint(&[network.bytes()]);
                Some(cache_dir.join(format!("embedded-{source:016x}.bin")))
            }
            GeoSpec::Path(path) => {
                let canonical = path.canonicalize().ok()?;
                let key = checksum(canonical.to_string_lossy().as_bytes());
                Some(cache_dir.join(format!("geo-{key:016x}.bin")))
            }
        }
    }

    /// The attribution to print with answers: the shipped network's, or the text of a
    /// folder's `ATTRIBUTION` file (empty for a file, or without one).
    pub fn attribution(&self) -> String {
        match self {
            GeoSpec::Embedded(network) => network.attribution(),
            GeoSpec::Path(path) => folder_attribution(path),
        }
    }
}

/// Something a front end should tell the user while a network is prepared.
#[derive(Debug)]
pub enum GeoNote {
    /// A warning of the network's reader.
    Reader(LoadWarning),
    /// The cache could not be used and is rebuilt.
    CacheRebuilt(CacheError),
    /// The cache holds no valid contraction hierarchy, which is rebuilt.
    NoHierarchyInCache(PathBuf),
    /// The prepared network could not be cached.
    CacheNotWritten(CacheError),
    /// Contraction gave up on absurd lengths; Dijkstra answers instead.
    NoHierarchy(ChError),
}

impl std::fmt::Display for GeoNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GeoNote::Reader(warning) => write!(f, "{warning}"),
            GeoNote::CacheRebuilt(error) => write!(f, "{error}; rebuilding it"),
            GeoNote::NoHierarchyInCache(path) => write!(
                f,
                "{}: no valid contraction hierarchy in the cache; rebuilding it",
                path.display()
            ),
            GeoNote::CacheNotWritten(error) => {
                write!(f, "cannot write the cache: {error}")?;
                let mut source = std::error::Error::source(error);
                while let Some(cause) = source {
                    write!(f, ": {cause}")?;
                    source = cause.source();
                }
                Ok(())
            }
            GeoNote::NoHierarchy(error) => write!(f, "{error}; answering with Dijkstra"),
        }
    }
}

impl GeoNote {
    /// Whether it is a warning about the data (else a note about the cache).
    pub fn is_warning(&self) -> bool {
        matches!(self, GeoNote::Reader(_))
    }
}

/// Progress of [`PreparedGeo::load`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeoProgress {
    /// The network is being read and parsed.
    Reading,
    /// Nodes contracted of the total.
    Contracting {
        /// Nodes contracted so far.
        done: usize,
        /// All nodes.
        total: usize,
    },
    /// The prepared network is being written to the cache.
    WritingCache,
}

/// Why a network could not be prepared or a request answered.
#[derive(Debug, thiserror::Error)]
pub enum GeoError {
    /// The network could not be read.
    #[error("cannot load the network in {path}")]
    Load {
        /// The network as given.
        path: String,
        /// The cause.
        source: Box<LoadError>,
    },
    /// The progress observer asked to stop.
    #[error("cancelled")]
    Cancelled,
    /// A passage name the network does not have.
    #[error(transparent)]
    Passage(#[from] PassageChoiceError),
    /// A request parameter out of range.
    #[error("{field} {value}: {expected}")]
    InvalidParameter {
        /// The request field (`max_snap_km`).
        field: &'static str,
        /// The value given.
        value: String,
        /// What is expected.
        expected: &'static str,
    },
    /// A coordinate that is not a latitude and longitude.
    #[error("{what} `{given}`: {reason}")]
    BadCoordinate {
        /// `origin` or `destination`.
        what: &'static str,
        /// The text given.
        given: String,
        /// What is wrong, with a hint when the two numbers look swapped.
        reason: String,
    },
    /// A point of a matrix that is not a latitude and longitude.
    #[error(
        "point {number} ({lat}, {lon}): latitude must be in [-90, 90], longitude in [-180, 180]"
    )]
    BadPoint {
        /// The point's number, from 1.
        number: usize,
        /// Its latitude.
        lat: f64,
        /// Its longitude.
        lon: f64,
    },
    /// The network has no node with an edge.
    #[error("the network has no nodes with edges")]
    EmptyNetwork,
    /// No node within the snapping distance of a point.
    #[error("no network node within {limit_km} km of {lat},{lon}{hint}")]
    NoNodeNear {
        /// The point's latitude.
        lat: f64,
        /// Its longitude.
        lon: f64,
        /// The snapping distance, km.
        limit_km: f64,
        /// A hint (the point with latitude and longitude swapped would snap).
        hint: String,
    },
    /// The destination's nearby nodes are all in another part of the network than the
    /// origin's.
    #[error(
        "no node within {limit_km} km of {lat},{lon} is connected to the origin's part of the network{avoiding} (node {origin_node} at {origin_km:.1} km)"
    )]
    NotConnected {
        /// The destination's latitude.
        lat: f64,
        /// Its longitude.
        lon: f64,
        /// The snapping distance, km.
        limit_km: f64,
        /// ` without the passages ...` when passages are avoided.
        avoiding: String,
        /// The node the origin snapped to.
        origin_node: String,
        /// How far the origin is from it, km.
        origin_km: f64,
    },
    /// Both ends snapped but no path joins them.
    #[error("no path between the two points in this network{avoiding}")]
    NoPath {
        /// ` without the passages ...` when passages are avoided.
        avoiding: String,
    },
    /// More points than a matrix may have.
    #[error("{points} points; the matrix is limited to {MAX_MATRIX_POINTS} points")]
    TooManyPoints {
        /// Points given.
        points: usize,
    },
    /// The worker threads could not be started.
    #[error("cannot start the worker threads")]
    Threads(#[source] rayon::ThreadPoolBuildError),
}

impl GeoError {
    /// The request field the error is about, for front ends that name their own options.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            GeoError::InvalidParameter { field, .. } => Some(field),
            GeoError::Passage(error) => Some(error.field()),
            _ => None,
        }
    }
}

/// Largest distance matrix (points): beyond it the output alone is gigabytes.
pub const MAX_MATRIX_POINTS: usize = 20_000;

/// A geographic network prepared for queries: the network, its contraction hierarchy when
/// prepared for [`SearchKind::Ch`], and its attribution.
#[derive(Debug)]
pub struct PreparedGeo {
    /// The network.
    pub network: GeoNetwork,
    /// Its contraction hierarchy (`None` for Dijkstra, or when contraction gave up).
    pub ch: Option<ContractionHierarchy>,
    /// What answers must credit (the ODbL notice of OpenStreetMap data).
    pub attribution: String,
}

impl PreparedGeo {
    /// Loads a network and prepares it for `search`: from the cache file `cache` when it holds
    /// this network (same source bytes, same format version, intact), else by reading and
    /// parsing it, contracting it for [`SearchKind::Ch`], and writing the cache.
    ///
    /// A damaged, stale or unreadable cache is rebuilt (with a note), never trusted: every
    /// array read back is checked against the invariants of the structures. Failing to write
    /// the cache is a note too; the answer does not depend on the cache.
    ///
    /// # Errors
    /// [`GeoError::Load`] when the network cannot be read, [`GeoError::Cancelled`] when
    /// `progress` breaks.
    pub fn load(
        spec: &GeoSpec,
        cache: Option<&Path>,
        search: SearchKind,
        notes: &mut Vec<GeoNote>,
        progress: &mut dyn FnMut(GeoProgress) -> ControlFlow<()>,
    ) -> Result<PreparedGeo, GeoError> {
        let load_error = |source| GeoError::Load {
            path: spec.display(),
            source: Box::new(source),
        };
        let attribution = spec.attribution();
        /// Where the network's bytes are.
        enum Bytes {
            Embedded(EmbeddedGeo),
            Files(super::GeoSource),
        }
        let (source, bytes) = match spec {
            GeoSpec::Embedded(network) => {
                (fingerprint(&[network.bytes()]), Bytes::Embedded(*network))
            }
            GeoSpec::Path(path) => {
                let files = read_geo_source(path).map_err(load_error)?;
                (files.fingerprint(), Bytes::Files(files))
            }
        };
        if let Some(path) = cache {
            match load_geo_cache(path, source) {
                Ok((network, extras)) => match search {
                    SearchKind::Dijkstra => {
                        return Ok(PreparedGeo {
                            network,
                            ch: None,
                            attribution,
                        });
                    }
                    SearchKind::Ch => {
                        if let Some(ch) = ch_from_sections(extras, &network.graph) {
                            return Ok(PreparedGeo {
                                network,
                                ch: Some(ch),
                                attribution,
                            });
                        }
                        notes.push(GeoNote::NoHierarchyInCache(path.to_path_buf()));
                    }
                },
                Err(CacheError::Missing { .. }) => {}
                Err(error) => notes.push(GeoNote::CacheRebuilt(error)),
            }
        }
        if progress(GeoProgress::Reading).is_break() {
            return Err(GeoError::Cancelled);
        }
        let parsed = match bytes {
            Bytes::Embedded(network) => network.load().map(|(network, _)| network),
            Bytes::Files(files) => files.parse().map(|(network, warnings)| {
                notes.extend(warnings.into_iter().map(GeoNote::Reader));
                network
            }),
        };
        let network = parsed.map_err(load_error)?;
        let (ch, extras) = match search {
            SearchKind::Dijkstra => (None, Extras::new()),
            SearchKind::Ch => {
                let contracted =
                    ContractionHierarchy::with_progress(&network.graph, &mut |done, total| {
                        progress(GeoProgress::Contracting { done, total })
                    });
                match contracted {
                    Ok(ch) => {
                        let extras = ch_sections(&ch);
                        (Some(ch), extras)
                    }
                    Err(ChError::Cancelled) => return Err(GeoError::Cancelled),
                    Err(error) => {
                        notes.push(GeoNote::NoHierarchy(error));
                        (None, Extras::new())
                    }
                }
            }
        };
        if let Some(path) = cache {
            if progress(GeoProgress::WritingCache).is_break() {
                return Err(GeoError::Cancelled);
            }
            let saved = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .map_err(|source| {
                    CacheError::Write(crate::io::WriteError::Io {
                        path: path.to_path_buf(),
                        source,
                    })
                })
                .and_then(|()| save_geo_cache(path, source, &network, &extras));
            if let Err(error) = saved {
                notes.push(GeoNote::CacheNotWritten(error));
            }
        }
        Ok(PreparedGeo {
            network,
            ch,
            attribution,
        })
    }
}

/// A shortest-path search workspace: a contraction-hierarchy query or a bidirectional
/// Dijkstra, allocated once and reused for every query of one thread.
#[derive(Debug)]
pub enum Router {
    /// Bidirectional Dijkstra, optionally restricted by the engine's arc filter.
    Dijkstra(BidirectionalDijkstra),
    /// A query on the prepared hierarchy.
    Ch(ChQuery),
}

/// What a geographic query asks besides its points.
#[derive(Debug, Clone, PartialEq)]
pub struct GeoQueryOptions {
    /// How points attach to the network.
    pub snap: SnapMode,
    /// Largest snapping distance, km ([`SnapMode::Nearest`]).
    pub max_snap_km: f64,
    /// Passages to avoid or allow.
    pub passages: PassageChoice,
}

impl GeoQueryOptions {
    /// Checks the options that do not depend on a network.
    ///
    /// # Errors
    /// [`GeoError::InvalidParameter`] for a negative or NaN snapping distance.
    pub fn validate(&self) -> Result<(), GeoError> {
        if self.max_snap_km.is_nan() || self.max_snap_km < 0.0 {
            return Err(GeoError::InvalidParameter {
                field: "max_snap_km",
                value: crate::io::number(self.max_snap_km),
                expected: "must be ≥ 0",
            });
        }
        Ok(())
    }
}

impl Default for GeoQueryOptions {
    fn default() -> GeoQueryOptions {
        GeoQueryOptions {
            snap: SnapMode::Nearest,
            max_snap_km: 50.0,
            passages: PassageChoice::default(),
        }
    }
}

/// One answered query.
#[derive(Debug, Clone, PartialEq)]
pub struct GeoAnswer {
    /// Reported km (network km, plus the straight legs under scgraph semantics).
    pub km: f64,
    /// Where the origin attached.
    pub origin: Snap,
    /// Where the destination attached.
    pub destination: Snap,
    /// The path's nodes (empty when only the length was asked for).
    pub nodes: Vec<GeoNodeId>,
}

/// The answer to one query of a batch, with the time it took.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimedAnswer {
    /// The km, `None` when the query has no answer (no node near, no path).
    pub km: Option<f64>,
    /// Microseconds spent on it (snapping and search).
    pub micros: f64,
}

/// A distance matrix between points.
#[derive(Debug, Clone, PartialEq)]
pub struct GeoMatrix {
    /// `km[i * n + j]`: from point `i` to point `j`; `None` without a path, and for every
    /// pair of a point that did not snap.
    pub km: Vec<Option<f64>>,
    /// Points (0-based) with no network node within the snapping distance: their row and
    /// column are empty.
    pub unsnapped: Vec<usize>,
    /// Milliseconds spent snapping.
    pub snap_ms: f64,
    /// Milliseconds in all.
    pub total_ms: f64,
}

/// Snapping and answer semantics over a prepared network, shared read-only by every thread;
/// each thread brings its own [`Router`].
///
/// # Example
/// ```
/// use silkroute_core::geo::{GeoEngine, GeoQueryOptions, GeoSpec, PreparedGeo, SearchKind};
/// use std::ops::ControlFlow;
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/geo_tiny");
/// let spec = GeoSpec::parse(std::path::Path::new(dir));
/// let mut notes = Vec::new();
/// let prepared = PreparedGeo::load(&spec, None, SearchKind::Ch, &mut notes, &mut |_| {
///     ControlFlow::Continue(())
/// })
/// .unwrap();
/// let engine = GeoEngine::new(&prepared, &GeoQueryOptions::default()).unwrap();
/// let answer = engine.route_path((43.65, 51.17), (47.1, 51.9)).unwrap();
/// assert_eq!(answer.km, 800.75);
/// let matrix = engine.matrix(&[(43.65, 51.17), (10.0, 10.0)]).unwrap();
/// assert_eq!(matrix.unsnapped, vec![1]);
/// ```
#[derive(Debug)]
pub struct GeoEngine<'a> {
    prepared: &'a PreparedGeo,
    snapper: Snapper,
    /// Components of the network without the avoided arcs, by node.
    components: Vec<u32>,
    /// Whether a node has an arc the query may use, by node.
    usable: Vec<bool>,
    snap: SnapMode,
    max_snap_km: f64,
    /// Arcs of avoided passages, when the network has any.
    filter: Option<ArcFilter>,
    /// The avoided passage classes.
    avoided: Vec<PassageClass>,
}

impl<'a> GeoEngine<'a> {
    /// Prepares the query side: snapping index, avoided passages, connected parts.
    ///
    /// # Errors
    /// [`GeoError::InvalidParameter`] for a negative or NaN snapping distance,
    /// [`GeoError::Passage`] for a passage name the network does not have.
    pub fn new(
        prepared: &'a PreparedGeo,
        options: &GeoQueryOptions,
    ) -> Result<GeoEngine<'a>, GeoError> {
        options.validate()?;
        let network = &prepared.network;
        let avoided = network.passages.avoided(&options.passages)?;
        let snapper = match options.snap {
            SnapMode::Nearest => Snapper::new(&network.graph),
            SnapMode::Scgraph => Snapper::with_all_nodes(&network.graph),
        };
        let filter = network.passages.filter(&avoided);
        let allows = |arc: GeoArcId| filter.as_ref().is_none_or(|f| f.allows(arc));
        let graph = &network.graph;
        let usable = graph
            .node_ids()
            .map(|node| graph.arcs(node).any(|(arc, _, _)| allows(arc)))
            .collect();
        Ok(GeoEngine {
            components: graph.components_where(allows),
            usable,
            snapper,
            snap: options.snap,
            max_snap_km: options.max_snap_km,
            filter,
            avoided,
            prepared,
        })
    }

    /// The network.
    pub fn network(&self) -> &GeoNetwork {
        &self.prepared.network
    }

    /// The graph.
    pub fn graph(&self) -> &GeoGraph {
        &self.prepared.network.graph
    }

    /// The arcs queries may not use, when passages are avoided.
    pub fn filter(&self) -> Option<&ArcFilter> {
        self.filter.as_ref()
    }

    /// The names of the avoided passages, sorted.
    pub fn avoided_names(&self) -> Vec<String> {
        self.prepared.network.passages.names_of(&self.avoided)
    }

    /// The names of the passages a path goes through, in order.
    pub fn passages_on(&self, nodes: &[GeoNodeId]) -> Vec<String> {
        self.prepared
            .network
            .passages
            .on_path(self.graph(), nodes)
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    /// A search workspace for this engine: a hierarchy query when the network has a
    /// hierarchy and no arc is avoided, else a (filtered) bidirectional Dijkstra.
    pub fn router(&self) -> Router {
        match (&self.prepared.ch, &self.filter) {
            (Some(ch), None) => Router::Ch(ChQuery::new(ch)),
            _ => Router::Dijkstra(BidirectionalDijkstra::new(self.graph())),
        }
    }

    /// The network distance between two nodes, with the path's nodes when `with_path`.
    fn connect(
        &self,
        router: &mut Router,
        source: GeoNodeId,
        target: GeoNodeId,
        with_path: bool,
    ) -> Option<GeoPath> {
        let graph = self.graph();
        let filter = self.filter.as_ref();
        match router {
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
            Router::Ch(query) => {
                let ch = self
                    .prepared
                    .ch
                    .as_ref()
                    .expect("a hierarchy router is made only for a network with a hierarchy");
                if with_path {
                    query.path(ch, source, target)
                } else {
                    query.distance(ch, source, target).map(|length_m| GeoPath {
                        length_m,
                        nodes: Vec::new(),
                    })
                }
            }
        }
    }

    /// ` without the passages a, b (--allow-passage to use one)`, or empty.
    fn avoiding(&self) -> String {
        if self.filter.is_some() {
            format!(
                " without the passages {} (--allow-passage to use one)",
                self.avoided_names().join(", ")
            )
        } else {
            String::new()
        }
    }

    /// A hint for a point that does not snap: the same numbers swapped would.
    fn swapped_hint(&self, lat: f64, lon: f64, limit: f64) -> String {
        let swapped = (lon, lat);
        let in_range = crate::network::is_lat_lon(swapped.0, swapped.1);
        let usable = &self.usable;
        if in_range
            && (lat, lon) != swapped
            && self
                .snapper
                .nearest_where(swapped.0, swapped.1, limit, |n| usable[n.index()])
                .is_some()
        {
            format!(" (did you swap latitude and longitude? {lon},{lat} is near the network)")
        } else {
            String::new()
        }
    }

    /// Answers one query with `router`; `Ok(None)` when both ends attach but no path joins
    /// them.
    ///
    /// # Errors
    /// [`GeoError::NoNodeNear`] or [`GeoError::NotConnected`] when an end does not attach,
    /// [`GeoError::EmptyNetwork`].
    pub fn route(
        &self,
        router: &mut Router,
        from: (f64, f64),
        to: (f64, f64),
        with_path: bool,
    ) -> Result<Option<GeoAnswer>, GeoError> {
        match self.snap {
            SnapMode::Scgraph => {
                let origin = self
                    .snapper
                    .nearest(from.0, from.1)
                    .ok_or(GeoError::EmptyNetwork)?;
                let destination = self
                    .snapper
                    .nearest(to.0, to.1)
                    .ok_or(GeoError::EmptyNetwork)?;
                let direct = great_circle_km(from, to);
                if direct < origin.distance_km || direct < destination.distance_km {
                    return Ok(Some(GeoAnswer {
                        km: direct,
                        origin,
                        destination,
                        nodes: Vec::new(),
                    }));
                }
                Ok(self
                    .connect(router, origin.node, destination.node, with_path)
                    .map(|path| GeoAnswer {
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
                let usable = &self.usable;
                let origin = self
                    .snapper
                    .nearest_where(from.0, from.1, limit, |n| usable[n.index()])
                    .ok_or_else(|| GeoError::NoNodeNear {
                        lat: from.0,
                        lon: from.1,
                        limit_km: limit,
                        hint: self.swapped_hint(from.0, from.1, limit),
                    })?;
                let component = self.components[origin.node.index()];
                let components = &self.components;
                let destination = self
                    .snapper
                    .nearest_where(to.0, to.1, limit, |n| {
                        usable[n.index()] && components[n.index()] == component
                    })
                    .ok_or_else(|| {
                        if self
                            .snapper
                            .nearest_where(to.0, to.1, limit, |_| true)
                            .is_none()
                        {
                            return GeoError::NoNodeNear {
                                lat: to.0,
                                lon: to.1,
                                limit_km: limit,
                                hint: self.swapped_hint(to.0, to.1, limit),
                            };
                        }
                        GeoError::NotConnected {
                            lat: to.0,
                            lon: to.1,
                            limit_km: limit,
                            avoiding: self.avoiding(),
                            origin_node: self.prepared.network.ids[origin.node.index()].clone(),
                            origin_km: origin.distance_km,
                        }
                    })?;
                Ok(self
                    .connect(router, origin.node, destination.node, with_path)
                    .map(|path| GeoAnswer {
                        km: path.length_m as f64 / 1000.0,
                        origin,
                        destination,
                        nodes: path.nodes,
                    }))
            }
        }
    }

    /// [`GeoEngine::route`] with the path, where no path is an error.
    ///
    /// # Errors
    /// As [`GeoEngine::route`], and [`GeoError::NoPath`].
    pub fn route_path(&self, from: (f64, f64), to: (f64, f64)) -> Result<GeoAnswer, GeoError> {
        let mut router = self.router();
        self.route(&mut router, from, to, true)?
            .ok_or_else(|| GeoError::NoPath {
                avoiding: self.avoiding(),
            })
    }

    /// Answers a batch of queries on `threads` threads (1: on this thread, in order; 0: all
    /// cores), each timed. A query that fails (no node near, no path) has no km. The answers
    /// do not depend on the thread count.
    ///
    /// # Errors
    /// [`GeoError::Threads`] when the worker threads cannot be started.
    pub fn route_many(
        &self,
        queries: &[GeoQuery],
        threads: usize,
        with_path: bool,
    ) -> Result<Vec<TimedAnswer>, GeoError> {
        self.route_many_with_progress(queries, threads, with_path, &|_, _| {
            ControlFlow::Continue(())
        })
    }

    /// [`GeoEngine::route_many`], telling `progress` (queries done, queries) from whichever
    /// thread finishes one; when it breaks, the queries not started are skipped.
    ///
    /// # Errors
    /// [`GeoError::Threads`] when the worker threads cannot be started,
    /// [`GeoError::Cancelled`] when `progress` breaks.
    pub fn route_many_with_progress(
        &self,
        queries: &[GeoQuery],
        threads: usize,
        with_path: bool,
        progress: SharedProgress<'_>,
    ) -> Result<Vec<TimedAnswer>, GeoError> {
        let stop = AtomicBool::new(false);
        let done = AtomicUsize::new(0);
        let answer = |router: &mut Router, &(from, to): &GeoQuery| {
            if stop.load(Ordering::Relaxed) {
                return TimedAnswer {
                    km: None,
                    micros: 0.0,
                };
            }
            let start = Instant::now();
            let km = self
                .route(router, from, to, with_path)
                .ok()
                .flatten()
                .map(|a| a.km);
            let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
            if progress(finished, queries.len()).is_break() {
                stop.store(true, Ordering::Relaxed);
            }
            TimedAnswer {
                km,
                micros: start.elapsed().as_secs_f64() * 1e6,
            }
        };
        let answers = if threads == 1 {
            let mut router = self.router();
            queries.iter().map(|q| answer(&mut router, q)).collect()
        } else {
            use rayon::prelude::*;
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .map_err(GeoError::Threads)?;
            pool.install(|| {
                queries
                    .par_iter()
                    .map_init(|| self.router(), answer)
                    .collect()
            })
        };
        if stop.into_inner() {
            return Err(GeoError::Cancelled);
        }
        Ok(answers)
    }

    /// The distance matrix between `points` (`(lat, lon)`), on all cores. Points that do
    /// not snap leave their row and column empty (listed in [`GeoMatrix::unsnapped`]).
    ///
    /// # Errors
    /// [`GeoError::TooManyPoints`] past [`MAX_MATRIX_POINTS`]; [`GeoError::EmptyNetwork`].
    pub fn matrix(&self, points: &[(f64, f64)]) -> Result<GeoMatrix, GeoError> {
        self.matrix_with_progress(points, &|_, _| ControlFlow::Continue(()))
    }

    /// [`GeoEngine::matrix`], telling `progress` (rows done, rows) as rows finish, from any
    /// thread; when it breaks, the rows not started are skipped.
    ///
    /// # Errors
    /// As [`GeoEngine::matrix`], and [`GeoError::Cancelled`] when `progress` breaks.
    pub fn matrix_with_progress(
        &self,
        points: &[(f64, f64)],
        progress: SharedProgress<'_>,
    ) -> Result<GeoMatrix, GeoError> {
        if points.len() > MAX_MATRIX_POINTS {
            return Err(GeoError::TooManyPoints {
                points: points.len(),
            });
        }
        let graph = self.graph();
        // The prepared hierarchy covers every arc; with passages avoided, one is built on the
        // filtered network (not cached: it depends on the query). Contraction only fails on
        // absurd lengths; the matrix then comes from Dijkstra searches.
        let filtered;
        let ch_storage;
        let ch: Option<&ContractionHierarchy> = match &self.filter {
            None => self.prepared.ch.as_ref(),
            Some(filter) => {
                filtered = graph.subgraph_where(|arc| filter.allows(arc));
                ch_storage = ContractionHierarchy::new(&filtered).ok();
                ch_storage.as_ref()
            }
        };
        let started = Instant::now();
        let usable = &self.usable;
        let limit = match self.snap {
            SnapMode::Nearest => self.max_snap_km,
            SnapMode::Scgraph => f64::INFINITY,
        };
        let snaps: Vec<Option<Snap>> = points
            .iter()
            .map(|&(lat, lon)| {
                self.snapper.nearest_where(lat, lon, limit, |node| {
                    self.snap == SnapMode::Scgraph || usable[node.index()]
                })
            })
            .collect();
        if snaps.iter().all(Option::is_none) && !points.is_empty() && graph.node_count() == 0 {
            return Err(GeoError::EmptyNetwork);
        }
        let snap_ms = started.elapsed().as_secs_f64() * 1e3;
        let snapped: Vec<usize> = (0..points.len()).filter(|&i| snaps[i].is_some()).collect();
        let nodes: Vec<GeoNodeId> = snapped
            .iter()
            .map(|&i| snaps[i].expect("only snapped points").node)
            .collect();
        let network_m: Vec<Option<u64>> = match ch {
            Some(ch) => distance_matrix_with_progress(ch, &nodes, &nodes, progress)
                .map_err(|Cancelled| GeoError::Cancelled)?,
            None => {
                let mut search = BidirectionalDijkstra::new(graph);
                let mut network_m = Vec::with_capacity(nodes.len() * nodes.len());
                for (row, &s) in nodes.iter().enumerate() {
                    network_m.extend(
                        nodes
                            .iter()
                            .map(|&t| search.distance_where(graph, s, t, self.filter.as_ref())),
                    );
                    if progress(row + 1, nodes.len()).is_break() {
                        return Err(GeoError::Cancelled);
                    }
                }
                network_m
            }
        };
        let n = points.len();
        let m = snapped.len();
        let mut km = vec![None; n * n];
        for (a, &i) in snapped.iter().enumerate() {
            for (b, &j) in snapped.iter().enumerate() {
                let (si, sj) = (snaps[i].expect("snapped"), snaps[j].expect("snapped"));
                let network = network_m[a * m + b];
                km[i * n + j] = match self.snap {
                    SnapMode::Nearest => network.map(|m| m as f64 / 1000.0),
                    SnapMode::Scgraph => {
                        let direct = great_circle_km(points[i], points[j]);
                        if direct < si.distance_km || direct < sj.distance_km {
                            Some(direct)
                        } else {
                            network.map(|m| m as f64 / 1000.0 + si.distance_km + sj.distance_km)
                        }
                    }
                };
            }
        }
        Ok(GeoMatrix {
            km,
            unsnapped: (0..n).filter(|&i| snaps[i].is_none()).collect(),
            snap_ms,
            total_ms: started.elapsed().as_secs_f64() * 1e3,
        })
    }
}

/// Parses `lat,lon` in decimal degrees for `what` (`origin`, `destination`).
///
/// # Errors
/// [`GeoError::BadCoordinate`], with a hint when the two numbers look swapped.
pub fn parse_coordinate(text: &str, what: &'static str) -> Result<(f64, f64), GeoError> {
    let bad = |reason: String| GeoError::BadCoordinate {
        what,
        given: clip(text),
        reason,
    };
    let (lat, lon) = crate::network::parse_lat_lon(text)
        .ok_or_else(|| bad("expected `lat,lon` in decimal degrees".to_string()))?;
    if !crate::network::is_lat_lon(lat, lon) {
        let swapped = crate::network::is_lat_lon(lon, lat);
        return Err(bad(if swapped {
            format!(
                "expected `lat,lon` in decimal degrees; latitude {lat} is out of range (did you mean {lon},{lat}?)"
            )
        } else {
            "expected `lat,lon` in decimal degrees".to_string()
        }));
    }
    Ok((lat, lon))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    const POINTS: [(f64, f64); 5] = [
        (43.65, 51.17),
        (45.3, 55.2),
        (47.1, 51.9),
        (40.4, 49.87),
        (41.72, 44.79),
    ];

    fn tiny(search: SearchKind) -> PreparedGeo {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/geo_tiny");
        let mut notes = Vec::new();
        PreparedGeo::load(
            &GeoSpec::parse(Path::new(dir)),
            None,
            search,
            &mut notes,
            &mut |_| ControlFlow::Continue(()),
        )
        .expect("geo_tiny loads")
    }

    #[test]
    fn a_matrix_reports_every_row_and_stops_when_told() {
        for search in [SearchKind::Ch, SearchKind::Dijkstra] {
            let prepared = tiny(search);
            let engine = GeoEngine::new(&prepared, &GeoQueryOptions::default()).expect("engine");
            let seen = Mutex::new(Vec::new());
            let observed = engine
                .matrix_with_progress(&POINTS, &|done, total| {
                    seen.lock().expect("not poisoned").push((done, total));
                    ControlFlow::Continue(())
                })
                .expect("answers");
            assert_eq!(observed.km, engine.matrix(&POINTS).expect("answers").km);
            let mut seen = seen.into_inner().expect("not poisoned");
            seen.sort_unstable();
            assert_eq!(seen, (1..=5).map(|done| (done, 5)).collect::<Vec<_>>());

            let stopped = engine.matrix_with_progress(&POINTS, &|_, _| ControlFlow::Break(()));
            assert!(matches!(stopped, Err(GeoError::Cancelled)), "{search:?}");
        }
    }

    #[test]
    fn a_batch_of_queries_reports_progress_and_stops_when_told() {
        let prepared = tiny(SearchKind::Ch);
        let engine = GeoEngine::new(&prepared, &GeoQueryOptions::default()).expect("engine");
        let queries: Vec<GeoQuery> = POINTS
            .iter()
            .flat_map(|&a| POINTS.iter().map(move |&b| (a, b)))
            .collect();
        let km = |answers: Vec<TimedAnswer>| answers.iter().map(|a| a.km).collect::<Vec<_>>();
        for threads in [1, 2] {
            let all = engine
                .route_many(&queries, threads, false)
                .expect("answers");
            let count = AtomicUsize::new(0);
            let observed = engine
                .route_many_with_progress(&queries, threads, false, &|_, total| {
                    assert_eq!(total, queries.len());
                    count.fetch_add(1, Ordering::Relaxed);
                    ControlFlow::Continue(())
                })
                .expect("answers");
            assert_eq!(km(observed), km(all));
            assert_eq!(count.into_inner(), queries.len());
            let stopped = engine.route_many_with_progress(&queries, threads, false, &|done, _| {
                if done >= 3 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            });
            assert!(matches!(stopped, Err(GeoError::Cancelled)), "{threads}");
        }
    }
}
