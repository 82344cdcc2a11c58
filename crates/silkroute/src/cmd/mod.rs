//! One module per subcommand, plus what they share: loading the network, resolving places and
//! output formats.

pub mod assign;
pub mod calibrate;
pub mod corridors;
pub mod criticality;
pub mod evaluate;
pub mod freight;
pub mod freight_report;
pub mod geo;
pub mod heal;
#[cfg(feature = "osm")]
pub mod import;
pub mod network;
pub mod observed;
pub mod places;
pub mod reach;
pub mod route;
pub mod scenario;
#[cfg(feature = "serve")]
pub mod serve;
pub mod shapes;
pub mod simulate;
pub mod table;
pub mod validate;

use anyhow::{Context, Result};
use silkroute_core::Network;
use std::path::Path;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned tables for a terminal.
    Table,
    /// JSON (layout in docs/formats.md).
    Json,
    /// GeoJSON FeatureCollection.
    Geojson,
    /// CSV, one row per leg or item.
    Csv,
}

/// Loads the network from `--data DIR` or the embedded default; warnings go to stderr.
/// The network and freight options a run works on: a scenario file's (its chain applied to
/// its base; `year` must then be `None`), or the network of `--data` (or the embedded one) in
/// `year`.
///
/// # Errors
/// A scenario or network that does not load, `--year` beside a scenario, a year out of range.
pub fn network_and_options(
    data: Option<&Path>,
    scenario: Option<&Path>,
    year: Option<i32>,
) -> Result<(Network, silkroute_core::freight::FreightOptions)> {
    if let Some(path) = scenario {
        if year.is_some() {
            anyhow::bail!("--year: the scenario file sets the year");
        }
        let scenario = silkroute_core::scenario::Scenario::load(path)?;
        let (base, _) = scenario.load_base()?;
        let prepared = scenario.prepare(&base)?;
        let options = prepared.freight_options(scenario.name())?;
        return Ok((prepared.network, options));
    }
    let network = load_network(data)?;
    let request = silkroute_core::freight::FreightRequest {
        year,
        ..silkroute_core::freight::FreightRequest::default()
    };
    let options = request.options(&network).map_err(|e| match e {
        silkroute_core::freight::FreightRequestError::InvalidParameter {
            field,
            value,
            expected,
        } => anyhow::anyhow!("{} {value}: {expected}", flag(field)),
        other => anyhow::Error::new(other),
    })?;
    Ok((network, options))
}

pub fn load_network(data: Option<&Path>) -> Result<Network> {
    let (network, warnings) = match data {
        Some(dir) => silkroute_core::network::load_dir(dir)
            .with_context(|| format!("cannot load the network in {}", dir.display()))?,
        None => {
            silkroute_core::network::load_default().context("the embedded network is invalid")?
        }
    };
    if data.is_some() {
        for warning in &warnings {
            eprintln!("warning: {warning}");
        }
    }
    Ok(network)
}

/// The command-line option of a request field: `max_snap_km` → `--max-snap-km`;
/// `carbon_usd_per_t` → `--carbon-price` (the option says a price; its unit is in its help);
/// `statistic` → `--by` (`--by p95` asks for a statistic).
pub fn flag(field: &str) -> String {
    match field {
        "carbon_usd_per_t" => "--carbon-price".to_string(),
        "statistic" => "--by".to_string(),
        _ => format!("--{}", field.replace('_', "-")),
    }
}

pub use silkroute_core::io::{signed, signed1, thousands};
