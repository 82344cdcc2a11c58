//! `silkroute places [QUERY]`.

use super::{Format, load_network};
use crate::table::new_table;
use anyhow::{Result, bail};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// Arguments of `silkroute places`.
#[derive(Debug, clap::Args)]
pub struct PlacesArgs {
    /// Part of a name, alias or id, or a country code; all places when absent.
    pub query: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Serialize)]
struct PlaceRow {
    id: String,
    name: String,
    country: String,
    kind: String,
    lat: f64,
    lon: f64,
    gauges_mm: Vec<u16>,
    aliases: Vec<String>,
}

/// Runs `silkroute places`.
pub fn run(data: Option<&Path>, args: &PlacesArgs, out: &mut dyn Write) -> Result<()> {
    let network = load_network(data)?;
    let query = args.query.as_deref().unwrap_or("");
    let found = network.search_places(query);
    if found.is_empty() {
        let hint = match network.find_place(query, 0.0) {
            Err(error) => error.to_string(),
            Ok(_) => String::new(),
        };
        bail!("no place matches `{query}` ({hint})");
    }
    let rows: Vec<PlaceRow> = found
        .iter()
        .map(|&id| {
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
        })
        .collect();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)?;
        }
        Format::Geojson => {
            let features: Vec<serde_json::Value> = rows
                .iter()
                .map(|row| {
                    serde_json::json!({
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
                        "properties": {"id": row.id, "name": row.name, "country": row.country, "kind": row.kind},
                    })
                })
                .collect();
            serde_json::to_writer_pretty(
                &mut *out,
                &serde_json::json!({"type": "FeatureCollection", "features": features}),
            )?;
            writeln!(out)?;
        }
        Format::Csv => {
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
            for row in &rows {
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
        }
        Format::Table => {
            let mut table = new_table(
                &["id", "name", "country", "kind", "gauges", "also known as"],
                &[],
            );
            for row in &rows {
                table.add_row(vec![
                    row.id.clone(),
                    row.name.clone(),
                    row.country.clone(),
                    row.kind.replace('_', " "),
                    gauges(&row.gauges_mm),
                    row.aliases.join(", "),
                ]);
            }
            writeln!(out, "{table}")?;
            writeln!(out, "{} place(s)", rows.len())?;
        }
    }
    Ok(())
}

fn gauges(gauges: &[u16]) -> String {
    gauges
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join("|")
}
