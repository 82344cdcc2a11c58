//! The geographic CSV reader (`geo::parse_geo`) on nodes.csv and edges.csv cut from one input
//! at a 0xFF byte, then the network used as the engine uses it (hierarchy, snapping, routes).
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::geo::parse_geo;
use silkroute_fuzz::{exercise_geo, named, split};

fuzz_target!(|data: &[u8]| {
    let parts = split(data, 2);
    let part = |i: usize| parts.get(i).copied().unwrap_or_default();
    if let Ok(network) = parse_geo(&named("nodes.csv", part(0)), &named("edges.csv", part(1))) {
        exercise_geo(&network, None);
    }
});
