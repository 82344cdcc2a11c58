//! Reading networks from files: the CSV + TOML network folder described in `docs/formats.md`,
//! and the default network embedded in the library at build time; geographic networks as
//! nodes.csv + edges.csv, GMNS or GeoJSON (`load_geo` recognizes which). Also the stable JSON
//! report format of routes.
//!
//! Record-level checks happen here, where the file name and line are known: every number is
//! finite and in range, every enum value is known, every number has a source id that exists.
//! Relations between values (endpoints, gauges, emission factors, place names) are checked by
//! [`crate::network::NetworkBuilder`] and mapped back to the line they came from.

mod curation;
mod error;
mod geo_cache;
mod geo_csv;
mod geo_geojson;
mod geo_gmns;
mod geo_pack;
mod geo_source;
mod gmns_assign;
mod network_dir;
mod osm;
mod polyline;
pub mod report;
mod table;
mod tntp;

pub use curation::{
    GeoPatch, LinkNote, NoteReason, load_geo_patches, load_link_notes, parse_geo_patches,
    parse_link_notes,
};
pub use error::{LoadError, LoadWarning};
pub use geo_cache::{
    CACHE_VERSION, CacheError, Extras, checksum, fingerprint, load_geo_cache, save_geo_cache,
};
pub use geo_csv::{GeoNetwork, apply_passage_tags, load_geo_dir, parse_geo};
pub use geo_geojson::parse_geojson;
pub use geo_gmns::parse_gmns;
pub use geo_pack::{EmbeddedGeo, PACK_VERSION, pack_attribution, pack_geo, unpack_geo};
pub use geo_source::{GeoFormat, GeoSource, detect_geo_format, load_geo, read_geo_source};
pub use gmns_assign::{
    GMNS_DEFAULT_ALPHA, GMNS_DEFAULT_BETA, GmnsAssignment, GmnsLink, GmnsNode,
    load_gmns_assignment, parse_gmns_assignment,
};
pub use network_dir::{NetworkFiles, load_dir, load_files};
pub use osm::{
    OSM_ATTRIBUTION, OsmImportError, OsmImportSummary, OsmPass, OsmProgress, OsmRailEdge,
    OsmRailNetwork, OsmRailNode, OsmRailOptions, read_osm_rail, write_osm_rail_dir,
};
pub use polyline::{decode_polyline, encode_polyline};
pub use tntp::{
    TntpFlow, TntpLink, TntpNet, TntpNode, TntpProblem, known_cost_weights, load_tntp,
    parse_tntp_flow, parse_tntp_net, parse_tntp_nodes, parse_tntp_trips,
};

use crate::network::Network;

/// The files of the default network, embedded at build time.
pub fn default_files() -> NetworkFiles {
    macro_rules! embedded {
        ($name:literal) => {
            (
                concat!("data/default/", $name).to_string(),
                include_bytes!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../../data/default/",
                    $name
                ))
                .to_vec(),
            )
        };
    }
    NetworkFiles {
        dataset: embedded!("dataset.toml"),
        sources: embedded!("SOURCES.toml"),
        nodes: embedded!("nodes.csv"),
        links: embedded!("links.csv"),
        handling: embedded!("handling.csv"),
        emissions: embedded!("emissions.csv"),
        shapes: Some(embedded!("shapes.csv")),
        zones: Some(embedded!("zones.csv")),
        demand: Some(embedded!("demand.csv")),
    }
}

/// Loads the default network embedded in the binary.
///
/// # Errors
/// Only if the embedded files are invalid, which the test suite rules out.
pub fn load_default() -> Result<(Network, Vec<LoadWarning>), LoadError> {
    load_files(&default_files())
}
