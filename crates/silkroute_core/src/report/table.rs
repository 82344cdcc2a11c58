//! `silkroute table`: the best route between every source and every destination, as dense
//! matrices of days, hours, USD, kg CO2e and corridor (JSON), or one row per cell (CSV).
//! Documented in `docs/formats.md`.

use super::route::{PlaceRecord, QueryRecord, REPORT_VERSION, round1};
use crate::network::Network;
use crate::route::{Table, TableQuery};
use serde::Serialize;
use std::io::Write;

/// A matrix, `[source][destination]`, `null` where no route connects the two.
pub type Matrix<T> = Vec<Vec<Option<T>>>;

/// `silkroute table --format json`: each cell is the best route by the objective, its totals
/// rounded as a route report rounds them; a place to itself is 0.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TableReport {
    /// Layout version.
    pub version: u32,
    /// The rows' places.
    pub sources: Vec<PlaceRecord>,
    /// The columns' places.
    pub destinations: Vec<PlaceRecord>,
    /// Options.
    pub query: QueryRecord,
    /// Days.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<Option<f64>>>))]
    pub days: Matrix<f64>,
    /// Hours.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<Option<f64>>>))]
    pub hours: Matrix<f64>,
    /// USD per FEU.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<Option<f64>>>))]
    pub usd: Matrix<f64>,
    /// kg CO2e per FEU.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<Option<f64>>>))]
    pub co2e_kg: Matrix<f64>,
    /// Corridor ids (`regional` when none; `null` from a place to itself).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<Option<String>>>))]
    pub corridor: Matrix<String>,
}

impl TableReport {
    /// The report of a table answering `query`.
    pub fn new(network: &Network, query: &TableQuery, table: &Table) -> TableReport {
        let matrix = |value: &dyn Fn(&crate::route::TableCell) -> f64| -> Matrix<f64> {
            table
                .cells
                .iter()
                .map(|row| row.iter().map(|cell| cell.as_ref().map(value)).collect())
                .collect()
        };
        let corridor = table
            .cells
            .iter()
            .zip(&table.sources)
            .map(|(row, source)| {
                row.iter()
                    .zip(&table.destinations)
                    .map(|(cell, destination)| {
                        cell.filter(|_| source != destination).map(|cell| {
                            cell.corridor.map_or_else(
                                || "regional".to_string(),
                                |c| network.corridor(c).key.clone(),
                            )
                        })
                    })
                    .collect()
            })
            .collect();
        let records = |places: &[crate::network::PlaceMatch]| {
            places
                .iter()
                .map(|place| PlaceRecord::of_match(network, place))
                .collect()
        };
        TableReport {
            version: REPORT_VERSION,
            sources: records(&query.sources),
            destinations: records(&query.destinations),
            query: QueryRecord::new(network, &query.options, &query.avoid_text, false),
            days: matrix(&|cell| round1(cell.criteria.hours / 24.0)),
            hours: matrix(&|cell| round1(cell.criteria.hours)),
            usd: matrix(&|cell| round1(cell.criteria.cost_usd)),
            co2e_kg: matrix(&|cell| round1(cell.criteria.co2e_kg)),
            corridor,
        }
    }

    /// The table as CSV, one row per cell, sources in order, then destinations:
    /// `source,destination,days,hours,usd,co2e_kg,corridor` (empty where there is no route).
    ///
    /// # Errors
    /// Only from writing to `out`.
    pub fn write_csv(&self, out: &mut dyn Write) -> csv::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record([
            "source",
            "destination",
            "days",
            "hours",
            "usd",
            "co2e_kg",
            "corridor",
        ])?;
        let number = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
        for (i, source) in self.sources.iter().enumerate() {
            for (j, destination) in self.destinations.iter().enumerate() {
                writer.write_record([
                    source.id.clone(),
                    destination.id.clone(),
                    number(self.days[i][j]),
                    number(self.hours[i][j]),
                    number(self.usd[i][j]),
                    number(self.co2e_kg[i][j]),
                    self.corridor[i][j].clone().unwrap_or_default(),
                ])?;
            }
        }
        writer.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::{Objective, RouteRequest, TableRequest, plan_table};

    #[test]
    fn matrices_are_rounded_as_routes_with_nulls_where_no_route() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/mini");
        let network = crate::network::load_dir(std::path::Path::new(dir))
            .expect("mini loads")
            .0;
        let query = TableRequest {
            places: vec!["East City".into(), "West City".into(), "Border BY".into()],
            route: RouteRequest {
                objective: Objective::Time,
                avoid: vec!["node:Border BY".into()],
                ..RouteRequest::default()
            },
            ..TableRequest::default()
        }
        .resolve(&network)
        .expect("valid");
        let report = TableReport::new(&network, &query, &plan_table(&network, &query));
        assert_eq!(report.days[0][0], Some(0.0));
        assert_eq!(report.corridor[0][0], None);
        assert_eq!(report.days[0][2], None);
        assert_eq!(report.days[2][2], Some(0.0));
        let hours = report.hours[0][1].expect("a route");
        assert_eq!(report.days[0][1], Some(round1(hours / 24.0)));
        assert_eq!(report.corridor[0][1].as_deref(), Some("middle"));
        let mut csv = Vec::new();
        report.write_csv(&mut csv).expect("writes");
        let csv = String::from_utf8(csv).expect("UTF-8");
        assert!(csv.starts_with("source,destination,days,hours,usd,co2e_kg,corridor\n"));
        assert!(csv.contains("\neast_city,border_by,,,,,\n"), "{csv}");
    }
}
