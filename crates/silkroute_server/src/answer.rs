//! Successful answers: the core's report, as the CLI's `--format json` prints it, flattened
//! into an object with `code` = `Ok` and the network's `data_version`, and the report's
//! GeoJSON (the CLI's `--format geojson`) as `geojson` when asked for.

use crate::error::{ApiError, Code};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use silkroute_core::report::simulation::SimulationReport;
use silkroute_core::report::{
    CorridorsReport, FeatureCollection, FreightReport, GeoMatrixReport, GeoRouteReport,
    NetworkSummary, PlaceRow, ReachReport, RouteReport, TableReport,
};
use silkroute_core::scenario::{ScenarioDiff, ScenarioReport};
use utoipa::ToSchema;

/// JSON bytes of a value. Serializing a report cannot fail (no maps with non-string keys),
/// but if it ever did the client gets an `InternalError` body, not a dropped connection.
pub fn json_bytes<T: Serialize>(value: &T) -> Vec<u8> {
    // A route answer is tens of kilobytes: start big enough to grow once or twice.
    let mut bytes = Vec::with_capacity(16 * 1024);
    serde_json::to_writer(&mut bytes, value)
        .map(|()| bytes)
        .unwrap_or_else(|error| {
            format!(
                "{{\"code\":\"InternalError\",\"message\":{}}}",
                serde_json::Value::String(format!("cannot serialize the answer: {error}"))
            )
            .into_bytes()
        })
}

/// A 200 answer with a JSON body.
pub struct Json<T>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        let mut response = (StatusCode::OK, json_bytes(&self.0)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    }
}

/// What a handler returns.
pub type Answer<T> = Result<Json<T>, ApiError>;

macro_rules! report_answer {
    ($(#[$doc:meta])* $name:ident, $report:ty) => {
        $(#[$doc])*
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            /// `Ok`.
            pub code: Code,
            /// The network's fingerprint (16 hex digits): answers with the same
            /// `data_version` come from the same data.
            pub data_version: String,
            /// The report, as the CLI's `--format json`.
            #[serde(flatten)]
            pub report: $report,
            /// The report as GeoJSON (the CLI's `--format geojson`), with
            /// `geometries=geojson`.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub geojson: Option<FeatureCollection>,
        }
    };
}

report_answer!(
    /// `GET /route/v1/…`, `POST /route`: routes side by side, or the Pareto set.
    RouteAnswer,
    RouteReport
);
report_answer!(
    /// `GET /corridors/v1/…`, `POST /corridors`: each corridor's best route, or why none.
    CorridorsAnswer,
    CorridorsReport
);
report_answer!(
    /// `GET /table/v1/…`, `POST /table`: the best route's days, USD and kg CO2e between
    /// places.
    TableAnswer,
    TableReport
);
report_answer!(
    /// `GET /isochrone/v1/…`, `POST /reach`: where a box can be within some days or USD.
    ReachAnswer,
    ReachReport
);
report_answer!(
    /// `GET /geo/route/v1/…`: the shortest path on a continental network.
    GeoRouteAnswer,
    GeoRouteReport
);
report_answer!(
    /// `GET /geo/table/v1/…`, `POST /geo/table/{network}`: network km between points.
    GeoTableAnswer,
    GeoMatrixReport
);
report_answer!(
    /// `GET /network`: what the network holds.
    NetworkAnswer,
    NetworkSummary
);
report_answer!(
    /// `POST /assign`: the freight assignment of a year.
    AssignAnswer,
    FreightReport
);
report_answer!(
    /// `POST /simulate`: transit-time distributions by simulation.
    SimulateAnswer,
    SimulationReport
);
report_answer!(
    /// `POST /scenario/run`: a scenario's freight assignment and the routes of its pairs.
    ScenarioRunAnswer,
    ScenarioReport
);
report_answer!(
    /// `POST /scenario/compare`: what changes from one scenario to another.
    CompareAnswer,
    ScenarioDiff
);

/// `GET /places`: places matching a name, alias, id or country.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlacesAnswer {
    /// `Ok`.
    pub code: Code,
    /// The network's fingerprint.
    pub data_version: String,
    /// The places found (the CLI's `places --format json` rows), at most `limit`.
    pub places: Vec<PlaceRow>,
    /// Places found before the limit cut the list.
    pub total: usize,
    /// When nothing matches: the closest names of the network, best first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<String>,
}

/// A corridor of the network.
#[derive(Debug, Serialize, ToSchema)]
pub struct CorridorName {
    /// Corridor id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// `GET /status`: what the server serves.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusAnswer {
    /// `Ok`.
    pub code: Code,
    /// The network's fingerprint.
    pub data_version: String,
    /// Layout version of the route reports.
    pub report_version: u32,
    /// The server's version.
    pub build: String,
    /// The network's name.
    pub network: String,
    /// The network's reference year (the default `year`).
    pub reference_year: i32,
    /// Places of the network.
    pub places: usize,
    /// Links of the network.
    pub links: usize,
    /// The corridors, in the network's order.
    pub corridors: Vec<CorridorName>,
    /// Scenario names `POST /scenario/compare` and `POST /assign` accept.
    pub scenarios: Vec<String>,
    /// The server's limits.
    pub limits: crate::state::Limits,
}
