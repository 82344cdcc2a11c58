//! Conformance on the TNTP networks (Transportation Networks for Research): Algorithm B to a
//! relative gap of 1e-10 (≤ 1e-8, as the issue asks) must give the best-known solution's Beckmann objective to 1e-6 relative
//! and its link flows to 1e-3 relative on every link with flow > 1 whose cost depends on its
//! flow (B > 0). Links of constant cost (Winnipeg, Barcelona: B = 0; ChicagoSketch's zero-time
//! connectors) have no unique equilibrium flow, so they are not compared. Links whose cost
//! hardly depends on their flow need the smaller gap: at 4e-10, Anaheim's 386 → 403 (v/c
//! 0.007, the BPR term adds 1e-9 min) carried 39.87 against the best-known 40.00.
//!
//! The networks are research-only data: they are never copied into the repository. Set
//! `SILKROUTE_TNTP_DIR` to a folder holding `SiouxFalls/`, `Anaheim/`, `Barcelona/`,
//! `Winnipeg/` and `ChicagoSketch/` (`.ci/run` does when the shared data are beside the clone);
//! without it the test says it is skipped.

use silkroute_core::assign::{AssignOptions, CostModel, Method, Problem, assign};
use silkroute_core::assign::{TntpProblem, load_gmns_assignment, load_tntp};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const NETWORKS: [&str; 5] = [
    "SiouxFalls",
    "Anaheim",
    "Barcelona",
    "Winnipeg",
    "ChicagoSketch",
];

fn tntp_dir() -> Option<PathBuf> {
    match std::env::var_os("SILKROUTE_TNTP_DIR") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            eprintln!("SILKROUTE_TNTP_DIR is not set: TNTP conformance skipped");
            None
        }
    }
}

/// Which reader the network goes through.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Reader {
    Tntp,
    /// The TNTP network written as a GMNS folder (zones on their nodes, nodes below the
    /// first through node as `centroid`s) and read back by the GMNS reader.
    Gmns,
}

/// Writes `tntp` as a GMNS folder in `dir`.
fn write_gmns(tntp: &TntpProblem, dir: &Path) {
    std::fs::create_dir_all(dir).expect("temp dir");
    let mut nodes = String::from("node_id,zone_id,node_type\n");
    for id in 1..=tntp.net.nodes {
        let zone = if id <= tntp.net.zones {
            id.to_string()
        } else {
            String::new()
        };
        let kind = if id < tntp.net.first_thru_node {
            "centroid"
        } else {
            ""
        };
        writeln!(nodes, "{id},{zone},{kind}").unwrap();
    }
    let mut links = String::from(
        "link_id,from_node_id,to_node_id,vdf_fftt,capacity,vdf_alpha,vdf_beta,length,toll\n",
    );
    for (i, l) in tntp.net.links.iter().enumerate() {
        writeln!(
            links,
            "{i},{},{},{},{},{},{},{},{}",
            l.from, l.to, l.free_flow_time, l.capacity, l.b, l.power, l.length, l.toll
        )
        .unwrap();
    }
    let mut demand = String::from("o_zone_id,d_zone_id,volume\n");
    for o in tntp.demand.zone_ids() {
        for d in tntp.demand.zone_ids() {
            let v = tntp.demand.get(o, d);
            if v != 0.0 {
                writeln!(demand, "{},{},{v}", o.0 + 1, d.0 + 1).unwrap();
            }
        }
    }
    for (name, text) in [
        ("node.csv", nodes),
        ("link.csv", links),
        ("demand.csv", demand),
    ] {
        std::fs::write(dir.join(name), text).expect("writable");
    }
}

/// One method to one gap on one network, checked against the best-known flows.
fn check(
    dir: &std::path::Path,
    name: &str,
    method: Method,
    gap: f64,
    objective_tol: f64,
    flow_tol: Option<f64>,
    reader: Reader,
) {
    let tntp = load_tntp(&dir.join(name).join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let (toll, distance) = tntp.cost_weights();
    let problem = match reader {
        Reader::Tntp => Problem::from_tntp(&tntp, toll, distance, CostModel::UserEquilibrium),
        Reader::Gmns => {
            let folder =
                std::env::temp_dir().join(format!("silkroute-gmns-{name}-{}", std::process::id()));
            write_gmns(&tntp, &folder);
            let gmns =
                load_gmns_assignment(&folder, None).unwrap_or_else(|e| panic!("{name}: {e}"));
            std::fs::remove_dir_all(&folder).ok();
            assert_eq!(gmns.links.len(), tntp.net.links.len());
            Problem::from_gmns(&gmns, toll, distance, CostModel::UserEquilibrium)
        }
    }
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut options = AssignOptions::new(method);
    options.target_gap = gap;
    options.max_iterations = 5000;
    let result = assign(&problem, &options, &mut silkroute_core::assign::keep_going)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(
        result.converged,
        "{name} {method:?}: gap {:.2e} after {} iterations",
        result.relative_gap, result.iterations
    );
    let best = tntp.best_flows.as_ref().expect("a _flow.tntp file");
    assert_eq!(
        best.len(),
        tntp.net.links.len(),
        "{name}: one best-known row per link"
    );
    // A GMNS problem has zone connectors (of zero cost) after the file's links.
    let mut best_flows = problem.zero_flows();
    for (i, (row, link)) in best.iter().zip(&tntp.net.links).enumerate() {
        assert_eq!(
            (row.from, row.to),
            (link.from, link.to),
            "{name}: flow row {i}"
        );
        best_flows.class[0][i] = row.volume;
    }
    problem.update_total(&mut best_flows);
    let best_objective = problem.objective(&best_flows);
    let relative = (result.objective - best_objective).abs() / best_objective;
    assert!(
        relative <= objective_tol,
        "{name} {method:?}: objective {} vs best-known {best_objective} ({relative:.2e})",
        result.objective
    );
    if let Some(tol) = flow_tol {
        let mut worst = (0.0, 0);
        for (i, link) in tntp.net.links.iter().enumerate() {
            let x = best[i].volume;
            if x > 1.0 && link.b > 0.0 && link.free_flow_time > 0.0 {
                let d = (result.flows.total[i] - x).abs() / x;
                if d > worst.0 {
                    worst = (d, i);
                }
            }
        }
        assert!(
            worst.0 <= tol,
            "{name} {method:?}: link {} ({} -> {}) flow {} vs best-known {} ({:.2e})",
            worst.1,
            tntp.net.links[worst.1].from,
            tntp.net.links[worst.1].to,
            result.flows.total[worst.1],
            best[worst.1].volume,
            worst.0
        );
    }
    eprintln!(
        "{name} {method:?} via {reader:?}: gap {:.2e} in {} iterations, {:.2} s; objective {:.6e} (best-known {:.6e})",
        result.relative_gap, result.iterations, result.seconds, result.objective, best_objective
    );
}

#[test]
fn algorithm_b_reaches_the_best_known_solutions() {
    algorithm_b_on_every_network(Reader::Tntp);
}

/// The same networks written as GMNS folders and read by the GMNS reader (zone centroids
/// with zero-cost connectors, `centroid` nodes for TNTP's first-thru-node rule) reach the
/// same solutions.
#[test]
fn the_gmns_reader_gives_the_same_solutions() {
    algorithm_b_on_every_network(Reader::Gmns);
}

fn algorithm_b_on_every_network(reader: Reader) {
    let Some(dir) = tntp_dir() else { return };
    for name in NETWORKS {
        check(
            &dir,
            name,
            Method::AlgorithmB,
            1e-10,
            1e-6,
            Some(1e-3),
            reader,
        );
    }
}

/// Bi-conjugate Frank–Wolfe to 1e-4 (AequilibraE's usual target): the objective is within
/// `gap · TSTT` of the optimum, about 1e-4 relative, so 1e-3 leaves room; its link flows are
/// not compared (far from converged at that gap).
#[test]
fn biconjugate_frank_wolfe_approaches_them() {
    let Some(dir) = tntp_dir() else { return };
    for name in NETWORKS {
        check(
            &dir,
            name,
            Method::BiconjugateFrankWolfe,
            1e-4,
            1e-3,
            None,
            Reader::Tntp,
        );
    }
}
