//! Freight assignment on the corridor network: the zones, classes and origin–destination TEU
//! of a dataset ([`crate::network::FreightData`]) assigned to the network of one year, with the
//! capacities of links and of handling facilities.
//!
//! # The expanded graph
//!
//! What a container costs at a node depends on the link it arrives on and the link it leaves
//! on ([`Scope::transfer`]), so the assignment runs on an *expanded* graph in which every turn
//! is a link:
//!
//! * every allowed arc `a` (a link in one direction) has a tail node `T(a)` and a head node
//!   `H(a)`, joined by the **arc link** `T(a) → H(a)` with the arc's hours (running time plus
//!   the wait for a departure), its tariff, and a BPR volume-delay function when the link has
//!   a capacity;
//! * a place `p` of a zone has a start node `S(p)` and an end node `E(p)`: the zone's
//!   centroid `z` connects to them with the zero-cost **connectors** `z → S(p)` and `E(p) → z`
//!   (zones are nodes `0..zones` and are never passed through);
//! * at a node, every pair (arriving end, leaving end) that [`Scope::transfer`] allows —
//!   arriving end `H(a)` or `S(p)`, leaving end `T(b)` or `E(p)` — is a **turn link**
//!   `H(a) → T(b)` with the transfer's hours and USD (gauge change, border, port, terminal);
//! * a handling row with a throughput (`capacity_teu_per_day` in handling.csv) is **one
//!   link**, so that every container it handles shares its capacity: the turns that use the
//!   row run through a hub instead of being direct links,
//!
//! ```text
//!   H(a1) ──entry(a1)──┐                       ┌──exit(b1)──▶ T(b1)
//!                      ▼                       │
//!   H(a2) ──entry(a2)─▶ I(h) ══capacity h══▶ O(h) ──exit(b2)──▶ T(b2)
//!                      ▲                       │
//!   S(p)  ──entry(S)───┘                       └──exit(E)───▶ E(p)
//! ```
//!
//!   The capacity link `I(h) → O(h)` carries the row's hours and USD and a BPR function of
//!   its capacity; the entry and exit links carry the rest of the transfer (the border
//!   formalities of a crossing link, charged on the side of the link that crosses). A pair
//!   `(a, b)` that uses the row costs exactly its transfer through the hub. The hub also joins
//!   pairs that do *not* use the row (at Dostyk: arriving on 1435 mm and leaving on 1435 mm);
//!   the construction checks that every such pair has a direct turn that is no dearer in hours
//!   and in USD, so a shortest path never takes the hub for them, at any volume (the hub only
//!   gets dearer with volume). A row for which this cannot be shown keeps direct turns, loses
//!   its capacity, and is reported in [`FreightProblem::warnings`].
//!
//! A path from zone to zone in this graph is a route of the router, and its cost is the
//! route's total: hours, plus USD converted to hours by the class's value of time (the
//! property test compares every zone pair with [`crate::route::shortest_path`]).
//!
//! # Units
//!
//! Demand and flows are TEU per year; capacities TEU (× pce) per year; link times hours per
//! TEU. Tariffs and handling charges are per FEU in the data: a TEU pays half. A class with a
//! value of time `v` USD per TEU-day sees `USD per FEU / 2 / (v / 24)` hours of fixed cost on a
//! link. Capacities: `capacity_teu_per_year` as given; `capacity_trains_per_day × teu_per_train
//! × 365` (the smaller of the two when both are given); a handling row's
//! `capacity_teu_per_day × 365`. Capacities are per direction for links (as links.csv says)
//! and for both directions together for a handling row.
//!
//! [`Scope::transfer`]: crate::route::Scope::transfer

mod choice;
mod expand;
mod report;
mod request;
mod scale;
#[cfg(test)]
mod tests;
mod tonnage;

pub use crate::report::freight::{
    BottleneckRecord, ClassRecord, CorridorAmount, CorridorFlowRecord, DestinationRecord,
    FREIGHT_REPORT_VERSION, FreightReport, HandlingFlowRecord, LinkFlowRecord, MarketRecord,
    PairFlowRecord, SplitRecord, TonnagePlaceRecord, TotalsRecord, UnservedRecord,
};

pub use report::PathFlow;
pub use request::{FREIGHT_GAP, FreightRequest, FreightRequestError, assign_freight};
pub use scale::{
    DEMAND_SCALE_SYNTAX, DemandScale, ScaleError, TONNAGE_SCALE_SYNTAX, TonnageScale,
    demand_scale_of, tonnage_scale_of,
};
pub use tonnage::{TonnageFlows, route_tonnage};

use crate::assign::{AssignError, AssignNodeId, CostModel, Problem};
use crate::network::{ArcId, FreightClassId, FreightData, HandlingId, Network, NodeId, ZoneId};
use crate::route::Avoid;

/// Days per year, for capacities given per day.
pub const DAYS_PER_YEAR: f64 = 365.0;

/// What a freight assignment is built for.
#[derive(Debug, Clone, PartialEq)]
pub struct FreightOptions {
    /// The network as of this year.
    pub year: i32,
    /// What is closed: countries, places, links, modes, corridors (a scenario).
    pub avoid: Avoid,
    /// BPR `alpha` of capacitated links and handling facilities.
    pub bpr_alpha: f64,
    /// BPR `beta`.
    pub bpr_beta: f64,
    /// User equilibrium or system optimum.
    pub model: CostModel,
    /// Every demand row is multiplied by this (growth scenarios); 1 = the data.
    pub demand_factor: f64,
    /// Factors on segments of the demand: a row is multiplied by the factor of every scale it
    /// is in ([`DemandScale::matches`]), on top of `demand_factor` and the year's
    /// ([`FreightOptions::demand_factor_of`]).
    pub demand_scale: Vec<DemandScale>,
    /// Factors on the tonnage layer's flows by commodity ([`route_tonnage`]).
    pub tonnage_scale: Vec<TonnageScale>,
    /// The sea-rate level (`None`: the network's for the year).
    pub sea_rate: Option<f64>,
    /// Risk premiums replacing the network's for their countries.
    pub risk: Vec<crate::route::RiskPremium>,
    /// A carbon price, USD per tonne CO2e (0: none), charged on every arc's emissions as the
    /// router charges it ([`crate::route::RouteOptions::carbon_usd_per_t`]): it is part of the
    /// USD that tariffs, costs and the generalized cost report.
    pub carbon_usd_per_t: f64,
    /// Capacities bind: no facility or line carries more than its capacity beyond this
    /// relative tolerance; the excess queues (`None`: only the volume-delay functions).
    pub binding_tolerance: Option<f64>,
    /// The markets' rail-versus-sea choice (`markets.csv`) sets the rail demand of their
    /// rows (the default); off, every demand row is assigned as given and may sail.
    pub market_choice: bool,
    /// Simulated hours of handling rows and links, used at their mean in place of the
    /// network's (as `route --reliability` uses them; `None`: the network's hours).
    pub reliability: Option<std::sync::Arc<crate::route::Reliability>>,
    /// USD per FEU per day of p95 − p50 of the elements a path uses (needs `reliability`).
    pub value_of_reliability_usd_per_day: f64,
}

impl FreightOptions {
    /// The dataset's reference year, nothing closed, the conventional BPR function
    /// (`alpha` 0.15, `beta` 4, Bureau of Public Roads 1964), user equilibrium, demand as given
    /// (split by the markets' choice), capacities binding.
    pub fn defaults(network: &Network) -> FreightOptions {
        FreightOptions {
            year: network.info().reference_year,
            avoid: Avoid::default(),
            bpr_alpha: 0.15,
            bpr_beta: 4.0,
            model: CostModel::UserEquilibrium,
            demand_factor: 1.0,
            demand_scale: Vec::new(),
            tonnage_scale: Vec::new(),
            sea_rate: None,
            risk: Vec::new(),
            carbon_usd_per_t: 0.0,
            binding_tolerance: Some(BINDING_TOLERANCE),
            market_choice: true,
            reliability: None,
            value_of_reliability_usd_per_day: 0.0,
        }
    }

    /// The factor on a demand row's TEU in these options: `demand_factor`, times the data's
    /// factor for the year and the row's zones (`demand_years.csv`), times the factor of every
    /// demand scale the row is in. The one rule every use of the demand follows.
    pub fn demand_factor_of(&self, data: &FreightData, row: &crate::network::Demand) -> f64 {
        self.demand_factor
            * data.demand_factor(self.year, row.origin, row.destination)
            * demand_scale_of(&self.demand_scale, row)
    }
}

/// Relative tolerance of binding capacities: at equilibrium no capacitated facility or line
/// carries more than 2% above its capacity.
pub const BINDING_TOLERANCE: f64 = 0.02;

/// Most rounds of queue-delay updates.
const MAX_QUEUE_ROUNDS: usize = 400;

/// A queue below this many hours counts as none.
const IDLE_QUEUE_H: f64 = 0.5;

/// A queue must sit on a capacity used at least to `1 − SLACK`.
const SLACK: f64 = 0.05;

/// The markets' rail demand is settled when less than 1% of it would still move (of the order
/// of the capacity tolerance).
pub(crate) const CHOICE_TOLERANCE: f64 = 0.01;

/// Share of the way to the logit split the markets' rail demand moves each round.
const CHOICE_STEP: f64 = 0.5;

/// Longest queue, hours (90 days): a capacity that a queue this long cannot hold has demand
/// fixed on it with nowhere else to go, and the rounds stop.
const MAX_QUEUE_H: f64 = 2160.0;

/// Largest factor on a link's queue step.
const MAX_GAIN: f64 = 64.0;

/// The step factor of one capacitated link: it doubles (up to [`MAX_GAIN`]) each round the
/// link stays on the same side — over its capacity, or holding a queue on a capacity used
/// below `1 − SLACK` — and falls back to 1 when it crosses or settles. A queue that must grow
/// by hundreds of hours (a closure sends a corridor's demand to one crossing) gets there in
/// a few rounds instead of hundreds; one that overshoots comes back as fast; near the answer
/// the diminishing steps of the subgradient method are unchanged (a sign-based step
/// adaptation in the manner of Riedmiller & Braun's Rprop, 1993).
#[derive(Debug, Clone, Copy)]
struct Gain {
    gain: f64,
    side: i8,
}

impl Default for Gain {
    fn default() -> Gain {
        Gain { gain: 1.0, side: 0 }
    }
}

impl Gain {
    fn update(&mut self, relative_excess: f64, queue_h: f64, tolerance: f64) {
        let side = if relative_excess > tolerance {
            1
        } else if queue_h > IDLE_QUEUE_H && relative_excess < -SLACK {
            -1
        } else {
            0
        };
        self.gain = if side != 0 && side == self.side {
            (self.gain * 2.0).min(MAX_GAIN)
        } else {
            1.0
        };
        self.side = side;
    }
}

/// The queues of a solved problem by element, for [`FreightProblem::solve_from`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WarmStart {
    queue_h: std::collections::HashMap<FreightLink, f64>,
    rounds: usize,
}

/// The classes of `base` with `queue` hours added to every link's fixed cost.
fn with_queue(base: &[crate::assign::Class], queue: &[f64]) -> Vec<crate::assign::Class> {
    with_demand(base, &[], &[], Some(queue))
}

/// A running sum of the rounds' flows and market demand, for their mean.
struct Window {
    flows: crate::assign::Flows,
    demand: Vec<f64>,
    count: f64,
}

impl Window {
    fn new(flows: &crate::assign::Flows, demand: &[f64]) -> Window {
        Window {
            flows: flows.clone(),
            demand: demand.to_vec(),
            count: 1.0,
        }
    }

    fn add(&mut self, flows: &crate::assign::Flows, demand: &[f64]) {
        for (sum, x) in self.flows.class.iter_mut().zip(&flows.class) {
            for (s, v) in sum.iter_mut().zip(x) {
                *s += v;
            }
        }
        for (s, v) in self.flows.total.iter_mut().zip(&flows.total) {
            *s += v;
        }
        for (s, v) in self.demand.iter_mut().zip(demand) {
            *s += v;
        }
        self.count += 1.0;
    }

    fn mean(&self) -> crate::assign::Flows {
        let scale = |v: &Vec<f64>| v.iter().map(|x| x / self.count).collect::<Vec<f64>>();
        crate::assign::Flows {
            class: self.flows.class.iter().map(scale).collect(),
            total: scale(&self.flows.total),
        }
    }

    fn mean_total(&self) -> Vec<f64> {
        self.flows.total.iter().map(|x| x / self.count).collect()
    }

    fn mean_demand(&self) -> Vec<f64> {
        self.demand.iter().map(|x| x / self.count).collect()
    }
}

/// The classes of `base` with the markets' pairs set to `volumes` and `queue` hours added to
/// every link's fixed cost.
fn with_demand(
    base: &[crate::assign::Class],
    pairs: &[choice::ChoicePair],
    volumes: &[f64],
    queue: Option<&[f64]>,
) -> Vec<crate::assign::Class> {
    let mut classes = base.to_vec();
    for (pair, &v) in pairs.iter().zip(volumes) {
        classes[pair.class]
            .demand
            .set(pair.origin, pair.destination, v);
    }
    if let Some(queue) = queue {
        for class in &mut classes {
            if class.fixed_cost.is_empty() {
                class.fixed_cost = vec![0.0; queue.len()];
            }
            for (cost, q) in class.fixed_cost.iter_mut().zip(queue) {
                *cost += q;
            }
        }
    }
    classes
}

/// Hours of queue added per round for each 100% of excess volume.
const QUEUE_STEP_H: f64 = 24.0;

/// One market row at its given rail volume ([`FreightProblem::fixed_market_costs`]).
#[derive(Debug, Clone, PartialEq)]
pub struct MarketRow {
    /// Index in [`FreightData::markets`].
    pub market: usize,
    /// Index of the class.
    pub class: usize,
    /// Rail volume, TEU per year.
    pub rail_teu: f64,
    /// Rail's generalized cost at the equilibrium, USD per TEU.
    pub rail_usd: f64,
    /// The alternative's generalized cost, USD per TEU.
    pub alternative_usd: f64,
}

/// The outcome of binding capacities.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// Rounds of queue-delay updates run.
    pub rounds: usize,
    /// The largest relative excess of a capacitated link at the end (≤ the tolerance when it
    /// converged).
    pub max_excess: f64,
    /// Whether every capacity holds within the tolerance and the rail demand of the markets
    /// is settled.
    pub converged: bool,
    /// With markets: how far the rail demand is from the logit split at the final costs,
    /// relative to the rail demand of the markets (`None` without markets).
    pub choice_gap: Option<f64>,
}

/// Why a freight problem cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FreightError {
    /// The dataset declares no freight class.
    #[error("the dataset has no freight class (declare [[freight_class]] in dataset.toml)")]
    NoClasses,
    /// The dataset has no zone.
    #[error("the dataset has no freight zone (zones.csv)")]
    NoZones,
    /// A link has a capacity in trains but there is no TEU-per-train figure.
    #[error(
        "link `{link}` has a capacity in trains per day but the dataset gives no TEU per train ([freight] teu_per_train in dataset.toml)"
    )]
    MissingTeuPerTrain {
        /// The link id.
        link: String,
    },
    /// BPR parameters that are not finite numbers ≥ 0.
    #[error("BPR alpha {alpha} and beta {beta} must be finite numbers ≥ 0")]
    BadBpr {
        /// `alpha`.
        alpha: f64,
        /// `beta`.
        beta: f64,
    },
    /// A demand factor that is not a finite number ≥ 0.
    #[error("demand factor {value} must be a finite number ≥ 0")]
    BadDemandFactor {
        /// The factor.
        value: f64,
    },
    /// The freight data does not fit the network.
    #[error("freight data: {0}")]
    BadData(crate::network::FreightDataError),
    /// The assignment problem could not be built.
    #[error(transparent)]
    Assign(#[from] AssignError),
}

/// A capacity the freight problem could not model as given; the assignment still runs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FreightWarning {
    /// A link with a capacity of 0 (modelled without capacity).
    #[error("link `{link}` has a capacity of 0; it is modelled without capacity")]
    ZeroLinkCapacity {
        /// The link id.
        link: String,
    },
    /// A handling row with a capacity of 0 (modelled without capacity).
    #[error("{handling}: capacity 0; modelled without capacity")]
    ZeroHandlingCapacity {
        /// The handling row (`Dostyk gauge change`).
        handling: String,
    },
    /// A handling row whose transfers cannot share one capacity link.
    #[error(
        "{handling}: its capacity cannot be shared through one link ({reason}); its transfers are modelled without capacity"
    )]
    CapacityNotShared {
        /// The handling row.
        handling: String,
        /// Why (a pair the hub would join at a lower cost than its direct turn).
        reason: String,
    },
    /// Binding capacities did not converge: some capacity is still exceeded.
    #[error(
        "capacities did not bind within the tolerance after {rounds} rounds of queue updates (a capacity is still exceeded by {max_excess_percent}%)"
    )]
    CapacityExceeded {
        /// The largest excess left, percent of the capacity (rounded up).
        max_excess_percent: u32,
        /// Rounds run.
        rounds: usize,
    },
    /// The choice between rail and the sea did not settle.
    #[error(
        "the rail demand of the markets did not settle after {rounds} rounds ({gap_per_mille}‰ of it still moves)"
    )]
    ChoiceNotSettled {
        /// The gap left, per mille of the markets' rail demand (rounded up).
        gap_per_mille: u32,
        /// Rounds run.
        rounds: usize,
    },
    /// A capacitated handling row of 0 hours, which a BPR function cannot delay.
    #[error(
        "{handling}: its handling time is 0 h, so its capacity cannot delay anything (the BPR function scales the free-flow time)"
    )]
    ZeroHandlingTime {
        /// The handling row.
        handling: String,
    },
}

/// What a link of the expanded graph stands for (the same element has the same value in the
/// problems of two versions of a network, which is what carries a [`WarmStart`] across).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FreightLink {
    /// Zone centroid → a place of the zone, where its containers start.
    Origin {
        /// The zone.
        zone: ZoneId,
        /// The place.
        place: NodeId,
    },
    /// A place of a zone → the zone's centroid, where containers end.
    Destination {
        /// The zone.
        zone: ZoneId,
        /// The place.
        place: NodeId,
    },
    /// Travelling an arc.
    Arc(ArcId),
    /// The handling at a node between an arriving end (`None`: the route starts here) and a
    /// leaving end (`None`: it ends here), when no capacitated row is involved.
    Turn {
        /// The node.
        node: NodeId,
        /// Arc arrived on.
        inbound: Option<ArcId>,
        /// Arc left on.
        outbound: Option<ArcId>,
    },
    /// From an arriving end into the hub of a capacitated handling row.
    HubEntry {
        /// The row.
        handling: HandlingId,
        /// Arc arrived on (`None`: the route starts here).
        inbound: Option<ArcId>,
    },
    /// The capacity of a handling row.
    Handling(HandlingId),
    /// From the hub of a capacitated handling row onto a leaving end.
    HubExit {
        /// The row.
        handling: HandlingId,
        /// Arc left on (`None`: the route ends here).
        outbound: Option<ArcId>,
    },
}

/// One link of the expanded graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExpandedLink {
    /// What it stands for.
    pub kind: FreightLink,
    /// Tail node.
    pub from: AssignNodeId,
    /// Head node.
    pub to: AssignNodeId,
    /// Free-flow hours.
    pub hours: f64,
    /// USD per FEU.
    pub cost_usd: f64,
    /// TEU (capacity units) per year, when capacitated.
    pub capacity_teu_per_year: Option<f64>,
}

/// Why demand could not be assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnservedReason {
    /// Every place of this zone is closed (avoided) or has no usable link.
    ZoneClosed(ZoneId),
    /// No route joins the two zones in the network of this year with these closures.
    NoRoute,
}

/// Demand left out of the assignment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unserved {
    /// Origin zone.
    pub origin: ZoneId,
    /// Destination zone.
    pub destination: ZoneId,
    /// Class.
    pub class: FreightClassId,
    /// TEU per year (after the demand factor).
    pub teu_per_year: f64,
    /// Why.
    pub reason: UnservedReason,
}

/// A freight assignment problem on the expanded graph of a network, with what is needed to
/// report its results in the network's terms.
#[derive(Debug, Clone)]
pub struct FreightProblem<'a> {
    network: &'a Network,
    data: FreightData,
    options: FreightOptions,
    problem: Problem,
    links: Vec<ExpandedLink>,
    unserved: Vec<Unserved>,
    warnings: Vec<FreightWarning>,
    /// Queue delay of each expanded link, hours (the multipliers of binding capacities; 0
    /// until [`FreightProblem::solve`] binds them).
    queue_h: Vec<f64>,
    /// The markets' rail-versus-sea choice (`None` without markets).
    choice: Option<choice::Choice>,
}

/// Builds the assignment problem of the network's own freight data ([`Network::freight`]).
///
/// # Errors
/// [`FreightError`]: no classes or zones, train capacities without TEU per train, options out
/// of range.
pub fn build_problem<'a>(
    network: &'a Network,
    options: &FreightOptions,
) -> Result<FreightProblem<'a>, FreightError> {
    build_problem_with(network, network.freight(), options)
}

/// Builds the assignment problem of other freight data (zones, classes, demand) on a network.
///
/// # Errors
/// As [`build_problem`], and [`FreightError::BadData`] when the data does not fit the network.
pub fn build_problem_with<'a>(
    network: &'a Network,
    data: &FreightData,
    options: &FreightOptions,
) -> Result<FreightProblem<'a>, FreightError> {
    expand::build(network, data, options)
}

impl<'a> FreightProblem<'a> {
    /// The network.
    pub fn network(&self) -> &'a Network {
        self.network
    }

    /// The freight data it was built from.
    pub fn data(&self) -> &FreightData {
        &self.data
    }

    /// The options it was built with.
    pub fn options(&self) -> &FreightOptions {
        &self.options
    }

    /// Queue delay of each expanded link, hours.
    pub fn queue_hours(&self) -> &[f64] {
        &self.queue_h
    }

    /// Solves the problem with `solver`; with binding capacities
    /// ([`FreightOptions::binding_tolerance`]) and an equilibrium method the excess over a
    /// capacity queues.
    ///
    /// Capacities bind by the method of multipliers for link-capacity side constraints
    /// (Larsson & Patriksson, "An augmented Lagrangean dual algorithm for link capacity side
    /// constrained traffic assignment problems", Transportation Research B 29(6), 1995): each
    /// capacitated link gets a queue delay μ ≥ 0 added to its time; after each equilibrium
    /// μ ← max(0, μ + 24 h × (v/c − 1)) until every v/c ≤ 1 + tolerance. At the solution μ
    /// is the Lagrange multiplier of the capacity, the queue a box waits there (Smith 1987,
    /// "Traffic control and traffic assignment in a signal-controlled network with queueing"),
    /// and the flows are a user equilibrium of the costs including the queues: excess demand
    /// waits or moves to other crossings, corridors and the sea.
    ///
    /// # Errors
    /// [`AssignError`] from a solve (cancelled by the observer, or an invalid problem).
    pub fn solve(
        &mut self,
        solver: &crate::assign::AssignOptions,
        observer: &mut crate::assign::Observer<'_>,
    ) -> Result<(crate::assign::AssignResult, Option<Binding>), crate::assign::AssignError> {
        self.solve_from(solver, observer, &WarmStart::default())
    }

    /// What a later solve of a changed network can start from: this problem's queues
    /// (after [`FreightProblem::solve`]) by element of the network, and the rounds they took.
    pub fn warm_start(&self, binding: Option<&Binding>) -> WarmStart {
        WarmStart {
            queue_h: self
                .links
                .iter()
                .zip(&self.queue_h)
                .filter(|&(_, &q)| q > 0.0)
                .map(|(link, &q)| (link.kind, q))
                .collect(),
            rounds: binding.map_or(0, |b| b.rounds),
        }
    }

    /// As [`FreightProblem::solve`], the binding rounds starting from the queues of `warm`
    /// (those of its elements this problem still has) with the steps it had reached: a
    /// re-solve after a change (criticality's removals, a scenario's edits) starts near its
    /// answer instead of from empty queues. A warm-started solve doubles a link's step while
    /// the link stays over its capacity (or idle with a queue), back to the plain step when
    /// it crosses, and stops where no queue up to 90 days can hold a capacity, so a change
    /// that needs queues hundreds of hours longer gets there in a few rounds; a cold solve
    /// (an empty `warm`) is [`FreightProblem::solve`]'s plain subgradient method. Two
    /// solves compare exactly only when they start alike: compare a warm-started re-solve
    /// with the base re-solved from its own warm start.
    ///
    /// # Errors
    /// As [`FreightProblem::solve`].
    pub fn solve_from(
        &mut self,
        solver: &crate::assign::AssignOptions,
        observer: &mut crate::assign::Observer<'_>,
        warm: &WarmStart,
    ) -> Result<(crate::assign::AssignResult, Option<Binding>), crate::assign::AssignError> {
        // All-or-nothing is no equilibrium: queues would only swing its flows wholesale.
        let tolerance = self
            .options
            .binding_tolerance
            .filter(|_| solver.method != crate::assign::Method::AllOrNothing);
        if tolerance.is_none() && self.choice.is_none() {
            let result = crate::assign::assign(&self.problem, solver, observer)?;
            return Ok((result, None));
        }
        let capacitated: Vec<(usize, f64)> = if tolerance.is_some() {
            self.links
                .iter()
                .enumerate()
                .filter_map(|(l, link)| {
                    link.capacity_teu_per_year
                        .filter(|&c| c > 0.0)
                        .map(|c| (l, c))
                })
                .collect()
        } else {
            Vec::new()
        };
        let excess = |total: &[f64]| {
            capacitated
                .iter()
                .map(|&(l, c)| total[l] / c - 1.0)
                .fold(f64::NEG_INFINITY, f64::max)
        };
        let base = self.problem.classes().to_vec();
        let mut queue: Vec<f64> = self
            .links
            .iter()
            .map(|link| {
                let start = link
                    .capacity_teu_per_year
                    .filter(|&c| c > 0.0 && tolerance.is_some())
                    .and(warm.queue_h.get(&link.kind));
                start.copied().unwrap_or(0.0)
            })
            .collect();
        let started = queue.iter().any(|&q| q > 0.0);
        let warm_rounds = if started { warm.rounds } else { 0 };
        let mut result = if started {
            let problem = Problem::new(
                self.problem.network().clone(),
                with_queue(&base, &queue),
                self.problem.model(),
            )?;
            crate::assign::assign(&problem, solver, observer)?
        } else {
            crate::assign::assign(&self.problem, solver, observer)?
        };
        // Complementary slackness: a queue only where the capacity is (nearly) used.
        let idle_queue = |total: &[f64], queue: &[f64]| {
            capacitated
                .iter()
                .any(|&(l, c)| queue[l] > IDLE_QUEUE_H && total[l] / c < 1.0 - SLACK)
        };
        // The markets' rail demand now, and the logit split at the costs of a result.
        let pairs = self
            .choice
            .as_ref()
            .map(|c| c.pairs.clone())
            .unwrap_or_default();
        let mut current: Vec<f64> = pairs
            .iter()
            .map(|p| base[p.class].demand.get(p.origin, p.destination))
            .collect();
        let split = |result: &crate::assign::AssignResult, queue: &[f64]| -> Vec<f64> {
            if pairs.is_empty() {
                return Vec::new();
            }
            let costs: Vec<Vec<f64>> = (0..base.len())
                .map(|k| choice::class_costs(&self.problem, k, &result.flows.total, queue))
                .collect();
            let rail_h = choice::rail_costs(&self.problem, &costs, &pairs);
            choice::rail_volumes(&self.data, &pairs, &rail_h)
        };
        let gap = |target: &[f64], current: &[f64]| -> f64 {
            let moved: f64 = target.iter().zip(current).map(|(t, c)| (t - c).abs()).sum();
            moved / current.iter().sum::<f64>().max(1.0)
        };
        let mut target = split(&result, &queue);
        let mut choice_gap = gap(&target, &current);
        let mut max_excess = excess(&result.flows.total);
        let mut rounds = 0;
        let settled = |max_excess: f64, choice_gap: f64, total: &[f64], queue: &[f64]| -> bool {
            tolerance.is_none_or(|t| max_excess <= t && !idle_queue(total, queue))
                && (pairs.is_empty() || choice_gap <= CHOICE_TOLERANCE)
        };
        // The flows returned are the average of the rounds' equilibria since the last power of
        // two (ergodic primal recovery: Larsson, Patriksson & Strömberg, "Ergodic, primal
        // convergence in dual subgradient schemes for convex programming", Mathematical
        // Programming 86, 1999). Where capacities bind, routes of equal cost can swing whole
        // flows between rounds while the queues have settled; their average meets the
        // capacities.
        let mut window = Window::new(&result.flows, &current);
        // Whether the last round's equilibrium, else the rounds' mean, is settled.
        let mut iterate_settled = settled(max_excess, choice_gap, &result.flows.total, &queue);
        let mut mean_settled = false;
        let mut gains = vec![Gain::default(); capacitated.len()];
        // Capacities that no queue up to MAX_QUEUE_H can hold (the demand fixed on them has
        // nowhere else to go): the rounds stop there, unsettled.
        let hopeless = |total: &[f64], queue: &[f64]| {
            let t = tolerance.unwrap_or(0.0);
            let mut over = capacitated
                .iter()
                .filter(|&&(l, c)| total[l] / c - 1.0 > t)
                .peekable();
            started && over.peek().is_some() && over.all(|&(l, _)| queue[l] >= MAX_QUEUE_H)
        };
        while !(iterate_settled || mean_settled)
            && rounds < MAX_QUEUE_ROUNDS
            && !hopeless(&result.flows.total, &queue)
        {
            rounds += 1;
            // Diminishing steps (a subgradient method on the dual): 24 h per 100% of excess
            // at first, then less, so the queues settle instead of swinging flows; a link's
            // step doubles while it stays on the same side of its capacity ([`Gain`]).
            let step = QUEUE_STEP_H / ((rounds + warm_rounds) as f64).sqrt();
            for (i, &(l, c)) in capacitated.iter().enumerate() {
                let relative = result.flows.total[l] / c - 1.0;
                if started {
                    gains[i].update(relative, queue[l], tolerance.unwrap_or(0.0));
                    queue[l] = (queue[l] + gains[i].gain * step * relative).clamp(0.0, MAX_QUEUE_H);
                } else {
                    queue[l] = (queue[l] + step * relative).max(0.0);
                }
            }
            // The demand moves part of the way to the split at the last costs (a relaxed
            // fixed-point step: the queues' diminishing steps settle the costs, the demand
            // follows them).
            for (c, t) in current.iter_mut().zip(&target) {
                *c += CHOICE_STEP * (t - *c);
            }
            let classes = with_demand(&base, &pairs, &current, Some(&queue));
            let problem = Problem::new(
                self.problem.network().clone(),
                classes,
                self.problem.model(),
            )?;
            result = crate::assign::assign(&problem, solver, observer)?;
            if rounds.is_power_of_two() {
                window = Window::new(&result.flows, &current);
            } else {
                window.add(&result.flows, &current);
            }
            target = split(&result, &queue);
            max_excess = excess(&result.flows.total);
            choice_gap = gap(&target, &current);
            iterate_settled = settled(max_excess, choice_gap, &result.flows.total, &queue);
            if !iterate_settled {
                let mean = window.mean_total();
                let mean_excess = excess(&mean);
                let mean_gap = gap(&target, &window.mean_demand());
                mean_settled = settled(mean_excess, mean_gap, &mean, &queue);
                // Unsettled either way, the mean is reported when it exceeds less.
                if mean_settled || mean_excess < max_excess {
                    max_excess = mean_excess;
                    choice_gap = mean_gap;
                }
            }
        }
        let converged = iterate_settled || mean_settled;
        let use_mean = rounds > 0 && !iterate_settled && max_excess < excess(&result.flows.total);
        let demand = if use_mean {
            window.mean_demand()
        } else {
            current
        };
        if use_mean {
            let final_problem = Problem::new(
                self.problem.network().clone(),
                with_demand(&base, &pairs, &demand, Some(&queue)),
                self.problem.model(),
            )?;
            result.flows = window.mean();
            final_problem.link_costs(&result.flows.total, &mut result.link_cost);
            let (relative_gap, objective) = crate::assign::GapEvaluator::new(&final_problem)
                .evaluate(&final_problem, &result.flows)?;
            result.relative_gap = relative_gap;
            result.objective = objective;
        }
        if !pairs.is_empty() {
            self.problem = Problem::new(
                self.problem.network().clone(),
                with_demand(&base, &pairs, &demand, None),
                self.problem.model(),
            )?;
        }
        self.queue_h = queue;
        Ok((
            result,
            Some(Binding {
                rounds,
                max_excess,
                converged,
                choice_gap: (!pairs.is_empty()).then_some(choice_gap),
            }),
        ))
    }

    /// For fitting the markets ([`crate::network::Market`]): solves the equilibrium with each
    /// market row at its rail volume as given (no choice) and returns, per row and class, that
    /// volume and rail's and the alternative's generalized costs in USD per TEU at it.
    ///
    /// # Errors
    /// [`AssignError`] from a solve.
    pub fn fixed_market_costs(
        &mut self,
        solver: &crate::assign::AssignOptions,
        observer: &mut crate::assign::Observer<'_>,
    ) -> Result<Vec<MarketRow>, crate::assign::AssignError> {
        let Some(choice) = self.choice.take() else {
            return Ok(Vec::new());
        };
        let volumes: Vec<f64> = choice
            .pairs
            .iter()
            .map(|p| p.market_teu * self.data.markets[p.market].rail_share)
            .collect();
        self.problem = Problem::new(
            self.problem.network().clone(),
            with_demand(self.problem.classes(), &choice.pairs, &volumes, None),
            self.problem.model(),
        )?;
        let (result, _) = self.solve(solver, observer)?;
        let costs: Vec<Vec<f64>> = (0..self.problem.classes().len())
            .map(|k| choice::class_costs(&self.problem, k, &result.flows.total, &self.queue_h))
            .collect();
        let rail_h = choice::rail_costs(&self.problem, &costs, &choice.pairs);
        let rows = choice
            .pairs
            .iter()
            .zip(&volumes)
            .zip(&rail_h)
            .map(|((pair, &teu), &rail)| {
                let usd_per_h = choice::usd_per_hour(&self.data, pair.class);
                MarketRow {
                    market: pair.market,
                    class: pair.class,
                    rail_teu: teu,
                    rail_usd: rail * usd_per_h,
                    alternative_usd: pair.alternative_h * usd_per_h,
                }
            })
            .collect();
        self.choice = Some(choice);
        Ok(rows)
    }

    /// Each market's whole volume and its rail part, TEU per year, in the order of
    /// [`FreightData::markets`] (after [`FreightProblem::solve`]: at the equilibrium).
    pub fn market_split(&self) -> Vec<(f64, f64)> {
        let mut out = vec![(0.0, 0.0); self.data.markets.len()];
        if let Some(choice) = &self.choice {
            let classes = self.problem.classes();
            for pair in &choice.pairs {
                out[pair.market].0 += pair.market_teu;
                out[pair.market].1 += classes[pair.class]
                    .demand
                    .get(pair.origin, pair.destination);
            }
        }
        out
    }

    /// The assignment problem, for [`crate::assign::assign`].
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// The links of the expanded graph, in the order of the problem's links.
    pub fn links(&self) -> &[ExpandedLink] {
        &self.links
    }

    /// Demand left out because no route serves it (removed from the problem's matrices).
    pub fn unserved(&self) -> &[Unserved] {
        &self.unserved
    }

    /// Things the construction could not model as asked (a handling capacity that could not
    /// be shared through one link, a zero capacity).
    pub fn warnings(&self) -> &[FreightWarning] {
        &self.warnings
    }

    /// The node of a zone's centroid.
    pub fn zone_node(&self, zone: ZoneId) -> u32 {
        zone.0
    }

    /// The expanded link of each network arc (`None` where the arc is closed).
    pub fn arc_links(&self) -> Vec<Option<usize>> {
        let mut out = vec![None; self.network.arcs().len()];
        for (index, link) in self.links.iter().enumerate() {
            if let FreightLink::Arc(arc) = link.kind {
                out[arc.index()] = Some(index);
            }
        }
        out
    }

    /// The capacity link of each handling row (`None` where the row has no capacity, is not
    /// active, or could not be modelled as one link).
    pub fn handling_links(&self) -> Vec<Option<usize>> {
        let mut out = vec![None; self.network.handlings().len()];
        for (index, link) in self.links.iter().enumerate() {
            if let FreightLink::Handling(handling) = link.kind {
                out[handling.index()] = Some(index);
            }
        }
        out
    }

    /// Hours of fixed cost a TEU of class `class` pays for `cost_usd` per FEU.
    pub fn usd_to_hours(&self, class: usize, cost_usd: f64) -> f64 {
        usd_per_feu_to_hours(
            cost_usd,
            self.data.classes[class].value_of_time_usd_per_teu_day,
        )
    }
}

/// Hours a TEU with value of time `vot` (USD per TEU-day) gives for `usd_per_feu` (a TEU pays
/// half of a per-FEU charge).
pub fn usd_per_feu_to_hours(usd_per_feu: f64, vot_usd_per_teu_day: f64) -> f64 {
    usd_per_feu / 2.0 / (vot_usd_per_teu_day / 24.0)
}
