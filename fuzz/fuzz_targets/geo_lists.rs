//! The small geographic list readers; the first byte picks one and the rest is its file:
//! passage tags on `testdata/geo_tiny` (`geo::apply_passage_tags`, then routes avoiding
//! them), point and query lists (`geo::parse_points`), rail patches with their SOURCES.toml
//! (`geo::parse_geo_patches`, the two cut at a 0xFF byte) and link notes
//! (`geo::parse_link_notes`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::geo::{
    GeoNetwork, apply_passage_tags, parse_geo, parse_geo_patches, parse_link_notes, parse_points,
};
use silkroute_fuzz::{exercise_geo, named, split};

fn geo_tiny() -> GeoNetwork {
    parse_geo(
        &named(
            "nodes.csv",
            include_bytes!("../../testdata/geo_tiny/nodes.csv"),
        ),
        &named(
            "edges.csv",
            include_bytes!("../../testdata/geo_tiny/edges.csv"),
        ),
    )
    .expect("testdata/geo_tiny is valid")
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, contents)) = data.split_first() else {
        return;
    };
    match choice % 5 {
        0 => {
            let mut network = geo_tiny();
            if let Ok(passages) = apply_passage_tags(&network, &named("passages.csv", contents)) {
                network.passages = passages;
                exercise_geo(&network, None);
            }
        }
        1 => {
            let _ = parse_points("points.csv", contents, &["lat", "lon"]);
        }
        2 => {
            let _ = parse_points("queries.csv", contents, &["olat", "olon", "dlat", "dlon"]);
        }
        3 => {
            let parts = split(contents, 2);
            let part = |i: usize| parts.get(i).copied().unwrap_or_default();
            let _ = parse_geo_patches(
                &named("rail_patches.csv", part(0)),
                &named("SOURCES.toml", part(1)),
            );
        }
        _ => {
            let _ = parse_link_notes(&named("shapes_notes.csv", contents));
        }
    }
});
