//! The default network's freight demand assigned all-or-nothing: which corridors carry it, where
//! the bottlenecks are, and what a closure does. All-or-nothing routes every demand at free-flow
//! costs (no congestion feedback), so these are the routes each class prefers when nothing is
//! crowded; equilibrium methods spread the flow once capacities bite.

use silkroute_core::assign::freight::{FreightOptions, FreightReport, build_problem};
use silkroute_core::assign::{AssignOptions, Method, assign};
use silkroute_core::{Network, io};

fn network() -> Network {
    let (network, warnings) = io::load_default().expect("the embedded network loads");
    assert!(warnings.is_empty(), "{warnings:?}");
    network
}

fn aon(network: &Network, options: &FreightOptions) -> FreightReport {
    let problem = build_problem(network, options).expect("the default demand builds");
    assert!(problem.warnings().is_empty(), "{:?}", problem.warnings());
    let result = assign(
        problem.problem(),
        &AssignOptions::new(Method::AllOrNothing),
        &mut |_| {},
    )
    .expect("every zone pair is connected");
    problem.report(&result)
}

fn corridor(report: &FreightReport, key: &str) -> (f64, Vec<f64>) {
    let record = report
        .corridors
        .iter()
        .find(|c| c.corridor == key)
        .unwrap_or_else(|| panic!("no corridor {key}"));
    (record.teu_per_year, record.teu_by_class.clone())
}

fn arrivals(report: &FreightReport, zone: &str) -> Vec<(String, f64)> {
    report
        .destinations
        .iter()
        .find(|d| d.zone == zone)
        .map(|d| {
            d.by_corridor
                .iter()
                .map(|c| (c.corridor.clone(), c.teu_per_year))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_default_demand_uses_the_land_corridors_and_suez() {
    let network = network();
    let report = aon(&network, &FreightOptions::defaults(&network));
    let freight = network.freight();
    assert_eq!(report.classes.len(), 2);
    // All 1.4 M TEU are assigned; no route is missing.
    assert!((report.totals.demand_teu_per_year - freight.total_teu_per_year()).abs() < 1.0);
    assert!(report.unserved.is_empty());
    assert_eq!(
        report.totals.assigned_teu_per_year,
        report.totals.demand_teu_per_year
    );

    // Which corridors carry flow: the Northern route most (Russia and Europe's express
    // boxes), the Middle Corridor (Caucasus, and Central Asia on lines it shares with the
    // southern route), the southern route (Iran, part of Türkiye) and the sea via Suez
    // (standard boxes to Europe, Türkiye). The Cape route and purely regional routes get
    // nothing while Suez is open.
    let (northern, northern_by_class) = corridor(&report, "northern");
    let (middle, _) = corridor(&report, "middle");
    let (southern, _) = corridor(&report, "southern");
    let (suez, suez_by_class) = corridor(&report, "sea_suez");
    assert!(northern > 900_000.0, "{northern}");
    assert!(middle > 100_000.0 && middle < northern, "{middle}");
    assert!(southern > 10_000.0 && southern < middle, "{southern}");
    assert!(suez > 50_000.0, "{suez}");
    assert_eq!(corridor(&report, "sea_cape").0, 0.0);
    assert_eq!(corridor(&report, "regional").0, 0.0);
    // Sea is the standard class's choice, rail the express class's.
    assert!(
        suez_by_class[1] > 5.0 * suez_by_class[0],
        "{suez_by_class:?}"
    );
    assert!(northern_by_class[0] > northern_by_class[1]);
    let split = report
        .northern_middle
        .as_ref()
        .expect("both corridors exist");
    assert!(split.northern_share > 0.7, "{split:?}");

    // Moscow is served only by the Northern route; Tehran only by the southern one.
    assert_eq!(
        arrivals(&report, "ru_moscow")
            .iter()
            .map(|(c, _)| c.as_str())
            .collect::<Vec<_>>(),
        ["northern"]
    );
    assert_eq!(
        arrivals(&report, "ir_tehran")
            .iter()
            .map(|(c, _)| c.as_str())
            .collect::<Vec<_>>(),
        ["southern"]
    );
    // North-west Europe: express by the Northern route, standard by sea, half each.
    let northwest = arrivals(&report, "eu_northwest");
    let by = |key: &str| {
        northwest
            .iter()
            .find(|(c, _)| c == key)
            .map_or(0.0, |(_, v)| *v)
    };
    assert!(
        (by("northern") - by("sea_suez")).abs() < 1.0,
        "{northwest:?}"
    );

    // The Dostyk gauge change is the bottleneck: every Chinese origin's cheapest way west
    // crosses there, far beyond its 760 TEU/day.
    let top = &report.bottlenecks[0];
    assert_eq!(top.name, "Dostyk gauge change");
    assert!(top.vc > 2.0, "{top:?}");
    let names: Vec<&str> = report.handling.iter().map(|h| h.name.as_str()).collect();
    for facility in [
        "Dostyk gauge change",
        "Altynkol gauge change",
        "Małaszewicze gauge change",
        "Sarakhs gauge change",
        "Alat port",
        "Poti port",
    ] {
        assert!(
            names.contains(&facility),
            "{facility} missing from {names:?}"
        );
    }
}

#[test]
fn closing_suez_sends_the_sea_flow_round_the_cape() {
    let network = network();
    let mut options = FreightOptions::defaults(&network);
    let open = aon(&network, &options);
    options
        .avoid
        .corridors
        .push(network.corridor_by_key("sea_suez").expect("declared"));
    let closed = aon(&network, &options);
    assert_eq!(corridor(&closed, "sea_suez").0, 0.0);
    assert!(corridor(&closed, "sea_cape").0 > 0.0);
    assert!(closed.unserved.is_empty());
    // Boxes that went by Suez now go round the Cape or overland: nothing is lost.
    assert!((closed.totals.assigned_teu_per_year - open.totals.assigned_teu_per_year).abs() < 1.0);
}

#[test]
fn the_third_crossing_opens_in_2027_and_demand_scales() {
    let network = network();
    let mut options = FreightOptions::defaults(&network);
    let has_bakhty_rail =
        |report: &FreightReport| report.links.iter().any(|l| l.link == "tacheng_bakhty_rail");
    let base = aon(&network, &options);
    assert!(!has_bakhty_rail(&base));
    options.year = 2027;
    // Open in 2027; at free-flow costs Dostyk stays cheaper, so all-or-nothing leaves it
    // empty (an equilibrium moves flow there once Dostyk's gauge change is crowded).
    assert!(has_bakhty_rail(&aon(&network, &options)));

    options.year = 2026;
    options.demand_factor = 2.0;
    let doubled = aon(&network, &options);
    assert_eq!(
        doubled.totals.assigned_teu_per_year,
        2.0 * base.totals.assigned_teu_per_year
    );
    assert_eq!(doubled.bottlenecks[0].name, base.bottlenecks[0].name);
    assert!((doubled.bottlenecks[0].vc - 2.0 * base.bottlenecks[0].vc).abs() < 0.01);
}
