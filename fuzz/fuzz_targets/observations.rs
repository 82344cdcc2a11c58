//! The observation reader (`observe::parse_observations`) against `testdata/mini`: the input
//! is observations.csv and SOURCES.toml cut at 0xFF (SOURCES.toml of `testdata/observed_mini`
//! when the input has no second part). Nothing may panic; an accepted row keeps its range.
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::Network;
use silkroute_core::network::{NetworkFiles, load_files};
use silkroute_core::observe::parse_observations;
use silkroute_fuzz::{named, split};
use std::sync::OnceLock;

macro_rules! mini {
    ($name:literal) => {
        named(
            $name,
            include_bytes!(concat!("../../testdata/mini/", $name)),
        )
    };
}

fn network() -> &'static Network {
    static NETWORK: OnceLock<Network> = OnceLock::new();
    NETWORK.get_or_init(|| {
        let files = NetworkFiles {
            dataset: mini!("dataset.toml"),
            sources: mini!("SOURCES.toml"),
            nodes: mini!("nodes.csv"),
            links: mini!("links.csv"),
            handling: mini!("handling.csv"),
            emissions: mini!("emissions.csv"),
            shapes: None,
            zones: Some(mini!("zones.csv")),
            demand: Some(mini!("demand.csv")),
        };
        load_files(&files).expect("testdata/mini loads").0
    })
}

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
    if let Ok(observed) = parse_observations(&csv, &sources, network()) {
        for row in &observed.rows {
            assert!(row.value.is_finite());
            assert!(row.value >= 0.0 || row.unit == silkroute_core::observe::Unit::Percent);
            assert!(row.low.is_none_or(|low| low <= row.value));
            assert!(row.high.is_none_or(|high| high >= row.value));
            assert!(row.kind.units().contains(&row.unit));
        }
    }
});
