//! The compact graph: forward-star (CSR) adjacency over dense node ids ([`GeoNodeId`]), its
//! stored directions of edges numbered as arcs ([`GeoArcId`]).

use super::{MAX_EDGE_M, Metres};
use std::fmt;

/// Dense index of a node of a [`GeoGraph`]: its row in the network's node file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct GeoNodeId(pub u32);

/// Dense index of an arc of a [`GeoGraph`] (one stored direction of an edge), numbered
/// `0..arc_count()` in adjacency order: the position of the arc in the graph's CSR arrays,
/// which per-arc tables (passage classes, arc filters) are indexed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct GeoArcId(pub u32);

dense_id!(GeoNodeId, GeoArcId);

impl fmt::Display for GeoNodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "node {}", self.0)
    }
}

impl fmt::Display for GeoArcId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "arc {}", self.0)
    }
}

/// Why a set of nodes and edges does not form a graph.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GeoGraphError {
    /// An edge names a node id that does not exist.
    #[error("edge {index}: node {node} does not exist (the graph has {node_count} nodes)")]
    NodeOutOfRange {
        /// Position of the edge in the input.
        index: usize,
        /// The bad id.
        node: u32,
        /// Number of nodes.
        node_count: usize,
    },
    /// A coordinate is not finite or out of range.
    #[error("node {node}: coordinate ({lat}, {lon}) is not a valid latitude/longitude")]
    BadCoordinate {
        /// The node.
        node: u32,
        /// Latitude given.
        lat: f64,
        /// Longitude given.
        lon: f64,
    },
    /// More nodes or edges than `u32` ids can address.
    #[error("too many nodes or edges for 32-bit ids")]
    TooLarge,
    /// Raw arrays (from a cache) that do not form a graph.
    #[error("the graph arrays are inconsistent")]
    Inconsistent,
    /// Raw arrays (from a cache) with an arc that breaks the graph's invariant: a self-loop,
    /// an adjacency list out of order, a length above [`MAX_EDGE_M`], or no reverse arc of the
    /// same length.
    #[error("arc {tail} -> {head}: {reason}")]
    BadArc {
        /// The arc's tail.
        tail: u32,
        /// The arc's head.
        head: u32,
        /// What is wrong.
        reason: &'static str,
    },
}

/// The arrays behind a [`GeoGraph`] (see [`GeoGraph::raw_parts`]).
#[derive(Debug, Clone, Copy)]
pub struct RawParts<'a> {
    /// Latitude of every node.
    pub lat: &'a [f64],
    /// Longitude of every node.
    pub lon: &'a [f64],
    /// Adjacency offsets, `node_count + 1` of them.
    pub first: &'a [u32],
    /// Neighbour of every stored direction of an edge.
    pub head: &'a [u32],
    /// Length of every stored direction of an edge, metres.
    pub length_m: &'a [Metres],
}

/// An undirected graph with node coordinates and edge lengths in metres, stored as forward-star
/// adjacency: the neighbours of node `v` are `head[first[v]..first[v + 1]]`.
///
/// **Invariant:** both directions of every edge are stored, with the same length; parallel
/// edges are merged keeping the shortest; self-loops are dropped (they are never on a shortest
/// path); adjacency lists are sorted by neighbour id, so iteration order is deterministic.
#[derive(Debug, Clone, PartialEq)]
pub struct GeoGraph {
    lat: Vec<f64>,
    lon: Vec<f64>,
    first: Vec<u32>,
    head: Vec<u32>,
    length_m: Vec<Metres>,
}

impl GeoGraph {
    /// Builds a graph from node coordinates `(lat, lon)` and undirected edges
    /// `(a, b, length_m)` as readers produce them: `a` and `b` are raw node numbers (node `i`
    /// is `coords[i]`, [`GeoNodeId`]`(i)` in the graph), checked here.
    ///
    /// # Errors
    /// [`GeoGraphError`] for an edge to a missing node or an invalid coordinate.
    pub fn new(
        coords: Vec<(f64, f64)>,
        edges: &[(u32, u32, Metres)],
    ) -> Result<GeoGraph, GeoGraphError> {
        let node_count = coords.len();
        if node_count >= u32::MAX as usize || edges.len() >= (u32::MAX / 2) as usize {
            return Err(GeoGraphError::TooLarge);
        }
        for (node, &(lat, lon)) in coords.iter().enumerate() {
            if !crate::network::is_lat_lon(lat, lon) {
                return Err(GeoGraphError::BadCoordinate {
                    node: node as u32,
                    lat,
                    lon,
                });
            }
        }
        let mut arcs: Vec<(u32, u32, Metres)> = Vec::with_capacity(edges.len() * 2);
        for (index, &(a, b, length)) in edges.iter().enumerate() {
            for node in [a, b] {
                if node as usize >= node_count {
                    return Err(GeoGraphError::NodeOutOfRange {
                        index,
                        node,
                        node_count,
                    });
                }
            }
            if a != b {
                arcs.push((a, b, length));
                arcs.push((b, a, length));
            }
        }
        arcs.sort_unstable();
        // Sorted by (tail, head, length): the first of a run of parallel arcs is the shortest.
        arcs.dedup_by(|later, earlier| later.0 == earlier.0 && later.1 == earlier.1);
        let mut first = vec![0u32; node_count + 1];
        for &(tail, _, _) in &arcs {
            first[tail as usize + 1] += 1;
        }
        for index in 1..first.len() {
            first[index] += first[index - 1];
        }
        let (lat, lon) = coords.into_iter().unzip();
        Ok(GeoGraph {
            lat,
            lon,
            first,
            head: arcs.iter().map(|arc| arc.1).collect(),
            length_m: arcs.iter().map(|arc| arc.2).collect(),
        })
    }

    /// The arrays behind the graph, for serialization.
    pub fn raw_parts(&self) -> RawParts<'_> {
        RawParts {
            lat: &self.lat,
            lon: &self.lon,
            first: &self.first,
            head: &self.head,
            length_m: &self.length_m,
        }
    }

    /// Rebuilds a graph from [`GeoGraph::raw_parts`], checking the invariants that make every
    /// later access in bounds and every search answer right (the graph is undirected, so the
    /// searches and the contraction hierarchy may look at an arc from either end).
    ///
    /// # Errors
    /// [`GeoGraphError::Inconsistent`] when the arrays do not form a graph,
    /// [`GeoGraphError::BadCoordinate`] for a coordinate that is not a latitude and longitude,
    /// [`GeoGraphError::BadArc`] for a self-loop, an unsorted or repeated neighbour, a length
    /// above [`MAX_EDGE_M`] or an arc without a reverse of the same length.
    ///
    /// # Complexity
    /// O(V + E log d) for the largest degree d.
    pub fn from_raw_parts(
        lat: Vec<f64>,
        lon: Vec<f64>,
        first: Vec<u32>,
        head: Vec<u32>,
        length_m: Vec<Metres>,
    ) -> Result<GeoGraph, GeoGraphError> {
        let n = lat.len();
        let consistent = lon.len() == n
            && first.len() == n + 1
            && first.first() == Some(&0)
            && first.windows(2).all(|w| w[0] <= w[1])
            && first.last().map(|&last| last as usize) == Some(head.len())
            && length_m.len() == head.len()
            && head.iter().all(|&h| (h as usize) < n);
        if !consistent {
            return Err(GeoGraphError::Inconsistent);
        }
        if let Some(node) = (0..n).find(|&i| !crate::network::is_lat_lon(lat[i], lon[i])) {
            return Err(GeoGraphError::BadCoordinate {
                node: node as u32,
                lat: lat[node],
                lon: lon[node],
            });
        }
        let arcs_of = |node: u32| first[node as usize] as usize..first[node as usize + 1] as usize;
        // Sorted lists first: the reverse arcs are then found by binary search.
        for tail in 0..n as u32 {
            if let Some(pair) = head[arcs_of(tail)].windows(2).find(|w| w[0] >= w[1]) {
                return Err(GeoGraphError::BadArc {
                    tail,
                    head: pair[1],
                    reason: "neighbours not in increasing order",
                });
            }
        }
        for tail in 0..n as u32 {
            let bad = |head: u32, reason| GeoGraphError::BadArc { tail, head, reason };
            for arc in arcs_of(tail) {
                let (to, length) = (head[arc], length_m[arc]);
                if to == tail {
                    return Err(bad(to, "self-loop"));
                }
                if length > MAX_EDGE_M {
                    return Err(bad(to, "length above the 40,075 km limit"));
                }
                let back = arcs_of(to);
                let reverse = head[back.clone()]
                    .binary_search(&tail)
                    .map(|i| length_m[back.start + i]);
                if reverse != Ok(length) {
                    return Err(bad(to, "no reverse arc of the same length"));
                }
            }
        }
        Ok(GeoGraph {
            lat,
            lon,
            first,
            head,
            length_m,
        })
    }

    /// Number of nodes.
    pub fn node_count(&self) -> usize {
        self.lat.len()
    }

    /// Every node id, in order: `0..node_count()`.
    pub fn node_ids(&self) -> impl Iterator<Item = GeoNodeId> + use<> {
        // `new` and `from_raw_parts` keep the node count below `u32::MAX`.
        (0..self.lat.len() as u32).map(GeoNodeId)
    }

    /// Number of undirected edges (each stored twice).
    pub fn edge_count(&self) -> usize {
        self.head.len() / 2
    }

    /// Latitude and longitude of a node, degrees.
    #[inline]
    pub fn coord(&self, node: GeoNodeId) -> (f64, f64) {
        (self.lat[node.index()], self.lon[node.index()])
    }

    /// Index range of the arcs leaving a node in the CSR arrays.
    #[inline]
    fn arc_range(&self, node: GeoNodeId) -> std::ops::Range<usize> {
        self.first[node.index()] as usize..self.first[node.index() + 1] as usize
    }

    /// Neighbours of a node with the length of the edge to each, sorted by neighbour id.
    #[inline]
    pub fn neighbors(&self, node: GeoNodeId) -> impl Iterator<Item = (GeoNodeId, Metres)> + '_ {
        let range = self.arc_range(node);
        self.head[range.clone()]
            .iter()
            .map(|&head| GeoNodeId(head))
            .zip(self.length_m[range].iter().copied())
    }

    /// Number of stored directions of edges (twice the edge count); arcs are numbered
    /// `0..arc_count()` in adjacency order.
    pub fn arc_count(&self) -> usize {
        self.head.len()
    }

    /// The arcs leaving a node as (arc, neighbour, length), sorted by neighbour id.
    #[inline]
    pub fn arcs(
        &self,
        node: GeoNodeId,
    ) -> impl Iterator<Item = (GeoArcId, GeoNodeId, Metres)> + '_ {
        // Arc positions are below `head.len()`, which `new` and `from_raw_parts` keep below
        // `u32::MAX`.
        self.arc_range(node).map(|arc| {
            (
                GeoArcId(arc as u32),
                GeoNodeId(self.head[arc]),
                self.length_m[arc],
            )
        })
    }

    /// The arc from `a` to `b`, if they are adjacent.
    pub fn arc_between(&self, a: GeoNodeId, b: GeoNodeId) -> Option<GeoArcId> {
        let range = self.arc_range(a);
        let start = range.start;
        self.head[range]
            .binary_search(&b.0)
            .ok()
            .map(|offset| GeoArcId((start + offset) as u32))
    }

    /// Number of neighbours of a node.
    #[inline]
    pub fn degree(&self, node: GeoNodeId) -> usize {
        (self.first[node.index() + 1] - self.first[node.index()]) as usize
    }

    /// The length of the edge between two adjacent nodes.
    pub fn edge_length(&self, a: GeoNodeId, b: GeoNodeId) -> Option<Metres> {
        self.neighbors(a)
            .find(|&(head, _)| head == b)
            .map(|(_, length)| length)
    }

    /// Connected component of every node (indexed by [`GeoNodeId::index`]): component
    /// numbers are dense, in order of each component's smallest node.
    pub fn components(&self) -> Vec<u32> {
        self.components_where(|_| true)
    }

    /// Connected components using only the arcs `allows` accepts (give the same answer for
    /// both directions of an edge); numbered as in [`GeoGraph::components`].
    pub fn components_where(&self, allows: impl Fn(GeoArcId) -> bool) -> Vec<u32> {
        let mut component = vec![u32::MAX; self.node_count()];
        let mut stack = Vec::new();
        let mut next = 0;
        for start in self.node_ids() {
            if component[start.index()] != u32::MAX {
                continue;
            }
            component[start.index()] = next;
            stack.push(start);
            while let Some(node) = stack.pop() {
                for (arc, head, _) in self.arcs(node) {
                    if allows(arc) && component[head.index()] == u32::MAX {
                        component[head.index()] = next;
                        stack.push(head);
                    }
                }
            }
            next += 1;
        }
        component
    }

    /// The same nodes with only the edges whose arcs `allows` accepts (both directions must
    /// give the same answer).
    pub fn subgraph_where(&self, allows: impl Fn(GeoArcId) -> bool) -> GeoGraph {
        let mut first = Vec::with_capacity(self.first.len());
        let mut head = Vec::with_capacity(self.head.len());
        let mut length_m = Vec::with_capacity(self.head.len());
        first.push(0);
        for node in self.node_ids() {
            for (arc, to, length) in self.arcs(node) {
                if allows(arc) {
                    head.push(to.0);
                    length_m.push(length);
                }
            }
            first.push(head.len() as u32);
        }
        GeoGraph {
            lat: self.lat.clone(),
            lon: self.lon.clone(),
            first,
            head,
            length_m,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_both_directions_merges_parallel_edges_and_drops_loops() {
        let coords = vec![(0.0, 0.0), (0.0, 1.0), (1.0, 1.0)];
        let graph = GeoGraph::new(coords, &[(0, 1, 500), (1, 0, 300), (1, 2, 100), (2, 2, 7)])
            .expect("valid");
        assert_eq!(graph.edge_count(), 2);
        let node = GeoNodeId;
        assert_eq!(graph.edge_length(node(0), node(1)), Some(300));
        assert_eq!(graph.edge_length(node(1), node(0)), Some(300));
        assert_eq!(
            graph.neighbors(node(1)).collect::<Vec<_>>(),
            vec![(node(0), 300), (node(2), 100)]
        );
        assert_eq!(graph.degree(node(2)), 1);
        assert_eq!(graph.arc_between(node(1), node(2)), Some(GeoArcId(2)));
        assert_eq!(graph.arc_between(node(0), node(2)), None);
    }

    #[test]
    fn rejects_bad_ids_and_coordinates() {
        assert_eq!(
            GeoGraph::new(vec![(0.0, 0.0)], &[(0, 3, 1)]),
            Err(GeoGraphError::NodeOutOfRange {
                index: 0,
                node: 3,
                node_count: 1
            })
        );
        assert!(matches!(
            GeoGraph::new(vec![(f64::NAN, 0.0)], &[]),
            Err(GeoGraphError::BadCoordinate { node: 0, .. })
        ));
    }

    #[test]
    fn raw_parts_round_trip() {
        let graph = GeoGraph::new(
            vec![(0.0, 0.0), (0.0, 1.0), (1.0, 1.0)],
            &[(0, 1, 5), (1, 2, 7)],
        )
        .expect("valid");
        let p = graph.raw_parts();
        let rebuilt = GeoGraph::from_raw_parts(
            p.lat.to_vec(),
            p.lon.to_vec(),
            p.first.to_vec(),
            p.head.to_vec(),
            p.length_m.to_vec(),
        );
        assert_eq!(rebuilt, Ok(graph));
    }

    /// Raw arrays of a cache that were edited (checksum recomputed) into a graph that is not
    /// undirected: the hierarchy and Dijkstra then gave different answers (found by the
    /// `geo_cache` fuzz target).
    // See: issue #9
    #[test]
    fn raw_parts_that_break_the_undirected_invariant_are_rejected_issue_9() {
        let coords = || (vec![0.0, 0.0, 1.0], vec![0.0, 1.0, 1.0]);
        // 0 - 1 - 2 with lengths 5 and 7, stored as arcs 0->1, 1->0, 1->2, 2->1.
        let first = vec![0, 1, 3, 4];
        let cases: [(Vec<u32>, Vec<u32>, &str); 5] = [
            (
                vec![1, 0, 2, 1],
                vec![5, 6, 7, 7],
                "arc 0 -> 1: no reverse arc of the same length",
            ),
            (
                vec![1, 2, 0, 1],
                vec![5, 7, 5, 7],
                "arc 1 -> 0: neighbours not in increasing order",
            ),
            (vec![1, 0, 1, 1], vec![5, 5, 9, 7], "arc 1 -> 1: self-loop"),
            (
                vec![2, 0, 2, 1],
                vec![5, 5, 7, 7],
                "arc 0 -> 2: no reverse arc of the same length",
            ),
            (
                vec![1, 0, 2, 1],
                vec![5, 5, MAX_EDGE_M + 1, MAX_EDGE_M + 1],
                "arc 1 -> 2: length above the 40,075 km limit",
            ),
        ];
        for (head, length_m, expected) in cases {
            let (lat, lon) = coords();
            let error = GeoGraph::from_raw_parts(lat, lon, first.clone(), head, length_m)
                .expect_err(expected);
            assert_eq!(error.to_string(), expected);
        }
    }

    #[test]
    fn components_are_numbered_by_smallest_node() {
        let coords = vec![(0.0, 0.0); 5];
        let graph = GeoGraph::new(coords, &[(0, 3, 1), (1, 4, 1)]).expect("valid");
        assert_eq!(graph.components(), vec![0, 1, 2, 0, 1]);
    }
}
