//! The packed-network reader (`geo::unpack_geo`, and `geo::pack_attribution`),
//! structure-aware like the cache target: the input is a whole pack (seeds written by
//! `geo::pack_geo`, and a version-1 pack) whose trailing checksum is recomputed before
//! parsing; an accepted network is then used as the engine uses it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use silkroute_core::geo::{checksum, pack_attribution, unpack_geo};
use silkroute_fuzz::exercise_geo;

fuzz_target!(|data: &[u8]| {
    let mut bytes = data.to_vec();
    if bytes.len() >= 16 {
        let body = bytes.len() - 8;
        let sum = checksum(&bytes[..body]);
        bytes[body..].copy_from_slice(&sum.to_le_bytes());
    }
    let _ = pack_attribution(&bytes);
    if let Ok((network, _attribution)) = unpack_geo("fuzz.bin", &bytes) {
        exercise_geo(&network, None);
    }
});
