//! `silkroute table P1 P2 P3 ...`: the best route between every source and every destination,
//! as matrices of days, USD and kg CO2e.

use super::route::{OptionArgs, describe_options, request_error};
use super::{flag, thousands};
use crate::table::matrix_tables;
use anyhow::{Result, anyhow};
use silkroute_core::network::Network;
use silkroute_core::report::{Matrix, TableReport};
use silkroute_core::route::{PlacesError, TableError, TableQuery, TableRequest, plan_table};
use std::io::Write;
use std::path::Path;

/// Output formats of `silkroute table`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    /// Matrices for a terminal.
    Table,
    /// JSON (layout in docs/formats.md).
    Json,
    /// CSV, one row per cell.
    Csv,
}

/// Arguments of `silkroute table`.
#[derive(Debug, clap::Args)]
pub struct TableArgs {
    /// Places: names, aliases, ids or `lat,lon` (after `--` when one starts with `-`); up to
    /// 200.
    #[arg(required = true, value_name = "PLACE")]
    pub places: Vec<String>,
    /// The rows: indices of places (from 0), comma-separated (default: every place).
    #[arg(long, value_delimiter = ',', value_name = "INDICES")]
    pub sources: Option<Vec<usize>>,
    /// The columns: indices of places (from 0), comma-separated (default: every place).
    #[arg(long, value_delimiter = ',', value_name = "INDICES")]
    pub destinations: Option<Vec<usize>>,
    #[command(flatten)]
    pub options: OptionArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

/// A table error in the command line's terms: request fields become options.
fn table_error(error: TableError) -> anyhow::Error {
    match error {
        TableError::Request(error) => request_error(error),
        TableError::Places(PlacesError::Place { fault, .. }) => anyhow!("{fault}"),
        TableError::Places(PlacesError::Count { count, max }) => {
            anyhow!("{count} places: expected 1 to {max}")
        }
        TableError::Index { field, index, last } => anyhow!(
            "{} {index}: not a place (expected an index from 0 to {last})",
            flag(field)
        ),
        TableError::IndexCount { field, count } => anyhow!(
            "{}: {count} indices, expected 1 to {}",
            flag(field),
            silkroute_core::route::MAX_TABLE_PLACES
        ),
        other => anyhow::Error::new(other),
    }
}

/// Runs `silkroute table`.
pub fn run(data: Option<&Path>, args: &TableArgs, out: &mut dyn Write) -> Result<()> {
    let mut request = TableRequest {
        places: args.places.clone(),
        sources: args.sources.clone(),
        destinations: args.destinations.clone(),
        route: args.options.request(),
    };
    request.validate().map_err(table_error)?;
    let (network, route) = args.options.prepare(data)?;
    request.route = route;
    let query = request.resolve(&network).map_err(table_error)?;
    let table = plan_table(&network, &query);
    let report = TableReport::new(&network, &query, &table);
    match args.format {
        TableFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        TableFormat::Csv => report.write_csv(out)?,
        TableFormat::Table => write_table(&network, &query, &report, out)?,
    }
    Ok(())
}

fn write_table(
    network: &Network,
    query: &TableQuery,
    report: &TableReport,
    out: &mut dyn Write,
) -> Result<()> {
    writeln!(
        out,
        "Best routes from {} to {} places{}",
        report.sources.len(),
        report.destinations.len(),
        describe_options(network, &query.options, &query.avoid_text)
    )?;
    let rows: Vec<String> = report.sources.iter().map(|p| p.name.clone()).collect();
    let columns: Vec<String> = report.destinations.iter().map(|p| p.name.clone()).collect();
    let cells = |matrix: &Matrix<f64>, show: &dyn Fn(f64) -> String| -> Vec<Vec<String>> {
        matrix
            .iter()
            .map(|row| {
                row.iter()
                    .map(|cell| cell.map_or_else(|| "–".to_string(), show))
                    .collect()
            })
            .collect()
    };
    let matrices: [(&str, Vec<Vec<String>>); 3] = [
        (
            "Days door to door",
            // From the hours, as `route` shows days.
            cells(&report.hours, &|hours| format!("{:.1}", hours / 24.0)),
        ),
        ("USD per FEU", cells(&report.usd, &|usd| thousands(usd))),
        (
            "kg CO2e per FEU",
            cells(&report.co2e_kg, &|kg| thousands(kg)),
        ),
    ];
    for (title, cells) in matrices {
        writeln!(out)?;
        writeln!(out, "{title} (rows from, columns to; – no route)")?;
        for table in matrix_tables("from \\ to", &rows, &columns, &cells) {
            writeln!(out, "{table}")?;
        }
    }
    Ok(())
}
