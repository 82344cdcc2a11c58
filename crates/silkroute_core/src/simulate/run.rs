//! One replication of the corridor model on the discrete-event engine, and the statistics it
//! keeps.
//!
//! Time is hours from the start of the warm-up; the measured window is
//! `[warmup, warmup + horizon)` and starts on 1 January of the year. Trains of each path leave
//! as a Poisson process (thinned by the weekly pattern) until the window ends; the run goes on
//! for the drain days so that the measured trains arrive. A consignment is a train's TEU; a
//! ship that cannot take all of it splits it, and each part goes on alone.

use super::plan::{HOURS_PER_YEAR, MonthService, Plan, Stage};
use crate::sim::{ContainerId, EventId, Process, ProcessId, ResourceId, Rng, Sim, Step, Value};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::Arc;

/// Width of a transit-time bin, hours.
pub(super) const TRANSIT_BIN_H: f64 = 1.0;
/// Width of a waiting or element-time bin, hours.
pub(super) const WAIT_BIN_H: f64 = 0.25;
/// Largest binned transit time (longer ones go in the last bin), hours.
const MAX_TRANSIT_H: f64 = 2.0 * HOURS_PER_YEAR;
/// Largest binned wait, hours.
const MAX_WAIT_H: f64 = HOURS_PER_YEAR;

/// Where a consignment's time goes beyond its fixed hours.
pub(super) const PARTS: usize = 4;
/// Waiting for a position at a facility (queue).
pub(super) const PART_FACILITY: usize = 0;
/// Waiting for a slot on a capacitated line.
pub(super) const PART_LINE: usize = 1;
/// Waiting for a departure at a port (schedule, weather, full ships).
pub(super) const PART_SAILING: usize = 2;
/// Held by a hazard's closure.
pub(super) const PART_HAZARD: usize = 3;

/// A histogram with fixed bins; weights add.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Histogram {
    pub(super) bins: Vec<f64>,
    /// Smallest and largest value added (quantiles are clamped to them, so a distribution
    /// of one value reports that value).
    range: Option<(f64, f64)>,
}

impl Histogram {
    fn add(&mut self, value: f64, bin_width: f64, max: f64, weight: f64) {
        let bin = (value.clamp(0.0, max) / bin_width) as usize;
        if self.bins.len() <= bin {
            self.bins.resize(bin + 1, 0.0);
        }
        self.bins[bin] += weight;
        self.range = Some(match self.range {
            None => (value, value),
            Some((low, high)) => (low.min(value), high.max(value)),
        });
    }

    pub(super) fn merge_from(&mut self, other: &Histogram) {
        if self.bins.len() < other.bins.len() {
            self.bins.resize(other.bins.len(), 0.0);
        }
        for (a, b) in self.bins.iter_mut().zip(&other.bins) {
            *a += b;
        }
        self.range = match (self.range, other.range) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (a, b) => a.or(b),
        };
    }

    /// The value at quantile `q`: interpolated within the first bin whose cumulative weight
    /// reaches `q` of the total, and clamped to the smallest and largest value added; `None`
    /// when empty.
    pub(super) fn quantile(&self, q: f64, bin_width: f64) -> Option<f64> {
        let total: f64 = self.bins.iter().sum();
        let (low, high) = self.range?;
        if total <= 0.0 {
            return None;
        }
        let target = q * total;
        let mut cumulative = 0.0;
        for (bin, weight) in self.bins.iter().enumerate() {
            if *weight > 0.0 && cumulative + weight >= target {
                let within = ((target - cumulative) / weight).clamp(0.0, 1.0);
                return Some(((bin as f64 + within) * bin_width).clamp(low, high));
            }
            cumulative += weight;
        }
        Some(high)
    }

    /// Total weight.
    pub(super) fn total(&self) -> f64 {
        self.bins.iter().sum()
    }
}

/// A level that changes at events (trains queued, positions busy), integrated over the run
/// and over the measured window.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Level {
    level: f64,
    last: f64,
    /// ∫ level dt over the whole run.
    pub(super) integral_all: f64,
    /// ∫ level dt over the window.
    pub(super) integral_window: f64,
    /// Highest level in the window.
    pub(super) max_window: f64,
}

impl Level {
    fn change(&mut self, now: f64, delta: f64, window: (f64, f64)) {
        self.advance(now, window);
        self.level += delta;
        if now >= window.0 && now < window.1 {
            self.max_window = self.max_window.max(self.level);
        }
    }

    fn advance(&mut self, now: f64, window: (f64, f64)) {
        let (from, to) = (self.last.max(window.0), now.min(window.1));
        if to > from {
            self.integral_window += self.level * (to - from);
        }
        self.integral_all += self.level * (now - self.last);
        self.last = now;
    }
}

/// What one facility saw.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct FacilityStats {
    pub(super) queue: Level,
    pub(super) busy: Level,
    /// Trains that arrived in the window.
    pub(super) arrivals_window: f64,
    /// Trains that arrived over the whole run, and their summed waits (Little's law).
    pub(super) arrivals_all: f64,
    pub(super) wait_sum_all: f64,
    /// Summed waits of trains arriving in the window.
    pub(super) wait_sum_window: f64,
    /// Waits for a position of trains arriving in the window (by train).
    pub(super) waits: Histogram,
    /// Time at the facility (gate, queue, position, rest) of TEU arriving in the window.
    pub(super) element: Histogram,
    pub(super) element_sum: f64,
}

/// What one line or sailing saw (the wait before a slot or a departure).
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct WaitStats {
    /// TEU-weighted waits of TEU boarding (or taking a slot) in the window.
    pub(super) element: Histogram,
    pub(super) element_sum: f64,
    /// Departures in the window.
    pub(super) departures: f64,
    /// TEU loaded in the window.
    pub(super) loaded_teu: f64,
    /// Capacity offered by departures with a known capacity, TEU.
    pub(super) capacity_teu: f64,
    /// TEU loaded on departures with a known capacity.
    pub(super) loaded_capacitated_teu: f64,
    /// TEU left on the quay by a full ship, summed over departures.
    pub(super) left_behind_teu: f64,
    /// Hours closed by weather in the window.
    pub(super) closed_h: f64,
    /// Queue of TEU waiting (time average), and the most.
    pub(super) queue_teu: Level,
}

/// What one (origin, destination, corridor) group saw.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct GroupStats {
    pub(super) transit: Histogram,
    pub(super) teu: f64,
    pub(super) sum_h: f64,
    pub(super) sum_sq_h: f64,
    pub(super) route_h_teu: f64,
    pub(super) on_time_teu: f64,
    pub(super) parts_h_teu: [f64; PARTS],
    /// TEU that left in the window (arrived or not).
    pub(super) departed_teu: f64,
    /// TEU of this group's paths moved to another path of their pair (not accepted here).
    pub(super) diverted_teu: f64,
    /// TEU of this group's paths no path of their pair accepted.
    pub(super) refused_teu: f64,
    /// Replications with a measured TEU, and the sum and sum of squares of their mean
    /// transit hours (the confidence interval of the mean across replications).
    pub(super) replications: f64,
    pub(super) replication_mean_sum: f64,
    pub(super) replication_mean_sq_sum: f64,
}

impl GroupStats {
    /// Adds another group's (or replication's) statistics.
    pub(super) fn add(&mut self, other: &GroupStats) {
        self.transit.merge_from(&other.transit);
        self.teu += other.teu;
        self.sum_h += other.sum_h;
        self.sum_sq_h += other.sum_sq_h;
        self.route_h_teu += other.route_h_teu;
        self.on_time_teu += other.on_time_teu;
        for (x, y) in self.parts_h_teu.iter_mut().zip(&other.parts_h_teu) {
            *x += y;
        }
        self.departed_teu += other.departed_teu;
        self.diverted_teu += other.diverted_teu;
        self.refused_teu += other.refused_teu;
        self.replications += other.replications;
        self.replication_mean_sum += other.replication_mean_sum;
        self.replication_mean_sq_sum += other.replication_mean_sq_sum;
    }
}

/// The statistics of one or more replications (they add up).
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Stats {
    pub(super) replications: usize,
    pub(super) events: u64,
    pub(super) trains: f64,
    pub(super) groups: Vec<GroupStats>,
    pub(super) facilities: Vec<FacilityStats>,
    pub(super) lines: Vec<WaitStats>,
    pub(super) sailings: Vec<WaitStats>,
    /// Per corridor of [`Plan::corridors`]: replications with a measured TEU, and the sum and
    /// sum of squares of their mean transit hours.
    pub(super) corridor_replications: Vec<[f64; 3]>,
    /// Hours each gate was closed in the window.
    pub(super) gate_closed_h: Vec<f64>,
    /// Hours each hazard closed something in the window (its events' lengths).
    pub(super) hazard_h: Vec<f64>,
}

impl Stats {
    pub(super) fn new(plan: &Plan) -> Stats {
        Stats {
            replications: 0,
            events: 0,
            trains: 0.0,
            groups: vec![GroupStats::default(); plan.groups.len()],
            facilities: vec![FacilityStats::default(); plan.facilities.len()],
            lines: vec![WaitStats::default(); plan.lines.len()],
            sailings: vec![WaitStats::default(); plan.sailings.len()],
            corridor_replications: vec![[0.0; 3]; plan.corridors.len()],
            gate_closed_h: vec![0.0; plan.gates.len()],
            hazard_h: vec![0.0; plan.hazards.len()],
        }
    }

    /// Adds another replication's statistics (in replication order, for the same bytes).
    pub(super) fn merge(&mut self, other: &Stats) {
        self.replications += other.replications;
        self.events += other.events;
        self.trains += other.trains;
        for (a, b) in self.groups.iter_mut().zip(&other.groups) {
            a.add(b);
        }
        for (a, b) in self.facilities.iter_mut().zip(&other.facilities) {
            for (x, y) in [(&mut a.queue, &b.queue), (&mut a.busy, &b.busy)] {
                x.integral_all += y.integral_all;
                x.integral_window += y.integral_window;
                x.max_window = x.max_window.max(y.max_window);
            }
            a.arrivals_window += b.arrivals_window;
            a.arrivals_all += b.arrivals_all;
            a.wait_sum_all += b.wait_sum_all;
            a.wait_sum_window += b.wait_sum_window;
            a.waits.merge_from(&b.waits);
            a.element.merge_from(&b.element);
            a.element_sum += b.element_sum;
        }
        for (a, b) in self
            .lines
            .iter_mut()
            .zip(&other.lines)
            .chain(self.sailings.iter_mut().zip(&other.sailings))
        {
            a.element.merge_from(&b.element);
            a.element_sum += b.element_sum;
            a.departures += b.departures;
            a.loaded_teu += b.loaded_teu;
            a.capacity_teu += b.capacity_teu;
            a.loaded_capacitated_teu += b.loaded_capacitated_teu;
            a.left_behind_teu += b.left_behind_teu;
            a.closed_h += b.closed_h;
            a.queue_teu.integral_window += b.queue_teu.integral_window;
            a.queue_teu.integral_all += b.queue_teu.integral_all;
            a.queue_teu.max_window = a.queue_teu.max_window.max(b.queue_teu.max_window);
        }
        for (a, b) in self
            .corridor_replications
            .iter_mut()
            .zip(&other.corridor_replications)
        {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (a, b) in self.gate_closed_h.iter_mut().zip(&other.gate_closed_h) {
            *a += b;
        }
        for (a, b) in self.hazard_h.iter_mut().zip(&other.hazard_h) {
            *a += b;
        }
    }
}

/// Settings of a run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Window {
    pub(super) warmup_h: f64,
    pub(super) horizon_h: f64,
    pub(super) drain_h: f64,
    pub(super) seed: u64,
    pub(super) on_time_slack_h: f64,
    /// An absolute on-time target, hours (replaces route hours + slack).
    pub(super) target_h: Option<f64>,
    /// Weekday of 1 January of the year (Monday = 0).
    pub(super) first_weekday: u32,
}

impl Window {
    fn start(&self) -> f64 {
        self.warmup_h
    }
    fn end(&self) -> f64 {
        self.warmup_h + self.horizon_h
    }
    fn run_end(&self) -> f64 {
        self.end() + self.drain_h
    }
    fn bounds(&self) -> (f64, f64) {
        (self.start(), self.end())
    }
    /// Month (0–11) at time `t`.
    fn month(&self, t: f64) -> usize {
        let day = ((t - self.warmup_h) / 24.0).floor();
        let day = day.rem_euclid(365.0) as u32;
        const STARTS: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
        STARTS.iter().rposition(|&s| s <= day).unwrap_or(0)
    }
    fn weekday(&self, t: f64) -> usize {
        let day = ((t - self.warmup_h) / 24.0).floor() as i64 + self.first_weekday as i64;
        day.rem_euclid(7) as usize
    }
}

/// Random stream kinds, so that adding a path or a line leaves the others' draws alone.
const STREAM_HAZARDS: u64 = 1;
const STREAM_WEATHER: u64 = 2;
const STREAM_FERRY: u64 = 3;
const STREAM_SOURCE: u64 = 4;

fn stream(replication: usize, kind: u64, index: usize) -> u64 {
    ((replication as u64) << 32) | (kind << 24) | index as u64
}

/// Closed intervals, sorted and disjoint.
type Closures = Vec<(f64, f64)>;

fn merge_intervals(mut intervals: Closures) -> Closures {
    intervals.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut merged: Closures = Vec::with_capacity(intervals.len());
    for (start, end) in intervals {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// When the closure holding `t` ends, if one does.
fn closed_until(closures: &Closures, t: f64) -> Option<f64> {
    let i = closures.partition_point(|&(start, _)| start <= t);
    (i > 0 && closures[i - 1].1 > t).then(|| closures[i - 1].1)
}

fn overlap(closures: &Closures, window: (f64, f64)) -> f64 {
    closures
        .iter()
        .map(|&(s, e)| (e.min(window.1) - s.max(window.0)).max(0.0))
        .sum()
}

/// A consignment waiting at a port.
#[derive(Debug, Clone, Copy)]
struct Waiting {
    path: u32,
    stage: u32,
    born: f64,
    teu: f64,
    arrived: f64,
    parts: [f64; PARTS],
}

#[derive(Debug, Default)]
struct Quay {
    waiting: VecDeque<Waiting>,
    waiting_teu: f64,
    /// The event a ship that sails when full waits on.
    wake: Option<EventId>,
}

struct World {
    plan: Arc<Plan>,
    window: Window,
    facilities: Vec<ResourceId>,
    /// Each facility's wagon pool, if it has one.
    pools: Vec<Option<ContainerId>>,
    lines: Vec<ResourceId>,
    quays: Vec<Quay>,
    gates: Vec<Closures>,
    weather: Vec<Closures>,
    stats: Stats,
}

type Shared = Rc<RefCell<World>>;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Next,
    FacilityGate,
    FacilityQueued,
    FacilityWagons,
    FacilityServed,
    FacilityRest,
    LineQueued,
    LineHeld,
}

struct Consignment {
    world: Shared,
    path: u32,
    stage: u32,
    born: f64,
    teu: f64,
    entered: f64,
    waited: f64,
    phase: Phase,
    request: Option<EventId>,
    parts: [f64; PARTS],
}

impl Consignment {
    fn arrive(&self, world: &mut World, now: f64) {
        let window = world.window;
        if self.born < window.start() || self.born >= window.end() {
            return;
        }
        let path = &world.plan.paths[self.path as usize];
        let transit = now - self.born;
        let target = window
            .target_h
            .unwrap_or(path.route_h + window.on_time_slack_h);
        let group = &mut world.stats.groups[path.group];
        group
            .transit
            .add(transit, TRANSIT_BIN_H, MAX_TRANSIT_H, self.teu);
        group.teu += self.teu;
        group.sum_h += self.teu * transit;
        group.sum_sq_h += self.teu * transit * transit;
        group.route_h_teu += self.teu * path.route_h;
        if transit <= target + 1e-9 {
            group.on_time_teu += self.teu;
        }
        for (sum, part) in group.parts_h_teu.iter_mut().zip(&self.parts) {
            *sum += self.teu * part;
        }
    }
}

impl Process for Consignment {
    fn resume(&mut self, sim: &mut Sim, _: ProcessId, _: Value) -> Step {
        let world_rc = Rc::clone(&self.world);
        let mut world = world_rc.borrow_mut();
        let world = &mut *world;
        let plan = Arc::clone(&world.plan);
        let teu_share = self.teu / plan.teu_per_train;
        loop {
            let now = sim.now();
            let window = world.window;
            match self.phase {
                Phase::Next => {
                    let stages = &plan.paths[self.path as usize].stages;
                    let Some(&stage) = stages.get(self.stage as usize) else {
                        self.arrive(world, now);
                        return Step::Done;
                    };
                    match stage {
                        Stage::Hold(hours) => {
                            self.stage += 1;
                            return Step::Wait(sim.timeout(hours));
                        }
                        Stage::Gate(gate) => {
                            self.stage += 1;
                            if let Some(open) = closed_until(&world.gates[gate as usize], now) {
                                self.parts[PART_HAZARD] += open - now;
                                return Step::Wait(sim.timeout(open - now));
                            }
                        }
                        Stage::Facility(f) => {
                            self.entered = now;
                            self.phase = Phase::FacilityGate;
                            let facility = &plan.facilities[f as usize];
                            if let Some(gate) = facility.gate
                                && let Some(open) = closed_until(&world.gates[gate as usize], now)
                            {
                                self.parts[PART_HAZARD] += open - now;
                                return Step::Wait(sim.timeout(open - now));
                            }
                        }
                        Stage::Line(l) => {
                            self.entered = now;
                            self.phase = Phase::LineQueued;
                            let request = sim.request(world.lines[l as usize]);
                            self.request = Some(request);
                            return Step::Wait(request);
                        }
                        Stage::Sailing(s) => {
                            let quay = &mut world.quays[s as usize];
                            let was_empty = quay.waiting.is_empty();
                            quay.waiting.push_back(Waiting {
                                path: self.path,
                                stage: self.stage + 1,
                                born: self.born,
                                teu: self.teu,
                                arrived: now,
                                parts: self.parts,
                            });
                            quay.waiting_teu += self.teu;
                            world.stats.sailings[s as usize].queue_teu.change(
                                now,
                                self.teu,
                                window.bounds(),
                            );
                            let service = plan.sailings[s as usize].months[window.month(now)];
                            let full = service
                                .capacity_teu
                                .is_some_and(|c| quay.waiting_teu >= c - 1e-9);
                            if (was_empty || full)
                                && let Some(wake) = quay.wake.take()
                                && !sim.triggered(wake)
                            {
                                sim.succeed(wake, 0);
                            }
                            return Step::Done;
                        }
                    }
                }
                Phase::FacilityGate => {
                    let f = match plan.paths[self.path as usize].stages[self.stage as usize] {
                        Stage::Facility(f) => f as usize,
                        _ => unreachable!("a facility phase is at a facility stage"),
                    };
                    let stats = &mut world.stats.facilities[f];
                    stats.queue.change(now, 1.0, window.bounds());
                    stats.arrivals_all += 1.0;
                    if now >= window.start() && now < window.end() {
                        stats.arrivals_window += 1.0;
                    }
                    self.waited = now;
                    self.phase = Phase::FacilityQueued;
                    let request = sim.request(world.facilities[f]);
                    self.request = Some(request);
                    return Step::Wait(request);
                }
                Phase::FacilityQueued => {
                    let f = self.facility(&plan);
                    let stats = &mut world.stats.facilities[f];
                    let wait = now - self.waited;
                    stats.queue.change(now, -1.0, window.bounds());
                    stats.busy.change(now, 1.0, window.bounds());
                    stats.wait_sum_all += wait;
                    if self.waited >= window.start() && self.waited < window.end() {
                        stats.waits.add(wait, WAIT_BIN_H, MAX_WAIT_H, 1.0);
                        stats.wait_sum_window += wait;
                    }
                    self.parts[PART_FACILITY] += wait;
                    self.phase = Phase::FacilityWagons;
                    if let (Some(pool), Some((size, _))) =
                        (world.pools[f], plan.facilities[f].wagon_pool)
                    {
                        // Platforms for the leaving side (one per 2 TEU, never more than the
                        // pool holds): wait until enough are back.
                        self.waited = now;
                        return Step::Wait(sim.draw(pool, (self.teu / 2.0).min(size)));
                    }
                    self.waited = now;
                }
                Phase::FacilityWagons => {
                    let f = self.facility(&plan);
                    let facility = &plan.facilities[f];
                    if let (Some(pool), Some((size, turnaround_h))) =
                        (world.pools[f], facility.wagon_pool)
                    {
                        self.parts[PART_FACILITY] += now - self.waited;
                        sim.process(Box::new(Returner {
                            pool,
                            platforms: (self.teu / 2.0).min(size),
                            turnaround_h,
                            started: false,
                        }));
                    }
                    self.phase = Phase::FacilityServed;
                    return Step::Wait(sim.timeout(facility.service_h * teu_share));
                }
                Phase::FacilityServed => {
                    let f = self.facility(&plan);
                    world.stats.facilities[f]
                        .busy
                        .change(now, -1.0, window.bounds());
                    if let Some(request) = self.request.take() {
                        sim.release(world.facilities[f], request);
                    }
                    self.phase = Phase::FacilityRest;
                    let rest = plan.facilities[f].rest_h;
                    if rest > 0.0 {
                        return Step::Wait(sim.timeout(rest));
                    }
                }
                Phase::FacilityRest => {
                    let f = self.facility(&plan);
                    let stats = &mut world.stats.facilities[f];
                    if self.entered >= window.start() && self.entered < window.end() {
                        let time = now - self.entered;
                        stats.element.add(time, WAIT_BIN_H, MAX_WAIT_H, self.teu);
                        stats.element_sum += time * self.teu;
                    }
                    self.stage += 1;
                    self.phase = Phase::Next;
                }
                Phase::LineQueued => {
                    let l = match plan.paths[self.path as usize].stages[self.stage as usize] {
                        Stage::Line(l) => l as usize,
                        _ => unreachable!("a line phase is at a line stage"),
                    };
                    let wait = now - self.entered;
                    self.parts[PART_LINE] += wait;
                    if self.entered >= window.start() && self.entered < window.end() {
                        let stats = &mut world.stats.lines[l];
                        stats.element.add(wait, WAIT_BIN_H, MAX_WAIT_H, self.teu);
                        stats.element_sum += wait * self.teu;
                        stats.loaded_teu += self.teu;
                        stats.departures += 1.0;
                    }
                    self.phase = Phase::LineHeld;
                    return Step::Wait(sim.timeout(plan.lines[l].slot_h * teu_share));
                }
                Phase::LineHeld => {
                    let l = match plan.paths[self.path as usize].stages[self.stage as usize] {
                        Stage::Line(l) => l as usize,
                        _ => unreachable!("a line phase is at a line stage"),
                    };
                    if let Some(request) = self.request.take() {
                        sim.release(world.lines[l], request);
                    }
                    self.stage += 1;
                    self.phase = Phase::Next;
                }
            }
        }
    }
}

impl Consignment {
    fn facility(&self, plan: &Plan) -> usize {
        match plan.paths[self.path as usize].stages[self.stage as usize] {
            Stage::Facility(f) => f as usize,
            _ => unreachable!("a facility phase is at a facility stage"),
        }
    }
}

/// Trains of one path: by a regular timetable at the path's rate (a random phase per
/// replication) or as a Poisson process, both following the weekly pattern. A train is
/// dispatched on its path if the path accepts it, else on the fastest other path of its pair
/// that does, else refused.
struct Source {
    world: Shared,
    path: u32,
    rng: Rng,
    /// Trains per hour on an average day.
    rate_per_h: f64,
    teu: f64,
    started: bool,
}

/// Whether a path takes a new train now: none of its gates closed, and at none of its
/// facilities more waiting than the facility accepts.
fn accepts(world: &World, sim: &Sim, path: usize) -> bool {
    let now = sim.now();
    let plan = &world.plan;
    let path = &plan.paths[path];
    if path
        .gates
        .iter()
        .any(|&g| closed_until(&world.gates[g as usize], now).is_some())
    {
        return false;
    }
    let facilities_accept = path.facilities.iter().all(|&f| {
        let facility = &plan.facilities[f as usize];
        let waiting = sim.waiting(world.facilities[f as usize]) as f64;
        waiting * facility.service_h / facility.servers as f64 <= facility.accept_wait_h
    });
    facilities_accept
        && path.sailings.iter().all(|&s| {
            let line = &plan.sailings[s as usize];
            let service = line.months[world.window.month(now)];
            match service.capacity_teu {
                Some(capacity) if service.interval_h > 0.0 => {
                    world.quays[s as usize].waiting_teu * service.interval_h / capacity
                        <= line.accept_wait_h
                }
                _ => true,
            }
        })
}

/// The time at which `amount` more of the path's intensity (trains) has passed after `t`,
/// with the weekly pattern; `None` past `end`.
fn advance(
    window: &Window,
    weekly: &[f64; 7],
    rate_per_h: f64,
    t: f64,
    amount: f64,
    end: f64,
) -> Option<f64> {
    let mut t = t;
    let mut left = amount;
    while t < end {
        let day_end = ((t - window.warmup_h) / 24.0).floor() * 24.0 + 24.0 + window.warmup_h;
        let rate = rate_per_h * weekly[window.weekday(t)];
        let span = day_end - t;
        if rate > 0.0 && left <= rate * span {
            return Some(t + left / rate);
        }
        left -= rate * span;
        t = day_end;
    }
    None
}

impl Process for Source {
    fn resume(&mut self, sim: &mut Sim, _: ProcessId, _: Value) -> Step {
        let now = sim.now();
        let (window, weekly, regular) = {
            let world = self.world.borrow();
            (world.window, world.plan.weekly, world.plan.regular)
        };
        if self.started {
            self.dispatch(sim, now, &window);
        }
        let next = if regular {
            let amount = if self.started {
                1.0
            } else {
                self.rng.uniform()
            };
            advance(&window, &weekly, self.rate_per_h, now, amount, window.end())
        } else {
            let amount = self.rng.exponential(1.0);
            advance(&window, &weekly, self.rate_per_h, now, amount, window.end())
        };
        self.started = true;
        match next {
            Some(t) => Step::Wait(sim.timeout(t - now)),
            None => Step::Done,
        }
    }
}

impl Source {
    fn dispatch(&mut self, sim: &mut Sim, now: f64, window: &Window) {
        let mut world = self.world.borrow_mut();
        let plan = Arc::clone(&world.plan);
        let own = &plan.paths[self.path as usize];
        let chosen = if accepts(&world, sim, self.path as usize) {
            Some(self.path)
        } else {
            own.alternatives
                .iter()
                .copied()
                .find(|&q| accepts(&world, sim, q as usize))
        };
        let measured = now >= window.start() && now < window.end();
        if measured {
            world.stats.trains += 1.0;
        }
        let Some(path) = chosen else {
            if measured {
                world.stats.groups[own.group].refused_teu += self.teu;
            }
            return;
        };
        if measured {
            if path != self.path {
                world.stats.groups[own.group].diverted_teu += self.teu;
            }
            let group = plan.paths[path as usize].group;
            world.stats.groups[group].departed_teu += self.teu;
        }
        drop(world);
        sim.process(Box::new(Consignment {
            world: Rc::clone(&self.world),
            path,
            stage: 0,
            born: now,
            teu: self.teu,
            entered: now,
            waited: now,
            phase: Phase::Next,
            request: None,
            parts: [0.0; PARTS],
        }));
    }
}

/// A water line's departures.
struct Ferry {
    world: Shared,
    sailing: u32,
    /// The next departure of the timetable (by the clock).
    next: f64,
    last_departure: f64,
    started: bool,
    /// Waiting for the weather to open before sailing.
    held: bool,
    rng: Rng,
}

impl Ferry {
    fn service(&self, world: &World, t: f64) -> MonthService {
        world.plan.sailings[self.sailing as usize].months[world.window.month(t)]
    }

    /// Loads what the ship takes and sends it on.
    fn depart(&mut self, sim: &mut Sim, world: &mut World) {
        let now = sim.now();
        let window = world.window;
        let service = self.service(world, now);
        let capacity = service.capacity_teu.unwrap_or(f64::INFINITY);
        let s = self.sailing as usize;
        let quay = &mut world.quays[s];
        let stats = &mut world.stats.sailings[s];
        let mut load = 0.0;
        let mut spawned = Vec::new();
        while let Some(front) = quay.waiting.front_mut() {
            let room = capacity - load;
            if room <= 1e-9 {
                break;
            }
            let take = front.teu.min(room);
            let wait = now - front.arrived;
            if now >= window.start() && now < window.end() {
                stats.element.add(wait, WAIT_BIN_H, MAX_WAIT_H, take);
                stats.element_sum += wait * take;
            }
            let mut parts = front.parts;
            parts[PART_SAILING] += wait;
            spawned.push((*front, take, parts));
            front.teu -= take;
            load += take;
            if front.teu <= 1e-9 {
                quay.waiting.pop_front();
            }
        }
        quay.waiting_teu = quay.waiting.iter().map(|w| w.teu).sum();
        stats.queue_teu.change(now, -load, window.bounds());
        if now >= window.start() && now < window.end() {
            stats.departures += 1.0;
            stats.loaded_teu += load;
            if capacity.is_finite() {
                stats.capacity_teu += capacity;
                stats.loaded_capacitated_teu += load;
                stats.left_behind_teu += quay.waiting_teu;
            }
        }
        self.last_departure = now;
        for (waiting, teu, parts) in spawned {
            sim.process(Box::new(Consignment {
                world: Rc::clone(&self.world),
                path: waiting.path,
                stage: waiting.stage,
                born: waiting.born,
                teu,
                entered: now,
                waited: now,
                phase: Phase::Next,
                request: None,
                parts,
            }));
        }
    }
}

/// Brings a train's platforms back to their pool after the turnaround.
struct Returner {
    pool: ContainerId,
    platforms: f64,
    turnaround_h: f64,
    started: bool,
}

impl Process for Returner {
    fn resume(&mut self, sim: &mut Sim, _: ProcessId, _: Value) -> Step {
        if self.started {
            sim.fill(self.pool, self.platforms);
            return Step::Done;
        }
        self.started = true;
        Step::Wait(sim.timeout(self.turnaround_h))
    }
}

/// Fires a ship's wake event after a delay, unless something woke it before.
struct Alarm {
    event: EventId,
    delay: f64,
    started: bool,
}

impl Process for Alarm {
    fn resume(&mut self, sim: &mut Sim, _: ProcessId, _: Value) -> Step {
        if !self.started {
            self.started = true;
            return Step::Wait(sim.timeout(self.delay));
        }
        if !sim.triggered(self.event) {
            sim.succeed(self.event, 0);
        }
        Step::Done
    }
}

impl Process for Ferry {
    fn resume(&mut self, sim: &mut Sim, _: ProcessId, _: Value) -> Step {
        let world_rc = Rc::clone(&self.world);
        let mut world = world_rc.borrow_mut();
        let world = &mut *world;
        let now = sim.now();
        let run_end = world.window.run_end();
        if now >= run_end {
            return Step::Done;
        }
        let service = self.service(world, now);
        let s = self.sailing as usize;
        if service.interval_h <= 0.0 {
            // No wait at all: sail at once with whatever comes (a link without a schedule).
            if self.started {
                self.depart(sim, world);
            }
            self.started = true;
            let event = sim.event();
            world.quays[s].wake = Some(event);
            return Step::Wait(event);
        }
        if let Some(max_wait_h) = service.when_full_max_wait_h {
            self.started = true;
            let quay = &world.quays[s];
            let Some(first) = quay.waiting.front().map(|w| w.arrived) else {
                let event = sim.event();
                world.quays[s].wake = Some(event);
                return Step::Wait(event);
            };
            let full = service
                .capacity_teu
                .is_some_and(|c| quay.waiting_teu >= c - 1e-9);
            let earliest = self.last_departure + service.interval_h;
            let due = if full {
                now.max(earliest)
            } else {
                (first + max_wait_h).max(earliest)
            };
            if due <= now + 1e-9 {
                if let Some(open) = closed_until(&world.weather[s], now) {
                    return Step::Wait(sim.timeout(open - now));
                }
                self.depart(sim, world);
                return self.resume_later(sim, world);
            }
            let event = sim.event();
            world.quays[s].wake = Some(event);
            sim.process(Box::new(Alarm {
                event,
                delay: due - now,
                started: false,
            }));
            return Step::Wait(event);
        }
        // By the clock.
        if !self.started {
            self.started = true;
            self.next = self.rng.uniform() * service.interval_h;
            return Step::Wait(sim.timeout(self.next));
        }
        if !self.held
            && let Some(open) = closed_until(&world.weather[s], now)
        {
            self.held = true;
            return Step::Wait(sim.timeout(open - now));
        }
        self.held = false;
        self.depart(sim, world);
        while self.next <= now + 1e-9 {
            self.next += self.service(world, self.next).interval_h;
        }
        Step::Wait(sim.timeout(self.next - now))
    }
}

impl Ferry {
    /// After a departure of a ship that sails when full: wait for cargo or the next due time.
    fn resume_later(&mut self, sim: &mut Sim, world: &mut World) -> Step {
        let event = sim.event();
        world.quays[self.sailing as usize].wake = Some(event);
        sim.succeed(event, 0);
        Step::Wait(event)
    }
}

/// Draws the hazards' closures of a replication: per gate, its closed intervals; and each
/// hazard's closed hours in the window.
fn draw_hazards(plan: &Plan, window: &Window, replication: usize) -> (Vec<Closures>, Vec<f64>) {
    let mut rng = Rng::new(window.seed, stream(replication, STREAM_HAZARDS, 0));
    let run_end = window.run_end();
    let mut by_hazard: Vec<Closures> = Vec::with_capacity(plan.hazards.len());
    for hazard in &plan.hazards {
        let mut events = Vec::new();
        if hazard.events_per_year > 0.0 {
            let rate = hazard.events_per_year / HOURS_PER_YEAR;
            let mut t = rng.exponential(rate);
            while t < run_end {
                let length = rng.exponential(1.0 / hazard.mean_h).min(hazard.max_h);
                events.push((t, t + length));
                t += rng.exponential(rate);
            }
        }
        by_hazard.push(merge_intervals(events));
    }
    let gates = plan
        .gates
        .iter()
        .map(|gate| {
            merge_intervals(
                gate.hazards
                    .iter()
                    .flat_map(|&h| by_hazard[h].iter().copied())
                    .collect(),
            )
        })
        .collect();
    let hours = by_hazard
        .iter()
        .map(|c| overlap(c, window.bounds()))
        .collect();
    (gates, hours)
}

/// Weather closures of a line: an alternating renewal process whose closed spells have the
/// month's mean length and whose open spells make the month's closed share.
fn draw_weather(plan: &Plan, window: &Window, replication: usize, s: usize) -> Closures {
    let mut rng = Rng::new(window.seed, stream(replication, STREAM_WEATHER, s));
    let months = &plan.sailings[s].months;
    if months.iter().all(|m| m.closed_share <= 0.0) {
        return Vec::new();
    }
    let run_end = window.run_end();
    let mut closures = Vec::new();
    let mut t = 0.0;
    while t < run_end {
        let service = months[window.month(t)];
        let share = service.closed_share;
        if share <= 0.0 || service.closure_mean_h <= 0.0 {
            // Calm month: on to the next day.
            t = ((t / 24.0).floor() + 1.0) * 24.0;
            continue;
        }
        let open_mean = service.closure_mean_h * (1.0 - share) / share;
        t += rng.exponential(1.0 / open_mean);
        if t >= run_end {
            break;
        }
        let closed_share_now = months[window.month(t)].closed_share;
        if closed_share_now <= 0.0 {
            continue;
        }
        let length = rng.exponential(1.0 / months[window.month(t)].closure_mean_h.max(1e-9));
        closures.push((t, t + length));
        t += length;
    }
    merge_intervals(closures)
}

/// Runs replication `replication` and returns its statistics.
pub(super) fn replicate(plan: &Arc<Plan>, window: &Window, replication: usize) -> Stats {
    let mut sim = Sim::new();
    let (gates, hazard_h) = draw_hazards(plan, window, replication);
    let weather: Vec<Closures> = (0..plan.sailings.len())
        .map(|s| draw_weather(plan, window, replication, s))
        .collect();
    let mut stats = Stats::new(plan);
    stats.replications = 1;
    stats.hazard_h = hazard_h;
    for (g, closures) in gates.iter().enumerate() {
        stats.gate_closed_h[g] = overlap(closures, window.bounds());
    }
    for (s, closures) in weather.iter().enumerate() {
        stats.sailings[s].closed_h = overlap(closures, window.bounds());
    }
    let facilities = plan
        .facilities
        .iter()
        .map(|f| sim.resource(f.servers))
        .collect();
    let pools = plan
        .facilities
        .iter()
        .map(|f| {
            f.wagon_pool
                .map(|(platforms, _)| sim.container(platforms, platforms))
        })
        .collect();
    let lines = plan.lines.iter().map(|_| sim.resource(1)).collect();
    let world = Rc::new(RefCell::new(World {
        plan: Arc::clone(plan),
        window: *window,
        facilities,
        pools,
        lines,
        quays: (0..plan.sailings.len()).map(|_| Quay::default()).collect(),
        gates,
        weather,
        stats,
    }));
    for s in 0..plan.sailings.len() {
        sim.process(Box::new(Ferry {
            world: Rc::clone(&world),
            sailing: s as u32,
            next: 0.0,
            last_departure: f64::NEG_INFINITY,
            started: false,
            held: false,
            rng: Rng::new(window.seed, stream(replication, STREAM_FERRY, s)),
        }));
    }
    for (p, path) in plan.paths.iter().enumerate() {
        let trains_per_year = path.teu_per_year / plan.teu_per_train;
        if trains_per_year <= 0.0 {
            continue;
        }
        sim.process(Box::new(Source {
            world: Rc::clone(&world),
            path: p as u32,
            rng: Rng::new(window.seed, stream(replication, STREAM_SOURCE, p)),
            rate_per_h: trains_per_year / HOURS_PER_YEAR,
            teu: plan.teu_per_train,
            started: false,
        }));
    }
    let run_end = window.run_end();
    // `run_until` fails only on a time before now, which 0 ≤ run_end rules out.
    let _ = sim.run_until(run_end);
    let mut world = world.borrow_mut();
    let bounds = window.bounds();
    let World { stats, .. } = &mut *world;
    for f in &mut stats.facilities {
        f.queue.advance(run_end, bounds);
        f.busy.advance(run_end, bounds);
    }
    for s in &mut stats.sailings {
        s.queue_teu.advance(run_end, bounds);
    }
    let mut by_corridor = vec![(0.0, 0.0); plan.corridors.len()];
    for (group, &k) in stats.groups.iter().zip(&plan.group_corridor) {
        by_corridor[k].0 += group.teu;
        by_corridor[k].1 += group.sum_h;
    }
    for (k, (teu, sum_h)) in by_corridor.into_iter().enumerate() {
        if teu > 0.0 {
            let mean = sum_h / teu;
            stats.corridor_replications[k] = [1.0, mean, mean * mean];
        }
    }
    for group in &mut stats.groups {
        if group.teu > 0.0 {
            let mean = group.sum_h / group.teu;
            group.replications = 1.0;
            group.replication_mean_sum = mean;
            group.replication_mean_sq_sum = mean * mean;
        }
    }
    stats.events = sim.scheduled();
    std::mem::take(stats)
}
