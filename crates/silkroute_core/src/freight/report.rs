//! The results of a freight assignment in the network's terms: flows per link and handling
//! facility, volumes per corridor by path decomposition, bottlenecks, arrivals, unserved
//! demand; the records themselves are in [`crate::report::freight`].

use super::expand::handling_label;
use super::{FreightLink, FreightProblem, UnservedReason};
use crate::assign::{AssignResult, AssignZoneId, Method, SptWorkspace};
use crate::network::{ArcId, CorridorId, FreightClassId, Network, ZoneId};
use crate::report::freight::{
    BottleneckRecord, ClassRecord, CorridorAmount, CorridorFlowRecord, DestinationRecord,
    FREIGHT_REPORT_VERSION, FreightReport, HandlingFlowRecord, LinkFlowRecord, PairFlowRecord,
    SplitRecord, TotalsRecord, UnservedRecord,
};
use crate::report::round1;
use crate::route::classify_corridor;

/// Rounds a ratio (v/c, share) to 0.001.
fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// `Alashankou → Dostyk`.
fn arc_name(network: &Network, arc: ArcId) -> String {
    let arc = network.arc(arc);
    format!(
        "{} → {}",
        network.node(arc.tail).name,
        network.node(arc.head).name
    )
}

/// TEU per year by corridor (index `corridors.len()` = regional, `+ 1` = unattributed) and
/// class, and by destination zone.
pub(super) struct Attribution {
    pub(super) by_corridor: Vec<Vec<f64>>,
    pub(super) by_destination: Vec<Vec<f64>>,
    /// By origin–destination (`origin · zones + destination`), by corridor.
    pub(super) by_pair: Vec<Vec<f64>>,
}

/// Splits each class's link flows into zone-to-zone paths and classifies each path like a
/// route ([`classify_corridor`]: the corridor with the most km). Each origin–destination's
/// demand is peeled off along its cheapest path among links that still carry flow of its
/// class (at the costs the method routed with: free-flow costs for all-or-nothing, the final
/// costs otherwise), so with all-or-nothing every demand follows exactly its own route.
fn attribute(problem: &FreightProblem<'_>, result: &AssignResult) -> Attribution {
    attribute_in_order(problem, result, Peeling::REPORT)
}

/// How a decomposition peels origin–destination demand off the link flows. At an equilibrium
/// the split of link flows into paths is not unique; each rule here gives an equally valid
/// decomposition, and their differences measure the ambiguity of the corridor volumes (tested
/// in `freight/tests.rs`, documented in docs/formats.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Peeling {
    /// Pairs in reverse zone order (origins, then destinations) instead of zone order.
    pub(super) reverse: bool,
    /// Prefer the cheapest path at free-flow costs instead of at the assigned flows' costs
    /// (all-or-nothing always uses free-flow costs, the costs it routed with).
    pub(super) free_flow: bool,
}

impl Peeling {
    /// The rule of the report.
    pub(super) const REPORT: Peeling = Peeling {
        reverse: false,
        free_flow: false,
    };
}

/// [`attribute`] with a chosen peeling rule.
pub(super) fn attribute_in_order(
    problem: &FreightProblem<'_>,
    result: &AssignResult,
    peeling: Peeling,
) -> Attribution {
    let network = problem.network;
    let corridors = network.corridors().len();
    let zones = problem.problem.network().zone_count();
    let classes = problem.problem.classes().len();
    let mut by_corridor = vec![vec![0.0; classes]; corridors + 2];
    let mut by_destination = vec![vec![0.0; corridors + 2]; zones];
    let mut by_pair = vec![vec![0.0; corridors + 2]; zones * zones];
    peel(problem, result, peeling, |o, d, k, path, amount| {
        let index = match path {
            Some(path) => {
                let arcs = path.iter().filter_map(|&l| match problem.links[l].kind {
                    FreightLink::Arc(arc) => Some(network.arc(arc).link),
                    _ => None,
                });
                classify_corridor(network, arcs).map_or(corridors, |c| c.index())
            }
            None => corridors + 1,
        };
        by_corridor[index][k] += amount;
        by_destination[d.index()][index] += amount;
        by_pair[o.index() * zones + d.index()][index] += amount;
    });
    Attribution {
        by_corridor,
        by_destination,
        by_pair,
    }
}

/// The path decomposition itself: calls `visit(origin, destination, class, path, TEU)` for
/// each path peeled off (`path`: expanded links in travel order) and, with `None`, for demand
/// no path with flow left could carry.
fn peel(
    problem: &FreightProblem<'_>,
    result: &AssignResult,
    peeling: Peeling,
    mut visit: impl FnMut(AssignZoneId, AssignZoneId, usize, Option<&[usize]>, f64),
) {
    let net = problem.problem.network();
    let links = &problem.links;
    let classes = problem.problem.classes();
    let mut base = vec![0.0; links.len()];
    if result.method == Method::AllOrNothing || peeling.free_flow {
        problem
            .problem
            .link_costs(&vec![0.0; links.len()], &mut base);
    } else {
        problem.problem.link_costs(&result.flows.total, &mut base);
    }
    let total: f64 = classes
        .iter()
        .map(|c| c.demand.total() - c.demand.intrazonal())
        .sum();
    let eps = 1e-9 * total.max(1.0);
    let mut workspace = SptWorkspace::new(net.node_count());
    let mut cost = vec![0.0; links.len()];
    let mut path = Vec::new();
    for (k, class) in classes.iter().enumerate() {
        let Some(flows) = result.flows.class.get(k) else {
            continue;
        };
        let mut residual = flows.clone();
        let mut pairs: Vec<(AssignZoneId, AssignZoneId)> = net
            .zone_ids()
            .flat_map(|o| net.zone_ids().map(move |d| (o, d)))
            .filter(|&(o, d)| o != d)
            .collect();
        if peeling.reverse {
            pairs.reverse();
        }
        for (o, d) in pairs {
            let mut remaining = class.demand.get(o, d);
            while remaining > eps {
                for (l, c) in cost.iter_mut().enumerate() {
                    *c = if residual[l] > eps {
                        base[l] + class.fixed_cost[l]
                    } else {
                        f64::INFINITY
                    };
                }
                workspace.tree(net, &cost, o.node());
                if !workspace.distance(d.node()).is_finite() {
                    break;
                }
                path.clear();
                let mut node = d.node();
                while node != o.node() {
                    let link = workspace
                        .predecessor(node)
                        .expect("a reached node other than the origin has a predecessor");
                    path.push(link.index());
                    node = net.from(link);
                }
                path.reverse();
                let amount = path.iter().map(|&l| residual[l]).fold(remaining, f64::min);
                for &l in &path {
                    residual[l] -= amount;
                }
                remaining -= amount;
                visit(o, d, k, Some(&path), amount);
            }
            if remaining > eps {
                visit(o, d, k, None, remaining);
            }
        }
    }
}

/// One path of an assignment's decomposition (the one the report's corridor volumes come
/// from): a zone pair and class, its TEU per year, and the expanded links it runs on.
#[derive(Debug, Clone, PartialEq)]
pub struct PathFlow {
    /// Origin zone.
    pub origin: ZoneId,
    /// Destination zone.
    pub destination: ZoneId,
    /// The class.
    pub class: FreightClassId,
    /// TEU per year on the path.
    pub teu_per_year: f64,
    /// Indices into [`FreightProblem::links`], in travel order (connector first and last).
    pub links: Vec<usize>,
    /// The corridor the path belongs to, as the report classifies it (`None`: regional).
    pub corridor: Option<CorridorId>,
}

impl FreightProblem<'_> {
    /// The paths of the report's decomposition of `result` (demand no path could carry is
    /// left out: [`FreightProblem::unserved`] and the report's `unattributed` say how much).
    pub fn path_flows(&self, result: &AssignResult) -> Vec<PathFlow> {
        let network = self.network;
        let mut paths = Vec::new();
        peel(self, result, Peeling::REPORT, |o, d, k, path, amount| {
            if let Some(path) = path {
                let arcs = path.iter().filter_map(|&l| match self.links[l].kind {
                    FreightLink::Arc(arc) => Some(network.arc(arc).link),
                    _ => None,
                });
                paths.push(PathFlow {
                    origin: ZoneId::from_index(o.index()),
                    destination: ZoneId::from_index(d.index()),
                    class: FreightClassId::from_index(k),
                    teu_per_year: amount,
                    links: path.to_vec(),
                    corridor: classify_corridor(network, arcs),
                });
            }
        });
        paths
    }

    /// The totals of a solved assignment (what [`FreightProblem::report`] puts in `totals`),
    /// without the report's path decomposition: what a scan of many runs needs.
    pub fn totals(&self, result: &AssignResult) -> TotalsRecord {
        let network = self.network;
        let classes = self.problem.classes();
        let vdfs = self.problem.network().vdfs();
        let flows = &result.flows;
        let class_flow = |k: usize, l: usize| flows.class.get(k).map_or(0.0, |x| x[l]);
        let volume = |l: usize| flows.total.get(l).copied().unwrap_or(0.0);
        let time = |l: usize| vdfs[l].time(volume(l)) + self.queue_h.get(l).copied().unwrap_or(0.0);
        let payload_t_per_teu = network.info().payload_t / 2.0;
        let (mut teu_km, mut co2e_kg) = (0.0, 0.0);
        for (l, link) in self.links.iter().enumerate() {
            if let FreightLink::Arc(arc) = link.kind {
                let network_link = network.link(network.arc(arc).link);
                let teu: f64 = (0..classes.len()).map(|k| class_flow(k, l)).sum();
                teu_km += teu * network_link.length_km;
                co2e_kg += teu
                    * network_link.length_km
                    * payload_t_per_teu
                    * network
                        .emission_factor_of(network.arc(arc).link)
                        .kg_co2e_per_tkm;
            }
        }
        let (mut hours, mut usd, mut assigned) = (0.0, 0.0, 0.0);
        for (k, (class, spec)) in classes.iter().zip(&self.data.classes).enumerate() {
            assigned += class.demand.total() - class.demand.intrazonal();
            let mut generalized_hours = 0.0;
            for l in 0..self.links.len() {
                let x = class_flow(k, l);
                if x != 0.0 {
                    hours += x * time(l);
                    generalized_hours += x * (time(l) + class.fixed_cost[l]);
                }
            }
            usd += generalized_hours * spec.value_of_time_usd_per_teu_day / 24.0;
        }
        let unserved: f64 = self.unserved.iter().map(|u| u.teu_per_year).sum();
        TotalsRecord {
            demand_teu_per_year: round1(assigned + unserved),
            assigned_teu_per_year: round1(assigned),
            unserved_teu_per_year: round1(unserved),
            teu_km_per_year: round1(teu_km),
            co2e_t_per_year: round1(co2e_kg / 1000.0),
            teu_hours_per_year: round1(hours),
            generalized_cost_usd_per_year: round1(usd),
        }
    }

    /// The report of an assignment of this problem (by any method).
    pub fn report(&self, result: &AssignResult) -> FreightReport {
        let network = self.network;
        let classes = self.problem.classes();
        let vdfs = self.problem.network().vdfs();
        let flows = &result.flows;
        let class_flow = |k: usize, l: usize| flows.class.get(k).map_or(0.0, |x| x[l]);
        let teu_by_class = |l: usize| -> Vec<f64> {
            (0..classes.len())
                .map(|k| round1(class_flow(k, l)))
                .collect()
        };
        let teu = |l: usize| -> f64 { (0..classes.len()).map(|k| class_flow(k, l)).sum() };
        let volume = |l: usize| flows.total.get(l).copied().unwrap_or(0.0);
        // The volume-delay time plus the queue of a binding capacity.
        let time = |l: usize| vdfs[l].time(volume(l)) + self.queue_h.get(l).copied().unwrap_or(0.0);

        let mut links = Vec::new();
        let mut handling = Vec::new();
        let mut bottlenecks = Vec::new();
        for (l, link) in self.links.iter().enumerate() {
            match link.kind {
                FreightLink::Arc(arc) => {
                    let network_link = network.link(network.arc(arc).link);
                    let a = network.arc(arc);
                    let vc = link.capacity_teu_per_year.map(|c| volume(l) / c);
                    let record = LinkFlowRecord {
                        link: network_link.key.clone(),
                        from: network.node(a.tail).key.clone(),
                        to: network.node(a.head).key.clone(),
                        name: arc_name(network, arc),
                        mode: network_link.mode.as_str().to_string(),
                        corridors: crate::report::corridor_keys(network, &network_link.corridors),
                        teu_by_class: teu_by_class(l),
                        teu_per_year: round1(teu(l)),
                        capacity_teu_per_year: link.capacity_teu_per_year.map(round1),
                        vc: vc.map(round3),
                        free_flow_hours: round1(link.hours),
                        congested_hours: round1(time(l)),
                        delay_hours: round1(time(l) - link.hours),
                    };
                    if let (Some(capacity), Some(vc)) = (link.capacity_teu_per_year, vc) {
                        bottlenecks.push(BottleneckRecord {
                            name: format!("{} ({})", record.name, record.mode),
                            kind: "link".to_string(),
                            id: record.link.clone(),
                            teu_per_year: record.teu_per_year,
                            capacity_teu_per_year: round1(capacity),
                            vc,
                            delay_hours: record.delay_hours,
                        });
                    }
                    links.push(record);
                }
                FreightLink::Handling(h) => {
                    let row = network.handling(h);
                    let capacity = link.capacity_teu_per_year.unwrap_or(f64::INFINITY);
                    let vc = volume(l) / capacity;
                    let record = HandlingFlowRecord {
                        node: network.node(row.node).key.clone(),
                        kind: row.kind.as_str().to_string(),
                        name: handling_label(network, h),
                        teu_by_class: teu_by_class(l),
                        teu_per_year: round1(teu(l)),
                        capacity_teu_per_year: round1(capacity),
                        vc: round3(vc),
                        free_flow_hours: round1(link.hours),
                        congested_hours: round1(time(l)),
                        delay_hours: round1(time(l) - link.hours),
                    };
                    bottlenecks.push(BottleneckRecord {
                        name: record.name.clone(),
                        kind: "handling".to_string(),
                        id: record.node.clone(),
                        teu_per_year: record.teu_per_year,
                        capacity_teu_per_year: record.capacity_teu_per_year,
                        vc,
                        delay_hours: record.delay_hours,
                    });
                    handling.push(record);
                }
                _ => {}
            }
        }
        bottlenecks.sort_by(|a, b| b.vc.total_cmp(&a.vc).then_with(|| a.name.cmp(&b.name)));
        for b in &mut bottlenecks {
            b.vc = round3(b.vc);
        }

        let data = &self.data;
        let mut class_records = Vec::new();
        let mut total_assigned = 0.0;
        for (k, (class, spec)) in classes.iter().zip(&data.classes).enumerate() {
            let assigned = class.demand.total() - class.demand.intrazonal();
            let unserved: f64 = self
                .unserved
                .iter()
                .filter(|u| u.class.index() == k)
                .map(|u| u.teu_per_year)
                .sum();
            let mut hours = 0.0;
            let mut generalized_hours = 0.0;
            for l in 0..self.links.len() {
                let x = class_flow(k, l);
                if x != 0.0 {
                    hours += x * time(l);
                    generalized_hours += x * (time(l) + class.fixed_cost[l]);
                }
            }
            let usd = generalized_hours * spec.value_of_time_usd_per_teu_day / 24.0;
            total_assigned += assigned;
            class_records.push(ClassRecord {
                id: spec.key.clone(),
                name: spec.name.clone(),
                value_of_time_usd_per_teu_day: spec.value_of_time_usd_per_teu_day,
                pce: spec.pce,
                demand_teu_per_year: round1(assigned + unserved),
                assigned_teu_per_year: round1(assigned),
                teu_hours_per_year: round1(hours),
                generalized_cost_usd_per_year: round1(usd),
            });
        }

        let attribution = attribute(self, result);
        let corridor_count = network.corridors().len();
        let key_of = |index: usize| -> (String, String) {
            if index < corridor_count {
                let c = &network.corridors()[index];
                (c.key.clone(), c.name.clone())
            } else if index == corridor_count {
                (
                    "regional".into(),
                    "No single corridor (regional links, or track several corridors share)".into(),
                )
            } else {
                (
                    "unattributed".into(),
                    "Flow the path decomposition could not follow".into(),
                )
            }
        };
        let share = |teu: f64| {
            if total_assigned > 0.0 {
                round3(teu / total_assigned)
            } else {
                0.0
            }
        };
        let mut corridors = Vec::new();
        for (index, by_class) in attribution.by_corridor.iter().enumerate() {
            let sum: f64 = by_class.iter().sum();
            if index == corridor_count + 1 && round1(sum) == 0.0 {
                continue;
            }
            let (corridor, name) = key_of(index);
            corridors.push(CorridorFlowRecord {
                corridor,
                name,
                teu_per_year: round1(sum),
                teu_by_class: by_class.iter().map(|&v| round1(v)).collect(),
                share: share(sum),
            });
        }
        let corridor_teu = |key: &str| {
            network
                .corridor_by_key(key)
                .map(|c| attribution.by_corridor[c.index()].iter().sum::<f64>())
        };
        let northern_middle = match (corridor_teu("northern"), corridor_teu("middle")) {
            (Some(n), Some(m)) => {
                let both = n + m;
                let part = |x: f64| if both > 0.0 { round3(x / both) } else { 0.0 };
                Some(SplitRecord {
                    northern_teu_per_year: round1(n),
                    middle_teu_per_year: round1(m),
                    northern_share: part(n),
                    middle_share: part(m),
                })
            }
            _ => None,
        };
        // TEU by corridor index as records, corridors with flow only.
        let amounts = |by: &[f64]| -> Vec<CorridorAmount> {
            by.iter()
                .enumerate()
                .filter(|(_, v)| round1(**v) > 0.0)
                .map(|(index, &v)| CorridorAmount {
                    corridor: key_of(index).0,
                    teu_per_year: round1(v),
                })
                .collect()
        };
        let destinations = attribution
            .by_destination
            .iter()
            .enumerate()
            .filter(|(_, by)| by.iter().sum::<f64>() > 0.0)
            .map(|(z, by)| {
                let zone = &data.zones[z];
                DestinationRecord {
                    zone: zone.key.clone(),
                    name: zone.name.clone(),
                    teu_per_year: round1(by.iter().sum()),
                    by_corridor: amounts(by),
                }
            })
            .collect();

        let zone_count = data.zones.len();
        let pairs = attribution
            .by_pair
            .iter()
            .enumerate()
            .filter(|(_, by)| round1(by.iter().sum()) > 0.0)
            .map(|(index, by)| PairFlowRecord {
                origin: data.zones[index / zone_count].key.clone(),
                destination: data.zones[index % zone_count].key.clone(),
                teu_per_year: round1(by.iter().sum()),
                by_corridor: amounts(by),
            })
            .collect();

        let unserved = self
            .unserved
            .iter()
            .map(|u| UnservedRecord {
                origin: data.zone(u.origin).key.clone(),
                destination: data.zone(u.destination).key.clone(),
                class: data.class(u.class).key.clone(),
                teu_per_year: round1(u.teu_per_year),
                reason: match u.reason {
                    UnservedReason::ZoneClosed(zone) => format!(
                        "every place of zone `{}` is closed or has no open link",
                        data.zone(zone).key
                    ),
                    UnservedReason::NoRoute => {
                        "no route joins the two zones in this network".to_string()
                    }
                },
            })
            .collect();

        FreightReport {
            version: FREIGHT_REPORT_VERSION,
            year: self.options.year,
            closed: closed_items(network, &self.options.avoid),
            demand_factor: self.options.demand_factor,
            method: result.method.name().to_string(),
            iterations: result.iterations,
            relative_gap: result.relative_gap,
            converged: result.converged,
            classes: class_records,
            totals: self.totals(result),
            corridors,
            northern_middle,
            destinations,
            pairs,
            links,
            handling,
            bottlenecks,
            unserved,
            markets: self
                .market_split()
                .into_iter()
                .enumerate()
                .filter(|(_, (market, _))| *market > 0.0)
                .map(
                    |(index, (market, rail))| crate::report::freight::MarketRecord {
                        market: self.data.markets[index].key.clone(),
                        market_teu_per_year: round1(market),
                        rail_teu_per_year: round1(rail),
                        alternative_teu_per_year: round1(market - rail),
                        rail_share_percent: round1(100.0 * rail / market),
                        rail_premium_usd_per_teu: round1(
                            self.data.rail_premium(index, self.options.year),
                        ),
                    },
                )
                .collect(),
            tonnage: Vec::new(),
            tonnage_places: Vec::new(),
            warnings: self.warnings.iter().map(ToString::to_string).collect(),
        }
    }
}

/// The closures of a scenario as `kind:id` items.
fn closed_items(network: &Network, avoid: &crate::route::Avoid) -> Vec<String> {
    let mut items = Vec::new();
    items.extend(avoid.countries.iter().map(|c| format!("country:{c}")));
    items.extend(
        avoid
            .nodes
            .iter()
            .map(|&n| format!("node:{}", network.node(n).key)),
    );
    items.extend(
        avoid
            .links
            .iter()
            .map(|&l| format!("link:{}", network.link(l).key)),
    );
    items.extend(avoid.modes.iter().map(|m| format!("mode:{}", m.as_str())));
    items.extend(
        avoid
            .corridors
            .iter()
            .map(|&c| format!("corridor:{}", network.corridor(c).key)),
    );
    items
}
