//! Turning a [`Path`] into what a person reads: legs, transfers with their reasons, totals and
//! the corridor.

use super::{Criteria, Path, Scope, is_rail_origin};
use crate::network::{
    ArcId, CorridorId, Country, HandlingId, HandlingKind, LinkId, Mode, Network, NodeId, SourceId,
};
use std::collections::BTreeSet;

/// One link travelled.
#[derive(Debug, Clone, PartialEq)]
pub struct Leg {
    /// The arc travelled.
    pub arc: ArcId,
    /// Its link.
    pub link: LinkId,
    /// Where the leg starts.
    pub from: NodeId,
    /// Where it ends.
    pub to: NodeId,
    /// How.
    pub mode: Mode,
    /// Gauge, for rail.
    pub gauge_mm: Option<u16>,
    /// Length, km.
    pub km: f64,
    /// Running hours, without the wait.
    pub running_h: f64,
    /// Wait for a departure, hours.
    pub wait_h: f64,
    /// Hours (running + wait), USD and kg CO2e.
    pub criteria: Criteria,
    /// Sources of the running time used (the service's speed row, or the link's own).
    pub time_sources: Vec<SourceId>,
    /// Sources of the wait used (the sailing rows, or the link's own).
    pub wait_sources: Vec<SourceId>,
    /// Sources of the price regime applied (the sea-rate level, a risk premium).
    pub price_sources: Vec<SourceId>,
}

/// Why a handling step happens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TransferReason {
    /// Rail gauge changes.
    GaugeChange {
        /// Gauge arrived on, mm.
        from_mm: u16,
        /// Gauge left on, mm.
        to_mm: u16,
    },
    /// A land border is crossed next to this node.
    Border {
        /// Country left.
        from: Country,
        /// Country entered.
        to: Country,
    },
    /// The mode changes.
    ModeChange {
        /// Mode arrived on.
        from: Mode,
        /// Mode left on.
        to: Mode,
    },
    /// Loading at the origin.
    Origin(Mode),
    /// Unloading at the destination.
    Destination(Mode),
}

impl TransferReason {
    /// A short human-readable text.
    pub fn describe(&self) -> String {
        match self {
            TransferReason::GaugeChange { from_mm, to_mm } => {
                format!("gauge change {from_mm} → {to_mm} mm")
            }
            TransferReason::Border { from, to } => format!("border {from} → {to}"),
            TransferReason::ModeChange { from, to } => {
                format!("mode change {} → {}", from.as_str(), to.as_str())
            }
            TransferReason::Origin(mode) => format!("loading onto {} at origin", mode.as_str()),
            TransferReason::Destination(mode) => {
                format!("unloading from {} at destination", mode.as_str())
            }
        }
    }
}

/// One handling row applied.
#[derive(Debug, Clone, PartialEq)]
pub struct TransferStep {
    /// What kind of handling.
    pub kind: HandlingKind,
    /// The row applied.
    pub handling: HandlingId,
    /// Why.
    pub reason: TransferReason,
    /// Hours, including `wait_h`.
    pub hours: f64,
    /// Of the hours, those waited for the train to fill (a consolidated service's origin).
    pub wait_h: f64,
    /// USD per FEU.
    pub cost_usd: f64,
    /// Sources of the hours (the service's dwell, the row's own, the consolidation wait).
    pub hours_sources: Vec<SourceId>,
}

/// Everything that happens at one node visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Transfer {
    /// Where.
    pub node: NodeId,
    /// Number of legs travelled before it (0 at the origin, `legs.len()` at the destination).
    pub after_leg: usize,
    /// The handling applied, in the order of [`HandlingKind::ALL`].
    pub steps: Vec<TransferStep>,
}

/// A route as reported: legs, transfers, totals and corridor.
#[derive(Debug, Clone, PartialEq)]
pub struct Itinerary {
    /// The arcs travelled.
    pub path: Path,
    /// One per arc.
    pub legs: Vec<Leg>,
    /// Node visits where handling happens (visits with no handling, or only handling rows of
    /// zero hours and zero cost, are left out).
    pub transfers: Vec<Transfer>,
    /// Sum of legs and transfers.
    pub totals: Criteria,
    /// Total length, km.
    pub km: f64,
    /// The corridor the route belongs to (`None`: regional only).
    pub corridor: Option<CorridorId>,
}

impl Itinerary {
    /// Builds the itinerary of a path found in `scope`.
    ///
    /// # Panics
    /// If the path is not feasible in the scope: searches only return feasible paths.
    pub fn new(scope: &Scope<'_>, path: &Path) -> Itinerary {
        let network = scope.network();
        let mut legs = Vec::with_capacity(path.arcs.len());
        let mut transfers = Vec::new();
        let mut totals = Criteria::ZERO;
        let mut km = 0.0;
        let mut previous: Option<ArcId> = None;
        let mut node = path.origin;
        for (index, &arc_id) in path.arcs.iter().enumerate() {
            let arc = network.arc(arc_id);
            assert_eq!(arc.tail, node, "consecutive arcs of a path share a node");
            totals += push_transfer(scope, &mut transfers, node, index, previous, Some(arc_id));
            let link = network.link(arc.link);
            let criteria = scope.arc_criteria(arc_id);
            totals += criteria;
            km += link.length_km;
            legs.push(Leg {
                arc: arc_id,
                link: arc.link,
                from: arc.tail,
                to: arc.head,
                mode: link.mode,
                gauge_mm: link.gauge_mm,
                km: link.length_km,
                running_h: scope.running_h(arc.link),
                wait_h: scope.wait_h(arc.link),
                criteria,
                time_sources: scope.time_sources(arc.link).to_vec(),
                wait_sources: scope.wait_sources(arc.link),
                price_sources: scope.price_sources(arc_id),
            });
            previous = Some(arc_id);
            node = arc.head;
        }
        assert_eq!(node, path.destination, "a path ends at its destination");
        totals += push_transfer(scope, &mut transfers, node, path.arcs.len(), previous, None);
        let corridor = classify_corridor(network, legs.iter().map(|leg| leg.link));
        Itinerary {
            path: path.clone(),
            legs,
            transfers,
            totals,
            km,
            corridor,
        }
    }

    /// Every source behind the numbers of this itinerary: lengths, times, waits, tariffs,
    /// statuses, emission factors, handling rows, and the dataset's payload and value of time.
    pub fn sources(&self, network: &Network) -> BTreeSet<SourceId> {
        let mut sources = BTreeSet::new();
        for leg in &self.legs {
            let link = network.link(leg.link);
            sources.extend(link.length_sources.iter().copied());
            sources.extend(leg.time_sources.iter().copied());
            sources.extend(leg.wait_sources.iter().copied());
            sources.extend(leg.price_sources.iter().copied());
            sources.extend(link.tariff_sources.iter().copied());
            sources.extend(link.status_sources.iter().copied());
            sources.extend(network.emission_factor_of(leg.link).sources.iter().copied());
        }
        for transfer in &self.transfers {
            for step in &transfer.steps {
                let handling = network.handling(step.handling);
                sources.extend(step.hours_sources.iter().copied());
                sources.extend(handling.cost_sources.iter().copied());
                sources.extend(handling.status_sources.iter().copied());
            }
        }
        sources.extend(network.info().payload_sources.iter().copied());
        sources.extend(network.info().value_of_time_sources.iter().copied());
        sources
    }

    /// Whether two itineraries travel the same links in the same order.
    pub fn same_links(&self, other: &Itinerary) -> bool {
        self.legs.len() == other.legs.len()
            && self
                .legs
                .iter()
                .zip(&other.legs)
                .all(|(a, b)| a.link == b.link)
    }

    /// Share of this itinerary's km on links that `other` also uses.
    pub fn overlap_share(&self, other: &Itinerary) -> f64 {
        if self.km <= 0.0 {
            return 1.0;
        }
        let theirs: BTreeSet<LinkId> = other.legs.iter().map(|leg| leg.link).collect();
        let shared: f64 = self
            .legs
            .iter()
            .filter(|leg| theirs.contains(&leg.link))
            .map(|leg| leg.km)
            .sum();
        shared / self.km
    }
}

fn push_transfer(
    scope: &Scope<'_>,
    transfers: &mut Vec<Transfer>,
    node: NodeId,
    after_leg: usize,
    inbound: Option<ArcId>,
    outbound: Option<ArcId>,
) -> Criteria {
    let network = scope.network();
    let (kinds, criteria) = scope
        .transfer(node, inbound, outbound)
        .expect("paths returned by a search only use feasible transfers");
    if kinds.is_empty() {
        return criteria;
    }
    let link_of = |arc: Option<ArcId>| arc.map(|arc| network.link(network.arc(arc).link));
    let (arriving, leaving) = (link_of(inbound), link_of(outbound));
    let mut steps = Vec::new();
    for kind in HandlingKind::ALL {
        if !kinds.contains(kind) {
            continue;
        }
        let handling = scope
            .active_handling(node, kind)
            .expect("a kind in the set has an active row");
        let reason = match kind {
            HandlingKind::GaugeChange => TransferReason::GaugeChange {
                from_mm: arriving.and_then(|l| l.gauge_mm).unwrap_or(0),
                to_mm: leaving.and_then(|l| l.gauge_mm).unwrap_or(0),
            },
            HandlingKind::Border => {
                // The border is on the land link arriving or leaving; report it in travel order.
                let crossing = |arc: Option<ArcId>| {
                    arc.map(|arc| network.arc(arc)).filter(|arc| {
                        let link = network.link(arc.link);
                        !link.mode.is_water()
                            && network.node(link.from).country != network.node(link.to).country
                    })
                };
                let arc = crossing(inbound)
                    .or_else(|| crossing(outbound))
                    .expect("a border step has a crossing link");
                TransferReason::Border {
                    from: network.node(arc.tail).country,
                    to: network.node(arc.head).country,
                }
            }
            HandlingKind::Port | HandlingKind::Terminal => match (arriving, leaving) {
                (Some(a), Some(l)) => TransferReason::ModeChange {
                    from: a.mode,
                    to: l.mode,
                },
                (None, Some(l)) => TransferReason::Origin(l.mode),
                (Some(a), None) => TransferReason::Destination(a.mode),
                (None, None) => unreachable!("a route has at least one leg"),
            },
        };
        let row = scope.handling_criteria(handling);
        let wait_h = if kind == HandlingKind::Terminal && is_rail_origin(kinds, arriving, leaving) {
            scope.consolidation_h()
        } else {
            0.0
        };
        if row.hours + wait_h == 0.0 && row.cost_usd == 0.0 {
            // A row that costs nothing (an open border inside a customs union) changes
            // nothing; listing it would only clutter the itinerary.
            continue;
        }
        steps.push(TransferStep {
            kind,
            handling,
            reason,
            hours: row.hours + wait_h,
            wait_h,
            cost_usd: row.cost_usd,
            hours_sources: {
                let mut sources = scope.hours_sources(handling).to_vec();
                if wait_h > 0.0 {
                    sources.extend(scope.consolidation_sources().iter().copied());
                }
                sources
            },
        });
    }
    if !steps.is_empty() {
        transfers.push(Transfer {
            node,
            after_leg,
            steps,
        });
    }
    criteria
}

/// The corridor a sequence of links belongs to: the one with the most km among the links
/// tagged with it. `None` (regional) when every link is regional, or when two or more
/// corridors tie for the most km: the route then runs only on track those corridors share
/// (China–Almaty or China–Tashkent on the lines tagged `middle|southern`) and uses nothing
/// that makes it one of them (the Caspian crossing, Turkmenistan–Iran, Russia, the sea).
pub fn classify_corridor(
    network: &Network,
    links: impl Iterator<Item = LinkId>,
) -> Option<CorridorId> {
    let mut km = vec![0.0; network.corridors().len()];
    for link in links {
        let link = network.link(link);
        for corridor in &link.corridors {
            km[corridor.index()] += link.length_km;
        }
    }
    // Corridors tagged on the same links add the same lengths in the same order, so a tie is
    // exact equality.
    let most = km.iter().copied().fold(0.0, f64::max);
    let mut leaders = km.iter().enumerate().filter(|&(_, &value)| value == most);
    match (most > 0.0, leaders.next(), leaders.next()) {
        (true, Some((index, _)), None) => Some(CorridorId::from_index(index)),
        _ => None,
    }
}
