//! `silkroute validate DIR`: every problem of a network folder (`silkroute_core::network::
//! validate_files`).

use anyhow::{Context, Result, bail};
use silkroute_core::network::{MAX_PROBLEMS, NetworkFiles, validate_files};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `silkroute validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// The network folder (dataset.toml, SOURCES.toml, nodes.csv, links.csv, handling.csv,
    /// emissions.csv).
    pub dir: PathBuf,
}

/// Runs `silkroute validate`: exit 0 when the network loads (warnings allowed); otherwise
/// every problem on stderr, one per line, and exit 2.
pub fn run(args: &ValidateArgs, out: &mut dyn Write) -> Result<()> {
    let invalid = || format!("{} is not a valid network", args.dir.display());
    let files = NetworkFiles::read_dir(&args.dir).with_context(invalid)?;
    let (network, warnings) = match validate_files(&files) {
        Ok(loaded) => loaded,
        Err(problems) => {
            if let [only] = problems.as_slice() {
                bail!("{}: {only}", invalid());
            }
            for problem in &problems {
                eprintln!("error: {problem}");
            }
            let more = if problems.len() >= MAX_PROBLEMS {
                format!(", stopped at {MAX_PROBLEMS}")
            } else {
                String::new()
            };
            bail!(
                "{}: {} problems{more} (listed above)",
                invalid(),
                problems.len()
            );
        }
    };
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
