//! Geographic networks at continental scale: the OpenStreetMap-derived railway network and
//! maritime networks, as a compact undirected graph with coordinates, and exact shortest paths
//! on it.
//!
//! Unlike the corridor [`crate::network::Network`] (a few hundred places with handling and
//! tariffs), a [`GeoGraph`] has hundreds of thousands of nodes and only lengths. Lengths are
//! integer metres so that every algorithm (Dijkstra, contraction hierarchies) gives exactly the
//! same answer, on every run and thread count.

mod ch;
mod dijkstra;
mod graph;
mod heal;
mod matrix;
mod passage;
mod simplify;
mod snap;

pub use ch::{ChQuery, ContractionHierarchy};
pub use dijkstra::{BidirectionalDijkstra, GeoPath};
pub use graph::{GeoGraph, GeoGraphError, RawParts};
pub use heal::{
    Connector, ConnectorKind, HealOptions, PatchEnds, PatchError, PatchOptions, WaterLanes,
    apply as apply_connectors, heal, patch,
};
pub use matrix::distance_matrix;
pub use passage::{ArcFilter, MAX_PASSAGE_NAME, MAX_PASSAGES, PassageError, Passages};
pub use simplify::{SimplifyOptions, simplify, simplify_line, simplify_with_passages};
pub use snap::{EARTH_RADIUS_KM, Snap, Snapper, great_circle_km};

/// Metres, the unit of every length in a [`GeoGraph`].
pub type Metres = u32;

/// "No path" / infinity for [`Metres`] sums.
pub const UNREACHABLE: u64 = u64::MAX;
