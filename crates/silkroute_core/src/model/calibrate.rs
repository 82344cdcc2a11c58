//! Calibration: the network's factors ([`crate::network::Calibration`]) fitted to the
//! observed transit times by robust least squares with priors, and their out-of-fold
//! validation.
//!
//! Each parameter is the logarithm of one factor of a class of values (an administration's
//! speeds, a service class's speeds or dwell, a kind of handling, the Caspian waits of a
//! period, the sea speed), never of a route or an observation. The objective is
//!
//! ```text
//! J(x) = Σᵢ ρ_c(eᵢ(x) / σ)  +  ½ Σⱼ ((xⱼ − ln priorⱼ) / sdⱼ)²,   eᵢ = (mᵢ(x) − oᵢ) / oᵢ
//! ```
//!
//! with `ρ_c` Huber's loss (c = 1.345, 95% efficiency under normal errors; quadratic within c,
//! linear beyond, so a congestion episode or a garbled report cannot drag the fit) on the
//! relative error standardized by the noise of published transit times σ, and Gaussian
//! priors pulling each factor toward 1, the sourced values (Huber 1964; the M-estimation
//! with priors of a penalized least-squares calibration). It is minimized by iteratively reweighted
//! Gauss–Newton with Levenberg–Marquardt damping on a forward-difference Jacobian (routes
//! change discretely with the factors, so the step is a finite 2%). Everything is
//! deterministic: observations in file order, folds by a hash of the observation id.

use super::{YearFlows, judge, predict_in};
use crate::network::{Calibration, Factor, FactorKey, HandlingKind, Mode, Network, SourceId};
use crate::observe::{ObsKind, Observation, Observations, Region};
use crate::report::{CalibrationReport, FactorRecord, FitRecord, FitSummary};
use rayon::prelude::*;
use std::ops::ControlFlow;

/// One factor to fit.
#[derive(Debug, Clone, PartialEq)]
pub struct FitParameter {
    /// What it multiplies.
    pub key: FactorKey,
    /// First year it holds.
    pub first_year: Option<i32>,
    /// Last year it holds.
    pub last_year: Option<i32>,
    /// Standard deviation of its prior (log scale) around 1.
    pub prior_sd: f64,
}

/// Relative noise of a published transit time: sources on one route in one year disagree by
/// 10–20% (the second reading of data/observed: 13 vs 15 days Xi'an–Hamburg 2016, 9 vs 12
/// days China–Baku 2024).
pub const NOISE: f64 = 0.15;

/// Prior standard deviation (log scale) of a speed factor: sourced commercial speeds are
/// trusted to about ±20%.
pub const SPEED_PRIOR_SD: f64 = 0.2;
/// Of the sea speed: liner speeds are known to about ±10%.
pub const SEA_PRIOR_SD: f64 = 0.1;
/// Of a dwell factor: dwell is poorly published (±50%).
pub const DWELL_PRIOR_SD: f64 = 0.5;
/// Of the Caspian wait factor of a period: the least known value of the network.
pub const WAIT_PRIOR_SD: f64 = 0.7;

/// Periods of the Caspian regime: before the Alat port and the Kuryk ferry complex, until
/// the 2022 shift of cargo to the Middle Corridor, since.
pub const CASPIAN_PERIODS: [(Option<i32>, Option<i32>); 3] = [
    (None, Some(2017)),
    (Some(2018), Some(2021)),
    (Some(2022), None),
];

/// The factors fitted by default on a network: the speed of every administration with rail
/// links run at a speed, the speed and dwell of every non-default service class, the sea
/// speed, the dwell of borders, gauge changes and ports, and the Caspian wait per period.
pub fn default_parameters(network: &Network) -> Vec<FitParameter> {
    let always = |key: FactorKey, prior_sd: f64| FitParameter {
        key,
        first_year: None,
        last_year: None,
        prior_sd,
    };
    let mut countries: Vec<_> = network
        .links()
        .iter()
        .filter(|l| {
            l.mode == Mode::Rail && matches!(l.running, crate::network::Running::SpeedKmh(_))
        })
        .map(|l| network.node(l.from).country)
        .collect();
    countries.sort();
    countries.dedup();
    let mut parameters: Vec<FitParameter> = countries
        .into_iter()
        .map(|c| always(FactorKey::AdministrationSpeed(c), SPEED_PRIOR_SD))
        .collect();
    let services = network.services();
    for (index, class) in services.classes.iter().enumerate() {
        if services.default.is_some_and(|d| d.index() == index) {
            continue;
        }
        parameters.push(always(
            FactorKey::ClassSpeed(class.key.clone()),
            SPEED_PRIOR_SD,
        ));
        parameters.push(always(
            FactorKey::ClassDwell(class.key.clone()),
            DWELL_PRIOR_SD,
        ));
    }
    parameters.push(always(FactorKey::SeaSpeed, SEA_PRIOR_SD));
    for kind in [
        HandlingKind::Border,
        HandlingKind::GaugeChange,
        HandlingKind::Port,
    ] {
        parameters.push(always(FactorKey::Dwell(kind), DWELL_PRIOR_SD));
    }
    for (first_year, last_year) in CASPIAN_PERIODS {
        parameters.push(FitParameter {
            key: FactorKey::CaspianWait,
            first_year,
            last_year,
            prior_sd: WAIT_PRIOR_SD,
        });
    }
    parameters
}

/// How to calibrate.
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrateRequest {
    /// Source id (in the network's SOURCES.toml) the fitted factors cite.
    pub fit_source: String,
    /// Folds of the cross-validation (0: none; else at least 2).
    pub folds: usize,
    /// Noise of a published transit time, relative (σ: errors are divided by it).
    pub noise: f64,
    /// Huber's tuning constant on the standardized error.
    pub huber_c: f64,
    /// Most Gauss–Newton iterations per fit.
    pub max_iterations: usize,
    /// The factors to fit (`None`: [`default_parameters`]).
    pub parameters: Option<Vec<FitParameter>>,
}

impl Default for CalibrateRequest {
    fn default() -> CalibrateRequest {
        CalibrateRequest {
            fit_source: "FIT_TRANSIT".to_string(),
            folds: 5,
            noise: NOISE,
            huber_c: 1.345,
            max_iterations: 25,
            parameters: None,
        }
    }
}

/// Why a calibration did not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalibrateError {
    /// The fit source is not a source of the network.
    #[error("fit source `{0}` is not in the network's SOURCES.toml")]
    UnknownSource(String),
    /// Not enough observations to fit.
    #[error("{0} usable transit-time observations: at least 10 are needed")]
    TooFewObservations(usize),
    /// A number of folds that is not 0 or between 2 and the number of observations.
    #[error("folds {given}: expected 0 or 2–{max}")]
    BadFolds {
        /// The folds asked for.
        given: usize,
        /// The most allowed.
        max: usize,
    },
    /// A Huber δ or iteration count out of range.
    #[error("{0}")]
    BadSetting(String),
    /// Stopped by the progress observer.
    #[error("calibration cancelled")]
    Cancelled,
}

/// What a long calibration reports as it goes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibrateProgress {
    /// The fit: 0 the fit on every observation, then the folds 1..=k.
    pub fit: usize,
    /// Fits in all.
    pub fits: usize,
    /// Gauss–Newton iterations done in this fit.
    pub iteration: usize,
    /// Objective after them.
    pub objective: f64,
}

/// A fitted set of factors.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The parameters, in order, and their fitted factors.
    pub factors: Vec<(FitParameter, f64)>,
    /// The objective at the fit.
    pub objective: f64,
    /// At the prior (all factors 1).
    pub objective_at_prior: f64,
    /// Iterations run.
    pub iterations: usize,
    /// Observations fitted (indices into the observations' rows).
    pub used: Vec<usize>,
}

impl Fit {
    /// The factors as the network's calibration, citing `source`.
    pub fn calibration(&self, source: SourceId, note: &str) -> Calibration {
        Calibration {
            factors: self
                .factors
                .iter()
                .map(|(p, value)| Factor {
                    key: p.key.clone(),
                    first_year: p.first_year,
                    last_year: p.last_year,
                    value: round4(*value),
                    prior: 1.0,
                    prior_sd: p.prior_sd,
                    sources: vec![source],
                    note: note.to_string(),
                })
                .collect(),
        }
    }
}

fn round4(value: f64) -> f64 {
    (value * 10_000.0).round() / 10_000.0
}

/// The observations a calibration fits: modelled transit times that are not record runs or
/// incidents (with the congestion of their year in `flows`).
pub fn usable(
    network: &Network,
    observations: &Observations,
    regions: &[Region],
    flows: &YearFlows,
) -> Vec<usize> {
    observations
        .rows
        .iter()
        .enumerate()
        .filter(|(_, o)| {
            o.kind == ObsKind::TransitTime
                && !matches!(o.nature.as_str(), "record" | "incident")
                && o.value > 0.0
        })
        .filter(|(_, o)| {
            predict_in(network, &Calibration::default(), regions, flows, o)
                .modelled
                .is_ok()
        })
        .map(|(i, _)| i)
        .collect()
}

/// The fold (0..k) of an observation: FNV-1a of its id, so folds do not follow file order.
pub fn fold_of(id: &str, folds: usize) -> usize {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (hash % folds as u64) as usize
}

/// The calibration of the factors `x` (log scale).
fn calibration_of(parameters: &[FitParameter], x: &[f64]) -> Calibration {
    Calibration {
        factors: parameters
            .iter()
            .zip(x)
            .map(|(p, &x)| Factor {
                key: p.key.clone(),
                first_year: p.first_year,
                last_year: p.last_year,
                value: x.exp(),
                prior: 1.0,
                prior_sd: p.prior_sd,
                sources: Vec::new(),
                note: String::new(),
            })
            .collect(),
    }
}

/// The relative errors of the observations `used` under factors `x`.
fn residuals(
    network: &Network,
    regions: &[Region],
    flows: &YearFlows,
    rows: &[&Observation],
    parameters: &[FitParameter],
    x: &[f64],
) -> Vec<f64> {
    let calibration = calibration_of(parameters, x);
    rows.par_iter()
        .map(
            |o| match predict_in(network, &calibration, regions, flows, o).modelled {
                Ok(m) => (m - o.value) / o.value,
                // A route that disappears under extreme factors counts as far off.
                Err(_) => 1.0,
            },
        )
        .collect()
}

fn huber(e: f64, delta: f64) -> f64 {
    if e.abs() <= delta {
        0.5 * e * e
    } else {
        delta * (e.abs() - 0.5 * delta)
    }
}

fn objective(e: &[f64], x: &[f64], parameters: &[FitParameter], delta: f64) -> f64 {
    let data: f64 = e.iter().map(|&e| huber(e, delta)).sum();
    let prior: f64 = x
        .iter()
        .zip(parameters)
        .map(|(x, p)| 0.5 * (x / p.prior_sd).powi(2))
        .sum();
    data + prior
}

/// Solves `a · d = b` for a symmetric positive definite `a` (Cholesky); `None` when it is not.
// Index loops are the textbook form of the factorization and its two substitutions.
#[allow(clippy::needless_range_loop)]
fn solve(a: &[Vec<f64>], b: &[f64]) -> Option<Vec<f64>> {
    let n = b.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let mut sum = a[i][j];
            for k in 0..j {
                sum -= l[i][k] * l[j][k];
            }
            if i == j {
                if sum <= 0.0 {
                    return None;
                }
                l[i][i] = sum.sqrt();
            } else {
                l[i][j] = sum / l[j][j];
            }
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        let mut sum = b[i];
        for k in 0..i {
            sum -= l[i][k] * y[k];
        }
        y[i] = sum / l[i][i];
    }
    let mut d = vec![0.0; n];
    for i in (0..n).rev() {
        let mut sum = y[i];
        for k in i + 1..n {
            sum -= l[k][i] * d[k];
        }
        d[i] = sum / l[i][i];
    }
    Some(d)
}

/// Step of the forward differences, on the log scale (2%).
const STEP: f64 = 0.02;

/// Fits the factors to the observations `used`.
///
/// # Errors
/// [`CalibrateError::Cancelled`] when `progress` breaks.
#[allow(clippy::too_many_arguments)]
pub fn fit(
    network: &Network,
    observations: &Observations,
    regions: &[Region],
    flows: &YearFlows,
    used: &[usize],
    parameters: &[FitParameter],
    request: &CalibrateRequest,
    fit_index: usize,
    fits: usize,
    progress: &mut dyn FnMut(CalibrateProgress) -> ControlFlow<()>,
) -> Result<Fit, CalibrateError> {
    let rows: Vec<&Observation> = used.iter().map(|&i| &observations.rows[i]).collect();
    let n = parameters.len();
    let delta = request.huber_c;
    let noise = request.noise;
    let mut x = vec![0.0; n];
    let standardized = |e: Vec<f64>| -> Vec<f64> { e.into_iter().map(|e| e / noise).collect() };
    let mut e = standardized(residuals(network, regions, flows, &rows, parameters, &x));
    let mut value = objective(&e, &x, parameters, delta);
    let at_prior = value;
    let mut lambda = 1e-2;
    let mut iterations = 0;
    while iterations < request.max_iterations {
        iterations += 1;
        // Jacobian by forward differences, one parameter per column.
        let columns: Vec<Vec<f64>> = (0..n)
            .map(|j| {
                let mut moved = x.clone();
                moved[j] += STEP;
                let shifted = standardized(residuals(
                    network, regions, flows, &rows, parameters, &moved,
                ));
                shifted
                    .iter()
                    .zip(&e)
                    .map(|(s, e)| (s - e) / STEP)
                    .collect()
            })
            .collect();
        // Huber weights (IRLS).
        let w: Vec<f64> = e
            .iter()
            .map(|e| {
                if e.abs() <= delta {
                    1.0
                } else {
                    delta / e.abs()
                }
            })
            .collect();
        let mut a = vec![vec![0.0; n]; n];
        let mut g = vec![0.0; n];
        for j in 0..n {
            for k in 0..=j {
                let sum: f64 = (0..rows.len())
                    .map(|i| w[i] * columns[j][i] * columns[k][i])
                    .sum();
                a[j][k] = sum;
                a[k][j] = sum;
            }
            g[j] = (0..rows.len())
                .map(|i| w[i] * columns[j][i] * e[i])
                .sum::<f64>()
                + x[j] / parameters[j].prior_sd.powi(2);
            a[j][j] += 1.0 / parameters[j].prior_sd.powi(2);
        }
        let mut improved = false;
        for _ in 0..8 {
            let mut damped = a.clone();
            for (j, row) in damped.iter_mut().enumerate() {
                row[j] += lambda * (a[j][j] + 1e-9);
            }
            let minus_g: Vec<f64> = g.iter().map(|g| -g).collect();
            let Some(d) = solve(&damped, &minus_g) else {
                lambda *= 10.0;
                continue;
            };
            let candidate: Vec<f64> = x
                .iter()
                .zip(&d)
                .map(|(x, d)| (x + d.clamp(-0.5, 0.5)).clamp(-3.0, 3.0))
                .collect();
            let candidate_e = standardized(residuals(
                network, regions, flows, &rows, parameters, &candidate,
            ));
            let candidate_value = objective(&candidate_e, &candidate, parameters, delta);
            if candidate_value < value {
                let gain = (value - candidate_value) / value.max(1e-12);
                x = candidate;
                e = candidate_e;
                value = candidate_value;
                lambda = (lambda / 3.0).max(1e-6);
                improved = gain > 1e-6;
                break;
            }
            lambda *= 10.0;
        }
        if progress(CalibrateProgress {
            fit: fit_index,
            fits,
            iteration: iterations,
            objective: value,
        })
        .is_break()
        {
            return Err(CalibrateError::Cancelled);
        }
        if !improved {
            break;
        }
    }
    Ok(Fit {
        factors: parameters
            .iter()
            .cloned()
            .zip(x.iter().map(|x| x.exp()))
            .collect(),
        objective: value,
        objective_at_prior: at_prior,
        iterations,
        used: used.to_vec(),
    })
}

/// A calibration and its validation.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibrated {
    /// The fit on every usable observation.
    pub fit: Fit,
    /// The fitted factors as the network's calibration.
    pub calibration: Calibration,
    /// Out-of-fold records: each usable observation predicted by the fit of the other folds
    /// (empty without folds).
    pub out_of_fold: Vec<FitRecord>,
    /// Their figures.
    pub out_of_fold_summary: Vec<FitSummary>,
    /// In-sample records with the fitted factors.
    pub in_sample: Vec<FitRecord>,
    /// Their figures.
    pub in_sample_summary: Vec<FitSummary>,
}

fn record(
    network: &Network,
    observation: &Observation,
    modelled: Option<f64>,
    reason: Option<String>,
) -> FitRecord {
    let (within, days) = match modelled {
        Some(m) => {
            let (within, days) = judge(observation, m);
            (Some(within), days)
        }
        None => (None, None),
    };
    FitRecord::new(
        network,
        observation,
        modelled,
        reason,
        within,
        days,
        Vec::new(),
    )
}

/// Fits the factors on every usable observation and, with folds, validates them out of fold.
///
/// # Errors
/// [`CalibrateError`]: an unknown fit source, too few observations, bad settings, cancelled.
pub fn calibrate(
    network: &Network,
    observations: &Observations,
    regions: &[Region],
    request: &CalibrateRequest,
    progress: &mut dyn FnMut(CalibrateProgress) -> ControlFlow<()>,
) -> Result<Calibrated, CalibrateError> {
    let source = network
        .sources()
        .iter()
        .position(|s| s.key == request.fit_source)
        .map(SourceId::from_index)
        .ok_or_else(|| CalibrateError::UnknownSource(request.fit_source.clone()))?;
    for (name, value) in [("noise", request.noise), ("huber_c", request.huber_c)] {
        if !(value.is_finite() && value > 0.0) {
            return Err(CalibrateError::BadSetting(format!(
                "{name} {value}: expected a number > 0"
            )));
        }
    }
    if !(1..=1000).contains(&request.max_iterations) {
        return Err(CalibrateError::BadSetting(format!(
            "max_iterations {}: expected 1–1000",
            request.max_iterations
        )));
    }
    // The congestion of each year, fixed during the fit: that of the network at its sourced
    // values (no calibrated factors), so the fit does not depend on an earlier fit's queues.
    let flows = YearFlows::for_observations(
        &network.with_calibration(Calibration::default()),
        &observations.rows,
    );
    let used = usable(network, observations, regions, &flows);
    if used.len() < 10 {
        return Err(CalibrateError::TooFewObservations(used.len()));
    }
    if request.folds == 1 || request.folds > used.len() {
        return Err(CalibrateError::BadFolds {
            given: request.folds,
            max: used.len(),
        });
    }
    let parameters = request
        .parameters
        .clone()
        .unwrap_or_else(|| default_parameters(network));
    let fits = 1 + request.folds;
    let full = fit(
        network,
        observations,
        regions,
        &flows,
        &used,
        &parameters,
        request,
        0,
        fits,
        progress,
    )?;
    let calibration = full.calibration(
        source,
        &format!(
            "fitted on {} transit times (silkroute calibrate)",
            full.used.len()
        ),
    );
    let mut out_of_fold = Vec::new();
    for fold in 0..request.folds {
        let (held, kept): (Vec<usize>, Vec<usize>) = used
            .iter()
            .partition(|&&i| fold_of(&observations.rows[i].id, request.folds) == fold);
        let fold_fit = fit(
            network,
            observations,
            regions,
            &flows,
            &kept,
            &parameters,
            request,
            fold + 1,
            fits,
            progress,
        )?;
        let fold_calibration = fold_fit.calibration(source, "");
        for &i in &held {
            let o = &observations.rows[i];
            let prediction = predict_in(network, &fold_calibration, regions, &flows, o);
            let (modelled, reason) = match prediction.modelled {
                Ok(m) => (Some(m), None),
                Err(r) => (None, Some(r)),
            };
            out_of_fold.push((i, record(network, o, modelled, reason)));
        }
    }
    out_of_fold.sort_by_key(|(i, _)| *i);
    let out_of_fold: Vec<FitRecord> = out_of_fold.into_iter().map(|(_, r)| r).collect();
    let in_sample: Vec<FitRecord> = used
        .iter()
        .map(|&i| {
            let o = &observations.rows[i];
            let modelled = predict_in(network, &calibration, regions, &flows, o)
                .modelled
                .ok();
            record(network, o, modelled, None)
        })
        .collect();
    Ok(Calibrated {
        out_of_fold_summary: FitSummary::of(&out_of_fold),
        out_of_fold,
        in_sample_summary: FitSummary::of(&in_sample),
        in_sample,
        fit: full,
        calibration,
    })
}

/// The objective and its minimization, in words (reports and the calibration file).
pub fn method(request: &CalibrateRequest) -> String {
    format!(
        "robust least squares: Huber loss (c {}) on the relative error / {} of each usable transit time (modelled, not a record run) + Gaussian priors on the log factors around 1 (the sourced values); iteratively reweighted Gauss-Newton with Levenberg-Marquardt damping, forward differences of 2%, at most {} iterations; folds by FNV-1a of the observation id",
        request.huber_c, request.noise, request.max_iterations
    )
}

impl Calibrated {
    /// The report of this calibration.
    pub fn report(&self, network: &Network, request: &CalibrateRequest) -> CalibrationReport {
        let network = network.with_calibration(self.calibration.clone());
        CalibrationReport {
            version: crate::report::FIT_REPORT_VERSION,
            method: method(request),
            observations: self.fit.used.len(),
            folds: request.folds,
            objective_at_prior: round4(self.fit.objective_at_prior),
            objective: round4(self.fit.objective),
            iterations: self.fit.iterations,
            factors: FactorRecord::of(&network, &self.calibration),
            in_sample: self.in_sample_summary.clone(),
            out_of_fold: self.out_of_fold_summary.clone(),
            out_of_fold_records: self.out_of_fold.clone(),
            markets: Vec::new(),
            market_years: Vec::new(),
        }
    }
}
