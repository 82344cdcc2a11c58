//! Readers of the TNTP format of the "Transportation Networks for Research" collection
//! (Bar-Gera; Stabler et al.): `NAME_net.tntp` (links with BPR parameters), `NAME_trips.tntp`
//! (origin–destination demand), `NAME_flow.tntp` (best-known equilibrium flows) and
//! `NAME_node.tntp` (coordinates).
//!
//! Files start with a metadata block of `<KEY> value` lines ended by `<END OF METADATA>`;
//! lines starting with `~` are comments; link rows end with `;`. Node ids are 1-based in the
//! files and in [`TntpLink`]; zones are nodes `1..=zones`.

use super::{AssignZoneId, OdMatrix};
use crate::io::{Limit, LoadError, LoadWarning, read_limited};
use std::collections::BTreeMap;
use std::path::Path;

/// One directed link of a TNTP net file.
#[derive(Debug, Clone, PartialEq)]
pub struct TntpLink {
    /// Tail node (1-based).
    pub from: u32,
    /// Head node (1-based).
    pub to: u32,
    /// Capacity (vehicles per period).
    pub capacity: f64,
    /// Length (network units; miles or km).
    pub length: f64,
    /// Free-flow travel time.
    pub free_flow_time: f64,
    /// BPR `B` (alpha).
    pub b: f64,
    /// BPR power (beta).
    pub power: f64,
    /// Speed limit (unused by the published results).
    pub speed: f64,
    /// Toll.
    pub toll: f64,
    /// Link type.
    pub link_type: i64,
    /// The line of the file it came from.
    pub line: u64,
}

/// A TNTP net file.
#[derive(Debug, Clone, PartialEq)]
pub struct TntpNet {
    /// `<NUMBER OF ZONES>`.
    pub zones: u32,
    /// `<NUMBER OF NODES>`.
    pub nodes: u32,
    /// `<FIRST THRU NODE>`: nodes with a smaller id may not be passed through.
    pub first_thru_node: u32,
    /// `<TOLL FACTOR>` when the file states one.
    pub toll_factor: Option<f64>,
    /// `<DISTANCE FACTOR>` when the file states one.
    pub distance_factor: Option<f64>,
    /// The links, in file order.
    pub links: Vec<TntpLink>,
}

/// One row of a best-known flow file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TntpFlow {
    /// Tail node (1-based).
    pub from: u32,
    /// Head node (1-based).
    pub to: u32,
    /// Link volume.
    pub volume: f64,
    /// Link cost at that volume.
    pub cost: f64,
}

/// A TNTP network with its demand, as read from a folder.
#[derive(Debug, Clone)]
pub struct TntpProblem {
    /// The name (file prefix).
    pub name: String,
    /// The net file.
    pub net: TntpNet,
    /// The demand between zones (zone `z` is row/column `z - 1`).
    pub demand: OdMatrix,
    /// The best-known flows, when `NAME_flow.tntp` exists.
    pub best_flows: Option<Vec<TntpFlow>>,
    /// Node coordinates, when `NAME_node.tntp` exists.
    pub nodes: Option<Vec<TntpNode>>,
    /// Oddities that do not stop the load.
    pub warnings: Vec<LoadWarning>,
}

/// Cost weights stated in the TransportationNetworks READMEs for networks whose net file
/// has no `<TOLL FACTOR>`/`<DISTANCE FACTOR>` metadata: (toll factor, distance factor).
/// ChicagoSketch: 0.02 min/cent and 0.04 min/mile (its best-known flow file's cost column
/// confirms the distance term).
pub fn known_cost_weights(name: &str) -> Option<(f64, f64)> {
    match name {
        "ChicagoSketch" | "Chicago-Sketch" => Some((0.02, 0.04)),
        "ChicagoRegional" | "chicago-regional" => Some((0.1, 0.25)),
        _ => None,
    }
}

impl TntpProblem {
    /// The weights of tolls and lengths in the generalized cost, (toll factor, distance
    /// factor): the net file's `<TOLL FACTOR>` and `<DISTANCE FACTOR>` where it states them,
    /// else [`known_cost_weights`] of the network's name, else 0.
    pub fn cost_weights(&self) -> (f64, f64) {
        let (toll, distance) = known_cost_weights(&self.name).unwrap_or((0.0, 0.0));
        (
            self.net.toll_factor.unwrap_or(toll),
            self.net.distance_factor.unwrap_or(distance),
        )
    }
}

/// Largest node id or zone count accepted (guards allocations sized by metadata).
const MAX_NODES: u64 = 50_000_000;
/// Largest zone count for a dense demand matrix (100 M cells).
const MAX_ZONES: u64 = 10_000;

/// Reads `DIR/NAME_net.tntp`, `DIR/NAME_trips.tntp` and, if present, `DIR/NAME_flow.tntp`
/// and `DIR/NAME_node.tntp`.
/// `spec` is either `DIR/NAME` or a folder holding exactly one `*_net.tntp`.
///
/// # Errors
/// Unreadable or malformed files, with the file, line and field.
pub fn load_tntp(spec: &Path) -> Result<TntpProblem, LoadError> {
    let (dir, name) = resolve_tntp(spec)?;
    let path = |suffix: &str| dir.join(format!("{name}_{suffix}.tntp"));
    let read = |p: &Path| -> Result<String, LoadError> {
        let bytes = read_limited(p, Limit::ASSIGN_FILE)?;
        String::from_utf8(bytes).map_err(|e| {
            let bytes = e.as_bytes();
            let position = e.utf8_error().valid_up_to();
            let line = 1 + bytes[..position].iter().filter(|&&b| b == b'\n').count() as u64;
            LoadError::NotUtf8 {
                file: p.display().to_string(),
                line,
                field: "text".to_string(),
                byte: bytes[position],
                position,
            }
        })
    };
    let net_path = path("net");
    let net = parse_tntp_net(&net_path.display().to_string(), &read(&net_path)?)?;
    let trips_path = path("trips");
    let mut warnings = Vec::new();
    let demand = parse_tntp_trips(
        &trips_path.display().to_string(),
        &read(&trips_path)?,
        net.zones,
        &mut warnings,
    )?;
    let flow_path = path("flow");
    let best_flows = if flow_path.exists() {
        Some(parse_tntp_flow(
            &flow_path.display().to_string(),
            &read(&flow_path)?,
        )?)
    } else {
        None
    };
    let node_path = path("node");
    let nodes = if node_path.exists() {
        Some(parse_tntp_nodes(
            &node_path.display().to_string(),
            &read(&node_path)?,
        )?)
    } else {
        None
    };
    Ok(TntpProblem {
        name,
        net,
        demand,
        best_flows,
        nodes,
        warnings,
    })
}

/// Splits `DIR/NAME` (or a folder with one `*_net.tntp`) into folder and name.
fn resolve_tntp(spec: &Path) -> Result<(std::path::PathBuf, String), LoadError> {
    if spec.is_dir() {
        let entries = std::fs::read_dir(spec).map_err(|source| LoadError::Read {
            file: spec.display().to_string(),
            source,
        })?;
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter_map(|n| n.strip_suffix("_net.tntp").map(str::to_string))
            .collect();
        names.sort();
        return match names.len() {
            1 => Ok((spec.to_path_buf(), names.remove(0))),
            0 => Err(LoadError::UnknownFormat {
                path: spec.display().to_string(),
                reason: "no NAME_net.tntp file in this folder".to_string(),
            }),
            _ => Err(LoadError::UnknownFormat {
                path: spec.display().to_string(),
                reason: format!(
                    "several networks in this folder ({}); give DIR/NAME",
                    names.join(", ")
                ),
            }),
        };
    }
    let name = spec
        .file_name()
        .and_then(|n| n.to_str())
        .map(|n| n.strip_suffix("_net.tntp").unwrap_or(n).to_string())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| LoadError::UnknownFormat {
            path: spec.display().to_string(),
            reason: "expected DIR/NAME (with DIR/NAME_net.tntp and DIR/NAME_trips.tntp)"
                .to_string(),
        })?;
    let dir = spec
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    Ok((dir, name))
}

/// The metadata block and the line where the body starts (0-based index into `lines`).
struct Metadata {
    values: BTreeMap<String, (String, u64)>,
    body_start: usize,
}

fn read_metadata(file: &str, lines: &[&str]) -> Result<Metadata, LoadError> {
    let mut values = BTreeMap::new();
    for (index, raw) in lines.iter().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('~') {
            continue;
        }
        let Some(rest) = line.strip_prefix('<') else {
            // A file without (or with an unterminated) metadata block: the body starts here.
            return Ok(Metadata {
                values,
                body_start: index,
            });
        };
        let Some(close) = rest.find('>') else {
            return Err(field(
                file,
                index as u64 + 1,
                "metadata",
                format!("`{line}`: a metadata tag has no closing `>`"),
            ));
        };
        let key = rest[..close].trim().to_ascii_uppercase();
        let value = rest[close + 1..].trim().to_string();
        if key == "END OF METADATA" {
            return Ok(Metadata {
                values,
                body_start: index + 1,
            });
        }
        values.insert(key, (value, index as u64 + 1));
    }
    Ok(Metadata {
        values,
        body_start: lines.len(),
    })
}

impl Metadata {
    /// A metadata number, if the key is present.
    fn number(&self, file: &str, key: &str) -> Result<Option<(f64, u64)>, LoadError> {
        let Some((value, line)) = self.values.get(key) else {
            return Ok(None);
        };
        let token = value
            .split(|c: char| c.is_whitespace() || c == ';' || c == '~')
            .find(|t| !t.is_empty())
            .unwrap_or("");
        match token.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some((v, *line))),
            _ => Err(field(
                file,
                *line,
                key,
                format!("`{value}` is not a number"),
            )),
        }
    }

    /// A metadata count (a non-negative integer no larger than `max`).
    fn count(&self, file: &str, key: &str, max: u64) -> Result<Option<(u32, u64)>, LoadError> {
        match self.number(file, key)? {
            None => Ok(None),
            Some((v, line)) if v >= 0.0 && v.fract() == 0.0 && v <= max as f64 => {
                Ok(Some((v as u32, line)))
            }
            Some((v, line)) => Err(field(
                file,
                line,
                key,
                format!("{v} is not a count between 0 and {max}"),
            )),
        }
    }
}

fn field(file: &str, line: u64, field: &str, reason: String) -> LoadError {
    LoadError::Field {
        file: file.to_string(),
        line,
        field: field.to_string(),
        fault: reason.into(),
    }
}

/// The columns of a net file row, in order.
const NET_COLUMNS: [&str; 10] = [
    "init_node",
    "term_node",
    "capacity",
    "length",
    "free_flow_time",
    "b",
    "power",
    "speed",
    "toll",
    "link_type",
];

/// Parses a `NAME_net.tntp` file.
///
/// # Errors
/// Missing metadata, short rows, non-numbers, node ids out of range, negative or non-finite
/// parameters, a positive `B` with zero capacity, a link count that differs from the
/// metadata, or no links at all.
pub fn parse_tntp_net(file: &str, text: &str) -> Result<TntpNet, LoadError> {
    let lines: Vec<&str> = text.lines().collect();
    if lines.iter().all(|l| l.trim().is_empty()) {
        return Err(LoadError::Empty {
            file: file.to_string(),
            expected: NET_COLUMNS.join(", "),
        });
    }
    let meta = read_metadata(file, &lines)?;
    let required = |key: &str| -> Result<(u32, u64), LoadError> {
        meta.count(file, key, MAX_NODES)?
            .ok_or_else(|| field(file, 1, key, format!("the metadata block has no <{key}>")))
    };
    let (zones, _) = required("NUMBER OF ZONES")?;
    let (nodes, nodes_line) = required("NUMBER OF NODES")?;
    let (first_thru_node, _) = meta
        .count(file, "FIRST THRU NODE", MAX_NODES)?
        .unwrap_or((1, 0));
    let stated_links = meta.count(file, "NUMBER OF LINKS", MAX_NODES * 10)?;
    let toll_factor = meta.number(file, "TOLL FACTOR")?.map(|(v, _)| v);
    let distance_factor = meta.number(file, "DISTANCE FACTOR")?.map(|(v, _)| v);
    if zones > nodes {
        return Err(field(
            file,
            nodes_line,
            "NUMBER OF NODES",
            format!("{nodes} nodes but {zones} zones (zones are nodes 1..zones)"),
        ));
    }
    let mut links = Vec::new();
    for (index, raw) in lines.iter().enumerate().skip(meta.body_start) {
        let line_no = index as u64 + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('~') {
            continue;
        }
        let content = line.split('~').next().unwrap_or("");
        let tokens: Vec<&str> = content
            .split(|c: char| c.is_whitespace() || c == ';')
            .filter(|t| !t.is_empty())
            .collect();
        if tokens.is_empty() {
            continue;
        }
        if tokens.len() < 7 {
            return Err(field(
                file,
                line_no,
                NET_COLUMNS[tokens.len()],
                format!(
                    "missing: a link row needs at least 7 fields ({}), found {}",
                    NET_COLUMNS[..7].join(" "),
                    tokens.len()
                ),
            ));
        }
        let mut values = [0.0_f64; 10];
        for (i, token) in tokens.iter().take(10).enumerate() {
            values[i] = token.parse::<f64>().map_err(|_| {
                field(
                    file,
                    line_no,
                    NET_COLUMNS[i],
                    format!("`{token}` is not a number"),
                )
            })?;
            if !values[i].is_finite() {
                return Err(field(
                    file,
                    line_no,
                    NET_COLUMNS[i],
                    format!("`{token}` is not a finite number"),
                ));
            }
        }
        let node = |i: usize| -> Result<u32, LoadError> {
            let v = values[i];
            if v.fract() != 0.0 || v < 1.0 || v > f64::from(nodes) {
                return Err(field(
                    file,
                    line_no,
                    NET_COLUMNS[i],
                    format!("node {v} is outside 1..={nodes} (<NUMBER OF NODES>)"),
                ));
            }
            Ok(v as u32)
        };
        let from = node(0)?;
        let to = node(1)?;
        for (i, name) in NET_COLUMNS.iter().enumerate().take(9).skip(2) {
            if values[i] < 0.0 {
                return Err(field(
                    file,
                    line_no,
                    name,
                    format!("{} is negative", values[i]),
                ));
            }
        }
        if values[5] > 0.0 && values[2] <= 0.0 {
            return Err(field(
                file,
                line_no,
                "capacity",
                format!(
                    "capacity {} with B = {}: a congestible link needs a positive capacity",
                    values[2], values[5]
                ),
            ));
        }
        if from == to {
            return Err(field(
                file,
                line_no,
                "term_node",
                format!("a link from node {from} to itself"),
            ));
        }
        links.push(TntpLink {
            from,
            to,
            capacity: values[2],
            length: values[3],
            free_flow_time: values[4],
            b: values[5],
            power: values[6],
            speed: values[7],
            toll: values[8],
            link_type: values[9] as i64,
            line: line_no,
        });
    }
    if let Some((stated, line)) = stated_links
        && stated as usize != links.len()
    {
        return Err(field(
            file,
            line,
            "NUMBER OF LINKS",
            format!(
                "the metadata says {stated} links but the file has {} (truncated file?)",
                links.len()
            ),
        ));
    }
    if links.is_empty() {
        return Err(LoadError::Empty {
            file: file.to_string(),
            expected: NET_COLUMNS.join(", "),
        });
    }
    // The assignment sizes its node arrays by <NUMBER OF NODES>. Nodes beyond what the zones
    // and the link ends can be would all be isolated; such a count only lets a few hundred
    // bytes ask for a gigabyte.
    let at_most = u64::from(zones) + 2 * links.len() as u64;
    if u64::from(nodes) > at_most {
        return Err(field(
            file,
            nodes_line,
            "NUMBER OF NODES",
            format!(
                "{nodes} nodes, but {zones} zones and the ends of {} links make at most {at_most}",
                links.len()
            ),
        ));
    }
    Ok(TntpNet {
        zones,
        nodes,
        first_thru_node,
        toll_factor,
        distance_factor,
        links,
    })
}

/// Parses a `NAME_trips.tntp` file into a `zones × zones` matrix. Repeated pairs add up.
/// A `<TOTAL OD FLOW>` that differs from the sum by more than 1e-6 relative is a warning.
///
/// # Errors
/// Pairs before any `Origin`, zones out of range, negative or non-numeric demand.
pub fn parse_tntp_trips(
    file: &str,
    text: &str,
    zones: u32,
    warnings: &mut Vec<LoadWarning>,
) -> Result<OdMatrix, LoadError> {
    let lines: Vec<&str> = text.lines().collect();
    let meta = read_metadata(file, &lines)?;
    if let Some((stated, line)) = meta.count(file, "NUMBER OF ZONES", MAX_ZONES)?
        && stated != zones
    {
        return Err(field(
            file,
            line,
            "NUMBER OF ZONES",
            format!("{stated} zones, but the net file has {zones}"),
        ));
    }
    if u64::from(zones) > MAX_ZONES {
        return Err(field(
            file,
            1,
            "NUMBER OF ZONES",
            format!("{zones} zones is more than the {MAX_ZONES} a dense matrix allows"),
        ));
    }
    let mut demand = OdMatrix::zeros(zones as usize);
    let mut origin: Option<u32> = None;
    let zone = |v: &str, line: u64, what: &str| -> Result<u32, LoadError> {
        match v.parse::<u32>() {
            Ok(z) if z >= 1 && z <= zones => Ok(z),
            _ => Err(field(
                file,
                line,
                what,
                format!("`{v}` is not a zone in 1..={zones}"),
            )),
        }
    };
    for (index, raw) in lines.iter().enumerate().skip(meta.body_start) {
        let line_no = index as u64 + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('~') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("Origin") {
            let token = rest.split_whitespace().next().unwrap_or("");
            origin = Some(zone(token, line_no, "origin")?);
            continue;
        }
        for entry in line.split(';') {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            let Some((d, v)) = entry.split_once(':') else {
                return Err(field(
                    file,
                    line_no,
                    "destination",
                    format!("`{entry}`: expected `zone : demand;`"),
                ));
            };
            let Some(o) = origin else {
                return Err(field(
                    file,
                    line_no,
                    "origin",
                    "demand before any `Origin` line".to_string(),
                ));
            };
            let d = zone(d.trim(), line_no, "destination")?;
            let v = v.trim();
            let value = match v.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => x,
                _ => {
                    return Err(field(
                        file,
                        line_no,
                        "demand",
                        format!("`{v}` is not a non-negative number"),
                    ));
                }
            };
            demand.add(AssignZoneId(o - 1), AssignZoneId(d - 1), value);
        }
    }
    if let Some((stated, line)) = meta.number(file, "TOTAL OD FLOW")? {
        let total = demand.total();
        if (total - stated).abs() > 1e-6 * stated.abs().max(1.0) {
            warnings.push(LoadWarning {
                file: file.to_string(),
                line: Some(line),
                message: format!("<TOTAL OD FLOW> says {stated} but the pairs add up to {total}"),
            });
        }
    }
    Ok(demand)
}

/// The first `N` tokens of a row as finite numbers (`required` of them must be there; the
/// others are 0 when missing).
fn numeric_row<const N: usize>(
    file: &str,
    line: u64,
    tokens: &[&str],
    names: [&str; N],
    required: usize,
    layout: &str,
) -> Result<[f64; N], LoadError> {
    if tokens.len() < required {
        return Err(field(
            file,
            line,
            names[tokens.len()],
            format!("missing: {layout}"),
        ));
    }
    let mut values = [0.0; N];
    for (i, value) in values.iter_mut().enumerate().take(tokens.len()) {
        *value = match tokens[i].parse::<f64>() {
            Ok(v) if v.is_finite() => v,
            _ => {
                return Err(field(
                    file,
                    line,
                    names[i],
                    format!("`{}` is not a number", tokens[i]),
                ));
            }
        };
    }
    Ok(values)
}

/// Parses a `NAME_flow.tntp` file (`From To Volume Cost`, one row per link).
///
/// # Errors
/// Rows with fewer than 3 fields or non-numbers (the header row is skipped).
pub fn parse_tntp_flow(file: &str, text: &str) -> Result<Vec<TntpFlow>, LoadError> {
    let lines: Vec<&str> = text.lines().collect();
    let meta = read_metadata(file, &lines)?;
    let mut flows = Vec::new();
    for (index, raw) in lines.iter().enumerate().skip(meta.body_start) {
        let line_no = index as u64 + 1;
        let tokens: Vec<&str> = raw
            .split(|c: char| c.is_whitespace() || c == ';')
            .filter(|t| !t.is_empty())
            .collect();
        if tokens.is_empty() || tokens[0].starts_with('~') {
            continue;
        }
        if tokens[0].parse::<f64>().is_err() && flows.is_empty() {
            continue; // the header row
        }
        let values = numeric_row::<4>(
            file,
            line_no,
            &tokens,
            ["from", "to", "volume", "cost"],
            3,
            "a flow row is `from to volume [cost]`",
        )?;
        let node = |v: f64, name: &str| -> Result<u32, LoadError> {
            if v >= 1.0 && v.fract() == 0.0 && v <= MAX_NODES as f64 {
                Ok(v as u32)
            } else {
                Err(field(file, line_no, name, format!("{v} is not a node id")))
            }
        };
        flows.push(TntpFlow {
            from: node(values[0], "from")?,
            to: node(values[1], "to")?,
            volume: values[2],
            cost: values[3],
        });
    }
    Ok(flows)
}

/// One row of a `NAME_node.tntp` file: a node's coordinates in the network's own system
/// (longitude/latitude degrees for some networks, projected feet for others).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TntpNode {
    /// Node id (1-based).
    pub id: u32,
    /// X (longitude where the file is in degrees).
    pub x: f64,
    /// Y (latitude where the file is in degrees).
    pub y: f64,
}

/// Parses a `NAME_node.tntp` file: a header row (`Node X Y ;`), then `id x y [;]` rows;
/// `~` comments and blank lines are skipped.
///
/// # Errors
/// Rows with fewer than 3 fields, non-numbers, node ids that are not positive integers, an
/// id given twice.
pub fn parse_tntp_nodes(file: &str, text: &str) -> Result<Vec<TntpNode>, LoadError> {
    let mut nodes: Vec<TntpNode> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut header_seen = false;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index as u64 + 1;
        let tokens: Vec<&str> = raw
            .split(|c: char| c.is_whitespace() || c == ';')
            .filter(|t| !t.is_empty())
            .collect();
        if tokens.is_empty() || tokens[0].starts_with('~') || tokens[0].starts_with('<') {
            continue;
        }
        if !header_seen && nodes.is_empty() && tokens[0].parse::<f64>().is_err() {
            header_seen = true;
            continue;
        }
        let values = numeric_row::<3>(
            file,
            line_no,
            &tokens,
            ["node", "x", "y"],
            3,
            "a node row is `node x y`",
        )?;
        let id = values[0];
        if !(id >= 1.0 && id.fract() == 0.0 && id <= MAX_NODES as f64) {
            return Err(field(
                file,
                line_no,
                "node",
                format!("{id} is not a node id"),
            ));
        }
        let id = id as u32;
        if !seen.insert(id) {
            return Err(field(
                file,
                line_no,
                "node",
                format!("node {id} is given twice"),
            ));
        }
        nodes.push(TntpNode {
            id,
            x: values[1],
            y: values[2],
        });
    }
    Ok(nodes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NET: &str = "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 3\n<FIRST THRU NODE> 3\n\
<NUMBER OF LINKS> 3\n<END OF METADATA>\n\n~ init term cap len fftt b power speed toll type ;\n\
\t1\t3\t100\t1\t2\t0.15\t4\t0\t0\t1\t;\n\t3\t2\t100.5\t1\t3\t0.15\t4\t0\t0\t1\t;\n\
1 2 0 5 10 0 1 0 0 1 ;\n";

    #[test]
    fn net_file_with_metadata_comments_and_constant_links() {
        let net = parse_tntp_net("n.tntp", NET).unwrap();
        assert_eq!((net.zones, net.nodes, net.first_thru_node), (2, 3, 3));
        assert_eq!(net.links.len(), 3);
        assert_eq!(net.links[1].from, 3);
        assert_eq!(net.links[1].capacity, 100.5);
        assert_eq!(net.links[2].b, 0.0);
        assert_eq!(net.links[0].line, 8);
    }

    #[test]
    fn net_errors_name_line_and_field() {
        let bad = NET.replace("3\t2\t100.5", "3\t7\t100.5");
        let e = parse_tntp_net("n.tntp", &bad).unwrap_err().to_string();
        assert!(
            e.starts_with("n.tntp:9: term_node: node 7 is outside"),
            "{e}"
        );
        let bad = NET.replace("100.5\t1\t3", "100.5\t1\tx");
        let e = parse_tntp_net("n.tntp", &bad).unwrap_err().to_string();
        assert!(
            e.contains("n.tntp:9: free_flow_time: `x` is not a number"),
            "{e}"
        );
        let bad = NET.replace("<NUMBER OF LINKS> 3", "<NUMBER OF LINKS> 4");
        let e = parse_tntp_net("n.tntp", &bad).unwrap_err().to_string();
        assert!(e.contains("n.tntp:4: NUMBER OF LINKS"), "{e}");
        let bad = NET.replace("\t1\t3\t100\t1\t2", "\t1\t3\t0\t1\t2");
        let e = parse_tntp_net("n.tntp", &bad).unwrap_err().to_string();
        assert!(e.contains("n.tntp:8: capacity"), "{e}");
        let bad = NET.replace("\t1\t3\t100\t1\t2\t0.15\t4\t0\t0\t1\t;", "1 3 100 1 ;");
        let e = parse_tntp_net("n.tntp", &bad).unwrap_err().to_string();
        assert!(e.contains("n.tntp:8: free_flow_time: missing"), "{e}");
        let e = parse_tntp_net("n.tntp", "").unwrap_err().to_string();
        assert!(e.contains("empty file"), "{e}");
        let e = parse_tntp_net(
            "n.tntp",
            "<NUMBER OF NODES> 3\n<END OF METADATA>\n1 2 1 1 1 0 1\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("NUMBER OF ZONES"), "{e}");
        let e = parse_tntp_net(
            "n.tntp",
            &NET.replace("1\t3\t100\t1\t2\t0.15", "1\t3\t100\t1\t-2\t0.15"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("n.tntp:8: free_flow_time: -2 is negative"),
            "{e}"
        );
    }

    /// Found by the `tntp` fuzz target: a 249-byte net file stating `<NUMBER OF NODES>
    /// 43333330` for five links loaded, and its all-or-nothing assignment took 2 s and 917 MB
    /// (node arrays sized by the metadata); the fuzzer's memory grew to 1.8 GB.
    // See: issue #9
    #[test]
    fn a_node_count_the_links_cannot_reach_is_an_error_issue_9() {
        let bad = NET.replace("<NUMBER OF NODES> 3", "<NUMBER OF NODES> 43333330");
        let e = parse_tntp_net("n.tntp", &bad).unwrap_err().to_string();
        assert_eq!(
            e,
            "n.tntp:2: NUMBER OF NODES: 43333330 nodes, but 2 zones and the ends of 3 links \
             make at most 8"
        );
        let most = NET.replace("<NUMBER OF NODES> 3", "<NUMBER OF NODES> 8");
        assert_eq!(
            parse_tntp_net("n.tntp", &most)
                .expect("isolated nodes")
                .nodes,
            8
        );
    }

    #[test]
    fn trips_several_pairs_per_line_and_total_check() {
        let text = "<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 31.0\n<END OF METADATA>\n\nOrigin 1\n    1 :   0.0;   2 :  10.5;\nOrigin \t2\n 1 : 20; 2: 0;\n";
        let mut warnings = Vec::new();
        let m = parse_tntp_trips("t.tntp", text, 2, &mut warnings).unwrap();
        let zone = AssignZoneId;
        assert_eq!(m.get(zone(0), zone(1)), 10.5);
        assert_eq!(m.get(zone(1), zone(0)), 20.0);
        assert_eq!(warnings.len(), 1, "30.5 != 31");
        assert!(warnings[0].to_string().starts_with("t.tntp:2:"));
        let e = parse_tntp_trips("t.tntp", "Origin 3\n1 : 2;\n", 2, &mut warnings)
            .unwrap_err()
            .to_string();
        assert_eq!(e, "t.tntp:1: origin: `3` is not a zone in 1..=2");
        let e = parse_tntp_trips("t.tntp", "Origin 1\n1 : -2;\n", 2, &mut warnings)
            .unwrap_err()
            .to_string();
        assert_eq!(e, "t.tntp:2: demand: `-2` is not a non-negative number");
        let e = parse_tntp_trips("t.tntp", "1 : 2;\n", 2, &mut warnings)
            .unwrap_err()
            .to_string();
        assert_eq!(e, "t.tntp:1: origin: demand before any `Origin` line");
    }

    #[test]
    fn flow_file_skips_header() {
        let flows = parse_tntp_flow(
            "f.tntp",
            "From \tTo \tVolume \tCost \n1 \t2 \t4494.6 \t6.0008 \n",
        )
        .unwrap();
        assert_eq!(flows.len(), 1);
        assert_eq!(flows[0].volume, 4494.6);
        let e = parse_tntp_flow("f.tntp", "From To Volume Cost\n1 2\n").unwrap_err();
        assert!(e.to_string().contains("f.tntp:2: volume: missing"));
    }

    #[test]
    fn node_file_rows_and_errors() {
        let nodes = parse_tntp_nodes(
            "n.tntp",
            "Node\tX\tY\t;\n1\t-96.77\t43.61\t;\n~ comment\n\n2 -96.71 43.60\n",
        )
        .unwrap();
        assert_eq!(
            nodes,
            [
                TntpNode {
                    id: 1,
                    x: -96.77,
                    y: 43.61
                },
                TntpNode {
                    id: 2,
                    x: -96.71,
                    y: 43.60
                }
            ]
        );
        for (text, expect) in [
            ("node x y\n1 2\n", "n.tntp:2: y: missing"),
            ("node x y\n1 2 z\n", "n.tntp:2: y: `z` is not a number"),
            ("node x y\n0 2 3\n", "n.tntp:2: node: 0 is not a node id"),
            (
                "node x y\n1 2 3\n1 2 3\n",
                "n.tntp:3: node: node 1 is given twice",
            ),
        ] {
            let e = parse_tntp_nodes("n.tntp", text).unwrap_err().to_string();
            assert!(e.starts_with(expect), "{text:?}: {e}");
        }
    }
}
