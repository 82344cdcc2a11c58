//! Volumes: an observed annual throughput against the freight assignment of its year (the
//! demand of the year, the markets' choice, binding capacities).

use std::collections::{BTreeMap, BTreeSet};

use super::Prediction;
use super::congestion::{Congestion, is_queue, takes_congestion};
use crate::assign::{AssignOptions, Method, keep_going};
use crate::freight::{FREIGHT_GAP, FreightReport, FreightRequest, assign_freight};
use crate::freight::{TonnageFlows, route_tonnage};
use crate::network::{Network, SourceId};
use crate::observe::{FacilityRef, ObsKind, Observation, PlaceRef, Unit};
use crate::route::RouteOptions;

/// The freight assignment of every year some observation needs, computed once, with the
/// congestion of each.
#[derive(Debug, Clone, Default)]
pub struct YearFlows {
    reports: BTreeMap<i32, Result<FreightReport, String>>,
    congestion: BTreeMap<i32, Congestion>,
    /// The tonnage layer of each year a volume in tonnes needs.
    tonnage: BTreeMap<i32, Result<TonnageFlows, String>>,
}

impl YearFlows {
    /// Assigns the years `observations` need: those whose volume or queue the model can
    /// state, and those of transit times that spend the year's congestion.
    pub fn for_observations<'a>(
        network: &Network,
        observations: impl IntoIterator<Item = &'a Observation>,
    ) -> YearFlows {
        let observations: Vec<&Observation> = observations.into_iter().collect();
        let years: BTreeSet<i32> = observations
            .iter()
            .filter(|obs| selector(network, obs).is_ok() || is_queue(obs) || takes_congestion(obs))
            .map(|obs| obs.year)
            .collect();
        let tonnage = observations
            .iter()
            .filter(|obs| obs.unit == Unit::Tonnes && selector(network, obs).is_ok())
            .map(|obs| obs.year)
            .collect::<BTreeSet<i32>>()
            .into_iter()
            .map(|year| {
                let mut options = RouteOptions::defaults(network);
                options.year = year;
                (year, route_tonnage(network, &options, &[]))
            })
            .collect();
        let reports: BTreeMap<i32, Result<FreightReport, String>> = years
            .into_iter()
            .map(|year| (year, assign_year(network, year)))
            .collect();
        let congestion = reports
            .iter()
            .filter_map(|(&year, report)| {
                report
                    .as_ref()
                    .ok()
                    .map(|r| (year, Congestion::of(network, r)))
            })
            .collect();
        YearFlows {
            reports,
            congestion,
            tonnage,
        }
    }

    /// The congestion of a year, when it was assigned.
    pub fn congestion(&self, year: i32) -> Option<&Congestion> {
        self.congestion.get(&year)
    }
}

fn assign_year(network: &Network, year: i32) -> Result<FreightReport, String> {
    if network.freight().is_empty() {
        return Err("the network has no freight demand".into());
    }
    let options = FreightRequest {
        year: Some(year),
        ..FreightRequest::default()
    }
    .options(network)
    .map_err(|e| e.to_string())?;
    let mut solver = AssignOptions::new(Method::AlgorithmB);
    solver.target_gap = FREIGHT_GAP;
    assign_freight(network, &options, &solver, &mut Vec::new(), &mut keep_going)
        .map_err(|e| e.to_string())
}

/// Why an observation of every kind of freight is not modelled.
pub(super) const ALL_FREIGHT: &str =
    "every kind of freight, not only containers: the network carries containers";

/// What an observation counts in a year's assignment.
#[derive(Debug, Clone, PartialEq)]
enum Selector {
    /// TEU between zones in a direction, on a corridor (`None`: any).
    Pairs {
        corridor: Option<String>,
        /// Which pairs count.
        ends: Ends,
    },
    /// TEU through a facility (its handling rows, else what arrives on its links).
    Facility(String),
}

fn selector(network: &Network, obs: &Observation) -> Result<Selector, String> {
    if !matches!(obs.kind, ObsKind::Volume | ObsKind::TrainCount) {
        return Err("not a volume".into());
    }
    match obs.unit {
        Unit::Teu | Unit::Feu => {}
        Unit::Trains if obs.kind == ObsKind::TrainCount => {}
        Unit::Tonnes => {
            // The containers (at tonnes per TEU) and the tonnage layer: on the Middle Corridor
            // or at a place of it; other tonnages count freight the network does not carry.
            let middle = obs.corridor.as_deref() == Some("middle");
            let place = matches!(obs.facility, Some(FacilityRef::Place(PlaceRef::Node(_))));
            if !middle || (obs.facility.is_some() && !place) {
                return Err(
                    "tonnes: the network carries containers and, in tonnes, Kazakhstan's Trans-Caspian exports (tonnage.csv); this tonnage counts other freight"
                        .into(),
                );
            }
            if network.freight().tonnes_per_teu.is_none() {
                return Err("tonnes: the dataset gives no tonnes per TEU".into());
            }
        }
        _ => return Err(format!("a volume in {} is not modelled", obs.unit.as_str())),
    }
    if obs.flows == "all_freight" {
        return Err(ALL_FREIGHT.into());
    }
    let definition = obs.definition.to_lowercase();
    if [
        "per day",
        "a day",
        "single day",
        "single-day",
        "peak",
        "daily",
        "per week",
        "weekly",
    ]
    .iter()
    .any(|word| definition.contains(word))
    {
        return Err(
            "a rate per day or week or a peak (its definition says so), not a year's count".into(),
        );
    }
    if !obs.period.is_empty() && months(obs) < 3.0 {
        return Err("a rate within a month or a few days, not an annual volume".into());
    }
    if obs.origin.is_some() || obs.destination.is_some() {
        return Err("a volume between two places: the demand is by zone, not by station".into());
    }
    if let Some(facility) = &obs.facility {
        if obs.service == "sea" {
            return Err(
                "a port's whole throughput includes its sea trade, outside the model".into(),
            );
        }
        return match facility {
            FacilityRef::Place(PlaceRef::Node(node)) => {
                Ok(Selector::Facility(network.node(*node).key.clone()))
            }
            FacilityRef::Place(PlaceRef::Outside(name)) => {
                Err(format!("{name} is not a place of the network"))
            }
            FacilityRef::Line(..) => Err("a line's volume: not counted by line yet".into()),
        };
    }
    match obs.corridor.as_deref() {
        Some("kazakhstan_transit") => Ok(Selector::Pairs {
            corridor: None,
            ends: Ends::of(obs, Ends::Any),
        }),
        Some("northern") => Ok(Selector::Pairs {
            corridor: Some("northern".into()),
            ends: Ends::of(obs, Ends::ChinaEu),
        }),
        Some(key @ ("middle" | "southern")) => Ok(Selector::Pairs {
            corridor: Some(key.into()),
            ends: Ends::of(obs, Ends::Any),
        }),
        Some("china_europe") => Err(
            "all China–Europe trains, most of them through Mongolia and Manchuria, outside the network"
                .into(),
        ),
        _ => Err("no corridor or facility the model counts".into()),
    }
}

/// Which origin–destination pairs a volume counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ends {
    /// Every pair.
    Any,
    /// China ↔ the EU (UTLC ERA's transit series).
    ChinaEu,
    /// China ↔ the EU and Russia/Belarus.
    ChinaEuRu,
    /// China ↔ Russia/Belarus.
    ChinaRu,
}

impl Ends {
    /// The observation's `flows`, else the corridor's own.
    fn of(obs: &Observation, corridor_default: Ends) -> Ends {
        match obs.flows.as_str() {
            "china_eu" => Ends::ChinaEu,
            "china_eu_ru" => Ends::ChinaEuRu,
            "china_ru" => Ends::ChinaRu,
            _ => corridor_default,
        }
    }

    fn counts(self, network: &Network, origin: &str, destination: &str) -> bool {
        let far = |zone: &str| match self {
            Ends::Any => true,
            Ends::ChinaEu => is_eu(network, zone),
            Ends::ChinaEuRu => is_eu(network, zone) || is_ru(network, zone),
            Ends::ChinaRu => is_ru(network, zone),
        };
        self == Ends::Any
            || (is_china(network, origin) && far(destination))
            || (is_china(network, destination) && far(origin))
    }
}

/// Months an observation's period covers (12 without one).
fn months(obs: &Observation) -> f64 {
    let period = obs.period.as_str();
    if period.is_empty() {
        return 12.0;
    }
    let month = |text: &str| -> Option<i32> {
        let (year, rest) = text.split_once('-')?;
        let year: i32 = year.parse().ok()?;
        let month: i32 = match rest {
            "H1" => 6,
            "H2" => 12,
            "Q1" => 3,
            "Q2" => 6,
            "Q3" => 9,
            "Q4" => 12,
            m => m.parse().ok()?,
        };
        Some(year * 12 + month)
    };
    let span = |rest: &str| match rest.split_once('-').map(|(_, r)| r) {
        Some("H1" | "H2") => 6,
        Some("Q1" | "Q2" | "Q3" | "Q4") => 3,
        _ => 1,
    };
    match period.split_once("..") {
        Some((from, to)) => match (month(from), month(to)) {
            (Some(a), Some(b)) if b >= a => f64::from(b - a + span(from)),
            _ => 12.0,
        },
        None => match month(period) {
            Some(_) => f64::from(span(period)),
            None => 12.0,
        },
    }
}

fn is_china(network: &Network, zone: &str) -> bool {
    zone_country(network, zone).is_some_and(|c| c == "CN")
}

fn is_ru(network: &Network, zone: &str) -> bool {
    zone_country(network, zone).is_some_and(|c| c == "RU" || c == "BY")
}

fn is_eu(network: &Network, zone: &str) -> bool {
    zone_country(network, zone).is_some_and(|c| is_eu_country(&c))
}

fn is_eu_country(country: &str) -> bool {
    const EU: [&str; 8] = ["DE", "NL", "PL", "AT", "HU", "CZ", "SK", "BE"];
    EU.contains(&country)
}

fn zone_country(network: &Network, zone: &str) -> Option<String> {
    let freight = network.freight();
    let id = freight.zone_by_key(zone)?;
    let place = *freight.zone(id).places.first()?;
    Some(network.node(place).country.to_string())
}

/// The modelled volume of an observation in its year's assignment.
pub(super) fn predict_volume(
    network: &Network,
    obs: &Observation,
    flows: &YearFlows,
) -> Prediction {
    let selector = match selector(network, obs) {
        Ok(s) => s,
        Err(reason) => return Prediction::not_modelled(reason),
    };
    let report = match flows.reports.get(&obs.year) {
        Some(Ok(report)) => report,
        Some(Err(reason)) => return Prediction::not_modelled(reason.clone()),
        None => return Prediction::not_modelled("the year was not assigned"),
    };
    let tonnage = if obs.unit == Unit::Tonnes {
        match flows.tonnage.get(&obs.year) {
            Some(Ok(layer)) => Some(layer),
            Some(Err(reason)) => return Prediction::not_modelled(reason.clone()),
            None => return Prediction::not_modelled("the year's tonnage was not routed"),
        }
    } else {
        None
    };
    match volume_in(network, obs, &selector, report, tonnage) {
        Ok(value) => {
            let mut sources = demand_sources(network, obs.year);
            let freight = network.freight();
            if obs.unit == Unit::Trains {
                sources.extend(freight.teu_per_train_sources.iter().copied());
                sources.extend(freight.return_trains_sources.iter().copied());
            }
            if let Some(layer) = tonnage {
                sources.extend(freight.tonnes_per_teu_sources.iter().copied());
                sources.extend(layer.sources.iter().copied());
            }
            Prediction {
                modelled: Ok(value),
                sources,
            }
        }
        Err(reason) => Prediction::not_modelled(reason),
    }
}

/// A year's observed rail volume of a market: the observations that count China ↔ EU pairs
/// (the market's zones), annualised; full-year rows when the year has some, else rows of six
/// months or more.
#[derive(Debug, Clone)]
pub(super) struct MarketTarget {
    pub year: i32,
    pub rows: Vec<Observation>,
}

/// The years a market's rail volume was observed, other than its base year.
pub(super) fn market_targets(
    network: &Network,
    observations: &[Observation],
    market: &crate::network::Market,
) -> Vec<MarketTarget> {
    let freight = network.freight();
    let all = |zones: &[crate::network::ZoneId], test: &dyn Fn(&str) -> bool| {
        !zones.is_empty()
            && zones
                .iter()
                .all(|z| zone_country(network, &freight.zone(*z).key).is_some_and(|c| test(&c)))
    };
    let china = |c: &str| c == "CN";
    let eu = |c: &str| is_eu_country(c);
    let china_eu = (all(&market.origins, &china) && all(&market.destinations, &eu))
        || (all(&market.origins, &eu) && all(&market.destinations, &china));
    if !china_eu {
        return Vec::new();
    }
    let mut by_year: BTreeMap<i32, Vec<&Observation>> = BTreeMap::new();
    for obs in observations {
        let counts = matches!(
            selector(network, obs),
            Ok(Selector::Pairs {
                ends: Ends::ChinaEu,
                ..
            })
        );
        if counts
            && obs.unit == Unit::Teu
            && matches!(obs.direction.as_str(), "" | "both" | "transit")
            && obs.year != market.base_year
            && months(obs) >= 6.0
        {
            by_year.entry(obs.year).or_default().push(obs);
        }
    }
    by_year
        .into_iter()
        .map(|(year, rows)| {
            let full: Vec<&Observation> =
                rows.iter().copied().filter(|o| months(o) >= 12.0).collect();
            let chosen = if full.is_empty() { rows } else { full };
            MarketTarget {
                year,
                rows: chosen.into_iter().cloned().collect(),
            }
        })
        .collect()
}

/// The modelled value of a volume observation in a report of its year.
pub(super) fn modelled_volume(
    network: &Network,
    obs: &Observation,
    report: &FreightReport,
) -> Result<f64, String> {
    let selector = selector(network, obs)?;
    volume_in(network, obs, &selector, report, None)
}

/// The volume of an observation in a year's report (TEU, FEU, trains; tonnes: the
/// containers at tonnes per TEU plus the tonnage layer, whose exports are not transit).
fn volume_in(
    network: &Network,
    obs: &Observation,
    selector: &Selector,
    report: &FreightReport,
    tonnage: Option<&TonnageFlows>,
) -> Result<f64, String> {
    // TEU a year from China (westbound) and to it (eastbound); a pair without a Chinese end
    // counts as westbound.
    let by_direction = |pairs: &mut dyn Iterator<Item = (&str, &str, f64)>| {
        pairs.fold((0.0, 0.0), |(west, east), (origin, destination, teu)| {
            if is_china(network, destination) && !is_china(network, origin) {
                (west, east + teu)
            } else {
                (west + teu, east)
            }
        })
    };
    let (west, east) = match selector {
        Selector::Pairs { corridor, ends } => by_direction(
            &mut report
                .pairs
                .iter()
                .filter(|p| ends.counts(network, &p.origin, &p.destination))
                .map(|p| {
                    let teu = match corridor {
                        None => p.teu_per_year,
                        Some(key) => p
                            .by_corridor
                            .iter()
                            .filter(|c| &c.corridor == key)
                            .map(|c| c.teu_per_year)
                            .sum(),
                    };
                    (p.origin.as_str(), p.destination.as_str(), teu)
                }),
        ),
        Selector::Facility(key) => {
            let handled: f64 = report
                .handling
                .iter()
                .filter(|h| &h.node == key)
                .map(|h| h.teu_per_year)
                .fold(0.0, f64::max);
            let total = if handled > 0.0 {
                handled
            } else {
                report
                    .links
                    .iter()
                    .filter(|l| &l.to == key)
                    .map(|l| l.teu_per_year)
                    .sum()
            };
            // A facility's direction split is not reported: the network's (every pair).
            let west_share = west_share(network, report);
            (total * west_share, total * (1.0 - west_share))
        }
    };
    let period = months(obs) / 12.0;
    let (west, east) = (west * period, east * period);
    let wanted = |w: f64, e: f64| match obs.direction.as_str() {
        "westbound" => w,
        "eastbound" => e,
        _ => w + e,
    };
    let freight = network.freight();
    match obs.unit {
        Unit::Tonnes => {
            let per_teu = freight
                .tonnes_per_teu
                .ok_or("tonnes: the dataset gives no tonnes per TEU")?;
            let Some(layer) = tonnage else {
                return Err("tonnes: the tonnage layer was not routed".into());
            };
            // The layer's flows leave Kazakhstan westward; exports are not transit.
            let layer_tonnes = match (selector, obs.direction.as_str()) {
                (_, "eastbound" | "transit") => 0.0,
                (Selector::Facility(key), _) => network
                    .node_by_key(key)
                    .and_then(|n| layer.by_node.get(&n))
                    .copied()
                    .unwrap_or(0.0),
                (Selector::Pairs { corridor, .. }, _) => match corridor {
                    Some(key) => layer.by_corridor.get(key).copied().unwrap_or(0.0),
                    None => layer.by_corridor.values().sum(),
                },
            };
            Ok(wanted(west, east) * per_teu + layer_tonnes * period)
        }
        Unit::Teu => Ok(wanted(west, east)),
        Unit::Feu => Ok(wanted(west, east) / 2.0),
        // Loaded and empty trains alike, at the dataset's TEU per train; trains come back
        // (`return_trains_per_train` for each train of the busier direction), loaded or not.
        _ => {
            let Some(per_train) = freight.teu_per_train else {
                return Err("the dataset gives no TEU per train".into());
            };
            let (w, e) = (west / per_train, east / per_train);
            let (w, e) = match freight.return_trains_per_train {
                Some(r) if w >= e => (w, e.max(r * w)),
                Some(r) => (w.max(r * e), e),
                None => (w, e),
            };
            Ok(wanted(w, e))
        }
    }
}

/// The share of a year's TEU that move westbound: from China, or between two places
/// neither of which is in China (0.5 without flows).
pub(super) fn west_share(network: &Network, report: &FreightReport) -> f64 {
    let (west, east) = report.pairs.iter().fold((0.0, 0.0), |(w, e), p| {
        if is_china(network, &p.destination) && !is_china(network, &p.origin) {
            (w, e + p.teu_per_year)
        } else {
            (w + p.teu_per_year, e)
        }
    });
    if west + east > 0.0 {
        west / (west + east)
    } else {
        0.5
    }
}

/// The sources of the demand of a year: its rows, the factors of the year (the rows of each
/// group that give or bracket it), the markets.
pub(super) fn demand_sources(network: &Network, year: i32) -> BTreeSet<SourceId> {
    let freight = network.freight();
    let mut out: BTreeSet<SourceId> = freight
        .demand
        .iter()
        .flat_map(|d| d.sources.iter().copied())
        .collect();
    // Each group's rows that give or bracket the year's factor.
    // The observed series only: a scenario's rows apply when it is chosen, and then they
    // are the series.
    for d in freight
        .demand_by_year
        .iter()
        .filter(|d| d.scenario.is_empty())
    {
        let group = freight
            .demand_by_year
            .iter()
            .filter(|other| other.zones == d.zones && other.scenario.is_empty());
        let before = group
            .clone()
            .filter(|o| o.year <= year)
            .map(|o| o.year)
            .max();
        let after = group.filter(|o| o.year >= year).map(|o| o.year).min();
        if Some(d.year) == before || Some(d.year) == after {
            out.extend(d.sources.iter().copied());
        }
    }
    for m in &freight.markets {
        out.extend(m.rail_share_sources.iter().copied());
        out.extend(m.elasticity_sources.iter().copied());
    }
    out
}
