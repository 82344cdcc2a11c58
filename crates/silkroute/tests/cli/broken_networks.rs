//! Every folder of `testdata/broken/` is `testdata/mini` with one defect. `silkroute validate`
//! (and any command given `--data`) must reject it with exit status 2 and a message naming the
//! file, line and field given in the folder's `expected.txt`, without panicking or hanging.
//! `testdata/disconnected/` and `testdata/broken_warnings/` are valid networks that load with
//! warnings.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BROKEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/broken");
const BROKEN_WARNINGS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../testdata/broken_warnings"
);
const DISCONNECTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/disconnected");

/// Longest time one run of the binary may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Cases whose `expected.txt` states what the loader *should* report but does not yet. They still
/// fail the test (so that they stay visible); the label says what is wrong today. Remove an entry
/// once the loader is fixed.
const KNOWN_LOADER_BUGS: &[(&str, &str)] = &[];

/// What one run of the binary did.
struct Outcome {
    /// Exit code, `None` when killed by a signal or by the timeout.
    code: Option<i32>,
    timed_out: bool,
    stdout: String,
    stderr: String,
}

/// Runs `silkroute ARGS`, killing it after [`TIMEOUT`].
fn run(args: &[&str]) -> Outcome {
    let mut child = Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start the silkroute binary");
    // Read both pipes on their own threads so that a chatty child cannot block on a full pipe.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let deadline = Instant::now() + TIMEOUT;
    let (status, timed_out) = loop {
        match child.try_wait().expect("cannot wait for silkroute") {
            Some(status) => break (status, false),
            None if Instant::now() >= deadline => {
                let _ = child.kill();
                break (child.wait().expect("cannot wait for silkroute"), true);
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    Outcome {
        code: if timed_out { None } else { status.code() },
        timed_out,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
}

/// The case folders of `testdata/broken/`, sorted.
fn broken_cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(BROKEN)
        .expect("testdata/broken is missing")
        .map(|entry| entry.expect("cannot list testdata/broken").path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 40,
        "only {} cases in testdata/broken",
        cases.len()
    );
    cases
}

fn case_name(dir: &Path) -> String {
    dir.file_name()
        .expect("a case folder has a name")
        .to_string_lossy()
        .into_owned()
}

/// The substring the error must contain, from `expected.txt`.
fn expected_message(dir: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(dir.join("expected.txt"))
        .map_err(|error| format!("cannot read expected.txt: {error}"))?;
    let text = text.trim();
    if text.is_empty() {
        return Err("expected.txt is empty".to_string());
    }
    Ok(text.to_string())
}

/// Everything wrong with a run that should have failed with `expected` on stderr.
fn problems(outcome: &Outcome, expected: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if outcome.timed_out {
        problems.push(format!("did not finish within {} s", TIMEOUT.as_secs()));
    } else if outcome.code != Some(2) {
        problems.push(format!("exit code {:?}, expected 2", outcome.code));
    }
    for (name, text) in [("stdout", &outcome.stdout), ("stderr", &outcome.stderr)] {
        if text.contains("panicked") || text.contains("RUST_BACKTRACE") {
            problems.push(format!("{name} shows a panic"));
        }
    }
    if !outcome.stderr.contains(expected) {
        problems.push(format!("stderr lacks `{expected}`"));
    }
    // `error: a: b: c: c` — a cause repeated at the end of the chain.
    if let Some(line) = outcome.stderr.lines().find(|l| l.starts_with("error: ")) {
        let parts: Vec<&str> = line.split(": ").collect();
        if parts.len() >= 3 && parts[parts.len() - 1] == parts[parts.len() - 2] {
            problems.push("the last cause is printed twice".to_string());
        }
    }
    if !problems.is_empty() {
        problems.push(format!(
            "stderr was: {}",
            outcome.stderr.trim_end().replace('\n', "\n        ")
        ));
        if !outcome.stdout.trim().is_empty() {
            problems.push(format!(
                "stdout was: {}",
                outcome.stdout.trim_end().replace('\n', "\n        ")
            ));
        }
    }
    problems
}

/// Fails with one message listing every failing case, known loader bugs labelled as such.
fn report(failures: Vec<(String, Vec<String>)>, total: usize) {
    if failures.is_empty() {
        return;
    }
    let mut message = format!("{} of {total} case(s) failed:\n", failures.len());
    for (name, problems) in &failures {
        let label = match KNOWN_LOADER_BUGS.iter().find(|(bug, _)| bug == name) {
            Some((_, what)) => format!("known loader bug: {what}"),
            None => "UNEXPECTED".to_string(),
        };
        message.push_str(&format!("\n- {name} ({label})\n"));
        for problem in problems {
            message.push_str(&format!("    {problem}\n"));
        }
    }
    panic!("{message}");
}

#[test]
fn validate_rejects_every_broken_network() {
    let cases = broken_cases();
    let mut failures = Vec::new();
    for dir in &cases {
        let name = case_name(dir);
        let outcome_problems = match expected_message(dir) {
            Ok(expected) => {
                let outcome = run(&["validate", &dir.to_string_lossy()]);
                problems(&outcome, &expected)
            }
            Err(error) => vec![error],
        };
        if !outcome_problems.is_empty() {
            failures.push((name, outcome_problems));
        }
    }
    report(failures, cases.len());
}

#[test]
fn route_with_data_rejects_broken_networks_like_validate() {
    let names = [
        "negative_length",
        "link_unknown_from_node",
        "non_utf8_field",
        "empty_nodes_file",
        "malformed_toml_dataset",
        "missing_emission_factor",
        "default_from_unknown_place",
    ];
    let mut failures = Vec::new();
    for name in names {
        let dir = Path::new(BROKEN).join(name);
        let expected = expected_message(&dir).unwrap_or_else(|error| panic!("{name}: {error}"));
        let outcome = run(&[
            "route",
            "--data",
            &dir.to_string_lossy(),
            "East City",
            "West City",
        ]);
        let mut case_problems = problems(&outcome, &expected);
        if !outcome.stdout.trim().is_empty() && case_problems.is_empty() {
            case_problems.push(format!("printed a result on stdout: {}", outcome.stdout));
        }
        if !case_problems.is_empty() {
            failures.push((name.to_string(), case_problems));
        }
    }
    report(failures, names.len());
}

#[test]
fn disconnected_network_is_valid_but_has_no_route_to_the_island() {
    let outcome = run(&["validate", DISCONNECTED]);
    assert_eq!(
        outcome.code,
        Some(0),
        "validate testdata/disconnected: {}",
        outcome.stderr
    );
    let output = format!("{}{}", outcome.stdout, outcome.stderr);
    let warning = output
        .lines()
        .find(|line| line.starts_with("warning:") && line.contains("the network is disconnected"))
        .unwrap_or_else(|| panic!("no warning about the disconnected nodes in:\n{output}"));
    assert!(
        warning.contains("island") && warning.contains("islet"),
        "the warning does not name the island nodes: {warning}"
    );

    let outcome = run(&["route", "--data", DISCONNECTED, "East City", "island"]);
    assert_eq!(
        outcome.code,
        Some(2),
        "route East City → island: stdout {} stderr {}",
        outcome.stdout,
        outcome.stderr
    );
    assert!(
        outcome.stderr.contains("no route"),
        "route East City → island: {}",
        outcome.stderr
    );
    assert!(!outcome.stderr.contains("panicked"), "{}", outcome.stderr);

    // The island is reachable from itself: the data are fine, only the query is impossible.
    let outcome = run(&["route", "--data", DISCONNECTED, "island", "islet"]);
    assert_eq!(
        outcome.code,
        Some(0),
        "route island → islet: {}",
        outcome.stderr
    );
}

#[test]
fn header_only_links_is_a_valid_network_with_warnings() {
    let dir = Path::new(BROKEN_WARNINGS).join("header_only_links");
    let outcome = run(&["validate", &dir.to_string_lossy()]);
    assert_eq!(outcome.code, Some(0), "{}", outcome.stderr);
    assert!(
        outcome.stdout.contains(" 0 links")
            && outcome.stdout.contains("the network is disconnected"),
        "{}",
        outcome.stdout
    );
    let outcome = run(&[
        "route",
        "--data",
        &dir.to_string_lossy(),
        "East City",
        "West City",
    ]);
    assert_eq!(outcome.code, Some(2), "{}", outcome.stdout);
    assert!(outcome.stderr.contains("no route"), "{}", outcome.stderr);
}
