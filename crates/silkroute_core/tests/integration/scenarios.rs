//! The shipped scenario files (data/scenarios): each loads, applies and runs; a scenario
//! compared with itself changes nothing, byte for byte; a comparison reversed is the negated
//! comparison; and each project and disruption moves routes and flows the way the published
//! evidence says it should.

use silkroute_core::assign::{AssignOptions, Method, keep_going};
use silkroute_core::scenario::{Scenario, ScenarioDiff, ScenarioReport, compare_scenarios, run};
use std::path::{Path, PathBuf};

fn path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/scenarios")
        .join(name)
}

fn solver() -> AssignOptions {
    AssignOptions::new(Method::AlgorithmB)
}

fn run_file(name: &str, pairs: Option<&[(String, String)]>) -> ScenarioReport {
    let scenario = Scenario::load(&path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let (base, fingerprint) = scenario.load_base().expect("base");
    let prepared = scenario
        .prepare(&base)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    run(
        &scenario,
        &prepared,
        fingerprint,
        pairs,
        &solver(),
        &mut keep_going,
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn compare(base: &str, other: &str) -> ScenarioDiff {
    compare_scenarios(&run_file(base, None), &run_file(other, None))
}

fn corridor_teu(report: &ScenarioReport, corridor: &str) -> f64 {
    report
        .freight
        .corridors
        .iter()
        .find(|c| c.corridor == corridor)
        .map_or(0.0, |c| c.teu_per_year)
}

fn handling_teu(report: &ScenarioReport, node: &str, kind: &str) -> f64 {
    report
        .freight
        .handling
        .iter()
        .filter(|h| h.node == node && h.kind == kind)
        .map(|h| h.teu_per_year)
        .sum()
}

#[test]
fn every_shipped_scenario_loads_and_applies() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(path(""))
        .expect("data/scenarios")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    for file in names {
        let scenario = Scenario::load(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let (base, _) = scenario.load_base().expect("base");
        scenario
            .prepare(&base)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(
            !scenario.own().description.trim().is_empty(),
            "{}",
            file.display()
        );
    }
}

#[test]
fn a_scenario_compared_with_itself_changes_nothing_byte_for_byte() {
    let a = run_file("baseline_2026.toml", None);
    let b = run_file("baseline_2026.toml", None);
    let json = |r: &ScenarioReport| serde_json::to_string(r).expect("json");
    assert_eq!(json(&a), json(&b));
    let diff = compare_scenarios(&a, &b);
    assert!(diff.is_zero());
    assert_eq!(diff.freight.totals.co2e_t_per_year.delta, 0.0);
}

#[test]
fn the_red_sea_closed_sends_sea_cargo_round_the_cape_and_some_to_rail() {
    let base = run_file("baseline_2026.toml", None);
    let closed = run_file("red_sea_closed.toml", None);
    let diff = compare_scenarios(&base, &closed);
    // Reversed comparison = negated comparison.
    assert_eq!(compare_scenarios(&closed, &base), diff.reversed());
    // Shanghai–Rotterdam goes round the Cape: longer, by about 8–12 days (analysts: up to
    // ~10 days Asia–Europe).
    let sea = diff
        .routes
        .iter()
        .find(|r| r.from.base.as_deref() == Some("shanghai"))
        .expect("the Shanghai pair");
    assert_eq!(
        sea.best.corridor.other.as_deref(),
        Some("sea_cape"),
        "{sea:?}"
    );
    let days = sea.best.totals.total_days.delta.expect("both sides");
    assert!((5.0..=15.0).contains(&days), "{days}");
    // The markets move cargo from the sea to rail: rail TEU up, the sea's down.
    assert!(
        diff.freight.totals.assigned_teu_per_year.delta > 0.0,
        "{:?}",
        diff.freight.totals
    );
    assert!(
        diff.freight.totals.to_sea_teu_per_year.delta < 0.0,
        "{:?}",
        diff.freight.totals
    );
}

#[test]
fn the_northern_route_closed_to_the_eu_moves_cargo_to_other_corridors_and_the_sea() {
    let base = run_file("baseline_2026.toml", None);
    let closed = run_file("northern_closed.toml", None);
    // China–Russia cargo still runs; nothing crosses from Belarus into Poland.
    assert!(corridor_teu(&closed, "northern") > 0.0);
    assert!(corridor_teu(&closed, "northern") < corridor_teu(&base, "northern"));
    assert!(handling_teu(&base, "malaszewicze", "gauge_change") > 0.0);
    assert_eq!(handling_teu(&closed, "malaszewicze", "gauge_change"), 0.0);
    assert!(corridor_teu(&closed, "middle") > corridor_teu(&base, "middle"));
    assert!(corridor_teu(&closed, "southern") > corridor_teu(&base, "southern"));
    let diff = compare_scenarios(&base, &closed);
    // Some of it goes by sea instead (the markets' choice), nothing overflows.
    assert!(
        diff.freight.totals.to_sea_teu_per_year.delta > 0.0,
        "{:?}",
        diff.freight.totals
    );
    assert_eq!(diff.freight.totals.unserved_teu_per_year.other, 0.0);
    let poland = diff
        .routes
        .iter()
        .find(|r| r.from.base.as_deref() == Some("chongqing"))
        .expect("the Chongqing pair");
    assert_ne!(poland.best.corridor.other.as_deref(), Some("northern"));
}

#[test]
fn the_caspian_closed_leaves_the_middle_corridor_no_crossing() {
    let base = run_file("baseline_2026.toml", None);
    let closed = run_file("caspian_closed.toml", None);
    assert!(corridor_teu(&base, "middle") > 0.0);
    assert_eq!(corridor_teu(&closed, "middle"), 0.0);
    assert!(handling_teu(&base, "alat", "port") > 0.0);
    assert_eq!(handling_teu(&closed, "alat", "port"), 0.0);
    // The Middle Corridor's cargo moves to the Southern corridor (through Iran).
    assert!(corridor_teu(&closed, "southern") > corridor_teu(&base, "southern"));
    let diff = compare_scenarios(&base, &closed);
    let baku = diff
        .routes
        .iter()
        .find(|r| r.to.base.as_deref() == Some("baku"))
        .expect("the Baku pair");
    assert!(
        baku.best.totals.total_days.delta.is_none_or(|d| d > 0.0),
        "{baku:?}"
    );
}

#[test]
fn dostyk_shut_moves_the_crossing_to_khorgos() {
    let base = run_file("baseline_2026.toml", None);
    let closed = run_file("dostyk_closed.toml", None);
    assert!(handling_teu(&base, "dostyk", "gauge_change") > 0.0);
    assert_eq!(handling_teu(&closed, "dostyk", "gauge_change"), 0.0);
    assert!(
        handling_teu(&closed, "altynkol", "gauge_change")
            > handling_teu(&base, "altynkol", "gauge_change")
    );
}

#[test]
fn bakhty_carries_cargo_and_relieves_khorgos() {
    // Bakhty's trains join the Dostyk–Moyynty line at Aktogay: with the second track (and its
    // express speeds) the crossing takes the cargo Khorgos–Altynkol could not.
    let diff = compare("dostyk_moyynty_second_track.toml", "bakhty_crossing.toml");
    let bakhty = diff
        .freight
        .handling
        .iter()
        .find(|h| h.node == "bakhty" && h.kind == "gauge_change")
        .expect("the Bakhty gauge change in the project run");
    assert_eq!(bakhty.teu_per_year.base, 0.0);
    assert!(bakhty.teu_per_year.other > 0.0, "{bakhty:?}");
    let altynkol = diff
        .freight
        .handling
        .iter()
        .find(|h| h.node == "altynkol" && h.kind == "gauge_change")
        .expect("Altynkol");
    assert!(altynkol.teu_per_year.delta < 0.0, "{altynkol:?}");
    assert!(diff.freight.totals.generalized_cost_usd_per_year.delta < 0.0);
}

#[test]
fn the_khorgos_upgrade_draws_trains_to_khorgos_and_saves_time() {
    let diff = compare("do_minimum_2030.toml", "khorgos_upgrade.toml");
    let altynkol = diff
        .freight
        .handling
        .iter()
        .find(|h| h.node == "altynkol" && h.kind == "gauge_change")
        .expect("Altynkol");
    assert!(altynkol.teu_per_year.delta > 0.0, "{altynkol:?}");
    assert!(diff.freight.totals.teu_hours_per_year.delta < 0.0);
    let tashkent = diff
        .routes
        .iter()
        .find(|r| r.to.base.as_deref() == Some("tashkent"))
        .expect("the Tashkent pair");
    assert!(
        tashkent
            .best
            .totals
            .total_days
            .delta
            .is_some_and(|d| d < 0.0),
        "{tashkent:?}"
    );
}

#[test]
fn the_second_track_lifts_the_dostyk_moyynty_bottleneck() {
    let diff = compare("do_minimum_2030.toml", "dostyk_moyynty_second_track.toml");
    // The single track's 12 trains a day bind in 2030; the double track's 60 do not.
    let single: Vec<_> = diff
        .freight
        .links
        .iter()
        .filter(|l| l.link == "dostyk_aktogay_rail_single")
        .collect();
    assert!(!single.is_empty());
    assert!(single.iter().all(|l| l.teu_per_year.other == 0.0));
    let delay_base: f64 = single.iter().map(|l| l.delay_hours.base).sum();
    let double_delay: f64 = diff
        .freight
        .links
        .iter()
        .filter(|l| l.link == "dostyk_aktogay_rail_double")
        .map(|l| l.delay_hours.other)
        .sum();
    assert!(double_delay < delay_base, "{double_delay} ≥ {delay_base}");
    // Trains through Dostyk arrive sooner (the express service runs at 1,500 km a day on the
    // double track): Chongqing–Małaszewicze is shorter, nothing gets longer.
    let chongqing = diff
        .routes
        .iter()
        .find(|r| r.from.base.as_deref() == Some("chongqing"))
        .expect("the Chongqing pair");
    assert!(
        chongqing
            .best
            .totals
            .total_days
            .delta
            .is_some_and(|d| d < 0.0),
        "{chongqing:?}"
    );
    assert!(
        diff.routes
            .iter()
            .all(|r| r.best.totals.total_days.delta.is_none_or(|d| d <= 0.0))
    );
}

/// Criticality on the default network, warm-started from the base run's queues: an element
/// that carries nothing costs exactly nothing (the base is re-solved the same way); the removal
/// that sends the Northern route's EU boxes to one crossing settles warm, where it needs
/// hundreds of rounds cold, and both starts agree on its loss.
#[test]
fn criticality_warm_starts_agree_with_cold_ones() {
    use silkroute_core::freight::FreightOptions;
    use silkroute_core::scenario::{Cut, Element, Start, criticality};
    let (network, _) = silkroute_core::network::load_default().expect("default network");
    let options = FreightOptions::defaults(&network);
    let link = |key: &str| Element::Link(network.link_by_key(key).expect(key));
    let elements = [link("brest_malaszewicze_rail"), link("almaty_shu_rail")];
    let scan = |start: Start| {
        criticality(
            &network,
            &options,
            &solver(),
            Cut::Remove,
            start,
            &elements,
            &|_, _| {},
        )
        .expect("scans")
    };
    let (warm, cold) = (scan(Start::Warm), scan(Start::Cold));
    let loss = |report: &silkroute_core::scenario::CriticalityReport, id: &str| {
        report
            .elements
            .iter()
            .find(|e| e.id == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id}"))
    };
    let (w, c) = (
        loss(&warm, "brest_malaszewicze_rail"),
        loss(&cold, "brest_malaszewicze_rail"),
    );
    assert!(!w.unsettled, "{w:?}");
    assert!(w.generalized_cost_usd_per_year > 0.0, "{w:?}");
    let relative = (w.generalized_cost_usd_per_year - c.generalized_cost_usd_per_year).abs()
        / c.generalized_cost_usd_per_year;
    assert!(relative < 0.1, "warm {w:?} against cold {c:?}");
    assert_eq!(warm.start, "warm");
    // An unused element: nothing changes, exactly.
    let unused = network
        .links()
        .iter()
        .position(|l| l.key == "akhalkalaki_kars_rail")
        .expect("a link");
    let idle = criticality(
        &network,
        &options,
        &solver(),
        Cut::Remove,
        Start::Warm,
        &[Element::Link(silkroute_core::network::LinkId::from_index(
            unused,
        ))],
        &|_, _| {},
    )
    .expect("scans");
    assert_eq!(idle.elements[0].base_teu_per_year, 0.0);
    assert_eq!(idle.elements[0].generalized_cost_usd_per_year, 0.0);
    assert_eq!(idle.elements[0].teu_hours_per_year, 0.0);
}

/// The USD 100 bn trade goal scales Kazakhstan–China's rail tonnes by 100 / 43.82 at every
/// crossing they use and leaves the containers alone; reversed, the comparison is negated.
#[test]
fn the_100bn_trade_goal_scales_the_kazakhstan_china_tonnes_at_the_crossings() {
    let base = run_file("baseline_2026.toml", None);
    let trade = run_file("kz_china_100bn.toml", None);
    let tonnes = |r: &ScenarioReport, node: &str| {
        r.freight
            .tonnage_places
            .iter()
            .find(|t| t.node == node)
            .map_or(0.0, |t| t.tonnes_per_year)
    };
    let crossings = tonnes(&base, "dostyk") + tonnes(&base, "altynkol");
    // 32 Mt between the two countries in 2024 (KTZ), all across Dostyk and Altynkol.
    assert!((crossings - 32_000_000.0).abs() < 1.0, "{crossings}");
    for node in ["dostyk", "altynkol"] {
        let (b, t) = (tonnes(&base, node), tonnes(&trade, node));
        assert!((t - 2.282 * b).abs() < 1.0, "{node}: {b} → {t}");
    }
    let diff = compare_scenarios(&base, &trade);
    assert_eq!(diff.freight.totals.generalized_cost_usd_per_year.delta, 0.0);
    let crossing = |d: &ScenarioDiff, key: &str| {
        d.freight
            .tonnage
            .iter()
            .find(|t| t.section == "crossing" && t.key == key)
            .map(|t| t.tonnes_per_year)
            .expect("a crossing row")
    };
    assert!(crossing(&diff, "dostyk").delta > 0.0);
    assert_eq!(
        compare_scenarios(&trade, &base).freight,
        diff.freight.reversed()
    );
}
