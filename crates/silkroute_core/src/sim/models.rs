//! The models of the SimPy peer benchmark (`../shared/bench/peers/simpy_bench.py`), with the
//! same parameters and the same event counting, for side-by-side runs and tests.

use super::{EventId, Process, ProcessId, ResourceId, Rng, Sim, Step, Value};

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
/// wait in queue (for the oracles: Erlang C, Pollaczek–Khinchine).
pub fn queue(lambda: f64, service: Service, servers: usize, n: u64, seed: u64) -> (u64, f64) {
    use std::cell::RefCell;
    use std::rc::Rc;
    struct Source {
        rng: Rc<RefCell<Rng>>,
        server: ResourceId,
        lambda: f64,
        service: Service,
        left: u64,
        waits: Rc<RefCell<(f64, u64)>>,
        started: bool,
    }
    struct Customer {
        rng: Rc<RefCell<Rng>>,
        server: ResourceId,
        service: Service,
        arrived: f64,
        request: Option<EventId>,
        served: bool,
        waits: Rc<RefCell<(f64, u64)>>,
    }
    impl Process for Source {
        fn resume(&mut self, sim: &mut Sim, _: ProcessId, _: Value) -> Step {
            if self.started {
                sim.process(Box::new(Customer {
                    rng: Rc::clone(&self.rng),
                    server: self.server,
                    service: self.service,
                    arrived: sim.now(),
                    request: None,
                    served: false,
                    waits: Rc::clone(&self.waits),
                }));
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
                    let request = sim.request(self.server);
                    self.request = Some(request);
                    Step::Wait(request)
                }
                Some(_) if !self.served => {
                    self.served = true;
                    let mut waits = self.waits.borrow_mut();
                    waits.0 += sim.now() - self.arrived;
                    waits.1 += 1;
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
    let waits = Rc::new(RefCell::new((0.0, 0)));
    sim.process(Box::new(Source {
        rng: Rc::new(RefCell::new(Rng::new(seed, 0))),
        server,
        lambda,
        service,
        left: n,
        waits: Rc::clone(&waits),
        started: false,
    }));
    sim.run();
    let (sum, count) = *waits.borrow();
    (sim.scheduled(), sum / count.max(1) as f64)
}
