//! `silkroute evaluate [DIR]`: the model against the published outcomes of an observation
//! folder (`silkroute_core::model::evaluate`): each observation modelled, its error and
//! whether it is within tolerance, and the figures by kind.

use super::{Format, load_network};
use crate::table::new_table;
use anyhow::{Context, Result, bail};
use silkroute_core::model::evaluate;
use silkroute_core::observe::{read_observations, read_regions};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `silkroute evaluate`.
#[derive(Debug, clap::Args)]
pub struct EvaluateArgs {
    /// The observation folder (observations.csv, SOURCES.toml, regions.csv).
    #[arg(default_value = "data/observed")]
    pub dir: PathBuf,
    /// Only observations of this kind (`transit_time`, `volume`, ...).
    #[arg(long)]
    pub kind: Option<String>,
    /// Output format: the figures and the modelled rows as a table, every row as JSON or CSV.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// Runs `silkroute evaluate`.
pub fn run(data: Option<&Path>, args: &EvaluateArgs, out: &mut dyn Write) -> Result<()> {
    let network = load_network(data)?;
    let context = || format!("{} is not a valid observation folder", args.dir.display());
    let mut observed = read_observations(&args.dir, &network).with_context(context)?;
    let regions = read_regions(&args.dir, &network).with_context(context)?;
    if let Some(kind) = &args.kind {
        observed.rows.retain(|o| o.kind.as_str() == kind);
        if observed.rows.is_empty() {
            bail!(
                "--kind {kind}: no observation of this kind in {}",
                args.dir.display()
            );
        }
    }
    let report = evaluate(&network, &observed, &regions);
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        Format::Csv => report.write_csv(out)?,
        Format::Geojson => {
            bail!("--format geojson: an evaluation has no geometry; use json or csv")
        }
        Format::Table => {
            writeln!(
                out,
                "The model against {} ({})",
                args.dir.display(),
                report.tolerance
            )?;
            let mut summary = new_table(
                &[
                    "kind",
                    "observations",
                    "records",
                    "modelled",
                    "within",
                    "share",
                    "MAE days",
                    "median AE days",
                    "MAPE %",
                    "independent within",
                ],
                &[1, 2, 3, 4, 5, 6, 7, 8],
            );
            let optional = |v: Option<f64>, digits: usize| {
                v.map_or("–".to_string(), |v| format!("{v:.digits$}"))
            };
            for row in &report.summary {
                summary.add_row(vec![
                    row.kind.to_string(),
                    row.observations.to_string(),
                    row.records.to_string(),
                    row.modelled.to_string(),
                    row.within.to_string(),
                    optional(row.share_within.map(|s| s * 100.0), 0) + "%",
                    optional(row.mean_abs_error_days, 1),
                    optional(row.median_abs_error_days, 1),
                    optional(row.mean_abs_pct_error, 0),
                    format!("{} of {}", row.independent_within, row.independent),
                ]);
            }
            writeln!(out, "{summary}")?;
            let mut rows = new_table(
                &[
                    "obs",
                    "year",
                    "from → to / at",
                    "service",
                    "observed",
                    "modelled",
                    "error",
                    "",
                ],
                &[1, 4, 5, 6],
            );
            for r in report.observations.iter().filter(|r| r.modelled.is_some()) {
                let place = if !r.facility.is_empty() {
                    r.facility.clone()
                } else if r.origin.is_empty() && r.destination.is_empty() {
                    // A corridor's or network's total.
                    format!("({})", r.corridor)
                } else {
                    format!("{} → {}", r.origin, r.destination)
                };
                let mark = match (r.nature.as_str(), r.within) {
                    ("record", _) => "record run, not counted",
                    ("incident", _) => "incident, not counted",
                    (_, Some(true)) => "ok",
                    _ => "off",
                };
                let shared = if r.shared_sources.is_empty() {
                    ""
                } else {
                    " (shares a source)"
                };
                rows.add_row(vec![
                    r.obs_id.clone(),
                    r.year.to_string(),
                    place,
                    r.service.clone(),
                    format!("{} {}", r.observed, r.unit),
                    optional(r.modelled, 1),
                    optional(r.error, 1),
                    format!("{mark}{shared}"),
                ]);
            }
            writeln!(out, "{rows}")?;
            let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
            for r in &report.observations {
                if let Some(reason) = &r.not_modelled {
                    *reasons.entry(reason.as_str()).or_insert(0) += 1;
                }
            }
            if !reasons.is_empty() {
                writeln!(out, "Not modelled:")?;
                for (reason, count) in reasons {
                    writeln!(out, "  {count:>4}  {reason}")?;
                }
            }
        }
    }
    Ok(())
}
