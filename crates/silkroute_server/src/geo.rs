//! The continental networks (rail, road, sea) as OSRM serves its roads: a route between two
//! coordinates and a distance table, on contraction hierarchies. Each network is prepared on
//! its first request (through the per-user cache when the server has one), as a long job,
//! then shared by every request.

use crate::answer::{Answer, GeoRouteAnswer, GeoTableAnswer, Json};
use crate::error::{ApiError, Code, ErrorBody};
use crate::jobs::{go_on, run_job};
use crate::params::{Geometries, Kind, pairs, places, query_object, read_body};
use crate::state::AppState;
use crate::{Body, Segments};
use axum::extract::{RawQuery, State};
use serde::Deserialize;
use serde_json::Value;
use silkroute_core::geo::{
    EmbeddedGeo, GeoEngine, GeoError, GeoQueryOptions, GeoSpec, MAX_MATRIX_POINTS, PassageChoice,
    PreparedGeo, SearchKind, SnapMode,
};
use silkroute_core::report::{GeoMatrixReport, GeoRouteReport};
use std::sync::Arc;
use utoipa::ToSchema;

/// The continental networks served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum GeoNetworkName {
    /// The OpenStreetMap railways of the corridor region.
    Rail,
    /// The OpenStreetMap highways of the corridor region.
    Road,
    /// The maritime lanes (Eurostat SeaRoute / ORNL, as shipped by searoute).
    Sea,
}

impl GeoNetworkName {
    fn parse(text: &str) -> Option<GeoNetworkName> {
        match text {
            "rail" => Some(GeoNetworkName::Rail),
            "road" => Some(GeoNetworkName::Road),
            "sea" => Some(GeoNetworkName::Sea),
            _ => None,
        }
    }

    fn embedded(self) -> EmbeddedGeo {
        match self {
            GeoNetworkName::Rail => EmbeddedGeo::Rail,
            GeoNetworkName::Road => EmbeddedGeo::Road,
            GeoNetworkName::Sea => EmbeddedGeo::Sea,
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Largest snapping distance a request may ask for, km: half the Earth's circumference.
const MAX_SNAP_KM: f64 = 20_000.0;

/// The options of a geographic query (query parameters, or members of `POST /geo/table`).
const GEO_OPTIONS: &[(&str, Kind)] = &[
    ("max_snap_km", Kind::Number),
    ("avoid_passage", Kind::Texts),
    ("allow_passage", Kind::Texts),
];

/// A geographic route or table request.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GeoBody {
    /// `[lon, lat]` points: two for a route, up to the matrix limit for a table.
    #[schema(value_type = Vec<Vec<f64>>, min_items = 1)]
    pub points: Vec<[f64; 2]>,
    /// Largest snapping distance, km (default 50).
    #[schema(minimum = 0, maximum = 20000)]
    pub max_snap_km: Option<f64>,
    /// Passages not to use (`suez`, `babelmandeb`, `hormuz`, ...).
    pub avoid_passage: Option<Vec<String>>,
    /// Ice passages to use all the same (`northeast`, `northwest`).
    pub allow_passage: Option<Vec<String>>,
    /// `geojson`: add the route as GeoJSON (routes only).
    pub geometries: Option<Geometries>,
}

impl GeoBody {
    fn options(&self) -> GeoQueryOptions {
        GeoQueryOptions {
            snap: SnapMode::Nearest,
            max_snap_km: self.max_snap_km.unwrap_or(50.0),
            passages: PassageChoice {
                avoid: self.avoid_passage.clone().unwrap_or_default(),
                allow: self.allow_passage.clone().unwrap_or_default(),
            },
        }
    }

    /// The points as the engine takes them, `(lat, lon)`, each checked, and the snapping
    /// distance within its range.
    fn lat_lons(&self) -> Result<Vec<(f64, f64)>, ApiError> {
        if self.points.is_empty() {
            return Err(ApiError::invalid_value(
                "points",
                "points: expected at least one [lon, lat]",
            ));
        }
        if let Some(km) = self.max_snap_km
            && !(km.is_finite() && (0.0..=MAX_SNAP_KM).contains(&km))
        {
            return Err(ApiError::invalid_value(
                "max_snap_km",
                format!("max_snap_km {km}: expected 0 to {MAX_SNAP_KM} km"),
            ));
        }
        self.points
            .iter()
            .enumerate()
            .map(|(index, &[lon, lat])| {
                if lon.is_finite()
                    && lat.is_finite()
                    && (-180.0..=180.0).contains(&lon)
                    && (-90.0..=90.0).contains(&lat)
                {
                    Ok((lat, lon))
                } else {
                    Err(ApiError::invalid_value(
                        &format!("points[{index}]"),
                        format!("points[{index}] [{lon}, {lat}]: expected [lon, lat] with lon in [-180, 180], lat in [-90, 90]"),
                    ))
                }
            })
            .collect()
    }
}

/// A geographic error as the API's.
fn geo_error(error: GeoError) -> ApiError {
    let message = error.to_string();
    match error {
        GeoError::NoNodeNear { .. } | GeoError::NotConnected { .. } => {
            ApiError::new(Code::NoSegment, message).with_field("points")
        }
        GeoError::NoPath { .. } => ApiError::new(Code::NoRoute, message),
        GeoError::TooManyPoints { .. } => ApiError::too_big("points", message),
        GeoError::Passage(_) => ApiError::invalid_value("avoid_passage", message),
        GeoError::InvalidParameter { field, .. } => ApiError::invalid_value(field, message),
        GeoError::Cancelled => ApiError::new(Code::Timeout, message),
        _ => ApiError::invalid_value("points", message),
    }
}

/// The network, prepared on its first request (a long job: a worker slot, the time limit).
async fn prepared(state: &AppState, name: GeoNetworkName) -> Result<Arc<PreparedGeo>, ApiError> {
    let cell = &state.0.geo[name.index()];
    let job_state = state.clone();
    cell.get_or_try_init(|| async move {
        let cache_dir = job_state.0.geo_cache.clone();
        run_job(&job_state, move |stop| {
            let spec = GeoSpec::Embedded(name.embedded());
            let cache = cache_dir.and_then(|dir| spec.default_cache_file(&dir));
            let mut notes = Vec::new();
            PreparedGeo::load(
                &spec,
                cache.as_deref(),
                SearchKind::Ch,
                &mut notes,
                &mut |_| go_on(stop),
            )
            .map(Arc::new)
            .map_err(geo_error)
        })
        .await
    })
    .await
    .cloned()
}

fn network_of(text: &str) -> Result<GeoNetworkName, ApiError> {
    GeoNetworkName::parse(text).ok_or_else(|| {
        ApiError::new(
            Code::InvalidService,
            format!(
                "network `{}`: expected rail, road or sea",
                silkroute_core::io::clip(text)
            ),
        )
        .with_field("network")
    })
}

/// The body of a GET: the path's `lon,lat;lon,lat` points, the query's options.
fn body_of_get(
    segment: &str,
    raw: Option<&str>,
    own: &[(&str, Kind)],
) -> Result<GeoBody, ApiError> {
    let mut points = Vec::new();
    for (index, place) in places(segment)?.iter().enumerate() {
        let parsed = place.split_once(',').and_then(|(lon, lat)| {
            Some(Value::from(vec![
                lon.trim().parse::<f64>().ok()?,
                lat.trim().parse::<f64>().ok()?,
            ]))
        });
        points.push(parsed.ok_or_else(|| {
            ApiError::invalid_query(format!(
                "points[{index}] `{}`: expected lon,lat",
                silkroute_core::io::clip(place)
            ))
            .with_field(&format!("points[{index}]"))
        })?);
    }
    let mut object = query_object(&pairs(raw)?, &[GEO_OPTIONS, own])?;
    object.insert("points".into(), Value::Array(points));
    read_body(Value::Object(object))
}

/// `GET /geo/route/v1/{network}/{points}`.
#[utoipa::path(get, path = "/geo/route/v1/{network}/{points}", tag = "geography",
    params(
        ("network" = GeoNetworkName, Path, description = "rail, road or sea"),
        ("points" = String, Path, description = "`lon,lat;lon,lat`", example = "71.43,51.13;76.95,43.25"),
        ("max_snap_km" = Option<f64>, Query, description = "Largest snapping distance, km (default 50)", minimum = 0, maximum = 20000),
        ("avoid_passage" = Option<String>, Query, description = "Passages not to use, comma-separated (`suez`, `babelmandeb`)"),
        ("allow_passage" = Option<String>, Query, description = "Ice passages to use all the same (`northeast`, `northwest`)"),
        ("geometries" = Option<Geometries>, Query, description = "`geojson`: add the path as GeoJSON"),
    ),
    responses(
        (status = 200, description = "The shortest path (the CLI's `geo route --format json`)", body = GeoRouteAnswer),
        (status = 400, description = "A bad request, a point too far from the network, or no path", body = ErrorBody),
        (status = 404, description = "An unknown network", body = ErrorBody),
        (status = 503, description = "The network is being prepared by every worker, or timed out", body = ErrorBody),
    ))]
pub async fn geo_route_get(
    State(state): State<AppState>,
    Segments((network, segment)): Segments<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Answer<GeoRouteAnswer> {
    let name = network_of(&network)?;
    let body = body_of_get(&segment, raw.as_deref(), &[("geometries", Kind::Text)])?;
    let points = body.lat_lons()?;
    let [from, to] = <[(f64, f64); 2]>::try_from(points).map_err(|points| {
        ApiError::invalid_query(format!(
            "{} points: expected two, lon,lat;lon,lat",
            points.len()
        ))
        .with_field("points")
    })?;
    let options = body.options();
    options.validate().map_err(geo_error)?;
    let prepared = prepared(&state, name).await?;
    let engine = GeoEngine::new(&prepared, &options).map_err(geo_error)?;
    let answer = engine.route_path(from, to).map_err(geo_error)?;
    let report = GeoRouteReport::new(&engine, &answer, &prepared.attribution);
    let geojson = body.geometries.map(|_| report.to_geojson());
    Ok(Json(GeoRouteAnswer {
        code: Code::Ok,
        data_version: state.data_version().to_string(),
        report,
        geojson,
    }))
}

/// The table of a body, as a long job when it is large.
async fn geo_table(state: AppState, name: GeoNetworkName, body: GeoBody) -> Answer<GeoTableAnswer> {
    if body.geometries.is_some() {
        return Err(
            ApiError::invalid_query("geometries: a table has no geometry").with_field("geometries"),
        );
    }
    if body.points.len() > MAX_MATRIX_POINTS {
        return Err(ApiError::too_big(
            "points",
            format!("{} points: at most {MAX_MATRIX_POINTS}", body.points.len()),
        ));
    }
    let points = body.lat_lons()?;
    let options = body.options();
    options.validate().map_err(geo_error)?;
    let prepared = prepared(&state, name).await?;
    let job_state = state.clone();
    run_job(&state, move |stop| {
        let engine = GeoEngine::new(&prepared, &options).map_err(geo_error)?;
        let matrix = engine
            .matrix_with_progress(&points, &|_, _| go_on(stop))
            .map_err(geo_error)?;
        Ok(Json(GeoTableAnswer {
            code: Code::Ok,
            data_version: job_state.data_version().to_string(),
            report: GeoMatrixReport::new(&matrix, &points, &prepared.attribution),
            geojson: None,
        }))
    })
    .await
}

/// `GET /geo/table/v1/{network}/{points}`.
#[utoipa::path(get, path = "/geo/table/v1/{network}/{points}", tag = "geography",
    params(
        ("network" = GeoNetworkName, Path, description = "rail, road or sea"),
        ("points" = String, Path, description = "`lon,lat;lon,lat;…`", example = "71.43,51.13;76.95,43.25;69.6,42.3"),
        ("max_snap_km" = Option<f64>, Query, description = "Largest snapping distance, km (default 50)", minimum = 0, maximum = 20000),
        ("avoid_passage" = Option<String>, Query, description = "Passages not to use, comma-separated"),
        ("allow_passage" = Option<String>, Query, description = "Ice passages to use all the same"),
    ),
    responses(
        (status = 200, description = "Network km between every pair of points (the CLI's `geo matrix --format json`)", body = GeoTableAnswer),
        (status = 400, description = "A bad request or too many points", body = ErrorBody),
        (status = 404, description = "An unknown network", body = ErrorBody),
        (status = 503, description = "Busy or timed out", body = ErrorBody),
    ))]
pub async fn geo_table_get(
    State(state): State<AppState>,
    Segments((network, segment)): Segments<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Answer<GeoTableAnswer> {
    let name = network_of(&network)?;
    let body = body_of_get(&segment, raw.as_deref(), &[])?;
    geo_table(state, name, body).await
}

/// `POST /geo/table/{network}`.
#[utoipa::path(post, path = "/geo/table/{network}", tag = "geography",
    params(("network" = GeoNetworkName, Path, description = "rail, road or sea")),
    request_body = GeoBody,
    responses(
        (status = 200, description = "Network km between every pair of points", body = GeoTableAnswer),
        (status = 400, description = "A bad request or too many points", body = ErrorBody),
        (status = 404, description = "An unknown network", body = ErrorBody),
        (status = 413, description = "A body over the size limit", body = ErrorBody),
        (status = 503, description = "Busy or timed out", body = ErrorBody),
    ))]
pub async fn geo_table_post(
    State(state): State<AppState>,
    Segments(network): Segments<String>,
    body: Body,
) -> Answer<GeoTableAnswer> {
    let name = network_of(&network)?;
    let body: GeoBody = body.read()?;
    geo_table(state, name, body).await
}
