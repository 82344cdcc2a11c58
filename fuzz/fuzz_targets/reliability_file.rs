//! Reliability files (`route::parse_reliability`) from the input's bytes against the default
//! network: nothing may panic; an accepted file's hours are finite, ≥ 0 and ordered, and a
//! route planned with it (the statistic and value of reliability from the first byte) totals
//! finite numbers and reports.
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::Network;
use silkroute_core::network::{HandlingId, LinkId};
use silkroute_core::report::RouteReport;
use silkroute_core::route::{Objective, Plan, RouteRequest, Statistic, parse_reliability, plan};
use silkroute_fuzz::named;
use std::sync::{Arc, OnceLock};

fn network() -> &'static Network {
    static NETWORK: OnceLock<Network> = OnceLock::new();
    NETWORK.get_or_init(|| {
        silkroute_core::network::load_default()
            .expect("the default network loads")
            .0
    })
}

fuzz_target!(|data: &[u8]| {
    let network = network();
    let Ok(table) = parse_reliability(&named("reliability.csv", data), network) else {
        return;
    };
    let elements = (0..network.handlings().len())
        .filter_map(|i| table.handling(HandlingId::from_index(i)))
        .chain((0..network.link_count()).filter_map(|i| table.link(LinkId::from_index(i))));
    for hours in elements {
        assert!(hours.samples >= 1);
        for h in [hours.mean_h, hours.p50_h, hours.p90_h, hours.p95_h] {
            assert!(h.is_finite() && h >= 0.0, "{hours:?}");
        }
        assert!(
            hours.p50_h <= hours.p90_h && hours.p90_h <= hours.p95_h,
            "{hours:?}"
        );
    }
    let byte = data.first().copied().unwrap_or(0);
    let request = RouteRequest {
        from: Some("Chengdu".into()),
        to: Some("Baku".into()),
        objective: Objective::ALL[usize::from(byte) % Objective::ALL.len()],
        reliability: Some(Arc::new(table)),
        statistic: Some(Statistic::ALL[usize::from(byte >> 2) % Statistic::ALL.len()]),
        value_of_reliability_usd_per_day: f64::from(byte) * 100.0,
        ..RouteRequest::default()
    };
    let query = request.resolve(network).expect("a valid request");
    if let Ok(routes) = plan(network, &query, Plan::Alternatives(2)) {
        for route in &routes {
            assert!(route.totals.hours.is_finite() && route.totals.cost_usd.is_finite());
        }
        let report = RouteReport::new(network, &query, &routes, false);
        let _ = serde_json::to_string(&report).expect("a report serializes");
    }
});
