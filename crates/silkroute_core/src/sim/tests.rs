//! SimPy's own benchmark models (tests/test_benchmark.py of SimPy 4.1.1: a store, a resource
//! and a container simulation) ported state for state: the engine must schedule exactly the
//! events SimPy does (87, 94 and 104). Then the event counts of the peer benchmark's timeout
//! loop and M/M/1 queue; the queues against their closed forms are in `oracle_tests`.

use super::*;

/// `for i in range(n): yield timeout(1); yield store.put(i)`.
struct Producer {
    store: StoreId,
    i: u64,
    n: u64,
    after_timeout: bool,
}

impl Process for Producer {
    fn resume(&mut self, sim: &mut Sim, _: ProcessId, _: Value) -> Step {
        if self.after_timeout {
            self.after_timeout = false;
            let put = sim.put(self.store, self.i);
            self.i += 1;
            return Step::Wait(put);
        }
        if self.i == self.n {
            return Step::Done;
        }
        self.after_timeout = true;
        Step::Wait(sim.timeout(1.0))
    }
}

/// `while True: yield store.get(); yield timeout(2)`.
struct Consumer {
    store: StoreId,
    got: bool,
}

impl Process for Consumer {
    fn resume(&mut self, sim: &mut Sim, _: ProcessId, _: Value) -> Step {
        self.got = !self.got;
        if self.got {
            Step::Wait(sim.get(self.store))
        } else {
            Step::Wait(sim.timeout(2.0))
        }
    }
}

#[test]
fn simpy_store_benchmark_schedules_87_events() {
    let mut sim = Sim::new();
    let store = sim.store(5);
    for _ in 0..2 {
        sim.process(Box::new(Producer {
            store,
            i: 0,
            n: 10,
            after_timeout: false,
        }));
    }
    for _ in 0..3 {
        sim.process(Box::new(Consumer { store, got: false }));
    }
    assert_eq!(sim.run(), RunEnd::Empty);
    assert_eq!(sim.scheduled(), 87);
    assert_eq!(sim.items(store), 0);
}

/// `while True: with resource.request() as req: yield req; yield timeout(1)`.
struct Worker {
    resource: ResourceId,
    request: Option<EventId>,
    working: bool,
}

impl Process for Worker {
    fn resume(&mut self, sim: &mut Sim, _: ProcessId, _: Value) -> Step {
        if let Some(request) = self.request {
            if !self.working {
                self.working = true;
                return Step::Wait(sim.timeout(1.0));
            }
            // Leaving the `with` block releases the server.
            sim.release(self.resource, request);
        }
        self.working = false;
        let request = sim.request(self.resource);
        self.request = Some(request);
        Step::Wait(request)
    }
}

#[test]
fn simpy_resource_benchmark_schedules_94_events() {
    let mut sim = Sim::new();
    let resource = sim.resource(2);
    for _ in 0..5 {
        sim.process(Box::new(Worker {
            resource,
            request: None,
            working: false,
        }));
    }
    assert_eq!(sim.run_until(15.0), Ok(RunEnd::Stopped));
    assert_eq!(sim.now(), 15.0);
    assert_eq!(sim.scheduled(), 94);
    assert_eq!(sim.users(resource), 2);
}

/// `while True: yield container.put(1); if full: full_event.succeed(); yield timeout(1)`.
struct Filler {
    container: ContainerId,
    full: EventId,
    put: bool,
}

impl Process for Filler {
    fn resume(&mut self, sim: &mut Sim, _: ProcessId, _: Value) -> Step {
        self.put = !self.put;
        if self.put {
            return Step::Wait(sim.fill(self.container, 1.0));
        }
        if sim.level(self.container) == sim.container_capacity(self.container) {
            sim.succeed(self.full, 0);
        }
        Step::Wait(sim.timeout(1.0))
    }
}

/// `while True: yield container.get(1); yield timeout(3)`.
struct Drawer {
    container: ContainerId,
    got: bool,
}

impl Process for Drawer {
    fn resume(&mut self, sim: &mut Sim, _: ProcessId, _: Value) -> Step {
        self.got = !self.got;
        if self.got {
            Step::Wait(sim.draw(self.container, 1.0))
        } else {
            Step::Wait(sim.timeout(3.0))
        }
    }
}

#[test]
fn simpy_container_benchmark_schedules_104_events() {
    let mut sim = Sim::new();
    let container = sim.container(10.0, 0.0);
    let full = sim.event();
    sim.process(Box::new(Filler {
        container,
        full,
        put: false,
    }));
    for _ in 0..2 {
        sim.process(Box::new(Drawer {
            container,
            got: false,
        }));
    }
    assert_eq!(sim.run_until_event(full), RunEnd::Stopped);
    assert_eq!(sim.scheduled(), 104);
    assert_eq!(sim.level(container), 10.0);
}

#[test]
fn the_timeout_loop_counts_as_simpy_does() {
    // The process's start, 1,000 timeouts, its end.
    assert_eq!(models::timeout_loop(1000), 1002);
}

#[test]
fn mm1_counts_six_events_a_customer_and_repeats_for_a_seed() {
    let (events, wait) = models::mm1(0.5, 1.0, 100_000, 7);
    assert!(wait > 0.0);
    assert_eq!(models::mm1(0.5, 1.0, 100_000, 7), (events, wait));
    // Per customer: its arrival timeout, its start, its grant, its service, its release,
    // its end; plus the source's start, its last timeout's processing and its end.
    assert_eq!(events, 100_000 * 6 + 2);
}

#[test]
fn processed_events_free_their_slots_and_old_ids_read_as_processed() {
    let mut sim = Sim::new();
    let first = sim.timeout(1.0);
    assert!(sim.triggered(first) && !sim.processed(first));
    sim.run();
    assert!(sim.processed(first));
    // The slot serves the next event; the old id still reads as processed, the new one not.
    let second = sim.event();
    assert_ne!(first, second);
    assert!(sim.processed(first));
    assert!(!sim.triggered(second) && !sim.processed(second));
    // Succeeding an old id does nothing.
    sim.succeed(first, 5);
    assert!(!sim.triggered(second));
    // A run of a million timeouts keeps one slot per pending event, not one per event.
    assert_eq!(models::timeout_loop(1_000_000), 1_000_002);
}

#[test]
fn bad_stop_times_and_delays_are_refused() {
    let mut sim = Sim::new();
    assert!(sim.run_until(0.0).is_err());
    assert!(sim.run_until(f64::NAN).is_err());
    assert!(sim.try_timeout(-1.0).is_err());
    assert!(sim.try_timeout(f64::INFINITY).is_err());
    assert!(sim.try_timeout(0.0).is_ok());
}
