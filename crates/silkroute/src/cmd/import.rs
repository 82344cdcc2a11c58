//! `silkroute import ...`: outside data turned into network folders. `import osm` reads the
//! railways of an OpenStreetMap PBF extract and writes a geographic network folder (nodes.csv,
//! edges.csv, ATTRIBUTION) that `silkroute geo route --network DIR` reads.

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use silkroute_core::geo::{
    OsmImportSummary, OsmPass, OsmProgress, OsmRailOptions, read_osm_rail, write_osm_rail_dir,
};
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `silkroute import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub command: ImportCommand,
}

/// Subcommands of `silkroute import`.
#[derive(Debug, clap::Subcommand)]
pub enum ImportCommand {
    /// Railways of an OpenStreetMap PBF extract (e.g. a country from Geofabrik) to a folder of
    /// nodes.csv, edges.csv and ATTRIBUTION for `geo route --network`.
    ///
    /// Keeps railway=rail, without sidings, yards, spurs, crossovers and industrial, military,
    /// test or tourist lines; splits ways where they end or meet; a summary goes to stderr.
    Osm(ImportOsmArgs),
}

/// Arguments of `silkroute import osm`.
#[derive(Debug, clap::Args)]
pub struct ImportOsmArgs {
    /// The extract (`.osm.pbf`).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Folder to write nodes.csv, edges.csv and ATTRIBUTION to; created if needed, files in it
    /// replaced.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Keep service=siding tracks.
    #[arg(long)]
    pub include_sidings: bool,
    /// Keep service=yard tracks.
    #[arg(long)]
    pub include_yards: bool,
    /// Keep railway=narrow_gauge lines as well.
    #[arg(long)]
    pub include_narrow_gauge: bool,
    /// Keep only ways of this gauge, mm (repeat, or separate with commas, for several). Ways
    /// without a numeric gauge tag are kept.
    #[arg(long = "gauge", value_name = "MM", value_delimiter = ',')]
    pub gauges: Vec<u32>,
}

/// Runs `silkroute import`.
pub fn run(args: &ImportArgs) -> Result<()> {
    match &args.command {
        ImportCommand::Osm(osm) => run_osm(osm),
    }
}

fn run_osm(args: &ImportOsmArgs) -> Result<()> {
    let options = OsmRailOptions {
        include_sidings: args.include_sidings,
        include_yards: args.include_yards,
        include_narrow_gauge: args.include_narrow_gauge,
        gauges_mm: args.gauges.clone(),
    };
    let started = Instant::now();
    // Hidden until the first report, so no empty bar flashes; indicatif draws nothing when
    // stderr is not a terminal, so scripts and tests see only the summary line.
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()).with_style(
        ProgressStyle::with_template(
            "{msg:<22} [{bar:30}] {bytes}/{total_bytes} {elapsed_precise} (eta {eta})",
        )
        .expect("the template is valid")
        .progress_chars("=> "),
    );
    let mut pass_shown = None;
    let mut progress = |report: OsmProgress| {
        if pass_shown != Some(report.pass) {
            bar.reset();
            bar.set_length(report.bytes_total);
            bar.set_message(match report.pass {
                OsmPass::Ways => "pass 1/2: railway ways",
                OsmPass::Nodes => "pass 2/2: their nodes",
            });
            if pass_shown.is_none() {
                bar.set_draw_target(ProgressDrawTarget::stderr());
            }
            pass_shown = Some(report.pass);
        }
        bar.set_position(report.bytes_done);
        std::ops::ControlFlow::Continue(())
    };
    let network = read_osm_rail(&args.file, &options, &mut progress);
    bar.finish_and_clear();
    let network = network.context("cannot import the OpenStreetMap extract")?;
    write_osm_rail_dir(&network, &args.out)
        .with_context(|| format!("cannot write the network to {}", args.out.display()))?;
    eprintln!(
        "{} seconds={:.1}",
        summary_line(&network.summary),
        started.elapsed().as_secs_f64()
    );
    if network.summary.edges == 0 {
        eprintln!(
            "warning: no railway edges kept from {}; {} holds an empty network",
            args.file.display(),
            args.out.display()
        );
    }
    Ok(())
}

fn summary_line(summary: &OsmImportSummary) -> String {
    format!(
        "ways={} rail={} kept={} nodes={} edges={} km={:.1} excluded_service={} \
         excluded_usage={} excluded_gauge={} clipped_ways={} missing_nodes={}",
        summary.ways,
        summary.rail_ways,
        summary.kept_ways,
        summary.nodes,
        summary.edges,
        summary.km,
        summary.excluded_service,
        summary.excluded_usage,
        summary.excluded_gauge,
        summary.clipped_ways,
        summary.missing_nodes,
    )
}
