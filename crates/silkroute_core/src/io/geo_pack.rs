//! The compact format of the geographic networks shipped inside the binary
//! (`data/geo/*.bin`): coordinates as 32-bit integers in 1e-5 degrees (about 1 m), each edge
//! once as three 32-bit integers (from, to, metres), an attribution text, and a checksum.
//!
//! Layout (little-endian): magic `SILKPACK`, version (u32), node count (u32), edge count (u32),
//! attribution length (u32) and UTF-8 text, latitudes (i32 × n), longitudes (i32 × n), edges
//! (u32 × 3 × m), checksum (u64) of everything before it.

use super::{GeoNetwork, LoadError, checksum};
use crate::geo::{GeoGraph, Metres};

const MAGIC: &[u8; 8] = b"SILKPACK";
const VERSION: u32 = 1;
const SCALE: f64 = 1e5;

/// Encodes a network; node ids are not kept (they become 0..n-1).
pub fn pack_geo(graph: &GeoGraph, attribution: &str) -> Vec<u8> {
    let n = graph.node_count();
    let mut edges: Vec<(u32, u32, Metres)> = Vec::with_capacity(graph.edge_count());
    for v in 0..n as u32 {
        for (w, length) in graph.neighbors(v) {
            if w > v {
                edges.push((v, w, length));
            }
        }
    }
    let mut out = Vec::with_capacity(32 + attribution.len() + n * 8 + edges.len() * 12);
    out.extend_from_slice(MAGIC);
    for value in [
        VERSION,
        n as u32,
        edges.len() as u32,
        attribution.len() as u32,
    ] {
        out.extend_from_slice(&value.to_le_bytes());
    }
    out.extend_from_slice(attribution.as_bytes());
    for index in 0..2 {
        for v in 0..n as u32 {
            let (lat, lon) = graph.coord(v);
            let degrees = if index == 0 { lat } else { lon };
            out.extend_from_slice(&((degrees * SCALE).round() as i32).to_le_bytes());
        }
    }
    for (a, b, length) in edges {
        for value in [a, b, length] {
            out.extend_from_slice(&value.to_le_bytes());
        }
    }
    let sum = checksum(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// Decodes a packed network and its attribution.
///
/// # Errors
/// [`LoadError::Toml`] (a file-level error) naming `name` when the bytes are not a valid pack.
pub fn unpack_geo(name: &str, bytes: &[u8]) -> Result<(GeoNetwork, String), LoadError> {
    let corrupt = |reason: &str| LoadError::Toml {
        file: name.to_string(),
        reason: format!("not a valid packed network: {reason}"),
    };
    if bytes.len() < 8 + 16 + 8 || &bytes[..8] != MAGIC {
        return Err(corrupt("wrong magic"));
    }
    let (body, trailer) = bytes.split_at(bytes.len() - 8);
    if checksum(body) != u64::from_le_bytes(trailer.try_into().expect("8 bytes")) {
        return Err(corrupt("checksum mismatch"));
    }
    let word = |at: usize| u32::from_le_bytes(body[at..at + 4].try_into().expect("4 bytes"));
    let (version, n, m, text_len) = (
        word(8),
        word(12) as usize,
        word(16) as usize,
        word(20) as usize,
    );
    if version != VERSION {
        return Err(corrupt(&format!("version {version}, expected {VERSION}")));
    }
    let text_end = 24 + text_len;
    let expected = text_end + n * 8 + m * 12;
    if body.len() != expected {
        return Err(corrupt("length does not match its counts"));
    }
    let attribution = std::str::from_utf8(&body[24..text_end])
        .map_err(|_| corrupt("attribution is not UTF-8"))?
        .to_string();
    let int = |at: usize| i32::from_le_bytes(body[at..at + 4].try_into().expect("4 bytes"));
    let coords: Vec<(f64, f64)> = (0..n)
        .map(|v| {
            let lat = f64::from(int(text_end + 4 * v)) / SCALE;
            let lon = f64::from(int(text_end + 4 * (n + v))) / SCALE;
            (lat, lon)
        })
        .collect();
    let edges_at = text_end + 8 * n;
    let edges: Vec<(u32, u32, Metres)> = (0..m)
        .map(|e| {
            let at = edges_at + 12 * e;
            (word(at), word(at + 4), word(at + 8))
        })
        .collect();
    let graph = GeoGraph::new(coords, &edges).map_err(|error| corrupt(&error.to_string()))?;
    let ids = (0..n).map(|v| v.to_string()).collect();
    Ok((GeoNetwork { graph, ids }, attribution))
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
    /// The maritime network (Eurostat SeaRoute / ORNL lanes as shipped by scgraph).
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
            EmbeddedGeo::Sea => include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/geo/world_sea.bin"
            )),
        }
    }

    /// Its name in messages.
    pub fn name(self) -> &'static str {
        match self {
            EmbeddedGeo::Rail => "data/geo/eurasia_rail.bin",
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

    #[test]
    fn pack_round_trips_to_a_metre() {
        let graph = GeoGraph::new(
            vec![(43.65012, 51.17034), (40.02, 49.4), (-33.9, 18.4)],
            &[(0, 1, 508_000), (1, 2, 9_000_000)],
        )
        .expect("valid");
        let bytes = pack_geo(&graph, "test ©");
        let (network, attribution) = unpack_geo("t.bin", &bytes).expect("valid");
        assert_eq!(attribution, "test ©");
        assert_eq!(network.graph.edge_count(), 2);
        assert_eq!(network.graph.edge_length(1, 2), Some(9_000_000));
        let (lat, lon) = network.graph.coord(0);
        assert!((lat - 43.65012).abs() < 1e-9 && (lon - 51.17034).abs() < 1e-9);
        let mut damaged = bytes.clone();
        damaged[30] ^= 1;
        assert!(unpack_geo("t.bin", &damaged).is_err());
        assert!(unpack_geo("t.bin", &bytes[..bytes.len() - 1]).is_err());
    }

    #[test]
    fn embedded_networks_load_and_are_routable() {
        for embedded in [EmbeddedGeo::Rail, EmbeddedGeo::Sea] {
            let (network, attribution) = embedded.load().expect("the embedded network is valid");
            assert!(network.graph.node_count() > 1000, "{}", embedded.name());
            assert!(!attribution.is_empty());
        }
        let (rail, attribution) = EmbeddedGeo::Rail.load().expect("valid");
        assert!(attribution.contains("OpenStreetMap"), "{attribution}");
        assert_eq!(EmbeddedGeo::Rail.attribution(), attribution);
        assert!(rail.graph.node_count() < 200_000);
    }
}
