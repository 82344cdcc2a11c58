//! The only door to the file system: reading an input whole with a size limit, and writing an
//! output so that it is either complete or absent.
//!
//! Inputs are read by [`read_limited`]: a regular file or a pipe (so `--network <(…)` works),
//! never a device, socket or folder, and never more than its [`Limit`] (a 200 MB `links.csv`
//! would otherwise take gigabytes once parsed, and `/dev/zero` would be read until memory runs
//! out). Outputs are written by [`write_atomic`] / [`write_all_atomic`]: to a temporary file
//! beside the target, renamed over it once complete, so a full disk or a failed write leaves the
//! old file untouched, and never over something that is not a regular file (a `--cache
//! /dev/null` run as root once replaced the device node with a file).

use super::LoadError;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The largest input of a kind, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Bytes.
    pub bytes: u64,
    /// What kind of file it limits, for messages (`a corridor network file`).
    pub what: &'static str,
}

impl Limit {
    /// Files of a corridor network folder (the default network's largest is 60 kB).
    pub const NETWORK_FILE: Limit = Limit {
        bytes: 64 << 20,
        what: "a corridor network file",
    };
    /// Files of a geographic network (the world railways' nodes.csv is 5.7 MB, the world
    /// highways' edges.csv 16 MB; a planet-wide OSM railway import some hundreds of MB).
    pub const GEO_FILE: Limit = Limit {
        bytes: 2 << 30,
        what: "a geographic network file",
    };
    /// A prepared-network cache (a few times its network's size).
    pub const CACHE_FILE: Limit = Limit {
        bytes: 4 << 30,
        what: "a cache file",
    };
    /// Files of a TNTP or GMNS assignment network (ChicagoSketch's largest is 3 MB).
    pub const ASSIGN_FILE: Limit = Limit {
        bytes: 512 << 20,
        what: "an assignment network file",
    };
    /// Query, point, patch and note lists.
    pub const LIST_FILE: Limit = Limit {
        bytes: 256 << 20,
        what: "a list file",
    };

    /// The limit in MiB, for messages.
    pub fn mib(self) -> u64 {
        self.bytes >> 20
    }
}

/// Reads a whole input file: a regular file or a pipe of at most `limit` bytes.
///
/// # Errors
/// [`LoadError::Read`] when it cannot be opened or read, [`LoadError::NotAFile`] for a folder,
/// device or socket, [`LoadError::TooLarge`] past the limit (checked before reading for a
/// regular file; a pipe is read up to the limit and no further).
pub fn read_limited(path: &Path, limit: Limit) -> Result<Vec<u8>, LoadError> {
    let name = || path.display().to_string();
    let read_error = |source| LoadError::Read {
        file: name(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let metadata = file.metadata().map_err(read_error)?;
    let kind = file_kind(&metadata);
    if !matches!(kind, FileKind::Regular | FileKind::Pipe) {
        return Err(LoadError::NotAFile {
            file: name(),
            kind: kind.as_str(),
        });
    }
    if kind == FileKind::Regular && metadata.len() > limit.bytes {
        return Err(LoadError::TooLarge {
            file: name(),
            what: limit.what,
            limit_mib: limit.mib(),
        });
    }
    let capacity = if kind == FileKind::Regular {
        metadata.len() as usize
    } else {
        0
    };
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit.bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > limit.bytes {
        return Err(LoadError::TooLarge {
            file: name(),
            what: limit.what,
            limit_mib: limit.mib(),
        });
    }
    Ok(bytes)
}

/// [`read_limited`], with the path as messages name it: `(name, bytes)`, the form every parser
/// of the library takes.
///
/// # Errors
/// As [`read_limited`].
pub fn read_named(path: &Path, limit: Limit) -> Result<(String, Vec<u8>), LoadError> {
    read_limited(path, limit).map(|bytes| (path.display().to_string(), bytes))
}

/// What a path is, as far as reading and writing go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Regular,
    Directory,
    Pipe,
    Other,
}

impl FileKind {
    fn as_str(self) -> &'static str {
        match self {
            FileKind::Regular => "a regular file",
            FileKind::Directory => "a folder",
            FileKind::Pipe => "a pipe",
            FileKind::Other => "a device or socket",
        }
    }
}

fn file_kind(metadata: &std::fs::Metadata) -> FileKind {
    let file_type = metadata.file_type();
    if file_type.is_file() {
        FileKind::Regular
    } else if file_type.is_dir() {
        FileKind::Directory
    } else if is_fifo(&file_type) {
        FileKind::Pipe
    } else {
        FileKind::Other
    }
}

#[cfg(unix)]
fn is_fifo(file_type: &std::fs::FileType) -> bool {
    std::os::unix::fs::FileTypeExt::is_fifo(file_type)
}

#[cfg(not(unix))]
fn is_fifo(_: &std::fs::FileType) -> bool {
    false
}

/// Why an output could not be written. The target is then as it was before.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The target exists and is not a regular file (a folder, a device node, a socket): it is
    /// never replaced.
    #[error("{path}: is {kind}, not a regular file; not replaced")]
    NotAFile {
        /// The target.
        path: PathBuf,
        /// What it is.
        kind: &'static str,
    },
    /// Creating, writing or renaming failed.
    #[error("cannot write {path}")]
    Io {
        /// The target.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// Writes `bytes` to `path` through a temporary file beside it, renamed over `path` once
/// complete.
///
/// # Errors
/// [`WriteError`]; `path` is then unchanged and no temporary file is left.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_all_atomic(&[(path, bytes)])
}

/// Writes several files (a network folder's `nodes.csv`, `edges.csv`, ...): all are written to
/// temporary files first, and renamed over their targets only when every one is complete, so a
/// failure leaves all the targets as they were.
///
/// # Errors
/// [`WriteError`] for the first file that cannot be written; no temporary file is left.
pub fn write_all_atomic(files: &[(&Path, &[u8])]) -> Result<(), WriteError> {
    let mut staged = Vec::with_capacity(files.len());
    for &(path, bytes) in files {
        let result = AtomicFile::create(path).and_then(|mut file| {
            file.write_all(bytes).map_err(|source| WriteError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            Ok(file)
        });
        match result {
            Ok(file) => staged.push(file),
            // Dropping the staged files removes their temporaries.
            Err(error) => return Err(error),
        }
    }
    for file in staged {
        file.commit()?;
    }
    Ok(())
}

/// A file being written: a temporary beside the target, renamed over it by
/// [`AtomicFile::commit`], removed if dropped uncommitted.
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    temporary: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

impl AtomicFile {
    /// Starts writing `path`.
    ///
    /// # Errors
    /// [`WriteError::NotAFile`] when `path` exists and is not a regular file;
    /// [`WriteError::Io`] when the temporary cannot be created.
    pub fn create(path: &Path) -> Result<AtomicFile, WriteError> {
        let io_error = |source| WriteError::Io {
            path: path.to_path_buf(),
            source,
        };
        match std::fs::symlink_metadata(path) {
            Ok(metadata) if !metadata.file_type().is_file() => {
                // A symbolic link to a regular file is followed (rename replaces the link).
                let followed = std::fs::metadata(path).map(|m| m.file_type().is_file());
                if !matches!(followed, Ok(true)) {
                    let kind = std::fs::metadata(path).map_or(FileKind::Other, |m| file_kind(&m));
                    return Err(WriteError::NotAFile {
                        path: path.to_path_buf(),
                        kind: kind.as_str(),
                    });
                }
            }
            Ok(_) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(io_error(error)),
        }
        // Resolve a symbolic link, so the rename replaces the file it points to.
        let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let temporary = temporary_beside(&target);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
            .map_err(io_error)?;
        Ok(AtomicFile {
            target,
            temporary,
            file: Some(std::io::BufWriter::new(file)),
        })
    }

    /// Flushes the file and renames it over the target.
    ///
    /// # Errors
    /// [`WriteError::Io`]; the target is then unchanged and the temporary removed.
    pub fn commit(mut self) -> Result<(), WriteError> {
        let io_error = |source| WriteError::Io {
            path: self.target.clone(),
            source,
        };
        let file = self.file.take().expect("a file is committed once");
        let file = file
            .into_inner()
            .map_err(|error| io_error(error.into_error()))?;
        file.sync_all().map_err(io_error)?;
        drop(file);
        std::fs::rename(&self.temporary, &self.target).map_err(io_error)?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.file
            .as_mut()
            .expect("writes happen before commit")
            .write(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file
            .as_mut()
            .expect("writes happen before commit")
            .flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temporary);
        }
    }
}

/// A new temporary name in the target's folder: `.NAME.tmp-PID-N`.
fn temporary_beside(target: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = target
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    target.with_file_name(format!(".{name}.tmp-{}-{n}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch() -> PathBuf {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "silkroute-fs-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn reads_a_file_within_its_limit_and_refuses_past_it() {
        let dir = scratch();
        let path = dir.join("a.csv");
        std::fs::write(&path, b"0123456789").expect("writable");
        let limit = |bytes| Limit {
            bytes,
            what: "a test file",
        };
        assert_eq!(read_limited(&path, limit(10)).expect("fits"), b"0123456789");
        let error = read_limited(&path, limit(9)).expect_err("too large");
        assert!(matches!(error, LoadError::TooLarge { .. }), "{error}");
        assert!(error.to_string().contains("a.csv"), "{error}");
        let error = read_limited(&dir, limit(9)).expect_err("a folder");
        assert_eq!(
            error.to_string(),
            format!("{}: is a folder, not a file", dir.display())
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_not_read() {
        let error = read_limited(Path::new("/dev/zero"), Limit::LIST_FILE).expect_err("device");
        assert!(matches!(error, LoadError::NotAFile { .. }), "{error}");
    }

    #[test]
    fn atomic_writes_replace_files_and_nothing_else() {
        let dir = scratch();
        let path = dir.join("out.csv");
        std::fs::write(&path, b"old").expect("writable");
        write_atomic(&path, b"new").expect("written");
        assert_eq!(std::fs::read(&path).expect("readable"), b"new");
        let folder = dir.join("folder");
        std::fs::create_dir(&folder).expect("dir");
        let error = write_atomic(&folder, b"x").expect_err("a folder");
        assert!(matches!(error, WriteError::NotAFile { .. }), "{error}");
        assert!(folder.is_dir());
        // One file that cannot be written leaves every target as it was.
        let other = dir.join("other.csv");
        std::fs::write(&other, b"old").expect("writable");
        let missing = dir.join("no/such/dir/file.csv");
        write_all_atomic(&[(&other, b"new"), (&missing, b"new")]).expect_err("no folder");
        assert_eq!(std::fs::read(&other).expect("readable"), b"old");
        let left: Vec<_> = std::fs::read_dir(&dir)
            .expect("readable")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(left.len(), 3, "no temporaries left: {left:?}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn an_uncommitted_file_leaves_no_trace() {
        let dir = scratch();
        let path = dir.join("partial.bin");
        {
            let mut file = AtomicFile::create(&path).expect("created");
            file.write_all(b"half").expect("written");
        }
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(&dir).expect("readable").count(), 0);
        std::fs::remove_dir_all(&dir).ok();
    }
}
