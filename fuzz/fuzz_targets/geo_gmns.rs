//! The geographic GMNS reader (`geo::parse_gmns`) on node.csv, link.csv and an optional
//! config.csv cut from one input at 0xFF bytes, then the network used as the engine uses it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::geo::parse_gmns;
use silkroute_fuzz::{exercise_geo, named, split};

fuzz_target!(|data: &[u8]| {
    let parts = split(data, 3);
    let part = |i: usize| parts.get(i).copied().unwrap_or_default();
    let config = parts.get(2).map(|bytes| named("config.csv", bytes));
    if let Ok((network, _warnings)) = parse_gmns(
        &named("node.csv", part(0)),
        &named("link.csv", part(1)),
        config.as_ref(),
    ) {
        exercise_geo(&network, None);
    }
});
