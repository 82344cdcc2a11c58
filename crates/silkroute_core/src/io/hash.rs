//! Checksums and fingerprints of bytes: the geographic cache's integrity check, and the
//! fingerprints of network files and scenarios.

/// A 64-bit checksum and fingerprint function: fast (8 bytes per step), not cryptographic;
/// it detects truncation and random damage, which is all a cache needs.
pub fn checksum(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut hash = 0x243F_6A88_85A3_08D3u64 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        hash = (hash ^ word).wrapping_mul(K).rotate_left(29);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    hash = (hash ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    hash ^ (hash >> 32)
}

/// The fingerprint of source files: their checksums and sizes combined.
pub fn fingerprint(sources: &[&[u8]]) -> u64 {
    let mut combined = Vec::with_capacity(sources.len() * 16);
    for source in sources {
        combined.extend_from_slice(&checksum(source).to_le_bytes());
        combined.extend_from_slice(&(source.len() as u64).to_le_bytes());
    }
    checksum(&combined)
}
