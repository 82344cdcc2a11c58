//! The network folder reader (`network::load_files`) with one file replaced: the first byte
//! picks which of the nineteen files, the rest of the input is its contents, and the other files
//! are those of `testdata/mini`, so the fuzzer gets past the other files to the deep checks
//! (cross-file ids, sources, handling, zones, demand, service classes, sailings, markets,
//! tonnage). Both entry points run: `load_files`
//! (stops at the first problem) and `validate_files` (goes on, up to 200), and they must agree
//! on whether the folder is valid and on its first problem.
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_fuzz::{check_load_agrees_with_validate, mini_files, named};

fuzz_target!(|data: &[u8]| {
    let Some((&choice, contents)) = data.split_first() else {
        return;
    };
    let mut files = mini_files();
    let replaced = |name: &str| named(name, contents);
    match choice % 19 {
        0 => files.dataset = replaced("dataset.toml"),
        1 => files.sources = replaced("SOURCES.toml"),
        2 => files.nodes = replaced("nodes.csv"),
        3 => files.links = replaced("links.csv"),
        4 => files.handling = replaced("handling.csv"),
        5 => files.emissions = replaced("emissions.csv"),
        6 => files.shapes = Some(replaced("shapes.csv")),
        7 => files.zones = Some(replaced("zones.csv")),
        8 => files.demand = Some(replaced("demand.csv")),
        9 => files.services = Some(replaced("services.csv")),
        10 => files.service_speeds = Some(replaced("service_speeds.csv")),
        11 => files.service_dwell = Some(replaced("service_dwell.csv")),
        12 => files.sailings = Some(replaced("sailings.csv")),
        13 => files.calibration = Some(replaced("calibration.csv")),
        14 => files.prices = Some(replaced("prices.csv")),
        15 => files.demand_years = Some(replaced("demand_years.csv")),
        16 => files.markets = Some(replaced("markets.csv")),
        17 => files.market_years = Some(replaced("market_years.csv")),
        _ => files.tonnage = Some(replaced("tonnage.csv")),
    }
    check_load_agrees_with_validate(&files);
});
