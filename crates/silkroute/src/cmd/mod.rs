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
pub mod route;
pub mod scenario;
pub mod shapes;
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
