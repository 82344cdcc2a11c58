//! The geographic network CSV format: `nodes.csv` (`id,lat,lon`) and `edges.csv`
//! (`from,to,km`, undirected), as in the world railway and maritime networks derived from
//! OpenStreetMap and Eurostat. Node ids are any text; they are mapped to dense indices in file
//! order and kept for output. An optional `passage` column of edges.csv names the canal,
//! strait or ice route an edge belongs to (searoute's tags: `suez`, `panama`, `northwest`, ...).

use crate::geo::{GeoGraph, GeoGraphError, GeoNodeId, MAX_EDGE_M, MAX_PASSAGES, Metres, Passages};
use crate::io::csv::{field_error, number, read_rows, text};
use crate::io::{Limit, LoadError, read_named};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// A geographic network with the external ids of its nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct GeoNetwork {
    /// The graph; node `i` is the `i`-th row of nodes.csv.
    pub graph: GeoGraph,
    /// External id of each node.
    pub ids: Vec<String>,
    /// Passage class of every edge (empty when the network has no tags).
    pub passages: Passages,
}

/// Reads `nodes.csv` and `edges.csv` from a folder.
///
/// Longitudes in (180, 360] or [−360, −180) — lines drawn across the antimeridian, as in
/// searoute's network — are wrapped into [−180, 180].
///
/// # Errors
/// [`LoadError`] naming the file, line and field of the first problem: a missing file or
/// column, an id used twice, an edge to an unknown node, a coordinate or length that is not a
/// finite number in range, more than 255 passage names, an empty file.
pub fn load_geo_dir(dir: &Path) -> Result<GeoNetwork, LoadError> {
    let read = |name: &str| read_named(&dir.join(name), Limit::GEO_FILE);
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
                return Err(field_error(
                    &nodes.0,
                    line,
                    "id",
                    crate::io::Fault::missing(),
                ));
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
            let lon = if (-180.0..=180.0).contains(&lon) {
                lon
            } else if (180.0..=360.0).contains(&lon) {
                lon - 360.0
            } else if (-360.0..=-180.0).contains(&lon) {
                lon + 360.0
            } else {
                return Err(field_error(
                    &nodes.0,
                    line,
                    "lon",
                    format!("{lon} is outside [-360, 360]"),
                ));
            };
            let index = ids.len() as u32;
            if index_of.insert(id.to_string(), index).is_some() {
                return Err(field_error(
                    &nodes.0,
                    line,
                    "id",
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
    // Passage tags by first line, numbered once all are known (in name order).
    let mut tags: BTreeMap<String, u64> = BTreeMap::new();
    let mut tagged: Vec<(usize, String)> = Vec::new();
    read_rows(
        &edges.0,
        &edges.1,
        &["from", "to", "km"],
        &["passage"],
        |line, fields| {
            let end = |field: &str, raw: &[u8]| -> Result<u32, LoadError> {
                let id = text(&edges.0, line, field, raw)?;
                index_of.get(id).copied().ok_or_else(|| {
                    field_error(
                        &edges.0,
                        line,
                        field,
                        crate::io::Fault::unknown("node", id, " (not in nodes.csv)"),
                    )
                })
            };
            let from = end("from", fields[0])?;
            let to = end("to", fields[1])?;
            let km = number(&edges.0, line, "km", fields[2])?;
            let metres = (km * 1000.0).round();
            if !(0.0..=f64::from(MAX_EDGE_M)).contains(&metres) {
                return Err(field_error(
                    &edges.0,
                    line,
                    "km",
                    format!(
                        "{km} is not a length between 0 and 40,075 km (the Earth's circumference)"
                    ),
                ));
            }
            let passage = text(&edges.0, line, "passage", fields[3])?;
            if !passage.is_empty() {
                if !tags.contains_key(passage) {
                    if tags.len() == MAX_PASSAGES {
                        return Err(field_error(
                            &edges.0,
                            line,
                            "passage",
                            format!("`{passage}`: more than {MAX_PASSAGES} different passages"),
                        ));
                    }
                    if passage.len() > crate::geo::MAX_PASSAGE_NAME
                        || passage.chars().any(char::is_control)
                    {
                        return Err(field_error(
                            &edges.0,
                            line,
                            "passage",
                            format!(
                                "`{passage}` is not a passage name (at most {} bytes, no control characters)",
                                crate::geo::MAX_PASSAGE_NAME
                            ),
                        ));
                    }
                    tags.insert(passage.to_string(), line);
                }
                tagged.push((links.len(), passage.to_string()));
            }
            links.push((from, to, metres as Metres));
            Ok(())
        },
    )?;
    let graph = GeoGraph::new(coords, &links).map_err(|error| match error {
        // Ids and coordinates were checked row by row above.
        GeoGraphError::TooLarge => LoadError::Graph {
            file: nodes.0.clone(),
            reason: error.to_string(),
        },
        other => LoadError::Graph {
            file: edges.0.clone(),
            reason: other.to_string(),
        },
    })?;
    let names: Vec<String> = tags.into_keys().collect();
    let classes: Vec<(u32, u32, Metres, u8)> = tagged
        .iter()
        .map(|(index, name)| {
            let (a, b, length) = links[*index];
            let class = names.binary_search(name).expect("every tag is named") as u8 + 1;
            (a, b, length, class)
        })
        .collect();
    let passages = Passages::new(&graph, names, &classes).map_err(|error| LoadError::Graph {
        file: edges.0.clone(),
        reason: error.to_string(),
    })?;
    Ok(GeoNetwork {
        graph,
        ids,
        passages,
    })
}

/// Changes the passage tags of a network from a CSV file (given as name for messages and
/// bytes) with columns `from,to,passage` (others, such as a `note`, are ignored): `from` and
/// `to` are node ids of an edge of the network, `passage` its new tag (empty: no tag). Returns
/// the network's passages with these changes; names are those the network had plus the new
/// ones, in name order.
///
/// # Errors
/// [`LoadError`] naming the line and field of a node id that does not exist, a pair of nodes
/// with no edge between them, or a name that is not valid.
pub fn apply_passage_tags(
    network: &GeoNetwork,
    file: &(String, Vec<u8>),
) -> Result<Passages, LoadError> {
    let graph = &network.graph;
    let index_of: HashMap<&str, u32> = network
        .ids
        .iter()
        .enumerate()
        .map(|(index, id)| (id.as_str(), index as u32))
        .collect();
    let mut tags: BTreeMap<(u32, u32), String> = network
        .passages
        .tagged_edges(graph)
        .into_iter()
        .map(|(a, b, class)| {
            let name = network.passages.name(class).unwrap_or_default().to_string();
            ((a.0, b.0), name)
        })
        .collect();
    let mut names: Vec<String> = network.passages.names().to_vec();
    read_rows(
        &file.0,
        &file.1,
        &["from", "to", "passage"],
        &[],
        |line, fields| {
            let end = |field: &str, raw: &[u8]| -> Result<u32, LoadError> {
                let id = text(&file.0, line, field, raw)?;
                index_of.get(id).copied().ok_or_else(|| {
                    field_error(
                        &file.0,
                        line,
                        field,
                        crate::io::Fault::unknown("node", id, ""),
                    )
                })
            };
            let (a, b) = (end("from", fields[0])?, end("to", fields[1])?);
            if graph.arc_between(GeoNodeId(a), GeoNodeId(b)).is_none() {
                return Err(field_error(
                    &file.0,
                    line,
                    "to",
                    format!(
                        "no edge between `{}` and `{}`",
                        network.ids[a as usize], network.ids[b as usize]
                    ),
                ));
            }
            let passage = text(&file.0, line, "passage", fields[2])?;
            let key = (a.min(b), a.max(b));
            if passage.is_empty() {
                tags.remove(&key);
            } else {
                if !names.iter().any(|n| n == passage) {
                    names.push(passage.to_string());
                }
                tags.insert(key, passage.to_string());
            }
            Ok(())
        },
    )?;
    names.sort_unstable();
    let tagged: Vec<(u32, u32, Metres, u8)> = tags
        .iter()
        .map(|(&(a, b), name)| {
            let class = names.binary_search(name).expect("every tag is named") as u8 + 1;
            let length = graph.edge_length(GeoNodeId(a), GeoNodeId(b));
            (a, b, length.unwrap_or_default(), class)
        })
        .collect();
    Passages::new(graph, names, &tagged).map_err(|error| LoadError::Graph {
        file: file.0.clone(),
        reason: error.to_string(),
    })
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
        assert_eq!(
            network.graph.edge_length(GeoNodeId(0), GeoNodeId(1)),
            Some(508_125)
        );
        assert!(network.passages.is_empty());
    }

    #[test]
    fn reads_passage_tags_and_wraps_longitudes() {
        let network = parse(
            "id,lat,lon\na,30,32.3\nb,31,32.3\nc,65.9,190.85\nd,66,-169\n",
            "from,to,km,passage\na,b,100,suez\nb,c,9000,\nc,d,50,bering\n",
        )
        .expect("valid");
        assert!((network.graph.coord(GeoNodeId(2)).1 - -169.15).abs() < 1e-9);
        assert_eq!(network.passages.names(), ["bering", "suez"]);
        let (node, class) = (GeoNodeId, crate::geo::PassageClass);
        assert_eq!(
            network.passages.tagged_edges(&network.graph),
            vec![(node(0), node(1), class(2)), (node(2), node(3), class(1))]
        );
        let error = parse("id,lat,lon\n0,1,400\n", "from,to,km\n").expect_err("out of range");
        assert!(
            error
                .to_string()
                .starts_with("nodes.csv:2: lon: 400 is outside"),
            "{error}"
        );
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
    fn passage_tags_are_set_and_removed_from_a_file() {
        let network = parse(
            "id,lat,lon\na,30,32\nb,31,32\nc,32,32\n",
            "from,to,km,passage\na,b,100,suez\nb,c,100,\n",
        )
        .expect("valid");
        let file = |text: &str| ("tags.csv".to_string(), text.as_bytes().to_vec());
        let passages = apply_passage_tags(
            &network,
            &file("from,to,passage,note\nc,b,ice,why\na,b,,reopened\n"),
        )
        .expect("valid");
        assert_eq!(passages.names(), ["ice", "suez"]);
        let tagged = (GeoNodeId(1), GeoNodeId(2), crate::geo::PassageClass(1));
        assert_eq!(passages.tagged_edges(&network.graph), vec![tagged]);
        let error = apply_passage_tags(&network, &file("from,to,passage\na,c,x\n"))
            .expect_err("not an edge");
        assert_eq!(
            error.to_string(),
            "tags.csv:2: to: no edge between `a` and `c`"
        );
        let error = apply_passage_tags(&network, &file("from,to,passage\na,z,x\n"))
            .expect_err("unknown node");
        assert!(
            error
                .to_string()
                .starts_with("tags.csv:2: to: unknown node `z`")
        );
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
