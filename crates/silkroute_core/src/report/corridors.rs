//! `silkroute corridors`: the best route of each corridor between two places, or why it has
//! none.

use super::geojson::FeatureCollection;
use super::route::{
    PlaceRecord, QueryRecord, REPORT_VERSION, RouteRecord, query_records, routes_geojson,
};
use crate::network::Network;
use crate::route::{CorridorOutcome, Itinerary, Query};
use serde::Serialize;
use std::io::Write;

/// One corridor's best route, or why it has none.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorridorRecord {
    /// Corridor id.
    pub corridor: String,
    /// Display name.
    pub name: String,
    /// Its best route.
    pub route: Option<RouteRecord>,
    /// Why it has none.
    pub no_route_reason: Option<String>,
}

/// `silkroute corridors --format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CorridorsReport {
    /// Layout version.
    pub version: u32,
    /// Origin.
    pub from: PlaceRecord,
    /// Destination.
    pub to: PlaceRecord,
    /// Options.
    pub query: QueryRecord,
    /// One record per corridor of the network, in its order.
    pub corridors: Vec<CorridorRecord>,
}

impl CorridorsReport {
    /// The report of the outcomes of [`crate::route::best_by_corridor`] for `query`.
    pub fn new(network: &Network, query: &Query, outcomes: &[CorridorOutcome]) -> CorridorsReport {
        let corridors = outcomes
            .iter()
            .map(|outcome| {
                let corridor = network.corridor(outcome.corridor);
                let (route, no_route_reason) = match &outcome.result {
                    Ok(itinerary) => (
                        Some(RouteRecord::new(
                            network,
                            itinerary,
                            query.options.value_of_time_usd_per_day,
                        )),
                        None,
                    ),
                    Err(reason) => (None, Some(reason.describe())),
                };
                CorridorRecord {
                    corridor: corridor.key.clone(),
                    name: corridor.name.clone(),
                    route,
                    no_route_reason,
                }
            })
            .collect();
        let (from, to, query) = query_records(network, query, false);
        CorridorsReport {
            version: REPORT_VERSION,
            from,
            to,
            query,
            corridors,
        }
    }

    /// The corridors' routes as GeoJSON, as for `silkroute route`.
    pub fn to_geojson(&self, network: &Network, outcomes: &[CorridorOutcome]) -> FeatureCollection {
        let (itineraries, records): (Vec<Itinerary>, Vec<RouteRecord>) = outcomes
            .iter()
            .zip(&self.corridors)
            .filter_map(|(outcome, row)| {
                Some((outcome.result.as_ref().ok()?.clone(), row.route.clone()?))
            })
            .unzip();
        routes_geojson(network, &itineraries, &records)
    }

    /// One CSV row per corridor:
    /// `corridor,km,hours,days,cost_usd,co2e_kg,generalized_usd,no_route_reason`.
    ///
    /// # Errors
    /// Only from writing to `out`.
    pub fn write_csv(&self, out: &mut dyn Write) -> csv::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record([
            "corridor",
            "km",
            "hours",
            "days",
            "cost_usd",
            "co2e_kg",
            "generalized_usd",
            "no_route_reason",
        ])?;
        for row in &self.corridors {
            match &row.route {
                Some(r) => writer.write_record([
                    row.corridor.clone(),
                    r.total_km.to_string(),
                    r.total_hours.to_string(),
                    r.total_days.to_string(),
                    r.total_cost_usd.to_string(),
                    r.total_co2e_kg.to_string(),
                    r.generalized_cost_usd.to_string(),
                    String::new(),
                ])?,
                None => writer.write_record([
                    row.corridor.clone(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    row.no_route_reason.clone().unwrap_or_default(),
                ])?,
            }
        }
        writer.flush()?;
        Ok(())
    }
}
