//! A binary cache of a geographic network (and of structures derived from it, such as a
//! contraction hierarchy), so that a 275,000-node network loads in milliseconds instead of
//! being parsed and prepared again.
//!
//! Layout (little-endian): magic `SILKGEO\0`, format version (u32), source fingerprint (u64),
//! then sections — a 4-byte tag, an element kind (1 = bytes, 4 = u32, 8 = f64), an element
//! count (u64) and the elements — and finally a checksum (u64) of everything before it.
//! Version 2 added the passage sections (`PSNM` names joined by newlines, `PSCL` the class of
//! every arc, empty when none has one).
//! A cache is written to a temporary file in the same folder and renamed into place, so a
//! reader never sees half a file; a damaged file fails the checksum, and a cache of other
//! source files fails the fingerprint: both are reported, and the caller rebuilds it.

use super::GeoNetwork;
use crate::geo::{ContractionHierarchy, GeoGraph, Passages};
use crate::io::{Limit, LoadError, WriteError, read_limited, write_atomic};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"SILKGEO\0";
/// Version of the layout; a cache of another version is rebuilt.
pub const CACHE_VERSION: u32 = 2;

/// Why a cache could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// There is no cache file yet.
    #[error("{path}: no cache yet")]
    Missing {
        /// The cache file.
        path: PathBuf,
    },
    /// The file could not be read (unreadable, not a regular file, too large).
    #[error(transparent)]
    Read(Box<LoadError>),
    /// The file could not be written; the previous cache, if any, is unchanged.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// The file is damaged: wrong magic, truncated, or checksum mismatch.
    #[error("{path}: corrupt cache ({reason})")]
    Corrupt {
        /// The cache file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The cache was made by another version of the layout.
    #[error("{path}: cache format version {found}, expected {CACHE_VERSION}")]
    Version {
        /// The cache file.
        path: PathBuf,
        /// The version found.
        found: u32,
    },
    /// The cache was made from other source files.
    #[error("{path}: stale cache (made from other source files)")]
    Stale {
        /// The cache file.
        path: PathBuf,
    },
}

pub use crate::io::{checksum, fingerprint};

/// Extra integer arrays stored with the network, by 4-byte tag (e.g. the arrays of a
/// contraction hierarchy).
pub type Extras = BTreeMap<[u8; 4], Vec<u32>>;

struct Writer(Vec<u8>);

impl Writer {
    fn section(&mut self, tag: &[u8; 4], kind: u8, count: usize, data: impl FnOnce(&mut Vec<u8>)) {
        self.0.extend_from_slice(tag);
        self.0.push(kind);
        self.0.extend_from_slice(&(count as u64).to_le_bytes());
        data(&mut self.0);
    }

    fn u32s(&mut self, tag: &[u8; 4], values: &[u32]) {
        self.section(tag, 4, values.len(), |out| {
            for value in values {
                out.extend_from_slice(&value.to_le_bytes());
            }
        });
    }

    fn f64s(&mut self, tag: &[u8; 4], values: &[f64]) {
        self.section(tag, 8, values.len(), |out| {
            for value in values {
                out.extend_from_slice(&value.to_le_bytes());
            }
        });
    }

    fn bytes(&mut self, tag: &[u8; 4], values: &[u8]) {
        self.section(tag, 1, values.len(), |out| out.extend_from_slice(values));
    }
}

/// Section tags of a contraction hierarchy's arrays in a cache, beside the graph's.
const CH_TAGS: [&[u8; 4]; 5] = [b"CHRK", b"CHFU", b"CHHD", b"CHLN", b"CHMD"];

/// The extra sections that store a contraction hierarchy with its network.
pub fn ch_sections(ch: &ContractionHierarchy) -> Extras {
    let arrays = [
        ch.rank(),
        ch.first_up(),
        ch.up_head(),
        ch.up_length_m(),
        ch.up_middle(),
    ];
    CH_TAGS
        .iter()
        .zip(arrays)
        .map(|(tag, array)| (**tag, array.to_vec()))
        .collect()
}

/// The contraction hierarchy of `graph` stored in a cache's extra sections, or `None` when
/// they hold none, a damaged one ([`ContractionHierarchy::from_parts`] checks every
/// invariant), or one of another graph ([`ContractionHierarchy::is_of`]: another node count
/// would make queries go out of range; other edges would answer for another network).
pub fn ch_from_sections(mut extras: Extras, graph: &GeoGraph) -> Option<ContractionHierarchy> {
    let mut take = |tag: &[u8; 4]| extras.remove(tag);
    ContractionHierarchy::from_parts(
        take(CH_TAGS[0])?,
        take(CH_TAGS[1])?,
        take(CH_TAGS[2])?,
        take(CH_TAGS[3])?,
        take(CH_TAGS[4])?,
    )
    .filter(|ch| ch.is_of(graph))
}

/// Writes a cache atomically (temporary file + rename), never over something that is not a
/// regular file.
///
/// # Errors
/// [`CacheError::Write`] when the folder is not writable or `path` is a folder, device or
/// socket.
pub fn save_geo_cache(
    path: &Path,
    source_fingerprint: u64,
    network: &GeoNetwork,
    extras: &Extras,
) -> Result<(), CacheError> {
    write_atomic(path, &encode_geo_cache(source_fingerprint, network, extras))?;
    Ok(())
}

/// The bytes of a cache: magic, version, source fingerprint, tagged sections, checksum.
pub fn encode_geo_cache(source_fingerprint: u64, network: &GeoNetwork, extras: &Extras) -> Vec<u8> {
    let parts = network.graph.raw_parts();
    let mut writer = Writer(Vec::with_capacity(
        parts.lat.len() * 40 + parts.head.len() * 8,
    ));
    writer.0.extend_from_slice(MAGIC);
    writer.0.extend_from_slice(&CACHE_VERSION.to_le_bytes());
    writer
        .0
        .extend_from_slice(&source_fingerprint.to_le_bytes());
    writer.f64s(b"LAT_", parts.lat);
    writer.f64s(b"LON_", parts.lon);
    writer.u32s(b"FRST", parts.first);
    writer.u32s(b"HEAD", parts.head);
    writer.u32s(b"LENM", parts.length_m);
    let mut id_offsets = Vec::with_capacity(network.ids.len() + 1);
    let mut id_bytes = Vec::new();
    id_offsets.push(0u32);
    for id in &network.ids {
        id_bytes.extend_from_slice(id.as_bytes());
        id_offsets.push(id_bytes.len() as u32);
    }
    writer.u32s(b"IDOF", &id_offsets);
    writer.bytes(b"IDS_", &id_bytes);
    writer.bytes(b"PSNM", network.passages.names().join("\n").as_bytes());
    writer.bytes(b"PSCL", network.passages.arc_classes());
    for (tag, values) in extras {
        writer.u32s(tag, values);
    }
    let sum = checksum(&writer.0);
    writer.0.extend_from_slice(&sum.to_le_bytes());
    writer.0
}

struct Reader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let end = self.position.checked_add(n)?;
        let slice = self.bytes.get(self.position..end)?;
        self.position = end;
        Some(slice)
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
}

/// Reads a cache made from sources with this fingerprint.
///
/// # Errors
/// [`CacheError::Missing`] when it does not exist yet, [`CacheError::Read`] when it cannot be
/// read, [`CacheError::Corrupt`], [`CacheError::Version`] or [`CacheError::Stale`] when it must
/// be rebuilt.
pub fn load_geo_cache(
    path: &Path,
    source_fingerprint: u64,
) -> Result<(GeoNetwork, Extras), CacheError> {
    if !path.exists() {
        return Err(CacheError::Missing {
            path: path.to_path_buf(),
        });
    }
    let bytes = read_limited(path, Limit::CACHE_FILE).map_err(|e| CacheError::Read(Box::new(e)))?;
    parse_geo_cache(path, &bytes, source_fingerprint)
}

/// Parses the bytes of a cache ([`load_geo_cache`] without the file); `path` names it in
/// errors.
///
/// # Errors
/// [`CacheError::Corrupt`], [`CacheError::Version`] or [`CacheError::Stale`].
pub fn parse_geo_cache(
    path: &Path,
    bytes: &[u8],
    source_fingerprint: u64,
) -> Result<(GeoNetwork, Extras), CacheError> {
    let corrupt = |reason: &str| CacheError::Corrupt {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    if bytes.len() < MAGIC.len() + 4 + 8 + 8 || &bytes[..8] != MAGIC {
        return Err(corrupt("not a silkroute geo cache"));
    }
    let (body, trailer) = bytes.split_at(bytes.len() - 8);
    let stored = u64::from_le_bytes(trailer.try_into().expect("8 bytes"));
    if checksum(body) != stored {
        return Err(corrupt("checksum mismatch: truncated or damaged"));
    }
    let version = u32::from_le_bytes(body[8..12].try_into().expect("4 bytes"));
    if version != CACHE_VERSION {
        return Err(CacheError::Version {
            path: path.to_path_buf(),
            found: version,
        });
    }
    let mut reader = Reader {
        bytes: body,
        position: 12,
    };
    if reader.u64() != Some(source_fingerprint) {
        return Err(CacheError::Stale {
            path: path.to_path_buf(),
        });
    }
    let mut u32_sections: BTreeMap<[u8; 4], Vec<u32>> = BTreeMap::new();
    let mut f64_sections: BTreeMap<[u8; 4], Vec<f64>> = BTreeMap::new();
    let mut byte_sections: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
    while reader.position < body.len() {
        let tag: [u8; 4] = reader
            .take(4)
            .and_then(|t| t.try_into().ok())
            .ok_or_else(|| corrupt("truncated section tag"))?;
        let kind = reader.take(1).ok_or_else(|| corrupt("truncated section"))?[0];
        let count = reader.u64().ok_or_else(|| corrupt("truncated section"))? as usize;
        let width = match kind {
            1 | 4 | 8 => kind as usize,
            _ => return Err(corrupt("unknown section kind")),
        };
        let data = count
            .checked_mul(width)
            .and_then(|n| reader.take(n))
            .ok_or_else(|| corrupt("section longer than the file"))?;
        match kind {
            4 => {
                u32_sections.insert(
                    tag,
                    data.chunks_exact(4)
                        .map(|c| u32::from_le_bytes(c.try_into().expect("4 bytes")))
                        .collect(),
                );
            }
            8 => {
                f64_sections.insert(
                    tag,
                    data.chunks_exact(8)
                        .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
                        .collect(),
                );
            }
            _ => {
                byte_sections.insert(tag, data.to_vec());
            }
        }
    }
    let mut section = |tag: &[u8; 4]| {
        u32_sections
            .remove(tag)
            .ok_or_else(|| corrupt("missing graph section"))
    };
    let (first, head, length_m, id_offsets) = (
        section(b"FRST")?,
        section(b"HEAD")?,
        section(b"LENM")?,
        section(b"IDOF")?,
    );
    let lat = f64_sections
        .remove(b"LAT_")
        .ok_or_else(|| corrupt("missing latitudes"))?;
    let lon = f64_sections
        .remove(b"LON_")
        .ok_or_else(|| corrupt("missing longitudes"))?;
    let id_bytes = byte_sections
        .remove(b"IDS_")
        .ok_or_else(|| corrupt("missing ids"))?;
    let graph = GeoGraph::from_raw_parts(lat, lon, first, head, length_m)
        .map_err(|error| corrupt(&error.to_string()))?;
    if id_offsets.len() != graph.node_count() + 1 {
        return Err(corrupt("id table does not match the nodes"));
    }
    let mut ids = Vec::with_capacity(graph.node_count());
    for window in id_offsets.windows(2) {
        let slice = id_bytes
            .get(window[0] as usize..window[1] as usize)
            .ok_or_else(|| corrupt("id table out of range"))?;
        ids.push(String::from_utf8(slice.to_vec()).map_err(|_| corrupt("id is not UTF-8"))?);
    }
    let mut bytes_of = |tag: &[u8; 4]| {
        byte_sections
            .remove(tag)
            .ok_or_else(|| corrupt("missing passage section"))
    };
    let (names, classes) = (bytes_of(b"PSNM")?, bytes_of(b"PSCL")?);
    let names = String::from_utf8(names).map_err(|_| corrupt("passage name is not UTF-8"))?;
    let names: Vec<String> = if names.is_empty() {
        Vec::new()
    } else {
        names.split('\n').map(str::to_string).collect()
    };
    let passages = Passages::from_arc_classes(&graph, names, classes)
        .map_err(|error| corrupt(&error.to_string()))?;
    Ok((
        GeoNetwork {
            graph,
            ids,
            passages,
        },
        u32_sections,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network() -> GeoNetwork {
        let graph = GeoGraph::new(
            vec![(43.65, 51.17), (40.02, 49.4), (41.72, 44.79)],
            &[(0, 1, 508_000), (1, 2, 500_000)],
        )
        .expect("valid");
        let passages =
            Passages::new(&graph, vec!["caspian".into()], &[(0, 1, 508_000, 1)]).expect("valid");
        GeoNetwork {
            graph,
            ids: vec!["aktau".into(), "alat".into(), "tbilisi".into()],
            passages,
        }
    }

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("silkroute-cache-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir.join("geo.bin")
    }

    #[test]
    fn round_trip_keeps_graph_ids_and_extras() {
        let path = temp("round");
        let mut extras = Extras::new();
        extras.insert(*b"CHRK", vec![2, 0, 1]);
        save_geo_cache(&path, 42, &network(), &extras).expect("writable");
        let (loaded, loaded_extras) = load_geo_cache(&path, 42).expect("valid cache");
        assert_eq!(loaded, network());
        assert_eq!(loaded_extras, extras);
        std::fs::remove_dir_all(path.parent().expect("dir")).ok();
    }

    #[test]
    fn stale_corrupt_and_truncated_caches_are_detected() {
        let path = temp("bad");
        save_geo_cache(&path, 42, &network(), &Extras::new()).expect("writable");
        assert!(matches!(
            load_geo_cache(&path, 43),
            Err(CacheError::Stale { .. })
        ));
        let mut bytes = std::fs::read(&path).expect("readable");
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x40;
        std::fs::write(&path, &bytes).expect("writable");
        assert!(matches!(
            load_geo_cache(&path, 42),
            Err(CacheError::Corrupt { .. })
        ));
        bytes[middle] ^= 0x40;
        std::fs::write(&path, &bytes[..bytes.len() - 20]).expect("writable");
        assert!(matches!(
            load_geo_cache(&path, 42),
            Err(CacheError::Corrupt { .. })
        ));
        std::fs::write(&path, b"hello").expect("writable");
        assert!(matches!(
            load_geo_cache(&path, 42),
            Err(CacheError::Corrupt { .. })
        ));
        std::fs::remove_dir_all(path.parent().expect("dir")).ok();
    }

    /// Rewrites the `index`-th f64 of the section `tag` and recomputes the checksum, as a
    /// deliberate edit would.
    fn edit_f64(bytes: &mut [u8], tag: &[u8; 4], index: usize, value: f64) {
        let at = bytes
            .windows(4)
            .position(|w| w == tag)
            .expect("section present")
            + 4 // tag
            + 1 // kind
            + 8 // count
            + index * 8;
        bytes[at..at + 8].copy_from_slice(&value.to_le_bytes());
        let end = bytes.len() - 8;
        let sum = checksum(&bytes[..end]);
        bytes[end..].copy_from_slice(&sum.to_le_bytes());
    }

    /// A cache whose hierarchy sections are those of another graph with fewer nodes (a
    /// deliberate edit, checksum recomputed): the hierarchy passed its own checks, and a query
    /// from a node of the graph it lacks panicked.
    // See: issue #9
    #[test]
    fn a_hierarchy_of_another_node_count_is_not_used_issue_9() {
        let smaller =
            GeoGraph::new(vec![(43.65, 51.17), (40.02, 49.4)], &[(0, 1, 508_000)]).expect("valid");
        let ch = ContractionHierarchy::new(&smaller).expect("small graph");
        let bytes = encode_geo_cache(42, &network(), &ch_sections(&ch));
        let (loaded, extras) = parse_geo_cache(Path::new("geo.bin"), &bytes, 42).expect("valid");
        assert!(ch_from_sections(extras.clone(), &smaller).is_some());
        assert!(ch_from_sections(extras, &loaded.graph).is_none());
    }

    /// A cache edited with its checksum recomputed so that its hierarchy sections are those
    /// of another graph of the same node count: refused (rebuilt), not used for this graph.
    // See: issue #9
    #[test]
    fn a_hierarchy_of_another_graph_of_the_same_size_is_not_used_issue_9() {
        let other = GeoGraph::new(
            vec![(43.65, 51.17), (40.02, 49.4), (41.72, 44.79)],
            &[(0, 1, 508_000), (0, 2, 100_000)],
        )
        .expect("valid");
        let ch = ContractionHierarchy::new(&other).expect("small graph");
        let bytes = encode_geo_cache(42, &network(), &ch_sections(&ch));
        let (loaded, extras) = parse_geo_cache(Path::new("geo.bin"), &bytes, 42).expect("valid");
        assert!(ch_from_sections(extras.clone(), &other).is_some());
        assert!(ch_from_sections(extras, &loaded.graph).is_none());
        let own = ContractionHierarchy::new(&loaded.graph).expect("small graph");
        assert!(ch_from_sections(ch_sections(&own), &loaded.graph).is_some());
    }

    /// Found by the `geo_cache` fuzz target: a cache edited (checksum recomputed) so that one
    /// direction of an edge has another length, or a neighbour list is out of order, was
    /// accepted, and the hierarchy built from it disagreed with Dijkstra.
    // See: issue #9
    #[test]
    fn a_graph_that_is_not_undirected_is_rejected_issue_9() {
        let bytes = encode_geo_cache(42, &network(), &Extras::new());
        let section = |tag: &[u8; 4]| bytes.windows(4).position(|w| w == tag).expect("section");
        // Arcs: 0->1, 1->0, 1->2, 2->1.
        let (lengths, heads) = (section(b"LENM") + 13, section(b"HEAD") + 13);
        for (at, value, expected) in [
            (
                lengths,
                1u32,
                "arc 0 -> 1: no reverse arc of the same length",
            ),
            (
                heads + 8,
                0,
                "arc 1 -> 0: neighbours not in increasing order",
            ),
        ] {
            let mut damaged = bytes.clone();
            damaged[at..at + 4].copy_from_slice(&value.to_le_bytes());
            let end = damaged.len() - 8;
            let sum = checksum(&damaged[..end]);
            damaged[end..].copy_from_slice(&sum.to_le_bytes());
            let error = parse_geo_cache(Path::new("geo.bin"), &damaged, 42).expect_err(expected);
            assert_eq!(
                error.to_string(),
                format!("geo.bin: corrupt cache ({expected})")
            );
        }
    }

    #[test]
    fn a_non_finite_coordinate_with_a_valid_checksum_is_rejected_issue_9() {
        // Found by mutating a cache (robustness findings, `panic-rstar-nonfinite-coordinate`):
        // the snapper's R-tree panicked on NaN. See: issue #9
        let bytes = encode_geo_cache(42, &network(), &Extras::new());
        for (tag, value) in [
            (b"LAT_", f64::NAN),
            (b"LON_", f64::INFINITY),
            (b"LAT_", 91.0),
        ] {
            let mut damaged = bytes.clone();
            edit_f64(&mut damaged, tag, 1, value);
            let error =
                parse_geo_cache(Path::new("geo.bin"), &damaged, 42).expect_err("a bad coordinate");
            assert!(matches!(error, CacheError::Corrupt { .. }), "{error}");
        }
    }

    #[test]
    fn checksum_sees_every_byte() {
        let base = vec![7u8; 33];
        let mut seen = std::collections::BTreeSet::new();
        seen.insert(checksum(&base));
        for i in 0..base.len() {
            let mut changed = base.clone();
            changed[i] ^= 1;
            assert!(seen.insert(checksum(&changed)), "byte {i}");
        }
        assert_ne!(checksum(&base[..32]), checksum(&base));
    }
}
