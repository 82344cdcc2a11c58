//! `silkroute reach`: every place of the network with its best route from the origins (or, in
//! reverse, to the targets) and the smallest band that holds it, as JSON, CSV and GeoJSON
//! (places as points, and per band the parts of links reached as lines). Documented in
//! `docs/formats.md`.

use super::geojson::{Feature, FeatureCollection, Geometry, part_of_line};
use super::route::{
    PlaceRecord, QueryRecord, REPORT_VERSION, SHAPES_ATTRIBUTION, link_positions, round1,
};
use crate::network::Network;
use crate::route::{Band, Reach, ReachDirection, ReachQuery};
use serde::Serialize;
use serde_json::json;
use std::io::Write;

/// A band in a report: its limits as asked.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BandRecord {
    /// Most days (`null`: no limit of time).
    pub days: Option<f64>,
    /// Most USD per FEU (`null`: no limit of cost).
    pub usd: Option<f64>,
}

/// One place of the network and its best route, or nulls when it has none.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReachRow {
    /// Node id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// ISO country code.
    pub country: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Days of the best route.
    pub days: Option<f64>,
    /// Hours of the best route.
    pub hours: Option<f64>,
    /// USD per FEU of the best route.
    pub usd: Option<f64>,
    /// kg CO2e per FEU of the best route.
    pub co2e_kg: Option<f64>,
    /// Its corridor (`regional` when none; `null` at an origin or without a route).
    pub corridor: Option<String>,
    /// The place before it on the route (reversed: after it).
    pub via: Option<String>,
    /// The origin its route starts from (reversed: the target it ends at).
    pub origin: Option<String>,
    /// The index of the smallest band holding it.
    pub band: Option<usize>,
}

/// `silkroute reach --format json`.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReachReport {
    /// Layout version.
    pub version: u32,
    /// The origins (reversed: the targets).
    pub origins: Vec<PlaceRecord>,
    /// Options.
    pub query: QueryRecord,
    /// Whether routes end at the origins (arrive-by) rather than start there.
    pub reverse: bool,
    /// The bands, smallest first.
    pub bands: Vec<BandRecord>,
    /// Every place of the network, by hours then id; places without a route last.
    pub places: Vec<ReachRow>,
}

impl ReachReport {
    /// The report of a reach answering `query`.
    pub fn new(network: &Network, query: &ReachQuery, reach: &Reach) -> ReachReport {
        let mut order: Vec<usize> = (0..network.node_count()).collect();
        let hours = |index: usize| reach.places[index].as_ref().map(|r| r.criteria.hours);
        order.sort_by(|&a, &b| {
            let key = |index| hours(index).unwrap_or(f64::INFINITY);
            key(a)
                .total_cmp(&key(b))
                .then_with(|| network.nodes()[a].key.cmp(&network.nodes()[b].key))
        });
        let places = order
            .into_iter()
            .map(|index| {
                let node = &network.nodes()[index];
                let reached = reach.places[index].as_ref();
                let criteria = reached.map(|r| r.criteria);
                ReachRow {
                    id: node.key.clone(),
                    name: node.name.clone(),
                    country: node.country.to_string(),
                    lat: node.lat,
                    lon: node.lon,
                    days: criteria.map(|c| round1(c.hours / 24.0)),
                    hours: criteria.map(|c| round1(c.hours)),
                    usd: criteria.map(|c| round1(c.cost_usd)),
                    co2e_kg: criteria.map(|c| round1(c.co2e_kg)),
                    corridor: reached.filter(|r| r.via.is_some()).map(|r| {
                        r.corridor.map_or_else(
                            || "regional".to_string(),
                            |c| network.corridor(c).key.clone(),
                        )
                    }),
                    via: reached
                        .and_then(|r| r.via)
                        .map(|via| network.node(via).key.clone()),
                    origin: reached.map(|r| network.node(r.origin(reach.direction)).key.clone()),
                    band: criteria.and_then(|c| query.band_of(&c)),
                }
            })
            .collect();
        ReachReport {
            version: REPORT_VERSION,
            origins: query
                .places
                .iter()
                .map(|place| PlaceRecord::of_match(network, place))
                .collect(),
            query: QueryRecord::new(network, &query.options, &query.avoid_text, false),
            reverse: reach.direction == ReachDirection::Reverse,
            bands: query
                .bands
                .iter()
                .map(|band| BandRecord {
                    days: band.days,
                    usd: band.usd,
                })
                .collect(),
            places,
        }
    }

    /// The reach as GeoJSON: per band, largest first, the parts of links on the routes of the
    /// places reached that lie within it (one `LineString` per arc, along the link's shape and
    /// cut at the share of its running reached; every route's links whole when there are no
    /// bands), then one `Point` per place with a route, in the report's order, with its row.
    pub fn to_geojson(&self, network: &Network, reach: &Reach) -> FeatureCollection {
        let mut features = Vec::new();
        let bands: Vec<(Option<usize>, Option<Band>)> = if self.bands.is_empty() {
            vec![(None, None)]
        } else {
            (0..self.bands.len())
                .rev()
                .map(|index| {
                    let record = self.bands[index];
                    let band = Band {
                        days: record.days,
                        usd: record.usd,
                    };
                    (Some(index), Some(band))
                })
                .collect()
        };
        for (index, band) in bands {
            for segment in reach.segments(band.as_ref()) {
                let arc = network.arc(segment.arc);
                let link = network.link(arc.link);
                let share = segment.to - segment.from;
                let line = part_of_line(
                    &link_positions(network, arc.link, arc.tail),
                    segment.from,
                    segment.to,
                );
                features.push(Feature::new(
                    Geometry::line(line),
                    json!({
                        "band": index,
                        "days": band.and_then(|b| b.days),
                        "usd": band.and_then(|b| b.usd),
                        "link": link.key,
                        "from": network.node(arc.tail).key,
                        "to": network.node(arc.head).key,
                        "mode": link.mode.as_str(),
                        "km": round1(link.length_km * share),
                        "share": (share * 1000.0).round() / 1000.0,
                    }),
                ));
            }
        }
        for row in self.places.iter().filter(|row| row.hours.is_some()) {
            features.push(Feature::new(
                Geometry::Point([row.lon, row.lat]),
                json!({
                    "id": row.id,
                    "name": row.name,
                    "country": row.country,
                    "days": row.days,
                    "hours": row.hours,
                    "usd": row.usd,
                    "co2e_kg": row.co2e_kg,
                    "corridor": row.corridor,
                    "via": row.via,
                    "origin": row.origin,
                    "band": row.band,
                }),
            ));
        }
        FeatureCollection::new(
            features,
            Some(json!({
                "attribution": SHAPES_ATTRIBUTION,
                "reverse": self.reverse,
                "bands": self.bands,
                "note": "Lines are the parts of the links on the places' best routes within each band, largest band first, cut pro rata to running hours (or USD); points are the places with a route.",
            })),
        )
    }

    /// The places as CSV, one row per place in the report's order:
    /// `id,name,country,lat,lon,days,hours,usd,co2e_kg,corridor,via,origin,band` (empty for
    /// null).
    ///
    /// # Errors
    /// Only from writing to `out`.
    pub fn write_csv(&self, out: &mut dyn Write) -> csv::Result<()> {
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record([
            "id", "name", "country", "lat", "lon", "days", "hours", "usd", "co2e_kg", "corridor",
            "via", "origin", "band",
        ])?;
        let number = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        for row in &self.places {
            writer.write_record([
                row.id.clone(),
                row.name.clone(),
                row.country.clone(),
                row.lat.to_string(),
                row.lon.to_string(),
                number(row.days),
                number(row.hours),
                number(row.usd),
                number(row.co2e_kg),
                text(&row.corridor),
                text(&row.via),
                text(&row.origin),
                row.band.map(|b| b.to_string()).unwrap_or_default(),
            ])?;
        }
        writer.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::{Objective, ReachRequest, RouteRequest, plan_reach};

    fn mini() -> Network {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/mini");
        crate::network::load_dir(std::path::Path::new(dir))
            .expect("mini loads")
            .0
    }

    #[test]
    fn every_place_has_a_row_by_hours_with_nulls_last() {
        let network = mini();
        let query = ReachRequest {
            places: vec!["East City".into()],
            days: vec![5.0, 10.0],
            route: RouteRequest {
                objective: Objective::Time,
                avoid: vec!["BY".into()],
                ..RouteRequest::default()
            },
            ..ReachRequest::default()
        }
        .resolve(&network)
        .expect("valid");
        let reach = plan_reach(&network, &query).expect("not avoided");
        let report = ReachReport::new(&network, &query, &reach);
        assert_eq!(report.places.len(), network.node_count());
        let origin = &report.places[0];
        assert_eq!(
            (
                origin.id.as_str(),
                origin.hours,
                origin.band,
                &origin.corridor,
                &origin.via
            ),
            ("east_city", Some(0.0), Some(0), &None, &None)
        );
        let hours: Vec<f64> = report.places.iter().filter_map(|r| r.hours).collect();
        assert!(hours.windows(2).all(|pair| pair[0] <= pair[1]), "{hours:?}");
        let unreached = report.places.last().expect("rows");
        assert_eq!(unreached.id, "border_by");
        assert_eq!(
            (unreached.days, &unreached.corridor, unreached.band),
            (None, &None, None)
        );
        for row in &report.places[1..report.places.len() - 1] {
            assert!(row.via.is_some() && row.corridor.is_some(), "{row:?}");
            assert_eq!(row.origin.as_deref(), Some("east_city"));
        }
        let mut csv = Vec::new();
        report.write_csv(&mut csv).expect("writes");
        let csv = String::from_utf8(csv).expect("UTF-8");
        assert!(csv.starts_with(
            "id,name,country,lat,lon,days,hours,usd,co2e_kg,corridor,via,origin,band\neast_city,"
        ));
        assert!(
            csv.ends_with("border_by,Border BY,BY,52.1,23.7,,,,,,,,\n"),
            "{csv}"
        );
        // Lines per band, largest first, then a point per place with a route.
        let geojson = report.to_geojson(&network, &reach);
        let bands: Vec<Option<u64>> = geojson
            .features
            .iter()
            .filter(|f| matches!(f.geometry, Geometry::LineString(_)))
            .map(|f| f.properties["band"].as_u64())
            .collect();
        assert!(bands.first() == Some(&Some(1)) && bands.last() == Some(&Some(0)));
        let points = geojson
            .features
            .iter()
            .filter(|f| matches!(f.geometry, Geometry::Point(_)))
            .count();
        assert_eq!(points, network.node_count() - 1);
    }
}
