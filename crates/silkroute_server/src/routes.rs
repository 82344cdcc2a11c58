//! The quick services: status, places, the network, routes and corridors. Each answers in
//! well under a millisecond on the default network, so it runs on the async runtime's
//! workers; long jobs go through [`crate::jobs`].

use crate::answer::{
    Answer, CorridorName, CorridorsAnswer, Json, NetworkAnswer, PlacesAnswer, ReachAnswer,
    RouteAnswer, StatusAnswer, TableAnswer,
};
use crate::error::{ApiError, Code, CorridorReason, ErrorBody};
use crate::params::{
    Geometries, Kind, ObjectiveName, ROUTE_OPTIONS, ReachBody, RouteBody, TableBody, pairs,
    place_text, places, query_object, read_body,
};
use crate::state::AppState;
use crate::{Body, Segments};
use axum::extract::{RawQuery, State};
use serde_json::Value;
use silkroute_core::report::{
    CorridorsReport, NetworkSummary, PlaceRow, REPORT_VERSION, ReachReport, RouteReport,
    TableReport, network_geojson,
};
use silkroute_core::route::{
    PlacesError, Plan, Query, ReachError, ReachRequest, TableError, TableRequest, plan,
    plan_corridors, plan_reach, plan_table,
};

/// The route service's own parameters.
const ROUTE_PARAMETERS: &[(&str, Kind)] =
    &[("alternatives", Kind::Integer), ("pareto", Kind::Flag)];

/// `GET /status`.
#[utoipa::path(get, path = "/status", tag = "meta",
    responses((status = 200, description = "What the server serves", body = StatusAnswer)))]
pub async fn status(State(state): State<AppState>) -> Json<StatusAnswer> {
    let network = state.network();
    Json(StatusAnswer {
        code: Code::Ok,
        data_version: state.data_version().to_string(),
        report_version: REPORT_VERSION,
        build: env!("CARGO_PKG_VERSION").to_string(),
        network: network.info().name.clone(),
        reference_year: network.info().reference_year,
        places: network.nodes().len(),
        links: network.links().len(),
        corridors: network
            .corridors()
            .iter()
            .map(|c| CorridorName {
                id: c.key.clone(),
                name: c.name.clone(),
            })
            .collect(),
        scenarios: state.scenarios().to_vec(),
        limits: state.limits().clone(),
    })
}

/// Most places `GET /places` returns.
const MAX_PLACES_LIMIT: usize = 1000;

/// `GET /places?q=…&limit=…`.
#[utoipa::path(get, path = "/places", tag = "network",
    params(
        ("q" = Option<String>, Query, description = "Part of a name, alias or id, or a country code; every place when absent"),
        ("limit" = Option<usize>, Query, description = "Most places returned (1–1000, default 1000)", minimum = 1, maximum = 1000),
    ),
    responses(
        (status = 200, description = "Places found, or suggestions when none", body = PlacesAnswer),
        (status = 400, description = "A bad parameter", body = ErrorBody),
    ))]
pub async fn places_service(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Answer<PlacesAnswer> {
    let object = query_object(
        &pairs(raw.as_deref())?,
        &[&[("q", Kind::Text), ("limit", Kind::Integer)]],
    )?;
    let q = object.get("q").and_then(Value::as_str).unwrap_or("");
    let limit = match object.get("limit") {
        None => MAX_PLACES_LIMIT,
        Some(value) => match value.as_u64() {
            Some(n) if (1..=MAX_PLACES_LIMIT as u64).contains(&n) => n as usize,
            _ => {
                return Err(ApiError::invalid_value(
                    "limit",
                    format!("limit {value}: expected 1 to {MAX_PLACES_LIMIT}"),
                ));
            }
        },
    };
    let network = state.network();
    let found = network.search_places(q);
    let suggestions = match found.is_empty() {
        true => match network.find_place_by_name(q) {
            Err(silkroute_core::network::PlaceError::Unknown { suggestions, .. }) => suggestions,
            _ => Vec::new(),
        },
        false => Vec::new(),
    };
    Ok(Json(PlacesAnswer {
        code: Code::Ok,
        data_version: state.data_version().to_string(),
        total: found.len(),
        places: found
            .iter()
            .take(limit)
            .map(|&id| PlaceRow::new(network, id))
            .collect(),
        suggestions,
    }))
}

/// `GET /network?geometries=geojson`.
#[utoipa::path(get, path = "/network", tag = "network",
    params(("geometries" = Option<Geometries>, Query, description = "`geojson`: add the network's links and places as GeoJSON")),
    responses(
        (status = 200, description = "What the network holds", body = NetworkAnswer),
        (status = 400, description = "A bad parameter", body = ErrorBody),
    ))]
pub async fn network_service(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Answer<NetworkAnswer> {
    let object = query_object(&pairs(raw.as_deref())?, &[&[("geometries", Kind::Text)]])?;
    let geometries: Option<Geometries> = match object.get("geometries") {
        None => None,
        Some(value) => read_body(value.clone()).map_err(|e| e.with_field("geometries"))?,
    };
    let network = state.network();
    Ok(Json(NetworkAnswer {
        code: Code::Ok,
        data_version: state.data_version().to_string(),
        report: NetworkSummary::new(network),
        geojson: geometries.map(|_| network_geojson(network)),
    }))
}

/// The body of a GET route-like request: its path's places and objective, its query options.
fn route_body_of_get(
    objective: &str,
    segment: &str,
    raw: Option<&str>,
    own: &[(&str, Kind)],
) -> Result<RouteBody, ApiError> {
    let objective = ObjectiveName::parse(objective).ok_or_else(|| bad_objective(objective))?;
    let places = places(segment)?;
    let [from, to] = <[String; 2]>::try_from(places).map_err(|places| {
        ApiError::invalid_query(format!("{} places: expected two, from;to", places.len()))
            .with_field("places")
    })?;
    let mut object = query_object(&pairs(raw)?, &[ROUTE_OPTIONS, own])?;
    object.insert("from".into(), Value::String(from));
    object.insert("to".into(), Value::String(to));
    let mut body: RouteBody = read_body(Value::Object(object))?;
    body.objective = Some(objective);
    Ok(body)
}

/// A route body resolved against the network.
fn resolve(state: &AppState, body: &RouteBody) -> Result<Query, ApiError> {
    body.request()
        .resolve(state.network())
        .map_err(ApiError::from_request)
}

/// Routes of a body: the report, or `NoRoute` with each corridor's reason.
pub fn route_answer(state: &AppState, body: &RouteBody) -> Answer<RouteAnswer> {
    let network = state.network();
    let query = resolve(state, body)?;
    let pareto = body.pareto.unwrap_or(false);
    let how = if pareto {
        Plan::Pareto
    } else {
        // One route unless asked, as OSRM (`alternatives=false`); the CLI shows 5.
        Plan::Alternatives(body.alternatives.unwrap_or(1))
    };
    let itineraries = plan(network, &query, how).map_err(ApiError::from_plan)?;
    if itineraries.is_empty() {
        return Err(no_route(state, &query));
    }
    let report = RouteReport::new(network, &query, &itineraries, pareto);
    let geojson = body
        .geometries
        .map(|_| report.to_geojson(network, &itineraries));
    Ok(Json(RouteAnswer {
        code: Code::Ok,
        data_version: state.data_version().to_string(),
        report,
        geojson,
    }))
}

/// `NoRoute`, with why each corridor has none.
fn no_route(state: &AppState, query: &Query) -> ApiError {
    let network = state.network();
    let reasons = match plan_corridors(network, query) {
        Ok(outcomes) => outcomes
            .iter()
            .filter_map(|outcome| {
                let corridor = network.corridor(outcome.corridor);
                outcome.result.as_ref().err().map(|reason| CorridorReason {
                    corridor: corridor.key.clone(),
                    name: corridor.name.clone(),
                    reason: reason.describe(),
                })
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    let mut message = format!(
        "no route from {} to {} in the network of {}",
        network.node(query.from.node()).name,
        network.node(query.to.node()).name,
        query.options.year
    );
    if !query.avoid_text.is_empty() {
        message.push_str(&format!(" avoiding {}", query.avoid_text.join(", ")));
    }
    let mut error = ApiError::new(Code::NoRoute, message);
    error.body.reasons = Some(reasons);
    error
}

/// `GET /route/v1/{objective}/{places}`.
#[utoipa::path(get, path = "/route/v1/{objective}/{places}", tag = "routing",
    params(
        ("objective" = ObjectiveName, Path, description = "What best means"),
        ("places" = String, Path, description = "`from;to`: names, aliases, ids or `lon,lat`", example = "Xian;Duisburg"),
        ("alternatives" = Option<usize>, Query, description = "Number of routes, distinct corridors first (1–20; default 1 as in OSRM, where the CLI shows 5)", minimum = 1, maximum = 20),
        ("pareto" = Option<bool>, Query, description = "The exact Pareto set over time, cost and CO2e instead"),
        RouteOptionParams,
    ),
    responses(
        (status = 200, description = "Routes side by side", body = RouteAnswer),
        (status = 400, description = "A bad request, an unknown place or no route", body = ErrorBody),
        (status = 404, description = "An unknown objective", body = ErrorBody),
    ))]
pub async fn route_get(
    State(state): State<AppState>,
    Segments((objective, segment)): Segments<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Answer<RouteAnswer> {
    let body = route_body_of_get(&objective, &segment, raw.as_deref(), ROUTE_PARAMETERS)?;
    route_answer(&state, &body)
}

/// `POST /route`.
#[utoipa::path(post, path = "/route", tag = "routing",
    request_body = RouteBody,
    responses(
        (status = 200, description = "Routes side by side", body = RouteAnswer),
        (status = 400, description = "A bad request, an unknown place or no route", body = ErrorBody),
        (status = 413, description = "A body over the size limit", body = ErrorBody),
    ))]
pub async fn route_post(State(state): State<AppState>, body: Body) -> Answer<RouteAnswer> {
    let body: RouteBody = body.read()?;
    route_answer(&state, &body)
}

/// Each corridor's best route for a body.
pub fn corridors_answer(state: &AppState, body: &RouteBody) -> Answer<CorridorsAnswer> {
    for (field, given) in [
        ("alternatives", body.alternatives.is_some()),
        ("pareto", body.pareto.is_some()),
    ] {
        if given {
            return Err(ApiError::invalid_query(format!(
                "{field}: not an option of corridors (one route per corridor)"
            ))
            .with_field(field));
        }
    }
    let network = state.network();
    let query = resolve(state, body)?;
    let outcomes = plan_corridors(network, &query)
        .map_err(|e| ApiError::invalid_value("places", e.to_string()))?;
    let report = CorridorsReport::new(network, &query, &outcomes);
    let geojson = body
        .geometries
        .map(|_| report.to_geojson(network, &outcomes));
    Ok(Json(CorridorsAnswer {
        code: Code::Ok,
        data_version: state.data_version().to_string(),
        report,
        geojson,
    }))
}

/// `GET /corridors/v1/{objective}/{places}`.
#[utoipa::path(get, path = "/corridors/v1/{objective}/{places}", tag = "routing",
    params(
        ("objective" = ObjectiveName, Path, description = "What best means"),
        ("places" = String, Path, description = "`from;to`: names, aliases, ids or `lon,lat`", example = "Chengdu;Lodz"),
        RouteOptionParams,
    ),
    responses(
        (status = 200, description = "Each corridor's best route, or why it has none", body = CorridorsAnswer),
        (status = 400, description = "A bad request or an unknown place", body = ErrorBody),
        (status = 404, description = "An unknown objective", body = ErrorBody),
    ))]
pub async fn corridors_get(
    State(state): State<AppState>,
    Segments((objective, segment)): Segments<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Answer<CorridorsAnswer> {
    let body = route_body_of_get(&objective, &segment, raw.as_deref(), &[])?;
    corridors_answer(&state, &body)
}

/// `POST /corridors`.
#[utoipa::path(post, path = "/corridors", tag = "routing",
    request_body = RouteBody,
    responses(
        (status = 200, description = "Each corridor's best route, or why it has none", body = CorridorsAnswer),
        (status = 400, description = "A bad request or an unknown place", body = ErrorBody),
        (status = 413, description = "A body over the size limit", body = ErrorBody),
    ))]
pub async fn corridors_post(State(state): State<AppState>, body: Body) -> Answer<CorridorsAnswer> {
    let body: RouteBody = body.read()?;
    corridors_answer(&state, &body)
}

/// The route options as query parameters, for the OpenAPI description.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct RouteOptionParams {
    /// Things not to use, comma-separated: country codes (`RU`), modes (`ferry`), corridors
    /// (`sea_suez`), link ids or places.
    avoid: Option<String>,
    /// The network as of this year.
    #[param(minimum = 1900, maximum = 2100)]
    year: Option<i32>,
    /// Rail service class (`express`, `block`, `groupage`).
    service: Option<String>,
    /// Month 1–12 whose ferry sailings and weather apply.
    #[param(minimum = 1, maximum = 12)]
    month: Option<u8>,
    /// Cargo tonnes per FEU for emissions.
    payload_t: Option<f64>,
    /// Value of time, USD per FEU-day.
    value_of_time: Option<f64>,
    /// Sea rates at this level of the tariff year's.
    sea_rate: Option<f64>,
    /// Risk premiums `CC=USD[:DAYS]`, comma-separated.
    risk: Option<String>,
    /// A carbon price, USD per tonne CO2e.
    carbon_price: Option<f64>,
    /// Largest distance, km, at which coordinates snap to a place.
    max_snap_km: Option<f64>,
    /// `geojson`: add the answer's GeoJSON.
    geometries: Option<Geometries>,
}

/// The table service's own parameters.
const TABLE_PARAMETERS: &[(&str, Kind)] = &[
    ("sources", Kind::Integers),
    ("destinations", Kind::Integers),
];

/// The isochrone service's own parameters.
const ISOCHRONE_PARAMETERS: &[(&str, Kind)] = &[
    ("reverse", Kind::Flag),
    ("contours_days", Kind::Numbers),
    ("contours_usd", Kind::Numbers),
];

/// The body of a GET request on several places: the objective and places of its path, its
/// query options.
fn places_body_of_get<T: serde::de::DeserializeOwned>(
    objective: &str,
    segment: &str,
    raw: Option<&str>,
    own: &[(&str, Kind)],
) -> Result<T, ApiError> {
    let objective = ObjectiveName::parse(objective).ok_or_else(|| bad_objective(objective))?;
    let mut object = query_object(&pairs(raw)?, &[ROUTE_OPTIONS, own])?;
    object.insert(
        "places".into(),
        Value::Array(places(segment)?.into_iter().map(Value::String).collect()),
    );
    object.insert("objective".into(), Value::from(objective.as_str()));
    read_body(Value::Object(object))
}

fn bad_objective(objective: &str) -> ApiError {
    ApiError::new(
        Code::InvalidService,
        format!(
            "objective `{}`: expected time, cost, co2 or generalized",
            silkroute_core::io::clip(objective)
        ),
    )
    .with_field("objective")
}

/// A list of places' error: `TooBig` past the limit, `UnknownPlace` for a place.
fn places_error(error: PlacesError) -> ApiError {
    match error {
        PlacesError::Count { count, max } if count > max => {
            ApiError::too_big("places", error.to_string())
        }
        PlacesError::Place { index, fault } => {
            ApiError::from_place(&format!("places[{index}]"), fault)
        }
        other => ApiError::invalid_value("places", other.to_string()),
    }
}

/// The places, with OSRM's `lon,lat` turned into the core's `lat,lon`.
fn place_texts(places: &[String]) -> Vec<String> {
    places.iter().map(|p| place_text(p)).collect()
}

/// The table of a body.
pub fn table_answer(state: &AppState, body: &TableBody) -> Answer<TableAnswer> {
    let limit = state.limits().max_table_places;
    if body.places.len() > limit {
        return Err(ApiError::too_big(
            "places",
            format!("{} places: at most {limit} in a table", body.places.len()),
        ));
    }
    let request = TableRequest {
        places: place_texts(&body.places),
        sources: body.sources.clone(),
        destinations: body.destinations.clone(),
        route: body.options(),
    };
    let network = state.network();
    let query = request.resolve(network).map_err(|error| match error {
        TableError::Request(error) => ApiError::from_request(error),
        TableError::Places(error) => places_error(error),
        TableError::IndexCount { field, count } if count > 0 => {
            ApiError::too_big(field, error.to_string())
        }
        other => ApiError::invalid_value(other.field(), other.to_string()),
    })?;
    if body.geometries.is_some() {
        return Err(ApiError::invalid_query(
            "geometries: a table has no geometry (ask /route for one pair's)",
        )
        .with_field("geometries"));
    }
    let table = plan_table(network, &query);
    Ok(Json(TableAnswer {
        code: Code::Ok,
        data_version: state.data_version().to_string(),
        report: TableReport::new(network, &query, &table),
        geojson: None,
    }))
}

/// `GET /table/v1/{objective}/{places}`.
#[utoipa::path(get, path = "/table/v1/{objective}/{places}", tag = "routing",
    params(
        ("objective" = ObjectiveName, Path, description = "What best means"),
        ("places" = String, Path, description = "Places separated by `;`: names, aliases, ids or `lon,lat`", example = "Xian;Chongqing;Duisburg;Baku"),
        ("sources" = Option<String>, Query, description = "Indices of the rows, `0;1` (default: every place)"),
        ("destinations" = Option<String>, Query, description = "Indices of the columns, `2;3` (default: every place)"),
        RouteOptionParams,
    ),
    responses(
        (status = 200, description = "Days, USD and kg CO2e of the best route between each source and destination (null: no route)", body = TableAnswer),
        (status = 400, description = "A bad request, an unknown place or too many places", body = ErrorBody),
        (status = 404, description = "An unknown objective", body = ErrorBody),
    ))]
pub async fn table_get(
    State(state): State<AppState>,
    Segments((objective, segment)): Segments<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Answer<TableAnswer> {
    let body: TableBody =
        places_body_of_get(&objective, &segment, raw.as_deref(), TABLE_PARAMETERS)?;
    table_answer(&state, &body)
}

/// `POST /table`.
#[utoipa::path(post, path = "/table", tag = "routing",
    request_body = TableBody,
    responses(
        (status = 200, description = "Days, USD and kg CO2e of the best route between each source and destination (null: no route)", body = TableAnswer),
        (status = 400, description = "A bad request, an unknown place or too many places", body = ErrorBody),
        (status = 413, description = "A body over the size limit", body = ErrorBody),
    ))]
pub async fn table_post(State(state): State<AppState>, body: Body) -> Answer<TableAnswer> {
    let body: TableBody = body.read()?;
    table_answer(&state, &body)
}

/// The reach of a body.
pub fn reach_answer(state: &AppState, body: &ReachBody) -> Answer<ReachAnswer> {
    let limit = state.limits().max_reach_places;
    if body.places.len() > limit {
        return Err(ApiError::too_big(
            "places",
            format!(
                "{} places: at most {limit} in a reach request",
                body.places.len()
            ),
        ));
    }
    let request = ReachRequest {
        places: place_texts(&body.places),
        reverse: body.reverse.unwrap_or(false),
        days: body.contours_days.clone().unwrap_or_default(),
        usd: body.contours_usd.clone().unwrap_or_default(),
        route: body.options(),
    };
    let network = state.network();
    let query = request.resolve(network).map_err(|error| match error {
        ReachError::Request(error) => ApiError::from_request(error),
        ReachError::Places(error) => places_error(error),
        ReachError::TooManyBands { field, .. } => {
            ApiError::too_big(&band_parameter(field), error.to_string())
        }
        other => ApiError::invalid_value(&band_parameter(other.field()), other.to_string()),
    })?;
    let reach = plan_reach(network, &query)
        .map_err(|e| ApiError::invalid_value("places", e.to_string()))?;
    let report = ReachReport::new(network, &query, &reach);
    let geojson = body.geometries.map(|_| report.to_geojson(network, &reach));
    Ok(Json(ReachAnswer {
        code: Code::Ok,
        data_version: state.data_version().to_string(),
        report,
        geojson,
    }))
}

/// The API's name of a band field of the core (`days` → `contours_days`).
fn band_parameter(field: &str) -> String {
    match field {
        "days" => "contours_days".to_string(),
        "usd" => "contours_usd".to_string(),
        other => crate::error::parameter(other),
    }
}

/// `GET /isochrone/v1/{objective}/{places}`.
#[utoipa::path(get, path = "/isochrone/v1/{objective}/{places}", tag = "routing",
    params(
        ("objective" = ObjectiveName, Path, description = "What best means (the path to each place)"),
        ("places" = String, Path, description = "Origins separated by `;` (destinations with `reverse`)", example = "Xian"),
        ("contours_days" = Option<String>, Query, description = "Bands of days, increasing, comma-separated: `8,12,16`"),
        ("contours_usd" = Option<String>, Query, description = "Bands of USD per FEU, increasing, comma-separated"),
        ("reverse" = Option<bool>, Query, description = "Arrive-by: from where the places can be reached"),
        RouteOptionParams,
    ),
    responses(
        (status = 200, description = "Every place with its earliest arrival and band, and the reached links per band with `geometries=geojson`", body = ReachAnswer),
        (status = 400, description = "A bad request or an unknown place", body = ErrorBody),
        (status = 404, description = "An unknown objective", body = ErrorBody),
    ))]
pub async fn isochrone_get(
    State(state): State<AppState>,
    Segments((objective, segment)): Segments<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Answer<ReachAnswer> {
    let body: ReachBody =
        places_body_of_get(&objective, &segment, raw.as_deref(), ISOCHRONE_PARAMETERS)?;
    reach_answer(&state, &body)
}

/// `POST /reach`.
#[utoipa::path(post, path = "/reach", tag = "routing",
    request_body = ReachBody,
    responses(
        (status = 200, description = "Every place with its earliest arrival and band, and the reached links per band with `geometries=geojson`", body = ReachAnswer),
        (status = 400, description = "A bad request or an unknown place", body = ErrorBody),
        (status = 413, description = "A body over the size limit", body = ErrorBody),
    ))]
pub async fn reach_post(State(state): State<AppState>, body: Body) -> Answer<ReachAnswer> {
    let body: ReachBody = body.read()?;
    reach_answer(&state, &body)
}
