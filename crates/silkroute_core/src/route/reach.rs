//! Reachability: the best route by the objective from one or several origins to every place of
//! the network (one-to-all), or from every place to the nearest of one or several targets
//! (reverse, arrive-by: from where can a box reach X), and which bands of days or USD hold each
//! place. [`ReachRequest`] → [`ReachQuery`] → [`plan_reach`] → [`Reach`].
//!
//! The search is the route's own: the same arc states, the same [`Scope::transfer`] at every
//! node (the start and end handling included), the same sums in the same order and the same
//! tie-breaking, so a place's totals are bit for bit those of the best route
//! `plan(query(origin → place), Plan::Alternatives(1))` (tested on random networks).

use super::dijkstra::{Entry, NO_PRED};
use super::request::{PlacesError, resolve_places};
use super::{
    Criteria, Path, RequestError, RouteError, RouteOptions, RouteRequest, Scope, classify_corridor,
};
use crate::network::{ArcId, CorridorId, Network, NodeId, PlaceMatch};
use std::collections::{BTreeMap, BinaryHeap};

/// Most places a reach request may start from (or, reversed, end at).
pub const MAX_REACH_PLACES: usize = 16;
/// Most bands a reach request may ask for.
pub const MAX_BANDS: usize = 8;
/// Largest band in days: a year.
pub const MAX_BAND_DAYS: f64 = 365.0;
/// Largest band in USD per FEU.
pub const MAX_BAND_USD: f64 = 1_000_000.0;

/// Which way a reach runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReachDirection {
    /// From the origins to every place.
    Forward,
    /// From every place to the nearest of the targets (arrive-by).
    Reverse,
}

/// A limit of days and/or USD per FEU: a place is in the band when its best route takes at
/// most `days` (hours / 24 ≤ days) and costs at most `usd`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Band {
    /// Most days (`None`: no limit of time).
    pub days: Option<f64>,
    /// Most USD per FEU (`None`: no limit of cost).
    pub usd: Option<f64>,
}

impl Band {
    /// Whether a route with these totals is in the band.
    pub fn contains(&self, criteria: &Criteria) -> bool {
        self.days.is_none_or(|days| criteria.hours / 24.0 <= days)
            && self.usd.is_none_or(|usd| criteria.cost_usd <= usd)
    }

    /// The share of a stretch from `start` to `end` (cumulative totals, `start` ≤ `end` in
    /// every criterion) that lies within the band, measured from `start`.
    fn share(&self, start: &Criteria, end: &Criteria) -> f64 {
        let hours = self.days.map_or(1.0, |days| {
            share_within(days * 24.0, start.hours, end.hours)
        });
        let usd = self
            .usd
            .map_or(1.0, |usd| share_within(usd, start.cost_usd, end.cost_usd));
        hours.min(usd)
    }
}

/// The share of `[start, end]` whose values are at most `limit`, values rising linearly.
fn share_within(limit: f64, start: f64, end: f64) -> f64 {
    if end <= limit {
        1.0
    } else if start >= limit {
        0.0
    } else {
        // start < limit < end, so end > start.
        ((limit - start) / (end - start)).clamp(0.0, 1.0)
    }
}

/// One arc of a reached place's route, with the route's running totals (from the route's
/// start, in travel order) when the train departs on it (after the wait for a departure) and
/// when it arrives at its end (before the handling there).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReachedLeg {
    /// The arc.
    pub arc: ArcId,
    /// Totals when the running starts: hours after the wait, USD and kg CO2e before the arc's.
    pub depart: Criteria,
    /// Totals at the arc's end.
    pub arrive: Criteria,
}

/// A place reached: its best route by the objective and that route's totals.
#[derive(Debug, Clone, PartialEq)]
pub struct Reached {
    /// Totals of the best route (zero at an origin).
    pub criteria: Criteria,
    /// The best route in travel order: from an origin to the place, or, reversed, from the
    /// place to a target. No arcs at an origin (or target) itself.
    pub path: Path,
    /// The place before it on its route, or, reversed, the place after it (`None` at an
    /// origin).
    pub via: Option<NodeId>,
    /// The corridor of its route, as [`classify_corridor`] names a route's (`None`: regional,
    /// or an origin).
    pub corridor: Option<CorridorId>,
    /// The route's arcs with their running totals, in travel order.
    pub legs: Vec<ReachedLeg>,
}

impl Reached {
    fn at(node: NodeId) -> Reached {
        Reached {
            criteria: Criteria::ZERO,
            path: Path {
                origin: node,
                destination: node,
                arcs: Vec::new(),
            },
            via: None,
            corridor: None,
            legs: Vec::new(),
        }
    }

    /// The origin of its route (forward) or the target it reaches (reverse).
    pub fn origin(&self, direction: ReachDirection) -> NodeId {
        match direction {
            ReachDirection::Forward => self.path.origin,
            ReachDirection::Reverse => self.path.destination,
        }
    }
}

/// The part of an arc a band reaches: `from` to `to`, shares of its running (and of its drawn
/// line) in travel order. Forward reaches start at 0; reverse reaches end at 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// The arc.
    pub arc: ArcId,
    /// Where the reached part starts, 0–1.
    pub from: f64,
    /// Where it ends, 0–1.
    pub to: f64,
}

/// The answer of a reach: for each place of the network, its best route from the nearest
/// origin (or to the nearest target), or `None` when no route exists.
#[derive(Debug, Clone, PartialEq)]
pub struct Reach {
    /// Which way it ran.
    pub direction: ReachDirection,
    /// The origins (or targets), each once, in the order given.
    pub origins: Vec<NodeId>,
    /// By node index.
    pub places: Vec<Option<Reached>>,
}

impl Reach {
    /// What was found for a place.
    pub fn place(&self, node: NodeId) -> Option<&Reached> {
        self.places.get(node.index()).and_then(Option::as_ref)
    }

    /// The parts of arcs within `band` (`None`: every arc whole) on the routes of all places
    /// reached, one per arc (the union of its parts on different routes), by arc id. A link
    /// partly within the band is cut at the reached share of its running hours (or USD):
    /// forward from its start, reversed up to its end.
    pub fn segments(&self, band: Option<&Band>) -> Vec<Segment> {
        let mut parts: BTreeMap<ArcId, (f64, f64)> = BTreeMap::new();
        for reached in self.places.iter().flatten() {
            for leg in &reached.legs {
                let (from, to) = match (band, self.direction) {
                    (None, _) => (0.0, 1.0),
                    (Some(band), ReachDirection::Forward) => {
                        (0.0, band.share(&leg.depart, &leg.arrive))
                    }
                    (Some(band), ReachDirection::Reverse) => {
                        // What is left to go falls along the arc: within the band is its end.
                        let to_go = |at: &Criteria| Criteria {
                            hours: reached.criteria.hours - at.hours,
                            cost_usd: reached.criteria.cost_usd - at.cost_usd,
                            co2e_kg: reached.criteria.co2e_kg - at.co2e_kg,
                        };
                        let share = band.share(&to_go(&leg.arrive), &to_go(&leg.depart));
                        (1.0 - share, 1.0)
                    }
                };
                if to <= from {
                    continue;
                }
                let part = parts.entry(leg.arc).or_insert((from, to));
                *part = (part.0.min(from), part.1.max(to));
            }
        }
        parts
            .into_iter()
            .map(|(arc, (from, to))| Segment { arc, from, to })
            .collect()
    }
}

/// The buffers of the arc-based Dijkstra that [`super::shortest_path`] runs, for a search that
/// runs to exhaustion (one-to-all) or stops at the first target finished, reused between
/// searches.
#[derive(Debug, Clone)]
pub(super) struct ArcSearch {
    n_arcs: usize,
    /// Objective value of each arc state, then of each finished state.
    dist: Vec<f64>,
    settled: Vec<bool>,
    /// The arc state each arc state was reached from ([`NO_PRED`] at an origin).
    pred: Vec<u32>,
    /// Totals at the end of each arc on its best path, summed as an itinerary sums them.
    totals: Vec<Criteria>,
    heap: BinaryHeap<Entry>,
}

impl ArcSearch {
    pub(super) fn new(network: &Network) -> ArcSearch {
        let n_arcs = network.arcs().len();
        ArcSearch {
            n_arcs,
            dist: vec![f64::INFINITY; 2 * n_arcs],
            settled: vec![false; 2 * n_arcs],
            pred: vec![NO_PRED; n_arcs],
            totals: vec![Criteria::ZERO; n_arcs],
            heap: BinaryHeap::new(),
        }
    }

    /// Runs from `sources` (all at time 0). With `targets`, stops at the first finished state
    /// popped and returns its arc; without, runs until every arc state reachable is settled and
    /// returns `None`.
    ///
    /// Every step is [`super::dijkstra::shortest_path_with`]'s with no penalty: the same costs
    /// summed in the same order and the same heap order, so the arc states settle in the same
    /// order with the same predecessors and a target finishes on the same arc. A bound
    /// ([`Targets::bound`]) only leaves out arc states that lie on no route within it.
    pub(super) fn run(
        &mut self,
        scope: &Scope<'_>,
        sources: &[NodeId],
        targets: Option<&Targets<'_>>,
    ) -> Option<ArcId> {
        self.dist.fill(f64::INFINITY);
        self.settled.fill(false);
        self.pred.fill(NO_PRED);
        self.heap.clear();
        let network = scope.network();
        let n_arcs = self.n_arcs;
        for &origin in sources {
            for &arc in network.out_arcs(origin) {
                if !scope.is_arc_allowed(arc) {
                    continue;
                }
                let Some((_, transfer)) = scope.transfer(origin, None, Some(arc)) else {
                    continue;
                };
                let criteria = scope.arc_criteria(arc);
                let cost = scope.scalar(transfer) + scope.scalar(criteria);
                if targets.is_some_and(|t| t.beyond(arc, cost)) {
                    continue;
                }
                if cost < self.dist[arc.index()] {
                    self.dist[arc.index()] = cost;
                    self.totals[arc.index()] = transfer + criteria;
                    self.heap.push(Entry { cost, state: arc.0 });
                }
            }
        }
        while let Some(Entry { cost, state }) = self.heap.pop() {
            let index = state as usize;
            if self.settled[index] {
                continue;
            }
            self.settled[index] = true;
            if index >= n_arcs {
                return Some(ArcId((index - n_arcs) as u32));
            }
            let arc = ArcId(state);
            let node = network.arc(arc).head;
            if let Some(targets) = targets
                && targets
                    .is_target
                    .get(node.index())
                    .copied()
                    .unwrap_or(false)
                && let Some((_, transfer)) = scope.transfer(node, Some(arc), None)
            {
                let done = n_arcs + index;
                let finish = cost + scope.scalar(transfer);
                if finish < self.dist[done] {
                    self.dist[done] = finish;
                    self.heap.push(Entry {
                        cost: finish,
                        state: done as u32,
                    });
                }
            }
            if !scope.is_node_allowed(node) {
                continue;
            }
            for &next in network.out_arcs(node) {
                if !scope.is_arc_allowed(next) || self.settled[next.index()] {
                    continue;
                }
                let Some((_, transfer)) = scope.transfer(node, Some(arc), Some(next)) else {
                    continue;
                };
                let criteria = scope.arc_criteria(next);
                let candidate = cost + scope.scalar(transfer) + scope.scalar(criteria);
                if targets.is_some_and(|t| t.beyond(next, candidate)) {
                    continue;
                }
                if candidate < self.dist[next.index()] {
                    self.dist[next.index()] = candidate;
                    self.pred[next.index()] = state;
                    self.totals[next.index()] = self.totals[index] + transfer + criteria;
                    self.heap.push(Entry {
                        cost: candidate,
                        state: next.0,
                    });
                }
            }
        }
        None
    }

    /// After a run to exhaustion: for each node, the arc its best route arrives on and that
    /// route's totals (end handling included). The best is the smallest objective value, ties
    /// to the smallest arc id: the finished state a one-to-one search pops first.
    pub(super) fn finishes(&self, scope: &Scope<'_>) -> Vec<Option<(ArcId, Criteria)>> {
        let network = scope.network();
        let mut best: Vec<Option<(f64, ArcId, Criteria)>> = vec![None; network.node_count()];
        for index in 0..self.n_arcs {
            if !self.settled[index] {
                continue;
            }
            let arc = ArcId::from_index(index);
            let node = network.arc(arc).head;
            let Some((_, transfer)) = scope.transfer(node, Some(arc), None) else {
                continue;
            };
            let finish = self.dist[index] + scope.scalar(transfer);
            let slot = &mut best[node.index()];
            if slot.is_none_or(|(value, _, _)| finish < value) {
                *slot = Some((finish, arc, self.totals[index] + transfer));
            }
        }
        best.into_iter()
            .map(|slot| slot.map(|(_, arc, criteria)| (arc, criteria)))
            .collect()
    }

    /// The arcs of the best path ending with `last`, in travel order, into `arcs`.
    pub(super) fn path_into(&self, last: ArcId, arcs: &mut Vec<ArcId>) {
        arcs.clear();
        let mut current = last.0;
        while current != NO_PRED {
            arcs.push(ArcId(current));
            current = self.pred[current as usize];
        }
        arcs.reverse();
    }

    /// The place reached by the best path ending with `last`, with `criteria` its totals.
    fn reached(
        &self,
        scope: &Scope<'_>,
        last: ArcId,
        criteria: Criteria,
        direction: ReachDirection,
    ) -> Reached {
        let network = scope.network();
        let mut arcs = Vec::new();
        self.path_into(last, &mut arcs);
        let first = arcs.first().copied().unwrap_or(last);
        let legs = arcs
            .iter()
            .map(|&arc| {
                let arrive = self.totals[arc.index()];
                let own = scope.arc_criteria(arc);
                let depart = Criteria {
                    hours: arrive.hours - scope.running_h(network.arc(arc).link),
                    cost_usd: arrive.cost_usd - own.cost_usd,
                    co2e_kg: arrive.co2e_kg - own.co2e_kg,
                };
                ReachedLeg {
                    arc,
                    depart,
                    arrive,
                }
            })
            .collect();
        let via = match direction {
            ReachDirection::Forward => network.arc(last).tail,
            ReachDirection::Reverse => network.arc(first).head,
        };
        Reached {
            criteria,
            corridor: classify_corridor(network, arcs.iter().map(|&arc| network.arc(arc).link)),
            via: Some(via),
            path: Path {
                origin: network.arc(first).tail,
                destination: network.arc(last).head,
                arcs,
            },
            legs,
        }
    }
}

/// Where a search with targets stops, and how far it needs to look.
pub(super) struct Targets<'t> {
    /// By node index.
    is_target: &'t [bool],
    /// The cost to go from each arc state to the nearest target ([`costs_to_go`]) and the most
    /// a route may cost: arc states whose cost so far plus cost to go exceed it lie on no route
    /// within it and are left out.
    bound: Option<(&'t [f64], f64)>,
}

impl Targets<'_> {
    /// Whether reaching `arc` at objective value `cost` leaves it on no route within the bound.
    fn beyond(&self, arc: ArcId, cost: f64) -> bool {
        self.bound
            .is_some_and(|(to_go, limit)| cost + to_go[arc.index()] > limit)
    }
}

/// For every arc state (arrived at the arc's head on it), the objective value of the best way
/// on to one of `targets` and its end handling, `∞` when there is none: Dijkstra backwards over
/// the arc states the forward search moves between, the same costs summed from the end.
///
/// Summed in another order than a forward search sums them, these values may differ from the
/// forward route's in the last bits, so they only bound a forward search (with a margin far
/// above rounding) and never choose a route.
fn costs_to_go(scope: &Scope<'_>, targets: &[bool]) -> Vec<f64> {
    let network = scope.network();
    let n_arcs = network.arcs().len();
    let mut into: Vec<Vec<ArcId>> = vec![Vec::new(); network.node_count()];
    for index in 0..n_arcs {
        let arc = ArcId::from_index(index);
        if scope.is_arc_allowed(arc) {
            into[network.arc(arc).head.index()].push(arc);
        }
    }
    let mut to_go = vec![f64::INFINITY; n_arcs];
    let mut settled = vec![false; n_arcs];
    let mut heap = BinaryHeap::new();
    for (node, arcs) in into.iter().enumerate() {
        if !targets[node] {
            continue;
        }
        for &arc in arcs {
            if let Some((_, transfer)) = scope.transfer(NodeId::from_index(node), Some(arc), None) {
                let cost = scope.scalar(transfer);
                to_go[arc.index()] = cost;
                heap.push(Entry { cost, state: arc.0 });
            }
        }
    }
    while let Some(Entry { cost, state }) = heap.pop() {
        let next = ArcId(state);
        if settled[next.index()] {
            continue;
        }
        settled[next.index()] = true;
        let node = network.arc(next).tail;
        if !scope.is_node_allowed(node) {
            continue;
        }
        let onwards = cost + scope.scalar(scope.arc_criteria(next));
        for &arc in &into[node.index()] {
            if settled[arc.index()] {
                continue;
            }
            let Some((_, transfer)) = scope.transfer(node, Some(arc), Some(next)) else {
                continue;
            };
            let candidate = onwards + scope.scalar(transfer);
            if candidate < to_go[arc.index()] {
                to_go[arc.index()] = candidate;
                heap.push(Entry {
                    cost: candidate,
                    state: arc.0,
                });
            }
        }
    }
    to_go
}

/// The least objective value of a route from `node` given the costs to go of the arc states,
/// `∞` when it has none.
fn cost_from(scope: &Scope<'_>, node: NodeId, to_go: &[f64]) -> f64 {
    if !scope.is_node_allowed(node) {
        return f64::INFINITY;
    }
    scope
        .network()
        .out_arcs(node)
        .iter()
        .filter(|&&arc| scope.is_arc_allowed(arc))
        .filter_map(|&arc| {
            let (_, transfer) = scope.transfer(node, None, Some(arc))?;
            Some(
                scope.scalar(transfer) + scope.scalar(scope.arc_criteria(arc)) + to_go[arc.index()],
            )
        })
        .fold(f64::INFINITY, f64::min)
}

/// How far above the least cost a bounded search looks: far above the rounding of sums in
/// different orders (some 1e-15 of the value), far below any difference between routes.
const BOUND_MARGIN: f64 = 1e-9;

/// The best route by the scope's objective between `origins` and every place of the network.
///
/// Forward, one search from all origins at once (multi-source, all at time 0): each place gets
/// the best route from any origin. Reversed, each place gets its best route to the nearest of
/// the targets `origins`: a backward Dijkstra over the arc states gives every arc state's cost
/// to go, then one forward search from each place with a route stops at the first target it
/// finishes, so the route is the one [`super::shortest_path`] from that place finds, sums and
/// ties included. The costs to go bound each forward search: it leaves out the arc states on no
/// route within a hair (1e-9) of the least cost, which changes neither the order in which the
/// others settle nor their predecessors, only how many there are.
/// An origin (or target) itself is reached with zero totals.
///
/// # Arguments
/// - `scope`: the network compiled for the options (objective, year, things avoided, ...).
/// - `origins`: where routes start (forward) or end (reverse); repeats are ignored.
///
/// # Returns
/// A [`Reach`]: for every place its route's totals, path, corridor and predecessor, or `None`.
///
/// # Complexity
/// Forward: O((A + T) log A) time and O(A + N) extra space for A arcs, T (arc, next arc) pairs
/// and N places, as one [`super::shortest_path`]. Reverse: one backward search, then up to N
/// forward searches, each bounded to the arc states near its best route (in the worst case,
/// many routes within the bound, N full searches).
///
/// # Errors
/// [`RouteError::Avoided`] when an origin is excluded by the places or countries avoided.
///
/// # Example
/// ```
/// use silkroute_core::network::load_default;
/// use silkroute_core::route::{Objective, ReachDirection, RouteOptions, Scope, reach};
/// let (network, _) = load_default().unwrap();
/// let xian = network.find_place("Xian", 0.0).unwrap().node();
/// let duisburg = network.find_place("Duisburg", 0.0).unwrap().node();
/// let options = RouteOptions { objective: Objective::Time, ..RouteOptions::defaults(&network) };
/// let scope = Scope::new(&network, &options);
/// let reach = reach(&scope, &[xian], ReachDirection::Forward).unwrap();
/// let days = reach.place(duisburg).unwrap().criteria.hours / 24.0;
/// assert!(days > 10.0 && days < 30.0);
/// ```
///
/// Reference: E. W. Dijkstra, "A note on two problems in connexion with graphs" (1959), on arc
/// states with transfer costs as in [`super::shortest_path`]; multi-source by starting every
/// origin's arcs in the heap.
pub fn reach(
    scope: &Scope<'_>,
    origins: &[NodeId],
    direction: ReachDirection,
) -> Result<Reach, RouteError> {
    let network = scope.network();
    let mut unique: Vec<NodeId> = Vec::with_capacity(origins.len());
    for &origin in origins {
        if !scope.is_node_allowed(origin) {
            return Err(RouteError::Avoided(network.node(origin).name.clone()));
        }
        if !unique.contains(&origin) {
            unique.push(origin);
        }
    }
    let mut is_origin = vec![false; network.node_count()];
    for origin in &unique {
        is_origin[origin.index()] = true;
    }
    let mut search = ArcSearch::new(network);
    let places = match direction {
        ReachDirection::Forward => {
            search.run(scope, &unique, None);
            search
                .finishes(scope)
                .into_iter()
                .enumerate()
                .map(|(index, finish)| {
                    if is_origin[index] {
                        return Some(Reached::at(NodeId::from_index(index)));
                    }
                    let (arc, criteria) = finish?;
                    Some(search.reached(scope, arc, criteria, direction))
                })
                .collect()
        }
        ReachDirection::Reverse => {
            let to_go = costs_to_go(scope, &is_origin);
            (0..network.node_count())
                .map(|index| {
                    let node = NodeId::from_index(index);
                    if is_origin[index] {
                        return Some(Reached::at(node));
                    }
                    let least = cost_from(scope, node, &to_go);
                    if !least.is_finite() {
                        return None;
                    }
                    let bounded = Targets {
                        is_target: &is_origin,
                        bound: Some((&to_go, least * (1.0 + BOUND_MARGIN) + BOUND_MARGIN)),
                    };
                    let last = match search.run(scope, &[node], Some(&bounded)) {
                        Some(last) => last,
                        None => {
                            // The bound leaves every route within it in; were rounding ever to
                            // leave one out, the unbounded search still answers.
                            debug_assert!(false, "a bounded search found no route");
                            let unbounded = Targets {
                                is_target: &is_origin,
                                bound: None,
                            };
                            search.run(scope, &[node], Some(&unbounded))?
                        }
                    };
                    let target = network.arc(last).head;
                    let (_, transfer) = scope
                        .transfer(target, Some(last), None)
                        .expect("a finished state's end handling is feasible");
                    let criteria = search.totals[last.index()] + transfer;
                    Some(search.reached(scope, last, criteria, direction))
                })
                .collect()
        }
    };
    Ok(Reach {
        direction,
        origins: unique,
        places,
    })
}

/// A reach request as front ends receive it: places as text, the bands, and a route request
/// for the options (objective, year, things avoided, service, month, ...; its `from` and `to`
/// must be `None`).
///
/// # Example
/// ```
/// use silkroute_core::network::load_default;
/// use silkroute_core::route::{Objective, ReachRequest, RouteRequest, plan_reach};
/// let (network, _) = load_default().unwrap();
/// let request = ReachRequest {
///     places: vec!["Xian".into()],
///     days: vec![10.0, 15.0],
///     route: RouteRequest { objective: Objective::Time, ..RouteRequest::default() },
///     ..ReachRequest::default()
/// };
/// let query = request.resolve(&network).unwrap();
/// let reach = plan_reach(&network, &query).unwrap();
/// let duisburg = network.find_place("Duisburg", 0.0).unwrap().node();
/// let route = reach.place(duisburg).unwrap();
/// assert_eq!(query.band_of(&route.criteria).is_some(), route.criteria.hours <= 15.0 * 24.0);
/// // A bad band names its field.
/// let bad = ReachRequest { days: vec![12.0, 8.0], ..request };
/// assert_eq!(bad.resolve(&network).unwrap_err().field(), "days");
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReachRequest {
    /// Origins (or, reversed, targets): place names, aliases, ids or `lat,lon`; 1 to
    /// [`MAX_REACH_PLACES`].
    pub places: Vec<String>,
    /// Reversed: from where can a box reach the places (arrive-by).
    pub reverse: bool,
    /// Bands of days, increasing, each in (0, [`MAX_BAND_DAYS`]].
    pub days: Vec<f64>,
    /// Bands of USD per FEU, increasing, each in (0, [`MAX_BAND_USD`]]. Beside `days`, as many
    /// as it has: band i is then both limits.
    pub usd: Vec<f64>,
    /// The route options (its `from` and `to` must be `None`).
    pub route: RouteRequest,
}

/// A reach request resolved against a network.
#[derive(Debug, Clone, PartialEq)]
pub struct ReachQuery {
    /// The origins (or targets), each once, in the order given.
    pub places: Vec<PlaceMatch>,
    /// Which way.
    pub direction: ReachDirection,
    /// The bands, each holding the ones before it.
    pub bands: Vec<Band>,
    /// The route options.
    pub options: RouteOptions,
    /// The things avoided, as the request wrote them (for reports).
    pub avoid_text: Vec<String>,
}

impl ReachQuery {
    /// The index of the smallest band holding a route with these totals.
    pub fn band_of(&self, criteria: &Criteria) -> Option<usize> {
        self.bands.iter().position(|band| band.contains(criteria))
    }
}

/// Why a reach request cannot be answered. Each variant names the request field at fault
/// ([`ReachError::field`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReachError {
    /// A route option at fault.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The places at fault.
    #[error(transparent)]
    Places(#[from] PlacesError),
    /// A band out of range, or bands out of order.
    #[error("{field} {value}: {expected}")]
    InvalidBand {
        /// `days` or `usd`.
        field: &'static str,
        /// The value (or values) given.
        value: String,
        /// What is expected.
        expected: String,
    },
    /// More bands than [`MAX_BANDS`].
    #[error("{field}: {count} bands, expected at most {MAX_BANDS}")]
    TooManyBands {
        /// `days` or `usd`.
        field: &'static str,
        /// The number given.
        count: usize,
    },
    /// Bands of days and of USD that do not pair up.
    #[error(
        "usd: {usd} bands beside {days} bands of days; give as many of each (band i is both limits) or one kind only"
    )]
    UnpairedBands {
        /// Bands of days.
        days: usize,
        /// Bands of USD.
        usd: usize,
    },
}

impl ReachError {
    /// The request field at fault.
    pub fn field(&self) -> &'static str {
        match self {
            ReachError::Request(error) => error.field(),
            ReachError::Places(error) => error.field(),
            ReachError::InvalidBand { field, .. } | ReachError::TooManyBands { field, .. } => field,
            ReachError::UnpairedBands { .. } => "usd",
        }
    }
}

/// Checks one kind of bands: each positive, finite and at most `max`, increasing, at most
/// [`MAX_BANDS`].
fn check_bands(
    field: &'static str,
    values: &[f64],
    max: f64,
    unit: &str,
) -> Result<(), ReachError> {
    if values.len() > MAX_BANDS {
        return Err(ReachError::TooManyBands {
            field,
            count: values.len(),
        });
    }
    for &value in values {
        if !(value.is_finite() && value > 0.0 && value <= max) {
            return Err(ReachError::InvalidBand {
                field,
                value: crate::io::number(value),
                expected: format!(
                    "expected {unit} above 0 and at most {}",
                    crate::io::thousands(max)
                ),
            });
        }
    }
    if values.windows(2).any(|pair| pair[1] <= pair[0]) {
        return Err(ReachError::InvalidBand {
            field,
            value: values
                .iter()
                .map(|&v| crate::io::number(v))
                .collect::<Vec<_>>()
                .join(","),
            expected: "expected bands in increasing order (each band holds the ones before it)"
                .to_string(),
        });
    }
    Ok(())
}

impl ReachRequest {
    /// Checks what does not depend on a network: the bands, the number of places and the route
    /// options ([`RouteRequest::validate`]).
    ///
    /// # Errors
    /// [`ReachError`] naming the field.
    pub fn validate(&self) -> Result<(), ReachError> {
        self.route.validate()?;
        PlacesError::check(&self.route, &self.places, MAX_REACH_PLACES)?;
        check_bands("days", &self.days, MAX_BAND_DAYS, "days")?;
        check_bands("usd", &self.usd, MAX_BAND_USD, "USD per FEU")?;
        if !self.days.is_empty() && !self.usd.is_empty() && self.days.len() != self.usd.len() {
            return Err(ReachError::UnpairedBands {
                days: self.days.len(),
                usd: self.usd.len(),
            });
        }
        Ok(())
    }

    /// Checks the request and resolves it against `network`: places found (repeats dropped),
    /// none of them avoided, options completed with the dataset's defaults.
    ///
    /// # Errors
    /// [`ReachError`] naming the field at fault.
    pub fn resolve(&self, network: &Network) -> Result<ReachQuery, ReachError> {
        self.validate()?;
        let places = resolve_places(network, &self.places, self.route.max_snap_km)?;
        let (options, avoid_text) = self.route.options(network)?;
        // A route from or to an avoided place is an error (`RouteError::Avoided`); so is a reach.
        if let Some((index, place)) = places
            .iter()
            .enumerate()
            .find(|(_, place)| options.avoid.excludes_place(network, place.node()))
        {
            return Err(PlacesError::Avoided {
                index,
                name: network.node(place.node()).name.clone(),
            }
            .into());
        }
        let mut unique: Vec<PlaceMatch> = Vec::with_capacity(places.len());
        for place in places {
            if !unique.iter().any(|p| p.node() == place.node()) {
                unique.push(place);
            }
        }
        let count = self.days.len().max(self.usd.len());
        let bands = (0..count)
            .map(|index| Band {
                days: self.days.get(index).copied(),
                usd: self.usd.get(index).copied(),
            })
            .collect();
        Ok(ReachQuery {
            places: unique,
            direction: if self.reverse {
                ReachDirection::Reverse
            } else {
                ReachDirection::Forward
            },
            bands,
            options,
            avoid_text,
        })
    }
}

/// Answers a resolved reach query ([`reach`] on the query's scope).
///
/// # Errors
/// [`RouteError::Avoided`] when a place is avoided (a query from [`ReachRequest::resolve`]
/// never has one).
pub fn plan_reach(network: &Network, query: &ReachQuery) -> Result<Reach, RouteError> {
    let scope = Scope::new(network, &query.options);
    let origins: Vec<NodeId> = query.places.iter().map(PlaceMatch::node).collect();
    reach(&scope, &origins, query.direction)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{build, close, network_spec, network_spec_with_ties, options_for};
    use super::super::{Itinerary, Objective, Plan, Query, plan};
    use super::*;
    use crate::network::CorridorId;
    use proptest::prelude::*;

    /// The best route `plan` finds between two places (`Plan::Alternatives(1)`), or `None`.
    fn best_route(
        network: &Network,
        options: &RouteOptions,
        from: NodeId,
        to: NodeId,
    ) -> Option<Itinerary> {
        let query = Query {
            from: PlaceMatch::Name(from),
            to: PlaceMatch::Name(to),
            options: options.clone(),
            avoid_text: Vec::new(),
        };
        plan(network, &query, Plan::Alternatives(1))
            .expect("distinct ends that are not avoided")
            .into_iter()
            .next()
    }

    /// Checks every place of a reach against the best route `plan` finds for it: the same
    /// totals bit for bit, path, corridor and predecessor; none exactly when it finds none.
    fn check_against_plan(
        network: &Network,
        options: &RouteOptions,
        origin: NodeId,
        direction: ReachDirection,
    ) -> Result<(), TestCaseError> {
        let scope = Scope::new(network, options);
        let found = reach(&scope, &[origin], direction).expect("the origin is not avoided");
        for index in 0..network.node_count() {
            let place = NodeId::from_index(index);
            let reached = found.place(place);
            if place == origin {
                let reached = reached.expect("the origin reaches itself");
                prop_assert_eq!(reached.criteria, Criteria::ZERO);
                prop_assert_eq!(reached.via, None);
                continue;
            }
            let route = if !scope.is_node_allowed(place) {
                None
            } else {
                match direction {
                    ReachDirection::Forward => best_route(network, options, origin, place),
                    ReachDirection::Reverse => best_route(network, options, place, origin),
                }
            };
            match (reached, route) {
                (None, None) => {}
                (Some(reached), Some(route)) => {
                    prop_assert_eq!(reached.criteria, route.totals, "{:?}", place);
                    prop_assert_eq!(&reached.path, &route.path);
                    prop_assert_eq!(reached.corridor, route.corridor);
                    let via = match direction {
                        ReachDirection::Forward => route.legs.last().map(|leg| leg.from),
                        ReachDirection::Reverse => route.legs.first().map(|leg| leg.to),
                    };
                    prop_assert_eq!(reached.via, via);
                    prop_assert_eq!(reached.origin(direction), origin);
                    let arcs: Vec<ArcId> = reached.legs.iter().map(|leg| leg.arc).collect();
                    prop_assert_eq!(&arcs, &route.path.arcs);
                }
                (reached, route) => prop_assert!(
                    false,
                    "{:?}: reach {:?} vs route {:?}",
                    place,
                    reached.map(|r| r.criteria),
                    route.map(|r| r.totals)
                ),
            }
        }
        Ok(())
    }

    fn random_options(
        objective: usize,
        year: i32,
        restrict: u8,
        avoid: Option<usize>,
    ) -> RouteOptions {
        let corridor = match restrict {
            1 => Some(CorridorId(0)),
            2 => Some(CorridorId(1)),
            _ => None,
        };
        let mut options = options_for(Objective::ALL[objective], year, corridor);
        options.avoid.nodes.extend(avoid.map(NodeId::from_index));
        options
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn reach_equals_the_best_route_to_each_place_both_ways(
            (nodes, links) in prop_oneof![network_spec(), network_spec_with_ties()],
            objective in 0usize..4,
            year in prop_oneof![Just(2025), Just(2030)],
            restrict in 0u8..3,
            avoid in proptest::option::weighted(0.3, 1usize..7),
        ) {
            let network = build(&nodes, &links);
            let avoid = avoid.filter(|&a| a < network.node_count());
            let options = random_options(objective, year, restrict, avoid);
            for direction in [ReachDirection::Forward, ReachDirection::Reverse] {
                check_against_plan(&network, &options, NodeId(0), direction)?;
            }
        }

        #[test]
        fn a_place_is_in_a_band_exactly_when_its_best_route_fits(
            (nodes, links) in network_spec(),
            objective in 0usize..4,
            days in proptest::collection::vec(0.1f64..20.0, 1..4),
            usd in proptest::option::of(1.0f64..2000.0),
            reverse in any::<bool>(),
        ) {
            let network = build(&nodes, &links);
            let options = random_options(objective, 2025, 0, None);
            let mut days = days;
            days.sort_by(f64::total_cmp);
            days.dedup();
            let bands: Vec<Band> = days
                .iter()
                .map(|&d| Band { days: Some(d), usd })
                .collect();
            let direction = if reverse { ReachDirection::Reverse } else { ReachDirection::Forward };
            let query = ReachQuery {
                places: vec![PlaceMatch::Name(NodeId(0))],
                direction,
                bands: bands.clone(),
                options: options.clone(),
                avoid_text: Vec::new(),
            };
            let found = plan_reach(&network, &query).expect("not avoided");
            for index in 1..network.node_count() {
                let place = NodeId::from_index(index);
                let route = if reverse {
                    best_route(&network, &options, place, NodeId(0))
                } else {
                    best_route(&network, &options, NodeId(0), place)
                };
                let band = found.place(place).and_then(|r| query.band_of(&r.criteria));
                for (i, limit) in days.iter().enumerate() {
                    let fits = route.as_ref().is_some_and(|route| {
                        route.totals.hours / 24.0 <= *limit
                            && usd.is_none_or(|usd| route.totals.cost_usd <= usd)
                    });
                    // In band i exactly when the route fits; bands nest, so the smallest band
                    // holding it is at or below i.
                    prop_assert_eq!(bands[i].contains(&found.place(place).map_or(
                        Criteria { hours: f64::INFINITY, cost_usd: f64::INFINITY, co2e_kg: 0.0 },
                        |r| r.criteria,
                    )), fits);
                    prop_assert_eq!(band.is_some_and(|b| b <= i), fits);
                }
            }
        }

        #[test]
        fn several_origins_reach_each_place_as_the_nearest_of_them(
            (nodes, links) in network_spec(),
            objective in 0usize..4,
            reverse in any::<bool>(),
            picks in proptest::collection::vec(0usize..7, 1..4),
        ) {
            let network = build(&nodes, &links);
            let options = random_options(objective, 2025, 0, None);
            let scope = Scope::new(&network, &options);
            let origins: Vec<NodeId> = picks
                .iter()
                .map(|&p| NodeId::from_index(p % network.node_count()))
                .collect();
            let direction = if reverse { ReachDirection::Reverse } else { ReachDirection::Forward };
            let together = reach(&scope, &origins, direction).expect("not avoided");
            let alone: Vec<Reach> = origins
                .iter()
                .map(|&o| reach(&scope, &[o], direction).expect("not avoided"))
                .collect();
            for index in 0..network.node_count() {
                let best = alone
                    .iter()
                    .filter_map(|r| r.places[index].as_ref())
                    .map(|r| scope.scalar(r.criteria))
                    .min_by(f64::total_cmp);
                let found = together.places[index].as_ref().map(|r| scope.scalar(r.criteria));
                match (found, best) {
                    (None, None) => {}
                    (Some(found), Some(best)) => prop_assert!(close(found, best), "{found} vs {best}"),
                    other => prop_assert!(false, "{:?}", other),
                }
                if let Some(reached) = &together.places[index] {
                    // Its route is one of an origin's (or target's).
                    prop_assert!(origins.contains(&reached.origin(direction)));
                }
            }
        }

        #[test]
        fn a_table_cell_is_the_best_route_between_its_places(
            (nodes, links) in prop_oneof![network_spec(), network_spec_with_ties()],
            objective in 0usize..4,
            avoid in proptest::option::weighted(0.3, 0usize..7),
        ) {
            let network = build(&nodes, &links);
            let avoid = avoid.filter(|&a| a < network.node_count());
            let options = random_options(objective, 2025, 0, avoid);
            let scope = Scope::new(&network, &options);
            let places: Vec<NodeId> = (0..network.node_count()).map(NodeId::from_index).collect();
            let table = super::super::table(&scope, &places, &places);
            for (i, &from) in places.iter().enumerate() {
                for (j, &to) in places.iter().enumerate() {
                    let cell = table.cells[i][j];
                    if from == to {
                        prop_assert_eq!(cell.map(|c| c.criteria), Some(Criteria::ZERO));
                        continue;
                    }
                    let route = (scope.is_node_allowed(from) && scope.is_node_allowed(to))
                        .then(|| best_route(&network, &options, from, to))
                        .flatten();
                    prop_assert_eq!(cell.map(|c| c.criteria), route.as_ref().map(|r| r.totals));
                    prop_assert_eq!(cell.and_then(|c| c.corridor), route.and_then(|r| r.corridor));
                }
            }
        }
    }

    fn default_network() -> Network {
        crate::network::load_default()
            .expect("the default network loads")
            .0
    }

    #[test]
    fn on_the_default_network_reach_equals_the_best_route_to_every_place() {
        let network = default_network();
        for origin in ["Xian", "Duisburg", "Aktau"] {
            let origin = network.find_place(origin, 0.0).expect("known").node();
            for objective in Objective::ALL {
                let options = RouteOptions {
                    objective,
                    ..RouteOptions::defaults(&network)
                };
                for direction in [ReachDirection::Forward, ReachDirection::Reverse] {
                    check_against_plan(&network, &options, origin, direction)
                        .unwrap_or_else(|e| panic!("{objective:?} {direction:?}: {e}"));
                }
            }
        }
        // With things avoided, a service class, a month and a carbon price.
        let request = RouteRequest {
            avoid: vec!["RU".into()],
            service: Some("groupage".into()),
            month: Some(1),
            carbon_usd_per_t: 100.0,
            ..RouteRequest::default()
        };
        let (options, _) = request.options(&network).expect("valid");
        let xian = network.find_place("Xian", 0.0).expect("known").node();
        for direction in [ReachDirection::Forward, ReachDirection::Reverse] {
            check_against_plan(&network, &options, xian, direction).expect("equal");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn on_the_default_network_bands_hold_exactly_the_routes_that_fit(
            origins in proptest::collection::vec(0usize..1000, 1..3),
            objective in 0usize..4,
            reverse in any::<bool>(),
            days in proptest::collection::vec(1.0f64..40.0, 1..4),
        ) {
            let network = default_network();
            let origins: Vec<NodeId> = origins
                .iter()
                .map(|&o| NodeId::from_index(o % network.node_count()))
                .collect();
            let options = RouteOptions {
                objective: Objective::ALL[objective],
                ..RouteOptions::defaults(&network)
            };
            let mut days = days;
            days.sort_by(f64::total_cmp);
            days.dedup();
            let query = ReachQuery {
                places: origins.iter().map(|&o| PlaceMatch::Name(o)).collect(),
                direction: if reverse { ReachDirection::Reverse } else { ReachDirection::Forward },
                bands: days.iter().map(|&d| Band { days: Some(d), usd: None }).collect(),
                options: options.clone(),
                avoid_text: Vec::new(),
            };
            let found = plan_reach(&network, &query).expect("nothing avoided");
            let scope = Scope::new(&network, &options);
            for index in 0..network.node_count() {
                let place = NodeId::from_index(index);
                // The best of the routes from each origin (or to each target).
                let best = origins
                    .iter()
                    .filter_map(|&o| {
                        if o == place {
                            return Some(Criteria::ZERO);
                        }
                        let (from, to) = if reverse { (place, o) } else { (o, place) };
                        best_route(&network, &options, from, to).map(|r| r.totals)
                    })
                    .min_by(|a, b| scope.scalar(*a).total_cmp(&scope.scalar(*b)));
                let reached = found.place(place).map(|r| r.criteria);
                prop_assert_eq!(reached.is_some(), best.is_some());
                if let (Some(reached), Some(best)) = (reached, best) {
                    prop_assert!(close(scope.scalar(reached), scope.scalar(best)));
                    if origins.len() == 1 {
                        prop_assert_eq!(reached, best);
                    }
                    for (i, band) in query.bands.iter().enumerate() {
                        // In band i exactly when the route fits, and then in every larger band.
                        let fits = reached.hours / 24.0 <= days[i];
                        prop_assert_eq!(band.contains(&reached), fits);
                        prop_assert_eq!(query.band_of(&reached).is_some_and(|b| b <= i), fits);
                    }
                }
            }
        }
    }

    fn request(places: &[&str]) -> ReachRequest {
        ReachRequest {
            places: places.iter().map(|p| p.to_string()).collect(),
            ..ReachRequest::default()
        }
    }

    #[test]
    fn every_bad_reach_request_names_its_field() {
        let network = default_network();
        let cases: Vec<(ReachRequest, &str, &str)> = vec![
            (request(&[]), "places", "places: 0 places, expected 1 to 16"),
            (
                request(&["Xian"; 17]),
                "places",
                "places: 17 places, expected 1 to 16",
            ),
            (
                request(&["Xian", "Nowhere"]),
                "places",
                "places[1]: unknown place `Nowhere`",
            ),
            (
                ReachRequest {
                    route: RouteRequest {
                        avoid: vec!["CN".into()],
                        ..RouteRequest::default()
                    },
                    ..request(&["Almaty", "Xian"])
                },
                "places",
                "places[1]: Xi'an is excluded by the places or countries to avoid",
            ),
            (
                ReachRequest {
                    days: vec![0.0],
                    ..request(&["Xian"])
                },
                "days",
                "days 0: expected days above 0 and at most 365",
            ),
            (
                ReachRequest {
                    days: vec![f64::NAN],
                    ..request(&["Xian"])
                },
                "days",
                "days NaN: expected days above 0",
            ),
            (
                ReachRequest {
                    days: vec![400.0],
                    ..request(&["Xian"])
                },
                "days",
                "days 400: expected days above 0 and at most 365",
            ),
            (
                ReachRequest {
                    days: vec![12.0, 8.0],
                    ..request(&["Xian"])
                },
                "days",
                "days 12,8: expected bands in increasing order",
            ),
            (
                ReachRequest {
                    days: vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
                    ..request(&["Xian"])
                },
                "days",
                "days: 9 bands, expected at most 8",
            ),
            (
                ReachRequest {
                    usd: vec![2_000_000.0],
                    ..request(&["Xian"])
                },
                "usd",
                "usd 2000000: expected USD per FEU above 0 and at most 1,000,000",
            ),
            (
                ReachRequest {
                    days: vec![8.0, 12.0],
                    usd: vec![3000.0],
                    ..request(&["Xian"])
                },
                "usd",
                "usd: 1 bands beside 2 bands of days",
            ),
            (
                ReachRequest {
                    route: RouteRequest {
                        year: Some(1066),
                        ..RouteRequest::default()
                    },
                    ..request(&["Xian"])
                },
                "year",
                "year 1066: expected a year between 1900 and 2100",
            ),
            (
                ReachRequest {
                    route: RouteRequest {
                        from: Some("Xian".into()),
                        ..RouteRequest::default()
                    },
                    ..request(&["Xian"])
                },
                "from",
                "from Xian: this request takes its places in `places`",
            ),
            (
                ReachRequest {
                    route: RouteRequest {
                        avoid: vec!["Atlantis".into()],
                        ..RouteRequest::default()
                    },
                    ..request(&["Xian"])
                },
                "avoid",
                "Atlantis: not a country code",
            ),
        ];
        for (request, field, message) in cases {
            let error = request.resolve(&network).expect_err(message);
            assert_eq!(error.field(), field, "{error}");
            assert!(error.to_string().starts_with(message), "{error}");
        }
    }

    #[test]
    fn a_request_resolves_to_nested_bands_and_each_place_once() {
        let network = default_network();
        let query = ReachRequest {
            days: vec![8.0, 12.0, 16.0],
            usd: vec![3000.0, 5000.0, 7000.0],
            reverse: true,
            ..request(&["Xian", "xian", "Chongqing"])
        }
        .resolve(&network)
        .expect("valid");
        assert_eq!(query.places.len(), 2);
        assert_eq!(query.direction, ReachDirection::Reverse);
        assert_eq!(
            query.bands[1],
            Band {
                days: Some(12.0),
                usd: Some(5000.0)
            }
        );
        let reach = plan_reach(&network, &query).expect("not avoided");
        for reached in reach.places.iter().flatten() {
            // Nested: in a band, in every larger one.
            if let Some(band) = query.band_of(&reached.criteria) {
                assert!(
                    query.bands[band..]
                        .iter()
                        .all(|b| b.contains(&reached.criteria))
                );
                assert!(
                    query.bands[..band]
                        .iter()
                        .all(|b| !b.contains(&reached.criteria))
                );
            }
        }
    }

    #[test]
    fn segments_stop_where_the_band_ends_and_cover_the_routes_within_it() {
        let network = default_network();
        let xian = network.find_place("Xian", 0.0).expect("known").node();
        let options = RouteOptions {
            objective: Objective::Time,
            ..RouteOptions::defaults(&network)
        };
        let scope = Scope::new(&network, &options);
        let band = Band {
            days: Some(6.0),
            usd: None,
        };
        for direction in [ReachDirection::Forward, ReachDirection::Reverse] {
            let reach = reach(&scope, &[xian], direction).expect("not avoided");
            let segments = reach.segments(Some(&band));
            assert!(!segments.is_empty());
            // Every arc of a route within the band is drawn whole.
            for reached in reach.places.iter().flatten() {
                if band.contains(&reached.criteria) {
                    for leg in &reached.legs {
                        let segment = segments.iter().find(|s| s.arc == leg.arc).expect("drawn");
                        assert_eq!((segment.from, segment.to), (0.0, 1.0), "{direction:?}");
                    }
                }
            }
            // Some link is cut part of the way, forward at its start, reversed at its end.
            let cut: Vec<&Segment> = segments.iter().filter(|s| s.to - s.from < 1.0).collect();
            assert!(!cut.is_empty(), "{direction:?}");
            for segment in cut {
                match direction {
                    ReachDirection::Forward => assert_eq!(segment.from, 0.0),
                    ReachDirection::Reverse => assert_eq!(segment.to, 1.0),
                }
            }
            assert!(reach.segments(None).iter().all(|s| s.to - s.from == 1.0));
        }
    }
}
