//! `silkroute places`: places of the network matching a name, alias, id or country.

use super::geojson::{Feature, FeatureCollection, Geometry};
use crate::network::{Network, NodeId};
use serde::Serialize;
use serde_json::json;
use std::io::Write;

/// One place.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceRow {
    /// Node id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// ISO country code.
    pub country: String,
    /// What it is (`seaport`, `dry_port`, ...).
    pub kind: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Rail gauges present, mm.
    pub gauges_mm: Vec<u16>,
    /// Other names.
    pub aliases: Vec<String>,
}

impl PlaceRow {
    /// The row of a node.
    pub fn new(network: &Network, id: NodeId) -> PlaceRow {
        let node = network.node(id);
        PlaceRow {
            id: node.key.clone(),
            name: node.name.clone(),
            country: node.country.to_string(),
            kind: node.kind.as_str().to_string(),
            lat: node.lat,
            lon: node.lon,
            gauges_mm: node.gauges_mm.clone(),
            aliases: node.aliases.clone(),
        }
    }
}

/// Gauges as `1435|1520`.
pub fn gauges(gauges: &[u16]) -> String {
    gauges
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join("|")
}

/// Places as GeoJSON points.
pub fn places_geojson(rows: &[PlaceRow]) -> FeatureCollection {
    FeatureCollection::new(
        rows.iter()
            .map(|row| {
                Feature::new(
                    Geometry::Point([row.lon, row.lat]),
                    json!({"id": row.id, "name": row.name, "country": row.country, "kind": row.kind}),
                )
            })
            .collect(),
        None,
    )
}

/// Places as CSV: `id,name,country,kind,lat,lon,gauges_mm,aliases` (lists `|`-separated).
///
/// # Errors
/// Only from writing to `out`.
pub fn write_places_csv(rows: &[PlaceRow], out: &mut dyn Write) -> csv::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "id",
        "name",
        "country",
        "kind",
        "lat",
        "lon",
        "gauges_mm",
        "aliases",
    ])?;
    for row in rows {
        writer.write_record([
            row.id.clone(),
            row.name.clone(),
            row.country.clone(),
            row.kind.clone(),
            row.lat.to_string(),
            row.lon.to_string(),
            gauges(&row.gauges_mm),
            row.aliases.join("|"),
        ])?;
    }
    writer.flush()?;
    Ok(())
}
