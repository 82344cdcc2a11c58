//! The dependency rule of ARCHITECTURE.md, checked on the source: each top-level module of
//! `silkroute_core` may use only the modules below it.
//!
//! ```text
//! io  <  network  <  route, geo, observe  <  report  <  freight  <  scenario, model
//! io  <  assign   <  report
//! sim  <  simulate (above scenario)
//! ```
//!
//! A use is any `crate::MODULE` path, or a `super::…` path that leaves the module, in code
//! outside comments, string literals and `#[cfg(test)]` modules (tests may reach anything).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each module and the modules it may use.
const ALLOWED: &[(&str, &[&str])] = &[
    ("io", &[]),
    ("network", &["io"]),
    ("route", &["network", "io"]),
    ("geo", &["network", "io"]),
    ("observe", &["network", "io"]),
    ("assign", &["io"]),
    ("sim", &[]),
    (
        "report",
        &["network", "route", "geo", "assign", "observe", "io"],
    ),
    ("freight", &["network", "route", "assign", "report", "io"]),
    (
        "scenario",
        &["network", "route", "assign", "freight", "report", "io"],
    ),
    (
        "simulate",
        &[
            "sim", "network", "route", "assign", "freight", "scenario", "report", "io",
        ],
    ),
    (
        "model",
        &[
            "network", "route", "observe", "assign", "freight", "report", "io",
        ],
    ),
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src is readable")
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments, string and char literals, and without the items
/// that follow a `#[cfg(test)]` attribute (test modules and test-only functions).
fn code_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            i += rest.find("*/").map_or(rest.len(), |end| end + 2);
        } else if rest.starts_with("r#\"") || rest.starts_with("r\"") {
            let hashes = rest[1..].chars().take_while(|&c| c == '#').count();
            let close = format!("\"{}", "#".repeat(hashes));
            let start = 2 + hashes;
            i += rest[start..]
                .find(&close)
                .map_or(rest.len(), |end| start + end + close.len());
        } else if bytes[i] == b'"' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            i = j + 1;
        } else if rest.starts_with("#[cfg(test)]") {
            // Skip the attribute and the item it guards: up to the end of its first block
            // or, for an item without a block (`mod tests;`), its semicolon.
            let mut j = i + "#[cfg(test)]".len();
            let mut depth = 0usize;
            while j < bytes.len() {
                match bytes[j] {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            j += 1;
                            break;
                        }
                    }
                    b';' if depth == 0 => {
                        j += 1;
                        break;
                    }
                    _ => {}
                }
                j += 1;
            }
            i = j;
        } else {
            let c = rest.chars().next().expect("not at the end");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The top-level module a file belongs to (`src/geo/read/csv.rs` → `geo`).
fn module_of(path: &Path) -> Option<String> {
    let relative = path.strip_prefix(src()).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_string())
}

/// Modules named by `crate::NAME` paths in `code`, and by `super::` chains that climb out of
/// the file's top-level module (`depth` = how many `super` reach the crate root).
fn uses(code: &str, depth: usize) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let known: Vec<&str> = ALLOWED.iter().map(|(m, _)| *m).collect();
    let mut scan = |prefix: &str| {
        for (index, _) in code.match_indices(prefix) {
            let before = code[..index].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let name: String = code[index + prefix.len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if known.contains(&name.as_str()) {
                found.insert(name);
            }
        }
    };
    scan("crate::");
    if depth > 0 {
        scan(&"super::".repeat(depth));
    }
    found
}

#[test]
fn modules_use_only_the_modules_below_them() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut violations = Vec::new();
    let mut checked = 0;
    for path in &files {
        let Some(module) = module_of(path) else {
            continue;
        };
        if module == "lib" {
            continue;
        }
        let Some(may_use) = allowed.get(module.as_str()) else {
            violations.push(format!(
                "{}: module `{module}` is not in the dependency rule (add it to ALLOWED and ARCHITECTURE.md)",
                path.display()
            ));
            continue;
        };
        let relative = path.strip_prefix(src()).expect("under src");
        // `src/geo/read/csv.rs` sits two `super` below `geo`, three below the root; `mod.rs`
        // files one less.
        let mut depth = relative.components().count();
        if path.file_name().is_some_and(|n| n == "mod.rs") {
            depth -= 1;
        }
        let text = std::fs::read_to_string(path).expect("readable");
        for used in uses(&code_of(&text), depth) {
            if used != module && !may_use.contains(&used.as_str()) {
                violations.push(format!(
                    "{}: `{module}` uses `{used}` (it may use: {})",
                    relative.display(),
                    may_use.join(", ")
                ));
            }
        }
        checked += 1;
    }
    assert!(checked > 40, "only {checked} files checked");
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_checker_sees_uses_and_ignores_comments_strings_and_tests() {
    let code = code_of(
        "use crate::route::Scope; // crate::geo\nlet s = \"crate::assign\";\n\
         #[cfg(test)]\nmod tests { use crate::freight::X; }\nfn f() { super::super::report::x(); }",
    );
    let found = uses(&code, 2);
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        vec!["report".to_string(), "route".to_string()]
    );
}
