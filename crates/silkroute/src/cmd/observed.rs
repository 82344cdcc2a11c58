//! `silkroute observed DIR`: the published outcomes of an observation folder
//! (`silkroute_core::observe`), checked against the network and summarized.

use super::{Format, load_network};
use crate::table::new_table;
use anyhow::{Context, Result, bail};
use silkroute_core::observe::read_observations;
use silkroute_core::report::ObservedReport;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `silkroute observed`.
#[derive(Debug, clap::Args)]
pub struct ObservedArgs {
    /// The observation folder (observations.csv, SOURCES.toml).
    #[arg(default_value = "data/observed")]
    pub dir: PathBuf,
    /// Output format: a summary table, every row as JSON or CSV.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Runs `silkroute observed`.
pub fn run(data: Option<&Path>, args: &ObservedArgs, out: &mut dyn Write) -> Result<()> {
    let network = load_network(data)?;
    let observed = read_observations(&args.dir, &network)
        .with_context(|| format!("{} is not a valid observation folder", args.dir.display()))?;
    let report = ObservedReport::new(&observed, &network);
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        Format::Csv => report.write_csv(out)?,
        Format::Geojson => {
            bail!("--format geojson: observations have no geometry; use json or csv")
        }
        Format::Table => {
            writeln!(
                out,
                "{}: {} observations from {} sources",
                args.dir.display(),
                report.rows,
                report.sources
            )?;
            let mut table = new_table(&["kind", "rows", "years", "by corridor"], &[1]);
            for kind in &report.kinds {
                let corridors: Vec<String> = kind
                    .by_corridor
                    .iter()
                    .map(|(corridor, rows)| format!("{corridor} {rows}"))
                    .collect();
                table.add_row(vec![
                    kind.kind.to_string(),
                    kind.rows.to_string(),
                    format!("{}–{}", kind.years.0, kind.years.1),
                    corridors.join(", "),
                ]);
            }
            writeln!(out, "{table}")?;
        }
    }
    Ok(())
}
