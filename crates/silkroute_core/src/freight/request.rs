//! Freight assignment requests as front ends receive them: the year, what is closed, a
//! demand factor and scales by segment, the price levers and the cost model, checked and resolved against a network into
//! [`FreightOptions`]; and [`assign_freight`], which builds the problem, solves it and
//! reports it.

use super::{
    DemandScale, FreightError, FreightOptions, FreightReport, ScaleError, TonnageScale,
    build_problem,
};
use crate::assign::{AssignError, AssignOptions, CostModel, Observer};
use crate::io::clip;
use crate::network::Network;
use crate::route::{Avoid, AvoidError, year_out_of_range};

/// Default relative gap of the freight assignment. Its total cost counts tariffs and handling
/// charges (converted to hours by each class's value of time) besides time, about 90% of it
/// and independent of the flows, so the same gap leaves a flow pattern farther from
/// equilibrium than on a road network: on the default network the all-or-nothing load and one
/// Algorithm B pass already give 5.2e-5 (below 1e-4), with 2,100 TEU a year (0.4%) still to move
/// through the Dostyk gauge change and its delay 0.4 h short; at 1e-6 (two more passes, a few
/// milliseconds) facility flows are within 0.01% of those at 1e-10.
pub const FREIGHT_GAP: f64 = 1e-6;

/// A freight assignment request.
#[derive(Debug, Clone, PartialEq)]
pub struct FreightRequest {
    /// The network of this year (default: the dataset's reference year).
    pub year: Option<i32>,
    /// What is closed ([`Avoid::parse`]).
    pub avoid: Vec<String>,
    /// Every demand multiplied by this (growth scenarios).
    pub demand_factor: f64,
    /// Factors on segments of the demand, `ZONE[|ZONE...][/CLASS]=FACTOR` or
    /// `*/CLASS=FACTOR` ([`DemandScale::parse_spec`]): a row from or to one of the zones (of the
    /// class) is multiplied by the factor, by every one it is in.
    pub demand_scale: Vec<String>,
    /// Factors on the tonnage layer's flows, `COMMODITY=FACTOR` ([`TonnageScale::parse_spec`]).
    pub tonnage_scale: Vec<String>,
    /// Minimize total cost instead of the user equilibrium.
    pub system_optimum: bool,
    /// The sea-rate level relative to the tariff year (default: the network's for the year).
    pub sea_rate: Option<f64>,
    /// Risk premiums `CC=USD[:DAYS]` ([`crate::route::parse_risk`]).
    pub risk: Vec<String>,
    /// A carbon price, USD per tonne CO2e, charged on every arc's emissions
    /// ([`FreightOptions::carbon_usd_per_t`]; default 0, at most
    /// [`crate::route::MAX_CARBON_USD_PER_T`]).
    pub carbon_usd_per_t: f64,
    /// Capacities bind (excess queues or moves); `false`: the volume-delay functions only.
    pub binding: bool,
    /// The markets' rail-versus-sea choice sets the rail demand of their rows
    /// ([`FreightOptions::market_choice`]; default on).
    pub choice: bool,
    /// Simulated hours of handling rows and links (`route --reliability`'s table, read
    /// against the same network), used at their mean in place of the network's hours.
    pub reliability: Option<std::sync::Arc<crate::route::Reliability>>,
    /// USD per FEU per day of p95 − p50 of the elements a path uses, charged in its cost
    /// (0–100,000; needs `reliability`).
    pub value_of_reliability_usd_per_day: f64,
}

impl Default for FreightRequest {
    fn default() -> FreightRequest {
        FreightRequest {
            year: None,
            avoid: Vec::new(),
            demand_factor: 1.0,
            demand_scale: Vec::new(),
            tonnage_scale: Vec::new(),
            system_optimum: false,
            sea_rate: None,
            risk: Vec::new(),
            carbon_usd_per_t: 0.0,
            binding: true,
            choice: true,
            reliability: None,
            value_of_reliability_usd_per_day: 0.0,
        }
    }
}

/// Why a freight request cannot be answered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FreightRequestError {
    /// A number or year outside its range.
    #[error("{field} {value}: {expected}")]
    InvalidParameter {
        /// The request field (`year`, `demand_factor`, `sea_rate`, `carbon_usd_per_t`, `risk`).
        field: &'static str,
        /// The value given.
        value: String,
        /// What is expected.
        expected: String,
    },
    /// An item to close that is not valid.
    #[error(transparent)]
    Avoid(#[from] AvoidError),
    /// A demand or tonnage scale that does not resolve against the freight data.
    #[error("{field} {spec}: {fault}")]
    Scale {
        /// The request field (`demand_scale`, `tonnage_scale`).
        field: &'static str,
        /// The scale as given.
        spec: String,
        /// Why.
        fault: ScaleError,
    },
    /// The dataset has no freight demand.
    #[error("the network has no freight demand (zones.csv and demand.csv)")]
    NoDemand,
    /// The problem could not be built.
    #[error("cannot build the freight problem")]
    Build(#[source] FreightError),
    /// The assignment failed (or was stopped).
    #[error("the assignment failed")]
    Assign(#[source] AssignError),
}

impl FreightRequest {
    /// Checks the parameters that do not depend on a network.
    ///
    /// # Errors
    /// [`FreightRequestError::InvalidParameter`].
    pub fn validate(&self) -> Result<(), FreightRequestError> {
        if let Some(year) = self.year
            && let Some(expected) = year_out_of_range(year)
        {
            return Err(FreightRequestError::InvalidParameter {
                field: "year",
                value: year.to_string(),
                expected,
            });
        }
        if !(self.demand_factor.is_finite() && self.demand_factor >= 0.0) {
            return Err(FreightRequestError::InvalidParameter {
                field: "demand_factor",
                value: crate::io::number(self.demand_factor),
                expected: "expected a number ≥ 0".to_string(),
            });
        }
        if let Some(level) = self.sea_rate
            && let Some(expected) = crate::route::sea_rate_out_of_range(level)
        {
            return Err(FreightRequestError::InvalidParameter {
                field: "sea_rate",
                value: crate::io::number(level),
                expected,
            });
        }
        if let Some(expected) = crate::route::carbon_out_of_range(self.carbon_usd_per_t) {
            return Err(FreightRequestError::InvalidParameter {
                field: "carbon_usd_per_t",
                value: crate::io::number(self.carbon_usd_per_t),
                expected,
            });
        }
        let value = self.value_of_reliability_usd_per_day;
        if let Some(expected) = crate::route::value_of_reliability_out_of_range(value) {
            return Err(FreightRequestError::InvalidParameter {
                field: "value_of_reliability",
                value: crate::io::number(value),
                expected,
            });
        }
        Ok(())
    }

    /// The options of this request on `network`.
    ///
    /// # Errors
    /// [`FreightRequestError`]: a bad parameter, an item to close that is not valid, a network
    /// without freight demand.
    pub fn options(&self, network: &Network) -> Result<FreightOptions, FreightRequestError> {
        self.validate()?;
        if network.freight().is_empty() {
            return Err(FreightRequestError::NoDemand);
        }
        let mut options = FreightOptions::defaults(network);
        if let Some(year) = self.year {
            options.year = year;
        }
        options.avoid = Avoid::parse(network, &self.avoid)?;
        options.demand_factor = self.demand_factor;
        let scale_error = |field: &'static str, spec: &str| {
            let spec = clip(spec);
            move |fault| FreightRequestError::Scale { field, spec, fault }
        };
        let data = network.freight();
        options.demand_scale = self
            .demand_scale
            .iter()
            .map(|spec| {
                DemandScale::parse_spec(data, spec).map_err(scale_error("demand_scale", spec))
            })
            .collect::<Result<_, _>>()?;
        options.tonnage_scale = self
            .tonnage_scale
            .iter()
            .map(|spec| {
                TonnageScale::parse_spec(data, spec).map_err(scale_error("tonnage_scale", spec))
            })
            .collect::<Result<_, _>>()?;
        options.sea_rate = self.sea_rate;
        options.carbon_usd_per_t = self.carbon_usd_per_t;
        if !self.binding {
            options.binding_tolerance = None;
        }
        options.market_choice = self.choice;
        let value = self.value_of_reliability_usd_per_day;
        if value != 0.0 && self.reliability.is_none() {
            return Err(FreightRequestError::InvalidParameter {
                field: "value_of_reliability",
                value: crate::io::number(value),
                expected: "needs a reliability file (--reliability FILE)".to_string(),
            });
        }
        if let Some(table) = &self.reliability
            && !table.fits(network)
        {
            return Err(FreightRequestError::InvalidParameter {
                field: "reliability",
                value: crate::io::clip(table.file()),
                expected: "a reliability file read against this network".to_string(),
            });
        }
        options.reliability = self.reliability.clone();
        options.value_of_reliability_usd_per_day = self.value_of_reliability_usd_per_day;
        options.risk = self
            .risk
            .iter()
            .map(|text| crate::route::parse_risk(text))
            .collect::<Result<_, _>>()
            .map_err(|e| FreightRequestError::InvalidParameter {
                field: "risk",
                value: e.0,
                expected: e.1,
            })?;
        if self.system_optimum {
            options.model = CostModel::SystemOptimum;
        }
        Ok(options)
    }
}

/// Builds the freight problem of `options` on `network`, solves it with `solver` (the observer
/// sees every iteration and can stop the run) and reports it. `warnings` receives the
/// problem's warnings (a capacity that could not be modelled).
///
/// # Example
/// ```
/// use silkroute_core::assign::{AssignOptions, Method, keep_going};
/// use silkroute_core::freight::{FreightRequest, assign_freight};
/// use silkroute_core::network::load_default;
/// let (network, _) = load_default().unwrap();
/// let request = FreightRequest { year: Some(2027), ..FreightRequest::default() };
/// let options = request.options(&network).unwrap();
/// let solver = AssignOptions::new(Method::AllOrNothing);
/// let report = assign_freight(&network, &options, &solver, &mut Vec::new(), &mut keep_going)
///     .unwrap();
/// assert!(report.totals.assigned_teu_per_year > 1e6);
/// ```
///
/// # Errors
/// [`FreightRequestError::Build`] or [`FreightRequestError::Assign`].
pub fn assign_freight(
    network: &Network,
    options: &FreightOptions,
    solver: &AssignOptions,
    warnings: &mut Vec<super::FreightWarning>,
    observer: &mut Observer<'_>,
) -> Result<FreightReport, FreightRequestError> {
    let mut problem = build_problem(network, options).map_err(FreightRequestError::Build)?;
    warnings.extend(problem.warnings().iter().cloned());
    let (result, binding) = problem
        .solve(solver, observer)
        .map_err(FreightRequestError::Assign)?;
    if let Some(binding) = binding
        && !binding.converged
    {
        let tolerance = options.binding_tolerance.unwrap_or(f64::INFINITY);
        let unsettled = binding.choice_gap.filter(|&g| g > super::CHOICE_TOLERANCE);
        if let Some(gap) = unsettled {
            warnings.push(super::FreightWarning::ChoiceNotSettled {
                gap_per_mille: (gap * 1000.0).ceil().clamp(0.0, 1e6) as u32,
                rounds: binding.rounds,
            });
        }
        if unsettled.is_none() || binding.max_excess > tolerance {
            warnings.push(super::FreightWarning::CapacityExceeded {
                max_excess_percent: (binding.max_excess * 100.0).ceil().clamp(0.0, 1e6) as u32,
                rounds: binding.rounds,
            });
        }
    }
    let mut report = problem.report(&result);
    // The tonnage layer: routed on its own, by the cheapest route of the year's network.
    if !network.freight().tonnage.is_empty() {
        let mut route = crate::route::RouteOptions::defaults(network);
        route.year = options.year;
        route.avoid = options.avoid.clone();
        route.sea_rate = options.sea_rate;
        route.risk = options.risk.clone();
        route.carbon_usd_per_t = options.carbon_usd_per_t;
        match super::route_tonnage(network, &route, &options.tonnage_scale) {
            Ok(layer) => {
                report.tonnage = layer.records();
                report.tonnage_places = layer.crossing_records(network, options.year);
            }
            Err(reason) if reason.contains("starts in") => {}
            Err(reason) => report.warnings.push(reason),
        }
    }
    Ok(report)
}
