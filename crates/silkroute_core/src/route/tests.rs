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

/// Random networks whose numbers take few values (two lengths, two speeds, round tariffs and
/// handling), so that different routes often tie exactly: what a search must break the same way
/// as another to agree with it.
pub(crate) fn network_spec_with_ties() -> impl Strategy<Value = (Vec<NodeSpec>, Vec<LinkSpec>)> {
    network_spec().prop_map(|(mut nodes, mut links)| {
        for node in &mut nodes {
            for handling in node.handling.iter_mut().flatten() {
                *handling = (handling.0 % 2 * 10, handling.1 % 2 * 100);
            }
        }
        for link in &mut links {
            link.length = 500 * (1 + link.length % 2);
            link.speed = [10, 20][usize::from(link.speed % 2)];
            link.wait = 0;
            link.fixed = link.fixed % 2 * 50;
            link.per_km = 1;
            link.energy = true;
        }
        (nodes, links)
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

pub(crate) fn close(a: f64, b: f64) -> bool {
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

pub(crate) fn options_for(
    objective: Objective,
    year: i32,
    corridor: Option<CorridorId>,
) -> RouteOptions {
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
        reliability: None,
        statistic: crate::route::Statistic::Mean,
        value_of_reliability_usd_per_day: 0.0,
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

// ---- simulated transit times (reliability files) ----

/// A random reliability table for a network: element `i` (handling rows, then links) takes
/// `draws[i % len]` when its flag is set (p50, p90 − p50, p95 − p90 in hours).
fn random_reliability(network: &Network, draws: &[(bool, u8, u8, u8)]) -> Reliability {
    let mut table = Reliability::empty(network, "random.csv");
    let hours = |(_, a, b, c): (bool, u8, u8, u8)| {
        let (a, b, c) = (f64::from(a), f64::from(b), f64::from(c));
        ElementHours {
            samples: 100,
            mean_h: a + b / 2.0,
            p50_h: a,
            p90_h: a + b,
            p95_h: a + b + c,
        }
    };
    let elements = network
        .handlings()
        .iter()
        .map(|row| Element::Handling {
            node: row.node,
            kind: row.kind,
        })
        .chain((0..network.link_count()).map(|i| Element::Link(LinkId::from_index(i))));
    for (index, element) in elements.enumerate() {
        let draw = draws[index % draws.len()];
        if draw.0 {
            assert!(table.set(network, element, hours(draw)), "{element:?}");
        }
    }
    table
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn simulated_hours_keep_the_router_exact_and_totals_the_sum_of_their_parts(
        (nodes, links) in network_spec(),
        objective in 0usize..4,
        statistic in 0usize..4,
        value in prop_oneof![Just(0.0), Just(240.0), Just(5000.0)],
        draws in proptest::collection::vec((any::<bool>(), 0u8..40, 0u8..40, 0u8..40), 1..16),
    ) {
        let network = build(&nodes, &links);
        let options = RouteOptions {
            reliability: Some(Arc::new(random_reliability(&network, &draws))),
            statistic: Statistic::ALL[statistic],
            value_of_reliability_usd_per_day: value,
            ..options_for(Objective::ALL[objective], 2025, None)
        };
        let scope = Scope::new(&network, &options);
        let (origin, destination) = (NodeId(0), NodeId(1));
        let walks = brute_force(&scope, origin, destination);
        prop_assume!(walks.is_some(), "too many walks for the brute force");
        let best = walks
            .expect("assumed")
            .iter()
            .map(|(_, c)| scope.scalar(*c))
            .min_by(f64::total_cmp);
        let found = shortest_path(&scope, origin, destination).expect("distinct ends");
        match (best, found) {
            (None, None) => {}
            (Some(best), Some(path)) => {
                let itinerary = Itinerary::new(&scope, &path);
                prop_assert!(close(scope.scalar(itinerary.totals), best),
                    "router {} vs brute force {}", scope.scalar(itinerary.totals), best);
                let mut sum = Criteria::ZERO;
                for leg in &itinerary.legs {
                    sum += leg.criteria;
                }
                for step in itinerary.transfers.iter().flat_map(|t| &t.steps) {
                    sum.hours += step.hours;
                    sum.cost_usd += step.cost_usd;
                }
                prop_assert!(close_criteria(&sum, &itinerary.totals),
                    "{sum:?} vs {:?}", itinerary.totals);
            }
            (best, found) => prop_assert!(false, "brute force {:?} vs router {:?}", best, found),
        }
    }
}

fn default_network() -> Network {
    crate::network::load_default().expect("loads").0
}

/// A reliability file whose every statistic is the hours `options` give today: each
/// handling kind at each node the hours of its row active in the year, each link its wait.
/// `{}` writes the shortest text that reads back as the same `f64`.
pub(crate) fn zero_variance_csv(network: &Network, options: &RouteOptions) -> String {
    use std::fmt::Write as _;
    let scope = Scope::new(network, options);
    let mut text = String::from(
        "# Today's hours as a reliability file: zero variance.\n\
         element,samples,mean_hours,p50_hours,p90_hours,p95_hours,source\n",
    );
    let mut row = |element: String, h: f64| {
        writeln!(text, "{element},1,{h},{h},{h},{h},today").expect("a String takes text");
    };
    for (index, node) in network.nodes().iter().enumerate() {
        for kind in HandlingKind::ALL {
            if let Some(id) = scope.active_handling(NodeId::from_index(index), kind) {
                let hours = scope.handling_criteria(id).hours;
                row(format!("handling:{}:{}", node.key, kind.as_str()), hours);
            }
        }
    }
    for (index, link) in network.links().iter().enumerate() {
        row(
            format!("link:{}", link.key),
            scope.wait_h(LinkId::from_index(index)),
        );
    }
    text
}

fn read(network: &Network, name: &str, text: &str) -> Arc<Reliability> {
    Arc::new(
        parse_reliability(&(name.to_string(), text.as_bytes().to_vec()), network)
            .expect("a valid reliability file"),
    )
}

fn request(from: &str, to: &str) -> RouteRequest {
    RouteRequest {
        from: Some(from.to_string()),
        to: Some(to.to_string()),
        ..RouteRequest::default()
    }
}

/// Routes between the pairs of the zero-variance tests: Caspian crossings (Kuryk–Alat,
/// Turkmenbashi) and Dostyk's gauge change among their answers.
const PAIRS: [(&str, &str); 4] = [
    ("Lianyungang", "Duisburg"),
    ("Chengdu", "Baku"),
    ("Xi'an", "Tbilisi"),
    ("Ürümqi", "Moscow"),
];

#[test]
fn a_file_of_todays_hours_gives_exactly_todays_routes() {
    let network = default_network();
    let variants: Vec<RouteRequest> = vec![
        RouteRequest::default(),
        RouteRequest {
            objective: Objective::Time,
            ..RouteRequest::default()
        },
        RouteRequest {
            objective: Objective::Cost,
            service: Some("groupage".into()),
            month: Some(2),
            year: Some(2030),
            ..RouteRequest::default()
        },
    ];
    let mut caspian = false;
    let mut dostyk = false;
    for variant in variants {
        let base = variant.resolve(&network).expect("valid");
        let text = zero_variance_csv(&network, &base.options);
        let table = read(&network, "today.csv", &text);
        assert!(table.len() > 200, "{}", table.len());
        for (from, to) in PAIRS {
            let today = RouteRequest {
                from: Some(from.into()),
                to: Some(to.into()),
                ..variant.clone()
            };
            // The mean, each percentile (p95 is the one `--by p95` takes) and a value of
            // reliability: with no spread, all are today's answer.
            let mut asked = vec![(None, 0.0), (Some(Statistic::P95), 0.0)];
            asked.extend(Statistic::ALL.map(|s| (Some(s), 900.0)));
            for (statistic, value) in asked {
                let simulated = RouteRequest {
                    reliability: Some(Arc::clone(&table)),
                    statistic,
                    value_of_reliability_usd_per_day: value,
                    ..today.clone()
                };
                let (q0, q1) = (
                    today.resolve(&network).expect("valid"),
                    simulated.resolve(&network).expect("valid"),
                );
                for how in [Plan::Alternatives(5), Plan::Pareto] {
                    let a = plan(&network, &q0, how).expect("routes");
                    let b = plan(&network, &q1, how).expect("routes");
                    assert!(!a.is_empty());
                    // Every field equal, hours and USD compared exactly, so the reports are the
                    // same bytes (the CLI's tests compare them).
                    assert_eq!(a, b, "{from} → {to} {statistic:?} {value} {how:?}");
                    for itinerary in &a {
                        caspian |= itinerary.legs.iter().any(|l| l.mode == Mode::Ferry);
                        dostyk |= itinerary
                            .transfers
                            .iter()
                            .any(|t| network.node(t.node).key == "dostyk");
                    }
                }
            }
        }
    }
    assert!(
        caspian && dostyk,
        "the pairs cross the Caspian and change gauge at Dostyk"
    );
}

/// The first route of a request, with its transfer places.
fn best(network: &Network, request: &RouteRequest) -> (Itinerary, Vec<String>) {
    let query = request.resolve(network).expect("valid");
    let routes = plan(network, &query, Plan::Alternatives(1)).expect("routes");
    let route = routes.into_iter().next().expect("a route");
    let places = route
        .transfers
        .iter()
        .map(|t| network.node(t.node).key.clone())
        .collect();
    (route, places)
}

/// testdata/reliability/dostyk_p95.csv: Dostyk's gauge change with a long tail.
fn dostyk_p95(network: &Network) -> Arc<Reliability> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/reliability/dostyk_p95.csv"
    );
    Arc::new(read_reliability(std::path::Path::new(path), network).expect("the fixture reads"))
}

#[test]
fn a_long_p95_at_dostyk_makes_the_fastest_p95_route_avoid_it() {
    let network = default_network();
    let table = dostyk_p95(&network);
    let by_time = RouteRequest {
        objective: Objective::Time,
        ..request("Chengdu", "Baku")
    };
    let (_, today) = best(&network, &by_time);
    assert!(today.iter().any(|p| p == "dostyk"), "{today:?}");
    let with = |statistic| RouteRequest {
        reliability: Some(Arc::clone(&table)),
        statistic,
        ..by_time.clone()
    };
    // Today block trains spend 5.4 h changing gauge at Dostyk, and the route through it is
    // 5.7 h faster than the fastest through Altynkol. The mean (7.2 h), the median (6.5 h)
    // and the 90th percentile (9.5 h) leave it the faster crossing.
    for statistic in [None, Some(Statistic::P50), Some(Statistic::P90)] {
        let (_, places) = best(&network, &with(statistic));
        assert!(
            places.iter().any(|p| p == "dostyk"),
            "{statistic:?}: {places:?}"
        );
    }
    // Its p95 (36 h) does not: Altynkol (Khorgos) is the faster crossing at the 95th percentile.
    let (route, places) = best(&network, &with(Some(Statistic::P95)));
    assert!(!places.iter().any(|p| p == "dostyk"), "{places:?}");
    assert!(places.iter().any(|p| p == "altynkol"), "{places:?}");
    let (dostyk_route, _) = best(&network, &by_time);
    assert!(route.totals.hours > dostyk_route.totals.hours);
}

#[test]
fn the_value_of_reliability_adds_exactly_its_charge_on_the_spreads_used() {
    let network = default_network();
    let table = read(
        &network,
        "spreads.csv",
        "element,samples,mean_hours,p50_hours,p90_hours,p95_hours,source\n\
         handling:dostyk:gauge_change,1234,9.1,8.0,12.5,16.0,SIM\n\
         link:kuryk_alat_ferry,310,40.2,30.0,80.1,95.3,SIM\n\
         handling:alat:port,80,31,30,33,36.5,SIM\n\
         handling:altynkol:gauge_change,80,2,1,3,4,SIM\n",
    );
    let value = 240.0;
    for objective in [Objective::Time, Objective::Generalized] {
        let free = RouteRequest {
            objective,
            reliability: Some(Arc::clone(&table)),
            ..request("Chengdu", "Baku")
        }
        .resolve(&network)
        .expect("valid");
        let charged = Query {
            options: RouteOptions {
                value_of_reliability_usd_per_day: value,
                ..free.options.clone()
            },
            ..free.clone()
        };
        let path = plan(&network, &free, Plan::Alternatives(1)).expect("routes")[0]
            .path
            .clone();
        // The same path under both: the charge is the only difference.
        let a = Itinerary::new(&Scope::new(&network, &free.options), &path);
        let b = Itinerary::new(&Scope::new(&network, &charged.options), &path);
        let spread_h: f64 = a
            .legs
            .iter()
            .filter_map(|leg| table.link(leg.link))
            .chain(
                a.transfers
                    .iter()
                    .flat_map(|t| &t.steps)
                    .filter_map(|step| table.handling(step.handling)),
            )
            .map(ElementHours::spread_h)
            .sum();
        // Dostyk (8 h), the ferry (65.3 h) and Alat's port (6.5 h).
        assert!(close(spread_h, 8.0 + 65.3 + 6.5), "{spread_h}");
        let charge = value * spread_h / 24.0;
        assert_eq!(a.totals.hours, b.totals.hours);
        assert_eq!(a.totals.co2e_kg, b.totals.co2e_kg);
        assert!(close(b.totals.cost_usd - a.totals.cost_usd, charge));
        let generalized = |q: &Query, it: &Itinerary| {
            it.totals.cost_usd + q.options.value_of_time_usd_per_day * it.totals.hours / 24.0
        };
        let added = generalized(&charged, &b) - generalized(&free, &a);
        assert!(close(added, charge), "{added} vs {charge}");
        // Each leg and step carries its own element's charge, and nothing else changes.
        for (x, y) in a.legs.iter().zip(&b.legs) {
            let own = table
                .link(x.link)
                .map_or(0.0, |h| value * h.spread_h() / 24.0);
            assert!(close(y.criteria.cost_usd - x.criteria.cost_usd, own));
        }
        let steps = |it: &Itinerary| -> Vec<TransferStep> {
            it.transfers.iter().flat_map(|t| t.steps.clone()).collect()
        };
        for (x, y) in steps(&a).iter().zip(&steps(&b)) {
            let own = table
                .handling(x.handling)
                .map_or(0.0, |h| value * h.spread_h() / 24.0);
            assert!(close(y.cost_usd - x.cost_usd, own));
            assert_eq!(x.hours, y.hours);
        }
    }
}

#[test]
fn simulated_hours_replace_the_networks_for_the_elements_named_only() {
    let network = default_network();
    let table = read(
        &network,
        "r.csv",
        "element,samples,mean_hours,p50_hours,p90_hours,p95_hours,source\n\
         handling:dostyk:gauge_change,1234,9.1,8.0,12.5,16.0,SIM\n\
         link:kuryk_alat_ferry,310,40.2,30.0,80.1,95.3,SIM\n",
    );
    let today = RouteOptions::defaults(&network);
    let base = Scope::new(&network, &today);
    let ferry = network.link_by_key("kuryk_alat_ferry").expect("link");
    let dostyk = network.node_by_key("dostyk").expect("node");
    let gauge = base
        .active_handling(dostyk, HandlingKind::GaugeChange)
        .expect("a row");
    for statistic in Statistic::ALL {
        let options = RouteOptions {
            reliability: Some(Arc::clone(&table)),
            statistic,
            ..today.clone()
        };
        let scope = Scope::new(&network, &options);
        let simulated = table.link(ferry).expect("named").get(statistic);
        assert_eq!(scope.wait_h(ferry), simulated);
        assert_eq!(scope.running_h(ferry), base.running_h(ferry));
        assert_eq!(
            scope.handling_criteria(gauge).hours,
            table.handling(gauge).expect("named").get(statistic)
        );
        // The wait is part of both arcs' hours; the rest is untouched.
        for &arc in network.out_arcs(network.link(ferry).from) {
            if network.arc(arc).link == ferry {
                let delta = scope.arc_criteria(arc).hours - base.arc_criteria(arc).hours;
                assert!(close(delta, simulated - base.wait_h(ferry)));
            }
        }
        for index in 0..network.link_count() {
            let link = LinkId::from_index(index);
            if link != ferry {
                assert_eq!(scope.wait_h(link), base.wait_h(link));
            }
        }
        for index in 0..network.handlings().len() {
            let id = HandlingId::from_index(index);
            if table.handling(id).is_none() {
                assert_eq!(scope.handling_criteria(id), base.handling_criteria(id));
            }
        }
        // The sources stay the network's.
        assert_eq!(scope.wait_sources(ferry), base.wait_sources(ferry));
        assert_eq!(scope.hours_sources(gauge), base.hours_sources(gauge));
    }
}

#[test]
fn a_statistic_or_a_value_of_reliability_needs_a_table_of_this_network() {
    let network = default_network();
    let error = RouteRequest {
        statistic: Some(Statistic::P95),
        ..request("Chengdu", "Baku")
    }
    .resolve(&network)
    .expect_err("no table");
    assert_eq!(error.field(), "statistic");
    assert_eq!(
        error.to_string(),
        "statistic p95: needs a reliability file (simulated transit-time percentiles of the network's elements)"
    );
    let error = RouteRequest {
        value_of_reliability_usd_per_day: 50.0,
        ..request("Chengdu", "Baku")
    }
    .resolve(&network)
    .expect_err("no table");
    assert_eq!(error.field(), "value_of_reliability");
    for bad in [-1.0, f64::NAN, f64::INFINITY, 100_000.5] {
        let request = RouteRequest {
            value_of_reliability_usd_per_day: bad,
            ..request("Chengdu", "Baku")
        };
        let error = request.validate().expect_err("out of range");
        assert_eq!(error.field(), "value_of_reliability");
        assert!(
            error
                .to_string()
                .contains("expected USD per FEU per day of p95 − p50 between 0 and 100,000"),
            "{error}"
        );
    }
    let other = Arc::new(Reliability::empty(&mini(), "mini.csv"));
    let error = RouteRequest {
        reliability: Some(other),
        ..request("Chengdu", "Baku")
    }
    .resolve(&network)
    .expect_err("another network's");
    assert_eq!(error.field(), "reliability");
    // With a table, every statistic and the whole range resolve.
    let table = dostyk_p95(&network);
    for statistic in Statistic::ALL {
        for value in [0.0, MAX_VALUE_OF_RELIABILITY_USD_PER_DAY] {
            let query = RouteRequest {
                reliability: Some(Arc::clone(&table)),
                statistic: Some(statistic),
                value_of_reliability_usd_per_day: value,
                ..request("Chengdu", "Baku")
            }
            .resolve(&network)
            .expect("valid");
            assert_eq!(query.options.statistic, statistic);
            assert_eq!(query.options.value_of_reliability_usd_per_day, value);
            assert_eq!(query.options.reliability.as_deref(), Some(&*table));
        }
    }
}
