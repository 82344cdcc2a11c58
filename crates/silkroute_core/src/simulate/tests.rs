//! The corridor model against closed forms (a train at no load takes its route's hours; a
//! ferry with a fixed headway makes a box wait half of it; a full ferry's backlog grows at
//! λ − K/H; Little's law at every facility of the default model), the acceptance rule, the
//! sim file's errors and determinism.

use super::plan::{
    FacilityPlan, GatePlan, HazardPlan, LinePlan, MonthService, PathPlan, Plan, SailingPlan, Stage,
};
use super::run::{Stats, Window, replicate};
use super::*;
use crate::network::{ArcId, FreightClassId, HandlingId, LinkId, ZoneId};

fn window(horizon_days: f64, warmup_days: f64, drain_days: f64) -> Window {
    Window {
        warmup_h: warmup_days * 24.0,
        horizon_h: horizon_days * 24.0,
        drain_h: drain_days * 24.0,
        seed: 7,
        on_time_slack_h: 0.0,
        target_h: None,
        first_weekday: 0,
    }
}

fn path(stages: Vec<Stage>, teu_per_year: f64, route_h: f64) -> PathPlan {
    PathPlan {
        origin: ZoneId(0),
        destination: ZoneId(1),
        class: FreightClassId(0),
        corridor: None,
        teu_per_year,
        facilities: stages
            .iter()
            .filter_map(|s| match s {
                Stage::Facility(f) => Some(*f),
                _ => None,
            })
            .collect(),
        gates: stages
            .iter()
            .filter_map(|s| match s {
                Stage::Gate(g) => Some(*g),
                _ => None,
            })
            .collect(),
        sailings: stages
            .iter()
            .filter_map(|s| match s {
                Stage::Sailing(s) => Some(*s),
                _ => None,
            })
            .collect(),
        stages,
        route_h,
        group: 0,
        alternatives: Vec::new(),
    }
}

fn facility(servers: usize, service_h: f64, rest_h: f64) -> FacilityPlan {
    FacilityPlan {
        handling: HandlingId(0),
        servers,
        service_h,
        rest_h,
        hours: service_h + rest_h,
        trains_per_day: servers as f64 * 24.0 / service_h,
        gate: None,
        servers_from: "test".to_string(),
        equilibrium_queue_h: 0.0,
        accept_wait_h: f64::INFINITY,
        wagon_pool: None,
    }
}

fn ferry(interval_h: f64, capacity_teu: Option<f64>) -> SailingPlan {
    SailingPlan {
        link: LinkId(0),
        arc: ArcId(0),
        months: [MonthService {
            interval_h,
            when_full_max_wait_h: None,
            capacity_teu,
            closed_share: 0.0,
            closure_mean_h: 0.0,
        }; 12],
        route_wait_h: interval_h / 2.0,
        accept_wait_h: f64::INFINITY,
    }
}

fn plan(paths: Vec<PathPlan>, regular: bool) -> Plan {
    let groups: Vec<_> = (0..paths.len())
        .map(|_| (ZoneId(0), ZoneId(1), None))
        .collect();
    Plan {
        corridors: vec![None],
        group_corridor: vec![0; groups.len()],
        paths,
        facilities: Vec::new(),
        lines: Vec::new(),
        sailings: Vec::new(),
        gates: Vec::new(),
        hazards: Vec::new(),
        groups,
        teu_per_train: 100.0,
        weekly: [1.0; 7],
        regular,
    }
}

fn run(plan: Plan, window: &Window, replications: usize) -> Vec<Stats> {
    let plan = Arc::new(plan);
    (0..replications)
        .map(|r| replicate(&plan, window, r))
        .collect()
}

#[test]
fn a_train_at_no_load_takes_exactly_its_routes_hours() {
    // Hold 10 h, a facility of 8 h (3 h on a position, 5 h of formalities), a line slot of
    // 0.5 h then 19.5 h of running: 38 h, as the route charges it. One train a month, alone.
    let mut p = plan(
        vec![path(
            vec![
                Stage::Hold(10.0),
                Stage::Facility(0),
                Stage::Line(0),
                Stage::Hold(19.5),
            ],
            1200.0,
            38.0,
        )],
        true,
    );
    p.facilities.push(facility(2, 3.0, 5.0));
    p.lines.push(LinePlan {
        link: LinkId(0),
        arc: ArcId(0),
        slot_h: 0.5,
    });
    let stats = &run(p, &window(365.0, 0.0, 30.0), 1)[0];
    let group = &stats.groups[0];
    assert!((group.teu - 1200.0).abs() < 1e-9, "{}", group.teu);
    assert!((group.sum_h / group.teu - 38.0).abs() < 1e-9);
    for q in [0.0, 0.5, 0.95, 1.0] {
        let value = group.transit.quantile(q, 1.0).unwrap();
        assert!((value - 38.0).abs() < 1e-9, "q {q}: {value}");
    }
    assert_eq!(group.on_time_teu, group.teu);
    let f = &stats.facilities[0];
    assert_eq!(f.wait_sum_all, 0.0);
    let element = f.element.quantile(0.5, 0.25).unwrap();
    assert!((element - 8.0).abs() < 1e-9, "{element}");
}

#[test]
fn a_ferry_with_a_fixed_headway_makes_a_box_wait_half_of_it() {
    // Poisson arrivals (10 trains a day), a departure every 24 h, no limit: mean wait 12 h.
    let mut p = plan(
        vec![path(
            vec![Stage::Sailing(0), Stage::Hold(18.0)],
            365_000.0,
            30.0,
        )],
        false,
    );
    p.sailings.push(ferry(24.0, None));
    let stats = run(p, &window(365.0, 10.0, 10.0), 20);
    let means: Vec<f64> = stats
        .iter()
        .map(|s| s.sailings[0].element_sum / s.sailings[0].element.total())
        .collect();
    let n = means.len() as f64;
    let mean = means.iter().sum::<f64>() / n;
    let sd = (means.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    // Student t, 19 degrees of freedom, 99%: 2.861.
    let half = 2.861 * sd / n.sqrt();
    assert!(half < 0.5, "interval too wide: ±{half}");
    assert!((mean - 12.0).abs() <= half, "{mean} ± {half} vs 12");
}

#[test]
fn a_full_ferrys_backlog_grows_at_lambda_less_what_it_carries() {
    // 2 trains of 100 TEU a day (regular), 100 TEU a sailing, one sailing a day: the quay
    // gains 100 TEU a day, so over T days it holds 100·T/2 TEU on average.
    let mut p = plan(
        vec![path(
            vec![Stage::Sailing(0), Stage::Hold(18.0)],
            73_000.0,
            30.0,
        )],
        true,
    );
    p.sailings.push(ferry(24.0, Some(100.0)));
    let days = 200.0;
    let stats = &run(p, &window(days, 0.0, 0.0), 1)[0];
    let mean_queue = stats.sailings[0].queue_teu.integral_window / (days * 24.0);
    let expected = 100.0 * days / 2.0;
    assert!(
        (mean_queue - expected).abs() < 0.02 * expected,
        "{mean_queue} vs {expected}"
    );
    assert!(stats.sailings[0].left_behind_teu > 0.0);
    let load = stats.sailings[0].loaded_capacitated_teu / stats.sailings[0].capacity_teu;
    assert!(load > 0.99, "{load}");
}

#[test]
fn a_closed_crossing_diverts_trains_to_the_other_path_or_refuses_them() {
    // Path 0 passes gate 0, closed for good within days of the start; path 1 is open.
    let mut p = plan(
        vec![
            path(vec![Stage::Gate(0), Stage::Hold(10.0)], 36_500.0, 10.0),
            path(vec![Stage::Hold(20.0)], 0.0, 20.0),
        ],
        true,
    );
    p.paths[0].alternatives = vec![1];
    p.paths[1].group = 1;
    p.groups = vec![(ZoneId(0), ZoneId(1), None), (ZoneId(0), ZoneId(1), None)];
    p.group_corridor = vec![0, 0];
    p.gates.push(GatePlan {
        item: "node:x".to_string(),
        hazards: vec![0],
    });
    p.hazards.push(HazardPlan {
        group: "x".to_string(),
        events_per_year: 100.0,
        mean_h: 1e9,
        max_h: 8760.0,
    });
    let w = window(100.0, 60.0, 10.0);
    let stats = &run(p.clone(), &w, 1)[0];
    // 1 train a day for 100 days, all diverted onto path 1 (group 1), 20 h each.
    assert!((stats.groups[0].diverted_teu - 10_000.0).abs() < 1e-6);
    assert!((stats.groups[1].teu - 10_000.0).abs() < 1e-6);
    assert_eq!(stats.groups[0].teu, 0.0);
    assert!((stats.groups[1].sum_h / stats.groups[1].teu - 20.0).abs() < 1e-9);
    // Without the other path, every train is refused.
    p.paths[0].alternatives.clear();
    let stats = &run(p, &w, 1)[0];
    assert!((stats.groups[0].refused_teu - 10_000.0).abs() < 1e-6);
    assert_eq!(stats.groups[0].departed_teu, 0.0);
}

fn default_simulation(network: &Network) -> Simulation<'_> {
    let params = default_sim_params(network).expect("the shipped sim file loads");
    let hazards = crate::scenario::default_hazards(network).expect("hazards load");
    let options = FreightOptions::defaults(network);
    let solver = AssignOptions::new(crate::assign::Method::AlgorithmB);
    Simulation::prepare(
        network,
        &options,
        &params,
        Some(&hazards),
        &solver,
        &mut crate::assign::keep_going,
    )
    .expect("the default model prepares")
}

#[test]
fn littles_law_holds_at_every_facility_of_the_default_model() {
    let (network, _) = crate::network::load_default().expect("default network");
    let simulation = default_simulation(&network);
    let w = window(90.0, 10.0, 365.0);
    for r in 0..2 {
        let stats = replicate(&simulation.plan, &w, r);
        assert!(!stats.facilities.is_empty());
        for (f, s) in stats.facilities.iter().enumerate() {
            // Over the whole run (empty at the start and at the end), the time-integral of
            // the trains waiting equals the sum of their waits.
            let (area, waits) = (s.queue.integral_all, s.wait_sum_all);
            assert!(
                (area - waits).abs() <= 1e-6 * waits.max(1.0),
                "facility {f}: ∫L dt {area} vs ΣW {waits}"
            );
            assert!(s.arrivals_all > 0.0, "facility {f} saw no train");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_bytes_on_any_number_of_threads() {
    let (network, _) = crate::network::load_default().expect("default network");
    let simulation = default_simulation(&network);
    let params = default_sim_params(&network).unwrap();
    let settings = RunSettings {
        replications: 6,
        horizon_days: 40.0,
        warmup_days: 5.0,
        drain_days: 120.0,
        ..RunSettings::of(&params)
    };
    let on = |threads: usize, settings: &RunSettings| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let report = pool.install(|| {
            simulation
                .run(settings, &|_, _| std::ops::ControlFlow::Continue(()))
                .unwrap()
        });
        serde_json::to_string(&report).unwrap()
    };
    let one = on(1, &settings);
    assert_eq!(one, on(2, &settings));
    assert_eq!(one, on(3, &settings));
    let other = RunSettings {
        seed: settings.seed + 1,
        ..settings.clone()
    };
    assert_ne!(one, on(2, &other));
}

#[test]
fn the_default_model_reports_every_corridor_with_ordered_percentiles() {
    let (network, _) = crate::network::load_default().expect("default network");
    let simulation = default_simulation(&network);
    let params = default_sim_params(&network).unwrap();
    let settings = RunSettings {
        replications: 4,
        horizon_days: 60.0,
        ..RunSettings::of(&params)
    };
    let report = simulation
        .run(&settings, &|_, _| std::ops::ControlFlow::Continue(()))
        .unwrap();
    let keys: Vec<&str> = report
        .corridors
        .iter()
        .map(|c| c.corridor.as_str())
        .collect();
    for key in ["northern", "middle", "southern"] {
        assert!(keys.contains(&key), "{key} missing from {keys:?}");
    }
    for c in &report.corridors {
        let t = &c.transit;
        assert!(
            t.p50_days <= t.p90_days && t.p90_days <= t.p95_days,
            "{c:?}"
        );
        // Nothing arrives faster than its route at no load (up to rounding).
        assert!(t.mean_days >= t.route_days - 0.01, "{c:?}");
        let shares: f64 = c.share_by_day.iter().sum();
        assert!((shares - 1.0).abs() < 1e-3, "{shares}");
    }
    assert!(
        report
            .elements
            .iter()
            .any(|e| e.element == "handling:dostyk:gauge_change")
    );
    assert!(
        report
            .elements
            .iter()
            .any(|e| e.element == "link:kuryk_alat_ferry")
    );
}

#[test]
fn sim_files_are_checked_with_file_line_and_key() {
    let (network, _) = crate::network::load_default().expect("default network");
    let good = include_str!("../../../../data/sim.toml");
    let parse = |text: &str| {
        parse_sim_params(
            &("sim.toml".to_string(), text.as_bytes().to_vec()),
            &network,
        )
    };
    let params = parse(good).expect("the shipped file");
    assert_eq!(params.replications, 200);
    assert!(params.regular);
    let cases = [
        ("replications = 200", "replications = 0", "replications"),
        (
            "departures = \"regular\"",
            "departures = \"hourly\"",
            "departures",
        ),
        ("queue_days = 4", "queue_days = -1", "queue_days"),
        ("horizon_days = 365", "horizon_days = 1e9", "horizon_days"),
        (
            "weekly_profile = [1, 1, 1, 1, 1, 1, 1]",
            "weekly_profile = [1, 2, 1, 1, 1, 1, 1]",
            "sources",
        ),
        (
            "sources = [\"A_SIM_ACCEPTANCE\",",
            "sources = [\"NO_SUCH_SOURCE\",",
            "sources",
        ),
    ];
    for (from, to, field) in cases {
        assert!(good.contains(from), "{from}");
        let error = parse(&good.replacen(from, to, 1))
            .expect_err(to)
            .to_string();
        assert!(error.starts_with("sim.toml:"), "{to}: {error}");
        let line: String = error["sim.toml:".len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        assert!(line.parse::<u32>().is_ok_and(|l| l > 0), "{to}: {error}");
        assert!(error.contains(field), "{to}: {error}");
    }
    let facility = format!(
        "{good}\n[[facility]]\nnode = \"dostyk\"\nkind = \"port\"\nservers = 3\nsources = [\"A_SIM_ACCEPTANCE\"]\n"
    );
    let error = parse(&facility)
        .expect_err("no port row at Dostyk")
        .to_string();
    assert!(error.contains("kind"), "{error}");
    assert!(parse("not toml [").is_err());
}

#[test]
fn a_hazard_group_the_hazards_file_lacks_is_an_error() {
    let (network, _) = crate::network::load_default().expect("default network");
    let mut params = default_sim_params(&network).unwrap();
    params.hazard_groups.push("atlantis".to_string());
    let hazards = crate::scenario::default_hazards(&network).unwrap();
    let error = Simulation::prepare(
        &network,
        &FreightOptions::defaults(&network),
        &params,
        Some(&hazards),
        &AssignOptions::new(crate::assign::Method::AlgorithmB),
        &mut crate::assign::keep_going,
    )
    .expect_err("unknown group");
    assert!(error.to_string().contains("atlantis"), "{error}");
}

#[test]
fn run_settings_out_of_range_name_the_setting() {
    let (network, _) = crate::network::load_default().expect("default network");
    let params = default_sim_params(&network).unwrap();
    for (settings, field) in [
        (
            RunSettings {
                replications: 0,
                ..RunSettings::of(&params)
            },
            "replications",
        ),
        (
            RunSettings {
                horizon_days: f64::NAN,
                ..RunSettings::of(&params)
            },
            "horizon_days",
        ),
        (
            RunSettings {
                target_days: Some(-1.0),
                ..RunSettings::of(&params)
            },
            "target_days",
        ),
    ] {
        match settings.validate() {
            Err(SimulateError::BadSetting { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
}

#[test]
fn weekdays_and_months_follow_the_calendar() {
    // 1 January 2026 is a Thursday; 2024 a Monday.
    assert_eq!(first_weekday(2026), 3);
    assert_eq!(first_weekday(2024), 0);
    assert_eq!(first_weekday(1969), 2);
}

#[test]
fn a_ship_that_sails_when_full_waits_for_its_load_or_its_longest_wait() {
    // Trains of 50 TEU every 10 h (regular), ships of 100 TEU that may sail every hour: a ship
    // leaves with every second train, so the first of each pair waits 10 h, the second none:
    // 5 h on average, (n − 1)/2 gaps for n trains a ship.
    let when_full = |capacity: f64, max_wait_h: f64| {
        let mut line = ferry(1.0, Some(capacity));
        for month in &mut line.months {
            month.when_full_max_wait_h = Some(max_wait_h);
        }
        line
    };
    let mut p = plan(
        vec![path(
            vec![Stage::Sailing(0), Stage::Hold(18.0)],
            43_800.0,
            30.0,
        )],
        true,
    );
    p.teu_per_train = 50.0;
    p.sailings.push(when_full(100.0, 1000.0));
    let stats = &run(p.clone(), &window(100.0, 5.0, 10.0), 1)[0];
    let s = &stats.sailings[0];
    let mean = s.element_sum / s.element.total();
    assert!((mean - 5.0).abs() < 0.2, "{mean}");
    assert!((s.loaded_capacitated_teu / s.capacity_teu - 1.0).abs() < 0.01);
    // A ship of 1,000 TEU that waits at most 24 h leaves with the trains of 0, 10 and 20 h:
    // they wait 24, 14 and 4 h, 14 h on average.
    p.sailings[0] = when_full(1000.0, 24.0);
    let stats = &run(p, &window(100.0, 5.0, 10.0), 1)[0];
    let s = &stats.sailings[0];
    let mean = s.element_sum / s.element.total();
    assert!((mean - 14.0).abs() < 0.5, "{mean}");
}

#[test]
fn a_wagon_pool_holds_trains_until_its_platforms_come_back() {
    // Trains of 100 TEU every 10 h need 50 platforms each; a pool of 50 that comes back
    // 25 h after a train takes it lets a train leave every 25 h: the k-th train (from 0)
    // waits 15·k h for platforms, so the first four wait 0, 15, 30 and 45 h.
    let mut p = plan(
        vec![path(
            vec![Stage::Facility(0), Stage::Hold(1.0)],
            87_600.0,
            2.0,
        )],
        true,
    );
    let mut f = facility(4, 0.5, 0.5);
    f.wagon_pool = Some((50.0, 25.0));
    p.facilities.push(f);
    let w = Window {
        warmup_h: 0.0,
        horizon_h: 40.0,
        drain_h: 500.0,
        ..window(1.0, 0.0, 0.0)
    };
    let stats = &run(p.clone(), &w, 1)[0];
    let group = &stats.groups[0];
    assert_eq!(group.teu, 400.0, "four trains");
    let facility_wait = group.parts_h_teu[super::run::PART_FACILITY] / group.teu;
    assert!((facility_wait - 22.5).abs() < 1e-9, "{facility_wait}");
    // Without the pool nothing waits.
    p.facilities[0].wagon_pool = None;
    let stats = &run(p, &w, 1)[0];
    assert_eq!(stats.groups[0].parts_h_teu[super::run::PART_FACILITY], 0.0);
}
