//! Many-to-many distance matrices on a contraction hierarchy, with the bucket algorithm, on
//! all cores.
//!
//! Reference: S. Knopp, P. Sanders, D. Schultes, F. Schulz, D. Wagner, "Computing many-to-many
//! shortest paths using highway hierarchies", ALENEX 2007 (the bucket scheme, applied here to
//! contraction hierarchies as is standard).

use super::{ContractionHierarchy, GeoNodeId};
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// An observer of work spread over threads: called with (items done, all items) as items
/// finish, from any thread; `Break` stops the work.
pub type SharedProgress<'a> = &'a (dyn Fn(usize, usize) -> ControlFlow<()> + Sync);

/// The work was stopped by its observer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

/// Distances (metres) from every upward-reachable rank to the start, as (rank, distance) pairs
/// sorted by rank: the upward search space of one node. The graph is undirected, so the same
/// space serves forward and backward searches.
fn upward_space(ch: &ContractionHierarchy, node: GeoNodeId) -> Vec<(u32, u64)> {
    let (first, head, length) = (ch.first_up(), ch.up_head(), ch.up_length_m());
    let start = ch.rank()[node.index()];
    let mut dist: Vec<(u32, u64)> = Vec::new();
    let mut best: std::collections::HashMap<u32, u64> = std::collections::HashMap::new();
    let mut heap = BinaryHeap::new();
    heap.push(Reverse((0u64, start)));
    best.insert(start, 0);
    while let Some(Reverse((d, rank))) = heap.pop() {
        if best.get(&rank).is_some_and(|&b| d > b) {
            continue;
        }
        dist.push((rank, d));
        for edge in first[rank as usize] as usize..first[rank as usize + 1] as usize {
            let next = head[edge];
            let candidate = d + u64::from(length[edge]);
            if best.get(&next).is_none_or(|&b| candidate < b) {
                best.insert(next, candidate);
                heap.push(Reverse((candidate, next)));
            }
        }
    }
    dist.sort_unstable();
    dist
}

/// The distance from every source to every target, row-major (`sources.len()` rows of
/// `targets.len()`), `None` where there is no path. The result does not depend on the number
/// of threads.
///
/// Each target's upward search space is put in buckets at the ranks it reaches; each source's
/// upward search then scans the buckets of the ranks it reaches: the shortest path's highest
/// node is in both spaces.
///
/// # Complexity
/// O((|S| + |T|) · U log U + Σ bucket scans), U being the size of an upward search space.
pub fn distance_matrix(
    ch: &ContractionHierarchy,
    sources: &[GeoNodeId],
    targets: &[GeoNodeId],
) -> Vec<Option<u64>> {
    match distance_matrix_with_progress(ch, sources, targets, &|_, _| ControlFlow::Continue(())) {
        Ok(matrix) => matrix,
        Err(Cancelled) => unreachable!("the observer never stops"),
    }
}

/// [`distance_matrix`], telling `progress` (rows done, rows) after each source's row; when it
/// breaks, the rows not started are skipped and the answer is [`Cancelled`].
///
/// # Errors
/// [`Cancelled`] when `progress` breaks.
pub fn distance_matrix_with_progress(
    ch: &ContractionHierarchy,
    sources: &[GeoNodeId],
    targets: &[GeoNodeId],
    progress: SharedProgress<'_>,
) -> Result<Vec<Option<u64>>, Cancelled> {
    let target_spaces: Vec<Vec<(u32, u64)>> =
        targets.par_iter().map(|&t| upward_space(ch, t)).collect();
    // Buckets in CSR form, by rank: (target index, distance).
    let n = ch.node_count();
    let mut first = vec![0u32; n + 1];
    for space in &target_spaces {
        for &(rank, _) in space {
            first[rank as usize + 1] += 1;
        }
    }
    for index in 1..first.len() {
        first[index] += first[index - 1];
    }
    let mut fill = first.clone();
    let mut entries = vec![(0u32, 0u64); first[n] as usize];
    for (target, space) in target_spaces.iter().enumerate() {
        for &(rank, d) in space {
            let slot = &mut fill[rank as usize];
            entries[*slot as usize] = (target as u32, d);
            *slot += 1;
        }
    }
    let stop = AtomicBool::new(false);
    let done = AtomicUsize::new(0);
    let rows: Vec<Vec<Option<u64>>> = sources
        .par_iter()
        .map(|&source| {
            if stop.load(Ordering::Relaxed) {
                return Vec::new();
            }
            let mut row = vec![u64::MAX; targets.len()];
            for (rank, d) in upward_space(ch, source) {
                for &(target, dt) in
                    &entries[first[rank as usize] as usize..first[rank as usize + 1] as usize]
                {
                    let total = d + dt;
                    if total < row[target as usize] {
                        row[target as usize] = total;
                    }
                }
            }
            let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
            if progress(finished, sources.len()).is_break() {
                stop.store(true, Ordering::Relaxed);
            }
            row.into_iter()
                .map(|d| (d != u64::MAX).then_some(d))
                .collect()
        })
        .collect();
    if stop.into_inner() {
        return Err(Cancelled);
    }
    Ok(rows.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::{BidirectionalDijkstra, GeoGraph};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn matrix_matches_pairwise_dijkstra(
            n in 1usize..25,
            edges in proptest::collection::vec((0u32..25, 0u32..25, 0u32..5000), 0..60),
        ) {
            let edges: Vec<_> = edges.into_iter().filter(|e| (e.0 as usize) < n && (e.1 as usize) < n).collect();
            let graph = GeoGraph::new(vec![(0.0, 0.0); n], &edges).expect("valid");
            let ch = ContractionHierarchy::new(&graph).expect("lengths fit");
            let nodes: Vec<GeoNodeId> = graph.node_ids().collect();
            let matrix = distance_matrix(&ch, &nodes, &nodes);
            let mut search = BidirectionalDijkstra::new(&graph);
            for s in graph.node_ids() {
                for t in graph.node_ids() {
                    prop_assert_eq!(matrix[s.index() * n + t.index()], search.distance(&graph, s, t), "{} -> {}", s, t);
                }
            }
        }
    }
}
