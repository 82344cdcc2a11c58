//! One re-solve of the criticality scan on the default network, warm and cold: the freight
//! assignment at fixed demand with one link removed, from empty queues (`solve`) or from the
//! base run's queues and steps (`solve_from` a [`WarmStart`]). Brest–Małaszewicze's removal
//! sends the Northern route's EU boxes to the other crossing, whose queue must grow by
//! hundreds of hours; Almaty–Shu's changes little.
//! `cargo bench -p silkroute_core --bench criticality`.

use criterion::{Criterion, criterion_group, criterion_main};
use silkroute_core::assign::{AssignOptions, Method, keep_going};
use silkroute_core::freight::{FreightOptions, WarmStart, build_problem};
use silkroute_core::network::{Network, load_default};
use std::hint::black_box;
use std::time::Duration;

fn options(network: &Network) -> FreightOptions {
    let mut options = FreightOptions::defaults(network);
    options.market_choice = false;
    options
}

fn resolve(network: &Network, link: &str, warm: &WarmStart) -> f64 {
    let mut options = options(network);
    options.avoid.links.push(
        network
            .link_by_key(link)
            .expect("a link of the default network"),
    );
    let solver = AssignOptions::new(Method::AlgorithmB);
    let mut problem = build_problem(network, &options).expect("builds");
    let (result, _) = problem
        .solve_from(&solver, &mut keep_going, warm)
        .expect("solves");
    problem.totals(&result).generalized_cost_usd_per_year
}

fn bench(c: &mut Criterion) {
    let (network, _) = load_default().expect("the default network");
    let solver = AssignOptions::new(Method::AlgorithmB);
    let mut base = build_problem(&network, &options(&network)).expect("builds");
    let (_, binding) = base.solve(&solver, &mut keep_going).expect("solves");
    let warm = base.warm_start(binding.as_ref());
    let cold = WarmStart::default();
    let mut group = c.benchmark_group("criticality_resolve");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    for link in ["brest_malaszewicze_rail", "almaty_shu_rail"] {
        group.bench_function(format!("{link}/cold"), |b| {
            b.iter(|| black_box(resolve(&network, link, &cold)))
        });
        group.bench_function(format!("{link}/warm"), |b| {
            b.iter(|| black_box(resolve(&network, link, &warm)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
