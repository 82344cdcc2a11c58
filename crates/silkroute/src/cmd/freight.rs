//! `silkroute assign` without `--tntp`: equilibrium assignment of the freight demand on the
//! corridor network (the embedded default network, or `--data DIR`), printed as flows per
//! corridor and link, v/c, delay and the bottlenecks ranked.

use super::Format;
use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use silkroute_core::Network;
use silkroute_core::assign::{AssignOptions, CostModel, Method, assign};
use silkroute_core::freight::{FreightOptions, build_problem};
use silkroute_core::network::{NetworkFiles, default_files, load_files};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// What a freight assignment run needs from the command line.
pub struct FreightRun<'a> {
    /// `--data DIR`, or the embedded network.
    pub data: Option<&'a Path>,
    /// `--demand FILE`: a demand.csv replacing the network's own.
    pub demand: Option<&'a Path>,
    /// `--year`.
    pub year: Option<i32>,
    /// `--avoid` items.
    pub avoid: &'a [String],
    /// `--demand-factor`: every demand cell multiplied by this (growth scenarios).
    pub demand_factor: f64,
    /// The solver settings.
    pub options: AssignOptions,
    /// `--system-optimum`.
    pub system_optimum: bool,
    /// Output format.
    pub format: Format,
}

/// Loads the network, with the demand file swapped in when given.
fn load(run: &FreightRun) -> Result<Network> {
    let mut files = match run.data {
        Some(dir) => NetworkFiles::read_dir(dir)
            .with_context(|| format!("cannot load the network in {}", dir.display()))?,
        None => default_files(),
    };
    if let Some(path) = run.demand {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        files.demand = Some((path.display().to_string(), bytes));
    }
    let (network, warnings) = load_files(&files).context("cannot load the freight network")?;
    if run.data.is_some() || run.demand.is_some() {
        for warning in &warnings {
            eprintln!("warning: {warning}");
        }
    }
    Ok(network)
}

/// Runs the freight assignment and prints its report.
pub fn run(run: &FreightRun, out: &mut dyn Write) -> Result<()> {
    let network = load(run)?;
    if network.freight().is_empty() {
        bail!("the network has no freight demand (zones.csv and demand.csv); give --demand FILE");
    }
    let mut options = FreightOptions::defaults(&network);
    if let Some(year) = run.year {
        if !(1900..=2100).contains(&year) {
            bail!("--year {year}: expected a year between 1900 and 2100");
        }
        options.year = year;
    }
    options.avoid = super::parse_avoid(&network, run.avoid)?;
    if !(run.demand_factor.is_finite() && run.demand_factor >= 0.0) {
        bail!(
            "--demand-factor {}: expected a number ≥ 0",
            run.demand_factor
        );
    }
    options.demand_factor = run.demand_factor;
    if run.system_optimum {
        options.model = CostModel::SystemOptimum;
    }
    let problem = build_problem(&network, &options).context("cannot build the freight problem")?;
    for warning in problem.warnings() {
        eprintln!("warning: {warning}");
    }
    let bar = progress_bar(&run.options);
    let result = assign(problem.problem(), &run.options, &mut |stats| {
        bar.set_position(stats.iteration as u64);
        bar.set_message(format!("relative gap {:.2e}", stats.relative_gap));
    })
    .context("the assignment failed")?;
    bar.finish_and_clear();
    let report = problem.report(&result);
    super::freight_report::write_freight_report(&network, &report, run.format, out)
}

/// A progress bar on stderr (drawn only when stderr is a terminal, after half a second).
fn progress_bar(options: &AssignOptions) -> ProgressBar {
    let bar = ProgressBar::new(options.max_iterations as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} iteration {pos} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(500));
    if options.method == Method::AllOrNothing {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar
}
