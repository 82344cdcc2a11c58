//! `silkroute assign` without `--tntp`: equilibrium assignment of the freight demand on the
//! corridor network (the embedded default network, or `--data DIR`), printed as flows per
//! corridor and link, v/c, delay and the bottlenecks ranked
//! (`silkroute_core::freight::assign_freight`).

use super::Format;
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use silkroute_core::Network;
use silkroute_core::assign::{AssignOptions, Method};
use silkroute_core::freight::{FreightRequest, FreightRequestError, assign_freight};
use silkroute_core::io::{Limit, read_named};
use silkroute_core::network::{NetworkFiles, default_files, load_files};
use std::io::Write;
use std::ops::ControlFlow;
use std::path::Path;
use std::time::Duration;

/// What a freight assignment run needs from the command line.
pub struct FreightRun<'a> {
    /// `--data DIR`, or the embedded network.
    pub data: Option<&'a Path>,
    /// `--demand FILE`: a demand.csv replacing the network's own.
    pub demand: Option<&'a Path>,
    /// `--year`, `--avoid`, `--demand-factor`, `--demand-scale`, `--tonnage-scale`, the price
    /// levers, `--system-optimum`.
    pub request: FreightRequest,
    /// `--demand-scenario NAME`: the demand of a scenario of demand_years.csv.
    pub demand_scenario: Option<&'a str>,
    /// `--reliability FILE`: simulated hours of handling rows and links.
    pub reliability: Option<&'a Path>,
    /// The solver settings.
    pub options: AssignOptions,
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
        files.demand = Some(read_named(path, Limit::NETWORK_FILE)?);
    }
    let (network, warnings) = load_files(&files).context("cannot load the freight network")?;
    if run.data.is_some() || run.demand.is_some() {
        for warning in &warnings {
            eprintln!("warning: {warning}");
        }
    }
    Ok(network)
}

/// A freight request error in the command line's terms.
fn request_error(error: FreightRequestError) -> anyhow::Error {
    match &error {
        FreightRequestError::InvalidParameter {
            field,
            value,
            expected,
        } => anyhow::anyhow!("{} {value}: {expected}", super::flag(field)),
        FreightRequestError::Avoid(avoid) => anyhow::anyhow!("--avoid {avoid}"),
        FreightRequestError::Scale { field, spec, fault } => {
            anyhow::anyhow!("{} {spec}: {fault}", super::flag(field))
        }
        FreightRequestError::NoDemand => anyhow::anyhow!(
            "the network has no freight demand (zones.csv and demand.csv); give --demand FILE"
        ),
        _ => anyhow::Error::new(error),
    }
}

/// Runs the freight assignment and prints its report.
pub fn run(run: &FreightRun, out: &mut dyn Write) -> Result<()> {
    run.request.validate().map_err(request_error)?;
    let mut network = load(run)?;
    if let Some(name) = run.demand_scenario {
        let freight = network
            .freight()
            .with_demand_scenario(name)
            .context("--demand-scenario")?;
        network = network.with_freight(freight);
    }
    let mut request = run.request.clone();
    if let Some(path) = run.reliability {
        let table =
            silkroute_core::route::read_reliability(path, &network).context("--reliability")?;
        request.reliability = Some(std::sync::Arc::new(table));
    }
    let options = request.options(&network).map_err(request_error)?;
    let bar = progress_bar(&run.options);
    let mut warnings = Vec::new();
    let report = assign_freight(
        &network,
        &options,
        &run.options,
        &mut warnings,
        &mut |stats| {
            bar.set_position(stats.iteration as u64);
            bar.set_message(format!("relative gap {:.2e}", stats.relative_gap));
            ControlFlow::Continue(())
        },
    );
    bar.finish_and_clear();
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    let report = report.map_err(request_error)?;
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
