//! The choice between rail and the sea ([`crate::network::Market`]): which demand rows are the
//! rail part of a market, what the alternative costs, and rail's share at given rail costs.
//!
//! The rail part is assigned on the network with the alternative's own links closed; the
//! alternative is the cheapest route that sails on at least one link tagged only with the
//! market's alternative corridors, with pre- and on-carriage on untagged links or links the
//! alternative's corridors share, never on a land bridge (links tagged only with other
//! corridors), at free-flow costs (the sea has no capacity in the model). Solved with the equilibrium as a combined
//! mode-split/assignment problem (Florian & Nguyen 1978, "A combined trip distribution, modal
//! split and trip assignment model", Transportation Research 12(4); Evans 1976): after each
//! equilibrium the rail demand moves towards the logit split at the equilibrium's costs by the
//! method of successive averages.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{ExpandedLink, FreightLink};
use crate::assign::{AssignNodeId, AssignZoneId, Problem, SptWorkspace};
use crate::network::{FreightData, Network};
use crate::route::Avoid;

/// One origin–destination and class whose rail volume is chosen.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ChoicePair {
    pub origin: AssignZoneId,
    pub destination: AssignZoneId,
    pub class: usize,
    pub market: usize,
    /// The whole market between the two zones in this class, TEU per year.
    pub market_teu: f64,
    /// Generalized cost of the alternative, hours of the class (∞: none).
    pub alternative_h: f64,
}

/// The markets of a freight problem.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Choice {
    pub pairs: Vec<ChoicePair>,
}

/// What the rail part may not use: the links tagged only with a market's alternative
/// corridors.
pub(super) fn rail_avoid(network: &Network, data: &FreightData, avoid: &Avoid) -> Avoid {
    let mut avoid = avoid.clone();
    for market in &data.markets {
        for key in &market.alternative {
            if let Some(id) = network.corridor_by_key(key)
                && !avoid.corridors.contains(&id)
            {
                avoid.corridors.push(id);
            }
        }
    }
    avoid
}

/// What a link of the expanded graph is to the alternative of a market.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A network link whose corridors are all among the alternative's: it sails.
    Sail,
    /// A link the alternative may use before or after sailing: untagged (regional), tagged
    /// with an alternative corridor among others, or not a network link (transfers, zones).
    Open,
    /// A network link tagged only with other corridors (the land bridges).
    Closed,
}

/// The role of every link of the expanded graph for the alternative of `market`.
fn alternative_links(
    network: &Network,
    data: &FreightData,
    market: usize,
    links: &[ExpandedLink],
) -> Vec<Role> {
    let alternative: Vec<_> = data.markets[market]
        .alternative
        .iter()
        .filter_map(|key| network.corridor_by_key(key))
        .collect();
    links
        .iter()
        .map(|link| match link.kind {
            FreightLink::Arc(arc) => {
                let corridors = &network.link(network.arc(arc).link).corridors;
                if corridors.is_empty() {
                    Role::Open
                } else if corridors.iter().all(|c| alternative.contains(c)) {
                    Role::Sail
                } else if corridors.iter().any(|c| alternative.contains(c)) {
                    Role::Open
                } else {
                    Role::Closed
                }
            }
            _ => Role::Open,
        })
        .collect()
}

/// Cheapest cost from `origin` to every zone over paths that use at least one sailing link
/// and no closed one (a two-layer Dijkstra: layer 1 once a sailing link is used); zones are
/// not passed through.
fn sailing_costs(
    problem: &Problem,
    cost: &[f64],
    roles: &[Role],
    origin: AssignNodeId,
) -> Vec<f64> {
    let net = problem.network();
    let n = net.node_count();
    let mut dist = vec![f64::INFINITY; 2 * n];
    let mut heap = BinaryHeap::new();
    dist[origin.index()] = 0.0;
    heap.push(Reverse((0f64.to_bits(), origin.index())));
    while let Some(Reverse((bits, state))) = heap.pop() {
        let d = f64::from_bits(bits);
        if d > dist[state] {
            continue;
        }
        let (node, layer) = (state % n, state / n);
        let node_id = AssignNodeId(node as u32);
        if node_id != origin && !net.is_through(node_id) {
            continue;
        }
        for &link in net.out_links(node_id) {
            let role = roles[link.index()];
            if role == Role::Closed {
                continue;
            }
            let next_layer = layer.max(usize::from(role == Role::Sail));
            let next = next_layer * n + net.to(link).index();
            let nd = d + cost[link.index()];
            if nd < dist[next] {
                dist[next] = nd;
                heap.push(Reverse((nd.to_bits(), next)));
            }
        }
    }
    (0..net.zone_count()).map(|z| dist[n + z]).collect()
}

/// The cost of every link for class `class` at `volume` plus `extra` hours (queues).
pub(super) fn class_costs(
    problem: &Problem,
    class: usize,
    volume: &[f64],
    extra: &[f64],
) -> Vec<f64> {
    let mut cost = vec![0.0; problem.network().link_count()];
    problem.link_costs(volume, &mut cost);
    let fixed = &problem.classes()[class].fixed_cost;
    for (l, c) in cost.iter_mut().enumerate() {
        *c += fixed.get(l).copied().unwrap_or(0.0) + extra.get(l).copied().unwrap_or(0.0);
    }
    cost
}

/// Costs of the alternative for every demand row of a market, from the expanded graph with
/// the alternative open (`full`), at free flow.
pub(super) fn alternative_costs(
    network: &Network,
    data: &FreightData,
    full: &Problem,
    full_links: &[ExpandedLink],
    rows: &[(AssignZoneId, AssignZoneId, usize, usize)],
) -> Vec<f64> {
    let zero = vec![0.0; full.network().link_count()];
    let costs: Vec<Vec<f64>> = (0..full.classes().len())
        .map(|class| class_costs(full, class, &zero, &[]))
        .collect();
    let mut out = vec![f64::INFINITY; rows.len()];
    let mut markets: Vec<usize> = rows.iter().map(|r| r.3).collect();
    markets.sort_unstable();
    markets.dedup();
    for market in markets {
        let roles = alternative_links(network, data, market, full_links);
        for (class, cost) in costs.iter().enumerate() {
            let mut origins: Vec<AssignZoneId> = rows
                .iter()
                .filter(|r| r.2 == class && r.3 == market)
                .map(|r| r.0)
                .collect();
            origins.sort_unstable();
            origins.dedup();
            for origin in origins {
                let to = sailing_costs(full, cost, &roles, origin.node());
                for (index, row) in rows.iter().enumerate() {
                    if row.0 == origin && row.2 == class && row.3 == market {
                        out[index] = to[row.1.index()];
                    }
                }
            }
        }
    }
    out
}

/// Rail's generalized cost (hours of each pair's class) at link costs per class.
pub(super) fn rail_costs(problem: &Problem, costs: &[Vec<f64>], pairs: &[ChoicePair]) -> Vec<f64> {
    let net = problem.network();
    let mut workspace = SptWorkspace::new(net.node_count());
    let mut out = vec![f64::INFINITY; pairs.len()];
    let mut keys: Vec<(usize, AssignZoneId)> = pairs.iter().map(|p| (p.class, p.origin)).collect();
    keys.sort_unstable();
    keys.dedup();
    for (class, origin) in keys {
        workspace.tree(net, &costs[class], origin.node());
        for (index, pair) in pairs.iter().enumerate() {
            if pair.class == class && pair.origin == origin {
                out[index] = workspace.distance(pair.destination.node());
            }
        }
    }
    out
}

/// USD per TEU an hour of class `class` is worth (its value of time).
pub(super) fn usd_per_hour(data: &FreightData, class: usize) -> f64 {
    data.classes[class].value_of_time_usd_per_teu_day / 24.0
}

/// Rail's volume of each pair at rail costs `rail_h` (hours of the pair's class).
pub(super) fn rail_volumes(data: &FreightData, pairs: &[ChoicePair], rail_h: &[f64]) -> Vec<f64> {
    pairs
        .iter()
        .zip(rail_h)
        .map(|(pair, &rail)| {
            let usd_per_h = usd_per_hour(data, pair.class);
            let market = &data.markets[pair.market];
            pair.market_teu
                * market.rail_probability(rail * usd_per_h, pair.alternative_h * usd_per_h)
        })
        .collect()
}
