//! GMNS networks for equilibrium assignment: `node.csv`, `link.csv` with capacities and
//! volume-delay parameters, `demand.csv` (`o_zone_id,d_zone_id,volume`) and the optional
//! one-row `config.csv` (units and coordinate system), as written by osm2gmns, path4gmns,
//! DTALite and TAPLite.
//!
//! What each column means here (docs/formats.md has the full table):
//! - `node.csv`: `node_id` (any text), optional `zone_id` (the zone the node gives access
//!   to), `node_type` (`centroid` nodes are never passed through, like TNTP's nodes below
//!   `<FIRST THRU NODE>`), `x_coord`/`y_coord` (WGS84 degrees, only for map output).
//! - `link.csv`: `from_node_id`, `to_node_id`; optional `link_id`, `directed` (false: the
//!   row is both directions), `length` (`long_length` units), `free_speed` (`speed` units),
//!   `vdf_fftt` (free-flow time in minutes; else `length / free_speed`), `capacity` (per lane
//!   and hour, as GMNS defines it; times `lanes`, default 1; empty: the link's time does not
//!   depend on its volume), `vdf_type` (`bpr`, default, or `conical`), `vdf_alpha` (0.15),
//!   `vdf_beta` (4), `toll`, and `geometry` (WKT, for map output).
//! - `demand.csv`: `o_zone_id`, `d_zone_id`, `volume` (in the time base of the capacities;
//!   rows for the same pair add up; demand within a zone is kept in the matrix's diagonal
//!   and, as everywhere in assignment, not assigned).
//!
//! Zones: the distinct `zone_id`s of `node.csv` in order of first appearance; when
//! `node.csv` has none, every node named in the demand is its own zone. Each zone becomes a
//! centroid joined to its nodes by connectors of zero cost, so a zone may have several access
//! nodes and the physical nodes stay passable.

use super::{AssignZoneId, LinkVdf, OdMatrix, Vdf};
use crate::io::csv::{field_error, finite, read_rows, text};
use crate::io::gmns::{GmnsConfig, is_missing, is_wgs84, parse_wkt_linestring, read_config};
use crate::io::{Limit, LoadError, LoadWarning, read_named};
use std::collections::HashMap;
use std::path::Path;

/// BPR `alpha` where `link.csv` gives none.
pub const GMNS_DEFAULT_ALPHA: f64 = 0.15;
/// BPR `beta` where `link.csv` gives none.
pub const GMNS_DEFAULT_BETA: f64 = 4.0;
/// Largest zone count (the demand matrix is dense: 100 M cells).
const MAX_ZONES: usize = 10_000;

/// One node of a GMNS assignment network.
#[derive(Debug, Clone, PartialEq)]
pub struct GmnsNode {
    /// `node_id`.
    pub id: String,
    /// The zone it gives access to (index into [`GmnsAssignment::zones`]).
    pub zone: Option<u32>,
    /// Whether paths may pass through it (false for `node_type` `centroid`).
    pub through: bool,
    /// (longitude, latitude) when the file gives both.
    pub coord: Option<(f64, f64)>,
}

/// One directed link (an undirected row of `link.csv` gives two).
#[derive(Debug, Clone, PartialEq)]
pub struct GmnsLink {
    /// `link_id` (the line number when the file has no such column).
    pub id: String,
    /// Tail (index into [`GmnsAssignment::nodes`]).
    pub from: u32,
    /// Head.
    pub to: u32,
    /// Whether this is the reverse direction of an undirected row.
    pub reverse: bool,
    /// Free-flow time (minutes), function and total capacity.
    pub vdf: LinkVdf,
    /// `length` in `long_length` units (0 when empty).
    pub length: f64,
    /// `toll` in currency units (0 when empty).
    pub toll: f64,
    /// (longitude, latitude) points of the WKT `geometry`, in travel direction.
    pub geometry: Option<Vec<(f64, f64)>>,
    /// The line of `link.csv`.
    pub line: u64,
}

/// A GMNS network with its demand, ready for assignment.
#[derive(Debug, Clone)]
pub struct GmnsAssignment {
    /// The folder's name.
    pub name: String,
    /// Nodes in file order.
    pub nodes: Vec<GmnsNode>,
    /// Zone ids; zone `z` is row/column `z` of `demand`.
    pub zones: Vec<String>,
    /// Each zone's access nodes, in node order.
    pub zone_nodes: Vec<Vec<u32>>,
    /// Directed links in file order (an undirected row's reverse right after it).
    pub links: Vec<GmnsLink>,
    /// Demand between zones.
    pub demand: OdMatrix,
    /// Whether node coordinates are WGS84 degrees (`config.csv` states no other `crs`).
    pub wgs84: bool,
    /// Oddities that do not stop the load.
    pub warnings: Vec<LoadWarning>,
}

/// Reads the GMNS assignment network in `dir`: `node.csv`, `link.csv`, `config.csv` when
/// present, and the demand from `demand` or else `dir/demand.csv`.
///
/// # Errors
/// Unreadable or malformed files, with the file, line and field.
pub fn load_gmns_assignment(
    dir: &Path,
    demand: Option<&Path>,
) -> Result<GmnsAssignment, LoadError> {
    if !dir.is_dir() {
        return Err(LoadError::UnknownFormat {
            path: dir.display().to_string(),
            reason: "not a folder (expected a GMNS folder with node.csv, link.csv and \
                     demand.csv)"
                .into(),
        });
    }
    let read = |path: &Path| read_named(path, Limit::ASSIGN_FILE);
    let config_path = dir.join("config.csv");
    let config = if config_path.exists() {
        Some(read(&config_path)?)
    } else {
        None
    };
    let demand_path = demand.map_or_else(|| dir.join("demand.csv"), Path::to_path_buf);
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| dir.display().to_string());
    parse_gmns_assignment(
        &name,
        &read(&dir.join("node.csv"))?,
        &read(&dir.join("link.csv"))?,
        &read(&demand_path)?,
        config.as_ref(),
    )
}

/// Parses a GMNS assignment network from (file name, bytes) pairs; see the module
/// documentation for the columns.
///
/// # Errors
/// [`LoadError`] naming the file, line and field of the first problem: missing files or
/// columns, duplicate node ids, links to unknown nodes, negative or non-finite numbers, zero
/// capacity on a congestible link, no way to get a free-flow time, unknown `vdf_type` or
/// `directed` values, a conical α ≤ 1, demand for unknown zones, negative demand, too many
/// zones.
pub fn parse_gmns_assignment(
    name: &str,
    node: &(String, Vec<u8>),
    link: &(String, Vec<u8>),
    demand: &(String, Vec<u8>),
    config: Option<&(String, Vec<u8>)>,
) -> Result<GmnsAssignment, LoadError> {
    let mut warnings = Vec::new();
    let units = match config {
        Some(config) => read_config(config)?,
        None => GmnsConfig::default(),
    };
    let wgs84 = units.crs.as_ref().is_none_or(|(crs, _)| is_wgs84(crs));
    let (mut nodes, node_zone_ids) = read_nodes(node)?;
    // Zones from node.csv, else from the demand's ids.
    let mut zones: Vec<String> = Vec::new();
    let mut zone_of: HashMap<String, u32> = HashMap::new();
    let explicit_zones = node_zone_ids.iter().any(Option::is_some);
    if explicit_zones {
        for (n, zone) in node_zone_ids.iter().enumerate() {
            if let Some((zone, line)) = zone {
                let next = zones.len() as u32;
                let z = *zone_of.entry(zone.clone()).or_insert_with(|| {
                    zones.push(zone.clone());
                    next
                });
                if zones.len() > MAX_ZONES {
                    return Err(field_error(
                        &node.0,
                        *line,
                        "zone_id",
                        format!("more than {MAX_ZONES} zones"),
                    ));
                }
                nodes[n].zone = Some(z);
            }
        }
    }
    let index_of: HashMap<&str, u32> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i as u32))
        .collect();
    let links = read_links(link, &index_of, &units, &mut warnings)?;
    let rows = read_demand(demand, explicit_zones, &zone_of, &index_of)?;
    if !explicit_zones {
        // Every node named in the demand is a zone, in node order.
        let mut named = vec![false; nodes.len()];
        for row in &rows {
            named[row.origin as usize] = true;
            named[row.destination as usize] = true;
        }
        for (n, node) in nodes.iter_mut().enumerate() {
            if named[n] {
                if zones.len() == MAX_ZONES {
                    return Err(LoadError::Content {
                        file: demand.0.clone(),
                        reason: format!("more than {MAX_ZONES} zones"),
                    });
                }
                node.zone = Some(zones.len() as u32);
                zones.push(node.id.clone());
            }
        }
    }
    let mut matrix = OdMatrix::zeros(zones.len());
    for row in &rows {
        let (o, d) = if explicit_zones {
            (row.origin, row.destination)
        } else {
            let zone = |n: u32| nodes[n as usize].zone.expect("named nodes are zones");
            (zone(row.origin), zone(row.destination))
        };
        matrix.add(AssignZoneId(o), AssignZoneId(d), row.volume);
    }
    let mut zone_nodes = vec![Vec::new(); zones.len()];
    for (n, node) in nodes.iter().enumerate() {
        if let Some(z) = node.zone {
            zone_nodes[z as usize].push(n as u32);
        }
    }
    Ok(GmnsAssignment {
        name: name.to_string(),
        nodes,
        zones,
        zone_nodes,
        links,
        demand: matrix,
        wgs84,
        warnings,
    })
}

/// The `zone_id` of a node and the line it is on, where the file gives one.
type ZoneOfNode = Option<(String, u64)>;

/// Nodes and, per node, its `zone_id` where given.
fn read_nodes(node: &(String, Vec<u8>)) -> Result<(Vec<GmnsNode>, Vec<ZoneOfNode>), LoadError> {
    let file = &node.0;
    let mut nodes = Vec::new();
    let mut zone_ids = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    read_rows(
        file,
        &node.1,
        &["node_id"],
        &["zone_id", "node_type", "x_coord", "y_coord"],
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
            if let Some(first) = seen.insert(id.to_string(), line) {
                return Err(field_error(
                    file,
                    line,
                    "node_id",
                    crate::io::Fault::DuplicateId {
                        id: crate::io::clip(id),
                        first_line: Some(first),
                    },
                ));
            }
            let zone = text(file, line, "zone_id", fields[1])?;
            // osm2gmns writes 0 or an empty field for nodes without a zone.
            let zone = (!is_missing(zone) && zone != "0").then(|| (zone.to_string(), line));
            let node_type = text(file, line, "node_type", fields[2])?;
            let through = !node_type.eq_ignore_ascii_case("centroid");
            let x = text(file, line, "x_coord", fields[3])?;
            let y = text(file, line, "y_coord", fields[4])?;
            let coord = if is_missing(x) || is_missing(y) {
                None
            } else {
                Some((
                    finite(file, line, "x_coord", x)?,
                    finite(file, line, "y_coord", y)?,
                ))
            };
            if nodes.len() >= u32::MAX as usize / 2 {
                return Err(field_error(file, line, "node_id", "too many nodes"));
            }
            nodes.push(GmnsNode {
                id: id.to_string(),
                zone: None,
                through,
                coord,
            });
            zone_ids.push(zone);
            Ok(())
        },
    )?;
    if nodes.is_empty() {
        return Err(LoadError::Content {
            file: file.clone(),
            reason: "no nodes".into(),
        });
    }
    Ok((nodes, zone_ids))
}

const LINK_COLUMNS: [&str; 13] = [
    "link_id",
    "directed",
    "length",
    "free_speed",
    "vdf_fftt",
    "capacity",
    "lanes",
    "vdf_type",
    "vdf_alpha",
    "vdf_beta",
    "toll",
    "geometry",
    "dir_flag",
];

fn read_links(
    link: &(String, Vec<u8>),
    index_of: &HashMap<&str, u32>,
    units: &GmnsConfig,
    warnings: &mut Vec<LoadWarning>,
) -> Result<Vec<GmnsLink>, LoadError> {
    let file = &link.0;
    let mut links = Vec::new();
    let mut uncongested = 0usize;
    let mut first_uncongested = 0u64;
    read_rows(
        file,
        &link.1,
        &["from_node_id", "to_node_id"],
        &LINK_COLUMNS,
        |line, f| {
            let node = |field: &str, raw: &[u8]| -> Result<u32, LoadError> {
                let id = text(file, line, field, raw)?;
                if is_missing(id) {
                    return Err(field_error(file, line, field, crate::io::Fault::missing()));
                }
                index_of.get(id).copied().ok_or_else(|| {
                    field_error(file, line, field, crate::io::Fault::unknown("node", id, ""))
                })
            };
            let from = node("from_node_id", f[0])?;
            let to = node("to_node_id", f[1])?;
            if from == to {
                return Err(field_error(
                    file,
                    line,
                    "to_node_id",
                    "a link from a node to itself",
                ));
            }
            let id = text(file, line, "link_id", f[2])?;
            let id = if is_missing(id) {
                format!("line {line}")
            } else {
                id.to_string()
            };
            let directed = text(file, line, "directed", f[3])?;
            let directed = match directed.to_ascii_lowercase().as_str() {
                "" | "nan" | "true" | "t" | "1" | "yes" | "y" => true,
                "false" | "f" | "0" | "no" | "n" => false,
                other => {
                    return Err(field_error(
                        file,
                        line,
                        "directed",
                        format!("`{other}` is not true or false"),
                    ));
                }
            };
            let opt = |field: &str, raw: &[u8]| -> Result<Option<f64>, LoadError> {
                let value = text(file, line, field, raw)?;
                if is_missing(value) {
                    return Ok(None);
                }
                let number = finite(file, line, field, value)?;
                if number < 0.0 {
                    return Err(field_error(
                        file,
                        line,
                        field,
                        format!("{value} is negative"),
                    ));
                }
                Ok(Some(number))
            };
            let length = opt("length", f[4])?;
            let free_speed = opt("free_speed", f[5])?;
            let fftt = match opt("vdf_fftt", f[6])? {
                Some(minutes) => minutes,
                None => match (length, free_speed) {
                    (Some(length), Some(speed)) if speed > 0.0 => {
                        // Hours = metres / (metres per hour); without units, length and
                        // speed share the long_length unit (the specification's usual case).
                        let metres = length * units.metres_per_long_length.unwrap_or(1.0);
                        let per_hour = speed
                            * units
                                .speed_metres_per_hour
                                .or(units.metres_per_long_length)
                                .unwrap_or(1.0);
                        60.0 * metres / per_hour
                    }
                    (Some(_), Some(_)) => {
                        return Err(field_error(
                            file,
                            line,
                            "free_speed",
                            "0 gives no free-flow time; give vdf_fftt",
                        ));
                    }
                    _ => {
                        return Err(field_error(
                            file,
                            line,
                            "vdf_fftt",
                            "missing value, and no length and free_speed to compute it from",
                        ));
                    }
                },
            };
            let capacity = opt("capacity", f[7])?;
            let lanes = opt("lanes", f[8])?.unwrap_or(1.0);
            let vdf_type = text(file, line, "vdf_type", f[9])?;
            let alpha = opt("vdf_alpha", f[10])?;
            let beta = opt("vdf_beta", f[11])?;
            let vdf = match vdf_type.to_ascii_lowercase().as_str() {
                "" | "nan" | "bpr" => Vdf::Bpr {
                    alpha: alpha.unwrap_or(GMNS_DEFAULT_ALPHA),
                    beta: beta.unwrap_or(GMNS_DEFAULT_BETA),
                },
                "conical" => {
                    let alpha = alpha.ok_or_else(|| {
                        field_error(
                            file,
                            line,
                            "vdf_alpha",
                            "missing value (a conical function needs its alpha > 1)",
                        )
                    })?;
                    if alpha <= 1.0 {
                        return Err(field_error(
                            file,
                            line,
                            "vdf_alpha",
                            format!("{alpha}: a conical function needs alpha > 1"),
                        ));
                    }
                    Vdf::Conical { alpha }
                }
                other => {
                    return Err(field_error(
                        file,
                        line,
                        "vdf_type",
                        format!("unknown function `{other}` (expected bpr or conical)"),
                    ));
                }
            };
            let congestible = match vdf {
                Vdf::Bpr { alpha, .. } => alpha > 0.0 && fftt > 0.0,
                Vdf::Conical { .. } => fftt > 0.0,
            };
            let vdf = match capacity {
                Some(capacity) if capacity * lanes > 0.0 => LinkVdf {
                    vdf,
                    free_flow_time: fftt,
                    capacity: capacity * lanes,
                },
                Some(_) if congestible => {
                    let field = if lanes == 0.0 { "lanes" } else { "capacity" };
                    return Err(field_error(
                        file,
                        line,
                        field,
                        "zero capacity on a link whose time depends on its volume (leave \
                         capacity empty for a link without congestion)",
                    ));
                }
                _ => {
                    if congestible {
                        uncongested += 1;
                        if first_uncongested == 0 {
                            first_uncongested = line;
                        }
                    }
                    LinkVdf::constant(fftt)
                }
            };
            let toll = opt("toll", f[12])?.unwrap_or(0.0);
            let wkt = text(file, line, "geometry", f[13])?;
            let mut geometry: Option<Vec<(f64, f64)>> = if is_missing(wkt) {
                None
            } else {
                parse_wkt_linestring(wkt)
                    .map_err(|reason| field_error(file, line, "geometry", reason))?
                    .map(|points| points.into_iter().map(|(lat, lon)| (lon, lat)).collect())
            };
            if text(file, line, "dir_flag", f[14])? == "-1"
                && let Some(points) = geometry.as_mut()
            {
                points.reverse();
            }
            let forward = GmnsLink {
                id,
                from,
                to,
                reverse: false,
                vdf,
                length: length.unwrap_or(0.0),
                toll,
                geometry,
                line,
            };
            // An undirected row is also its reverse, right after it.
            let back = (!directed).then(|| {
                let mut back = forward.clone();
                (back.from, back.to, back.reverse) = (to, from, true);
                if let Some(points) = back.geometry.as_mut() {
                    points.reverse();
                }
                back
            });
            links.push(forward);
            links.extend(back);
            Ok(())
        },
    )?;
    if links.is_empty() {
        return Err(LoadError::Content {
            file: file.clone(),
            reason: "no links".into(),
        });
    }
    if uncongested > 0 {
        warnings.push(LoadWarning {
            file: file.clone(),
            line: Some(first_uncongested),
            message: format!(
                "{uncongested} link(s) without a capacity keep their free-flow time at any \
                 volume (first on this line)"
            ),
        });
    }
    Ok(links)
}

/// One row of `demand.csv`: zone indices (or node indices when zones come from the demand).
struct DemandRow {
    origin: u32,
    destination: u32,
    volume: f64,
}

fn read_demand(
    demand: &(String, Vec<u8>),
    explicit_zones: bool,
    zone_of: &HashMap<String, u32>,
    index_of: &HashMap<&str, u32>,
) -> Result<Vec<DemandRow>, LoadError> {
    let file = &demand.0;
    let mut rows = Vec::new();
    read_rows(
        file,
        &demand.1,
        &["o_zone_id", "d_zone_id", "volume"],
        &[],
        |line, f| {
            let zone = |field: &str, raw: &[u8]| -> Result<u32, LoadError> {
                let id = text(file, line, field, raw)?;
                if is_missing(id) {
                    return Err(field_error(file, line, field, crate::io::Fault::missing()));
                }
                let found = if explicit_zones {
                    zone_of.get(id).copied()
                } else {
                    index_of.get(id).copied()
                };
                found.ok_or_else(|| {
                    let what = if explicit_zones {
                        "no node of node.csv has this zone_id"
                    } else {
                        "no node has this id (node.csv has no zone_id column, so zones are \
                         node ids)"
                    };
                    field_error(file, line, field, format!("unknown zone `{id}`: {what}"))
                })
            };
            let origin = zone("o_zone_id", f[0])?;
            let destination = zone("d_zone_id", f[1])?;
            let value = text(file, line, "volume", f[2])?;
            if is_missing(value) {
                return Err(field_error(
                    file,
                    line,
                    "volume",
                    crate::io::Fault::missing(),
                ));
            }
            let volume = finite(file, line, "volume", value)?;
            if volume < 0.0 {
                return Err(field_error(
                    file,
                    line,
                    "volume",
                    format!("{value} is negative"),
                ));
            }
            rows.push(DemandRow {
                origin,
                destination,
                volume,
            });
            Ok(())
        },
    )?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> (String, Vec<u8>) {
        (name.to_string(), text.as_bytes().to_vec())
    }

    fn parse(
        nodes: &str,
        links: &str,
        demand: &str,
        config: Option<&str>,
    ) -> Result<GmnsAssignment, LoadError> {
        let config = config.map(|c| file("config.csv", c));
        parse_gmns_assignment(
            "test",
            &file("node.csv", nodes),
            &file("link.csv", links),
            &file("demand.csv", demand),
            config.as_ref(),
        )
    }

    const NODES: &str = "node_id,zone_id,x_coord,y_coord\n\
                         a,1,10.0,50.0\n\
                         b,,10.1,50.0\n\
                         c,2,10.2,50.0\n";

    #[test]
    fn reads_links_vdfs_zones_and_demand() {
        let links = "link_id,from_node_id,to_node_id,directed,length,free_speed,capacity,lanes,\
                     vdf_alpha,vdf_beta,toll\n\
                     l1,a,b,true,10,60,1000,2,0.5,2,1.5\n\
                     l2,b,c,false,30,,,,,,\n";
        let links = links.replace("l2,b,c,false,30,,,,,,", "l2,b,c,false,30,90,,,,,");
        let g = parse(
            NODES,
            &links,
            "o_zone_id,d_zone_id,volume\n1,2,100\n1,2,50\n2,1,7\n",
            None,
        )
        .unwrap();
        assert_eq!(g.zones, ["1", "2"]);
        assert_eq!(g.zone_nodes, [vec![0], vec![2]]);
        assert_eq!(g.links.len(), 3);
        let l1 = &g.links[0];
        assert_eq!((l1.from, l1.to, l1.reverse), (0, 1, false));
        assert_eq!(
            l1.vdf.vdf,
            Vdf::Bpr {
                alpha: 0.5,
                beta: 2.0
            }
        );
        assert!(
            (l1.vdf.free_flow_time - 10.0).abs() < 1e-12,
            "10 units at 60/h"
        );
        assert_eq!(l1.vdf.capacity, 2000.0);
        assert_eq!(l1.toll, 1.5);
        // Undirected, no capacity: both directions, constant time, with a warning.
        assert_eq!(
            (g.links[2].from, g.links[2].to, g.links[2].reverse),
            (2, 1, true)
        );
        assert!(g.links[1].vdf.is_constant());
        assert!((g.links[1].vdf.free_flow_time - 20.0).abs() < 1e-12);
        assert_eq!(g.warnings.len(), 1, "{:?}", g.warnings);
        assert!(g.warnings[0].message.contains("without a capacity"));
        let zone = AssignZoneId;
        assert_eq!(
            g.demand.get(zone(0), zone(1)),
            150.0,
            "rows for one pair add up"
        );
        assert_eq!(g.demand.get(zone(1), zone(0)), 7.0);
        assert_eq!(g.nodes[1].coord, Some((10.1, 50.0)));
    }

    #[test]
    fn free_flow_time_follows_the_config_units() {
        let links = "from_node_id,to_node_id,length,free_speed,capacity\na,b,1609.344,60,1\n";
        let demand = "o_zone_id,d_zone_id,volume\n1,2,1\n";
        // Metres and mph: one mile at 60 mph is one minute.
        let g = parse(NODES, links, demand, Some("long_length,speed\nm,mph\n")).unwrap();
        assert!((g.links[0].vdf.free_flow_time - 1.0).abs() < 1e-9);
        // vdf_fftt wins over length and speed.
        let links = "from_node_id,to_node_id,length,free_speed,vdf_fftt,capacity\na,b,1,1,7.5,1\n";
        let g = parse(NODES, links, demand, None).unwrap();
        assert_eq!(g.links[0].vdf.free_flow_time, 7.5);
    }

    #[test]
    fn without_zone_ids_the_demand_names_nodes() {
        let nodes = "node_id,node_type\n1,centroid\n2,\n3,\n";
        let links = "from_node_id,to_node_id,vdf_fftt,capacity\n1,2,1,10\n2,3,1,10\n";
        let g = parse(nodes, links, "o_zone_id,d_zone_id,volume\n3,1,4\n", None).unwrap();
        assert_eq!(g.zones, ["1", "3"], "zones in node order");
        assert_eq!(g.demand.get(AssignZoneId(1), AssignZoneId(0)), 4.0);
        assert!(!g.nodes[0].through && g.nodes[1].through);
    }

    #[test]
    fn conical_functions() {
        let links = "from_node_id,to_node_id,vdf_fftt,capacity,vdf_type,vdf_alpha\n\
                     a,b,1,10,conical,4\n";
        let g = parse(NODES, links, "o_zone_id,d_zone_id,volume\n", None).unwrap();
        assert_eq!(g.links[0].vdf.vdf, Vdf::Conical { alpha: 4.0 });
    }

    #[test]
    fn bad_input_names_file_line_and_field() {
        let demand = "o_zone_id,d_zone_id,volume\n1,2,1\n";
        let header =
            "from_node_id,to_node_id,vdf_fftt,capacity,lanes,directed,vdf_type,vdf_alpha\n";
        let cases: [(&str, &str, &str, &str); 12] = [
            (
                "a,x,1,1,1,,,",
                demand,
                "link.csv:2: to_node_id: unknown node `x`",
                "",
            ),
            ("a,a,1,1,1,,,", demand, "link.csv:2: to_node_id", "itself"),
            (
                "a,b,-1,1,1,,,",
                demand,
                "link.csv:2: vdf_fftt: -1 is negative",
                "",
            ),
            (
                "a,b,1,0,1,,,",
                demand,
                "link.csv:2: capacity: zero capacity",
                "",
            ),
            (
                "a,b,1,1,0,,,",
                demand,
                "link.csv:2: lanes: zero capacity",
                "",
            ),
            (
                "a,b,1,1,1,maybe,,",
                demand,
                "link.csv:2: directed: `maybe`",
                "",
            ),
            (
                "a,b,1,1,1,,akcelik,",
                demand,
                "link.csv:2: vdf_type: unknown",
                "",
            ),
            (
                "a,b,1,1,1,,conical,0.5",
                demand,
                "link.csv:2: vdf_alpha",
                "alpha > 1",
            ),
            (
                "a,b,,1,1,,,",
                demand,
                "link.csv:2: vdf_fftt: missing value",
                "",
            ),
            (
                "a,b,1,1,1,,,",
                "o_zone_id,d_zone_id,volume\n1,9,1\n",
                "demand.csv:2: d_zone_id: unknown zone `9`",
                "",
            ),
            (
                "a,b,1,1,1,,,",
                "o_zone_id,d_zone_id,volume\n1,2,-3\n",
                "demand.csv:2: volume: -3 is negative",
                "",
            ),
            (
                "a,b,1,1,1,,,",
                "o_zone_id,volume\n1,3\n",
                "demand.csv:1: missing column `d_zone_id`",
                "",
            ),
        ];
        for (row, demand, expect, also) in cases {
            let error = parse(NODES, &format!("{header}{row}\n"), demand, None)
                .unwrap_err()
                .to_string();
            assert!(error.starts_with(expect), "{row}: {error}");
            assert!(error.contains(also), "{row}: {error}");
        }
        let error = parse("node_id\na\na\n", "from_node_id,to_node_id\n", demand, None)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("node.csv:3: node_id: duplicate id `a`"),
            "{error}"
        );
        let error = parse(NODES, "from_node_id,to_node_id\n", demand, None)
            .unwrap_err()
            .to_string();
        assert_eq!(error, "link.csv: no links");
        let error = parse(
            NODES,
            &format!("{header}a,b,1,1,1,,,\n"),
            demand,
            Some("speed\nknots\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.starts_with("config.csv:2: speed: unknown speed unit"),
            "{error}"
        );
        // A projected system is fine for assignment; only maps need degrees.
        let g = parse(
            NODES,
            &format!("{header}a,b,1,1,1,,,\n"),
            demand,
            Some("crs\nEPSG:3857\n"),
        )
        .unwrap();
        assert!(!g.wgs84);
    }
}
