//! `silkroute network`: a summary of the loaded network.

use super::{Format, load_network, thousands};
use crate::table::new_table;
use anyhow::Result;
use silkroute_core::report::{NetworkSummary, network_geojson, write_links_csv};
use std::io::Write;
use std::path::Path;

/// Arguments of `silkroute network`.
#[derive(Debug, clap::Args)]
pub struct NetworkArgs {
    /// What to do; without a subcommand, summarize the corridor network.
    #[command(subcommand)]
    pub command: Option<NetworkCommand>,
    /// Output format: the summary as a table or JSON; the links as CSV (one row per link);
    /// the network as GeoJSON (places as points, links as lines along their shapes).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Subcommands of `silkroute network`.
#[derive(Debug, clap::Subcommand)]
pub enum NetworkCommand {
    /// Close topology gaps in a geographic network (nodes.csv + edges.csv, GMNS or GeoJSON).
    Heal(super::heal::HealArgs),
    /// Draw every link along the rail or sea network (shapes.csv) and report length mismatches.
    Shapes(super::shapes::ShapesArgs),
}

/// Runs `silkroute network`.
pub fn run(data: Option<&Path>, args: &NetworkArgs, out: &mut dyn Write) -> Result<()> {
    match &args.command {
        Some(NetworkCommand::Heal(heal)) => return super::heal::run(heal, out),
        Some(NetworkCommand::Shapes(shapes)) => return super::shapes::run(data, shapes, out),
        None => {}
    }
    let network = load_network(data)?;
    match args.format {
        Format::Csv => {
            write_links_csv(&network, out)?;
            return Ok(());
        }
        Format::Geojson => {
            serde_json::to_writer_pretty(&mut *out, &network_geojson(&network))?;
            writeln!(out)?;
            return Ok(());
        }
        Format::Json | Format::Table => {}
    }
    let summary = NetworkSummary::new(&network);
    if args.format == Format::Table {
        writeln!(out, "{}", summary.name)?;
        writeln!(
            out,
            "reference year {} · prices of {} · {} places in {} countries · {} links",
            summary.reference_year,
            summary.tariff_year,
            summary.places,
            summary.countries.len(),
            summary.links
        )?;
        let kinds: Vec<String> = summary
            .places_by_kind
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| format!("{n} {}", k.replace('_', " ")))
            .collect();
        writeln!(out, "places: {}", kinds.join(", "))?;
        let modes: Vec<String> = summary
            .links_by_mode
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(m, n)| format!("{n} {m} ({} km)", thousands(summary.km_by_mode[m])))
            .collect();
        writeln!(out, "links: {}", modes.join(", "))?;
        let statuses: Vec<String> = summary
            .links_by_status
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| format!("{n} {}", s.replace('_', " ")))
            .collect();
        writeln!(out, "status: {}", statuses.join(", "))?;
        let handling: Vec<String> = summary
            .handling_by_kind
            .iter()
            .map(|(k, n)| format!("{n} {}", k.replace('_', " ")))
            .collect();
        writeln!(out, "handling: {}", handling.join(", "))?;
        writeln!(
            out,
            "sources: {} published, {} derived, {} estimates",
            summary.sources["published"], summary.sources["derived"], summary.sources["estimate"]
        )?;
        if let Some(freight) = &summary.freight {
            writeln!(
                out,
                "freight demand: {} zones, {} rows, {} TEU/year in {} class(es) ({})",
                freight.zones,
                freight.demand_rows,
                thousands(freight.teu_per_year),
                freight.classes.len(),
                freight.classes.join(", ")
            )?;
        }
        let mut table = new_table(&["corridor", "name", "links", "km"], &[2, 3]);
        for corridor in &summary.corridors {
            table.add_row(vec![
                corridor.id.clone(),
                corridor.name.clone(),
                corridor.links.to_string(),
                thousands(corridor.km),
            ]);
        }
        writeln!(out, "{table}")?;
        if !summary.upcoming.is_empty() {
            writeln!(out, "opening after {}:", summary.reference_year)?;
            for line in &summary.upcoming {
                writeln!(out, "  {line}")?;
            }
        }
    } else {
        serde_json::to_writer_pretty(&mut *out, &summary)?;
        writeln!(out)?;
    }
    Ok(())
}
