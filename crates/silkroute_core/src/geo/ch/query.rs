//! Queries: bidirectional upward Dijkstra with stall-on-demand, and path unpacking.

use super::{ContractionHierarchy, DistanceHeap, NO_MIDDLE};
use crate::geo::{GeoNodeId, GeoPath};

/// Distance of a node not reached yet. Half of `u64::MAX`, so adding an edge length to it
/// cannot overflow and the stall test needs no special case.
const UNREACHED: u64 = u64::MAX >> 1;

const NO_PARENT: u32 = u32::MAX;

/// The state of one of the two searches, indexed by rank.
#[derive(Debug, Clone)]
struct Side {
    dist: Vec<u64>,
    parent: Vec<u32>,
    touched: Vec<u32>,
    heap: DistanceHeap,
}

impl Side {
    fn new(node_count: usize) -> Side {
        Side {
            dist: vec![UNREACHED; node_count],
            parent: vec![NO_PARENT; node_count],
            touched: Vec::new(),
            heap: DistanceHeap::default(),
        }
    }

    fn reset(&mut self) {
        for &node in &self.touched {
            self.dist[node as usize] = UNREACHED;
            self.parent[node as usize] = NO_PARENT;
        }
        self.touched.clear();
        self.heap.clear();
    }

    fn start(&mut self, node: u32) {
        self.dist[node as usize] = 0;
        self.touched.push(node);
        self.heap.push((0, node));
    }

    /// Smallest queued distance, or `UNREACHED` when the queue is empty.
    fn min_key(&self) -> u64 {
        self.heap.peek().map_or(UNREACHED, |entry| entry.0)
    }
}

/// Reusable state of contraction-hierarchy queries: allocate once per thread, query many
/// times. Only the entries a query touched are reset, so a query costs time in proportion to
/// its (small) search space, not to the graph's size.
///
/// Each query runs Dijkstra from both ends over upward edges only. A node is *stalled* (its
/// edges not relaxed) when a more important node already reached offers a shorter way to it:
/// its tentative distance is then not a shortest distance, and nothing beyond it can lie on
/// the shortest path. A side stops once its queue minimum reaches the best meeting distance.
///
/// Reference: Geisberger, Sanders, Schultes, Delling, "Contraction Hierarchies: Faster and
/// Simpler Hierarchical Routing in Road Networks" (WEA 2008), section 5 (query and
/// stall-on-demand).
#[derive(Debug, Clone)]
pub struct ChQuery {
    sides: [Side; 2],
    /// Scratch stack for path unpacking: edges still to expand, the next one on top.
    unpack_stack: Vec<(u32, bool)>,
    /// Scratch list of ranks on the up-down path, origin first.
    packed: Vec<u32>,
    /// Scratch list of the unpacked path's nodes.
    unpacked: Vec<GeoNodeId>,
}

impl ChQuery {
    /// A workspace for queries on this hierarchy (or any with the same node count).
    pub fn new(ch: &ContractionHierarchy) -> ChQuery {
        let node_count = ch.node_count();
        ChQuery {
            sides: [Side::new(node_count), Side::new(node_count)],
            unpack_stack: Vec::new(),
            packed: Vec::new(),
            unpacked: Vec::new(),
        }
    }

    /// The length of the shortest path from `source` to `target` (original node ids), or
    /// `None` when they are not connected.
    ///
    /// # Complexity
    /// O(S log S) for the search spaces S of the two ends: a few hundred nodes on road and
    /// rail networks.
    ///
    /// # Panics
    /// If a node id is not below [`ContractionHierarchy::node_count`].
    pub fn distance(
        &mut self,
        ch: &ContractionHierarchy,
        source: GeoNodeId,
        target: GeoNodeId,
    ) -> Option<u64> {
        self.search(ch, source, target).map(|(length, _)| length)
    }

    /// The shortest path from `source` to `target` (original node ids), unpacked to original
    /// nodes, origin first, or `None` when they are not connected.
    ///
    /// # Complexity
    /// That of [`ChQuery::distance`] plus O(P) for the P nodes of the path.
    ///
    /// # Panics
    /// If a node id is not below [`ContractionHierarchy::node_count`].
    pub fn path(
        &mut self,
        ch: &ContractionHierarchy,
        source: GeoNodeId,
        target: GeoNodeId,
    ) -> Option<GeoPath> {
        let (length_m, meeting) = self.search(ch, source, target)?;
        self.packed.clear();
        let mut node = meeting;
        while node != NO_PARENT {
            self.packed.push(node);
            node = self.sides[0].parent[node as usize];
        }
        self.packed.reverse();
        let mut node = self.sides[1].parent[meeting as usize];
        while node != NO_PARENT {
            self.packed.push(node);
            node = self.sides[1].parent[node as usize];
        }
        // Unpack into a reused buffer, then copy once: cheaper than growing a fresh vector.
        let nodes = &mut self.unpacked;
        nodes.clear();
        nodes.push(GeoNodeId(ch.node_of_rank[self.packed[0] as usize]));
        for pair in self.packed.windows(2) {
            let (from, to) = (pair[0], pair[1]);
            let edge = ch
                .find_edge(from.min(to), from.max(to))
                .expect("consecutive ranks of a search tree are joined by an upward edge");
            self.unpack_stack.push((edge as u32, to > from));
            // Each stack entry is an edge to traverse and whether towards its head (else
            // towards its tail); the top of the stack is the next edge along the path.
            while let Some((edge, towards_head)) = self.unpack_stack.pop() {
                let [middle, tail_side, head_side] = ch.up_unpack[edge as usize];
                if middle == NO_MIDDLE {
                    nodes.push(GeoNodeId(if towards_head { head_side } else { tail_side }));
                } else if towards_head {
                    // tail -> middle -> head: the tail half backwards, then the head half.
                    self.unpack_stack.push((head_side, true));
                    self.unpack_stack.push((tail_side, false));
                } else {
                    // head -> middle -> tail.
                    self.unpack_stack.push((tail_side, true));
                    self.unpack_stack.push((head_side, false));
                }
            }
        }
        Some(GeoPath {
            length_m,
            nodes: nodes.clone(),
        })
    }

    /// Runs both searches; returns the distance and the meeting rank. The search trees stay
    /// in place (for path extraction) until the next query resets them.
    fn search(
        &mut self,
        ch: &ContractionHierarchy,
        source: GeoNodeId,
        target: GeoNodeId,
    ) -> Option<(u64, u32)> {
        let (source, target) = (ch.rank[source.index()], ch.rank[target.index()]);
        for side in &mut self.sides {
            side.reset();
        }
        self.sides[0].start(source);
        self.sides[1].start(target);
        if source == target {
            return Some((0, source));
        }
        let mut best = UNREACHED;
        let mut meeting = NO_PARENT;
        loop {
            let (forward_min, backward_min) = (self.sides[0].min_key(), self.sides[1].min_key());
            let side = match (forward_min < best, backward_min < best) {
                (false, false) => break,
                (true, false) => 0,
                (false, true) => 1,
                (true, true) => usize::from(backward_min < forward_min),
            };
            let [forward, backward] = &mut self.sides;
            let (this, other) = if side == 0 {
                (forward, &*backward)
            } else {
                (backward, &*forward)
            };
            let (dist, node) = this.heap.pop().expect("a queue below best is not empty");
            if dist > this.dist[node as usize] {
                continue;
            }
            let through = dist + other.dist[node as usize];
            if through < best {
                best = through;
                meeting = node;
            }
            let range = ch.up_range(node);
            let heads = &ch.up_head[range.clone()];
            let lengths = &ch.up_length_m[range];
            // Stall-on-demand: an edge to a higher node, read backwards, may offer a
            // shorter way here, and then this node's edges cannot start a shortest path.
            let stalled = heads
                .iter()
                .zip(lengths)
                .any(|(&head, &length)| this.dist[head as usize] + u64::from(length) < dist);
            if stalled {
                continue;
            }
            for (&head, &length) in heads.iter().zip(lengths) {
                let next = dist + u64::from(length);
                let slot = &mut this.dist[head as usize];
                if next < *slot {
                    if *slot == UNREACHED {
                        this.touched.push(head);
                    }
                    *slot = next;
                    this.parent[head as usize] = node;
                    this.heap.push((next, head));
                }
            }
        }
        (meeting != NO_PARENT).then_some((best, meeting))
    }
}
