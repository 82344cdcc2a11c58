//! Route requests as front ends receive them (places as text, things to avoid as words,
//! optional overrides of the dataset's defaults), checked and resolved against a network
//! into a [`Query`], then answered by [`plan`]: alternatives or the exact Pareto set.
//!
//! Every rule a request must satisfy lives here, so the command line, the HTTP server and the
//! Python bindings reject the same requests with the same typed errors
//! ([`RequestError`]), each naming the request field at fault.

use super::{
    Avoid, Itinerary, Objective, ParetoError, Reliability, RouteError, RouteOptions, Scope,
    Statistic, alternatives, pareto_set,
};
use crate::io::clip;
use crate::network::{Country, Mode, Network, PlaceError, PlaceMatch};
use std::sync::Arc;

/// Largest number of alternatives a request may ask for.
pub const MAX_ALTERNATIVES: usize = 20;
/// Largest number of labels the Pareto search may create before it gives up.
pub const MAX_PARETO_LABELS: usize = 2_000_000;
/// Years a request may ask for.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;
/// What a request's year must be, when `year` is not in [`YEARS`].
pub fn year_out_of_range(year: i32) -> Option<String> {
    (!YEARS.contains(&year)).then(|| {
        format!(
            "expected a year between {} and {}",
            YEARS.start(),
            YEARS.end()
        )
    })
}

/// Default largest distance, km, at which `lat,lon` snaps to a place.
pub const DEFAULT_MAX_SNAP_KM: f64 = 300.0;

/// A route request: what a user asks, before it is checked against a network.
///
/// # Example
/// ```
/// use silkroute_core::network::load_default;
/// use silkroute_core::report::RouteReport;
/// use silkroute_core::route::{Objective, Plan, RouteRequest, plan};
/// let (network, _) = load_default().unwrap();
/// let request = RouteRequest {
///     from: Some("Xi'an".into()),
///     to: Some("Duisburg".into()),
///     objective: Objective::Time,
///     avoid: vec!["RU".into()],
///     ..RouteRequest::default()
/// };
/// let query = request.resolve(&network).unwrap();
/// let routes = plan(&network, &query, Plan::Alternatives(3)).unwrap();
/// let report = RouteReport::new(&network, &query, &routes, false);
/// assert!(report.routes.iter().all(|r| r.corridor != "northern"));
/// // A bad value names its field.
/// let bad = RouteRequest { year: Some(1066), ..request };
/// assert_eq!(bad.resolve(&network).unwrap_err().field(), "year");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RouteRequest {
    /// Origin: a place name, alias or id, or `lat,lon`; the dataset's default origin when
    /// `None`.
    pub from: Option<String>,
    /// Destination, as the origin; the dataset's default destination when `None`.
    pub to: Option<String>,
    /// What "best" means.
    pub objective: Objective,
    /// The network as of this year (default: the dataset's reference year).
    pub year: Option<i32>,
    /// Things not to use ([`Avoid::parse`]).
    pub avoid: Vec<String>,
    /// Cargo tonnes per FEU for emissions (default: the dataset's).
    pub payload_t: Option<f64>,
    /// Value of time, USD per FEU-day (default: the dataset's).
    pub value_of_time_usd_per_day: Option<f64>,
    /// Largest distance, km, at which `lat,lon` snaps to a place.
    pub max_snap_km: f64,
    /// Rail service class id (default: the dataset's default class).
    pub service: Option<String>,
    /// Month 1–12 whose sailings and weather apply (default: the mean of the year).
    pub month: Option<u8>,
    /// The sea-rate level relative to the tariff year (default: the network's for the year).
    pub sea_rate: Option<f64>,
    /// Risk premiums `CC=USD[:DAYS]` for entering a country ([`parse_risk`]), replacing the
    /// network's for those countries.
    pub risk: Vec<String>,
    /// A carbon price, USD per tonne CO2e, charged on every leg's emissions
    /// ([`RouteOptions::carbon_usd_per_t`]; default 0, at most [`MAX_CARBON_USD_PER_T`]).
    pub carbon_usd_per_t: f64,
    /// Simulated transit-time percentiles of elements, read against the network the request
    /// is resolved on ([`super::read_reliability`]; [`RouteOptions::reliability`]).
    pub reliability: Option<Arc<Reliability>>,
    /// Which simulated hours the elements of `reliability` take (default: the mean); needs
    /// `reliability`. "Fastest by p95" is [`Objective::Time`] with [`Statistic::P95`].
    pub statistic: Option<Statistic>,
    /// USD per FEU per day of spread (p95 − p50) of the elements used
    /// ([`RouteOptions::value_of_reliability_usd_per_day`]; default 0, at most
    /// [`MAX_VALUE_OF_RELIABILITY_USD_PER_DAY`]); above 0 it needs `reliability`.
    pub value_of_reliability_usd_per_day: f64,
}

impl Default for RouteRequest {
    fn default() -> RouteRequest {
        RouteRequest {
            from: None,
            to: None,
            objective: Objective::Generalized,
            year: None,
            avoid: Vec::new(),
            payload_t: None,
            value_of_time_usd_per_day: None,
            max_snap_km: DEFAULT_MAX_SNAP_KM,
            service: None,
            month: None,
            sea_rate: None,
            risk: Vec::new(),
            carbon_usd_per_t: 0.0,
            reliability: None,
            statistic: None,
            value_of_reliability_usd_per_day: 0.0,
        }
    }
}

/// What a sea-rate level must be, when `level` is not in [0.05, 20].
pub fn sea_rate_out_of_range(level: f64) -> Option<String> {
    (!(level.is_finite() && (0.05..=20.0).contains(&level))).then(|| {
        "expected a level between 0.05 and 20 times the tariff year's sea rates".to_string()
    })
}

/// Largest carbon price a request may set, USD per tonne CO2e: far above any carbon price in
/// force or proposed, a bound that keeps the charge a number and not a typo.
pub const MAX_CARBON_USD_PER_T: f64 = 10_000.0;

/// What a carbon price must be, when `usd_per_t` is not in [0, [`MAX_CARBON_USD_PER_T`]].
pub fn carbon_out_of_range(usd_per_t: f64) -> Option<String> {
    (!(usd_per_t.is_finite() && (0.0..=MAX_CARBON_USD_PER_T).contains(&usd_per_t)))
        .then(|| "expected a carbon price between 0 and 10,000 USD per tonne CO2e".to_string())
}

/// Largest value of reliability a request may set, USD per FEU per day of spread: ten times
/// the value of time of the most urgent freight classes, a bound that keeps the charge a number
/// and not a typo.
pub const MAX_VALUE_OF_RELIABILITY_USD_PER_DAY: f64 = 100_000.0;

/// What a value of reliability must be, when `usd_per_day` is not in
/// [0, [`MAX_VALUE_OF_RELIABILITY_USD_PER_DAY`]].
pub fn value_of_reliability_out_of_range(usd_per_day: f64) -> Option<String> {
    (!(usd_per_day.is_finite()
        && (0.0..=MAX_VALUE_OF_RELIABILITY_USD_PER_DAY).contains(&usd_per_day)))
    .then(|| "expected USD per FEU per day of p95 − p50 between 0 and 100,000".to_string())
}

/// Parses a risk premium `CC=USD` or `CC=USD:DAYS` (`RU=800:2`: USD 800 per FEU and 2 days
/// for every entry into Russia).
///
/// # Errors
/// The text and what is expected.
pub fn parse_risk(text: &str) -> Result<super::RiskPremium, (String, String)> {
    let fail = || {
        (
            clip(text),
            "expected CC=USD or CC=USD:DAYS (a country code, USD per FEU 0–100,000, days 0–60)"
                .to_string(),
        )
    };
    let (code, rest) = text.trim().split_once('=').ok_or_else(fail)?;
    let country = Country::parse(code.trim()).ok_or_else(fail)?;
    let (usd, days) = match rest.split_once(':') {
        Some((usd, days)) => (usd, Some(days)),
        None => (rest, None),
    };
    let usd: f64 = usd.trim().parse().map_err(|_| fail())?;
    let days: f64 = match days {
        Some(days) => days.trim().parse().map_err(|_| fail())?,
        None => 0.0,
    };
    if !((0.0..=100_000.0).contains(&usd) && (0.0..=60.0).contains(&days)) {
        return Err(fail());
    }
    Ok(super::RiskPremium {
        country,
        usd_per_feu: usd,
        days,
    })
}

/// A request resolved against a network: its places found and its options complete.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The origin.
    pub from: PlaceMatch,
    /// The destination.
    pub to: PlaceMatch,
    /// Everything else.
    pub options: RouteOptions,
    /// The things avoided, as the request wrote them (for reports).
    pub avoid_text: Vec<String>,
}

/// How a query is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Up to this many routes, distinct corridors first ([`alternatives`]).
    Alternatives(usize),
    /// Every route no other beats in time, cost and CO2e at once ([`pareto_set`]).
    Pareto,
}

/// Why a request cannot be answered. Each variant names the request field at fault
/// ([`RequestError::field`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RequestError {
    /// A number or year outside its range.
    #[error("{field} {value}: {expected}")]
    InvalidParameter {
        /// The request field (`year`, `payload_t`, `value_of_time`, `max_snap_km`,
        /// `sea_rate`, `carbon_usd_per_t`, `risk`, `month`).
        field: &'static str,
        /// The value given.
        value: String,
        /// What is expected.
        expected: String,
    },
    /// The origin or destination is not a place of the network.
    #[error("{end}: {fault}")]
    Place {
        /// `origin` or `destination`.
        end: &'static str,
        /// Why.
        fault: PlaceError,
    },
    /// Both ends are the same place because a coordinate snapped to the other end.
    #[error(
        "the {end} `{query}` snapped to {place}, {distance_km:.0} km away, which is also the {other}; give a place or coordinates nearer the one meant"
    )]
    SnappedToSamePlace {
        /// The end that was given as coordinates.
        end: &'static str,
        /// The coordinates as given.
        query: String,
        /// The place both ends are.
        place: String,
        /// How far the coordinates are from it, km.
        distance_km: f64,
        /// The other end.
        other: &'static str,
    },
    /// An item to avoid that is not valid.
    #[error(transparent)]
    Avoid(#[from] AvoidError),
    /// A service class the network does not have.
    #[error("service `{given}`: unknown service class (the network has {known})")]
    UnknownService {
        /// The id given.
        given: String,
        /// The network's classes, comma-separated (`none` when it has none).
        known: String,
    },
    /// A statistic or a value of reliability without a reliability table to take it from.
    #[error(
        "{field} {value}: needs a reliability file (simulated transit-time percentiles of the network's elements)"
    )]
    NeedsReliability {
        /// The request field (`statistic`, `value_of_reliability`).
        field: &'static str,
        /// The value given.
        value: String,
    },
    /// A reliability table read against a network with other links or handling rows.
    #[error(
        "reliability {file}: read against another network (its elements are not this network's)"
    )]
    ReliabilityOfAnotherNetwork {
        /// The table's file.
        file: String,
    },
}

impl RequestError {
    /// The request field at fault.
    pub fn field(&self) -> &'static str {
        match self {
            RequestError::InvalidParameter { field, .. } => field,
            RequestError::Place { end, .. } | RequestError::SnappedToSamePlace { end, .. } => {
                if *end == "origin" {
                    "from"
                } else {
                    "to"
                }
            }
            RequestError::Avoid(_) => "avoid",
            RequestError::UnknownService { .. } => "service",
            RequestError::NeedsReliability { field, .. } => field,
            RequestError::ReliabilityOfAnotherNetwork { .. } => "reliability",
        }
    }
}

/// Why an item to avoid is not valid. `item` is the item as written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AvoidError {
    /// `country:X` where X is not two letters.
    #[error("{item}: not a two-letter country code")]
    NotACountryCode {
        /// The item.
        item: String,
    },
    /// A country code with no place in the network (`XX`, `BL`): avoiding it would close
    /// nothing.
    #[error("{item}: no place of the network is in {code} (countries: {known})")]
    CountryNotInNetwork {
        /// The item.
        item: String,
        /// The code.
        code: String,
        /// The network's countries, comma-separated.
        known: String,
    },
    /// `mode:X` where X is not a mode.
    #[error("{item}: unknown mode (expected rail, sea, ferry or road)")]
    UnknownMode {
        /// The item.
        item: String,
    },
    /// `corridor:X` where X is not a corridor.
    #[error("{item}: unknown corridor (the network has {known})")]
    UnknownCorridor {
        /// The item.
        item: String,
        /// The network's corridors, comma-separated.
        known: String,
    },
    /// `link:X` where X is not a link id.
    #[error("{item}: unknown link id")]
    UnknownLink {
        /// The item.
        item: String,
    },
    /// `node:X` where X is not a place.
    #[error("{item}: {fault}")]
    UnknownPlace {
        /// The item.
        item: String,
        /// Why.
        fault: PlaceError,
    },
    /// `kind:value` with an unknown kind.
    #[error("{item}: unknown kind `{kind}` (expected country, mode, corridor, link or node)")]
    UnknownKind {
        /// The item.
        item: String,
        /// The kind.
        kind: String,
    },
    /// A bare word that is nothing the network has.
    #[error("{item}: not a country code, mode, corridor, link id or place{}", hint(.suggestion))]
    Unknown {
        /// The item.
        item: String,
        /// A place it may be.
        suggestion: Option<String>,
    },
}

fn hint(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map(|name| format!("; did you mean {name}?"))
        .unwrap_or_default()
}

impl Avoid {
    /// Parses items to avoid, comma-separated or one per entry: a country code (`RU`), a mode
    /// (`ferry`), a corridor (`sea_suez`), a link id or a place; or the explicit forms
    /// `country:RU`, `mode:ferry`, `corridor:middle`, `link:ID`, `node:PLACE`. A bare word is
    /// tried as a mode, a corridor, a country of the network, a link id and a place, in that
    /// order. A country must have a place in the network (`XX` closes nothing and is an error).
    ///
    /// # Errors
    /// [`AvoidError`] for the first item that is not valid.
    pub fn parse(network: &Network, items: &[String]) -> Result<Avoid, AvoidError> {
        let mut avoid = Avoid::default();
        let countries: Vec<Country> = {
            let mut countries: Vec<Country> = network.nodes().iter().map(|n| n.country).collect();
            countries.sort();
            countries.dedup();
            countries
        };
        let known_countries = || {
            countries
                .iter()
                .map(Country::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        };
        for item in items.iter().flat_map(|i| i.split(',')).map(str::trim) {
            if item.is_empty() {
                continue;
            }
            let shown = clip(item);
            let (kind, value) = match item.split_once(':') {
                Some((kind, value)) => (Some(kind), value.trim()),
                None => (None, item),
            };
            let code = value.to_ascii_uppercase();
            let as_country = || Country::parse(&code).filter(|_| value.len() == 2);
            let in_network = |country: Country| countries.contains(&country);
            match kind {
                Some("country") => {
                    let country = as_country().ok_or_else(|| AvoidError::NotACountryCode {
                        item: shown.clone(),
                    })?;
                    if !in_network(country) {
                        return Err(AvoidError::CountryNotInNetwork {
                            item: shown,
                            code: country.to_string(),
                            known: known_countries(),
                        });
                    }
                    avoid.countries.push(country);
                }
                Some("mode") => avoid
                    .modes
                    .push(Mode::parse(value).ok_or(AvoidError::UnknownMode { item: shown })?),
                Some("corridor") => {
                    avoid
                        .corridors
                        .push(network.corridor_by_key(value).ok_or_else(|| {
                            AvoidError::UnknownCorridor {
                                item: shown,
                                known: network
                                    .corridors()
                                    .iter()
                                    .map(|c| c.key.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", "),
                            }
                        })?)
                }
                Some("link") => avoid.links.push(
                    network
                        .link_by_key(value)
                        .ok_or(AvoidError::UnknownLink { item: shown })?,
                ),
                Some("node") => avoid.nodes.push(
                    network
                        .find_place_by_name(value)
                        .map_err(|fault| AvoidError::UnknownPlace { item: shown, fault })?
                        .node(),
                ),
                Some(other) => {
                    return Err(AvoidError::UnknownKind {
                        item: shown,
                        kind: clip(other),
                    });
                }
                None => {
                    if let Some(mode) = Mode::parse(value) {
                        avoid.modes.push(mode);
                    } else if let Some(corridor) = network.corridor_by_key(value) {
                        avoid.corridors.push(corridor);
                    } else if let Some(country) = as_country().filter(|c| in_network(*c)) {
                        avoid.countries.push(country);
                    } else if let Some(link) = network.link_by_key(value) {
                        avoid.links.push(link);
                    } else {
                        match network.find_place_by_name(value) {
                            Ok(place) => avoid.nodes.push(place.node()),
                            Err(PlaceError::Unknown { suggestions, .. }) => {
                                if let Some(country) = as_country() {
                                    return Err(AvoidError::CountryNotInNetwork {
                                        item: shown,
                                        code: country.to_string(),
                                        known: known_countries(),
                                    });
                                }
                                return Err(AvoidError::Unknown {
                                    item: shown,
                                    suggestion: suggestions.into_iter().next(),
                                });
                            }
                            Err(fault) => {
                                return Err(AvoidError::UnknownPlace { item: shown, fault });
                            }
                        }
                    }
                }
            }
        }
        Ok(avoid)
    }
}

/// The service class with id `key`.
///
/// # Errors
/// [`RequestError::UnknownService`] listing the network's classes.
pub fn resolve_service(
    network: &Network,
    key: &str,
) -> Result<crate::network::ServiceId, RequestError> {
    let services = network.services();
    services
        .find(key)
        .ok_or_else(|| RequestError::UnknownService {
            given: clip(key),
            known: if services.classes.is_empty() {
                "none".to_string()
            } else {
                services
                    .classes
                    .iter()
                    .map(|c| c.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })
}

impl RouteRequest {
    /// Checks the parameters that do not depend on a network: the year, payload, value of
    /// time, snapping distance, month, sea rate, carbon price, risk premiums and value of
    /// reliability. (Whether a statistic has a reliability table is checked by
    /// [`RouteRequest::resolve`]: the table is read against the network.)
    ///
    /// # Errors
    /// [`RequestError::InvalidParameter`] naming the field.
    pub fn validate(&self) -> Result<(), RequestError> {
        if self.max_snap_km.is_nan() || self.max_snap_km < 0.0 {
            return Err(RequestError::InvalidParameter {
                field: "max_snap_km",
                value: crate::io::number(self.max_snap_km),
                expected: "must be ≥ 0".to_string(),
            });
        }
        if let Some(year) = self.year
            && let Some(expected) = year_out_of_range(year)
        {
            return Err(RequestError::InvalidParameter {
                field: "year",
                value: year.to_string(),
                expected,
            });
        }
        if let Some(payload) = self.payload_t
            && !(payload.is_finite() && payload > 0.0 && payload <= 40.0)
        {
            return Err(RequestError::InvalidParameter {
                field: "payload_t",
                value: crate::io::number(payload),
                expected: "expected a number of tonnes in (0, 40]".to_string(),
            });
        }
        if let Some(value) = self.value_of_time_usd_per_day
            && !(value.is_finite() && value >= 0.0)
        {
            return Err(RequestError::InvalidParameter {
                field: "value_of_time",
                value: crate::io::number(value),
                expected: "expected a number of USD ≥ 0".to_string(),
            });
        }
        if let Some(level) = self.sea_rate
            && let Some(expected) = sea_rate_out_of_range(level)
        {
            return Err(RequestError::InvalidParameter {
                field: "sea_rate",
                value: crate::io::number(level),
                expected,
            });
        }
        if let Some(expected) = carbon_out_of_range(self.carbon_usd_per_t) {
            return Err(RequestError::InvalidParameter {
                field: "carbon_usd_per_t",
                value: crate::io::number(self.carbon_usd_per_t),
                expected,
            });
        }
        for text in &self.risk {
            if let Err((value, expected)) = parse_risk(text) {
                return Err(RequestError::InvalidParameter {
                    field: "risk",
                    value,
                    expected,
                });
            }
        }
        if let Some(month) = self.month
            && !(1..=12).contains(&month)
        {
            return Err(RequestError::InvalidParameter {
                field: "month",
                value: month.to_string(),
                expected: "expected a month 1–12".to_string(),
            });
        }
        if let Some(expected) =
            value_of_reliability_out_of_range(self.value_of_reliability_usd_per_day)
        {
            return Err(RequestError::InvalidParameter {
                field: "value_of_reliability",
                value: crate::io::number(self.value_of_reliability_usd_per_day),
                expected,
            });
        }
        Ok(())
    }

    /// The reliability table, statistic and value of reliability as options: a statistic or
    /// a value of reliability needs a table, and the table must be `network`'s.
    fn reliability_options(
        &self,
        network: &Network,
    ) -> Result<(Option<Arc<Reliability>>, Statistic, f64), RequestError> {
        let Some(table) = &self.reliability else {
            if let Some(statistic) = self.statistic {
                return Err(RequestError::NeedsReliability {
                    field: "statistic",
                    value: statistic.as_str().to_string(),
                });
            }
            if self.value_of_reliability_usd_per_day != 0.0 {
                return Err(RequestError::NeedsReliability {
                    field: "value_of_reliability",
                    value: crate::io::number(self.value_of_reliability_usd_per_day),
                });
            }
            return Ok((None, Statistic::Mean, 0.0));
        };
        if !table.fits(network) {
            return Err(RequestError::ReliabilityOfAnotherNetwork {
                file: clip(table.file()),
            });
        }
        Ok((
            Some(Arc::clone(table)),
            self.statistic.unwrap_or_default(),
            self.value_of_reliability_usd_per_day,
        ))
    }

    /// Checks the request and resolves it against `network`: places found (by name, or by
    /// coordinates snapped within [`RouteRequest::max_snap_km`]), things to avoid parsed, the
    /// dataset's defaults filled in, a statistic or value of reliability checked to have a
    /// reliability table of this network.
    ///
    /// # Errors
    /// [`RequestError`] naming the field at fault.
    pub fn resolve(&self, network: &Network) -> Result<Query, RequestError> {
        self.validate()?;
        let info = network.info();
        let from_text = self.from.clone().unwrap_or(info.default_from.clone());
        let to_text = self.to.clone().unwrap_or(info.default_to.clone());
        let from = network
            .find_place(&from_text, self.max_snap_km)
            .map_err(|fault| RequestError::Place {
                end: "origin",
                fault,
            })?;
        let to = network
            .find_place(&to_text, self.max_snap_km)
            .map_err(|fault| RequestError::Place {
                end: "destination",
                fault,
            })?;
        if from.node() == to.node() {
            // A coordinate that snapped onto the other end is a different fault from asking
            // for the same place twice.
            let snapped = [
                ("origin", &from, &from_text, "destination"),
                ("destination", &to, &to_text, "origin"),
            ];
            if let Some((end, PlaceMatch::Snapped { distance_km, .. }, query, other)) = snapped
                .into_iter()
                .find(|(_, place, _, _)| matches!(place, PlaceMatch::Snapped { .. }))
                .map(|(end, place, query, other)| (end, *place, query, other))
            {
                return Err(RequestError::SnappedToSamePlace {
                    end,
                    query: clip(query),
                    place: network.node(from.node()).name.clone(),
                    distance_km,
                    other,
                });
            }
        }
        let (options, avoid_text) = self.options(network)?;
        Ok(Query {
            from,
            to,
            options,
            avoid_text,
        })
    }

    /// The request's options resolved against `network` (the dataset's defaults filled in,
    /// things to avoid parsed, the reliability table checked), with the things avoided as the
    /// request wrote them, for reports. Its ends are not looked at: reach and table requests
    /// hold a route request for its options only.
    ///
    /// # Errors
    /// [`RequestError`] naming the field at fault.
    pub(crate) fn options(
        &self,
        network: &Network,
    ) -> Result<(RouteOptions, Vec<String>), RequestError> {
        let mut options = RouteOptions::defaults(network);
        options.objective = self.objective;
        if let Some(year) = self.year {
            options.year = year;
        }
        if let Some(payload) = self.payload_t {
            options.payload_t = payload;
        }
        if let Some(value) = self.value_of_time_usd_per_day {
            options.value_of_time_usd_per_day = value;
        }
        options.avoid = Avoid::parse(network, &self.avoid)?;
        if let Some(service) = &self.service {
            options.service = Some(resolve_service(network, service)?);
        }
        options.month = self.month;
        options.sea_rate = self.sea_rate;
        options.carbon_usd_per_t = self.carbon_usd_per_t;
        (
            options.reliability,
            options.statistic,
            options.value_of_reliability_usd_per_day,
        ) = self.reliability_options(network)?;
        options.risk = self
            .risk
            .iter()
            .filter_map(|text| parse_risk(text).ok())
            .collect();
        let avoid_text = self
            .avoid
            .iter()
            .flat_map(|a| a.split(','))
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect();
        Ok((options, avoid_text))
    }
}

/// Why the places of a reach or table request cannot be used. Each variant names the request
/// field at fault ([`PlacesError::field`]).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlacesError {
    /// Too few or too many places.
    #[error("places: {count} places, expected 1 to {max}")]
    Count {
        /// The number given.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// A place the network does not know, or coordinates too far from it.
    #[error("places[{index}]: {fault}")]
    Place {
        /// Its position in `places`.
        index: usize,
        /// Why.
        fault: PlaceError,
    },
    /// A place excluded by the places or countries avoided.
    #[error("places[{index}]: {name} is excluded by the places or countries to avoid")]
    Avoided {
        /// Its position in `places`.
        index: usize,
        /// Its name.
        name: String,
    },
    /// An end given in the route request that holds the options.
    #[error("{field} {value}: this request takes its places in `places`")]
    EndGiven {
        /// `from` or `to`.
        field: &'static str,
        /// The value given.
        value: String,
    },
}

impl PlacesError {
    /// The request field at fault: `places`, or `from` or `to`.
    pub fn field(&self) -> &'static str {
        match self {
            PlacesError::EndGiven { field, .. } => field,
            _ => "places",
        }
    }

    /// Checks the number of places (1 to `max`) and that the route request holding the
    /// options gives no ends.
    pub(crate) fn check(
        route: &RouteRequest,
        places: &[String],
        max: usize,
    ) -> Result<(), PlacesError> {
        for (field, end) in [("from", &route.from), ("to", &route.to)] {
            if let Some(value) = end {
                return Err(PlacesError::EndGiven {
                    field,
                    value: clip(value),
                });
            }
        }
        if places.is_empty() || places.len() > max {
            return Err(PlacesError::Count {
                count: places.len(),
                max,
            });
        }
        Ok(())
    }
}

/// Finds each place (by name, or by coordinates snapped within `max_snap_km`).
pub(crate) fn resolve_places(
    network: &Network,
    places: &[String],
    max_snap_km: f64,
) -> Result<Vec<PlaceMatch>, PlacesError> {
    places
        .iter()
        .enumerate()
        .map(|(index, text)| {
            network
                .find_place(text, max_snap_km)
                .map_err(|fault| PlacesError::Place { index, fault })
        })
        .collect()
}

/// Why a query has no answer: an error of the search (same place, an end avoided, too many
/// Pareto labels). "No route" is an empty list, not an error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    /// The ends are not usable.
    #[error(transparent)]
    Route(#[from] RouteError),
    /// The Pareto search gave up.
    #[error(transparent)]
    Pareto(#[from] ParetoError),
    /// An alternatives count out of range.
    #[error("alternatives {count}: expected 1 to {MAX_ALTERNATIVES}")]
    Alternatives {
        /// The count asked for.
        count: usize,
    },
}

/// The best route of each corridor for a resolved query, or why a corridor has none
/// ([`crate::route::best_by_corridor`]).
///
/// # Errors
/// [`RouteError`] when the ends are not usable.
pub fn plan_corridors(
    network: &Network,
    query: &Query,
) -> Result<Vec<super::CorridorOutcome>, RouteError> {
    super::best_by_corridor(network, &query.options, query.from.node(), query.to.node())
}

/// Answers a resolved query: alternatives or the Pareto set, best first.
///
/// # Errors
/// [`PlanError`]; an empty list when no route exists.
pub fn plan(network: &Network, query: &Query, how: Plan) -> Result<Vec<Itinerary>, PlanError> {
    let (origin, destination) = (query.from.node(), query.to.node());
    match how {
        Plan::Alternatives(count) => {
            if count == 0 || count > MAX_ALTERNATIVES {
                return Err(PlanError::Alternatives { count });
            }
            Ok(alternatives(
                network,
                &query.options,
                origin,
                destination,
                count,
            )?)
        }
        Plan::Pareto => {
            let scope = Scope::new(network, &query.options);
            Ok(pareto_set(&scope, origin, destination, MAX_PARETO_LABELS)?
                .iter()
                .map(|path| Itinerary::new(&scope, path))
                .collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network() -> Network {
        crate::network::load_default()
            .expect("the default network loads")
            .0
    }

    fn request(from: &str, to: &str) -> RouteRequest {
        RouteRequest {
            from: Some(from.to_string()),
            to: Some(to.to_string()),
            ..RouteRequest::default()
        }
    }

    #[test]
    fn every_out_of_range_parameter_names_its_field() {
        let network = network();
        let cases: Vec<(RouteRequest, &str, &str)> = vec![
            (
                RouteRequest {
                    year: Some(1850),
                    ..request("Xian", "Duisburg")
                },
                "year",
                "year 1850: expected a year between 1900 and 2100",
            ),
            (
                RouteRequest {
                    payload_t: Some(-5.0),
                    ..request("Xian", "Duisburg")
                },
                "payload_t",
                "payload_t -5: expected a number of tonnes in (0, 40]",
            ),
            (
                RouteRequest {
                    value_of_time_usd_per_day: Some(f64::NAN),
                    ..request("Xian", "Duisburg")
                },
                "value_of_time",
                "value_of_time NaN: expected a number of USD ≥ 0",
            ),
            (
                RouteRequest {
                    max_snap_km: -1.0,
                    ..request("Xian", "Duisburg")
                },
                "max_snap_km",
                "max_snap_km -1: must be ≥ 0",
            ),
            (
                RouteRequest {
                    carbon_usd_per_t: -5.0,
                    ..request("Xian", "Duisburg")
                },
                "carbon_usd_per_t",
                "carbon_usd_per_t -5: expected a carbon price between 0 and 10,000 USD",
            ),
            (
                RouteRequest {
                    carbon_usd_per_t: f64::NAN,
                    ..request("Xian", "Duisburg")
                },
                "carbon_usd_per_t",
                "carbon_usd_per_t NaN: expected a carbon price",
            ),
            (
                RouteRequest {
                    carbon_usd_per_t: 10_000.5,
                    ..request("Xian", "Duisburg")
                },
                "carbon_usd_per_t",
                "carbon_usd_per_t 10000.5: expected a carbon price",
            ),
            (
                RouteRequest {
                    carbon_usd_per_t: f64::INFINITY,
                    ..request("Xian", "Duisburg")
                },
                "carbon_usd_per_t",
                "carbon_usd_per_t ",
            ),
            (
                request("Xian", "Nowhere"),
                "to",
                "destination: unknown place `Nowhere`",
            ),
        ];
        for (request, field, message) in cases {
            let error = request.resolve(&network).expect_err(message);
            assert_eq!(error.field(), field, "{error}");
            assert!(error.to_string().starts_with(message), "{error}");
        }
    }

    #[test]
    fn a_carbon_price_within_range_reaches_the_options() {
        let network = network();
        for usd in [0.0, 85.0, MAX_CARBON_USD_PER_T] {
            let query = RouteRequest {
                carbon_usd_per_t: usd,
                ..request("Xian", "Duisburg")
            }
            .resolve(&network)
            .expect("in range");
            assert_eq!(query.options.carbon_usd_per_t, usd);
        }
    }

    #[test]
    fn a_country_without_places_is_an_error_not_a_silent_no_op_issue_9() {
        // See: issue #9 (`--avoid XX` and `--avoid BL` closed nothing, silently).
        let network = network();
        for item in ["XX", "BL", "country:XX"] {
            let error = Avoid::parse(&network, &[item.to_string()]).expect_err(item);
            assert!(
                matches!(error, AvoidError::CountryNotInNetwork { .. }),
                "{item}: {error}"
            );
            assert!(error.to_string().contains("countries: AT, AZ"), "{error}");
        }
        let ok = Avoid::parse(&network, &["RU,ferry".to_string()]).expect("valid");
        assert_eq!(ok.countries.len(), 1);
        assert_eq!(ok.modes, vec![Mode::Ferry]);
        let error = Avoid::parse(&network, &["Aktauu".to_string()]).expect_err("a typo");
        assert_eq!(
            error.to_string(),
            "Aktauu: not a country code, mode, corridor, link id or place; did you mean Aktau?"
        );
        let error = Avoid::parse(&network, &["corridor:arctic".to_string()]).expect_err("x");
        assert!(
            error
                .to_string()
                .starts_with("corridor:arctic: unknown corridor (the network has northern, "),
            "{error}"
        );
    }

    #[test]
    fn a_point_that_snaps_onto_the_other_end_says_so_issue_9() {
        // A point in the Caspian 180 km from Baku snapped to Baku, then read as "origin and
        // destination are the same place". See: issue #9
        let network = network();
        let error = request("41.0,51.5", "Baku")
            .resolve(&network)
            .expect_err("same place");
        let message = error.to_string();
        assert!(
            message.starts_with("the origin `41.0,51.5` snapped to Baku, "),
            "{message}"
        );
        assert!(
            message.contains("which is also the destination"),
            "{message}"
        );
        assert_eq!(error.field(), "from");
    }

    #[test]
    fn swapped_coordinates_get_a_hint_issue_9() {
        // See: issue #9. 76.9,43.2 is in range but 1,000+ km from any place; 43.2,76.9 is
        // Almaty.
        let network = network();
        let error = request("76.9,43.2", "Duisburg")
            .resolve(&network)
            .expect_err("too far");
        assert!(
            error
                .to_string()
                .contains("did you swap latitude and longitude? `43.2,76.9` is near the network"),
            "{error}"
        );
    }

    #[test]
    fn plans_alternatives_or_the_pareto_set() {
        let network = network();
        let query = request("Lianyungang", "Duisburg")
            .resolve(&network)
            .expect("valid");
        let routes = plan(&network, &query, Plan::Alternatives(3)).expect("routes");
        assert_eq!(routes.len(), 3);
        assert!(
            !plan(&network, &query, Plan::Pareto)
                .expect("set")
                .is_empty()
        );
        assert_eq!(
            plan(&network, &query, Plan::Alternatives(0)),
            Err(PlanError::Alternatives { count: 0 })
        );
    }
}
