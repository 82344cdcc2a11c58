//! `silkroute simulate`: every format, the same seed the same bytes, the chart page and the
//! reliability file written, a scenario simulated, bad settings and files refused with exit
//! code 2 and no panic.

use crate::support::{repo, silkroute, stdout_of, temp_dir};

const SHORT: [&str; 6] = [
    "--replications",
    "3",
    "--horizon-days",
    "30",
    "--warmup-days",
    "5",
];

fn simulate(extra: &[&str]) -> String {
    let mut args = vec!["simulate"];
    args.extend(SHORT);
    args.extend(extra);
    stdout_of(&args)
}

#[test]
fn writes_a_table_json_and_csv_and_the_same_bytes_for_the_same_seed() {
    let table = simulate(&[]);
    assert!(
        table.starts_with("Simulation · network of 2026 · 3 replications of 30 days"),
        "{table}"
    );
    for part in [
        "Northern route",
        "Facilities",
        "Dostyk",
        "Kuryk–Alat",
        "Hazards drawn",
    ] {
        assert!(table.contains(part), "{part}: {table}");
    }
    let json = simulate(&["--format", "json", "--seed", "5"]);
    assert_eq!(json, simulate(&["--format", "json", "--seed", "5"]));
    assert_ne!(json, simulate(&["--format", "json", "--seed", "6"]));
    let report: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(report["version"], 1);
    assert_eq!(report["replications"], 3);
    let corridors = report["corridors"].as_array().expect("corridors");
    assert!(corridors.iter().any(|c| c["corridor"] == "middle"));
    for c in corridors {
        assert!(c["p50_days"].as_f64() <= c["p95_days"].as_f64(), "{c}");
    }
    let csv = simulate(&["--format", "csv"]);
    assert!(
        csv.starts_with(
            "origin,destination,corridor,teu_per_year,route_days,mean_days,mean_days_ci95,std_days,p50_days,"
        ),
        "{csv}"
    );
    assert!(csv.contains("\n*,*,northern,"), "{csv}");
}

#[test]
fn writes_the_chart_page_and_the_reliability_file() {
    let dir = temp_dir();
    let html = dir.path().join("sim.html");
    let reliability = dir.path().join("reliability.csv");
    simulate(&[
        "--html",
        html.to_str().unwrap(),
        "--reliability",
        reliability.to_str().unwrap(),
        "--no-hazards",
    ]);
    let page = std::fs::read_to_string(&html).expect("page");
    assert!(
        page.starts_with("<!DOCTYPE html>") && page.contains("<svg"),
        "{page}"
    );
    assert!(page.contains("Share of TEU arrived"));
    let file = std::fs::read_to_string(&reliability).expect("reliability file");
    assert!(
        file.starts_with("element,samples,mean_hours,p50_hours,p90_hours,p95_hours,source\n"),
        "{file}"
    );
    assert!(file.contains("handling:dostyk:gauge_change,"), "{file}");
    assert!(file.contains("link:kuryk_alat_ferry,"), "{file}");
}

#[test]
fn simulates_a_scenario() {
    let out = simulate(&["--scenario", &repo("data/scenarios/caspian_closed.toml")]);
    assert!(out.contains("Simulation · network of"), "{out}");
    assert!(
        !out.contains("Kuryk–Alat (Caspian"),
        "the Caspian is closed: {out}"
    );
}

#[test]
fn refuses_bad_settings_and_files() {
    let dir = temp_dir();
    let bad_sim = dir.path().join("sim.toml");
    let shipped = std::fs::read_to_string(repo("data/sim.toml")).unwrap();
    std::fs::write(
        &bad_sim,
        shipped.replace("queue_days = 4", "queue_days = \"four\""),
    )
    .unwrap();
    let bad_sim = bad_sim.to_str().unwrap().to_string();
    let line = 1 + shipped
        .lines()
        .position(|l| l.starts_with("queue_days"))
        .expect("queue_days in data/sim.toml");
    let bad_line = format!("sim.toml:{line}: ");
    for (args, message) in [
        (vec!["simulate", "--replications", "0"], "--replications"),
        (vec!["simulate", "--horizon-days", "-1"], "--horizon-days"),
        (vec!["simulate", "--target-days", "0"], "--target-days"),
        (vec!["simulate", "--year", "1066"], "--year"),
        (
            vec!["simulate", "--sim", "/nonexistent/sim.toml"],
            "/nonexistent/sim.toml",
        ),
        (vec!["simulate", "--sim", &bad_sim], bad_line.as_str()),
        (
            vec!["simulate", "--hazards", "/nonexistent/h.toml"],
            "/nonexistent/h.toml",
        ),
        (vec!["simulate", "--format", "geojson"], "--format geojson"),
        (
            vec![
                "simulate",
                "--scenario",
                "/nonexistent.toml",
                "--year",
                "2030",
            ],
            "--year",
        ),
    ] {
        let output = silkroute(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn the_reliability_file_feeds_route_and_assign() {
    let dir = temp_dir();
    let file = dir.path().join("reliability.csv");
    let file = file.to_str().unwrap();
    simulate(&["--reliability", file]);
    let route = stdout_of(&[
        "route",
        "Xian",
        "Baku",
        "--reliability",
        file,
        "--by",
        "p95",
    ]);
    assert!(route.contains("p95 hours of"), "{route}");
    let assign = stdout_of(&[
        "assign",
        "--reliability",
        file,
        "--value-of-reliability",
        "100",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&assign).expect("JSON");
    assert!(report["totals"]["assigned_teu_per_year"].as_f64().unwrap() > 1e6);
    let output = silkroute(&["assign", "--value-of-reliability", "100"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--value-of-reliability"), "{stderr}");
}

#[test]
fn simulates_another_network_without_the_shipped_hazards() {
    let mini = repo("testdata/mini");
    let out = stdout_of(&[
        "--data",
        &mini,
        "simulate",
        "--no-hazards",
        "--replications",
        "2",
    ]);
    assert!(out.contains("Middle test route"), "{out}");
    let output = silkroute(&["--data", &mini, "simulate", "--replications", "2"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--no-hazards"), "{stderr}");
}
