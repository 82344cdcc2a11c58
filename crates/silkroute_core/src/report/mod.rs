//! Every output schema of the library: the serializable records front ends print as JSON, CSV
//! or GeoJSON, and the server will return. Records are built from the results of the domain
//! modules and keyed by the data's stable string ids (`dostyk`, `dm_second_track`), so two
//! reports can be compared key by key. [`geojson`] is the one GeoJSON writer.

pub mod geo;
pub mod geojson;
mod route;

pub use geo::GeoRouteReport;
pub use geojson::{Feature, FeatureCollection, Geometry};
pub use route::{
    LegRecord, PlaceRecord, QueryRecord, REPORT_VERSION, RouteRecord, RouteReport, SourceRecord,
    TransferRecord, corridor_keys, round1,
};
