//! Contraction hierarchies against bidirectional Dijkstra, the reference.

use super::*;
use crate::geo::{BidirectionalDijkstra, GeoNodeId, GeoPath};
use proptest::prelude::*;

/// Checks that `path` is a path of `graph` from `source` to `target` of length `expected`.
fn check_path(
    graph: &GeoGraph,
    path: &GeoPath,
    source: GeoNodeId,
    target: GeoNodeId,
    expected: u64,
) -> Result<(), String> {
    if path.length_m != expected {
        return Err(format!("length {} != {expected}", path.length_m));
    }
    if path.nodes.first() != Some(&source) || path.nodes.last() != Some(&target) {
        return Err(format!(
            "ends of {:?} are not {source}, {target}",
            path.nodes
        ));
    }
    let mut sum = 0;
    for pair in path.nodes.windows(2) {
        let length = graph
            .edge_length(pair[0], pair[1])
            .ok_or_else(|| format!("{} and {} are not adjacent", pair[0], pair[1]))?;
        sum += u64::from(length);
    }
    if sum != expected {
        return Err(format!("edges add up to {sum}, not {expected}"));
    }
    Ok(())
}

/// Compares every pair of `pairs` between the hierarchy and bidirectional Dijkstra.
fn check_pairs(graph: &GeoGraph, pairs: impl Iterator<Item = (u32, u32)>) -> Result<(), String> {
    let ch = ContractionHierarchy::new(graph).expect("lengths fit");
    assert_eq!(ch.node_count(), graph.node_count());
    let mut query = ChQuery::new(&ch);
    let mut reference = BidirectionalDijkstra::new(graph);
    for (source, target) in pairs {
        let (source, target) = (GeoNodeId(source), GeoNodeId(target));
        let expected = reference.distance(graph, source, target);
        let distance = query.distance(&ch, source, target);
        if distance != expected {
            return Err(format!(
                "{source} -> {target}: distance {distance:?}, Dijkstra {expected:?}"
            ));
        }
        match (query.path(&ch, source, target), expected) {
            (None, None) => {}
            (Some(path), Some(expected)) => check_path(graph, &path, source, target, expected)
                .map_err(|fault| format!("{source} -> {target}: {fault}"))?,
            (path, _) => {
                return Err(format!(
                    "{source} -> {target}: path {path:?}, Dijkstra {expected:?}"
                ));
            }
        }
    }
    Ok(())
}

/// A tiny xorshift generator, so seeded tests need no dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A random geometric graph: `node_count` points in a 10 x 10 degree square, each joined to
/// nearby points with probability one half, lengths proportional to distance (some rounded
/// to zero), plus long-distance edges so the graph has both chains and shortcuts worth taking.
fn random_geometric_graph(seed: u64, node_count: usize) -> GeoGraph {
    let mut random = XorShift(seed);
    let coords: Vec<(f64, f64)> = (0..node_count)
        .map(|_| (10.0 * random.unit(), 10.0 * random.unit()))
        .collect();
    let radius = 0.35;
    let mut edges = Vec::new();
    for a in 0..node_count {
        for b in a + 1..node_count {
            let (dlat, dlon) = (coords[a].0 - coords[b].0, coords[a].1 - coords[b].1);
            let degrees = (dlat * dlat + dlon * dlon).sqrt();
            if degrees < radius && random.below(2) == 0 {
                // About 111 km per degree; a few very short links round down to zero.
                let length = (degrees * 111_000.0) as u32 / 100 * 100;
                edges.push((a as u32, b as u32, length));
            }
        }
    }
    for _ in 0..node_count / 50 {
        let a = random.below(node_count as u64) as u32;
        let b = random.below(node_count as u64) as u32;
        edges.push((a, b, random.below(3_000_000) as u32));
    }
    GeoGraph::new(coords, &edges).expect("valid random graph")
}

#[test]
fn ch_matches_dijkstra_on_a_seeded_random_geometric_graph() {
    let seed = 0x5eed_c0de_2024_0001;
    let graph = random_geometric_graph(seed, 2_000);
    let mut random = XorShift(seed ^ 0x9e37_79b9_7f4a_7c15);
    let pairs: Vec<(u32, u32)> = (0..300)
        .map(|_| (random.below(2_000) as u32, random.below(2_000) as u32))
        .collect();
    if let Err(fault) = check_pairs(&graph, pairs.into_iter()) {
        panic!("seed {seed:#x}: {fault}");
    }
}

#[test]
fn building_twice_gives_identical_hierarchies_and_answers() {
    let graph = random_geometric_graph(7, 600);
    let (first, second) = (
        ContractionHierarchy::new(&graph).expect("lengths fit"),
        ContractionHierarchy::new(&graph).expect("lengths fit"),
    );
    assert_eq!(first, second);
    let (mut query_first, mut query_second) = (ChQuery::new(&first), ChQuery::new(&second));
    for (source, target) in [(0, 599), (17, 300), (450, 3)] {
        let (source, target) = (GeoNodeId(source), GeoNodeId(target));
        assert_eq!(
            query_first.path(&first, source, target),
            query_second.path(&second, source, target)
        );
    }
}

#[test]
fn a_chain_unpacks_to_every_node() {
    let node_count = 50u32;
    let edges: Vec<_> = (0..node_count - 1).map(|a| (a, a + 1, 10 + a)).collect();
    let graph = GeoGraph::new(vec![(0.0, 0.0); node_count as usize], &edges).expect("valid");
    let ch = ContractionHierarchy::new(&graph).expect("lengths fit");
    assert!(ch.shortcut_count() > 0, "a chain needs shortcuts");
    let mut query = ChQuery::new(&ch);
    let (first, last) = (GeoNodeId(0), GeoNodeId(node_count - 1));
    let path = query.path(&ch, first, last).expect("connected");
    assert_eq!(
        path.nodes,
        (0..node_count).map(GeoNodeId).collect::<Vec<_>>()
    );
    assert_eq!(
        path.length_m,
        edges.iter().map(|e| u64::from(e.2)).sum::<u64>()
    );
    let back = query.path(&ch, last, first).expect("connected");
    assert_eq!(
        back.nodes,
        (0..node_count).rev().map(GeoNodeId).collect::<Vec<_>>()
    );
}

#[test]
fn same_node_and_disconnected_nodes() {
    let graph = GeoGraph::new(vec![(0.0, 0.0); 4], &[(0, 1, 5), (2, 3, 0)]).expect("valid");
    let ch = ContractionHierarchy::new(&graph).expect("lengths fit");
    let mut query = ChQuery::new(&ch);
    let node = GeoNodeId;
    assert_eq!(query.distance(&ch, node(1), node(1)), Some(0));
    assert_eq!(
        query.path(&ch, node(1), node(1)),
        Some(GeoPath {
            length_m: 0,
            nodes: vec![node(1)]
        })
    );
    assert_eq!(query.distance(&ch, node(0), node(3)), None);
    assert_eq!(query.path(&ch, node(3), node(0)), None);
    assert_eq!(query.distance(&ch, node(3), node(2)), Some(0));
    let empty = ContractionHierarchy::new(&GeoGraph::new(Vec::new(), &[]).expect("valid"))
        .expect("lengths fit");
    assert_eq!(empty.node_count(), 0);
}

#[test]
fn from_parts_round_trips_and_rejects_corrupt_parts() {
    let graph = random_geometric_graph(11, 300);
    let ch = ContractionHierarchy::new(&graph).expect("lengths fit");
    let parts = || {
        (
            ch.rank().to_vec(),
            ch.first_up().to_vec(),
            ch.up_head().to_vec(),
            ch.up_length_m().to_vec(),
            ch.up_middle().to_vec(),
        )
    };
    let (rank, first_up, up_head, up_length_m, up_middle) = parts();
    assert_eq!(
        ContractionHierarchy::from_parts(rank, first_up, up_head, up_length_m, up_middle),
        Some(ch.clone())
    );
    let (mut rank, first_up, up_head, up_length_m, up_middle) = parts();
    rank[0] = rank[1];
    assert_eq!(
        ContractionHierarchy::from_parts(rank, first_up, up_head, up_length_m, up_middle),
        None
    );
    let shortcut = ch
        .up_middle()
        .iter()
        .position(|&middle| middle != NO_MIDDLE)
        .expect("a random graph has shortcuts");
    let (rank, first_up, up_head, mut up_length_m, up_middle) = parts();
    up_length_m[shortcut] += 1;
    assert_eq!(
        ContractionHierarchy::from_parts(rank, first_up, up_head, up_length_m, up_middle),
        None
    );
    let (rank, first_up, mut up_head, up_length_m, up_middle) = parts();
    up_head[0] = 0;
    assert_eq!(
        ContractionHierarchy::from_parts(rank, first_up, up_head, up_length_m, up_middle),
        None
    );
    // A middle node past the last node on an original edge: found by mutating a cache
    // (robustness findings, `panic-ch-shortcut-out-of-range`); it indexed out of bounds.
    // See: issue #9
    let original = ch
        .up_middle()
        .iter()
        .position(|&middle| middle == NO_MIDDLE)
        .expect("original edges exist");
    for middle in [1000, u32::MAX - 1] {
        let (rank, first_up, up_head, up_length_m, mut up_middle) = parts();
        up_middle[original] = middle;
        assert_eq!(
            ContractionHierarchy::from_parts(rank, first_up, up_head, up_length_m, up_middle),
            None
        );
    }
}

#[test]
fn lengths_too_long_for_a_shortcut_are_an_error_not_a_panic_issue_9() {
    // A ring of four edges of 3 to 3.5 million km: whichever node is contracted first needs a
    // shortcut of 6 million km or more (the way round is longer), more than u32 metres hold.
    // See: issue #9
    let graph = GeoGraph::new(
        vec![(0.0, 0.0), (0.0, 1.0), (0.0, 2.0), (0.0, 3.0)],
        &[
            (0, 1, 3_000_000_000),
            (1, 2, 3_000_000_000),
            (2, 3, 3_500_000_000),
            (3, 0, 3_500_000_000),
        ],
    )
    .expect("valid");
    assert_eq!(ContractionHierarchy::new(&graph), Err(ChError::TooLong));
}

#[test]
fn contraction_reports_progress_and_stops_when_asked() {
    // A 70 × 70 grid: more nodes than one progress step.
    let side = 70u32;
    let coords = (0..side * side)
        .map(|i| (f64::from(i / side) * 0.01, f64::from(i % side) * 0.01))
        .collect();
    let mut edges = Vec::new();
    for i in 0..side * side {
        if i % side + 1 < side {
            edges.push((i, i + 1, 1_000));
        }
        if i + side < side * side {
            edges.push((i, i + side, 1_000));
        }
    }
    let graph = GeoGraph::new(coords, &edges).expect("valid");
    let mut calls = 0;
    let stopped = ContractionHierarchy::with_progress(&graph, &mut |done, total| {
        calls += 1;
        assert!(done <= total);
        std::ops::ControlFlow::Break(())
    });
    assert_eq!(stopped, Err(ChError::Cancelled));
    assert_eq!(calls, 1);
}

proptest! {
    #[test]
    fn ch_matches_dijkstra_on_random_graphs(
        node_count in 1usize..40,
        edges in proptest::collection::vec((0u32..40, 0u32..40, 0u32..1_000), 0..90),
    ) {
        // Short lengths from a small range make ties and zero-length edges common; ids past
        // `node_count` are dropped, which leaves isolated nodes and several components.
        let edges: Vec<_> = edges
            .into_iter()
            .filter(|edge| (edge.0 as usize) < node_count && (edge.1 as usize) < node_count)
            .map(|(a, b, length)| (a, b, if length < 100 { 0 } else { length / 10 }))
            .collect();
        let graph = GeoGraph::new(vec![(0.0, 0.0); node_count], &edges).expect("valid");
        let n = node_count as u32;
        let pairs = (0..n).flat_map(|source| (0..n).map(move |target| (source, target)));
        if let Err(fault) = check_pairs(&graph, pairs) {
            prop_assert!(false, "{}", fault);
        }
        let ch = ContractionHierarchy::new(&graph).expect("short lengths");
        prop_assert!(ch.is_of(&graph), "a hierarchy is one of the graph it was built from");
    }
}

/// A hierarchy is refused for another graph of the same node count: an edge longer or
/// shorter, added or removed.
// See: issue #9
#[test]
fn a_hierarchy_is_refused_for_another_graph_of_the_same_size_issue_9() {
    let coordinates = vec![(0.0, 0.0); 5];
    let base = [
        (0, 1, 100),
        (1, 2, 100),
        (2, 3, 100),
        (3, 4, 100),
        (0, 4, 500),
    ];
    let graph = GeoGraph::new(coordinates.clone(), &base).expect("valid");
    let ch = ContractionHierarchy::new(&graph).expect("small");
    assert!(ch.is_of(&graph));
    let variants: [&[(u32, u32, u32)]; 4] = [
        &[
            (0, 1, 100),
            (1, 2, 100),
            (2, 3, 101),
            (3, 4, 100),
            (0, 4, 500),
        ],
        &[
            (0, 1, 100),
            (1, 2, 100),
            (2, 3, 100),
            (3, 4, 100),
            (0, 4, 50),
        ],
        &[
            (0, 1, 100),
            (1, 2, 100),
            (2, 3, 100),
            (3, 4, 100),
            (0, 4, 500),
            (1, 3, 10),
        ],
        &[(0, 1, 100), (1, 2, 100), (2, 3, 100), (3, 4, 100)],
    ];
    for edges in variants {
        let other = GeoGraph::new(coordinates.clone(), edges).expect("valid");
        assert!(!ch.is_of(&other), "{edges:?}");
    }
    let smaller = GeoGraph::new(vec![(0.0, 0.0); 4], &base[..3]).expect("valid");
    assert!(!ch.is_of(&smaller));
}
