//! `silkroute simulate`: the year's freight run as trains through borders, gauge changes, lines
//! and Caspian ferries, replication after replication; transit-time distributions by corridor
//! and pair, facilities, sailings, and the reliability file for `route --reliability`
//! (`silkroute_core::simulate`).

use super::{Format, thousands};
use crate::table::new_table;
use anyhow::{Context, Result, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use silkroute_core::assign::{AssignOptions, Method, keep_going};
use silkroute_core::io::write_atomic;
use silkroute_core::report::simulation::SimulationReport;
use silkroute_core::scenario::{default_hazards, read_hazards};
use silkroute_core::simulate::{
    RunSettings, Simulation, default_sim_params, read_sim_params, simulation_html,
};
use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Arguments of `silkroute simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Simulate the network, year and levers of this scenario file.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// The year (without --scenario; default: the dataset's reference year).
    #[arg(long)]
    pub year: Option<i32>,
    /// Settings file (TOML; default: the shipped data/sim.toml).
    #[arg(long, value_name = "FILE")]
    pub sim: Option<PathBuf>,
    /// Hazards file (TOML; default: the shipped data/hazards.toml).
    #[arg(long, value_name = "FILE")]
    pub hazards: Option<PathBuf>,
    /// Draw no hazards (weather at the ports still closes them).
    #[arg(long)]
    pub no_hazards: bool,
    /// Replications (default: the settings file's).
    #[arg(long, value_name = "N")]
    pub replications: Option<usize>,
    /// Days measured per replication.
    #[arg(long, value_name = "DAYS", allow_negative_numbers = true)]
    pub horizon_days: Option<f64>,
    /// Days run before the measured ones.
    #[arg(long, value_name = "DAYS", allow_negative_numbers = true)]
    pub warmup_days: Option<f64>,
    /// Seed of the random streams (the same seed, the same bytes on any number of threads).
    #[arg(long)]
    pub seed: Option<u64>,
    /// On time = within this many days (default: within the route's hours plus the
    /// settings file's slack).
    #[arg(long, value_name = "DAYS", allow_negative_numbers = true)]
    pub target_days: Option<f64>,
    /// Output format (table, json, csv).
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Rows of pairs shown in the table (JSON and CSV hold them all).
    #[arg(long, default_value_t = 12, value_name = "N")]
    pub top: usize,
    /// Also write a page with a chart of each corridor's distribution.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Also write the reliability file (each facility's and line's hours) for
    /// `route --reliability`.
    #[arg(long, value_name = "FILE")]
    pub reliability: Option<PathBuf>,
}

/// Runs `silkroute simulate`.
///
/// # Errors
/// A network, scenario, settings or hazards file that does not load, a setting out of range,
/// a failed assignment.
pub fn run(data: Option<&Path>, args: &SimulateArgs, out: &mut dyn Write) -> Result<()> {
    if args.format == Format::Geojson {
        bail!("--format geojson: simulate writes table, json or csv");
    }
    let (network, options) = super::network_and_options(data, args.scenario.as_deref(), args.year)?;
    let params = match &args.sim {
        Some(path) => read_sim_params(path, &network)?,
        None => default_sim_params(&network)
            .context("the shipped data/sim.toml (for another network give --sim FILE)")?,
    };
    let hazards = if args.no_hazards {
        None
    } else {
        Some(match &args.hazards {
            Some(path) => read_hazards(path, &network)?,
            None => default_hazards(&network).context(
                "the shipped data/hazards.toml (for another network give --hazards FILE or --no-hazards)",
            )?,
        })
    };
    let mut settings = RunSettings::of(&params);
    if let Some(n) = args.replications {
        settings.replications = n;
    }
    if let Some(days) = args.horizon_days {
        settings.horizon_days = days;
    }
    if let Some(days) = args.warmup_days {
        settings.warmup_days = days;
    }
    if let Some(seed) = args.seed {
        settings.seed = seed;
    }
    settings.target_days = args.target_days;
    settings.validate().map_err(|e| match e {
        silkroute_core::simulate::SimulateError::BadSetting { field, reason } => {
            anyhow::anyhow!("{}: {reason}", super::flag(field))
        }
        other => anyhow::Error::new(other),
    })?;
    let solver = AssignOptions::new(Method::AlgorithmB);
    let spinner = ProgressBar::new_spinner();
    spinner.set_message("assigning the year's freight");
    spinner.enable_steady_tick(Duration::from_millis(200));
    let simulation = Simulation::prepare(
        &network,
        &options,
        &params,
        hazards.as_ref(),
        &solver,
        &mut keep_going,
    )
    .context("simulate")?;
    spinner.finish_and_clear();
    let bar = ProgressBar::new(settings.replications as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed} replication {pos}/{len} {wide_bar} {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(500));
    let report = simulation
        .run(&settings, &|done, _| {
            bar.set_position(done as u64);
            ControlFlow::Continue(())
        })
        .context("simulate")?;
    bar.finish_and_clear();
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    if let Some(path) = &args.html {
        write_atomic(path, simulation_html(&report).as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if let Some(path) = &args.reliability {
        let mut bytes = Vec::new();
        let source = format!(
            "simulate:{}:{}x{}d:seed{}",
            report.year, report.replications, report.horizon_days, report.seed
        );
        report.write_reliability_csv(&mut bytes, &source)?;
        write_atomic(path, &bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        Format::Csv => report.write_csv(out)?,
        Format::Table | Format::Geojson => write_table(&report, args.top, out)?,
    }
    Ok(())
}

fn days(value: f64) -> String {
    format!("{value:.1}")
}

fn write_table(report: &SimulationReport, top: usize, out: &mut dyn Write) -> Result<()> {
    writeln!(
        out,
        "Simulation · network of {} · {} replications of {} days (warm-up {} days) · seed {} · {} trains a year of {} TEU · {} events a replication",
        report.year,
        report.replications,
        report.horizon_days,
        report.warmup_days,
        report.seed,
        thousands(report.trains_per_year),
        report.teu_per_train,
        thousands(report.events_per_replication),
    )?;
    writeln!(
        out,
        "\nTransit time by corridor, days (on time: {})",
        report.on_time
    )?;
    let mut table = new_table(
        &[
            "corridor", "TEU/year", "route", "mean", "p50", "p90", "p95", "on time", "queues",
            "ports", "hazards",
        ],
        &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    for c in &report.corridors {
        let t = &c.transit;
        table.add_row(vec![
            c.name.clone(),
            thousands(t.teu_per_year),
            days(t.route_days),
            format!("{:.1} ±{:.1}", t.mean_days, t.mean_days_ci95),
            days(t.p50_days),
            days(t.p90_days),
            days(t.p95_days),
            format!("{:.0}%", t.on_time_share * 100.0),
            days(t.facility_queue_days + t.line_queue_days),
            days(t.sailing_wait_days),
            days(t.hazard_days),
        ]);
    }
    writeln!(out, "{table}")?;
    let mut pairs: Vec<_> = report.pairs.iter().collect();
    pairs.sort_by(|a, b| b.transit.teu_per_year.total_cmp(&a.transit.teu_per_year));
    writeln!(out, "\nLargest origin–destination flows, days")?;
    let mut table = new_table(
        &[
            "from", "to", "corridor", "TEU/year", "route", "p50", "p95", "on time",
        ],
        &[3, 4, 5, 6, 7],
    );
    for p in pairs.iter().take(top) {
        let t = &p.transit;
        table.add_row(vec![
            p.origin.clone(),
            p.destination.clone(),
            p.corridor.clone(),
            thousands(t.teu_per_year),
            days(t.route_days),
            days(t.p50_days),
            days(t.p95_days),
            format!("{:.0}%", t.on_time_share * 100.0),
        ]);
    }
    writeln!(out, "{table}")?;
    writeln!(out, "\nFacilities (capacitated handling)")?;
    let mut table = new_table(
        &[
            "place",
            "kind",
            "positions",
            "trains/day",
            "of capacity",
            "busy",
            "queue mean",
            "queue max",
            "wait p50 h",
            "wait p95 h",
        ],
        &[2, 3, 4, 5, 6, 7, 8, 9],
    );
    let mut facilities: Vec<_> = report.facilities.iter().collect();
    facilities.sort_by(|a, b| b.utilisation.total_cmp(&a.utilisation));
    for f in facilities {
        table.add_row(vec![
            f.name.clone(),
            f.kind.clone(),
            f.servers.to_string(),
            format!("{:.1}", f.trains_per_day),
            format!("{:.1}", f.capacity_trains_per_day),
            format!("{:.0}%", f.utilisation * 100.0),
            format!("{:.1}", f.mean_queue_trains),
            format!("{:.0}", f.max_queue_trains),
            format!("{:.1}", f.wait_p50_hours),
            format!("{:.1}", f.wait_p95_hours),
        ]);
    }
    writeln!(out, "{table}")?;
    writeln!(out, "\nSea and ferry lines")?;
    let mut table = new_table(
        &[
            "line",
            "from",
            "to",
            "sailings/yr",
            "TEU/yr",
            "load",
            "left behind TEU/yr",
            "closed d/yr",
            "route wait h",
            "wait p50 h",
            "wait p95 h",
        ],
        &[3, 4, 5, 6, 7, 8, 9, 10],
    );
    for s in report.sailings.iter().filter(|s| s.teu_per_year > 0.0) {
        table.add_row(vec![
            s.name.clone(),
            s.from.clone(),
            s.to.clone(),
            format!("{:.0}", s.sailings_per_year),
            thousands(s.teu_per_year),
            s.load_factor
                .map_or("–".to_string(), |l| format!("{:.0}%", l * 100.0)),
            thousands(s.left_behind_teu_per_year),
            format!("{:.1}", s.closed_days_per_year),
            format!("{:.1}", s.route_wait_hours),
            format!("{:.1}", s.wait_p50_hours),
            format!("{:.1}", s.wait_p95_hours),
        ]);
    }
    writeln!(out, "{table}")?;
    if !report.hazards.is_empty() {
        let list: Vec<String> = report
            .hazards
            .iter()
            .map(|h| format!("{} {:.1} d/yr", h.group, h.closed_days_per_year))
            .collect();
        writeln!(
            out,
            "\nHazards drawn (mean closed days a year): {}",
            list.join(", ")
        )?;
    }
    writeln!(
        out,
        "queues: waits for facility positions and line slots; ports: waits for a departure (schedule, weather, full ships); hazards: held by closures (data/hazards.toml)."
    )?;
    Ok(())
}
