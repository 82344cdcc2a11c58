//! The TNTP readers on four files cut from one input at 0xFF bytes (net, trips, flow,
//! nodes); when the net and trips parse, the problem is built and one all-or-nothing
//! assignment is run, since a reader bug often shows only downstream.
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::assign::{
    AssignOptions, CostModel, Method, Problem, TntpProblem, assign, parse_tntp_flow,
    parse_tntp_net, parse_tntp_nodes, parse_tntp_trips,
};
use silkroute_fuzz::{split, text};

fuzz_target!(|data: &[u8]| {
    let parts = split(data, 4);
    let part = |i: usize| text(parts.get(i).copied().unwrap_or_default());
    let best_flows = parse_tntp_flow("fuzz_flow.tntp", &part(2)).ok();
    let nodes = parse_tntp_nodes("fuzz_node.tntp", &part(3)).ok();
    let Ok(net) = parse_tntp_net("fuzz_net.tntp", &part(0)) else {
        return;
    };
    let mut warnings = Vec::new();
    let Ok(demand) = parse_tntp_trips("fuzz_trips.tntp", &part(1), net.zones, &mut warnings) else {
        return;
    };
    let tntp = TntpProblem {
        name: "fuzz".into(),
        net,
        demand,
        best_flows,
        nodes,
        warnings,
    };
    let (toll_factor, distance_factor) = tntp.cost_weights();
    for model in [CostModel::UserEquilibrium, CostModel::SystemOptimum] {
        let Ok(problem) = Problem::from_tntp(&tntp, toll_factor, distance_factor, model) else {
            return;
        };
        let _ = problem.total_demand();
        if let Ok(result) = assign(
            &problem,
            &AssignOptions::new(Method::AllOrNothing),
            &mut silkroute_core::assign::keep_going,
        ) {
            let _ = problem.total_cost(&result.flows);
        }
    }
});
