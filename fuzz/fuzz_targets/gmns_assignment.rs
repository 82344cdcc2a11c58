//! The GMNS assignment reader on node.csv, link.csv, demand.csv and an optional config.csv
//! cut from one input at 0xFF bytes; when it parses, the problem is built and one
//! all-or-nothing assignment is run.
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::assign::{
    AssignOptions, CostModel, Method, Problem, assign, parse_gmns_assignment,
};
use silkroute_fuzz::{named, split};

fuzz_target!(|data: &[u8]| {
    let parts = split(data, 4);
    let part = |i: usize| parts.get(i).copied().unwrap_or_default();
    let config = parts.get(3).map(|bytes| named("config.csv", bytes));
    let Ok(gmns) = parse_gmns_assignment(
        "fuzz",
        &named("node.csv", part(0)),
        &named("link.csv", part(1)),
        &named("demand.csv", part(2)),
        config.as_ref(),
    ) else {
        return;
    };
    for (toll_factor, distance_factor) in [(0.0, 0.0), (0.5, 2.0)] {
        let Ok(problem) = Problem::from_gmns(
            &gmns,
            toll_factor,
            distance_factor,
            CostModel::UserEquilibrium,
        ) else {
            return;
        };
        if let Ok(result) = assign(
            &problem,
            &AssignOptions::new(Method::AllOrNothing),
            &mut silkroute_core::assign::keep_going,
        ) {
            let _ = problem.objective(&result.flows);
        }
    }
});
