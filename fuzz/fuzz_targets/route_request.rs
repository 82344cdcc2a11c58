//! Route requests as a front end receives them (places, things to avoid, numbers as text,
//! service class and month, levers, a reliability table or not with a statistic and a value of
//! reliability) on the default network: resolved, planned (alternatives and per corridor) and
//! reported as JSON, CSV and GeoJSON; nothing may panic, whatever the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::Network;
use silkroute_core::report::{CorridorsReport, RouteReport};
use silkroute_core::route::{
    Objective, Plan, Reliability, RouteRequest, Statistic, parse_reliability, plan, plan_corridors,
};
use silkroute_fuzz::{named, split, text};
use std::sync::{Arc, OnceLock};

fn network() -> &'static Network {
    static NETWORK: OnceLock<Network> = OnceLock::new();
    NETWORK.get_or_init(|| {
        silkroute_core::network::load_default()
            .expect("the default network loads")
            .0
    })
}

/// testdata/reliability/dostyk_p95.csv read against the default network, once.
fn dostyk_p95() -> &'static Arc<Reliability> {
    static TABLE: OnceLock<Arc<Reliability>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let file = named(
            "dostyk_p95.csv",
            include_bytes!("../../testdata/reliability/dostyk_p95.csv"),
        );
        Arc::new(parse_reliability(&file, network()).expect("the fixture reads"))
    })
}

fuzz_target!(|data: &[u8]| {
    let network = network();
    let parts = split(data, 8);
    let part = |i: usize| text(parts.get(i).copied().unwrap_or_default()).into_owned();
    let optional = |i: usize| Some(part(i)).filter(|t| !t.is_empty());
    let number = |i: usize| part(i).trim().parse::<f64>().ok();
    let control = parts.get(7).copied().unwrap_or_default();
    let flag = |i: usize| control.get(i).copied().unwrap_or(0);
    let request = RouteRequest {
        from: optional(0),
        to: optional(1),
        objective: Objective::ALL[usize::from(flag(0)) % Objective::ALL.len()],
        year: part(3).trim().parse::<i32>().ok(),
        avoid: part(2).split(';').map(str::to_string).collect(),
        payload_t: number(4),
        value_of_time_usd_per_day: number(5),
        max_snap_km: number(6).unwrap_or(300.0),
        // The class by its index in the network's list, or a made-up word; the month as a
        // byte (0 and 13–255 are refused).
        service: match flag(3) % 5 {
            0 => None,
            4 => Some("bullet".to_string()),
            i => network
                .services()
                .classes
                .get(usize::from(i) - 1)
                .map(|c| c.key.clone()),
        },
        month: Some(flag(4)).filter(|&m| m != 0xff),
        // Levers from the avoid text's last item and a byte.
        sea_rate: Some(f64::from(flag(5)) / 16.0).filter(|_| flag(6) % 2 == 1),
        risk: part(2)
            .split(';')
            .filter(|item| item.contains('='))
            .map(str::to_string)
            .collect(),
        // Any carbon price the text gives, negative, NaN and huge ones included.
        carbon_usd_per_t: number(6).map_or(0.0, |usd| usd * f64::from(flag(7))),
        // Sometimes the Dostyk long-tail table; a statistic and a value of reliability with or
        // without it (refused without), any number the text gives included.
        reliability: (flag(8) % 2 == 1).then(|| Arc::clone(dostyk_p95())),
        statistic: [None, Some(Statistic::P50), Some(Statistic::P95)][usize::from(flag(9)) % 3],
        value_of_reliability_usd_per_day: number(5).filter(|_| flag(10) % 2 == 1).unwrap_or(0.0),
    };
    let Ok(query) = request.resolve(network) else {
        return;
    };
    let count = usize::from(flag(1)) % 23;
    if let Ok(routes) = plan(network, &query, Plan::Alternatives(count)) {
        let report = RouteReport::new(network, &query, &routes, false);
        let _ = serde_json::to_string(&report).expect("a report serializes");
        let _ = serde_json::to_string(&report.to_geojson(network, &routes))
            .expect("GeoJSON serializes");
        report
            .write_csv(&mut std::io::sink())
            .expect("CSV to a sink");
    }
    if flag(2) % 4 == 0
        && let Ok(outcomes) = plan_corridors(network, &query)
    {
        let report = CorridorsReport::new(network, &query, &outcomes);
        let _ = serde_json::to_string(&report).expect("a report serializes");
    }
});
