//! The model against what was observed: the modelled value of each observation
//! ([`predict`]) and their comparison ([`evaluate`] → [`crate::report::FitReport`]).
//!
//! An observation is predicted from the network as a user would ask it: a transit time is
//! the fastest route between its places in its year (and month, from its period), for its
//! service class, on its corridor; a place outside the network (`?China`) stands for the
//! nodes of its region ([`Region`]) and the modelled value is the median over their pairs. A
//! `station_to_station` or `port_to_port` time leaves out the loading and unloading at the
//! ends; a `facility` time is the border and gauge-change dwell of the place (for a
//! `processing` time, that of a train with its slot: the express class); a `difference`
//! is the time of the corridor less that of the usual one (`sea_cape` less `sea_suez`).
//! What the model does not represent (door-to-door legs, places in no region, volumes before
//! the demand layer) is reported as not modelled, with the reason, never guessed.

mod calibrate;
mod congestion;
mod markets;
mod volumes;

pub use calibrate::{
    CASPIAN_PERIODS, CalibrateError, CalibrateProgress, CalibrateRequest, Calibrated,
    DWELL_PRIOR_SD, Fit, FitParameter, NOISE, SEA_PRIOR_SD, SPEED_PRIOR_SD, WAIT_PRIOR_SD,
    calibrate, default_parameters, fit, fold_of, method, usable,
};
pub use congestion::{Congestion, QUEUE_TOLERANCE_FACTOR, queue_within, takes_congestion};
pub use markets::{MarketFitError, fit_market_years, fit_markets};
pub use volumes::YearFlows;

use crate::network::{Calibration, CorridorId, HandlingKind, Network, NodeId, ServiceId, SourceId};
use crate::observe::{FacilityRef, ObsKind, Observation, Observations, PlaceRef, Region, Unit};
use crate::report::{FitRecord, FitReport, FitSummary};
use crate::route::{Itinerary, Objective, RouteOptions, Scope, shortest_path};
use std::collections::BTreeSet;

/// Tolerance of a transit time: within 1.5 days ...
pub const TRANSIT_TOLERANCE_DAYS: f64 = 1.5;
/// ... or within 10% of the observed value.
pub const TRANSIT_TOLERANCE_SHARE: f64 = 0.10;
/// Tolerance of a value in percent (a share, a relative difference): 5 percentage points.
pub const PERCENT_TOLERANCE_POINTS: f64 = 5.0;

/// The modelled value of an observation, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// In the observation's unit; `Err` says why the model does not predict it.
    pub modelled: Result<f64, String>,
    /// The network's sources behind the modelled value.
    pub sources: BTreeSet<SourceId>,
}

impl Prediction {
    fn not_modelled(reason: impl Into<String>) -> Prediction {
        Prediction {
            modelled: Err(reason.into()),
            sources: BTreeSet::new(),
        }
    }
}

/// The service class an observation's `service` stands for: `express`, `block` and
/// `groupage` by name, anything else (`any`, `sea`, `ferry`) the network's default.
pub fn service_of(network: &Network, observation: &Observation) -> Option<ServiceId> {
    let services = network.services();
    services.find(&observation.service).or(services.default)
}

/// The month (1–12) of a period written `YYYY-MM`, if it is one.
pub fn month_of(period: &str) -> Option<u8> {
    let (_, month) = period.split_once('-')?;
    let month: u8 = month.parse().ok()?;
    (1..=12).contains(&month).then_some(month)
}

/// The nodes a place stands for.
fn nodes_of(place: &PlaceRef, regions: &[Region]) -> Result<Vec<NodeId>, String> {
    match place {
        PlaceRef::Node(node) => Ok(vec![*node]),
        PlaceRef::Outside(name) => regions
            .iter()
            .find(|r| &r.name == name)
            .map(|r| r.places.clone())
            .ok_or_else(|| format!("?{name} is neither a node nor a region")),
    }
}

/// What a prediction is made on.
struct Cx<'a> {
    network: &'a Network,
    calibration: &'a Calibration,
    regions: &'a [Region],
    /// The year's congestion, for an observation that spends it ([`takes_congestion`]).
    congestion: Option<&'a Congestion>,
}

impl Cx<'_> {
    fn scope(&self, options: &RouteOptions) -> Scope<'_> {
        Scope::with_calibration(self.network, options, self.calibration)
    }
}

/// The route options of an observation, on `corridor` (a network corridor or none).
fn options_of(
    network: &Network,
    observation: &Observation,
    corridor: Option<CorridorId>,
) -> RouteOptions {
    let mut options = RouteOptions::defaults(network);
    options.objective = Objective::Time;
    options.year = observation.year;
    options.month = month_of(&observation.period);
    options.service = service_of(network, observation);
    options.corridor = corridor;
    options
}

/// The network corridor an observation names (`None` for an aggregate or none).
fn corridor_of(network: &Network, key: Option<&str>) -> Option<CorridorId> {
    let key = key?;
    network
        .corridors()
        .iter()
        .position(|c| c.key == key)
        .map(CorridorId::from_index)
}

/// What a route totals: hours or USD per FEU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Total {
    Hours,
    Usd,
}

/// Hours (or USD per FEU) of the fastest route in `scope`, without the transfers at its ends
/// when `without_ends`, and its sources.
fn route_total(
    scope: &Scope<'_>,
    from: NodeId,
    to: NodeId,
    without_ends: bool,
    total: Total,
    congestion: Option<&Congestion>,
) -> Option<(f64, BTreeSet<SourceId>)> {
    if from == to || !scope.is_node_allowed(from) || !scope.is_node_allowed(to) {
        return None;
    }
    let path = shortest_path(scope, from, to).ok()??;
    let itinerary = Itinerary::new(scope, &path);
    let mut value = match total {
        Total::Hours => itinerary.totals.hours + congestion.map_or(0.0, |c| c.along(&itinerary)),
        Total::Usd => itinerary.totals.cost_usd,
    };
    if without_ends {
        let last = itinerary.legs.len();
        for transfer in &itinerary.transfers {
            if transfer.after_leg == 0 || transfer.after_leg == last {
                value -= transfer
                    .steps
                    .iter()
                    .map(|s| match total {
                        Total::Hours => s.hours,
                        Total::Usd => s.cost_usd,
                    })
                    .sum::<f64>();
            }
        }
    }
    Some((value, itinerary.sources(scope.network())))
}

/// The median of the route hours (with the year's delays along each route, when given) over
/// the pairs of `froms` × `tos`, with the sources of every pair.
fn median_hours(
    scope: &Scope<'_>,
    froms: &[NodeId],
    tos: &[NodeId],
    without_ends: bool,
    congestion: Option<&Congestion>,
) -> Option<(f64, BTreeSet<SourceId>)> {
    median_total(scope, froms, tos, without_ends, Total::Hours, congestion)
}

/// The median of a route total over the pairs of `froms` × `tos`, with the sources of every
/// pair.
fn median_total(
    scope: &Scope<'_>,
    froms: &[NodeId],
    tos: &[NodeId],
    without_ends: bool,
    total: Total,
    congestion: Option<&Congestion>,
) -> Option<(f64, BTreeSet<SourceId>)> {
    let mut values = Vec::new();
    let mut sources = BTreeSet::new();
    for &from in froms {
        for &to in tos {
            if let Some((v, s)) = route_total(scope, from, to, without_ends, total, congestion) {
                values.push(v);
                sources.extend(s);
            }
        }
    }
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    let median = if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    };
    Some((median, sources))
}

fn in_unit(hours: f64, unit: Unit) -> Option<f64> {
    match unit {
        Unit::Days => Some(hours / 24.0),
        Unit::Hours => Some(hours),
        _ => None,
    }
}

/// The modelled value of one observation (its year assigned when it needs the flows).
pub fn predict(network: &Network, regions: &[Region], observation: &Observation) -> Prediction {
    predict_with(network, network.calibration(), regions, observation)
}

/// The modelled values of many observations: [`predict_in`] of each, with the freight
/// assignment of each year the volumes, queues and congested times need run once.
pub fn predict_all(
    network: &Network,
    regions: &[Region],
    observations: &[Observation],
) -> Vec<Prediction> {
    let flows = YearFlows::for_observations(network, observations);
    observations
        .iter()
        .map(|obs| predict_in(network, network.calibration(), regions, &flows, obs))
        .collect()
}

/// The modelled value of one observation with other calibrated factors than the network's
/// (its year assigned, with the network's own factors, when it needs the flows).
pub fn predict_with(
    network: &Network,
    calibration: &Calibration,
    regions: &[Region],
    observation: &Observation,
) -> Prediction {
    let flows = YearFlows::for_observations(network, [observation]);
    predict_in(network, calibration, regions, &flows, observation)
}

/// The modelled value of one observation with `calibration`'s factors, the flows, queues and
/// congestion of its year taken from `flows` (a year not in it: not modelled, or, for a
/// transit time, without congestion).
pub fn predict_in(
    network: &Network,
    calibration: &Calibration,
    regions: &[Region],
    flows: &YearFlows,
    observation: &Observation,
) -> Prediction {
    let cx = Cx {
        network,
        calibration,
        regions,
        congestion: if takes_congestion(observation) {
            flows.congestion(observation.year)
        } else {
            None
        },
    };
    match observation.kind {
        ObsKind::TransitTime => predict_transit(&cx, observation),
        ObsKind::SeaRate => Prediction::not_modelled(
            "a sea rate is an input of the model (prices.csv), not an output",
        ),
        ObsKind::Capacity => Prediction::not_modelled(
            "a design capacity: an input to reconcile with the network's capacities, not an output",
        ),
        ObsKind::Tariff => predict_tariff(&cx, observation),
        ObsKind::Volume | ObsKind::TrainCount => {
            volumes::predict_volume(network, observation, flows)
        }
        ObsKind::Queue => predict_queue(
            &Cx {
                congestion: flows.congestion(observation.year),
                ..cx
            },
            observation,
        ),
        kind => Prediction::not_modelled(format!(
            "{}: not modelled yet (issue 10, item 3)",
            kind.as_str()
        )),
    }
}

fn predict_transit(cx: &Cx<'_>, obs: &Observation) -> Prediction {
    let (network, regions) = (cx.network, cx.regions);
    let corridor_key = obs.corridor.as_deref();
    let corridor = corridor_of(network, corridor_key);
    match obs.scope.as_str() {
        "door_to_door" => {
            return Prediction::not_modelled(
                "door to door: the pre- and on-carriage by road is not in the network",
            );
        }
        "facility" | "processing" => return predict_dwell(cx, obs),
        "network" => return Prediction::not_modelled("a network-wide time is not a route"),
        _ => {}
    }
    if let Some(FacilityRef::Line(a, b)) = &obs.facility {
        return predict_crossing(cx, obs, a, b);
    }
    let (Some(origin), Some(destination)) = (&obs.origin, &obs.destination) else {
        return Prediction::not_modelled("no origin and destination");
    };
    let froms = match nodes_of(origin, regions) {
        Ok(nodes) => nodes,
        Err(reason) => return Prediction::not_modelled(reason),
    };
    let tos = match nodes_of(destination, regions) {
        Ok(nodes) => nodes,
        Err(reason) => return Prediction::not_modelled(reason),
    };
    let without_ends = matches!(
        obs.scope.as_str(),
        "station_to_station" | "port_to_port" | "border"
    );
    let options = options_of(network, obs, corridor);
    let scope = cx.scope(&options);
    if obs.scope == "difference" {
        let base = match corridor_key {
            Some("sea_cape") => corridor_of(network, Some("sea_suez")),
            _ => None,
        };
        let Some(base) = base else {
            return Prediction::not_modelled("a difference needs a corridor with a usual one");
        };
        let base_options = options_of(network, obs, Some(base));
        let base_scope = cx.scope(&base_options);
        let (Some((with, mut sources)), Some((usual, base_sources))) = (
            median_hours(&scope, &froms, &tos, true, None),
            median_hours(&base_scope, &froms, &tos, true, None),
        ) else {
            return Prediction::not_modelled("no route on the corridor or the usual one");
        };
        sources.extend(base_sources);
        let modelled = match obs.unit {
            Unit::Percent => Some(100.0 * (with - usual) / usual),
            unit => in_unit(with - usual, unit),
        };
        return match modelled {
            Some(value) => Prediction {
                modelled: Ok(value),
                sources,
            },
            None => Prediction::not_modelled("unit"),
        };
    }
    match median_hours(&scope, &froms, &tos, without_ends, cx.congestion) {
        None => Prediction::not_modelled(format!(
            "no route in {}{}",
            obs.year,
            corridor_key.map_or(String::new(), |c| format!(" on {c}"))
        )),
        Some((hours, mut sources)) => match in_unit(hours, obs.unit) {
            Some(value) => {
                if cx.congestion.is_some() {
                    sources.extend(volumes::demand_sources(network, obs.year));
                }
                Prediction {
                    modelled: Ok(value),
                    sources,
                }
            }
            None => Prediction::not_modelled(format!(
                "a transit time in {} is not a route time",
                obs.unit.as_str()
            )),
        },
    }
}

/// A published rate per container against the USD of the route the model takes between its
/// places in its year, for its service, on its corridor (the fastest, as for a transit time):
/// tariffs and handling at the tariff year's prices, sea legs at the year's sea-rate level.
/// Rail tariffs do not change by period in the model, so subsidies (2016–2020), the 2021
/// peak and later cuts show as errors, not as inputs.
fn predict_tariff(cx: &Cx<'_>, obs: &Observation) -> Prediction {
    let network = cx.network;
    let per_container = match obs.unit {
        Unit::UsdPerFeu => 1.0,
        Unit::UsdPerTeu => 0.5,
        _ => {
            return Prediction::not_modelled(format!(
                "a tariff in {} (a share or a change) is not a route's price",
                obs.unit.as_str()
            ));
        }
    };
    match obs.scope.as_str() {
        "door_to_door" => {
            return Prediction::not_modelled(
                "door to door: the pre- and on-carriage by road is not in the network",
            );
        }
        "terminal_to_terminal" | "station_to_station" | "border" | "port_to_port" => {}
        scope => return Prediction::not_modelled(format!("a tariff of scope {scope}")),
    }
    let (Some(origin), Some(destination)) = (&obs.origin, &obs.destination) else {
        return Prediction::not_modelled("no origin and destination");
    };
    let froms = match nodes_of(origin, cx.regions) {
        Ok(nodes) => nodes,
        Err(reason) => return Prediction::not_modelled(reason),
    };
    let tos = match nodes_of(destination, cx.regions) {
        Ok(nodes) => nodes,
        Err(reason) => return Prediction::not_modelled(reason),
    };
    let without_ends = obs.scope != "terminal_to_terminal";
    let corridor = corridor_of(network, obs.corridor.as_deref());
    let options = options_of(network, obs, corridor);
    let scope = cx.scope(&options);
    match median_total(&scope, &froms, &tos, without_ends, Total::Usd, None) {
        Some((usd, sources)) => Prediction {
            modelled: Ok(usd * per_container),
            sources,
        },
        None => Prediction::not_modelled(format!("no route in {}", obs.year)),
    }
}

/// The running time of a line (a ferry or sea crossing between two nodes) in the
/// observation's year, without the wait for a departure.
fn predict_crossing(cx: &Cx<'_>, obs: &Observation, a: &PlaceRef, b: &PlaceRef) -> Prediction {
    let network = cx.network;
    let (PlaceRef::Node(a), PlaceRef::Node(b)) = (a, b) else {
        return Prediction::not_modelled("a line with an end outside the network");
    };
    let options = options_of(network, obs, None);
    let scope = cx.scope(&options);
    let link = network
        .out_arcs(*a)
        .iter()
        .find(|&&arc| network.arc(arc).head == *b && scope.is_arc_allowed(arc))
        .map(|&arc| network.arc(arc).link);
    let Some(link) = link else {
        return Prediction::not_modelled(format!("no line between the two places in {}", obs.year));
    };
    let sources: BTreeSet<SourceId> = scope.time_sources(link).iter().copied().collect();
    match in_unit(scope.running_h(link), obs.unit) {
        Some(value) => Prediction {
            modelled: Ok(value),
            sources,
        },
        None => Prediction::not_modelled("unit"),
    }
}

/// The border and gauge-change dwell at a facility for the observation's class and year.
fn predict_dwell(cx: &Cx<'_>, obs: &Observation) -> Prediction {
    let Some(FacilityRef::Place(place)) = &obs.facility else {
        return Prediction::not_modelled("a facility time needs a place");
    };
    let nodes = match nodes_of(place, cx.regions) {
        Ok(nodes) => nodes,
        Err(reason) => return Prediction::not_modelled(reason),
    };
    let mut options = options_of(cx.network, obs, None);
    if obs.scope == "processing" {
        // A train that has its slot: the express class is defined by that dwell
        // (S_EXPRESS_DWELL); without classes, the rows' own hours.
        let services = cx.network.services();
        options.service = services.find("express").or(services.default);
    }
    let scope = cx.scope(&options);
    let mut hours = Vec::new();
    let mut sources = BTreeSet::new();
    for node in nodes {
        let mut dwell = cx.congestion.map_or(0.0, |c| c.at(node, false));
        let mut any = false;
        for kind in [HandlingKind::Border, HandlingKind::GaugeChange] {
            if let Some(row) = scope.active_handling(node, kind) {
                dwell += scope.handling_criteria(row).hours;
                sources.extend(scope.hours_sources(row).iter().copied());
                any = true;
            }
        }
        if any {
            hours.push(dwell);
        }
    }
    if hours.is_empty() {
        return Prediction::not_modelled("no border or gauge change at the place");
    }
    if cx.congestion.is_some() {
        sources.extend(volumes::demand_sources(cx.network, obs.year));
    }
    let mean = hours.iter().sum::<f64>() / hours.len() as f64;
    match in_unit(mean, obs.unit) {
        Some(value) => Prediction {
            modelled: Ok(value),
            sources,
        },
        None => Prediction::not_modelled("unit"),
    }
}

/// A queue at a place in the year's assignment. A time there is the stay of a train: the
/// dwell of its borders, gauge changes and port in the year (the network's default class)
/// and their queue; trains waiting are [`congestion::trains_queued`].
fn predict_queue(cx: &Cx<'_>, obs: &Observation) -> Prediction {
    let network = cx.network;
    let node = match &obs.facility {
        Some(FacilityRef::Place(PlaceRef::Node(node))) => *node,
        Some(FacilityRef::Place(PlaceRef::Outside(name))) => {
            return Prediction::not_modelled(format!("?{name} is not a place of the network"));
        }
        _ => return Prediction::not_modelled("a queue needs a place"),
    };
    if obs.flows == "all_freight" {
        return Prediction::not_modelled(volumes::ALL_FREIGHT);
    }
    let Some(congestion) = cx.congestion else {
        return Prediction::not_modelled(format!("{} was not assigned", obs.year));
    };
    let mut sources = volumes::demand_sources(network, obs.year);
    let modelled = match obs.unit {
        Unit::Days | Unit::Hours => {
            let options = options_of(network, obs, None);
            let scope = cx.scope(&options);
            let mut hours = congestion.at(node, true);
            let mut any = false;
            for kind in [
                HandlingKind::Border,
                HandlingKind::GaugeChange,
                HandlingKind::Port,
            ] {
                if let Some(row) = scope.active_handling(node, kind) {
                    hours += scope.handling_criteria(row).hours;
                    sources.extend(scope.hours_sources(row).iter().copied());
                    any = true;
                }
            }
            if !any {
                return Prediction::not_modelled(format!(
                    "no border, gauge change or port at the place in {}",
                    obs.year
                ));
            }
            in_unit(hours, obs.unit)
        }
        Unit::TrainsQueued => match congestion::trains_queued(network, obs, node, congestion) {
            Ok(trains) => {
                sources.extend(network.freight().teu_per_train_sources.iter().copied());
                Some(trains)
            }
            Err(reason) => return Prediction::not_modelled(reason),
        },
        _ => None,
    };
    match modelled {
        Some(value) => Prediction {
            modelled: Ok(value),
            sources,
        },
        None => {
            Prediction::not_modelled(format!("a queue in {} is not modelled", obs.unit.as_str()))
        }
    }
}

/// Whether a modelled value is within the tolerance of the observed one, and the error in
/// days for times.
pub fn judge(observation: &Observation, modelled: f64) -> (bool, Option<f64>) {
    let observed = observation.value;
    let error = modelled - observed;
    if observation.kind == ObsKind::Queue {
        let days = match observation.unit {
            Unit::Days => Some(error),
            Unit::Hours => Some(error / 24.0),
            _ => None,
        };
        return (queue_within(observed, modelled), days);
    }
    match observation.unit {
        Unit::Days | Unit::Hours => {
            let days = if observation.unit == Unit::Hours {
                error / 24.0
            } else {
                error
            };
            let within = days.abs() <= TRANSIT_TOLERANCE_DAYS + 1e-9
                || error.abs() <= TRANSIT_TOLERANCE_SHARE * observed.abs() + 1e-9;
            (within, Some(days))
        }
        Unit::Percent => (error.abs() <= PERCENT_TOLERANCE_POINTS + 1e-9, None),
        _ => (error.abs() <= 0.2 * observed.abs() + 1e-9, None),
    }
}

/// Normalized form of a URL for comparing publications: no scheme, no `www.`, no trailing
/// slash, lower-case host.
fn url_key(url: &str) -> String {
    let rest = url
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("www.");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    format!("{}/{}", host.to_lowercase(), path.trim_end_matches('/'))
}

/// Every observation predicted and judged, with a summary by kind.
pub fn evaluate(network: &Network, observations: &Observations, regions: &[Region]) -> FitReport {
    let mut records = Vec::with_capacity(observations.rows.len());
    let predictions = predict_all(network, regions, &observations.rows);
    for (obs, prediction) in observations.rows.iter().zip(predictions) {
        // Publications behind both the observation and the modelled value.
        let obs_urls: BTreeSet<String> = obs
            .sources
            .iter()
            .filter_map(|key| observations.sources.iter().find(|s| &s.key == key))
            .filter(|s| !s.url.is_empty())
            .map(|s| url_key(&s.url))
            .collect();
        let mut shared: Vec<String> = prediction
            .sources
            .iter()
            .map(|&id| network.source(id))
            .filter(|s| !s.url.is_empty() && obs_urls.contains(&url_key(&s.url)))
            .map(|s| s.key.clone())
            .collect();
        // A row a market's premium was fitted on is not an independent test either.
        for row in &network.freight().market_years {
            if row.fitted_on.contains(&obs.id) {
                for &id in &row.sources {
                    let key = network.source(id).key.clone();
                    if !shared.contains(&key) {
                        shared.push(key);
                    }
                }
            }
        }
        let (modelled, reason, within, error_days) = match prediction.modelled {
            Ok(value) => {
                let (within, days) = judge(obs, value);
                (Some(value), None, Some(within), days)
            }
            Err(reason) => (None, Some(reason), None, None),
        };
        records.push(FitRecord::new(
            network, obs, modelled, reason, within, error_days, shared,
        ));
    }
    let summary = FitSummary::of(&records);
    FitReport {
        version: crate::report::FIT_REPORT_VERSION,
        tolerance: format!(
            "transit times within {TRANSIT_TOLERANCE_DAYS} days or {}%; percentages within {PERCENT_TOLERANCE_POINTS} points; other values within 20%",
            TRANSIT_TOLERANCE_SHARE * 100.0
        ),
        summary,
        observations: records,
    }
}

#[cfg(test)]
mod tests;
