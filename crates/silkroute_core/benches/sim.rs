//! The discrete-event engine on the SimPy peer benchmark's models, same parameters and event
//! counting: one process yielding `timeout(1)` 1,000,000 times (1,000,002 events), and an
//! M/M/1 queue, λ = 1, μ = 1.1, 200,000 arrivals (1,200,002 events).
//! Then the corridor model: one replication-year of the default network (`corridor_year`),
//! the model prepared once (its assignment is not timed).
//! `cargo bench -p silkroute_core --bench sim`; side by side with SimPy: `bash bench/sim_vs_simpy.sh`;
//! 200 replications through the CLI: `bash bench/simulate.sh`.

use criterion::{Criterion, criterion_group, criterion_main};
use silkroute_core::assign::{AssignOptions, Method, keep_going};
use silkroute_core::freight::FreightOptions;
use silkroute_core::scenario::default_hazards;
use silkroute_core::sim::models::{mm1, timeout_loop};
use silkroute_core::simulate::{RunSettings, Simulation, default_sim_params};
use std::hint::black_box;
use std::ops::ControlFlow;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("sim");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("timeout_loop_1m", |b| {
        b.iter(|| black_box(timeout_loop(1_000_000)))
    });
    group.bench_function("mm1_200k", |b| {
        b.iter(|| black_box(mm1(1.0, 1.1, 200_000, 42)))
    });
    group.finish();

    let (network, _) = silkroute_core::network::load_default().expect("default network");
    let params = default_sim_params(&network).expect("data/sim.toml");
    let hazards = default_hazards(&network).expect("data/hazards.toml");
    let simulation = Simulation::prepare(
        &network,
        &FreightOptions::defaults(&network),
        &params,
        Some(&hazards),
        &AssignOptions::new(Method::AlgorithmB),
        &mut keep_going,
    )
    .expect("the default model");
    let settings = RunSettings {
        replications: 1,
        ..RunSettings::of(&params)
    };
    let mut group = c.benchmark_group("simulate");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("corridor_year", |b| {
        b.iter(|| {
            black_box(
                simulation
                    .run(&settings, &|_, _| ControlFlow::Continue(()))
                    .expect("runs"),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
