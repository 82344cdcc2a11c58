//! `silkroute validate DIR`.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `silkroute validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// The network folder (dataset.toml, SOURCES.toml, nodes.csv, links.csv, handling.csv,
    /// emissions.csv).
    pub dir: PathBuf,
}

/// Runs `silkroute validate`: exit 0 when the network loads (warnings allowed), 2 otherwise.
pub fn run(args: &ValidateArgs, out: &mut dyn Write) -> Result<()> {
    let (network, warnings) = silkroute_core::network::load_dir(&args.dir)
        .with_context(|| format!("{} is not a valid network", args.dir.display()))?;
    for warning in &warnings {
        writeln!(out, "warning: {warning}")?;
    }
    writeln!(
        out,
        "ok: {} — {} places, {} links, {} handling rows, {} sources, {} warning(s)",
        args.dir.display(),
        network.node_count(),
        network.link_count(),
        network.handlings().len(),
        network.sources().len(),
        warnings.len()
    )?;
    Ok(())
}
