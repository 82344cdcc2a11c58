//! GMNS (General Modeling Network Specification, zephyr-data-specs) networks: `node.csv`
//! (`node_id`, `x_coord` = longitude, `y_coord` = latitude) and `link.csv` (`from_node_id`,
//! `to_node_id`, optional `length` and `geometry`), with the optional one-row `config.csv`
//! giving the unit of `length` (`long_length`) and the coordinate system (`crs`).
//!
//! GMNS links are directed; a geographic network is undirected, so each link becomes an edge
//! and the two directions of a road or track (two links) collapse into one edge with the
//! shorter length. Node ids are any text, mapped to dense indices in file order and kept for
//! output. As the specification says, an empty field and `NaN` both mean "no value".

use super::GeoNetwork;
use crate::geo::{GeoGraph, GeoGraphError, MAX_EDGE_M, Metres, great_circle_km};
use crate::io::csv::{field_error, read_rows, text};
use crate::io::gmns::{is_missing, parse_wkt_linestring, read_config};
use crate::io::{LoadError, LoadWarning};
use std::collections::HashMap;

/// Metres per unit of GMNS `long_length` when `config.csv` does not give one. The
/// specification defines no default; tools that write GMNS (osm2gmns) use metres.
const DEFAULT_METRES_PER_UNIT: f64 = 1.0;

/// Parses a GMNS network: `node.csv`, `link.csv` and, when the folder has one, `config.csv`,
/// each given as (name for messages, bytes).
///
/// A link's length is `length` × the `long_length` unit (m, km, mi or ft; metres when
/// `config.csv` gives none, with a warning), or when `length` is empty the great-circle length
/// along its WKT `geometry`, or without geometry the great-circle distance between its nodes.
///
/// # Errors
/// [`LoadError`] naming the file, line and field of the first problem: a missing file or
/// column, an empty file, a node id used twice, a link to an unknown node, a coordinate that is
/// not a finite number in range, a negative or infinite length, an unknown length unit, a
/// coordinate system other than WGS84 degrees, a malformed `geometry`.
pub fn parse_gmns(
    node: &(String, Vec<u8>),
    link: &(String, Vec<u8>),
    config: Option<&(String, Vec<u8>)>,
) -> Result<(GeoNetwork, Vec<LoadWarning>), LoadError> {
    let mut warnings = Vec::new();
    let metres_per_unit = match config {
        Some(config) => {
            let units = read_config(config)?;
            units.check_wgs84(&config.0)?;
            units.metres_per_long_length
        }
        None => None,
    };
    let mut ids = Vec::new();
    let mut coords = Vec::new();
    let mut index_of: HashMap<String, u32> = HashMap::new();
    let file = &node.0;
    read_rows(
        file,
        &node.1,
        &["node_id", "x_coord", "y_coord"],
        &[],
        |line, fields| {
            let id = text(file, line, "node_id", fields[0])?;
            if is_missing(id) {
                return Err(field_error(
                    file,
                    line,
                    "node_id",
                    crate::io::Fault::missing(),
                ));
            }
            let lon = coordinate(file, line, "x_coord", fields[1], 180.0)?;
            let lat = coordinate(file, line, "y_coord", fields[2], 90.0)?;
            let index = ids.len() as u32;
            if index_of.insert(id.to_string(), index).is_some() {
                return Err(field_error(
                    file,
                    line,
                    "node_id",
                    crate::io::Fault::DuplicateId {
                        id: crate::io::clip(id),
                        first_line: None,
                    },
                ));
            }
            ids.push(id.to_string());
            coords.push((lat, lon));
            Ok(())
        },
    )?;
    let mut links: Vec<(u32, u32, Metres)> = Vec::new();
    let mut lengths_without_unit = 0usize;
    let file = &link.0;
    read_rows(
        file,
        &link.1,
        &["from_node_id", "to_node_id"],
        &["length", "geometry"],
        |line, fields| {
            let end = |field: &str, raw: &[u8]| -> Result<u32, LoadError> {
                let id = text(file, line, field, raw)?;
                if is_missing(id) {
                    return Err(field_error(file, line, field, crate::io::Fault::missing()));
                }
                index_of.get(id).copied().ok_or_else(|| {
                    field_error(
                        file,
                        line,
                        field,
                        crate::io::Fault::unknown("node", id, format!(" (not in {})", node.0)),
                    )
                })
            };
            let from = end("from_node_id", fields[0])?;
            let to = end("to_node_id", fields[1])?;
            let length = text(file, line, "length", fields[2])?;
            let km = if is_missing(length) {
                let geometry = text(file, line, "geometry", fields[3])?;
                let line_km = parse_wkt_linestring(geometry)
                    .map_err(|reason| field_error(file, line, "geometry", reason))?
                    .map(|points| {
                        points
                            .windows(2)
                            .map(|pair| great_circle_km(pair[0], pair[1]))
                            .sum()
                    });
                line_km
                    .unwrap_or_else(|| great_circle_km(coords[from as usize], coords[to as usize]))
            } else {
                let value = match length.parse::<f64>() {
                    Ok(value) if value.is_finite() && value >= 0.0 => value,
                    _ => {
                        return Err(field_error(
                            file,
                            line,
                            "length",
                            format!("`{length}` is not a length ≥ 0"),
                        ));
                    }
                };
                if metres_per_unit.is_none() {
                    lengths_without_unit += 1;
                }
                value * metres_per_unit.unwrap_or(DEFAULT_METRES_PER_UNIT) / 1000.0
            };
            let metres = (km * 1000.0).round();
            if !(0.0..=f64::from(MAX_EDGE_M)).contains(&metres) {
                return Err(field_error(
                    file,
                    line,
                    "length",
                    format!("{km} km is more than 40,075 km (the Earth's circumference)"),
                ));
            }
            links.push((from, to, metres as Metres));
            Ok(())
        },
    )?;
    if lengths_without_unit > 0 {
        warnings.push(LoadWarning {
            file: link.0.clone(),
            line: None,
            message: format!(
                "{lengths_without_unit} link length(s) read as metres: no config.csv with \
                 `long_length` gives their unit"
            ),
        });
    }
    let graph = GeoGraph::new(coords, &links).map_err(|error| LoadError::Content {
        file: match error {
            GeoGraphError::TooLarge => node.0.clone(),
            _ => link.0.clone(),
        },
        reason: error.to_string(),
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

/// A longitude (`limit` 180) or latitude (`limit` 90) in degrees.
fn coordinate(
    file: &str,
    line: u64,
    field: &str,
    raw: &[u8],
    limit: f64,
) -> Result<f64, LoadError> {
    let value = text(file, line, field, raw)?;
    if is_missing(value) {
        return Err(field_error(file, line, field, crate::io::Fault::missing()));
    }
    let number = value
        .parse::<f64>()
        .map_err(|_| field_error(file, line, field, format!("`{value}` is not a number")))?;
    if !(-limit..=limit).contains(&number) {
        return Err(field_error(
            file,
            line,
            field,
            format!(
                "{value} is outside [-{limit}, {limit}] (GMNS coordinates must be WGS84 degrees)"
            ),
        ));
    }
    Ok(number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::GeoNodeId;

    const NODES: &str = "node_id,name,x_coord,y_coord,zone_id\n\
                         10,a,51.17,43.65,\n\
                         20,b,55.2,45.3,\n\
                         x7,c,51.9,47.1,\n";

    fn parse(
        node: &str,
        link: &str,
        config: Option<&str>,
    ) -> Result<(GeoNetwork, Vec<LoadWarning>), LoadError> {
        let config = config.map(|c| ("config.csv".to_string(), c.as_bytes().to_vec()));
        parse_gmns(
            &("node.csv".into(), node.as_bytes().to_vec()),
            &("link.csv".into(), link.as_bytes().to_vec()),
            config.as_ref(),
        )
    }

    #[test]
    fn reads_nodes_and_links_with_dense_ids() {
        let (network, warnings) = parse(
            NODES,
            "link_id,from_node_id,to_node_id,directed,length,lanes\n1,10,20,1,380500,2\n2,20,x7,1,420250,\n",
            Some("dataset_name,long_length,crs\ntiny,meter,EPSG:4326\n"),
        )
        .expect("valid");
        assert_eq!(network.ids, vec!["10", "20", "x7"]);
        assert_eq!(
            network.graph.coord(GeoNodeId(0)),
            (43.65, 51.17),
            "y is latitude"
        );
        assert_eq!(
            network.graph.edge_length(GeoNodeId(0), GeoNodeId(1)),
            Some(380_500)
        );
        assert_eq!(
            network.graph.edge_length(GeoNodeId(2), GeoNodeId(1)),
            Some(420_250),
            "undirected"
        );
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn both_directions_become_one_edge_with_the_shorter_length() {
        let (network, _) = parse(
            NODES,
            "link_id,from_node_id,to_node_id,length\n1,10,20,500\n2,20,10,420\n",
            Some("long_length\nm\n"),
        )
        .expect("valid");
        assert_eq!(network.graph.edge_count(), 1);
        assert_eq!(
            network.graph.edge_length(GeoNodeId(0), GeoNodeId(1)),
            Some(420)
        );
    }

    #[test]
    fn lengths_follow_the_config_unit() {
        for (unit, metres) in [
            ("km", 2000),
            ("Kilometre", 2000),
            ("mile", 3219),
            ("ft", 1),
            ("meters", 2),
        ] {
            let (network, _) = parse(
                NODES,
                "link_id,from_node_id,to_node_id,length\n1,10,20,2\n",
                Some(&format!("long_length,crs\n{unit},4326\n")),
            )
            .expect(unit);
            assert_eq!(
                network.graph.edge_length(GeoNodeId(0), GeoNodeId(1)),
                Some(metres),
                "{unit}"
            );
        }
    }

    #[test]
    fn lengths_without_a_unit_are_metres_with_a_warning() {
        let (network, warnings) = parse(
            NODES,
            "link_id,from_node_id,to_node_id,length\n1,10,20,1500.4\n",
            None,
        )
        .expect("valid");
        assert_eq!(
            network.graph.edge_length(GeoNodeId(0), GeoNodeId(1)),
            Some(1500)
        );
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].to_string().starts_with(
                "link.csv: 1 link length(s) read as metres: no config.csv with `long_length`"
            ),
            "{}",
            warnings[0]
        );
    }

    #[test]
    fn missing_lengths_come_from_the_geometry_or_the_nodes() {
        let (network, warnings) = parse(
            NODES,
            "link_id,from_node_id,to_node_id,length,geometry\n\
             1,10,20,,\"LINESTRING (51.17 43.65, 53 46, 55.2 45.3)\"\n\
             2,20,x7,NaN,\n",
            None,
        )
        .expect("valid");
        let along = great_circle_km((43.65, 51.17), (46.0, 53.0))
            + great_circle_km((46.0, 53.0), (45.3, 55.2));
        assert_eq!(
            network.graph.edge_length(GeoNodeId(0), GeoNodeId(1)),
            Some((along * 1000.0).round() as u32)
        );
        let straight = great_circle_km((45.3, 55.2), (47.1, 51.9));
        assert_eq!(
            network.graph.edge_length(GeoNodeId(1), GeoNodeId(2)),
            Some((straight * 1000.0).round() as u32)
        );
        assert!(warnings.is_empty(), "no length was read: {warnings:?}");
    }

    #[test]
    fn bad_input_names_file_line_and_field() {
        let link = "link_id,from_node_id,to_node_id,length\n";
        for (node, link, config, expected) in [
            (
                NODES,
                "link_id,from_node_id,to_node_id,length\n1,10,99,5\n",
                None,
                "link.csv:2: to_node_id: unknown node `99` (not in node.csv)",
            ),
            (
                NODES,
                "link_id,from_node_id,to_node_id,length\n1,,20,5\n",
                None,
                "link.csv:2: from_node_id: missing value",
            ),
            (
                NODES,
                "link_id,from_node_id,to_node_id,length\n1,10,20,-5\n",
                None,
                "link.csv:2: length: `-5` is not a length ≥ 0",
            ),
            (
                NODES,
                "link_id,from_node_id,to_node_id,length\n1,10,20,inf\n",
                None,
                "link.csv:2: length: `inf` is not a length ≥ 0",
            ),
            (
                NODES,
                "link_id,from_node_id,to_node_id,length,geometry\n1,10,20,,POINT (1 2)\n",
                None,
                "link.csv:2: geometry: expected a WKT LINESTRING",
            ),
            (
                NODES,
                "link_id,from_node_id,length\n",
                None,
                "link.csv:1: missing column `to_node_id`",
            ),
            (NODES, "", None, "link.csv: empty file"),
            (
                "node_id,x_coord,y_coord\n1,181,0\n",
                link,
                None,
                "node.csv:2: x_coord: 181 is outside [-180, 180]",
            ),
            (
                "node_id,x_coord,y_coord\n1,0,NaN\n",
                link,
                None,
                "node.csv:2: y_coord: missing value",
            ),
            (
                "node_id,x_coord,y_coord\n1,0,north\n",
                link,
                None,
                "node.csv:2: y_coord: `north` is not a number",
            ),
            (
                "node_id,x_coord,y_coord\n1,0,0\n1,1,1\n",
                link,
                None,
                "node.csv:3: node_id: duplicate id `1`",
            ),
            (
                "node_id,x_coord\n",
                link,
                None,
                "node.csv:1: missing column `y_coord`",
            ),
            (
                NODES,
                link,
                Some("long_length\nfurlong\n"),
                "config.csv:2: long_length: unknown length unit `furlong`",
            ),
            (
                NODES,
                link,
                Some("crs\n3735\n"),
                "config.csv:2: crs: `3735` is not WGS84",
            ),
            (
                NODES,
                link,
                Some("crs\n4326\n4326\n"),
                "config.csv:3: malformed CSV: config.csv must have a single row",
            ),
        ] {
            let error = parse(node, link, config).expect_err(expected).to_string();
            assert!(
                error.starts_with(expected),
                "{error} does not start with {expected}"
            );
        }
    }
}
