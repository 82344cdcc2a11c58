//! The stable JSON form of route reports (`silkroute route --format json`), documented in
//! `docs/formats.md`. These record types are the serialization boundary: model types do not
//! derive `Serialize`.

use super::geojson::{Feature, FeatureCollection, Geometry, Position};
use crate::network::{LinkId, Network, NodeId, PlaceMatch};
use crate::route::{Itinerary, Query, RouteOptions};
use serde::Serialize;
use serde_json::json;
use std::io::Write;

/// Version of the JSON layout; bumped on any incompatible change.
pub const REPORT_VERSION: u32 = 1;

/// A place in a report.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceRecord {
    /// Node id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// ISO country code.
    pub country: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Distance from the coordinates asked for, when snapped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapped_km: Option<f64>,
}

impl PlaceRecord {
    /// The record of a node.
    pub fn new(network: &Network, node: crate::network::NodeId, snapped_km: Option<f64>) -> Self {
        let node = network.node(node);
        PlaceRecord {
            id: node.key.clone(),
            name: node.name.clone(),
            country: node.country.to_string(),
            lat: node.lat,
            lon: node.lon,
            snapped_km: snapped_km.map(round1),
        }
    }

    /// The record of a place found by a request (with its distance when snapped).
    pub fn of_match(network: &Network, place: &PlaceMatch) -> Self {
        let snapped_km = match place {
            PlaceMatch::Snapped { distance_km, .. } => Some(*distance_km),
            PlaceMatch::Name(_) => None,
        };
        PlaceRecord::new(network, place.node(), snapped_km)
    }
}

/// One leg.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegRecord {
    /// Link id.
    pub link: String,
    /// Start node id.
    pub from: String,
    /// End node id.
    pub to: String,
    /// `rail`, `sea`, `ferry` or `road`.
    pub mode: String,
    /// Gauge for rail, mm.
    pub gauge_mm: Option<u16>,
    /// Length, km.
    pub km: f64,
    /// Hours including the wait for a departure.
    pub hours: f64,
    /// Of which waiting for a departure.
    pub wait_hours: f64,
    /// USD per FEU.
    pub cost_usd: f64,
    /// kg CO2e per FEU.
    pub co2e_kg: f64,
    /// Corridors of the link (empty: regional).
    pub corridors: Vec<String>,
    /// Source ids of the link's numbers.
    pub sources: Vec<String>,
}

/// One handling step at a node.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferRecord {
    /// Node id.
    pub node: String,
    /// Legs travelled before it.
    pub after_leg: usize,
    /// `gauge_change`, `border`, `port` or `terminal`.
    pub kind: String,
    /// Why it happens, e.g. `gauge change 1435 → 1520 mm`.
    pub reason: String,
    /// Hours, including `wait_hours`.
    pub hours: f64,
    /// Of the hours, those waited at the origin for the train to fill (groupage).
    pub wait_hours: f64,
    /// USD per FEU.
    pub cost_usd: f64,
    /// Source ids of its numbers.
    pub sources: Vec<String>,
}

/// One route.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteRecord {
    /// Corridor id, or `regional`.
    pub corridor: String,
    /// Total hours door to door.
    pub total_hours: f64,
    /// Total days.
    pub total_days: f64,
    /// Total km.
    pub total_km: f64,
    /// Total USD per FEU.
    pub total_cost_usd: f64,
    /// Total kg CO2e per FEU.
    pub total_co2e_kg: f64,
    /// Cost plus value of time × days, USD per FEU.
    pub generalized_cost_usd: f64,
    /// Hours spent in handling and border dwell.
    pub handling_hours: f64,
    /// Legs in travel order.
    pub legs: Vec<LegRecord>,
    /// Handling steps in travel order.
    pub transfers: Vec<TransferRecord>,
    /// Every source id behind the route's numbers.
    pub sources: Vec<String>,
}

/// A source cited by a report.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceRecord {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Address.
    pub url: String,
    /// `published`, `derived` or `estimate`.
    pub kind: String,
}

/// The options a report was made with.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueryRecord {
    /// Objective.
    pub by: String,
    /// Network year.
    pub year: i32,
    /// What was avoided, as given.
    pub avoid: Vec<String>,
    /// Cargo tonnes per FEU.
    pub payload_t: f64,
    /// USD per FEU-day.
    pub value_of_time_usd_per_day: f64,
    /// Whether the routes are the Pareto set.
    pub pareto: bool,
    /// Rail service class (`null`: links at their own speeds).
    pub service: Option<String>,
    /// Month whose sailings apply (`null`: the mean of the year).
    pub month: Option<u8>,
    /// Sea-rate level asked for (`null`: the network's for the year).
    pub sea_rate: Option<f64>,
    /// Risk premiums asked for.
    pub risk: Vec<String>,
    /// Carbon price asked for, USD per tonne CO2e, included in every USD of the report
    /// (absent: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carbon_usd_per_t: Option<f64>,
    /// The reliability file whose simulated hours replaced the network's (absent: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reliability: Option<ReliabilityRecord>,
}

/// The reliability file a report was made with.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReliabilityRecord {
    /// The file, as given.
    pub file: String,
    /// Which simulated hours the elements it names took: `mean`, `p50`, `p90` or `p95`.
    pub statistic: String,
    /// Elements the file names (the others kept the network's hours).
    pub elements: usize,
    /// USD per FEU per day of p95 − p50 of the elements used, included in every USD of the
    /// report.
    pub value_of_reliability_usd_per_day: f64,
    /// What produced the file (its `source` texts, e.g. a simulation report's fingerprint).
    pub sources: Vec<String>,
}

/// `silkroute route --format json`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteReport {
    /// Layout version.
    pub version: u32,
    /// Origin.
    pub from: PlaceRecord,
    /// Destination.
    pub to: PlaceRecord,
    /// Options.
    pub query: QueryRecord,
    /// Routes, best first.
    pub routes: Vec<RouteRecord>,
    /// Sources cited by any route.
    pub sources: Vec<SourceRecord>,
}

/// Rounds to 0.1 so reports are stable and readable.
pub fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

fn keys(network: &Network, ids: impl IntoIterator<Item = crate::network::SourceId>) -> Vec<String> {
    let mut keys: Vec<String> = ids
        .into_iter()
        .map(|id| network.source(id).key.clone())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

impl RouteRecord {
    /// The record of an itinerary.
    pub fn new(network: &Network, itinerary: &Itinerary, value_of_time_usd_per_day: f64) -> Self {
        let legs = itinerary
            .legs
            .iter()
            .map(|leg| {
                let link = network.link(leg.link);
                let factor = network.emission_factor_of(leg.link);
                LegRecord {
                    link: link.key.clone(),
                    from: network.node(leg.from).key.clone(),
                    to: network.node(leg.to).key.clone(),
                    mode: leg.mode.as_str().to_string(),
                    gauge_mm: leg.gauge_mm,
                    km: round1(leg.km),
                    hours: round1(leg.criteria.hours),
                    wait_hours: round1(leg.wait_h),
                    cost_usd: round1(leg.criteria.cost_usd),
                    co2e_kg: round1(leg.criteria.co2e_kg),
                    corridors: corridor_keys(network, &link.corridors),
                    sources: keys(
                        network,
                        link.length_sources
                            .iter()
                            .chain(&leg.time_sources)
                            .chain(&leg.wait_sources)
                            .chain(&leg.price_sources)
                            .chain(&link.tariff_sources)
                            .chain(&link.status_sources)
                            .chain(&factor.sources)
                            .copied(),
                    ),
                }
            })
            .collect();
        let mut handling_hours = 0.0;
        let mut transfers = Vec::new();
        for transfer in &itinerary.transfers {
            for step in &transfer.steps {
                handling_hours += step.hours;
                let handling = network.handling(step.handling);
                transfers.push(TransferRecord {
                    node: network.node(transfer.node).key.clone(),
                    after_leg: transfer.after_leg,
                    kind: step.kind.as_str().to_string(),
                    reason: step.reason.describe(),
                    hours: round1(step.hours),
                    wait_hours: round1(step.wait_h),
                    cost_usd: round1(step.cost_usd),
                    sources: keys(
                        network,
                        step.hours_sources
                            .iter()
                            .chain(&handling.cost_sources)
                            .chain(&handling.status_sources)
                            .copied(),
                    ),
                });
            }
        }
        let totals = itinerary.totals;
        RouteRecord {
            corridor: itinerary.corridor.map_or_else(
                || "regional".to_string(),
                |c| network.corridor(c).key.clone(),
            ),
            total_hours: round1(totals.hours),
            total_days: round1(totals.hours / 24.0),
            total_km: round1(itinerary.km),
            total_cost_usd: round1(totals.cost_usd),
            total_co2e_kg: round1(totals.co2e_kg),
            generalized_cost_usd: round1(
                totals.cost_usd + value_of_time_usd_per_day * totals.hours / 24.0,
            ),
            handling_hours: round1(handling_hours),
            legs,
            transfers,
            sources: keys(network, itinerary.sources(network)),
        }
    }
}

/// Corridor ids of a link, `regional` when it has none.
pub fn corridor_keys(network: &Network, corridors: &[crate::network::CorridorId]) -> Vec<String> {
    if corridors.is_empty() {
        vec!["regional".to_string()]
    } else {
        corridors
            .iter()
            .map(|&c| network.corridor(c).key.clone())
            .collect()
    }
}

impl SourceRecord {
    /// Records of the sources cited by some routes, sorted by id.
    pub fn cited(network: &Network, routes: &[RouteRecord]) -> Vec<SourceRecord> {
        let mut ids: Vec<&String> = routes.iter().flat_map(|r| r.sources.iter()).collect();
        ids.sort();
        ids.dedup();
        ids.into_iter()
            .filter_map(|key| network.source_by_key(key))
            .map(|id| {
                let source = network.source(id);
                SourceRecord {
                    id: source.key.clone(),
                    title: source.title.clone(),
                    url: source.url.clone(),
                    kind: source.kind.as_str().to_string(),
                }
            })
            .collect()
    }
}

/// The header records of a report on `query`: origin, destination, options.
pub fn query_records(
    network: &Network,
    query: &Query,
    pareto: bool,
) -> (PlaceRecord, PlaceRecord, QueryRecord) {
    (
        PlaceRecord::of_match(network, &query.from),
        PlaceRecord::of_match(network, &query.to),
        QueryRecord::new(network, &query.options, &query.avoid_text, pareto),
    )
}

impl QueryRecord {
    /// The record of route options (`avoid_text`: the things avoided as the request wrote
    /// them; `pareto`: the routes are the Pareto set).
    pub fn new(
        network: &Network,
        options: &RouteOptions,
        avoid_text: &[String],
        pareto: bool,
    ) -> QueryRecord {
        QueryRecord {
            by: options.objective.as_str().to_string(),
            year: options.year,
            avoid: avoid_text.to_vec(),
            payload_t: options.payload_t,
            value_of_time_usd_per_day: options.value_of_time_usd_per_day,
            pareto,
            service: options
                .service
                .map(|id| network.services().class(id).key.clone()),
            month: options.month,
            sea_rate: options.sea_rate,
            risk: options
                .risk
                .iter()
                .map(|r| format!("{}={}:{}", r.country, r.usd_per_feu, r.days))
                .collect(),
            carbon_usd_per_t: Some(options.carbon_usd_per_t).filter(|&usd| usd != 0.0),
            reliability: options
                .reliability
                .as_deref()
                .map(|table| ReliabilityRecord {
                    file: table.file().to_string(),
                    statistic: options.statistic.as_str().to_string(),
                    elements: table.len(),
                    value_of_reliability_usd_per_day: options.value_of_reliability_usd_per_day,
                    sources: table.sources().to_vec(),
                }),
        }
    }
}

impl RouteReport {
    /// The report of the routes found for `query` (`pareto`: they are the Pareto set).
    pub fn new(
        network: &Network,
        query: &Query,
        itineraries: &[Itinerary],
        pareto: bool,
    ) -> RouteReport {
        let routes: Vec<RouteRecord> = itineraries
            .iter()
            .map(|it| RouteRecord::new(network, it, query.options.value_of_time_usd_per_day))
            .collect();
        let (from, to, query) = query_records(network, query, pareto);
        RouteReport {
            version: REPORT_VERSION,
            from,
            to,
            query,
            sources: SourceRecord::cited(network, &routes),
            routes,
        }
    }

    /// The routes as GeoJSON (see [`routes_geojson`]).
    pub fn to_geojson(&self, network: &Network, itineraries: &[Itinerary]) -> FeatureCollection {
        routes_geojson(network, itineraries, &self.routes)
    }

    /// The routes as CSV (see [`write_routes_csv`]).
    ///
    /// # Errors
    /// Only from writing to `out`.
    pub fn write_csv(&self, out: &mut dyn Write) -> csv::Result<()> {
        write_routes_csv(&self.routes, out)
    }
}

/// The attribution of lines drawn from the network's shapes.
pub const SHAPES_ATTRIBUTION: &str = "Rail lines © OpenStreetMap contributors, ODbL 1.0; sea lanes: Eurostat SeaRoute / ORNL via searoute";

/// The positions (`[lon, lat]`) of a link travelled from `from`: its line from the
/// geographic network when the data has one (shapes.csv), in travel order; otherwise a
/// straight line between its places.
pub fn link_positions(network: &Network, link: LinkId, from: NodeId) -> Vec<Position> {
    let link_data = network.link(link);
    let forward = link_data.from == from;
    match network.link_shape(link) {
        Some(shape) => {
            let mut points: Vec<Position> =
                shape.points.iter().map(|&(lat, lon)| [lon, lat]).collect();
            if !forward {
                points.reverse();
            }
            points
        }
        None => {
            let (a, b) = if forward {
                (link_data.from, link_data.to)
            } else {
                (link_data.to, link_data.from)
            };
            let (a, b) = (network.node(a), network.node(b));
            vec![[a.lon, a.lat], [b.lon, b.lat]]
        }
    }
}

/// Routes as a GeoJSON FeatureCollection: one line per leg, along the network's shapes, and
/// one point per handling step.
pub fn routes_geojson(
    network: &Network,
    itineraries: &[Itinerary],
    records: &[RouteRecord],
) -> FeatureCollection {
    let mut features = Vec::new();
    for (index, (itinerary, record)) in itineraries.iter().zip(records).enumerate() {
        for (leg, leg_record) in itinerary.legs.iter().zip(&record.legs) {
            features.push(Feature::new(
                Geometry::line(link_positions(network, leg.link, leg.from)),
                json!({
                    "route": index + 1,
                    "corridor": record.corridor,
                    "link": leg_record.link,
                    "from": leg_record.from,
                    "to": leg_record.to,
                    "mode": leg_record.mode,
                    "km": leg_record.km,
                    "hours": leg_record.hours,
                    "cost_usd": leg_record.cost_usd,
                    "co2e_kg": leg_record.co2e_kg,
                }),
            ));
        }
        for transfer in &record.transfers {
            let node = network
                .node_by_key(&transfer.node)
                .map(|id| network.node(id))
                .expect("transfer nodes come from the network");
            features.push(Feature::new(
                Geometry::Point([node.lon, node.lat]),
                json!({
                    "route": index + 1,
                    "corridor": record.corridor,
                    "node": transfer.node,
                    "name": node.name,
                    "kind": transfer.kind,
                    "reason": transfer.reason,
                    "hours": transfer.hours,
                    "cost_usd": transfer.cost_usd,
                }),
            ));
        }
    }
    FeatureCollection::new(
        features,
        Some(json!({
            "attribution": SHAPES_ATTRIBUTION,
            "note": "Lines follow the rail and sea networks (data/default/shapes.csv) where a link has one, else straight lines between places.",
        })),
    )
}

/// Routes as CSV: one row per leg and per handling step, in travel order:
/// `route,corridor,seq,kind,from,to,mode,km,hours,cost_usd,co2e_kg,reason`.
///
/// # Errors
/// Only from writing to `out`.
pub fn write_routes_csv(records: &[RouteRecord], out: &mut dyn Write) -> csv::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "route", "corridor", "seq", "kind", "from", "to", "mode", "km", "hours", "cost_usd",
        "co2e_kg", "reason",
    ])?;
    for (index, record) in records.iter().enumerate() {
        let route = (index + 1).to_string();
        let mut seq = 0;
        let mut transfers = record.transfers.iter().peekable();
        for leg_index in 0..=record.legs.len() {
            while let Some(transfer) = transfers.next_if(|t| t.after_leg == leg_index) {
                seq += 1;
                writer.write_record([
                    route.as_str(),
                    &record.corridor,
                    &seq.to_string(),
                    &transfer.kind,
                    &transfer.node,
                    &transfer.node,
                    "",
                    "0",
                    &transfer.hours.to_string(),
                    &transfer.cost_usd.to_string(),
                    "0",
                    &transfer.reason,
                ])?;
            }
            if let Some(leg) = record.legs.get(leg_index) {
                seq += 1;
                writer.write_record([
                    route.as_str(),
                    &record.corridor,
                    &seq.to_string(),
                    "leg",
                    &leg.from,
                    &leg.to,
                    &leg.mode,
                    &leg.km.to_string(),
                    &leg.hours.to_string(),
                    &leg.cost_usd.to_string(),
                    &leg.co2e_kg.to_string(),
                    "",
                ])?;
            }
        }
    }
    writer.flush()?;
    Ok(())
}
