//! Static traffic assignment: how a demand matrix spreads over a congestible network.
//!
//! A [`Problem`] is an [`AssignNetwork`] (directed links with volume-delay functions), one or
//! more demand [`Class`]es (own matrix, passenger-car equivalent, constant per-link costs such
//! as tolls or tariffs converted to time by the class's value of time) and a [`CostModel`]
//! (user equilibrium, or system optimum through marginal costs).
//!
//! User equilibrium is the minimum of the Beckmann objective
//! `Σ_a ∫₀^{V_a} t_a(s) ds + Σ_k pce_k Σ_a f_ka x_ka` with `V_a = Σ_k pce_k x_ka`: each class
//! then uses only paths of least `t + f_k`. The relative gap of a solution is
//! `(TSTT − SPTT) / TSTT`, the share of total cost above what everybody's shortest path would
//! cost at the current link costs (the definition AequilibraE and the TNTP literature use).

mod bush;
mod frank_wolfe;
mod gmns;
mod network;
mod solve;
mod spt;
mod study;
#[cfg(test)]
mod tests;
mod tntp;
mod vdf;

pub use gmns::{
    GMNS_DEFAULT_ALPHA, GMNS_DEFAULT_BETA, GmnsAssignment, GmnsLink, GmnsNode,
    load_gmns_assignment, parse_gmns_assignment,
};
pub use network::{
    AssignError, AssignLinkId, AssignNetwork, AssignNodeId, AssignZoneId, ClassFault, LinkFault,
    LinkSpec,
};
pub use solve::{
    AssignOptions, AssignResult, GapEvaluator, IterationStats, Method, Observer, assign,
    keep_going, relative_gap,
};
pub use spt::{AllOrNothing, SptWorkspace};
pub use study::{AssignRequest, NodeName, Study, StudyError, StudyLink, StudyOptions, TNTP_GAP};
pub use tntp::{
    TntpFlow, TntpLink, TntpNet, TntpNode, TntpProblem, known_cost_weights, load_tntp,
    parse_tntp_flow, parse_tntp_net, parse_tntp_nodes, parse_tntp_trips,
};
pub use vdf::{LinkVdf, Vdf};

/// A dense origin–destination matrix between `zones` zones (row = origin), indexed by
/// [`AssignZoneId`].
#[derive(Debug, Clone, PartialEq)]
pub struct OdMatrix {
    zones: usize,
    values: Vec<f64>,
}

impl OdMatrix {
    /// An all-zero matrix.
    pub fn zeros(zones: usize) -> OdMatrix {
        OdMatrix {
            zones,
            values: vec![0.0; zones * zones],
        }
    }

    /// Number of zones.
    pub fn zones(&self) -> usize {
        self.zones
    }

    /// Every zone, in order.
    pub fn zone_ids(&self) -> impl Iterator<Item = AssignZoneId> + use<> {
        (0..self.zones).map(AssignZoneId::from_index)
    }

    /// Position of the cell from `o` to `d` in `values`.
    #[inline]
    fn cell(&self, o: AssignZoneId, d: AssignZoneId) -> usize {
        o.index() * self.zones + d.index()
    }

    /// Demand from `o` to `d`.
    #[inline]
    pub fn get(&self, o: AssignZoneId, d: AssignZoneId) -> f64 {
        self.values[self.cell(o, d)]
    }

    /// Sets the demand from `o` to `d`.
    pub fn set(&mut self, o: AssignZoneId, d: AssignZoneId, v: f64) {
        let cell = self.cell(o, d);
        self.values[cell] = v;
    }

    /// Adds to the demand from `o` to `d`.
    pub fn add(&mut self, o: AssignZoneId, d: AssignZoneId, v: f64) {
        let cell = self.cell(o, d);
        self.values[cell] += v;
    }

    /// Total demand, intrazonal cells included.
    pub fn total(&self) -> f64 {
        self.values.iter().sum()
    }

    /// Total intrazonal demand (the diagonal, which assignment leaves out).
    pub fn intrazonal(&self) -> f64 {
        self.zone_ids().map(|z| self.get(z, z)).sum()
    }

    /// Every cell multiplied by `factor`.
    pub fn scaled(&self, factor: f64) -> OdMatrix {
        OdMatrix {
            zones: self.zones,
            values: self.values.iter().map(|v| v * factor).collect(),
        }
    }
}

/// One class of demand.
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    /// Its name (reports, errors).
    pub name: String,
    /// Its demand, in units of the class (vehicles, trains, TEU...).
    pub demand: OdMatrix,
    /// Passenger-car (or capacity-unit) equivalent: how much of a link's capacity one unit
    /// of this class uses (> 0).
    pub pce: f64,
    /// A constant cost per link for this class, in time units, added to the link's time
    /// (tolls, tariffs, distance costs divided by the value of time). Empty means zero.
    pub fixed_cost: Vec<f64>,
}

/// What the assignment optimizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CostModel {
    /// Each user takes their own least-cost path (Wardrop's first principle).
    #[default]
    UserEquilibrium,
    /// Total cost is least (Wardrop's second principle): users see marginal costs
    /// `t(v) + v·t'(v)`.
    SystemOptimum,
}

impl CostModel {
    /// The cost users see on a link of volume `v`: its time, or for a system optimum its
    /// marginal time `t + v·t'`.
    #[inline]
    pub fn cost(self, vdf: &LinkVdf, v: f64) -> f64 {
        match self {
            CostModel::UserEquilibrium => vdf.time(v),
            CostModel::SystemOptimum => vdf.time(v) + v * vdf.derivative(v),
        }
    }

    /// The derivative of [`CostModel::cost`] with respect to the volume.
    #[inline]
    pub fn slope(self, vdf: &LinkVdf, v: f64) -> f64 {
        match self {
            CostModel::UserEquilibrium => vdf.derivative(v),
            CostModel::SystemOptimum => 2.0 * vdf.derivative(v) + v * vdf.second_derivative(v),
        }
    }
}

/// An assignment problem: network, classes and cost model.
#[derive(Debug, Clone)]
pub struct Problem {
    network: AssignNetwork,
    classes: Vec<Class>,
    model: CostModel,
}

/// Link flows per class and in total (pce-weighted); the per-link vectors are indexed by
/// [`AssignLinkId::index`].
#[derive(Debug, Clone, PartialEq)]
pub struct Flows {
    /// Per class, per link, in class units.
    pub class: Vec<Vec<f64>>,
    /// Per link, `Σ_k pce_k · class[k]`.
    pub total: Vec<f64>,
}

impl Problem {
    /// A problem.
    ///
    /// # Errors
    /// No class, a class whose matrix size differs from the zone count, a non-positive or
    /// non-finite pce, negative or non-finite demand or fixed costs, a fixed-cost vector of
    /// the wrong length.
    pub fn new(
        network: AssignNetwork,
        mut classes: Vec<Class>,
        model: CostModel,
    ) -> Result<Problem, AssignError> {
        if classes.is_empty() {
            return Err(AssignError::NoClasses);
        }
        for class in &mut classes {
            let bad = |fault: ClassFault| AssignError::BadClass {
                class: class.name.clone(),
                fault,
            };
            if class.demand.zones() != network.zone_count() {
                return Err(bad(ClassFault::ZoneCount {
                    matrix: class.demand.zones(),
                    network: network.zone_count(),
                }));
            }
            if !(class.pce.is_finite() && class.pce > 0.0) {
                return Err(bad(ClassFault::BadPce(class.pce)));
            }
            if let Some(v) = class
                .demand
                .values
                .iter()
                .find(|v| !(v.is_finite() && **v >= 0.0))
            {
                return Err(bad(ClassFault::BadDemand(*v)));
            }
            if class.fixed_cost.is_empty() {
                class.fixed_cost = vec![0.0; network.link_count()];
            }
            if class.fixed_cost.len() != network.link_count() {
                return Err(bad(ClassFault::FixedCostCount {
                    costs: class.fixed_cost.len(),
                    links: network.link_count(),
                }));
            }
            if let Some(v) = class
                .fixed_cost
                .iter()
                .find(|v| !(v.is_finite() && **v >= 0.0))
            {
                return Err(bad(ClassFault::BadFixedCost(*v)));
            }
        }
        Ok(Problem {
            network,
            classes,
            model,
        })
    }

    /// The TNTP problem: one class, pce 1, fixed cost `toll_factor·toll + distance_factor·length`.
    ///
    /// # Errors
    /// As [`AssignNetwork::from_tntp`] and [`Problem::new`].
    pub fn from_tntp(
        tntp: &TntpProblem,
        toll_factor: f64,
        distance_factor: f64,
        model: CostModel,
    ) -> Result<Problem, AssignError> {
        let network = AssignNetwork::from_tntp(&tntp.net)?;
        let fixed_cost = tntp
            .net
            .links
            .iter()
            .map(|l| toll_factor * l.toll + distance_factor * l.length)
            .collect();
        Problem::new(
            network,
            vec![Class {
                name: tntp.name.clone(),
                demand: tntp.demand.clone(),
                pce: 1.0,
                fixed_cost,
            }],
            model,
        )
    }

    /// The problem of a GMNS network ([`GmnsAssignment`]), one class. Zones are
    /// nodes `0..zones`: a zone whose only access node is a `centroid` node is that node;
    /// any other zone is a centroid of its own joined to each access node by a connector
    /// each way with zero cost. Zones and `centroid` nodes are never passed through; the
    /// other nodes follow in file order. Links are the file's directed links in order (link
    /// `i` is `gmns.links[i]`), then the connectors. The generalized cost adds
    /// `toll_factor · toll + distance_factor · length` to the time (minutes).
    ///
    /// # Errors
    /// As [`AssignNetwork::new`] and [`Problem::new`].
    pub fn from_gmns(
        gmns: &GmnsAssignment,
        toll_factor: f64,
        distance_factor: f64,
        model: CostModel,
    ) -> Result<Problem, AssignError> {
        let zones = gmns.zones.len() as u32;
        // The node of each file node in the problem.
        let mut number = vec![None; gmns.nodes.len()];
        let mut direct = vec![false; gmns.zones.len()];
        for (zone, access) in gmns.zone_nodes.iter().enumerate() {
            if let [node] = access[..]
                && !gmns.nodes[node as usize].through
            {
                number[node as usize] = Some(AssignZoneId::from_index(zone).node());
                direct[zone] = true;
            }
        }
        let mut next = zones;
        let number: Vec<AssignNodeId> = number
            .into_iter()
            .map(|n| {
                n.unwrap_or_else(|| {
                    next += 1;
                    AssignNodeId(next - 1)
                })
            })
            .collect();
        let mut links: Vec<LinkSpec> = gmns
            .links
            .iter()
            .map(|l| LinkSpec {
                from: number[l.from as usize],
                to: number[l.to as usize],
                vdf: l.vdf,
            })
            .collect();
        let mut fixed_cost: Vec<f64> = gmns
            .links
            .iter()
            .map(|l| toll_factor * l.toll + distance_factor * l.length)
            .collect();
        for (zone, access) in gmns.zone_nodes.iter().enumerate() {
            if direct[zone] {
                continue;
            }
            let zone = AssignZoneId::from_index(zone).node();
            for &node in access {
                let node = number[node as usize];
                for (from, to) in [(zone, node), (node, zone)] {
                    links.push(LinkSpec {
                        from,
                        to,
                        vdf: LinkVdf::constant(0.0),
                    });
                    fixed_cost.push(0.0);
                }
            }
        }
        let network = AssignNetwork::new(next, zones, zones, &links)?.without_through(
            gmns.nodes
                .iter()
                .zip(&number)
                .filter(|(n, _)| !n.through)
                .map(|(_, &number)| number),
        );
        Problem::new(
            network,
            vec![Class {
                name: gmns.name.clone(),
                demand: gmns.demand.clone(),
                pce: 1.0,
                fixed_cost,
            }],
            model,
        )
    }

    /// The same problem without `link` (its per-link fixed costs dropped with it; the links
    /// after it move down one id).
    ///
    /// # Errors
    /// As [`Problem::new`].
    pub fn without_link(&self, link: AssignLinkId) -> Result<Problem, AssignError> {
        let network = self.network.without_link(link)?;
        let classes = self
            .classes
            .iter()
            .map(|class| {
                let mut class = class.clone();
                if link.index() < class.fixed_cost.len() {
                    class.fixed_cost.remove(link.index());
                }
                class
            })
            .collect();
        Problem::new(network, classes, self.model)
    }

    /// The network.
    pub fn network(&self) -> &AssignNetwork {
        &self.network
    }

    /// The classes.
    pub fn classes(&self) -> &[Class] {
        &self.classes
    }

    /// The cost model.
    pub fn model(&self) -> CostModel {
        self.model
    }

    /// Zero flows of the right shape.
    pub fn zero_flows(&self) -> Flows {
        let links = self.network.link_count();
        Flows {
            class: vec![vec![0.0; links]; self.classes.len()],
            total: vec![0.0; links],
        }
    }

    /// Recomputes `flows.total` from the class flows.
    pub fn update_total(&self, flows: &mut Flows) {
        flows.total.fill(0.0);
        for (class, x) in self.classes.iter().zip(&flows.class) {
            for (t, v) in flows.total.iter_mut().zip(x) {
                *t += class.pce * v;
            }
        }
    }

    /// The cost every user of a link sees at total volumes `volume`, before class fixed
    /// costs: the time (user equilibrium) or the marginal time `t + v·t'` (system optimum).
    pub fn link_costs(&self, volume: &[f64], out: &mut [f64]) {
        for ((o, f), &v) in out.iter_mut().zip(self.network.vdfs()).zip(volume) {
            *o = self.model.cost(f, v);
        }
    }

    /// The objective the cost model minimizes: Beckmann's `Σ ∫₀^V t` (user equilibrium) or
    /// total time `Σ V·t(V)` (system optimum), plus `Σ_k pce_k Σ_a f_ka x_ka`.
    pub fn objective(&self, flows: &Flows) -> f64 {
        let vdfs = self.network.vdfs();
        let congestion: f64 = match self.model {
            CostModel::UserEquilibrium => vdfs
                .iter()
                .zip(&flows.total)
                .map(|(f, &v)| f.integral(v))
                .sum(),
            CostModel::SystemOptimum => vdfs
                .iter()
                .zip(&flows.total)
                .map(|(f, &v)| v * f.time(v))
                .sum(),
        };
        congestion + self.fixed_total(flows)
    }

    /// Total time `Σ_a V_a t_a(V_a)` plus fixed costs: what all users spend.
    pub fn total_cost(&self, flows: &Flows) -> f64 {
        let time: f64 = self
            .network
            .vdfs()
            .iter()
            .zip(&flows.total)
            .map(|(f, &v)| v * f.time(v))
            .sum();
        time + self.fixed_total(flows)
    }

    fn fixed_total(&self, flows: &Flows) -> f64 {
        self.classes
            .iter()
            .zip(&flows.class)
            .map(|(c, x)| c.pce * c.fixed_cost.iter().zip(x).map(|(f, v)| f * v).sum::<f64>())
            .sum()
    }

    /// Total demand of every class, pce-weighted, intrazonal demand excluded.
    pub fn total_demand(&self) -> f64 {
        self.classes
            .iter()
            .map(|c| c.pce * (c.demand.total() - c.demand.intrazonal()))
            .sum()
    }
}
