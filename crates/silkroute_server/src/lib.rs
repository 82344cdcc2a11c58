//! silkroute over HTTP: an OSRM-style API on the core's requests and reports, its OpenAPI 3.1
//! description, and the web map.
//!
//! [`router`] builds the whole service over an [`AppState`]; [`serve`] runs it on a listener
//! until Ctrl-C. The server holds no domain logic: every answer is a core report (the CLI's
//! `--format json`) with `code` and `data_version` added, every error a stable [`Code`].
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use silkroute_server::{AppState, Limits, router};
//! let state = AppState::load(None, None, Limits::default()).expect("the embedded network");
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, router(state)).await
//! # }
//! ```

#![deny(clippy::unwrap_used)]

mod answer;
mod assets;
mod error;
mod geo;
mod jobs;
mod openapi;
mod params;
mod routes;
mod state;

pub use answer::{Json, json_bytes};
pub use error::{ApiError, Code, CorridorReason, ErrorBody};
pub use openapi::openapi_json;
pub use params::{ObjectiveName, RouteBody};
pub use state::{AppState, Limits, StateError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

/// The whole service: every path of the API, the OpenAPI description and the map.
pub fn router(state: AppState) -> Router {
    let body_limit = state.limits().max_body_bytes;
    Router::new()
        .route("/", get(assets::index))
        .route("/assets/{name}", get(assets::asset))
        .route("/openapi.json", get(openapi_service))
        .route("/status", get(routes::status))
        .route("/places", get(routes::places_service))
        .route("/network", get(routes::network_service))
        .route("/route/v1/{objective}/{places}", get(routes::route_get))
        .route("/route", post(routes::route_post))
        .route(
            "/corridors/v1/{objective}/{places}",
            get(routes::corridors_get),
        )
        .route("/corridors", post(routes::corridors_post))
        .route("/table/v1/{objective}/{places}", get(routes::table_get))
        .route("/table", post(routes::table_post))
        .route(
            "/isochrone/v1/{objective}/{places}",
            get(routes::isochrone_get),
        )
        .route("/reach", post(routes::reach_post))
        .route("/geo/route/v1/{network}/{points}", get(geo::geo_route_get))
        .route("/geo/table/v1/{network}/{points}", get(geo::geo_table_get))
        .route("/geo/table/{network}", post(geo::geo_table_post))
        .route("/assign", post(jobs::assign_post))
        .route("/scenario/run", post(jobs::scenario_run_post))
        .route("/scenario/compare", post(jobs::compare_post))
        .route("/simulate", post(jobs::simulate_post))
        .fallback(invalid_url)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(state)
}

/// The path parameters of a service, or `InvalidUrl` (a JSON error, as every other) when
/// they do not decode (`%FF`, a missing segment).
pub struct Segments<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> axum::extract::FromRequestParts<S>
    for Segments<T>
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Segments<T>, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Segments(value)),
            Err(rejection) => Err(ApiError::new(
                Code::InvalidUrl,
                format!("the path does not decode: {rejection}"),
            )),
        }
    }
}

/// A POST body within the size limit, or the API's error.
pub struct Body(Result<Bytes, BytesRejection>);

impl Body {
    /// The bytes, or `TooBig` (413) past the limit, `InvalidQuery` when unreadable.
    ///
    /// # Errors
    /// As above.
    pub fn bytes(self) -> Result<Bytes, ApiError> {
        self.0.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::too_big("body", "the body is larger than the server's limit")
                    .with_status(StatusCode::PAYLOAD_TOO_LARGE)
            } else {
                ApiError::invalid_query(format!("cannot read the body: {rejection}"))
            }
        })
    }
}

impl Body {
    /// The body read as a request type: `TooBig`, or `InvalidQuery` naming the member at fault.
    ///
    /// # Errors
    /// As above.
    pub fn read<T: serde::de::DeserializeOwned>(self) -> Result<T, ApiError> {
        params::read_body(params::json_value(&self.bytes()?)?)
    }
}

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = std::convert::Infallible;

    async fn from_request(request: Request, state: &S) -> Result<Body, Self::Rejection> {
        Ok(Body(Bytes::from_request(request, state).await))
    }
}

async fn invalid_url(request: Request) -> ApiError {
    ApiError::new(
        Code::InvalidUrl,
        format!(
            "no service at {} (see /openapi.json)",
            silkroute_core::io::clip(request.uri().path())
        ),
    )
}

async fn method_not_allowed(request: Request) -> ApiError {
    ApiError::new(
        Code::MethodNotAllowed,
        format!(
            "{} is not served at {}",
            request.method(),
            silkroute_core::io::clip(request.uri().path())
        ),
    )
}

async fn openapi_service() -> Response {
    let mut response = openapi_json().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Serves `state` on `listener` until Ctrl-C (or SIGTERM), then finishes the requests in
/// flight.
///
/// # Errors
/// The listener's I/O errors.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown())
        .await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
