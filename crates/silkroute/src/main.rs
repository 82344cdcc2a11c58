//! `silkroute`: freight routing on the Eurasian corridors from the command line.

mod cmd;
mod progress;
mod table;

#[cfg(feature = "serve")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Freight routes, costs and emissions on the New Silk Road corridors.
#[derive(Debug, Parser)]
#[command(name = "silkroute", version, about, long_about = None)]
struct Cli {
    /// Load the network from this folder instead of the embedded default network
    /// (same files as data/default; see docs/formats.md).
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Routes between two places, side by side, with legs, transfers, totals and corridor.
    Route(cmd::route::RouteArgs),
    /// The best route of each corridor between two places, or why it has none.
    Corridors(cmd::corridors::CorridorsArgs),
    /// Every place with its best route from some places (or, with --reverse, to them), in bands
    /// of days or USD: what a box reaches in 8, 12, 16 days.
    Reach(cmd::reach::ReachArgs),
    /// Best routes between places as matrices: days, USD and kg CO2e from each to each.
    Table(cmd::table::TableArgs),
    /// Places of the network, optionally filtered by a name, alias or country.
    Places(cmd::places::PlacesArgs),
    /// A summary of the network: places, links, corridors, sources.
    Network(cmd::network::NetworkArgs),
    /// Checks a network folder and reports every problem with file, line and field.
    Validate(cmd::validate::ValidateArgs),
    /// Published outcomes (transit times, volumes, prices) the model is judged against.
    Observed(cmd::observed::ObservedArgs),
    /// The model against the published outcomes: each one modelled, its error, the figures.
    Evaluate(cmd::evaluate::EvaluateArgs),
    /// Fits the calibrated factors to the observed transit times and cross-validates them.
    Calibrate(cmd::calibrate::CalibrateArgs),
    /// Routing on geographic networks (OpenStreetMap railways, maritime networks).
    Geo(cmd::geo::GeoArgs),
    /// Imports outside data as a network folder: railways from an OpenStreetMap PBF extract.
    #[cfg(feature = "osm")]
    Import(cmd::import::ImportArgs),
    /// Traffic assignment (user equilibrium or system optimum) of a TNTP network's demand.
    Assign(cmd::assign::AssignArgs),
    /// Scenario files: check, run and compare projects and disruptions.
    Scenario(cmd::scenario::ScenarioArgs),
    /// Every link and facility place removed in turn (or its capacity cut): elements ranked by the loss.
    Criticality(cmd::criticality::CriticalityArgs),
    /// Trains through borders, gauge changes and Caspian ferries, replication after
    /// replication: transit-time distributions (p50, p95, on time) by corridor and pair.
    Simulate(cmd::simulate::SimulateArgs),
    /// Serve the API and the web map over HTTP (localhost by default; docs/http.md)
    #[cfg(feature = "serve")]
    Serve(cmd::serve::ServeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = std::io::stdout().lock();
    let result = match cli.command {
        Command::Route(args) => cmd::route::run(cli.data.as_deref(), &args, &mut stdout),
        Command::Corridors(args) => cmd::corridors::run(cli.data.as_deref(), &args, &mut stdout),
        Command::Reach(args) => cmd::reach::run(cli.data.as_deref(), &args, &mut stdout),
        Command::Table(args) => cmd::table::run(cli.data.as_deref(), &args, &mut stdout),
        Command::Places(args) => cmd::places::run(cli.data.as_deref(), &args, &mut stdout),
        Command::Network(args) => cmd::network::run(cli.data.as_deref(), &args, &mut stdout),
        Command::Validate(args) => cmd::validate::run(&args, &mut stdout),
        Command::Observed(args) => cmd::observed::run(cli.data.as_deref(), &args, &mut stdout),
        Command::Evaluate(args) => cmd::evaluate::run(cli.data.as_deref(), &args, &mut stdout),
        Command::Calibrate(args) => cmd::calibrate::run(cli.data.as_deref(), &args, &mut stdout),
        Command::Geo(args) => cmd::geo::run(&args, &mut stdout),
        #[cfg(feature = "osm")]
        Command::Import(args) => cmd::import::run(&args),
        Command::Assign(args) => cmd::assign::run(cli.data.as_deref(), &args, &mut stdout),
        Command::Scenario(args) => cmd::scenario::run_command(&args, &mut stdout),
        Command::Criticality(args) => {
            cmd::criticality::run(cli.data.as_deref(), &args, &mut stdout)
        }
        Command::Simulate(args) => cmd::simulate::run(cli.data.as_deref(), &args, &mut stdout),
        #[cfg(feature = "serve")]
        Command::Serve(args) => cmd::serve::run(cli.data.as_deref(), &args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // A closed pipe (`silkroute places | head`) is not an error worth reporting.
            let broken_pipe = error.chain().any(|cause| {
                let kind = cause
                    .downcast_ref::<std::io::Error>()
                    .map(std::io::Error::kind)
                    .or_else(|| {
                        cause
                            .downcast_ref::<serde_json::Error>()
                            .and_then(serde_json::Error::io_error_kind)
                    });
                kind == Some(std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
