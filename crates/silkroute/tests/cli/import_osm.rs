//! Runs the built `silkroute` binary: `import osm` on the hand-made extract in
//! testdata/osm_tiny, then `geo route` on the folder it wrote; and `import osm` on bad files.

use silkroute_core::network::haversine_km;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn silkroute(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/osm_tiny/tiny.osm.pbf")
}

/// A scratch folder for one test, removed when dropped.
struct Scratch(tempfile::TempDir);

impl Scratch {
    fn new(_test: &str) -> Scratch {
        Scratch(crate::support::temp_dir())
    }

    fn path(&self, name: &str) -> String {
        self.0.path().join(name).to_string_lossy().into_owned()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn imported_railways_route_with_the_lengths_along_the_ways() {
    let scratch = Scratch::new("route");
    let out = scratch.path("network");
    let fixture = fixture();
    let import = silkroute(&[
        "import",
        "osm",
        fixture.to_str().expect("UTF-8"),
        "--out",
        &out,
    ]);
    let stderr = text(&import.stderr);
    assert!(import.status.success(), "import failed: {stderr}");
    assert!(
        stderr.starts_with(
            "ways=10 rail=8 kept=4 nodes=8 edges=7 km=9.3 excluded_service=2 excluded_usage=1 \
             excluded_gauge=1 clipped_ways=1 missing_nodes=1 seconds="
        ),
        "{stderr}"
    );
    let attribution = std::fs::read_to_string(scratch.path("network/ATTRIBUTION"))
        .expect("ATTRIBUTION is written");
    assert_eq!(attribution.trim(), "© OpenStreetMap contributors, ODbL 1.0");

    // Node 1 to node 8: along the main line through node 2 to the junction 3, then the branch
    // through node 7 (coordinates from tiny.osm).
    let points = [
        (43.0, 51.0),
        (43.0, 51.01),
        (43.005, 51.02),
        (43.01, 51.025),
        (43.02, 51.03),
    ];
    let expected: f64 = points
        .windows(2)
        .map(|w| haversine_km(w[0].0, w[0].1, w[1].0, w[1].1))
        .sum();
    let route = silkroute(&[
        "geo",
        "route",
        "43.0,51.0",
        "43.02,51.03",
        "--network",
        &out,
        "--format",
        "json",
    ]);
    assert!(
        route.status.success(),
        "route failed: {}",
        text(&route.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&route.stdout).expect("JSON answer");
    let km = answer["km"].as_f64().expect("km is a number");
    // Each edge is stored to the metre, so two edges are within a metre of the exact sum.
    assert!(
        (km - expected).abs() <= 0.001,
        "{km} km, expected {expected}"
    );
    assert_eq!(answer["origin"]["node"], "1");
    assert_eq!(answer["destination"]["node"], "8");
    assert_eq!(
        answer["attribution"],
        "© OpenStreetMap contributors, ODbL 1.0"
    );
}

#[test]
fn output_is_deterministic_and_sorted() {
    let scratch = Scratch::new("deterministic");
    let fixture = fixture();
    let mut outputs = Vec::new();
    for run in ["a", "b"] {
        let out = scratch.path(run);
        let import = silkroute(&[
            "import",
            "osm",
            fixture.to_str().expect("UTF-8"),
            "--out",
            &out,
            "--include-sidings",
            "--include-yards",
        ]);
        assert!(import.status.success(), "{}", text(&import.stderr));
        let edges =
            std::fs::read_to_string(scratch.path(&format!("{run}/edges.csv"))).expect("edges.csv");
        let nodes =
            std::fs::read_to_string(scratch.path(&format!("{run}/nodes.csv"))).expect("nodes.csv");
        outputs.push((nodes, edges));
    }
    assert_eq!(outputs[0], outputs[1]);
    let (nodes, edges) = &outputs[0];
    let ids: Vec<i64> = nodes
        .lines()
        .skip(1)
        .map(|line| line.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    let keys: Vec<(i64, i64, i64)> = edges
        .lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<i64> = line
                .split(',')
                .take(4)
                .map(|f| f.parse::<f64>().unwrap() as i64)
                .collect();
            (fields[0], fields[1], fields[3])
        })
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{keys:?}");
    // The siding (way 103, 3-9-4) and the yard track (way 109, 2-17) are in.
    assert!(edges.contains("\n3,4,"), "{edges}");
    assert!(edges.contains("\n2,17,"), "{edges}");
}

#[test]
fn bad_files_exit_2_naming_the_file() {
    let scratch = Scratch::new("bad");
    let text_file = scratch.path("text.osm.pbf");
    std::fs::write(&text_file, "id,lat,lon\n1,43,51\n").expect("writable");
    let pbf = std::fs::read(fixture()).expect("fixture");
    let truncated = scratch.path("truncated.osm.pbf");
    std::fs::write(&truncated, &pbf[..pbf.len() / 2]).expect("writable");
    let missing = scratch.path("missing.osm.pbf");
    for (file, reason) in [
        (&missing, "cannot read"),
        (&text_file, "not an OpenStreetMap PBF file"),
        (&truncated, "truncated or corrupt PBF file"),
    ] {
        let out = scratch.path("out");
        let output = silkroute(&["import", "osm", file, "--out", &out]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{file}: {stderr}");
        assert!(
            stderr.contains(&format!("{file}: {reason}")),
            "{stderr} should name {file} and say {reason}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!Path::new(&out).exists(), "nothing is written for {file}");
    }
}
