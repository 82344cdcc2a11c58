//! Preparation: node ordering with lazy updates, witness searches and contraction.
//!
//! The nodes wait in a priority queue keyed by importance. The least important is popped, its
//! importance recomputed (lazy update); if it is still the least important it is contracted,
//! otherwise it goes back into the queue. Contracting a node removes it from the working graph
//! and adds a shortcut between two of its neighbours unless a *witness* path, avoiding the node
//! and no longer than the path through it, exists. Its neighbours' importances are then
//! recomputed, since their surroundings changed.
//!
//! Importance follows Geisberger et al. (2008): the edge difference (shortcuts added minus
//! edges removed), the number of already contracted neighbours (spreads contraction evenly over
//! the graph) and the level (depth of the hierarchy below the node, which bounds the search
//! space of queries).

use super::ChError;
use super::{ContractionHierarchy, DistanceHeap, NO_MIDDLE};
use crate::geo::GeoGraph;
use std::ops::ControlFlow;

/// Witness searches stop after settling this many nodes; a search cut short only adds a
/// superfluous shortcut, never a wrong answer.
const WITNESS_SETTLED_LIMIT: u32 = 64;

/// An edge of the working graph, stored at both ends.
#[derive(Debug, Clone, Copy)]
struct Arc {
    head: u32,
    length_m: u32,
    /// Original node id the edge bypasses, or [`NO_MIDDLE`].
    middle: u32,
}

/// Where a node's edges sit in [`WorkingGraph::arcs`].
#[derive(Debug, Clone, Copy)]
struct Slot {
    start: u32,
    len: u32,
    capacity: u32,
}

/// The graph during contraction: every node's edges in one flat array, in node order, each
/// node with a little room to grow; a list that outgrows its room moves to the end with
/// twice the room. Compared with a `Vec` per node this halves the bookkeeping per node and
/// keeps the edges of nearby nodes (ids of the input are spatially local) close in memory,
/// which is what witness searches spend their time on.
///
/// Uncontracted nodes keep their edges to uncontracted neighbours; a contracted node keeps
/// its edges as they were when it was contracted, all upward.
struct WorkingGraph {
    slots: Vec<Slot>,
    arcs: Vec<Arc>,
}

/// Room for this many extra edges in every list at the start.
const INITIAL_SLACK: u32 = 2;

impl WorkingGraph {
    fn new(graph: &GeoGraph) -> WorkingGraph {
        let node_count = graph.node_count();
        let mut slots = Vec::with_capacity(node_count);
        let mut arcs =
            Vec::with_capacity(2 * graph.edge_count() + node_count * INITIAL_SLACK as usize);
        for node in graph.node_ids() {
            let start = arcs.len() as u32;
            arcs.extend(graph.neighbors(node).map(|(head, length_m)| Arc {
                head: head.0,
                length_m,
                middle: NO_MIDDLE,
            }));
            let len = arcs.len() as u32 - start;
            arcs.extend((0..INITIAL_SLACK).map(|_| Arc {
                head: NO_MIDDLE,
                length_m: 0,
                middle: NO_MIDDLE,
            }));
            slots.push(Slot {
                start,
                len,
                capacity: len + INITIAL_SLACK,
            });
        }
        WorkingGraph { slots, arcs }
    }

    #[inline]
    fn arcs(&self, node: u32) -> &[Arc] {
        let slot = self.slots[node as usize];
        &self.arcs[slot.start as usize..(slot.start + slot.len) as usize]
    }

    #[inline]
    fn arcs_mut(&mut self, node: u32) -> &mut [Arc] {
        let slot = self.slots[node as usize];
        &mut self.arcs[slot.start as usize..(slot.start + slot.len) as usize]
    }

    fn push(&mut self, node: u32, arc: Arc) {
        let slot = &mut self.slots[node as usize];
        if slot.len == slot.capacity {
            let start = self.arcs.len();
            let capacity = (2 * slot.capacity).max(4);
            self.arcs
                .extend_from_within(slot.start as usize..(slot.start + slot.len) as usize);
            self.arcs.resize(start + capacity as usize, arc);
            slot.start = u32::try_from(start).expect("fewer than 2^32 edges during contraction");
            slot.capacity = capacity;
        }
        self.arcs[(slot.start + slot.len) as usize] = arc;
        slot.len += 1;
    }

    fn swap_remove(&mut self, node: u32, index: usize) {
        let slot = &mut self.slots[node as usize];
        slot.len -= 1;
        self.arcs.swap(
            slot.start as usize + index,
            (slot.start + slot.len) as usize,
        );
    }
}

/// A shortcut the contraction of the current node needs.
#[derive(Debug, Clone, Copy)]
struct Shortcut {
    from: u32,
    to: u32,
    length_m: u64,
}

/// Reusable Dijkstra state for witness searches: distances are reset through the touched list.
struct WitnessSearch {
    dist: Vec<u64>,
    is_target: Vec<bool>,
    touched: Vec<u32>,
    heap: DistanceHeap,
}

impl WitnessSearch {
    fn new(node_count: usize) -> WitnessSearch {
        WitnessSearch {
            dist: vec![u64::MAX; node_count],
            is_target: vec![false; node_count],
            touched: Vec::new(),
            heap: DistanceHeap::default(),
        }
    }

    /// Distances from `source` in the working graph without `avoid`, exact up to `max_dist`
    /// for the nodes settled before the search stopped (upper bounds otherwise). Stops once
    /// every target is settled, the queue passes `max_dist`, or the settled limit is reached.
    fn run(
        &mut self,
        graph: &WorkingGraph,
        source: u32,
        avoid: u32,
        targets: &[Arc],
        max_dist: u64,
    ) {
        for &node in &self.touched {
            self.dist[node as usize] = u64::MAX;
        }
        self.touched.clear();
        self.heap.clear();
        let mut targets_left = 0usize;
        for target in targets {
            if !self.is_target[target.head as usize] {
                self.is_target[target.head as usize] = true;
                targets_left += 1;
            }
        }
        self.dist[source as usize] = 0;
        self.touched.push(source);
        self.heap.push((0, source));
        let mut settled = 0;
        while let Some((dist, node)) = self.heap.pop() {
            if dist > self.dist[node as usize] {
                continue;
            }
            if dist > max_dist || settled >= WITNESS_SETTLED_LIMIT {
                break;
            }
            settled += 1;
            if self.is_target[node as usize] {
                targets_left -= 1;
                if targets_left == 0 {
                    break;
                }
            }
            for arc in graph.arcs(node) {
                let next = dist + u64::from(arc.length_m);
                if arc.head != avoid && next <= max_dist && next < self.dist[arc.head as usize] {
                    if self.dist[arc.head as usize] == u64::MAX {
                        self.touched.push(arc.head);
                    }
                    self.dist[arc.head as usize] = next;
                    self.heap.push((next, arc.head));
                }
            }
        }
        for target in targets {
            self.is_target[target.head as usize] = false;
        }
    }
}

/// The nodes not contracted yet, by importance: an indexed binary min-heap whose keys pack
/// the importance and the node id into one `u64`, so that ties are broken by node id and a
/// node's key can be changed in place (no stale entries).
struct NodeQueue {
    heap: Vec<u64>,
    /// Index of every node in `heap`, or `NOT_QUEUED`.
    position: Vec<u32>,
}

const NOT_QUEUED: u32 = u32::MAX;

impl NodeQueue {
    fn new(node_count: usize) -> NodeQueue {
        NodeQueue {
            heap: Vec::with_capacity(node_count),
            position: vec![NOT_QUEUED; node_count],
        }
    }

    /// The key of a node with an importance: importances beyond `i32` are clamped, which only
    /// coarsens the order.
    fn key(node: u32, priority: i64) -> u64 {
        let clamped = priority.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32;
        let biased = (clamped as u32) ^ 0x8000_0000;
        (u64::from(biased) << 32) | u64::from(node)
    }

    fn peek(&self) -> Option<u64> {
        self.heap.first().copied()
    }

    /// Inserts a node or changes its importance.
    fn set(&mut self, node: u32, priority: i64) {
        let key = NodeQueue::key(node, priority);
        let index = match self.position[node as usize] {
            NOT_QUEUED => {
                self.heap.push(key);
                self.heap.len() - 1
            }
            index => {
                self.heap[index as usize] = key;
                index as usize
            }
        };
        let index = self.sift_up(index);
        self.sift_down(index);
    }

    /// Removes and returns the least important node.
    fn pop(&mut self) -> Option<u32> {
        let top = *self.heap.first()?;
        let last = self.heap.pop().expect("not empty");
        if !self.heap.is_empty() {
            self.heap[0] = last;
            self.sift_down(0);
        }
        let node = top as u32;
        self.position[node as usize] = NOT_QUEUED;
        Some(node)
    }

    fn place(&mut self, index: usize, key: u64) {
        self.heap[index] = key;
        self.position[key as u32 as usize] = index as u32;
    }

    fn sift_up(&mut self, mut index: usize) -> usize {
        let key = self.heap[index];
        while index > 0 {
            let parent = (index - 1) / 2;
            if self.heap[parent] <= key {
                break;
            }
            self.place(index, self.heap[parent]);
            index = parent;
        }
        self.place(index, key);
        index
    }

    fn sift_down(&mut self, mut index: usize) {
        let key = self.heap[index];
        loop {
            let left = 2 * index + 1;
            if left >= self.heap.len() {
                break;
            }
            let right = left + 1;
            let child = if right < self.heap.len() && self.heap[right] < self.heap[left] {
                right
            } else {
                left
            };
            if self.heap[child] >= key {
                break;
            }
            self.place(index, self.heap[child]);
            index = child;
        }
        self.place(index, key);
    }
}

/// The state of the node ordering.
struct Contractor {
    graph: WorkingGraph,
    contracted_neighbors: Vec<u32>,
    level: Vec<u32>,
    witness: WitnessSearch,
    /// Shortcuts found by the last call of [`Contractor::simulate`].
    shortcuts: Vec<Shortcut>,
    /// Whether a shortcut longer than `u32::MAX` metres was needed.
    too_long: bool,
}

impl Contractor {
    fn new(graph: &GeoGraph) -> Contractor {
        let node_count = graph.node_count();
        Contractor {
            graph: WorkingGraph::new(graph),
            contracted_neighbors: vec![0; node_count],
            level: vec![0; node_count],
            witness: WitnessSearch::new(node_count),
            shortcuts: Vec::new(),
            too_long: false,
        }
    }

    /// Finds the shortcuts contracting `node` would add (into `self.shortcuts`) and returns
    /// its importance.
    fn simulate(&mut self, node: u32) -> i64 {
        self.shortcuts.clear();
        let arcs = self.graph.arcs(node);
        for (index, arc) in arcs.iter().enumerate() {
            let targets = &arcs[index + 1..];
            let Some(longest) = targets.iter().map(|target| target.length_m).max() else {
                break;
            };
            let max_dist = u64::from(arc.length_m) + u64::from(longest);
            self.witness
                .run(&self.graph, arc.head, node, targets, max_dist);
            for target in targets {
                let via = u64::from(arc.length_m) + u64::from(target.length_m);
                if self.witness.dist[target.head as usize] > via {
                    self.shortcuts.push(Shortcut {
                        from: arc.head,
                        to: target.head,
                        length_m: via,
                    });
                }
            }
        }
        let edge_difference = self.shortcuts.len() as i64 - arcs.len() as i64;
        4 * edge_difference
            + 2 * i64::from(self.contracted_neighbors[node as usize])
            + i64::from(self.level[node as usize])
    }

    /// Adds the edge `from`–`to` through `middle`, or shortens the existing one.
    fn add_shortcut(&mut self, from: u32, to: u32, length_m: u32, middle: u32) {
        for (tail, head) in [(from, to), (to, from)] {
            match self
                .graph
                .arcs_mut(tail)
                .iter_mut()
                .find(|arc| arc.head == head)
            {
                Some(arc) => {
                    if length_m < arc.length_m {
                        arc.length_m = length_m;
                        arc.middle = middle;
                    }
                }
                None => self.graph.push(
                    tail,
                    Arc {
                        head,
                        length_m,
                        middle,
                    },
                ),
            }
        }
    }

    /// Contracts `node` with the shortcuts of the last [`Contractor::simulate`] of it.
    fn contract(&mut self, node: u32) {
        let node_level = self.level[node as usize];
        for index in 0..self.graph.arcs(node).len() {
            let neighbor = self.graph.arcs(node)[index].head;
            let position = self
                .graph
                .arcs(neighbor)
                .iter()
                .position(|arc| arc.head == node)
                .expect("the working graph stores every edge at both ends");
            self.graph.swap_remove(neighbor, position);
            let neighbor = neighbor as usize;
            self.contracted_neighbors[neighbor] += 1;
            self.level[neighbor] = self.level[neighbor].max(node_level + 1);
        }
        for index in 0..self.shortcuts.len() {
            let shortcut = self.shortcuts[index];
            match u32::try_from(shortcut.length_m) {
                Ok(length_m) => self.add_shortcut(shortcut.from, shortcut.to, length_m, node),
                // The hierarchy cannot hold it; `contract` gives up with an error.
                Err(_) => self.too_long = true,
            }
        }
    }
}

/// Orders and contracts every node of `graph`, then stores the upward graph by rank.
/// How often contraction reports progress, in contracted nodes.
const PROGRESS_EVERY: usize = 4096;

pub(super) fn contract(
    graph: &GeoGraph,
    progress: &mut dyn FnMut(usize, usize) -> ControlFlow<()>,
) -> Result<ContractionHierarchy, ChError> {
    let node_count = graph.node_count();
    let mut contractor = Contractor::new(graph);
    let mut queue = NodeQueue::new(node_count);
    for node in 0..node_count as u32 {
        let priority = contractor.simulate(node);
        queue.set(node, priority);
    }
    let mut node_of_rank = Vec::with_capacity(node_count);
    let mut neighbors = Vec::new();
    while let Some(node) = queue.pop() {
        // Lazy update: the importance may have grown since it was queued.
        let priority = contractor.simulate(node);
        if queue
            .peek()
            .is_some_and(|next| NodeQueue::key(node, priority) > next)
        {
            queue.set(node, priority);
            continue;
        }
        contractor.contract(node);
        if contractor.too_long {
            return Err(ChError::TooLong);
        }
        node_of_rank.push(node);
        if node_of_rank.len() % PROGRESS_EVERY == 0
            && progress(node_of_rank.len(), node_count).is_break()
        {
            return Err(ChError::Cancelled);
        }
        neighbors.clear();
        neighbors.extend(contractor.graph.arcs(node).iter().map(|arc| arc.head));
        for &neighbor in &neighbors {
            let updated = contractor.simulate(neighbor);
            queue.set(neighbor, updated);
        }
    }
    debug_assert_eq!(node_of_rank.len(), node_count);
    let mut rank = vec![0u32; node_count];
    for (position, &node) in node_of_rank.iter().enumerate() {
        rank[node as usize] = position as u32;
    }
    let edge_count: usize = (0..node_count as u32)
        .map(|node| contractor.graph.arcs(node).len())
        .sum();
    let mut first_up = Vec::with_capacity(node_count + 1);
    let mut up_head = Vec::with_capacity(edge_count);
    let mut up_length_m = Vec::with_capacity(edge_count);
    let mut up_middle = Vec::with_capacity(edge_count);
    let mut edges: Vec<(u32, u32, u32)> = Vec::new();
    first_up.push(0);
    for &node in &node_of_rank {
        edges.clear();
        edges.extend(contractor.graph.arcs(node).iter().map(|arc| {
            let middle = if arc.middle == NO_MIDDLE {
                NO_MIDDLE
            } else {
                rank[arc.middle as usize]
            };
            (rank[arc.head as usize], arc.length_m, middle)
        }));
        edges.sort_unstable();
        for &(head, length_m, middle) in &edges {
            up_head.push(head);
            up_length_m.push(length_m);
            up_middle.push(middle);
        }
        first_up.push(up_head.len() as u32);
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
    ch.up_unpack = ch.unpack_table();
    Ok(ch)
}
