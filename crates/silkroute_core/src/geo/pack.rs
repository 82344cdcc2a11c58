//! The compact format of the geographic networks shipped inside the binary
//! (`data/geo/*.bin`): coordinates on a grid of 1e-5 degree (about 1 m), edges with their
//! length in whole metres and their passage class, an attribution text, and a checksum.
//!
//! Version 2 layout (little-endian): magic `SILKPACK`, version (u32), node count `n` (u32),
//! edge count `m` (u32), attribution length (u32) and UTF-8 text, coordinate unit `u` (u32, in
//! 1e-5 degree: the largest step that divides every coordinate, 100 for data given to 0.001°),
//! passage name count `k` (u8) and `k` names (u8 length, UTF-8 bytes), then LEB128 varints:
//! for every node the zigzag difference of its latitude and longitude (in units `u`) from the
//! previous node's; for every node `a` the number of its edges to nodes `b > a`, then for each
//! (sorted by `b`) the gap `b − previous b − 1` (previous = `a` for the first) and the length
//! in metres; the number `t` of edges with a passage class, then for each the gap to the
//! previous tagged edge's index (in the order just written; the first gives its index) and the
//! class (one byte, 1..=k). Last, a checksum (u64) of everything before it.
//!
//! Version 1 (no unit, no passages, fixed-width i32 coordinates and u32 × 3 edges after the
//! attribution) is still read, as a network without passages.

use super::{GeoNetwork, checksum};
use crate::geo::{GeoGraph, MAX_PASSAGE_NAME, MAX_PASSAGES, Metres, Passages};
use crate::io::LoadError;

const MAGIC: &[u8; 8] = b"SILKPACK";
/// The version [`pack_geo`] writes.
pub const PACK_VERSION: u32 = 2;
const SCALE: f64 = 1e5;

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

fn unzigzag(value: u64) -> i64 {
    (value >> 1) as i64 ^ -((value & 1) as i64)
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// How `silkroute geo pack` shrinks a network before encoding it.
#[derive(Debug, Clone, PartialEq)]
pub struct PackOptions {
    /// Keep nodes inside `[min_lat, min_lon, max_lat, max_lon]`.
    pub bbox: [f64; 4],
    /// Largest distance, km, between a dropped chain node and the simplified line.
    pub tolerance_km: f64,
    /// Drop fragments with fewer nodes.
    pub min_component_nodes: usize,
    /// Attribution text stored in the file.
    pub attribution: String,
    /// Passage tags to remove (searoute's antimeridian seam: `segment,segment2,pacific_ocean`).
    pub untag: Vec<String>,
}

/// Why a network cannot be packed with these options.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// A box whose minimum exceeds its maximum, or a coordinate out of range.
    #[error("bbox {given}: expected min_lat,min_lon,max_lat,max_lon")]
    BadBox {
        /// The box as given.
        given: String,
    },
    /// A negative or NaN tolerance.
    #[error("tolerance_km {value}: must be ≥ 0")]
    BadTolerance {
        /// The value given.
        value: f64,
    },
    /// A tag to remove that the network does not have.
    #[error("untag {name}: no such passage tag in {network}")]
    UnknownTag {
        /// The tag.
        name: String,
        /// The network as given.
        network: String,
    },
    /// The passage-tag file is not valid.
    #[error(transparent)]
    Tags(Box<LoadError>),
}

/// A packed network and what packing did.
#[derive(Debug, Clone, PartialEq)]
pub struct Packed {
    /// The bytes of the packed file.
    pub bytes: Vec<u8>,
    /// Nodes and edges before and after.
    pub nodes: (usize, usize),
    /// Edges before and after.
    pub edges: (usize, usize),
    /// Edges of each passage tag kept, in name order.
    pub passage_edges: Vec<(String, usize)>,
}

/// Retags passages from `tags` (see [`crate::geo::apply_passage_tags`]), removes the tags of
/// `options.untag`, cuts the network to the box, simplifies chains and encodes it.
///
/// # Errors
/// [`PackError`]: bad options, or a tag file or tag name that does not fit the network
/// (`name` names the network in messages).
pub fn pack_network(
    mut network: GeoNetwork,
    name: &str,
    tags: Option<&(String, Vec<u8>)>,
    options: &PackOptions,
) -> Result<Packed, PackError> {
    let [min_lat, min_lon, max_lat, max_lon] = options.bbox;
    if !(min_lat <= max_lat && min_lon <= max_lon) {
        return Err(PackError::BadBox {
            given: format!("{min_lat},{min_lon},{max_lat},{max_lon}"),
        });
    }
    if options.tolerance_km.is_nan() || options.tolerance_km < 0.0 {
        return Err(PackError::BadTolerance {
            value: options.tolerance_km,
        });
    }
    if let Some(file) = tags {
        network.passages =
            super::apply_passage_tags(&network, file).map_err(|e| PackError::Tags(Box::new(e)))?;
    }
    for tag in &options.untag {
        if !network.passages.names().iter().any(|n| n == tag.trim()) {
            return Err(PackError::UnknownTag {
                name: crate::io::clip(tag),
                network: name.to_string(),
            });
        }
    }
    network.passages = network.passages.without(&network.graph, |name| {
        options.untag.iter().any(|u| u.trim() == name)
    });
    let simplify = super::SimplifyOptions {
        bbox: options.bbox,
        tolerance_km: options.tolerance_km,
        min_component_nodes: options.min_component_nodes,
    };
    let (small, _, passages) =
        super::simplify_with_passages(&network.graph, &network.passages, simplify);
    let bytes = pack_geo(&small, &passages, &options.attribution);
    let mut counts = vec![0usize; passages.names().len() + 1];
    for &(_, _, class) in &passages.tagged_edges(&small) {
        counts[class.index()] += 1;
    }
    let passage_edges = if counts.iter().all(|&c| c == 0) {
        Vec::new()
    } else {
        passages
            .names()
            .iter()
            .cloned()
            .zip(counts[1..].iter().copied())
            .collect()
    };
    Ok(Packed {
        bytes,
        nodes: (network.graph.node_count(), small.node_count()),
        edges: (network.graph.edge_count(), small.edge_count()),
        passage_edges,
    })
}

/// Encodes a network and its passage classes; node ids are not kept (they become 0..n-1).
///
/// # Panics
/// Never for a valid [`Passages`] (at most 255 names of at most 64 bytes).
pub fn pack_geo(graph: &GeoGraph, passages: &Passages, attribution: &str) -> Vec<u8> {
    let n = graph.node_count();
    let grid: Vec<(i64, i64)> = graph
        .node_ids()
        .map(|v| {
            let (lat, lon) = graph.coord(v);
            ((lat * SCALE).round() as i64, (lon * SCALE).round() as i64)
        })
        .collect();
    let unit = grid
        .iter()
        .fold(0, |g, &(lat, lon)| {
            gcd(gcd(g, lat.unsigned_abs()), lon.unsigned_abs())
        })
        .max(1);
    let unit = unit as i64;
    let mut out = Vec::with_capacity(64 + attribution.len() + n * 5 + graph.edge_count() * 5);
    out.extend_from_slice(MAGIC);
    for value in [
        PACK_VERSION,
        n as u32,
        graph.edge_count() as u32,
        attribution.len() as u32,
    ] {
        out.extend_from_slice(&value.to_le_bytes());
    }
    out.extend_from_slice(attribution.as_bytes());
    out.extend_from_slice(&(unit as u32).to_le_bytes());
    let names = passages.names();
    assert!(names.len() <= MAX_PASSAGES, "checked by Passages::new");
    out.push(names.len() as u8);
    for name in names {
        assert!(name.len() <= MAX_PASSAGE_NAME, "checked by Passages::new");
        out.push(name.len() as u8);
        out.extend_from_slice(name.as_bytes());
    }
    let mut previous = (0, 0);
    for &(lat, lon) in &grid {
        put_varint(&mut out, zigzag(lat / unit - previous.0));
        put_varint(&mut out, zigzag(lon / unit - previous.1));
        previous = (lat / unit, lon / unit);
    }
    let mut tagged: Vec<(u64, u8)> = Vec::new();
    let mut index = 0u64;
    for a in graph.node_ids() {
        put_varint(
            &mut out,
            graph.neighbors(a).filter(|&(b, _)| b > a).count() as u64,
        );
        let mut previous = a;
        for (arc, b, length) in graph.arcs(a).filter(|&(_, b, _)| b > a) {
            put_varint(&mut out, u64::from(b.0 - previous.0 - 1));
            put_varint(&mut out, u64::from(length));
            previous = b;
            if !passages.class(arc).is_none() {
                tagged.push((index, passages.class(arc).0));
            }
            index += 1;
        }
    }
    put_varint(&mut out, tagged.len() as u64);
    let mut previous = 0;
    for (index, class) in tagged {
        put_varint(&mut out, index - previous);
        out.push(class);
        previous = index;
    }
    let sum = checksum(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// Reads the bytes of a pack in order, failing (never panicking) past the end.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, count: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(count)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    fn byte(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f).checked_shl(shift)?;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }
}

/// Decodes a packed network (version 2, or version 1 without passages) and its attribution.
///
/// # Errors
/// [`LoadError::CorruptPack`] naming `name` when the bytes are not a valid pack,
/// or are of an unknown version.
pub fn unpack_geo(name: &str, bytes: &[u8]) -> Result<(GeoNetwork, String), LoadError> {
    let corrupt = |reason: &str| LoadError::CorruptPack {
        file: name.to_string(),
        reason: reason.to_string(),
    };
    if bytes.len() < 8 + 16 + 8 || &bytes[..8] != MAGIC {
        return Err(corrupt("wrong magic"));
    }
    let (body, trailer) = bytes.split_at(bytes.len() - 8);
    if checksum(body) != u64::from_le_bytes(trailer.try_into().expect("8 bytes")) {
        return Err(corrupt("checksum mismatch"));
    }
    let mut cursor = Cursor { bytes: body, at: 8 };
    let truncated = || corrupt("truncated");
    let version = cursor.u32().ok_or_else(truncated)?;
    let n = cursor.u32().ok_or_else(truncated)? as usize;
    let m = cursor.u32().ok_or_else(truncated)? as usize;
    let text_len = cursor.u32().ok_or_else(truncated)? as usize;
    let attribution = cursor
        .take(text_len)
        .ok_or_else(truncated)
        .and_then(|text| {
            std::str::from_utf8(text).map_err(|_| corrupt("attribution is not UTF-8"))
        })?
        .to_string();
    let (coords, edges, names, tagged) = match version {
        1 => {
            let (coords, edges) = decode_v1(&mut cursor, n, m)
                .ok_or_else(|| corrupt("length does not match its counts"))?;
            (coords, edges, Vec::new(), Vec::new())
        }
        PACK_VERSION => decode_v2(&mut cursor, n, m).map_err(|reason| corrupt(&reason))?,
        other => {
            return Err(corrupt(&format!(
                "format version {other}; this silkroute reads versions 1 and {PACK_VERSION} (a newer silkroute wrote it?)"
            )));
        }
    };
    if cursor.at != body.len() {
        return Err(corrupt("length does not match its counts"));
    }
    let graph = GeoGraph::new(coords, &edges).map_err(|error| corrupt(&error.to_string()))?;
    let passages =
        Passages::new(&graph, names, &tagged).map_err(|error| corrupt(&error.to_string()))?;
    let ids = (0..n).map(|v| v.to_string()).collect();
    Ok((
        GeoNetwork {
            graph,
            ids,
            passages,
        },
        attribution,
    ))
}

/// Coordinates and edges of a pack.
type Geometry = (Vec<(f64, f64)>, Vec<(u32, u32, Metres)>);

/// Coordinates, edges, passage names and tagged edges of a pack.
type Decoded = (
    Vec<(f64, f64)>,
    Vec<(u32, u32, Metres)>,
    Vec<String>,
    Vec<(u32, u32, Metres, u8)>,
);

fn decode_v1(cursor: &mut Cursor<'_>, n: usize, m: usize) -> Option<Geometry> {
    // The fixed-width layout gives the size exactly: counts the bytes cannot hold are corrupt,
    // and must not allocate (a damaged edge count once asked for 50 GB).
    let needed = n.checked_mul(8)?.checked_add(m.checked_mul(12)?)?;
    if needed > cursor.bytes.len() - cursor.at {
        return None;
    }
    let lat = cursor.take(n.checked_mul(4)?)?;
    let lon = cursor.take(n.checked_mul(4)?)?;
    let int = |bytes: &[u8], v: usize| {
        f64::from(i32::from_le_bytes(
            bytes[4 * v..4 * v + 4].try_into().expect("4 bytes"),
        )) / SCALE
    };
    let coords = (0..n).map(|v| (int(lat, v), int(lon, v))).collect();
    let mut edges = Vec::with_capacity(m);
    for _ in 0..m {
        edges.push((cursor.u32()?, cursor.u32()?, cursor.u32()?));
    }
    Some((coords, edges))
}

fn decode_v2(cursor: &mut Cursor<'_>, n: usize, m: usize) -> Result<Decoded, String> {
    let truncated = || "truncated".to_string();
    let unit = i64::from(cursor.u32().ok_or_else(truncated)?);
    if unit == 0 {
        return Err("coordinate unit 0".into());
    }
    let name_count = cursor.byte().ok_or_else(truncated)?;
    let mut names = Vec::with_capacity(usize::from(name_count));
    for _ in 0..name_count {
        let length = cursor.byte().ok_or_else(truncated)?;
        let text = cursor.take(usize::from(length)).ok_or_else(truncated)?;
        names.push(
            std::str::from_utf8(text)
                .map_err(|_| "passage name is not UTF-8".to_string())?
                .to_string(),
        );
    }
    // Every node takes at least 3 bytes (two coordinates and an edge count): a count the
    // bytes cannot hold is corrupt, and must not allocate.
    if n > cursor.bytes.len() / 3 || m > cursor.bytes.len() / 2 {
        return Err("counts larger than the file".into());
    }
    let mut coords = Vec::with_capacity(n);
    let (mut lat, mut lon) = (0i64, 0i64);
    for _ in 0..n {
        let bad = || "coordinate out of range".to_string();
        lat = lat
            .checked_add(unzigzag(cursor.varint().ok_or_else(truncated)?))
            .ok_or_else(bad)?;
        lon = lon
            .checked_add(unzigzag(cursor.varint().ok_or_else(truncated)?))
            .ok_or_else(bad)?;
        let degrees = |value: i64| value.checked_mul(unit).map(|v| v as f64 / SCALE);
        coords.push((degrees(lat).ok_or_else(bad)?, degrees(lon).ok_or_else(bad)?));
    }
    let mut edges = Vec::with_capacity(m);
    for a in 0..n as u64 {
        let count = cursor.varint().ok_or_else(truncated)?;
        let mut previous = a;
        for _ in 0..count {
            let b = cursor
                .varint()
                .and_then(|gap| previous.checked_add(gap)?.checked_add(1))
                .filter(|&b| b < n as u64)
                .ok_or_else(|| "edge to a node out of range".to_string())?;
            let length = cursor
                .varint()
                .and_then(|l| Metres::try_from(l).ok())
                .ok_or_else(|| "edge length out of range".to_string())?;
            if edges.len() == m {
                return Err("more edges than its count".into());
            }
            edges.push((a as u32, b as u32, length));
            previous = b;
        }
    }
    if edges.len() != m {
        return Err("fewer edges than its count".into());
    }
    let tagged_count = cursor.varint().ok_or_else(truncated)?;
    if tagged_count > m as u64 {
        return Err("more tagged edges than edges".into());
    }
    let mut tagged = Vec::with_capacity(tagged_count as usize);
    let mut index = 0u64;
    for position in 0..tagged_count {
        let gap = cursor.varint().ok_or_else(truncated)?;
        index = if position == 0 {
            gap
        } else {
            index
                .checked_add(gap)
                .filter(|_| gap > 0)
                .ok_or_else(|| "tagged edges out of order".to_string())?
        };
        let &(a, b, length) = usize::try_from(index)
            .ok()
            .and_then(|i| edges.get(i))
            .ok_or_else(|| "tagged edge out of range".to_string())?;
        let class = cursor.byte().ok_or_else(truncated)?;
        tagged.push((a, b, length, class));
    }
    Ok((coords, edges, names, tagged))
}

/// The attribution text of a packed network, read from its header alone (no decoding of the
/// graph); `None` when the bytes do not start like a pack.
pub fn pack_attribution(bytes: &[u8]) -> Option<String> {
    if bytes.len() < 24 || &bytes[..8] != MAGIC {
        return None;
    }
    let length = u32::from_le_bytes(bytes[20..24].try_into().ok()?) as usize;
    let text = bytes.get(24..24usize.checked_add(length)?)?;
    std::str::from_utf8(text).ok().map(str::to_string)
}

/// A geographic network shipped in the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbeddedGeo {
    /// The healed OpenStreetMap railway network of the corridor region.
    Rail,
    /// The OpenStreetMap highway network of the corridor region.
    Road,
    /// The maritime network (Eurostat SeaRoute / ORNL lanes as shipped by searoute), with
    /// passage classes.
    Sea,
}

impl EmbeddedGeo {
    /// Its packed bytes.
    pub fn bytes(self) -> &'static [u8] {
        match self {
            EmbeddedGeo::Rail => include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/geo/eurasia_rail.bin"
            )),
            EmbeddedGeo::Road => include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/geo/eurasia_road.bin"
            )),
            EmbeddedGeo::Sea => include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/geo/world_sea.bin"
            )),
        }
    }

    /// Every embedded network, in the order of `--network rail|road|sea`.
    pub const ALL: [EmbeddedGeo; 3] = [EmbeddedGeo::Rail, EmbeddedGeo::Road, EmbeddedGeo::Sea];

    /// The word that selects it (`rail`, `road`, `sea`).
    pub fn key(self) -> &'static str {
        match self {
            EmbeddedGeo::Rail => "rail",
            EmbeddedGeo::Road => "road",
            EmbeddedGeo::Sea => "sea",
        }
    }

    /// The network a word selects.
    pub fn from_key(key: &str) -> Option<EmbeddedGeo> {
        EmbeddedGeo::ALL.into_iter().find(|e| e.key() == key)
    }

    /// Its name in messages.
    pub fn name(self) -> &'static str {
        match self {
            EmbeddedGeo::Rail => "data/geo/eurasia_rail.bin",
            EmbeddedGeo::Road => "data/geo/eurasia_road.bin",
            EmbeddedGeo::Sea => "data/geo/world_sea.bin",
        }
    }

    /// Its attribution text, without decoding the network.
    pub fn attribution(self) -> String {
        pack_attribution(self.bytes()).unwrap_or_default()
    }

    /// Decodes it.
    ///
    /// # Errors
    /// Only if the embedded file is damaged, which the tests rule out.
    pub fn load(self) -> Result<(GeoNetwork, String), LoadError> {
        unpack_geo(self.name(), self.bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (GeoGraph, Passages) {
        let graph = GeoGraph::new(
            vec![
                (43.65012, 51.17034),
                (40.02, 49.4),
                (-33.9, 18.4),
                (30.0, 32.5),
            ],
            &[
                (0, 1, 508_000),
                (1, 2, 9_000_000),
                (2, 3, 7_000_000),
                (3, 1, 80),
            ],
        )
        .expect("valid");
        let passages = Passages::new(
            &graph,
            vec!["cape".into(), "suez".into()],
            &[(1, 3, 80, 2), (2, 3, 7_000_000, 1)],
        )
        .expect("valid");
        (graph, passages)
    }

    /// The version 1 layout, as silkroute wrote it before passages.
    fn pack_v1(graph: &GeoGraph, attribution: &str) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        let n = graph.node_count();
        for value in [
            1,
            n as u32,
            graph.edge_count() as u32,
            attribution.len() as u32,
        ] {
            out.extend_from_slice(&value.to_le_bytes());
        }
        out.extend_from_slice(attribution.as_bytes());
        for index in 0..2 {
            for v in graph.node_ids() {
                let (lat, lon) = graph.coord(v);
                let degrees = if index == 0 { lat } else { lon };
                out.extend_from_slice(&((degrees * SCALE).round() as i32).to_le_bytes());
            }
        }
        for a in graph.node_ids() {
            for (b, length) in graph.neighbors(a).filter(|&(b, _)| b > a) {
                for value in [a.0, b.0, length] {
                    out.extend_from_slice(&value.to_le_bytes());
                }
            }
        }
        let sum = checksum(&out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    #[test]
    fn pack_round_trips_to_a_metre_with_passages() {
        let (graph, passages) = sample();
        let bytes = pack_geo(&graph, &passages, "test ©");
        let (network, attribution) = unpack_geo("t.bin", &bytes).expect("valid");
        assert_eq!(attribution, "test ©");
        assert_eq!(pack_attribution(&bytes).as_deref(), Some("test ©"));
        assert_eq!(network.graph, graph);
        assert_eq!(network.passages, passages);
        let (lat, lon) = network.graph.coord(crate::geo::GeoNodeId(0));
        assert!((lat - 43.65012).abs() < 1e-9 && (lon - 51.17034).abs() < 1e-9);
        let mut damaged = bytes.clone();
        damaged[30] ^= 1;
        assert!(unpack_geo("t.bin", &damaged).is_err());
        assert!(unpack_geo("t.bin", &bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn coarse_coordinates_take_a_coarse_unit() {
        let graph = GeoGraph::new(
            vec![(43.651, 51.17), (43.652, 51.171), (-33.9, -18.4)],
            &[(0, 1, 120), (1, 2, 9_000_000)],
        )
        .expect("valid");
        let bytes = pack_geo(&graph, &Passages::none(), "");
        let unit_at = 8 + 16;
        assert_eq!(
            u32::from_le_bytes(bytes[unit_at..unit_at + 4].try_into().expect("4")),
            100
        );
        assert_eq!(unpack_geo("t.bin", &bytes).expect("valid").0.graph, graph);
    }

    #[test]
    fn version_1_packs_are_read_and_unknown_versions_named() {
        let (graph, _) = sample();
        let (network, attribution) =
            unpack_geo("old.bin", &pack_v1(&graph, "old")).expect("version 1 is read");
        assert_eq!(network.graph, graph);
        assert!(network.passages.is_empty() && network.passages.names().is_empty());
        assert_eq!(attribution, "old");
        let mut future = pack_geo(&graph, &Passages::none(), "");
        future[8] = 9;
        let body = future.len() - 8;
        let sum = checksum(&future[..body]);
        future[body..].copy_from_slice(&sum.to_le_bytes());
        let error = unpack_geo("new.bin", &future).expect_err("unknown version");
        assert!(
            error
                .to_string()
                .contains("format version 9; this silkroute reads versions 1 and 2"),
            "{error}"
        );
    }

    /// Found by the `geo_pack` fuzz target: a version-1 pack whose edge count was changed to
    /// 0xF700_0006 (checksum recomputed) made the reader reserve 50 GB for the edges and
    /// abort on the failed allocation.
    // See: issue #9
    #[test]
    fn a_version_1_count_larger_than_the_file_is_an_error_not_an_allocation_issue_9() {
        let (graph, _) = sample();
        for (at, count) in [(16, 0xF700_0006u32), (12, 0x4000_0000)] {
            let mut bytes = pack_v1(&graph, "old");
            bytes[at..at + 4].copy_from_slice(&count.to_le_bytes());
            let body = bytes.len() - 8;
            let sum = checksum(&bytes[..body]);
            bytes[body..].copy_from_slice(&sum.to_le_bytes());
            let error = unpack_geo("old.bin", &bytes).expect_err("a count the file cannot hold");
            assert_eq!(
                error.to_string(),
                "old.bin: not a valid packed network: length does not match its counts"
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn damaged_packs_with_a_valid_checksum_never_panic(
            position in 0usize..200,
            value in proptest::prelude::any::<u8>(),
            cut in 0usize..40,
        ) {
            let (graph, passages) = sample();
            let mut bytes = pack_geo(&graph, &passages, "t");
            let body = bytes.len() - 8;
            bytes[position % body] = value;
            bytes.truncate(bytes.len() - 8);
            bytes.truncate(bytes.len().saturating_sub(cut % 3 * (cut / 3)).max(8));
            let sum = checksum(&bytes);
            bytes.extend_from_slice(&sum.to_le_bytes());
            let _ = unpack_geo("t.bin", &bytes);
        }
    }

    #[test]
    fn embedded_networks_load_and_are_routable() {
        for embedded in EmbeddedGeo::ALL {
            let (network, attribution) = embedded.load().expect("the embedded network is valid");
            assert!(network.graph.node_count() > 1000, "{}", embedded.name());
            assert!(!attribution.is_empty());
            assert_eq!(embedded.attribution(), attribution);
            assert_eq!(EmbeddedGeo::from_key(embedded.key()), Some(embedded));
        }
        for land in [EmbeddedGeo::Rail, EmbeddedGeo::Road] {
            let (network, attribution) = land.load().expect("valid");
            assert!(attribution.contains("OpenStreetMap"), "{attribution}");
            assert!(network.graph.node_count() < 400_000);
            assert!(network.passages.is_empty());
        }
        let (sea, _) = EmbeddedGeo::Sea.load().expect("valid");
        for name in ["suez", "panama", "northwest", "northeast"] {
            assert!(sea.passages.class_of(name).is_some(), "{name}");
        }
    }
}
