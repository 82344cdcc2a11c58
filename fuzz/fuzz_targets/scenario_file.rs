//! Scenario files (`scenario::parse_file`) from the input's bytes, applied to the mini network
//! when they parse (`Scenario::prepare`, without their `depends_on`, which names other
//! files): nothing may panic; a file either fails with an error naming file and line, or
//! gives a network and freight options.
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::scenario::{Scenario, parse_file};
use silkroute_fuzz::{mini_network, named};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let file = named("s.toml", data);
    let Ok(parsed) = parse_file(&file, Path::new("")) else {
        return;
    };
    let scenario = Scenario {
        files: vec![parsed],
    };
    if let Ok(prepared) = scenario.prepare(mini_network()) {
        let _ = prepared.freight_options(scenario.name());
    }
});
