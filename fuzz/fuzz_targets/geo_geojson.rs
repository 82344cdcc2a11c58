//! The GeoJSON network reader (`geo::parse_geojson`), then the network used as the engine
//! uses it (hierarchy, snapping, routes).
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::geo::parse_geojson;
use silkroute_fuzz::{exercise_geo, named};

fuzz_target!(|data: &[u8]| {
    if let Ok((network, _warnings)) = parse_geojson(&named("tiny.geojson", data)) {
        exercise_geo(&network, None);
    }
});
