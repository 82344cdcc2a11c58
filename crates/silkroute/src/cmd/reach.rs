//! `silkroute reach PLACE... --days 8,12,16`: every place with its best route from the origins
//! (or, with `--reverse`, to them) and the smallest band of days or USD that holds it.

use super::route::{OptionArgs, describe_options, place_name, request_error};
use super::{Format, flag, thousands};
use crate::table::new_table;
use anyhow::{Result, anyhow};
use silkroute_core::network::Network;
use silkroute_core::report::{BandRecord, ReachReport};
use silkroute_core::route::{
    MAX_BANDS, PlacesError, ReachDirection, ReachError, ReachQuery, ReachRequest, plan_reach,
};
use std::io::Write;
use std::path::Path;

/// Arguments of `silkroute reach`.
#[derive(Debug, clap::Args)]
pub struct ReachArgs {
    /// Origins (with --reverse, targets): place names, aliases, ids or `lat,lon` (after `--`
    /// when one starts with `-`); up to 16.
    #[arg(required = true, value_name = "PLACE")]
    pub places: Vec<String>,
    /// Bands of days door to door, increasing, comma-separated (`--days 8,12,16`).
    #[arg(
        long,
        value_delimiter = ',',
        allow_negative_numbers = true,
        value_name = "DAYS"
    )]
    pub days: Vec<f64>,
    /// Bands of USD per FEU, increasing, comma-separated; beside --days, as many (band i is then
    /// both limits).
    #[arg(
        long,
        value_delimiter = ',',
        allow_negative_numbers = true,
        value_name = "USD"
    )]
    pub usd: Vec<f64>,
    /// Arrive-by: from where can a box reach the places (routes end there).
    #[arg(long)]
    pub reverse: bool,
    #[command(flatten)]
    pub options: OptionArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// A reach error in the command line's terms: request fields become options.
fn reach_error(error: ReachError) -> anyhow::Error {
    match error {
        ReachError::Request(error) => request_error(error),
        ReachError::Places(PlacesError::Place { fault, .. }) => anyhow!("{fault}"),
        ReachError::Places(PlacesError::Count { count, max }) => {
            anyhow!("{count} places: expected 1 to {max}")
        }
        ReachError::Places(PlacesError::Avoided { name, .. }) => {
            anyhow!("{name} is excluded by --avoid")
        }
        ReachError::InvalidBand {
            field,
            value,
            expected,
        } => anyhow!("{} {value}: {expected}", flag(field)),
        ReachError::TooManyBands { field, count } => {
            anyhow!(
                "{}: {count} bands, expected at most {MAX_BANDS}",
                flag(field)
            )
        }
        ReachError::UnpairedBands { days, usd } => anyhow!(
            "--usd: {usd} bands beside {days} of --days; give as many of each (band i is both limits) or one kind only"
        ),
        other => anyhow::Error::new(other),
    }
}

/// Runs `silkroute reach`.
pub fn run(data: Option<&Path>, args: &ReachArgs, out: &mut dyn Write) -> Result<()> {
    let mut request = ReachRequest {
        places: args.places.clone(),
        reverse: args.reverse,
        days: args.days.clone(),
        usd: args.usd.clone(),
        route: args.options.request(),
    };
    request.validate().map_err(reach_error)?;
    let (network, route) = args.options.prepare(data)?;
    request.route = route;
    let query = request.resolve(&network).map_err(reach_error)?;
    let reach = plan_reach(&network, &query)?;
    let report = ReachReport::new(&network, &query, &reach);
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        Format::Geojson => {
            serde_json::to_writer_pretty(&mut *out, &report.to_geojson(&network, &reach))?;
            writeln!(out)?;
        }
        Format::Csv => report.write_csv(out)?,
        Format::Table => write_table(&network, &query, &report, out)?,
    }
    Ok(())
}

/// A band as a column shows it: `≤ 8 d`, `≤ $3,000`, `≤ 8 d, $3,000`.
fn band_label(band: &BandRecord) -> String {
    match (band.days, band.usd) {
        (Some(days), Some(usd)) => format!("≤ {days} d, ${}", thousands(usd)),
        (Some(days), None) => format!("≤ {days} d"),
        (None, Some(usd)) => format!("≤ ${}", thousands(usd)),
        (None, None) => "any".to_string(),
    }
}

fn write_table(
    network: &Network,
    query: &ReachQuery,
    report: &ReachReport,
    out: &mut dyn Write,
) -> Result<()> {
    let places: Vec<String> = query
        .places
        .iter()
        .map(|place| place_name(network, place))
        .collect();
    let heading = match query.direction {
        ReachDirection::Forward => format!("Reach from {}", places.join(", ")),
        ReachDirection::Reverse => format!("Reach to {} (arrive-by)", places.join(", ")),
    };
    writeln!(
        out,
        "{heading}{}",
        describe_options(network, &query.options, &query.avoid_text)
    )?;
    if !report.bands.is_empty() {
        let bands: Vec<String> = report.bands.iter().map(band_label).collect();
        writeln!(out, "Bands: {}", bands.join(" · "))?;
    }
    let via_header = match query.direction {
        ReachDirection::Forward => "via (previous place)",
        ReachDirection::Reverse => "via (next place)",
    };
    let mut header = vec![
        "place", "country", "days", "USD/FEU", "kg CO2e", "corridor", via_header,
    ];
    if !report.bands.is_empty() {
        header.push("band");
    }
    let mut table = new_table(&header, &[2, 3, 4]);
    let name_of = |id: &str| {
        network
            .node_by_key(id)
            .map_or_else(|| id.to_string(), |node| network.node(node).name.clone())
    };
    let mut unreached = Vec::new();
    for row in &report.places {
        let (Some(hours), Some(usd), Some(co2e)) = (row.hours, row.usd, row.co2e_kg) else {
            unreached.push(row.name.clone());
            continue;
        };
        let mut cells = vec![
            row.name.clone(),
            row.country.clone(),
            format!("{:.1}", hours / 24.0),
            thousands(usd),
            thousands(co2e),
            row.corridor.clone().unwrap_or_default(),
            row.via
                .as_deref()
                .map_or_else(|| "(origin)".to_string(), name_of),
        ];
        if !report.bands.is_empty() {
            cells.push(
                row.band
                    .and_then(|band| report.bands.get(band))
                    .map_or_else(|| "beyond".to_string(), band_label),
            );
        }
        table.add_row(cells);
    }
    writeln!(out, "{table}")?;
    if !unreached.is_empty() {
        writeln!(
            out,
            "No route ({}): {}",
            unreached.len(),
            unreached.join(", ")
        )?;
    }
    Ok(())
}
