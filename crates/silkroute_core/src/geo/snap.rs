//! Snapping coordinates to graph nodes with an R-tree.
//!
//! Points are stored as unit vectors in 3-D, where straight-line (chord) distance grows with
//! great-circle distance, so the R-tree's Euclidean nearest neighbour is the great-circle
//! nearest node, with no trouble at the antimeridian or the poles.

use super::{GeoGraph, GeoNodeId};
use rstar::{AABB, PointDistance, RTree, RTreeObject};

/// Mean Earth radius, km.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Point {
    xyz: [f64; 3],
    node: GeoNodeId,
}

impl RTreeObject for Point {
    type Envelope = AABB<[f64; 3]>;
    fn envelope(&self) -> Self::Envelope {
        AABB::from_point(self.xyz)
    }
}

impl PointDistance for Point {
    fn distance_2(&self, point: &[f64; 3]) -> f64 {
        (0..3).map(|i| (self.xyz[i] - point[i]).powi(2)).sum()
    }
}

fn unit_vector(lat: f64, lon: f64) -> [f64; 3] {
    let (phi, lambda) = (lat.to_radians(), lon.to_radians());
    [
        phi.cos() * lambda.cos(),
        phi.cos() * lambda.sin(),
        phi.sin(),
    ]
}

fn chord_to_km(chord_2: f64) -> f64 {
    2.0 * EARTH_RADIUS_KM * (chord_2.sqrt() / 2.0).min(1.0).asin()
}

/// A node found near a coordinate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Snap {
    /// The node.
    pub node: GeoNodeId,
    /// Great-circle distance from the coordinate to it, km.
    pub distance_km: f64,
}

/// An R-tree over a graph's nodes.
#[derive(Debug, Clone)]
pub struct Snapper {
    tree: RTree<Point>,
}

impl Snapper {
    /// Indexes the nodes of a graph that have at least one edge (isolated nodes can never be
    /// the end of a path).
    pub fn new(graph: &GeoGraph) -> Snapper {
        Snapper::of_nodes(graph, |node| graph.degree(node) > 0)
    }

    /// Indexes every node, edges or not (scgraph's snapping semantics).
    pub fn with_all_nodes(graph: &GeoGraph) -> Snapper {
        Snapper::of_nodes(graph, |_| true)
    }

    fn of_nodes(graph: &GeoGraph, include: impl Fn(GeoNodeId) -> bool) -> Snapper {
        let points = graph
            .node_ids()
            .filter(|&node| include(node))
            .map(|node| {
                let (lat, lon) = graph.coord(node);
                Point {
                    xyz: unit_vector(lat, lon),
                    node,
                }
            })
            .collect();
        Snapper {
            tree: RTree::bulk_load(points),
        }
    }

    /// The nearest node; ties go to the smaller node id.
    pub fn nearest(&self, lat: f64, lon: f64) -> Option<Snap> {
        self.nearest_where(lat, lon, f64::INFINITY, |_| true)
    }

    /// The nearest node within `max_km` that satisfies `accept` (e.g. "in the same component
    /// as the origin"); ties go to the smaller node id.
    pub fn nearest_where(
        &self,
        lat: f64,
        lon: f64,
        max_km: f64,
        accept: impl Fn(GeoNodeId) -> bool,
    ) -> Option<Snap> {
        let target = unit_vector(lat, lon);
        let mut best: Option<(f64, GeoNodeId)> = None;
        for (point, chord_2) in self.tree.nearest_neighbor_iter_with_distance_2(&target) {
            if let Some((best_2, _)) = best
                && chord_2 > best_2
            {
                break;
            }
            if chord_to_km(chord_2) > max_km {
                break;
            }
            if accept(point.node)
                && best.is_none_or(|(d, n)| chord_2 < d || (chord_2 == d && point.node < n))
            {
                best = Some((chord_2, point.node));
            }
        }
        best.map(|(chord_2, node)| Snap {
            node,
            distance_km: chord_to_km(chord_2),
        })
    }
}

/// Great-circle distance between two coordinates, km, computed as the snapping code does.
pub fn great_circle_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (p, q) = (unit_vector(a.0, a.1), unit_vector(b.0, b.1));
    chord_to_km((0..3).map(|i| (p[i] - q[i]).powi(2)).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph() -> GeoGraph {
        GeoGraph::new(
            vec![
                (43.65, 51.17),
                (40.02, 49.40),
                (41.72, 44.79),
                (0.0, 179.9),
                (10.0, 10.0),
            ],
            &[(0, 1, 508_000), (1, 2, 500_000), (2, 3, 1)],
        )
        .expect("valid")
    }

    #[test]
    fn nearest_matches_a_linear_scan() {
        let graph = graph();
        let snapper = Snapper::new(&graph);
        for (lat, lon) in [
            (43.0, 51.0),
            (40.5, 47.0),
            (0.0, -179.95),
            (10.0, 10.0),
            (-60.0, 0.0),
        ] {
            let expected = graph
                .node_ids()
                .filter(|&n| graph.degree(n) > 0)
                .map(|n| (great_circle_km((lat, lon), graph.coord(n)), n))
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
                .expect("nodes");
            let snap = snapper.nearest(lat, lon).expect("nodes");
            assert_eq!(snap.node, expected.1, "({lat}, {lon})");
            assert!((snap.distance_km - expected.0).abs() < 1e-6);
        }
    }

    #[test]
    fn isolated_nodes_are_skipped_unless_asked_for() {
        let graph = graph();
        assert_ne!(
            Snapper::new(&graph)
                .nearest(10.0, 10.0)
                .expect("nodes")
                .node,
            GeoNodeId(4)
        );
        assert_eq!(
            Snapper::with_all_nodes(&graph)
                .nearest(10.0, 10.0)
                .expect("nodes")
                .node,
            GeoNodeId(4)
        );
    }

    #[test]
    fn limit_and_filter_are_honoured() {
        let graph = graph();
        let snapper = Snapper::new(&graph);
        assert!(snapper.nearest_where(43.0, 51.0, 10.0, |_| true).is_none());
        let snap = snapper
            .nearest_where(43.65, 51.17, 1000.0, |n| n != GeoNodeId(0))
            .expect("node 1");
        assert_eq!(snap.node, GeoNodeId(1));
        // Across the antimeridian: 179.9 E is 0.15 degrees from 179.95 W.
        let snap = snapper.nearest(0.0, -179.95).expect("nodes");
        assert_eq!(snap.node, GeoNodeId(3));
        assert!(snap.distance_km < 20.0);
    }
}
