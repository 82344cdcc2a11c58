//! The exact Pareto set over (hours, USD, kg CO2e), by multi-criteria label setting.

use super::{Criteria, Path, RouteError, Scope, check_ends};
use crate::network::{ArcId, NodeId};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Why a Pareto query could not be answered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParetoError {
    /// The query's ends are unusable.
    #[error(transparent)]
    Route(#[from] RouteError),
    /// The search created more labels than allowed (the set is too large to enumerate).
    #[error(
        "the Pareto search stopped after {limit} labels; the network is too large for an exact Pareto set between these places (narrow it with --avoid or --year)"
    )]
    TooManyLabels {
        /// The limit that was reached.
        limit: usize,
    },
}

#[derive(Debug, Clone, Copy)]
struct Label {
    criteria: Criteria,
    /// Arc index, or the number of arcs for the destination ("sink") state.
    state: u32,
    /// Index of the label this one extends, or `NONE`.
    pred: u32,
    alive: bool,
}

const NONE: u32 = u32::MAX;

/// Heap entry in lexicographic order of (hours, USD, kg), then label index.
#[derive(Debug, Clone, Copy)]
struct Entry {
    key: [f64; 3],
    label: u32,
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
        let mut order = Ordering::Equal;
        for i in 0..3 {
            order = order.then_with(|| other.key[i].total_cmp(&self.key[i]));
        }
        order.then_with(|| other.label.cmp(&self.label))
    }
}

/// Every route whose (hours, USD, kg CO2e) no other route beats in all three at once, one route
/// per distinct vector, ordered by the scope's objective (then hours, USD, kg).
///
/// Martins' label-setting algorithm on arc states: labels are settled in lexicographic order, a
/// label is dropped when another label at the same arc, or a route already found, is at least
/// as good in all criteria.
///
/// # Complexity
/// Exponential in the worst case (the Pareto set itself can be); bounded by `max_labels`.
///
/// # Errors
/// [`ParetoError::TooManyLabels`] when more than `max_labels` labels are created.
///
/// Reference: E. Q. V. Martins, "On a multicriteria shortest path problem", EJOR 16 (1984).
pub fn pareto_set(
    scope: &Scope<'_>,
    origin: NodeId,
    destination: NodeId,
    max_labels: usize,
) -> Result<Vec<Path>, ParetoError> {
    check_ends(scope, origin, destination)?;
    let network = scope.network();
    let n_arcs = network.arcs().len();
    let sink = n_arcs as u32;
    let mut labels: Vec<Label> = Vec::new();
    let mut bags: Vec<Vec<u32>> = vec![Vec::new(); n_arcs + 1];
    let mut heap = BinaryHeap::new();

    let insert = |labels: &mut Vec<Label>,
                  bags: &mut Vec<Vec<u32>>,
                  heap: &mut BinaryHeap<Entry>,
                  state: u32,
                  criteria: Criteria,
                  pred: u32|
     -> Result<(), ParetoError> {
        // A route already found that is as good in every criterion makes this label useless:
        // extending it only adds non-negative amounts.
        for &index in &bags[sink as usize] {
            if labels[index as usize].criteria.weakly_dominates(&criteria) {
                return Ok(());
            }
        }
        if state != sink {
            for &index in &bags[state as usize] {
                if labels[index as usize].criteria.weakly_dominates(&criteria) {
                    return Ok(());
                }
            }
        }
        let bag = &mut bags[state as usize];
        bag.retain(|&index| {
            let keep = !criteria.weakly_dominates(&labels[index as usize].criteria);
            if !keep {
                labels[index as usize].alive = false;
            }
            keep
        });
        if labels.len() >= max_labels {
            return Err(ParetoError::TooManyLabels { limit: max_labels });
        }
        let index = labels.len() as u32;
        labels.push(Label {
            criteria,
            state,
            pred,
            alive: true,
        });
        bag.push(index);
        heap.push(Entry {
            key: criteria.to_array(),
            label: index,
        });
        Ok(())
    };

    for &arc in network.out_arcs(origin) {
        if !scope.is_arc_allowed(arc) {
            continue;
        }
        if let Some((_, transfer)) = scope.transfer(origin, None, Some(arc)) {
            let criteria = transfer + scope.arc_criteria(arc);
            insert(&mut labels, &mut bags, &mut heap, arc.0, criteria, NONE)?;
        }
    }

    while let Some(Entry { label, .. }) = heap.pop() {
        let Label {
            criteria,
            state,
            alive,
            ..
        } = labels[label as usize];
        if !alive || state == sink {
            continue;
        }
        let arc = ArcId(state);
        let node = network.arc(arc).head;
        if node == destination
            && let Some((_, transfer)) = scope.transfer(node, Some(arc), None)
        {
            insert(
                &mut labels,
                &mut bags,
                &mut heap,
                sink,
                criteria + transfer,
                label,
            )?;
        }
        if !scope.is_node_allowed(node) {
            continue;
        }
        for &next in network.out_arcs(node) {
            if !scope.is_arc_allowed(next) {
                continue;
            }
            if let Some((_, transfer)) = scope.transfer(node, Some(arc), Some(next)) {
                let extended = criteria + transfer + scope.arc_criteria(next);
                insert(&mut labels, &mut bags, &mut heap, next.0, extended, label)?;
            }
        }
    }

    let mut finals: Vec<u32> = bags[sink as usize].clone();
    finals.sort_by(|&a, &b| {
        let (a_criteria, b_criteria) = (labels[a as usize].criteria, labels[b as usize].criteria);
        scope
            .scalar(a_criteria)
            .total_cmp(&scope.scalar(b_criteria))
            .then_with(|| {
                let (a, b) = (a_criteria.to_array(), b_criteria.to_array());
                (0..3).fold(Ordering::Equal, |order, i| {
                    order.then_with(|| a[i].total_cmp(&b[i]))
                })
            })
    });
    Ok(finals
        .into_iter()
        .map(|index| {
            let mut arcs = Vec::new();
            let mut current = labels[index as usize].pred;
            while current != NONE {
                let label = labels[current as usize];
                arcs.push(ArcId(label.state));
                current = label.pred;
            }
            arcs.reverse();
            Path {
                origin,
                destination,
                arcs,
            }
        })
        .collect())
}
