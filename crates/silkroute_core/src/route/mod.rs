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
    RequestError, RouteRequest, YEARS, plan, plan_corridors, year_out_of_range,
};

use crate::network::{
    ArcId, CorridorId, Country, HandlingId, HandlingKind, LinkId, Mode, Network, NodeId,
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
}

impl RouteOptions {
    /// The dataset's defaults: its reference year, payload and value of time, by generalized
    /// cost, avoiding nothing.
    pub fn defaults(network: &Network) -> RouteOptions {
        let info = network.info();
        RouteOptions {
            objective: Objective::Generalized,
            year: info.reference_year,
            avoid: Avoid::default(),
            payload_t: info.payload_t,
            value_of_time_usd_per_day: info.value_of_time_usd_per_day,
            corridor: None,
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
        let link_allowed: Vec<bool> = network
            .links()
            .iter()
            .enumerate()
            .map(|(index, link)| {
                link.validity.is_active_in(year)
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
        let arc_criteria = network
            .arcs()
            .iter()
            .map(|arc| {
                let link = network.link(arc.link);
                let factor = network.emission_factor_of(arc.link);
                Criteria {
                    hours: link.running_hours() + link.wait_h,
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
        Scope {
            network,
            weights: options.weights(),
            options: options.clone(),
            arc_allowed,
            arc_criteria,
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
                let handling = network.handling(id);
                criteria.hours += handling.hours;
                criteria.cost_usd += handling.cost_usd;
            }
        }
        Some((kinds, criteria))
    }
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
