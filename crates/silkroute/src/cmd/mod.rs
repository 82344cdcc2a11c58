//! One module per subcommand, plus what they share: loading the network, resolving places and
//! output formats.

pub mod assign;
pub mod corridors;
pub mod freight;
pub mod freight_report;
pub mod geo;
pub mod heal;
pub mod import;
pub mod network;
pub mod places;
pub mod route;
pub mod shapes;
pub mod validate;

use anyhow::{Context, Result, bail};
use silkroute_core::Network;
use silkroute_core::network::{Country, Mode};
use silkroute_core::route::Avoid;
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

/// Parses `--avoid` items: `RU`, `ferry`, `sea_suez`, a link id, a place, or the explicit
/// forms `country:RU`, `mode:ferry`, `corridor:middle`, `link:ID`, `node:PLACE`.
pub fn parse_avoid(network: &Network, items: &[String]) -> Result<Avoid> {
    let mut avoid = Avoid::default();
    for item in items.iter().flat_map(|i| i.split(',')).map(str::trim) {
        if item.is_empty() {
            continue;
        }
        let (kind, value) = match item.split_once(':') {
            Some((kind, value)) => (Some(kind), value.trim()),
            None => (None, item),
        };
        let country = || Country::parse(&value.to_ascii_uppercase()).filter(|_| value.len() == 2);
        match kind {
            Some("country") => avoid.countries.push(
                country()
                    .with_context(|| format!("--avoid {item}: not a two-letter country code"))?,
            ),
            Some("mode") => avoid.modes.push(Mode::parse(value).with_context(|| {
                format!("--avoid {item}: unknown mode (expected rail, sea, ferry or road)")
            })?),
            Some("corridor") => avoid.corridors.push(
                network
                    .corridor_by_key(value)
                    .with_context(|| format!("--avoid {item}: unknown corridor"))?,
            ),
            Some("link") => avoid.links.push(
                network
                    .link_by_key(value)
                    .with_context(|| format!("--avoid {item}: unknown link id"))?,
            ),
            Some("node") => avoid.nodes.push(
                network
                    .find_place(value, 0.0)
                    .with_context(|| format!("--avoid {item}"))?
                    .node(),
            ),
            Some(other) => bail!(
                "--avoid {item}: unknown kind `{other}` (expected country, mode, corridor, link or node)"
            ),
            None => {
                if let Some(mode) = Mode::parse(value) {
                    avoid.modes.push(mode);
                } else if let Some(corridor) = network.corridor_by_key(value) {
                    avoid.corridors.push(corridor);
                } else if let Some(country) = country() {
                    avoid.countries.push(country);
                } else if let Some(link) = network.link_by_key(value) {
                    avoid.links.push(link);
                } else {
                    let place = network.find_place(value, 0.0).with_context(|| {
                        format!(
                            "--avoid {item}: not a country code, mode, corridor, link id or place"
                        )
                    })?;
                    avoid.nodes.push(place.node());
                }
            }
        }
    }
    Ok(avoid)
}

/// The command-line option of a request field: `max_snap_km` → `--max-snap-km`.
pub fn flag(field: &str) -> String {
    format!("--{}", field.replace('_', "-"))
}

/// Formats a number with thousands separators and no decimals.
pub fn thousands(value: f64) -> String {
    let rounded = value.round() as i64;
    let digits = rounded.unsigned_abs().to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    if rounded < 0 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0.4), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1234.6), "1,235");
        assert_eq!(thousands(-1234567.0), "-1,234,567");
    }
}
