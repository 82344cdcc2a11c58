//! Writes the seed corpus `fuzz/seeds/<target>/` from the repository's fixtures, and the
//! cache and pack seeds with the library itself. Run from the repository root:
//! `cargo run --manifest-path fuzz/Cargo.toml --example make_seeds`.

use silkroute_core::geo::{
    ContractionHierarchy, GeoNetwork, Passages, apply_passage_tags, ch_sections, checksum,
    encode_geo_cache, fingerprint, pack_geo, parse_geo,
};
use silkroute_fuzz::{SEPARATOR, named};
use std::path::{Path, PathBuf};

fn read(path: &str) -> Vec<u8> {
    std::fs::read(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn joined(parts: &[&[u8]]) -> Vec<u8> {
    parts.join(&SEPARATOR)
}

fn with_choice(choice: u8, contents: &[u8]) -> Vec<u8> {
    let mut bytes = vec![choice];
    bytes.extend_from_slice(contents);
    bytes
}

fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = root().join("fuzz/seeds").join(target);
    std::fs::create_dir_all(&dir).expect("seed folder");
    std::fs::write(dir.join(name), bytes).expect("seed file");
}

/// A ring of `n` nodes with chords, in the Caspian region, every edge length a round number of
/// metres from a fixed formula (no randomness needed).
fn ring(n: u32) -> GeoNetwork {
    let mut nodes = String::from("id,lat,lon\n");
    let mut edges = String::from("from,to,km,passage\n");
    for i in 0..n {
        let angle = f64::from(i) / f64::from(n) * std::f64::consts::TAU;
        nodes += &format!("r{i},{:.3},{:.3}\n", 42.0 + angle.sin(), 50.0 + angle.cos());
        edges += &format!("r{i},r{},{}.5,\n", (i + 1) % n, 10 + (i * 7) % 13);
        if i % 5 == 0 {
            let passage = if i % 10 == 0 { "strait" } else { "" };
            edges += &format!("r{i},r{},{},{passage}\n", (i + n / 3) % n, 30 + i % 11);
        }
    }
    parse_geo(
        &named("nodes.csv", nodes.as_bytes()),
        &named("edges.csv", edges.as_bytes()),
    )
    .expect("the ring is a valid network")
}

fn cache_of(network: &GeoNetwork, with_ch: bool) -> Vec<u8> {
    let extras = if with_ch {
        ch_sections(&ContractionHierarchy::new(&network.graph).expect("small graph"))
    } else {
        Default::default()
    };
    encode_geo_cache(fingerprint(&[b"fuzz"]), network, &extras)
}

/// A version-1 pack (fixed-width coordinates and edges, no passages), which `unpack_geo`
/// still reads.
fn pack_v1(network: &GeoNetwork, attribution: &str) -> Vec<u8> {
    let graph = &network.graph;
    let mut edges = Vec::new();
    for a in graph.node_ids() {
        for (b, length) in graph.neighbors(a) {
            if b > a {
                edges.push((a.index() as u32, b.index() as u32, length));
            }
        }
    }
    let mut bytes = b"SILKPACK".to_vec();
    for value in [1, graph.node_count() as u32, edges.len() as u32] {
        bytes.extend_from_slice(&value.to_le_bytes());
    }
    bytes.extend_from_slice(&(attribution.len() as u32).to_le_bytes());
    bytes.extend_from_slice(attribution.as_bytes());
    for axis in [0, 1] {
        for v in graph.node_ids() {
            let (lat, lon) = graph.coord(v);
            let degrees = if axis == 0 { lat } else { lon };
            bytes.extend_from_slice(&((degrees * 1e5).round() as i32).to_le_bytes());
        }
    }
    for (a, b, length) in edges {
        for value in [a, b, length] {
            bytes.extend_from_slice(&value.to_le_bytes());
        }
    }
    let sum = checksum(&bytes);
    bytes.extend_from_slice(&sum.to_le_bytes());
    bytes
}

fn main() {
    let mini = |name: &str| read(&format!("testdata/mini/{name}"));
    let mini_shapes: &[u8] = b"link_id,network,network_km,snap_km,shape_source,polyline\n\
        e_city_border,rail,2990.5,1.2,T_HAND,_ydrE_dtvU_nDnsEv`Ef|J\n";
    let services = |name: &str| read(&format!("testdata/services_mini/{name}"));
    let mini_files: [Vec<u8>; 19] = [
        mini("dataset.toml"),
        mini("SOURCES.toml"),
        mini("nodes.csv"),
        mini("links.csv"),
        mini("handling.csv"),
        mini("emissions.csv"),
        mini_shapes.to_vec(),
        mini("zones.csv"),
        mini("demand.csv"),
        services("services.csv"),
        services("service_speeds.csv"),
        services("service_dwell.csv"),
        services("sailings.csv"),
        services("calibration.csv"),
        services("prices.csv"),
        services("demand_years.csv"),
        services("markets.csv"),
        services("market_years.csv"),
        services("tonnage.csv"),
    ];
    for (choice, contents) in mini_files.iter().enumerate() {
        write(
            "network_folder",
            &format!("mini_{choice}"),
            &with_choice(choice as u8, contents),
        );
    }
    let parts: Vec<&[u8]> = mini_files.iter().map(Vec::as_slice).collect();
    write("network_split", "mini", &joined(&parts));
    write("network_split", "mini_no_optional", &joined(&parts[..6]));

    let tntp = |suffix: &str| read(&format!("testdata/tntp_tiny/Braess_{suffix}.tntp"));
    let nodes: &[u8] = b"Node\tX\tY\t;\n1\t0\t0\t;\n2\t1\t1\t;\n3\t1\t-1\t;\n4\t2\t0\t;\n";
    write(
        "tntp",
        "braess",
        &joined(&[&tntp("net"), &tntp("trips"), &tntp("flow"), nodes]),
    );
    write(
        "tntp",
        "braess_net_trips",
        &joined(&[&tntp("net"), &tntp("trips")]),
    );

    let gmns = |name: &str| read(&format!("testdata/gmns_braess/{name}"));
    let gmns_parts = [gmns("node.csv"), gmns("link.csv"), gmns("demand.csv")];
    let gmns_parts: Vec<&[u8]> = gmns_parts.iter().map(Vec::as_slice).collect();
    write("gmns_assignment", "braess", &joined(&gmns_parts));
    let config: &[u8] =
        b"dataset_name,short_length,long_length,speed,crs\nbraess,meter,km,mph,EPSG:4326\n";
    let mut with_config = gmns_parts.clone();
    with_config.push(config);
    write("gmns_assignment", "braess_config", &joined(&with_config));

    let geo_tiny_nodes = read("testdata/geo_tiny/nodes.csv");
    let geo_tiny_edges = read("testdata/geo_tiny/edges.csv");
    write(
        "geo_csv",
        "geo_tiny",
        &joined(&[&geo_tiny_nodes, &geo_tiny_edges]),
    );
    let passage_edges: &[u8] =
        b"from,to,km,passage\n0,1,380.5,suez\n1,2,420.25,\n0,2,900,panama\n3,4,550,suez\n";
    write(
        "geo_csv",
        "geo_tiny_passages",
        &joined(&[&geo_tiny_nodes, passage_edges]),
    );

    let geo_gmns = |name: &str| read(&format!("testdata/geo_gmns_tiny/{name}"));
    write(
        "geo_gmns",
        "geo_gmns_tiny",
        &joined(&[
            &geo_gmns("node.csv"),
            &geo_gmns("link.csv"),
            &geo_gmns("config.csv"),
        ]),
    );
    write(
        "geo_gmns",
        "geo_gmns_tiny_no_config",
        &joined(&[&geo_gmns("node.csv"), &geo_gmns("link.csv")]),
    );

    write(
        "geo_geojson",
        "tiny",
        &read("testdata/geo_geojson_tiny/tiny.geojson"),
    );

    let tags: &[u8] = b"from,to,passage,note\n0,1,suez,\"a note, quoted\"\n3,4,bosporus,\n";
    write("geo_lists", "passages", &with_choice(0, tags));
    write(
        "geo_lists",
        "points",
        &with_choice(1, b"lat,lon,name\n43.65,51.17,Aktau\n-33.9,18.4,\n"),
    );
    write(
        "geo_lists",
        "queries",
        &with_choice(2, b"olat,olon,dlat,dlon\n43.65,51.17,47.1,51.9\n"),
    );
    let patches = read("data/geo/rail_patches.csv");
    let sources = read("data/geo/SOURCES.toml");
    write(
        "geo_lists",
        "patches",
        &with_choice(3, &joined(&[&patches, &sources])),
    );
    let notes: &[u8] = b"link_id,reason,note\n# a comment\na_rail,other_route,\"why, quoted\"\nb_sea,coarse_network,\n";
    write("geo_lists", "notes", &with_choice(4, notes));

    let mut geo_tiny = parse_geo(
        &named("nodes.csv", &geo_tiny_nodes),
        &named("edges.csv", &geo_tiny_edges),
    )
    .expect("testdata/geo_tiny is valid");
    geo_tiny.passages =
        apply_passage_tags(&geo_tiny, &named("tags.csv", tags)).expect("the tags fit geo_tiny");
    let ring = ring(40);
    write("geo_cache", "geo_tiny_ch", &cache_of(&geo_tiny, true));
    write("geo_cache", "geo_tiny", &cache_of(&geo_tiny, false));
    write("geo_cache", "ring_ch", &cache_of(&ring, true));

    let attribution = "hand-made test data";
    write(
        "geo_pack",
        "geo_tiny",
        &pack_geo(&geo_tiny.graph, &geo_tiny.passages, attribution),
    );
    write(
        "geo_pack",
        "ring",
        &pack_geo(&ring.graph, &ring.passages, ""),
    );
    write(
        "geo_pack",
        "geo_tiny_no_passages",
        &pack_geo(&geo_tiny.graph, &Passages::none(), attribution),
    );
    write("geo_pack", "geo_tiny_v1", &pack_v1(&geo_tiny, attribution));

    let observations = read("testdata/observed_mini/observations.csv");
    let observed_sources = read("testdata/observed_mini/SOURCES.toml");
    write(
        "observations",
        "fixture",
        &joined(&[&observations, &observed_sources]),
    );
    write("observations", "csv_only", &observations);

    write("osm_pbf", "tiny", &read("testdata/osm_tiny/tiny.osm.pbf"));
    write(
        "osm_pbf",
        "tiny_plain_nodes",
        &read("testdata/osm_tiny/tiny-plain-nodes.osm.pbf"),
    );

    for name in [
        "baseline_2026",
        "red_sea_closed",
        "do_minimum_2030",
        "bakhty_crossing",
        "caspian_closed",
    ] {
        write(
            "scenario_file",
            name,
            &read(&format!("data/scenarios/{name}.toml")),
        );
    }
    write("hazards_file", "shipped", &read("data/hazards.toml"));

    write(
        "reliability_file",
        "dostyk_p95",
        &read("testdata/reliability/dostyk_p95.csv"),
    );
    for name in [
        "duplicate_element",
        "percentiles_out_of_order",
        "unknown_node",
    ] {
        write(
            "reliability_file",
            name,
            &read(&format!(
                "testdata/reliability/broken/{name}/reliability.csv"
            )),
        );
    }
}
