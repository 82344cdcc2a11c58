//! The geographic network readers through the CLI: `--network PATH` and `network heal PATH`
//! accept a nodes.csv/edges.csv folder, a GMNS folder or a GeoJSON file, give the same answers
//! on the same network, cache each by the files read, and reject bad input with exit code 2 and
//! a message naming the file, line or feature, and field.

use std::path::Path;

use crate::support::{repo, silkroute, temp_dir};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A scratch folder, removed when dropped.
struct Scratch(tempfile::TempDir);

impl Scratch {
    fn new(_name: &str) -> Scratch {
        Scratch(temp_dir())
    }

    /// Writes `files` (relative path, content) and returns the path of `path`.
    fn with(&self, files: &[(&str, &str)], path: &str) -> String {
        for (name, content) in files {
            let file = self.0.path().join(name);
            std::fs::create_dir_all(file.parent().expect("parent")).expect("folder");
            std::fs::write(file, content).expect("writable");
        }
        self.0.path().join(path).to_string_lossy().into_owned()
    }
}

const TINY: [&str; 3] = [
    "testdata/geo_tiny",
    "testdata/geo_gmns_tiny",
    "testdata/geo_geojson_tiny/tiny.geojson",
];

#[test]
fn the_three_formats_give_the_same_answers() {
    let scratch = Scratch::new("same");
    let points = scratch.with(
        &[(
            "points.csv",
            "lat,lon\n43.65,51.17\n47.1,51.9\n45.3,55.2\n41.72,44.79\n46.01,53.01\n40.4,49.87\n",
        )],
        "points.csv",
    );
    let mut matrices = Vec::new();
    for network in TINY {
        let network = repo(network);
        let output = silkroute(&[
            "geo",
            "matrix",
            &points,
            "--network",
            &network,
            "--no-cache",
        ]);
        assert!(
            output.status.success(),
            "{network}: {}",
            text(&output.stderr)
        );
        matrices.push((network, text(&output.stdout)));
    }
    assert!(
        matrices[0].1.contains("\n0.000,800.750,"),
        "{}",
        matrices[0].1
    );
    for (network, matrix) in &matrices[1..] {
        assert_eq!(matrix, &matrices[0].1, "{network}");
    }
    for network in TINY {
        let network = repo(network);
        let output = silkroute(&[
            "geo",
            "route",
            "43.65,51.17",
            "46,53",
            "--network",
            &network,
            "--no-cache",
            "--format",
            "csv",
        ]);
        assert!(
            output.status.success(),
            "{network}: {}",
            text(&output.stderr)
        );
        let nodes: Vec<String> = text(&output.stdout)
            .lines()
            .skip(1)
            .map(|row| row.rsplit(',').next().unwrap_or("").to_string())
            .collect();
        assert_eq!(
            nodes,
            vec!["0", "1", "5"],
            "{network}: Aktau, Beyneu, junction"
        );
    }
}

#[test]
fn skipped_geojson_features_are_a_warning() {
    let output = silkroute(&[
        "geo",
        "route",
        "43.65,51.17",
        "47.1,51.9",
        "--network",
        &repo(TINY[2]),
        "--no-cache",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).starts_with("800.8 km over 3 nodes"));
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with("warning: ") && stderr.contains(
            "tiny.geojson: skipped 1 feature(s) that are not LineString or MultiLineString (1 Point; the first is feature 7)"
        ),
        "{stderr}"
    );
}

#[test]
fn heal_reads_gmns_and_geojson() {
    let scratch = Scratch::new("heal");
    for network in &TINY[1..] {
        let out = scratch
            .0
            .path()
            .join("healed")
            .to_string_lossy()
            .into_owned();
        let output = silkroute(&[
            "network",
            "heal",
            &repo(network),
            "--threshold-km",
            "2",
            "--out",
            &out,
        ]);
        assert!(
            output.status.success(),
            "{network}: {}",
            text(&output.stderr)
        );
        assert!(
            text(&output.stdout).starts_with(&format!("healed {}: ", repo(network))),
            "{}",
            text(&output.stdout)
        );
        let edges = std::fs::read_to_string(Path::new(&out).join("edges.csv")).expect("edges");
        assert!(edges.contains("\n0,1,380.500,0,\n"), "{edges}");
    }
}

#[test]
fn the_cache_follows_every_file_read() {
    let scratch = Scratch::new("cache");
    let node = std::fs::read_to_string(repo("testdata/geo_gmns_tiny/node.csv")).expect("node");
    let link = std::fs::read_to_string(repo("testdata/geo_gmns_tiny/link.csv")).expect("link");
    let network = scratch.with(
        &[("gmns/node.csv", &node), ("gmns/link.csv", &link)],
        "gmns",
    );
    let cache = scratch
        .0
        .path()
        .join("gmns.bin")
        .to_string_lossy()
        .into_owned();
    let route = || {
        silkroute(&[
            "geo",
            "route",
            "43.65,51.17",
            "47.1,51.9",
            "--network",
            &network,
            "--cache",
            &cache,
            "--format",
            "json",
        ])
    };
    let first = route();
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(text(&first.stdout).contains("\"km\": 800.75"));
    assert!(
        text(&first.stderr).contains("link length(s) read as metres"),
        "no config.csv: {}",
        text(&first.stderr)
    );
    let second = route();
    assert_eq!(second.stdout, first.stdout);
    assert!(
        second.stderr.is_empty(),
        "from the cache: {}",
        text(&second.stderr)
    );
    // A config.csv saying the lengths are in feet is a file the reader reads: the cache is stale.
    scratch.with(
        &[("gmns/config.csv", "long_length,crs\nft,EPSG:4326\n")],
        "gmns",
    );
    let third = route();
    assert!(third.status.success(), "{}", text(&third.stderr));
    assert!(
        text(&third.stderr).contains("stale cache"),
        "{}",
        text(&third.stderr)
    );
    assert!(
        text(&third.stdout).contains("\"km\": 244.068"),
        "800,750 ft: {}",
        text(&third.stdout)
    );
}

/// A bad-input case: name, files (name, content), the path to give (relative to the case's
/// folder) and a part of the expected message.
type Case<'a> = (&'a str, Vec<(&'a str, String)>, &'a str, &'a str);

#[test]
fn bad_networks_exit_2_naming_file_place_and_field() {
    let scratch = Scratch::new("bad");
    let nodes = "node_id,x_coord,y_coord\n1,51.17,43.65\n2,55.2,45.3\n";
    let links = "link_id,from_node_id,to_node_id,length\n10,1,2,380500\n";
    let line = |coordinates: &str, properties: &str| {
        format!(
            "{{\"type\": \"Feature\", \"properties\": {properties},\n \"geometry\": {{\"type\": \"LineString\", \"coordinates\": {coordinates}}}}}"
        )
    };
    let collection = |features: &[String]| {
        format!(
            "{{\"type\": \"FeatureCollection\",\n\"features\": [\n{}\n]}}\n",
            features.join(",\n")
        )
    };
    let good = line("[[51.17, 43.65], [55.2, 45.3]]", "{}");
    let cases: Vec<Case> = vec![
        (
            "gmns-unknown-node",
            vec![
                ("node.csv", nodes.into()),
                ("link.csv", format!("{links}11,2,9,5\n")),
            ],
            "",
            "link.csv:3: to_node_id: unknown node `9` (not in ",
        ),
        (
            "gmns-missing-column",
            vec![
                ("node.csv", "node_id,x_coord\n1,51\n".into()),
                ("link.csv", links.into()),
            ],
            "",
            "node.csv:1: missing column `y_coord`",
        ),
        (
            "gmns-bad-coordinate",
            vec![
                ("node.csv", format!("{nodes}3,200,45\n")),
                ("link.csv", links.into()),
            ],
            "",
            "node.csv:4: x_coord: 200 is outside [-180, 180]",
        ),
        (
            "gmns-missing-coordinate",
            vec![
                ("node.csv", format!("{nodes}3,NaN,45\n")),
                ("link.csv", links.into()),
            ],
            "",
            "node.csv:4: x_coord: missing value",
        ),
        (
            "gmns-negative-length",
            vec![
                ("node.csv", nodes.into()),
                ("link.csv", format!("{links}11,2,1,-4\n")),
            ],
            "",
            "link.csv:3: length: `-4` is not a length ≥ 0",
        ),
        (
            "gmns-empty-link",
            vec![("node.csv", nodes.into()), ("link.csv", String::new())],
            "",
            "link.csv: empty file",
        ),
        (
            "gmns-projected",
            vec![
                ("node.csv", nodes.into()),
                ("link.csv", links.into()),
                ("config.csv", "long_length,crs\nmile,3735\n".into()),
            ],
            "",
            "config.csv:2: crs: `3735` is not WGS84",
        ),
        (
            "geojson-malformed",
            vec![(
                "net.geojson",
                collection(std::slice::from_ref(&good)).replace("]]}", "]}"),
            )],
            "net.geojson",
            "net.geojson:4:",
        ),
        (
            "geojson-malformed-reason",
            vec![(
                "net.geojson",
                collection(std::slice::from_ref(&good)).replace("]]}", "]}"),
            )],
            "net.geojson",
            ": malformed JSON: ",
        ),
        (
            "geojson-empty",
            vec![("net.geojson", "\n".into())],
            "net.geojson",
            "net.geojson: empty file (expected a GeoJSON FeatureCollection)",
        ),
        (
            "geojson-latitude",
            vec![(
                "net.json",
                collection(&[good.clone(), line("[[51.17, 95], [55.2, 45.3]]", "{}")]),
            )],
            "net.json",
            "net.json: feature 1: geometry.coordinates[0]: latitude 95 is outside [-90, 90]",
        ),
        (
            "geojson-length",
            vec![(
                "net.geojson",
                collection(&[line(
                    "[[51.17, 43.65], [55.2, 45.3]]",
                    "{\"length_km\": -1}",
                )]),
            )],
            "net.geojson",
            "net.geojson: feature 0: properties.length_km: expected a number ≥ 0, found -1",
        ),
        (
            "geojson-no-lines",
            vec![(
                "net.geojson",
                collection(&["{\"type\": \"Feature\", \"geometry\": null}".into()]),
            )],
            "net.geojson",
            "net.geojson: no LineString or MultiLineString feature",
        ),
        (
            "unknown-folder",
            vec![("README.md", "nothing".into())],
            "",
            "not a geographic network: the folder has none of nodes.csv, edges.csv, node.csv, link.csv; expected a folder with nodes.csv and edges.csv, a GMNS folder with node.csv and link.csv, or a .geojson or .json file",
        ),
        (
            "half-csv",
            vec![("nodes.csv", "id,lat,lon\n".into())],
            "",
            "the folder has only nodes.csv;",
        ),
        (
            "unknown-file",
            vec![("net.shp", "x".into())],
            "net.shp",
            "net.shp: not a geographic network: a file that does not end in .geojson or .json",
        ),
    ];
    for (name, files, path, expected) in &cases {
        let files: Vec<(String, &str)> = files
            .iter()
            .map(|(file, content)| (format!("{name}/{file}"), content.as_str()))
            .collect();
        let files: Vec<(&str, &str)> = files.iter().map(|(f, c)| (f.as_str(), *c)).collect();
        let network = scratch.with(&files, &format!("{name}/{path}"));
        for args in [
            vec![
                "geo",
                "route",
                "43.65,51.17",
                "45.3,55.2",
                "--network",
                &network,
                "--no-cache",
            ],
            vec!["network", "heal", &network],
        ] {
            let output = silkroute(&args);
            let stderr = text(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{name} {args:?}: {stderr}");
            assert!(
                stderr.starts_with("error: cannot load the network in "),
                "{name}: {stderr}"
            );
            assert!(
                stderr.contains(expected),
                "{name}: {stderr}\nshould contain {expected}"
            );
            assert!(!stderr.contains("panicked"), "{name}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        }
    }
}
