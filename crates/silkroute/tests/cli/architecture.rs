//! The front end holds no domain logic: no command file defines an output schema
//! (`Serialize`, `json!`) or runs a search or an assignment itself; they parse arguments, call
//! `silkroute_core` (requests, engines, reports) and print. Checked on the source.

use std::path::Path;

/// Names a command file must not use: searches, engines' internals, the assignment solver.
const SEARCHES: &[&str] = &[
    "shortest_path",
    "pareto_set",
    "best_by_corridor",
    "BidirectionalDijkstra",
    "ChQuery",
    "ContractionHierarchy",
    "distance_matrix",
    "build_problem",
    "Scope",
    "Snapper",
];

/// The code of a file without `//` comments.
fn code(text: &str) -> String {
    text.lines()
        .map(|line| line.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

fn has_word(code: &str, word: &str) -> bool {
    code.match_indices(word).any(|(index, _)| {
        let before = code[..index].chars().next_back();
        let after = code[index + word.len()..].chars().next();
        let boundary = |c: Option<char>| !c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        boundary(before) && boundary(after)
    })
}

#[test]
fn command_files_only_parse_call_and_print() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cmd");
    let mut checked = 0;
    let mut faults = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("src/cmd") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let code = code(&std::fs::read_to_string(&path).expect("readable"));
        for word in ["Serialize", "json!"] {
            if code.contains(word) {
                faults.push(format!("{name}: defines an output schema (`{word}`)"));
            }
        }
        for word in SEARCHES {
            if has_word(&code, word) {
                faults.push(format!(
                    "{name}: uses `{word}` (call the core's request/engine API)"
                ));
            }
        }
        // The solver itself (`assign::assign`), not a study's or request's method.
        if code.contains("assign::assign") || code.contains(" assign(") {
            faults.push(format!("{name}: calls the assignment solver directly"));
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} command files");
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}

/// The HTTP server is a front end too: it runs no search or solver itself, and its own
/// schemas are the API's envelopes (answers, errors, limits), never a domain report.
#[test]
fn server_modules_only_parse_call_and_answer() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../silkroute_server/src");
    let envelopes = ["answer.rs", "error.rs", "state.rs"];
    let mut checked = 0;
    let mut faults = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("silkroute_server/src") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        let code = code(&std::fs::read_to_string(&path).expect("readable"));
        if !envelopes.contains(&name.as_str())
            && (code.contains("Serialize,") || code.contains("json!"))
        {
            faults.push(format!(
                "{name}: defines an output schema (answers live in answer.rs)"
            ));
        }
        for word in SEARCHES {
            if has_word(&code, word) {
                faults.push(format!(
                    "{name}: uses `{word}` (call the core's request/engine API)"
                ));
            }
        }
        if code.contains("assign::assign") || code.contains(" assign(") {
            faults.push(format!("{name}: calls the assignment solver directly"));
        }
        checked += 1;
    }
    assert!(checked >= 6, "only {checked} server modules");
    assert!(faults.is_empty(), "{}", faults.join("\n"));
}
