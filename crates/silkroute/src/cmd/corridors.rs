//! `silkroute corridors FROM TO`: one row per corridor.

use super::route::QueryArgs;
use super::{Format, thousands};
use crate::table::new_table;
use anyhow::Result;
use silkroute_core::report::CorridorsReport;
use silkroute_core::route;
use std::io::Write;
use std::path::Path;

/// Arguments of `silkroute corridors`.
#[derive(Debug, clap::Args)]
pub struct CorridorsArgs {
    #[command(flatten)]
    pub query: QueryArgs,
}

/// Runs `silkroute corridors`.
pub fn run(data: Option<&Path>, args: &CorridorsArgs, out: &mut dyn Write) -> Result<()> {
    let (network, query) = args.query.resolve(data)?;
    let network = &network;
    let outcomes = route::plan_corridors(network, &query)?;
    let report = CorridorsReport::new(network, &query, &outcomes);
    match args.query.format {
        Format::Geojson => {
            serde_json::to_writer_pretty(&mut *out, &report.to_geojson(network, &outcomes))?;
            writeln!(out)?;
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        Format::Csv => report.write_csv(out)?,
        Format::Table => {
            writeln!(out, "{}", super::route::title(network, &query))?;
            let mut table = new_table(
                &[
                    "corridor", "route", "km", "days", "USD/FEU", "kg CO2e", "gen. USD",
                ],
                &[2, 3, 4, 5, 6],
            );
            for row in &report.corridors {
                match &row.route {
                    Some(r) => table.add_row(vec![
                        row.corridor.clone(),
                        row.name.clone(),
                        thousands(r.total_km),
                        format!("{:.1}", r.total_hours / 24.0),
                        thousands(r.total_cost_usd),
                        thousands(r.total_co2e_kg),
                        thousands(r.generalized_cost_usd),
                    ]),
                    None => table.add_row(vec![
                        row.corridor.clone(),
                        format!("no route: {}", row.no_route_reason.as_deref().unwrap_or("")),
                        "–".into(),
                        "–".into(),
                        "–".into(),
                        "–".into(),
                        "–".into(),
                    ]),
                };
            }
            writeln!(out, "{table}")?;
        }
    }
    Ok(())
}
