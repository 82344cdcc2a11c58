//! A deterministic discrete-event engine in the manner of SimPy (Müller & Vignaux): a clock, an
//! event queue ordered by (time, priority, id) so equal times resolve in scheduling order,
//! processes that wait on events, and resources (a server pool, a store of items, a container
//! of a continuous amount) with SimPy's request semantics.
//!
//! The engine keeps SimPy's rules so models port one to one and count the same events: every
//! scheduled event takes the next id (a process's start, a timeout, a granted request, a
//! release, a process's end, a run's stop time); an event's callbacks run in the order they
//! were added when it is processed; a process that waits on an event already processed goes on
//! at once. A process is a state machine ([`Process`]): Rust has no stable generators, so each
//! `yield` of a SimPy generator is a state of `resume`.
//!
//! Nothing here reads the clock of the machine or a global random source: the same model and
//! seed give the same events in the same order, whatever else runs.
//!
//! [`stats`] turns a run's output into answers: confidence intervals for steady-state means
//! by batch means (with Student's t quantiles), quantiles of weighted samples, and the time
//! average of a level such as a queue's length ([`TimeAverage`], for Little's law).
//!
//! [`models`] holds the peer benchmark's models and the oracles the engine is checked
//! against, each mean inside a 99% batch-means interval: M/M/1 at ρ = 0.5 and 0.8
//! (Wq = ρ/(μ − λ)), M/M/3 (Erlang C), M/D/1 (Pollaczek–Khinchine), a ferry every H hours
//! with Poisson arrivals (mean wait H/2), and a ferry of K units whose quay backlog grows at
//! λ − K/H; Little's law holds on each run's path, and the same seed gives the same bytes.

pub mod models;
#[cfg(test)]
mod oracle_tests;
mod random;
mod resources;
pub mod stats;
#[cfg(test)]
mod tests;

pub use random::Rng;
pub use resources::{ContainerId, ResourceId, StoreId};
pub use stats::{
    DEFAULT_BATCHES, Interval, StatsError, TimeAverage, batch_means, quantile, student_t_quantile,
    weighted_quantile,
};

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Priority of an event scheduled at the same time as others: urgent ones (a process's start,
/// a run's stop time) go first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// Before normal events of the same time.
    Urgent = 0,
    /// The default.
    Normal = 1,
}

/// An event of a [`Sim`]. Once processed, its slot serves later events (a new generation):
/// an old id then reads as processed, with value 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId {
    index: u32,
    generation: u32,
}

impl EventId {
    /// The id as one number (for a resource's queue).
    pub(crate) fn pack(self) -> u64 {
        (u64::from(self.generation) << 32) | u64::from(self.index)
    }

    /// The id of [`EventId::pack`].
    pub(crate) fn unpack(bits: u64) -> EventId {
        EventId {
            index: bits as u32,
            generation: (bits >> 32) as u32,
        }
    }
}

/// A process of a [`Sim`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProcessId(u32);

impl ProcessId {
    /// The event that fires when the process ends (others may wait on it).
    pub fn done(self, sim: &Sim) -> EventId {
        sim.processes[self.0 as usize].done
    }
}

/// What an event carries when it fires: nothing, or an item (a store's get).
pub type Value = u64;

/// What a process does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Wait for this event.
    Wait(EventId),
    /// End the process (its done event fires).
    Done,
}

/// A process: `resume` runs it from its current state to its next wait, given the value of
/// the event it waited on (0 on its first call).
pub trait Process {
    /// Runs to the next wait.
    fn resume(&mut self, sim: &mut Sim, me: ProcessId, value: Value) -> Step;
}

/// What runs when an event is processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Callback {
    /// Resume a process.
    Resume(ProcessId),
    /// Start a process (its initialize event).
    Start(ProcessId),
    /// A resource's get queue may proceed (a put was processed).
    TriggerGet(resources::Pool),
    /// A resource's put queue may proceed (a get was processed).
    TriggerPut(resources::Pool),
    /// Stop the run.
    Stop,
}

#[derive(Debug, Clone, PartialEq)]
struct EventState {
    /// Bumped when the slot is freed.
    generation: u32,
    /// Triggered: it has a value and is scheduled (or processed).
    triggered: bool,
    /// Processed: its callbacks ran.
    processed: bool,
    value: Value,
    callbacks: Callbacks,
}

/// An event's callbacks in the order added: the first inline (most events have one waiter, so
/// most need no allocation), the others in a vector.
#[derive(Debug, Clone, Default, PartialEq)]
struct Callbacks {
    first: Option<Callback>,
    rest: Vec<Callback>,
}

impl Callbacks {
    fn push(&mut self, callback: Callback) {
        if self.first.is_none() && self.rest.is_empty() {
            self.first = Some(callback);
        } else {
            self.rest.push(callback);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    time: f64,
    priority: Priority,
    id: u64,
    event: EventId,
}

impl Eq for Entry {}

impl Ord for Entry {
    // Reversed: the binary heap is a max-heap, the earliest entry must come out first.
    fn cmp(&self, other: &Entry) -> Ordering {
        other
            .time
            .total_cmp(&self.time)
            .then_with(|| other.priority.cmp(&self.priority))
            .then_with(|| other.id.cmp(&self.id))
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Entry) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

struct ProcessSlot {
    /// `None` while it runs (taken out of the slot) or after it ended.
    body: Option<Box<dyn Process>>,
    done: EventId,
}

/// Why a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunEnd {
    /// No event left.
    Empty,
    /// The stop time or the stop event was reached.
    Stopped,
}

/// Why a run cannot start.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum SimError {
    /// A stop time that is not after the current time.
    #[error("stop time {until} must be after the current time {now}")]
    UntilNotAfterNow {
        /// The stop time.
        until: f64,
        /// The clock.
        now: f64,
    },
    /// A delay that is negative or not a number.
    #[error("delay {0} must be a finite number ≥ 0")]
    BadDelay(f64),
    /// A model's parameter out of its range (a rate or a time that must be a finite number
    /// > 0, or ≥ 0 for a fixed service time).
    #[error("{name} is {value}, out of its range")]
    BadParameter {
        /// The parameter.
        name: &'static str,
        /// Its value.
        value: f64,
    },
}

/// A simulation: clock, event queue, processes and resources.
pub struct Sim {
    now: f64,
    queue: BinaryHeap<Entry>,
    next_id: u64,
    events: Vec<EventState>,
    /// Slots of processed events, for new ones.
    free: Vec<u32>,
    processes: Vec<ProcessSlot>,
    pub(crate) pools: resources::Pools,
    stop: bool,
}

impl Default for Sim {
    fn default() -> Sim {
        Sim::new()
    }
}

impl Sim {
    /// An empty simulation at time 0.
    pub fn new() -> Sim {
        Sim {
            now: 0.0,
            queue: BinaryHeap::new(),
            next_id: 0,
            events: Vec::new(),
            free: Vec::new(),
            processes: Vec::new(),
            pools: resources::Pools::default(),
            stop: false,
        }
    }

    /// The clock.
    pub fn now(&self) -> f64 {
        self.now
    }

    /// Events scheduled so far (SimPy's event-id counter: its benchmarks count this).
    pub fn scheduled(&self) -> u64 {
        self.next_id
    }

    /// A new event, not triggered (a signal a process can wait on and another can
    /// [`Sim::succeed`]).
    pub fn event(&mut self) -> EventId {
        if let Some(index) = self.free.pop() {
            let state = &mut self.events[index as usize];
            state.triggered = false;
            state.processed = false;
            state.value = 0;
            return EventId {
                index,
                generation: state.generation,
            };
        }
        self.events.push(EventState {
            generation: 0,
            triggered: false,
            processed: false,
            value: 0,
            callbacks: Callbacks::default(),
        });
        EventId {
            index: (self.events.len() - 1) as u32,
            generation: 0,
        }
    }

    /// The state of a live event (`None` once its slot serves another).
    fn live(&self, event: EventId) -> Option<&EventState> {
        let state = self.events.get(event.index as usize)?;
        (state.generation == event.generation).then_some(state)
    }

    fn live_mut(&mut self, event: EventId) -> Option<&mut EventState> {
        let state = self.events.get_mut(event.index as usize)?;
        (state.generation == event.generation).then_some(state)
    }

    /// Whether `event` has been triggered.
    pub fn triggered(&self, event: EventId) -> bool {
        self.live(event).is_none_or(|s| s.triggered)
    }

    /// Whether `event` has been processed (its callbacks ran).
    pub fn processed(&self, event: EventId) -> bool {
        self.live(event).is_none_or(|s| s.processed)
    }

    fn schedule(&mut self, event: EventId, priority: Priority, delay: f64) {
        self.queue.push(Entry {
            time: self.now + delay,
            priority,
            id: self.next_id,
            event,
        });
        self.next_id += 1;
    }

    /// Triggers `event` with `value` now (it is processed after the events already due now).
    /// An event already triggered is left as it is.
    pub fn succeed(&mut self, event: EventId, value: Value) {
        let Some(state) = self.live_mut(event) else {
            return;
        };
        if state.triggered {
            return;
        }
        state.triggered = true;
        state.value = value;
        self.schedule(event, Priority::Normal, 0.0);
    }

    /// An event that fires after `delay` (clamped to 0 when negative or not a number: use
    /// [`Sim::try_timeout`] to refuse those).
    pub fn timeout(&mut self, delay: f64) -> EventId {
        let delay = if delay.is_finite() && delay > 0.0 {
            delay
        } else {
            0.0
        };
        let event = self.event();
        self.events[event.index as usize].triggered = true;
        self.schedule(event, Priority::Normal, delay);
        event
    }

    /// As [`Sim::timeout`], refusing a negative or non-finite delay.
    ///
    /// # Errors
    /// [`SimError::BadDelay`].
    pub fn try_timeout(&mut self, delay: f64) -> Result<EventId, SimError> {
        if delay.is_finite() && delay >= 0.0 {
            Ok(self.timeout(delay))
        } else {
            Err(SimError::BadDelay(delay))
        }
    }

    /// Adds a process; it starts at the current time, before the normal events due then.
    pub fn process(&mut self, body: Box<dyn Process>) -> ProcessId {
        let done = self.event();
        let id = ProcessId(self.processes.len() as u32);
        self.processes.push(ProcessSlot {
            body: Some(body),
            done,
        });
        let start = self.event();
        let state = &mut self.events[start.index as usize];
        state.triggered = true;
        state.callbacks.push(Callback::Start(id));
        self.schedule(start, Priority::Urgent, 0.0);
        id
    }

    /// Runs `process` from its current state with `value` until it waits on an event not yet
    /// processed, or ends.
    fn resume(&mut self, process: ProcessId, mut value: Value) {
        let Some(mut body) = self.processes[process.0 as usize].body.take() else {
            return;
        };
        loop {
            match body.resume(self, process, value) {
                Step::Done => {
                    let done = self.processes[process.0 as usize].done;
                    self.succeed(done, 0);
                    return;
                }
                Step::Wait(event) => match self.live_mut(event) {
                    // Already processed: go on at once with its value.
                    Some(state) if state.processed => value = state.value,
                    None => value = 0,
                    Some(state) => {
                        state.callbacks.push(Callback::Resume(process));
                        break;
                    }
                },
            }
        }
        self.processes[process.0 as usize].body = Some(body);
    }

    /// Processes the next event; `false` when none is left.
    pub fn step(&mut self) -> bool {
        let Some(entry) = self.queue.pop() else {
            return false;
        };
        self.now = entry.time;
        let index = entry.event.index as usize;
        let state = &mut self.events[index];
        state.processed = true;
        let value = state.value;
        let Callbacks { first, rest } = std::mem::take(&mut state.callbacks);
        for callback in first.into_iter().chain(rest) {
            match callback {
                Callback::Resume(process) | Callback::Start(process) => {
                    self.resume(process, value);
                }
                Callback::TriggerGet(pool) => self.trigger(pool, false),
                Callback::TriggerPut(pool) => self.trigger(pool, true),
                Callback::Stop => {
                    // As SimPy's StopSimulation: the event's later callbacks do not run.
                    self.stop = true;
                    break;
                }
            }
        }
        // The slot serves later events.
        let state = &mut self.events[index];
        state.generation = state.generation.wrapping_add(1);
        self.free.push(index as u32);
        true
    }

    /// Runs until no event is left.
    pub fn run(&mut self) -> RunEnd {
        self.run_loop()
    }

    /// Runs until time `until` (the events due then, but for urgent ones scheduled before
    /// this call, are left for a later run), as SimPy's `run(until=…)`: the stop time is an
    /// urgent event of its own.
    ///
    /// # Errors
    /// A stop time not after the clock.
    pub fn run_until(&mut self, until: f64) -> Result<RunEnd, SimError> {
        if until.is_nan() || until <= self.now {
            return Err(SimError::UntilNotAfterNow {
                until,
                now: self.now,
            });
        }
        let stop = self.event();
        let state = &mut self.events[stop.index as usize];
        state.triggered = true;
        state.callbacks.push(Callback::Stop);
        self.schedule(stop, Priority::Urgent, until - self.now);
        Ok(self.run_loop())
    }

    /// Runs until `event` is processed (at once if it already was).
    pub fn run_until_event(&mut self, event: EventId) -> RunEnd {
        match self.live_mut(event) {
            Some(state) if !state.processed => state.callbacks.push(Callback::Stop),
            _ => return RunEnd::Stopped,
        }
        self.run_loop()
    }

    fn run_loop(&mut self) -> RunEnd {
        self.stop = false;
        while !self.stop {
            if !self.step() {
                return RunEnd::Empty;
            }
        }
        self.stop = false;
        RunEnd::Stopped
    }
}
