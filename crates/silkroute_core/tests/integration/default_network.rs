//! The embedded default network: coverage the product promises, project statuses and years,
//! sources, and sanity of the main corridor answers.

use silkroute_core::network::{HandlingKind, Network, SourceKind, Status};
use silkroute_core::route::{self, Objective, RouteOptions, Scope};
use silkroute_core::{geo, network};

fn network() -> Network {
    let (network, warnings) = network::load_default().expect("the embedded network loads");
    assert!(warnings.is_empty(), "{warnings:?}");
    network
}

#[test]
fn covers_the_places_the_product_promises() {
    let network = network();
    assert!(network.node_count() >= 60, "{} nodes", network.node_count());
    assert!(
        network.link_count() >= 100,
        "{} links",
        network.link_count()
    );
    for place in [
        "Lianyungang",
        "Shanghai",
        "Xi'an",
        "Chongqing",
        "Chengdu",
        "Zhengzhou",
        "Yiwu",
        "Urumqi",
        "Alashankou",
        "Dostyk",
        "Khorgos",
        "Altynkol",
        "Bakhty",
        "Tacheng",
        "Aktogay",
        "Moyynty",
        "Karaganda",
        "Astana",
        "Petropavl",
        "Almaty",
        "Zhetygen",
        "Shu",
        "Shymkent",
        "Saryagash",
        "Kyzylorda",
        "Beyneu",
        "Aktau",
        "Kuryk",
        "Tashkent",
        "Turkmenbashi",
        "Moscow",
        "Minsk",
        "Brest",
        "Małaszewicze",
        "Warsaw",
        "Łódź",
        "Duisburg",
        "Hamburg",
        "Baku",
        "Alat",
        "Tbilisi",
        "Poti",
        "Batumi",
        "Kars",
        "Istanbul",
        "Constanța",
        "Singapore",
        "Suez",
        "Rotterdam",
        "Cape of Good Hope",
    ] {
        assert!(network.find_place(place, 0.0).is_ok(), "{place} is missing");
    }
}

#[test]
fn dostyk_moyynty_second_track_opens_in_2025() {
    let network = network();
    let dostyk = network.find_place("Dostyk", 0.0).expect("known").node();
    let moyynty = network.find_place("Moyynty", 0.0).expect("known").node();
    let capacity_on = |year: i32| -> Vec<f64> {
        let options = RouteOptions {
            objective: Objective::Time,
            year,
            ..RouteOptions::defaults(&network)
        };
        let scope = Scope::new(&network, &options);
        let path = route::shortest_path(&scope, dostyk, moyynty)
            .expect("valid")
            .expect("connected");
        path.arcs
            .iter()
            .map(|&arc| {
                network
                    .link(network.arc(arc).link)
                    .capacity_trains_per_day
                    .expect("capacity given")
            })
            .collect()
    };
    assert!(
        capacity_on(2024).iter().all(|&c| c <= 12.0),
        "{:?}",
        capacity_on(2024)
    );
    assert!(
        capacity_on(2026).iter().all(|&c| c >= 60.0),
        "{:?}",
        capacity_on(2026)
    );
}

#[test]
fn third_crossing_is_under_construction_until_2027() {
    let network = network();
    let bakhty = network.find_place("Bakhty", 0.0).expect("known").node();
    let rail: Vec<_> = network
        .links()
        .iter()
        .filter(|l| (l.from == bakhty || l.to == bakhty) && l.gauge_mm.is_some())
        .collect();
    assert!(!rail.is_empty());
    for link in rail {
        assert_eq!(
            link.validity.status,
            Status::UnderConstruction,
            "{}",
            link.key
        );
        assert_eq!(link.validity.opening_year, Some(2027), "{}", link.key);
    }
    let gauge_change = network
        .handlings_at(bakhty)
        .iter()
        .map(|&id| network.handling(id))
        .find(|h| h.kind == HandlingKind::GaugeChange)
        .expect("Bakhty will change gauge");
    assert!(!gauge_change.validity.is_active_in(2026));
    assert!(gauge_change.validity.is_active_in(2027));
}

#[test]
fn every_number_cites_existing_sources_and_estimates_state_a_method() {
    let network = network();
    for link in network.links() {
        for sources in [
            &link.length_sources,
            &link.time_sources,
            &link.tariff_sources,
        ] {
            assert!(!sources.is_empty(), "{}", link.key);
        }
    }
    for source in network.sources() {
        if source.kind != SourceKind::Published {
            assert!(!source.method.trim().is_empty(), "{}", source.key);
        } else {
            assert!(!source.title.trim().is_empty(), "{}", source.key);
        }
    }
}

#[test]
fn corridors_between_lianyungang_and_duisburg_are_plausible() {
    let network = network();
    let from = network
        .find_place("Lianyungang", 0.0)
        .expect("known")
        .node();
    let to = network.find_place("Duisburg", 0.0).expect("known").node();
    let options = RouteOptions::defaults(&network);
    let outcomes = route::best_by_corridor(&network, &options, from, to).expect("valid");
    let days = |key: &str| {
        let outcome = outcomes
            .iter()
            .find(|o| network.corridor(o.corridor).key == key)
            .expect("declared corridor");
        let itinerary = outcome.result.as_ref().expect("a route");
        (itinerary.totals.hours / 24.0, itinerary.km)
    };
    let (northern_days, northern_km) = days("northern");
    let (suez_days, suez_km) = days("sea_suez");
    let (cape_days, _) = days("sea_cape");
    let (middle_days, _) = days("middle");
    // Published reference points, not model inputs: the New Eurasian Land Bridge is
    // 10,800–10,900 km; rail is quoted at roughly a third to a half of the sea time.
    assert!((10_000.0..12_500.0).contains(&northern_km), "{northern_km}");
    assert!((12.0..25.0).contains(&northern_days), "{northern_days}");
    assert!(suez_km > 1.6 * northern_km);
    assert!(
        suez_days > 1.8 * northern_days,
        "{suez_days} vs {northern_days}"
    );
    assert!(cape_days > suez_days + 5.0, "{cape_days} vs {suez_days}");
    assert!(
        middle_days > northern_days,
        "{middle_days} vs {northern_days}"
    );
}

/// The best route for each objective, reported as corridor *c*, must be the best route
/// `corridors` reports for *c* too: otherwise a link it uses lacks the tag *c* in links.csv
/// (or the best route is a hybrid of corridors, which the tags should make explicit).
#[test]
fn corridor_tags_cover_the_routes_classified_under_them() {
    let network = network();
    let origins = [
        "Lianyungang",
        "Xi'an",
        "Chongqing",
        "Chengdu",
        "Zhengzhou",
        "Yiwu",
        "Urumqi",
    ];
    let destinations = [
        "Duisburg", "Hamburg", "Łódź", "Istanbul", "Poti", "Tashkent", "Moscow",
    ];
    let mut problems = Vec::new();
    for objective in Objective::ALL {
        let options = RouteOptions {
            objective,
            ..RouteOptions::defaults(&network)
        };
        let scope = Scope::new(&network, &options);
        for origin in origins {
            for destination in destinations {
                let from = network.find_place(origin, 0.0).expect("known").node();
                let to = network.find_place(destination, 0.0).expect("known").node();
                let best = route::best_by_corridor(&network, &options, from, to).expect("valid");
                let routes = route::alternatives(&network, &options, from, to, 1).expect("valid");
                for itinerary in routes {
                    let Some(corridor) = itinerary.corridor else {
                        continue;
                    };
                    let value = scope.scalar(itinerary.totals);
                    let corridor_best = best
                        .iter()
                        .find(|o| o.corridor == corridor)
                        .and_then(|o| o.result.as_ref().ok())
                        .map(|it| scope.scalar(it.totals));
                    // A genuine hybrid: the fastest way to Poti goes the southern way to Kars and
                    // back east over the Baku–Tbilisi–Kars line, which is Middle Corridor track.
                    let known_hybrid = destination == "Poti"
                        && objective == Objective::Time
                        && network.corridor(corridor).key == "southern";
                    if !known_hybrid && corridor_best.is_none_or(|b| b > value + 1e-6) {
                        problems.push(format!(
                            "{origin} → {destination} by {}: a {} route ({value:.0}) beats the corridor's best ({corridor_best:?}); untagged links: {:?}",
                            objective.as_str(),
                            network.corridor(corridor).key,
                            itinerary
                                .legs
                                .iter()
                                .map(|leg| network.link(leg.link))
                                .filter(|link| !link.corridors.is_empty() && !link.corridors.contains(&corridor))
                                .map(|link| link.key.as_str())
                                .collect::<Vec<_>>()
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn most_links_have_a_line_within_half_their_length() {
    let network = network();
    let shaped: Vec<_> = (0..network.link_count() as u32)
        .filter_map(|i| {
            network
                .link_shape(silkroute_core::LinkId(i))
                .map(|s| (i, s))
        })
        .collect();
    assert!(
        shaped.len() * 10 >= network.link_count() * 8,
        "{} of {}",
        shaped.len(),
        network.link_count()
    );
    for (index, shape) in shaped {
        let link = network.link(silkroute_core::LinkId(index));
        let share = (shape.network_km - link.length_km).abs() / link.length_km;
        assert!(
            share <= 0.5,
            "{}: {} vs {}",
            link.key,
            shape.network_km,
            link.length_km
        );
        let first = shape.points[0];
        let from = network.node(link.from);
        assert!(
            (first.0 - from.lat).abs() < 1e-4 && (first.1 - from.lon).abs() < 1e-4,
            "{}",
            link.key
        );
    }
}

/// The curated rail patches that `data/geo/eurasia_rail.bin` was built with load, cite sources
/// in `data/geo/SOURCES.toml`, and stay short (a patch bridges a break, it is not a new line).
#[test]
fn rail_patches_load_with_sources_and_stay_short() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/geo/rail_patches.csv");
    let patches = geo::load_geo_patches(&path).expect("rail_patches.csv loads");
    assert!(!patches.is_empty());
    for patch in &patches {
        let km = silkroute_core::geo::great_circle_km(patch.from, patch.to);
        assert!(km <= 20.0, "{}: {km:.1} km", patch.id);
        assert!(
            patch.sources.len() >= 2,
            "{}: the line and the data",
            patch.id
        );
    }
}

/// The sea tags on Chinese rail lines are hinterland legs to the ports: each such line is on
/// the best sea route (searched on the corridor's links) from some Chinese place to some place
/// abroad, for some objective. A sea tag on a line no sea route uses (Lanzhou–Chongqing had
/// one) only makes the line look like part of a sea corridor.
#[test]
fn sea_tags_on_chinese_rail_are_on_some_sea_route_from_china() {
    // A property of the tags on the sourced network: on its sources alone, without the
    // calibrated factors (which shift the balance of hinterland legs).
    let network = network().with_calibration(silkroute_core::network::Calibration::default());
    let sea: Vec<_> = ["sea_suez", "sea_cape"]
        .iter()
        .map(|k| network.corridor_by_key(k).expect("declared"))
        .collect();
    let china = |n: &silkroute_core::network::Node| n.country.as_str() == "CN";
    let mut used = vec![false; network.link_count()];
    for objective in Objective::ALL {
        for &corridor in &sea {
            let options = RouteOptions {
                objective,
                corridor: Some(corridor),
                ..RouteOptions::defaults(&network)
            };
            let scope = Scope::new(&network, &options);
            for (o, origin) in network.nodes().iter().enumerate() {
                if !china(origin) {
                    continue;
                }
                for (d, destination) in network.nodes().iter().enumerate() {
                    if china(destination) {
                        continue;
                    }
                    let from = silkroute_core::network::NodeId(o as u32);
                    let to = silkroute_core::network::NodeId(d as u32);
                    if let Some(path) = route::shortest_path(&scope, from, to).expect("valid") {
                        for leg in route::Itinerary::new(&scope, &path).legs {
                            used[leg.link.index()] = true;
                        }
                    }
                }
            }
        }
    }
    let mut checked = Vec::new();
    for (l, link) in network.links().iter().enumerate() {
        let chinese = china(network.node(link.from)) && china(network.node(link.to));
        if chinese && link.corridors.iter().any(|c| sea.contains(c)) {
            assert!(
                used[l],
                "{} is tagged sea but no sea route uses it",
                link.key
            );
            checked.push(link.key.as_str());
        }
    }
    assert!(checked.contains(&"lanzhou_urumqi_rail"), "{checked:?}");
    assert!(!checked.contains(&"chongqing_lanzhou_rail"), "{checked:?}");
}
