//! Dijkstra's algorithm on arcs with transfer costs at nodes.

use super::{Path, RouteError, Scope, check_ends};
use crate::network::{ArcId, NodeId};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A heap entry: smallest cost first, then smallest state index, so that ties are broken the
/// same way on every run. Shared with the one-to-all search (`reach.rs`), whose results must
/// break ties exactly as a route does.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry {
    pub(super) cost: f64,
    pub(super) state: u32,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .cost
            .total_cmp(&self.cost)
            .then_with(|| other.state.cmp(&self.state))
    }
}

/// `pred` of an arc state that starts at an origin.
pub(super) const NO_PRED: u32 = u32::MAX;

/// The route from `origin` to `destination` minimizing the scope's objective, or `None` when
/// there is none.
///
/// States are arcs: the search state "arrived at a node on arc `a`" lets the transfer at the
/// next node depend on the link arrived on. A second copy of each arc state, "finished at the
/// destination after arriving on `a`", carries the destination's handling, so the first
/// finished state popped is optimal.
///
/// # Complexity
/// O((A + T) log A) time and O(A) extra space, where A is the number of arcs and T the number
/// of (arc, next arc) pairs examined at nodes.
///
/// # Errors
/// [`RouteError`] when the origin equals the destination or either is avoided.
///
/// Reference: E. W. Dijkstra, "A note on two problems in connexion with graphs" (1959); arc-based
/// ("edge-based") search with turn costs as in routing engines such as OSRM.
pub fn shortest_path(
    scope: &Scope<'_>,
    origin: NodeId,
    destination: NodeId,
) -> Result<Option<Path>, RouteError> {
    shortest_path_with(scope, origin, destination, &|_| 1.0)
}

/// [`shortest_path`] with each arc's objective value multiplied by `penalty(arc)`; used to find
/// alternatives. Transfers are not penalized.
pub(crate) fn shortest_path_with(
    scope: &Scope<'_>,
    origin: NodeId,
    destination: NodeId,
    penalty: &dyn Fn(ArcId) -> f64,
) -> Result<Option<Path>, RouteError> {
    check_ends(scope, origin, destination)?;
    let network = scope.network();
    let n_arcs = network.arcs().len();
    let mut dist = vec![f64::INFINITY; 2 * n_arcs];
    let mut pred = vec![NO_PRED; n_arcs];
    let mut settled = vec![false; 2 * n_arcs];
    let mut heap = BinaryHeap::new();
    let arc_cost = |arc: ArcId| scope.scalar(scope.arc_criteria(arc)) * penalty(arc);

    for &arc in network.out_arcs(origin) {
        if !scope.is_arc_allowed(arc) {
            continue;
        }
        let Some((_, transfer)) = scope.transfer(origin, None, Some(arc)) else {
            continue;
        };
        let cost = scope.scalar(transfer) + arc_cost(arc);
        if cost < dist[arc.index()] {
            dist[arc.index()] = cost;
            heap.push(Entry { cost, state: arc.0 });
        }
    }

    while let Some(Entry { cost, state }) = heap.pop() {
        let state_index = state as usize;
        if settled[state_index] {
            continue;
        }
        settled[state_index] = true;
        if state_index >= n_arcs {
            // Finished at the destination after arriving on this arc.
            let mut arcs = vec![ArcId((state_index - n_arcs) as u32)];
            while let Some(&last) = arcs.last() {
                let previous = pred[last.index()];
                if previous == NO_PRED {
                    break;
                }
                arcs.push(ArcId(previous));
            }
            arcs.reverse();
            return Ok(Some(Path {
                origin,
                destination,
                arcs,
            }));
        }
        let arc = ArcId(state);
        let node = network.arc(arc).head;
        if node == destination
            && let Some((_, transfer)) = scope.transfer(node, Some(arc), None)
        {
            let done = n_arcs + state_index;
            let finish = cost + scope.scalar(transfer);
            if finish < dist[done] {
                dist[done] = finish;
                heap.push(Entry {
                    cost: finish,
                    state: done as u32,
                });
            }
        }
        if !scope.is_node_allowed(node) {
            continue;
        }
        for &next in network.out_arcs(node) {
            if !scope.is_arc_allowed(next) || settled[next.index()] {
                continue;
            }
            let Some((_, transfer)) = scope.transfer(node, Some(arc), Some(next)) else {
                continue;
            };
            let candidate = cost + scope.scalar(transfer) + arc_cost(next);
            if candidate < dist[next.index()] {
                dist[next.index()] = candidate;
                pred[next.index()] = state;
                heap.push(Entry {
                    cost: candidate,
                    state: next.0,
                });
            }
        }
    }
    Ok(None)
}
