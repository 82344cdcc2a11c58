//! Every output schema of the library: the serializable records front ends print as JSON, CSV
//! or GeoJSON, and the server will return. Records are built from the results of the domain
//! modules and keyed by the data's stable string ids (`dostyk`, `dm_second_track`), so two
//! reports can be compared key by key. [`geojson`] is the one GeoJSON writer.

mod assign;
mod corridors;
mod fit;
pub mod freight;
pub mod geo;
pub mod geojson;
mod network;
mod observed;
mod places;
mod reach;
mod route;
pub mod simulation;
mod table;

pub use assign::{
    AssignLinkRecord, AssignReport, NoLines, RobustnessRecord, assign_geojson, robustness_records,
};
pub use corridors::{CorridorRecord, CorridorsReport};
pub use fit::{
    CalibrationReport, FIT_REPORT_VERSION, FactorRecord, FitRecord, FitReport, FitSummary,
    MarketFitRecord, MarketYearFitRecord, write_calibration_csv, write_market_years_csv,
    write_markets_csv,
};
pub use freight::FreightReport;
pub use geo::{GeoMatrixReport, GeoRouteReport};
pub use geojson::{Feature, FeatureCollection, Geometry, part_of_line};
pub use network::{
    CorridorSummary, FreightSummary, NetworkSummary, network_geojson, write_links_csv,
};
pub use observed::{KindSummary, ObservedRecord, ObservedReport};
pub use places::{PlaceRow, gauges, places_geojson, write_places_csv};
pub use reach::{BandRecord, ReachReport, ReachRow};
pub use route::{
    LegRecord, PlaceRecord, QueryRecord, REPORT_VERSION, ReliabilityRecord, RouteRecord,
    RouteReport, SHAPES_ATTRIBUTION, SourceRecord, TransferRecord, corridor_keys, link_positions,
    query_records, round1, routes_geojson, write_routes_csv,
};
pub use table::{Matrix, TableReport};
