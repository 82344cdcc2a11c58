//! What the topic modules share: running the built binary, paths in the repository, golden
//! files and scratch folders.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The geographic cache folder of every run, kept between test runs (under Cargo's target
/// folder) so that prepared networks are built once, never in the user's ~/.cache.
pub fn cache_home() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("silkroute-cache")
}

pub fn silkroute(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args(args)
        .env("COLUMNS", "120")
        .env_remove("RUST_BACKTRACE")
        .env("XDG_CACHE_HOME", cache_home())
        .output()
        .expect("the binary runs")
}

/// A scratch folder, removed when dropped (also when the test panics).
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("silkroute-test-")
        .tempdir()
        .expect("a temporary folder can be made")
}

pub fn stdout_of(args: &[&str]) -> String {
    let output = silkroute(args);
    assert!(
        output.status.success(),
        "silkroute {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

pub fn repo(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.join(path).to_string_lossy().into_owned()
}

pub fn golden(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cli/golden")
        .join(name)
}

/// Compares `actual` with a golden file, or rewrites it when `UPDATE_GOLDEN` is set.
pub fn check_golden(name: &str, actual: &str) {
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

pub fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&stdout_of(args)).expect("valid JSON")
}

/// The five routes of the default question, as JSON.
pub fn default_question_json() -> serde_json::Value {
    json(&["route", "Lianyungang", "Duisburg", "--format", "json"])
}
