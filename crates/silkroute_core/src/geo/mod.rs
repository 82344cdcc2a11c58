//! Geographic networks at continental scale: the OpenStreetMap-derived railway network and
//! maritime networks, as a compact undirected graph with coordinates, and exact shortest paths
//! on it.
//!
//! Unlike the corridor [`crate::network::Network`] (a few hundred places with handling and
//! tariffs), a [`GeoGraph`] has hundreds of thousands of nodes and only lengths. Lengths are
//! integer metres so that every algorithm (Dijkstra, contraction hierarchies) gives exactly the
//! same answer, on every run and thread count.

mod cache;
mod ch;
mod curation;
mod dijkstra;
mod engine;
mod graph;
mod heal;
mod matrix;
#[cfg(feature = "osm")]
mod osm;
mod pack;
mod passage;
mod read;
mod request;
mod shapes;
mod simplify;
mod snap;

pub use cache::{
    CACHE_VERSION, CacheError, Extras, ch_from_sections, ch_sections, checksum, encode_geo_cache,
    fingerprint, load_geo_cache, parse_geo_cache, save_geo_cache,
};
pub use ch::{ChError, ChQuery, ContractionHierarchy};
pub use curation::{
    GeoPatch, LinkNote, NoteReason, load_geo_patches, load_link_notes, parse_geo_patches,
    parse_link_notes,
};
pub use dijkstra::{BidirectionalDijkstra, GeoPath};
pub use engine::{
    GeoAnswer, GeoEngine, GeoError, GeoMatrix, GeoNote, GeoProgress, GeoQuery, GeoQueryOptions,
    GeoSpec, LatLon, MAX_MATRIX_POINTS, PreparedGeo, Router, SearchKind, SnapMode, TimedAnswer,
    parse_coordinate,
};
pub use graph::{GeoArcId, GeoGraph, GeoGraphError, GeoNodeId, RawParts};
pub use heal::{
    Connector, ConnectorKind, HealError, HealOptions, Healed, PatchEnds, PatchError, PatchOptions,
    WaterLanes, apply as apply_connectors, heal, heal_network, patch,
};
pub use matrix::{Cancelled, SharedProgress, distance_matrix, distance_matrix_with_progress};
#[cfg(feature = "osm")]
pub use osm::{
    OSM_ATTRIBUTION, OsmImportError, OsmImportSummary, OsmPass, OsmProgress, OsmRailEdge,
    OsmRailNetwork, OsmRailNode, OsmRailOptions, read_osm_rail, read_osm_rail_from,
    write_osm_rail_dir,
};
pub use pack::{
    EmbeddedGeo, PACK_VERSION, PackError, PackOptions, Packed, pack_attribution, pack_geo,
    pack_network, unpack_geo,
};
pub use passage::{
    ArcFilter, ICE_PASSAGES, MAX_PASSAGE_NAME, MAX_PASSAGES, PassageChoice, PassageChoiceError,
    PassageClass, PassageError, PassageList, Passages,
};
pub use read::{
    GeoFormat, GeoNetwork, GeoSource, apply_passage_tags, detect_geo_format, folder_attribution,
    load_geo, load_geo_dir, parse_geo, parse_geojson, parse_gmns, parse_points, read_geo_source,
    read_points,
};
pub use request::{GeoRouteRequest, MatrixRequest};
pub use shapes::{
    RAIL_SNAP_KM, ReportedLink, SEA_SNAP_KM, Shapes, ShapesError, ShapesOptions, draw_links,
};
pub use simplify::{SimplifyOptions, simplify, simplify_line, simplify_with_passages};
pub use snap::{EARTH_RADIUS_KM, Snap, Snapper, great_circle_km};

/// Metres, the unit of every length in a [`GeoGraph`].
pub type Metres = u32;

/// The longest edge a geographic network may have: the Earth's equatorial circumference,
/// 40,075 km. Longer lengths are rejected when a network is read, so that sums of lengths
/// stay far from overflowing.
pub const MAX_EDGE_M: Metres = 40_075_000;

/// "No path" / infinity for [`Metres`] sums.
pub const UNREACHABLE: u64 = u64::MAX;
