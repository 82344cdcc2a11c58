//! `silkroute network`: what a corridor network holds (summary), its links as a table (CSV)
//! and the network itself as a map (GeoJSON: places as points, links as lines along their
//! shapes).

use super::geojson::{Feature, FeatureCollection, Geometry};
use super::route::{SHAPES_ATTRIBUTION, corridor_keys, link_positions};
use crate::network::{CorridorId, HandlingKind, Mode, Network, NodeKind, SourceKind, Status};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;

/// One corridor in the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorridorSummary {
    /// Corridor id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Links open in the reference year.
    pub links: usize,
    /// Their km.
    pub km: f64,
}

/// The freight demand in the summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FreightSummary {
    /// Zones.
    pub zones: usize,
    /// Class ids.
    pub classes: Vec<String>,
    /// Demand rows.
    pub demand_rows: usize,
    /// Total demand.
    pub teu_per_year: f64,
}

/// `silkroute network --format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NetworkSummary {
    /// Dataset name.
    pub name: String,
    /// Year described.
    pub reference_year: i32,
    /// Price level.
    pub tariff_year: i32,
    /// Places.
    pub places: usize,
    /// Links.
    pub links: usize,
    /// Places by kind.
    pub places_by_kind: BTreeMap<String, usize>,
    /// Links by mode.
    pub links_by_mode: BTreeMap<String, usize>,
    /// km by mode.
    pub km_by_mode: BTreeMap<String, f64>,
    /// Links by status.
    pub links_by_status: BTreeMap<String, usize>,
    /// Handling rows by kind.
    pub handling_by_kind: BTreeMap<String, usize>,
    /// Countries, sorted.
    pub countries: Vec<String>,
    /// Corridors.
    pub corridors: Vec<CorridorSummary>,
    /// Sources by kind.
    pub sources: BTreeMap<String, usize>,
    /// Links opening after the reference year, by year.
    pub upcoming: Vec<String>,
    /// Freight demand, when the dataset has some.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub freight: Option<FreightSummary>,
}

impl NetworkSummary {
    /// The summary of a network.
    pub fn new(network: &Network) -> NetworkSummary {
        let info = network.info();
        let mut places_by_kind = BTreeMap::new();
        for kind in NodeKind::ALL {
            let count = network.nodes().iter().filter(|n| n.kind == kind).count();
            places_by_kind.insert(kind.as_str().to_string(), count);
        }
        let mut links_by_mode = BTreeMap::new();
        let mut km_by_mode = BTreeMap::new();
        for mode in Mode::ALL {
            let links: Vec<_> = network.links().iter().filter(|l| l.mode == mode).collect();
            links_by_mode.insert(mode.as_str().to_string(), links.len());
            km_by_mode.insert(
                mode.as_str().to_string(),
                links.iter().map(|l| l.length_km).sum::<f64>().round(),
            );
        }
        let mut links_by_status = BTreeMap::new();
        for status in Status::ALL {
            let count = network
                .links()
                .iter()
                .filter(|l| l.validity.status == status)
                .count();
            links_by_status.insert(status.as_str().to_string(), count);
        }
        let mut handling_by_kind = BTreeMap::new();
        for kind in HandlingKind::ALL {
            let count = network
                .handlings()
                .iter()
                .filter(|h| h.kind == kind)
                .count();
            handling_by_kind.insert(kind.as_str().to_string(), count);
        }
        let mut countries: Vec<String> = network
            .nodes()
            .iter()
            .map(|n| n.country.to_string())
            .collect();
        countries.sort();
        countries.dedup();
        let corridors = network
            .corridors()
            .iter()
            .enumerate()
            .map(|(index, corridor)| {
                let id = CorridorId::from_index(index);
                let links: Vec<_> = network
                    .links()
                    .iter()
                    .filter(|l| {
                        l.corridors.contains(&id) && l.validity.is_active_in(info.reference_year)
                    })
                    .collect();
                CorridorSummary {
                    id: corridor.key.clone(),
                    name: corridor.name.clone(),
                    links: links.len(),
                    km: links.iter().map(|l| l.length_km).sum::<f64>().round(),
                }
            })
            .collect();
        let mut sources = BTreeMap::new();
        for kind in [
            SourceKind::Published,
            SourceKind::Derived,
            SourceKind::Estimate,
        ] {
            let count = network.sources().iter().filter(|s| s.kind == kind).count();
            sources.insert(kind.as_str().to_string(), count);
        }
        let mut upcoming: Vec<(i32, String)> = network
            .links()
            .iter()
            .filter_map(|l| {
                let year = l.validity.opening_year?;
                (year > info.reference_year).then(|| {
                    (
                        year,
                        format!(
                            "{year}: {} ({})",
                            link_name(network, l),
                            l.validity.status.as_str()
                        ),
                    )
                })
            })
            .collect();
        upcoming.sort();
        NetworkSummary {
            name: info.name.clone(),
            reference_year: info.reference_year,
            tariff_year: info.tariff_year,
            places: network.node_count(),
            links: network.link_count(),
            places_by_kind,
            links_by_mode,
            km_by_mode,
            links_by_status,
            handling_by_kind,
            countries,
            corridors,
            sources,
            upcoming: upcoming.into_iter().map(|(_, text)| text).collect(),
            freight: {
                let freight = network.freight();
                (!freight.is_empty()).then(|| FreightSummary {
                    zones: freight.zones.len(),
                    classes: freight.classes.iter().map(|c| c.key.clone()).collect(),
                    demand_rows: freight.demand.len(),
                    teu_per_year: freight.total_teu_per_year(),
                })
            },
        }
    }
}

/// A link's display name, or `From – To` when it has none.
fn link_name(network: &Network, link: &crate::network::Link) -> String {
    if link.name.is_empty() {
        format!(
            "{} – {}",
            network.node(link.from).name,
            network.node(link.to).name
        )
    } else {
        link.name.clone()
    }
}

/// The network's links as CSV, one row per link:
/// `link,from,to,name,mode,gauge_mm,km,hours,wait_h,capacity_trains_per_day,
/// capacity_teu_per_year,tariff_usd,corridors,status,opening_year,closing_year`.
///
/// # Errors
/// Only from writing to `out`.
pub fn write_links_csv(network: &Network, out: &mut dyn Write) -> csv::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "link",
        "from",
        "to",
        "name",
        "mode",
        "gauge_mm",
        "km",
        "hours",
        "wait_h",
        "capacity_trains_per_day",
        "capacity_teu_per_year",
        "tariff_usd",
        "corridors",
        "status",
        "opening_year",
        "closing_year",
    ])?;
    let optional = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
    for link in network.links() {
        writer.write_record([
            link.key.clone(),
            network.node(link.from).key.clone(),
            network.node(link.to).key.clone(),
            link_name(network, link),
            link.mode.as_str().to_string(),
            link.gauge_mm.map(|g| g.to_string()).unwrap_or_default(),
            link.length_km.to_string(),
            super::round1(link.running_hours()).to_string(),
            link.wait_h.to_string(),
            optional(link.capacity_trains_per_day),
            optional(link.capacity_teu_per_year),
            super::round1(link.tariff_usd()).to_string(),
            corridor_keys(network, &link.corridors).join("|"),
            link.validity.status.as_str().to_string(),
            link.validity
                .opening_year
                .map(|y| y.to_string())
                .unwrap_or_default(),
            link.validity
                .closing_year
                .map(|y| y.to_string())
                .unwrap_or_default(),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

/// The network as GeoJSON: every place as a point, every link as a line along its shape
/// (shapes.csv) or straight between its places.
pub fn network_geojson(network: &Network) -> FeatureCollection {
    let mut features = Vec::new();
    for node in network.nodes() {
        let handling: Vec<&str> = network
            .handlings()
            .iter()
            .filter(|h| network.node(h.node).key == node.key)
            .map(|h| h.kind.as_str())
            .collect();
        features.push(Feature::new(
            Geometry::Point([node.lon, node.lat]),
            json!({
                "id": node.key,
                "name": node.name,
                "country": node.country.as_str(),
                "kind": node.kind.as_str(),
                "gauges_mm": node.gauges_mm,
                "handling": handling,
            }),
        ));
    }
    for (index, link) in network.links().iter().enumerate() {
        let id = crate::network::LinkId::from_index(index);
        features.push(Feature::new(
            Geometry::line(link_positions(network, id, link.from)),
            json!({
                "link": link.key,
                "from": network.node(link.from).key,
                "to": network.node(link.to).key,
                "name": link_name(network, link),
                "mode": link.mode.as_str(),
                "gauge_mm": link.gauge_mm,
                "km": link.length_km,
                "corridors": corridor_keys(network, &link.corridors),
                "status": link.validity.status.as_str(),
                "opening_year": link.validity.opening_year,
                "closing_year": link.validity.closing_year,
                "capacity_teu_per_year": link.capacity_teu_per_year,
                "capacity_trains_per_day": link.capacity_trains_per_day,
            }),
        ));
    }
    FeatureCollection::new(
        features,
        Some(json!({
            "name": network.info().name,
            "reference_year": network.info().reference_year,
            "attribution": SHAPES_ATTRIBUTION,
        })),
    )
}
