//! Traffic assignment: one all-or-nothing pass (a shortest-path tree from every origin, loaded
//! with its demand), the work of one Frank–Wolfe iteration, on a synthetic grid; and, when
//! SILKROUTE_TNTP_DIR names a folder holding `ChicagoSketch/ChicagoSketch_{net,trips}.tntp`,
//! the same pass and a whole bi-conjugate Frank–Wolfe solve to a relative gap of 1e-4 on
//! ChicagoSketch (the networks are research-only and never in the repository):
//! `SILKROUTE_TNTP_DIR=../shared/data/tntp cargo bench -p silkroute_core --bench assign`.

use criterion::{Criterion, criterion_group, criterion_main};
use silkroute_core::assign::load_tntp;
use silkroute_core::assign::{
    AllOrNothing, AssignNetwork, AssignNodeId, AssignOptions, AssignZoneId, CostModel, LinkSpec,
    LinkVdf, Method, OdMatrix, Problem, Vdf, assign,
};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

/// A `side × side` grid with links both ways; every fourth node of every fourth row is a zone
/// (numbered first, as zones must be), with demand between all zone pairs.
fn grid(side: u32) -> (AssignNetwork, OdMatrix) {
    let is_zone = |r: u32, c: u32| r.is_multiple_of(4) && c.is_multiple_of(4);
    let zones = (0..side)
        .flat_map(|r| (0..side).map(move |c| (r, c)))
        .filter(|&(r, c)| is_zone(r, c))
        .count() as u32;
    // Node ids: zones first, then the other nodes, each in row-major order.
    let mut id = vec![0u32; (side * side) as usize];
    let (mut next_zone, mut next_other) = (0, zones);
    for r in 0..side {
        for c in 0..side {
            let slot = if is_zone(r, c) {
                &mut next_zone
            } else {
                &mut next_other
            };
            id[(r * side + c) as usize] = *slot;
            *slot += 1;
        }
    }
    let node = |r: u32, c: u32| id[(r * side + c) as usize];
    let mut links = Vec::new();
    for r in 0..side {
        for c in 0..side {
            for (dr, dc) in [(0, 1), (1, 0)] {
                if r + dr < side && c + dc < side {
                    // Times vary with position so shortest paths are unique-ish, as on roads.
                    let vdf = LinkVdf {
                        vdf: Vdf::Bpr {
                            alpha: 0.15,
                            beta: 4.0,
                        },
                        free_flow_time: 1.0 + f64::from((r * 7 + c * 13) % 10) / 10.0,
                        capacity: 1000.0,
                    };
                    for (from, to) in [
                        (node(r, c), node(r + dr, c + dc)),
                        (node(r + dr, c + dc), node(r, c)),
                    ] {
                        links.push(LinkSpec {
                            from: AssignNodeId(from),
                            to: AssignNodeId(to),
                            vdf,
                        });
                    }
                }
            }
        }
    }
    let network = AssignNetwork::new(side * side, zones, 0, &links).expect("a valid grid");
    let mut demand = OdMatrix::zeros(zones as usize);
    for o in 0..zones as usize {
        for d in 0..zones as usize {
            if o != d {
                let zone = AssignZoneId::from_index;
                demand.set(zone(o), zone(d), 1.0 + ((o * 31 + d * 17) % 10) as f64);
            }
        }
    }
    (network, demand)
}

fn bench_all_or_nothing(c: &mut Criterion, name: &str, network: &AssignNetwork, demand: &OdMatrix) {
    let cost: Vec<f64> = network.vdfs().iter().map(|v| v.time(0.0)).collect();
    let mut aon = AllOrNothing::new(network, demand);
    let mut flows = vec![0.0; network.link_count()];
    let mut unreached = Vec::new();
    c.bench_function(name, |b| {
        b.iter(|| {
            unreached.clear();
            aon.assign(network, black_box(&cost), &mut flows, &mut unreached)
        })
    });
}

fn bench_assign(c: &mut Criterion) {
    let (network, demand) = grid(40);
    bench_all_or_nothing(c, "aon_grid_40x40_100_zones", &network, &demand);

    let Some(dir) = std::env::var_os("SILKROUTE_TNTP_DIR").map(PathBuf::from) else {
        eprintln!(
            "ChicagoSketch skipped: set SILKROUTE_TNTP_DIR to a folder with ChicagoSketch/ (e.g. ../shared/data/tntp)"
        );
        return;
    };
    let tntp = load_tntp(&dir.join("ChicagoSketch/ChicagoSketch"))
        .unwrap_or_else(|e| panic!("cannot load ChicagoSketch from {}: {e}", dir.display()));
    let (toll, distance) = tntp.cost_weights();
    let problem = Problem::from_tntp(&tntp, toll, distance, CostModel::UserEquilibrium)
        .expect("ChicagoSketch is a valid problem");
    bench_all_or_nothing(
        c,
        "aon_chicago_sketch",
        problem.network(),
        &problem.classes()[0].demand,
    );
    let mut group = c.benchmark_group("solve");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("bfw_1e-4_chicago_sketch", |b| {
        let options = AssignOptions::new(Method::BiconjugateFrankWolfe);
        b.iter(|| {
            assign(&problem, &options, &mut silkroute_core::assign::keep_going)
                .expect("connected demand")
        })
    });
    group.finish();
}

criterion_group!(benches, bench_assign);
criterion_main!(benches);
