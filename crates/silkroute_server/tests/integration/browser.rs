//! The map in a real browser: Debian's Chromium, headless, against the server on a loopback
//! port. The page sets `data-ready` and counts of what it drew on `<body>`; a screenshot is
//! kept in `target/test-artifacts/`. Skipped when Chromium is absent, unless
//! `SILKROUTE_REQUIRE_BROWSER` is set (CI sets it).

use super::{root, state};
use std::path::PathBuf;
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

fn headless(browser: &PathBuf, profile: &std::path::Path, extra: &[&str], url: &str) -> Command {
    let mut command = Command::new(browser);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,900",
        "--virtual-time-budget=15000",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command.args(extra).arg(url);
    command
}

/// The value of attribute `name` on the dumped `<body …>` tag.
fn body_attribute(dom: &str, name: &str) -> Option<String> {
    let start = dom.find("<body")?;
    let tag = &dom[start..start + dom[start..].find('>')?];
    let key = format!("{name}=\"");
    let from = tag.find(&key)? + key.len();
    Some(tag[from..from + tag[from..].find('"')?].to_string())
}

#[test]
fn the_map_loads_and_draws_the_routes_of_a_query() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("SILKROUTE_REQUIRE_BROWSER").is_none(),
            "SILKROUTE_REQUIRE_BROWSER is set but no Chromium is installed"
        );
        eprintln!("skipped: no Chromium (apt-get install chromium)");
        return;
    };
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a loopback port");
    let addr = listener.local_addr().expect("its address");
    runtime.spawn(async move {
        let _ = axum::serve(listener, silkroute_server::router(state())).await;
    });
    let profile = tempfile::tempdir().expect("a profile folder");
    let url = format!("http://{addr}/?view=route&from=Xian&to=Duisburg&by=time");
    let output = headless(&browser, profile.path(), &["--dump-dom"], &url)
        .output()
        .expect("Chromium runs");
    let dom = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        body_attribute(&dom, "data-ready").as_deref(),
        Some("1"),
        "{dom:.2000}"
    );
    assert_eq!(
        body_attribute(&dom, "data-error"),
        None,
        "the page reports an error"
    );
    let routes: usize = body_attribute(&dom, "data-routes")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(routes > 0, "no route drawn");
    assert_eq!(
        body_attribute(&dom, "data-alternatives").as_deref(),
        Some("5")
    );
    let places: usize = body_attribute(&dom, "data-places")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert_eq!(places, state().network().nodes().len());

    let artifacts = root().join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).expect("the artefacts folder");
    let png = artifacts.join("map-route.png");
    let _ = std::fs::remove_file(&png);
    let screenshot = format!("--screenshot={}", png.display());
    headless(&browser, profile.path(), &[&screenshot], &url)
        .output()
        .expect("Chromium runs");
    let bytes = std::fs::read(&png).expect("a screenshot");
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG");
    // A blank page compresses to a few kilobytes; the basemap and routes do not.
    assert!(
        bytes.len() > 100_000,
        "the screenshot is nearly blank ({} bytes)",
        bytes.len()
    );
}
