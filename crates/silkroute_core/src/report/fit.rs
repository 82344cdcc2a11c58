//! The model against the observations (`silkroute evaluate`): each observation with its
//! modelled value, error and whether it is within tolerance, and a summary by kind.

use super::observed::record;
use crate::Network;
use crate::observe::Observation;
use serde::Serialize;
use std::io::Write;

/// Layout version of [`FitReport`].
pub const FIT_REPORT_VERSION: u32 = 1;

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// One observation, modelled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitRecord {
    /// Observation id.
    pub obs_id: String,
    /// Kind.
    pub kind: &'static str,
    /// Year.
    pub year: i32,
    /// Period, or empty.
    pub period: String,
    /// Origin node id, `?Name`, or empty.
    pub origin: String,
    /// Destination node id, `?Name`, or empty.
    pub destination: String,
    /// Facility, or empty.
    pub facility: String,
    /// Corridor or aggregate, or empty.
    pub corridor: String,
    /// Service.
    pub service: String,
    /// Scope.
    pub scope: String,
    /// `typical`, `actual`, `planned`, `record`, `congestion`, or empty.
    pub nature: String,
    /// Unit of the observed and modelled values.
    pub unit: &'static str,
    /// As published.
    pub observed: f64,
    /// The model's value (`null`: not modelled).
    pub modelled: Option<f64>,
    /// Modelled − observed.
    pub error: Option<f64>,
    /// The error in days, for times.
    pub error_days: Option<f64>,
    /// Whether within tolerance (`null`: not modelled).
    pub within: Option<bool>,
    /// Why it is not modelled.
    pub not_modelled: Option<String>,
    /// Sources of the network behind the modelled value that are also a source of the
    /// observation (the same page): such an observation does not test the model
    /// independently.
    pub shared_sources: Vec<String>,
}

impl FitRecord {
    /// The record of an observation and its modelled value.
    pub fn new(
        network: &Network,
        observation: &Observation,
        modelled: Option<f64>,
        not_modelled: Option<String>,
        within: Option<bool>,
        error_days: Option<f64>,
        shared_sources: Vec<String>,
    ) -> FitRecord {
        let row = record(network, observation);
        FitRecord {
            obs_id: row.obs_id,
            kind: row.kind,
            year: row.year,
            period: row.period,
            origin: row.origin,
            destination: row.destination,
            facility: row.facility,
            corridor: row.corridor,
            service: row.service,
            scope: row.scope,
            nature: row.nature,
            unit: row.unit,
            observed: observation.value,
            modelled: modelled.map(round2),
            error: modelled.map(|m| round2(m - observation.value)),
            error_days: error_days.map(round2),
            within,
            not_modelled,
            shared_sources,
        }
    }
}

/// The figures of one kind of observation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitSummary {
    /// Kind.
    pub kind: &'static str,
    /// Observations of the kind.
    pub observations: usize,
    /// Of them, record or first runs and incidents (outages): reported, but not counted in
    /// the figures below (a record is not what a typical train achieves; the model has no
    /// outages).
    pub records: usize,
    /// Of the others, modelled.
    pub modelled: usize,
    /// Of them, within tolerance.
    pub within: usize,
    /// `within / modelled`.
    pub share_within: Option<f64>,
    /// Mean absolute error in days (times).
    pub mean_abs_error_days: Option<f64>,
    /// Median absolute error in days (times).
    pub median_abs_error_days: Option<f64>,
    /// Mean absolute percentage error.
    pub mean_abs_pct_error: Option<f64>,
    /// Modelled observations that share no source with the model's inputs.
    pub independent: usize,
    /// Of them, within tolerance.
    pub independent_within: usize,
}

impl FitSummary {
    /// One summary per kind present, in the order of first appearance.
    pub fn of(records: &[FitRecord]) -> Vec<FitSummary> {
        let mut kinds: Vec<&'static str> = Vec::new();
        for record in records {
            if !kinds.contains(&record.kind) {
                kinds.push(record.kind);
            }
        }
        kinds
            .into_iter()
            .map(|kind| {
                let of_kind: Vec<&FitRecord> = records.iter().filter(|r| r.kind == kind).collect();
                let is_record =
                    |r: &&&FitRecord| matches!(r.nature.as_str(), "record" | "incident");
                let modelled: Vec<&&FitRecord> = of_kind
                    .iter()
                    .filter(|r| r.modelled.is_some() && !is_record(r))
                    .collect();
                let within = modelled.iter().filter(|r| r.within == Some(true)).count();
                let mut days: Vec<f64> = modelled
                    .iter()
                    .filter_map(|r| r.error_days.map(f64::abs))
                    .collect();
                days.sort_by(f64::total_cmp);
                let pct: Vec<f64> = modelled
                    .iter()
                    .filter(|r| r.observed != 0.0 && r.unit != "percent")
                    .filter_map(|r| r.error.map(|e| (e / r.observed).abs() * 100.0))
                    .collect();
                let independent: Vec<&&&FitRecord> = modelled
                    .iter()
                    .filter(|r| r.shared_sources.is_empty())
                    .collect();
                let mean = |values: &[f64]| {
                    (!values.is_empty())
                        .then(|| round2(values.iter().sum::<f64>() / values.len() as f64))
                };
                FitSummary {
                    kind,
                    observations: of_kind.len(),
                    records: of_kind.iter().filter(is_record).count(),
                    modelled: modelled.len(),
                    within,
                    share_within: (!modelled.is_empty())
                        .then(|| round2(within as f64 / modelled.len() as f64)),
                    mean_abs_error_days: mean(&days),
                    median_abs_error_days: (!days.is_empty()).then(|| round2(days[days.len() / 2])),
                    mean_abs_pct_error: mean(&pct),
                    independent: independent.len(),
                    independent_within: independent
                        .iter()
                        .filter(|r| r.within == Some(true))
                        .count(),
                }
            })
            .collect()
    }
}

/// `silkroute evaluate`: the model against the observations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitReport {
    /// Layout version.
    pub version: u32,
    /// The tolerances, in words.
    pub tolerance: String,
    /// By kind.
    pub summary: Vec<FitSummary>,
    /// Every observation.
    pub observations: Vec<FitRecord>,
}

impl FitReport {
    /// Every observation as CSV.
    ///
    /// # Errors
    /// When `out` fails.
    pub fn write_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        let io = |error: csv::Error| std::io::Error::other(error.to_string());
        writer
            .write_record([
                "obs_id",
                "kind",
                "year",
                "period",
                "origin",
                "destination",
                "facility",
                "corridor",
                "service",
                "scope",
                "nature",
                "unit",
                "observed",
                "modelled",
                "error",
                "error_days",
                "within",
                "not_modelled",
                "shared_sources",
            ])
            .map_err(io)?;
        let number = |value: Option<f64>| value.map_or(String::new(), |v| v.to_string());
        for r in &self.observations {
            writer
                .write_record([
                    r.obs_id.as_str(),
                    r.kind,
                    &r.year.to_string(),
                    &r.period,
                    &r.origin,
                    &r.destination,
                    &r.facility,
                    &r.corridor,
                    &r.service,
                    &r.scope,
                    &r.nature,
                    r.unit,
                    &r.observed.to_string(),
                    &number(r.modelled),
                    &number(r.error),
                    &number(r.error_days),
                    r.within.map_or("", |w| if w { "yes" } else { "no" }),
                    r.not_modelled.as_deref().unwrap_or(""),
                    &r.shared_sources.join("|"),
                ])
                .map_err(io)?;
        }
        writer.flush()
    }
}

/// One calibrated factor as reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactorRecord {
    /// `speed.KZ`, `dwell.border`, `wait.caspian`, ...
    pub factor: String,
    /// First year it holds.
    pub first_year: Option<i32>,
    /// Last year it holds.
    pub last_year: Option<i32>,
    /// The fitted multiplier.
    pub value: f64,
    /// The prior (1: the sourced values).
    pub prior: f64,
    /// The prior's standard deviation (log scale).
    pub prior_sd: f64,
    /// Source ids of the fit.
    pub sources: Vec<String>,
}

impl FactorRecord {
    /// The records of a network's calibration.
    pub fn of(network: &Network, calibration: &crate::network::Calibration) -> Vec<FactorRecord> {
        calibration
            .factors
            .iter()
            .map(|f| FactorRecord {
                factor: f.key.to_string(),
                first_year: f.first_year,
                last_year: f.last_year,
                value: f.value,
                prior: f.prior,
                prior_sd: f.prior_sd,
                sources: f
                    .sources
                    .iter()
                    .map(|&id| network.source(id).key.clone())
                    .collect(),
            })
            .collect()
    }
}

/// `silkroute calibrate`: the fitted factors, the fit, and its in-sample and out-of-fold
/// figures with every out-of-fold prediction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationReport {
    /// Layout version.
    pub version: u32,
    /// The objective and how it was minimized, in words.
    pub method: String,
    /// Observations fitted.
    pub observations: usize,
    /// Folds of the cross-validation (0: none).
    pub folds: usize,
    /// Objective at the priors (every factor 1).
    pub objective_at_prior: f64,
    /// Objective at the fit.
    pub objective: f64,
    /// Iterations of the fit on every observation.
    pub iterations: usize,
    /// The fitted factors.
    pub factors: Vec<FactorRecord>,
    /// Figures with the fitted factors, on the fitted observations.
    pub in_sample: Vec<FitSummary>,
    /// Figures of each observation predicted by the fit of the other folds.
    pub out_of_fold: Vec<FitSummary>,
    /// The out-of-fold predictions.
    pub out_of_fold_records: Vec<FitRecord>,
    /// The markets' rail-versus-sea choice fitted at the fitted factors (empty when not asked
    /// or the network has no market).
    pub markets: Vec<MarketFitRecord>,
    /// The markets' rail premiums by year fitted on the observed rail volumes.
    pub market_years: Vec<MarketYearFitRecord>,
}

/// Writes `comments` as `# ` lines, then `header` and `rows` as CSV.
fn write_commented_csv(
    comments: &[String],
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for line in comments {
        writeln!(out, "# {line}")?;
    }
    let mut writer = csv::Writer::from_writer(out);
    let io = |error: csv::Error| std::io::Error::other(error.to_string());
    writer.write_record(header).map_err(io)?;
    for row in rows {
        writer.write_record(&row).map_err(io)?;
    }
    writer.flush()
}

/// Writes a calibration as `calibration.csv` (docs/formats.md), `comments` first as `#` lines.
///
/// # Errors
/// When `out` fails.
pub fn write_calibration_csv(
    network: &Network,
    calibration: &crate::network::Calibration,
    comments: &[String],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let year = |y: Option<i32>| y.map_or(String::new(), |y| y.to_string());
    let rows = FactorRecord::of(network, calibration)
        .into_iter()
        .map(|record| {
            let note = calibration
                .factors
                .iter()
                .find(|f| f.key.to_string() == record.factor && f.first_year == record.first_year)
                .map_or(String::new(), |f| f.note.clone());
            vec![
                record.factor.clone(),
                year(record.first_year),
                year(record.last_year),
                record.value.to_string(),
                record.prior.to_string(),
                record.prior_sd.to_string(),
                record.sources.join("|"),
                note,
            ]
        });
    write_commented_csv(
        comments,
        &[
            "factor",
            "first_year",
            "last_year",
            "value",
            "prior",
            "prior_sd",
            "fit_source",
            "note",
        ],
        rows,
        out,
    )
}

/// The fit of a market's rail-versus-sea choice (`silkroute calibrate`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarketFitRecord {
    /// The market id.
    pub market: String,
    /// The year the demand rows describe.
    pub base_year: i32,
    /// Demand rows (origin–destination and class) with an alternative.
    pub rows: usize,
    /// Rail's volume in the base year, TEU per year.
    pub rail_teu_per_year: f64,
    /// The whole market, TEU per year.
    pub market_teu_per_year: f64,
    /// Volume-weighted mean generalized cost of rail at the base year's equilibrium, USD/TEU.
    pub mean_rail_usd_per_teu: f64,
    /// Volume-weighted mean generalized cost of the alternative, USD per TEU.
    pub mean_alternative_usd_per_teu: f64,
    /// The fitted logit scale, per USD per TEU.
    pub scale_per_usd: f64,
    /// The fitted rail constant, USD per TEU.
    pub rail_constant_usd_per_teu: f64,
}

/// The fit of a market's rail premium in one year (`silkroute calibrate`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarketYearFitRecord {
    /// The market id.
    pub market: String,
    /// The year.
    pub year: i32,
    /// The observations it was fitted on.
    pub observations: Vec<String>,
    /// Their median value, as published.
    pub observed: f64,
    /// The fitted premium, USD per TEU added to the rail constant.
    pub premium_usd_per_teu: f64,
    /// Median modelled / observed at the fitted premium.
    pub in_sample_ratio: f64,
    /// The premium interpolated from the other years (leave-one-year-out).
    pub held_out_premium_usd_per_teu: f64,
    /// Median modelled / observed at the held-out premium.
    pub out_of_fold_ratio: f64,
}

/// Writes the markets' premiums by year of `data` as a `market_years.csv` (docs/formats.md)
/// after `comments`.
///
/// # Errors
/// What writing to `out` returns.
pub fn write_market_years_csv(
    network: &Network,
    data: &crate::network::FreightData,
    comments: &[String],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let rows = data.market_years.iter().map(|m| {
        vec![
            data.markets[m.market].key.clone(),
            m.year.to_string(),
            m.premium_usd_per_teu.to_string(),
            m.sources
                .iter()
                .map(|s| network.source(*s).key.as_str())
                .collect::<Vec<_>>()
                .join("|"),
            m.fitted_on.join("|"),
            String::new(),
        ]
    });
    write_commented_csv(
        comments,
        &[
            "market_id",
            "year",
            "rail_premium_usd_per_teu",
            "premium_source",
            "fitted_on",
            "note",
        ],
        rows,
        out,
    )
}

/// Writes the markets of `data` as a `markets.csv` (docs/formats.md) after `comments` (each a
/// `# ` line); numbers as Rust prints them, so reading the file back gives the same values.
///
/// # Errors
/// What writing to `out` returns.
pub fn write_markets_csv(
    network: &Network,
    data: &crate::network::FreightData,
    comments: &[String],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let zones = |ids: &[crate::network::ZoneId]| {
        ids.iter()
            .map(|z| data.zone(*z).key.as_str())
            .collect::<Vec<_>>()
            .join("|")
    };
    let sources = |ids: &[crate::network::SourceId]| {
        ids.iter()
            .map(|s| network.source(*s).key.as_str())
            .collect::<Vec<_>>()
            .join("|")
    };
    let rows = data.markets.iter().map(|m| {
        vec![
            m.key.clone(),
            zones(&m.origins),
            zones(&m.destinations),
            m.alternative.join("|"),
            m.rail_share.to_string(),
            sources(&m.rail_share_sources),
            m.elasticity.to_string(),
            sources(&m.elasticity_sources),
            m.base_year.to_string(),
            m.scale_per_usd.to_string(),
            m.rail_constant_usd_per_teu.to_string(),
            sources(&m.fit_sources),
            m.note.clone(),
        ]
    });
    write_commented_csv(
        comments,
        &[
            "market_id",
            "origins",
            "destinations",
            "alternative",
            "rail_share",
            "share_source",
            "elasticity",
            "elasticity_source",
            "base_year",
            "scale_per_usd",
            "rail_constant_usd_per_teu",
            "fit_source",
            "note",
        ],
        rows,
        out,
    )
}
