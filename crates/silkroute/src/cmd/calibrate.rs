//! `silkroute calibrate [DIR]`: fits the network's calibrated factors to the observed transit
//! times (`silkroute_core::model::calibrate`), validates them by k-fold cross-validation, and
//! with `--write FILE` writes them as a `calibration.csv` the network folder loads; then fits
//! the markets' choice at the base year (`--write-markets`) and their rail premiums by year on
//! the observed rail volumes (`--write-market-years`).

use super::{Format, load_network};
use crate::progress::Steps;
use crate::table::new_table;
use anyhow::{Context, Result, bail};
use silkroute_core::io::write_atomic;
use silkroute_core::model::{CalibrateRequest, calibrate, fit_market_years, fit_markets, method};
use silkroute_core::observe::{read_observations, read_regions};
use silkroute_core::report::{
    FitSummary, write_calibration_csv, write_market_years_csv, write_markets_csv,
};
use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// Arguments of `silkroute calibrate`.
#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// The observation folder (observations.csv, SOURCES.toml, regions.csv).
    #[arg(default_value = "data/observed")]
    pub dir: PathBuf,
    /// Folds of the cross-validation (0: fit only).
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Source id of the network's SOURCES.toml the fitted factors cite.
    #[arg(long, default_value = "FIT_TRANSIT")]
    pub source: String,
    /// Writes the fitted factors as a calibration.csv to this file.
    #[arg(long, value_name = "FILE")]
    pub write: Option<PathBuf>,
    /// Fits the markets' rail-versus-sea choice (markets.csv) at the fitted factors and writes
    /// the network's markets.csv with the fitted scales and constants to this file.
    #[arg(long, value_name = "FILE")]
    pub write_markets: Option<PathBuf>,
    /// Fits each market's rail premium by year on the rail volumes observed in other years
    /// than its base year (at the fitted factors and markets) and writes them as a
    /// market_years.csv to this file.
    #[arg(long, value_name = "FILE")]
    pub write_market_years: Option<PathBuf>,
    /// Source id of the network's SOURCES.toml the fitted premiums cite.
    #[arg(long, default_value = "FIT_MARKET_YEARS")]
    pub market_years_source: String,
    /// Output format: the factors and figures as a table, or everything as JSON.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// The figures of a summary as a row: observations, within, share, MAE.
fn figures(summary: &[FitSummary]) -> Vec<String> {
    summary.first().map_or_else(
        || vec!["–".to_string(); 4],
        |s| {
            vec![
                s.modelled.to_string(),
                s.within.to_string(),
                s.share_within
                    .map_or("–".to_string(), |v| format!("{:.0}%", v * 100.0)),
                s.mean_abs_error_days
                    .map_or("–".to_string(), |v| format!("{v:.2}")),
            ]
        },
    )
}

/// Runs `silkroute calibrate`.
pub fn run(data: Option<&Path>, args: &CalibrateArgs, out: &mut dyn Write) -> Result<()> {
    if matches!(args.format, Format::Csv | Format::Geojson) {
        bail!("--format: a calibration prints as a table or JSON; --write writes the CSV");
    }
    let network = load_network(data)?;
    let context = || format!("{} is not a valid observation folder", args.dir.display());
    let observed = read_observations(&args.dir, &network).with_context(context)?;
    let regions = read_regions(&args.dir, &network).with_context(context)?;
    let request = CalibrateRequest {
        fit_source: args.source.clone(),
        folds: args.folds,
        ..CalibrateRequest::default()
    };
    let steps = Steps::new("calibrating".to_string());
    let mut progress = |p: silkroute_core::model::CalibrateProgress| {
        let step = if p.fit == 0 {
            format!("fit on every observation, iteration {}", p.iteration)
        } else {
            format!(
                "fold {} of {}, iteration {}",
                p.fit,
                p.fits - 1,
                p.iteration
            )
        };
        steps.fraction(&step, p.fit, p.fits);
        ControlFlow::Continue(())
    };
    let calibrated = calibrate(&network, &observed, &regions, &request, &mut progress)
        .map_err(|e| anyhow::anyhow!("calibrate: {e}"))?;
    let mut report = calibrated.report(&network, &request);
    let fitted = network.with_calibration(calibrated.calibration.clone());
    if !fitted.freight().markets.is_empty() {
        steps.fraction("the markets' choice at the base year's equilibrium", 1, 1);
        let (fits, data) = fit_markets(&fitted).map_err(|e| anyhow::anyhow!("calibrate: {e}"))?;
        report.markets = fits;
        if let Some(path) = &args.write_markets {
            let comments = [
                "Markets where rail competes with the sea (docs/formats.md, \"markets.csv\"); scale_per_usd".to_string(),
                "and rail_constant_usd_per_teu written by `silkroute calibrate --write-markets` at the".to_string(),
                "calibrated factors: the scale gives the elasticity at the base year's mean rail cost, the".to_string(),
                "constant reproduces the base year's rail volume (demand.csv) of the market.".to_string(),
            ];
            let mut bytes = Vec::new();
            write_markets_csv(&fitted, &data, &comments, &mut bytes)?;
            write_atomic(path, &bytes)?;
        }
        steps.fraction("the markets' rail premiums by year", 1, 1);
        let with_markets = fitted.with_freight(data);
        let (years, data) =
            fit_market_years(&with_markets, &observed.rows, &args.market_years_source)
                .map_err(|e| anyhow::anyhow!("calibrate: {e}"))?;
        report.market_years = years;
        if let Some(path) = &args.write_market_years {
            let comments = [
                "A market's rail premium by year, USD per TEU, added to its rail constant (markets.csv):".to_string(),
                "written by `silkroute calibrate --write-market-years`: in each year with observed rail".to_string(),
                "volumes of the market (fitted_on), the premium for which that year's assignment models".to_string(),
                "them; 0 at the base year. Between two years interpolated; outside them the nearest year's.".to_string(),
            ];
            let mut bytes = Vec::new();
            write_market_years_csv(&with_markets, &data, &comments, &mut bytes)?;
            write_atomic(path, &bytes)?;
        }
    } else if args.write_markets.is_some() || args.write_market_years.is_some() {
        bail!("--write-markets, --write-market-years: the network has no markets.csv");
    }
    steps.finish();
    if let Some(path) = &args.write {
        let mut bytes = Vec::new();
        let comments = [
            "Calibrated factors (docs/formats.md, \"Calibration\"), written by".to_string(),
            format!(
                "`silkroute calibrate {} --folds {} --source {}`:",
                args.dir.display(),
                args.folds,
                args.source
            ),
            method(&request),
            format!(
                "Fitted on {} transit times; objective {} at the priors, {} at the fit.",
                report.observations, report.objective_at_prior, report.objective
            ),
        ];
        write_calibration_csv(&fitted, &calibrated.calibration, &comments, &mut bytes)?;
        write_atomic(path, &bytes)?;
    }
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        _ => {
            writeln!(
                out,
                "Calibration on {} transit times of {} · objective {:.3} at the priors → {:.3} ({} iterations)",
                report.observations,
                args.dir.display(),
                report.objective_at_prior,
                report.objective,
                report.iterations
            )?;
            let mut factors = new_table(&["factor", "years", "prior sd", "fitted"], &[2, 3]);
            for f in &report.factors {
                let years = match (f.first_year, f.last_year) {
                    (None, None) => "all".to_string(),
                    (first, last) => format!(
                        "{}–{}",
                        first.map_or(String::new(), |y| y.to_string()),
                        last.map_or(String::new(), |y| y.to_string())
                    ),
                };
                factors.add_row(vec![
                    f.factor.clone(),
                    years,
                    format!("{}", f.prior_sd),
                    format!("{:.3}", f.value),
                ]);
            }
            writeln!(out, "{factors}")?;
            let mut summary = new_table(
                &["transit times", "modelled", "within", "share", "MAE days"],
                &[1, 2, 3, 4],
            );
            let mut row = vec!["in sample".to_string()];
            row.extend(figures(&report.in_sample));
            summary.add_row(row);
            if report.folds > 0 {
                let mut row = vec![format!("out of fold ({} folds)", report.folds)];
                row.extend(figures(&report.out_of_fold));
                summary.add_row(row);
            }
            writeln!(out, "{summary}")?;
            if !report.markets.is_empty() {
                let mut markets = new_table(
                    &[
                        "market",
                        "base year",
                        "rail TEU",
                        "market TEU",
                        "rail USD/TEU",
                        "sea USD/TEU",
                        "scale per USD",
                        "rail constant USD",
                    ],
                    &[1, 2, 3, 4, 5, 6, 7],
                );
                for m in &report.markets {
                    markets.add_row(vec![
                        m.market.clone(),
                        m.base_year.to_string(),
                        format!("{:.0}", m.rail_teu_per_year),
                        format!("{:.0}", m.market_teu_per_year),
                        format!("{:.0}", m.mean_rail_usd_per_teu),
                        format!("{:.0}", m.mean_alternative_usd_per_teu),
                        format!("{:.3e}", m.scale_per_usd),
                        format!("{:.0}", m.rail_constant_usd_per_teu),
                    ]);
                }
                writeln!(out, "{markets}")?;
            }
            if !report.market_years.is_empty() {
                let mut years = new_table(
                    &[
                        "market",
                        "year",
                        "observed TEU",
                        "premium USD/TEU",
                        "modelled / observed",
                        "premium, year left out",
                        "ratio, year left out",
                    ],
                    &[1, 2, 3, 4, 5, 6],
                );
                for m in &report.market_years {
                    years.add_row(vec![
                        m.market.clone(),
                        m.year.to_string(),
                        format!("{:.0}", m.observed),
                        format!("{:.0}", m.premium_usd_per_teu),
                        format!("{:.2}", m.in_sample_ratio),
                        format!("{:.0}", m.held_out_premium_usd_per_teu),
                        format!("{:.2}", m.out_of_fold_ratio),
                    ]);
                }
                writeln!(out, "{years}")?;
            }
            for path in [&args.write, &args.write_markets, &args.write_market_years]
                .into_iter()
                .flatten()
            {
                writeln!(out, "wrote {}", path.display())?;
            }
        }
    }
    Ok(())
}
