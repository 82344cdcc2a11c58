//! `silkroute corridors FROM TO`: one row per corridor.

use super::route::QueryArgs;
use super::{Format, thousands};
use crate::table::new_table;
use anyhow::Result;
use serde::Serialize;
use silkroute_core::report::{PlaceRecord, QueryRecord, RouteRecord};
use silkroute_core::route;
use std::io::Write;
use std::path::Path;

/// Arguments of `silkroute corridors`.
#[derive(Debug, clap::Args)]
pub struct CorridorsArgs {
    #[command(flatten)]
    pub query: QueryArgs,
}

#[derive(Serialize)]
struct CorridorRecord {
    corridor: String,
    name: String,
    route: Option<RouteRecord>,
    no_route_reason: Option<String>,
}

#[derive(Serialize)]
struct CorridorsReport {
    version: u32,
    from: PlaceRecord,
    to: PlaceRecord,
    query: QueryRecord,
    corridors: Vec<CorridorRecord>,
}

/// Runs `silkroute corridors`.
pub fn run(data: Option<&Path>, args: &CorridorsArgs, out: &mut dyn Write) -> Result<()> {
    let query = args.query.resolve(data)?;
    let network = &query.network;
    let outcomes =
        route::best_by_corridor(network, &query.options, query.from.node(), query.to.node())?;
    let rows: Vec<CorridorRecord> = outcomes
        .iter()
        .map(|outcome| {
            let corridor = network.corridor(outcome.corridor);
            let (route, no_route_reason) = match &outcome.result {
                Ok(itinerary) => (
                    Some(RouteRecord::new(
                        network,
                        itinerary,
                        query.options.value_of_time_usd_per_day,
                    )),
                    None,
                ),
                Err(reason) => (None, Some(reason.describe())),
            };
            CorridorRecord {
                corridor: corridor.key.clone(),
                name: corridor.name.clone(),
                route,
                no_route_reason,
            }
        })
        .collect();
    match args.query.format {
        Format::Geojson => {
            let (itineraries, records): (Vec<_>, Vec<_>) = outcomes
                .iter()
                .zip(&rows)
                .filter_map(|(outcome, row)| {
                    Some((outcome.result.as_ref().ok()?.clone(), row.route.clone()?))
                })
                .unzip();
            let collection = super::route::geojson(network, &itineraries, &records);
            serde_json::to_writer_pretty(&mut *out, &collection)?;
            writeln!(out)?;
        }
        Format::Json => {
            let (from, to, query_record) = query.records(false);
            let report = CorridorsReport {
                version: silkroute_core::report::REPORT_VERSION,
                from,
                to,
                query: query_record,
                corridors: rows,
            };
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record([
                "corridor",
                "km",
                "hours",
                "days",
                "cost_usd",
                "co2e_kg",
                "generalized_usd",
                "no_route_reason",
            ])?;
            for row in &rows {
                match &row.route {
                    Some(r) => writer.write_record([
                        row.corridor.clone(),
                        r.total_km.to_string(),
                        r.total_hours.to_string(),
                        r.total_days.to_string(),
                        r.total_cost_usd.to_string(),
                        r.total_co2e_kg.to_string(),
                        r.generalized_cost_usd.to_string(),
                        String::new(),
                    ])?,
                    None => writer.write_record([
                        row.corridor.clone(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        row.no_route_reason.clone().unwrap_or_default(),
                    ])?,
                }
            }
            writer.flush()?;
        }
        Format::Table => {
            writeln!(out, "{}", query.title())?;
            let mut table = new_table(
                &[
                    "corridor", "route", "km", "days", "USD/FEU", "kg CO2e", "gen. USD",
                ],
                &[2, 3, 4, 5, 6],
            );
            for row in &rows {
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
