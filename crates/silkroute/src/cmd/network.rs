//! `silkroute network`: a summary of the loaded network.

use super::{Format, load_network, thousands};
use crate::table::new_table;
use anyhow::Result;
use serde::Serialize;
use silkroute_core::network::{HandlingKind, Mode, NodeKind, SourceKind, Status};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// Arguments of `silkroute network`.
#[derive(Debug, clap::Args)]
pub struct NetworkArgs {
    /// What to do; without a subcommand, summarize the corridor network.
    #[command(subcommand)]
    pub command: Option<NetworkCommand>,
    /// Output format of the summary (table or json).
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

#[derive(Serialize)]
struct CorridorSummary {
    id: String,
    name: String,
    links: usize,
    km: f64,
}

#[derive(Serialize)]
struct FreightSummary {
    zones: usize,
    classes: Vec<String>,
    demand_rows: usize,
    teu_per_year: f64,
}

#[derive(Serialize)]
struct Summary {
    name: String,
    reference_year: i32,
    tariff_year: i32,
    places: usize,
    links: usize,
    places_by_kind: BTreeMap<String, usize>,
    links_by_mode: BTreeMap<String, usize>,
    km_by_mode: BTreeMap<String, f64>,
    links_by_status: BTreeMap<String, usize>,
    handling_by_kind: BTreeMap<String, usize>,
    countries: Vec<String>,
    corridors: Vec<CorridorSummary>,
    sources: BTreeMap<String, usize>,
    upcoming: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    freight: Option<FreightSummary>,
}

/// Runs `silkroute network`.
pub fn run(data: Option<&Path>, args: &NetworkArgs, out: &mut dyn Write) -> Result<()> {
    match &args.command {
        Some(NetworkCommand::Heal(heal)) => return super::heal::run(heal, out),
        Some(NetworkCommand::Shapes(shapes)) => return super::shapes::run(data, shapes, out),
        None => {}
    }
    let network = load_network(data)?;
    let info = network.info();
    let mut places_by_kind = BTreeMap::new();
    for kind in NodeKind::ALL {
        let count = network.nodes().iter().filter(|n| n.kind == kind).count();
        places_by_kind.insert(kind.as_str().to_string(), count);
    }
    let mut links_by_mode = BTreeMap::new();
    let mut km_by_mode = BTreeMap::new();
    for mode in Mode::ALL {
        let links: Vec<_> = network.links().iter().filter(|l| l.mode == mode).collect();
        links_by_mode.insert(mode.as_str().to_string(), links.len());
        km_by_mode.insert(
            mode.as_str().to_string(),
            links.iter().map(|l| l.length_km).sum::<f64>().round(),
        );
    }
    let mut links_by_status = BTreeMap::new();
    for status in Status::ALL {
        let count = network
            .links()
            .iter()
            .filter(|l| l.validity.status == status)
            .count();
        links_by_status.insert(status.as_str().to_string(), count);
    }
    let mut handling_by_kind = BTreeMap::new();
    for kind in HandlingKind::ALL {
        let count = network
            .handlings()
            .iter()
            .filter(|h| h.kind == kind)
            .count();
        handling_by_kind.insert(kind.as_str().to_string(), count);
    }
    let mut countries: Vec<String> = network
        .nodes()
        .iter()
        .map(|n| n.country.to_string())
        .collect();
    countries.sort();
    countries.dedup();
    let corridors = network
        .corridors()
        .iter()
        .enumerate()
        .map(|(index, corridor)| {
            let id = silkroute_core::network::CorridorId(index as u32);
            let links: Vec<_> = network
                .links()
                .iter()
                .filter(|l| {
                    l.corridors.contains(&id) && l.validity.is_active_in(info.reference_year)
                })
                .collect();
            CorridorSummary {
                id: corridor.key.clone(),
                name: corridor.name.clone(),
                links: links.len(),
                km: links.iter().map(|l| l.length_km).sum::<f64>().round(),
            }
        })
        .collect();
    let mut sources = BTreeMap::new();
    for kind in [
        SourceKind::Published,
        SourceKind::Derived,
        SourceKind::Estimate,
    ] {
        let count = network.sources().iter().filter(|s| s.kind == kind).count();
        sources.insert(kind.as_str().to_string(), count);
    }
    let mut upcoming: Vec<(i32, String)> = network
        .links()
        .iter()
        .filter_map(|l| {
            let year = l.validity.opening_year?;
            (year > info.reference_year).then(|| {
                let name = if l.name.is_empty() {
                    format!(
                        "{} – {}",
                        network.node(l.from).name,
                        network.node(l.to).name
                    )
                } else {
                    l.name.clone()
                };
                (
                    year,
                    format!("{year}: {name} ({})", l.validity.status.as_str()),
                )
            })
        })
        .collect();
    upcoming.sort();
    let summary = Summary {
        name: info.name.clone(),
        reference_year: info.reference_year,
        tariff_year: info.tariff_year,
        places: network.node_count(),
        links: network.link_count(),
        places_by_kind,
        links_by_mode,
        km_by_mode,
        links_by_status,
        handling_by_kind,
        countries,
        corridors,
        sources,
        upcoming: upcoming.into_iter().map(|(_, text)| text).collect(),
        freight: {
            let freight = network.freight();
            (!freight.is_empty()).then(|| FreightSummary {
                zones: freight.zones.len(),
                classes: freight.classes.iter().map(|c| c.key.clone()).collect(),
                demand_rows: freight.demand.len(),
                teu_per_year: freight.total_teu_per_year(),
            })
        },
    };
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
