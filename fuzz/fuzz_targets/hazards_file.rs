//! Hazards files (`scenario::parse_hazards`) from the input's bytes against the mini network:
//! nothing may panic; an accepted file's values are in their ranges.
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::scenario::parse_hazards;
use silkroute_fuzz::{mini_network, named};

fuzz_target!(|data: &[u8]| {
    if let Ok(hazards) = parse_hazards(&named("hazards.toml", data), mini_network()) {
        for h in &hazards.hazards {
            assert!(h.events_per_year >= 0.0 && h.events_per_year <= 50.0);
            assert!(h.mean_days > 0.0 && h.mean_days <= h.max_days && h.max_days <= 365.0);
            assert!(!h.close.is_empty() && !h.sources.is_empty());
        }
    }
});
