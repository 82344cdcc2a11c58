//! The geo cache reader (`geo::parse_geo_cache`), structure-aware: the input is a whole cache
//! file (the seeds are caches the library wrote, with their contraction hierarchy), and the
//! trailing checksum is recomputed before parsing, so the fuzzer's edits reach the sections
//! instead of failing the checksum. The source fingerprint is taken from the input, as if the
//! sources matched. Whatever the reader accepts is then used as the engine uses it: the
//! hierarchy from its sections (`geo::ch_from_sections`, else one built anew), snapping,
//! routes, unpacked paths and their coordinates.
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::geo::{ch_from_sections, checksum, parse_geo_cache};
use silkroute_fuzz::exercise_geo;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let mut bytes = data.to_vec();
    if bytes.len() < 28 {
        return;
    }
    let body = bytes.len() - 8;
    let sum = checksum(&bytes[..body]);
    bytes[body..].copy_from_slice(&sum.to_le_bytes());
    let fingerprint = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
    let Ok((network, extras)) = parse_geo_cache(Path::new("fuzz.bin"), &bytes, fingerprint) else {
        return;
    };
    match ch_from_sections(extras, &network.graph) {
        Some(ch) => exercise_geo(&network, Some(&ch)),
        None => exercise_geo(&network, None),
    }
});
