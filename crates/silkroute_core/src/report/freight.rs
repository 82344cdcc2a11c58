//! The report of a freight assignment (`silkroute assign`, documented in `docs/formats.md`,
//! "Freight report"): flows per link direction and handling facility, volumes per corridor,
//! bottlenecks, arrivals by zone, unserved demand; built by
//! `crate::freight::FreightProblem::report`. Also its CSV and GeoJSON forms.

use super::geojson::{Feature, FeatureCollection, Geometry};
use super::route::{SHAPES_ATTRIBUTION, link_positions};
use crate::network::{LinkId, Network};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;

/// Version of the freight report layout; bumped on any incompatible change.
pub const FREIGHT_REPORT_VERSION: u32 = 1;

/// A demand class and what became of its demand.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassRecord {
    /// Class id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// USD per TEU-day.
    pub value_of_time_usd_per_teu_day: f64,
    /// Capacity units per TEU.
    pub pce: f64,
    /// Demand in the data (× the demand factor, the year's factors and the demand scales),
    /// TEU per year.
    pub demand_teu_per_year: f64,
    /// Of which assigned.
    pub assigned_teu_per_year: f64,
    /// TEU-hours per year spent on links, turns and handling at the assigned flows.
    pub teu_hours_per_year: f64,
    /// Tariffs, handling and value of time, USD per year.
    pub generalized_cost_usd_per_year: f64,
}

/// Totals over all classes.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TotalsRecord {
    /// Demand, TEU per year.
    pub demand_teu_per_year: f64,
    /// Assigned, TEU per year.
    pub assigned_teu_per_year: f64,
    /// Left out because no route serves it, TEU per year.
    pub unserved_teu_per_year: f64,
    /// TEU-km per year on the network's links.
    pub teu_km_per_year: f64,
    /// Tonnes CO2e per year on the network's links (well to wheel, the dataset's payload per
    /// FEU halved per TEU, as routes count it; handling emits none in the model).
    pub co2e_t_per_year: f64,
    /// TEU-hours per year.
    pub teu_hours_per_year: f64,
    /// USD per year (tariffs, handling and each class's value of time).
    pub generalized_cost_usd_per_year: f64,
}

/// TEU per year of one corridor.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorridorFlowRecord {
    /// Corridor id, `regional` (paths on regional links only, or whose most km are on track
    /// two or more corridors share), or `unattributed` (flow the path decomposition could not
    /// follow; 0 with all-or-nothing).
    pub corridor: String,
    /// Display name.
    pub name: String,
    /// TEU per year on routes classified under the corridor.
    pub teu_per_year: f64,
    /// Per class, in the order of `classes`.
    pub teu_by_class: Vec<f64>,
    /// Share of all assigned TEU (0–1).
    pub share: f64,
}

/// Northern route against the Middle Corridor.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SplitRecord {
    /// TEU per year on the Northern route.
    pub northern_teu_per_year: f64,
    /// TEU per year on the Middle Corridor.
    pub middle_teu_per_year: f64,
    /// Northern / (Northern + Middle), 0–1.
    pub northern_share: f64,
    /// Middle / (Northern + Middle), 0–1.
    pub middle_share: f64,
}

/// TEU per year of one corridor arriving at a zone.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorridorAmount {
    /// Corridor id (or `regional`, `unattributed`).
    pub corridor: String,
    /// TEU per year.
    pub teu_per_year: f64,
}

/// What arrives at a zone, by corridor.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DestinationRecord {
    /// Zone id.
    pub zone: String,
    /// Display name.
    pub name: String,
    /// TEU per year arriving.
    pub teu_per_year: f64,
    /// By corridor, in the dataset's corridor order, corridors with flow only.
    pub by_corridor: Vec<CorridorAmount>,
}

/// What goes from one zone to another, by corridor.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairFlowRecord {
    /// Origin zone id.
    pub origin: String,
    /// Destination zone id.
    pub destination: String,
    /// TEU per year assigned.
    pub teu_per_year: f64,
    /// By corridor, in the dataset's corridor order, corridors with flow only.
    pub by_corridor: Vec<CorridorAmount>,
}

/// Flow on one direction of a network link.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkFlowRecord {
    /// Link id.
    pub link: String,
    /// Node id travelled from.
    pub from: String,
    /// Node id travelled to.
    pub to: String,
    /// `Alashankou → Dostyk`.
    pub name: String,
    /// `rail`, `sea`, `ferry` or `road`.
    pub mode: String,
    /// Corridors of the link (`regional` when none).
    pub corridors: Vec<String>,
    /// TEU per year by class, in the order of `classes`.
    pub teu_by_class: Vec<f64>,
    /// TEU per year.
    pub teu_per_year: f64,
    /// TEU (capacity units) per year in this direction, when the data gives one.
    pub capacity_teu_per_year: Option<f64>,
    /// Volume (pce-weighted) over capacity.
    pub vc: Option<f64>,
    /// Hours at zero flow (running time and wait).
    pub free_flow_hours: f64,
    /// Hours at the assigned flow.
    pub congested_hours: f64,
    /// `congested_hours − free_flow_hours`.
    pub delay_hours: f64,
}

/// Flow through a handling facility modelled with its capacity.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandlingFlowRecord {
    /// Node id.
    pub node: String,
    /// `gauge_change`, `border`, `port` or `terminal`.
    pub kind: String,
    /// `Dostyk gauge change`.
    pub name: String,
    /// TEU per year by class.
    pub teu_by_class: Vec<f64>,
    /// TEU per year (both directions).
    pub teu_per_year: f64,
    /// Capacity, TEU per year.
    pub capacity_teu_per_year: f64,
    /// Volume (pce-weighted) over capacity.
    pub vc: f64,
    /// Handling hours at zero flow.
    pub free_flow_hours: f64,
    /// Hours at the assigned flow.
    pub congested_hours: f64,
    /// `congested_hours − free_flow_hours`.
    pub delay_hours: f64,
}

/// A capacitated link or facility, ranked by v/c.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BottleneckRecord {
    /// `Dostyk gauge change`, `Alashankou → Dostyk (rail)`: place names, and the mode of a
    /// link.
    pub name: String,
    /// `link` or `handling`.
    pub kind: String,
    /// Link id, or the node id of the facility.
    pub id: String,
    /// TEU per year.
    pub teu_per_year: f64,
    /// Capacity, TEU per year.
    pub capacity_teu_per_year: f64,
    /// Volume over capacity.
    pub vc: f64,
    /// Hours of delay per TEU.
    pub delay_hours: f64,
}

/// Demand left out.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnservedRecord {
    /// Origin zone id.
    pub origin: String,
    /// Destination zone id.
    pub destination: String,
    /// Class id.
    pub class: String,
    /// TEU per year.
    pub teu_per_year: f64,
    /// Why.
    pub reason: String,
}

/// The report of a freight assignment.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FreightReport {
    /// Layout version ([`FREIGHT_REPORT_VERSION`]).
    pub version: u32,
    /// Network year.
    pub year: i32,
    /// What was closed (`country:RU`, `corridor:northern`, `link:ID`, `node:ID`, `mode:ferry`).
    pub closed: Vec<String>,
    /// Demand factor applied.
    pub demand_factor: f64,
    /// Assignment method (`aon`, ...).
    pub method: String,
    /// Iterations done.
    pub iterations: usize,
    /// Relative gap of the flows.
    pub relative_gap: f64,
    /// Whether the gap target was reached.
    pub converged: bool,
    /// Classes.
    pub classes: Vec<ClassRecord>,
    /// Totals.
    pub totals: TotalsRecord,
    /// TEU per year by corridor, in the dataset's order, then `regional` (and `unattributed`
    /// when some flow could not be followed).
    pub corridors: Vec<CorridorFlowRecord>,
    /// Northern against Middle, when the dataset has both corridors.
    pub northern_middle: Option<SplitRecord>,
    /// Arrivals per destination zone, by corridor.
    pub destinations: Vec<DestinationRecord>,
    /// Each origin–destination's assigned TEU, by corridor (pairs with flow only, origins
    /// then destinations in zone order).
    pub pairs: Vec<PairFlowRecord>,
    /// Every open direction of every link, in arc order.
    pub links: Vec<LinkFlowRecord>,
    /// Every handling facility modelled with its capacity.
    pub handling: Vec<HandlingFlowRecord>,
    /// Capacitated links and facilities, highest v/c first.
    pub bottlenecks: Vec<BottleneckRecord>,
    /// Demand no route serves.
    pub unserved: Vec<UnservedRecord>,
    /// The markets where rail competes with the sea: the whole market and rail's part at the
    /// equilibrium (empty without markets).
    pub markets: Vec<MarketRecord>,
    /// The tonnage layer of the year (`tonnage.csv`: cargo counted in tonnes, routed by
    /// the cheapest route without capacities), by corridor; empty without one.
    pub tonnage: Vec<TonnageRecord>,
    /// The tonnage layer through each crossing (a place with an active border or gauge-change
    /// row), by node id; empty without a layer.
    pub tonnage_places: Vec<TonnagePlaceRecord>,
    /// Things the model could not represent as the data asks.
    pub warnings: Vec<String>,
}

/// Tonnes a year of the tonnage layer on a corridor.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TonnageRecord {
    /// Corridor key (`regional`: on no corridor).
    pub corridor: String,
    /// Tonnes per year.
    pub tonnes_per_year: f64,
}

/// Tonnes a year of the tonnage layer through a crossing.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TonnagePlaceRecord {
    /// Node id.
    pub node: String,
    /// Display name.
    pub name: String,
    /// Tonnes per year.
    pub tonnes_per_year: f64,
}

/// A market's split between rail and the alternative.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarketRecord {
    /// The market id.
    pub market: String,
    /// The whole market between its zones, TEU per year (rows with an alternative).
    pub market_teu_per_year: f64,
    /// Rail's part (assigned on the network).
    pub rail_teu_per_year: f64,
    /// The alternative's part (the sea, not assigned).
    pub alternative_teu_per_year: f64,
    /// Rail's share, percent.
    pub rail_share_percent: f64,
    /// The year's rail premium on the market's constant, USD per TEU (`market_years.csv`).
    pub rail_premium_usd_per_teu: f64,
}

impl FreightReport {
    /// One CSV row per link direction and per handling facility:
    /// `kind,id,name,from,to,mode,corridors,teu_<class>...,teu_per_year,
    /// capacity_teu_per_year,vc,free_flow_hours,congested_hours,delay_hours`.
    ///
    /// # Errors
    /// Only from writing to `out`.
    pub fn write_csv(&self, out: &mut dyn Write) -> csv::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        let mut header: Vec<String> = ["kind", "id", "name", "from", "to", "mode", "corridors"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        header.extend(self.classes.iter().map(|c| format!("teu_{}", c.id)));
        header.extend(
            [
                "teu_per_year",
                "capacity_teu_per_year",
                "vc",
                "free_flow_hours",
                "congested_hours",
                "delay_hours",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        writer.write_record(&header)?;
        let show = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
        for link in &self.links {
            let mut row = vec![
                "link".to_string(),
                link.link.clone(),
                link.name.clone(),
                link.from.clone(),
                link.to.clone(),
                link.mode.clone(),
                link.corridors.join("|"),
            ];
            row.extend(link.teu_by_class.iter().map(f64::to_string));
            row.extend([
                link.teu_per_year.to_string(),
                show(link.capacity_teu_per_year),
                show(link.vc),
                link.free_flow_hours.to_string(),
                link.congested_hours.to_string(),
                link.delay_hours.to_string(),
            ]);
            writer.write_record(&row)?;
        }
        for facility in &self.handling {
            let mut row = vec![
                "handling".to_string(),
                facility.node.clone(),
                facility.name.clone(),
                facility.node.clone(),
                facility.node.clone(),
                facility.kind.clone(),
                String::new(),
            ];
            row.extend(facility.teu_by_class.iter().map(f64::to_string));
            row.extend([
                facility.teu_per_year.to_string(),
                facility.capacity_teu_per_year.to_string(),
                facility.vc.to_string(),
                facility.free_flow_hours.to_string(),
                facility.congested_hours.to_string(),
                facility.delay_hours.to_string(),
            ]);
            writer.write_record(&row)?;
        }
        writer.flush()?;
        Ok(())
    }

    /// The flows as GeoJSON: one line per open link (both directions summed, with each
    /// direction's TEU), drawn along its line of shapes.csv where the data has one, and one
    /// point per handling facility modelled with its capacity. `network` is the network the
    /// report was made on.
    pub fn to_geojson(&self, network: &Network) -> FeatureCollection {
        // Directions of each link, in the report's (arc) order.
        let mut by_link: BTreeMap<usize, Vec<&LinkFlowRecord>> = BTreeMap::new();
        for record in &self.links {
            if let Some(link) = network.link_by_key(&record.link) {
                by_link.entry(link.index()).or_default().push(record);
            }
        }
        let mut features = Vec::new();
        for (&index, directions) in &by_link {
            let link_id = LinkId::from_index(index);
            let link = network.link(link_id);
            let (from, to) = (network.node(link.from), network.node(link.to));
            let along = |forward: bool| {
                directions
                    .iter()
                    .find(|r| (r.from == from.key) == forward)
                    .copied()
            };
            let teu = |record: Option<&LinkFlowRecord>| record.map_or(0.0, |r| r.teu_per_year);
            let max_of = |get: &dyn Fn(&LinkFlowRecord) -> Option<f64>| {
                directions
                    .iter()
                    .filter_map(|r| get(r))
                    .fold(None, |acc: Option<f64>, v| {
                        Some(acc.map_or(v, |a| a.max(v)))
                    })
            };
            let total: f64 = directions.iter().map(|r| r.teu_per_year).sum();
            features.push(Feature::new(
                Geometry::line(link_positions(network, link_id, link.from)),
                json!({
                    "link": link.key,
                    "from": from.key,
                    "to": to.key,
                    "name": format!("{} – {}", from.name, to.name),
                    "mode": link.mode.as_str(),
                    "corridors": directions[0].corridors,
                    "teu_per_year": (total * 10.0).round() / 10.0,
                    "teu_forward": teu(along(true)),
                    "teu_backward": teu(along(false)),
                    "capacity_teu_per_year": max_of(&|r| r.capacity_teu_per_year),
                    "vc": max_of(&|r| r.vc),
                    "delay_hours": max_of(&|r| Some(r.delay_hours)),
                }),
            ));
        }
        for facility in &self.handling {
            let Some(node) = network.node_by_key(&facility.node).map(|n| network.node(n)) else {
                continue;
            };
            features.push(Feature::new(
                Geometry::Point([node.lon, node.lat]),
                json!({
                    "node": facility.node,
                    "name": facility.name,
                    "kind": facility.kind,
                    "teu_per_year": facility.teu_per_year,
                    "capacity_teu_per_year": facility.capacity_teu_per_year,
                    "vc": facility.vc,
                    "delay_hours": facility.delay_hours,
                }),
            ));
        }
        FeatureCollection::new(
            features,
            Some(json!({
                "year": self.year,
                "method": self.method,
                "closed": self.closed,
                "attribution": SHAPES_ATTRIBUTION,
                "note": "TEU per year of the freight assignment; lines follow the rail and sea networks (data/default/shapes.csv) where a link has one, else straight lines between places.",
            })),
        )
    }
}
