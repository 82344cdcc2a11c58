//! Route queries on the embedded default network.

use criterion::{Criterion, criterion_group, criterion_main};
use silkroute_core::{network, route};
use std::hint::black_box;

fn bench_routes(c: &mut Criterion) {
    let (network, _) = network::load_default().expect("the embedded network is valid");
    let place = |name: &str| network.find_place(name, 0.0).expect("known place").node();
    let (from, to) = (place("Lianyungang"), place("Duisburg"));
    let options = route::RouteOptions::defaults(&network);

    c.bench_function("load_default_network", |b| {
        b.iter(|| network::load_default().expect("valid"))
    });
    c.bench_function("best_route_lianyungang_duisburg", |b| {
        b.iter(|| {
            let scope = route::Scope::new(&network, &options);
            let path = route::shortest_path(&scope, black_box(from), black_box(to))
                .expect("valid ends")
                .expect("connected");
            route::Itinerary::new(&scope, &path)
        })
    });
    c.bench_function("alternatives5_lianyungang_duisburg", |b| {
        b.iter(|| route::alternatives(&network, &options, black_box(from), black_box(to), 5))
    });
    c.bench_function("corridors_lianyungang_duisburg", |b| {
        b.iter(|| route::best_by_corridor(&network, &options, black_box(from), black_box(to)))
    });
    c.bench_function("pareto_lianyungang_duisburg", |b| {
        b.iter(|| {
            let scope = route::Scope::new(&network, &options);
            route::pareto_set(&scope, black_box(from), black_box(to), 2_000_000)
        })
    });
}

criterion_group!(benches, bench_routes);
criterion_main!(benches);
