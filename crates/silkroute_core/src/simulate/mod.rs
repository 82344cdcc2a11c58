//! Reliability by simulation: the year's freight assignment run as trains through the
//! corridor network on the discrete-event engine ([`crate::sim`]), replication after
//! replication, giving transit-time distributions instead of mean dwell.
//!
//! * **Trains** of each path of the assignment's decomposition
//!   ([`crate::freight::FreightProblem::path_flows`]) leave as a Poisson process of its TEU a
//!   year ÷ TEU per train (the network's freight data), thinned by a weekly pattern (the sim
//!   file's; flat by default).
//! * **Stages** are the expanded links of the path, so a simulated train has the legs and
//!   transfers `route` shows, at the hours [`crate::route::Scope`] gives them: running and
//!   uncapacitated transfers are fixed hours; a **handling row with a capacity** (gauge
//!   change, border, port) is a pool of positions (tracks with cranes) that each hold a train
//!   for positions × 24 h ÷ trains a day, then the rest of the row's hours as formalities,
//!   so at no load a train stays the row's hours and at full use the row passes its
//!   capacity; a **capacitated line** is a slot held for the headway its capacity allows; a
//!   **water link** is a quay where boxes wait for a departure: by the clock (timetable or
//!   headway, at a random phase) or when full (or after the longest wait), with the month's
//!   sailings, capacity per sailing and weather closures (`sailings.csv`; an alternating
//!   renewal process with the month's closed share and mean closure), and links without
//!   sailing rows departing every twice their wait (so the mean wait is theirs).
//! * **Hazards** (the hazards file's groups the sim file names) close places and links for
//!   drawn spells; trains wait at the gate until it opens.
//!
//! Replication `r` draws from streams of (seed, r, element), so results depend on neither the
//! thread count nor the order replications run in: replications run in fixed chunks on the
//! rayon pool and their statistics add up in replication order.

mod html;
mod params;
mod plan;
mod run;
#[cfg(test)]
mod tests;

pub use html::simulation_html;
pub use params::{
    FacilityParam, MAX_HORIZON_DAYS, MAX_REPLICATIONS, MAX_SERVERS, SimParams, default_sim_params,
    parse_sim_params, read_sim_params,
};

use crate::assign::{AssignError, AssignOptions, Observer};
use crate::freight::{FreightError, FreightOptions, build_problem};
use crate::network::Network;
use crate::report::simulation::{
    CorridorTransitRecord, ElementRecord, FacilityRecord, HazardRecord, LineRecord,
    PairTransitRecord, SIMULATION_REPORT_VERSION, SailingRecord, SimulationReport, TransitRecord,
};
use crate::route::{RouteOptions, Scope};
use crate::scenario::Hazards;
use plan::Plan;
use rayon::prelude::*;
use run::{
    GroupStats, Histogram, PART_FACILITY, PART_HAZARD, PART_LINE, PART_SAILING, Stats,
    TRANSIT_BIN_H, WAIT_BIN_H, Window,
};
use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Replications run one after another on one thread before their statistics are added to the
/// others' (fixed, so the sums are the same bytes on any number of threads).
const CHUNK: usize = 4;

/// Why a simulation cannot run.
#[derive(Debug, thiserror::Error)]
pub enum SimulateError {
    /// The network's freight data gives no TEU per train.
    #[error("the network's freight data has no teu_per_train: trains cannot be formed")]
    NoTrainSize,
    /// A hazard closes something the simulation cannot hold trains at.
    #[error(
        "hazard `{group}` closes `{item}`: the simulation holds trains only at places (node:ID) and links (link:ID)"
    )]
    HazardNotSimulated {
        /// The group.
        group: String,
        /// The item.
        item: String,
    },
    /// The sim file names a hazard group the hazards file does not have.
    #[error("the sim file names hazard group `{group}`, which {file} does not have")]
    UnknownHazardGroup {
        /// The group.
        group: String,
        /// The hazards file.
        file: String,
    },
    /// A run setting is out of range.
    #[error("{field}: {reason}")]
    BadSetting {
        /// The setting.
        field: &'static str,
        /// Why.
        reason: String,
    },
    /// The progress observer asked the run to stop.
    #[error("the simulation was stopped before its last replication")]
    Stopped,
    /// The freight problem could not be built.
    #[error("freight assignment: {0}")]
    Freight(#[from] FreightError),
    /// The freight assignment failed.
    #[error("freight assignment: {0}")]
    Assign(#[from] AssignError),
}

/// How one run goes: from the sim file, each setting replaceable.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSettings {
    /// Replications.
    pub replications: usize,
    /// Days measured.
    pub horizon_days: f64,
    /// Days before them.
    pub warmup_days: f64,
    /// Days after them for the measured trains to arrive.
    pub drain_days: f64,
    /// Seed.
    pub seed: u64,
    /// On time = within the route's hours plus this.
    pub on_time_slack_h: f64,
    /// On time = within this many days (replaces the slack rule).
    pub target_days: Option<f64>,
}

impl RunSettings {
    /// The sim file's settings.
    pub fn of(params: &SimParams) -> RunSettings {
        RunSettings {
            replications: params.replications,
            horizon_days: params.horizon_days,
            warmup_days: params.warmup_days,
            drain_days: params.drain_days,
            seed: params.seed,
            on_time_slack_h: params.on_time_slack_h,
            target_days: None,
        }
    }

    /// Checks the ranges.
    ///
    /// # Errors
    /// [`SimulateError::BadSetting`] naming the setting.
    pub fn validate(&self) -> Result<(), SimulateError> {
        let bad =
            |field: &'static str, reason: String| Err(SimulateError::BadSetting { field, reason });
        if !(1..=MAX_REPLICATIONS).contains(&self.replications) {
            return bad(
                "replications",
                format!("{} is outside 1–{MAX_REPLICATIONS}", self.replications),
            );
        }
        let check = |field: &'static str, v: f64, low: f64, high: f64| {
            if v.is_finite() && v >= low && v <= high {
                Ok(())
            } else {
                bad(field, format!("{v} is outside {low}–{high}"))
            }
        };
        check("horizon_days", self.horizon_days, 1.0, MAX_HORIZON_DAYS)?;
        check("warmup_days", self.warmup_days, 0.0, 365.0)?;
        check("drain_days", self.drain_days, 0.0, MAX_HORIZON_DAYS)?;
        check("on_time_slack_hours", self.on_time_slack_h, 0.0, 8760.0)?;
        if let Some(days) = self.target_days {
            check("target_days", days, 0.1, 730.0)?;
        }
        Ok(())
    }
}

/// A corridor model ready to run: the assignment solved, its paths as stages.
#[derive(Debug, Clone)]
pub struct Simulation<'a> {
    network: &'a Network,
    year: i32,
    plan: Arc<Plan>,
    warnings: Vec<String>,
}

impl<'a> Simulation<'a> {
    /// Solves the freight assignment of `options` with `solver` (binding capacities as
    /// `freight` solves them) and builds the model of its paths.
    ///
    /// # Errors
    /// [`SimulateError`]: the assignment, hazards the model cannot hold trains at.
    pub fn prepare(
        network: &'a Network,
        options: &FreightOptions,
        params: &SimParams,
        hazards: Option<&Hazards>,
        solver: &AssignOptions,
        observer: &mut Observer<'_>,
    ) -> Result<Simulation<'a>, SimulateError> {
        let mut problem = build_problem(network, options)?;
        let (result, binding) = problem.solve(solver, observer)?;
        let mut warnings: Vec<String> = problem.warnings().iter().map(|w| w.to_string()).collect();
        if let Some(binding) = &binding
            && !binding.converged
        {
            warnings.push(format!(
                "the assignment's capacities did not settle in {} rounds (largest excess {:.1}%): facilities over capacity queue without end in the simulation",
                binding.rounds,
                binding.max_excess * 100.0
            ));
        }
        let paths = problem.path_flows(&result);
        let route_options = RouteOptions {
            year: options.year,
            avoid: options.avoid.clone(),
            sea_rate: options.sea_rate,
            risk: options.risk.clone(),
            carbon_usd_per_t: options.carbon_usd_per_t,
            reliability: options.reliability.clone(),
            value_of_reliability_usd_per_day: options.value_of_reliability_usd_per_day,
            ..RouteOptions::defaults(network)
        };
        let scope = Scope::new(network, &route_options);
        let plan = plan::build(&problem, &paths, &scope, params, hazards)?;
        Ok(Simulation {
            network,
            year: options.year,
            plan: Arc::new(plan),
            warnings,
        })
    }

    /// Runs the replications (in parallel on the rayon pool; `progress(done, total)` after
    /// each) and reports them.
    ///
    /// # Errors
    /// [`SimulateError::BadSetting`].
    pub fn run(
        &self,
        settings: &RunSettings,
        progress: &(dyn Fn(usize, usize) -> ControlFlow<()> + Sync),
    ) -> Result<SimulationReport, SimulateError> {
        settings.validate()?;
        let window = Window {
            warmup_h: settings.warmup_days * 24.0,
            horizon_h: settings.horizon_days * 24.0,
            drain_h: settings.drain_days * 24.0,
            seed: settings.seed,
            on_time_slack_h: settings.on_time_slack_h,
            target_h: settings.target_days.map(|d| d * 24.0),
            first_weekday: first_weekday(self.year),
        };
        let total = settings.replications;
        let done = AtomicUsize::new(0);
        let stopped = AtomicBool::new(false);
        let chunks: Vec<Stats> = (0..total.div_ceil(CHUNK))
            .into_par_iter()
            .map(|chunk| {
                let mut stats = Stats::new(&self.plan);
                for r in chunk * CHUNK..((chunk + 1) * CHUNK).min(total) {
                    if stopped.load(Ordering::Relaxed) {
                        break;
                    }
                    stats.merge(&run::replicate(&self.plan, &window, r));
                    if progress(done.fetch_add(1, Ordering::Relaxed) + 1, total).is_break() {
                        stopped.store(true, Ordering::Relaxed);
                    }
                }
                stats
            })
            .collect();
        if stopped.load(Ordering::Relaxed) {
            return Err(SimulateError::Stopped);
        }
        let mut stats = Stats::new(&self.plan);
        for chunk in &chunks {
            stats.merge(chunk);
        }
        Ok(self.report(&stats, settings))
    }

    /// Statistics as records.
    fn report(&self, stats: &Stats, settings: &RunSettings) -> SimulationReport {
        let network = self.network;
        let plan = &*self.plan;
        let reps = stats.replications.max(1) as f64;
        let years = reps * settings.horizon_days / 365.0;
        let horizon_h = settings.horizon_days * 24.0 * reps;
        let corridor_key = |c: Option<crate::network::CorridorId>| {
            c.map_or("regional".to_string(), |c| {
                network.corridors()[c.index()].key.clone()
            })
        };
        let zone_key = |z: crate::network::ZoneId| network.freight().zones[z.index()].key.clone();
        let mut warnings = self.warnings.clone();

        let mut pairs = Vec::new();
        let mut by_corridor: BTreeMap<Option<usize>, GroupStats> = BTreeMap::new();
        for (g, &(origin, destination, corridor)) in plan.groups.iter().enumerate() {
            let group = &stats.groups[g];
            pairs.push(PairTransitRecord {
                origin: zone_key(origin),
                destination: zone_key(destination),
                corridor: corridor_key(corridor),
                transit: transit_record(group, years),
            });
            let sum = by_corridor.entry(corridor.map(|c| c.index())).or_default();
            sum.add(group);
        }
        pairs.sort_by(|a, b| {
            (&a.origin, &a.destination, &a.corridor).cmp(&(&b.origin, &b.destination, &b.corridor))
        });
        let mut corridors: Vec<CorridorTransitRecord> = by_corridor
            .iter_mut()
            .map(|(&c, group)| {
                let k = plan
                    .corridors
                    .iter()
                    .position(|&x| x.map(|x| x.index()) == c)
                    .expect("every group's corridor is listed");
                let [n, sum, sq] = stats.corridor_replications[k];
                group.replications = n;
                group.replication_mean_sum = sum;
                group.replication_mean_sq_sum = sq;
                let group = &*group;
                let total = group.transit.total();
                CorridorTransitRecord {
                    corridor: corridor_key(c.map(crate::network::CorridorId::from_index)),
                    name: c.map_or("Regional".to_string(), |c| {
                        network.corridors()[c].name.clone()
                    }),
                    transit: transit_record(group, years),
                    share_by_day: day_shares(&group.transit, total),
                }
            })
            .collect();
        corridors.sort_by(|a, b| {
            b.transit
                .teu_per_year
                .total_cmp(&a.transit.teu_per_year)
                .then_with(|| a.corridor.cmp(&b.corridor))
        });
        let unfinished: f64 = corridors
            .iter()
            .map(|c| c.transit.unfinished_teu_per_year)
            .sum();
        if unfinished > 0.5 {
            warnings.push(format!(
                "{} TEU a year left in the measured days and had not arrived {} days after them (queues that grow without end, or a drain too short): their transit times are not in the distributions",
                round(unfinished, 0.0),
                settings.drain_days
            ));
        }

        let mut elements: BTreeMap<String, (Histogram, f64)> = BTreeMap::new();
        // Both directions of a link, and every row of a place and kind, are one element.
        let mut add_element = |key: String, histogram: &Histogram, sum: f64| {
            let element = elements.entry(key).or_default();
            element.0.merge_from(histogram);
            element.1 += sum;
        };
        let facilities = plan
            .facilities
            .iter()
            .zip(&stats.facilities)
            .map(|(f, s)| {
                let row = network.handling(f.handling);
                let node = network.node(row.node);
                add_element(
                    format!("handling:{}:{}", node.key, row.kind.as_str()),
                    &s.element,
                    s.element_sum,
                );
                let arrivals = s.arrivals_window;
                FacilityRecord {
                    node: node.key.clone(),
                    kind: row.kind.as_str().to_string(),
                    name: node.name.clone(),
                    servers: f.servers,
                    servers_source: f.servers_from.clone(),
                    service_hours: round(f.service_h, 3.0),
                    route_hours: round(f.hours, 3.0),
                    capacity_trains_per_day: round(f.trains_per_day, 2.0),
                    trains_per_day: round(arrivals / reps / settings.horizon_days, 2.0),
                    utilisation: round(
                        s.busy.integral_window / (f.servers as f64 * horizon_h),
                        3.0,
                    ),
                    mean_queue_trains: round(s.queue.integral_window / horizon_h, 2.0),
                    max_queue_trains: s.queue.max_window,
                    mean_wait_hours: round(s.wait_sum_window / arrivals.max(1.0), 2.0),
                    wait_p50_hours: quantile(&s.waits, 0.5, WAIT_BIN_H),
                    wait_p95_hours: quantile(&s.waits, 0.95, WAIT_BIN_H),
                    mean_hours: round(s.element_sum / s.element.total().max(1e-9), 2.0),
                    p95_hours: quantile(&s.element, 0.95, WAIT_BIN_H),
                }
            })
            .collect();
        let sailings = plan
            .sailings
            .iter()
            .zip(&stats.sailings)
            .map(|(p, s)| {
                let link = network.link(p.link);
                let arc = network.arc(p.arc);
                add_element(format!("link:{}", link.key), &s.element, s.element_sum);
                SailingRecord {
                    link: link.key.clone(),
                    from: network.node(arc.tail).key.clone(),
                    to: network.node(arc.head).key.clone(),
                    name: link.name.clone(),
                    sailings_per_year: round(s.departures / years, 1.0),
                    teu_per_year: round(s.loaded_teu / years, 0.0),
                    load_factor: (s.capacity_teu > 0.0)
                        .then(|| round(s.loaded_capacitated_teu / s.capacity_teu, 3.0)),
                    left_behind_teu_per_year: round(s.left_behind_teu / years, 0.0),
                    closed_days_per_year: round(s.closed_h / 24.0 / years, 1.0),
                    route_wait_hours: round(p.route_wait_h, 2.0),
                    mean_wait_hours: round(s.element_sum / s.element.total().max(1e-9), 2.0),
                    wait_p50_hours: quantile(&s.element, 0.5, WAIT_BIN_H),
                    wait_p95_hours: quantile(&s.element, 0.95, WAIT_BIN_H),
                    mean_queue_teu: round(s.queue_teu.integral_window / horizon_h, 1.0),
                }
            })
            .collect();
        let lines = plan
            .lines
            .iter()
            .zip(&stats.lines)
            .map(|(p, s)| {
                let link = network.link(p.link);
                let arc = network.arc(p.arc);
                add_element(format!("link:{}", link.key), &s.element, s.element_sum);
                LineRecord {
                    link: link.key.clone(),
                    from: network.node(arc.tail).key.clone(),
                    to: network.node(arc.head).key.clone(),
                    slot_hours: round(p.slot_h, 3.0),
                    trains_per_day: round(s.departures / reps / settings.horizon_days, 2.0),
                    mean_wait_hours: round(s.element_sum / s.element.total().max(1e-9), 2.0),
                    wait_p95_hours: quantile(&s.element, 0.95, WAIT_BIN_H),
                }
            })
            .collect();
        let elements = elements
            .into_iter()
            .filter(|(_, (h, _))| h.total() > 0.0)
            .map(|(element, (h, sum))| {
                let total = h.total();
                ElementRecord {
                    element,
                    samples: (total / plan.teu_per_train).round().max(1.0) as u64,
                    mean_hours: round(sum / total, 3.0),
                    p50_hours: quantile(&h, 0.5, WAIT_BIN_H),
                    p90_hours: quantile(&h, 0.9, WAIT_BIN_H),
                    p95_hours: quantile(&h, 0.95, WAIT_BIN_H),
                }
            })
            .collect();
        let hazards = plan
            .hazards
            .iter()
            .zip(&stats.hazard_h)
            .map(|(h, hours)| HazardRecord {
                group: h.group.clone(),
                closed_days_per_year: round(hours / 24.0 / years, 2.0),
            })
            .collect();
        SimulationReport {
            version: SIMULATION_REPORT_VERSION,
            year: self.year,
            replications: stats.replications,
            horizon_days: settings.horizon_days,
            warmup_days: settings.warmup_days,
            drain_days: settings.drain_days,
            seed: settings.seed,
            on_time: match settings.target_days {
                Some(days) => format!("within {days} days"),
                None => format!("within the route's hours + {} h", settings.on_time_slack_h),
            },
            teu_per_train: plan.teu_per_train,
            trains_per_year: round(stats.trains / years, 0.0),
            events_per_replication: round(stats.events as f64 / reps, 0.0),
            hazards,
            corridors,
            pairs,
            facilities,
            sailings,
            lines,
            elements,
            warnings,
        }
    }

    /// The model's size: paths, facilities, water lines, capacitated lines, gates.
    pub fn size(&self) -> [usize; 5] {
        let plan = &self.plan;
        [
            plan.paths.len(),
            plan.facilities.len(),
            plan.sailings.len(),
            plan.lines.len(),
            plan.gates.len(),
        ]
    }
}

fn round(value: f64, digits: f64) -> f64 {
    let scale = 10f64.powf(digits);
    let r = (value * scale).round() / scale;
    if r == 0.0 { 0.0 } else { r }
}

fn quantile(histogram: &Histogram, q: f64, bin: f64) -> f64 {
    round(histogram.quantile(q, bin).unwrap_or(0.0), 3.0)
}

/// Half-width of the 95% confidence interval of the mean transit hours, from the replications'
/// means (independent replications; Student t); 0 with fewer than two.
fn mean_ci95_h(group: &GroupStats) -> f64 {
    let n = group.replications;
    if n < 2.0 {
        return 0.0;
    }
    let mean = group.replication_mean_sum / n;
    let var = ((group.replication_mean_sq_sum - n * mean * mean) / (n - 1.0)).max(0.0);
    let t = crate::sim::student_t_quantile(0.975, n as usize - 1).unwrap_or(1.96);
    t * (var / n).sqrt()
}

fn transit_record(group: &GroupStats, years: f64) -> TransitRecord {
    let teu = group.teu.max(1e-12);
    let mean_h = group.sum_h / teu;
    let var = (group.sum_sq_h / teu - mean_h * mean_h).max(0.0);
    let days = |h: f64| round(h / 24.0, 2.0);
    let q = |p: f64| days(group.transit.quantile(p, TRANSIT_BIN_H).unwrap_or(0.0));
    TransitRecord {
        teu_per_year: round(group.teu / years, 0.0),
        route_days: days(group.route_h_teu / teu),
        mean_days: days(mean_h),
        mean_days_ci95: round(mean_ci95_h(group) / 24.0, 3.0),
        std_days: days(var.sqrt()),
        p50_days: q(0.5),
        p90_days: q(0.9),
        p95_days: q(0.95),
        on_time_share: round(group.on_time_teu / teu, 3.0),
        facility_queue_days: days(group.parts_h_teu[PART_FACILITY] / teu),
        line_queue_days: days(group.parts_h_teu[PART_LINE] / teu),
        sailing_wait_days: days(group.parts_h_teu[PART_SAILING] / teu),
        hazard_days: days(group.parts_h_teu[PART_HAZARD] / teu),
        unfinished_teu_per_year: round(((group.departed_teu - group.teu) / years).max(0.0), 0.0),
        diverted_teu_per_year: round(group.diverted_teu / years, 0.0),
        refused_teu_per_year: round(group.refused_teu / years, 0.0),
    }
}

/// Share of the TEU by whole day of transit.
fn day_shares(histogram: &Histogram, total: f64) -> Vec<f64> {
    let per_day = (24.0 / TRANSIT_BIN_H) as usize;
    histogram
        .bins
        .chunks(per_day)
        .map(|day| round(day.iter().sum::<f64>() / total.max(1e-12), 5.0))
        .collect()
}

/// Weekday of 1 January of `year`, Monday = 0 (1 January 1970 was a Thursday).
fn first_weekday(year: i32) -> u32 {
    let mut days: i64 = 0;
    for y in 1970..year {
        days += if is_leap(y) { 366 } else { 365 };
    }
    for y in year..1970 {
        days -= if is_leap(y) { 366 } else { 365 };
    }
    (days + 3).rem_euclid(7) as u32
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}
