//! Reachability and many-to-many tables on the embedded default network.

use criterion::{Criterion, criterion_group, criterion_main};
use silkroute_core::{network, report, route};
use std::hint::black_box;

fn bench_reach(c: &mut Criterion) {
    let (network, _) = network::load_default().expect("the embedded network is valid");
    let place = |name: &str| network.find_place(name, 0.0).expect("known place").node();
    let (xian, duisburg) = (place("Xian"), place("Duisburg"));
    let options = route::RouteOptions::defaults(&network);

    c.bench_function("reach_one_to_all_xian", |b| {
        b.iter(|| {
            let scope = route::Scope::new(&network, &options);
            route::reach(&scope, &[black_box(xian)], route::ReachDirection::Forward)
                .expect("not avoided")
        })
    });
    let scope = route::Scope::new(&network, &options);
    c.bench_function("reach_one_to_all_xian_search_only", |b| {
        b.iter(|| {
            route::reach(&scope, &[black_box(xian)], route::ReachDirection::Forward)
                .expect("not avoided")
        })
    });
    c.bench_function("reach_reverse_duisburg", |b| {
        b.iter(|| {
            let scope = route::Scope::new(&network, &options);
            route::reach(
                &scope,
                &[black_box(duisburg)],
                route::ReachDirection::Reverse,
            )
            .expect("not avoided")
        })
    });
    let request = route::ReachRequest {
        places: vec!["Xian".into()],
        days: vec![8.0, 12.0, 16.0],
        ..route::ReachRequest::default()
    };
    let query = request.resolve(&network).expect("valid");
    c.bench_function("reach_report_geojson_xian_3_bands", |b| {
        b.iter(|| {
            let reach = route::plan_reach(&network, &query).expect("not avoided");
            let report = report::ReachReport::new(&network, &query, &reach);
            serde_json::to_vec(&report.to_geojson(&network, &reach)).expect("serializes")
        })
    });

    let all: Vec<String> = network.nodes().iter().map(|n| n.key.clone()).collect();
    let table = route::TableRequest {
        places: all,
        ..route::TableRequest::default()
    }
    .resolve(&network)
    .expect("valid");
    let name = format!("table_{0}x{0}", network.node_count());
    c.bench_function(&name, |b| {
        b.iter(|| route::plan_table(&network, black_box(&table)))
    });
    let single = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool");
    c.bench_function(&format!("{name}_one_thread"), |b| {
        b.iter(|| single.install(|| route::plan_table(&network, black_box(&table))))
    });
}

criterion_group!(benches, bench_reach);
criterion_main!(benches);
