//! Tests of scenarios: edits that change nothing change no byte of the reports, every edit is
//! undone by its inverse (also for random lists, proptest), every error names the edit and
//! the field, comparisons are zero against themselves and antisymmetric, and a real edit
//! (Dostyk's gauge-change capacity doubled) moves the bottleneck figures the expected way.

use super::*;
use crate::assign::{AssignOptions, Method, assign};
use crate::freight::{FreightOptions, FreightReport, build_problem};
use crate::network::{
    Country, Direction, Energy, HandlingKind, Mode, NodeKind, Running, Source, SourceKind, Status,
    Validity,
};
use crate::report::{
    PlaceRecord, QueryRecord, REPORT_VERSION, RouteRecord, RouteReport, SourceRecord, round1,
};
use crate::route::{self, RouteOptions};
use proptest::prelude::*;
use std::sync::OnceLock;

fn mini() -> &'static Network {
    static MINI: OnceLock<Network> = OnceLock::new();
    MINI.get_or_init(|| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/mini");
        let (network, warnings) =
            crate::network::load_dir(std::path::Path::new(dir)).expect("mini loads");
        assert!(warnings.is_empty(), "{warnings:?}");
        network
    })
}

fn default_network() -> &'static Network {
    static DEFAULT: OnceLock<Network> = OnceLock::new();
    DEFAULT.get_or_init(|| {
        crate::network::load_default()
            .expect("the embedded network loads")
            .0
    })
}

fn strings(keys: &[&str]) -> Vec<String> {
    keys.iter().map(|k| k.to_string()).collect()
}

/// The route report of `silkroute route --format json` between the dataset's default places
/// (crates/silkroute/src/cmd/route.rs, five alternatives).
fn route_report(network: &Network) -> RouteReport {
    let info = network.info();
    let from = network.find_place(&info.default_from, 0.0).expect("origin");
    let to = network
        .find_place(&info.default_to, 0.0)
        .expect("destination");
    let options = RouteOptions::defaults(network);
    let itineraries =
        route::alternatives(network, &options, from.node(), to.node(), 5).expect("routes");
    assert!(!itineraries.is_empty());
    let routes: Vec<RouteRecord> = itineraries
        .iter()
        .map(|it| RouteRecord::new(network, it, options.value_of_time_usd_per_day))
        .collect();
    RouteReport {
        version: REPORT_VERSION,
        from: PlaceRecord::new(network, from.node(), None),
        to: PlaceRecord::new(network, to.node(), None),
        query: QueryRecord {
            by: options.objective.as_str().to_string(),
            year: options.year,
            avoid: vec![],
            payload_t: options.payload_t,
            value_of_time_usd_per_day: options.value_of_time_usd_per_day,
            pareto: false,
            service: None,
            month: None,
            sea_rate: None,
            risk: vec![],
            carbon_usd_per_t: None,
            reliability: None,
        },
        sources: SourceRecord::cited(network, &routes),
        routes,
    }
}

fn route_json(network: &Network) -> String {
    serde_json::to_string_pretty(&route_report(network)).expect("serializes")
}

/// The freight report of one assignment (`year`: the reference year when `None`).
fn freight_report(network: &Network, method: Method, year: Option<i32>) -> FreightReport {
    let mut options = FreightOptions::defaults(network);
    if let Some(year) = year {
        options.year = year;
    }
    let problem = build_problem(network, &options).expect("the demand builds");
    let result = assign(
        problem.problem(),
        &AssignOptions {
            target_gap: 1e-9,
            max_iterations: 200,
            ..AssignOptions::new(method)
        },
        &mut crate::assign::keep_going,
    )
    .expect("assigns");
    problem.report(&result)
}

fn freight_json(network: &Network, method: Method) -> String {
    serde_json::to_string(&freight_report(network, method, None)).expect("serializes")
}

/// Edits that set every value of a link and of a handling row to what it is, add a source
/// and a node and remove them again, and remove a link and add it back at its place.
fn no_op_edits(network: &Network, link: &str, handling: &HandlingKey) -> Vec<Edit> {
    let id = network.link_by_key(link).expect("the link exists");
    let spec = LinkSpec::of(network, id);
    let row_id = network
        .handlings()
        .iter()
        .enumerate()
        .map(|(index, _)| crate::network::HandlingId(index as u32))
        .find(|&h| &HandlingKey::of(network, h) == handling)
        .expect("the row exists");
    let row = HandlingSpec::of(network, row_id);
    let next_link = network.links().get(id.index() + 1).map(|l| l.key.clone());
    let new_source = Source {
        key: "SCENARIO_TEST".into(),
        title: "a scenario test".into(),
        url: String::new(),
        year: Some(2026),
        confidence: "L".into(),
        kind: SourceKind::Estimate,
        method: "made up for a test".into(),
    };
    vec![
        Edit::SetLinkCapacity {
            link: link.into(),
            trains_per_day: spec.capacity_trains_per_day,
            teu_per_year: spec.capacity_teu_per_year,
            sources: spec.capacity_sources.clone(),
        },
        Edit::SetLinkTariff {
            link: link.into(),
            fixed_usd: spec.tariff_fixed_usd,
            per_km_usd: spec.tariff_per_km_usd,
            sources: spec.tariff_sources.clone(),
        },
        Edit::SetLinkRunning {
            link: link.into(),
            running: spec.running,
            sources: spec.time_sources.clone(),
        },
        Edit::SetLinkWait {
            link: link.into(),
            hours: spec.wait_h,
            sources: spec.wait_sources.clone(),
        },
        Edit::SetLinkValidity {
            link: link.into(),
            validity: spec.validity,
            sources: spec.status_sources.clone(),
        },
        Edit::SetHandlingCapacity {
            handling: handling.clone(),
            teu_per_day: row.capacity_teu_per_day,
            sources: row.capacity_sources.clone(),
        },
        Edit::SetHandlingHours {
            handling: handling.clone(),
            hours: row.hours,
            sources: row.hours_sources.clone(),
        },
        Edit::SetHandlingCost {
            handling: handling.clone(),
            cost_usd: row.cost_usd,
            sources: row.cost_sources.clone(),
        },
        Edit::SetHandlingValidity {
            handling: handling.clone(),
            validity: row.validity,
            sources: row.status_sources.clone(),
        },
        Edit::AddSource {
            source: new_source,
            before: None,
        },
        Edit::AddNode {
            node: NodeSpec {
                key: "scenario_test_node".into(),
                name: "Scenario Test Node".into(),
                aliases: vec![],
                country: Country::parse("KZ").expect("valid"),
                lat: 45.0,
                lon: 60.0,
                coord_sources: strings(&["SCENARIO_TEST"]),
                kind: NodeKind::Junction,
                gauges_mm: vec![1520],
                note: String::new(),
            },
            before: None,
        },
        Edit::RemoveNode {
            node: "scenario_test_node".into(),
        },
        Edit::RemoveSource {
            source: "SCENARIO_TEST".into(),
        },
        Edit::RemoveLink { link: link.into() },
        Edit::AddLink {
            link: spec,
            before: next_link,
        },
    ]
}

#[test]
fn no_op_edits_give_the_same_network_and_byte_identical_reports_on_mini() {
    let base = mini();
    let key = HandlingKey::new("border_kz", HandlingKind::GaugeChange);
    for edits in [
        vec![],
        no_op_edits(base, "kz_border_hub2", &key),
        no_op_edits(base, "ferry", &key),
    ] {
        let after = apply(base, &edits).expect("no-op edits apply");
        assert_eq!(&after, base, "{edits:?}");
        assert_eq!(route_json(&after), route_json(base));
        for method in [Method::AllOrNothing, Method::AlgorithmB] {
            assert_eq!(freight_json(&after, method), freight_json(base, method));
        }
    }
}

#[test]
fn no_op_edits_give_byte_identical_reports_on_the_default_network() {
    let base = default_network();
    let edits = no_op_edits(
        base,
        "alashankou_dostyk_rail",
        &HandlingKey::new("dostyk", HandlingKind::GaugeChange),
    );
    let after = apply(base, &edits).expect("no-op edits apply");
    assert_eq!(&after, base);
    assert_eq!(route_json(&after), route_json(base));
    for method in [Method::AllOrNothing, Method::AlgorithmB] {
        assert_eq!(freight_json(&after, method), freight_json(base, method));
    }
}

/// One edit of every kind on mini, each valid and each changing the network.
fn one_edit_of_every_kind() -> Vec<Edit> {
    let gauge_change = HandlingKey::new("border_kz", HandlingKind::GaugeChange);
    let new_source = Source {
        key: "T_NEW".into(),
        title: "new".into(),
        url: String::new(),
        year: None,
        confidence: "M".into(),
        kind: SourceKind::Published,
        method: String::new(),
    };
    let new_node = NodeSpec {
        key: "aktau".into(),
        name: "Aktau".into(),
        aliases: strings(&["Aqtau"]),
        country: Country::parse("KZ").expect("valid"),
        lat: 43.65,
        lon: 51.17,
        coord_sources: strings(&["T_HAND"]),
        kind: NodeKind::Seaport,
        gauges_mm: vec![1520],
        note: String::new(),
    };
    let new_link = LinkSpec {
        key: "hub_ferry_express".into(),
        from: "hub".into(),
        to: "ferry_east".into(),
        mode: Mode::Rail,
        gauge_mm: Some(1520),
        length_km: 1800.0,
        length_sources: strings(&["T_HAND"]),
        running: Running::Hours(30.0),
        time_sources: strings(&["T_HAND"]),
        wait_h: 12.0,
        wait_sources: strings(&["T_HAND"]),
        capacity_trains_per_day: Some(10.0),
        capacity_teu_per_year: None,
        capacity_sources: strings(&["T_PUB"]),
        tariff_fixed_usd: 100.0,
        tariff_per_km_usd: 0.6,
        tariff_sources: strings(&["T_HAND"]),
        energy: Energy::Electric,
        validity: Validity {
            status: Status::UnderConstruction,
            opening_year: Some(2028),
            closing_year: None,
        },
        status_sources: strings(&["T_PUB"]),
        direction: Direction::Forward,
        corridors: strings(&["middle"]),
        name: "Express track".into(),
        note: String::new(),
        sailings: vec![],
        shape: Some(ShapeSpec {
            points: vec![(47.0, 74.0), (45.0, 60.0), (43.6, 51.2)],
            network_km: 1795.5,
            sources: strings(&["T_PUB"]),
        }),
    };
    let new_row = HandlingSpec {
        node: "hub".into(),
        kind: HandlingKind::Terminal,
        hours: 5.0,
        hours_sources: strings(&["T_HAND"]),
        cost_usd: 80.0,
        cost_sources: strings(&["T_HAND"]),
        capacity_teu_per_day: Some(300.0),
        capacity_sources: strings(&["T_PUB"]),
        validity: Validity::ALWAYS,
        status_sources: vec![],
        note: "new".into(),
    };
    vec![
        Edit::AddSource {
            source: new_source,
            before: Some("T_PUB".into()),
        },
        Edit::RemoveSource {
            source: "T_HAND".into(),
        },
        Edit::AddNode {
            node: new_node,
            before: Some("ferry_west".into()),
        },
        Edit::RemoveNode {
            node: "canal".into(),
        },
        Edit::AddLink {
            link: new_link,
            before: Some("hub_ferry".into()),
        },
        Edit::RemoveLink {
            link: "hub_by".into(),
        },
        Edit::SetLinkCapacity {
            link: "e_border_cross".into(),
            trains_per_day: Some(40.0),
            teu_per_year: Some(1.5e6),
            sources: strings(&["T_HAND", "T_PUB"]),
        },
        Edit::SetLinkTariff {
            link: "ferry".into(),
            fixed_usd: 800.0,
            per_km_usd: 0.25,
            sources: strings(&["T_PUB"]),
        },
        Edit::SetLinkRunning {
            link: "kz_border_hub2".into(),
            running: Running::Hours(14.5),
            sources: strings(&["T_PUB"]),
        },
        Edit::SetLinkWait {
            link: "ferry".into(),
            hours: 0.0,
            sources: vec![],
        },
        Edit::SetLinkValidity {
            link: "pl_west".into(),
            validity: Validity {
                status: Status::Operational,
                opening_year: None,
                closing_year: Some(2030),
            },
            sources: strings(&["T_PUB"]),
        },
        Edit::ScaleCorridorTariffs {
            corridor: "northern".into(),
            factor: 1.25,
            sources: strings(&["T_PUB"]),
        },
        Edit::AddHandling {
            handling: new_row,
            before: Some(HandlingKey::new("border_pl", HandlingKind::GaugeChange)),
        },
        Edit::RemoveHandling {
            handling: HandlingKey::new("border_by", HandlingKind::Border),
        },
        Edit::SetHandlingCapacity {
            handling: gauge_change.clone(),
            teu_per_day: Some(1520.0),
            sources: strings(&["T_HAND"]),
        },
        Edit::SetHandlingHours {
            handling: gauge_change.clone(),
            hours: 2.5,
            sources: strings(&["T_PUB"]),
        },
        Edit::SetHandlingCost {
            handling: gauge_change.clone(),
            cost_usd: 175.0,
            sources: strings(&["T_PUB"]),
        },
        Edit::SetHandlingValidity {
            handling: gauge_change,
            validity: Validity {
                status: Status::Operational,
                opening_year: Some(2020),
                closing_year: None,
            },
            sources: strings(&["T_PUB"]),
        },
    ]
}

#[test]
fn every_edit_kind_is_undone_by_its_inverse() {
    let base = mini();
    let edits = one_edit_of_every_kind();
    let mut kinds: Vec<&str> = edits.iter().map(Edit::kind).collect();
    kinds.dedup();
    assert_eq!(kinds.len(), 18, "one edit of each kind");
    for edit in &edits {
        match edit {
            // Removing T_HAND or canal needs their users gone first (tested below).
            Edit::RemoveSource { .. } | Edit::RemoveNode { .. } => continue,
            _ => {}
        }
        let after =
            apply(base, std::slice::from_ref(edit)).unwrap_or_else(|error| panic!("{error}"));
        assert_ne!(&after, base, "{} changes the network", edit.label(0));
        let undo = edit.inverse(base).expect("applies");
        assert_eq!(
            &apply(&after, &undo).expect("the inverse applies"),
            base,
            "{}",
            edit.label(0)
        );
    }
    // Removing the canal node after its two links, and the added source.
    let removals = [
        Edit::RemoveLink {
            link: "sea_east_canal".into(),
        },
        Edit::RemoveLink {
            link: "sea_canal_west".into(),
        },
        Edit::RemoveNode {
            node: "canal".into(),
        },
        edits[0].clone(),
        Edit::RemoveSource {
            source: "T_NEW".into(),
        },
    ];
    let after = apply(base, &removals).expect("valid");
    assert_eq!(after.node_count(), base.node_count() - 1);
    let undo = inverse(base, &removals).expect("valid");
    assert_eq!(&apply(&after, &undo).expect("valid"), base);
}

#[test]
fn all_edits_of_every_kind_together_are_undone() {
    let base = mini();
    // The same edits in one list, minus the removals that need their users gone.
    let edits: Vec<Edit> = one_edit_of_every_kind()
        .into_iter()
        .filter(|e| !matches!(e, Edit::RemoveSource { .. } | Edit::RemoveNode { .. }))
        .collect();
    let after = apply(base, &edits).unwrap_or_else(|e| panic!("{e}"));
    let undo = inverse(base, &edits).expect("valid");
    assert_eq!(&apply(&after, &undo).expect("valid"), base);
    // What the edits did, as the changed network shows it.
    let link = after.link(after.link_by_key("hub_ferry_express").expect("added"));
    assert_eq!(
        after.link_by_key("hub_ferry"),
        Some(crate::network::LinkId(7))
    );
    assert_eq!(
        after.link_by_key("hub_ferry_express"),
        Some(crate::network::LinkId(6))
    );
    assert_eq!(after.source(link.tariff_sources[0]).key, "T_HAND");
    assert!(
        after
            .link_shape(after.link_by_key("hub_ferry_express").unwrap())
            .is_some()
    );
    assert_eq!(after.sources()[1].key, "T_NEW");
    let northern = after.link(after.link_by_key("pl_west").expect("exists"));
    assert_eq!(northern.tariff_per_km_usd, 1.25);
    let keys: Vec<String> = (northern.tariff_sources.iter())
        .map(|&s| after.source(s).key.clone())
        .collect();
    assert_eq!(keys, ["T_HAND", "T_PUB"]);
    assert_eq!(after.node_by_key("aktau"), Some(crate::network::NodeId(6)));
    assert_eq!(
        after
            .node(after.link(after.link_by_key("ferry").unwrap()).to)
            .key,
        "ferry_west"
    );
}

/// The mini network's values, to build random edits from.
fn random_edit(base: &Network, raw: (u8, u32, u32, f64, f64)) -> Edit {
    let (kind, a, b, x, y) = raw;
    let links = base.links();
    let link = links[a as usize % links.len()].key.clone();
    let rows = base.handlings().len();
    let row = HandlingKey::of(base, crate::network::HandlingId(a % rows as u32));
    let node = base.nodes()[a as usize % base.node_count()].key.clone();
    // Now and then a value out of range, so that the lists also fail.
    let x = if b % 23 == 0 { -x } else { x };
    let source = |pick: u32| strings(&[["T_HAND", "T_PUB", "T_NEW"][pick as usize % 3]]);
    let validity = |pick: u32| match pick % 5 {
        0 => (Validity::ALWAYS, vec![]),
        1 => (
            Validity {
                status: Status::Operational,
                opening_year: Some(2019),
                closing_year: None,
            },
            source(pick / 5),
        ),
        2 => (
            Validity {
                status: Status::UnderConstruction,
                opening_year: Some(2029),
                closing_year: None,
            },
            source(pick / 5),
        ),
        3 => (
            Validity {
                status: Status::Closed,
                opening_year: None,
                closing_year: Some(2026),
            },
            source(pick / 5),
        ),
        _ => (
            Validity {
                status: Status::Planned,
                opening_year: None,
                closing_year: None,
            },
            vec![],
        ),
    };
    match kind % 18 {
        0 => Edit::SetLinkCapacity {
            link,
            trains_per_day: (b % 3 != 0).then_some((x * 100.0).round()),
            teu_per_year: (b % 2 == 0).then_some((y * 1e6).round()),
            sources: if b % 6 == 3 { vec![] } else { source(b) },
        },
        1 => Edit::SetLinkTariff {
            link,
            fixed_usd: x * 1000.0,
            per_km_usd: y,
            sources: source(b),
        },
        2 => Edit::SetLinkRunning {
            link,
            running: if b % 2 == 0 {
                Running::SpeedKmh(1.0 + x * 100.0)
            } else {
                Running::Hours(1.0 + y * 100.0)
            },
            sources: source(b / 2),
        },
        3 => Edit::SetLinkWait {
            link,
            hours: if b % 3 == 0 { 0.0 } else { x * 100.0 },
            sources: if b % 3 == 0 { vec![] } else { source(b) },
        },
        4 => {
            let (validity, sources) = validity(b);
            Edit::SetLinkValidity {
                link,
                validity,
                sources,
            }
        }
        5 => Edit::ScaleCorridorTariffs {
            corridor: ["northern", "middle", "sea", "regional"][b as usize % 4].into(),
            factor: x * 2.0,
            sources: source(b / 4),
        },
        6 => {
            let n = base.node_count();
            let from = &base.nodes()[a as usize % n];
            let to = &base.nodes()[b as usize % n];
            let rail = from.gauges_mm.contains(&1520) && to.gauges_mm.contains(&1520);
            let mut spec = LinkSpec::of(base, crate::network::LinkId(0));
            spec.key = format!("new_link_{}", a % 4);
            spec.from = from.key.clone();
            spec.to = to.key.clone();
            (spec.mode, spec.gauge_mm, spec.energy) = if rail {
                (Mode::Rail, Some(1520), Energy::Diesel)
            } else {
                (Mode::Ferry, None, Energy::MarineDiesel)
            };
            spec.length_km = 10.0 + x * 1000.0;
            spec.corridors = strings(&[["middle", "regional"][b as usize % 2]]);
            spec.shape = (b % 2 == 0).then(|| ShapeSpec {
                points: vec![(from.lat, from.lon), (to.lat, to.lon)],
                network_km: spec.length_km,
                sources: source(b),
            });
            let before = (b % 3 != 0).then(|| link.clone());
            Edit::AddLink { link: spec, before }
        }
        7 => Edit::RemoveLink { link },
        8 => {
            let (validity, status_sources) = validity(b);
            Edit::AddHandling {
                handling: HandlingSpec {
                    node,
                    kind: HandlingKind::ALL[b as usize % 4],
                    hours: x * 10.0,
                    hours_sources: source(b),
                    cost_usd: y * 100.0,
                    cost_sources: source(b / 3),
                    capacity_teu_per_day: (b % 2 == 0).then_some(100.0),
                    capacity_sources: source(b / 7),
                    validity,
                    status_sources,
                    note: String::new(),
                },
                before: (b % 4 != 0).then_some(row),
            }
        }
        9 => Edit::RemoveHandling { handling: row },
        10 => Edit::SetHandlingCapacity {
            handling: row,
            teu_per_day: (b % 3 != 0).then_some((x * 1000.0).round()),
            sources: source(b),
        },
        11 => Edit::SetHandlingHours {
            handling: row,
            hours: x * 24.0,
            sources: source(b),
        },
        12 => Edit::SetHandlingCost {
            handling: row,
            cost_usd: y * 500.0,
            sources: source(b),
        },
        13 => {
            let (validity, sources) = validity(b);
            Edit::SetHandlingValidity {
                handling: row,
                validity,
                sources,
            }
        }
        14 => Edit::AddNode {
            node: NodeSpec {
                key: format!("new_node_{}", a % 3),
                name: format!("New Node {}", a % 3),
                aliases: vec![],
                country: Country::parse("KZ").expect("valid"),
                lat: 40.0 + x,
                lon: 60.0 + y,
                coord_sources: source(b),
                kind: NodeKind::Junction,
                gauges_mm: [vec![1520], vec![1435, 1520], vec![]][b as usize % 3].clone(),
                note: String::new(),
            },
            before: (b % 2 == 0).then_some(node),
        },
        15 => Edit::RemoveNode {
            // A node added by an earlier edit, or one of mini's (all in use).
            node: if b % 3 == 0 {
                node
            } else {
                format!("new_node_{}", a % 3)
            },
        },
        16 => Edit::AddSource {
            source: Source {
                key: "T_NEW2".into(),
                title: "new".into(),
                url: String::new(),
                year: None,
                confidence: String::new(),
                kind: SourceKind::Published,
                method: String::new(),
            },
            before: (b % 2 == 0).then(|| "T_PUB".to_string()),
        },
        _ => Edit::RemoveSource {
            source: ["T_NEW2", "T_NEW", "T_PUB"][b as usize % 3].into(),
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// A list of random edits either applies, and its inverse gives back the original
    /// network, or fails with an error naming one of its edits and a field. (About half the
    /// lists apply; the rest fail on an unused id, a node still in use, a value out of range.)
    #[test]
    fn random_edit_lists_are_undone_by_their_inverse(
        raw in proptest::collection::vec(
            (0u8..18, 0u32..1000, 0u32..1000, 0.0f64..1.0, 0.0f64..1.0),
            1..7,
        )
    ) {
        let base = mini();
        // Every list adds the source `T_NEW` first, somewhere among mini's two.
        let first = Edit::AddSource {
            source: Source {
                key: "T_NEW".into(),
                title: "new".into(),
                url: String::new(),
                year: None,
                confidence: String::new(),
                kind: SourceKind::Published,
                method: String::new(),
            },
            before: [None, Some("T_HAND".to_string()), Some("T_PUB".to_string())]
                [raw[0].1 as usize % 3].clone(),
        };
        let edits: Vec<Edit> = std::iter::once(first)
            .chain(raw.into_iter().map(|r| random_edit(base, r)))
            .collect();
        match apply(base, &edits) {
            Ok(after) => {
                let undo = inverse(base, &edits).expect("applies as before");
                prop_assert_eq!(&apply(&after, &undo).expect("the inverse applies"), base);
                // Applying one edit at a time gives the same network.
                let mut stepwise = base.clone();
                for edit in &edits {
                    stepwise = apply(&stepwise, std::slice::from_ref(edit)).expect("applies");
                }
                prop_assert_eq!(stepwise, after);
            }
            Err(error) => {
                let label = error.edit().clone();
                prop_assert!(label.index < edits.len());
                prop_assert_eq!(&label, &edits[label.index].label(label.index));
                let prefix = format!("edit {} ({} {}): {}: ", label.index, label.kind,
                    label.target, error.field());
                prop_assert!(error.to_string().starts_with(&prefix), "{}", error);
                prop_assert!(!error.field().is_empty());
                // The edits before the failing one apply.
                prop_assert!(apply(base, &edits[..label.index]).is_ok());
            }
        }
    }
}

#[test]
fn every_error_names_the_edit_and_the_field() {
    let base = mini();
    let valid = Edit::SetLinkTariff {
        link: "ferry".into(),
        fixed_usd: 900.0,
        per_km_usd: 0.0,
        sources: strings(&["T_HAND"]),
    };
    let link = LinkSpec::of(base, base.link_by_key("hub_ferry").expect("exists"));
    let node = NodeSpec::of(base, base.node_by_key("hub").expect("exists"));
    let row = HandlingSpec::of(base, crate::network::HandlingId(0));
    let gauge_change = HandlingKey::new("border_kz", HandlingKind::GaugeChange);
    let cases: Vec<(Edit, &str)> = vec![
        (
            Edit::SetLinkTariff {
                link: "nowhere".into(),
                fixed_usd: 1.0,
                per_km_usd: 1.0,
                sources: strings(&["T_HAND"]),
            },
            "edit 1 (set_link_tariff nowhere): link: unknown link `nowhere`",
        ),
        (
            Edit::SetLinkTariff {
                link: "ferry".into(),
                fixed_usd: -5.0,
                per_km_usd: 1.0,
                sources: strings(&["T_HAND"]),
            },
            "edit 1 (set_link_tariff ferry): fixed_usd: -5 is not a finite number ≥ 0",
        ),
        (
            Edit::SetLinkTariff {
                link: "ferry".into(),
                fixed_usd: 5.0,
                per_km_usd: 1.0,
                sources: vec![],
            },
            "edit 1 (set_link_tariff ferry): sources: `fixed_usd` has a value but no source id",
        ),
        (
            Edit::SetLinkTariff {
                link: "ferry".into(),
                fixed_usd: 5.0,
                per_km_usd: 1.0,
                sources: strings(&["T_NOPE"]),
            },
            "edit 1 (set_link_tariff ferry): sources: unknown source id `T_NOPE` (not a source of the network; add it with an add_source edit first)",
        ),
        (
            Edit::SetLinkCapacity {
                link: "ferry".into(),
                trains_per_day: Some(f64::NAN),
                teu_per_year: None,
                sources: strings(&["T_HAND"]),
            },
            "edit 1 (set_link_capacity ferry): trains_per_day: NaN is not a finite number ≥ 0",
        ),
        (
            Edit::SetLinkCapacity {
                link: "ferry".into(),
                trains_per_day: None,
                teu_per_year: Some(1e5),
                sources: vec![],
            },
            "edit 1 (set_link_capacity ferry): sources: `teu_per_year` has a value but no source id",
        ),
        (
            Edit::SetLinkRunning {
                link: "ferry".into(),
                running: Running::SpeedKmh(0.0),
                sources: strings(&["T_HAND"]),
            },
            "edit 1 (set_link_running ferry): running: 0 is not a finite number > 0",
        ),
        (
            Edit::SetLinkWait {
                link: "ferry".into(),
                hours: 12.0,
                sources: vec![],
            },
            "edit 1 (set_link_wait ferry): sources: `hours` has a value but no source id",
        ),
        (
            Edit::SetLinkValidity {
                link: "ferry".into(),
                validity: Validity {
                    status: Status::Operational,
                    opening_year: Some(2030),
                    closing_year: None,
                },
                sources: strings(&["T_PUB"]),
            },
            "edit 1 (set_link_validity ferry): validity.opening_year: status is operational but the opening year 2030 is after the reference year 2026 (use under_construction or planned)",
        ),
        (
            Edit::SetLinkValidity {
                link: "ferry".into(),
                validity: Validity {
                    status: Status::Closed,
                    opening_year: Some(1700),
                    closing_year: Some(2020),
                },
                sources: strings(&["T_PUB"]),
            },
            "edit 1 (set_link_validity ferry): validity.opening_year: 1700 is not a year between 1800 and 2200",
        ),
        (
            Edit::SetLinkValidity {
                link: "ferry".into(),
                validity: Validity {
                    status: Status::Closed,
                    opening_year: None,
                    closing_year: Some(2020),
                },
                sources: vec![],
            },
            "edit 1 (set_link_validity ferry): sources: `validity` has a value but no source id",
        ),
        (
            Edit::ScaleCorridorTariffs {
                corridor: "southern".into(),
                factor: 0.8,
                sources: strings(&["T_HAND"]),
            },
            "edit 1 (scale_corridor_tariffs southern): corridor: unknown corridor `southern` (corridors: northern, middle, sea, regional)",
        ),
        (
            Edit::ScaleCorridorTariffs {
                corridor: "middle".into(),
                factor: f64::INFINITY,
                sources: strings(&["T_HAND"]),
            },
            "edit 1 (scale_corridor_tariffs middle): factor: inf is not a finite number ≥ 0",
        ),
        (
            Edit::ScaleCorridorTariffs {
                corridor: "middle".into(),
                factor: 1e308,
                sources: strings(&["T_HAND"]),
            },
            "edit 1 (scale_corridor_tariffs middle): factor: 1e308 is not a factor that keeps every tariff finite",
        ),
        (
            Edit::SetHandlingCapacity {
                handling: HandlingKey::new("hub", HandlingKind::GaugeChange),
                teu_per_day: Some(100.0),
                sources: strings(&["T_HAND"]),
            },
            "edit 1 (set_handling_capacity hub:gauge_change): handling: no single handling row `hub:gauge_change` (`hub` has no `gauge_change` row)",
        ),
        (
            Edit::SetHandlingHours {
                handling: HandlingKey::opening_in("border_kz", HandlingKind::GaugeChange, 2025),
                hours: 1.0,
                sources: strings(&["T_HAND"]),
            },
            "edit 1 (set_handling_hours border_kz:gauge_change:2025): handling: no single handling row `border_kz:gauge_change:2025` (0 of `border_kz`'s rows of that kind have it: `border_kz:gauge_change`)",
        ),
        (
            Edit::SetHandlingCost {
                handling: HandlingKey::new("nowhere", HandlingKind::Border),
                cost_usd: 1.0,
                sources: strings(&["T_HAND"]),
            },
            "edit 1 (set_handling_cost nowhere:border): handling.node: unknown node `nowhere`",
        ),
        (
            Edit::SetHandlingValidity {
                handling: gauge_change.clone(),
                validity: Validity {
                    status: Status::Planned,
                    opening_year: Some(2020),
                    closing_year: None,
                },
                sources: strings(&["T_HAND"]),
            },
            "edit 1 (set_handling_validity border_kz:gauge_change): validity.opening_year: status is planned but the opening year 2020 is not after the reference year 2026",
        ),
        (
            Edit::AddHandling {
                handling: HandlingSpec {
                    node: "border_kz".into(),
                    kind: HandlingKind::GaugeChange,
                    validity: Validity {
                        status: Status::UnderConstruction,
                        opening_year: Some(2028),
                        closing_year: None,
                    },
                    status_sources: strings(&["T_PUB"]),
                    ..row.clone()
                },
                before: None,
            },
            "edit 1 (add_handling border_kz:gauge_change:2028): handling.validity: node `border_kz` already has a `gauge_change` row in use in some of the same years (`border_kz:gauge_change`)",
        ),
        (
            Edit::AddHandling {
                handling: HandlingSpec {
                    node: "hub".into(),
                    kind: HandlingKind::GaugeChange,
                    ..row.clone()
                },
                before: None,
            },
            "edit 1 (add_handling hub:gauge_change): handling.kind: a gauge_change row needs at least two gauges at node `hub`",
        ),
        (
            Edit::AddHandling {
                handling: HandlingSpec {
                    hours_sources: vec![],
                    ..row.clone()
                },
                before: None,
            },
            "edit 1 (add_handling east_city:terminal): handling.hours_sources: `handling.hours` has a value but no source id",
        ),
        (
            Edit::AddLink {
                link: LinkSpec {
                    key: "Hub-Ferry".into(),
                    ..link.clone()
                },
                before: None,
            },
            "edit 1 (add_link Hub-Ferry): link.key: `Hub-Ferry` is not an id of lower-case letters, digits and `_`",
        ),
        (
            Edit::AddLink {
                link: link.clone(),
                before: None,
            },
            "edit 1 (add_link hub_ferry): link.key: duplicate link id `hub_ferry`",
        ),
        (
            Edit::AddLink {
                link: LinkSpec {
                    key: "hub_ferry_2".into(),
                    gauge_mm: Some(1435),
                    ..link.clone()
                },
                before: None,
            },
            "edit 1 (add_link hub_ferry_2): link.gauge_mm: link `hub_ferry_2` has gauge 1435 mm but node `hub` has gauges 1520",
        ),
        (
            Edit::AddLink {
                link: LinkSpec {
                    key: "hub_ferry_2".into(),
                    to: "hub".into(),
                    ..link.clone()
                },
                before: None,
            },
            "edit 1 (add_link hub_ferry_2): link.to: link `hub_ferry_2` starts and ends at the same node",
        ),
        (
            Edit::AddLink {
                link: LinkSpec {
                    key: "hub_ferry_2".into(),
                    to: "aktau".into(),
                    ..link.clone()
                },
                before: None,
            },
            "edit 1 (add_link hub_ferry_2): link.to: unknown node `aktau`",
        ),
        (
            Edit::AddLink {
                link: LinkSpec {
                    key: "hub_ferry_2".into(),
                    mode: Mode::Road,
                    gauge_mm: None,
                    energy: Energy::Diesel,
                    ..link.clone()
                },
                before: None,
            },
            "edit 1 (add_link hub_ferry_2): link.energy: link `hub_ferry_2`: no emission factor for mode road and energy diesel",
        ),
        (
            Edit::AddLink {
                link: LinkSpec {
                    key: "hub_ferry_2".into(),
                    corridors: strings(&["middle", "silk"]),
                    ..link.clone()
                },
                before: None,
            },
            "edit 1 (add_link hub_ferry_2): link.corridors: unknown corridor `silk` (corridors: northern, middle, sea, regional)",
        ),
        (
            Edit::AddLink {
                link: LinkSpec {
                    key: "hub_ferry_2".into(),
                    shape: Some(ShapeSpec {
                        points: vec![(47.0, 74.0)],
                        network_km: 10.0,
                        sources: strings(&["T_HAND"]),
                    }),
                    ..link.clone()
                },
                before: None,
            },
            "edit 1 (add_link hub_ferry_2): link.shape.points: 1 point(s) is not a line of two or more points",
        ),
        (
            Edit::AddLink {
                link: LinkSpec {
                    key: "hub_ferry_2".into(),
                    ..link.clone()
                },
                before: Some("nowhere".into()),
            },
            "edit 1 (add_link hub_ferry_2): before: unknown link `nowhere`",
        ),
        (
            Edit::AddNode {
                node: NodeSpec {
                    key: "hub_2".into(),
                    lat: 91.0,
                    ..node.clone()
                },
                before: None,
            },
            "edit 1 (add_node hub_2): node.lat: 91 is not a latitude in [-90, 90]",
        ),
        (
            Edit::AddNode {
                node: NodeSpec {
                    key: "hub_2".into(),
                    gauges_mm: vec![1520, 3000],
                    ..node.clone()
                },
                before: None,
            },
            "edit 1 (add_node hub_2): node.gauges_mm: 3000 is not a gauge in millimetres (500–2000)",
        ),
        (
            Edit::AddNode {
                node: node.clone(),
                before: None,
            },
            "edit 1 (add_node hub): node.key: duplicate node id `hub`",
        ),
        (
            Edit::AddNode {
                node: NodeSpec {
                    key: "hub_2".into(),
                    name: "Hub Two".into(),
                    aliases: strings(&["Hub|Two"]),
                    ..node.clone()
                },
                before: None,
            },
            "edit 1 (add_node hub_2): node.aliases: `Hub|Two` is not a name (not empty, no `|`)",
        ),
        (
            Edit::AddNode {
                node: NodeSpec {
                    key: "hub_2".into(),
                    aliases: strings(&["Granitsa"]),
                    ..node.clone()
                },
                before: None,
            },
            "edit 1 (add_node hub_2): node.name: place name `Hub Junction` of node `hub_2` is already a name of node `hub`",
        ),
        (
            Edit::AddNode {
                node: NodeSpec {
                    key: "hub_2".into(),
                    name: "Hub Two".into(),
                    aliases: strings(&["Granitsa"]),
                    ..node.clone()
                },
                before: None,
            },
            "edit 1 (add_node hub_2): node.aliases: place name `Granitsa` of node `hub_2` is already a name of node `border_kz`",
        ),
        (
            Edit::RemoveNode { node: "hub".into() },
            "edit 1 (remove_node hub): node: node `hub` is still used by link `kz_border_hub`, link `kz_border_hub2`, link `hub_by`, link `hub_ferry`",
        ),
        (
            Edit::RemoveSource {
                source: "T_PUB".into(),
            },
            "edit 1 (remove_source T_PUB): source: source `T_PUB` is still cited by link `e_border_cross` (capacity), link `kz_border_hub` (capacity), link `kz_border_hub` (status), link `kz_border_hub2` (capacity), link `kz_border_hub2` (status) and 1 more",
        ),
        (
            Edit::AddSource {
                source: Source {
                    key: "T_HAND".into(),
                    title: "again".into(),
                    url: String::new(),
                    year: None,
                    confidence: String::new(),
                    kind: SourceKind::Published,
                    method: String::new(),
                },
                before: None,
            },
            "edit 1 (add_source T_HAND): source.key: duplicate source id `T_HAND`",
        ),
        (
            Edit::AddSource {
                source: Source {
                    key: "T_GUESS".into(),
                    title: "a guess".into(),
                    url: String::new(),
                    year: None,
                    confidence: String::new(),
                    kind: SourceKind::Estimate,
                    method: " ".into(),
                },
                before: None,
            },
            "edit 1 (add_source T_GUESS): source.method: source `T_GUESS` is estimate, so `method` must say how the value was obtained",
        ),
        (
            Edit::AddSource {
                source: Source {
                    key: "t_lower".into(),
                    title: "lower".into(),
                    url: String::new(),
                    year: None,
                    confidence: String::new(),
                    kind: SourceKind::Published,
                    method: String::new(),
                },
                before: None,
            },
            "edit 1 (add_source t_lower): source.key: `t_lower` must use only upper-case letters, digits and `_`",
        ),
    ];
    for (edit, expected) in cases {
        let error = apply(base, &[valid.clone(), edit.clone()])
            .expect_err(expected)
            .to_string();
        assert_eq!(error, expected, "{edit:?}");
    }
}

#[test]
fn a_removed_default_place_or_zone_place_is_named() {
    let base = mini();
    let edits = [
        Edit::RemoveLink {
            link: "ferry".into(),
        },
        Edit::RemoveLink {
            link: "ferry_west_city".into(),
        },
        Edit::RemoveHandling {
            handling: HandlingKey::new("ferry_west", HandlingKind::Port),
        },
        Edit::RemoveNode {
            node: "ferry_west".into(),
        },
    ];
    let error = apply(base, &edits).expect_err("a zone place");
    assert_eq!(
        error.to_string(),
        "edit 3 (remove_node ferry_west): node: node `ferry_west` is still used by zone `caucasus`"
    );
    assert!(matches!(
        error,
        EditError::Build { source, .. }
            if matches!(*source, crate::network::BuildError::NodeInUse { .. })
    ));
}

#[test]
fn comparing_a_report_with_itself_gives_zeros() {
    for network in [mini(), default_network()] {
        let report = freight_report(network, Method::AllOrNothing, None);
        let diff = compare_freight(&report, &report);
        assert!(diff.is_zero());
        assert_eq!(diff.links.len(), report.links.len());
        assert_eq!(diff.handling.len(), report.handling.len());
        assert!(diff.links.iter().all(|l| l.teu_per_year.delta == 0.0));
        let routes = route_report(network);
        assert!(compare_routes(&routes, &routes).is_zero());
    }
}

#[test]
fn comparisons_are_antisymmetric_and_keyed_by_id() {
    let base = mini();
    let edits = [
        Edit::ScaleCorridorTariffs {
            corridor: "northern".into(),
            factor: 3.0,
            sources: strings(&["T_HAND"]),
        },
        Edit::SetLinkValidity {
            link: "sea_canal_west".into(),
            validity: Validity {
                status: Status::Closed,
                opening_year: None,
                closing_year: Some(2026),
            },
            sources: strings(&["T_PUB"]),
        },
    ];
    let other = apply(base, &edits).expect("valid");
    let (a, b) = (
        freight_report(base, Method::AlgorithmB, None),
        freight_report(&other, Method::AlgorithmB, None),
    );
    let diff = compare_freight(&a, &b);
    assert!(!diff.is_zero());
    assert_eq!(compare_freight(&b, &a), diff.reversed());
    assert_eq!(diff.reversed().reversed(), diff);
    // Sorted by key; the closed sea link is on the base side only, both directions.
    let keys: Vec<(&str, &str, &str)> = (diff.links.iter())
        .map(|l| (l.link.as_str(), l.from.as_str(), l.to.as_str()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(keys, sorted);
    let closed: Vec<&LinkFlowDiff> = (diff.links.iter())
        .filter(|l| l.link == "sea_canal_west")
        .collect();
    assert_eq!(closed.len(), 2);
    assert!(closed.iter().all(|l| l.presence == Presence::BaseOnly));
    assert!(closed.iter().all(|l| l.teu_per_year.other == 0.0));
    // Tripled northern tariffs move freight to the middle corridor.
    let corridor = |key: &str| {
        (diff.corridors.iter())
            .find(|c| c.corridor == key)
            .expect("a corridor row")
            .teu_per_year
    };
    assert!(
        corridor("northern").delta < 0.0,
        "{:?}",
        corridor("northern")
    );
    assert!(corridor("middle").delta > 0.0, "{:?}", corridor("middle"));
    // The JSON is the same twice (no hash order).
    let json = serde_json::to_string(&diff).expect("serializes");
    assert_eq!(
        json,
        serde_json::to_string(&compare_freight(&a, &b)).unwrap()
    );
    assert!(json.contains(r#""presence":"base_only""#), "{json}");

    let (a, b) = (route_report(base), route_report(&other));
    let routes = compare_routes(&a, &b);
    assert!(!routes.is_zero());
    assert_eq!(compare_routes(&b, &a), routes.reversed());
    let northern = (routes.corridors.iter())
        .find(|c| c.corridor == "northern")
        .expect("a northern route on both sides");
    assert!(northern.totals.total_cost_usd.delta.expect("both sides") > 0.0);
    assert!(northern.same_route);
    let sea = (routes.corridors.iter())
        .find(|c| c.corridor == "sea")
        .expect("a sea route in the base");
    assert_eq!(sea.presence, Presence::BaseOnly);
    assert_eq!(sea.totals.total_hours.other, None);
}

/// Doubling the Dostyk gauge-change throughput (the row of 2022 on: 1,637 → 3,274 TEU per day)
/// in 2027, when it is among the network's worst bottlenecks, lowers its v/c and delay, lets it handle at least as much,
/// and lowers the generalized cost of the whole network. (Not its TEU-hours: relieved of
/// the queue, boxes that took a faster but dearer way round go back through Dostyk.)
#[test]
fn doubling_dostyk_gauge_change_capacity_relieves_the_bottleneck() {
    let base = default_network();
    let key = HandlingKey::opening_in("dostyk", HandlingKind::GaugeChange, 2022);
    let row = (0..base.handlings().len())
        .map(|h| crate::network::HandlingId(h as u32))
        .find(|&h| HandlingKey::of(base, h) == key)
        .expect("Dostyk has a gauge change");
    let spec = HandlingSpec::of(base, row);
    let capacity = spec.capacity_teu_per_day.expect("a capacity");
    let doubled = apply(
        base,
        &[Edit::SetHandlingCapacity {
            handling: key,
            teu_per_day: Some(2.0 * capacity),
            sources: spec.capacity_sources,
        }],
    )
    .expect("valid");
    let before = freight_report(base, Method::AlgorithmB, Some(2027));
    let after = freight_report(&doubled, Method::AlgorithmB, Some(2027));
    assert!(before.converged && after.converged);
    let diff = compare_freight(&before, &after);
    let dostyk = (diff.handling.iter())
        .find(|h| h.node == "dostyk" && h.kind == "gauge_change")
        .expect("modelled with its capacity");
    assert_eq!(dostyk.presence, Presence::Both);
    assert_eq!(
        dostyk.capacity_teu_per_year.delta,
        Some(round1(capacity * 365.0))
    );
    assert!(dostyk.vc.delta.expect("both sides") < 0.0, "{dostyk:?}");
    assert!(dostyk.delay_hours.delta < 0.0, "{dostyk:?}");
    assert!(dostyk.teu_per_year.delta >= 0.0, "{dostyk:?}");
    assert!(
        diff.totals.generalized_cost_usd_per_year.delta < 0.0,
        "{:?}",
        diff.totals
    );
    // The bottleneck list agrees: Dostyk's v/c there falls too.
    let bottleneck = |report: &FreightReport| {
        (report.bottlenecks.iter())
            .find(|b| b.name == "Dostyk gauge change")
            .expect("listed")
            .vc
    };
    assert!(bottleneck(&after) < bottleneck(&before));
}
