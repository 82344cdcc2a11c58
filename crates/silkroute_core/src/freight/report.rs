//! The results of a freight assignment in the network's terms: flows per link and handling
//! facility, volumes per corridor, bottlenecks. These records are the serialization boundary
//! (documented in `docs/formats.md`, "silkroute assign: freight report"); model types do not
//! derive `Serialize`.

use super::expand::handling_label;
use super::{FreightLink, FreightProblem, UnservedReason};
use crate::assign::{AssignResult, Method, SptWorkspace};
use crate::network::{ArcId, Network};
use crate::report::round1;
use crate::route::classify_corridor;
use serde::Serialize;

/// Version of the freight report layout; bumped on any incompatible change.
pub const FREIGHT_REPORT_VERSION: u32 = 1;

/// Rounds a ratio (v/c, share) to 0.001.
fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// A demand class and what became of its demand.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClassRecord {
    /// Class id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// USD per TEU-day.
    pub value_of_time_usd_per_teu_day: f64,
    /// Capacity units per TEU.
    pub pce: f64,
    /// Demand in the data (× the demand factor), TEU per year.
    pub demand_teu_per_year: f64,
    /// Of which assigned.
    pub assigned_teu_per_year: f64,
    /// TEU-hours per year spent on links, turns and handling at the assigned flows.
    pub teu_hours_per_year: f64,
    /// Tariffs, handling and value of time, USD per year.
    pub generalized_cost_usd_per_year: f64,
}

/// Totals over all classes.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TotalsRecord {
    /// Demand, TEU per year.
    pub demand_teu_per_year: f64,
    /// Assigned, TEU per year.
    pub assigned_teu_per_year: f64,
    /// Left out because no route serves it, TEU per year.
    pub unserved_teu_per_year: f64,
    /// TEU-km per year on the network's links.
    pub teu_km_per_year: f64,
    /// TEU-hours per year.
    pub teu_hours_per_year: f64,
    /// USD per year (tariffs, handling and each class's value of time).
    pub generalized_cost_usd_per_year: f64,
}

/// TEU per year of one corridor.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CorridorFlowRecord {
    /// Corridor id, `regional` (paths on regional links only, or whose most km are on track
    /// two or more corridors share), or `unattributed` (flow the path decomposition could not
    /// follow; 0 with all-or-nothing).
    pub corridor: String,
    /// Display name.
    pub name: String,
    /// TEU per year on routes classified under the corridor.
    pub teu_per_year: f64,
    /// Per class, in the order of `classes`.
    pub teu_by_class: Vec<f64>,
    /// Share of all assigned TEU (0–1).
    pub share: f64,
}

/// Northern route against the Middle Corridor.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SplitRecord {
    /// TEU per year on the Northern route.
    pub northern_teu_per_year: f64,
    /// TEU per year on the Middle Corridor.
    pub middle_teu_per_year: f64,
    /// Northern / (Northern + Middle), 0–1.
    pub northern_share: f64,
    /// Middle / (Northern + Middle), 0–1.
    pub middle_share: f64,
}

/// TEU per year of one corridor arriving at a zone.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CorridorAmount {
    /// Corridor id (or `regional`, `unattributed`).
    pub corridor: String,
    /// TEU per year.
    pub teu_per_year: f64,
}

/// What arrives at a zone, by corridor.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DestinationRecord {
    /// Zone id.
    pub zone: String,
    /// Display name.
    pub name: String,
    /// TEU per year arriving.
    pub teu_per_year: f64,
    /// By corridor, in the dataset's corridor order, corridors with flow only.
    pub by_corridor: Vec<CorridorAmount>,
}

/// Flow on one direction of a network link.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LinkFlowRecord {
    /// Link id.
    pub link: String,
    /// Node id travelled from.
    pub from: String,
    /// Node id travelled to.
    pub to: String,
    /// `Alashankou → Dostyk`.
    pub name: String,
    /// `rail`, `sea`, `ferry` or `road`.
    pub mode: String,
    /// Corridors of the link (`regional` when none).
    pub corridors: Vec<String>,
    /// TEU per year by class, in the order of `classes`.
    pub teu_by_class: Vec<f64>,
    /// TEU per year.
    pub teu_per_year: f64,
    /// TEU (capacity units) per year in this direction, when the data gives one.
    pub capacity_teu_per_year: Option<f64>,
    /// Volume (pce-weighted) over capacity.
    pub vc: Option<f64>,
    /// Hours at zero flow (running time and wait).
    pub free_flow_hours: f64,
    /// Hours at the assigned flow.
    pub congested_hours: f64,
    /// `congested_hours − free_flow_hours`.
    pub delay_hours: f64,
}

/// Flow through a handling facility modelled with its capacity.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HandlingFlowRecord {
    /// Node id.
    pub node: String,
    /// `gauge_change`, `border`, `port` or `terminal`.
    pub kind: String,
    /// `Dostyk gauge change`.
    pub name: String,
    /// TEU per year by class.
    pub teu_by_class: Vec<f64>,
    /// TEU per year (both directions).
    pub teu_per_year: f64,
    /// Capacity, TEU per year.
    pub capacity_teu_per_year: f64,
    /// Volume (pce-weighted) over capacity.
    pub vc: f64,
    /// Handling hours at zero flow.
    pub free_flow_hours: f64,
    /// Hours at the assigned flow.
    pub congested_hours: f64,
    /// `congested_hours − free_flow_hours`.
    pub delay_hours: f64,
}

/// A capacitated link or facility, ranked by v/c.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BottleneckRecord {
    /// `Dostyk gauge change`, `Alashankou → Dostyk (rail)`: place names, and the mode of a
    /// link.
    pub name: String,
    /// `link` or `handling`.
    pub kind: String,
    /// Link id, or the node id of the facility.
    pub id: String,
    /// TEU per year.
    pub teu_per_year: f64,
    /// Capacity, TEU per year.
    pub capacity_teu_per_year: f64,
    /// Volume over capacity.
    pub vc: f64,
    /// Hours of delay per TEU.
    pub delay_hours: f64,
}

/// Demand left out.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UnservedRecord {
    /// Origin zone id.
    pub origin: String,
    /// Destination zone id.
    pub destination: String,
    /// Class id.
    pub class: String,
    /// TEU per year.
    pub teu_per_year: f64,
    /// Why.
    pub reason: String,
}

/// The report of a freight assignment.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FreightReport {
    /// Layout version ([`FREIGHT_REPORT_VERSION`]).
    pub version: u32,
    /// Network year.
    pub year: i32,
    /// What was closed (`country:RU`, `corridor:northern`, `link:ID`, `node:ID`, `mode:ferry`).
    pub closed: Vec<String>,
    /// Demand factor applied.
    pub demand_factor: f64,
    /// Assignment method (`aon`, ...).
    pub method: String,
    /// Iterations done.
    pub iterations: usize,
    /// Relative gap of the flows.
    pub relative_gap: f64,
    /// Whether the gap target was reached.
    pub converged: bool,
    /// Classes.
    pub classes: Vec<ClassRecord>,
    /// Totals.
    pub totals: TotalsRecord,
    /// TEU per year by corridor, in the dataset's order, then `regional` (and `unattributed`
    /// when some flow could not be followed).
    pub corridors: Vec<CorridorFlowRecord>,
    /// Northern against Middle, when the dataset has both corridors.
    pub northern_middle: Option<SplitRecord>,
    /// Arrivals per destination zone, by corridor.
    pub destinations: Vec<DestinationRecord>,
    /// Every open direction of every link, in arc order.
    pub links: Vec<LinkFlowRecord>,
    /// Every handling facility modelled with its capacity.
    pub handling: Vec<HandlingFlowRecord>,
    /// Capacitated links and facilities, highest v/c first.
    pub bottlenecks: Vec<BottleneckRecord>,
    /// Demand no route serves.
    pub unserved: Vec<UnservedRecord>,
    /// Things the model could not represent as the data asks.
    pub warnings: Vec<String>,
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
    let net = problem.problem.network();
    let links = &problem.links;
    let corridors = network.corridors().len();
    let zones = net.zone_count();
    let classes = problem.problem.classes();
    let mut by_corridor = vec![vec![0.0; classes.len()]; corridors + 2];
    let mut by_destination = vec![vec![0.0; corridors + 2]; zones];
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
    for (k, class) in classes.iter().enumerate() {
        let Some(flows) = result.flows.class.get(k) else {
            continue;
        };
        let mut residual = flows.clone();
        let mut pairs: Vec<(usize, usize)> = (0..zones)
            .flat_map(|o| (0..zones).map(move |d| (o, d)))
            .filter(|&(o, d)| o != d)
            .collect();
        if peeling.reverse {
            pairs.reverse();
        }
        for (o, d) in pairs {
            {
                let arrivals = &mut by_destination[d];
                let mut remaining = class.demand.get(o, d);
                while remaining > eps {
                    for (l, c) in cost.iter_mut().enumerate() {
                        *c = if residual[l] > eps {
                            base[l] + class.fixed_cost[l]
                        } else {
                            f64::INFINITY
                        };
                    }
                    workspace.tree(net, &cost, o as u32);
                    if !workspace.dist[d].is_finite() {
                        break;
                    }
                    let mut path = Vec::new();
                    let mut node = d as u32;
                    while node != o as u32 {
                        let link = workspace.pred[node as usize];
                        path.push(link as usize);
                        node = net.from(link as usize);
                    }
                    let amount = path.iter().map(|&l| residual[l]).fold(remaining, f64::min);
                    for &l in &path {
                        residual[l] -= amount;
                    }
                    remaining -= amount;
                    let arcs = path.iter().rev().filter_map(|&l| match links[l].kind {
                        FreightLink::Arc(arc) => Some(network.arc(arc).link),
                        _ => None,
                    });
                    let index =
                        classify_corridor(network, arcs).map_or(corridors, |c| c.0 as usize);
                    by_corridor[index][k] += amount;
                    arrivals[index] += amount;
                }
                if remaining > eps {
                    by_corridor[corridors + 1][k] += remaining;
                    arrivals[corridors + 1] += remaining;
                }
            }
        }
    }
    Attribution {
        by_corridor,
        by_destination,
    }
}

impl FreightProblem<'_> {
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
        let time = |l: usize| vdfs[l].time(volume(l));

        let mut links = Vec::new();
        let mut handling = Vec::new();
        let mut bottlenecks = Vec::new();
        let mut teu_km = 0.0;
        for (l, link) in self.links.iter().enumerate() {
            match link.kind {
                FreightLink::Arc(arc) => {
                    let network_link = network.link(network.arc(arc).link);
                    let a = network.arc(arc);
                    teu_km += teu(l) * network_link.length_km;
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
        let mut total_hours = 0.0;
        let mut total_usd = 0.0;
        let mut total_demand = 0.0;
        let mut total_assigned = 0.0;
        for (k, (class, spec)) in classes.iter().zip(&data.classes).enumerate() {
            let assigned = class.demand.total() - class.demand.intrazonal();
            let unserved: f64 = self
                .unserved
                .iter()
                .filter(|u| u.class.0 as usize == k)
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
            total_hours += hours;
            total_usd += usd;
            total_demand += assigned + unserved;
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
                .map(|c| attribution.by_corridor[c.0 as usize].iter().sum::<f64>())
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
                    by_corridor: by
                        .iter()
                        .enumerate()
                        .filter(|(_, v)| round1(**v) > 0.0)
                        .map(|(index, &v)| CorridorAmount {
                            corridor: key_of(index).0,
                            teu_per_year: round1(v),
                        })
                        .collect(),
                }
            })
            .collect();

        let unserved_total: f64 = self.unserved.iter().map(|u| u.teu_per_year).sum();
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
            totals: TotalsRecord {
                demand_teu_per_year: round1(total_demand),
                assigned_teu_per_year: round1(total_assigned),
                unserved_teu_per_year: round1(unserved_total),
                teu_km_per_year: round1(teu_km),
                teu_hours_per_year: round1(total_hours),
                generalized_cost_usd_per_year: round1(total_usd),
            },
            corridors,
            northern_middle,
            destinations,
            links,
            handling,
            bottlenecks,
            unserved,
            warnings: self.warnings.clone(),
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
