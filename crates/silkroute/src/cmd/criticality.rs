//! `silkroute criticality`: every link and facility place removed (or its capacity cut) in
//! turn, the freight re-assigned, elements ranked by the loss (`silkroute_core::scenario::
//! criticality`).

use super::{Format, thousands};
use crate::table::new_table;
use anyhow::{Context, Result, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use silkroute_core::assign::{AssignOptions, Method};
use silkroute_core::freight::FreightRequest;
use silkroute_core::scenario::{
    CriticalityReport, Cut, Scenario, criticality, criticality_elements,
};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Arguments of `silkroute criticality`.
#[derive(Debug, Args)]
pub struct CriticalityArgs {
    /// Scan the network, year and levers of this scenario file (default: the network of
    /// `--data` or the embedded one, in `--year`).
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// The year (without --scenario; default: the dataset's reference year).
    #[arg(long)]
    pub year: Option<i32>,
    /// Keep this share of each capacity instead of removing the element (0 < SHARE < 1;
    /// scans the links and facilities that have a capacity).
    #[arg(long, value_name = "SHARE")]
    pub keep: Option<f64>,
    /// Rows shown in the table (JSON and CSV hold them all).
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub top: usize,
    /// Output format (table, json, csv).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Runs `silkroute criticality`.
///
/// # Errors
/// A network or scenario that does not load, an argument out of range, a failed assignment.
pub fn run(data: Option<&Path>, args: &CriticalityArgs, out: &mut dyn Write) -> Result<()> {
    let cut = match args.keep {
        None => Cut::Remove,
        Some(share) if share.is_finite() && share > 0.0 && share < 1.0 => Cut::KeepShare(share),
        Some(share) => {
            bail!("--keep {share}: expected a share of capacity between 0 and 1 (exclusive)")
        }
    };
    if args.format == Format::Geojson {
        bail!("--format geojson: criticality writes table, json or csv");
    }
    let (network, options) = match &args.scenario {
        Some(path) => {
            if args.year.is_some() {
                bail!("--year: the scenario file sets the year");
            }
            let scenario = Scenario::load(path)?;
            let (base, _) = scenario.load_base()?;
            let prepared = scenario.prepare(&base)?;
            let options = prepared.freight_options(scenario.name())?;
            (prepared.network, options)
        }
        None => {
            let network = super::load_network(data)?;
            let request = FreightRequest {
                year: args.year,
                ..FreightRequest::default()
            };
            let options = request.options(&network).map_err(|e| match e {
                silkroute_core::freight::FreightRequestError::InvalidParameter {
                    field,
                    value,
                    expected,
                } => {
                    anyhow::anyhow!("{} {value}: {expected}", super::flag(field))
                }
                other => anyhow::Error::new(other),
            })?;
            (network, options)
        }
    };
    let elements = criticality_elements(&network, &options, cut);
    let bar = ProgressBar::new(elements.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} re-assigned {pos}/{len} {wide_bar}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(500));
    let solver = AssignOptions::new(Method::AlgorithmB);
    let report = criticality(&network, &options, &solver, cut, &elements, &|done, _| {
        bar.set_position(done as u64);
    })
    .context("criticality")?;
    bar.finish_and_clear();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        Format::Csv => write_csv(&report, out)?,
        Format::Table | Format::Geojson => write_table(&report, args.top, out)?,
    }
    Ok(())
}

fn signed(value: f64) -> String {
    if value > 0.0 {
        format!("+{}", thousands(value))
    } else if value < 0.0 {
        format!("−{}", thousands(-value))
    } else {
        "0".to_string()
    }
}

fn write_table(report: &CriticalityReport, top: usize, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "Criticality · network of {} · {} each element · demand fixed (no rail-versus-sea choice) · {} elements",
        report.year,
        report.cut,
        report.elements.len()
    )?;
    let mut table = new_table(
        &[
            "#",
            "element",
            "kind",
            "TEU/year through it",
            "Δ USD/year",
            "Δ TEU-hours/year",
            "unserved TEU/year",
        ],
        &[0, 3, 4, 5, 6],
    );
    for (rank, e) in report.elements.iter().take(top).enumerate() {
        table.add_row(vec![
            (rank + 1).to_string(),
            format!("{}{}", e.name, if e.unsettled { " *" } else { "" }),
            e.kind.clone(),
            thousands(e.base_teu_per_year),
            signed(e.generalized_cost_usd_per_year),
            signed(e.teu_hours_per_year),
            thousands(e.unserved_teu_per_year),
        ]);
    }
    writeln!(out, "{table}")?;
    writeln!(
        out,
        "Δ USD/year: the rerouting loss (tariffs, handling, value of time); Δ TEU-hours: the Network Robustness Index; * the re-assignment stopped short of its tolerance."
    )?;
    Ok(())
}

fn write_csv(report: &CriticalityReport, out: &mut dyn Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "rank",
        "kind",
        "id",
        "name",
        "base_teu_per_year",
        "generalized_cost_usd_per_year",
        "teu_hours_per_year",
        "unserved_teu_per_year",
        "unsettled",
    ])?;
    let number = silkroute_core::io::number;
    for (rank, e) in report.elements.iter().enumerate() {
        writer.write_record([
            (rank + 1).to_string(),
            e.kind.clone(),
            e.id.clone(),
            e.name.clone(),
            number(e.base_teu_per_year),
            number(e.generalized_cost_usd_per_year),
            number(e.teu_hours_per_year),
            number(e.unserved_teu_per_year),
            e.unsettled.to_string(),
        ])?;
    }
    writer.flush()?;
    Ok(())
}
