//! Runs the built `silkroute` binary on the default network and on testdata/, comparing reports
//! with golden files (regenerate with `UPDATE_GOLDEN=1 cargo test -p silkroute --test cli`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn silkroute(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args(args)
        .env("COLUMNS", "120")
        // Geographic caches go to a temporary folder, never the user's ~/.cache.
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join(format!("silkroute-test-cache-{}", std::process::id())),
        )
        .output()
        .expect("the binary runs")
}

fn stdout_of(args: &[&str]) -> String {
    let output = silkroute(args);
    assert!(
        output.status.success(),
        "silkroute {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

fn repo(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.join(path).to_string_lossy().into_owned()
}

fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compares `actual` with a golden file, or rewrites it when `UPDATE_GOLDEN` is set.
fn check_golden(name: &str, actual: &str) {
    let path = golden(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).expect("golden file is writable");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}; run with UPDATE_GOLDEN=1",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(actual.lines().count()));
        panic!(
            "{} differs from the output at line {}:\n expected: {:?}\n   actual: {:?}\n(UPDATE_GOLDEN=1 rewrites it after review)",
            path.display(),
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&stdout_of(args)).expect("valid JSON")
}

/// The five routes of the default question, as JSON.
fn default_question_json() -> serde_json::Value {
    json(&["route", "Lianyungang", "Duisburg", "--format", "json"])
}

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
    ] {
        let output = silkroute(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
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

// ---- geographic networks ----

#[test]
fn geo_route_follows_the_network_and_snaps() {
    let tiny = repo("testdata/geo_tiny");
    let report = json(&[
        "geo",
        "route",
        "43.65,51.17",
        "47.1,51.9",
        "--network",
        &tiny,
        "--format",
        "json",
    ]);
    assert_eq!(
        report["km"], 800.75,
        "380.5 + 420.25 beats the 900 km shortcut"
    );
    assert_eq!(report["nodes"], 3);
    assert_eq!(report["origin"]["node"], "0");
    // The isolated node 6 is nearer to this point, but has no edge: default snapping skips it.
    let report = json(&[
        "geo",
        "route",
        "43.661,51.181",
        "47.1,51.9",
        "--network",
        &tiny,
        "--format",
        "json",
    ]);
    assert_eq!(report["origin"]["node"], "0");
}

#[test]
fn geo_route_explains_a_cut_off_destination() {
    let tiny = repo("testdata/geo_tiny");
    let output = silkroute(&[
        "geo",
        "route",
        "43.65,51.17",
        "41.72,44.79",
        "--network",
        &tiny,
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("is connected to the origin's part of the network"),
        "{stderr}"
    );
}

#[test]
fn geo_queries_print_one_row_each_and_time_them() {
    let tiny = repo("testdata/geo_tiny");
    let dir = std::env::temp_dir().join(format!("silkroute-geo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let queries = dir.join("queries.csv");
    std::fs::write(
        &queries,
        "olat,olon,dlat,dlon\n43.65,51.17,47.1,51.9\n43.65,51.17,41.72,44.79\n43.66,51.18,43.65,51.17\n44,52,44.01,52\n",
    )
    .expect("writable");
    let queries = queries.to_string_lossy().into_owned();
    let output = silkroute(&[
        "geo",
        "route",
        "--network",
        &tiny,
        "--queries",
        &queries,
        "--snap",
        "scgraph",
    ]);
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let rows: Vec<&str> = stdout.lines().collect();
    assert_eq!(rows[0], "km,olat,olon,dlat,dlon");
    assert!(rows[1].starts_with("800.750,"), "{}", rows[1]);
    assert!(
        rows[2].starts_with(','),
        "different components: no path: {}",
        rows[2]
    );
    // scgraph semantics: the origin snaps to the isolated node 6 right under it, so there is
    // no path (scgraph fails the same way).
    assert!(rows[3].starts_with(','), "{}", rows[3]);
    // Two points 1 km apart, ~70 km from the network: the straight line is the answer.
    let km: f64 = rows[4]
        .split(',')
        .next()
        .expect("km")
        .parse()
        .expect("number");
    assert!(km > 1.0 && km < 1.2, "{km}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("queries=4 total_ms="), "{stderr}");
    assert!(
        stderr.contains("median_us=") && stderr.contains("p90_us="),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn geo_bad_network_file_is_reported_with_its_line() {
    let dir = std::env::temp_dir().join(format!("silkroute-geo-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(dir.join("nodes.csv"), "id,lat,lon\n0,1,2\n1,1,3\n").expect("writable");
    std::fs::write(dir.join("edges.csv"), "from,to,km\n0,1,5\n0,9,5\n").expect("writable");
    let network = dir.to_string_lossy().into_owned();
    let output = silkroute(&["geo", "route", "1,2", "1,3", "--network", &network]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("edges.csv:3: to: unknown node `9`"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("silkroute-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn geo_matrix_agrees_with_single_routes() {
    let tiny = repo("testdata/geo_tiny");
    let dir = temp_dir("matrix");
    let points = dir.join("points.csv");
    std::fs::write(
        &points,
        "lat,lon\n43.65,51.17\n47.1,51.9\n45.3,55.2\n41.72,44.79\n",
    )
    .expect("writable");
    let points = points.to_string_lossy().into_owned();
    let output = silkroute(&["geo", "matrix", &points, "--network", &tiny, "--no-cache"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let rows: Vec<Vec<&str>> = stdout.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows[0], vec!["0", "1", "2", "3"]);
    assert_eq!(rows[1][1], "800.750");
    assert_eq!(rows[2][1], "0.000");
    assert_eq!(rows[1][2], "380.500");
    assert_eq!(rows[1][3], "", "different components");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("points=4 pairs=16 total_ms="),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn geo_cache_is_written_reused_and_rebuilt_when_corrupt() {
    let tiny = repo("testdata/geo_tiny");
    let dir = temp_dir("cache");
    let cache = dir.join("tiny.bin");
    let cache_arg = cache.to_string_lossy().into_owned();
    let route = || {
        silkroute(&[
            "geo",
            "route",
            "43.65,51.17",
            "47.1,51.9",
            "--network",
            &tiny,
            "--cache",
            &cache_arg,
            "--format",
            "json",
        ])
    };
    let first = route();
    assert!(first.status.success());
    assert!(cache.exists(), "the first run writes the cache");
    let second = route();
    assert_eq!(first.stdout, second.stdout);
    assert!(
        second.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let mut bytes = std::fs::read(&cache).expect("readable");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&cache, &bytes).expect("writable");
    let third = route();
    assert!(third.status.success());
    assert_eq!(first.stdout, third.stdout);
    let stderr = String::from_utf8_lossy(&third.stderr);
    assert!(
        stderr.contains("corrupt cache") && stderr.contains("rebuilding"),
        "{stderr}"
    );
    assert!(route().stderr.is_empty(), "the rebuilt cache is valid");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn network_heal_joins_a_near_miss_and_reports_it() {
    let dir = temp_dir("heal");
    let source = dir.join("source");
    std::fs::create_dir_all(&source).expect("dir");
    std::fs::write(
        source.join("nodes.csv"),
        "id,lat,lon\na,45.0,80.0\nb,45.0,80.1\nc,45.0,80.2\nd,44.9,80.2045\ne,45.0045,80.2045\nf,45.1,80.2045\n",
    )
    .expect("writable");
    std::fs::write(
        source.join("edges.csv"),
        "from,to,km\na,b,7.9\nb,c,7.9\nd,e,11.6\ne,f,10.6\n",
    )
    .expect("writable");
    let out = dir.join("healed");
    let (source_arg, out_arg) = (
        source.to_string_lossy().into_owned(),
        out.to_string_lossy().into_owned(),
    );
    let stdout = stdout_of(&[
        "network",
        "heal",
        &source_arg,
        "--out",
        &out_arg,
        "--report",
        "-",
    ]);
    assert!(
        stdout.contains("1 connectors (1 join components, 0 close gaps)"),
        "{stdout}"
    );
    assert!(stdout.contains("components 2 → 1"), "{stdout}");
    assert!(stdout.contains("c,e,0.613,joins_components"), "{stdout}");
    let edges = std::fs::read_to_string(out.join("edges.csv")).expect("written");
    assert!(edges.starts_with("from,to,km,healed,patch\n"), "{edges}");
    assert!(
        edges
            .lines()
            .any(|l| l.starts_with("c,e,") && l.ends_with(",1,")),
        "{edges}"
    );
    let routed = json(&[
        "geo",
        "route",
        "45.0,80.0",
        "45.1,80.2045",
        "--network",
        &out_arg,
        "--no-cache",
        "--format",
        "json",
    ]);
    assert!(routed["km"].as_f64().expect("km") < 30.0, "{routed}");
    let bad = silkroute(&["network", "heal", &source_arg, "--threshold-km", "0"]);
    assert_eq!(bad.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn network_heal_adds_curated_patches_and_names_bad_rows() {
    let dir = temp_dir("patches");
    let source = dir.join("source");
    std::fs::create_dir_all(&source).expect("dir");
    // Two lines 10 km apart: too far for healing, joined by a patch.
    std::fs::write(
        source.join("nodes.csv"),
        "id,lat,lon\na,45.0,80.0\nb,45.0,80.1\nc,45.0,80.227\nd,45.0,80.3\n",
    )
    .expect("writable");
    std::fs::write(source.join("edges.csv"), "from,to,km\na,b,7.9\nc,d,5.8\n").expect("writable");
    std::fs::write(
        dir.join("SOURCES.toml"),
        "[[source]]\nid = \"LINE\"\ntitle = \"the line exists\"\nkind = \"published\"\n",
    )
    .expect("writable");
    let patches = dir.join("rail_patches.csv");
    let write_patches = |rows: &str| {
        std::fs::write(
            &patches,
            format!("id,lat1,lon1,lat2,lon2,reason,source\n{rows}"),
        )
        .expect("writable");
    };
    write_patches("gap,45.0,80.1,45.0,80.227,\"a 10 km break\",LINE\n");
    let out = dir.join("healed");
    let args = |out: &Path| {
        vec![
            "network".to_string(),
            "heal".to_string(),
            source.to_string_lossy().into_owned(),
            "--out".to_string(),
            out.to_string_lossy().into_owned(),
            "--patches".to_string(),
            patches.to_string_lossy().into_owned(),
            "--report".to_string(),
            "-".to_string(),
        ]
    };
    let owned = args(&out);
    let stdout = stdout_of(&owned.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        stdout.contains("0 connectors") && stdout.contains("1 patches, 10.0 km in all"),
        "{stdout}"
    );
    assert!(stdout.contains("components 2 → 1"), "{stdout}");
    assert!(stdout.contains("b,c,9.986,patch,"), "{stdout}");
    let edges = std::fs::read_to_string(out.join("edges.csv")).expect("written");
    assert!(edges.contains("b,c,9.986,1,gap\n"), "{edges}");
    let routed = json(&[
        "geo",
        "route",
        "45.0,80.0",
        "45.0,80.3",
        "--network",
        &out.to_string_lossy(),
        "--no-cache",
        "--format",
        "json",
    ]);
    assert!(routed["km"].as_f64().expect("km") < 25.0, "{routed}");
    // Bad rows are named by file, line and field; nothing is written.
    let file = patches.to_string_lossy().into_owned();
    for (rows, expected) in [
        (
            "gap,45.0,80.1,45.5,80.227,r,LINE\n",
            format!("{file}:2: lat2,lon2: patch `gap`: no node with an edge within 1 km"),
        ),
        (
            "# comment\ngap,45.0,80.1,45.0,80.227,r,NOPE\n",
            format!("{file}:3: source: unknown source id `NOPE`"),
        ),
        (
            "gap,45.0,80.1,45.0,80.1,r,LINE\n",
            format!("{file}:2: id: patch `gap`: both ends snap to the same node"),
        ),
        (
            "gap,45.0,80.1,45.0,80.227,,LINE\n",
            format!("{file}:2: reason: missing value"),
        ),
    ] {
        write_patches(rows);
        let bad = dir.join("bad");
        let owned = args(&bad);
        let output = silkroute(&owned.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(output.status.code(), Some(2), "{rows}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(&expected), "{stderr} lacks {expected}");
        assert!(!bad.exists());
    }
    std::fs::remove_file(dir.join("SOURCES.toml")).expect("removable");
    write_patches("gap,45.0,80.1,45.0,80.227,r,LINE\n");
    let owned = args(&dir.join("bad"));
    let output = silkroute(&owned.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("SOURCES.toml: cannot read"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn shapes_files_are_current_and_every_reported_link_is_explained() {
    // The committed shapes.csv and shapes_report.csv are what `network shapes` writes now.
    let dir = temp_dir("shapes");
    let out = dir.join("shapes.csv");
    let report = stdout_of(&[
        "network",
        "shapes",
        "--out",
        &out.to_string_lossy(),
        "--notes",
        &repo("data/default/shapes_notes.csv"),
    ]);
    let committed = std::fs::read_to_string(repo("data/default/shapes_report.csv")).expect("file");
    assert_eq!(
        report, committed,
        "data/default/shapes_report.csv is stale: regenerate it (data/default/README.md)"
    );
    let shapes = std::fs::read_to_string(&out).expect("written");
    let committed = std::fs::read_to_string(repo("data/default/shapes.csv")).expect("file");
    assert!(shapes == committed, "data/default/shapes.csv is stale");
    let mut reader = csv::Reader::from_reader(report.as_bytes());
    let header = reader.headers().expect("header").clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        [
            "link",
            "curated_km",
            "network_km",
            "difference",
            "reason",
            "note"
        ]
    );
    for row in reader.records() {
        let row = row.expect("row");
        assert!(
            !row[4].is_empty() && !row[5].is_empty(),
            "{} is reported without a reason and note",
            &row[0]
        );
    }
    // A note for a link that does not exist is an error naming the line.
    let notes = dir.join("notes.csv");
    std::fs::write(&notes, "link_id,reason,note\nno_such_link,no_track,x\n").expect("writable");
    let output = silkroute(&[
        "network",
        "shapes",
        "--out",
        &out.to_string_lossy(),
        "--notes",
        &notes.to_string_lossy(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "{}:2: link_id: unknown link `no_such_link`",
            notes.display()
        )),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn embedded_rail_network_routes_the_corridors_on_a_fresh_clone() {
    // Khorgos → Aktau: KTZ gives 3,128 km Altynkol–Aktau; the unhealed OSM data has no path.
    let report = json(&[
        "geo",
        "route",
        "44.213,80.42",
        "43.65,51.17",
        "--format",
        "json",
    ]);
    let km = report["km"].as_f64().expect("km");
    assert!((3000.0..3300.0).contains(&km), "{km}");
    assert!(
        report["attribution"]
            .as_str()
            .expect("text")
            .contains("OpenStreetMap")
    );
    let geojson = json(&[
        "geo",
        "route",
        "43.825,87.617",
        "43.238,76.946",
        "--format",
        "geojson",
    ]);
    let line = &geojson["features"][0];
    assert_eq!(line["geometry"]["type"], "LineString");
    assert!(
        line["geometry"]["coordinates"]
            .as_array()
            .expect("points")
            .len()
            > 20
    );
    // Suez → Gibraltar through the Mediterranean: about 1,950 nm (3,611 km) in distance tables.
    let sea = json(&[
        "geo",
        "route",
        "29.95,32.55",
        "36.14,-5.35",
        "--network",
        "sea",
        "--max-snap-km",
        "300",
        "--format",
        "json",
    ]);
    let km = sea["km"].as_f64().expect("km");
    assert!((3_400.0..4_000.0).contains(&km), "{km}");
}

#[test]
fn route_geojson_draws_real_track_and_sea_lanes() {
    let geojson = json(&["route", "Lianyungang", "Duisburg", "--format", "geojson"]);
    let lines: Vec<&serde_json::Value> = geojson["features"]
        .as_array()
        .expect("features")
        .iter()
        .filter(|f| f["geometry"]["type"] == "LineString")
        .collect();
    let shaped = lines
        .iter()
        .filter(|f| {
            f["geometry"]["coordinates"]
                .as_array()
                .expect("points")
                .len()
                > 2
        })
        .count();
    assert!(
        shaped * 10 >= lines.len() * 8,
        "{shaped} of {} legs follow a network",
        lines.len()
    );
    assert!(
        geojson["properties"]["attribution"]
            .as_str()
            .expect("text")
            .contains("OpenStreetMap")
    );
    // Each line runs in travel order: it starts at its leg's origin.
    let places = json(&["places", "--format", "json"]);
    for line in lines {
        let from = places
            .as_array()
            .expect("places")
            .iter()
            .find(|p| p["id"] == line["properties"]["from"])
            .expect("known place");
        let first = &line["geometry"]["coordinates"][0];
        assert!(
            (first[0].as_f64().expect("lon") - from["lon"].as_f64().expect("lon")).abs() < 1e-4,
            "{line}"
        );
        assert!(
            (first[1].as_f64().expect("lat") - from["lat"].as_f64().expect("lat")).abs() < 1e-4,
            "{line}"
        );
    }
}

#[test]
fn geo_query_answers_do_not_depend_on_threads() {
    let dir = temp_dir("threads");
    let queries = dir.join("q.csv");
    let mut text = String::from("olat,olon,dlat,dlon\n");
    for i in 0..40 {
        let shift = f64::from(i) * 0.01;
        text.push_str(&format!("{},{},47.1,51.9\n", 43.65 + shift, 51.17));
        text.push_str(&format!("45.3,55.2,{},{}\n", 40.4, 49.87 + shift));
    }
    std::fs::write(&queries, text).expect("writable");
    let queries = queries.to_string_lossy().into_owned();
    let tiny = repo("testdata/geo_tiny");
    let run = |threads: &str, engine: &str| {
        stdout_of(&[
            "geo",
            "route",
            "--network",
            &tiny,
            "--queries",
            &queries,
            "--threads",
            threads,
            "--engine",
            engine,
            "--no-cache",
        ])
    };
    let reference = run("1", "dijkstra");
    assert_eq!(reference.lines().count(), 81);
    for (threads, engine) in [("1", "ch"), ("2", "ch"), ("0", "ch"), ("3", "dijkstra")] {
        assert_eq!(
            run(threads, engine),
            reference,
            "--threads {threads} --engine {engine}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn embedded_road_network_answers_a_kazakh_pair() {
    // Almaty → Astana by road: the Centre–South highway (Almaty–Balkhash–Karaganda–Astana,
    // M-36) is about 1,230 km; the great circle is 975 km. The OSM-derived network is
    // generalised (straight edges between the nodes scgraph kept: 40 nodes for this trip), so
    // it runs a few percent short of road-sign distances: 1,147 km. Bound: 1,100–1,300 km.
    let report = json(&[
        "geo",
        "route",
        "43.24,76.89",
        "51.17,71.43",
        "--network",
        "road",
        "--format",
        "json",
    ]);
    let km = report["km"].as_f64().expect("km");
    assert!((1_100.0..1_300.0).contains(&km), "{km}");
    assert!(
        report["attribution"]
            .as_str()
            .expect("text")
            .contains("© OpenStreetMap contributors, ODbL")
    );
    assert_eq!(report["passages"], serde_json::json!([]));
    let output = silkroute(&[
        "geo",
        "route",
        "43.24,76.89",
        "51.17,71.43",
        "--network",
        "road",
        "--avoid-passage",
        "suez",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("this network has no passage tags"),
        "{stderr}"
    );
}

/// Shanghai → Rotterdam on the embedded sea network with extra arguments: (km, passages
/// crossed, passages avoided).
fn shanghai_rotterdam(extra: &[&str]) -> (f64, Vec<String>, Vec<String>) {
    let mut args = vec![
        "geo",
        "route",
        "31.23,121.47",
        "51.95,4.14",
        "--network",
        "sea",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let report = json(&args);
    let names = |key: &str| -> Vec<String> {
        report[key]
            .as_array()
            .expect("a list")
            .iter()
            .map(|v| v.as_str().expect("a name").to_string())
            .collect()
    };
    (
        report["km"].as_f64().expect("km"),
        names("passages"),
        names("avoided_passages"),
    )
}

#[test]
fn sea_routes_avoid_the_ice_passages_by_default_and_closed_canals_on_request() {
    // Distance tables (sea-distances.org style) give Shanghai → Rotterdam about 10,500 nm
    // (19,450 km) via Suez and 13,900 nm (25,700 km) via the Cape of Good Hope; via Panama is
    // of the same order (about 13,500 nm).
    let (km, through, avoided) = shanghai_rotterdam(&[]);
    assert!((19_000.0..20_500.0).contains(&km), "{km}");
    for passage in ["malacca", "babalmandab", "suez", "gibraltar"] {
        assert!(through.iter().any(|p| p == passage), "{through:?}");
    }
    assert_eq!(avoided, ["northeast", "northwest"]);

    // A Suez closure: the next shortest lane in the data is Panama (24,994 km), the Cape
    // (25,735 km) when Panama is closed too.
    let (km, through, _) = shanghai_rotterdam(&["--avoid-passage", "suez"]);
    assert!((24_000.0..26_500.0).contains(&km), "{km}");
    assert!(!through.iter().any(|p| p == "suez"), "{through:?}");
    let (km, through, avoided) = shanghai_rotterdam(&["--avoid-passage", "suez,panama"]);
    assert!((25_000.0..26_500.0).contains(&km), "{km}");
    assert!(through.iter().any(|p| p == "south_africa"), "{through:?}");
    assert_eq!(avoided, ["northeast", "northwest", "panama", "suez"]);

    // A Red Sea closure, with the spelling of the strait people use.
    let (_, through, avoided) = shanghai_rotterdam(&["--avoid-passage", "suez,Bab-el-Mandeb"]);
    assert!(avoided.iter().any(|p| p == "babalmandab"), "{avoided:?}");
    assert!(!through.iter().any(|p| p == "babalmandab"), "{through:?}");

    // The Northern Sea Route (Bering Strait, Vilkitsky Strait): about 8,000 nm, 14,800 km.
    let (km, through, avoided) = shanghai_rotterdam(&["--allow-passage", "northeast"]);
    assert!(km < 16_500.0, "{km}");
    assert!(through.iter().any(|p| p == "northeast"), "{through:?}");
    assert!(
        !through.iter().any(|p| p == "suez" || p == "northwest"),
        "{through:?}"
    );
    assert_eq!(avoided, ["northwest"]);
}

#[test]
fn passage_names_are_checked() {
    let run = |extra: &[&str]| {
        let mut args = vec![
            "geo",
            "route",
            "31.23,121.47",
            "51.95,4.14",
            "--network",
            "sea",
        ];
        args.extend_from_slice(extra);
        let output = silkroute(&args);
        assert_eq!(output.status.code(), Some(2), "{extra:?}");
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let stderr = run(&["--avoid-passage", "kiel"]);
    assert!(
        stderr.contains("--avoid-passage kiel: unknown passage; this network has babalmandab,")
            && stderr.contains("suez"),
        "{stderr}"
    );
    let stderr = run(&["--avoid-passage", "suez", "--allow-passage", "suez"]);
    assert!(
        stderr.contains("suez is both avoided and allowed"),
        "{stderr}"
    );
}

#[test]
fn passages_of_a_network_folder_are_avoided_in_routes_queries_and_matrices() {
    // a – b – c along a canal (2 × 100 km), or around by d (2 × 300 km); e – f is an ice lane.
    let dir = temp_dir("passages");
    std::fs::write(
        dir.join("nodes.csv"),
        "id,lat,lon\na,30,32\nb,30.5,32\nc,31,32\nd,30.5,35\ne,31,35.5\nf,31,36.5\n",
    )
    .expect("writable");
    std::fs::write(
        dir.join("edges.csv"),
        "from,to,km,passage\na,b,100,canal\nb,c,100,canal\na,d,300,\nd,c,300,\nd,e,50,\ne,f,90,northwest\n",
    )
    .expect("writable");
    let network = dir.to_string_lossy().into_owned();
    let route = |extra: &[&str]| {
        let mut args = vec![
            "geo",
            "route",
            "30,32",
            "31,32",
            "--network",
            &network,
            "--no-cache",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        json(&args)
    };
    let open = route(&[]);
    assert_eq!(open["km"], 200.0);
    assert_eq!(open["passages"], serde_json::json!(["canal"]));
    assert_eq!(open["avoided_passages"], serde_json::json!(["northwest"]));
    let closed = route(&["--avoid-passage", "canal"]);
    assert_eq!(closed["km"], 600.0);
    assert_eq!(closed["passages"], serde_json::json!([]));

    // The ice lane is closed unless allowed; a point on its far end is then out of reach.
    let output = silkroute(&[
        "geo",
        "route",
        "30,32",
        "31,36.5",
        "--network",
        &network,
        "--no-cache",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("without the passages northwest (--allow-passage to use one)"),
        "{stderr}"
    );
    let iced = json(&[
        "geo",
        "route",
        "30,32",
        "31,36.5",
        "--network",
        &network,
        "--no-cache",
        "--allow-passage",
        "northwest",
        "--format",
        "json",
    ]);
    assert_eq!(iced["km"], 440.0);

    let queries = dir.join("q.csv");
    std::fs::write(&queries, "olat,olon,dlat,dlon\n30,32,31,32\n").expect("writable");
    let queries = queries.to_string_lossy().into_owned();
    for engine in ["ch", "dijkstra"] {
        let rows = stdout_of(&[
            "geo",
            "route",
            "--network",
            &network,
            "--queries",
            &queries,
            "--avoid-passage",
            "canal",
            "--engine",
            engine,
            "--threads",
            "2",
            "--no-cache",
        ]);
        assert_eq!(rows.lines().nth(1), Some("600.000,30,32,31,32"), "{engine}");
    }

    let points = dir.join("p.csv");
    std::fs::write(&points, "lat,lon\n30,32\n31,32\n").expect("writable");
    let points = points.to_string_lossy().into_owned();
    let matrix = |extra: &[&str]| {
        let mut args = vec![
            "geo",
            "matrix",
            &points,
            "--network",
            &network,
            "--no-cache",
        ];
        args.extend_from_slice(extra);
        stdout_of(&args)
    };
    assert_eq!(matrix(&[]).lines().nth(1), Some("0.000,200.000"));
    assert_eq!(
        matrix(&["--avoid-passage", "canal"]).lines().nth(1),
        Some("0.000,600.000")
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn geo_pack_keeps_passages_and_retags_from_a_file() {
    let dir = temp_dir("pack-passages");
    let source = dir.join("source");
    std::fs::create_dir_all(&source).expect("dir");
    std::fs::write(
        source.join("nodes.csv"),
        "id,lat,lon\na,30,32\nb,30.5,32\nc,31,32\nd,30.5,35\n",
    )
    .expect("writable");
    std::fs::write(
        source.join("edges.csv"),
        "from,to,km,passage\na,b,100,segment\nb,c,100,\na,d,300,\nd,c,300,\n",
    )
    .expect("writable");
    let tags = dir.join("tags.csv");
    std::fs::write(&tags, "from,to,passage,note\nb,c,canal,the canal\n").expect("writable");
    let packed = dir.join("net.bin");
    let (source_arg, tags_arg, packed_arg) = (
        source.to_string_lossy().into_owned(),
        tags.to_string_lossy().into_owned(),
        packed.to_string_lossy().into_owned(),
    );
    let stdout = stdout_of(&[
        "geo",
        "pack",
        &source_arg,
        "--out",
        &packed_arg,
        "--tolerance-km",
        "0",
        "--passages",
        &tags_arg,
        "--untag",
        "segment",
        "--attribution",
        "test",
    ]);
    assert!(stdout.contains("passage edges: canal 1"), "{stdout}");
    let bad = silkroute(&[
        "geo",
        "pack",
        &source_arg,
        "--out",
        &packed_arg,
        "--untag",
        "nothing",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

// ---- traffic assignment on TNTP networks ----

/// `silkroute assign` output with its wall-clock seconds zeroed, the only field that varies.
fn assign_stdout(args: &[&str]) -> String {
    let mut full = vec!["assign"];
    full.extend(args);
    stdout_of(&full)
        .lines()
        .map(|line| match line.split_once("\"seconds\": ") {
            Some((indent, _)) => format!("{indent}\"seconds\": 0.0,"),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// (from, to) → flow of an `assign --format json` report.
fn assigned_flows(report: &str) -> Vec<((u64, u64), f64)> {
    let report: serde_json::Value = serde_json::from_str(report).expect("valid JSON");
    report["links"]
        .as_array()
        .expect("links")
        .iter()
        .map(|l| {
            (
                (
                    l["from"].as_u64().expect("id"),
                    l["to"].as_u64().expect("id"),
                ),
                l["flow"].as_f64().expect("flow"),
            )
        })
        .collect()
}

#[test]
fn assign_braess_matches_golden_and_the_closed_form() {
    let braess = repo("testdata/tntp_tiny/Braess");
    let report = assign_stdout(&["--tntp", &braess, "--gap", "1e-10", "--format", "json"]);
    check_golden("assign_braess.json", &report);
    // testdata/tntp_tiny/README.md: 150 on each of the three paths.
    let expected = [
        ((1, 2), 300.0),
        ((1, 3), 150.0),
        ((2, 3), 150.0),
        ((2, 4), 150.0),
        ((3, 4), 300.0),
    ];
    for ((link, flow), (expected_link, expected_flow)) in
        assigned_flows(&report).into_iter().zip(expected)
    {
        assert_eq!(link, expected_link);
        assert!((flow - expected_flow).abs() < 1e-3, "{link:?}: {flow}");
    }
    // The system optimum leaves the bridge empty.
    let optimum = assign_stdout(&[
        "--tntp",
        &braess,
        "--gap",
        "1e-10",
        "--system-optimum",
        "--format",
        "json",
    ]);
    for (link, flow) in assigned_flows(&optimum) {
        let expected = if link == (2, 3) { 0.0 } else { 225.0 };
        assert!((flow - expected).abs() < 1e-3, "{link:?}: {flow}");
    }
}

#[test]
fn assign_runs_every_method_and_format() {
    let braess = repo("testdata/tntp_tiny/Braess");
    for method in ["aon", "msa", "fw", "cfw", "bfw"] {
        let report = assign_stdout(&["--tntp", &braess, "--method", method, "--format", "json"]);
        let json: serde_json::Value = serde_json::from_str(&report).expect("valid JSON");
        assert_eq!(json["method"], method);
        let total: f64 = assigned_flows(&report)
            .iter()
            .filter(|((from, _), _)| *from == 1)
            .map(|(_, flow)| flow)
            .sum();
        assert!(
            (total - 450.0).abs() < 1e-6,
            "{method}: all 450 leave zone 1"
        );
    }
    let table = assign_stdout(&["--tntp", &braess]);
    assert!(
        table.starts_with("Braess: 4 zones, 4 nodes, 5 links; demand 450 (5 intrazonal"),
        "{table}"
    );
    assert!(table.contains("reached the target 1e-4"), "{table}");
    assert!(table.contains("Most congested links"), "{table}");
    let csv = assign_stdout(&["--tntp", &braess, "--gap", "1e-10", "--format", "csv"]);
    assert_eq!(
        csv,
        "from,to,flow,cost\n1,2,300,40\n1,3,150,51.5\n2,3,150,11.5\n2,4,150,51.5\n3,4,300,40\n"
    );
    // The iteration limit is honoured and reported.
    let limited = assign_stdout(&[
        "--tntp",
        &braess,
        "--method",
        "fw",
        "--gap",
        "0",
        "--max-iter",
        "3",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&limited).expect("valid JSON");
    assert_eq!(json["iterations"], 3);
    assert_eq!(json["converged"], false);
}

#[test]
fn assign_reports_bad_input_and_exits_2() {
    let dir = temp_dir("tntp-bad");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/tntp_tiny");
    let copy = |name: &str, edit: &dyn Fn(String) -> String| {
        let text = std::fs::read_to_string(source.join(name)).expect("fixture");
        std::fs::write(dir.join(name), edit(text)).expect("writable");
    };
    copy("Braess_net.tntp", &|t| {
        t.replacen("\t1\t2\t100\t", "\t1\t2\tx\t", 1)
    });
    copy("Braess_trips.tntp", &|t| t);
    let spec = dir.join("Braess").to_string_lossy().into_owned();
    let check = |args: &[&str], expected: &str| {
        let mut full = vec!["assign"];
        full.extend(args);
        let output = silkroute(&full);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(output.stdout.is_empty());
    };
    check(
        &["--tntp", &spec],
        "Braess_net.tntp:10: capacity: `x` is not a number",
    );
    // Zone 4 has no way out: its demand to zone 1 cannot be assigned.
    copy("Braess_net.tntp", &|t| t);
    copy("Braess_trips.tntp", &|t| t + "    1 :      10.0;\n");
    check(
        &["--tntp", &spec],
        "Braess: no path from zone 4 to zone 1 carries their demand of 10",
    );
    let missing = dir.join("Nowhere").to_string_lossy().into_owned();
    check(&["--tntp", &missing], "cannot load the TNTP network");
    let braess = repo("testdata/tntp_tiny/Braess");
    check(&["--tntp", &braess, "--gap=-1"], "--gap -1");
    check(&["--tntp", &braess, "--time-limit", "0"], "--time-limit 0");
    check(
        &["--tntp", &braess, "--method", "newton"],
        "possible values",
    );
    check(
        &["--demand", "/nonexistent/demand.csv"],
        "cannot read /nonexistent/demand.csv",
    );
    check(
        &["--tntp", &braess, "--format", "geojson"],
        "no Braess_node.tntp with coordinates",
    );
    check(
        &["--toll-factor", "1"],
        "--toll-factor and --distance-factor apply to --tntp and --gmns",
    );
    check(
        &["--tntp", &braess, "--toll-factor", "inf"],
        "--toll-factor inf",
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// The GMNS copy of the Braess network gives the TNTP copy's equilibrium, link for link.
#[test]
fn assign_gmns_matches_the_tntp_copy() {
    let gmns = repo("testdata/gmns_braess");
    let braess = repo("testdata/tntp_tiny/Braess");
    let from_gmns = assign_stdout(&["--gmns", &gmns, "--gap", "1e-10", "--format", "json"]);
    let from_tntp = assign_stdout(&["--tntp", &braess, "--gap", "1e-10", "--format", "json"]);
    let g: serde_json::Value = serde_json::from_str(&from_gmns).expect("valid JSON");
    let t: serde_json::Value = serde_json::from_str(&from_tntp).expect("valid JSON");
    assert_eq!(g["network"], "gmns_braess");
    assert_eq!(g["objective"], t["objective"]);
    let (g, t) = (
        g["links"].as_array().unwrap(),
        t["links"].as_array().unwrap(),
    );
    assert_eq!(g.len(), t.len());
    for (a, (g, t)) in g.iter().zip(t).enumerate() {
        assert_eq!(g["link_id"], ["a", "b", "c", "d", "e"][a]);
        assert_eq!(g["from"].as_str().unwrap(), t["from"].to_string());
        assert_eq!(g["to"].as_str().unwrap(), t["to"].to_string());
        assert_eq!(g["flow"], t["flow"], "link {a}");
        assert_eq!(g["cost"], t["cost"], "link {a}");
    }
    let csv = assign_stdout(&["--gmns", &gmns, "--gap", "1e-10", "--format", "csv"]);
    assert_eq!(
        csv,
        "link_id,from,to,flow,cost\na,1,2,300,40\nb,1,3,150,51.5\nc,2,3,150,11.5\n\
         d,2,4,150,51.5\ne,3,4,300,40\n"
    );
    let table = assign_stdout(&["--gmns", &gmns]);
    assert!(
        table.starts_with("gmns_braess: 4 zones, 4 nodes, 5 links; demand 450 (5 intrazonal"),
        "{table}"
    );
    // Map output: one line per link between its nodes, with flow and v/c.
    let geojson = assign_stdout(&["--gmns", &gmns, "--gap", "1e-10", "--format", "geojson"]);
    let map: serde_json::Value = serde_json::from_str(&geojson).expect("valid GeoJSON");
    let features = map["features"].as_array().expect("features");
    assert_eq!(features.len(), 5);
    assert_eq!(
        features[0]["geometry"]["coordinates"],
        serde_json::json!([[0.0, 0.0], [0.01, 0.01]])
    );
    assert_eq!(features[0]["properties"]["voc"], 3.0);
    // A toll on the bridge moves flow off it.
    let dir = temp_dir("gmns-toll");
    for name in ["node.csv", "demand.csv"] {
        std::fs::copy(Path::new(&gmns).join(name), dir.join(name)).expect("copy");
    }
    let links = std::fs::read_to_string(Path::new(&gmns).join("link.csv")).expect("fixture");
    std::fs::write(
        dir.join("link.csv"),
        links
            .replace("vdf_beta,length", "vdf_beta,length,toll")
            .replace(",1\n", ",1,0\n")
            .replace(
                "c,2,3,true,10,1000,1,1,1,1,0",
                "c,2,3,true,10,1000,1,1,1,1,100",
            ),
    )
    .expect("writable");
    let dir_arg = dir.to_string_lossy().into_owned();
    let tolled = assign_stdout(&[
        "--gmns",
        &dir_arg,
        "--toll-factor",
        "1",
        "--gap",
        "1e-10",
        "--format",
        "json",
    ]);
    let tolled: serde_json::Value = serde_json::from_str(&tolled).expect("valid JSON");
    assert_eq!(tolled["links"][2]["link_id"], "c");
    assert_eq!(tolled["links"][2]["flow"], 0.0, "{tolled}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn assign_gmns_reports_bad_input_and_exits_2() {
    let source = repo("testdata/gmns_braess");
    let dir = temp_dir("gmns-bad");
    let write = |name: &str, edit: &dyn Fn(String) -> String| {
        let text = std::fs::read_to_string(Path::new(&source).join(name)).expect("fixture");
        std::fs::write(dir.join(name), edit(text)).expect("writable");
    };
    let dir_arg = dir.to_string_lossy().into_owned();
    let check = |expected: &str| {
        let output = silkroute(&["assign", "--gmns", &dir_arg]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(expected), "{expected}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(output.stdout.is_empty());
    };
    let same = |t: String| t;
    write("node.csv", &same);
    write("demand.csv", &same);
    write("link.csv", &|t| {
        t.replace("c,2,3,true,10,1000", "c,2,3,true,10,-1000")
    });
    check("link.csv:4: capacity: -1000 is negative");
    write("link.csv", &|t| t.replace("e,3,4", "e,3,9"));
    check("link.csv:6: to_node_id: unknown node `9`");
    write("link.csv", &same);
    write("demand.csv", &|t| t + "4,1,10\n");
    check("silkroute-gmns-bad");
    check("no path from zone 4 to zone 1 carries their demand of 10");
    write("demand.csv", &|t| t.replace("1,4,450", "1,7,450"));
    check("demand.csv:3: d_zone_id: unknown zone `7`");
    std::fs::remove_file(dir.join("demand.csv")).expect("exists");
    check("demand.csv: cannot read");
    let missing = dir.join("nowhere").to_string_lossy().into_owned();
    let output = silkroute(&["assign", "--gmns", &missing]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a folder"));
    std::fs::remove_dir_all(&dir).ok();
}

/// The corridor pairs of the shared benchmark (`bench/queries/corridor_pairs.csv` of the
/// workplace: place coordinates, public facts) all route on the embedded healed rail network,
/// at most 1.6× their great-circle distance (real railways run 1.1–1.5× it here; a broken line
/// shows as a detour of 2× and more, as Tbilisi–Istanbul did before its patch).
#[test]
fn embedded_rail_network_routes_every_corridor_pair() {
    const PAIRS: &str = "olat,olon,dlat,dlon
34.596,119.222,51.435,6.762
34.341,108.94,51.435,6.762
29.563,106.551,51.435,6.762
30.573,104.066,51.759,19.456
34.341,108.94,53.551,9.994
43.825,87.617,45.17,82.57
45.17,82.57,45.253,82.478
44.213,80.42,44.185,80.33
43.825,87.617,43.238,76.946
45.253,82.478,47.22,73.35
43.238,76.946,51.169,71.449
43.238,76.946,41.311,69.28
44.213,80.42,43.65,51.17
43.65,51.17,40.409,49.867
40.409,49.867,41.716,44.783
41.716,44.783,42.146,41.672
41.716,44.783,41.008,28.978
51.169,71.449,55.756,37.617
55.756,37.617,52.098,23.734
52.098,23.734,52.036,23.529
52.036,23.529,51.435,6.762
51.759,19.456,53.551,9.994
";
    let dir = temp_dir("corridor-pairs");
    let file = dir.join("pairs.csv");
    std::fs::write(&file, PAIRS).expect("writable");
    let out = stdout_of(&["geo", "route", "--queries", &file.to_string_lossy()]);
    let rows: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(rows.len(), 22, "{out}");
    for row in rows {
        let f: Vec<f64> = row.split(',').map(|x| x.parse().expect(row)).collect();
        let (km, olat, olon, dlat, dlon) = (f[0], f[1], f[2], f[3], f[4]);
        let (p1, p2) = (olat.to_radians(), dlat.to_radians());
        let h = ((p2 - p1) / 2.0).sin().powi(2)
            + p1.cos() * p2.cos() * ((dlon - olon).to_radians() / 2.0).sin().powi(2);
        let crow = 2.0 * 6371.0 * h.sqrt().asin();
        // Aktau → Baku has no rail across the Caspian: by rail it goes round by Makhachkala.
        let limit = if (olat, dlat) == (43.65, 40.409) {
            8.0
        } else {
            1.6
        };
        assert!(
            km > 0.0 && km <= limit * crow.max(10.0),
            "{row}: {km} km against {crow:.0} km great circle"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

// ---- freight assignment on the default network ----

#[test]
fn freight_assign_defaults_to_a_gap_of_1e6_and_tntp_to_1e4() {
    // Freight: the gap's denominator counts tariffs over the value of time, so the default is
    // tighter than for TNTP networks (one pass gives 5e-5, which 1e-4 would accept).
    let report = json(&["assign", "--format", "json"]);
    let gap = report["relative_gap"].as_f64().expect("a number");
    assert!(report["converged"].as_bool().expect("a bool"));
    assert!(gap <= 1e-6, "{gap}");
    assert!(report["iterations"].as_u64().expect("a count") >= 2);
    let loose = json(&["assign", "--format", "json", "--gap", "1e-4"]);
    assert_eq!(loose["iterations"].as_u64(), Some(1));
    // TNTP keeps 1e-4.
    let braess = repo("testdata/tntp_tiny/Braess");
    let table = stdout_of(&["assign", "--tntp", &braess]);
    assert!(table.contains("the target 1e-4"), "{table}");
}
