//! Fitting the rail-versus-sea choice of each market ([`crate::network::Market`]) to the base
//! year: the scale from the market's elasticity, the constant from its rail volume.

use super::volumes::{market_targets, modelled_volume};
use crate::assign::{AssignOptions, Method, keep_going};
use crate::freight::{
    FREIGHT_GAP, FreightOptions, FreightReport, FreightRequest, MarketRow, build_problem,
    build_problem_with,
};
use crate::network::{FreightData, MarketYear, Network, interpolate_by_year};
use crate::observe::Observation;
use crate::report::{MarketFitRecord, MarketYearFitRecord};

/// Why the markets cannot be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MarketFitError {
    /// The base year's assignment failed.
    #[error("the equilibrium of {year}: {reason}")]
    Assignment {
        /// The base year.
        year: i32,
        /// What failed.
        reason: String,
    },
    /// A source id the fit cites is not in the network's SOURCES.toml.
    #[error("source `{0}` is not in the network's SOURCES.toml")]
    UnknownSource(String),
    /// A market has no row with both a rail route and an alternative.
    #[error(
        "market `{0}`: no demand row has both a rail route and an alternative in its base year"
    )]
    NoRows(String),
}

/// Fits every market of the network's freight data; returns the fits and the data with the
/// fitted scales and constants.
///
/// For each market, at the base year's equilibrium of the rail demand as given (the network
/// as calibrated, capacities binding), with `c` the volume-weighted mean rail cost and `P`
/// the rail share: the scale is `−elasticity / (c · (1 − P))` (the logit's elasticity of rail
/// volume to rail cost, `−scale · c · (1 − P)`, equals the market's), and the constant is the
/// one value for which the market's rail volume at those costs is the base year's (bisection;
/// the volume grows with the constant).
///
/// # Errors
/// [`MarketFitError`].
pub fn fit_markets(
    network: &Network,
) -> Result<(Vec<MarketFitRecord>, FreightData), MarketFitError> {
    let mut data = network.freight().clone();
    let mut years: Vec<i32> = data.markets.iter().map(|m| m.base_year).collect();
    years.sort_unstable();
    years.dedup();
    let mut rows: Vec<MarketRow> = Vec::new();
    for year in years {
        let mut options = FreightOptions::defaults(network);
        options.year = year;
        options.market_choice = true;
        let failed = |reason: String| MarketFitError::Assignment { year, reason };
        let mut problem = build_problem(network, &options).map_err(|e| failed(e.to_string()))?;
        let mut solver = AssignOptions::new(Method::AlgorithmB);
        solver.target_gap = FREIGHT_GAP;
        let found = problem
            .fixed_market_costs(&solver, &mut keep_going)
            .map_err(|e| failed(e.to_string()))?;
        rows.extend(
            found
                .into_iter()
                .filter(|r| data.markets[r.market].base_year == year && r.rail_usd.is_finite()),
        );
    }
    let mut fits = Vec::new();
    for (index, market) in data.markets.iter_mut().enumerate() {
        let own: Vec<&MarketRow> = rows
            .iter()
            .filter(|r| r.market == index && r.rail_teu > 0.0)
            .collect();
        let rail_teu: f64 = own.iter().map(|r| r.rail_teu).sum();
        if own.is_empty() || rail_teu <= 0.0 {
            return Err(MarketFitError::NoRows(market.key.clone()));
        }
        let mean = |f: &dyn Fn(&MarketRow) -> f64| {
            own.iter().map(|r| r.rail_teu * f(r)).sum::<f64>() / rail_teu
        };
        let mean_rail_usd = mean(&|r| r.rail_usd);
        let mean_alternative_usd = mean(&|r| r.alternative_usd);
        let share = market.rail_share;
        market.scale_per_usd = -market.elasticity / (mean_rail_usd * (1.0 - share)).max(1e-9);
        // The market's rail volume at a constant.
        let volume = |constant: f64, market: &crate::network::Market| {
            let mut m = market.clone();
            m.rail_constant_usd_per_teu = constant;
            own.iter()
                .map(|r| r.rail_teu / share * m.rail_probability(r.rail_usd, r.alternative_usd))
                .sum::<f64>()
        };
        let (mut low, mut high) = (-1e6, 1e6);
        for _ in 0..200 {
            let mid = 0.5 * (low + high);
            if volume(mid, market) < rail_teu {
                low = mid;
            } else {
                high = mid;
            }
        }
        market.rail_constant_usd_per_teu = 0.5 * (low + high);
        fits.push(MarketFitRecord {
            market: market.key.clone(),
            base_year: market.base_year,
            rows: own.len(),
            rail_teu_per_year: rail_teu,
            market_teu_per_year: rail_teu / share,
            mean_rail_usd_per_teu: mean_rail_usd,
            mean_alternative_usd_per_teu: mean_alternative_usd,
            scale_per_usd: market.scale_per_usd,
            rail_constant_usd_per_teu: market.rail_constant_usd_per_teu,
        });
    }
    Ok((fits, data))
}

/// Widest rail premium the fit looks at, USD per TEU.
const MAX_PREMIUM_USD: f64 = 50_000.0;

/// Fits each market's rail premium by year (`market_years.csv`) on the rail volumes observed
/// in years other than its base year; returns one record per fitted year and the data with
/// the premiums (a 0 row at each market's base year, where its constant was fitted).
///
/// A year's premium is the USD per TEU added to the rail constant for which the year's
/// assignment (demand of the year, the markets' choice, binding capacities) models the
/// observed volume: the median ratio of modelled to observed over the year's rows is 1
/// (secant steps on its logarithm, from 0). Leave-one-year-out: each year is also predicted
/// with the premium interpolated from the other years (and the base year's 0), the
/// out-of-fold figure of the fit. The network should carry the fitted factors and markets;
/// its own premiums are ignored.
///
/// # Errors
/// [`MarketFitError`]: an assignment fails; `source` is not a source of the network.
pub fn fit_market_years(
    network: &Network,
    observations: &[Observation],
    source: &str,
) -> Result<(Vec<MarketYearFitRecord>, FreightData), MarketFitError> {
    let source_id = network
        .source_by_key(source)
        .ok_or_else(|| MarketFitError::UnknownSource(source.to_string()))?;
    let mut base = network.freight().clone();
    base.market_years.clear();
    let mut records = Vec::new();
    let mut years_out: Vec<MarketYear> = Vec::new();
    for (index, market) in base.markets.iter().enumerate() {
        let targets = market_targets(network, observations, market);
        let mut fitted: Vec<(i32, f64)> = vec![(market.base_year, 0.0)];
        let mut found = Vec::new();
        for target in &targets {
            let ratio = |premium: f64| -> Result<f64, MarketFitError> {
                let report = assign_with_premium(network, &base, index, target.year, premium)?;
                Ok(median_ratio(network, &target.rows, &report))
            };
            // Secant on ln(modelled / observed); the logit makes it close to linear in the
            // premium, with slope about the scale.
            let (mut p0, mut g0) = (0.0, ratio(0.0)?.ln());
            let mut p1 =
                (-g0 / market.scale_per_usd.max(1e-9)).clamp(-MAX_PREMIUM_USD, MAX_PREMIUM_USD);
            let mut g1 = ratio(p1)?.ln();
            for _ in 0..12 {
                if !g1.is_finite() || g1.abs() < 1e-3 || (g1 - g0).abs() < 1e-12 {
                    break;
                }
                let next =
                    (p1 - g1 * (p1 - p0) / (g1 - g0)).clamp(-MAX_PREMIUM_USD, MAX_PREMIUM_USD);
                (p0, g0) = (p1, g1);
                p1 = next;
                g1 = ratio(p1)?.ln();
            }
            let premium = if g1.is_finite() { p1 } else { 0.0 };
            fitted.push((target.year, premium));
            found.push((target, premium, g1.exp()));
        }
        for (target, premium, in_sample_ratio) in found {
            // The premium without this year: interpolated from the others.
            let others: Vec<(i32, f64)> = fitted
                .iter()
                .copied()
                .filter(|f| f.0 != target.year)
                .collect();
            let held_out = interpolate_by_year(others, target.year).unwrap_or(0.0);
            let report = assign_with_premium(network, &base, index, target.year, held_out)?;
            let observed: Vec<f64> = target.rows.iter().map(|o| o.value).collect();
            records.push(MarketYearFitRecord {
                market: market.key.clone(),
                year: target.year,
                observations: target.rows.iter().map(|o| o.id.clone()).collect(),
                observed: median(&observed),
                premium_usd_per_teu: premium,
                in_sample_ratio,
                held_out_premium_usd_per_teu: held_out,
                out_of_fold_ratio: median_ratio(network, &target.rows, &report),
            });
            years_out.push(MarketYear {
                market: index,
                year: target.year,
                premium_usd_per_teu: premium,
                sources: vec![source_id],
                fitted_on: target.rows.iter().map(|o| o.id.clone()).collect(),
            });
        }
        if !targets.is_empty() {
            years_out.push(MarketYear {
                market: index,
                year: market.base_year,
                premium_usd_per_teu: 0.0,
                sources: vec![source_id],
                fitted_on: Vec::new(),
            });
        }
    }
    years_out.sort_by_key(|m| (m.market, m.year));
    base.market_years = years_out;
    Ok((records, base))
}

/// The assignment of `year` with market `market`'s premium set to `premium` (no other).
fn assign_with_premium(
    network: &Network,
    base: &FreightData,
    market: usize,
    year: i32,
    premium: f64,
) -> Result<FreightReport, MarketFitError> {
    let failed = |reason: String| MarketFitError::Assignment { year, reason };
    let mut data = base.clone();
    data.market_years = vec![MarketYear {
        market,
        year,
        premium_usd_per_teu: premium,
        sources: Vec::new(),
        fitted_on: Vec::new(),
    }];
    let options = FreightRequest {
        year: Some(year),
        ..FreightRequest::default()
    }
    .options(network)
    .map_err(|e| failed(e.to_string()))?;
    let mut problem =
        build_problem_with(network, &data, &options).map_err(|e| failed(e.to_string()))?;
    let mut solver = AssignOptions::new(Method::AlgorithmB);
    solver.target_gap = FREIGHT_GAP;
    let (result, _) = problem
        .solve(&solver, &mut keep_going)
        .map_err(|e| failed(e.to_string()))?;
    Ok(problem.report(&result))
}

/// Median over `rows` of modelled / observed in `report` (NaN when none is modelled).
fn median_ratio(network: &Network, rows: &[Observation], report: &FreightReport) -> f64 {
    let ratios: Vec<f64> = rows
        .iter()
        .filter_map(|o| {
            modelled_volume(network, o, report)
                .ok()
                .map(|m| m / o.value)
        })
        .collect();
    if ratios.is_empty() {
        return f64::NAN;
    }
    median(&ratios)
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}
