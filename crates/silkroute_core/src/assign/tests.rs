//! Assignment against closed-form equilibria, equilibrium conditions checked directly, and
//! property tests on random networks.
//!
//! Most bounds below are rigorous rather than tuned: for a convex objective `f` with gradient
//! `c` (link costs plus class fixed costs), `f(x) − f(x*) ≤ cᵀ(x − y) = TSTT − SPTT =
//! gap·TSTT`, where `y` is the all-or-nothing load at `x`. With linear costs `a + b·v` the
//! Beckmann objective is quadratic and `f(x) − f(x*) ≥ ½ Σ b_a (x_a − x*_a)²`, so every link
//! flow is within `√(2·gap·TSTT / b_a)` of the equilibrium.

use super::*;
use proptest::prelude::*;

/// The methods that iterate towards equilibrium with a line search.
const LINE_SEARCH_METHODS: [Method; 3] = [
    Method::FrankWolfe,
    Method::ConjugateFrankWolfe,
    Method::BiconjugateFrankWolfe,
];

fn bpr(free_flow_time: f64, alpha: f64, beta: f64, capacity: f64) -> LinkVdf {
    LinkVdf {
        vdf: Vdf::Bpr { alpha, beta },
        free_flow_time,
        capacity,
    }
}

/// `t = a + b·v` as a BPR function of power 1 (`t0 = a`, `alpha·t0/capacity = b`).
fn linear(a: f64, b: f64) -> LinkVdf {
    bpr(a, 1.0, 1.0, a / b)
}

fn link(from: u32, to: u32, vdf: LinkVdf) -> LinkSpec {
    LinkSpec {
        from: AssignNodeId(from),
        to: AssignNodeId(to),
        vdf,
    }
}

/// The zone numbered `index`.
fn zone(index: usize) -> AssignZoneId {
    AssignZoneId::from_index(index)
}

fn matrix(zones: usize, demand: &[(usize, usize, f64)]) -> OdMatrix {
    let mut m = OdMatrix::zeros(zones);
    for &(o, d, v) in demand {
        m.add(zone(o), zone(d), v);
    }
    m
}

fn single_class(
    nodes: u32,
    zones: u32,
    links: &[LinkSpec],
    demand: &[(usize, usize, f64)],
    model: CostModel,
) -> Problem {
    let network = AssignNetwork::new(nodes, zones, 0, links).expect("a valid network");
    let class = Class {
        name: "all".to_string(),
        demand: matrix(zones as usize, demand),
        pce: 1.0,
        fixed_cost: Vec::new(),
    };
    Problem::new(network, vec![class], model).expect("a valid problem")
}

fn run(problem: &Problem, method: Method, target_gap: f64, max_iterations: usize) -> AssignResult {
    let options = AssignOptions {
        method,
        target_gap,
        max_iterations,
        time_limit: None,
    };
    assign(problem, &options, &mut crate::assign::keep_going).expect("connected demand")
}

/// [`run`], asserting the target gap was reached.
fn run_to_target(
    problem: &Problem,
    method: Method,
    target_gap: f64,
    max_iterations: usize,
) -> AssignResult {
    let result = run(problem, method, target_gap, max_iterations);
    assert!(
        result.converged,
        "{method:?} ({:?}): gap {} after {} iterations",
        problem.model(),
        result.relative_gap,
        result.iterations
    );
    result
}

/// `TSTT = Σ_k pce_k Σ_a x_ka (c_a + f_ka)` at the result's flows and costs.
fn tstt(problem: &Problem, result: &AssignResult) -> f64 {
    problem
        .classes()
        .iter()
        .zip(&result.flows.class)
        .map(|(class, x)| {
            class.pce
                * x.iter()
                    .zip(&result.link_cost)
                    .zip(&class.fixed_cost)
                    .map(|((v, c), f)| v * (c + f))
                    .sum::<f64>()
        })
        .sum()
}

/// The objective can be above the optimum by at most `gap·TSTT`.
fn objective_slack(problem: &Problem, result: &AssignResult) -> f64 {
    result.relative_gap * tstt(problem, result)
}

/// Asserts every link flow is within the quadratic bound of `expected`; `slopes` are the
/// slopes `b_a` of the objective's gradient (of `t` for user equilibrium, of `t + v·t'` for a
/// system optimum).
fn assert_flows_near(
    problem: &Problem,
    result: &AssignResult,
    expected: &[f64],
    slopes: &[f64],
    what: &str,
) {
    let slack = objective_slack(problem, result);
    for (a, ((&x, &e), &b)) in result
        .flows
        .total
        .iter()
        .zip(expected)
        .zip(slopes)
        .enumerate()
    {
        let bound = (2.0 * slack / b).sqrt() * 1.001 + 1e-9 * (1.0 + e.abs());
        assert!(
            (x - e).abs() <= bound,
            "{what}: link {a} carries {x}, expected {e} ± {bound} (gap {}, {} iterations)",
            result.relative_gap,
            result.iterations
        );
    }
}

fn assert_close(actual: f64, expected: f64, tolerance: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: {actual} vs {expected} (± {tolerance})"
    );
}

// ---- Pigou ----

/// Pigou's example shifted by 1 (BPR cannot express `t = v`, since `t(0) = t0 > 0`): link 0
/// costs 2 whatever its flow, link 1 costs `1 + v`; one unit of demand. User equilibrium: all
/// on link 1 (both links then cost 2); system optimum: half on each, total cost 3/4 + 1.
fn pigou(model: CostModel) -> Problem {
    single_class(
        2,
        2,
        &[
            link(0, 1, LinkVdf::constant(2.0)),
            link(0, 1, bpr(1.0, 1.0, 1.0, 1.0)),
        ],
        &[(0, 1, 1.0)],
        model,
    )
}

#[test]
fn pigou_user_equilibrium_puts_everyone_on_the_congestible_link() {
    let problem = pigou(CostModel::UserEquilibrium);
    for &method in Method::ALL {
        let result = run_to_target(&problem, method, 1e-12, 100);
        assert_eq!(result.flows.total, vec![0.0, 1.0], "{method:?}");
        // Beckmann: ∫₀¹ (1 + s) ds = 1.5.
        assert_eq!(result.objective, 1.5, "{method:?}");
        assert_eq!(result.link_cost, vec![2.0, 2.0]);
    }
}

#[test]
fn pigou_system_optimum_splits_the_demand_in_half() {
    let problem = pigou(CostModel::SystemOptimum);
    for &method in &[
        Method::Msa,
        Method::FrankWolfe,
        Method::ConjugateFrankWolfe,
        Method::BiconjugateFrankWolfe,
    ] {
        let result = run_to_target(&problem, method, 1e-12, 1000);
        assert_close(result.flows.total[0], 0.5, 1e-9, "constant link");
        assert_close(result.flows.total[1], 0.5, 1e-9, "congestible link");
        // Total time 0.5·2 + 0.5·1.5 = 1.75 (Pigou's 3/4, plus the shift of 1 per user).
        assert_close(result.objective, 1.75, 1e-12, "total cost");
        assert_close(problem.total_cost(&result.flows), 1.75, 1e-12, "total cost");
        // Marginal costs are equal at the optimum: 2 and 1 + 2·0.5.
        assert_close(result.link_cost[1], 2.0, 1e-9, "marginal cost");
    }
}

// ---- Braess ----

/// Braess's network (the one in testdata/tntp_tiny): 0 → 1 and 2 → 3 cost `10 + v/10`,
/// 0 → 2 and 1 → 3 cost `50 + v/100`, the bridge 1 → 2 costs `10 + v/100`; 450 units from 0
/// to 3. User equilibrium: 150 on each of the three paths, everyone pays 91.5; without the
/// bridge everyone would pay 84.75. System optimum: the bridge is unused, 225 per side.
fn braess(model: CostModel) -> (Problem, [f64; 5]) {
    let links = [
        link(0, 1, linear(10.0, 0.1)),
        link(0, 2, linear(50.0, 0.01)),
        link(1, 2, linear(10.0, 0.01)),
        link(1, 3, linear(50.0, 0.01)),
        link(2, 3, linear(10.0, 0.1)),
    ];
    let slopes = [0.1, 0.01, 0.01, 0.01, 0.1];
    (single_class(4, 4, &links, &[(0, 3, 450.0)], model), slopes)
}

#[test]
fn braess_user_equilibrium_matches_the_closed_form() {
    let (problem, slopes) = braess(CostModel::UserEquilibrium);
    let expected = [300.0, 150.0, 150.0, 150.0, 300.0];
    for (method, target) in [
        (Method::Msa, 1e-5),
        (Method::FrankWolfe, 1e-10),
        (Method::ConjugateFrankWolfe, 1e-10),
        (Method::BiconjugateFrankWolfe, 1e-10),
    ] {
        let result = run_to_target(&problem, method, target, 200_000);
        assert_flows_near(&problem, &result, &expected, &slopes, method.name());
        // Every path costs 91.5 at equilibrium.
        let path = result.link_cost[0] + result.link_cost[3];
        assert_close(path, 91.5, 1e-3, "path cost");
        let total = problem.total_cost(&result.flows);
        assert_close(total, 450.0 * 91.5, 450.0 * 91.5 * 2.0 * target, "TSTT");
    }
}

#[test]
fn braess_system_optimum_leaves_the_bridge_empty() {
    let (problem, slopes) = braess(CostModel::SystemOptimum);
    // The marginal cost a + 2·b·v has twice the slope.
    let slopes = slopes.map(|b| 2.0 * b);
    let expected = [225.0, 225.0, 0.0, 225.0, 225.0];
    // The optimum is on the boundary (an unused link), where FW zigzags and its gap falls
    // only like 1/k: 2e-6 after 200,000 iterations.
    for (method, target) in [
        (Method::FrankWolfe, 1e-5),
        (Method::ConjugateFrankWolfe, 1e-10),
        (Method::BiconjugateFrankWolfe, 1e-10),
    ] {
        let result = run_to_target(&problem, method, target, 200_000);
        assert_flows_near(&problem, &result, &expected, &slopes, method.name());
        // 450 users at 84.75 each: the paradox's better state.
        let optimum = 450.0 * 84.75;
        assert!(result.objective >= optimum - 1e-6);
        assert!(result.objective <= optimum + objective_slack(&problem, &result) + 1e-6);
        assert_close(
            problem.total_cost(&result.flows),
            optimum,
            2.0 * target * optimum,
            "TSTT",
        );
    }
}

// ---- parallel links ----

/// `n` parallel links from zone 0 to zone 1.
fn parallel(vdfs: &[LinkVdf], demand: f64, model: CostModel) -> Problem {
    let links: Vec<LinkSpec> = vdfs.iter().map(|&v| link(0, 1, v)).collect();
    single_class(2, 2, &links, &[(0, 1, demand)], model)
}

#[test]
fn equal_parallel_links_share_the_demand_equally() {
    let vdfs = [bpr(10.0, 0.15, 4.0, 100.0); 5];
    let problem = parallel(&vdfs, 1000.0, CostModel::UserEquilibrium);
    for method in LINE_SEARCH_METHODS {
        let result = run_to_target(&problem, method, 1e-10, 100_000);
        for &x in &result.flows.total {
            // At gap 1e-10 the objective is within 3.4e-6 of the optimum; with t' = 0.48
            // at 200 that leaves about 0.004 per link.
            assert_close(x, 200.0, 0.05, method.name());
        }
    }
}

/// The volume at which a BPR link costs `level` (0 below its free-flow time).
fn inverse_bpr(vdf: &LinkVdf, level: f64) -> f64 {
    let Vdf::Bpr { alpha, beta } = vdf.vdf else {
        unreachable!("BPR links only")
    };
    if level <= vdf.free_flow_time {
        0.0
    } else {
        vdf.capacity * ((level / vdf.free_flow_time - 1.0) / alpha).powf(1.0 / beta)
    }
}

#[test]
fn unequal_parallel_links_equalize_their_costs() {
    let vdfs = [
        bpr(10.0, 0.15, 4.0, 100.0),
        bpr(12.0, 0.5, 2.0, 300.0),
        bpr(8.0, 1.0, 1.0, 40.0),
        bpr(15.0, 0.15, 4.0, 500.0),
        // Never worth it at this demand: free-flow time above the equilibrium cost.
        bpr(60.0, 0.15, 4.0, 1000.0),
    ];
    let demand = 900.0;
    // Reference: bisection on the common cost level of the used links.
    let (mut lo, mut hi) = (0.0_f64, 1000.0_f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        let total: f64 = vdfs.iter().map(|v| inverse_bpr(v, mid)).sum();
        if total < demand { lo = mid } else { hi = mid }
    }
    let level = 0.5 * (lo + hi);
    let expected: Vec<f64> = vdfs.iter().map(|v| inverse_bpr(v, level)).collect();
    assert!(level < 60.0 && expected[4] == 0.0, "the test's premise");
    let problem = parallel(&vdfs, demand, CostModel::UserEquilibrium);
    for method in LINE_SEARCH_METHODS {
        let result = run_to_target(&problem, method, 1e-11, 100_000);
        for (a, (&x, &e)) in result.flows.total.iter().zip(&expected).enumerate() {
            assert_close(x, e, 0.01, &format!("{method:?} link {a}"));
        }
        for (&x, &c) in result.flows.total.iter().zip(&result.link_cost) {
            if x > 1.0 {
                assert_close(c, level, 1e-4, "used links cost the same");
            }
        }
    }
}

// ---- several classes ----

/// Cars (pce 1) and trucks (pce 2.5) on three parallel links; tolls differ by class.
fn two_classes(model: CostModel) -> Problem {
    let links = [
        link(0, 1, bpr(10.0, 0.15, 4.0, 200.0)),
        link(0, 1, bpr(14.0, 0.5, 2.0, 300.0)),
        link(0, 1, bpr(20.0, 0.15, 4.0, 600.0)),
    ];
    let network = AssignNetwork::new(2, 2, 0, &links).expect("valid");
    let cars = Class {
        name: "cars".to_string(),
        demand: matrix(2, &[(0, 1, 700.0)]),
        pce: 1.0,
        fixed_cost: vec![3.0, 0.0, 0.0],
    };
    let trucks = Class {
        name: "trucks".to_string(),
        demand: matrix(2, &[(0, 1, 120.0)]),
        pce: 2.5,
        fixed_cost: vec![12.0, 0.0, 1.0],
    };
    Problem::new(network, vec![cars, trucks], model).expect("valid")
}

#[test]
fn every_class_uses_only_its_least_cost_links() {
    for model in [CostModel::UserEquilibrium, CostModel::SystemOptimum] {
        let problem = two_classes(model);
        // Trucks leave link 0 empty, an optimum on the boundary, and the classes' split of a
        // link is invisible to the Hessian of total volumes: FW and CFW crawl here (CFW is at
        // 1e-6 after 100,000 iterations), BFW gets to 1e-12.
        for (method, target) in [
            (Method::FrankWolfe, 1e-3),
            (Method::ConjugateFrankWolfe, 1e-4),
            (Method::BiconjugateFrankWolfe, 1e-12),
        ] {
            let result = run_to_target(&problem, method, target, 100_000);
            let slack = objective_slack(&problem, &result);
            for (k, class) in problem.classes().iter().enumerate() {
                let cost: Vec<f64> = result
                    .link_cost
                    .iter()
                    .zip(&class.fixed_cost)
                    .map(|(c, f)| c + f)
                    .collect();
                let least = cost.iter().copied().fold(f64::INFINITY, f64::min);
                let demand = class.demand.total();
                let carried: f64 = result.flows.class[k].iter().sum();
                assert_close(carried, demand, 1e-9 * demand, "demand conservation");
                for (a, &x) in result.flows.class[k].iter().enumerate() {
                    assert!(x >= 0.0);
                    // What the link's users pay above the least cost is part of the gap.
                    let excess = class.pce * x * (cost[a] - least);
                    assert!(excess <= slack * (1.0 + 1e-9) + 1e-9);
                    if target <= 1e-10 && x > 1e-3 * demand {
                        assert!(
                            cost[a] - least <= 1e-6 * least,
                            "{model:?} {method:?}: class {} uses link {a} at {} > least {least}",
                            class.name,
                            cost[a]
                        );
                    }
                }
            }
            // Trucks pay 12 on link 0 and never use it.
            if target <= 1e-10 {
                assert!(result.flows.class[1][0] < 1e-6, "{model:?} {method:?}");
            }
        }
    }
}

// ---- options, observer, edge cases ----

#[test]
fn limits_stop_the_iterations_and_the_observer_sees_each_one() {
    let (problem, _) = braess(CostModel::UserEquilibrium);
    let mut seen = Vec::new();
    let options = AssignOptions {
        method: Method::FrankWolfe,
        target_gap: 0.0,
        max_iterations: 7,
        time_limit: None,
    };
    let result = assign(&problem, &options, &mut |s| {
        seen.push(*s);
        std::ops::ControlFlow::Continue(())
    })
    .expect("connected");
    assert_eq!(result.iterations, 7);
    assert!(!result.converged);
    assert_eq!(result.history, seen);
    assert_eq!(
        seen.iter().map(|s| s.iteration).collect::<Vec<_>>(),
        (1..=7).collect::<Vec<_>>()
    );
    assert_eq!(result.relative_gap, seen[6].relative_gap);
    assert_eq!(result.objective, seen[6].objective);
    // The objective never rises under an exact line search.
    for w in seen.windows(2) {
        assert!(w[1].objective <= w[0].objective);
    }
    let options = AssignOptions {
        time_limit: Some(std::time::Duration::ZERO),
        ..options
    };
    let result = assign(&problem, &options, &mut crate::assign::keep_going).expect("connected");
    assert_eq!(
        result.iterations, 1,
        "the time limit is checked after each iteration"
    );
}

#[test]
fn the_observer_can_stop_every_method() {
    // A server whose client went away, or Ctrl-C in Python, stops the run between
    // iterations.
    let (problem, _) = braess(CostModel::UserEquilibrium);
    for &method in Method::ALL {
        let options = AssignOptions {
            method,
            target_gap: 0.0,
            max_iterations: 50,
            time_limit: None,
        };
        let mut calls = 0;
        let stopped = assign(&problem, &options, &mut |_| {
            calls += 1;
            if calls == 2 || method == Method::AllOrNothing {
                std::ops::ControlFlow::Break(())
            } else {
                std::ops::ControlFlow::Continue(())
            }
        });
        assert_eq!(stopped.err(), Some(AssignError::Cancelled), "{method:?}");
    }
}

#[test]
fn request_limits_are_checked_before_any_work_issue_9() {
    // `--time-limit 1e308` panicked converting to a Duration. See: issue #9
    let request = |time_limit_s, gap, max_iterations| AssignRequest {
        method: Method::AlgorithmB,
        gap,
        max_iterations,
        time_limit_s,
    };
    for (bad, field) in [
        (request(Some(1e308), None, 10), "time_limit"),
        (request(Some(f64::INFINITY), None, 10), "time_limit"),
        (request(Some(-1.0), None, 10), "time_limit"),
        (request(Some(0.0), None, 10), "time_limit"),
        (request(None, Some(f64::NAN), 10), "gap"),
        (request(None, Some(-1.0), 10), "gap"),
        (request(None, None, 0), "max_iter"),
    ] {
        match bad.options(1e-4) {
            Err(StudyError::InvalidParameter { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{bad:?}: {other:?}"),
        }
    }
    let options = request(Some(2.5), None, 10).options(1e-4).expect("valid");
    assert_eq!(
        options.time_limit,
        Some(std::time::Duration::from_millis(2500))
    );
    assert_eq!(options.target_gap, 1e-4);
}

#[test]
fn msa_averages_the_all_or_nothing_loads() {
    // Two parallel links costing 1 + v and 2 + v; 3 units. Iteration 1 puts all on link 0
    // (cost 4 vs 2): iteration 2 moves half of it to link 1, giving 1.5 each (2.5 vs 3.5),
    // iteration 3 moves a third of link 1 back: 2 and 1, an equilibrium (3 = 3).
    let problem = parallel(
        &[bpr(1.0, 1.0, 1.0, 1.0), bpr(2.0, 1.0, 1.0, 2.0)],
        3.0,
        CostModel::UserEquilibrium,
    );
    let result = run(&problem, Method::Msa, 1e-12, 3);
    assert_eq!(result.history[1].objective, {
        let f = |t0: f64, v: f64| t0 * v + v * v / 2.0;
        f(1.0, 1.5) + f(2.0, 1.5)
    });
    assert_eq!(result.flows.total, vec![2.0, 1.0]);
    assert_eq!(result.relative_gap, 0.0);
}

#[test]
fn a_stalled_method_stops_early() {
    // At the Pigou equilibrium both links cost the same: the FW direction is flat and no
    // step improves, so an unreachable target ends the run at once instead of at the limit.
    let problem = pigou(CostModel::UserEquilibrium);
    let result = run(&problem, Method::BiconjugateFrankWolfe, -1.0, 50);
    assert!(result.iterations < 50);
    assert!(!result.converged);
    assert_eq!(result.relative_gap, 0.0);
}

#[test]
fn disconnected_demand_is_an_error() {
    let problem = single_class(
        3,
        3,
        &[link(0, 1, LinkVdf::constant(1.0))],
        &[(0, 1, 1.0), (0, 2, 5.0)],
        CostModel::UserEquilibrium,
    );
    let options = AssignOptions::new(Method::BiconjugateFrankWolfe);
    let error = assign(&problem, &options, &mut crate::assign::keep_going).unwrap_err();
    assert_eq!(
        error,
        AssignError::Disconnected {
            class: "all".to_string(),
            origin: zone(0),
            destination: zone(2),
            demand: 5.0
        }
    );
}

#[test]
fn errors_name_links_nodes_and_zones_as_before_typed_ids() {
    // The messages of `AssignError` read as they did when ids were bare integers.
    let out_of_range = AssignNetwork::new(2, 1, 0, &[link(0, 5, LinkVdf::constant(1.0))])
        .expect_err("node 5 does not exist");
    assert_eq!(out_of_range.to_string(), "link 0: node 5 is outside 0..2");
    let links = [
        link(0, 1, LinkVdf::constant(1.0)),
        link(1, 1, LinkVdf::constant(1.0)),
    ];
    let self_loop = AssignNetwork::new(2, 1, 0, &links).expect_err("a self-loop");
    assert_eq!(
        self_loop.to_string(),
        "link 1 (1 -> 1): a link from a node to itself"
    );
    let disconnected = AssignError::Disconnected {
        class: "all".to_string(),
        origin: zone(0),
        destination: zone(2),
        demand: 5.0,
    };
    assert_eq!(
        disconnected.to_string(),
        "no path from zone 0 to zone 2 carries their demand of 5 (class `all`)"
    );
}

#[test]
fn method_names_round_trip() {
    for &method in Method::ALL {
        assert_eq!(Method::from_name(method.name()), Some(method));
    }
    assert_eq!(
        Method::ALL.iter().map(|m| m.name()).collect::<Vec<_>>(),
        ["aon", "msa", "fw", "cfw", "bfw", "b"]
    );
    assert_eq!(Method::from_name("frank-wolfe"), None);
}

// ---- determinism ----

/// A `side × side` grid with links both ways, every node a zone, and demand between most
/// pairs from a fixed linear congruential sequence.
fn grid(side: u32, classes: usize, model: CostModel) -> Problem {
    let mut seed = 12345_u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let node = |r: u32, c: u32| r * side + c;
    let mut links = Vec::new();
    for r in 0..side {
        for c in 0..side {
            for (dr, dc) in [(0, 1), (1, 0)] {
                if r + dr < side && c + dc < side {
                    let (a, b) = (node(r, c), node(r + dr, c + dc));
                    let vdf = bpr(1.0 + 4.0 * next(), 0.15, 4.0, 200.0 + 800.0 * next());
                    links.push(link(a, b, vdf));
                    links.push(link(b, a, vdf));
                }
            }
        }
    }
    let n = side * side;
    let network = AssignNetwork::new(n, n, 0, &links).expect("valid");
    let classes = (0..classes)
        .map(|k| {
            let mut demand = OdMatrix::zeros(n as usize);
            for o in 0..n as usize {
                for d in 0..n as usize {
                    if o != d && next() < 0.5 {
                        demand.set(zone(o), zone(d), 20.0 * next());
                    }
                }
            }
            Class {
                name: format!("class {k}"),
                demand,
                pce: 1.0 + k as f64,
                fixed_cost: (0..links.len()).map(|_| k as f64 * next()).collect(),
            }
        })
        .collect();
    Problem::new(network, classes, model).expect("valid")
}

#[test]
fn results_are_bitwise_identical_for_any_thread_count() {
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    for (model, classes) in [
        (CostModel::UserEquilibrium, 1),
        (CostModel::SystemOptimum, 2),
    ] {
        // 100 zones: more origins than the all-or-nothing loader's 64 chunks.
        let problem = grid(10, classes, model);
        for &method in Method::ALL {
            let solve = |threads: usize| {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .expect("a thread pool");
                pool.install(|| run(&problem, method, 1e-9, 25))
            };
            let (one, four) = (solve(1), solve(4));
            for (a, b) in one.flows.class.iter().zip(&four.flows.class) {
                assert_eq!(bits(a), bits(b), "{model:?} {method:?}");
            }
            assert_eq!(bits(&one.flows.total), bits(&four.flows.total));
            assert_eq!(bits(&one.link_cost), bits(&four.link_cost));
            assert_eq!(one.iterations, four.iterations);
            let log = |r: &AssignResult| {
                r.history
                    .iter()
                    .map(|s| (s.relative_gap.to_bits(), s.objective.to_bits()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(log(&one), log(&four), "{model:?} {method:?}");
        }
    }
}

// ---- random networks ----

/// A random strongly connected network: a ring through every node plus random links, BPR
/// costs, the first `zones` nodes as zones and random demand between them.
fn random_problem() -> impl Strategy<Value = Problem> {
    (4_u32..9, 2_u32..5).prop_flat_map(|(nodes, zones)| {
        let zones = zones.min(nodes);
        let extra = prop::collection::vec(
            (
                0..nodes,
                0..nodes,
                1.0..10.0_f64,
                0.15..1.0_f64,
                prop::sample::select(vec![1.0, 2.0, 4.0]),
                5.0..50.0_f64,
            ),
            0..12,
        );
        let ring = prop::collection::vec(
            (
                1.0..10.0_f64,
                0.15..1.0_f64,
                prop::sample::select(vec![1.0, 2.0, 4.0]),
                5.0..50.0_f64,
            ),
            nodes as usize,
        );
        let demand = prop::collection::vec(0.0..20.0_f64, (zones * zones) as usize);
        (Just(nodes), Just(zones), ring, extra, demand).prop_map(
            |(nodes, zones, ring, extra, demand)| {
                let mut links: Vec<LinkSpec> = ring
                    .iter()
                    .enumerate()
                    .map(|(i, &(t0, a, b, cap))| {
                        link(i as u32, (i as u32 + 1) % nodes, bpr(t0, a, b, cap))
                    })
                    .collect();
                links.extend(
                    extra
                        .iter()
                        .filter(|(from, to, ..)| from != to)
                        .map(|&(from, to, t0, a, b, cap)| link(from, to, bpr(t0, a, b, cap))),
                );
                let cells: Vec<(usize, usize, f64)> = demand
                    .iter()
                    .enumerate()
                    .map(|(i, &v)| (i / zones as usize, i % zones as usize, v))
                    .collect();
                single_class(nodes, zones, &links, &cells, CostModel::UserEquilibrium)
            },
        )
    })
}

/// Net flow out of each node minus what it should send (production − attraction).
fn conservation_error(problem: &Problem, flows: &[f64]) -> f64 {
    let net = problem.network();
    let demand = &problem.classes()[0].demand;
    let mut balance = vec![0.0; net.node_count()];
    for (a, &x) in net.link_ids().zip(flows) {
        balance[net.from(a).index()] += x;
        balance[net.to(a).index()] -= x;
    }
    for o in demand.zone_ids() {
        for d in demand.zone_ids() {
            if o != d {
                balance[o.index()] -= demand.get(o, d);
                balance[d.index()] += demand.get(o, d);
            }
        }
    }
    balance.iter().fold(0.0, |m, b| m.max(b.abs()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn all_methods_reach_the_same_equilibrium(problem in random_problem()) {
        let aon = run(&problem, Method::AllOrNothing, 0.0, 1);
        let mut results = Vec::new();
        for (method, target) in [
            (Method::Msa, 1e-3),
            // FW's gap falls like 1/k where the equilibrium leaves links unused; CFW is better,
            // BFW much better.
            (Method::FrankWolfe, 1e-4),
            (Method::ConjugateFrankWolfe, 1e-5),
            (Method::BiconjugateFrankWolfe, 1e-10),
            (Method::AlgorithmB, 1e-10),
        ] {
            let result = run(&problem, method, target, 100_000);
            prop_assert!(
                result.converged,
                "{:?} stopped at gap {} after {} iterations",
                method, result.relative_gap, result.iterations
            );
            prop_assert!(result.flows.total.iter().all(|&x| x >= 0.0));
            let scale = 1.0 + result.flows.total.iter().sum::<f64>();
            prop_assert!(conservation_error(&problem, &result.flows.total) <= 1e-9 * scale);
            // The line-search methods only go downhill from the all-or-nothing start.
            if method != Method::Msa {
                prop_assert!(result.objective <= aon.objective * (1.0 + 1e-12));
            }
            results.push((method, objective_slack(&problem, &result), result));
        }
        for (m1, slack1, r1) in &results {
            for (m2, slack2, r2) in &results {
                let tolerance = slack1 + slack2 + 1e-9 * r1.objective.abs();
                prop_assert!(
                    (r1.objective - r2.objective).abs() <= tolerance,
                    "{:?} {} vs {:?} {} (tolerance {})",
                    m1, r1.objective, m2, r2.objective, tolerance
                );
            }
        }
    }
}

/// A GMNS zone with two access nodes sends its demand through the cheaper one; a zone on a
/// `centroid` node is that node, and no path passes through it.
#[test]
fn gmns_zones_connect_through_their_access_nodes() {
    let file = |name: &str, text: &str| (name.to_string(), text.as_bytes().to_vec());
    // Zone A has access nodes a1 and a2; zone C is the centroid node c. Links: a1 -> b is
    // slow, a2 -> b fast; b -> c; and a shortcut a1 -> c -> d that may not pass through c.
    let gmns = crate::assign::parse_gmns_assignment(
        "t",
        &file(
            "node.csv",
            "node_id,zone_id,node_type\na1,A,\na2,A,\nb,,\nc,C,centroid\nd,D,\n",
        ),
        &file(
            "link.csv",
            "link_id,from_node_id,to_node_id,vdf_fftt,capacity\n\
             slow,a1,b,10,\nfast,a2,b,1,\nbc,b,c,1,\nbd,b,d,50,\nac,a1,c,1,\ncd,c,d,1,\n",
        ),
        &file("demand.csv", "o_zone_id,d_zone_id,volume\nA,C,5\nA,D,7\n"),
        None,
    )
    .unwrap();
    assert_eq!(gmns.zones, ["A", "C", "D"]);
    let problem = Problem::from_gmns(&gmns, 0.0, 0.0, CostModel::UserEquilibrium).unwrap();
    let net = problem.network();
    // Zone C is node c itself (number 1); A and D get centroids with two connectors per
    // access node: 6 file links + 2·2 (A) + 2·1 (D).
    assert_eq!(net.link_count(), 12);
    assert_eq!(
        net.to(AssignLinkId(2)),
        zone(1).node(),
        "link bc ends at zone C's number"
    );
    assert!(!net.is_through(AssignNodeId(1)));
    let result = assign(
        &problem,
        &AssignOptions::new(Method::AllOrNothing),
        &mut crate::assign::keep_going,
    )
    .unwrap();
    let flow = |id: &str| {
        let i = gmns.links.iter().position(|l| l.id == id).unwrap();
        result.flows.total[i]
    };
    // A -> C: a1 -> c directly (cost 1). A -> D: not a1 -> c -> d (c is a zone, not passed
    // through) but a2 -> b -> d (51).
    assert_eq!(flow("ac"), 5.0);
    assert_eq!(flow("cd"), 0.0);
    assert_eq!(flow("fast"), 7.0);
    assert_eq!(flow("bd"), 7.0);
    assert_eq!(flow("slow"), 0.0);
}
