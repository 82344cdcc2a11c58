//! GeoJSON line networks: a `FeatureCollection` of `LineString` and `MultiLineString` features
//! (rail lines exported from QGIS or Overpass). Vertices with the same coordinates, rounded to
//! 1e-7 degrees, are one node; every consecutive pair of vertices is an edge whose length is
//! the great-circle distance in whole metres. A feature's numeric `length_km` property, when
//! present, replaces the sum of its computed lengths: each edge gets its proportional share,
//! rounded so that the feature's edges add up to exactly `length_km` in whole metres.
//!
//! Nodes are numbered in order of first appearance; their ids are those numbers as text.
//! Features of other geometry types (points, polygons, null geometries) are skipped and counted
//! in one warning.
//!
//! The file is read with serde_json one feature at a time (no `geojson` crate: it would add
//! dependencies and build a whole document tree), so errors name the feature and member, and
//! malformed JSON is reported with serde_json's line and column.

use super::GeoNetwork;
use crate::geo::{GeoGraph, GeoGraphError, MAX_EDGE_M, Metres, great_circle_km};
use crate::io::gmns::is_wgs84;
use crate::io::{LoadError, LoadWarning};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// Coordinates are rounded to this many units per degree before vertices are matched.
const UNITS_PER_DEGREE: f64 = 1e7;

/// Parses a GeoJSON `FeatureCollection` given as (name for messages, bytes).
///
/// # Errors
/// [`LoadError`]: [`LoadError::MalformedJson`] with line and column for malformed JSON or a value of the
/// wrong JSON type, [`LoadError::Feature`] naming the feature and member for a position that
/// is not a valid longitude/latitude, a line with fewer than two positions or a `length_km`
/// that is not a number ≥ 0, and [`LoadError::Content`] for an empty file, a document that is
/// not a `FeatureCollection`, a `crs` other than WGS84, or no line features at all.
pub fn parse_geojson(
    source: &(String, Vec<u8>),
) -> Result<(GeoNetwork, Vec<LoadWarning>), LoadError> {
    let file = &source.0;
    let bytes = source
        .1
        .strip_prefix("\u{feff}".as_bytes())
        .unwrap_or(&source.1);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(LoadError::Content {
            file: file.clone(),
            reason: "empty file (expected a GeoJSON FeatureCollection)".into(),
        });
    }
    let mut builder = Builder::new(file);
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let top = TopSeed(&mut builder)
        .deserialize(&mut deserializer)
        .and_then(|top| deserializer.end().map(|()| top));
    let top = match top {
        Ok(top) => top,
        Err(error) => {
            return Err(match builder.error.take() {
                Some(content_error) => content_error,
                None => json_error(file, &error, builder.feature),
            });
        }
    };
    let content = |reason: String| LoadError::Content {
        file: file.clone(),
        reason,
    };
    match top.kind.as_deref() {
        Some("FeatureCollection") => {}
        Some(other) => {
            return Err(content(format!(
                "expected a GeoJSON FeatureCollection, found type `{other}`"
            )));
        }
        None => {
            return Err(content(
                "expected a GeoJSON FeatureCollection: the top-level object has no `type`".into(),
            ));
        }
    }
    if !top.has_features {
        return Err(content(
            "the FeatureCollection has no `features` member".into(),
        ));
    }
    if let Some(name) = top.crs.as_ref().and_then(crs_name)
        && !is_wgs84(&name)
    {
        return Err(content(format!(
            "crs: `{name}` is not WGS84 longitude/latitude; export the layer as EPSG:4326"
        )));
    }
    builder.finish()
}

/// What the top level of the document said, besides the features.
struct Top {
    kind: Option<String>,
    crs: Option<Value>,
    has_features: bool,
}

/// The name of a legacy (2008 GeoJSON) named `crs` member, if it has one.
fn crs_name(crs: &Value) -> Option<String> {
    crs.get("properties")?
        .get("name")?
        .as_str()
        .map(str::to_string)
}

/// A serde_json error as a [`LoadError::MalformedJson`], without the " at line L column C" that the
/// error's text repeats.
fn json_error(file: &str, error: &serde_json::Error, feature: Option<usize>) -> LoadError {
    let text = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let message = text.strip_suffix(&position).unwrap_or(&text);
    let reason = match (error.classify(), feature) {
        (serde_json::error::Category::Data, Some(index)) => format!("feature {index}: {message}"),
        (serde_json::error::Category::Data, None) => {
            format!("not a GeoJSON FeatureCollection: {message}")
        }
        _ => format!("malformed JSON: {message}"),
    };
    LoadError::MalformedJson {
        file: file.to_string(),
        line: error.line(),
        column: error.column(),
        reason,
    }
}

/// The network being built, feature by feature.
struct Builder<'a> {
    file: &'a str,
    node_of: HashMap<(i64, i64), u32>,
    coords: Vec<(f64, f64)>,
    edges: Vec<(u32, u32, Metres)>,
    line_features: usize,
    /// Skipped features by geometry type, and the first one skipped.
    skipped: BTreeMap<String, usize>,
    first_skipped: Option<usize>,
    /// The feature being read, for messages about it.
    feature: Option<usize>,
    /// A content error that stopped the parse.
    error: Option<LoadError>,
}

impl<'a> Builder<'a> {
    fn new(file: &'a str) -> Builder<'a> {
        Builder {
            file,
            node_of: HashMap::new(),
            coords: Vec::new(),
            edges: Vec::new(),
            line_features: 0,
            skipped: BTreeMap::new(),
            first_skipped: None,
            feature: None,
            error: None,
        }
    }

    fn error(&self, index: usize, field: &str, reason: String) -> LoadError {
        LoadError::Feature {
            file: self.file.to_string(),
            index,
            field: field.to_string(),
            fault: reason.into(),
        }
    }

    fn skip(&mut self, index: usize, kind: &str) {
        *self.skipped.entry(kind.to_string()).or_default() += 1;
        self.first_skipped.get_or_insert(index);
    }

    /// Adds one feature's vertices and edges.
    fn add(&mut self, index: usize, feature: &Value) -> Result<(), LoadError> {
        let Value::Object(feature) = feature else {
            return Err(self.error(
                index,
                "feature",
                format!(
                    "expected a GeoJSON Feature object, found {}",
                    describe(feature)
                ),
            ));
        };
        match feature.get("type") {
            None => {}
            Some(Value::String(kind)) if kind == "Feature" => {}
            Some(other) => {
                return Err(self.error(
                    index,
                    "type",
                    format!("expected \"Feature\", found {}", describe(other)),
                ));
            }
        }
        let geometry = match feature.get("geometry") {
            None | Some(Value::Null) => {
                self.skip(index, "null geometry");
                return Ok(());
            }
            Some(Value::Object(geometry)) => geometry,
            Some(other) => {
                return Err(self.error(
                    index,
                    "geometry",
                    format!("expected an object or null, found {}", describe(other)),
                ));
            }
        };
        let multi = match geometry.get("type") {
            Some(Value::String(kind)) if kind == "LineString" => false,
            Some(Value::String(kind)) if kind == "MultiLineString" => true,
            Some(Value::String(kind)) => {
                self.skip(index, kind);
                return Ok(());
            }
            None => return Err(self.error(index, "geometry.type", "missing".into())),
            Some(other) => {
                return Err(self.error(
                    index,
                    "geometry.type",
                    format!("expected a geometry type name, found {}", describe(other)),
                ));
            }
        };
        let properties = match feature.get("properties") {
            None | Some(Value::Null) => None,
            Some(Value::Object(properties)) => Some(properties),
            Some(other) => {
                return Err(self.error(
                    index,
                    "properties",
                    format!("expected an object or null, found {}", describe(other)),
                ));
            }
        };
        let field = "geometry.coordinates";
        let Some(coordinates) = geometry.get("coordinates") else {
            return Err(self.error(index, field, "missing".into()));
        };
        let not_array =
            |value: &Value, what: &str| format!("expected {what}, found {}", describe(value));
        let mut parts: Vec<(String, &Vec<Value>)> = Vec::new();
        let Value::Array(outer) = coordinates else {
            let what = if multi {
                "an array of lines"
            } else {
                "an array of positions"
            };
            return Err(self.error(index, field, not_array(coordinates, what)));
        };
        if multi {
            for (part, line) in outer.iter().enumerate() {
                let Value::Array(positions) = line else {
                    return Err(self.error(
                        index,
                        &format!("{field}[{part}]"),
                        not_array(line, "an array of positions"),
                    ));
                };
                parts.push((format!("{field}[{part}]"), positions));
            }
        } else {
            parts.push((field.to_string(), outer));
        }
        // Segments of the whole feature: (from, to, great-circle km).
        let mut segments: Vec<(u32, u32, f64)> = Vec::new();
        for (name, positions) in &parts {
            if positions.len() < 2 {
                let kind = if multi {
                    "each line of a MultiLineString"
                } else {
                    "a LineString"
                };
                return Err(self.error(
                    index,
                    name,
                    format!(
                        "{kind} needs at least 2 positions, found {}",
                        positions.len()
                    ),
                ));
            }
            let mut previous: Option<u32> = None;
            for (at, position) in positions.iter().enumerate() {
                let (lat, lon) = position_of(position)
                    .map_err(|reason| self.error(index, &format!("{name}[{at}]"), reason))?;
                let node = self.node(lat, lon);
                if let Some(previous) = previous {
                    let km =
                        great_circle_km(self.coords[previous as usize], self.coords[node as usize]);
                    segments.push((previous, node, km));
                }
                previous = Some(node);
            }
        }
        let length_km = match properties.and_then(|p| p.get("length_km")) {
            None | Some(Value::Null) => None,
            Some(value) => match value.as_f64() {
                Some(km) if km >= 0.0 && km * 1000.0 <= f64::from(MAX_EDGE_M) => Some(km),
                Some(km) if km >= 0.0 => {
                    return Err(self.error(
                        index,
                        "properties.length_km",
                        format!("{km} is more than 40,075 km (the Earth's circumference)"),
                    ));
                }
                _ => {
                    return Err(self.error(
                        index,
                        "properties.length_km",
                        format!("expected a number ≥ 0, found {}", describe(value)),
                    ));
                }
            },
        };
        let computed_km: f64 = segments.iter().map(|s| s.2).sum();
        match length_km {
            // Cumulative rounding: the edges of the feature add up to exactly `length_km`.
            Some(target_km) if computed_km > 0.0 => {
                let scale = target_km / computed_km;
                let (mut running_km, mut assigned_m) = (0.0, 0u64);
                for (from, to, km) in segments {
                    running_km += km;
                    let until_here_m = ((running_km * scale * 1000.0).round() as u64)
                        .min((target_km * 1000.0).round() as u64);
                    let metres = until_here_m.saturating_sub(assigned_m);
                    assigned_m = until_here_m.max(assigned_m);
                    self.edges.push((from, to, metres as Metres));
                }
            }
            _ => {
                for (from, to, km) in segments {
                    self.edges.push((from, to, (km * 1000.0).round() as Metres));
                }
            }
        }
        self.line_features += 1;
        Ok(())
    }

    /// The node at a coordinate (rounded to 1e-7 degrees), created on first sight.
    fn node(&mut self, lat: f64, lon: f64) -> u32 {
        let key = (
            (lat * UNITS_PER_DEGREE).round() as i64,
            (lon * UNITS_PER_DEGREE).round() as i64,
        );
        let next = self.coords.len() as u32;
        let coords = &mut self.coords;
        *self.node_of.entry(key).or_insert_with(|| {
            coords.push((
                key.0 as f64 / UNITS_PER_DEGREE,
                key.1 as f64 / UNITS_PER_DEGREE,
            ));
            next
        })
    }

    fn finish(self) -> Result<(GeoNetwork, Vec<LoadWarning>), LoadError> {
        let skipped: usize = self.skipped.values().sum();
        if self.line_features == 0 {
            return Err(LoadError::Content {
                file: self.file.to_string(),
                reason: format!(
                    "no LineString or MultiLineString feature to build a network from \
                     ({skipped} other feature(s))"
                ),
            });
        }
        let mut warnings = Vec::new();
        if skipped > 0 {
            let kinds: Vec<String> = self
                .skipped
                .iter()
                .map(|(kind, count)| format!("{count} {kind}"))
                .collect();
            warnings.push(LoadWarning {
                file: self.file.to_string(),
                line: None,
                message: format!(
                    "skipped {skipped} feature(s) that are not LineString or MultiLineString \
                     ({}; the first is feature {})",
                    kinds.join(", "),
                    self.first_skipped.unwrap_or(0)
                ),
            });
        }
        let ids = (0..self.coords.len()).map(|i| i.to_string()).collect();
        let graph = GeoGraph::new(self.coords, &self.edges).map_err(|error| {
            LoadError::Content {
                file: self.file.to_string(),
                reason: match error {
                    GeoGraphError::TooLarge => error.to_string(),
                    // Positions and lengths were checked feature by feature.
                    other => format!("internal error: {other}"),
                },
            }
        })?;
        Ok((
            GeoNetwork {
                graph,
                ids,
                passages: crate::geo::Passages::none(),
            },
            warnings,
        ))
    }
}

/// A GeoJSON position `[longitude, latitude, ...]` as (lat, lon).
fn position_of(position: &Value) -> Result<(f64, f64), String> {
    let numbers = position.as_array().filter(|p| p.len() >= 2);
    let Some(numbers) = numbers else {
        return Err(format!(
            "expected a position [longitude, latitude], found {}",
            describe(position)
        ));
    };
    let lon = numbers[0].as_f64();
    let lat = numbers[1].as_f64();
    let (Some(lon), Some(lat)) = (lon, lat) else {
        return Err(format!(
            "expected a position [longitude, latitude], found {}",
            describe(position)
        ));
    };
    if !(-180.0..=180.0).contains(&lon) {
        return Err(format!(
            "longitude {lon} is outside [-180, 180] (GeoJSON positions are WGS84 [longitude, latitude])"
        ));
    }
    if !(-90.0..=90.0).contains(&lat) {
        return Err(format!(
            "latitude {lat} is outside [-90, 90] (GeoJSON positions are WGS84 [longitude, latitude])"
        ));
    }
    Ok((lat, lon))
}

/// A short description of a JSON value for messages.
fn describe(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= 40 {
        text
    } else {
        match value {
            Value::Array(items) => format!("an array of {} values", items.len()),
            Value::Object(_) => "an object".to_string(),
            Value::String(_) => "a long string".to_string(),
            _ => "a value".to_string(),
        }
    }
}

/// Reads the top-level object, handing `features` to the builder one at a time.
struct TopSeed<'b, 'a>(&'b mut Builder<'a>);

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_> {
    type Value = Top;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Top, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, '_> {
    type Value = Top;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GeoJSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let mut top = Top {
            kind: None,
            crs: None,
            has_features: false,
        };
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => top.kind = Some(map.next_value()?),
                "crs" => top.crs = Some(map.next_value()?),
                "features" => {
                    map.next_value_seed(FeaturesSeed(&mut *self.0))?;
                    top.has_features = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(top)
    }
}

/// Reads the `features` array, one feature at a time.
struct FeaturesSeed<'b, 'a>(&'b mut Builder<'a>);

impl<'de> DeserializeSeed<'de> for FeaturesSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FeaturesSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of features")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let builder = self.0;
        let mut index = 0;
        loop {
            builder.feature = Some(index);
            // One feature at a time: only the current one is held as a JSON tree.
            let Some(feature) = seq.next_element::<Value>()? else {
                break;
            };
            if let Err(error) = builder.add(index, &feature) {
                builder.error = Some(error);
                return Err(de::Error::custom("invalid feature"));
            }
            index += 1;
        }
        builder.feature = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::GeoNodeId;

    fn parse(text: &str) -> Result<(GeoNetwork, Vec<LoadWarning>), LoadError> {
        parse_geojson(&("net.geojson".into(), text.as_bytes().to_vec()))
    }

    fn collection(features: &str) -> String {
        format!(r#"{{"type": "FeatureCollection", "features": [{features}]}}"#)
    }

    fn line(coordinates: &str, properties: &str) -> String {
        format!(
            r#"{{"type": "Feature", "properties": {properties}, "geometry": {{"type": "LineString", "coordinates": {coordinates}}}}}"#
        )
    }

    #[test]
    fn shared_vertices_join_lines() {
        let text = collection(&format!(
            "{}, {}",
            line("[[51.17, 43.65], [55.2, 45.3]]", "{}"),
            // Same vertex up to 1e-8 degrees: the same node.
            line("[[55.200000004, 45.3, 12.0], [51.9, 47.1]]", "null"),
        ));
        let (network, warnings) = parse(&text).expect("valid");
        assert!(warnings.is_empty());
        assert_eq!(network.ids, vec!["0", "1", "2"]);
        assert_eq!(network.graph.coord(GeoNodeId(1)), (45.3, 55.2));
        let expected = great_circle_km((43.65, 51.17), (45.3, 55.2));
        assert_eq!(
            network.graph.edge_length(GeoNodeId(0), GeoNodeId(1)),
            Some((expected * 1000.0).round() as u32)
        );
        assert!(
            network
                .graph
                .edge_length(GeoNodeId(1), GeoNodeId(2))
                .is_some()
        );
    }

    #[test]
    fn length_km_is_shared_out_in_proportion_and_adds_up() {
        let text = collection(&line(
            "[[0, 0], [0, 1], [0, 3], [0, 3.00000001], [0, 6]]",
            r#"{"length_km": 1000.004, "name": "x"}"#,
        ));
        let (network, _) = parse(&text).expect("valid");
        let graph = &network.graph;
        let lengths = [
            graph.edge_length(GeoNodeId(0), GeoNodeId(1)).expect("edge"),
            graph.edge_length(GeoNodeId(1), GeoNodeId(2)).expect("edge"),
            graph.edge_length(GeoNodeId(2), GeoNodeId(3)).expect("edge"),
        ];
        assert_eq!(network.ids.len(), 4, "the repeated vertex is one node");
        assert_eq!(lengths.iter().sum::<u32>(), 1_000_004, "the total is exact");
        assert_eq!(lengths, [166_667, 333_335, 500_002]);
    }

    #[test]
    fn multilinestrings_and_null_length_km() {
        let text = collection(
            r#"{"type": "Feature", "properties": {"length_km": null},
                "geometry": {"type": "MultiLineString", "coordinates": [[[0, 0], [0, 1]], [[5, 5], [5, 6]]]}},
               {"type": "Feature", "properties": {"length_km": 30},
                "geometry": {"type": "MultiLineString", "coordinates": [[[10, 0], [10, 1]], [[10, 1], [10, 2]]]}}"#,
        );
        let (network, _) = parse(&text).expect("valid");
        let graph = &network.graph;
        assert_eq!(graph.node_count(), 7);
        assert_eq!(graph.edge_count(), 4);
        let one_degree = (great_circle_km((0.0, 0.0), (1.0, 0.0)) * 1000.0).round() as u32;
        assert_eq!(
            graph.edge_length(GeoNodeId(0), GeoNodeId(1)),
            Some(one_degree)
        );
        assert_eq!(graph.edge_length(GeoNodeId(4), GeoNodeId(5)), Some(15_000));
        assert_eq!(graph.edge_length(GeoNodeId(5), GeoNodeId(6)), Some(15_000));
    }

    #[test]
    fn other_geometries_are_skipped_and_counted() {
        let text = collection(&format!(
            r#"{{"type": "Feature", "properties": {{}}, "geometry": {{"type": "Point", "coordinates": [1, 2]}}}},
               {}, {{"type": "Feature", "properties": {{}}, "geometry": null}},
               {{"type": "Feature", "geometry": {{"type": "Point", "coordinates": [1, 2]}}}}"#,
            line("[[0, 0], [0, 1]]", "{}")
        ));
        let (network, warnings) = parse(&text).expect("valid");
        assert_eq!(network.graph.edge_count(), 1);
        let messages: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            vec![
                "net.geojson: skipped 3 feature(s) that are not LineString or MultiLineString \
                 (2 Point, 1 null geometry; the first is feature 0)"
            ]
        );
    }

    #[test]
    fn a_legacy_wgs84_crs_and_a_byte_order_mark_are_accepted() {
        let text = format!(
            "\u{feff}{{\"crs\": {{\"type\": \"name\", \"properties\": {{\"name\": \"urn:ogc:def:crs:OGC:1.3:CRS84\"}}}}, {}",
            &collection(&line("[[0, 0], [0, 1]]", "{}"))[1..]
        );
        parse(&text).expect("valid");
    }

    #[test]
    fn bad_input_names_file_feature_and_member() {
        let point = r#"{"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}}"#;
        let mut mismatches = Vec::new();
        for (text, expected) in [
            (String::new(), "net.geojson: empty file (expected a GeoJSON FeatureCollection)"),
            (" \n".into(), "net.geojson: empty file"),
            ("{\"type\": \"FeatureCollection\",\n \"features\": [}".into(), "net.geojson:2:15: malformed JSON: expected value"),
            ("{\"type\": \"FeatureCollection\", \"features\": [".into(), "net.geojson:1:43: malformed JSON: EOF while parsing a list"),
            (collection(&line("[[0, 0], [0, 1]]", "{}")) + "x", "net.geojson:1:"),
            ("[1, 2]".into(), "net.geojson:1:0: not a GeoJSON FeatureCollection: invalid type: sequence, expected a GeoJSON object"),
            (r#"{"type": "Feature", "geometry": null}"#.into(), "net.geojson: expected a GeoJSON FeatureCollection, found type `Feature`"),
            (r#"{"type": "FeatureCollection"}"#.into(), "net.geojson: the FeatureCollection has no `features` member"),
            (r#"{"type": "FeatureCollection", "features": {}}"#.into(), "net.geojson:1:42: not a GeoJSON FeatureCollection: invalid type: map, expected an array of features"),
            (collection(&format!("{}, {}", line("[[0, 0], [0, 1]]", "{}"), r#"{"type": "Feature", "geometry": {"coordinates": []}}"#)), "net.geojson: feature 1: geometry.type: missing"),
            (collection(&format!("{}, {}", line("[[0, 0], [0, 1]]", "{}"), r#"{"type": "Feature", "properties": [1], "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}"#)), "net.geojson: feature 1: properties: expected an object or null, found [1]"),
            (collection(r#"{"type": "Feature", "geometry": {"type": 7}}"#), "net.geojson: feature 0: geometry.type: expected a geometry type name, found 7"),
            (collection(r#"{"type": "Feature", "geometry": ["LineString", [[0, 0], [1, 1]]]}"#), "net.geojson: feature 0: geometry: expected an object or null, found [\"LineString\",[[0,0],[1,1]]]"),
            (collection("[]"), "net.geojson: feature 0: feature: expected a GeoJSON Feature object, found []"),
            (collection(&format!("{}, {}", line("[[0, 0], [0, 1]]", "{}"), line("[[0, 0], [0, 1]]", "{}").replace("1]]", "1]"))), "net.geojson:1:"),
            (collection(&line("[[0, 0], [0, 95]]", "{}")), "net.geojson: feature 0: geometry.coordinates[1]: latitude 95 is outside [-90, 90]"),
            (collection(&line("[[0, 0], [181, 5]]", "{}")), "net.geojson: feature 0: geometry.coordinates[1]: longitude 181 is outside [-180, 180]"),
            (collection(&line("[[0, 0], [\"5\", 5]]", "{}")), "net.geojson: feature 0: geometry.coordinates[1]: expected a position [longitude, latitude], found [\"5\",5]"),
            (collection(&line("[[0, 0], [5]]", "{}")), "net.geojson: feature 0: geometry.coordinates[1]: expected a position"),
            (collection(&line("[[0, 0]]", "{}")), "net.geojson: feature 0: geometry.coordinates: a LineString needs at least 2 positions, found 1"),
            (collection(&line("{}", "{}")), "net.geojson: feature 0: geometry.coordinates: expected an array of positions, found {}"),
            (collection(r#"{"type": "Feature", "geometry": {"type": "LineString"}}"#), "net.geojson: feature 0: geometry.coordinates: missing"),
            (collection(r#"{"type": "Feature", "geometry": {"type": "MultiLineString", "coordinates": [[[0, 0], [1, 1]], [[2, 2]]]}}"#), "net.geojson: feature 0: geometry.coordinates[1]: each line of a MultiLineString needs at least 2 positions, found 1"),
            (collection(&line("[[0, 0], [0, 1]]", r#"{"length_km": -2}"#)), "net.geojson: feature 0: properties.length_km: expected a number ≥ 0, found -2"),
            (collection(&line("[[0, 0], [0, 1]]", r#"{"length_km": "12"}"#)), "net.geojson: feature 0: properties.length_km: expected a number ≥ 0, found \"12\""),
            (collection(&line("[[0, 0], [0, 1]]", r#"{"length_km": 1e10}"#)), "net.geojson: feature 0: properties.length_km: 10000000000 is more than"),
            (collection(&line("[[0, 0], [0, 1]]", "{}").replace("\"Feature\"", "\"Point\"")), "net.geojson: feature 0: type: expected \"Feature\", found \"Point\""),
            (collection(point), "net.geojson: no LineString or MultiLineString feature to build a network from (1 other feature(s))"),
            (collection(""), "net.geojson: no LineString or MultiLineString feature"),
            (r#"{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:3857"}}, "features": [{"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}]}"#.into(), "net.geojson: crs: `EPSG:3857` is not WGS84"),
            ("{\"type\": \"FeatureCollection\", \"features\": [], \"name\": NaN}".into(), "net.geojson:1:55: malformed JSON: expected value"),
        ] {
            let error = parse(&text).expect_err(expected).to_string();
            if !error.starts_with(expected) {
                mismatches.push(format!("{error}\n  does not start with\n{expected}"));
            }
        }
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    }
}
