//! Plumbing shared by every reader and writer of the library: CSV tables read row by row with
//! file, line and field in their errors (`csv`), the error and warning types of file content
//! ([`LoadError`], [`LoadWarning`]), the encoded-polyline codec, and the only door to the file
//! system: size-limited reads ([`read_limited`]) and atomic writes ([`write_atomic`]).
//!
//! The formats themselves live with their domains: the corridor network folder in
//! [`crate::network`], geographic networks, caches and packs in [`crate::geo`], TNTP and GMNS
//! assignment networks in [`crate::assign`]. `io` holds no domain type and imports no other
//! module of the crate.

pub(crate) mod csv;
mod error;
mod fs;
pub(crate) mod gmns;
mod hash;
mod polyline;
mod text;

pub use error::{Fault, LoadError, LoadWarning};
pub use fs::{
    AtomicFile, Limit, WriteError, read_limited, read_named, write_all_atomic, write_atomic,
};
pub use hash::{checksum, fingerprint};
pub use polyline::{decode_polyline, encode_polyline};
pub use text::{CLIP_CHARS, MESSAGE_CHARS, clip, clip_message, number, signed, signed1, thousands};
