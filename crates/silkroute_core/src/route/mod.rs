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
mod reach;
mod reliability;
mod request;
mod table;

pub use alternatives::{
    CorridorOutcome, MAX_DETOUR, NoRouteReason, alternatives, best_by_corridor,
};
pub use dijkstra::shortest_path;
pub use itinerary::{Itinerary, Leg, Transfer, TransferReason, TransferStep, classify_corridor};
pub use pareto::{ParetoError, pareto_set};
pub use reach::{
    Band, MAX_BAND_DAYS, MAX_BAND_USD, MAX_BANDS, MAX_REACH_PLACES, Reach, ReachDirection,
    ReachError, ReachQuery, ReachRequest, Reached, ReachedLeg, Segment, plan_reach, reach,
};
pub use reliability::{
    Element, ElementHours, RELIABILITY_LIMIT, Reliability, Statistic, parse_reliability,
    read_reliability,
};
pub use request::{
    AvoidError, DEFAULT_MAX_SNAP_KM, MAX_ALTERNATIVES, MAX_CARBON_USD_PER_T, MAX_PARETO_LABELS,
    MAX_VALUE_OF_RELIABILITY_USD_PER_DAY, PlacesError, Plan, PlanError, Query, RequestError,
    RouteRequest, YEARS, carbon_out_of_range, parse_risk, plan, plan_corridors, resolve_service,
    sea_rate_out_of_range, value_of_reliability_out_of_range, year_out_of_range,
};
pub use table::{
    MAX_TABLE_PLACES, Table, TableCell, TableError, TableQuery, TableRequest, plan_table, table,
};

use crate::network::{
    ArcId, Calibration, CorridorId, Country, FactorKey, HandlingId, HandlingKind, Link, LinkId,
    Mode, Network, NodeId, PriceItem, RailService, Running, ServiceId, SourceId, line_wait_h,
    sailings_used,
};
use std::ops::{Add, AddAssign};
use std::sync::Arc;

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
    /// Whether a place is excluded: it is avoided, or its country is.
    pub fn excludes_place(&self, network: &Network, node: NodeId) -> bool {
        self.countries.contains(&network.node(node).country) || self.nodes.contains(&node)
    }

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
    /// The level of sea rates relative to the tariff year (`None`: the network's level for
    /// the year, `prices.csv`).
    pub sea_rate: Option<f64>,
    /// Risk premiums for entering a country, USD per FEU and days, replacing the network's
    /// for that country and year.
    pub risk: Vec<RiskPremium>,
    /// A carbon price, USD per tonne CO2e (0: none). It is a charge, like an emissions-trading
    /// price: every arc's `cost_usd` includes `carbon_usd_per_t × co2e_kg / 1000`, so USD
    /// totals, legs, the cost and generalized objectives and the freight assignment all see
    /// it. Handling emits nothing in the data and is not charged.
    pub carbon_usd_per_t: f64,
    /// Simulated transit-time percentiles of elements (`None`: the network's hours). An
    /// element the table names takes its [`RouteOptions::statistic`] hours in place of the
    /// network's: a handling row its whole stay, a link its wait for a departure (running
    /// hours unchanged). Elements it does not name keep the network's hours.
    pub reliability: Option<Arc<Reliability>>,
    /// Which simulated hours an element of [`RouteOptions::reliability`] takes (default: the
    /// mean). "Fastest by p95" is [`Objective::Time`] with [`Statistic::P95`].
    pub statistic: Statistic,
    /// The value of reliability, USD per FEU per day of spread (p95 − p50) of the elements a
    /// route uses (0: none). Like the carbon price it is a charge: each link's arcs and each
    /// handling row the table names include `value × (p95 − p50) / 24` in their `cost_usd`, so
    /// every search, itinerary and the freight assignment see it. Summing the spreads of a
    /// route's elements is the spread of the route only if their delays move together
    /// (comonotonic): an upper bound of the route's own p95 − p50.
    pub value_of_reliability_usd_per_day: f64,
}

/// A premium for entering a country: what shippers price into a route through it (war-risk
/// insurance, sanctions exposure, delays).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RiskPremium {
    /// The country.
    pub country: Country,
    /// USD per FEU per entry.
    pub usd_per_feu: f64,
    /// Days per entry.
    pub days: f64,
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
            sea_rate: None,
            risk: Vec::new(),
            carbon_usd_per_t: 0.0,
            reliability: None,
            statistic: Statistic::Mean,
            value_of_reliability_usd_per_day: 0.0,
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
    /// Running hours of each link for the service and year.
    link_running_h: Vec<f64>,
    /// Wait for a departure on each link for the year and month.
    link_wait_h: Vec<f64>,
    /// Hours and cost of each handling row for the service.
    handling_criteria: Vec<Criteria>,
    /// Hours waited at the origin terminal for a train to fill (the service's consolidation).
    consolidation_h: f64,
    /// How the values above are made (and their sources found again when a report asks).
    values: Values<'a>,
    node_allowed: Vec<bool>,
    active_handling: Vec<[Option<HandlingId>; 4]>,
}

impl<'a> Scope<'a> {
    /// Compiles the network for these options, with its calibrated factors.
    pub fn new(network: &'a Network, options: &RouteOptions) -> Scope<'a> {
        Scope::with_calibration(network, options, network.calibration())
    }

    /// Compiles the network for these options with other calibrated factors (what
    /// calibration tries; their sources must be the network's).
    pub fn with_calibration(
        network: &'a Network,
        options: &RouteOptions,
        calibration: &'a Calibration,
    ) -> Scope<'a> {
        let year = options.year;
        let avoid = &options.avoid;
        let node_allowed: Vec<bool> = (0..network.node_count())
            .map(|index| !avoid.excludes_place(network, NodeId::from_index(index)))
            .collect();
        let only_avoided_corridors = |corridors: &[CorridorId]| {
            !corridors.is_empty() && corridors.iter().all(|c| avoid.corridors.contains(c))
        };
        let service = options.service.map(|id| network.services().class(id));
        let values = Values::new(network, service, calibration, options);
        let link_running_h: Vec<f64> = network
            .links()
            .iter()
            .map(|link| values.running_h(link, None))
            .collect();
        // `None`: no sailing in the month (or year) asked.
        let link_wait_h: Vec<Option<f64>> = (0..network.link_count())
            .map(|index| values.wait_h(LinkId::from_index(index), None))
            .collect();
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
                let (risk_usd, risk_days) = values.risk(arc, None);
                let co2e_kg = factor.kg_co2e_per_tkm * options.payload_t * link.length_km;
                Criteria {
                    hours: link_running_h[arc.link.index()]
                        + link_wait_h[arc.link.index()]
                        + risk_days * 24.0,
                    cost_usd: values.tariff_usd(link, None)
                        + risk_usd
                        + carbon_charge_usd(options.carbon_usd_per_t, co2e_kg)
                        + values.reliability_usd(values.link_hours(arc.link)),
                    co2e_kg,
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
        let handling_criteria = network
            .handlings()
            .iter()
            .enumerate()
            .map(|(index, row)| {
                let id = HandlingId::from_index(index);
                Criteria {
                    hours: values.dwell_h(id, None),
                    cost_usd: row.cost_usd + values.reliability_usd(values.handling_hours(id)),
                    co2e_kg: 0.0,
                }
            })
            .collect();
        Scope {
            network,
            weights: options.weights(),
            options: options.clone(),
            arc_allowed,
            arc_criteria,
            link_running_h,
            link_wait_h,
            handling_criteria,
            consolidation_h: service.map_or(0.0, |service| service.consolidation_h),
            values,
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
    /// link's own, and the calibrated factors applied).
    pub fn time_sources(&self, link: LinkId) -> Vec<SourceId> {
        let mut sources = Vec::new();
        self.values
            .running_h(self.network.link(link), Some(&mut sources));
        sources
    }

    /// Sources of a link's wait in this scope (the sailing rows used, or the link's own, and
    /// the calibrated factor applied).
    pub fn wait_sources(&self, link: LinkId) -> Vec<SourceId> {
        let mut sources = Vec::new();
        self.values.wait_h(link, Some(&mut sources));
        sources
    }

    /// Sources of a handling row's hours in this scope (the service's dwell row or factor
    /// and the row's own, or the row's own, and the calibrated factors applied).
    pub fn hours_sources(&self, handling: HandlingId) -> Vec<SourceId> {
        let mut sources = Vec::new();
        self.values.dwell_h(handling, Some(&mut sources));
        sources
    }

    /// Sources of an arc's price regime: the sea-rate level applied to its tariff and the
    /// risk premium for the country it enters.
    pub fn price_sources(&self, arc: ArcId) -> Vec<SourceId> {
        let mut sources = Vec::new();
        let arc = self.network.arc(arc);
        self.values
            .tariff_usd(self.network.link(arc.link), Some(&mut sources));
        self.values.risk(arc, Some(&mut sources));
        sources
    }

    /// Sources of the consolidation wait.
    pub fn consolidation_sources(&self) -> &[SourceId] {
        self.values
            .service
            .map_or(&[][..], |service| &service.consolidation_sources[..])
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

/// The carbon charge, USD, on `co2e_kg` kg CO2e at `usd_per_t` USD per tonne.
fn carbon_charge_usd(usd_per_t: f64, co2e_kg: f64) -> f64 {
    usd_per_t * co2e_kg / 1000.0
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

/// How a scope makes its hours from the network, the service class, the calibrated factors,
/// the year and the month: one place for the values and, on request, their sources.
#[derive(Debug, Clone)]
struct Values<'a> {
    network: &'a Network,
    service: Option<&'a RailService>,
    year: i32,
    month: Option<u8>,
    /// Factors that do not depend on the link or row, looked up once.
    class_speed: (f64, &'a [SourceId]),
    class_dwell: (f64, &'a [SourceId]),
    sea_speed: (f64, &'a [SourceId]),
    caspian_wait: (f64, &'a [SourceId]),
    dwell: [(f64, &'a [SourceId]); 4],
    /// The administration speed factors of the year.
    administrations: Vec<(Country, f64, &'a [SourceId])>,
    /// The sea-rate level and its sources.
    sea_rate: (f64, &'a [SourceId]),
    /// Risk premiums: country, USD per FEU, days, sources.
    risk: Vec<(Country, f64, f64, &'a [SourceId])>,
    /// Simulated hours of elements, the statistic taken and the value of their spread.
    reliability: Option<Arc<Reliability>>,
    statistic: Statistic,
    value_of_reliability_usd_per_day: f64,
}

impl<'a> Values<'a> {
    fn new(
        network: &'a Network,
        service: Option<&'a RailService>,
        calibration: &'a Calibration,
        options: &RouteOptions,
    ) -> Values<'a> {
        let (year, month) = (options.year, options.month);
        let prices = network.prices();
        let sea_rate = match options.sea_rate {
            Some(level) => (level, &[][..]),
            None => prices
                .row(PriceItem::SeaRate, year)
                .map_or((1.0, &[][..]), |row| (row.value, &row.sources[..])),
        };
        let mut risk: Vec<(Country, f64, f64, &'a [SourceId])> = prices
            .rows
            .iter()
            .filter(|row| row.covers(year))
            .filter_map(|row| match row.item {
                PriceItem::Risk(country) => Some((country, row.value, row.days, &row.sources[..])),
                PriceItem::SeaRate => None,
            })
            .filter(|(country, ..)| !options.risk.iter().any(|r| r.country == *country))
            .collect();
        risk.extend(
            options
                .risk
                .iter()
                .map(|r| (r.country, r.usd_per_feu, r.days, &[][..])),
        );
        let one: (f64, &'a [SourceId]) = (1.0, &[]);
        let class = |key: fn(String) -> FactorKey| {
            service.map_or(one, |s| calibration.factor(&key(s.key.clone()), year))
        };
        Values {
            network,
            service,
            year,
            month,
            class_speed: class(FactorKey::ClassSpeed),
            class_dwell: class(FactorKey::ClassDwell),
            sea_speed: calibration.factor(&FactorKey::SeaSpeed, year),
            caspian_wait: calibration.factor(&FactorKey::CaspianWait, year),
            dwell: HandlingKind::ALL.map(|kind| calibration.factor(&FactorKey::Dwell(kind), year)),
            administrations: calibration
                .factors
                .iter()
                .filter(|f| f.covers(year))
                .filter_map(|f| match f.key {
                    FactorKey::AdministrationSpeed(country) => {
                        Some((country, f.value, &f.sources[..]))
                    }
                    _ => None,
                })
                .collect(),
            sea_rate,
            risk,
            reliability: options.reliability.clone(),
            statistic: options.statistic,
            value_of_reliability_usd_per_day: options.value_of_reliability_usd_per_day,
        }
    }

    /// The simulated hours of a handling row, when the options carry a table naming it.
    fn handling_hours(&self, id: HandlingId) -> Option<&ElementHours> {
        self.reliability.as_deref()?.handling(id)
    }

    /// The simulated wait of a link, when the options carry a table naming it.
    fn link_hours(&self, id: LinkId) -> Option<&ElementHours> {
        self.reliability.as_deref()?.link(id)
    }

    /// The value of an element's unreliability, USD per FEU: the value of reliability per day
    /// times its spread p95 − p50 (0 for an element without simulated hours).
    fn reliability_usd(&self, hours: Option<&ElementHours>) -> f64 {
        hours.map_or(0.0, |hours| {
            self.value_of_reliability_usd_per_day * hours.spread_h() / 24.0
        })
    }

    /// The tariff of a link at the year's price level (sea links at the sea-rate level).
    fn tariff_usd(&self, link: &Link, sources: Option<&mut Vec<SourceId>>) -> f64 {
        if link.mode != Mode::Sea {
            return link.tariff_usd();
        }
        if let Some(sources) = sources {
            sources.extend(self.sea_rate.1.iter().copied());
        }
        link.tariff_usd() * self.sea_rate.0
    }

    /// The risk premium (USD per FEU, days) of travelling an arc into another country.
    fn risk(&self, arc: &crate::network::Arc, sources: Option<&mut Vec<SourceId>>) -> (f64, f64) {
        let to = self.network.node(arc.head).country;
        if self.network.node(arc.tail).country == to {
            return (0.0, 0.0);
        }
        match self.risk.iter().find(|(country, ..)| *country == to) {
            None => (0.0, 0.0),
            Some(&(_, usd, days, ids)) => {
                if let Some(sources) = sources {
                    sources.extend(ids.iter().copied());
                }
                (usd, days)
            }
        }
    }

    /// Running hours of a link: the service's speed on its section or administration, else
    /// its own, divided by the calibrated speed factors.
    fn running_h(&self, link: &Link, mut sources: Option<&mut Vec<SourceId>>) -> f64 {
        let mut note = |ids: &[SourceId]| {
            if let Some(sources) = sources.as_deref_mut() {
                sources.extend(ids.iter().copied());
            }
        };
        let Running::SpeedKmh(own_kmh) = link.running else {
            note(&link.time_sources);
            return link.running_hours();
        };
        let country = self.network.node(link.from).country;
        let mut speed = own_kmh;
        match link.mode {
            Mode::Rail => {
                match self
                    .service
                    .and_then(|service| service.speed(&link.key, country, self.year))
                {
                    Some(row) => {
                        speed = row.speed_kmh;
                        note(&row.sources);
                    }
                    None => note(&link.time_sources),
                }
                let (factor, ids) = self
                    .administrations
                    .iter()
                    .find(|(c, _, _)| *c == country)
                    .map_or((1.0, &[][..]), |&(_, factor, ids)| (factor, ids));
                speed *= factor * self.class_speed.0;
                note(ids);
                note(self.class_speed.1);
            }
            Mode::Sea => {
                note(&link.time_sources);
                speed *= self.sea_speed.0;
                note(self.sea_speed.1);
            }
            Mode::Ferry | Mode::Road => note(&link.time_sources),
        }
        link.length_km / speed
    }

    /// The wait for a departure on a link (`None`: no sailing in the month or year), times
    /// the calibrated Caspian factor on the Caspian lines; or, where the reliability table
    /// names the link, its simulated wait (a table opens no line that does not sail). The
    /// sources stay those of the network's wait: they are what the simulation was built on.
    fn wait_h(&self, id: LinkId, sources: Option<&mut Vec<SourceId>>) -> Option<f64> {
        let link = self.network.link(id);
        let mut wait = line_wait_h(&link.sailings, self.year, self.month, link.wait_h);
        let caspian = link.mode.is_water()
            && FactorKey::is_caspian(
                self.network.node(link.from).country,
                self.network.node(link.to).country,
            );
        if caspian {
            wait = wait.map(|w| w * self.caspian_wait.0);
        }
        if let Some(sources) = sources {
            let rows = sailings_used(&link.sailings, self.year, self.month);
            if rows.is_empty() {
                sources.extend(link.wait_sources.iter().copied());
            } else {
                sources.extend(rows.iter().flat_map(|row| row.wait_sources()));
            }
            if caspian {
                sources.extend(self.caspian_wait.1.iter().copied());
            }
            sources.sort_unstable();
            sources.dedup();
        }
        match self.link_hours(id) {
            Some(simulated) => wait.map(|_| simulated.get(self.statistic)),
            None => wait,
        }
    }

    /// Hours of a handling row: the service's dwell there, else the row's (times the
    /// service's factor at borders and gauge changes), times the calibrated dwell factors; or,
    /// where the reliability table names the row, its simulated hours (with the network's
    /// sources, as for waits).
    fn dwell_h(&self, id: HandlingId, sources: Option<&mut Vec<SourceId>>) -> f64 {
        let row = self.network.handling(id);
        let mut sources = sources;
        let mut hours = match self.service {
            None => {
                if let Some(sources) = sources.as_deref_mut() {
                    sources.extend(row.hours_sources.iter().copied());
                }
                row.hours
            }
            Some(service) => service.handling_hours_with(row, sources.as_deref_mut()),
        };
        let border = matches!(row.kind, HandlingKind::Border | HandlingKind::GaugeChange);
        let (kind_factor, kind_ids) = self.dwell[row.kind.index()];
        hours *= kind_factor;
        if border {
            hours *= self.class_dwell.0;
        }
        if let Some(sources) = sources {
            sources.extend(kind_ids.iter().copied());
            if border {
                sources.extend(self.class_dwell.1.iter().copied());
            }
        }
        match self.handling_hours(id) {
            Some(simulated) => simulated.get(self.statistic),
            None => hours,
        }
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
