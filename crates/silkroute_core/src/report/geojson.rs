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
