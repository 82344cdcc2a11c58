//! The models of the SimPy peer benchmark (`../shared/bench/peers/simpy_bench.py`), with the
//! same parameters and the same event counting, for side-by-side runs and tests; and the
//! oracles of the engine, models with closed forms: queues with Poisson arrivals (M/M/c,
//! M/D/c) and a ferry leaving every H hours, each recording every wait for batch means.

use super::{
    EventId, Process, ProcessId, ResourceId, Rng, Sim, SimError, Step, StoreId, TimeAverage, Value,
};
use std::cell::RefCell;
use std::rc::Rc;

/// One process yielding `timeout(1)` `n` times.
struct Ticker {
    left: u64,
}

impl Process for Ticker {
    fn resume(&mut self, sim: &mut Sim, _: ProcessId, _: Value) -> Step {
        if self.left == 0 {
            return Step::Done;
        }
        self.left -= 1;
        Step::Wait(sim.timeout(1.0))
    }
}

/// Runs one process yielding `timeout(1)` `n` times; returns the events scheduled (`n + 2`).
pub fn timeout_loop(n: u64) -> u64 {
    let mut sim = Sim::new();
    sim.process(Box::new(Ticker { left: n }));
    sim.run();
    sim.scheduled()
}

/// Service times of a queue model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Service {
    /// Exponential with this rate (M/M/c).
    Exponential(f64),
    /// Always this long (M/D/c).
    Fixed(f64),
}

/// The M/M/1 of the peer benchmark: a source of `n` customers at rate `lambda`, one server
/// at rate `mu`, exponential draws from the stream of `seed`; returns the events scheduled
/// and the mean wait in queue.
pub fn mm1(lambda: f64, mu: f64, n: u64, seed: u64) -> (u64, f64) {
    queue(lambda, Service::Exponential(mu), 1, n, seed)
}

/// A queue with Poisson arrivals at rate `lambda`, `servers` servers and `service` times: `n`
/// customers, draws from the stream of `seed`; returns the events scheduled and the mean
/// wait in queue. It records no more than the peer benchmark does; [`queue_waits`] runs the
/// same model, draw for draw, and keeps every wait.
pub fn queue(lambda: f64, service: Service, servers: usize, n: u64, seed: u64) -> (u64, f64) {
    let (events, record, _) = run_queue(lambda, service, servers, n, seed, false);
    (events, record.sum / record.count.max(1) as f64)
}

/// What a run of [`queue_waits`] records.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueRun {
    /// Events scheduled.
    pub events: u64,
    /// Each customer's wait in queue (its arrival to the grant of a server), in arrival
    /// order, in the time unit of the rates.
    pub waits: Vec<f64>,
    /// Customers waiting in queue over the run, from time 0 (for Little's law).
    pub waiting: TimeAverage,
    /// The clock at the end of the run: the last customer's departure.
    pub end: f64,
}

/// The queue of [`queue`] (Poisson arrivals at rate `lambda`, `servers` servers, at least 1,
/// `service` times, `n` customers, the stream of `seed`: the same draws, the same events),
/// keeping each customer's wait and the number waiting over time: the oracles of Erlang C
/// (M/M/c) and Pollaczek–Khinchine (M/D/1).
///
/// # Errors
/// [`SimError::BadParameter`] for an arrival or service rate that is not a finite number
/// > 0, or a fixed service time that is not a finite number ≥ 0.
pub fn queue_waits(
    lambda: f64,
    service: Service,
    servers: usize,
    n: u64,
    seed: u64,
) -> Result<QueueRun, SimError> {
    positive("lambda", lambda)?;
    match service {
        Service::Exponential(mu) => positive("service rate", mu)?,
        Service::Fixed(time) if !(time.is_finite() && time >= 0.0) => {
            return Err(SimError::BadParameter {
                name: "service time",
                value: time,
            });
        }
        Service::Fixed(_) => {}
    }
    let (events, record, end) = run_queue(lambda, service, servers, n, seed, true);
    Ok(QueueRun {
        events,
        waits: record.waits,
        waiting: record.waiting,
        end,
    })
}

/// `Ok` when `value` is a finite number > 0.
fn positive(name: &'static str, value: f64) -> Result<(), SimError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(SimError::BadParameter { name, value })
    }
}

/// What the customers of [`run_queue`] write down.
#[derive(Debug, Default)]
struct QueueRecord {
    /// Keep each wait and the number waiting (off for the benchmark).
    keep: bool,
    sum: f64,
    count: u64,
    /// By arrival index.
    waits: Vec<f64>,
    waiting: TimeAverage,
}

/// Runs the queue model; the events scheduled, the record and the end time.
fn run_queue(
    lambda: f64,
    service: Service,
    servers: usize,
    n: u64,
    seed: u64,
    keep: bool,
) -> (u64, QueueRecord, f64) {
    struct Source {
        rng: Rc<RefCell<Rng>>,
        server: ResourceId,
        lambda: f64,
        service: Service,
        left: u64,
        arrived: usize,
        record: Rc<RefCell<QueueRecord>>,
        started: bool,
    }
    struct Customer {
        rng: Rc<RefCell<Rng>>,
        server: ResourceId,
        service: Service,
        index: usize,
        arrived: f64,
        request: Option<EventId>,
        served: bool,
        record: Rc<RefCell<QueueRecord>>,
    }
    impl Process for Source {
        fn resume(&mut self, sim: &mut Sim, _: ProcessId, _: Value) -> Step {
            if self.started {
                sim.process(Box::new(Customer {
                    rng: Rc::clone(&self.rng),
                    server: self.server,
                    service: self.service,
                    index: self.arrived,
                    arrived: sim.now(),
                    request: None,
                    served: false,
                    record: Rc::clone(&self.record),
                }));
                self.arrived += 1;
            }
            self.started = true;
            if self.left == 0 {
                return Step::Done;
            }
            self.left -= 1;
            let gap = self.rng.borrow_mut().exponential(self.lambda);
            Step::Wait(sim.timeout(gap))
        }
    }
    impl Process for Customer {
        fn resume(&mut self, sim: &mut Sim, _: ProcessId, _: Value) -> Step {
            match self.request {
                None => {
                    {
                        let mut record = self.record.borrow_mut();
                        if record.keep {
                            record.waiting.add(sim.now(), 1.0);
                        }
                    }
                    let request = sim.request(self.server);
                    self.request = Some(request);
                    Step::Wait(request)
                }
                Some(_) if !self.served => {
                    self.served = true;
                    let wait = sim.now() - self.arrived;
                    let mut record = self.record.borrow_mut();
                    record.sum += wait;
                    record.count += 1;
                    if record.keep {
                        record.waiting.add(sim.now(), -1.0);
                        if record.waits.len() <= self.index {
                            record.waits.resize(self.index + 1, f64::NAN);
                        }
                        record.waits[self.index] = wait;
                    }
                    let time = match self.service {
                        Service::Exponential(mu) => self.rng.borrow_mut().exponential(mu),
                        Service::Fixed(time) => time,
                    };
                    Step::Wait(sim.timeout(time))
                }
                Some(request) => {
                    sim.release(self.server, request);
                    Step::Done
                }
            }
        }
    }
    let mut sim = Sim::new();
    let server = sim.resource(servers);
    let record = Rc::new(RefCell::new(QueueRecord {
        keep,
        ..QueueRecord::default()
    }));
    sim.process(Box::new(Source {
        rng: Rc::new(RefCell::new(Rng::new(seed, 0))),
        server,
        lambda,
        service,
        left: n,
        arrived: 0,
        record: Rc::clone(&record),
        started: false,
    }));
    sim.run();
    let record = record.take();
    (sim.scheduled(), record, sim.now())
}

/// A departure of the ferry of [`ferry_headway`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Departure {
    /// When it left (hours).
    pub at_h: f64,
    /// Units it took.
    pub loaded: u64,
    /// Units left on the quay.
    pub backlog: u64,
}

/// What a run of [`ferry_headway`] records.
#[derive(Debug, Clone, PartialEq)]
pub struct FerryRun {
    /// Events scheduled.
    pub events: u64,
    /// The first departure (hours), uniform in [0, H).
    pub phase_h: f64,
    /// Each unit's wait on the quay (its arrival to its ship's departure, hours), in arrival
    /// order; units still on the quay after the last departure are left out.
    pub waits_h: Vec<f64>,
    /// Each departure in turn.
    pub departures: Vec<Departure>,
    /// Units on the quay over the run, from time 0 to the last departure (for Little's law).
    pub quay: TimeAverage,
}

/// A ferry on a fixed headway: units arrive one by one as a Poisson process of
/// `lambda_per_h` an hour and wait on the quay (a store); a ship leaves every `headway_h`
/// hours exactly, the first at a phase uniform in [0, H) drawn from the stream of `seed`,
/// and takes up to `capacity` units first in first out (`None`: all). The run ends with the
/// `departures`-th ship. Unlimited, a unit waits H/2 on average (its arrival is uniform in
/// its headway); with K units a ship and λ > K/H the quay's backlog grows at λ − K/H an hour.
///
/// # Errors
/// [`SimError::BadParameter`] for a rate or a headway that is not a finite number > 0.
pub fn ferry_headway(
    lambda_per_h: f64,
    headway_h: f64,
    capacity: Option<u64>,
    departures: u64,
    seed: u64,
) -> Result<FerryRun, SimError> {
    positive("lambda_per_h", lambda_per_h)?;
    positive("headway_h", headway_h)?;

    #[derive(Default)]
    struct FerryRecord {
        waits_h: Vec<f64>,
        departures: Vec<Departure>,
        quay: TimeAverage,
    }
    /// `while True: yield timeout(expovariate(λ)); yield quay.put(now)`.
    struct Arrivals {
        rng: Rng,
        quay: StoreId,
        lambda_per_h: f64,
        /// The last wait was the gap before an arrival (the next is its put).
        arrived: bool,
        record: Rc<RefCell<FerryRecord>>,
    }
    impl Process for Arrivals {
        fn resume(&mut self, sim: &mut Sim, _: ProcessId, _: Value) -> Step {
            self.arrived = !self.arrived;
            if !self.arrived {
                return Step::Wait(sim.timeout(self.rng.exponential(self.lambda_per_h)));
            }
            self.record.borrow_mut().quay.add(sim.now(), 1.0);
            Step::Wait(sim.put(self.quay, sim.now().to_bits()))
        }
    }
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum ShipState {
        Start,
        Sailing,
        /// Waiting on the get of this index.
        Loading(usize),
    }
    struct Ship {
        quay: StoreId,
        headway_h: f64,
        phase_h: f64,
        capacity: Option<u64>,
        departures: u64,
        departed: u64,
        state: ShipState,
        gets: Vec<EventId>,
        record: Rc<RefCell<FerryRecord>>,
    }
    impl Process for Ship {
        fn resume(&mut self, sim: &mut Sim, _: ProcessId, value: Value) -> Step {
            let next = match self.state {
                ShipState::Start => {
                    if self.departures == 0 {
                        return Step::Done;
                    }
                    self.state = ShipState::Sailing;
                    return Step::Wait(sim.timeout(self.phase_h));
                }
                ShipState::Sailing => {
                    // Departure: take the head of the quay.
                    let on_quay = sim.items(self.quay) as u64;
                    let load = self.capacity.map_or(on_quay, |k| k.min(on_quay));
                    self.gets.clear();
                    for _ in 0..load {
                        self.gets.push(sim.get(self.quay));
                    }
                    let mut record = self.record.borrow_mut();
                    record.departures.push(Departure {
                        at_h: sim.now(),
                        loaded: load,
                        backlog: on_quay - load,
                    });
                    record.quay.set(sim.now(), (on_quay - load) as f64);
                    0
                }
                ShipState::Loading(index) => {
                    // `value` is the arrival time of the unit that get took.
                    let wait = sim.now() - f64::from_bits(value);
                    self.record.borrow_mut().waits_h.push(wait);
                    index + 1
                }
            };
            if let Some(&get) = self.gets.get(next) {
                self.state = ShipState::Loading(next);
                return Step::Wait(get);
            }
            self.departed += 1;
            if self.departed == self.departures {
                return Step::Done;
            }
            self.state = ShipState::Sailing;
            // From the phase, not the last departure: no drift over many headways.
            let at = self.phase_h + self.departed as f64 * self.headway_h;
            Step::Wait(sim.timeout(at - sim.now()))
        }
    }

    let mut rng = Rng::new(seed, 0);
    let phase_h = rng.uniform() * headway_h;
    let mut sim = Sim::new();
    let quay = sim.store(usize::MAX);
    let record = Rc::new(RefCell::new(FerryRecord::default()));
    sim.process(Box::new(Arrivals {
        rng,
        quay,
        lambda_per_h,
        arrived: true,
        record: Rc::clone(&record),
    }));
    let ship = sim.process(Box::new(Ship {
        quay,
        headway_h,
        phase_h,
        capacity,
        departures,
        departed: 0,
        state: ShipState::Start,
        gets: Vec::new(),
        record: Rc::clone(&record),
    }));
    let done = ship.done(&sim);
    sim.run_until_event(done);
    let record = record.take();
    Ok(FerryRun {
        events: sim.scheduled(),
        phase_h,
        waits_h: record.waits_h,
        departures: record.departures,
        quay: record.quay,
    })
}
