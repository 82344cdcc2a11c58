//! `silkroute places [QUERY]`.

use super::{Format, load_network};
use crate::table::new_table;
use anyhow::{Result, bail};
use silkroute_core::report::{PlaceRow, gauges, places_geojson, write_places_csv};
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

/// Runs `silkroute places`.
pub fn run(data: Option<&Path>, args: &PlacesArgs, out: &mut dyn Write) -> Result<()> {
    let network = load_network(data)?;
    let query = args.query.as_deref().unwrap_or("");
    let found = network.search_places(query);
    if found.is_empty() {
        let hint = match network.find_place_by_name(query) {
            Err(error) => error.to_string(),
            Ok(_) => String::new(),
        };
        bail!(
            "no place matches `{}` ({hint})",
            silkroute_core::io::clip(query)
        );
    }
    let rows: Vec<PlaceRow> = found
        .iter()
        .map(|&id| PlaceRow::new(&network, id))
        .collect();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &rows)?;
            writeln!(out)?;
        }
        Format::Geojson => {
            serde_json::to_writer_pretty(&mut *out, &places_geojson(&rows))?;
            writeln!(out)?;
        }
        Format::Csv => write_places_csv(&rows, out)?,
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
