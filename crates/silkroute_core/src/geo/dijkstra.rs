//! Exact bidirectional Dijkstra on a [`GeoGraph`], with a workspace reused across queries.

use super::{ArcFilter, GeoGraph, GeoNodeId, UNREACHABLE};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A shortest path: its length and the nodes it visits, origin first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeoPath {
    /// Total length, metres.
    pub length_m: u64,
    /// Nodes from origin to destination.
    pub nodes: Vec<GeoNodeId>,
}

/// Reusable state of bidirectional Dijkstra: allocate once per thread, query many times.
/// Only the entries touched by a query are reset afterwards, so a query costs time in
/// proportion to the part of the graph it explores, not to the graph's size. The state is
/// indexed by node ([`GeoNodeId::index`]); parents and queue entries hold raw node numbers.
///
/// Reference: Dijkstra (1959); the bidirectional stopping rule (stop when the two queues'
/// minima add up to at least the best meeting distance) as in Goldberg & Harrelson, "Computing
/// the shortest path: A* search meets graph theory" (SODA 2005).
#[derive(Debug, Clone)]
pub struct BidirectionalDijkstra {
    dist: [Vec<u64>; 2],
    parent: [Vec<u32>; 2],
    touched: [Vec<u32>; 2],
    heap: [BinaryHeap<Reverse<(u64, u32)>>; 2],
}

const NONE: u32 = u32::MAX;

impl BidirectionalDijkstra {
    /// A workspace for graphs of this size.
    pub fn new(graph: &GeoGraph) -> BidirectionalDijkstra {
        let n = graph.node_count();
        BidirectionalDijkstra {
            dist: [vec![UNREACHABLE; n], vec![UNREACHABLE; n]],
            parent: [vec![NONE; n], vec![NONE; n]],
            touched: [Vec::new(), Vec::new()],
            heap: [BinaryHeap::new(), BinaryHeap::new()],
        }
    }

    fn reset(&mut self) {
        for side in 0..2 {
            for &node in &self.touched[side] {
                self.dist[side][node as usize] = UNREACHABLE;
                self.parent[side][node as usize] = NONE;
            }
            self.touched[side].clear();
            self.heap[side].clear();
        }
    }

    fn relax(&mut self, side: usize, node: u32, dist: u64, parent: u32) {
        if dist < self.dist[side][node as usize] {
            if self.dist[side][node as usize] == UNREACHABLE {
                self.touched[side].push(node);
            }
            self.dist[side][node as usize] = dist;
            self.parent[side][node as usize] = parent;
            self.heap[side].push(Reverse((dist, node)));
        }
    }

    /// The shortest path from `source` to `target`, or `None` when they are not connected.
    ///
    /// # Complexity
    /// O((V' + E') log V') where V', E' are the nodes and edges explored.
    pub fn path(
        &mut self,
        graph: &GeoGraph,
        source: GeoNodeId,
        target: GeoNodeId,
    ) -> Option<GeoPath> {
        self.path_where(graph, source, target, None)
    }

    /// The shortest path using only the arcs `filter` allows (all arcs when `None`).
    pub fn path_where(
        &mut self,
        graph: &GeoGraph,
        source: GeoNodeId,
        target: GeoNodeId,
        filter: Option<&ArcFilter>,
    ) -> Option<GeoPath> {
        let (length_m, meeting) = self.search(graph, source, target, filter)?;
        let mut nodes = Vec::new();
        let mut node = meeting;
        while node != NONE {
            nodes.push(GeoNodeId(node));
            node = self.parent[0][node as usize];
        }
        nodes.reverse();
        let mut node = self.parent[1][meeting as usize];
        while node != NONE {
            nodes.push(GeoNodeId(node));
            node = self.parent[1][node as usize];
        }
        self.reset();
        Some(GeoPath { length_m, nodes })
    }

    /// The length of the shortest path, or `None` when not connected.
    pub fn distance(
        &mut self,
        graph: &GeoGraph,
        source: GeoNodeId,
        target: GeoNodeId,
    ) -> Option<u64> {
        self.distance_where(graph, source, target, None)
    }

    /// The length of the shortest path using only the arcs `filter` allows.
    pub fn distance_where(
        &mut self,
        graph: &GeoGraph,
        source: GeoNodeId,
        target: GeoNodeId,
        filter: Option<&ArcFilter>,
    ) -> Option<u64> {
        let result = self
            .search(graph, source, target, filter)
            .map(|(length, _)| length);
        self.reset();
        result
    }

    /// Runs the search and leaves the state in place for path extraction; returns the
    /// distance and the (raw) meeting node.
    fn search(
        &mut self,
        graph: &GeoGraph,
        source: GeoNodeId,
        target: GeoNodeId,
        filter: Option<&ArcFilter>,
    ) -> Option<(u64, u32)> {
        let (source, target) = (source.0, target.0);
        self.reset();
        self.relax(0, source, 0, NONE);
        self.relax(1, target, 0, NONE);
        let mut best = UNREACHABLE;
        let mut meeting = NONE;
        if source == target {
            return Some((0, source));
        }
        loop {
            let top = |heap: &BinaryHeap<Reverse<(u64, u32)>>| heap.peek().map(|r| r.0.0);
            let (forward_min, backward_min) = (top(&self.heap[0]), top(&self.heap[1]));
            let side = match (forward_min, backward_min) {
                (None, None) => break,
                (Some(f), Some(b)) => {
                    if f.saturating_add(b) >= best {
                        break;
                    }
                    usize::from(b < f)
                }
                (Some(f), None) => {
                    if f >= best {
                        break;
                    }
                    0
                }
                (None, Some(b)) => {
                    if b >= best {
                        break;
                    }
                    1
                }
            };
            let Reverse((dist, node)) = self.heap[side].pop().expect("peeked");
            if dist > self.dist[side][node as usize] {
                continue;
            }
            let other = self.dist[1 - side][node as usize];
            if other != UNREACHABLE && dist + other < best {
                best = dist + other;
                meeting = node;
            }
            // Both directions of an edge share their class, so the backward search may test
            // the arc it scans (node → head) for the edge it walks the other way.
            for (arc, head, length) in graph.arcs(GeoNodeId(node)) {
                if filter.is_none_or(|f| f.allows(arc)) {
                    self.relax(side, head.0, dist + u64::from(length), node);
                }
            }
        }
        (meeting != NONE).then_some((best, meeting))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Floyd–Warshall on a small graph, the reference.
    fn all_pairs(graph: &GeoGraph) -> Vec<Vec<u64>> {
        let n = graph.node_count();
        let mut d = vec![vec![UNREACHABLE; n]; n];
        for (v, row) in graph.node_ids().zip(d.iter_mut()) {
            row[v.index()] = 0;
            for (w, length) in graph.neighbors(v) {
                row[w.index()] = row[w.index()].min(u64::from(length));
            }
        }
        for k in 0..n {
            for i in 0..n {
                for j in 0..n {
                    let via = d[i][k].saturating_add(d[k][j]);
                    if via < d[i][j] {
                        d[i][j] = via;
                    }
                }
            }
        }
        d
    }

    proptest! {
        #[test]
        fn bidirectional_dijkstra_matches_floyd_warshall(
            n in 1usize..14,
            edges in proptest::collection::vec((0u32..14, 0u32..14, 0u32..5000), 0..40),
        ) {
            let edges: Vec<_> = edges.into_iter().filter(|e| (e.0 as usize) < n && (e.1 as usize) < n).collect();
            let graph = GeoGraph::new(vec![(0.0, 0.0); n], &edges).expect("valid");
            let reference = all_pairs(&graph);
            let mut search = BidirectionalDijkstra::new(&graph);
            for s in graph.node_ids() {
                for t in graph.node_ids() {
                    let expected = reference[s.index()][t.index()];
                    let path = search.path(&graph, s, t);
                    match path {
                        None => prop_assert_eq!(expected, UNREACHABLE),
                        Some(path) => {
                            prop_assert_eq!(path.length_m, expected);
                            prop_assert_eq!(path.nodes.first(), Some(&s));
                            prop_assert_eq!(path.nodes.last(), Some(&t));
                            let sum: u64 = path.nodes.windows(2)
                                .map(|w| u64::from(graph.edge_length(w[0], w[1]).expect("adjacent")))
                                .sum();
                            prop_assert_eq!(sum, expected);
                        }
                    }
                    prop_assert_eq!(search.distance(&graph, s, t).unwrap_or(UNREACHABLE), expected);
                }
            }
        }

        #[test]
        fn filtered_search_matches_a_search_on_the_subgraph(
            n in 1usize..12,
            edges in proptest::collection::vec((0u32..12, 0u32..12, 0u32..5000, 0u8..3), 0..36),
        ) {
            let edges: Vec<_> = edges.into_iter().filter(|e| (e.0 as usize) < n && (e.1 as usize) < n).collect();
            let plain: Vec<_> = edges.iter().map(|e| (e.0, e.1, e.2)).collect();
            let graph = GeoGraph::new(vec![(0.0, 0.0); n], &plain).expect("valid");
            let passages = crate::geo::Passages::new(&graph, vec!["a".into(), "b".into()], &edges)
                .expect("valid");
            let Some(filter) = passages.filter(&[crate::geo::PassageClass(1)]) else { return Ok(()); };
            let subgraph = graph.subgraph_where(|arc| filter.allows(arc));
            let reference = all_pairs(&subgraph);
            let mut search = BidirectionalDijkstra::new(&graph);
            for s in graph.node_ids() {
                for t in graph.node_ids() {
                    let expected = reference[s.index()][t.index()];
                    let found = search.path_where(&graph, s, t, Some(&filter));
                    prop_assert_eq!(found.as_ref().map_or(UNREACHABLE, |p| p.length_m), expected);
                    if let Some(path) = found {
                        for pair in path.nodes.windows(2) {
                            let arc = graph.arc_between(pair[0], pair[1]).expect("adjacent");
                            prop_assert!(filter.allows(arc));
                        }
                    }
                    prop_assert_eq!(
                        search.distance_where(&graph, s, t, Some(&filter)).unwrap_or(UNREACHABLE),
                        expected
                    );
                }
            }
        }
    }
}
