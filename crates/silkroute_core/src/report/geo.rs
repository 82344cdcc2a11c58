//! Reports of geographic queries: one route (JSON, GeoJSON, CSV of its nodes), a batch of
//! queries (CSV) and a distance matrix (CSV, JSON).

use super::geojson::{Feature, FeatureCollection, Geometry, Position};
use crate::geo::{GeoAnswer, GeoEngine, GeoMatrix, GeoQuery, TimedAnswer};
use serde::Serialize;
use serde_json::json;
use std::io::Write;

/// A distance matrix on a geographic network (`silkroute geo matrix --format json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GeoMatrixReport {
    /// What answers must credit.
    pub attribution: String,
    /// The points asked, `[lon, lat]`, in order.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<f64>>))]
    pub points: Vec<Position>,
    /// `km[i][j]`: network km from point `i` to point `j` (to the metre); `null` without a
    /// path, and in the row and column of a point that did not snap.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<Option<f64>>>))]
    pub km: Vec<Vec<Option<f64>>>,
    /// Points (0-based) with no network node within the snapping distance.
    pub unsnapped: Vec<usize>,
}

impl GeoMatrixReport {
    /// The report of a matrix over `points` (`(lat, lon)`, as asked), crediting `attribution`.
    pub fn new(matrix: &GeoMatrix, points: &[(f64, f64)], attribution: &str) -> GeoMatrixReport {
        let n = points.len();
        GeoMatrixReport {
            attribution: attribution.to_string(),
            points: points.iter().map(|&(lat, lon)| [lon, lat]).collect(),
            km: (0..n)
                .map(|i| {
                    (0..n)
                        .map(|j| matrix.km.get(i * n + j).copied().flatten().map(round3))
                        .collect()
                })
                .collect(),
            unsnapped: matrix.unsnapped.clone(),
        }
    }
}

/// Rounds to the metre (0.001 km).
fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// Where an end of a route attached to the network.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnapRecord {
    /// The node's id in the network's files.
    pub node: String,
    /// Distance from the point asked to the node, km.
    pub snap_km: f64,
}

/// A route on a geographic network (`silkroute geo route --format json`; the fields are in
/// alphabetical order, as this report has always printed them).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GeoRouteReport {
    /// What answers must credit.
    pub attribution: String,
    /// Passages avoided, sorted.
    pub avoided_passages: Vec<String>,
    /// The path, `[lon, lat]`.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<f64>>))]
    pub coordinates: Vec<Position>,
    /// Where the destination attached.
    pub destination: SnapRecord,
    /// Length, km (network km, plus the straight legs under scgraph semantics).
    pub km: f64,
    /// Number of nodes on the path.
    pub nodes: usize,
    /// Where the origin attached.
    pub origin: SnapRecord,
    /// Passages the path goes through, in order.
    pub passages: Vec<String>,
    /// The path's node ids, for the CSV output.
    #[serde(skip)]
    pub node_ids: Vec<String>,
    /// The attachment points as `(lat, lon)`, for the table output.
    #[serde(skip)]
    pub snapped: [(f64, f64); 2],
}

impl GeoRouteReport {
    /// The report of an answer of `engine`, crediting `attribution`.
    pub fn new(engine: &GeoEngine<'_>, answer: &GeoAnswer, attribution: &str) -> GeoRouteReport {
        let network = engine.network();
        let graph = &network.graph;
        let snap = |snap: &crate::geo::Snap| SnapRecord {
            node: network.ids[snap.node.index()].clone(),
            snap_km: round3(snap.distance_km),
        };
        GeoRouteReport {
            attribution: attribution.to_string(),
            avoided_passages: engine.avoided_names(),
            coordinates: answer
                .nodes
                .iter()
                .map(|&n| {
                    let (lat, lon) = graph.coord(n);
                    [lon, lat]
                })
                .collect(),
            destination: snap(&answer.destination),
            km: round3(answer.km),
            nodes: answer.nodes.len(),
            origin: snap(&answer.origin),
            passages: engine.passages_on(&answer.nodes),
            node_ids: answer
                .nodes
                .iter()
                .map(|&n| network.ids[n.index()].clone())
                .collect(),
            snapped: [
                graph.coord(answer.origin.node),
                graph.coord(answer.destination.node),
            ],
        }
    }

    /// The route as a GeoJSON line (split at the antimeridian).
    pub fn to_geojson(&self) -> FeatureCollection {
        FeatureCollection::new(
            vec![Feature::new(
                Geometry::line(self.coordinates.clone()),
                json!({
                    "km": self.km,
                    "passages": self.passages,
                    "avoided_passages": self.avoided_passages,
                    "attribution": self.attribution,
                }),
            )],
            None,
        )
    }

    /// One CSV row per node of the path: `lat,lon,node`.
    ///
    /// # Errors
    /// Only from writing to `out`.
    pub fn write_csv(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "lat,lon,node")?;
        for (position, id) in self.coordinates.iter().zip(&self.node_ids) {
            writeln!(out, "{},{},{id}", position[1], position[0])?;
        }
        Ok(())
    }
}

/// Writes the answers of a batch of queries as CSV: `km,olat,olon,dlat,dlon`, km empty where
/// a query has no answer.
///
/// # Errors
/// Only from writing to `out`.
pub fn write_queries_csv(
    queries: &[GeoQuery],
    answers: &[TimedAnswer],
    out: &mut dyn Write,
) -> csv::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(["km", "olat", "olon", "dlat", "dlon"])?;
    for (answer, ((olat, olon), (dlat, dlon))) in answers.iter().zip(queries) {
        writer.write_record([
            answer.km.map(|km| format!("{km:.3}")).unwrap_or_default(),
            olat.to_string(),
            olon.to_string(),
            dlat.to_string(),
            dlon.to_string(),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

/// Timing of a batch: `(median, 90th percentile)` microseconds per query.
pub fn query_percentiles(answers: &[TimedAnswer]) -> (f64, f64) {
    let mut micros: Vec<f64> = answers.iter().map(|a| a.micros).collect();
    micros.sort_by(f64::total_cmp);
    let percentile = |p: f64| {
        if micros.is_empty() {
            0.0
        } else {
            micros[((micros.len() - 1) as f64 * p).round() as usize]
        }
    };
    (percentile(0.5), percentile(0.9))
}

/// Writes a distance matrix as CSV: a header `0,1,...,n-1`, then one row per origin, km to
/// the metre, empty where there is no path or a point did not attach.
///
/// # Errors
/// Only from writing to `out`.
pub fn write_matrix_csv(matrix: &GeoMatrix, points: usize, out: &mut dyn Write) -> csv::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record((0..points).map(|i| i.to_string()))?;
    let mut row = Vec::with_capacity(points);
    for i in 0..points {
        row.clear();
        for j in 0..points {
            row.push(
                matrix.km[i * points + j]
                    .map(|km| format!("{km:.3}"))
                    .unwrap_or_default(),
            );
        }
        writer.write_record(&row)?;
    }
    writer.flush()?;
    Ok(())
}
