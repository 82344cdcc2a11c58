//! The observation reader (`observe::parse_observations`) against `testdata/mini`: the input
//! is observations.csv and SOURCES.toml cut at 0xFF (SOURCES.toml of `testdata/observed_mini`
//! when the input has no second part). Nothing may panic; an accepted row keeps its range.
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::observe::{Unit, parse_observations};
use silkroute_fuzz::{mini_network, named, split};

fuzz_target!(|data: &[u8]| {
    let parts = split(data, 2);
    let csv = named("observations.csv", parts[0]);
    let sources = match parts.get(1) {
        Some(bytes) => named("SOURCES.toml", bytes),
        None => named(
            "SOURCES.toml",
            include_bytes!("../../testdata/observed_mini/SOURCES.toml"),
        ),
    };
    if let Ok(observed) = parse_observations(&csv, &sources, mini_network()) {
        for row in &observed.rows {
            assert!(row.value.is_finite());
            assert!(row.value >= 0.0 || row.unit == Unit::Percent);
            assert!(row.low.is_none_or(|low| low <= row.value));
            assert!(row.high.is_none_or(|high| high >= row.value));
            assert!(row.kind.units().contains(&row.unit));
        }
    }
});
