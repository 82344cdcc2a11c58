//! Railways from an OpenStreetMap PBF extract (e.g. a country from Geofabrik), turned into the
//! geographic network format of `docs/formats.md` ("Geographic networks"): `nodes.csv`,
//! `edges.csv` and `ATTRIBUTION`, which [`super::load_geo_dir`] reads back.
//!
//! The extract is read twice with `osmpbf`: the first pass keeps the railway ways and their
//! node references, the second looks up the coordinates of just those nodes (plain and dense
//! nodes alike), so memory grows with the railway network, not with the extract. Nodes of the
//! network are the OSM nodes where a kept way ends or that two kept ways share (junctions,
//! crossings); each way is split at them into edges whose length is the sum of the haversine
//! lengths of its segments, so the geometry between junctions still counts.
//!
//! Which ways are kept:
//! - `railway=rail`, and `railway=narrow_gauge` only with
//!   [`OsmRailOptions::include_narrow_gauge`]: narrow-gauge lines in the 1520 mm world are
//!   children's, forestry, peat and industrial railways that no freight wagon of the main network
//!   can use. `abandoned`, `disused`, `construction`, `proposed`, `razed` and every other
//!   `railway` value are never kept.
//! - Not `service=siding` or `service=yard` unless asked for; never `service=spur` or
//!   `service=crossover` (short stubs to one customer, and links between parallel tracks that
//!   add nothing to routing).
//! - Never `usage=industrial|military|test|tourism`.
//! - With [`OsmRailOptions::gauges_mm`] set, only ways whose `gauge` tag lists one of those
//!   gauges (`1520;1435` matches 1520 and 1435), and ways with no numeric `gauge` tag: many main
//!   lines carry none, and dropping them would cut the network apart.
//!
//! ```
//! use silkroute_core::geo::{OsmRailOptions, read_osm_rail};
//! let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/osm_tiny/tiny.osm.pbf");
//! let network = read_osm_rail(file.as_ref(), &OsmRailOptions::default(), &mut |_| {
//!     std::ops::ControlFlow::Continue(())
//! })
//! .expect("the fixture is a valid PBF");
//! assert_eq!(network.summary.kept_ways, 4);
//! assert!(network.edges.iter().all(|edge| edge.km > 0.0));
//! ```

use crate::io::{WriteError, write_all_atomic};
use crate::network::haversine_km;
use osmpbf::{BlobDecode, BlobReader, Element};
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::ops::{ControlFlow, Range};
use std::path::Path;

/// The attribution that OpenStreetMap's licence requires, written to `ATTRIBUTION`.
pub const OSM_ATTRIBUTION: &str = "© OpenStreetMap contributors, ODbL 1.0";

/// Which railway ways to keep. The default keeps `railway=rail` without sidings and yards, of
/// any gauge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OsmRailOptions {
    /// Keep `service=siding` ways.
    pub include_sidings: bool,
    /// Keep `service=yard` ways.
    pub include_yards: bool,
    /// Keep `railway=narrow_gauge` ways as well as `railway=rail`.
    pub include_narrow_gauge: bool,
    /// Keep only ways whose `gauge` tag lists one of these gauges, mm, or that have no numeric
    /// `gauge` tag. Empty: every gauge.
    pub gauges_mm: Vec<u32>,
}

/// Why an extract could not be imported. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum OsmImportError {
    /// The file could not be opened or read.
    #[error("{file}: cannot read")]
    Read {
        /// The file.
        file: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file does not start like an OSM PBF file (empty, text, another format).
    #[error("{file}: not an OpenStreetMap PBF file ({reason})")]
    NotPbf {
        /// The file.
        file: String,
        /// What was found instead.
        reason: String,
    },
    /// The file starts as a PBF file but a later block cannot be read.
    #[error("{file}: truncated or corrupt PBF file: block {block}: {reason}")]
    Corrupt {
        /// The file.
        file: String,
        /// The block (0 is the header block).
        block: usize,
        /// What is wrong.
        reason: String,
    },
    /// The PBF file needs a feature this reader does not have (e.g. a history file).
    #[error("{file}: unsupported PBF feature `{feature}`")]
    Unsupported {
        /// The file.
        file: String,
        /// The required feature.
        feature: String,
    },
    /// The progress observer asked to stop.
    #[error("cancelled")]
    Cancelled,
    /// An output file could not be written; the output folder is as it was.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// A node of the imported network: an OSM node where kept ways end or meet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OsmRailNode {
    /// The OSM node id.
    pub id: i64,
    /// Latitude, WGS84 degrees (to the 1e-7 degrees of the PBF file).
    pub lat: f64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
}

/// An edge of the imported network: the part of one OSM way between two network nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmRailEdge {
    /// The OSM node id where the part starts, in the way's direction.
    pub from: i64,
    /// The OSM node id where it ends.
    pub to: i64,
    /// Length along the way, km: the sum of the haversine lengths of its segments.
    pub km: f64,
    /// The OSM way id.
    pub way: i64,
    /// The first gauge of the way's `gauge` tag, mm, if it is a number.
    pub gauge_mm: Option<u32>,
    /// The way's `electrified` tag (`contact_line`, `rail`, `no`, ...), empty when absent.
    pub electrified: String,
    /// The way's `usage` tag (`main`, `branch`, ...), empty when absent.
    pub usage: String,
}

/// Counts from one import, for the summary line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OsmImportSummary {
    /// Ways in the extract, of any kind.
    pub ways: u64,
    /// Ways tagged `railway=rail` or `railway=narrow_gauge`.
    pub rail_ways: u64,
    /// Ways kept.
    pub kept_ways: u64,
    /// Rail ways left out for their `service` tag.
    pub excluded_service: u64,
    /// Rail ways left out for their `usage` tag.
    pub excluded_usage: u64,
    /// Rail ways left out for their gauge (narrow gauge, or not in the gauges asked for).
    pub excluded_gauge: u64,
    /// Kept ways that reference nodes missing from the extract (clipped at its border).
    pub clipped_ways: u64,
    /// References from kept ways to nodes missing from the extract; the segments touching
    /// them are left out.
    pub missing_nodes: u64,
    /// Nodes of the network.
    pub nodes: u64,
    /// Edges of the network.
    pub edges: u64,
    /// Total length of the edges, km.
    pub km: f64,
}

/// The railway network read from an extract, ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct OsmRailNetwork {
    /// Nodes, sorted by id.
    pub nodes: Vec<OsmRailNode>,
    /// Edges, sorted by (from, to, way), then by position along the way.
    pub edges: Vec<OsmRailEdge>,
    /// Counts.
    pub summary: OsmImportSummary,
}

/// The pass of the import that a progress report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsmPass {
    /// First pass: selecting railway ways.
    Ways,
    /// Second pass: looking up the coordinates of their nodes.
    Nodes,
}

/// Progress of an import, reported after each block of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OsmProgress {
    /// The pass.
    pub pass: OsmPass,
    /// Bytes of the file read so far in this pass.
    pub bytes_done: u64,
    /// Size of the file, bytes.
    pub bytes_total: u64,
}

/// Reads the railway network of an OSM PBF extract.
///
/// # Arguments
/// `path`, the `.osm.pbf` file; `options`, which ways to keep; `progress`, called after every
/// block of the file in each of the two passes (a country extract takes a minute or more),
/// which stops the import by returning `ControlFlow::Break` ([`OsmImportError::Cancelled`]).
///
/// # Returns
/// Nodes, edges and counts; an extract without kept ways gives an empty network.
///
/// # Complexity
/// Two sequential reads of the file. Extra space: O(r) for the r node references of kept ways
/// (about 30 bytes each), independent of the extract's other nodes and ways.
///
/// # Errors
/// [`OsmImportError`] naming the file: it cannot be read, is not a PBF file, is truncated or
/// corrupt, or is a history file.
pub fn read_osm_rail(
    path: &Path,
    options: &OsmRailOptions,
    progress: &mut dyn FnMut(OsmProgress) -> ControlFlow<()>,
) -> Result<OsmRailNetwork, OsmImportError> {
    let file = path.display().to_string();
    let read_error = |source: std::io::Error| OsmImportError::Read {
        file: file.clone(),
        source,
    };
    let metadata = std::fs::metadata(path).map_err(read_error)?;
    if metadata.is_dir() {
        return Err(read_error(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a directory, not a file",
        )));
    }
    let reader = std::fs::File::open(path).map_err(read_error)?;
    read_osm_rail_from(&file, BufReader::new(reader), options, progress)
}

/// [`read_osm_rail`] on any seekable reader (a file, or bytes in a [`std::io::Cursor`]) that
/// `file` names in errors; it is read twice, from its start.
///
/// # Errors
/// As [`read_osm_rail`].
pub fn read_osm_rail_from<R: Read + Seek + Send>(
    file: &str,
    mut reader: R,
    options: &OsmRailOptions,
    progress: &mut dyn FnMut(OsmProgress) -> ControlFlow<()>,
) -> Result<OsmRailNetwork, OsmImportError> {
    let mut summary = OsmImportSummary::default();

    // Pass 1: the kept ways, with their node references flattened into one vector.
    let mut ways: Vec<KeptWay> = Vec::new();
    let mut refs: Vec<i64> = Vec::new();
    scan(&mut reader, file, OsmPass::Ways, progress, |element| {
        let Element::Way(way) = element else {
            return Scan::Continue;
        };
        summary.ways += 1;
        let tags = RailTags::of(way.tags());
        match select(&tags, options) {
            Selection::NotRail => {}
            Selection::Excluded(reason) => {
                summary.rail_ways += 1;
                match reason {
                    Exclusion::Service => summary.excluded_service += 1,
                    Exclusion::Usage => summary.excluded_usage += 1,
                    Exclusion::Gauge => summary.excluded_gauge += 1,
                }
            }
            Selection::Kept => {
                summary.rail_ways += 1;
                summary.kept_ways += 1;
                let start = refs.len();
                refs.extend(way.refs());
                ways.push(KeptWay {
                    id: way.id(),
                    refs: start..refs.len(),
                    gauge_mm: first_gauge(tags.gauge),
                    electrified: tags.electrified.to_string(),
                    usage: tags.usage.to_string(),
                });
            }
        }
        Scan::Continue
    })?;

    // The nodes needed, sorted; references become indices into them, which halves their size
    // and lets the second pass find a node by binary search.
    let mut needed = refs.clone();
    needed.sort_unstable();
    needed.dedup();
    let index_of = |id: i64| -> u32 {
        needed
            .binary_search(&id)
            .expect("every reference is in `needed`, built from the references") as u32
    };
    let refs: Vec<u32> = refs.into_iter().map(index_of).collect();

    // Pass 2: coordinates, in 1e-7 degrees as stored in the file.
    const MISSING: [i32; 2] = [i32::MIN, i32::MIN];
    let mut coords: Vec<[i32; 2]> = vec![MISSING; needed.len()];
    scan(&mut reader, file, OsmPass::Nodes, progress, |element| {
        let (id, lat, lon) = match element {
            Element::Node(node) => (node.id(), node.decimicro_lat(), node.decimicro_lon()),
            Element::DenseNode(node) => (node.id(), node.decimicro_lat(), node.decimicro_lon()),
            Element::Way(_) | Element::Relation(_) => return Scan::WaysReached,
        };
        // A damaged block can give any value (osmpbf wraps on overflow); a node of the
        // network outside the globe is corrupt data, not a coordinate to measure from.
        let on_globe = (-900_000_000..=900_000_000).contains(&lat)
            && (-1_800_000_000..=1_800_000_000).contains(&lon);
        if let Ok(index) = needed.binary_search(&id) {
            if !on_globe {
                return Scan::Corrupt(format!(
                    "node {id}: coordinate ({}, {}) is out of range",
                    f64::from(lat) / 1e7,
                    f64::from(lon) / 1e7
                ));
            }
            coords[index] = [lat, lon];
        }
        Scan::Continue
    })?;
    let present = |index: u32| coords[index as usize] != MISSING;
    let degrees = |index: u32| {
        let [lat, lon] = coords[index as usize];
        (f64::from(lat) / 1e7, f64::from(lon) / 1e7)
    };

    // Network nodes: references shared by two kept ways (or met twice by one), and the ends of
    // every stretch of a way whose nodes are all in the extract.
    let mut uses: Vec<u8> = vec![0; needed.len()];
    for &index in &refs {
        uses[index as usize] = uses[index as usize].saturating_add(1);
    }
    let mut is_vertex: Vec<bool> = uses.iter().map(|&n| n >= 2).collect();
    for way in &ways {
        let way_refs = &refs[way.refs.clone()];
        if way_refs.iter().any(|&index| !present(index)) {
            summary.clipped_ways += 1;
        }
        for stretch in way_refs.split(|&index| !present(index)) {
            if let [first, .., last] = stretch {
                is_vertex[*first as usize] = true;
                is_vertex[*last as usize] = true;
            }
        }
    }
    summary.missing_nodes = refs.iter().filter(|&&index| !present(index)).count() as u64;

    // Edges: each stretch split at network nodes, with its length along the way.
    let mut edges: Vec<(OsmRailEdge, usize)> = Vec::new();
    let mut used = vec![false; needed.len()];
    for way in &ways {
        let mut position = 0;
        for stretch in refs[way.refs.clone()].split(|&index| !present(index)) {
            let Some((&first, rest)) = stretch.split_first() else {
                continue;
            };
            let (mut start, mut previous, mut km) = (first, first, 0.0);
            for &index in rest {
                let (a, b) = (degrees(previous), degrees(index));
                km += haversine_km(a.0, a.1, b.0, b.1);
                previous = index;
                if !is_vertex[index as usize] {
                    continue;
                }
                // A way that leaves a node and comes back with no junction in between is a
                // loop; it adds nothing to shortest paths, and the reader would drop it.
                if index != start {
                    used[start as usize] = true;
                    used[index as usize] = true;
                    edges.push((
                        OsmRailEdge {
                            from: needed[start as usize],
                            to: needed[index as usize],
                            km,
                            way: way.id,
                            gauge_mm: way.gauge_mm,
                            electrified: way.electrified.clone(),
                            usage: way.usage.clone(),
                        },
                        position,
                    ));
                    position += 1;
                }
                start = index;
                km = 0.0;
            }
        }
    }
    edges.sort_by(|(a, a_position), (b, b_position)| {
        (a.from, a.to, a.way, a_position).cmp(&(b.from, b.to, b.way, b_position))
    });
    let edges: Vec<OsmRailEdge> = edges.into_iter().map(|(edge, _)| edge).collect();
    let nodes: Vec<OsmRailNode> = (0..needed.len() as u32)
        .filter(|&index| used[index as usize])
        .map(|index| {
            let (lat, lon) = degrees(index);
            OsmRailNode {
                id: needed[index as usize],
                lat,
                lon,
            }
        })
        .collect();
    summary.nodes = nodes.len() as u64;
    summary.edges = edges.len() as u64;
    summary.km = edges.iter().map(|edge| edge.km).sum();
    Ok(OsmRailNetwork {
        nodes,
        edges,
        summary,
    })
}

/// Writes `nodes.csv` (`id,lat,lon`), `edges.csv` (`from,to,km,way,gauge_mm,electrified,usage`,
/// km to the metre) and `ATTRIBUTION` into `dir`, creating it if needed. The three files are
/// replaced together or not at all ([`crate::io::write_all_atomic`]).
///
/// # Errors
/// [`OsmImportError::Write`] naming the file that could not be created or written.
pub fn write_osm_rail_dir(network: &OsmRailNetwork, dir: &Path) -> Result<(), OsmImportError> {
    std::fs::create_dir_all(dir).map_err(|source| {
        OsmImportError::Write(WriteError::Io {
            path: dir.to_path_buf(),
            source,
        })
    })?;
    let csv_bytes = |rows: &dyn Fn(&mut csv::Writer<Vec<u8>>) -> csv::Result<()>| {
        let mut writer = csv::Writer::from_writer(Vec::new());
        rows(&mut writer).expect("writing CSV to memory does not fail");
        writer
            .into_inner()
            .expect("flushing CSV to memory does not fail")
    };
    let nodes = csv_bytes(&|writer| {
        writer.write_record(["id", "lat", "lon"])?;
        for node in &network.nodes {
            writer.write_record([
                node.id.to_string(),
                node.lat.to_string(),
                node.lon.to_string(),
            ])?;
        }
        Ok(())
    });
    let edges = csv_bytes(&|writer| {
        writer.write_record([
            "from",
            "to",
            "km",
            "way",
            "gauge_mm",
            "electrified",
            "usage",
        ])?;
        for edge in &network.edges {
            writer.write_record([
                edge.from.to_string(),
                edge.to.to_string(),
                format!("{:.3}", edge.km),
                edge.way.to_string(),
                edge.gauge_mm.map(|g| g.to_string()).unwrap_or_default(),
                edge.electrified.clone(),
                edge.usage.clone(),
            ])?;
        }
        Ok(())
    });
    let attribution = format!("{OSM_ATTRIBUTION}\n");
    write_all_atomic(&[
        (&dir.join("nodes.csv"), &nodes),
        (&dir.join("edges.csv"), &edges),
        (&dir.join("ATTRIBUTION"), attribution.as_bytes()),
    ])?;
    Ok(())
}

/// A kept way: its id, its references (a range of the flattened references) and its columns.
struct KeptWay {
    id: i64,
    refs: Range<usize>,
    gauge_mm: Option<u32>,
    electrified: String,
    usage: String,
}

/// The tags the selection and the output look at; absent tags are empty.
#[derive(Debug, Default)]
struct RailTags<'a> {
    railway: &'a str,
    service: &'a str,
    usage: &'a str,
    gauge: &'a str,
    electrified: &'a str,
}

impl<'a> RailTags<'a> {
    fn of(tags: impl Iterator<Item = (&'a str, &'a str)>) -> RailTags<'a> {
        let mut found = RailTags::default();
        for (key, value) in tags {
            match key {
                "railway" => found.railway = value,
                "service" => found.service = value,
                "usage" => found.usage = value,
                "gauge" => found.gauge = value,
                "electrified" => found.electrified = value,
                _ => {}
            }
        }
        found
    }
}

enum Selection {
    NotRail,
    Excluded(Exclusion),
    Kept,
}

enum Exclusion {
    Service,
    Usage,
    Gauge,
}

fn select(tags: &RailTags<'_>, options: &OsmRailOptions) -> Selection {
    let narrow = match tags.railway {
        "rail" => false,
        "narrow_gauge" => true,
        _ => return Selection::NotRail,
    };
    let service_kept = match tags.service {
        "siding" => options.include_sidings,
        "yard" => options.include_yards,
        "spur" | "crossover" => false,
        _ => true,
    };
    if !service_kept {
        return Selection::Excluded(Exclusion::Service);
    }
    if matches!(tags.usage, "industrial" | "military" | "test" | "tourism") {
        return Selection::Excluded(Exclusion::Usage);
    }
    if narrow && !options.include_narrow_gauge {
        return Selection::Excluded(Exclusion::Gauge);
    }
    if !options.gauges_mm.is_empty() {
        let mut gauges = gauges_of(tags.gauge).peekable();
        let untagged = gauges.peek().is_none();
        if !untagged && !gauges.any(|gauge| options.gauges_mm.contains(&gauge)) {
            return Selection::Excluded(Exclusion::Gauge);
        }
    }
    Selection::Kept
}

/// The numeric gauges of a `gauge` tag such as `1520;1435`; other values are skipped.
fn gauges_of(tag: &str) -> impl Iterator<Item = u32> + '_ {
    tag.split(';')
        .filter_map(|value| value.trim().parse::<u32>().ok())
}

/// The first value of a `gauge` tag, if it is a number.
fn first_gauge(tag: &str) -> Option<u32> {
    tag.split(';').next()?.trim().parse().ok()
}

/// What the callback of [`scan`] wants next.
#[derive(PartialEq, Eq)]
enum Scan {
    Continue,
    /// The element is corrupt: the block is reported with this reason.
    Corrupt(String),
    /// The callback only wants nodes and has met a way: in a file sorted by type, no node
    /// follows, so the rest of the file can be skipped.
    WaysReached,
}

/// Calls `element` on every element of the PBF file, checking that it starts with a header
/// block, and reports progress after each block.
fn scan<R: Read + Seek + Send>(
    reader: &mut R,
    file: &str,
    pass: OsmPass,
    progress: &mut dyn FnMut(OsmProgress) -> ControlFlow<()>,
    mut element: impl FnMut(Element<'_>) -> Scan,
) -> Result<(), OsmImportError> {
    let read_error = |source: std::io::Error| OsmImportError::Read {
        file: file.to_string(),
        source,
    };
    let bytes_total = reader.seek(SeekFrom::End(0)).map_err(read_error)?;
    reader.rewind().map_err(read_error)?;
    let blobs = BlobReader::new_seekable(reader).map_err(|error| match error.into_kind() {
        osmpbf::ErrorKind::Io(source) => read_error(source),
        _ => unreachable!("BlobReader::new_seekable only asks the reader for its position"),
    })?;
    if progress(OsmProgress {
        pass,
        bytes_done: 0,
        bytes_total,
    })
    .is_break()
    {
        return Err(OsmImportError::Cancelled);
    }
    let mut sorted_by_type = false;
    let mut blocks = 0;
    for (block, blob) in blobs.enumerate() {
        blocks += 1;
        let bad = |error: osmpbf::Error| {
            if block == 0 {
                OsmImportError::NotPbf {
                    file: file.to_string(),
                    reason: error.to_string(),
                }
            } else {
                match error.kind() {
                    // A read error that is not the end of the file is the disk's, not the data's.
                    osmpbf::ErrorKind::Io(source)
                        if source.kind() != std::io::ErrorKind::UnexpectedEof =>
                    {
                        read_error(std::io::Error::new(source.kind(), source.to_string()))
                    }
                    _ => OsmImportError::Corrupt {
                        file: file.to_string(),
                        block,
                        reason: error.to_string(),
                    },
                }
            }
        };
        let blob = blob.map_err(bad)?;
        let bytes_done = blob.offset().map_or(0, |offset| offset.0);
        match blob.decode().map_err(bad)? {
            BlobDecode::OsmHeader(header) => {
                if let Some(feature) = header
                    .required_features()
                    .iter()
                    .find(|f| !matches!(f.as_str(), "OsmSchema-V0.6" | "DenseNodes"))
                {
                    return Err(OsmImportError::Unsupported {
                        file: file.to_string(),
                        feature: feature.clone(),
                    });
                }
                sorted_by_type = header
                    .optional_features()
                    .iter()
                    .any(|f| f == "Sort.Type_then_ID");
            }
            BlobDecode::OsmData(_) | BlobDecode::Unknown(_) if block == 0 => {
                return Err(OsmImportError::NotPbf {
                    file: file.to_string(),
                    reason: "the first block is not an OSMHeader block".into(),
                });
            }
            BlobDecode::OsmData(data) => {
                let mut ways_reached = false;
                let mut corrupt = None;
                data.for_each_element(|item| match element(item) {
                    Scan::Continue => {}
                    Scan::WaysReached => ways_reached = true,
                    Scan::Corrupt(reason) => {
                        corrupt.get_or_insert(reason);
                    }
                });
                if let Some(reason) = corrupt {
                    return Err(OsmImportError::Corrupt {
                        file: file.to_string(),
                        block,
                        reason,
                    });
                }
                if ways_reached && sorted_by_type {
                    break;
                }
            }
            // Blocks of unknown types are allowed by the format, and skipped.
            BlobDecode::Unknown(_) => {}
        }
        if progress(OsmProgress {
            pass,
            bytes_done,
            bytes_total,
        })
        .is_break()
        {
            return Err(OsmImportError::Cancelled);
        }
    }
    if blocks == 0 {
        return Err(OsmImportError::NotPbf {
            file: file.to_string(),
            reason: "empty file".into(),
        });
    }
    if progress(OsmProgress {
        pass,
        bytes_done: bytes_total,
        bytes_total,
    })
    .is_break()
    {
        return Err(OsmImportError::Cancelled);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn fixture(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/osm_tiny")
            .join(name)
    }

    fn read(options: &OsmRailOptions) -> OsmRailNetwork {
        read_osm_rail(&fixture("tiny.osm.pbf"), options, &mut |_| {
            ControlFlow::Continue(())
        })
        .expect("valid fixture")
    }

    /// The edges as `from-to@way`, in file order.
    fn edge_list(network: &OsmRailNetwork) -> Vec<String> {
        network
            .edges
            .iter()
            .map(|e| format!("{}-{}@{}", e.from, e.to, e.way))
            .collect()
    }

    fn node_ids(network: &OsmRailNetwork) -> Vec<i64> {
        network.nodes.iter().map(|n| n.id).collect()
    }

    /// Coordinates of the fixture's nodes, as in tiny.osm.
    fn coordinate(id: i64) -> (f64, f64) {
        match id {
            1 => (43.0, 51.0),
            2 => (43.0, 51.01),
            3 => (43.005, 51.02),
            4 => (43.0, 51.03),
            5 => (43.0, 51.04),
            6 => (43.0, 51.05),
            7 => (43.01, 51.025),
            8 => (43.02, 51.03),
            9 => (42.998, 51.025),
            10 => (42.99, 51.04),
            11 => (43.01, 51.04),
            14 => (43.0, 51.06),
            15 => (43.02, 51.045),
            17 => (42.995, 51.005),
            _ => panic!("node {id} is not used by the tests"),
        }
    }

    fn haversine_along(ids: &[i64]) -> f64 {
        ids.windows(2)
            .map(|pair| {
                let (a, b) = (coordinate(pair[0]), coordinate(pair[1]));
                haversine_km(a.0, a.1, b.0, b.1)
            })
            .sum()
    }

    fn edge(network: &OsmRailNetwork, from: i64, to: i64) -> &OsmRailEdge {
        network
            .edges
            .iter()
            .find(|e| e.from == from && e.to == to)
            .unwrap_or_else(|| panic!("no edge {from}-{to} in {:?}", edge_list(network)))
    }

    #[test]
    fn splits_ways_at_ends_and_junctions() {
        let network = read(&OsmRailOptions::default());
        // Node 5 is in the middle of both the main line (101) and the crossing line (105);
        // node 3 is where the branch (102) leaves the main line; node 7 is only shared with the
        // abandoned line, so it is no junction.
        assert_eq!(
            edge_list(&network),
            [
                "1-3@101", "3-5@101", "3-8@102", "5-6@101", "5-11@105", "6-14@106", "10-5@105"
            ]
        );
        assert_eq!(node_ids(&network), [1, 3, 5, 6, 8, 10, 11, 14]);
        let node = network.nodes[1];
        assert_eq!((node.lat, node.lon), (43.005, 51.02));
    }

    #[test]
    fn lengths_are_haversine_sums_along_the_way() {
        let network = read(&OsmRailOptions::default());
        for (path, from, to) in [
            (&[1, 2, 3][..], 1, 3),
            (&[3, 4, 5], 3, 5),
            (&[3, 7, 8], 3, 8),
            (&[10, 5], 10, 5),
        ] {
            let expected = haversine_along(path);
            let km = edge(&network, from, to).km;
            assert!(
                (km - expected).abs() < 1e-9,
                "{from}-{to}: {km} != {expected}"
            );
        }
        // Longer than the straight line between the ends: the shape points count.
        assert!(edge(&network, 1, 3).km > haversine_along(&[1, 3]) + 0.01);
        let total: f64 = network.edges.iter().map(|e| e.km).sum();
        assert!((network.summary.km - total).abs() < 1e-9);
    }

    #[test]
    fn sidings_and_yards_only_when_asked() {
        let default = read(&OsmRailOptions::default());
        assert!(!default.edges.iter().any(|e| e.way == 103 || e.way == 109));
        assert_eq!(default.summary.excluded_service, 2);

        let sidings = read(&OsmRailOptions {
            include_sidings: true,
            ..OsmRailOptions::default()
        });
        // The siding 3-9-4 makes node 4 a junction, splitting the main line there.
        let list = edge_list(&sidings);
        for expected in ["3-4@103", "3-4@101", "4-5@101"] {
            assert!(
                list.contains(&expected.to_string()),
                "{expected} in {list:?}"
            );
        }
        assert!(!list.contains(&"3-5@101".to_string()));
        assert!(!sidings.edges.iter().any(|e| e.way == 109));

        let yards = read(&OsmRailOptions {
            include_yards: true,
            ..OsmRailOptions::default()
        });
        let list = edge_list(&yards);
        for expected in ["1-2@101", "2-3@101", "2-17@109"] {
            assert!(
                list.contains(&expected.to_string()),
                "{expected} in {list:?}"
            );
        }
    }

    #[test]
    fn abandoned_industrial_and_roads_are_never_kept() {
        let everything = read(&OsmRailOptions {
            include_sidings: true,
            include_yards: true,
            include_narrow_gauge: true,
            gauges_mm: Vec::new(),
        });
        for way in [104, 108, 110] {
            assert!(!everything.edges.iter().any(|e| e.way == way), "way {way}");
        }
        assert!(!node_ids(&everything).contains(&12));
        assert!(!node_ids(&everything).contains(&16));
        assert!(!node_ids(&everything).contains(&18));
        assert_eq!(everything.summary.ways, 10);
        // railway=rail or narrow_gauge: all but the abandoned line and the road.
        assert_eq!(everything.summary.rail_ways, 8);
        assert_eq!(everything.summary.excluded_usage, 1);
        assert_eq!(everything.summary.kept_ways, 7);
    }

    #[test]
    fn narrow_gauge_only_when_asked() {
        let default = read(&OsmRailOptions::default());
        assert!(!default.edges.iter().any(|e| e.way == 107));
        assert_eq!(default.summary.excluded_gauge, 1);
        let narrow = read(&OsmRailOptions {
            include_narrow_gauge: true,
            ..OsmRailOptions::default()
        });
        assert_eq!(edge(&narrow, 11, 15).gauge_mm, Some(750));
    }

    #[test]
    fn gauge_filter_keeps_listed_and_untagged_gauges() {
        let network = read(&OsmRailOptions {
            gauges_mm: vec![1520],
            ..OsmRailOptions::default()
        });
        // The 1435 mm crossing line goes, so node 5 is no longer a junction; the branch
        // (1520;1435) and the line without a gauge tag (106) stay.
        assert_eq!(
            edge_list(&network),
            ["1-3@101", "3-6@101", "3-8@102", "6-14@106"]
        );
        assert_eq!(network.summary.excluded_gauge, 2);
    }

    #[test]
    fn gauge_and_electrification_columns() {
        let network = read(&OsmRailOptions::default());
        let main = edge(&network, 1, 3);
        assert_eq!(main.gauge_mm, Some(1520));
        assert_eq!(main.electrified, "contact_line");
        assert_eq!(main.usage, "main");
        let branch = edge(&network, 3, 8);
        assert_eq!(branch.gauge_mm, Some(1520));
        assert_eq!(branch.electrified, "no");
        assert_eq!(branch.usage, "branch");
        let crossing = edge(&network, 10, 5);
        assert_eq!(crossing.gauge_mm, Some(1435));
        assert_eq!(crossing.electrified, "");
        let clipped = edge(&network, 6, 14);
        assert_eq!(clipped.gauge_mm, None);
        assert_eq!(first_gauge("standard"), None);
        assert_eq!(first_gauge(" 1000 ;1435"), Some(1000));
        assert_eq!(gauges_of("1520;x;1435").collect::<Vec<_>>(), [1520, 1435]);
    }

    #[test]
    fn nodes_missing_from_the_extract_are_skipped_and_counted() {
        let summary = read(&OsmRailOptions::default()).summary;
        assert_eq!((summary.clipped_ways, summary.missing_nodes), (1, 1));
        assert_eq!((summary.nodes, summary.edges), (8, 7));
    }

    #[test]
    fn plain_nodes_read_like_dense_nodes() {
        let options = OsmRailOptions::default();
        let plain = read_osm_rail(&fixture("tiny-plain-nodes.osm.pbf"), &options, &mut |_| {
            ControlFlow::Continue(())
        })
        .expect("valid fixture");
        assert_eq!(plain, read(&options));
    }

    #[test]
    fn progress_reaches_the_end_of_both_passes() {
        let mut reports = Vec::new();
        read_osm_rail(
            &fixture("tiny.osm.pbf"),
            &OsmRailOptions::default(),
            &mut |p| {
                reports.push(p);
                ControlFlow::Continue(())
            },
        )
        .expect("valid fixture");
        let last_of = |pass| reports.iter().rfind(|p| p.pass == pass).copied();
        for pass in [OsmPass::Ways, OsmPass::Nodes] {
            let last = last_of(pass).expect("reported");
            assert_eq!(last.bytes_done, last.bytes_total);
        }
    }

    #[test]
    fn the_progress_observer_can_stop_an_import() {
        let mut reports = 0;
        let stopped = read_osm_rail(
            &fixture("tiny.osm.pbf"),
            &OsmRailOptions::default(),
            &mut |_| {
                reports += 1;
                if reports == 2 {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        );
        assert!(matches!(stopped, Err(OsmImportError::Cancelled)));
        assert_eq!(reports, 2);
    }

    /// Found by the `osm_pbf` fuzz target: the plain-node fixture with three bytes of its data
    /// block changed (stored uncompressed in `testdata/fuzz_regressions`) has a node whose
    /// `granularity × lat` overflows i64. osmpbf's `nano_lat` panicked on it where overflow
    /// checks are on (tests, debug builds) and wrapped in release builds. osmpbf is now built
    /// without overflow checks in every profile; the node is not on a kept way, so the import
    /// goes on without it.
    // See: issue #9
    #[test]
    fn a_node_whose_coordinates_overflow_is_not_a_panic_issue_9() {
        let network = read_osm_rail(
            &regression("osm_coordinate_overflow.osm.pbf"),
            &OsmRailOptions::default(),
            &mut |_| ControlFlow::Continue(()),
        )
        .expect("the damaged node is not needed");
        assert!(!network.nodes.is_empty());
        for node in &network.nodes {
            assert!(
                node.lat.abs() <= 90.0 && node.lon.abs() <= 180.0,
                "{node:?}"
            );
        }
    }

    /// What the wrapped values of a damaged block can look like: a node of a kept way at
    /// latitude 95 (the plain-node fixture re-encoded with node 3 moved) is a corrupt block,
    /// not a coordinate to measure lengths from.
    // See: issue #9
    #[test]
    fn a_needed_node_off_the_globe_is_a_corrupt_block_issue_9() {
        let path = regression("osm_node_lat_95.osm.pbf");
        let error = read_osm_rail(&path, &OsmRailOptions::default(), &mut |_| {
            ControlFlow::Continue(())
        })
        .expect_err("a coordinate out of range");
        assert_eq!(
            error.to_string(),
            format!(
                "{}: truncated or corrupt PBF file: block 1: node 3: coordinate (95, 51.02) is \
                 out of range",
                path.display()
            )
        );
    }

    fn regression(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/fuzz_regressions")
            .join(name)
    }

    #[test]
    fn reads_bytes_like_the_file() {
        let bytes = std::fs::read(fixture("tiny.osm.pbf")).expect("fixture");
        let mut reports = Vec::new();
        let network = read_osm_rail_from(
            "tiny.osm.pbf",
            std::io::Cursor::new(&bytes),
            &OsmRailOptions::default(),
            &mut |p| {
                reports.push(p);
                ControlFlow::Continue(())
            },
        )
        .expect("valid fixture");
        assert_eq!(network, read(&OsmRailOptions::default()));
        assert_eq!(
            reports
                .last()
                .map(|p| (p.pass, p.bytes_done, p.bytes_total)),
            Some((OsmPass::Nodes, bytes.len() as u64, bytes.len() as u64))
        );
    }

    #[test]
    fn bad_files_name_the_file_and_the_reason() {
        let dir = std::env::temp_dir().join(format!("silkroute-osm-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let pbf = std::fs::read(fixture("tiny.osm.pbf")).expect("fixture");
        let cases: [(&str, &[u8], &str); 4] = [
            (
                "text.osm.pbf",
                b"id,lat,lon\n1,2,3\n",
                "not an OpenStreetMap PBF file",
            ),
            (
                "empty.osm.pbf",
                b"",
                "not an OpenStreetMap PBF file (empty file)",
            ),
            (
                "xml.osm.pbf",
                b"<?xml version=\"1.0\"?>\n<osm/>\n",
                "not an OpenStreetMap PBF",
            ),
            (
                "cut.osm.pbf",
                &pbf[..pbf.len() - 40],
                "truncated or corrupt PBF file",
            ),
        ];
        for (name, bytes, expected) in cases {
            let path = dir.join(name);
            std::fs::write(&path, bytes).expect("write");
            let error = read_osm_rail(&path, &OsmRailOptions::default(), &mut |_| {
                ControlFlow::Continue(())
            })
            .expect_err(name)
            .to_string();
            assert!(error.starts_with(&path.display().to_string()), "{error}");
            assert!(
                error.contains(expected),
                "{error} should contain {expected}"
            );
        }
        let missing = dir.join("missing.osm.pbf");
        let error = read_osm_rail(&missing, &OsmRailOptions::default(), &mut |_| {
            ControlFlow::Continue(())
        })
        .expect_err("missing");
        assert!(matches!(error, OsmImportError::Read { .. }), "{error:?}");
        assert_eq!(
            error.to_string(),
            format!("{}: cannot read", missing.display())
        );
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn writes_a_folder_the_geo_reader_loads() {
        let network = read(&OsmRailOptions::default());
        let dir = std::env::temp_dir().join(format!("silkroute-osm-write-{}", std::process::id()));
        write_osm_rail_dir(&network, &dir).expect("writable");
        let edges = std::fs::read_to_string(dir.join("edges.csv")).expect("edges.csv");
        assert_eq!(
            edges.lines().take(2).collect::<Vec<_>>(),
            [
                "from,to,km,way,gauge_mm,electrified,usage",
                &format!(
                    "1,3,{:.3},101,1520,contact_line,main",
                    haversine_along(&[1, 2, 3])
                ),
            ]
        );
        let nodes = std::fs::read_to_string(dir.join("nodes.csv")).expect("nodes.csv");
        assert_eq!(nodes.lines().nth(2), Some("3,43.005,51.02"));
        let attribution = std::fs::read_to_string(dir.join("ATTRIBUTION")).expect("ATTRIBUTION");
        assert_eq!(attribution.trim(), OSM_ATTRIBUTION);
        let loaded = super::super::load_geo_dir(&dir).expect("loads");
        assert_eq!(loaded.ids.len(), network.nodes.len());
        assert_eq!(loaded.ids[0], "1");
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
