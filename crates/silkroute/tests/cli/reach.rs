//! `reach` and `table` through the CLI: golden reports on the hand-made fixture, the default
//! network's answers against `route`'s, bad arguments, determinism.

use crate::support::*;
use std::process::Command;

// ---- golden reports on the hand-made fixture ----

#[test]
fn mini_reach_and_table_match_golden_in_every_format() {
    let mini = repo("testdata/mini");
    let reach = ["reach", "East City", "--days", "5,8", "--by", "time"];
    for (name, format) in [
        ("mini_reach.txt", "table"),
        ("mini_reach.json", "json"),
        ("mini_reach.csv", "csv"),
        ("mini_reach.geojson", "geojson"),
    ] {
        let mut args = vec!["--data", mini.as_str()];
        args.extend(reach);
        args.extend(["--format", format]);
        check_golden(name, &stdout_of(&args));
    }
    check_golden(
        "mini_reach_reverse.txt",
        &stdout_of(&[
            "--data",
            &mini,
            "reach",
            "West City",
            "--reverse",
            "--days",
            "6,12",
            "--usd",
            "3000,6000",
        ]),
    );
    let table = [
        "table",
        "East City",
        "Hub Junction",
        "West City",
        "Canal",
        "--by",
        "time",
        "--avoid",
        "BY",
    ];
    for (name, format) in [
        ("mini_table.txt", "table"),
        ("mini_table.json", "json"),
        ("mini_table.csv", "csv"),
    ] {
        let mut args = vec!["--data", mini.as_str()];
        args.extend(table);
        args.extend(["--format", format]);
        check_golden(name, &stdout_of(&args));
    }
}

// ---- the default network: reach and table agree with route ----

/// The best route's hours, USD, kg CO2e and days by `route --alternatives 1`, or `None` without
/// one.
fn route_totals(from: &str, to: &str, by: &str) -> Option<[f64; 4]> {
    let output = silkroute(&[
        "route",
        from,
        to,
        "--by",
        by,
        "--alternatives",
        "1",
        "--format",
        "json",
    ]);
    if !output.status.success() {
        return None;
    }
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let route = &report["routes"][0];
    Some(
        [
            "total_hours",
            "total_cost_usd",
            "total_co2e_kg",
            "total_days",
        ]
        .map(|f| route[f].as_f64().expect("n")),
    )
}

#[test]
fn reach_rows_are_the_best_routes_and_bands_nest() {
    for (reverse, by) in [(false, "time"), (true, "cost")] {
        let mut args = vec![
            "reach", "Xian", "--days", "8,12,16", "--by", by, "--format", "json",
        ];
        if reverse {
            args.push("--reverse");
        }
        let report = json(&args);
        assert_eq!(report["reverse"], reverse);
        let rows = report["places"].as_array().expect("rows");
        let places = json(&["places", "--format", "json"]);
        assert_eq!(rows.len(), places.as_array().expect("places").len());
        let limits = [8.0, 12.0, 16.0];
        for row in rows {
            let id = row["id"].as_str().expect("id");
            let Some(hours) = row["hours"].as_f64() else {
                assert!(row["band"].is_null() && row["days"].is_null(), "{row}");
                continue;
            };
            // In the smallest band whose limit its hours fit (the band is decided on the exact
            // hours; rounded to 0.1 h they may only differ right at a limit).
            if let Some(band) = row["band"].as_u64() {
                let band = band as usize;
                assert!(hours / 24.0 <= limits[band] + 0.01, "{row}");
                if band > 0 {
                    assert!(hours / 24.0 > limits[band - 1] - 0.01, "{row}");
                }
            } else {
                assert!(hours / 24.0 > limits[2] - 0.01, "{row}");
            }
            if id == "xian" || !["duisburg", "aktau", "tehran", "moscow"].contains(&id) {
                continue;
            }
            let (from, to) = if reverse { (id, "xian") } else { ("xian", id) };
            let totals = route_totals(from, to, by).expect("a route");
            let found = ["hours", "usd", "co2e_kg", "days"].map(|f| row[f].as_f64().expect("n"));
            assert_eq!(found, totals, "{from} → {to}");
        }
    }
}

#[test]
fn table_cells_are_the_best_routes() {
    let report = json(&[
        "table",
        "Xian",
        "Almaty",
        "Duisburg",
        "Tehran",
        "--by",
        "generalized",
        "--format",
        "json",
    ]);
    let ids: Vec<&str> = report["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|p| p["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["xian", "almaty", "duisburg", "tehran"]);
    for (i, from) in ids.iter().enumerate() {
        for (j, to) in ids.iter().enumerate() {
            let cell =
                ["hours", "usd", "co2e_kg", "days"].map(|m| report[m][i][j].as_f64().expect("n"));
            if i == j {
                assert_eq!(cell, [0.0; 4]);
                assert!(report["corridor"][i][j].is_null());
                continue;
            }
            assert_eq!(
                Some(cell),
                route_totals(from, to, "generalized"),
                "{from} → {to}"
            );
        }
    }
}

#[test]
fn reach_and_table_are_the_same_bytes_on_any_number_of_threads() {
    let run = |threads: &str, args: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_silkroute"))
            .args(args)
            .env("RAYON_NUM_THREADS", threads)
            .env("COLUMNS", "120")
            .output()
            .expect("runs");
        assert!(output.status.success());
        output.stdout
    };
    let places: Vec<String> = json(&["places", "--format", "json"])
        .as_array()
        .expect("places")
        .iter()
        .map(|p| p["id"].as_str().expect("id").to_string())
        .collect();
    let mut table = vec!["table", "--format", "csv"];
    table.extend(places.iter().map(String::as_str));
    let reach = [
        "reach",
        "Xian",
        "Chongqing",
        "--days",
        "10",
        "--format",
        "json",
    ];
    for args in [&table[..], &reach[..]] {
        assert_eq!(run("1", args), run("2", args), "{args:?}");
    }
}

#[test]
fn bad_reach_and_table_arguments_exit_2_with_a_reason() {
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["reach"], "required"),
        (vec!["reach", "Xiann"], "unknown place `Xiann`"),
        (
            vec!["reach", "Xian", "--days", "12,8"],
            "--days 12,8: expected bands in increasing order",
        ),
        (
            vec!["reach", "Xian", "--days", "-1"],
            "--days -1: expected days above 0",
        ),
        (
            vec!["reach", "Xian", "--usd", "2000000"],
            "--usd 2000000: expected USD per FEU above 0 and at most 1,000,000",
        ),
        (
            vec!["reach", "Xian", "--days", "1,2,3,4,5,6,7,8,9"],
            "--days: 9 bands, expected at most 8",
        ),
        (
            vec!["reach", "Xian", "--days", "8,12", "--usd", "3000"],
            "--usd: 1 bands beside 2 of --days",
        ),
        (
            vec!["reach", "Xian", "--avoid", "CN"],
            "Xi'an is excluded by --avoid",
        ),
        (
            vec!["reach", "Xian", "--year", "1800"],
            "--year 1800: expected a year",
        ),
        (
            vec!["table", "Xian", "Atlantis"],
            "unknown place `Atlantis`",
        ),
        (
            vec!["table", "Xian", "Almaty", "--destinations", "2"],
            "--destinations 2: not a place (expected an index from 0 to 1)",
        ),
        (
            vec!["table", "Xian", "--format", "geojson"],
            "invalid value 'geojson'",
        ),
        (
            vec!["table", "Xian", "--payload-t", "0"],
            "--payload-t 0: expected a number of tonnes",
        ),
    ];
    for (args, expected) in cases {
        let output = silkroute(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
