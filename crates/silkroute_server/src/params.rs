//! Requests as the API receives them: OSRM-style query strings and Valhalla-style JSON
//! bodies, both read into the same body types, so `GET /route/v1/time/A;B?year=2030` and
//! `POST /route {"from":"A","to":"B","objective":"time","year":2030}` are one request.
//!
//! A query string is first turned into a JSON object by the parameter kinds of its endpoint
//! (numbers, flags, comma-separated lists), then read like a body; an unknown parameter or a
//! value of the wrong type is an `InvalidQuery` naming it.

use crate::error::ApiError;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use silkroute_core::route::{Objective, RouteRequest};
use utoipa::ToSchema;

/// Largest number of bytes of a query string.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;

/// What a query-string parameter holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number.
    Integer,
    /// A number.
    Number,
    /// `true`/`false` (also `1`/`0`).
    Flag,
    /// Text.
    Text,
    /// Texts, comma-separated or the parameter repeated.
    Texts,
    /// Whole numbers separated by `;` or `,` (OSRM's `sources=0;1`).
    Integers,
    /// Numbers separated by `,`.
    Numbers,
}

/// What "best" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ObjectiveName {
    /// Fewest hours.
    Time,
    /// Lowest USD per FEU.
    Cost,
    /// Least kg CO2e.
    Co2,
    /// USD plus value of time × days.
    Generalized,
}

impl ObjectiveName {
    /// The objective of a path segment (`time`, `cost`, `co2`, `generalized`).
    pub fn parse(text: &str) -> Option<ObjectiveName> {
        match text {
            "time" => Some(ObjectiveName::Time),
            "cost" => Some(ObjectiveName::Cost),
            "co2" => Some(ObjectiveName::Co2),
            "generalized" => Some(ObjectiveName::Generalized),
            _ => None,
        }
    }

    /// The name in a path.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectiveName::Time => "time",
            ObjectiveName::Cost => "cost",
            ObjectiveName::Co2 => "co2",
            ObjectiveName::Generalized => "generalized",
        }
    }

    /// The core's objective.
    pub fn objective(self) -> Objective {
        match self {
            ObjectiveName::Time => Objective::Time,
            ObjectiveName::Cost => Objective::Cost,
            ObjectiveName::Co2 => Objective::Co2,
            ObjectiveName::Generalized => Objective::Generalized,
        }
    }
}

/// Extra geometry in an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Geometries {
    /// The report's GeoJSON (the CLI's `--format geojson`) as member `geojson`.
    Geojson,
}

/// The route options every routing endpoint takes (the CLI's route options).
pub const ROUTE_OPTIONS: &[(&str, Kind)] = &[
    ("avoid", Kind::Texts),
    ("year", Kind::Integer),
    ("service", Kind::Text),
    ("month", Kind::Integer),
    ("payload_t", Kind::Number),
    ("value_of_time", Kind::Number),
    ("sea_rate", Kind::Number),
    ("risk", Kind::Texts),
    ("carbon_price", Kind::Number),
    ("max_snap_km", Kind::Number),
    ("geometries", Kind::Text),
];

/// Defines a body type with the fields it lists plus the route options every routing service
/// takes (the CLI's route options), and its `options` method: the core's route request of
/// those options.
macro_rules! with_route_options {
    ($(#[$meta:meta])* pub struct $name:ident { $($fields:tt)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($fields)*
            /// What "best" means (default `generalized`).
            pub objective: Option<ObjectiveName>,
            /// Things not to use: country codes (`RU`), modes (`ferry`), corridors
            /// (`sea_suez`), link ids or places, or explicit `country:RU`, `node:Aktau`.
            pub avoid: Option<Vec<String>>,
            /// The network as of this year (default: the network's reference year).
            #[schema(minimum = 1900, maximum = 2100)]
            pub year: Option<i32>,
            /// Rail service class (`express`, `block`, `groupage`).
            pub service: Option<String>,
            /// Month 1–12 whose ferry sailings and weather apply.
            #[schema(minimum = 1, maximum = 12)]
            pub month: Option<u8>,
            /// Cargo tonnes per FEU for emissions.
            #[schema(exclusive_minimum = 0, maximum = 40)]
            pub payload_t: Option<f64>,
            /// Value of time, USD per FEU-day, for the generalized cost.
            #[schema(minimum = 0)]
            pub value_of_time: Option<f64>,
            /// Sea rates at this level of the tariff year's.
            #[schema(minimum = 0.05, maximum = 20)]
            pub sea_rate: Option<f64>,
            /// Risk premiums for entering a country, `CC=USD` or `CC=USD:DAYS` per FEU.
            pub risk: Option<Vec<String>>,
            /// A carbon price, USD per tonne CO2e.
            #[schema(minimum = 0, maximum = 10000)]
            pub carbon_price: Option<f64>,
            /// Largest distance, km, at which coordinates snap to a place (default 300).
            #[schema(minimum = 0)]
            pub max_snap_km: Option<f64>,
            /// `geojson`: add the answer's GeoJSON (the CLI's `--format geojson`).
            pub geometries: Option<Geometries>,
        }

        impl $name {
            /// The core's route request of the options (no places).
            pub fn options(&self) -> RouteRequest {
                RouteRequest {
                    from: None,
                    to: None,
                    objective: self
                        .objective
                        .unwrap_or(ObjectiveName::Generalized)
                        .objective(),
                    year: self.year,
                    avoid: self.avoid.clone().unwrap_or_default(),
                    payload_t: self.payload_t,
                    value_of_time_usd_per_day: self.value_of_time,
                    max_snap_km: self
                        .max_snap_km
                        .unwrap_or(silkroute_core::route::DEFAULT_MAX_SNAP_KM),
                    service: self.service.clone(),
                    month: self.month,
                    sea_rate: self.sea_rate,
                    risk: self.risk.clone().unwrap_or_default(),
                    carbon_usd_per_t: self.carbon_price.unwrap_or(0.0),
                    ..RouteRequest::default()
                }
            }
        }
    };
}

with_route_options! {
    /// A route request (`POST /route`, `POST /corridors`; the options of `GET /route/v1/…`).
    pub struct RouteBody {
        /// Origin: a place name, alias or id, or `lon,lat`.
        #[schema(min_length = 1, max_length = 200, example = "Xian")]
        pub from: String,
        /// Destination, as the origin.
        #[schema(min_length = 1, max_length = 200, example = "Duisburg")]
        pub to: String,
        /// Number of routes, distinct corridors first (1–20; default 1, as OSRM's; the CLI's
        /// default is 5; not for corridors).
        #[schema(minimum = 1, maximum = 20)]
        pub alternatives: Option<usize>,
        /// The exact Pareto set over time, cost and CO2e instead of alternatives (not for
        /// corridors).
        pub pareto: Option<bool>,
    }
}

impl RouteBody {
    /// The core's route request.
    pub fn request(&self) -> RouteRequest {
        RouteRequest {
            from: Some(place_text(&self.from)),
            to: Some(place_text(&self.to)),
            ..self.options()
        }
    }
}

with_route_options! {
    /// A table request (`POST /table`; the options of `GET /table/v1/…`): the best route's
    /// days, USD and kg CO2e between places.
    pub struct TableBody {
        /// Places: names, aliases, ids or `lon,lat` (at most the server's table limit).
        #[schema(min_items = 1)]
        pub places: Vec<String>,
        /// Indices into `places` of the rows (default: every place).
        pub sources: Option<Vec<usize>>,
        /// Indices into `places` of the columns (default: every place).
        pub destinations: Option<Vec<usize>>,
    }
}

with_route_options! {
    /// A reach request (`POST /reach`; the options of `GET /isochrone/v1/…`): where a box
    /// can be within some days or USD from places, or from where it can reach them.
    pub struct ReachBody {
        /// The origins (or, with `reverse`, the destinations): names, aliases, ids or
        /// `lon,lat`.
        #[schema(min_items = 1, max_items = 16)]
        pub places: Vec<String>,
        /// Arrive-by: from where the places can be reached.
        pub reverse: Option<bool>,
        /// Bands of days, increasing (at most 8, each up to 365).
        pub contours_days: Option<Vec<f64>>,
        /// Bands of USD per FEU, increasing (at most 8, each up to 1,000,000).
        pub contours_usd: Option<Vec<f64>>,
    }
}

/// A place as the core reads it: names unchanged, OSRM's `lon,lat` turned into the core's
/// `lat,lon`.
pub fn place_text(text: &str) -> String {
    if let Some((a, b)) = text.split_once(',')
        && let (Ok(lon), Ok(lat)) = (a.trim().parse::<f64>(), b.trim().parse::<f64>())
    {
        return format!("{lat},{lon}");
    }
    text.to_string()
}

/// The pairs of a query string, decoded.
pub fn pairs(query: Option<&str>) -> Result<Vec<(String, String)>, ApiError> {
    let query = query.unwrap_or("");
    if query.len() > MAX_QUERY_BYTES {
        return Err(ApiError::too_big(
            "query",
            format!(
                "query string of {} bytes: at most {MAX_QUERY_BYTES}",
                query.len()
            ),
        ));
    }
    Ok(form_urlencoded::parse(query.as_bytes())
        .filter(|(key, _)| !key.is_empty())
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect())
}

/// A query string as a JSON object, by the kinds of the endpoint's parameters.
///
/// # Errors
/// `InvalidQuery` for an unknown parameter, a value of the wrong kind or a repeated
/// single-valued parameter.
pub fn query_object(
    pairs: &[(String, String)],
    kinds: &[&[(&str, Kind)]],
) -> Result<Map<String, Value>, ApiError> {
    let mut object = Map::new();
    for (key, text) in pairs {
        let Some(kind) = kinds
            .iter()
            .flat_map(|list| list.iter())
            .find(|(name, _)| name == key)
            .map(|(_, kind)| *kind)
        else {
            let known: Vec<&str> = kinds
                .iter()
                .flat_map(|list| list.iter().map(|(name, _)| *name))
                .collect();
            return Err(ApiError::invalid_query(format!(
                "unknown parameter `{}` (this service takes {})",
                silkroute_core::io::clip(key),
                known.join(", ")
            ))
            .with_field(key));
        };
        let bad = |expected: &str| {
            ApiError::invalid_query(format!(
                "{key}={}: expected {expected}",
                silkroute_core::io::clip(text)
            ))
            .with_field(key)
        };
        let value = match kind {
            Kind::Integer => Value::from(
                text.trim()
                    .parse::<i64>()
                    .map_err(|_| bad("a whole number"))?,
            ),
            Kind::Number => number(text).ok_or_else(|| bad("a number"))?,
            Kind::Flag => match text.trim() {
                "true" | "1" => Value::Bool(true),
                "false" | "0" => Value::Bool(false),
                _ => return Err(bad("true or false")),
            },
            Kind::Text => Value::String(text.clone()),
            Kind::Texts | Kind::Integers | Kind::Numbers => {
                let separators: &[char] = if kind == Kind::Integers {
                    &[';', ',']
                } else {
                    &[',']
                };
                let mut items = Vec::new();
                for item in text
                    .split(separators)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    items.push(match kind {
                        Kind::Integers => Value::from(
                            item.parse::<u64>()
                                .map_err(|_| bad("whole numbers separated by ;"))?,
                        ),
                        Kind::Numbers => {
                            number(item).ok_or_else(|| bad("numbers separated by ,"))?
                        }
                        _ => Value::String(item.to_string()),
                    });
                }
                match object.get_mut(key.as_str()) {
                    Some(Value::Array(existing)) => {
                        existing.extend(items);
                        continue;
                    }
                    _ => Value::Array(items),
                }
            }
        };
        if object.insert(key.clone(), value).is_some() {
            return Err(bad("the parameter once"));
        }
    }
    Ok(object)
}

fn number(text: &str) -> Option<Value> {
    let value: f64 = text.trim().parse().ok()?;
    serde_json::Number::from_f64(value).map(Value::Number)
}

/// A JSON object read into a body type; errors name the field.
///
/// # Errors
/// `InvalidQuery` naming the field of a missing, unknown or mistyped member.
pub fn read_body<T: DeserializeOwned>(object: Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(object).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner().to_string();
        let error = ApiError::invalid_query(if path == "." {
            inner
        } else {
            format!("{path}: {inner}")
        });
        if path == "." {
            error
        } else {
            error.with_field(&path)
        }
    })
}

/// Bytes of a POST body as a JSON value.
///
/// # Errors
/// `InvalidQuery` when the body is not JSON.
pub fn json_value(bytes: &[u8]) -> Result<Value, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::invalid_query(
            "the body is empty: expected a JSON object",
        ));
    }
    serde_json::from_slice(bytes)
        .map_err(|error| ApiError::invalid_query(format!("the body is not JSON: {error}")))
}

/// Splits `A;B;C` of a path into places; each must be non-empty.
///
/// # Errors
/// `InvalidQuery` for an empty place.
pub fn places(segment: &str) -> Result<Vec<String>, ApiError> {
    let places: Vec<String> = segment.split(';').map(|p| p.trim().to_string()).collect();
    if places.iter().any(String::is_empty) {
        return Err(ApiError::invalid_query(format!(
            "`{}`: expected places separated by ; (names, ids or lon,lat)",
            silkroute_core::io::clip(segment)
        ))
        .with_field("places"));
    }
    Ok(places)
}
