//! Service regimes on the default network: rail service classes, sailings by month and year,
//! and the changes projects and ferries make to routes, each in the direction published
//! evidence gives.

use silkroute_core::network::{self, Calibration, Network};
use silkroute_core::route::{Itinerary, Plan, Query, RouteRequest, plan};
use silkroute_core::scenario::{self, Edit};

fn network() -> Network {
    network::load_default()
        .expect("the default network loads")
        .0
}

/// The default network on its sources alone (no calibrated factor), for closed forms.
fn sourced() -> Network {
    network().with_calibration(Calibration::default())
}

/// The fastest route of a request, with `edit` applied to it.
fn fastest(network: &Network, edit: impl FnOnce(&mut RouteRequest)) -> (Query, Itinerary) {
    let mut request = RouteRequest {
        objective: silkroute_core::route::Objective::Time,
        ..RouteRequest::default()
    };
    edit(&mut request);
    let query = request.resolve(network).expect("a valid request");
    let routes = plan(network, &query, Plan::Alternatives(1)).expect("routes");
    let best = routes.into_iter().next().expect("a route");
    (query, best)
}

fn days(itinerary: &Itinerary) -> f64 {
    itinerary.totals.hours / 24.0
}

fn cites(network: &Network, itinerary: &Itinerary, key: &str) -> bool {
    itinerary
        .sources(network)
        .iter()
        .any(|&id| network.source(id).key == key)
}

fn xian_duisburg(request: &mut RouteRequest) {
    request.from = Some("Xi'an".into());
    request.to = Some("Duisburg".into());
}

#[test]
fn the_default_class_is_the_ordinary_block_train() {
    let network = network();
    let (query, _) = fastest(&network, |_| {});
    let services = network.services();
    assert_eq!(query.options.service, services.find("block"));
    assert_eq!(services.classes.len(), 3);
}

#[test]
fn express_trains_beat_block_trains_which_beat_groupage() {
    let network = network();
    let time = |class: &str| {
        let (_, route) = fastest(&network, |r| {
            xian_duisburg(r);
            r.service = Some(class.into());
        });
        days(&route)
    };
    let (express, block, groupage) = (time("express"), time("block"), time("groupage"));
    // CR: full-timetable trains run over 30% faster than ordinary trains on the same path;
    // Xi'an–Duisburg express 10–13 days (observations), ordinary about 14–15.
    assert!(
        express < block && block < groupage,
        "{express} {block} {groupage}"
    );
    assert!((10.0..13.5).contains(&express), "express {express}");
    assert!((13.0..17.0).contains(&block), "block {block}");
    // Groupage waits half a week for its weekly train.
    assert!(
        (groupage - block - 3.5).abs() < 0.2,
        "{groupage} vs {block}"
    );
}

#[test]
fn an_express_route_cites_the_sources_of_its_speeds_and_dwell() {
    let network = network();
    let (_, express) = fastest(&network, |r| {
        xian_duisburg(r);
        r.service = Some("express".into());
    });
    for key in [
        "S_EXPRESS_CN_SPEED",
        "S_PORTNEWS_2013_TRANSSIB7",
        "S_EXPRESS_DWELL",
    ] {
        assert!(cites(&network, &express, key), "{key}");
    }
    // Speeds replaced by the class's rows are not cited.
    assert!(!cites(&network, &express, "D_SPEED_CN"));
    let (_, block) = fastest(&network, xian_duisburg);
    assert!(cites(&network, &block, "S_XINHUA_2014_CR_PLAN_1000"));
    assert!(!cites(&network, &block, "S_EXPRESS_CN_SPEED"));
}

#[test]
fn an_unknown_class_names_the_field_and_the_known_classes() {
    let network = network();
    let request = RouteRequest {
        service: Some("bullet".into()),
        ..RouteRequest::default()
    };
    let error = request.resolve(&network).expect_err("unknown class");
    assert_eq!(error.field(), "service");
    assert!(
        error.to_string().contains("express, block, groupage"),
        "{error}"
    );
    let month = RouteRequest {
        month: Some(13),
        ..RouteRequest::default()
    };
    assert_eq!(month.resolve(&network).expect_err("month").field(), "month");
}

/// The Dostyk–Moyynty second track (2025) raises the service speed on the section from the
/// single-track 800 km/day (Kazinform): the northern route via Dostyk gets faster.
#[test]
fn the_second_track_shortens_the_northern_route_via_dostyk() {
    let network = sourced();
    let time = |year: i32| {
        let (_, route) = fastest(&network, |r| {
            xian_duisburg(r);
            r.year = Some(year);
            r.avoid = vec!["node:Altynkol".into(), "node:Bakhty".into()];
        });
        days(&route)
    };
    let (before, after) = (time(2024), time(2026));
    // 836 km at 33.3 km/h before, at the KZ network's 45.8 km/h after: 6.9 h.
    assert!(
        (before - after - 6.9 / 24.0).abs() < 0.02,
        "{before} → {after}"
    );
    // With the calibrated factors too, in the same direction.
    let calibrated = self::network();
    let time = |year: i32| {
        let (_, route) = fastest(&calibrated, |r| {
            xian_duisburg(r);
            r.year = Some(year);
            r.avoid = vec!["node:Altynkol".into(), "node:Bakhty".into()];
        });
        days(&route)
    };
    assert!(time(2026) < time(2024) - 0.2);
}

/// The Caspian crossing follows the sailings of its month: the Kuryk–Alat ferry is closed by
/// storms about half of November and December (port director), so the crossing takes longer.
#[test]
fn the_kuryk_crossing_is_slower_in_the_winter_storms() {
    let network = sourced();
    let time = |month: Option<u8>| {
        let (_, route) = fastest(&network, |r| {
            r.from = Some("Altynkol".into());
            r.to = Some("Baku".into());
            r.month = month;
        });
        let ferry = route
            .legs
            .iter()
            .find(|leg| network.link(leg.link).key == "kuryk_alat_ferry")
            .expect("via Kuryk");
        (days(&route), ferry.wait_h, route)
    };
    let (july, july_wait, _) = time(Some(7));
    let (december, december_wait, december_route) = time(Some(12));
    let (year, year_wait, _) = time(None);
    // July: 13.8 sailings a week → 6.1 h; December: half of them lost, plus the rest of a storm.
    assert!((july_wait - 168.0 / 13.8 / 2.0).abs() < 0.01, "{july_wait}");
    assert!(
        december_wait > 2.0 * july_wait,
        "{december_wait} vs {july_wait}"
    );
    assert!(july < year && year < december, "{july} {year} {december}");
    assert!(july_wait < year_wait && year_wait < december_wait);
    assert!(cites(
        &network,
        &december_route,
        "F_KURYK_2024_NOVDEC_50PCT"
    ));
    // Far below the old fixed one-week wait.
    assert!(december_wait < 168.0 / 2.0);
}

/// Removing the Kuryk–Alat ferry sends Middle Corridor cargo by the weekly Aktau feeder: the
/// route to Baku takes days longer (a ferry line lost), and restoring it restores the time.
#[test]
fn removing_the_kuryk_ferry_costs_the_middle_corridor_days() {
    let network = network();
    let to_baku = |network: &Network| {
        let (_, route) = fastest(network, |r| {
            r.from = Some("Altynkol".into());
            r.to = Some("Baku".into());
        });
        route
    };
    let with_ferry = to_baku(&network);
    let edits = [Edit::RemoveLink {
        link: "kuryk_alat_ferry".into(),
    }];
    let without = scenario::apply(&network, &edits).expect("removable");
    let rerouted = to_baku(&without);
    assert!(
        days(&rerouted) > days(&with_ferry) + 2.0,
        "{} → {}",
        days(&with_ferry),
        days(&rerouted)
    );
    let inverse = scenario::inverse(&network, &edits).expect("invertible");
    let restored = scenario::apply(&without, &inverse).expect("restorable");
    assert_eq!(restored, network);
    assert!((days(&to_baku(&restored)) - days(&with_ferry)).abs() < 1e-9);
}
