//! The network folder reader (`network::load_files`) with one file replaced: the first byte
//! picks which of the nine files, the rest of the input is its contents, and the other files
//! are those of `testdata/mini`, so the fuzzer gets past the other files to the deep checks
//! (cross-file ids, sources, handling, zones, demand). Both entry points run: `load_files`
//! (stops at the first problem) and `validate_files` (goes on, up to 200), and they must agree
//! on whether the folder is valid and on its first problem.
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::network::{NetworkFiles, load_files, validate_files};
use silkroute_fuzz::named;

macro_rules! mini {
    ($name:literal) => {
        named(
            $name,
            include_bytes!(concat!("../../testdata/mini/", $name)),
        )
    };
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, contents)) = data.split_first() else {
        return;
    };
    let mut files = NetworkFiles {
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
    let replaced = |name: &str| named(name, contents);
    match choice % 9 {
        0 => files.dataset = replaced("dataset.toml"),
        1 => files.sources = replaced("SOURCES.toml"),
        2 => files.nodes = replaced("nodes.csv"),
        3 => files.links = replaced("links.csv"),
        4 => files.handling = replaced("handling.csv"),
        5 => files.emissions = replaced("emissions.csv"),
        6 => files.shapes = Some(replaced("shapes.csv")),
        7 => files.zones = Some(replaced("zones.csv")),
        _ => files.demand = Some(replaced("demand.csv")),
    }
    match (load_files(&files), validate_files(&files)) {
        (Ok(_), Ok(_)) => {}
        (Err(first), Err(all)) => assert_eq!(first.to_string(), all[0].to_string()),
        (loaded, validated) => panic!(
            "load_files and validate_files disagree: {:?} vs {:?}",
            loaded.err(),
            validated.err()
        ),
    }
});
