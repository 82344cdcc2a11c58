//! Algorithm B (Dial 2006; the variant of Nie 2010 and Boyles' tap-b): an origin-based
//! method that keeps, for every (class, origin), an acyclic *bush* of links carrying that
//! origin's flow and moves flow inside each bush from its longest used path to its shortest
//! path with Newton steps. It converges to relative gaps far below what Frank–Wolfe methods
//! reach (1e-10 and beyond) because it works on paths rather than on whole-network
//! directions.
//!
//! Per (class, origin) the state is a dense vector of bush link flows and a bush membership
//! mask, so memory is `classes × origins × links` (flows twice: those before each sweep are kept
//! for its extension, below). Bushes are updated one after another
//! (Gauss–Seidel), each seeing the volumes the previous ones left: the result depends only on
//! the input, not on threads. The relative gap is measured after every iteration with a full
//! all-or-nothing pass (in parallel with the next sweep, below).
//!
//! One iteration, for each bush:
//! 1. labels in topological order: `L` (shortest path within the bush), `U` (longest path
//!    over links carrying flow) and `W` (longest over all bush links);
//! 2. drop links without flow that are not on the bush's shortest-path tree; add every link
//!    `(i, j)` with `W_i + c_ij < W_j` (such links go "uphill" in `W`, so the bush stays
//!    acyclic); if none qualifies but a link improves `L`, add those that keep the bush
//!    acyclic;
//! 3. a few passes over the nodes in reverse topological order: where `U_j − L_j` exceeds
//!    the tolerance, find where the two paths to `j` diverge and shift
//!    `Δ = (U − L) / Σ c'` (bounded by the longest segment's smallest flow) from the longest
//!    segment to the shortest one.
//!
//! After each sweep over the bushes, the sweep as a whole is extended (`t ≥ 1` times the
//! change of every bush's flows, leaving out bushes that could not go on to twice their change
//! without emptying a link) while that lowers the objective and no flow turns negative.
//! Bushes that pull a shared link's cost towards different levels (the two directions of a
//! congested border facility, whose routes differ by constant tariffs) otherwise trade a
//! little flow back and forth every sweep: the freight network stalled near 6e-7; with the
//! extension it reaches 1e-10 in six iterations, and Winnipeg and ChicagoSketch need a third
//! to a half fewer iterations to 1e-10 (BENCHMARKS.md).
//!
//! From the second iteration on, the gap of iteration `k` is measured (an all-or-nothing pass
//! on a copy of its flows, on all cores but the one sweeping) while sweep `k + 1` runs, with
//! the tolerance of the measurement before; when the measurement ends the run, the sweep is
//! discarded and iteration `k`'s flows are returned. The lagging tolerance costs a few
//! iterations on small networks and saves a third to two fifths of the time on the larger ones.

use super::frank_wolfe::Segment;
use super::solve::{GapEvaluator, IterationStats, relative_gap};
use super::spt::{NONE, SptWorkspace};
use super::{AssignError, AssignLinkId, AssignNodeId, AssignZoneId, CostModel, Flows, Problem};
use std::time::Instant;

/// A sweep is extended only over the bushes whose own change can go on to at least this many
/// times itself without emptying a link.
const MIN_REACH: f64 = 2.0;

/// The longest extension of a sweep (times its own change) when no flow bounds it.
const MAX_EXTENSION: f64 = 1e6;

/// Flows below this (relative to the origin's demand) are treated as zero.
const FLOW_EPS: f64 = 1e-12;

/// One bush: the flow of one class from one origin.
#[derive(Debug, Clone)]
struct Bush {
    class: usize,
    origin: AssignNodeId,
    /// Flow per link (zero outside the bush).
    flow: Vec<f64>,
    /// Whether each link is in the bush.
    member: Vec<bool>,
    /// Total demand leaving the origin.
    total: f64,
}

/// Reusable per-bush buffers. Per-node vectors are indexed by [`AssignNodeId::index`];
/// predecessors are raw link numbers (`NONE` for none), as in [`SptWorkspace`].
#[derive(Debug, Clone)]
struct Labels {
    order: Vec<AssignNodeId>,
    position: Vec<u32>,
    indegree: Vec<u32>,
    /// The bush's in-links of each node (CSR by node id, filled by `topological_order`; may
    /// still hold links removed since, so readers check membership).
    in_start: Vec<u32>,
    in_fill: Vec<u32>,
    in_links: Vec<AssignLinkId>,
    l: Vec<f64>,
    u: Vec<f64>,
    w: Vec<f64>,
    lpred: Vec<u32>,
    upred: Vec<u32>,
    reached: Vec<bool>,
    /// Links to add to the bush: uphill in `W` first, then forward in the order.
    added: Vec<AssignLinkId>,
    forward: Vec<AssignLinkId>,
}

/// Link state shared by every bush: volume, cost and cost derivative.
#[derive(Debug, Clone)]
struct LinkState {
    volume: Vec<f64>,
    cost: Vec<f64>,
    derivative: Vec<f64>,
}

impl LinkState {
    #[inline]
    fn refresh(&mut self, problem: &Problem, link: usize) {
        let f = &problem.network().vdfs()[link];
        let v = self.volume[link];
        match problem.model() {
            CostModel::UserEquilibrium => {
                (self.cost[link], self.derivative[link]) = f.time_and_derivative(v);
            }
            CostModel::SystemOptimum => {
                let (t, d) = f.time_and_derivative(v);
                self.cost[link] = t + v * d;
                self.derivative[link] = CostModel::SystemOptimum.slope(f, v);
            }
        }
    }
}

/// What [`solve`] returns to the dispatcher.
pub(crate) struct BushOutcome {
    pub flows: Flows,
    pub iterations: usize,
    pub relative_gap: f64,
    pub history: Vec<IterationStats>,
}

/// Runs Algorithm B until the relative gap reaches `target_gap`, `max_iterations` or the
/// time limit.
pub(crate) fn solve(
    problem: &Problem,
    target_gap: f64,
    max_iterations: usize,
    time_limit: Option<std::time::Duration>,
    start: Instant,
    observer: &mut super::Observer<'_>,
) -> Result<BushOutcome, AssignError> {
    let net = problem.network();
    let nodes = net.node_count();
    let links = net.link_count();
    let mut gap = GapEvaluator::new(problem);

    // Initial bushes: shortest-path trees at free-flow cost, all demand on them.
    let mut state = LinkState {
        volume: vec![0.0; links],
        cost: vec![0.0; links],
        derivative: vec![0.0; links],
    };
    for a in 0..links {
        state.refresh(problem, a);
    }
    let mut bushes = Vec::new();
    let mut tree = SptWorkspace::new(nodes);
    let mut class_cost = vec![0.0; links];
    for (k, class) in problem.classes().iter().enumerate() {
        let aon = super::AllOrNothing::new(net, &class.demand);
        for (c, (t, f)) in class_cost
            .iter_mut()
            .zip(state.cost.iter().zip(&class.fixed_cost))
        {
            *c = t + f;
        }
        for (o, row) in aon.rows().iter().enumerate() {
            if row.is_empty() {
                continue;
            }
            let origin = AssignZoneId::from_index(o);
            tree.tree(net, &class_cost, origin.node());
            let mut bush = Bush {
                class: k,
                origin: origin.node(),
                flow: vec![0.0; links],
                member: vec![false; links],
                total: row.iter().map(|&(_, v)| v).sum(),
            };
            for &n in tree.settled() {
                if let Some(link) = tree.predecessor(n) {
                    bush.member[link.index()] = true;
                }
            }
            let mut unreached = Vec::new();
            tree.load(net, row, &mut bush.flow, &mut unreached);
            if let Some(&(d, v)) = unreached.first() {
                return Err(AssignError::Disconnected {
                    class: class.name.clone(),
                    origin,
                    destination: d,
                    demand: v,
                });
            }
            bushes.push(bush);
        }
    }
    recompute_volumes(problem, &bushes, &mut state);

    let mut labels = Labels {
        order: Vec::with_capacity(nodes),
        position: vec![0; nodes],
        indegree: vec![0; nodes],
        in_start: vec![0; nodes + 1],
        in_fill: vec![0; nodes],
        in_links: vec![AssignLinkId(0); links],
        l: vec![0.0; nodes],
        u: vec![0.0; nodes],
        w: vec![0.0; nodes],
        lpred: vec![NONE; nodes],
        upred: vec![NONE; nodes],
        reached: vec![false; nodes],
        added: Vec::new(),
        forward: Vec::new(),
    };
    let mut history = Vec::new();
    let mut flows = problem.zero_flows();
    let mut work = SweepWork {
        before: bushes.iter().map(|b| vec![0.0; b.flow.len()]).collect(),
        direction: vec![0.0; links],
        moving: Vec::with_capacity(links),
        reach: vec![0.0; bushes.len()],
    };
    let mut iterations = 0;
    let mut current_gap;
    // The gap and average cost of the previous measurement: the next sweep's tolerance.
    let mut previous: Option<(f64, f64)> = None;
    loop {
        // Measure the current solution; from the second iteration on, the next sweep runs on
        // the bushes meanwhile (the measurement reads its own copy of the flows), with the
        // tolerance of the previous measurement. If this measurement ends the run, that sweep
        // is discarded: the flows returned are the ones measured.
        class_flows(problem, &bushes, &mut flows);
        let sweep_tolerance = previous
            .filter(|_| iterations < max_iterations)
            .map(|(gap, average)| tolerance(gap, average));
        let (measured, swept) = match sweep_tolerance {
            Some(tolerance) => {
                let (measured, ()) = rayon::join(
                    || gap.all_or_nothing(problem, &flows.total),
                    || {
                        sweep(
                            problem,
                            &mut bushes,
                            &mut state,
                            &mut labels,
                            &mut work,
                            tolerance,
                        );
                    },
                );
                (measured, true)
            }
            None => (gap.all_or_nothing(problem, &flows.total), false),
        };
        let sptt = measured?;
        let tstt = gap.tstt(problem, &flows);
        current_gap = relative_gap(tstt, sptt);
        let stats = IterationStats {
            iteration: iterations,
            relative_gap: current_gap,
            objective: problem.objective(&flows),
            seconds: start.elapsed().as_secs_f64(),
        };
        if iterations > 0 {
            if observer(&stats).is_break() {
                return Err(AssignError::Cancelled);
            }
            history.push(stats);
        }
        let out_of_time = time_limit.is_some_and(|t| start.elapsed() >= t);
        if current_gap <= target_gap || iterations >= max_iterations || out_of_time {
            break;
        }
        // The tolerance on path-cost differences inside a bush follows the gap down.
        let average_cost = if problem.total_demand() > 0.0 {
            tstt / problem.total_demand()
        } else {
            1.0
        };
        if !swept {
            sweep(
                problem,
                &mut bushes,
                &mut state,
                &mut labels,
                &mut work,
                tolerance(current_gap, average_cost),
            );
        }
        previous = Some((current_gap, average_cost));
        iterations += 1;
    }
    Ok(BushOutcome {
        flows,
        iterations,
        relative_gap: current_gap,
        history,
    })
}

/// The tolerance on path-cost differences inside a bush at a relative gap and average cost.
fn tolerance(gap: f64, average_cost: f64) -> f64 {
    (gap * average_cost * 0.01).max(average_cost * 1e-15)
}

/// Buffers of a sweep's extension: bush flows before it, its total volume change and the links
/// it moves, how far each bush's change can go on.
struct SweepWork {
    before: Vec<Vec<f64>>,
    direction: Vec<f64>,
    moving: Vec<u32>,
    reach: Vec<f64>,
}

/// One iteration of Algorithm B: every bush updated and equilibrated in turn, volumes rebuilt,
/// then the sweep extended ([`extrapolate`]).
fn sweep(
    problem: &Problem,
    bushes: &mut [Bush],
    state: &mut LinkState,
    labels: &mut Labels,
    work: &mut SweepWork,
    tolerance: f64,
) {
    for (saved, bush) in work.before.iter_mut().zip(bushes.iter()) {
        saved.copy_from_slice(&bush.flow);
    }
    for bush in bushes.iter_mut() {
        improve_bush(problem, bush, state, labels, tolerance);
    }
    // Volumes are sums of many small shifts; rebuild them exactly from the bushes so
    // rounding does not accumulate.
    recompute_volumes(problem, bushes, state);
    extrapolate(problem, bushes, state, work);
}

/// Extends the sweep that took every bush from `before` to its current flows, when going on
/// in the same direction lowers the objective further: Gauss–Seidel sweeps stall where bushes
/// pull a shared link's cost towards different levels (origins whose routes differ by a
/// constant, e.g. the two directions through one gauge-change facility): each sweep then
/// moves a little flow one way for some bushes and back for others, and only a step along
/// the whole sweep reaches the corner the equilibrium lies at. The step `t ≥ 1` minimises the
/// objective along `before + t·(after − before)` (Frank–Wolfe's line search on the segment
/// from `t = 1` to the largest `t` that keeps every bush flow non-negative, at most
/// [`MAX_EXTENSION`]). Volumes and costs in `state` follow.
fn extrapolate(
    problem: &Problem,
    bushes: &mut [Bush],
    state: &mut LinkState,
    work: &mut SweepWork,
) {
    // How far each bush's own change can be extended before one of its flows turns negative
    // (flows below the bush's rounding level excepted). A bush that (nearly) emptied a link
    // cannot go on; it keeps its new flows and the others are extended without it.
    for ((bush, old), reach) in bushes.iter().zip(&work.before).zip(work.reach.iter_mut()) {
        let eps = FLOW_EPS * bush.total.max(1.0);
        *reach = f64::INFINITY;
        for (&new, &old) in bush.flow.iter().zip(old) {
            if new < old && old > eps {
                *reach = reach.min(old / (old - new));
            }
        }
    }
    let t_max = work
        .reach
        .iter()
        .filter(|&&r| r >= MIN_REACH)
        .fold(MAX_EXTENSION, |m, &r| m.min(r));
    // The volume change and fixed-cost slope of going from t = 1 to t = t_max.
    let span = t_max - 1.0;
    work.direction.fill(0.0);
    let mut fixed = 0.0;
    for ((bush, old), &reach) in bushes.iter().zip(&work.before).zip(&work.reach) {
        if reach < MIN_REACH {
            continue;
        }
        let class = &problem.classes()[bush.class];
        for (a, (&new, &old)) in bush.flow.iter().zip(old).enumerate() {
            let d = span * (new - old);
            if d != 0.0 {
                work.direction[a] += class.pce * d;
                if let Some(f) = class.fixed_cost.get(a) {
                    fixed += f * d;
                }
            }
        }
    }
    work.moving.clear();
    work.moving
        .extend((0..work.direction.len() as u32).filter(|&a| work.direction[a as usize] != 0.0));
    let segment = Segment {
        model: problem.model(),
        vdfs: problem.network().vdfs(),
        volume: &state.volume,
        direction: &work.direction,
        moving: &work.moving,
        fixed,
    };
    let Some(lambda) = segment.minimum() else {
        return;
    };
    let t = 1.0 + lambda * span;
    for ((bush, old), &reach) in bushes.iter_mut().zip(&work.before).zip(&work.reach) {
        if reach < MIN_REACH {
            continue;
        }
        let eps = FLOW_EPS * bush.total.max(1.0);
        for (new, &old) in bush.flow.iter_mut().zip(old) {
            if *new != old {
                let f = old + t * (*new - old);
                *new = if f < eps { 0.0 } else { f };
            }
        }
    }
    recompute_volumes(problem, bushes, state);
}

/// Class flows and total volumes from the bushes.
fn class_flows(problem: &Problem, bushes: &[Bush], flows: &mut Flows) {
    for x in &mut flows.class {
        x.fill(0.0);
    }
    for bush in bushes {
        for (x, f) in flows.class[bush.class].iter_mut().zip(&bush.flow) {
            *x += f;
        }
    }
    problem.update_total(flows);
}

/// Volumes, costs and derivatives from the bushes.
fn recompute_volumes(problem: &Problem, bushes: &[Bush], state: &mut LinkState) {
    state.volume.fill(0.0);
    for bush in bushes {
        let pce = problem.classes()[bush.class].pce;
        for (v, f) in state.volume.iter_mut().zip(&bush.flow) {
            *v += pce * f;
        }
    }
    for a in 0..state.volume.len() {
        state.refresh(problem, a);
    }
}

/// Bush update and equilibration of one bush.
fn improve_bush(
    problem: &Problem,
    bush: &mut Bush,
    state: &mut LinkState,
    labels: &mut Labels,
    tolerance: f64,
) {
    let net = problem.network();
    let fixed = &problem.classes()[bush.class].fixed_cost;
    let pce = problem.classes()[bush.class].pce;
    let eps = FLOW_EPS * bush.total.max(1.0);

    if !topological_order(problem, bush, labels) {
        // Cannot happen for a bush built by this module; keep the flows as they are.
        return;
    }
    compute_labels(problem, bush, state, fixed, labels, eps);

    // Drop unused links off the shortest-path tree (removing links keeps the order valid)
    // and collect links going uphill in W (adding those keeps the bush acyclic).
    // The loops over all links run on the link's position `a` (a `usize`, as the per-link
    // vectors are indexed): iterating `AssignLinkId`s costs about 3% more instructions here,
    // as bounds checks are not combined.
    let (tails, heads) = (net.tails(), net.heads());
    labels.added.clear();
    for a in 0..net.link_count() {
        let head = heads[a];
        let j = head.index();
        if bush.member[a] {
            if bush.flow[a] <= eps && labels.lpred[j] as usize != a {
                bush.member[a] = false;
                bush.flow[a] = 0.0;
            }
            continue;
        }
        let tail = tails[a];
        let i = tail.index();
        if !labels.reached[i]
            || head == bush.origin
            || (tail != bush.origin && !net.is_through(tail))
        {
            continue;
        }
        let c = state.cost[a] + fixed[a];
        if labels.l[i] + c < labels.l[j] {
            if labels.w[i] + c < labels.w[j] {
                labels.added.push(AssignLinkId::from_index(a));
            } else if labels.position[i] < labels.position[j] {
                labels.forward.push(AssignLinkId::from_index(a));
            }
        }
    }
    // Links uphill in W keep the bush acyclic (W does not decrease along bush links and
    // rises strictly along each of them), and so do links forward in the current order; a
    // mix of the two may close a cycle, so the forward ones join only if the order survives.
    let uphill = labels.added.len();
    labels.added.append(&mut labels.forward);
    if labels.added.is_empty() {
        // Fall back on links that shorten L (by more than rounding) and go forward in the
        // current order.
        for a in 0..net.link_count() {
            if bush.member[a] {
                continue;
            }
            let (tail, head) = (tails[a], heads[a]);
            let (i, j) = (tail.index(), head.index());
            if !labels.reached[i]
                || head == bush.origin
                || (tail != bush.origin && !net.is_through(tail))
            {
                continue;
            }
            let c = state.cost[a] + fixed[a];
            if labels.l[i] + c < labels.l[j] - tolerance * 1e-3
                && (!labels.reached[j] || labels.position[i] < labels.position[j])
            {
                labels.added.push(AssignLinkId::from_index(a));
            }
        }
    }
    if !labels.added.is_empty() {
        for &link in &labels.added {
            bush.member[link.index()] = true;
        }
        if !topological_order(problem, bush, labels) {
            // Uphill and forward links together closed a cycle: keep the uphill ones.
            for &link in &labels.added[uphill..] {
                bush.member[link.index()] = false;
            }
            if !topological_order(problem, bush, labels) {
                // Cannot happen (see above); keep the bush as it was.
                for &link in &labels.added[..uphill] {
                    bush.member[link.index()] = false;
                }
                topological_order(problem, bush, labels);
            }
        }
    }

    // Equilibrate: passes in reverse topological order.
    for _pass in 0..4 {
        compute_labels(problem, bush, state, fixed, labels, eps);
        let mut shifted = false;
        for index in (0..labels.order.len()).rev() {
            let j = labels.order[index].index();
            if labels.upred[j] == NONE || labels.u[j] - labels.l[j] <= tolerance {
                continue;
            }
            if shift(problem, bush, state, labels, fixed, pce, j, eps) {
                shifted = true;
            }
        }
        if !shifted {
            break;
        }
    }
}

/// Orders the bush's nodes topologically (Kahn, ties by node id through a sorted frontier);
/// `false` if the bush has a cycle.
fn topological_order(problem: &Problem, bush: &Bush, labels: &mut Labels) -> bool {
    let net = problem.network();
    labels.indegree.fill(0);
    for link in net.link_ids() {
        if bush.member[link.index()] {
            labels.indegree[net.to(link).index()] += 1;
        }
    }
    let mut total = 0;
    for (j, &d) in labels.indegree.iter().enumerate() {
        labels.in_start[j] = total;
        labels.in_fill[j] = total;
        total += d;
    }
    labels.in_start[labels.indegree.len()] = total;
    labels.order.clear();
    labels.order.push(bush.origin);
    let mut head = 0;
    while head < labels.order.len() {
        let i = labels.order[head];
        head += 1;
        for &link in net.out_links(i) {
            if bush.member[link.index()] {
                let head = net.to(link);
                let j = head.index();
                labels.in_links[labels.in_fill[j] as usize] = link;
                labels.in_fill[j] += 1;
                labels.indegree[j] -= 1;
                if labels.indegree[j] == 0 {
                    labels.order.push(head);
                }
            }
        }
    }
    for (p, &n) in labels.order.iter().enumerate() {
        labels.position[n.index()] = p as u32;
    }
    // Every node with a bush in-link must have been ordered.
    labels.indegree.iter().all(|&d| d == 0)
}

/// `L`, `U`, `W` labels and predecessors in topological order.
fn compute_labels(
    problem: &Problem,
    bush: &Bush,
    state: &LinkState,
    fixed: &[f64],
    labels: &mut Labels,
    eps: f64,
) {
    let net = problem.network();
    labels.reached.fill(false);
    for &n in &labels.order {
        let j = n.index();
        labels.reached[j] = true;
        if n == bush.origin {
            labels.l[j] = 0.0;
            labels.u[j] = 0.0;
            labels.w[j] = 0.0;
            labels.lpred[j] = NONE;
            labels.upred[j] = NONE;
            continue;
        }
        let mut l = f64::INFINITY;
        let mut u = f64::NEG_INFINITY;
        let mut w = f64::NEG_INFINITY;
        let mut lp = NONE;
        let mut up = NONE;
        let range = labels.in_start[j] as usize..labels.in_fill[j] as usize;
        for &link in &labels.in_links[range] {
            let a = link.index();
            if !bush.member[a] {
                continue;
            }
            let i = net.from(link).index();
            let c = state.cost[a] + fixed[a];
            if labels.l[i] + c < l {
                l = labels.l[i] + c;
                lp = link.0;
            }
            if labels.w[i] + c > w {
                w = labels.w[i] + c;
            }
            if bush.flow[a] > eps && labels.u[i] + c > u {
                u = labels.u[i] + c;
                up = link.0;
            }
        }
        labels.l[j] = l;
        labels.w[j] = w;
        labels.lpred[j] = lp;
        if up == NONE {
            labels.u[j] = l;
            labels.upred[j] = NONE;
        } else {
            labels.u[j] = u;
            labels.upred[j] = up;
        }
    }
}

/// Moves flow at node `j` from its longest used path to its shortest path, between the node
/// where they diverge and `j`. Returns whether anything moved.
#[expect(
    clippy::too_many_arguments,
    reason = "the hot inner step of Algorithm B: a struct of borrows would cost clarity, not speed"
)]
fn shift(
    problem: &Problem,
    bush: &mut Bush,
    state: &mut LinkState,
    labels: &Labels,
    fixed: &[f64],
    pce: f64,
    j: usize,
    eps: f64,
) -> bool {
    let net = problem.network();
    // Find the divergence node walking back along both predecessor chains.
    let (mut a, mut b) = (j, j);
    let (mut lcost, mut ucost, mut lder, mut uder) = (0.0, 0.0, 0.0, 0.0);
    let mut max_shift = f64::INFINITY;
    let mut first = true;
    while first || a != b {
        first = false;
        if labels.position[a] >= labels.position[b] {
            let link = labels.lpred[a];
            if link == NONE {
                return false;
            }
            let link = AssignLinkId(link);
            let l = link.index();
            lcost += state.cost[l] + fixed[l];
            lder += state.derivative[l];
            a = net.from(link).index();
        }
        if a != b && labels.position[b] > labels.position[a] {
            let link = labels.upred[b];
            if link == NONE {
                return false;
            }
            let link = AssignLinkId(link);
            let l = link.index();
            ucost += state.cost[l] + fixed[l];
            uder += state.derivative[l];
            max_shift = max_shift.min(bush.flow[l]);
            b = net.from(link).index();
        }
    }
    let diff = ucost - lcost;
    if diff <= 0.0 || max_shift <= eps {
        return false;
    }
    let slope = pce * (lder + uder);
    let delta = if slope > 0.0 {
        (diff / slope).min(max_shift)
    } else {
        max_shift
    };
    if delta <= 0.0 {
        return false;
    }
    let divergence = a;
    // Apply along the shortest segment.
    let mut n = j;
    while n != divergence {
        let link = AssignLinkId(labels.lpred[n]);
        let l = link.index();
        bush.flow[l] += delta;
        state.volume[l] += pce * delta;
        state.refresh(problem, l);
        n = net.from(link).index();
    }
    let mut n = j;
    while n != divergence {
        let link = AssignLinkId(labels.upred[n]);
        let l = link.index();
        let f = bush.flow[l] - delta;
        bush.flow[l] = if f < eps { 0.0 } else { f };
        state.volume[l] = (state.volume[l] - pce * delta).max(0.0);
        state.refresh(problem, l);
        n = net.from(link).index();
    }
    true
}

#[cfg(test)]
mod tests {
    use crate::assign::*;

    fn link(from: u32, to: u32, t0: f64, alpha: f64, beta: f64, capacity: f64) -> LinkSpec {
        LinkSpec {
            from: AssignNodeId(from),
            to: AssignNodeId(to),
            vdf: LinkVdf {
                vdf: Vdf::Bpr { alpha, beta },
                free_flow_time: t0,
                capacity,
            },
        }
    }

    fn solve(problem: &Problem, gap: f64) -> AssignResult {
        let mut options = AssignOptions::new(Method::AlgorithmB);
        options.target_gap = gap;
        options.max_iterations = 10_000;
        assign(problem, &options, &mut crate::assign::keep_going).unwrap()
    }

    fn one_class(net: AssignNetwork, od: &[(usize, usize, f64)], model: CostModel) -> Problem {
        let mut demand = OdMatrix::zeros(net.zone_count());
        for &(o, d, v) in od {
            demand.set(AssignZoneId::from_index(o), AssignZoneId::from_index(d), v);
        }
        let class = Class {
            name: "all".into(),
            demand,
            pce: 1.0,
            fixed_cost: Vec::new(),
        };
        Problem::new(net, vec![class], model).unwrap()
    }

    /// Pigou: a constant link of time 1 beside a link of time `x`. Demand 1. The user
    /// equilibrium puts everything on the variable link (time 1 = 1); the system optimum
    /// splits in halves (marginal cost 2x = 1), total cost 3/4.
    #[test]
    fn pigou_user_equilibrium_and_system_optimum() {
        let net = || {
            AssignNetwork::new(
                2,
                2,
                0,
                &[
                    link(0, 1, 1.0, 0.0, 1.0, 1.0),
                    link(0, 1, 1e-300, 1e300, 1.0, 1.0),
                ],
            )
            .unwrap()
        };
        // t = t0 (1 + alpha x / c) with t0 alpha / c = 1 and t0 ~ 0 is `t = x`.
        let ue = solve(
            &one_class(net(), &[(0, 1, 1.0)], CostModel::UserEquilibrium),
            1e-12,
        );
        assert!(ue.converged);
        assert!(
            (ue.flows.total[1] - 1.0).abs() < 1e-9,
            "{:?}",
            ue.flows.total
        );
        let so_problem = one_class(net(), &[(0, 1, 1.0)], CostModel::SystemOptimum);
        let so = solve(&so_problem, 1e-12);
        assert!(
            (so.flows.total[0] - 0.5).abs() < 1e-9,
            "{:?}",
            so.flows.total
        );
        assert!((so_problem.total_cost(&so.flows) - 0.75).abs() < 1e-9);
    }

    /// Braess's network (Braess 1968 in the textbook form): 4000 travellers from s to t;
    /// s→a and b→t cost x/100, a→t and s→b cost 45, a→b costs 0. At equilibrium everybody
    /// takes s→a→b→t with time 80; without the a→b link the equilibrium time is 65.
    #[test]
    fn braess_paradox() {
        let var = |from, to| link(from, to, 1e-9, 1e7, 1.0, 1.0); // t = x/100
        let links = vec![
            var(0, 2),
            link(2, 1, 45.0, 0.0, 1.0, 1.0),
            link(0, 3, 45.0, 0.0, 1.0, 1.0),
            var(3, 1),
            link(2, 3, 0.0, 0.0, 1.0, 1.0),
        ];
        let with = one_class(
            AssignNetwork::new(4, 2, 0, &links).unwrap(),
            &[(0, 1, 4000.0)],
            CostModel::UserEquilibrium,
        );
        let r = solve(&with, 1e-12);
        let time = r.link_cost[0] + r.link_cost[4] + r.link_cost[3];
        assert!((time - 80.0).abs() < 1e-6, "{time}");
        let without = one_class(
            AssignNetwork::new(4, 2, 0, &links[..4]).unwrap(),
            &[(0, 1, 4000.0)],
            CostModel::UserEquilibrium,
        );
        let r = solve(&without, 1e-12);
        let time = r.link_cost[0] + r.link_cost[1];
        assert!((time - 65.0).abs() < 1e-6, "{time}");
        assert!((r.flows.total[0] - 2000.0).abs() < 1e-6);
    }

    /// Two classes on two parallel routes: class `fast` (pce 2) pays a toll on route 0 worth
    /// less than its time saving; every used route of each class has least time + fixed cost.
    #[test]
    fn multi_class_equilibrium_conditions_hold() {
        let net = AssignNetwork::new(
            2,
            2,
            0,
            &[
                link(0, 1, 10.0, 0.15, 4.0, 300.0),
                link(0, 1, 14.0, 0.15, 4.0, 500.0),
            ],
        )
        .unwrap();
        let mut a = OdMatrix::zeros(2);
        a.set(AssignZoneId(0), AssignZoneId(1), 300.0);
        let mut b = OdMatrix::zeros(2);
        b.set(AssignZoneId(0), AssignZoneId(1), 200.0);
        let classes = vec![
            Class {
                name: "standard".into(),
                demand: a,
                pce: 1.0,
                fixed_cost: vec![3.0, 0.0],
            },
            Class {
                name: "fast".into(),
                demand: b,
                pce: 2.0,
                fixed_cost: vec![0.5, 0.0],
            },
        ];
        let problem = Problem::new(net, classes, CostModel::UserEquilibrium).unwrap();
        let r = solve(&problem, 1e-12);
        assert!(r.converged);
        for (k, class) in problem.classes().iter().enumerate() {
            let cost: Vec<f64> = (0..2)
                .map(|a| r.link_cost[a] + class.fixed_cost[a])
                .collect();
            let least = cost[0].min(cost[1]);
            for a in 0..2 {
                if r.flows.class[k][a] > 1e-6 {
                    assert!(cost[a] - least < 1e-6, "class {k} link {a}: {cost:?}");
                }
            }
        }
        let total: Vec<f64> = (0..2)
            .map(|a| r.flows.class[0][a] + 2.0 * r.flows.class[1][a])
            .collect();
        assert_eq!(total, r.flows.total);
    }

    /// The answer is the same bit for bit on one thread and on four.
    #[test]
    fn independent_of_thread_count() {
        let mut links = Vec::new();
        // A 6 × 6 grid, both directions, BPR with varied parameters.
        let id = |r: u32, c: u32| r * 6 + c;
        for r in 0..6 {
            for c in 0..6 {
                let t = 1.0 + f64::from((r * 7 + c * 3) % 5);
                if c + 1 < 6 {
                    links.push(link(id(r, c), id(r, c + 1), t, 0.15, 4.0, 200.0));
                    links.push(link(id(r, c + 1), id(r, c), t, 0.15, 4.0, 200.0));
                }
                if r + 1 < 6 {
                    links.push(link(id(r, c), id(r + 1, c), t + 0.5, 0.5, 2.0, 150.0));
                    links.push(link(id(r + 1, c), id(r, c), t + 0.5, 0.5, 2.0, 150.0));
                }
            }
        }
        let net = AssignNetwork::new(36, 36, 0, &links).unwrap();
        let od: Vec<(usize, usize, f64)> = (0..36)
            .flat_map(|o| (0..36).map(move |d| (o, d, f64::from(((o * 31 + d * 17) % 13) as u32))))
            .collect();
        let problem = one_class(net, &od, CostModel::UserEquilibrium);
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| solve(&problem, 1e-10))
        };
        let one = run(1);
        let four = run(4);
        assert!(one.converged);
        assert_eq!(one.flows, four.flows);
        assert_eq!(one.relative_gap.to_bits(), four.relative_gap.to_bits());
    }
}
