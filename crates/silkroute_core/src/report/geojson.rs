//! The one GeoJSON writer (RFC 7946): feature collections of points and lines in
//! `[longitude, latitude]` order, whose properties each report fills in.
//!
//! Lines that cross the antimeridian (a route over the Bering Strait on the Northern Sea Route,
//! a trans-Pacific lane) are split there into a `MultiLineString`, with the crossing point
//! interpolated on both sides (RFC 7946 §3.1.9), so maps do not draw them across the world.
//!
//! Members serialize in alphabetical order (`coordinates` before `type`, `features` before
//! `properties`), the order of the JSON the reports have always printed.

use serde::Serialize;
use serde::ser::SerializeMap;

/// A position: `[longitude, latitude]`.
pub type Position = [f64; 2];

/// A GeoJSON geometry.
#[derive(Debug, Clone, PartialEq)]
pub enum Geometry {
    /// One position.
    Point(Position),
    /// Two or more positions.
    LineString(Vec<Position>),
    /// Several lines (a line split at the antimeridian).
    MultiLineString(Vec<Vec<Position>>),
}

impl Geometry {
    /// A line through `positions`, split where it crosses the antimeridian (a step of more
    /// than 180° of longitude between two positions) into a `MultiLineString`.
    pub fn line(positions: Vec<Position>) -> Geometry {
        let crosses = positions
            .windows(2)
            .any(|pair| (pair[1][0] - pair[0][0]).abs() > 180.0);
        if !crosses {
            return Geometry::LineString(positions);
        }
        let mut lines = Vec::new();
        let mut current: Vec<Position> = Vec::new();
        for position in positions {
            if let Some(&previous) = current.last()
                && (position[0] - previous[0]).abs() > 180.0
            {
                // Longitudes on a continuous scale: the next position moved by ±360°.
                let shift = if position[0] < previous[0] {
                    360.0
                } else {
                    -360.0
                };
                let next_lon = position[0] + shift;
                let edge = if shift > 0.0 { 180.0 } else { -180.0 };
                let t = (edge - previous[0]) / (next_lon - previous[0]);
                let lat = previous[1] + t * (position[1] - previous[1]);
                current.push([edge, lat]);
                lines.push(std::mem::take(&mut current));
                current.push([-edge, lat]);
            }
            current.push(position);
        }
        lines.push(current);
        Geometry::MultiLineString(lines)
    }

    fn kind(&self) -> &'static str {
        match self {
            Geometry::Point(_) => "Point",
            Geometry::LineString(_) => "LineString",
            Geometry::MultiLineString(_) => "MultiLineString",
        }
    }
}

impl Serialize for Geometry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        match self {
            Geometry::Point(position) => map.serialize_entry("coordinates", position)?,
            Geometry::LineString(positions) => map.serialize_entry("coordinates", positions)?,
            Geometry::MultiLineString(lines) => map.serialize_entry("coordinates", lines)?,
        }
        map.serialize_entry("type", self.kind())?;
        map.end()
    }
}

/// A feature: a geometry and its properties (a JSON object).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Feature {
    /// Where it is.
    pub geometry: Geometry,
    /// What it is.
    pub properties: serde_json::Value,
    #[serde(rename = "type")]
    kind: FeatureTag,
}

impl Feature {
    /// A feature with these properties (a JSON object).
    pub fn new(geometry: Geometry, properties: serde_json::Value) -> Feature {
        Feature {
            geometry,
            properties,
            kind: FeatureTag,
        }
    }
}

/// A collection of features, with optional properties of the whole collection (foreign
/// members that map tools show as metadata: attribution, notes).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeatureCollection {
    /// The features.
    pub features: Vec<Feature>,
    /// Properties of the collection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<serde_json::Value>,
    #[serde(rename = "type")]
    kind: CollectionTag,
}

impl FeatureCollection {
    /// A collection of `features` with optional collection properties.
    pub fn new(features: Vec<Feature>, properties: Option<serde_json::Value>) -> FeatureCollection {
        FeatureCollection {
            features,
            properties,
            kind: CollectionTag,
        }
    }
}

/// The part of a line from `from` to `to` (shares of its length, 0–1, measured along the great
/// circle between its positions), with the cut points interpolated and rounded to 1e-6 degrees
/// (a decimetre; the digits beyond would differ between platforms' trigonometry): what a map
/// draws of a link reached part of the way. Across the antimeridian the interpolation takes
/// the short way.
pub fn part_of_line(positions: &[Position], from: f64, to: f64) -> Vec<Position> {
    let from = if from.is_finite() {
        from.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let to = if to.is_finite() {
        to.clamp(from, 1.0)
    } else {
        1.0
    };
    if positions.len() < 2 || (from <= 0.0 && to >= 1.0) {
        return positions.to_vec();
    }
    let lengths: Vec<f64> = positions
        .windows(2)
        .map(|pair| crate::network::haversine_km(pair[0][1], pair[0][0], pair[1][1], pair[1][0]))
        .collect();
    let total: f64 = lengths.iter().sum();
    let first = positions[0];
    if total <= 0.0 {
        return vec![first, first];
    }
    let (start, end) = (from * total, to * total);
    let at = |a: Position, b: Position, t: f64| -> Position {
        if t <= 0.0 {
            return a;
        }
        if t >= 1.0 {
            return b;
        }
        let mut b_lon = b[0];
        if b_lon - a[0] > 180.0 {
            b_lon -= 360.0;
        } else if a[0] - b_lon > 180.0 {
            b_lon += 360.0;
        }
        let mut lon = a[0] + t * (b_lon - a[0]);
        if lon > 180.0 {
            lon -= 360.0;
        } else if lon < -180.0 {
            lon += 360.0;
        }
        let round = |degrees: f64| (degrees * 1e6).round() / 1e6;
        [round(lon), round(a[1] + t * (b[1] - a[1]))]
    };
    let mut out: Vec<Position> = Vec::new();
    let mut walked = 0.0;
    for (index, &length) in lengths.iter().enumerate() {
        let (a, b) = (positions[index], positions[index + 1]);
        let (segment_start, segment_end) = (walked, walked + length);
        walked = segment_end;
        if segment_end < start {
            continue;
        }
        let share = |distance: f64| {
            if length > 0.0 {
                ((distance - segment_start) / length).clamp(0.0, 1.0)
            } else {
                0.0
            }
        };
        if out.is_empty() {
            out.push(at(a, b, share(start)));
        }
        if segment_end < end {
            out.push(b);
        } else {
            out.push(at(a, b, share(end)));
            break;
        }
    }
    out.dedup();
    while out.len() < 2 {
        out.push(out.last().copied().unwrap_or(first));
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct FeatureTag;

impl Serialize for FeatureTag {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("Feature")
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct CollectionTag;

impl Serialize for CollectionTag {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str("FeatureCollection")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_come_in_the_order_reports_always_printed() {
        let collection = FeatureCollection::new(
            vec![Feature::new(
                Geometry::Point([76.9, 43.2]),
                json!({"name": "Almaty", "id": "almaty"}),
            )],
            None,
        );
        assert_eq!(
            serde_json::to_string(&collection).expect("serializes"),
            r#"{"features":[{"geometry":{"coordinates":[76.9,43.2],"type":"Point"},"properties":{"id":"almaty","name":"Almaty"},"type":"Feature"}],"type":"FeatureCollection"}"#
        );
    }

    #[test]
    fn a_part_of_a_line_is_cut_by_length() {
        // Two equal stretches along the equator.
        let line = [[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]];
        assert_eq!(part_of_line(&line, 0.0, 1.0), line.to_vec());
        let half = part_of_line(&line, 0.0, 0.5);
        assert_eq!(half, vec![[0.0, 0.0], [1.0, 0.0]]);
        let quarter = part_of_line(&line, 0.0, 0.25);
        assert_eq!(quarter.len(), 2);
        assert!((quarter[1][0] - 0.5).abs() < 1e-12, "{quarter:?}");
        let end = part_of_line(&line, 0.75, 1.0);
        assert!((end[0][0] - 1.5).abs() < 1e-12, "{end:?}");
        assert_eq!(end[1], [2.0, 0.0]);
        // Over the antimeridian the cut point lies on the short way.
        let bering = part_of_line(&[[179.0, 0.0], [-179.0, 0.0]], 0.0, 0.75);
        assert!((bering[1][0] - -179.5).abs() < 1e-9, "{bering:?}");
        // A line of one point, or of no length, stays a line.
        assert_eq!(part_of_line(&[[3.0, 4.0], [3.0, 4.0]], 0.0, 0.5).len(), 2);
    }

    #[test]
    fn a_line_over_the_antimeridian_is_split_there() {
        // Bering Strait, west to east: 170°E → 170°W.
        let geometry = Geometry::line(vec![[170.0, 66.0], [-170.0, 68.0], [-160.0, 69.0]]);
        let Geometry::MultiLineString(lines) = &geometry else {
            panic!("split: {geometry:?}");
        };
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], vec![[170.0, 66.0], [180.0, 67.0]]);
        assert_eq!(
            lines[1],
            vec![[-180.0, 67.0], [-170.0, 68.0], [-160.0, 69.0]]
        );
        // East to west, the mirror image.
        let back = Geometry::line(vec![[-170.0, 68.0], [170.0, 66.0]]);
        assert_eq!(
            back,
            Geometry::MultiLineString(vec![
                vec![[-170.0, 68.0], [-180.0, 67.0]],
                vec![[180.0, 67.0], [170.0, 66.0]],
            ])
        );
        // A line that stays on one side is left alone.
        let plain = Geometry::line(vec![[10.0, 50.0], [20.0, 52.0]]);
        assert_eq!(
            plain,
            Geometry::LineString(vec![[10.0, 50.0], [20.0, 52.0]])
        );
        assert!(
            serde_json::to_string(&geometry)
                .expect("serializes")
                .ends_with(r#""type":"MultiLineString"}"#)
        );
    }
}

/// OpenAPI schemas of the hand-serialized GeoJSON parts (RFC 7946 §3).
#[cfg(feature = "openapi")]
mod schema {
    use super::{CollectionTag, FeatureTag, Geometry};
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
    use utoipa::openapi::{RefOr, schema::SchemaType};

    fn constant(value: &str) -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::String))
            .enum_values(Some([value]))
            .into()
    }

    impl utoipa::PartialSchema for FeatureTag {
        fn schema() -> RefOr<Schema> {
            constant("Feature")
        }
    }
    impl utoipa::ToSchema for FeatureTag {}

    impl utoipa::PartialSchema for CollectionTag {
        fn schema() -> RefOr<Schema> {
            constant("FeatureCollection")
        }
    }
    impl utoipa::ToSchema for CollectionTag {}

    impl utoipa::PartialSchema for Geometry {
        fn schema() -> RefOr<Schema> {
            ObjectBuilder::new()
                .description(Some(
                    "A GeoJSON Point, LineString or MultiLineString ([lon, lat] positions)",
                ))
                .property(
                    "type",
                    ObjectBuilder::new()
                        .schema_type(SchemaType::new(Type::String))
                        .enum_values(Some(["Point", "LineString", "MultiLineString"])),
                )
                .property(
                    "coordinates",
                    ArrayBuilder::new()
                        .items(ObjectBuilder::new().schema_type(SchemaType::AnyValue)),
                )
                .required("type")
                .required("coordinates")
                .into()
        }
    }
    impl utoipa::ToSchema for Geometry {}
}
