//! Oracle tests: the router and the Pareto search against brute-force enumeration on random
//! small multimodal networks, and itinerary totals against the sum of their parts.

use super::*;
use crate::network::{
    Corridor, Country, DatasetInfo, Direction, EmissionFactor, Energy, Handling, Link,
    NetworkBuilder, Node, NodeKind, Running, Source, SourceKind, Validity,
};
use proptest::prelude::*;

#[derive(Debug, Clone)]
pub(crate) struct NodeSpec {
    country: usize,
    gauges: u8,                      // bit 0: 1435, bit 1: 1520, 0: none
    handling: [Option<(u8, u8)>; 4], // hours, cost per HandlingKind
}

#[derive(Debug, Clone)]
pub(crate) struct LinkSpec {
    from: usize,
    to: usize,
    mode: usize,
    gauge_pick: bool,
    length: u16,
    speed: u8,
    wait: u8,
    fixed: u8,
    per_km: u8,
    energy: bool,
    forward_only: bool,
    corridor: u8,
    opening: Option<i32>,
}

fn node_spec() -> impl Strategy<Value = NodeSpec> {
    (
        0usize..2,
        0u8..4,
        proptest::array::uniform4(proptest::option::of((0u8..30, 0u8..200))),
    )
        .prop_map(|(country, gauges, handling)| NodeSpec {
            country,
            gauges,
            handling,
        })
}

fn link_spec(n_nodes: usize) -> impl Strategy<Value = LinkSpec> {
    (
        (0..n_nodes, 0..n_nodes, 0usize..4, any::<bool>()),
        (1u16..3000, 5u8..60, 0u8..3, 0u8..100, 0u8..5),
        (any::<bool>(), proptest::bool::weighted(0.2), 0u8..3),
        proptest::option::weighted(0.2, 2020i32..2030),
    )
        .prop_map(
            |(
                (from, to, mode, gauge_pick),
                (length, speed, wait, fixed, per_km),
                (energy, forward_only, corridor),
                opening,
            )| LinkSpec {
                from,
                to,
                mode,
                gauge_pick,
                length,
                speed,
                wait,
                fixed,
                per_km,
                energy,
                forward_only,
                corridor,
                opening,
            },
        )
}

pub(crate) fn network_spec() -> impl Strategy<Value = (Vec<NodeSpec>, Vec<LinkSpec>)> {
    (2usize..7).prop_flat_map(|n_nodes| {
        (
            proptest::collection::vec(node_spec(), n_nodes),
            proptest::collection::vec(link_spec(n_nodes), 1..9),
        )
    })
}

const GAUGES: [u16; 2] = [1435, 1520];

/// Builds a network from a spec, skipping links that would be invalid (self loops, gauges not
/// present at both ends).
pub(crate) fn build(nodes: &[NodeSpec], links: &[LinkSpec]) -> Network {
    let mut builder = NetworkBuilder::new(DatasetInfo {
        name: "random".into(),
        reference_year: 2025,
        tariff_year: 2025,
        payload_t: 10.0,
        payload_sources: vec![],
        value_of_time_usd_per_day: 100.0,
        value_of_time_sources: vec![],
        default_from: "n0".into(),
        default_to: "n1".into(),
    });
    builder.add_source(Source {
        key: "T".into(),
        title: "test".into(),
        url: String::new(),
        year: None,
        confidence: String::new(),
        kind: SourceKind::Estimate,
        method: "random".into(),
    });
    for key in ["a", "b"] {
        builder.add_corridor(Corridor {
            key: key.into(),
            name: key.into(),
        });
    }
    for (mode, energy, factor) in [
        (Mode::Rail, Energy::Electric, 0.02),
        (Mode::Rail, Energy::Diesel, 0.03),
        (Mode::Sea, Energy::Electric, 0.01),
        (Mode::Sea, Energy::Diesel, 0.015),
        (Mode::Ferry, Energy::Electric, 0.1),
        (Mode::Ferry, Energy::Diesel, 0.12),
        (Mode::Road, Energy::Electric, 0.05),
        (Mode::Road, Energy::Diesel, 0.09),
    ] {
        builder.add_emission_factor(EmissionFactor {
            mode,
            energy,
            kg_co2e_per_tkm: factor,
            sources: vec![],
            note: String::new(),
        });
    }
    for (index, spec) in nodes.iter().enumerate() {
        let gauges_mm = (0..2)
            .filter(|bit| spec.gauges & (1 << bit) != 0)
            .map(|bit| GAUGES[bit])
            .collect();
        let id = builder
            .add_node(Node {
                key: format!("n{index}"),
                name: format!("Node {index}"),
                aliases: vec![],
                country: Country::parse(["AA", "BB"][spec.country]).expect("valid"),
                lat: index as f64,
                lon: index as f64,
                coord_sources: vec![],
                kind: NodeKind::Junction,
                gauges_mm,
                note: String::new(),
            })
            .expect("unique keys");
        for kind in HandlingKind::ALL {
            if let Some((hours, cost)) = spec.handling[kind.index()] {
                builder
                    .add_handling(Handling {
                        node: id,
                        kind,
                        hours: f64::from(hours),
                        hours_sources: vec![],
                        cost_usd: f64::from(cost),
                        cost_sources: vec![],
                        capacity_teu_per_day: None,
                        capacity_sources: vec![],
                        validity: Validity::ALWAYS,
                        status_sources: vec![],
                        note: String::new(),
                    })
                    .expect("node exists");
            }
        }
    }
    for (index, spec) in links.iter().enumerate() {
        let mode = Mode::ALL[spec.mode];
        let from_gauges = builder.node(NodeId(spec.from as u32)).gauges_mm.clone();
        let to_gauges = builder.node(NodeId(spec.to as u32)).gauges_mm.clone();
        let gauge_mm = if mode == Mode::Rail {
            let common: Vec<u16> = from_gauges
                .iter()
                .copied()
                .filter(|g| to_gauges.contains(g))
                .collect();
            match common.as_slice() {
                [] => continue,
                [one] => Some(*one),
                many => Some(many[usize::from(spec.gauge_pick) % many.len()]),
            }
        } else {
            None
        };
        let running = if spec.speed % 2 == 0 {
            Running::SpeedKmh(f64::from(spec.speed))
        } else {
            Running::Hours(f64::from(spec.speed) / 2.0)
        };
        let corridors = match spec.corridor {
            0 => vec![],
            1 => vec![CorridorId(0)],
            _ => vec![CorridorId(0), CorridorId(1)],
        };
        let _ = builder.add_link(Link {
            key: format!("l{index}"),
            from: NodeId(spec.from as u32),
            to: NodeId(spec.to as u32),
            mode,
            gauge_mm,
            length_km: f64::from(spec.length),
            length_sources: vec![],
            running,
            time_sources: vec![],
            wait_h: f64::from(spec.wait),
            wait_sources: vec![],
            capacity_trains_per_day: None,
            capacity_teu_per_year: None,
            capacity_sources: vec![],
            tariff_fixed_usd: f64::from(spec.fixed),
            tariff_per_km_usd: f64::from(spec.per_km) / 10.0,
            tariff_sources: vec![],
            energy: if spec.energy {
                Energy::Electric
            } else {
                Energy::Diesel
            },
            validity: match spec.opening {
                Some(year) => Validity {
                    status: if year <= 2025 {
                        crate::network::Status::Operational
                    } else {
                        crate::network::Status::UnderConstruction
                    },
                    opening_year: Some(year),
                    closing_year: None,
                },
                None => Validity::ALWAYS,
            },
            status_sources: vec![],
            direction: if spec.forward_only {
                Direction::Forward
            } else {
                Direction::Both
            },
            corridors,
            name: String::new(),
            note: String::new(),
            sailings: vec![],
        });
    }
    builder.build().expect("random networks are valid")
}

/// Most arc-simple walks the brute force explores: parallel links make their number grow
/// factorially (8 two-way links between two nodes: (8!)² walks), so a case beyond it is
/// discarded rather than exhausting memory and time.
const BRUTE_FORCE_BUDGET: usize = 200_000;

/// Every arc-simple walk from origin to destination with its criteria, summed in travel order;
/// `None` when there are more than [`BRUTE_FORCE_BUDGET`] walks to explore.
fn brute_force(
    scope: &Scope<'_>,
    origin: NodeId,
    destination: NodeId,
) -> Option<Vec<(Vec<ArcId>, Criteria)>> {
    fn walk(
        scope: &Scope<'_>,
        destination: NodeId,
        arcs: &mut Vec<ArcId>,
        used: &mut Vec<bool>,
        criteria: Criteria,
        out: &mut Vec<(Vec<ArcId>, Criteria)>,
        explored: &mut usize,
    ) {
        *explored += 1;
        if *explored > BRUTE_FORCE_BUDGET {
            return;
        }
        let network = scope.network();
        let last = *arcs.last().expect("walk has an arc");
        let node = network.arc(last).head;
        if node == destination
            && let Some((_, transfer)) = scope.transfer(node, Some(last), None)
        {
            out.push((arcs.clone(), criteria + transfer));
        }
        if !scope.is_node_allowed(node) {
            return;
        }
        for &next in network.out_arcs(node) {
            if used[next.index()] || !scope.is_arc_allowed(next) {
                continue;
            }
            let Some((_, transfer)) = scope.transfer(node, Some(last), Some(next)) else {
                continue;
            };
            used[next.index()] = true;
            arcs.push(next);
            walk(
                scope,
                destination,
                arcs,
                used,
                criteria + transfer + scope.arc_criteria(next),
                out,
                explored,
            );
            arcs.pop();
            used[next.index()] = false;
        }
    }
    let network = scope.network();
    let mut out = Vec::new();
    let mut explored = 0;
    let mut used = vec![false; network.arcs().len()];
    for &first in network.out_arcs(origin) {
        if !scope.is_arc_allowed(first) {
            continue;
        }
        let Some((_, transfer)) = scope.transfer(origin, None, Some(first)) else {
            continue;
        };
        used[first.index()] = true;
        let mut arcs = vec![first];
        walk(
            scope,
            destination,
            &mut arcs,
            &mut used,
            transfer + scope.arc_criteria(first),
            &mut out,
            &mut explored,
        );
        used[first.index()] = false;
    }
    (explored <= BRUTE_FORCE_BUDGET).then_some(out)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

fn close_criteria(a: &Criteria, b: &Criteria) -> bool {
    close(a.hours, b.hours) && close(a.cost_usd, b.cost_usd) && close(a.co2e_kg, b.co2e_kg)
}

#[test]
fn risk_premiums_parse_with_or_without_days_and_refuse_the_rest() {
    let r = super::parse_risk("RU=800:2").expect("valid");
    assert_eq!(
        (r.country.as_str(), r.usd_per_feu, r.days),
        ("RU", 800.0, 2.0)
    );
    let r = super::parse_risk(" BY = 150 ").expect("valid");
    assert_eq!((r.usd_per_feu, r.days), (150.0, 0.0));
    for bad in [
        "RU", "RU=", "Russia=5", "RU=-1", "RU=1e9", "RU=5:61", "RU=5:x", "=5",
    ] {
        assert!(super::parse_risk(bad).is_err(), "{bad}");
    }
    assert_eq!(super::sea_rate_out_of_range(1.0), None);
    assert!(super::sea_rate_out_of_range(f64::NAN).is_some());
    assert!(super::sea_rate_out_of_range(0.0).is_some());
}

fn options_for(objective: Objective, year: i32, corridor: Option<CorridorId>) -> RouteOptions {
    RouteOptions {
        objective,
        year,
        avoid: Avoid::default(),
        payload_t: 10.0,
        value_of_time_usd_per_day: 100.0,
        corridor,
        service: None,
        month: None,
        sea_rate: None,
        risk: vec![],
        carbon_usd_per_t: 0.0,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn router_matches_brute_force_on_random_multimodal_graphs(
        (nodes, links) in network_spec(),
        objective in 0usize..4,
        year in prop_oneof![Just(2025), Just(2030)],
        restrict in 0u8..3,
    ) {
        let network = build(&nodes, &links);
        let corridor = match restrict { 1 => Some(CorridorId(0)), 2 => Some(CorridorId(1)), _ => None };
        let options = options_for(Objective::ALL[objective], year, corridor);
        let scope = Scope::new(&network, &options);
        let (origin, destination) = (NodeId(0), NodeId(1));
        let walks = brute_force(&scope, origin, destination);
        prop_assume!(walks.is_some(), "too many walks for the brute force");
        let walks = walks.expect("assumed");
        let best = walks.iter().map(|(_, c)| scope.scalar(*c)).min_by(f64::total_cmp);
        let found = shortest_path(&scope, origin, destination).expect("distinct ends");
        match (best, found) {
            (None, None) => {}
            (Some(best), Some(path)) => {
                let itinerary = Itinerary::new(&scope, &path);
                prop_assert!(close(scope.scalar(itinerary.totals), best),
                    "router {} vs brute force {}", scope.scalar(itinerary.totals), best);
            }
            (best, found) => prop_assert!(false, "brute force {:?} vs router {:?}", best, found),
        }
    }

    #[test]
    fn pareto_set_is_complete_and_non_dominated(
        (nodes, links) in network_spec(),
        year in prop_oneof![Just(2025), Just(2030)],
    ) {
        let network = build(&nodes, &links);
        let options = options_for(Objective::Time, year, None);
        let scope = Scope::new(&network, &options);
        let (origin, destination) = (NodeId(0), NodeId(1));
        let walks = brute_force(&scope, origin, destination);
        prop_assume!(walks.is_some(), "too many walks for the brute force");
        let walks = walks.expect("assumed");
        let front: Vec<Criteria> = walks.iter().map(|(_, c)| *c)
            .filter(|c| !walks.iter().any(|(_, other)| other.dominates(c)))
            .collect();
        let pareto: Vec<Criteria> = pareto_set(&scope, origin, destination, 1_000_000)
            .expect("small graphs stay under the label limit")
            .iter()
            .map(|path| Itinerary::new(&scope, path).totals)
            .collect();
        // Non-dominated: no walk beats a Pareto route.
        for route in &pareto {
            prop_assert!(!walks.iter().any(|(_, c)| c.dominates(route) && !close_criteria(c, route)),
                "{route:?} is dominated");
        }
        // Complete: every vector of the brute-force front is in the set.
        for vector in &front {
            prop_assert!(pareto.iter().any(|route| close_criteria(route, vector)),
                "front vector {vector:?} missing from {pareto:?}");
        }
        // One route per distinct vector.
        for (i, a) in pareto.iter().enumerate() {
            for b in &pareto[i + 1..] {
                prop_assert!(!close_criteria(a, b), "duplicate vector {a:?}");
            }
        }
    }

    #[test]
    fn itinerary_total_is_sum_of_legs_and_transfers(
        (nodes, links) in network_spec(),
        objective in 0usize..4,
    ) {
        let network = build(&nodes, &links);
        let options = options_for(Objective::ALL[objective], 2025, None);
        let scope = Scope::new(&network, &options);
        if let Some(path) = shortest_path(&scope, NodeId(0), NodeId(1)).expect("distinct ends") {
            let itinerary = Itinerary::new(&scope, &path);
            let mut sum = Criteria::ZERO;
            for leg in &itinerary.legs {
                sum += leg.criteria;
            }
            for transfer in &itinerary.transfers {
                for step in &transfer.steps {
                    sum.hours += step.hours;
                    sum.cost_usd += step.cost_usd;
                }
            }
            prop_assert!(close_criteria(&sum, &itinerary.totals), "{sum:?} vs {:?}", itinerary.totals);
            let km: f64 = itinerary.legs.iter().map(|leg| leg.km).sum();
            prop_assert!(close(km, itinerary.km));
        }
    }
}

/// The hand-made network of testdata/mini.
fn mini() -> Network {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/mini");
    let (network, _) = crate::network::load_dir(std::path::Path::new(dir)).expect("mini loads");
    network
}

#[test]
fn alternatives_are_distinct_and_sorted() {
    let network = mini();
    let from = network.find_place("East City", 0.0).expect("known").node();
    let to = network.find_place("West City", 0.0).expect("known").node();
    let options = RouteOptions::defaults(&network);
    let routes = alternatives(&network, &options, from, to, 5).expect("valid ends");
    let scope = Scope::new(&network, &options);
    assert!(routes.len() >= 3, "three corridors connect the two cities");
    let corridors: Vec<_> = routes.iter().take(3).map(|r| r.corridor).collect();
    assert_eq!(corridors.len(), 3);
    for (i, a) in routes.iter().enumerate() {
        for b in &routes[i + 1..] {
            assert!(!a.same_links(b));
            assert!(scope.scalar(a.totals) <= scope.scalar(b.totals));
        }
    }
}

#[test]
fn gauge_change_requires_a_facility() {
    // Two rail links of different gauges meet at a node without a gauge-change row: no route.
    let nodes = vec![
        NodeSpec {
            country: 0,
            gauges: 1,
            handling: [None; 4],
        },
        NodeSpec {
            country: 0,
            gauges: 2,
            handling: [None; 4],
        },
        NodeSpec {
            country: 0,
            gauges: 3,
            handling: [None; 4],
        },
    ];
    let link = |from, to, gauge_pick| LinkSpec {
        from,
        to,
        mode: 0,
        gauge_pick,
        length: 100,
        speed: 40,
        wait: 0,
        fixed: 0,
        per_km: 1,
        energy: true,
        forward_only: false,
        corridor: 0,
        opening: None,
    };
    let links = vec![link(0, 2, false), link(2, 1, true)];
    let network = build(&nodes, &links);
    let options = options_for(Objective::Time, 2025, None);
    let scope = Scope::new(&network, &options);
    assert_eq!(shortest_path(&scope, NodeId(0), NodeId(1)), Ok(None));

    let mut with_facility = nodes.clone();
    with_facility[2].handling[HandlingKind::GaugeChange.index()] = Some((5, 100));
    let network = build(&with_facility, &links);
    let scope = Scope::new(&network, &options);
    let path = shortest_path(&scope, NodeId(0), NodeId(1))
        .expect("valid")
        .expect("route");
    let itinerary = Itinerary::new(&scope, &path);
    assert_eq!(itinerary.transfers.len(), 1);
    assert_eq!(
        itinerary.transfers[0].steps[0].kind,
        HandlingKind::GaugeChange
    );
    assert!(close(itinerary.totals.hours, 2.5 + 5.0 + 2.5));
}

#[test]
fn year_selects_the_links_open_then() {
    let network = mini();
    let from = network.find_place("Border KZ", 0.0).expect("known").node();
    let to = network
        .find_place("Hub Junction", 0.0)
        .expect("known")
        .node();
    let link_used = |year: i32| {
        let options = RouteOptions {
            year,
            ..RouteOptions::defaults(&network)
        };
        let scope = Scope::new(&network, &options);
        let path = shortest_path(&scope, from, to)
            .expect("valid")
            .expect("route");
        network.link(network.arc(path.arcs[0]).link).key.clone()
    };
    assert_eq!(link_used(2024), "kz_border_hub");
    assert_eq!(link_used(2026), "kz_border_hub2");
}

#[test]
fn avoiding_a_country_removes_its_routes() {
    let network = mini();
    let from = network.find_place("East City", 0.0).expect("known").node();
    let to = network.find_place("West City", 0.0).expect("known").node();
    let mut options = RouteOptions::defaults(&network);
    options
        .avoid
        .countries
        .push(Country::parse("BY").expect("valid"));
    options
        .avoid
        .countries
        .push(Country::parse("AZ").expect("valid"));
    let routes = alternatives(&network, &options, from, to, 3).expect("valid ends");
    assert!(!routes.is_empty());
    for route in &routes {
        for leg in &route.legs {
            for node in [leg.from, leg.to] {
                let country = network.node(node).country.to_string();
                assert!(country != "BY" && country != "AZ", "{country}");
            }
        }
    }
    let outcomes = best_by_corridor(&network, &options, from, to).expect("valid ends");
    let northern = outcomes
        .iter()
        .find(|o| network.corridor(o.corridor).key == "northern")
        .expect("declared");
    assert_eq!(
        northern.result.as_ref().err(),
        Some(&NoRouteReason::Avoided)
    );
}

#[test]
fn a_route_on_track_two_corridors_share_is_regional() {
    let (network, _) = crate::network::load_default().expect("loads");
    let link = |key: &str| network.link_by_key(key).expect("known link");
    let corridor = |key: &str| network.corridor_by_key(key);
    // Saryagash–Tashkent is tagged middle|southern, Almaty–Shu northern|middle|southern: a
    // route on them alone is none of the corridors in particular.
    let shared = [link("almaty_shu_rail"), link("shymkent_saryagash_rail")];
    assert_eq!(classify_corridor(&network, shared.into_iter()), None);
    // One km of track only one of them has decides it.
    let to_aktau = [
        link("beyneu_mangyshlak_rail"),
        link("mangyshlak_aktau_rail"),
    ];
    assert_eq!(
        classify_corridor(&network, to_aktau.into_iter()),
        corridor("middle")
    );
    // Regional links alone: no corridor.
    assert_eq!(
        classify_corridor(&network, [link("warsaw_lodz_rail")].into_iter()),
        None
    );
    // China → Tashkent, the router's best route: only shared track, so `regional`, while
    // China → Tehran (Turkmenistan–Iran) is southern and China → Moscow northern.
    let options = RouteOptions::defaults(&network);
    let scope = Scope::new(&network, &options);
    let route_corridor = |from: &str, to: &str| {
        let from = network.find_place(from, 0.0).expect("known").node();
        let to = network.find_place(to, 0.0).expect("known").node();
        let path = shortest_path(&scope, from, to)
            .expect("valid")
            .expect("a route");
        Itinerary::new(&scope, &path).corridor
    };
    assert_eq!(route_corridor("Xi'an", "Tashkent"), None);
    assert_eq!(route_corridor("Xi'an", "Tehran"), corridor("southern"));
    assert_eq!(route_corridor("Xi'an", "Moscow"), corridor("northern"));
}

/// The default network's cheapest route between two places, with a carbon price.
fn cheapest(network: &Network, from: &str, to: &str, carbon_usd_per_t: f64) -> Itinerary {
    let options = RouteOptions {
        objective: Objective::Cost,
        carbon_usd_per_t,
        ..RouteOptions::defaults(network)
    };
    let scope = Scope::new(network, &options);
    let (from, to) = (
        network.node_by_key(from).expect("a place"),
        network.node_by_key(to).expect("a place"),
    );
    let path = shortest_path(&scope, from, to)
        .expect("valid")
        .expect("a route");
    Itinerary::new(&scope, &path)
}

#[test]
fn a_carbon_price_adds_exactly_its_charge_on_the_emissions_to_the_cost() {
    let network = crate::network::load_default().expect("loads").0;
    let free = cheapest(&network, "lianyungang", "duisburg", 0.0);
    let charged = cheapest(&network, "lianyungang", "duisburg", 100.0);
    // The same route (by sea at 100 USD/t), the same hours and emissions; USD 100 more per
    // tonne of its CO2e, on every leg and nowhere else.
    assert_eq!(free.corridor, charged.corridor);
    assert_eq!(free.legs.len(), charged.legs.len());
    assert_eq!(free.totals.hours, charged.totals.hours);
    assert_eq!(free.totals.co2e_kg, charged.totals.co2e_kg);
    assert!(free.totals.co2e_kg > 1000.0, "{:?}", free.totals);
    let charge = |kg: f64| 100.0 * kg / 1000.0;
    assert!(close(
        charged.totals.cost_usd - free.totals.cost_usd,
        charge(free.totals.co2e_kg)
    ));
    for (a, b) in free.legs.iter().zip(&charged.legs) {
        assert_eq!(a.link, b.link);
        assert!(close(
            b.criteria.cost_usd - a.criteria.cost_usd,
            charge(a.criteria.co2e_kg)
        ));
    }
    assert_eq!(free.transfers, charged.transfers);
}

#[test]
fn a_high_carbon_price_makes_the_cheapest_route_a_lower_carbon_one() {
    // Budapest–Dostyk: by sea through Suez is the cheaper (USD 4,960 against 5,281 by the
    // Northern route) but emits 1.8 t CO2e more per FEU; above about USD 176/t rail wins.
    let network = crate::network::load_default().expect("loads").0;
    let corridor = |itinerary: &Itinerary| {
        itinerary
            .corridor
            .map(|c| network.corridor(c).key.clone())
            .unwrap_or_default()
    };
    let free = cheapest(&network, "budapest", "dostyk", 0.0);
    let low = cheapest(&network, "budapest", "dostyk", 100.0);
    let high = cheapest(&network, "budapest", "dostyk", 500.0);
    assert_eq!(corridor(&free), "sea_suez");
    assert_eq!(corridor(&low), "sea_suez");
    assert_eq!(corridor(&high), "northern");
    assert!(high.totals.co2e_kg < 0.7 * free.totals.co2e_kg);
}
