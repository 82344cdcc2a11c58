//! `silkroute observed`: the observation folder checked and summarized; a bad row is an error
//! naming file, line and field with exit status 2.

use crate::support::{json, repo, silkroute, stdout_of, temp_dir};

#[test]
fn observed_summarizes_and_lists_the_fixture() {
    let mini = repo("testdata/mini");
    let fixture = repo("testdata/observed_mini");
    let table = stdout_of(&["--data", &mini, "observed", &fixture]);
    assert!(table.contains("5 observations from 2 sources"), "{table}");
    assert!(table.contains("transit_time"), "{table}");
    let csv = stdout_of(&["--data", &mini, "observed", &fixture, "--format", "csv"]);
    assert_eq!(csv.lines().count(), 6, "{csv}");
    assert!(csv.contains("tt_east_madrid_2024,transit_time,2024,2024-H1,east_city,?Madrid"));
    let json = stdout_of(&["--data", &mini, "observed", &fixture, "--format", "json"]);
    let parsed: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(parsed["rows"], 5);
    assert_eq!(
        parsed["observations"][3]["facility"],
        "ferry_east-ferry_west"
    );
    // The CSV reads back as an observation file with the same rows.
    let dir = temp_dir();
    std::fs::write(dir.path().join("observations.csv"), &csv).expect("write");
    std::fs::copy(
        format!("{fixture}/SOURCES.toml"),
        dir.path().join("SOURCES.toml"),
    )
    .expect("copy");
    let folder = dir.path().to_string_lossy().into_owned();
    let again = stdout_of(&["--data", &mini, "observed", &folder, "--format", "csv"]);
    assert_eq!(again, csv);
}

#[test]
fn a_bad_observation_names_file_line_and_field() {
    let dir = temp_dir();
    let fixture = repo("testdata/observed_mini");
    for name in ["observations.csv", "SOURCES.toml"] {
        std::fs::copy(format!("{fixture}/{name}"), dir.path().join(name)).expect("copy");
    }
    let csv = dir.path().join("observations.csv");
    let text = std::fs::read_to_string(&csv).expect("read");
    std::fs::write(&csv, text.replacen(",days,14,12,16,", ",teu,14,12,16,", 1)).expect("write");
    let output = silkroute(&[
        "--data",
        &repo("testdata/mini"),
        "observed",
        &dir.path().to_string_lossy(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("observations.csv:3: unit: `teu` does not fit kind `transit_time`"),
        "{stderr}"
    );
}

/// `evaluate` models the shipped observations and prints the figures; JSON and CSV agree.
#[test]
fn evaluate_prints_figures_and_rows_in_every_format() {
    let table = stdout_of(&["evaluate", &repo("data/observed"), "--kind", "transit_time"]);
    assert!(table.contains("transit_time"), "{table}");
    assert!(table.contains("Not modelled:"), "{table}");
    let json = json(&["evaluate", &repo("data/observed"), "--format", "json"]);
    let rows = json["observations"].as_array().expect("rows");
    let csv = stdout_of(&["evaluate", &repo("data/observed"), "--format", "csv"]);
    assert_eq!(csv.lines().count(), rows.len() + 1);
    let output = silkroute(&["evaluate", &repo("data/observed"), "--kind", "weather"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--kind weather"));
}

/// `calibrate` fits, cross-validates and writes a calibration.csv the network folder loads.
#[test]
fn calibrate_writes_a_calibration_the_network_loads() {
    let tmp = temp_dir();
    let out = tmp.path().join("calibration.csv");
    let table = stdout_of(&[
        "calibrate",
        &repo("data/observed"),
        "--folds",
        "0",
        "--write",
        &out.to_string_lossy(),
    ]);
    assert!(table.contains("in sample"), "{table}");
    assert!(!table.contains("out of fold"), "{table}");
    let written = std::fs::read_to_string(&out).expect("written");
    assert!(written.starts_with("# Calibrated factors"), "{written}");
    let shipped = std::fs::read_to_string(repo("data/default/calibration.csv")).expect("file");
    // The shipped file is what this command writes (the same fit; only the folder in the
    // comment naming the command differs).
    let without_command = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with("# `silkroute calibrate"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        without_command(&written),
        without_command(&shipped),
        "data/default/calibration.csv is stale: rerun calibrate --folds 0 --write"
    );
    let observed = repo("data/observed");
    for (args, expected) in [
        (
            vec!["calibrate", &observed, "--folds", "1"],
            "folds 1: expected 0 or 2",
        ),
        (
            vec!["calibrate", &observed, "--source", "NOPE"],
            "fit source `NOPE`",
        ),
        (vec!["calibrate", &observed, "--format", "csv"], "--format"),
        (
            vec!["calibrate", "/nowhere"],
            "/nowhere is not a valid observation folder",
        ),
    ] {
        let output = silkroute(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}
