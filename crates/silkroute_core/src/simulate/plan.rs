//! The corridor model as the simulation runs it: each path of the year's freight assignment as
//! a sequence of stages, built from the expanded links the assignment routed it on (so a
//! simulated itinerary has the legs and transfers `route` shows, at the hours
//! [`crate::route::Scope`] gives them), and the facilities, lines and sailings those stages
//! share.

use super::SimulateError;
use super::params::SimParams;
use crate::freight::{FreightLink, FreightProblem, PathFlow};
use crate::network::{
    ArcId, CorridorId, DAYS_PER_MONTH, Dispatch, FreightClassId, HandlingId, LinkId, LoadUnit,
    Mode, Network, NodeId, ZoneId,
};
use crate::route::Scope;
use crate::scenario::Hazards;
use std::collections::BTreeMap;

/// Hours per year (365 days), for rates given per year.
pub(super) const HOURS_PER_YEAR: f64 = 365.0 * 24.0;

/// One thing a consignment does, in order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Stage {
    /// Fixed hours: running, connectors, uncapacitated transfers (consecutive ones merged).
    Hold(f64),
    /// Passing a place or entering a link that hazards can close: wait while it is closed.
    Gate(u32),
    /// A capacitated handling row (index into [`Plan::facilities`]).
    Facility(u32),
    /// A capacitated rail or road line: wait for a slot (index into [`Plan::lines`]).
    Line(u32),
    /// A water link: wait for a departure (index into [`Plan::sailings`]).
    Sailing(u32),
}

/// A capacitated handling row as a pool of positions (tracks with cranes): `servers` trains
/// at a time, each holding its position for `service_h` per train, then `rest_h` of
/// formalities that take no position. At no load a train stays `service_h + rest_h` = the
/// row's hours; at full use the positions pass the row's capacity.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct FacilityPlan {
    pub(super) handling: HandlingId,
    pub(super) servers: usize,
    /// Hours a train holds a position (a consignment of other size: in proportion).
    pub(super) service_h: f64,
    /// Hours after the position, without capacity.
    pub(super) rest_h: f64,
    /// The row's hours for the service class (what `route` charges).
    pub(super) hours: f64,
    /// Trains a day the row can handle (its TEU a day / TEU per train).
    pub(super) trains_per_day: f64,
    /// The gate of the facility's place, when hazards close it.
    pub(super) gate: Option<u32>,
    /// Where the number of positions comes from (`derived` or the `sim` file's sources).
    pub(super) servers_from: String,
    /// The queue of the year's assignment here (the multiplier of its capacity), hours.
    pub(super) equilibrium_queue_h: f64,
    /// New trains are accepted for a path through the facility while the trains waiting
    /// here take at most this many hours of its capacity (the sim file's acceptance rule).
    pub(super) accept_wait_h: f64,
    /// Platforms of the pool on the leaving side and the hours one takes to come back (a
    /// train on a position takes one platform per 2 TEU, waiting while too few are back).
    pub(super) wagon_pool: Option<(f64, f64)>,
}

/// A capacitated line (one direction): a train holds the line's slot for `slot_h` (the
/// headway its capacity allows), then runs the rest of its hours.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct LinePlan {
    pub(super) link: LinkId,
    pub(super) arc: ArcId,
    pub(super) slot_h: f64,
}

/// How a water line sails in one month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct MonthService {
    /// Hours between scheduled departures (or, sailing when full, the least between two).
    pub(super) interval_h: f64,
    /// Sails when full (or after its longest wait) instead of by the clock.
    pub(super) when_full_max_wait_h: Option<f64>,
    /// TEU a sailing takes (`None`: no limit known).
    pub(super) capacity_teu: Option<f64>,
    /// Share of the month closed by weather.
    pub(super) closed_share: f64,
    /// Mean length of a closure, hours.
    pub(super) closure_mean_h: f64,
}

/// A water link in one direction with its service by month.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct SailingPlan {
    pub(super) link: LinkId,
    pub(super) arc: ArcId,
    /// January to December.
    pub(super) months: [MonthService; 12],
    /// The mean wait `route` charges (the scope's), hours.
    pub(super) route_wait_h: f64,
    /// New boxes are accepted while the TEU waiting take at most this many hours of the
    /// line's capacity (the sim file's acceptance rule; lines without a capacity always).
    pub(super) accept_wait_h: f64,
}

/// A place or link that hazards close.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct GatePlan {
    /// `node:ID` or `link:ID`.
    pub(super) item: String,
    /// Indices of the hazards that close it.
    pub(super) hazards: Vec<usize>,
}

/// One path of the assignment with its stages.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PathPlan {
    pub(super) origin: ZoneId,
    pub(super) destination: ZoneId,
    pub(super) class: FreightClassId,
    pub(super) corridor: Option<CorridorId>,
    pub(super) teu_per_year: f64,
    pub(super) stages: Vec<Stage>,
    /// The route's hours at no load (what the assignment's free-flow path costs in hours).
    pub(super) route_h: f64,
    /// Index of its (origin, destination, corridor) group in [`Plan::groups`].
    pub(super) group: usize,
    /// Its capacitated facilities, in order (what acceptance checks).
    pub(super) facilities: Vec<u32>,
    /// Its gates, in order.
    pub(super) gates: Vec<u32>,
    /// Its water lines, in order.
    pub(super) sailings: Vec<u32>,
    /// Other paths of the same origin, destination and class, fastest first: where a train
    /// not accepted on this one goes.
    pub(super) alternatives: Vec<u32>,
}

/// A hazard as the simulation draws it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct HazardPlan {
    pub(super) group: String,
    pub(super) events_per_year: f64,
    pub(super) mean_h: f64,
    pub(super) max_h: f64,
}

/// Everything a replication needs.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Plan {
    pub(super) paths: Vec<PathPlan>,
    pub(super) facilities: Vec<FacilityPlan>,
    pub(super) lines: Vec<LinePlan>,
    pub(super) sailings: Vec<SailingPlan>,
    pub(super) gates: Vec<GatePlan>,
    pub(super) hazards: Vec<HazardPlan>,
    /// (origin, destination, corridor) of each group, sorted.
    pub(super) groups: Vec<(ZoneId, ZoneId, Option<CorridorId>)>,
    /// The corridors of the groups, sorted, and each group's index among them.
    pub(super) corridors: Vec<Option<CorridorId>>,
    pub(super) group_corridor: Vec<usize>,
    pub(super) teu_per_train: f64,
    /// Relative rate of trains by weekday, Monday first (mean 1).
    pub(super) weekly: [f64; 7],
    /// Trains leave by a regular timetable (else as a Poisson process).
    pub(super) regular: bool,
}

/// TEU per unit of a sailing's capacity (a wagon or a flat carries one FEU or two TEU).
fn teu_per_unit(unit: LoadUnit) -> f64 {
    match unit {
        LoadUnit::Wagons | LoadUnit::Feu => 2.0,
        LoadUnit::Teu => 1.0,
    }
}

/// Builds the plan of a solved assignment's paths.
pub(super) fn build(
    problem: &FreightProblem<'_>,
    paths: &[PathFlow],
    scope: &Scope<'_>,
    params: &SimParams,
    hazards: Option<&Hazards>,
) -> Result<Plan, SimulateError> {
    let network = problem.network();
    let year = problem.options().year;
    let teu_per_train = problem
        .data()
        .teu_per_train
        .filter(|t| t.is_finite() && *t > 0.0)
        .ok_or(SimulateError::NoTrainSize)?;
    let links = problem.links();

    // Hazards: the selected groups, each item a gate.
    let mut hazard_plans = Vec::new();
    let mut gates: Vec<GatePlan> = Vec::new();
    let mut gate_of_item: BTreeMap<String, u32> = BTreeMap::new();
    if let Some(hazards) = hazards {
        for hazard in &hazards.hazards {
            if !params.hazard_groups.iter().any(|g| g == &hazard.group) {
                continue;
            }
            let index = hazard_plans.len();
            hazard_plans.push(HazardPlan {
                group: hazard.group.clone(),
                events_per_year: hazard.events_per_year,
                mean_h: hazard.mean_days * 24.0,
                max_h: hazard.max_days * 24.0,
            });
            for item in &hazard.close {
                if !(item.starts_with("node:") || item.starts_with("link:")) {
                    return Err(SimulateError::HazardNotSimulated {
                        group: hazard.group.clone(),
                        item: item.clone(),
                    });
                }
                let gate = *gate_of_item.entry(item.clone()).or_insert_with(|| {
                    gates.push(GatePlan {
                        item: item.clone(),
                        hazards: Vec::new(),
                    });
                    (gates.len() - 1) as u32
                });
                gates[gate as usize].hazards.push(index);
            }
        }
        for group in &params.hazard_groups {
            if !hazards.hazards.iter().any(|h| &h.group == group) {
                return Err(SimulateError::UnknownHazardGroup {
                    group: group.clone(),
                    file: hazards.file.clone(),
                });
            }
        }
    }
    let node_gate = |node: NodeId| -> Option<u32> {
        gate_of_item
            .get(&format!("node:{}", network.node(node).key))
            .copied()
    };
    let link_gate = |link: LinkId| -> Option<u32> {
        gate_of_item
            .get(&format!("link:{}", network.link(link).key))
            .copied()
    };

    let mut facilities: Vec<FacilityPlan> = Vec::new();
    let mut facility_of: BTreeMap<HandlingId, u32> = BTreeMap::new();
    let mut lines: Vec<LinePlan> = Vec::new();
    let mut line_of: BTreeMap<ArcId, u32> = BTreeMap::new();
    let mut sailings: Vec<SailingPlan> = Vec::new();
    let mut sailing_of: BTreeMap<ArcId, u32> = BTreeMap::new();
    let mut group_of: BTreeMap<(ZoneId, ZoneId, Option<CorridorId>), usize> = BTreeMap::new();
    for path in paths {
        group_of.insert((path.origin, path.destination, path.corridor), 0);
    }
    let groups: Vec<_> = group_of.keys().copied().collect();
    for (index, value) in group_of.values_mut().enumerate() {
        *value = index;
    }

    let mut plans = Vec::with_capacity(paths.len());
    for path in paths {
        let mut stages: Vec<Stage> = Vec::new();
        let mut route_h = 0.0;
        let hold = |stages: &mut Vec<Stage>, hours: f64| {
            if hours <= 0.0 {
                return;
            }
            if let Some(Stage::Hold(h)) = stages.last_mut() {
                *h += hours;
            } else {
                stages.push(Stage::Hold(hours));
            }
        };
        let gate = |stages: &mut Vec<Stage>, gate: Option<u32>| {
            if let Some(g) = gate
                && stages.last() != Some(&Stage::Gate(g))
            {
                stages.push(Stage::Gate(g));
            }
        };
        for &l in &path.links {
            let link = &links[l];
            route_h += link.hours;
            match link.kind {
                FreightLink::Origin { .. } | FreightLink::Destination { .. } => {
                    hold(&mut stages, link.hours);
                }
                FreightLink::Turn { node, .. } => {
                    gate(&mut stages, node_gate(node));
                    hold(&mut stages, link.hours);
                }
                // The facility's own stage checks its place's gate.
                FreightLink::HubEntry { .. } | FreightLink::HubExit { .. } => {
                    hold(&mut stages, link.hours);
                }
                FreightLink::Handling(handling) => {
                    let index = match facility_of.get(&handling) {
                        Some(&index) => index,
                        None => {
                            let row = network.handling(handling);
                            let capacity_teu_per_year =
                                link.capacity_teu_per_year.unwrap_or(f64::INFINITY);
                            let trains_per_day = capacity_teu_per_year / 365.0 / teu_per_train;
                            let hours = link.hours;
                            let (servers, servers_from) = match params.servers(handling) {
                                Some((servers, sources)) => (servers, sources),
                                None => (
                                    ((hours * trains_per_day / 24.0).floor() as usize).max(1),
                                    "derived".to_string(),
                                ),
                            };
                            let service_h = if trains_per_day.is_finite() {
                                servers as f64 * 24.0 / trains_per_day
                            } else {
                                hours
                            };
                            let equilibrium_queue_h =
                                problem.queue_hours().get(l).copied().unwrap_or(0.0);
                            facilities.push(FacilityPlan {
                                handling,
                                servers,
                                service_h,
                                rest_h: (hours - service_h).max(0.0),
                                hours,
                                trains_per_day,
                                gate: node_gate(row.node),
                                servers_from,
                                equilibrium_queue_h,
                                accept_wait_h: params.accept_queue_days * 24.0,
                                wagon_pool: params.wagon_pool(handling),
                            });
                            let index = (facilities.len() - 1) as u32;
                            facility_of.insert(handling, index);
                            index
                        }
                    };
                    stages.push(Stage::Facility(index));
                }
                FreightLink::Arc(arc) => {
                    let link_id = network.arc(arc).link;
                    let network_link = network.link(link_id);
                    gate(&mut stages, link_gate(link_id));
                    let wait_h = scope.wait_h(link_id);
                    let running_h = (link.hours - wait_h).max(0.0);
                    let water = matches!(network_link.mode, Mode::Sea | Mode::Ferry);
                    let sailed = water
                        && (wait_h > 0.0
                            || network_link.sailings.iter().any(|s| s.covers_year(year)));
                    if sailed {
                        let index = *sailing_of.entry(arc).or_insert_with(|| {
                            let mut plan = sailing_plan(network, arc, link_id, year, wait_h);
                            plan.accept_wait_h = params.accept_queue_days * 24.0;
                            sailings.push(plan);
                            (sailings.len() - 1) as u32
                        });
                        stages.push(Stage::Sailing(index));
                        hold(&mut stages, running_h);
                    } else if let Some(capacity) = link.capacity_teu_per_year
                        && capacity.is_finite()
                        && capacity > 0.0
                    {
                        let slot_h = HOURS_PER_YEAR * teu_per_train / capacity;
                        let index = *line_of.entry(arc).or_insert_with(|| {
                            lines.push(LinePlan {
                                link: link_id,
                                arc,
                                slot_h,
                            });
                            (lines.len() - 1) as u32
                        });
                        stages.push(Stage::Line(index));
                        hold(&mut stages, wait_h + (running_h - slot_h).max(0.0));
                    } else {
                        hold(&mut stages, link.hours);
                    }
                }
            }
        }
        let path_facilities = stages
            .iter()
            .filter_map(|s| match s {
                Stage::Facility(f) => Some(*f),
                _ => None,
            })
            .collect();
        let mut path_gates: Vec<u32> = stages
            .iter()
            .filter_map(|s| match s {
                Stage::Gate(g) => Some(*g),
                Stage::Facility(f) => facilities[*f as usize].gate,
                _ => None,
            })
            .collect();
        path_gates.dedup();
        let path_sailings = stages
            .iter()
            .filter_map(|s| match s {
                Stage::Sailing(s) => Some(*s),
                _ => None,
            })
            .collect();
        plans.push(PathPlan {
            origin: path.origin,
            destination: path.destination,
            class: path.class,
            corridor: path.corridor,
            teu_per_year: path.teu_per_year,
            stages,
            route_h,
            group: group_of[&(path.origin, path.destination, path.corridor)],
            facilities: path_facilities,
            gates: path_gates,
            sailings: path_sailings,
            alternatives: Vec::new(),
        });
    }
    // Alternatives: the other paths of the same pair and class, fastest first.
    for p in 0..plans.len() {
        let mut others: Vec<u32> = (0..plans.len())
            .filter(|&q| {
                q != p
                    && plans[q].origin == plans[p].origin
                    && plans[q].destination == plans[p].destination
                    && plans[q].class == plans[p].class
            })
            .map(|q| q as u32)
            .collect();
        others.sort_by(|&a, &b| {
            plans[a as usize]
                .route_h
                .total_cmp(&plans[b as usize].route_h)
                .then(a.cmp(&b))
        });
        plans[p].alternatives = others;
    }
    let mut corridors: Vec<Option<CorridorId>> = groups.iter().map(|g| g.2).collect();
    corridors.sort();
    corridors.dedup();
    let group_corridor = groups
        .iter()
        .map(|g| corridors.binary_search(&g.2).unwrap_or(0))
        .collect();
    Ok(Plan {
        corridors,
        group_corridor,
        paths: plans,
        facilities,
        lines,
        sailings,
        gates,
        hazards: hazard_plans,
        groups,
        teu_per_train,
        weekly: params.weekly(),
        regular: params.regular,
    })
}

/// The service of a water link's arc by month in `year`: its sailing rows where they hold,
/// else departures every twice its own wait (so that a box arriving at random waits what
/// `route` charges), with no capacity limit.
fn sailing_plan(
    network: &Network,
    arc: ArcId,
    link: LinkId,
    year: i32,
    route_wait_h: f64,
) -> SailingPlan {
    let network_link = network.link(link);
    let fallback = MonthService {
        interval_h: 2.0 * network_link.wait_h,
        when_full_max_wait_h: None,
        capacity_teu: None,
        closed_share: 0.0,
        closure_mean_h: 0.0,
    };
    let months = std::array::from_fn(|m| {
        let month = (m + 1) as u8;
        match network_link
            .sailings
            .iter()
            .find(|s| s.covers_year(year) && s.months.contains(month))
        {
            None => fallback,
            Some(row) => MonthService {
                interval_h: 168.0 / row.sailings_per_week,
                when_full_max_wait_h: match row.dispatch {
                    Dispatch::WhenFull { max_wait_h } => Some(max_wait_h),
                    Dispatch::Timetable | Dispatch::Headway => None,
                },
                capacity_teu: row.capacity.map(|(c, unit)| c * teu_per_unit(unit)),
                closed_share: row.closed_days_per_month / DAYS_PER_MONTH,
                closure_mean_h: row.closure_mean_h,
            },
        }
    });
    SailingPlan {
        link,
        arc,
        months,
        route_wait_h,
        accept_wait_h: f64::INFINITY,
    }
}
