//! The geographic network CSV format: `nodes.csv` (`id,lat,lon`) and `edges.csv`
//! (`from,to,km`, undirected), as in the world railway and maritime networks derived from
//! OpenStreetMap and Eurostat. Node ids are any text; they are mapped to dense indices in file
//! order and kept for output.

use super::LoadError;
use crate::geo::{GeoGraph, GeoGraphError, Metres};
use std::collections::HashMap;
use std::path::Path;

/// A geographic network with the external ids of its nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct GeoNetwork {
    /// The graph; node `i` is the `i`-th row of nodes.csv.
    pub graph: GeoGraph,
    /// External id of each node.
    pub ids: Vec<String>,
}

/// Reads `nodes.csv` and `edges.csv` from a folder.
///
/// # Errors
/// [`LoadError`] naming the file, line and field of the first problem: a missing file or
/// column, an id used twice, an edge to an unknown node, a coordinate or length that is not a
/// finite number in range, an empty file.
pub fn load_geo_dir(dir: &Path) -> Result<GeoNetwork, LoadError> {
    let read = |name: &str| -> Result<(String, Vec<u8>), LoadError> {
        let path = dir.join(name);
        let file = path.display().to_string();
        let bytes = std::fs::read(&path).map_err(|source| LoadError::Read {
            file: file.clone(),
            source,
        })?;
        Ok((file, bytes))
    };
    let nodes = read("nodes.csv")?;
    let edges = read("edges.csv")?;
    parse_geo(&nodes, &edges)
}

/// Parses the contents of `nodes.csv` and `edges.csv`, each given as (name for messages, bytes).
///
/// # Errors
/// As [`load_geo_dir`].
pub fn parse_geo(
    nodes: &(String, Vec<u8>),
    edges: &(String, Vec<u8>),
) -> Result<GeoNetwork, LoadError> {
    let mut ids = Vec::new();
    let mut coords = Vec::new();
    let mut index_of: HashMap<String, u32> = HashMap::new();
    read_rows(
        &nodes.0,
        &nodes.1,
        &["id", "lat", "lon"],
        &[],
        |line, fields| {
            let id = text(&nodes.0, line, "id", fields[0])?;
            if id.is_empty() {
                return Err(field_error(&nodes.0, line, "id", "missing value".into()));
            }
            let lat = number(&nodes.0, line, "lat", fields[1])?;
            if !(-90.0..=90.0).contains(&lat) {
                return Err(field_error(
                    &nodes.0,
                    line,
                    "lat",
                    format!("{lat} is outside [-90, 90]"),
                ));
            }
            let lon = number(&nodes.0, line, "lon", fields[2])?;
            if !(-180.0..=180.0).contains(&lon) {
                return Err(field_error(
                    &nodes.0,
                    line,
                    "lon",
                    format!("{lon} is outside [-180, 180]"),
                ));
            }
            let index = ids.len() as u32;
            if index_of.insert(id.to_string(), index).is_some() {
                return Err(field_error(
                    &nodes.0,
                    line,
                    "id",
                    format!("duplicate id `{id}`"),
                ));
            }
            ids.push(id.to_string());
            coords.push((lat, lon));
            Ok(())
        },
    )?;
    let mut links: Vec<(u32, u32, Metres)> = Vec::new();
    read_rows(
        &edges.0,
        &edges.1,
        &["from", "to", "km"],
        &[],
        |line, fields| {
            let end = |field: &str, raw: &[u8]| -> Result<u32, LoadError> {
                let id = text(&edges.0, line, field, raw)?;
                index_of.get(id).copied().ok_or_else(|| {
                    field_error(
                        &edges.0,
                        line,
                        field,
                        format!("unknown node `{id}` (not in nodes.csv)"),
                    )
                })
            };
            let from = end("from", fields[0])?;
            let to = end("to", fields[1])?;
            let km = number(&edges.0, line, "km", fields[2])?;
            let metres = (km * 1000.0).round();
            if !(0.0..=f64::from(u32::MAX)).contains(&metres) {
                return Err(field_error(
                    &edges.0,
                    line,
                    "km",
                    format!("{km} is not a length between 0 and 4,294,967 km"),
                ));
            }
            links.push((from, to, metres as Metres));
            Ok(())
        },
    )?;
    let graph = GeoGraph::new(coords, &links).map_err(|error| match error {
        // Ids and coordinates were checked row by row above.
        GeoGraphError::TooLarge => LoadError::Toml {
            file: nodes.0.clone(),
            reason: error.to_string(),
        },
        other => LoadError::Toml {
            file: edges.0.clone(),
            reason: other.to_string(),
        },
    })?;
    Ok(GeoNetwork { graph, ids })
}

pub(super) fn field_error(file: &str, line: u64, field: &str, reason: String) -> LoadError {
    LoadError::Field {
        file: file.to_string(),
        line,
        field: field.to_string(),
        reason,
    }
}

pub(super) fn text<'a>(
    file: &str,
    line: u64,
    field: &str,
    raw: &'a [u8],
) -> Result<&'a str, LoadError> {
    std::str::from_utf8(raw).map(str::trim).map_err(|error| {
        let position = error.valid_up_to();
        LoadError::NotUtf8 {
            file: file.to_string(),
            line,
            field: field.to_string(),
            byte: raw[position],
            position,
        }
    })
}

pub(super) fn number(file: &str, line: u64, field: &str, raw: &[u8]) -> Result<f64, LoadError> {
    let value = text(file, line, field, raw)?;
    match value.parse::<f64>() {
        Ok(number) if number.is_finite() => Ok(number),
        Ok(_) => Err(field_error(
            file,
            line,
            field,
            format!("`{value}` is not a finite number"),
        )),
        Err(_) if value.is_empty() => Err(field_error(file, line, field, "missing value".into())),
        Err(_) => Err(field_error(
            file,
            line,
            field,
            format!("`{value}` is not a number"),
        )),
    }
}

/// Most columns [`read_rows`] can hand over per row.
const MAX_COLUMNS: usize = 4;

/// Calls `row` with the line number and the fields of `columns` then `optional`, in that
/// order, for every data row; a missing optional column gives empty fields. Other columns are
/// allowed and ignored (the maritime network has a `passage` column).
pub(super) fn read_rows(
    file: &str,
    bytes: &[u8],
    columns: &[&str],
    optional: &[&str],
    mut row: impl FnMut(u64, &[&[u8]]) -> Result<(), LoadError>,
) -> Result<(), LoadError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let csv_error = |error: csv::Error| LoadError::Csv {
        file: file.to_string(),
        line: error.position().map_or(0, |p| p.line()),
        reason: match error.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("expected {expected_len} fields as in the header, found {len}"),
            _ => error.to_string(),
        },
    };
    if !reader.read_byte_record(&mut record).map_err(csv_error)? {
        return Err(LoadError::Empty {
            file: file.to_string(),
            expected: columns.join(","),
        });
    }
    let header: Vec<String> = record
        .iter()
        .map(|name| {
            String::from_utf8_lossy(name)
                .trim()
                .trim_start_matches('\u{feff}')
                .to_string()
        })
        .collect();
    let find = |column: &str| header.iter().position(|name| name == column);
    let mut positions = Vec::with_capacity(columns.len() + optional.len());
    for column in columns {
        let position = find(column).ok_or_else(|| LoadError::MissingColumn {
            file: file.to_string(),
            column: (*column).to_string(),
        })?;
        positions.push(Some(position));
    }
    positions.extend(optional.iter().map(|column| find(column)));
    assert!(
        positions.len() <= MAX_COLUMNS,
        "geo tables have at most {MAX_COLUMNS} columns of interest"
    );
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        let line = record.position().map_or(0, |p| p.line());
        let mut fields: [&[u8]; MAX_COLUMNS] = [b""; MAX_COLUMNS];
        for (slot, position) in fields.iter_mut().zip(&positions) {
            *slot = position.and_then(|p| record.get(p)).unwrap_or(b"");
        }
        row(line, &fields[..positions.len()])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(nodes: &str, edges: &str) -> Result<GeoNetwork, LoadError> {
        parse_geo(
            &("nodes.csv".into(), nodes.as_bytes().to_vec()),
            &("edges.csv".into(), edges.as_bytes().to_vec()),
        )
    }

    #[test]
    fn reads_nodes_and_edges_in_metres() {
        let network = parse(
            "id,lat,lon\n10,43.65,51.17\n20,40.02,49.4\n",
            "from,to,km,passage\n10,20,508.125,\n",
        )
        .expect("valid");
        assert_eq!(network.ids, vec!["10", "20"]);
        assert_eq!(network.graph.edge_length(0, 1), Some(508_125));
    }

    #[test]
    fn bad_input_names_file_line_and_field() {
        let nodes = "id,lat,lon\n0,1,2\n1,3,4\n";
        for (nodes, edges, expected) in [
            (
                nodes,
                "from,to,km\n0,7,1\n",
                "edges.csv:2: to: unknown node `7`",
            ),
            (
                nodes,
                "from,to,km\n0,1,-3\n",
                "edges.csv:2: km: -3 is not a length",
            ),
            (
                nodes,
                "from,to,km\n0,1,NaN\n",
                "edges.csv:2: km: `NaN` is not a finite number",
            ),
            (nodes, "from,to\n0,1\n", "edges.csv:1: missing column `km`"),
            (
                "id,lat,lon\n0,95,2\n",
                "from,to,km\n",
                "nodes.csv:2: lat: 95 is outside",
            ),
            (
                "id,lat,lon\n0,1,2\n0,1,2\n",
                "from,to,km\n",
                "nodes.csv:3: id: duplicate id `0`",
            ),
            (
                "id,lat,lon\n0,x,2\n",
                "from,to,km\n",
                "nodes.csv:2: lat: `x` is not a number",
            ),
            ("", "from,to,km\n", "nodes.csv: empty file"),
            (nodes, "from,to,km\n0,1\n", "edges.csv:2: malformed CSV"),
        ] {
            let error = parse(nodes, edges).expect_err(expected).to_string();
            assert!(
                error.starts_with(expected),
                "{error} does not start with {expected}"
            );
        }
    }

    #[test]
    fn non_utf8_is_reported() {
        let error = parse_geo(
            &("nodes.csv".into(), b"id,lat,lon\n\xff,1,2\n".to_vec()),
            &("edges.csv".into(), b"from,to,km\n".to_vec()),
        )
        .expect_err("invalid");
        assert!(
            error
                .to_string()
                .starts_with("nodes.csv:2: id: not valid UTF-8"),
            "{error}"
        );
    }
}
