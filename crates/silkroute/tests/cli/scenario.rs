//! `silkroute scenario`: the shipped files check, run and compare; a scenario compared with
//! itself prints no change and the same bytes twice; bad files fail with file, line and key
//! and exit code 2.

use crate::support::{repo, silkroute, stdout_of, temp_dir};

fn scenario(name: &str) -> String {
    repo(&format!("data/scenarios/{name}"))
}

#[test]
fn check_lists_the_chain_edits_and_levers_with_their_lines() {
    let out = stdout_of(&["scenario", "check", &scenario("projects_2030.toml")]);
    assert!(out.starts_with("projects_2030 · "), "{out}");
    assert!(out.contains("5 file(s) in its chain"), "{out}");
    assert!(
        out.contains("bakhty_crossing.toml:15  set_link_validity tacheng_bakhty_rail  [RG_BAKHTY]"),
        "{out}"
    );
}

#[test]
fn compare_with_itself_is_all_zero_and_deterministic() {
    let base = scenario("baseline_2026.toml");
    let args = ["scenario", "compare", &base, &base, "--format", "json"];
    let first = stdout_of(&args);
    assert_eq!(first, stdout_of(&args));
    let diff: serde_json::Value = serde_json::from_str(&first).expect("JSON");
    let totals = diff["freight"]["totals"].as_object().expect("totals");
    assert!(totals.values().all(|c| c["delta"] == 0.0), "{totals:?}");
    let table = stdout_of(&["scenario", "compare", &base, &base]);
    assert!(table.contains("No change."), "{table}");
}

#[test]
fn run_and_compare_write_every_format() {
    let red = scenario("red_sea_closed.toml");
    let base = scenario("baseline_2026.toml");
    let table = stdout_of(&["scenario", "run", &base, &red]);
    assert!(table.contains("red_sea_closed"), "{table}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout_of(&["scenario", "run", &red, "--format", "json"]))
            .expect("JSON");
    assert_eq!(json[0]["name"], "red_sea_closed");
    assert_eq!(json[0]["files"].as_array().map(Vec::len), Some(2));
    let csv = stdout_of(&["scenario", "compare", &base, &red, "--format", "csv"]);
    assert!(
        csv.starts_with("section,key,metric,base,other,delta\n"),
        "{csv}"
    );
    let geojson: serde_json::Value = serde_json::from_str(&stdout_of(&[
        "scenario", "compare", &base, &red, "--format", "geojson",
    ]))
    .expect("GeoJSON");
    let features = geojson["features"].as_array().expect("features");
    assert!(
        features
            .iter()
            .any(|f| f["properties"]["stroke"] == "#c0392b")
    );
    assert!(
        features
            .iter()
            .any(|f| f["properties"]["stroke"] == "#2471a3")
    );
}

#[test]
fn bad_scenario_files_name_file_line_and_key_and_exit_2() {
    let dir = temp_dir();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("writable");
        path.to_string_lossy().into_owned()
    };
    let cases = [
        (
            "unknown_link.toml",
            "name = \"a\"\ntitle = \"t\"\n[[edit]]\nkind = \"set_link_wait\"\nlink = \"nowhere\"\nhours = 3\nsources = [\"E_CASPIAN_STORMS\"]\n",
            "unknown_link.toml:3: edit 0 (set_link_wait nowhere)",
        ),
        (
            "no_source.toml",
            "name = \"b\"\ntitle = \"t\"\n[[close]]\nitem = \"corridor:northern\"\n",
            "no_source.toml:3: close: sources: every value needs a source id",
        ),
        (
            "unknown_close.toml",
            "name = \"c\"\ntitle = \"t\"\n[[close]]\nitem = \"corridor:atlantis\"\nsources = [\"E_CASPIAN_STORMS\"]\n",
            "unknown_close.toml:3: item:",
        ),
        (
            "cycle.toml",
            "name = \"d\"\ntitle = \"t\"\ndepends_on = [\"cycle.toml\"]\n",
            "cycle.toml:3: depends_on:",
        ),
        ("bad.toml", "name = \"e\"\ntitle = \n", "bad.toml:2:"),
    ];
    for (name, text, expected) in cases {
        let path = write(name, text);
        let output = silkroute(&["scenario", "check", &path]);
        assert_eq!(output.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    // excludes: a chain that brings in an excluded scenario.
    write("x.toml", "name = \"x\"\ntitle = \"t\"\n");
    let y = write(
        "y.toml",
        "name = \"y\"\ntitle = \"t\"\ndepends_on = [\"x.toml\"]\nexcludes = [\"x\"]\n",
    );
    let output = silkroute(&["scenario", "check", &y]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("y.toml:4: excludes:"));
    let missing = silkroute(&["scenario", "run", "/nonexistent/s.toml"]);
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn criticality_ranks_elements_and_refuses_bad_arguments() {
    let mini = repo("testdata/mini");
    let csv = stdout_of(&["--data", &mini, "criticality", "--format", "csv"]);
    assert!(
        csv.starts_with("rank,kind,id,name,base_teu_per_year,generalized_cost_usd_per_year,"),
        "{csv}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout_of(&[
        "--data",
        &mini,
        "criticality",
        "--format",
        "json",
    ]))
    .expect("JSON");
    let elements = json["elements"].as_array().expect("elements");
    assert!(elements.len() > 10);
    // The ferry is the only way to the Caucasus zone: its loss isolates 30,000 TEU.
    assert_eq!(elements[0]["id"], "ferry");
    assert_eq!(elements[0]["unserved_teu_per_year"], 30000.0);
    let table = stdout_of(&[
        "--data",
        &mini,
        "criticality",
        "--keep",
        "0.3",
        "--top",
        "3",
    ]);
    assert!(table.contains("keep 0.3 each element"), "{table}");
    for bad in [
        vec!["criticality", "--keep", "1.5"],
        vec!["criticality", "--keep", "0"],
        vec!["criticality", "--year", "1066"],
        vec!["criticality", "--scenario", "/nonexistent.toml"],
        vec!["criticality", "--format", "geojson"],
    ] {
        let output = silkroute(&bad);
        assert_eq!(output.status.code(), Some(2), "{bad:?}");
        assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
    }
}

#[test]
fn monte_carlo_shards_merge_into_the_whole_run() {
    let dir = temp_dir();
    let whole = stdout_of(&[
        "criticality",
        "--monte-carlo",
        "200",
        "--seed",
        "3",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&whole).expect("JSON");
    assert_eq!(report["draws"], 200);
    assert!(report["hazards"].as_array().is_some_and(|h| h.len() >= 5));
    let mut files = Vec::new();
    for k in 0..2 {
        let shard = stdout_of(&[
            "criticality",
            "--monte-carlo",
            "200",
            "--seed",
            "3",
            "--shard",
            &format!("{k}/2"),
        ]);
        let path = dir.path().join(format!("shard{k}.json"));
        std::fs::write(&path, shard).expect("writable");
        files.push(path.to_string_lossy().into_owned());
    }
    let merged = stdout_of(&[
        "criticality",
        "--merge",
        &files[0],
        &files[1],
        "--format",
        "json",
    ]);
    assert_eq!(merged, whole);
    let missing = silkroute(&["criticality", "--merge", &files[0]]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("shard 1/2 is missing"));
    for bad in [
        vec!["criticality", "--monte-carlo", "0"],
        vec!["criticality", "--monte-carlo", "10", "--shard", "2/2"],
        vec!["criticality", "--monte-carlo", "10", "--keep", "0.5"],
        vec![
            "criticality",
            "--monte-carlo",
            "10",
            "--hazards",
            "/nonexistent.toml",
        ],
    ] {
        let output = silkroute(&bad);
        assert_eq!(output.status.code(), Some(2), "{bad:?}");
    }
}

#[test]
fn robustness_of_braess_links_has_the_closed_form_on_the_command_line() {
    let braess = repo("testdata/gmns_braess");
    let csv = stdout_of(&[
        "assign",
        "--gmns",
        &braess,
        "--robustness",
        "--gap",
        "1e-12",
        "--format",
        "csv",
    ]);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "link,from,to,nri");
    // Ranked: a and e (+8,100), b and d (+6,806.25), c last (−3,037.5: Braess's paradox).
    assert!(rows[5].starts_with("c,2,3,-3037.5"), "{csv}");
    assert!(rows[1].starts_with("a,1,2,8100"), "{csv}");
    let output = silkroute(&["assign", "--robustness"]);
    assert_eq!(output.status.code(), Some(2));
}
