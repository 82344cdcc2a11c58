//! The network folder reader (`network::load_files`) on nineteen files cut from one input at
//! 0xFF bytes: dataset.toml, SOURCES.toml, nodes, links, handling, emissions, then the
//! optional shapes, zones, demand, services, service speeds, service dwell, sailings,
//! calibration, prices, demand by year, markets, market years and tonnage (absent when the input has
//! fewer parts).
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::network::NetworkFiles;
use silkroute_fuzz::{check_load_agrees_with_validate, named, split};

fuzz_target!(|data: &[u8]| {
    let parts = split(data, 19);
    let part = |i: usize| parts.get(i).copied().unwrap_or_default();
    let optional = |i: usize, name: &str| parts.get(i).map(|bytes| named(name, bytes));
    let files = NetworkFiles {
        dataset: named("dataset.toml", part(0)),
        sources: named("SOURCES.toml", part(1)),
        nodes: named("nodes.csv", part(2)),
        links: named("links.csv", part(3)),
        handling: named("handling.csv", part(4)),
        emissions: named("emissions.csv", part(5)),
        shapes: optional(6, "shapes.csv"),
        zones: optional(7, "zones.csv"),
        demand: optional(8, "demand.csv"),
        services: optional(9, "services.csv"),
        service_speeds: optional(10, "service_speeds.csv"),
        service_dwell: optional(11, "service_dwell.csv"),
        sailings: optional(12, "sailings.csv"),
        calibration: optional(13, "calibration.csv"),
        prices: optional(14, "prices.csv"),
        demand_years: optional(15, "demand_years.csv"),
        markets: optional(16, "markets.csv"),
        market_years: optional(17, "market_years.csv"),
        tonnage: optional(18, "tonnage.csv"),
    };
    check_load_agrees_with_validate(&files);
});
