//! Contraction hierarchies on the world railway network: preparation, distance queries and
//! path queries over the 1,000 Eurasian query pairs.
//!
//! The data stays outside the repository. Run with
//! `SILKROUTE_GEO_DIR=/path/to/geo SILKROUTE_QUERIES=/path/to/eurasia_rail_1000.csv
//! cargo bench -p silkroute_core --bench ch`, where the geo folder holds
//! `world_railways/{nodes.csv,edges.csv}`. Without the variables the benchmark prints a
//! message and measures nothing.

use criterion::{Criterion, criterion_group, criterion_main};
use silkroute_core::geo::{ChQuery, ContractionHierarchy, GeoGraph, GeoNodeId};
use std::collections::HashMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The rows of a CSV file after its header, split at commas (the files have no quoting).
fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            line.split(',')
                .map(|field| field.trim().to_owned())
                .collect()
        })
        .collect()
}

fn number<T: std::str::FromStr>(field: &str, path: &Path) -> T {
    field
        .parse()
        .unwrap_or_else(|_| panic!("{}: {field:?} is not a number", path.display()))
}

/// Coordinates are given with three decimals; thousandths of a degree identify a node.
fn coordinate_key(lat: &str, lon: &str, path: &Path) -> (i64, i64) {
    let thousandths = |field: &str| (number::<f64>(field, path) * 1000.0).round() as i64;
    (thousandths(lat), thousandths(lon))
}

struct Data {
    graph: GeoGraph,
    pairs: Vec<(GeoNodeId, GeoNodeId)>,
}

fn load(geo_dir: &Path, queries: &Path) -> Data {
    let nodes_path = geo_dir.join("world_railways/nodes.csv");
    let edges_path = geo_dir.join("world_railways/edges.csv");
    let mut coords = Vec::new();
    let mut node_at = HashMap::new();
    for row in csv_rows(&nodes_path) {
        let id: usize = number(&row[0], &nodes_path);
        assert_eq!(id, coords.len(), "node ids are dense and in order");
        coords.push((number(&row[1], &nodes_path), number(&row[2], &nodes_path)));
        node_at.insert(
            coordinate_key(&row[1], &row[2], &nodes_path),
            GeoNodeId::from_index(id),
        );
    }
    let edges: Vec<(u32, u32, u32)> = csv_rows(&edges_path)
        .iter()
        .map(|row| {
            let km: f64 = number(&row[2], &edges_path);
            (
                number(&row[0], &edges_path),
                number(&row[1], &edges_path),
                (km * 1000.0).round() as u32,
            )
        })
        .collect();
    let graph = GeoGraph::new(coords, &edges).expect("the railway network is a valid graph");
    let node = |lat: &str, lon: &str| {
        *node_at
            .get(&coordinate_key(lat, lon, queries))
            .unwrap_or_else(|| panic!("no node at ({lat}, {lon})"))
    };
    let pairs = csv_rows(queries)
        .iter()
        .map(|row| (node(&row[0], &row[1]), node(&row[2], &row[3])))
        .collect();
    Data { graph, pairs }
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * fraction).round() as usize]
}

/// Times every query once, to report the median and 90th percentile per query (criterion
/// reports the time of the whole batch).
fn report_per_query(
    name: &str,
    pairs: &[(GeoNodeId, GeoNodeId)],
    mut run: impl FnMut(GeoNodeId, GeoNodeId),
) {
    let mut times: Vec<Duration> = pairs
        .iter()
        .map(|&(source, target)| {
            let start = Instant::now();
            run(source, target);
            start.elapsed()
        })
        .collect();
    times.sort_unstable();
    println!(
        "{name}: per query median {:?}, p90 {:?}, max {:?}",
        percentile(&times, 0.5),
        percentile(&times, 0.9),
        times[times.len() - 1]
    );
}

fn bench_ch(c: &mut Criterion) {
    let (Some(geo_dir), Some(queries)) = (
        std::env::var_os("SILKROUTE_GEO_DIR").map(PathBuf::from),
        std::env::var_os("SILKROUTE_QUERIES").map(PathBuf::from),
    ) else {
        eprintln!(
            "ch bench skipped: set SILKROUTE_GEO_DIR (a folder holding world_railways/) and \
             SILKROUTE_QUERIES (a CSV of olat,olon,dlat,dlon)"
        );
        return;
    };
    let data = load(&geo_dir, &queries);
    let start = Instant::now();
    let ch = ContractionHierarchy::new(&data.graph).expect("lengths fit");
    println!(
        "world_railways: {} nodes, {} edges; CH prepared in {:?}: {} upward edges ({} \
         shortcuts), {:.1} MB",
        data.graph.node_count(),
        data.graph.edge_count(),
        start.elapsed(),
        ch.edge_count(),
        ch.shortcut_count(),
        ch.memory_bytes() as f64 / 1e6
    );
    let mut query = ChQuery::new(&ch);
    for &(source, target) in &data.pairs {
        black_box(query.path(&ch, source, target));
    }
    report_per_query("distance", &data.pairs, |source, target| {
        black_box(query.distance(&ch, source, target));
    });
    report_per_query("path", &data.pairs, |source, target| {
        black_box(query.path(&ch, source, target));
    });

    let mut group = c.benchmark_group("ch_world_railways");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("prepare", |b| {
        b.iter(|| ContractionHierarchy::new(black_box(&data.graph)).expect("lengths fit"))
    });
    group.finish();

    let mut group = c.benchmark_group("ch_world_railways_1000_queries");
    group.bench_function("distance", |b| {
        b.iter(|| {
            for &(source, target) in &data.pairs {
                black_box(query.distance(&ch, black_box(source), black_box(target)));
            }
        })
    });
    group.bench_function("path", |b| {
        b.iter(|| {
            for &(source, target) in &data.pairs {
                black_box(query.path(&ch, black_box(source), black_box(target)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench_ch);
criterion_main!(benches);
