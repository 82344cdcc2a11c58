//! Contraction hierarchies on a [`GeoGraph`]: a one-off preparation that orders the nodes by
//! importance and adds shortcut edges, after which exact shortest-path queries explore only a
//! few hundred nodes instead of a continent.
//!
//! Preparation ([`ContractionHierarchy::new`], in `contract.rs`) contracts the nodes one by one,
//! least important first, adding a shortcut between two neighbours of the contracted node
//! whenever the path through it may be the only shortest one. The result keeps, for every node,
//! only its edges to *more important* nodes ("upward" edges). Because a [`GeoGraph`] is
//! undirected, one upward graph serves both the forward and the backward search.
//!
//! A query ([`ChQuery`], in `query.rs`) runs Dijkstra upward from both ends; the shortest path
//! climbs to its most important node and descends again, so the two searches meet there.
//! Shortcuts remember the node they bypass, which lets a path be unpacked to original nodes.
//!
//! Reference: R. Geisberger, P. Sanders, D. Schultes, D. Delling, "Contraction Hierarchies:
//! Faster and Simpler Hierarchical Routing in Road Networks", WEA 2008.

mod contract;
mod query;
#[cfg(test)]
mod tests;

pub use query::ChQuery;

use super::GeoGraph;
use std::ops::ControlFlow;

/// Marks an upward edge that is an original edge of the graph rather than a shortcut.
pub(crate) const NO_MIDDLE: u32 = u32::MAX;

/// A prepared contraction hierarchy: nodes renumbered by rank (rank 0 is the least important)
/// and, for every rank, its upward edges as forward-star (CSR) arrays sorted by head rank.
///
/// Every field is a plain vector of integers so the structure can be written to and read from
/// a binary cache; see [`ContractionHierarchy::from_parts`] and the slice accessors.
///
/// **Invariants:** `rank` and `node_of_rank` are inverse permutations; the upward edges of rank
/// `r` are `first_up[r]..first_up[r + 1]`, each with a head rank greater than `r`, sorted by
/// head, at most one per head; an edge's `up_middle` is `u32::MAX` for an original edge
/// (whose length is that of the graph edge) or the rank of the bypassed node, which is smaller
/// Why a contraction hierarchy could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChError {
    /// A shortcut would be longer than `u32::MAX` metres: the network's lengths are absurd.
    #[error(
        "a path of the network is longer than 4,294,967 km; too long for a contraction hierarchy"
    )]
    TooLong,
    /// The progress observer asked to stop.
    #[error("cancelled")]
    Cancelled,
}

/// than both ends and holds upward edges to both whose lengths add up to the shortcut's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractionHierarchy {
    /// Rank of every original node id.
    rank: Vec<u32>,
    /// Original node id of every rank.
    node_of_rank: Vec<u32>,
    /// Offsets into the upward edge arrays, one per rank plus one.
    first_up: Vec<u32>,
    /// Head rank of every upward edge.
    up_head: Vec<u32>,
    /// Length of every upward edge, metres.
    up_length_m: Vec<u32>,
    /// Rank of the node a shortcut bypasses, or [`NO_MIDDLE`] for an original edge.
    up_middle: Vec<u32>,
    /// Derived from the fields above (not part of a cache): for every upward edge, what
    /// unpacking needs in one place. For a shortcut `[middle, tail half, head half]`, the
    /// halves being the indices of the middle node's upward edges to this edge's tail and
    /// head; for an original edge `[NO_MIDDLE, tail node id, head node id]` (original ids).
    up_unpack: Vec<[u32; 3]>,
}

impl ContractionHierarchy {
    /// Prepares a contraction hierarchy for `graph`: orders its nodes, contracts them and
    /// stores the upward graph. Deterministic: the same graph always gives an identical
    /// structure (ties between equally important nodes are broken by node id).
    ///
    /// # Arguments
    /// * `graph` - any [`GeoGraph`], connected or not.
    ///
    /// # Returns
    /// The hierarchy; query it with a [`ChQuery`].
    ///
    /// # Complexity
    /// Not bounded usefully in theory; in practice near-linear on road and rail networks
    /// (about a second for the 275,000-node world railway network). Extra space O(V + E + S)
    /// for the S shortcuts.
    ///
    /// # Errors
    /// [`ChError::TooLong`] if a shortcut would be longer than `u32::MAX` metres (over 100
    /// times round the Earth), which no geographic network comes near but a file of absurd
    /// lengths can; search such a network with [`crate::geo::BidirectionalDijkstra`].
    ///
    /// # Example
    /// ```
    /// use silkroute_core::geo::{ChQuery, ContractionHierarchy, GeoGraph, GeoNodeId};
    /// let coords = vec![(0.0, 0.0), (0.0, 1.0), (0.0, 2.0)];
    /// let graph = GeoGraph::new(coords, &[(0, 1, 1_000), (1, 2, 2_000)]).unwrap();
    /// let ch = ContractionHierarchy::new(&graph).unwrap();
    /// let mut query = ChQuery::new(&ch);
    /// let node = GeoNodeId;
    /// assert_eq!(query.distance(&ch, node(0), node(2)), Some(3_000));
    /// assert_eq!(query.path(&ch, node(2), node(0)).unwrap().nodes, [node(2), node(1), node(0)]);
    /// ```
    pub fn new(graph: &GeoGraph) -> Result<ContractionHierarchy, ChError> {
        contract::contract(graph, &mut |_, _| ControlFlow::Continue(()))
    }

    /// [`ContractionHierarchy::new`], calling `progress(contracted, total)` every few thousand
    /// nodes; `ControlFlow::Break` stops the work.
    ///
    /// # Errors
    /// As [`ContractionHierarchy::new`], and [`ChError::Cancelled`] when `progress` breaks.
    pub fn with_progress(
        graph: &GeoGraph,
        progress: &mut dyn FnMut(usize, usize) -> ControlFlow<()>,
    ) -> Result<ContractionHierarchy, ChError> {
        contract::contract(graph, progress)
    }

    /// Rebuilds a hierarchy from the arrays returned by [`ContractionHierarchy::rank`],
    /// [`ContractionHierarchy::first_up`], [`ContractionHierarchy::up_head`],
    /// [`ContractionHierarchy::up_length_m`] and [`ContractionHierarchy::up_middle`], for
    /// instance after reading them from a cache file.
    ///
    /// # Returns
    /// `None` when the arrays do not satisfy the invariants of the structure (wrong lengths, a
    /// rank that is not a permutation, an edge that does not point upward, a bad middle node),
    /// so a corrupt cache cannot make a query panic or loop.
    ///
    /// # Complexity
    /// O(V + E log E).
    pub fn from_parts(
        rank: Vec<u32>,
        first_up: Vec<u32>,
        up_head: Vec<u32>,
        up_length_m: Vec<u32>,
        up_middle: Vec<u32>,
    ) -> Option<ContractionHierarchy> {
        let node_count = rank.len();
        let edge_count = up_head.len();
        if node_count >= u32::MAX as usize
            || edge_count >= u32::MAX as usize
            || first_up.len() != node_count + 1
            || up_length_m.len() != edge_count
            || up_middle.len() != edge_count
            || first_up.first() != Some(&0)
            || first_up.last() != Some(&(edge_count as u32))
            || first_up.windows(2).any(|pair| pair[0] > pair[1])
        {
            return None;
        }
        let mut node_of_rank = vec![u32::MAX; node_count];
        for (node, &node_rank) in rank.iter().enumerate() {
            let slot = node_of_rank.get_mut(node_rank as usize)?;
            if *slot != u32::MAX {
                return None;
            }
            *slot = node as u32;
        }
        let mut ch = ContractionHierarchy {
            rank,
            node_of_rank,
            first_up,
            up_head,
            up_length_m,
            up_middle,
            up_unpack: Vec::new(),
        };
        for tail in 0..node_count as u32 {
            let range = ch.up_range(tail);
            let heads = &ch.up_head[range.clone()];
            if heads.first().is_some_and(|&head| head <= tail)
                || heads
                    .last()
                    .is_some_and(|&head| head as usize >= node_count)
                || heads.windows(2).any(|pair| pair[0] >= pair[1])
            {
                return None;
            }
            for edge in range {
                let middle = ch.up_middle[edge];
                if middle == NO_MIDDLE {
                    continue;
                }
                // The middle node ranks below both ends (so it is a node at all) before its
                // edges are looked up.
                if middle >= tail {
                    return None;
                }
                let head = ch.up_head[edge];
                let halves = (ch.find_edge(middle, tail), ch.find_edge(middle, head));
                let (Some(first), Some(second)) = halves else {
                    return None;
                };
                let sum = u64::from(ch.up_length_m[first]) + u64::from(ch.up_length_m[second]);
                if sum != u64::from(ch.up_length_m[edge]) {
                    return None;
                }
            }
        }
        ch.up_unpack = ch.unpack_table();
        Some(ch)
    }

    /// Builds the `up_unpack` table from the other fields.
    ///
    /// # Panics
    /// If a shortcut's halves are missing, which [`ContractionHierarchy::from_parts`] rules
    /// out and contraction never produces.
    fn unpack_table(&self) -> Vec<[u32; 3]> {
        let mut table = Vec::with_capacity(self.up_head.len());
        for tail in 0..self.node_count() as u32 {
            for edge in self.up_range(tail) {
                let (head, middle) = (self.up_head[edge], self.up_middle[edge]);
                table.push(if middle == NO_MIDDLE {
                    [
                        NO_MIDDLE,
                        self.node_of_rank[tail as usize],
                        self.node_of_rank[head as usize],
                    ]
                } else {
                    let half = |end| {
                        self.find_edge(middle, end)
                            .expect("a shortcut's middle node has upward edges to both ends")
                            as u32
                    };
                    [middle, half(tail), half(head)]
                });
            }
        }
        table
    }

    /// Whether this is a hierarchy of `graph`: the same node count, every arc that is not a
    /// shortcut an edge of the graph with its length, and every edge of the graph an arc (or
    /// a shortcut no longer than it) from its lower-ranked end, as contraction leaves them.
    /// With the checks of [`ContractionHierarchy::from_parts`] (a shortcut is the sum of its
    /// halves), every distance a query can give is the length of a real path, and every edge
    /// can be used: a hierarchy read back for another graph (a cache edited with its checksum
    /// recomputed) is refused instead of answering for the wrong network.
    ///
    /// # Complexity
    /// O(V + E log d), d the largest degree.
    pub fn is_of(&self, graph: &GeoGraph) -> bool {
        if self.node_count() != graph.node_count() {
            return false;
        }
        let node = |rank: u32| super::GeoNodeId(self.node_of_rank[rank as usize]);
        for tail in 0..self.node_count() as u32 {
            for edge in self.up_range(tail) {
                if self.up_middle[edge] == NO_MIDDLE {
                    let length = graph.edge_length(node(tail), node(self.up_head[edge]));
                    if length != Some(self.up_length_m[edge]) {
                        return false;
                    }
                }
            }
        }
        graph.node_ids().all(|from| {
            let from_rank = self.rank[from.index()];
            graph.neighbors(from).all(|(to, length)| {
                let to_rank = self.rank[to.index()];
                to_rank < from_rank
                    || self
                        .find_edge(from_rank, to_rank)
                        .is_some_and(|edge| self.up_length_m[edge] <= length)
            })
        })
    }

    /// Number of nodes (the same as the graph it was built from).
    pub fn node_count(&self) -> usize {
        self.rank.len()
    }

    /// Number of upward edges, original edges and shortcuts together.
    pub fn edge_count(&self) -> usize {
        self.up_head.len()
    }

    /// Number of upward edges that are shortcuts.
    pub fn shortcut_count(&self) -> usize {
        self.up_middle
            .iter()
            .filter(|&&middle| middle != NO_MIDDLE)
            .count()
    }

    /// Bytes of heap memory held by the structure.
    pub fn memory_bytes(&self) -> usize {
        4 * (self.rank.capacity()
            + self.node_of_rank.capacity()
            + self.first_up.capacity()
            + self.up_head.capacity()
            + self.up_length_m.capacity()
            + self.up_middle.capacity()
            + 3 * self.up_unpack.capacity())
    }

    /// Rank of every original node (indexed by [`crate::geo::GeoNodeId::index`]; 0 =
    /// contracted first, least important).
    pub fn rank(&self) -> &[u32] {
        &self.rank
    }

    /// Original node id (the raw number of a [`crate::geo::GeoNodeId`]) of every rank; the
    /// inverse of [`ContractionHierarchy::rank`].
    pub fn node_of_rank(&self) -> &[u32] {
        &self.node_of_rank
    }

    /// Offsets of each rank's upward edges: `first_up()[r]..first_up()[r + 1]`.
    pub fn first_up(&self) -> &[u32] {
        &self.first_up
    }

    /// Head rank of every upward edge.
    pub fn up_head(&self) -> &[u32] {
        &self.up_head
    }

    /// Length of every upward edge, metres.
    pub fn up_length_m(&self) -> &[u32] {
        &self.up_length_m
    }

    /// Rank of the node each shortcut bypasses, or `u32::MAX` for an original edge.
    pub fn up_middle(&self) -> &[u32] {
        &self.up_middle
    }

    /// Index range of the upward edges of a rank.
    #[inline]
    fn up_range(&self, tail: u32) -> std::ops::Range<usize> {
        self.first_up[tail as usize] as usize..self.first_up[tail as usize + 1] as usize
    }

    /// Index of the upward edge from `lower` to `higher`, if there is one.
    #[inline]
    fn find_edge(&self, lower: u32, higher: u32) -> Option<usize> {
        let range = self.up_range(lower);
        let start = range.start;
        let heads = &self.up_head[range];
        // Upward lists are short except near the top; a linear scan wins for a handful.
        if heads.len() <= 8 {
            heads.iter().position(|&head| head == higher)
        } else {
            heads.binary_search(&higher).ok()
        }
        .map(|offset| start + offset)
    }
}

/// A binary min-heap of `(distance, node)` entries for the Dijkstra searches of contraction
/// and queries, ordered by distance then node id. Smaller and simpler than
/// `BinaryHeap<Reverse<(u64, u32)>>`: it compares plain tuples and keeps no wrapper.
#[derive(Debug, Clone, Default)]
pub(crate) struct DistanceHeap {
    entries: Vec<(u64, u32)>,
}

impl DistanceHeap {
    #[inline]
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }

    #[inline]
    pub(crate) fn peek(&self) -> Option<(u64, u32)> {
        self.entries.first().copied()
    }

    #[inline]
    pub(crate) fn push(&mut self, entry: (u64, u32)) {
        let mut index = self.entries.len();
        self.entries.push(entry);
        while index > 0 {
            let parent = (index - 1) / 2;
            if self.entries[parent] <= entry {
                break;
            }
            self.entries[index] = self.entries[parent];
            index = parent;
        }
        self.entries[index] = entry;
    }

    #[inline]
    pub(crate) fn pop(&mut self) -> Option<(u64, u32)> {
        let top = *self.entries.first()?;
        let last = self.entries.pop().expect("not empty");
        let len = self.entries.len();
        if len > 0 {
            let mut index = 0;
            loop {
                let left = 2 * index + 1;
                if left >= len {
                    break;
                }
                let right = left + 1;
                let child = if right < len && self.entries[right] < self.entries[left] {
                    right
                } else {
                    left
                };
                if self.entries[child] >= last {
                    break;
                }
                self.entries[index] = self.entries[child];
                index = child;
            }
            self.entries[index] = last;
        }
        Some(top)
    }
}
