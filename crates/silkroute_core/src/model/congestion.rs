//! The congestion of a year: the delays (queues at binding capacities and volume-delay) of
//! the year's freight assignment, by what a route passes, for the observations that are
//! about time actually spent: queues at a place, and transit times that are not timetables.

use std::collections::HashMap;

use crate::freight::FreightReport;
use crate::network::{HandlingKind, LinkId, Network, NodeId};
use crate::observe::{FacilityRef, ObsKind, Observation, PlaceRef, Unit};
use crate::route::Itinerary;

/// A queue is judged of the order observed when it is within this factor of it (half an
/// order of magnitude: a queue is a moment, the model a year's mean).
pub const QUEUE_TOLERANCE_FACTOR: f64 = 3.0;

/// The handling a train stays at in a place: border, gauge change, port.
const STAY_KINDS: [HandlingKind; 3] = [
    HandlingKind::Border,
    HandlingKind::GaugeChange,
    HandlingKind::Port,
];

/// Delay at one capacitated handling row.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct HandlingDelay {
    /// Of them, the delay over the free-flow dwell.
    delay_h: f64,
    /// TEU a year handled.
    teu_per_year: f64,
}

/// The delays of one year's freight assignment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Congestion {
    /// Hours of delay on an arc, by (link, node it leaves).
    arcs: HashMap<(LinkId, NodeId), f64>,
    /// By (node, kind), the capacitated handling rows.
    handling: HashMap<(NodeId, HandlingKind), HandlingDelay>,
    /// Share of the year's TEU that move westbound (from China), for a queue in one direction.
    west_share: f64,
}

impl Congestion {
    /// The delays of `report` (a freight assignment of `network`).
    pub fn of(network: &Network, report: &FreightReport) -> Congestion {
        let mut out = Congestion {
            west_share: super::volumes::west_share(network, report),
            ..Congestion::default()
        };
        for l in &report.links {
            if let (Some(link), Some(from)) =
                (network.link_by_key(&l.link), network.node_by_key(&l.from))
                && l.delay_hours > 0.0
            {
                out.arcs.insert((link, from), l.delay_hours);
            }
        }
        for h in &report.handling {
            if let (Some(node), Some(kind)) =
                (network.node_by_key(&h.node), HandlingKind::parse(&h.kind))
            {
                out.handling.insert(
                    (node, kind),
                    HandlingDelay {
                        delay_h: h.delay_hours.max(0.0),
                        teu_per_year: h.teu_per_year,
                    },
                );
            }
        }
        out
    }

    /// Hours of delay along an itinerary: its arcs' and the handling it passes through
    /// (borders, gauge changes, ports; not the loading at its ends).
    pub fn along(&self, itinerary: &Itinerary) -> f64 {
        let arcs: f64 = itinerary
            .legs
            .iter()
            .map(|leg| self.arcs.get(&(leg.link, leg.from)).copied().unwrap_or(0.0))
            .sum();
        let last = itinerary.legs.len();
        let handling: f64 = itinerary
            .transfers
            .iter()
            .filter(|t| t.after_leg != 0 && t.after_leg != last)
            .flat_map(|t| {
                t.steps.iter().map(move |s| {
                    self.handling
                        .get(&(t.node, s.kind))
                        .map_or(0.0, |d| d.delay_h)
                })
            })
            .sum();
        arcs + handling
    }

    /// Hours of delay at a place's borders and gauge changes (with `port`, and its port).
    pub fn at(&self, node: NodeId, port: bool) -> f64 {
        STAY_KINDS[..if port { 3 } else { 2 }]
            .iter()
            .copied()
            .filter_map(|kind| self.handling.get(&(node, kind)))
            .map(|d| d.delay_h)
            .sum()
    }

    /// Hours of delay at a place's borders, gauge changes and port, and the TEU a year
    /// through them; `None` when none of them is capacitated.
    fn queue_at(&self, node: NodeId) -> Option<(f64, f64)> {
        let rows: Vec<HandlingDelay> = STAY_KINDS
            .into_iter()
            .filter_map(|kind| self.handling.get(&(node, kind)).copied())
            .collect();
        if rows.is_empty() {
            return None;
        }
        let delay = rows.iter().map(|d| d.delay_h).sum();
        let teu = rows.iter().map(|d| d.teu_per_year).fold(0.0, f64::max);
        Some((delay, teu))
    }
}

/// Whether a transit-time observation spends the year's congestion: what was run or is
/// typical of the year does (`typical`, `actual`, `congestion`, or unstated), a timetable or
/// a record run does not (`planned`, `record`), nor a train that has its slot (`processing`).
pub fn takes_congestion(obs: &Observation) -> bool {
    obs.kind == ObsKind::TransitTime
        && !matches!(obs.nature.as_str(), "planned" | "record")
        && !matches!(
            obs.scope.as_str(),
            "processing" | "door_to_door" | "difference"
        )
        && obs.service != "sea"
}

/// Whether an observation is a queue the model can state.
pub fn is_queue(obs: &Observation) -> bool {
    obs.kind == ObsKind::Queue
        && matches!(obs.facility, Some(FacilityRef::Place(PlaceRef::Node(_))))
        && matches!(obs.unit, Unit::Days | Unit::Hours | Unit::TrainsQueued)
}

/// Trains waiting at a place in the year's assignment, by Little's law (L = λW): the trains
/// a day through its capacitated borders, gauge changes and port (in the observation's
/// direction when it has one) times the days of queue there; no capacitated handling, no
/// queue.
pub(super) fn trains_queued(
    network: &Network,
    obs: &Observation,
    node: NodeId,
    congestion: &Congestion,
) -> Result<f64, String> {
    let Some(per_train) = network.freight().teu_per_train else {
        return Err("the dataset gives no TEU per train".into());
    };
    let Some((delay_h, teu_per_year)) = congestion.queue_at(node) else {
        return Ok(0.0);
    };
    let one_way = match obs.direction.as_str() {
        "westbound" => congestion.west_share,
        "eastbound" => 1.0 - congestion.west_share,
        _ => 1.0,
    };
    Ok(teu_per_year * one_way / per_train / 365.0 * delay_h / 24.0)
}

/// Whether a modelled queue is of the order observed (within [`QUEUE_TOLERANCE_FACTOR`]).
pub fn queue_within(observed: f64, modelled: f64) -> bool {
    if observed <= 0.0 {
        return modelled <= 1e-9;
    }
    modelled >= observed / QUEUE_TOLERANCE_FACTOR - 1e-9
        && modelled <= observed * QUEUE_TOLERANCE_FACTOR + 1e-9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_tolerance_is_a_factor_both_ways() {
        assert!(queue_within(10.0, 10.0));
        assert!(queue_within(10.0, 30.0));
        assert!(queue_within(10.0, 3.34));
        assert!(!queue_within(10.0, 3.3));
        assert!(!queue_within(10.0, 30.1));
        assert!(!queue_within(10.0, 0.0));
        assert!(queue_within(0.0, 0.0));
    }
}
