//! Fitting the rail-versus-sea choice of each market ([`crate::network::Market`]) to the base
//! year: the scale from the market's elasticity, the constant from its rail volume.

use crate::assign::{AssignOptions, Method, keep_going};
use crate::freight::{FREIGHT_GAP, FreightOptions, MarketRow, build_problem};
use crate::network::{FreightData, Network};
use crate::report::MarketFitRecord;

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
