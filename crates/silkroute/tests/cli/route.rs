//! The corridor router through the CLI: golden reports on the hand-made fixture, the default
//! network's answers, places, bad arguments, determinism.

use crate::support::*;

// ---- golden reports on the hand-made fixture (independent of the default data) ----

#[test]
fn mini_route_table_matches_golden() {
    let mini = repo("testdata/mini");
    check_golden(
        "mini_route.txt",
        &stdout_of(&["--data", &mini, "route", "East City", "West City"]),
    );
}

#[test]
fn mini_reports_in_every_format_match_golden() {
    let mini = repo("testdata/mini");
    for (name, args) in [
        ("mini_route.json", vec!["route", "--format", "json"]),
        (
            "mini_route.geojson",
            vec!["route", "--alternatives", "1", "--format", "geojson"],
        ),
        ("mini_route.csv", vec!["route", "--format", "csv"]),
        ("mini_pareto.txt", vec!["route", "--pareto"]),
        ("mini_corridors.txt", vec!["corridors", "--avoid", "BY"]),
        ("mini_places.txt", vec!["places"]),
        ("mini_network.txt", vec!["network"]),
    ] {
        let mut full = vec!["--data", mini.as_str()];
        full.extend(args);
        check_golden(name, &stdout_of(&full));
    }
}

// ---- the default network ----

#[test]
fn default_route_report_matches_golden() {
    check_golden("route_lianyungang_duisburg.txt", &stdout_of(&["route"]));
    check_golden(
        "corridors_lianyungang_duisburg.txt",
        &stdout_of(&["corridors", "Lianyungang", "Duisburg"]),
    );
}

#[test]
fn route_json_has_the_documented_fields() {
    let report = json(&["route", "Lianyungang", "Duisburg", "--format", "json"]);
    let routes = report["routes"].as_array().expect("routes array");
    assert_eq!(routes.len(), 5);
    for route in routes {
        for field in [
            "corridor",
            "total_hours",
            "total_km",
            "total_cost_usd",
            "total_co2e_kg",
        ] {
            assert!(!route[field].is_null(), "route lacks {field}");
        }
        let legs = route["legs"].as_array().expect("legs");
        assert!(!legs.is_empty());
        let mut km = 0.0;
        for leg in legs {
            for field in ["from", "to", "mode", "km", "hours", "cost_usd", "co2e_kg"] {
                assert!(!leg[field].is_null(), "leg lacks {field}");
            }
            km += leg["km"].as_f64().expect("number");
        }
        let total = route["total_km"].as_f64().expect("number");
        assert!(
            (km - total).abs() < 0.1 * legs.len() as f64,
            "{km} vs {total}"
        );
        // Every cited source resolves.
        let cited: Vec<&str> = report["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .map(|s| s["id"].as_str().expect("id"))
            .collect();
        for source in route["sources"].as_array().expect("sources") {
            assert!(cited.contains(&source.as_str().expect("id")));
        }
    }
}

#[test]
fn a_carbon_price_is_in_the_query_and_in_every_usd() {
    let args = [
        "route",
        "Lianyungang",
        "Duisburg",
        "--by",
        "cost",
        "--format",
        "json",
    ];
    let free = json(&args);
    assert!(
        free["query"].get("carbon_usd_per_t").is_none(),
        "{}",
        free["query"]
    );
    let charged = json(&[&args[..], &["--carbon-price", "100"]].concat());
    assert_eq!(charged["query"]["carbon_usd_per_t"], 100.0);
    let (free, charged) = (&free["routes"][0], &charged["routes"][0]);
    assert_eq!(free["corridor"], charged["corridor"]);
    let number = |route: &serde_json::Value, field: &str| route[field].as_f64().expect(field);
    let charge = 100.0 * number(free, "total_co2e_kg") / 1000.0;
    let added = number(charged, "total_cost_usd") - number(free, "total_cost_usd");
    assert!((added - charge).abs() <= 0.1, "{added} vs {charge}");
    let table = stdout_of(&["route", "Lianyungang", "Duisburg", "--carbon-price", "85.5"]);
    assert!(table.contains(" · carbon $85.5/t CO2e"), "{table}");
}

#[test]
fn lianyungang_duisburg_offers_distinct_corridors() {
    let report = default_question_json();
    let corridors: Vec<&str> = report["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .map(|r| r["corridor"].as_str().expect("corridor"))
        .collect();
    for expected in ["northern", "middle", "sea_suez"] {
        assert!(
            corridors.contains(&expected),
            "{expected} missing from {corridors:?}"
        );
    }
    let mut unique = corridors.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(
        unique.len(),
        corridors.len(),
        "one route per corridor first: {corridors:?}"
    );
}

#[test]
fn northern_route_changes_gauge_twice() {
    let report = default_question_json();
    let northern = report["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .find(|r| r["corridor"] == "northern")
        .expect("a northern route");
    let gauge_changes: Vec<&str> = northern["transfers"]
        .as_array()
        .expect("transfers")
        .iter()
        .filter(|t| t["kind"] == "gauge_change")
        .map(|t| t["reason"].as_str().expect("reason"))
        .collect();
    assert_eq!(gauge_changes.len(), 2, "{gauge_changes:?}");
    assert!(gauge_changes[0].contains("1435 → 1520"));
    assert!(gauge_changes[1].contains("1520 → 1435"));
}

#[test]
fn avoiding_russia_removes_russian_places() {
    let report = json(&[
        "route",
        "Lianyungang",
        "Duisburg",
        "--avoid",
        "RU",
        "--alternatives",
        "5",
        "--format",
        "json",
    ]);
    let places = json(&["places", "--format", "json"]);
    let russian: Vec<&str> = places
        .as_array()
        .expect("places")
        .iter()
        .filter(|p| p["country"] == "RU")
        .map(|p| p["id"].as_str().expect("id"))
        .collect();
    assert!(!russian.is_empty());
    for route in report["routes"].as_array().expect("routes") {
        assert_ne!(route["corridor"], "northern");
        for leg in route["legs"].as_array().expect("legs") {
            for end in ["from", "to"] {
                assert!(!russian.contains(&leg[end].as_str().expect("id")), "{leg}");
            }
        }
    }
}

#[test]
fn year_includes_the_third_crossing_only_once_open() {
    let network_2026 = stdout_of(&["network"]);
    assert!(
        network_2026.contains("2027"),
        "the network lists what opens after its year"
    );
    // Karamay–Tacheng–Bakhty–Ayagoz is far shorter than the detour via Alashankou–Dostyk.
    let route = |year: &str| {
        json(&[
            "route",
            "Karamay",
            "Ayagoz",
            "--by",
            "time",
            "--year",
            year,
            "--alternatives",
            "1",
            "--format",
            "json",
        ])
    };
    let uses_bakhty_line = |report: &serde_json::Value| {
        report["routes"][0]["legs"]
            .as_array()
            .expect("legs")
            .iter()
            .any(|leg| leg["link"] == "ayagoz_bakhty_rail")
    };
    assert!(!uses_bakhty_line(&route("2026")));
    assert!(uses_bakhty_line(&route("2030")));
}

#[test]
fn places_match_aliases_diacritics_and_coordinates() {
    for (query, id) in [
        ("Khorgas", "khorgos_cn"),
        ("Horgos", "khorgos_cn"),
        ("Alataw Pass", "alashankou"),
        ("Druzhba", "dostyk"),
        ("Nur-Sultan", "astana"),
        ("Alma-Ata", "almaty"),
        ("malaszewicze", "malaszewicze"),
        ("MAŁASZEWICZE", "malaszewicze"),
        ("xian", "xian"),
    ] {
        let report = json(&[
            "route",
            query,
            "Duisburg",
            "--alternatives",
            "1",
            "--format",
            "json",
        ]);
        assert_eq!(report["from"]["id"], id, "{query}");
    }
    let report = json(&[
        "route",
        "43.65,51.17",
        "41.72,44.79",
        "--alternatives",
        "1",
        "--format",
        "json",
    ]);
    assert_eq!(report["from"]["id"], "aktau");
    assert!(
        report["from"]["snapped_km"]
            .as_f64()
            .expect("snap distance")
            < 5.0
    );
    let table = stdout_of(&["route", "43.65,51.17", "Baku", "--alternatives", "1"]);
    assert!(table.contains("snapped"), "{table}");
}

#[test]
fn unknown_place_suggests_and_exits_2() {
    let output = silkroute(&["route", "Lianyungng", "Duisburg"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown place `Lianyungng`"), "{stderr}");
    assert!(
        stderr.contains("did you mean") && stderr.contains("Lianyungang"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn bad_arguments_exit_2_with_a_reason() {
    for (args, expected) in [
        (vec!["route", "Lianyungang", "Lianyungang"], "same place"),
        (
            vec!["route", "--alternatives", "1000"],
            "--alternatives 1000",
        ),
        (vec!["route", "--year", "1066"], "--year 1066"),
        (vec!["route", "--payload-t=-3"], "--payload-t -3"),
        (vec!["route", "--avoid", "Atlantis"], "--avoid Atlantis"),
        (vec!["route", "0,0", "Duisburg"], "snapping limit"),
        (vec!["route", "95,0", "Duisburg"], "out of range"),
        (
            vec!["route", "Lianyungang", "Duisburg", "--avoid", "CN"],
            "excluded",
        ),
        (
            vec!["route", "Aktau", "Baku", "--avoid", "ferry,sea,RU,IR"],
            "no route",
        ),
        (vec!["places", "zzzzzz"], "no place matches"),
        // See: issue #9 — clap took a negative value for an unknown flag, and `XX` closed
        // nothing, silently.
        (
            vec!["route", "--payload-t", "-5"],
            "--payload-t -5: expected a number of tonnes in (0, 40]",
        ),
        (
            vec!["route", "--avoid", "XX"],
            "--avoid XX: no place of the network is in XX",
        ),
        (
            vec!["route", "41.0,51.5", "Baku"],
            "snapped to Baku, 152 km away, which is also the destination",
        ),
        (
            vec!["route", "76.9,43.2", "Duisburg"],
            "did you swap latitude and longitude? `43.2,76.9`",
        ),
        (
            vec!["assign", "--time-limit", "1e308"],
            "--time-limit 1e308: expected a positive number of seconds",
        ),
        (
            vec!["route", "-33.9,18.4", "Duisburg"],
            "`-33.9,18.4`: the nearest place, Colombo",
        ),
        (
            vec!["route", "--service", "bullet"],
            "--service bullet: unknown service class (the network has express, block, groupage)",
        ),
        (
            vec!["route", "--month", "13"],
            "--month 13: expected a month 1–12",
        ),
        (
            vec!["corridors", "--month", "0"],
            "--month 0: expected a month 1–12",
        ),
        (
            vec!["route", "--sea-rate", "0"],
            "--sea-rate 0: expected a level",
        ),
        (vec!["route", "--risk", "RU"], "--risk RU: expected CC=USD"),
        (
            vec!["assign", "--risk", "RU=-5"],
            "--risk RU=-5: expected CC=USD",
        ),
        (
            vec!["assign", "--sea-rate", "99"],
            "--sea-rate 99: expected a level",
        ),
        (
            vec!["route", "--carbon-price", "-5"],
            "--carbon-price -5: expected a carbon price between 0 and 10,000 USD per tonne CO2e",
        ),
        (
            vec!["corridors", "--carbon-price", "NaN"],
            "--carbon-price NaN: expected a carbon price",
        ),
        (
            vec!["assign", "--carbon-price", "1e6"],
            "--carbon-price 1000000: expected a carbon price",
        ),
    ] {
        let output = silkroute(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// `validate` lists every problem, one per line, then how many. See: issue #9
#[test]
fn validate_lists_every_problem_issue_9() {
    let tmp = temp_dir();
    let dir = tmp.path().join("net");
    std::fs::create_dir(&dir).expect("dir");
    for entry in std::fs::read_dir(repo("testdata/mini")).expect("mini") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("text");
        let text = match path.file_name().and_then(|n| n.to_str()) {
            Some("nodes.csv") => text.replace("KZ,47.0,74.0", "KZ,47.0,740.0"),
            Some("demand.csv") => text.replacen("express,30000", "express,-3", 1),
            _ => text,
        };
        std::fs::write(dir.join(path.file_name().expect("name")), text).expect("write");
    }
    let dir = dir.to_string_lossy().into_owned();
    let output = silkroute(&["validate", &dir]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(
        lines[0].ends_with("nodes.csv:6: lon: 740 is outside [-180, 180]"),
        "{stderr}"
    );
    assert!(
        lines[1].ends_with("demand.csv:6: teu_per_year: must be ≥ 0, found -3"),
        "{stderr}"
    );
    assert!(
        lines[2].ends_with("is not a valid network: 2 problems (listed above)"),
        "{stderr}"
    );
}

/// `network --format csv` is one row per link and `--format geojson` the network as a map;
/// both printed JSON before. See: issue #9
#[test]
fn network_prints_links_as_csv_and_the_network_as_geojson_issue_9() {
    let csv = stdout_of(&["network", "--format", "csv"]);
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .is_some_and(|h| h.starts_with("link,from,to,name,mode,gauge_mm,km,")),
        "{csv}"
    );
    assert_eq!(lines.count(), 134);
    assert!(csv.contains("\ndostyk_aktogay_rail_double,"), "{csv}");
    let geojson: serde_json::Value =
        serde_json::from_str(&stdout_of(&["network", "--format", "geojson"])).expect("JSON");
    let features = geojson["features"].as_array().expect("features");
    let points = features
        .iter()
        .filter(|f| f["geometry"]["type"] == "Point")
        .count();
    assert_eq!(points, 100);
    assert_eq!(features.len(), 100 + 134);
    let dostyk = features
        .iter()
        .find(|f| f["properties"]["id"] == "dostyk")
        .expect("Dostyk");
    assert!(
        dostyk["properties"]["handling"]
            .as_array()
            .is_some_and(|h| h.iter().any(|k| k == "gauge_change"))
    );
}

#[test]
fn every_subcommand_runs_on_the_default_network() {
    for args in [
        vec!["route"],
        vec!["route", "--pareto", "--format", "json"],
        vec![
            "route",
            "Chongqing",
            "Istanbul",
            "--by",
            "co2",
            "--format",
            "csv",
        ],
        vec![
            "route", "Xi'an", "Poti", "--by", "cost", "--format", "geojson",
        ],
        vec!["corridors", "Chengdu", "Łódź", "--format", "json"],
        vec!["corridors", "Almaty", "Tashkent"],
        vec!["places"],
        vec!["places", "KZ", "--format", "csv"],
        vec!["network"],
        vec!["network", "--format", "json"],
    ] {
        let out = stdout_of(&args);
        assert!(!out.trim().is_empty(), "{args:?} printed nothing");
    }
    let validate = stdout_of(&["validate", &repo("data/default")]);
    assert!(validate.contains("ok:"), "{validate}");
}

#[test]
fn pareto_routes_are_mutually_non_dominated() {
    let report = json(&[
        "route",
        "Lianyungang",
        "Duisburg",
        "--pareto",
        "--format",
        "json",
    ]);
    let vectors: Vec<[f64; 3]> = report["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .map(|r| {
            [
                r["total_hours"].as_f64().expect("n"),
                r["total_cost_usd"].as_f64().expect("n"),
                r["total_co2e_kg"].as_f64().expect("n"),
            ]
        })
        .collect();
    assert!(
        vectors.len() >= 2,
        "time, cost and CO2e disagree on this pair"
    );
    for (i, a) in vectors.iter().enumerate() {
        for (j, b) in vectors.iter().enumerate() {
            // Rounded to 0.1, so allow that much slack.
            let dominates = i != j && (0..3).all(|k| a[k] + 0.1 < b[k]);
            assert!(!dominates, "{a:?} dominates {b:?}");
        }
    }
}

#[test]
fn output_is_deterministic() {
    for args in [
        vec!["route", "--format", "json", "--alternatives", "5"],
        vec!["route", "--pareto"],
        vec!["corridors", "Xi'an", "Hamburg", "--format", "csv"],
    ] {
        assert_eq!(stdout_of(&args), stdout_of(&args), "{args:?}");
    }
}

#[test]
fn closing_suez_keeps_the_cape_route() {
    let report = json(&[
        "route",
        "Lianyungang",
        "Duisburg",
        "--avoid",
        "sea_suez",
        "--format",
        "json",
    ]);
    let corridors: Vec<&str> = report["routes"]
        .as_array()
        .expect("routes")
        .iter()
        .map(|r| r["corridor"].as_str().expect("corridor"))
        .collect();
    assert!(!corridors.contains(&"sea_suez"), "{corridors:?}");
    assert!(
        corridors.contains(&"sea_cape"),
        "the shared Asian legs stay open: {corridors:?}"
    );
    for route in report["routes"].as_array().expect("routes") {
        for leg in route["legs"].as_array().expect("legs") {
            assert_ne!(leg["to"], "suez", "{leg}");
        }
    }
}

/// A service class and a month change the answer and say so in the title.
#[test]
fn service_class_and_month_change_the_answer() {
    let days = |args: &[&str]| -> f64 {
        let mut full = vec![
            "route", "Xian", "Duisburg", "--by", "time", "--format", "json",
        ];
        full.extend(args);
        let report: serde_json::Value = serde_json::from_str(&stdout_of(&full)).expect("JSON");
        report["routes"][0]["total_days"].as_f64().expect("days")
    };
    let (express, block) = (days(&["--service", "express"]), days(&[]));
    assert!(express < block, "{express} vs {block}");
    let title = stdout_of(&[
        "route",
        "Altynkol",
        "Baku",
        "--service",
        "express",
        "--month",
        "12",
    ]);
    assert!(
        title.contains("express trains · sailings of month 12"),
        "{title}"
    );
    let kuryk = |month: &str| -> f64 {
        let out = stdout_of(&[
            "route", "Altynkol", "Baku", "--by", "time", "--month", month, "--format", "json",
        ]);
        let report: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        report["routes"][0]["total_days"].as_f64().expect("days")
    };
    assert!(kuryk("7") < kuryk("12"));
}

// ---- reliability files (simulated transit times) ----

/// A reliability file of the default network's hours today (for the default service class,
/// year and month): each handling kind at each node the hours of its row active in the year,
/// each link its wait; `{}` writes the shortest text that reads back as the same number.
fn zero_variance_file(dir: &std::path::Path) -> String {
    use silkroute_core::network::{HandlingKind, LinkId, NodeId, load_default};
    use silkroute_core::route::{RouteOptions, Scope};
    use std::fmt::Write as _;
    let (network, _) = load_default().expect("the default network loads");
    let scope = Scope::new(&network, &RouteOptions::defaults(&network));
    let mut text =
        String::from("element,samples,mean_hours,p50_hours,p90_hours,p95_hours,source\n");
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
    let path = dir.join("today.csv");
    std::fs::write(&path, text).expect("written");
    path.to_string_lossy().into_owned()
}

/// With a file whose every statistic is today's hours, every route report is today's, byte
/// for byte, whatever the statistic and the value of reliability (no spread, no charge); only
/// the query says which file was used (the JSON's `query.reliability`, the table's title).
#[test]
fn route_with_a_zero_variance_file_prints_todays_bytes() {
    let dir = temp_dir();
    let file = zero_variance_file(dir.path());
    let mut dostyk = false;
    let mut caspian = false;
    for (from, to) in [
        ("Lianyungang", "Duisburg"),
        ("Chengdu", "Baku"),
        ("Xi'an", "Tbilisi"),
        ("Ürümqi", "Moscow"),
    ] {
        for (by, extra) in [
            ("time", vec![]),
            ("generalized", vec!["--value-of-reliability", "900"]),
            ("p95", vec![]),
        ] {
            let today_by = if by == "p95" { "time" } else { by };
            for format in ["csv", "geojson", "table", "json"] {
                let today = stdout_of(&["route", from, to, "--by", today_by, "--format", format]);
                let mut args = vec![
                    "route",
                    from,
                    to,
                    "--by",
                    by,
                    "--format",
                    format,
                    "--reliability",
                    &file,
                ];
                args.extend(&extra);
                let simulated = stdout_of(&args);
                match format {
                    "table" => {
                        let (title, rest) = simulated.split_once('\n').expect("a title");
                        let statistic = if by == "p95" { "p95" } else { "mean" };
                        assert!(
                            title.contains(&format!(" · {statistic} hours of {file}")),
                            "{title}"
                        );
                        assert_eq!(today.split_once('\n').expect("a title").1, rest);
                    }
                    "json" => {
                        let today: serde_json::Value = serde_json::from_str(&today).expect("JSON");
                        let mut simulated: serde_json::Value =
                            serde_json::from_str(&simulated).expect("JSON");
                        assert!(today["query"].get("reliability").is_none());
                        let record = simulated["query"]
                            .as_object_mut()
                            .expect("query")
                            .remove("reliability")
                            .expect("the file is named");
                        assert_eq!(record["file"], file.as_str());
                        assert_eq!(record["sources"], serde_json::json!(["today"]));
                        assert_eq!(today, simulated, "{from} → {to} by {by}");
                        for route in today["routes"].as_array().expect("routes") {
                            let text = route.to_string();
                            dostyk |= text.contains("\"node\":\"dostyk\"");
                            caspian |= text.contains("\"mode\":\"ferry\"");
                        }
                    }
                    _ => assert_eq!(today, simulated, "{from} → {to} by {by} as {format}"),
                }
            }
        }
    }
    assert!(
        dostyk && caspian,
        "the pairs change gauge at Dostyk and cross the Caspian"
    );
    // `corridors` takes the same options.
    let today = stdout_of(&["corridors", "Chengdu", "Baku", "--format", "csv"]);
    let simulated = stdout_of(&[
        "corridors",
        "Chengdu",
        "Baku",
        "--format",
        "csv",
        "--by",
        "p95",
        "--reliability",
        &file,
    ]);
    let today_by_time = stdout_of(&[
        "corridors",
        "Chengdu",
        "Baku",
        "--format",
        "csv",
        "--by",
        "time",
    ]);
    assert_eq!(today_by_time, simulated);
    assert!(!today.is_empty());
}

/// The transfer places of the first route.
fn transfer_places(report: &serde_json::Value) -> Vec<String> {
    report["routes"][0]["transfers"]
        .as_array()
        .expect("transfers")
        .iter()
        .map(|t| t["node"].as_str().expect("node").to_string())
        .collect()
}

#[test]
fn route_by_p95_avoids_dostyk_when_its_tail_is_long() {
    let file = repo("testdata/reliability/dostyk_p95.csv");
    let base = [
        "route",
        "Chengdu",
        "Baku",
        "--alternatives",
        "1",
        "--format",
        "json",
    ];
    let today = json(&[&base[..], &["--by", "time"]].concat());
    assert!(transfer_places(&today).contains(&"dostyk".to_string()));
    for by in ["time", "p50", "p90"] {
        let report = json(&[&base[..], &["--by", by, "--reliability", &file]].concat());
        assert!(
            transfer_places(&report).contains(&"dostyk".to_string()),
            "{by}: {report}"
        );
    }
    let p95 = json(&[&base[..], &["--by", "p95", "--reliability", &file]].concat());
    let places = transfer_places(&p95);
    assert!(!places.contains(&"dostyk".to_string()), "{places:?}");
    assert!(places.contains(&"altynkol".to_string()), "{places:?}");
    let record = &p95["query"]["reliability"];
    assert_eq!(record["file"], file.as_str());
    assert_eq!(record["statistic"], "p95");
    assert_eq!(record["elements"], 1);
    assert_eq!(record["value_of_reliability_usd_per_day"], 0.0);
    assert_eq!(
        record["sources"],
        serde_json::json!(["HAND-MADE-DOSTYK-TAIL"])
    );
    assert_eq!(p95["query"]["by"], "time");
}

#[test]
fn route_value_of_reliability_adds_its_charge_on_the_spreads_used() {
    // Through Dostyk by the mean hours: its spread is 36 − 6.5 = 29.5 h; at USD 240 per
    // FEU-day the charge is USD 295, in the USD and the generalized cost, nowhere else.
    let file = repo("testdata/reliability/dostyk_p95.csv");
    let args = [
        "route",
        "Chengdu",
        "Baku",
        "--by",
        "time",
        "--alternatives",
        "1",
        "--format",
        "json",
        "--reliability",
        &file,
    ];
    let free = json(&args);
    let charged = json(&[&args[..], &["--value-of-reliability", "240"]].concat());
    assert_eq!(
        charged["query"]["reliability"]["value_of_reliability_usd_per_day"],
        240.0
    );
    let (free, charged) = (&free["routes"][0], &charged["routes"][0]);
    assert_eq!(free["legs"], charged["legs"]);
    assert!(transfer_places(&serde_json::json!({"routes": [free]})).contains(&"dostyk".into()));
    let number = |route: &serde_json::Value, field: &str| route[field].as_f64().expect(field);
    let charge = 240.0 * 29.5 / 24.0;
    for field in ["total_cost_usd", "generalized_cost_usd"] {
        let added = number(charged, field) - number(free, field);
        assert!(
            (added - charge).abs() <= 0.1,
            "{field}: {added} vs {charge}"
        );
    }
    assert_eq!(free["total_hours"], charged["total_hours"]);
    let title = stdout_of(&[
        "route",
        "Chengdu",
        "Baku",
        "--reliability",
        &file,
        "--value-of-reliability",
        "240",
        "--summary",
    ]);
    assert!(
        title.contains(" · mean hours of ")
            && title.contains(" · reliability $240/FEU-day of p95 − p50"),
        "{title}"
    );
}

#[test]
fn route_reliability_errors_name_the_flag_or_the_file_line_and_field() {
    for (args, expected) in [
        (
            vec!["route", "--by", "p95"],
            "--by p95: needs --reliability FILE",
        ),
        (
            vec!["corridors", "--by", "p50"],
            "--by p50: needs --reliability FILE",
        ),
        (
            vec!["route", "--value-of-reliability", "50"],
            "--value-of-reliability 50: needs --reliability FILE",
        ),
        (
            vec!["route", "--value-of-reliability", "-1"],
            "--value-of-reliability -1: expected USD per FEU per day of p95 − p50 between 0 and 100,000",
        ),
        (
            vec!["route", "--value-of-reliability", "NaN"],
            "--value-of-reliability NaN: expected",
        ),
        (
            vec!["route", "--reliability", "/nonexistent/reliability.csv"],
            "--reliability: /nonexistent/reliability.csv: cannot read",
        ),
    ] {
        let output = silkroute(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    let broken = std::path::Path::new(&repo("testdata/reliability/broken")).to_path_buf();
    let mut cases = 0;
    for entry in std::fs::read_dir(&broken).expect("testdata/reliability/broken") {
        let dir = entry.expect("entry").path();
        let expected = std::fs::read_to_string(dir.join("expected.txt")).expect("expected.txt");
        let file = dir.join("reliability.csv").to_string_lossy().into_owned();
        let output = silkroute(&["route", "Chengdu", "Baku", "--reliability", &file]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{file}: {stderr}");
        assert!(stderr.contains(expected.trim()), "{file}: {stderr}");
        assert!(!stderr.contains("panicked"), "{file}: {stderr}");
        cases += 1;
    }
    assert!(cases >= 10, "{cases}");
}
