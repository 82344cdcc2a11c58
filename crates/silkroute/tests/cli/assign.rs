//! `silkroute assign`: TNTP and GMNS networks (golden Braess, every method and format, bad
//! input) and the freight assignment's defaults.

use crate::support::*;
use std::path::Path;

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
    let tmp = temp_dir();
    let dir = tmp.path().to_path_buf();
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
        "/nonexistent/demand.csv: cannot read",
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
    let tmp = temp_dir();
    let dir = tmp.path().to_path_buf();
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
}

#[test]
fn assign_gmns_reports_bad_input_and_exits_2() {
    let source = repo("testdata/gmns_braess");
    let tmp = temp_dir();
    let dir = tmp.path().to_path_buf();
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
    // The network is named after its folder.
    check(&format!(
        "{}: no path",
        tmp.path().file_name().expect("named").to_string_lossy()
    ));
    check("no path from zone 4 to zone 1 carries their demand of 10");
    write("demand.csv", &|t| t.replace("1,4,450", "1,7,450"));
    check("demand.csv:3: d_zone_id: unknown zone `7`");
    std::fs::remove_file(dir.join("demand.csv")).expect("exists");
    check("demand.csv: cannot read");
    let missing = dir.join("nowhere").to_string_lossy().into_owned();
    let output = silkroute(&["assign", "--gmns", &missing]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a folder"));
}

// ---- freight assignment on the default network ----

#[test]
fn freight_assign_defaults_to_a_gap_of_1e6_and_tntp_to_1e4() {
    // Freight: the gap's denominator counts tariffs over the value of time, so the default is
    // tighter than for TNTP networks (1e-4 stops after fewer passes, short of equilibrium).
    // Without binding capacities nor the markets' choice the report is one solve's; twice the
    // demand congests the crossings, so that the solve has to iterate.
    let doubled = ["--no-binding", "--no-choice", "--demand-factor", "2"];
    let report = json(&[&["assign", "--format", "json"][..], &doubled[..]].concat());
    let gap = report["relative_gap"].as_f64().expect("a number");
    assert!(report["converged"].as_bool().expect("a bool"));
    assert!(gap <= 1e-6, "{gap}");
    let iterations = report["iterations"].as_u64().expect("a count");
    assert!(iterations >= 2);
    let loose = json(
        &[
            &["assign", "--format", "json", "--gap", "1e-4"][..],
            &doubled[..],
        ]
        .concat(),
    );
    assert!(loose["iterations"].as_u64().expect("a count") < iterations);
    // With binding capacities the flows are the mean of the last rounds' equilibria (their
    // queues differ by fractions of an hour), and the gap is measured at that mean.
    let bound = json(&["assign", "--format", "json"]);
    let gap = bound["relative_gap"].as_f64().expect("a number");
    assert!(gap <= 1e-3, "{gap}");
    // TNTP keeps 1e-4.
    let braess = repo("testdata/tntp_tiny/Braess");
    let table = stdout_of(&["assign", "--tntp", &braess]);
    assert!(table.contains("the target 1e-4"), "{table}");
}

/// The year's rail premium (market_years.csv) is printed with the market's split when it is
/// not 0, and is in the JSON either way.
#[test]
fn assign_prints_the_rail_premium_of_the_year() {
    let table = stdout_of(&["assign", "--year", "2021"]);
    assert!(table.contains("rail premium of the year +"), "{table}");
    let table = stdout_of(&["assign"]);
    assert!(table.contains("Market asia_europe"), "{table}");
    assert!(!table.contains("rail premium"), "{table}");
    let report = json(&["assign", "--year", "2023", "--format", "json"]);
    let premium = report["markets"][0]["rail_premium_usd_per_teu"]
        .as_f64()
        .expect("a number");
    assert!(premium < 0.0, "{premium}");
}

/// A demand scenario of demand_years.csv (the Trans-Caspian containers at the government's
/// targets) applies only when asked for; an unknown one is an error naming the known ones.
#[test]
fn a_demand_scenario_grows_its_segment_only_when_chosen() {
    let middle = |report: &serde_json::Value| {
        report["corridors"]
            .as_array()
            .expect("corridors")
            .iter()
            .find(|c| c["corridor"] == "middle")
            .and_then(|c| c["teu_per_year"].as_f64())
            .expect("middle")
    };
    let observed = json(&["assign", "--year", "2028", "--format", "json"]);
    let targets = json(&[
        "assign",
        "--year",
        "2028",
        "--demand-scenario",
        "titr_targets",
        "--format",
        "json",
    ]);
    let demand = |r: &serde_json::Value| r["totals"]["demand_teu_per_year"].as_f64().expect("n");
    assert!(demand(&targets) > demand(&observed) + 100_000.0);
    assert!(middle(&targets) > 1.5 * middle(&observed));
    // The scenario's tonnage rows too: the exports' 10 Mt target of 2028, 3.2 Mt observed (on
    // the Middle Corridor; Kazakhstan–China's tonnes cross at Dostyk and Altynkol).
    let tonnes = |r: &serde_json::Value| -> f64 {
        r["tonnage"]
            .as_array()
            .expect("tonnage")
            .iter()
            .filter(|t| t["corridor"] == "middle")
            .map(|t| t["tonnes_per_year"].as_f64().expect("tonnes"))
            .sum()
    };
    assert_eq!(tonnes(&observed), 3_200_000.0);
    assert_eq!(tonnes(&targets), 10_000_000.0);
    let output = silkroute(&["assign", "--demand-scenario", "nope"]);
    assert_ne!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no demand scenario `nope`") && stderr.contains("titr_targets"),
        "{stderr}"
    );
}

/// `--demand-scale` multiplies a segment's demand (here with `--no-choice`, so the rows are
/// assigned as given), `--tonnage-scale` a commodity's tonnes; unknown keys are named.
#[test]
fn demand_and_tonnage_scales_multiply_their_segment() {
    let run = |extra: &[&str]| {
        let mut args = vec![
            "assign",
            "--no-choice",
            "--no-binding",
            "--method",
            "aon",
            "--format",
            "json",
        ];
        args.extend(extra);
        json(&args)
    };
    let base = run(&[]);
    let scaled = run(&[
        "--demand-scale",
        "eu_poland=2",
        "--tonnage-scale",
        "kz_export=1.5",
    ]);
    let poland = |report: &serde_json::Value| -> f64 {
        report["pairs"]
            .as_array()
            .expect("pairs")
            .iter()
            .filter(|p| p["origin"] == "eu_poland" || p["destination"] == "eu_poland")
            .map(|p| p["teu_per_year"].as_f64().expect("TEU"))
            .sum()
    };
    let demand = |r: &serde_json::Value| r["totals"]["demand_teu_per_year"].as_f64().expect("n");
    assert!(poland(&base) > 10_000.0, "{}", poland(&base));
    assert!((poland(&scaled) - 2.0 * poland(&base)).abs() < 1.0);
    assert!((demand(&scaled) - demand(&base) - poland(&base)).abs() < 1.0);
    let tonnes = |r: &serde_json::Value| -> f64 {
        r["tonnage"]
            .as_array()
            .expect("tonnage")
            .iter()
            .filter(|t| t["corridor"] == "middle")
            .map(|t| t["tonnes_per_year"].as_f64().expect("tonnes"))
            .sum()
    };
    assert!((tonnes(&scaled) - 1.5 * tonnes(&base)).abs() < 1.0);
    for (args, expected) in [
        (
            vec!["assign", "--demand-scale", "eu_atlantis=2"],
            "--demand-scale eu_atlantis=2: unknown zone `eu_atlantis` (the freight data has cn_xian, ",
        ),
        (
            vec!["assign", "--demand-scale", "*/bulk=2"],
            "--demand-scale */bulk=2: unknown class `bulk` (the freight data has express, standard)",
        ),
        (
            vec!["assign", "--demand-scale", "eu_poland=-1"],
            "--demand-scale eu_poland=-1: factor -1: expected a number ≥ 0",
        ),
        (
            vec!["assign", "--tonnage-scale", "coal=2"],
            "--tonnage-scale coal=2: unknown commodity `coal` (the tonnage layer has kz_china, kz_export)",
        ),
    ] {
        let output = silkroute(&args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}
