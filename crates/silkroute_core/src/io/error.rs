//! Errors and warnings from loading a network.

/// Why a network could not be loaded. Every variant names the file; those about a row name the
/// line (1-based, counting the header as line 1) and the field.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file could not be read.
    #[error("{file}: cannot read")]
    Read {
        /// The file.
        file: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The input is larger than its kind may be ([`crate::io::Limit`]).
    #[error("{file}: larger than the {limit_mib} MiB allowed for {what}")]
    TooLarge {
        /// The file.
        file: String,
        /// What kind of file (`a corridor network file`).
        what: &'static str,
        /// The limit, MiB.
        limit_mib: u64,
    },
    /// The path is a folder, device or socket, not a file to read.
    #[error("{file}: is {kind}, not a file")]
    NotAFile {
        /// The path.
        file: String,
        /// What it is (`a folder`, `a device or socket`).
        kind: &'static str,
    },
    /// A field is not valid UTF-8.
    #[error("{file}:{line}: {field}: not valid UTF-8 (byte {byte:#04x} at position {position})")]
    NotUtf8 {
        /// The file.
        file: String,
        /// The line.
        line: u64,
        /// The column, or `header`.
        field: String,
        /// The first invalid byte.
        byte: u8,
        /// Its position within the field.
        position: usize,
    },
    /// The CSV structure is broken (unbalanced quotes, wrong number of fields).
    #[error("{file}:{line}: malformed CSV: {reason}")]
    Csv {
        /// The file.
        file: String,
        /// The line.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// The file is empty (not even a header).
    #[error("{file}: empty file (expected a header row with columns {expected})")]
    Empty {
        /// The file.
        file: String,
        /// Columns the header must have.
        expected: String,
    },
    /// A required column is missing from the header.
    #[error("{file}:1: missing column `{column}`")]
    MissingColumn {
        /// The file.
        file: String,
        /// The column.
        column: String,
    },
    /// The header has a column this format does not know.
    #[error("{file}:1: unknown column `{column}` (known columns: {known})")]
    UnknownColumn {
        /// The file.
        file: String,
        /// The column.
        column: String,
        /// The columns of this format.
        known: String,
    },
    /// The header names a column twice.
    #[error("{file}:1: column `{column}` appears twice")]
    DuplicateColumn {
        /// The file.
        file: String,
        /// The column.
        column: String,
    },
    /// A field's value is wrong.
    #[error("{file}:{line}: {field}: {reason}")]
    Field {
        /// The file.
        file: String,
        /// The line.
        line: u64,
        /// The column (or TOML key).
        field: String,
        /// What is wrong, with the value.
        reason: String,
    },
    /// A JSON file does not parse, or a value has the wrong JSON type (serde_json's message,
    /// with its line and column).
    #[error("{file}:{line}:{column}: {reason}")]
    Json {
        /// The file.
        file: String,
        /// The line (1-based).
        line: usize,
        /// The column (1-based; 0 at the end of the file).
        column: usize,
        /// What is wrong: `malformed JSON: ...`, or `feature N: ...` for a value of the wrong
        /// type inside a feature.
        reason: String,
    },
    /// A value in one feature of a GeoJSON file is wrong.
    #[error("{file}: feature {index}: {field}: {reason}")]
    Feature {
        /// The file.
        file: String,
        /// The feature's position in `features` (0-based).
        index: usize,
        /// The member, as a path such as `geometry.coordinates[3]` or `properties.length_km`.
        field: String,
        /// What is wrong, with the value.
        reason: String,
    },
    /// A problem with a whole file (empty, not the expected kind of document, a coordinate
    /// system that is not WGS84 degrees).
    #[error("{file}: {reason}")]
    Content {
        /// The file.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// A path is not a network in any format this reader knows.
    #[error("{path}: {reason}")]
    UnknownFormat {
        /// The file or folder given.
        path: String,
        /// What was looked for and what was found.
        reason: String,
    },
    /// A TOML file does not parse or lacks a key.
    #[error("{file}: {reason}")]
    Toml {
        /// The file.
        file: String,
        /// What is wrong, with line and column where known.
        reason: String,
    },
}

impl LoadError {
    /// The file the error is about.
    pub fn file(&self) -> &str {
        match self {
            LoadError::Read { file, .. }
            | LoadError::TooLarge { file, .. }
            | LoadError::NotAFile { file, .. }
            | LoadError::NotUtf8 { file, .. }
            | LoadError::Csv { file, .. }
            | LoadError::Empty { file, .. }
            | LoadError::MissingColumn { file, .. }
            | LoadError::UnknownColumn { file, .. }
            | LoadError::DuplicateColumn { file, .. }
            | LoadError::Field { file, .. }
            | LoadError::Json { file, .. }
            | LoadError::Feature { file, .. }
            | LoadError::Content { file, .. }
            | LoadError::Toml { file, .. } => file,
            LoadError::UnknownFormat { path, .. } => path,
        }
    }
}

/// Something odd in a network that still loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadWarning {
    /// The file it is about.
    pub file: String,
    /// The line, if it is about one row.
    pub line: Option<u64>,
    /// What is odd.
    pub message: String,
}

impl std::fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}
