//! Freight routing on a [`Network`]: one best route by an objective, alternatives that differ
//! in substance (a different corridor first), the exact Pareto set over time, cost and CO2e,
//! and the best route of each corridor.
//!
//! All searches run on *arcs* (a link travelled in one direction) rather than on nodes, because
//! what happens at a node depends on the link a container arrives on and the link it leaves on:
//! a gauge change, a port call, a border. [`Scope::transfer`] is the one place that decides
//! this, and every search, and the itinerary that reports a route, calls it, so a route's total
//! is always the sum of its legs and transfers.

mod alternatives;
mod dijkstra;
mod itinerary;
mod pareto;
mod request;

pub use alternatives::{
    CorridorOutcome, MAX_DETOUR, NoRouteReason, alternatives, best_by_corridor,
};
pub use dijkstra::shortest_path;
pub use itinerary::{Itinerary, Leg, Transfer, TransferReason, TransferStep, classify_corridor};
pub use pareto::{ParetoError, pareto_set};
pub use request::{
    AvoidError, DEFAULT_MAX_SNAP_KM, MAX_ALTERNATIVES, MAX_PARETO_LABELS, Plan, PlanError, Query,
    RequestError, RouteRequest, YEARS, plan, plan_corridors, resolve_service, year_out_of_range,
};

use crate::network::{
    ArcId, CorridorId, Country, HandlingId, HandlingKind, LinkId, Mode, Network, NodeId, Running,
    ServiceId, SourceId, line_wait_h, sailings_used,
};
use std::ops::{Add, AddAssign};

/// The three quantities a route is judged by.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Criteria {
    /// Hours, including waits and handling.
    pub hours: f64,
    /// USD per FEU.
    pub cost_usd: f64,
    /// kg CO2e per FEU.
    pub co2e_kg: f64,
}

impl Criteria {
    /// Zero in all three.
    pub const ZERO: Criteria = Criteria {
        hours: 0.0,
        cost_usd: 0.0,
        co2e_kg: 0.0,
    };

    /// Whether `self` is no worse than `other` in every criterion.
    pub fn weakly_dominates(&self, other: &Criteria) -> bool {
        self.hours <= other.hours
            && self.cost_usd <= other.cost_usd
            && self.co2e_kg <= other.co2e_kg
    }

    /// Whether `self` is no worse in every criterion and better in at least one.
    pub fn dominates(&self, other: &Criteria) -> bool {
        self.weakly_dominates(other) && self != other
    }

    /// The vector as an array (hours, USD, kg).
    pub fn to_array(self) -> [f64; 3] {
        [self.hours, self.cost_usd, self.co2e_kg]
    }
}

impl Add for Criteria {
    type Output = Criteria;
    fn add(self, other: Criteria) -> Criteria {
        Criteria {
            hours: self.hours + other.hours,
            cost_usd: self.cost_usd + other.cost_usd,
            co2e_kg: self.co2e_kg + other.co2e_kg,
        }
    }
}

impl AddAssign for Criteria {
    fn add_assign(&mut self, other: Criteria) {
        *self = *self + other;
    }
}

/// What "best" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Objective {
    /// Fewest hours door to door.
    Time,
    /// Lowest USD per FEU.
    Cost,
    /// Least kg CO2e per FEU.
    Co2,
    /// Lowest cost plus value of time × days.
    Generalized,
}

impl Objective {
    /// All objectives.
    pub const ALL: [Objective; 4] = [
        Objective::Time,
        Objective::Cost,
        Objective::Co2,
        Objective::Generalized,
    ];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Objective::Time => "time",
            Objective::Cost => "cost",
            Objective::Co2 => "co2",
            Objective::Generalized => "generalized",
        }
    }
}

/// Things a route must not use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Avoid {
    /// No node in these countries.
    pub countries: Vec<Country>,
    /// Not these nodes.
    pub nodes: Vec<NodeId>,
    /// Not these links.
    pub links: Vec<LinkId>,
    /// Not these modes.
    pub modes: Vec<Mode>,
    /// No link that belongs only to these corridors: closing `sea_suez` removes the Red Sea and
    /// Mediterranean legs but keeps the Asian legs it shares with `sea_cape`. Regional links
    /// are never avoided this way.
    pub corridors: Vec<CorridorId>,
}

impl Avoid {
    /// Whether nothing is avoided.
    pub fn is_empty(&self) -> bool {
        self.countries.is_empty()
            && self.nodes.is_empty()
            && self.links.is_empty()
            && self.modes.is_empty()
            && self.corridors.is_empty()
    }
}

/// Everything a query depends on besides its places.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteOptions {
    /// What "best" means.
    pub objective: Objective,
    /// The network as of this year.
    pub year: i32,
    /// What not to use.
    pub avoid: Avoid,
    /// Cargo tonnes per FEU, for emissions.
    pub payload_t: f64,
    /// USD per FEU-day, for the generalized cost.
    pub value_of_time_usd_per_day: f64,
    /// Only links of this corridor and regional links.
    pub corridor: Option<CorridorId>,
    /// The rail service class (`None`: links at their own speeds, handling at its own hours).
    pub service: Option<ServiceId>,
    /// The month (1–12) whose sailings and weather apply (`None`: the mean of the year).
    pub month: Option<u8>,
}

impl RouteOptions {
    /// The dataset's defaults: its reference year, payload, value of time and default
    /// service class, by generalized cost, avoiding nothing, over the whole year.
    pub fn defaults(network: &Network) -> RouteOptions {
        let info = network.info();
        RouteOptions {
            objective: Objective::Generalized,
            year: info.reference_year,
            avoid: Avoid::default(),
            payload_t: info.payload_t,
            value_of_time_usd_per_day: info.value_of_time_usd_per_day,
            corridor: None,
            service: network.services().default,
            month: None,
        }
    }

    /// Weights that turn [`Criteria`] into one number to minimize.
    pub fn weights(&self) -> [f64; 3] {
        match self.objective {
            Objective::Time => [1.0, 0.0, 0.0],
            Objective::Cost => [0.0, 1.0, 0.0],
            Objective::Co2 => [0.0, 0.0, 1.0],
            Objective::Generalized => [self.value_of_time_usd_per_day / 24.0, 1.0, 0.0],
        }
    }
}

/// A route as the sequence of arcs it travels.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Path {
    /// Where it starts.
    pub origin: NodeId,
    /// Where it ends.
    pub destination: NodeId,
    /// Arcs in travel order; consecutive arcs share a node.
    pub arcs: Vec<ArcId>,
}

/// A bit set of [`HandlingKind`]s applied at one node visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct KindSet(u8);

impl KindSet {
    fn insert(&mut self, kind: HandlingKind) {
        self.0 |= 1 << kind.index();
    }

    /// Whether a kind is in the set.
    pub fn contains(self, kind: HandlingKind) -> bool {
        self.0 & (1 << kind.index()) != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// A network compiled for one set of [`RouteOptions`]: which arcs may be used, what each arc
/// costs, and which handling rows are active at each node.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    network: &'a Network,
    options: RouteOptions,
    weights: [f64; 3],
    arc_allowed: Vec<bool>,
    arc_criteria: Vec<Criteria>,
    /// Running hours of each link for the service and year, and their sources.
    link_running_h: Vec<f64>,
    link_time_sources: Vec<Vec<SourceId>>,
    /// Wait for a departure on each link for the year and month, and its sources.
    link_wait_h: Vec<f64>,
    link_wait_sources: Vec<Vec<SourceId>>,
    /// Hours and cost of each handling row for the service, and the sources of the hours.
    handling_criteria: Vec<Criteria>,
    handling_hours_sources: Vec<Vec<SourceId>>,
    /// Hours waited at the origin terminal for a train to fill (the service's consolidation).
    consolidation_h: f64,
    consolidation_sources: Vec<SourceId>,
    node_allowed: Vec<bool>,
    active_handling: Vec<[Option<HandlingId>; 4]>,
}

impl<'a> Scope<'a> {
    /// Compiles the network for these options.
    pub fn new(network: &'a Network, options: &RouteOptions) -> Scope<'a> {
        let year = options.year;
        let avoid = &options.avoid;
        let node_allowed: Vec<bool> = network
            .nodes()
            .iter()
            .enumerate()
            .map(|(index, node)| {
                !avoid.countries.contains(&node.country)
                    && !avoid.nodes.contains(&NodeId::from_index(index))
            })
            .collect();
        let only_avoided_corridors = |corridors: &[CorridorId]| {
            !corridors.is_empty() && corridors.iter().all(|c| avoid.corridors.contains(c))
        };
        let service = options.service.map(|id| network.services().class(id));
        // Running hours and their sources: the service's speed on the link's administration,
        // else the link's own.
        let (link_running_h, link_time_sources): (Vec<f64>, Vec<Vec<SourceId>>) = network
            .links()
            .iter()
            .map(|link| {
                let row = match (link.mode, link.running, service) {
                    (Mode::Rail, Running::SpeedKmh(_), Some(service)) => {
                        service.speed(&link.key, network.node(link.from).country, year)
                    }
                    _ => None,
                };
                match row {
                    Some(row) => (link.length_km / row.speed_kmh, row.sources.clone()),
                    None => (link.running_hours(), link.time_sources.clone()),
                }
            })
            .unzip();
        // The wait for a departure and its sources (`None`: no sailing in the month or year
        // asked).
        let (link_wait_h, link_wait_sources): (Vec<Option<f64>>, Vec<Vec<SourceId>>) = network
            .links()
            .iter()
            .map(|link| {
                let wait = line_wait_h(&link.sailings, year, options.month, link.wait_h);
                let rows = sailings_used(&link.sailings, year, options.month);
                let sources = if rows.is_empty() {
                    link.wait_sources.clone()
                } else {
                    let mut sources: Vec<SourceId> =
                        rows.iter().flat_map(|row| row.wait_sources()).collect();
                    sources.sort_unstable();
                    sources.dedup();
                    sources
                };
                (wait, sources)
            })
            .unzip();
        let link_allowed: Vec<bool> = network
            .links()
            .iter()
            .enumerate()
            .map(|(index, link)| {
                link.validity.is_active_in(year)
                    && link_wait_h[index].is_some()
                    && node_allowed[link.from.index()]
                    && node_allowed[link.to.index()]
                    && !avoid.links.contains(&LinkId::from_index(index))
                    && !avoid.modes.contains(&link.mode)
                    && !only_avoided_corridors(&link.corridors)
                    && options
                        .corridor
                        .is_none_or(|c| link.corridors.is_empty() || link.corridors.contains(&c))
            })
            .collect();
        let arc_allowed = network
            .arcs()
            .iter()
            .map(|arc| link_allowed[arc.link.index()])
            .collect();
        let link_wait_h: Vec<f64> = link_wait_h.into_iter().map(|w| w.unwrap_or(0.0)).collect();
        let arc_criteria = network
            .arcs()
            .iter()
            .map(|arc| {
                let link = network.link(arc.link);
                let factor = network.emission_factor_of(arc.link);
                Criteria {
                    hours: link_running_h[arc.link.index()] + link_wait_h[arc.link.index()],
                    cost_usd: link.tariff_usd(),
                    co2e_kg: factor.kg_co2e_per_tkm * options.payload_t * link.length_km,
                }
            })
            .collect();
        let mut active_handling = vec![[None; 4]; network.node_count()];
        for (index, handling) in network.handlings().iter().enumerate() {
            if handling.validity.is_active_in(year) {
                active_handling[handling.node.index()][handling.kind.index()] =
                    Some(HandlingId::from_index(index));
            }
        }
        let (handling_criteria, handling_hours_sources) = network
            .handlings()
            .iter()
            .map(|row| {
                let (hours, sources) = match service {
                    None => (row.hours, row.hours_sources.clone()),
                    Some(service) => service.handling_hours(row),
                };
                let criteria = Criteria {
                    hours,
                    cost_usd: row.cost_usd,
                    co2e_kg: 0.0,
                };
                (criteria, sources)
            })
            .unzip();
        Scope {
            network,
            weights: options.weights(),
            options: options.clone(),
            arc_allowed,
            arc_criteria,
            link_running_h,
            link_time_sources,
            link_wait_h,
            link_wait_sources,
            handling_criteria,
            handling_hours_sources,
            consolidation_h: service.map_or(0.0, |service| service.consolidation_h),
            consolidation_sources: service
                .map(|service| service.consolidation_sources.clone())
                .unwrap_or_default(),
            node_allowed,
            active_handling,
        }
    }

    /// The network.
    pub fn network(&self) -> &'a Network {
        self.network
    }

    /// The options it was compiled for.
    pub fn options(&self) -> &RouteOptions {
        &self.options
    }

    /// Whether an arc may be used.
    pub fn is_arc_allowed(&self, arc: ArcId) -> bool {
        self.arc_allowed[arc.index()]
    }

    /// Whether a node may be visited.
    pub fn is_node_allowed(&self, node: NodeId) -> bool {
        self.node_allowed[node.index()]
    }

    /// Hours, cost and CO2e of travelling an arc (running time plus wait for a departure).
    pub fn arc_criteria(&self, arc: ArcId) -> Criteria {
        self.arc_criteria[arc.index()]
    }

    /// Running hours of a link for the scope's service and year (without the wait).
    pub fn running_h(&self, link: LinkId) -> f64 {
        self.link_running_h[link.index()]
    }

    /// Mean wait for a departure on a link in the scope's year and month.
    pub fn wait_h(&self, link: LinkId) -> f64 {
        self.link_wait_h[link.index()]
    }

    /// Hours and cost of a handling row for the scope's service (what a transfer charges for
    /// it, before the consolidation wait of an origin).
    pub fn handling_criteria(&self, handling: HandlingId) -> Criteria {
        self.handling_criteria[handling.index()]
    }

    /// Hours a rail departure waits at its origin terminal for the train to fill.
    pub fn consolidation_h(&self) -> f64 {
        self.consolidation_h
    }

    /// Sources of a link's running hours in this scope (the service's speed row, or the
    /// link's own).
    pub fn time_sources(&self, link: LinkId) -> &[SourceId] {
        &self.link_time_sources[link.index()]
    }

    /// Sources of a link's wait in this scope (the sailing rows used, or the link's own).
    pub fn wait_sources(&self, link: LinkId) -> &[SourceId] {
        &self.link_wait_sources[link.index()]
    }

    /// Sources of a handling row's hours in this scope (the service's dwell row or factor
    /// and the row's own, or the row's own).
    pub fn hours_sources(&self, handling: HandlingId) -> &[SourceId] {
        &self.handling_hours_sources[handling.index()]
    }

    /// Sources of the consolidation wait.
    pub fn consolidation_sources(&self) -> &[SourceId] {
        &self.consolidation_sources
    }

    /// The active handling row of a kind at a node.
    pub fn active_handling(&self, node: NodeId, kind: HandlingKind) -> Option<HandlingId> {
        self.active_handling[node.index()][kind.index()]
    }

    /// The objective value of a criteria vector.
    pub fn scalar(&self, criteria: Criteria) -> f64 {
        let [wh, wc, we] = self.weights;
        wh * criteria.hours + wc * criteria.cost_usd + we * criteria.co2e_kg
    }

    /// What happens at `node` between arriving on `inbound` and leaving on `outbound`
    /// (`None` at the origin and destination): the handling kinds applied and their total
    /// hours and cost. `None` when the change is impossible there (a gauge change without a
    /// gauge-change facility, a mode change without a port or terminal).
    pub fn transfer(
        &self,
        node: NodeId,
        inbound: Option<ArcId>,
        outbound: Option<ArcId>,
    ) -> Option<(KindSet, Criteria)> {
        let network = self.network;
        let inbound = inbound.map(|arc| network.link(network.arc(arc).link));
        let outbound = outbound.map(|arc| network.link(network.arc(arc).link));
        let mut kinds = KindSet::default();
        match (inbound, outbound) {
            (Some(arriving), Some(leaving)) => {
                if arriving.mode != leaving.mode {
                    let kind = if arriving.mode.is_water() || leaving.mode.is_water() {
                        HandlingKind::Port
                    } else {
                        HandlingKind::Terminal
                    };
                    self.active_handling(node, kind)?;
                    kinds.insert(kind);
                } else if arriving.mode == Mode::Rail && arriving.gauge_mm != leaving.gauge_mm {
                    self.active_handling(node, HandlingKind::GaugeChange)?;
                    kinds.insert(HandlingKind::GaugeChange);
                }
            }
            (Some(end), None) | (None, Some(end)) => {
                let kind = if end.mode.is_water() {
                    HandlingKind::Port
                } else {
                    HandlingKind::Terminal
                };
                if self.active_handling(node, kind).is_some() {
                    kinds.insert(kind);
                }
            }
            (None, None) => {}
        }
        let crosses = |link: Option<&crate::network::Link>| {
            link.is_some_and(|link| {
                !link.mode.is_water()
                    && network.node(link.from).country != network.node(link.to).country
            })
        };
        if (crosses(inbound) || crosses(outbound))
            && self.active_handling(node, HandlingKind::Border).is_some()
        {
            kinds.insert(HandlingKind::Border);
        }
        let mut criteria = Criteria::ZERO;
        for kind in HandlingKind::ALL {
            if kinds.contains(kind) {
                let id = self
                    .active_handling(node, kind)
                    .expect("a kind is only inserted when its row is active");
                criteria += self.handling_criteria(id);
            }
        }
        if is_rail_origin(kinds, inbound, outbound) {
            criteria.hours += self.consolidation_h;
        }
        Some((kinds, criteria))
    }
}

/// Whether a transfer loads a train at its origin terminal (where a consolidated service
/// waits for the train to fill).
pub(crate) fn is_rail_origin(
    kinds: KindSet,
    inbound: Option<&crate::network::Link>,
    outbound: Option<&crate::network::Link>,
) -> bool {
    inbound.is_none()
        && outbound.is_some_and(|link| link.mode == Mode::Rail)
        && kinds.contains(HandlingKind::Terminal)
}

/// Why a route query could not be answered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RouteError {
    /// Origin and destination are the same node.
    #[error("origin and destination are the same place ({0})")]
    SamePlace(String),
    /// The origin or destination is excluded by `--avoid`.
    #[error("{0} is excluded by the places or countries to avoid")]
    Avoided(String),
}

/// Checks that a query's ends are usable.
pub(crate) fn check_ends(
    scope: &Scope<'_>,
    origin: NodeId,
    destination: NodeId,
) -> Result<(), RouteError> {
    let network = scope.network();
    if origin == destination {
        return Err(RouteError::SamePlace(network.node(origin).name.clone()));
    }
    for node in [origin, destination] {
        if !scope.is_node_allowed(node) {
            return Err(RouteError::Avoided(network.node(node).name.clone()));
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests;
