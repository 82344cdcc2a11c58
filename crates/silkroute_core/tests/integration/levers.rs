//! Levers for markets and risk (`prices.csv`, `--sea-rate`, `--risk`): the 2020–22 sea-rate
//! spike and a risk premium on the Northern route change costs, routes and flows in the
//! direction published evidence gives.

use silkroute_core::assign::{AssignOptions, Method, keep_going};
use silkroute_core::freight::{FreightRequest, assign_freight};
use silkroute_core::network::{self, Network};
use silkroute_core::route::{Plan, RouteRequest, plan, plan_corridors};

fn network() -> Network {
    network::load_default()
        .expect("the default network loads")
        .0
}

fn sea_cost(network: &Network, year: i32) -> f64 {
    let query = RouteRequest {
        year: Some(year),
        ..RouteRequest::default()
    }
    .resolve(network)
    .expect("valid");
    let outcomes = plan_corridors(network, &query).expect("plans");
    let sea = outcomes
        .iter()
        .find(|o| network.corridor(o.corridor).key == "sea_suez")
        .and_then(|o| o.result.as_ref().ok())
        .expect("a sea route");
    sea.totals.cost_usd
}

/// The sea's share of the Asia–Europe market and the Northern route's share of the rail
/// corridors in a freight assignment.
fn shares(network: &Network, request: FreightRequest) -> (f64, f64) {
    let options = request.options(network).expect("valid");
    let solver = AssignOptions {
        target_gap: 1e-5,
        ..AssignOptions::new(Method::AlgorithmB)
    };
    let report = assign_freight(network, &options, &solver, &mut Vec::new(), &mut keep_going)
        .expect("assigns");
    let share = |key: &str| {
        report
            .corridors
            .iter()
            .find(|c| c.corridor == key)
            .map_or(0.0, |c| c.share)
    };
    let market = report
        .markets
        .iter()
        .find(|m| m.market == "asia_europe")
        .expect("the default network's market");
    (1.0 - market.rail_share_percent / 100.0, share("northern"))
}

#[test]
fn the_2021_sea_rate_spike_makes_the_sea_dear_and_moves_boxes_to_rail() {
    let network = network();
    let (cost_2019, cost_2021) = (sea_cost(&network, 2019), sea_cost(&network, 2021));
    // Sea legs at 0.51 and 2.72 of the 2025 level (Drewry WCI averages); port and rail
    // charges unchanged.
    assert!(cost_2021 > 3.0 * cost_2019, "{cost_2019} → {cost_2021}");
    let at = |year: i32| {
        shares(
            &network,
            FreightRequest {
                year: Some(year),
                ..FreightRequest::default()
            },
        )
    };
    // The sea keeps most of the market (rail is a few percent of it) but loses part of it
    // to rail; the Northern route, rail's cheapest, carries a larger share of rail.
    let (sea_2019, northern_2019) = at(2019);
    let (sea_2021, northern_2021) = at(2021);
    assert!(
        1.0 - sea_2021 > 1.05 * (1.0 - sea_2019),
        "sea {sea_2019} → {sea_2021}"
    );
    assert!(
        northern_2021 >= northern_2019 - 0.005,
        "{northern_2019} → {northern_2021}"
    );
    // The lever overrides the year's level: 2019 at 2021's sea rates loses sea boxes to rail
    // and comes closer to 2021 than to itself (the years differ in demand, queues and rail
    // premium).
    let spike = shares(
        &network,
        FreightRequest {
            year: Some(2019),
            sea_rate: Some(2.72),
            ..FreightRequest::default()
        },
    );
    assert!(spike.0 < sea_2019 - 0.005, "{spike:?} vs {sea_2019}");
    assert!(
        (spike.0 - sea_2021).abs() < (spike.0 - sea_2019).abs(),
        "{spike:?}: 2019 {sea_2019}, 2021 {sea_2021}"
    );
}

#[test]
fn a_risk_premium_on_russia_turns_routes_and_flows_away_from_the_northern_route() {
    let network = network();
    let best = |risk: Vec<String>| {
        let query = RouteRequest {
            from: Some("Xi'an".into()),
            to: Some("Duisburg".into()),
            risk,
            ..RouteRequest::default()
        }
        .resolve(&network)
        .expect("valid");
        let routes = plan(&network, &query, Plan::Alternatives(1)).expect("plans");
        let route = routes.into_iter().next().expect("a route");
        let corridor = route.corridor.map(|c| network.corridor(c).key.clone());
        (corridor, route.totals.cost_usd)
    };
    let (_, plain) = best(vec![]);
    let (corridor, _) = best(vec!["RU=3000:5".into(), "BY=3000:5".into()]);
    assert_ne!(corridor.as_deref(), Some("northern"), "{corridor:?}");
    // A premium for a country not on the route changes nothing.
    let (_, elsewhere) = best(vec!["IR=3000".into()]);
    assert!((elsewhere - plain).abs() < 1e-9);
    let (_, northern_plain) = shares(&network, FreightRequest::default());
    let (_, northern_risky) = shares(
        &network,
        FreightRequest {
            risk: vec!["RU=2000:3".into()],
            ..FreightRequest::default()
        },
    );
    assert!(
        northern_risky < northern_plain,
        "{northern_plain} → {northern_risky}"
    );
}

#[test]
fn bad_levers_name_their_field() {
    let network = network();
    for (request, field) in [
        (
            RouteRequest {
                sea_rate: Some(0.0),
                ..RouteRequest::default()
            },
            "sea_rate",
        ),
        (
            RouteRequest {
                risk: vec!["Russia=100".into()],
                ..RouteRequest::default()
            },
            "risk",
        ),
        (
            RouteRequest {
                risk: vec!["RU=100:90".into()],
                ..RouteRequest::default()
            },
            "risk",
        ),
    ] {
        assert_eq!(request.resolve(&network).expect_err("bad").field(), field);
    }
}

/// Demand by year (`demand_years.csv`): a year's assignment carries that year's volumes, each
/// segment's 2024 volumes times its own factor: the EU rows with the Asia–Europe container
/// market, the Central Asian rows with Kazakhstan's transit less the other segments.
#[test]
fn the_demand_of_a_year_scales_the_volumes() {
    let network = network();
    let total = |year: Option<i32>| {
        // Without the choice: the rows as given, scaled.
        let request = FreightRequest {
            year,
            choice: false,
            ..FreightRequest::default()
        };
        let options = request.options(&network).expect("valid");
        let report = assign_freight(
            &network,
            &options,
            &AssignOptions::new(Method::AllOrNothing),
            &mut Vec::new(),
            &mut keep_going,
        )
        .expect("assigns");
        report.totals.demand_teu_per_year
    };
    let freight = network.freight();
    let zone = |key: &str| freight.zone_by_key(key).expect("a zone");
    let (xian, duisburg, tashkent) = (zone("cn_xian"), zone("eu_northwest"), zone("uz_tashkent"));
    // The EU market of 2016 over 2024's (15.08 / 18.07 M TEU, CTS); Central Asia's rows: 96,000
    // TEU in 2016 over 243,914.
    assert!((freight.demand_factor(2016, xian, duisburg) - 0.8345).abs() < 1e-9);
    assert!((freight.demand_factor(2016, duisburg, xian) - 0.8345).abs() < 1e-9);
    assert!((freight.demand_factor(2016, xian, tashkent) - 0.3931).abs() < 1e-9);
    // Between two years of a group: interpolated (the EU's 2017 between 2016 and 2019).
    let between = 0.8345 + (0.9175 - 0.8345) / 3.0;
    assert!((freight.demand_factor(2017, xian, duisburg) - between).abs() < 1e-9);
    assert!((total(Some(2016)) - freight.total_teu_in(2016)).abs() < 1.0);
    assert!(total(Some(2016)) < total(Some(2020)));
    assert!(total(Some(2020)) < total(Some(2023)));
}

/// The Asia–Europe market's rail TEU and the report's unserved TEU, with the choice on.
fn market_rail(network: &Network, request: FreightRequest) -> (f64, f64) {
    let options = FreightRequest {
        choice: true,
        ..request
    }
    .options(network)
    .expect("valid");
    let mut solver = AssignOptions::new(Method::AlgorithmB);
    solver.target_gap = 1e-5;
    let report = assign_freight(network, &options, &solver, &mut Vec::new(), &mut keep_going)
        .expect("assigns");
    let market = report
        .markets
        .iter()
        .find(|m| m.market == "asia_europe")
        .expect("the default network's market");
    assert!(
        (market.rail_teu_per_year + market.alternative_teu_per_year - market.market_teu_per_year)
            .abs()
            < 1.0
    );
    (
        market.rail_teu_per_year,
        report.totals.unserved_teu_per_year,
    )
}

#[test]
fn with_the_choice_a_sea_rate_spike_wins_rail_boxes_and_a_closure_loses_them_to_sea() {
    let network = network();
    let base = FreightRequest {
        year: Some(2024),
        ..FreightRequest::default()
    };
    let (rail, unserved) = market_rail(&network, base.clone());
    // The fitted constant reproduces the base year's rail volume (demand.csv's EU rows).
    let base_rail: f64 = {
        let freight = network.freight();
        freight
            .demand
            .iter()
            .filter(|d| freight.market_of(d.origin, d.destination).is_some())
            .map(|d| d.teu_per_year)
            .sum()
    };
    assert!(
        (rail / base_rail - 1.0).abs() < 0.03,
        "{rail} vs {base_rail}"
    );
    assert_eq!(unserved, 0.0);
    // The sea at 2021's level (×2.72): more of the market by rail.
    let (spike, _) = market_rail(
        &network,
        FreightRequest {
            sea_rate: Some(2.72),
            ..base.clone()
        },
    );
    assert!(spike > rail * 1.03, "{rail} → {spike}");
    // The Northern route closed: less by rail, the rest by sea, none of the market unserved
    // (Russia's demand, which has no sea route in the network, is).
    let (closed, unserved_closed) = market_rail(
        &network,
        FreightRequest {
            avoid: vec!["corridor:northern".into()],
            ..base
        },
    );
    assert!(closed < rail * 0.9, "{rail} → {closed}");
    assert!(unserved_closed > 0.0);
}

#[test]
fn the_shipped_markets_are_the_fit() {
    // markets.csv's scale and constant are what `silkroute calibrate --write-markets` fits
    // on the default network (its calibration.csv is the transit fit, tested elsewhere).
    let network = network();
    let (fits, _) = silkroute_core::model::fit_markets(&network).expect("fits");
    for fit in fits {
        let shipped = network
            .freight()
            .markets
            .iter()
            .find(|m| m.key == fit.market)
            .expect("a shipped market");
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0);
        assert!(close(fit.scale_per_usd, shipped.scale_per_usd), "{fit:?}");
        assert!(
            close(
                fit.rail_constant_usd_per_teu,
                shipped.rail_constant_usd_per_teu
            ),
            "{fit:?}"
        );
    }
}

#[test]
fn with_the_choice_the_capacities_of_2026_bind() {
    // The default: the markets' choice and binding capacities together settle.
    let network = network();
    let options = FreightRequest::default().options(&network).expect("valid");
    let mut warnings = Vec::new();
    let report = assign_freight(
        &network,
        &options,
        &AssignOptions::new(Method::AlgorithmB),
        &mut warnings,
        &mut keep_going,
    )
    .expect("assigns");
    assert!(warnings.is_empty(), "{warnings:?}");
    for b in &report.bottlenecks {
        assert!(b.vc <= 1.021, "{} at v/c {}", b.name, b.vc);
    }
    let dostyk = report
        .handling
        .iter()
        .find(|h| h.name == "Dostyk gauge change")
        .expect("capacitated");
    assert!(dostyk.vc > 0.95 && dostyk.delay_hours > 24.0, "{dostyk:?}");
    assert!(!report.markets.is_empty());
}
