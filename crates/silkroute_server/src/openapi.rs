//! The OpenAPI 3.1 description, generated from the handlers' annotations and the report
//! types (`silkroute_core`'s feature `openapi`). `openapi.json` in this crate is its golden
//! copy (tested).

use crate::answer::{
    AssignAnswer, CompareAnswer, CorridorName, CorridorsAnswer, GeoRouteAnswer, GeoTableAnswer,
    NetworkAnswer, PlacesAnswer, ReachAnswer, RouteAnswer, ScenarioRunAnswer, SimulateAnswer,
    StatusAnswer, TableAnswer,
};
use crate::error::{Code, CorridorReason, ErrorBody};
use crate::geo::{self, GeoBody, GeoNetworkName};
use crate::jobs::{self, AssignBody, CompareBody, ScenarioRunBody, SimulateBody};
use crate::params::{Geometries, ObjectiveName, ReachBody, RouteBody, TableBody};
use crate::routes;
use crate::state::Limits;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "silkroute",
        description = "Freight routes, tables, reachability, assignment, scenarios and simulation on the New Silk Road corridor network. Places are names, aliases, ids or `lon,lat`; answers are the CLI's `--format json` reports with `code` and `data_version`; errors are HTTP 4xx with a stable `code`.",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0"),
    ),
    paths(
        routes::status,
        routes::places_service,
        routes::network_service,
        routes::route_get,
        routes::route_post,
        routes::corridors_get,
        routes::corridors_post,
        routes::table_get,
        routes::table_post,
        routes::isochrone_get,
        routes::reach_post,
        geo::geo_route_get,
        geo::geo_table_get,
        geo::geo_table_post,
        jobs::assign_post,
        jobs::scenario_run_post,
        jobs::compare_post,
        jobs::simulate_post,
    ),
    components(schemas(
        Code, ErrorBody, CorridorReason, Limits, CorridorName, ObjectiveName, Geometries,
        RouteBody, TableBody, ReachBody, AssignBody, CompareBody, SimulateBody, StatusAnswer, PlacesAnswer, NetworkAnswer, RouteAnswer, CorridorsAnswer,
        AssignAnswer, SimulateAnswer, CompareAnswer, TableAnswer, ReachAnswer, GeoRouteAnswer,
        GeoTableAnswer, GeoBody, GeoNetworkName, ScenarioRunBody, ScenarioRunAnswer,
    )),
    tags(
        (name = "meta", description = "The server"),
        (name = "network", description = "Places and links"),
        (name = "routing", description = "Routes, corridors, tables and reachability"),
        (name = "geography", description = "Shortest paths and distance tables on the continental rail, road and sea networks"),
        (name = "jobs", description = "Long jobs: assignment, scenarios, simulation"),
    )
)]
struct ApiDoc;

/// The OpenAPI description as pretty JSON, with a final newline.
pub fn openapi_json() -> String {
    let mut text = ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|error| format!("{{\"error\":\"{error}\"}}"));
    text.push('\n');
    text
}
