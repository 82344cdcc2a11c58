//! Tests of the expanded graph: its shortest paths are the router's routes (on the hand-made
//! network and on random multimodal networks, with and without congested facilities), flow is
//! conserved, every capacitated facility is one link, closures move demand, results are
//! deterministic.

use super::*;
use crate::assign::{AssignOptions, AssignResult, Method, SptWorkspace, assign};
use crate::network::{FreightClass, FreightClassId, HandlingKind, Zone};
use crate::route::{Itinerary, Objective, RouteOptions, Scope, shortest_path};
use proptest::prelude::*;

fn mini() -> Network {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/mini");
    let (network, warnings) =
        crate::network::load_dir(std::path::Path::new(dir)).expect("mini loads");
    assert!(warnings.is_empty(), "{warnings:?}");
    network
}

/// Every node its own zone (named after the node), the given values of time, no demand.
fn every_node_a_zone(network: &Network, vots: &[f64]) -> FreightData {
    FreightData {
        teu_per_train: Some(100.0),
        teu_per_train_sources: vec![],
        return_trains_per_train: None,
        return_trains_sources: vec![],
        tonnes_per_teu: None,
        tonnes_per_teu_sources: vec![],
        tonnage: vec![],
        classes: vots
            .iter()
            .enumerate()
            .map(|(k, &vot)| FreightClass {
                key: format!("c{k}"),
                name: format!("class {k}"),
                value_of_time_usd_per_teu_day: vot,
                value_of_time_sources: vec![],
                pce: 1.0,
                pce_sources: vec![],
            })
            .collect(),
        zones: (0..network.node_count())
            .map(|n| Zone {
                key: network.nodes()[n].key.clone(),
                name: network.nodes()[n].name.clone(),
                places: vec![NodeId(n as u32)],
                sources: vec![],
                note: String::new(),
            })
            .collect(),
        markets: Vec::new(),
        market_years: Vec::new(),
        demand: vec![],
        demand_by_year: vec![],
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-7 * (1.0 + a.abs().max(b.abs()))
}

/// Zero-flow shortest-path costs (USD per FEU) between all zones of a problem, for class `k`,
/// with `extra[h]` hours added to the capacity link of handling row `h`.
fn expanded_costs(problem: &FreightProblem<'_>, k: usize, extra: &[f64]) -> Vec<Vec<f64>> {
    let net = problem.problem().network();
    let class = &problem.problem().classes()[k];
    let vot = problem.data().classes[k].value_of_time_usd_per_teu_day;
    let cost: Vec<f64> = problem
        .links()
        .iter()
        .enumerate()
        .map(|(l, link)| {
            let congestion = match link.kind {
                FreightLink::Handling(h) => extra[h.index()],
                _ => 0.0,
            };
            link.hours + congestion + class.fixed_cost[l]
        })
        .collect();
    let mut workspace = SptWorkspace::new(net.node_count());
    net.zone_ids()
        .map(|o| {
            workspace.tree(net, &cost, o.node());
            net.zone_ids()
                .map(|d| workspace.distance(d.node()) * 2.0 * vot / 24.0)
                .collect()
        })
        .collect()
}

/// The router's best generalized cost (USD per FEU) between two nodes at value of time
/// `2 × vot` per FEU-day, or infinity.
fn router_cost(network: &Network, options: &FreightOptions, vot: f64, o: usize, d: usize) -> f64 {
    let route_options = RouteOptions {
        objective: Objective::Generalized,
        year: options.year,
        avoid: options.avoid.clone(),
        payload_t: 10.0,
        value_of_time_usd_per_day: 2.0 * vot,
        corridor: None,
        service: network.services().default,
        month: None,
        sea_rate: None,
        risk: vec![],
        carbon_usd_per_t: options.carbon_usd_per_t,
        reliability: None,
        statistic: crate::route::Statistic::Mean,
        value_of_reliability_usd_per_day: 0.0,
    };
    let scope = Scope::new(network, &route_options);
    match shortest_path(&scope, NodeId(o as u32), NodeId(d as u32)) {
        Ok(Some(path)) => scope.scalar(Itinerary::new(&scope, &path).totals),
        _ => f64::INFINITY,
    }
}

/// Compares every zone pair of the expanded graph with the router; `extra` hours of congestion
/// on each hub are matched by the same extra handling hours in a copy of the network.
fn assert_expansion_matches_router(
    network: &Network,
    options: &FreightOptions,
    vots: &[f64],
    extra: &[f64],
) -> Result<(), String> {
    let data = every_node_a_zone(network, vots);
    let problem = build_problem_with(network, &data, options).map_err(|e| e.to_string())?;
    let hubs = problem.handling_links();
    let mut congested = network.clone();
    for (h, row) in congested.handlings.iter_mut().enumerate() {
        if hubs[h].is_some() {
            row.hours += extra[h];
        }
    }
    for (k, &vot) in vots.iter().enumerate() {
        let expanded = expanded_costs(&problem, k, extra);
        for (o, row) in expanded.iter().enumerate() {
            for (d, &ours) in row.iter().enumerate() {
                if o == d {
                    continue;
                }
                let router = router_cost(&congested, options, vot, o, d);
                let same = close(router, ours) || (router.is_infinite() && ours.is_infinite());
                if !same {
                    return Err(format!(
                        "class {k} (VoT {vot}), {} → {}: router {router}, expanded graph {ours}; warnings {:?}",
                        network.nodes()[o].key,
                        network.nodes()[d].key,
                        problem.warnings()
                    ));
                }
            }
        }
    }
    Ok(())
}

#[test]
fn expanded_paths_cost_what_the_router_charges_on_mini() {
    let network = mini();
    let mut options = FreightOptions::defaults(&network);
    let none = vec![0.0; network.handlings().len()];
    for year in [2024, 2026] {
        options.year = year;
        assert_expansion_matches_router(&network, &options, &[100.0, 10.0, 0.5], &none)
            .unwrap_or_else(|e| panic!("{year}: {e}"));
    }
    // A carbon price is charged on the arcs as the router charges it.
    options.carbon_usd_per_t = 250.0;
    assert_expansion_matches_router(&network, &options, &[100.0, 10.0, 0.5], &none)
        .unwrap_or_else(|e| panic!("carbon: {e}"));
    options.carbon_usd_per_t = 0.0;
    // Closures, and a congested gauge change at Border KZ (its hub costs 30 h more).
    options
        .avoid
        .countries
        .push(crate::network::Country::parse("BY").expect("valid"));
    let mut extra = none.clone();
    let gauge = network
        .handlings()
        .iter()
        .position(|h| h.kind == HandlingKind::GaugeChange && h.capacity_teu_per_day.is_some())
        .expect("mini has a capacitated gauge change");
    extra[gauge] = 30.0;
    assert_expansion_matches_router(&network, &options, &[100.0, 10.0], &extra)
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn the_mini_gauge_change_is_one_capacity_link_shared_by_both_directions() {
    let network = mini();
    let problem = build_problem(&network, &FreightOptions::defaults(&network)).expect("builds");
    assert!(problem.warnings().is_empty(), "{:?}", problem.warnings());
    let capacity_links: Vec<&ExpandedLink> = problem
        .links()
        .iter()
        .filter(|l| matches!(l.kind, FreightLink::Handling(_)))
        .collect();
    assert_eq!(capacity_links.len(), 1);
    assert_eq!(capacity_links[0].capacity_teu_per_year, Some(760.0 * 365.0));
    // Both directions of the gauge change enter the same hub.
    let entries = problem
        .links()
        .iter()
        .filter(|l| matches!(l.kind, FreightLink::HubEntry { .. }))
        .count();
    assert_eq!(entries, 2, "from Border East (1435) and from Hub (1520)");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn expanded_paths_cost_what_the_router_charges_on_random_networks(
        (nodes, links) in crate::route::tests::network_spec(),
        capacities in proptest::collection::vec(any::<bool>(), 32),
        extra in proptest::collection::vec(0u8..50, 32),
        vot in 1u16..400,
        year in prop_oneof![Just(2025), Just(2030)],
    ) {
        let mut network = crate::route::tests::build(&nodes, &links);
        for (h, row) in network.handlings.iter_mut().enumerate() {
            if capacities[h % capacities.len()] {
                row.capacity_teu_per_day = Some(100.0);
            }
        }
        let mut options = FreightOptions::defaults(&network);
        options.year = year;
        let extra: Vec<f64> = (0..network.handlings().len())
            .map(|h| f64::from(extra[h % extra.len()]))
            .collect();
        let result = assert_expansion_matches_router(&network, &options, &[f64::from(vot)], &extra);
        prop_assert!(result.is_ok(), "{}", result.unwrap_err());
    }
}

/// The default network and its own demand, assigned all-or-nothing; without the markets'
/// choice, so that the demand is the same whatever is closed.
fn default_aon(
    options: impl FnOnce(&mut FreightOptions),
) -> (Network, FreightReport, AssignResult) {
    let (network, _) = crate::network::load_default().expect("the default network loads");
    let mut freight_options = FreightOptions::defaults(&network);
    options(&mut freight_options);
    let mut data = network.freight().clone();
    data.markets.clear();
    data.market_years.clear();
    let problem = build_problem_with(&network, &data, &freight_options).expect("builds");
    let result = assign(
        problem.problem(),
        &AssignOptions::new(Method::AllOrNothing),
        &mut crate::assign::keep_going,
    )
    .expect("assigns");
    let report = problem.report(&result);
    drop(problem);
    (network, report, result)
}

#[test]
fn every_capacitated_handling_row_of_the_default_network_is_one_link() {
    let (network, _) = crate::network::load_default().expect("loads");
    for year in [2024, 2026, 2027] {
        let mut options = FreightOptions::defaults(&network);
        options.year = year;
        let problem = build_problem(&network, &options).expect("builds");
        assert!(
            problem.warnings().is_empty(),
            "{year}: {:?}",
            problem.warnings()
        );
        let hubs = problem.handling_links();
        // A hub charges what the router charges for the row (service class, calibration).
        let mut route_options = RouteOptions::defaults(&network);
        route_options.year = year;
        let scope = Scope::new(&network, &route_options);
        for (h, row) in network.handlings().iter().enumerate() {
            let capacitated = row.capacity_teu_per_day.is_some_and(|c| c > 0.0);
            let active = row.validity.is_active_in(year);
            assert_eq!(
                hubs[h].is_some(),
                capacitated && active,
                "{year}: {} {}",
                network.node(row.node).key,
                row.kind.as_str()
            );
            if let Some(l) = hubs[h] {
                let link = problem.links()[l];
                assert_eq!(
                    link.capacity_teu_per_year,
                    row.capacity_teu_per_day.map(|c| c * 365.0)
                );
                assert_eq!(
                    link.hours,
                    scope.handling_criteria(HandlingId::from_index(h)).hours
                );
            }
        }
        // The capacitated links carry their TEU per year.
        let arcs = problem.arc_links();
        for (a, arc) in network.arcs().iter().enumerate() {
            let link = network.link(arc.link);
            if let Some(l) = arcs[a] {
                let expected = link
                    .capacity_trains_per_day
                    .map(|t| t * 110.0 * 365.0)
                    .or(link.capacity_teu_per_year);
                assert_eq!(
                    problem.links()[l].capacity_teu_per_year,
                    expected,
                    "{}",
                    link.key
                );
            }
        }
    }
}

#[test]
fn flow_is_conserved_at_every_node_but_the_zone_centroids() {
    let (network, _) = crate::network::load_default().expect("loads");
    let problem = build_problem(&network, &FreightOptions::defaults(&network)).expect("builds");
    let result = assign(
        problem.problem(),
        &AssignOptions::new(Method::AllOrNothing),
        &mut crate::assign::keep_going,
    )
    .expect("assigns");
    let net = problem.problem().network();
    // In the expanded graph: inflow = outflow at every node but the zones, for every class.
    for (k, flows) in result.flows.class.iter().enumerate() {
        let mut balance = vec![0.0; net.node_count()];
        for (l, &x) in net.link_ids().zip(flows) {
            balance[net.from(l).index()] -= x;
            balance[net.to(l).index()] += x;
        }
        for (node, b) in balance.iter().enumerate().skip(net.zone_count()) {
            assert!(b.abs() < 1e-6, "class {k}, node {node}: {b}");
        }
    }
    // On the network: arriving = leaving at every place, plus what starts and ends there.
    let mut arriving = vec![0.0; network.node_count()];
    let mut leaving = vec![0.0; network.node_count()];
    for (l, link) in problem.links().iter().enumerate() {
        let x: f64 = result.flows.class.iter().map(|f| f[l]).sum();
        match link.kind {
            FreightLink::Arc(arc) => {
                leaving[network.arc(arc).tail.index()] += x;
                arriving[network.arc(arc).head.index()] += x;
            }
            FreightLink::Origin { place, .. } => arriving[place.index()] += x,
            FreightLink::Destination { place, .. } => leaving[place.index()] += x,
            _ => {}
        }
    }
    let zone_places: Vec<NodeId> = network
        .freight()
        .zones
        .iter()
        .flat_map(|z| z.places.iter().copied())
        .collect();
    let mut through = 0;
    for n in 0..network.node_count() {
        assert!(
            (arriving[n] - leaving[n]).abs() < 1e-6,
            "{}: {} in, {} out",
            network.nodes()[n].key,
            arriving[n],
            leaving[n]
        );
        if !zone_places.contains(&NodeId(n as u32)) && arriving[n] > 0.0 {
            through += 1;
        }
    }
    assert!(through > 20, "flow passes through {through} places");
}

#[test]
fn all_or_nothing_corridors_are_the_routers_corridors_per_demand() {
    // With all-or-nothing, each demand row follows the router's best route from its origin
    // place to its destination place (single-place zones), so corridor volumes are the demand
    // summed by the corridor of that route.
    let network = mini();
    let options = FreightOptions::defaults(&network);
    let problem = build_problem(&network, &options).expect("builds");
    let result = assign(
        problem.problem(),
        &AssignOptions::new(Method::AllOrNothing),
        &mut crate::assign::keep_going,
    )
    .expect("assigns");
    let report = problem.report(&result);
    let freight = network.freight();
    let mut expected = vec![0.0; network.corridors().len() + 1];
    for row in &freight.demand {
        let vot = freight.class(row.class).value_of_time_usd_per_teu_day;
        // The cheapest place pair of the two zones, as the zone connectors allow.
        let mut best: Option<(f64, Option<crate::network::CorridorId>)> = None;
        for &o in &freight.zone(row.origin).places {
            for &d in &freight.zone(row.destination).places {
                let route_options = RouteOptions {
                    objective: Objective::Generalized,
                    year: options.year,
                    avoid: options.avoid.clone(),
                    payload_t: 10.0,
                    value_of_time_usd_per_day: 2.0 * vot,
                    corridor: None,
                    service: network.services().default,
                    month: None,
                    sea_rate: None,
                    risk: vec![],
                    carbon_usd_per_t: 0.0,
                    reliability: None,
                    statistic: crate::route::Statistic::Mean,
                    value_of_reliability_usd_per_day: 0.0,
                };
                let scope = Scope::new(&network, &route_options);
                if let Ok(Some(path)) = shortest_path(&scope, o, d) {
                    let itinerary = Itinerary::new(&scope, &path);
                    let cost = scope.scalar(itinerary.totals);
                    if best.is_none_or(|(b, _)| cost < b) {
                        best = Some((cost, itinerary.corridor));
                    }
                }
            }
        }
        let corridor = best.expect("connected").1;
        expected[corridor.map_or(network.corridors().len(), |c| c.index())] += row.teu_per_year;
    }
    for (record, want) in report.corridors.iter().zip(&expected) {
        assert!(
            close(record.teu_per_year, *want),
            "{}: {} vs {want}",
            record.corridor,
            record.teu_per_year
        );
    }
    assert!(
        report
            .corridors
            .iter()
            .all(|c| c.corridor != "unattributed")
    );
    let total: f64 = report.corridors.iter().map(|c| c.teu_per_year).sum();
    assert!(close(total, report.totals.assigned_teu_per_year));
}

#[test]
fn closing_the_northern_corridor_moves_its_demand_to_the_others() {
    let (network, before, _) = default_aon(|_| {});
    let northern = network.corridor_by_key("northern").expect("declared");
    let (_, after, _) = default_aon(|o| o.avoid.corridors.push(northern));
    let teu = |report: &FreightReport, key: &str| {
        report
            .corridors
            .iter()
            .find(|c| c.corridor == key)
            .map_or(0.0, |c| c.teu_per_year)
    };
    assert!(
        teu(&before, "northern") > 100_000.0,
        "{:?}",
        before.corridors
    );
    assert_eq!(teu(&after, "northern"), 0.0);
    assert_eq!(after.closed, vec!["corridor:northern".to_string()]);
    // Nothing is lost: what no route serves any more is reported as unserved.
    assert!(close(
        after.totals.assigned_teu_per_year + after.totals.unserved_teu_per_year,
        before.totals.assigned_teu_per_year
    ));
    // European demand is still served, on other corridors.
    let europe = |report: &FreightReport| -> f64 {
        report
            .destinations
            .iter()
            .filter(|d| d.zone.starts_with("eu_"))
            .map(|d| d.teu_per_year)
            .sum()
    };
    assert!(
        close(europe(&before), europe(&after)),
        "{} vs {}",
        europe(&before),
        europe(&after)
    );
    let others = ["middle", "southern", "sea_suez", "sea_cape"];
    let sum = |report: &FreightReport| -> f64 { others.iter().map(|k| teu(report, k)).sum() };
    assert!(
        sum(&after) > sum(&before) + 10_000.0,
        "{} → {}",
        sum(&before),
        sum(&after)
    );
}

#[test]
fn reports_are_deterministic() {
    let (_, a, _) = default_aon(|_| {});
    let (_, b, _) = default_aon(|_| {});
    assert_eq!(a, b);
    assert_eq!(
        serde_json::to_string(&a).expect("serializes"),
        serde_json::to_string(&b).expect("serializes")
    );
}

#[test]
fn demand_to_a_closed_zone_is_reported_unserved() {
    let network = mini();
    let mut options = FreightOptions::defaults(&network);
    options
        .avoid
        .countries
        .push(crate::network::Country::parse("AZ").expect("valid"));
    let problem = build_problem(&network, &options).expect("builds");
    assert_eq!(problem.unserved().len(), 1);
    let unserved = problem.unserved()[0];
    assert_eq!(unserved.teu_per_year, 30_000.0);
    assert_eq!(unserved.class, FreightClassId(0));
    assert!(
        matches!(unserved.reason, UnservedReason::ZoneClosed(z) if network.freight().zone(z).key == "caucasus")
    );
    let total = problem.problem().total_demand();
    assert!(close(total, 400_000.0), "{total}");
}

#[test]
fn a_carbon_price_out_of_range_names_its_field() {
    let network = mini();
    for usd in [-5.0, f64::NAN, f64::INFINITY, 10_001.0] {
        let request = FreightRequest {
            carbon_usd_per_t: usd,
            ..FreightRequest::default()
        };
        match request.options(&network) {
            Err(FreightRequestError::InvalidParameter { field, .. }) => {
                assert_eq!(field, "carbon_usd_per_t");
            }
            other => panic!("{usd}: {other:?}"),
        }
    }
    let options = FreightRequest {
        carbon_usd_per_t: 85.0,
        ..FreightRequest::default()
    }
    .options(&network)
    .expect("in range");
    assert_eq!(options.carbon_usd_per_t, 85.0);
}

/// The mini network's freight report for a request (all-or-nothing, capacities not binding,
/// so every row is assigned as its demand).
fn mini_report(network: &Network, request: FreightRequest) -> FreightReport {
    let options = FreightRequest {
        binding: false,
        ..request
    }
    .options(network)
    .expect("valid");
    assign_freight(
        network,
        &options,
        &AssignOptions::new(Method::AllOrNothing),
        &mut Vec::new(),
        &mut crate::assign::keep_going,
    )
    .expect("assigns")
}

fn scaled(specs: &[&str]) -> FreightRequest {
    FreightRequest {
        demand_scale: specs.iter().map(|s| s.to_string()).collect(),
        ..FreightRequest::default()
    }
}

/// TEU per year of each origin–destination pair of a report.
fn pair_teu(report: &FreightReport) -> Vec<(String, String, f64)> {
    report
        .pairs
        .iter()
        .map(|p| (p.origin.clone(), p.destination.clone(), p.teu_per_year))
        .collect()
}

#[test]
fn scaling_a_zone_multiplies_exactly_the_rows_that_touch_it() {
    let network = mini();
    let base = mini_report(&network, FreightRequest::default());
    let report = mini_report(&network, scaled(&["west=2"]));
    // east↔west rows (400,000 TEU) double; east→caucasus (30,000) does not.
    assert_eq!(base.totals.demand_teu_per_year, 430_000.0);
    assert_eq!(report.totals.demand_teu_per_year, 830_000.0);
    assert_eq!(report.totals.assigned_teu_per_year, 830_000.0);
    let expected: Vec<(String, String, f64)> = pair_teu(&base)
        .into_iter()
        .map(|(o, d, teu)| {
            let factor = if o == "west" || d == "west" { 2.0 } else { 1.0 };
            (o, d, teu * factor)
        })
        .collect();
    assert_eq!(pair_teu(&report), expected);
    // Two zones in one scale: a row touching either, once.
    let both = mini_report(&network, scaled(&["west|caucasus=2"]));
    assert_eq!(both.totals.demand_teu_per_year, 860_000.0);
    // Scales multiply: east→west express is in both.
    let two = mini_report(&network, scaled(&["west=2", "east/express=3"]));
    // east→west express 100,000 ×6, standard 200,000 ×2; west→east express 50,000 ×6,
    // standard 50,000 ×2; east→caucasus express 30,000 ×3.
    assert_eq!(
        two.totals.demand_teu_per_year,
        600_000.0 + 400_000.0 + 300_000.0 + 100_000.0 + 90_000.0
    );
}

#[test]
fn scaling_a_class_multiplies_its_rows_in_every_zone() {
    let network = mini();
    let base = mini_report(&network, FreightRequest::default());
    let report = mini_report(&network, scaled(&["*/standard=0.5"]));
    let demand = |report: &FreightReport, class: &str| {
        report
            .classes
            .iter()
            .find(|c| c.id == class)
            .expect("a class")
            .demand_teu_per_year
    };
    assert_eq!(demand(&base, "standard"), 250_000.0);
    assert_eq!(demand(&report, "standard"), 125_000.0);
    assert_eq!(demand(&report, "express"), demand(&base, "express"));
    assert_eq!(report.totals.demand_teu_per_year, 305_000.0);
}

#[test]
fn a_scale_of_one_changes_nothing_to_the_byte() {
    let network = mini();
    let json = |request: FreightRequest| {
        serde_json::to_string(&mini_report(&network, request)).expect("serializes")
    };
    let base = json(FreightRequest::default());
    assert_eq!(base, json(scaled(&["west=1"])));
    assert_eq!(base, json(scaled(&["*/express=1", "east|west/standard=1"])));
}

#[test]
fn an_unknown_zone_or_class_in_a_scale_is_named() {
    let network = mini();
    let error = scaled(&["west=2", "atlantis=2"])
        .options(&network)
        .expect_err("unknown zone");
    assert_eq!(
        error.to_string(),
        "demand_scale atlantis=2: unknown zone `atlantis` (the freight data has east, west, caucasus)"
    );
    assert!(matches!(
        error,
        FreightRequestError::Scale {
            field: "demand_scale",
            fault: ScaleError::UnknownZone { .. },
            ..
        }
    ));
    let error = scaled(&["*/bulk=2"]).options(&network).expect_err("class");
    assert!(
        error.to_string().contains("unknown class `bulk`"),
        "{error}"
    );
    let error = FreightRequest {
        tonnage_scale: vec!["coal=2".into()],
        ..FreightRequest::default()
    }
    .options(&network)
    .expect_err("no layer");
    assert_eq!(
        error.to_string(),
        "tonnage_scale coal=2: unknown commodity `coal` (the tonnage layer has none)"
    );
    // Options built in code are checked as well.
    let mut options = FreightOptions::defaults(&network);
    options.demand_scale.push(DemandScale {
        zones: vec![],
        class: None,
        factor: -1.0,
    });
    assert!(matches!(
        build_problem(&network, &options),
        Err(FreightError::BadDemandFactor { value: -1.0 })
    ));
}

#[test]
fn bad_options_and_missing_data_are_errors() {
    let network = mini();
    let mut options = FreightOptions::defaults(&network);
    options.demand_factor = -1.0;
    assert!(matches!(
        build_problem(&network, &options),
        Err(FreightError::BadDemandFactor { value: -1.0 })
    ));
    let options = FreightOptions::defaults(&network);
    let mut data = network.freight().clone();
    data.teu_per_train = None;
    assert_eq!(
        build_problem_with(&network, &data, &options).err(),
        Some(FreightError::MissingTeuPerTrain {
            link: "e_border_cross".into()
        })
    );
    let mut data = network.freight().clone();
    data.classes.clear();
    data.demand.clear();
    assert_eq!(
        build_problem_with(&network, &data, &options).err(),
        Some(FreightError::NoClasses)
    );
    let mut data = network.freight().clone();
    data.zones[1].places.push(NodeId(0));
    assert!(matches!(
        build_problem_with(&network, &data, &options),
        Err(FreightError::BadData(_))
    ));
}

#[test]
fn equilibrium_corridor_volumes_do_not_depend_on_the_decomposition_rule() {
    // At an equilibrium the split of link flows into paths is not unique. Other valid peeling
    // rules (reverse pair order, free-flow instead of final costs, both) must give the same
    // corridor volumes up to what they leave unattributed, and leave little of it. Measured
    // on the default network (docs/formats.md, "Freight report"): the first two agree to the
    // TEU, the third strands 8,240 TEU (0.6%) and moves nothing between corridors.
    use super::report::{Peeling, attribute_in_order};
    let (network, _) = crate::network::load_default().expect("loads");
    let mut options = FreightOptions::defaults(&network);
    options.year = 2027;
    let problem = build_problem(&network, &options).expect("builds");
    let result = assign(
        problem.problem(),
        &AssignOptions {
            target_gap: 1e-10,
            ..AssignOptions::new(Method::AlgorithmB)
        },
        &mut crate::assign::keep_going,
    )
    .expect("assigns");
    assert!(result.converged);
    let total = problem.problem().total_demand();
    let corridors = network.corridors().len();
    let sums = |by: &[Vec<f64>]| -> Vec<f64> { by.iter().map(|c| c.iter().sum()).collect() };
    let report = sums(&attribute_in_order(&problem, &result, Peeling::REPORT).by_corridor);
    assert!(
        report[corridors + 1] < 1.0,
        "unattributed {}",
        report[corridors + 1]
    );
    assert!(report[..corridors].iter().filter(|&&v| v > 0.0).count() >= 3);
    for (reverse, free_flow) in [(true, false), (false, true), (true, true)] {
        let other = sums(
            &attribute_in_order(&problem, &result, Peeling { reverse, free_flow }).by_corridor,
        );
        let stranded = other[corridors + 1];
        assert!(
            stranded <= 0.01 * total,
            "{reverse} {free_flow}: {stranded}"
        );
        for c in 0..=corridors {
            assert!(
                (report[c] - other[c]).abs() <= stranded + 1.0,
                "reverse {reverse}, free-flow {free_flow}, corridor {c}: {} vs {} ({stranded} stranded)",
                report[c],
                other[c]
            );
        }
    }
}

/// The mini network's freight data with a market between its east and west zones, the sea
/// its alternative.
fn with_market(network: &Network, scale_per_usd: f64) -> FreightData {
    let mut data = network.freight().clone();
    let zone = |key: &str| data.zone_by_key(key).expect("mini zone");
    let market = crate::network::Market {
        key: "east_west".into(),
        origins: vec![zone("east")],
        destinations: vec![zone("west")],
        alternative: vec!["sea".into()],
        rail_share: 0.5,
        rail_share_sources: vec![],
        elasticity: -1.0,
        elasticity_sources: vec![],
        base_year: 2024,
        scale_per_usd,
        rail_constant_usd_per_teu: 0.0,
        fit_sources: vec![],
        note: String::new(),
    };
    data.markets.push(market);
    data
}

/// Solves `data` on `network` by Algorithm B: each market's (whole, rail) TEU and the report.
fn solve_markets(
    network: &Network,
    data: &FreightData,
    options: &FreightOptions,
) -> (Vec<(f64, f64)>, FreightReport, Option<Binding>) {
    let mut problem = build_problem_with(network, data, options).expect("builds");
    let (result, binding) = problem
        .solve(
            &AssignOptions::new(Method::AlgorithmB),
            &mut crate::assign::keep_going,
        )
        .expect("solves");
    (problem.market_split(), problem.report(&result), binding)
}

#[test]
fn a_market_splits_between_rail_and_the_sea_by_their_costs() {
    let network = mini();
    let data = with_market(&network, 0.001);
    let base = FreightOptions {
        market_choice: true,
        ..FreightOptions::defaults(&network)
    };
    let (split, report, binding) = solve_markets(&network, &data, &base);
    // Every east–west row is rail's half of the market.
    assert!(close(
        split[0].0,
        (100_000.0 + 200_000.0 + 50_000.0 + 50_000.0) / 0.5
    ));
    let share = split[0].1 / split[0].0;
    assert!(share > 0.01 && share < 0.99, "{share}");
    let binding = binding.expect("settles");
    assert!(
        binding.choice_gap.expect("markets") <= CHOICE_TOLERANCE,
        "{binding:?}"
    );
    assert_eq!(report.markets.len(), 1);
    assert!(close(
        report.markets[0].rail_teu_per_year + report.markets[0].alternative_teu_per_year,
        report.markets[0].market_teu_per_year
    ));
    // The rail part never sails: no flow on the sea links.
    for link in &report.links {
        if link.mode == "sea" {
            assert_eq!(link.teu_per_year, 0.0, "{link:?}");
        }
    }
    // A dearer sea sends more of the market by rail; a dearer sea with a flatter choice less.
    let dear = FreightOptions {
        sea_rate: Some(5.0),
        ..base.clone()
    };
    let (dear_split, _, _) = solve_markets(&network, &data, &dear);
    assert!(
        dear_split[0].1 > split[0].1 * 1.01,
        "{dear_split:?} {split:?}"
    );
    let flat = with_market(&network, 0.0001);
    let (flat_dear, _, _) = solve_markets(&network, &flat, &dear);
    let (flat_base, _, _) = solve_markets(&network, &flat, &base);
    assert!(flat_dear[0].1 - flat_base[0].1 < dear_split[0].1 - split[0].1);
}

#[test]
fn a_market_whose_rail_is_closed_goes_by_sea_and_is_not_unserved() {
    let network = mini();
    let data = with_market(&network, 0.001);
    let closed = FreightOptions {
        avoid: Avoid::parse(
            &network,
            &["corridor:northern".into(), "corridor:middle".into()],
        )
        .expect("corridors"),
        market_choice: true,
        ..FreightOptions::defaults(&network)
    };
    let (split, report, _) = solve_markets(&network, &data, &closed);
    assert_eq!(split[0].1, 0.0);
    assert!(split[0].0 > 0.0);
    // The east–Caucasus row has no alternative: it is unserved, the market's rows are not.
    assert!(
        report.unserved.iter().all(|u| u.destination == "caucasus"),
        "{:?}",
        report.unserved
    );
    assert!(!report.unserved.is_empty());
}

#[test]
fn the_fit_of_a_market_reproduces_its_base_rail_volume() {
    // The fitted constant makes the market's rail volume at the base year that of demand.csv
    // (mini has no markets.csv: the fit runs on a copy with one).
    let network = mini();
    let data = with_market(&network, 0.001);
    let mut options = FreightOptions::defaults(&network);
    options.year = 2024;
    options.market_choice = true;
    let mut problem = build_problem_with(&network, &data, &options).expect("builds");
    let rows = problem
        .fixed_market_costs(
            &AssignOptions::new(Method::AlgorithmB),
            &mut crate::assign::keep_going,
        )
        .expect("solves");
    assert_eq!(rows.len(), 4);
    let rail: f64 = rows.iter().map(|r| r.rail_teu).sum();
    assert!(close(rail, 400_000.0));
    assert!(
        rows.iter()
            .all(|r| r.rail_usd.is_finite() && r.alternative_usd.is_finite())
    );
}

#[test]
fn at_the_settled_equilibrium_each_market_row_is_its_logit_split() {
    // The oracle: the logit of the final costs (rail: the cheapest rail path at the returned
    // flows and queues; the sea: the free-flow sailing path), computed here from scratch.
    let network = mini();
    let data = with_market(&network, 0.001);
    let options = FreightOptions {
        market_choice: true,
        ..FreightOptions::defaults(&network)
    };
    let mut problem = build_problem_with(&network, &data, &options).expect("builds");
    let (result, binding) = problem
        .solve(
            &AssignOptions::new(Method::AlgorithmB),
            &mut crate::assign::keep_going,
        )
        .expect("solves");
    // (The mini network's one gauge change cannot take its market's rail part within 2%:
    // the capacity may be left exceeded; the choice is settled all the same.)
    assert!(binding.expect("rounds").choice_gap.expect("a market") <= CHOICE_TOLERANCE);
    let pairs = problem.choice.as_ref().expect("a market").pairs.clone();
    let costs: Vec<Vec<f64>> = (0..problem.problem().classes().len())
        .map(|k| {
            choice::class_costs(
                problem.problem(),
                k,
                &result.flows.total,
                problem.queue_hours(),
            )
        })
        .collect();
    let rail_h = choice::rail_costs(problem.problem(), &costs, &pairs);
    let market = &data.markets[0];
    let (mut moved, mut total) = (0.0, 0.0);
    for (pair, rail) in pairs.iter().zip(rail_h) {
        let usd_per_h = data.classes[pair.class].value_of_time_usd_per_teu_day / 24.0;
        let share = 1.0
            / (1.0
                + (market.scale_per_usd
                    * (rail * usd_per_h
                        - pair.alternative_h * usd_per_h
                        - market.rail_constant_usd_per_teu))
                    .exp());
        let assigned = problem.problem().classes()[pair.class]
            .demand
            .get(pair.origin, pair.destination);
        moved += (pair.market_teu * share - assigned).abs();
        total += assigned;
    }
    assert!(moved / total <= CHOICE_TOLERANCE, "{moved} of {total}");
}

#[test]
fn the_choice_is_deterministic_whatever_the_thread_count() {
    let network = mini();
    let data = with_market(&network, 0.001);
    let options = FreightOptions {
        market_choice: true,
        ..FreightOptions::defaults(&network)
    };
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a pool")
            .install(|| {
                let (_, report, _) = solve_markets(&network, &data, &options);
                format!("{report:?}")
            })
    };
    let one = run(1);
    assert_eq!(one, run(1));
    assert_eq!(one, run(3));
}

#[test]
fn path_flows_are_the_reports_own_decomposition() {
    let network = mini();
    let options = FreightOptions::defaults(&network);
    let mut problem = build_problem(&network, &options).expect("mini builds");
    let (result, _) = problem
        .solve(
            &AssignOptions::new(Method::AlgorithmB),
            &mut crate::assign::keep_going,
        )
        .expect("solves");
    let report = problem.report(&result);
    let paths = problem.path_flows(&result);
    assert!(!paths.is_empty());
    for record in &report.corridors {
        let sum: f64 = paths
            .iter()
            .filter(|p| {
                p.corridor
                    .map_or("regional", |c| network.corridors()[c.index()].key.as_str())
                    == record.corridor
            })
            .map(|p| p.teu_per_year)
            .sum();
        assert!(
            (sum - record.teu_per_year).abs() <= 0.05 + 1e-6 * sum,
            "{}: paths {sum} vs report {}",
            record.corridor,
            record.teu_per_year
        );
    }
    for path in &paths {
        // A path runs from its origin zone's connector to its destination zone's, each link
        // starting where the previous one ended.
        let links = problem.links();
        let first = &links[path.links[0]];
        let last = &links[*path.links.last().unwrap()];
        assert!(
            matches!(first.kind, FreightLink::Origin { zone, .. } if zone == path.origin),
            "{first:?}"
        );
        assert!(
            matches!(last.kind, FreightLink::Destination { zone, .. } if zone == path.destination),
            "{last:?}"
        );
        for pair in path.links.windows(2) {
            assert_eq!(links[pair[0]].to, links[pair[1]].from);
        }
    }
}

#[test]
fn simulated_hours_feed_the_assignment_and_zero_spread_changes_nothing() {
    use crate::route::{Element, ElementHours, Reliability};
    use std::sync::Arc;
    let (network, _) = crate::network::load_default().expect("default network");
    let dostyk = network.node_by_key("dostyk").unwrap();
    let kind = HandlingKind::GaugeChange;
    let scope = Scope::new(&network, &RouteOptions::defaults(&network));
    let row = scope.active_handling(dostyk, kind).expect("Dostyk's row");
    let today = scope.handling_criteria(row).hours;
    let table = |mean_h: f64, p95_h: f64| {
        let mut table = Reliability::empty(&network, "test.csv");
        let hours = ElementHours {
            samples: 10,
            mean_h,
            p50_h: mean_h,
            p90_h: mean_h,
            p95_h,
        };
        assert!(table.set(&network, Element::Handling { node: dostyk, kind }, hours));
        Arc::new(table)
    };
    let solve = |request: FreightRequest| -> FreightReport {
        let options = request.options(&network).expect("options");
        crate::freight::assign_freight(
            &network,
            &options,
            &AssignOptions::new(Method::AlgorithmB),
            &mut Vec::new(),
            &mut crate::assign::keep_going,
        )
        .expect("assigns")
    };
    let dostyk_teu = |report: &FreightReport| {
        report
            .handling
            .iter()
            .find(|h| h.node == "dostyk" && h.kind == "gauge_change")
            .map_or(0.0, |h| h.teu_per_year)
    };
    let base = solve(FreightRequest::default());
    let same = solve(FreightRequest {
        reliability: Some(table(today, today)),
        ..FreightRequest::default()
    });
    assert_eq!(
        serde_json::to_string(&base).unwrap(),
        serde_json::to_string(&same).unwrap()
    );
    // Three more days at Dostyk on average: less goes through it.
    let slow = solve(FreightRequest {
        reliability: Some(table(today + 72.0, today + 72.0)),
        ..FreightRequest::default()
    });
    assert!(dostyk_teu(&slow) < dostyk_teu(&base) - 1000.0);
    // The same mean with a long tail, priced: less again than the tail unpriced.
    let tail = |value: f64| {
        solve(FreightRequest {
            reliability: Some(table(today, today + 240.0)),
            value_of_reliability_usd_per_day: value,
            ..FreightRequest::default()
        })
    };
    assert_eq!(dostyk_teu(&tail(0.0)), dostyk_teu(&base));
    assert!(dostyk_teu(&tail(500.0)) < dostyk_teu(&base) - 1000.0);
    // A value without a table is refused.
    let error = FreightRequest {
        value_of_reliability_usd_per_day: 100.0,
        ..FreightRequest::default()
    }
    .options(&network)
    .expect_err("needs a table");
    assert!(
        error.to_string().contains("value_of_reliability"),
        "{error}"
    );
}
