//! Helpers shared by the fuzz targets: splitting one input into several files, and using
//! what a reader accepted the way the engine does (snap, route with Dijkstra and with a
//! contraction hierarchy, unpack the path, look up coordinates and passages), so a reader
//! bug that shows only downstream is found too.

use silkroute_core::Network;
use silkroute_core::geo::{
    BidirectionalDijkstra, ChQuery, ContractionHierarchy, GeoNetwork, GeoNodeId, PassageClass,
    Snapper,
};
use silkroute_core::network::{NetworkFiles, load_files, validate_files};
use std::sync::OnceLock;

/// A file of `testdata/mini`, embedded, as the readers take it.
macro_rules! mini_file {
    ($name:literal) => {
        named(
            $name,
            include_bytes!(concat!("../../testdata/mini/", $name)),
        )
    };
}

/// A file of `testdata/services_mini` (service files for `testdata/mini`), embedded.
macro_rules! services_file {
    ($name:literal) => {
        named(
            $name,
            include_bytes!(concat!("../../testdata/services_mini/", $name)),
        )
    };
}

/// The files of `testdata/mini` (the optional shapes.csv absent) with the service files of
/// `testdata/services_mini`, embedded so a target does not read the disk.
pub fn mini_files() -> NetworkFiles {
    NetworkFiles {
        dataset: mini_file!("dataset.toml"),
        sources: mini_file!("SOURCES.toml"),
        nodes: mini_file!("nodes.csv"),
        links: mini_file!("links.csv"),
        handling: mini_file!("handling.csv"),
        emissions: mini_file!("emissions.csv"),
        shapes: None,
        zones: Some(mini_file!("zones.csv")),
        demand: Some(mini_file!("demand.csv")),
        services: Some(services_file!("services.csv")),
        service_speeds: Some(services_file!("service_speeds.csv")),
        service_dwell: Some(services_file!("service_dwell.csv")),
        sailings: Some(services_file!("sailings.csv")),
        calibration: Some(services_file!("calibration.csv")),
        prices: Some(services_file!("prices.csv")),
        demand_years: Some(services_file!("demand_years.csv")),
        markets: Some(services_file!("markets.csv")),
        market_years: Some(services_file!("market_years.csv")),
        tonnage: Some(services_file!("tonnage.csv")),
    }
}

/// The network of `testdata/mini`, loaded once.
pub fn mini_network() -> &'static Network {
    static NETWORK: OnceLock<Network> = OnceLock::new();
    NETWORK.get_or_init(|| load_files(&mini_files()).expect("testdata/mini loads").0)
}

/// Loads `files` both ways, to the first problem and with validation (which goes on past
/// it); they must agree on whether the folder is valid and on its first problem.
pub fn check_load_agrees_with_validate(files: &NetworkFiles) {
    match (load_files(files), validate_files(files)) {
        (Ok(_), Ok(_)) => {}
        (Err(first), Err(all)) => assert_eq!(first.to_string(), all[0].to_string()),
        (loaded, validated) => panic!(
            "load_files and validate_files disagree: {:?} vs {:?}",
            loaded.err(),
            validated.err()
        ),
    }
}

/// The byte that separates the files of a multi-file input. It never occurs in UTF-8 text,
/// so seeds made of text files keep their files apart.
pub const SEPARATOR: u8 = 0xFF;

/// Splits `data` at [`SEPARATOR`] into at most `parts` pieces (the last keeps any further
/// separators).
pub fn split(data: &[u8], parts: usize) -> Vec<&[u8]> {
    data.splitn(parts, |&b| b == SEPARATOR).collect()
}

/// A `(name, bytes)` file as the readers take it.
pub fn named(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    (name.to_string(), bytes.to_vec())
}

/// Text for the readers that take `&str`: the input when it is UTF-8, else its lossy form
/// (so mutations that break UTF-8 still reach the parser).
pub fn text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// Uses a network a reader accepted: builds a contraction hierarchy when none is given,
/// snaps a few points, and answers the routes between them with bidirectional Dijkstra and
/// with the hierarchy.
///
/// `trusted_ch` says whether the hierarchy was built from this graph (then its distances must
/// equal Dijkstra's); one read from a cache is only required not to panic.
pub fn exercise_geo(network: &GeoNetwork, cached_ch: Option<&ContractionHierarchy>) {
    let graph = &network.graph;
    let node_count = graph.node_count();
    assert_eq!(network.ids.len(), node_count, "one id per node");
    let built;
    let (ch, trusted_ch) = match cached_ch {
        Some(ch) => (Some(ch), false),
        None => {
            built = ContractionHierarchy::new(graph).ok();
            (built.as_ref(), true)
        }
    };
    let snapper = Snapper::new(graph);
    let mut points = vec![(0.0, 0.0), (45.0, 50.0), (-33.9, 18.4), (89.9, 179.9)];
    if node_count > 0 {
        points.push(graph.coord(GeoNodeId(0)));
        points.push(graph.coord(GeoNodeId::from_index(node_count - 1)));
        points.push(graph.coord(GeoNodeId::from_index(node_count / 2)));
    }
    let snapped: Vec<GeoNodeId> = points
        .iter()
        .filter_map(|&(lat, lon)| snapper.nearest(lat, lon))
        .map(|snap| {
            assert!(snap.distance_km.is_finite(), "snap distance is finite");
            snap.node
        })
        .collect();
    let all_nodes = Snapper::with_all_nodes(graph);
    for &(lat, lon) in &points[..2] {
        let _ = all_nodes.nearest(lat, lon);
    }
    let mut dijkstra = BidirectionalDijkstra::new(graph);
    let mut ch_query = ch.map(ChQuery::new);
    for pair in snapped.windows(2).take(4) {
        let (source, target) = (pair[0], pair[1]);
        let by_dijkstra = dijkstra.path(graph, source, target);
        if let Some(path) = &by_dijkstra {
            for &node in &path.nodes {
                let _ = graph.coord(node);
            }
            let _ = network.passages.on_path(graph, &path.nodes);
        }
        if let (Some(ch), Some(query)) = (ch, ch_query.as_mut()) {
            let by_ch = query.path(ch, source, target);
            if let Some(path) = &by_ch {
                for &node in &path.nodes {
                    let _ = graph.coord(node);
                }
                let _ = network.passages.on_path(graph, &path.nodes);
            }
            let distance = query.distance(ch, source, target);
            assert_eq!(
                distance,
                by_ch.as_ref().map(|path| path.length_m),
                "distance and path agree"
            );
            if trusted_ch {
                assert_eq!(
                    distance,
                    by_dijkstra.as_ref().map(|path| path.length_m),
                    "hierarchy and Dijkstra agree ({source} -> {target})"
                );
            }
        }
        // Avoiding every passage class, as `--avoid-passage` does.
        let classes: Vec<PassageClass> = (1..=network.passages.names().len() as u8)
            .map(PassageClass)
            .collect();
        if let Some(filter) = network.passages.filter(&classes) {
            let _ = dijkstra.path_where(graph, source, target, Some(&filter));
        }
    }
    if let Some(ch) = ch {
        let _ = silkroute_core::geo::distance_matrix(ch, &snapped, &snapped);
    }
}

/// Reads values from fuzz input bytes, giving zeros once they run out.
pub struct Bytes<'a> {
    data: &'a [u8],
}

impl<'a> Bytes<'a> {
    /// A reader over `data`.
    pub fn new(data: &'a [u8]) -> Bytes<'a> {
        Bytes { data }
    }

    /// Whether the input is used up.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The next byte.
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&first, rest)) => {
                self.data = rest;
                first
            }
            None => 0,
        }
    }

    /// The next 8 bytes as an `f64`: any value, NaN and infinities included; or, for a first
    /// byte below 200, a small number (most edits need plausible values to go deep).
    pub fn number(&mut self) -> f64 {
        let kind = self.byte();
        if kind < 200 {
            return f64::from(self.byte()) * f64::from(kind % 7 + 1) - 20.0;
        }
        let mut raw = [0u8; 8];
        for slot in &mut raw {
            *slot = self.byte();
        }
        f64::from_le_bytes(raw)
    }

    /// An optional number.
    pub fn optional_number(&mut self) -> Option<f64> {
        (!self.byte().is_multiple_of(3)).then(|| self.number())
    }

    /// A year around the data's (1790..2300), or any `i32` now and then.
    pub fn year(&mut self) -> i32 {
        match self.byte() {
            250..=255 => i32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()]),
            b => 1790 + i32::from(b) * 2,
        }
    }

    /// One of `choices`, or (one time in eight) text made of the input's next bytes.
    pub fn pick(&mut self, choices: &[String]) -> String {
        let b = self.byte();
        if b % 8 == 7 || choices.is_empty() {
            let len = usize::from(self.byte() % 24);
            let bytes: Vec<u8> = (0..len).map(|_| self.byte()).collect();
            return String::from_utf8_lossy(&bytes).into_owned();
        }
        choices[usize::from(b) % choices.len()].clone()
    }
}
