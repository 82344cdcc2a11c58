//! `silkroute criticality`: every link and facility place removed (or its capacity cut) in
//! turn, the freight re-assigned, elements ranked by the loss (`silkroute_core::scenario::
//! criticality`).

use super::{Format, signed, thousands};
use crate::table::new_table;
use anyhow::{Context, Result, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use silkroute_core::assign::{AssignOptions, Method};
use silkroute_core::scenario::{
    CriticalityReport, Cut, MonteCarloReport, MonteCarloShard, Start, criticality,
    criticality_elements, default_hazards, merge, read_hazards, run_shard,
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
    /// Monte Carlo of disruptions: draw this many years of the hazards (--hazards) and give
    /// the distribution of the yearly loss and each hazard's expected annual loss.
    #[arg(long, value_name = "DRAWS")]
    pub monte_carlo: Option<u64>,
    /// Seed of the draws (the same seed, the same answer on any number of threads).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Hazards file (TOML; default: the shipped data/hazards.toml).
    #[arg(long, value_name = "FILE")]
    pub hazards: Option<PathBuf>,
    /// Run only the draws of shard K of N (`K/N`, draws with index mod N = K) and write them
    /// as JSON for --merge.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Re-assign each element from empty queues instead of the base run's (slower; for
    /// measuring the warm start).
    #[arg(long)]
    pub cold: bool,
    /// Merge the JSON of shards (--shard) into the Monte Carlo report.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub merge: Vec<PathBuf>,
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
    let (network, options) = super::network_and_options(data, args.scenario.as_deref(), args.year)?;
    if args.monte_carlo.is_some() || !args.merge.is_empty() {
        if args.keep.is_some() {
            bail!("--keep: the Monte Carlo closes its hazards' elements whole");
        }
        return monte_carlo(&network, &options, args, out);
    }
    if args.shard.is_some() {
        bail!("--shard: only with --monte-carlo");
    }
    let elements = criticality_elements(&network, &options, cut);
    let bar = ProgressBar::new(elements.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} re-assigned {pos}/{len} {wide_bar}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(500));
    let solver = AssignOptions::new(Method::AlgorithmB);
    let start = if args.cold { Start::Cold } else { Start::Warm };
    let report = criticality(
        &network,
        &options,
        &solver,
        cut,
        start,
        &elements,
        &|done, _| {
            bar.set_position(done as u64);
        },
    )
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

fn write_table(report: &CriticalityReport, top: usize, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "Criticality · network of {} · {} each element · demand fixed (no rail-versus-sea choice) · {} elements · {} start",
        report.year,
        report.cut,
        report.elements.len(),
        report.start
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
            "Δ TEU/year by sea",
        ],
        &[0, 3, 4, 5, 6, 7],
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
            signed(e.to_sea_teu_per_year),
        ]);
    }
    writeln!(out, "{table}")?;
    writeln!(
        out,
        "Δ USD/year: the rerouting loss (tariffs, handling, value of time); Δ TEU-hours: the Network Robustness Index; Δ TEU/year by sea: containers moved to the sea corridors; * the re-assignment stopped short of its tolerance."
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
        "to_sea_teu_per_year",
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
            number(e.to_sea_teu_per_year),
            e.unsettled.to_string(),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

fn parse_shard(text: &str) -> Result<(u64, u64)> {
    let parsed = text
        .split_once('/')
        .and_then(|(k, n)| Some((k.trim().parse().ok()?, n.trim().parse().ok()?)));
    match parsed {
        Some((k, n)) if n > 0 && k < n => Ok((k, n)),
        _ => bail!("--shard {text}: expected K/N with 0 ≤ K < N"),
    }
}

fn monte_carlo(
    network: &silkroute_core::Network,
    options: &silkroute_core::freight::FreightOptions,
    args: &CriticalityArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let hazards = match &args.hazards {
        Some(path) => read_hazards(path, network)?,
        None => default_hazards(network)?,
    };
    let shards: Vec<MonteCarloShard> = if args.merge.is_empty() {
        let draws = args.monte_carlo.unwrap_or(0);
        let shard = match &args.shard {
            Some(text) => parse_shard(text)?,
            None => (0, 1),
        };
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed} drawn {pos}/{len} years {wide_bar}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(500));
        let solver = AssignOptions::new(Method::AlgorithmB);
        let result = run_shard(
            network,
            options,
            &solver,
            &hazards,
            draws,
            args.seed,
            shard,
            &|done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            },
        );
        bar.finish_and_clear();
        let result = result?;
        if args.shard.is_some() {
            serde_json::to_writer(&mut *out, &result)?;
            writeln!(out)?;
            return Ok(());
        }
        vec![result]
    } else {
        if args.monte_carlo.is_some() || args.shard.is_some() {
            bail!("--merge: give the shards' files only (their draws and seed are in them)");
        }
        args.merge
            .iter()
            .map(|path| {
                let bytes =
                    silkroute_core::io::read_limited(path, silkroute_core::io::Limit::ASSIGN_FILE)?;
                serde_json::from_slice(&bytes).with_context(|| {
                    format!("{}: not the JSON of a shard (--shard)", path.display())
                })
            })
            .collect::<Result<_>>()?
    };
    let report = merge(&hazards, &shards)?;
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        Format::Csv => write_monte_carlo_csv(&report, out)?,
        Format::Table | Format::Geojson => write_monte_carlo_table(&report, out)?,
    }
    Ok(())
}

fn write_monte_carlo_table(report: &MonteCarloReport, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "Monte Carlo of disruptions · {} years drawn · seed {} · {} closed sets solved · demand fixed",
        report.draws, report.seed, report.solved_sets
    )?;
    let mut table = new_table(
        &["per year", "mean", "p50", "p95", "p99", "max"],
        &[1, 2, 3, 4, 5],
    );
    for (name, d) in [
        ("loss, USD (generalized cost)", &report.loss_usd),
        ("TEU left without a route", &report.unserved_teu),
    ] {
        table.add_row(vec![
            name.to_string(),
            thousands(d.mean),
            thousands(d.p50),
            thousands(d.p95),
            thousands(d.p99),
            thousands(d.max),
        ]);
    }
    writeln!(out, "{table}")?;
    let mut hazards = new_table(
        &[
            "hazard",
            "closes",
            "P(≥1 a year)",
            "days a year",
            "unserved TEU a year",
            "expected USD a year",
            "p95 if it happens",
            "USD if closed all year",
        ],
        &[2, 3, 4, 5, 6, 7],
    );
    for h in &report.hazards {
        hazards.add_row(vec![
            h.group.clone(),
            h.close.join(", "),
            format!("{:.2}", h.probability_per_year),
            format!("{:.1}", h.expected_closed_days),
            thousands(h.expected_unserved_teu),
            thousands(h.expected_annual_loss_usd),
            thousands(h.conditional_p95_usd),
            thousands(h.loss_if_closed_all_year_usd),
        ]);
    }
    writeln!(out, "{hazards}")?;
    Ok(())
}

fn write_monte_carlo_csv(report: &MonteCarloReport, out: &mut dyn Write) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "group",
        "close",
        "probability_per_year",
        "expected_closed_days",
        "expected_unserved_teu",
        "expected_annual_loss_usd",
        "conditional_p95_usd",
        "loss_if_closed_all_year_usd",
    ])?;
    let number = silkroute_core::io::number;
    for h in &report.hazards {
        writer.write_record([
            h.group.clone(),
            h.close.join("|"),
            number(h.probability_per_year),
            number(h.expected_closed_days),
            number(h.expected_unserved_teu),
            number(h.expected_annual_loss_usd),
            number(h.conditional_p95_usd),
            number(h.loss_if_closed_all_year_usd),
        ])?;
    }
    writer.flush()?;
    Ok(())
}
