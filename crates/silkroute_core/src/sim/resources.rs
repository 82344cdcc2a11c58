//! Resources with SimPy's semantics: a request or put joins its queue and the queue is tried
//! at once; a processed put tries the get queue, a processed get the put queue. A `Resource`
//! grants and a `Store` serves its head only (SimPy's `_do_put`/`_do_get` return nothing); a
//! `Container` serves requests in order as long as they fit.

use super::{Callback, EventId, Sim};
use std::collections::VecDeque;

/// A pool of identical servers (SimPy's `Resource`): trains on receiving tracks, cranes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResourceId(u32);

/// A store of items, first in first out (SimPy's `Store`): wagons in a pool, boxes in a yard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StoreId(u32);

/// A continuous amount between 0 and a capacity (SimPy's `Container`): TEU on a quay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ContainerId(u32);

/// Any of the three, for the callbacks of their events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pool {
    Resource(u32),
    Store(u32),
    Container(u32),
}

/// A waiting put or get: its event and what it carries (a store's item, a container's amount
/// as `f64` bits, a release's request event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Waiting {
    event: EventId,
    data: u64,
}

#[derive(Debug, Clone, Default)]
struct Queues {
    put: Vec<Waiting>,
    get: Vec<Waiting>,
}

impl Queues {
    fn side(&mut self, put: bool) -> &mut Vec<Waiting> {
        if put { &mut self.put } else { &mut self.get }
    }
}

#[derive(Debug, Clone)]
struct ResourceState {
    capacity: usize,
    users: Vec<EventId>,
    queues: Queues,
}

#[derive(Debug, Clone)]
struct StoreState {
    capacity: usize,
    items: VecDeque<u64>,
    queues: Queues,
}

#[derive(Debug, Clone)]
struct ContainerState {
    capacity: f64,
    level: f64,
    queues: Queues,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Pools {
    resources: Vec<ResourceState>,
    stores: Vec<StoreState>,
    containers: Vec<ContainerState>,
}

impl Pools {
    fn queues(&mut self, pool: Pool) -> &mut Queues {
        match pool {
            Pool::Resource(i) => &mut self.resources[i as usize].queues,
            Pool::Store(i) => &mut self.stores[i as usize].queues,
            Pool::Container(i) => &mut self.containers[i as usize].queues,
        }
    }
}

impl Sim {
    /// A pool of `capacity` servers (at least 1).
    pub fn resource(&mut self, capacity: usize) -> ResourceId {
        self.pools.resources.push(ResourceState {
            capacity: capacity.max(1),
            users: Vec::new(),
            queues: Queues::default(),
        });
        ResourceId((self.pools.resources.len() - 1) as u32)
    }

    /// A store of at most `capacity` items (at least 1).
    pub fn store(&mut self, capacity: usize) -> StoreId {
        self.pools.stores.push(StoreState {
            capacity: capacity.max(1),
            items: VecDeque::new(),
            queues: Queues::default(),
        });
        StoreId((self.pools.stores.len() - 1) as u32)
    }

    /// A container of `capacity` (> 0) holding `initial` (clamped to [0, capacity]).
    pub fn container(&mut self, capacity: f64, initial: f64) -> ContainerId {
        let capacity = if capacity.is_finite() && capacity > 0.0 {
            capacity
        } else {
            f64::MAX
        };
        self.pools.containers.push(ContainerState {
            capacity,
            level: initial.clamp(0.0, capacity),
            queues: Queues::default(),
        });
        ContainerId((self.pools.containers.len() - 1) as u32)
    }

    /// Servers of `resource` in use.
    pub fn users(&self, resource: ResourceId) -> usize {
        self.pools.resources[resource.0 as usize].users.len()
    }

    /// Requests waiting for `resource`.
    pub fn waiting(&self, resource: ResourceId) -> usize {
        self.pools.resources[resource.0 as usize].queues.put.len()
    }

    /// Items in `store`.
    pub fn items(&self, store: StoreId) -> usize {
        self.pools.stores[store.0 as usize].items.len()
    }

    /// The amount in `container`.
    pub fn level(&self, container: ContainerId) -> f64 {
        self.pools.containers[container.0 as usize].level
    }

    /// The capacity of `container`.
    pub fn container_capacity(&self, container: ContainerId) -> f64 {
        self.pools.containers[container.0 as usize].capacity
    }

    /// Joins a put or get queue and tries the queue (SimPy's `Put`/`Get` constructors).
    fn enqueue(&mut self, pool: Pool, put: bool, data: u64) -> EventId {
        let event = self.event();
        let callback = if put {
            Callback::TriggerGet(pool)
        } else {
            Callback::TriggerPut(pool)
        };
        self.events[event.index as usize].callbacks.push(callback);
        let queues = self.pools.queues(pool);
        let waiting = Waiting { event, data };
        queues.side(put).push(waiting);
        self.trigger(pool, put);
        event
    }

    /// Requests a server of `resource`: the event fires when it is granted.
    pub fn request(&mut self, resource: ResourceId) -> EventId {
        self.enqueue(Pool::Resource(resource.0), true, 0)
    }

    /// Releases the server `request` holds (or withdraws the request if it is still waiting):
    /// the event fires at once.
    pub fn release(&mut self, resource: ResourceId, request: EventId) -> EventId {
        if !self.triggered(request) {
            let queues = &mut self.pools.resources[resource.0 as usize].queues;
            queues.put.retain(|w| w.event != request);
        }
        self.enqueue(Pool::Resource(resource.0), false, request.pack())
    }

    /// Puts `item` into `store`: the event fires when there is room.
    pub fn put(&mut self, store: StoreId, item: u64) -> EventId {
        self.enqueue(Pool::Store(store.0), true, item)
    }

    /// Takes the oldest item of `store`: the event fires with it when there is one.
    pub fn get(&mut self, store: StoreId) -> EventId {
        self.enqueue(Pool::Store(store.0), false, 0)
    }

    /// Adds `amount` to `container`: the event fires when it fits.
    pub fn fill(&mut self, container: ContainerId, amount: f64) -> EventId {
        self.enqueue(Pool::Container(container.0), true, amount.to_bits())
    }

    /// Takes `amount` from `container`: the event fires when there is as much.
    pub fn draw(&mut self, container: ContainerId, amount: f64) -> EventId {
        self.enqueue(Pool::Container(container.0), false, amount.to_bits())
    }

    /// Tries one put; whether the next one may be tried.
    fn do_put(&mut self, pool: Pool, waiting: Waiting) -> bool {
        match pool {
            Pool::Resource(i) => {
                let state = &mut self.pools.resources[i as usize];
                if state.users.len() < state.capacity {
                    state.users.push(waiting.event);
                    self.succeed(waiting.event, 0);
                }
                false
            }
            Pool::Store(i) => {
                let state = &mut self.pools.stores[i as usize];
                if state.items.len() < state.capacity {
                    state.items.push_back(waiting.data);
                    self.succeed(waiting.event, 0);
                }
                false
            }
            Pool::Container(i) => {
                let state = &mut self.pools.containers[i as usize];
                let amount = f64::from_bits(waiting.data);
                if state.capacity - state.level >= amount {
                    state.level += amount;
                    self.succeed(waiting.event, 0);
                    true
                } else {
                    false
                }
            }
        }
    }

    /// Tries one get; whether the next one may be tried.
    fn do_get(&mut self, pool: Pool, waiting: Waiting) -> bool {
        match pool {
            Pool::Resource(i) => {
                let request = EventId::unpack(waiting.data);
                let users = &mut self.pools.resources[i as usize].users;
                if let Some(at) = users.iter().position(|&u| u == request) {
                    users.remove(at);
                }
                self.succeed(waiting.event, 0);
                false
            }
            Pool::Store(i) => {
                if let Some(item) = self.pools.stores[i as usize].items.pop_front() {
                    self.succeed(waiting.event, item);
                }
                false
            }
            Pool::Container(i) => {
                let state = &mut self.pools.containers[i as usize];
                let amount = f64::from_bits(waiting.data);
                if state.level >= amount {
                    state.level -= amount;
                    self.succeed(waiting.event, 0);
                    true
                } else {
                    false
                }
            }
        }
    }

    /// SimPy's `_trigger_put` (`put`) and `_trigger_get`: tries the queue from its head
    /// while the tries say go on; a triggered request leaves the queue.
    pub(crate) fn trigger(&mut self, pool: Pool, put: bool) {
        let mut index = 0;
        while let Some(&waiting) = self.pools.queues(pool).side(put).get(index) {
            let proceed = if put {
                self.do_put(pool, waiting)
            } else {
                self.do_get(pool, waiting)
            };
            if self.triggered(waiting.event) {
                self.pools.queues(pool).side(put).remove(index);
            } else {
                index += 1;
            }
            if !proceed {
                break;
            }
        }
    }
}
