//! The discrete-event engine on the SimPy peer benchmark's models, same parameters and event
//! counting: one process yielding `timeout(1)` 1,000,000 times (1,000,002 events), and an
//! M/M/1 queue, λ = 1, μ = 1.1, 200,000 arrivals (1,200,002 events).
//! `cargo bench -p silkroute_core --bench sim`; side by side with SimPy: `bash bench/sim_vs_simpy.sh`.

use criterion::{Criterion, criterion_group, criterion_main};
use silkroute_core::sim::models::{mm1, timeout_loop};
use std::hint::black_box;
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
