//! Simulation files (`simulate::parse_sim_params`) from the input's bytes against the mini
//! network: nothing may panic; an accepted file's values are in their ranges and pass the run
//! settings' own check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::simulate::{RunSettings, parse_sim_params};
use silkroute_fuzz::{mini_network, named};

fuzz_target!(|data: &[u8]| {
    if let Ok(params) = parse_sim_params(&named("sim.toml", data), mini_network()) {
        assert!(RunSettings::of(&params).validate().is_ok());
        assert!(
            params
                .weekly_profile
                .iter()
                .all(|w| w.is_finite() && *w >= 0.0)
        );
        assert!(params.weekly_profile.iter().sum::<f64>() > 0.0);
        assert!(params.accept_queue_days.is_finite() && params.accept_queue_days >= 0.0);
        for f in &params.facilities {
            assert!(f.servers.is_some() || f.wagon_pool.is_some());
            assert!(f.servers.is_none_or(|s| s >= 1));
            assert!(
                f.wagon_pool
                    .is_none_or(|(n, h)| n >= 1.0 && h.is_finite() && h > 0.0)
            );
        }
    }
});
