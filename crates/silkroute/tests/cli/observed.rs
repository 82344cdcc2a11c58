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
