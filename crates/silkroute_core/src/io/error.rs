//! Errors and warnings from reading files: each variant named for its fault, each naming the
//! file and, where the fault is in a row, the line and the field. [`LoadError::code`] and
//! [`Fault::code`] give stable codes a server can return and Python can map to exceptions.

use super::text::{clip, clip_message};

/// What is wrong with one field (a CSV column, a TOML key, a GeoJSON member).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Fault {
    /// The field is empty or absent; `hint` says what to give (empty, or ` (…)`).
    #[error("missing value{hint}")]
    Missing {
        /// What to give, as ` (use `regional` for none)`; empty for none.
        hint: &'static str,
    },
    /// Not a number at all.
    #[error("`{value}` is not a number")]
    NotANumber {
        /// The text (cut when long).
        value: String,
    },
    /// `inf` or `NaN`.
    #[error("`{value}` is not a finite number")]
    NotFinite {
        /// The text.
        value: String,
    },
    /// A number that must be ≥ 0.
    #[error("must be ≥ 0, found {value}")]
    Negative {
        /// The number, as written in messages.
        value: String,
    },
    /// A number that must be > 0.
    #[error("must be > 0, found {value}")]
    NotPositive {
        /// The number.
        value: String,
    },
    /// A number outside its range.
    #[error("{value} is outside {range}")]
    OutOfRange {
        /// The number.
        value: String,
        /// The range, as `[-90, 90]`.
        range: &'static str,
    },
    /// Not a year in the range the data may use.
    #[error("`{value}` is not a year between 1800 and 2200")]
    NotAYear {
        /// The text.
        value: String,
    },
    /// A word that is not one of the values this field takes.
    #[error("unknown value `{value}` (expected one of: {expected})")]
    UnknownValue {
        /// The text.
        value: String,
        /// The values it may take, comma-separated.
        expected: String,
    },
    /// An id that does not name anything the file may refer to (`node`, `zone`, `class`,
    /// `corridor`, `source id`, `link`).
    #[error("unknown {kind} `{id}`{hint}")]
    UnknownReference {
        /// What it should name.
        kind: &'static str,
        /// The id.
        id: String,
        /// Where it should be, as ` (not in nodes.csv)`; may be empty.
        hint: String,
    },
    /// A value given without the source id every number needs.
    #[error("`{value_field}` has a value but no source id")]
    MissingSource {
        /// The field holding the value.
        value_field: String,
    },
    /// An id used twice.
    #[error("duplicate id `{id}`{}", first_line.map(|l| format!(" (first defined on line {l})")).unwrap_or_default())]
    DuplicateId {
        /// The id.
        id: String,
        /// The line that defines it first, when the reader keeps it.
        first_line: Option<u64>,
    },
    /// An id with characters ids may not have.
    #[error("`{id}` must use only {rule}")]
    BadId {
        /// The id.
        id: String,
        /// The characters allowed.
        rule: &'static str,
    },
    /// A value that breaks a rule of the data (a closed link without a closing year, a gauge
    /// change at a node with one gauge, ...), said in words.
    #[error("{}", clip_message(.reason))]
    Rule {
        /// What is wrong.
        reason: String,
    },
}

impl Fault {
    /// A stable code naming the fault (`missing`, `not_a_number`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            Fault::Missing { .. } => "missing",
            Fault::NotANumber { .. } => "not_a_number",
            Fault::NotFinite { .. } => "not_finite",
            Fault::Negative { .. } => "negative",
            Fault::NotPositive { .. } => "not_positive",
            Fault::OutOfRange { .. } => "out_of_range",
            Fault::NotAYear { .. } => "not_a_year",
            Fault::UnknownValue { .. } => "unknown_value",
            Fault::UnknownReference { .. } => "unknown_reference",
            Fault::MissingSource { .. } => "missing_source",
            Fault::DuplicateId { .. } => "duplicate_id",
            Fault::BadId { .. } => "bad_id",
            Fault::Rule { .. } => "rule",
        }
    }

    /// A missing value.
    pub fn missing() -> Fault {
        Fault::Missing { hint: "" }
    }

    /// The fault of a text that should be a finite number: not a number, or not finite.
    pub fn number(text: &str) -> Fault {
        match text.parse::<f64>() {
            Ok(_) => Fault::NotFinite { value: clip(text) },
            Err(_) => Fault::NotANumber { value: clip(text) },
        }
    }

    /// A rule broken, said in words.
    pub fn rule(reason: impl Into<String>) -> Fault {
        Fault::Rule {
            reason: reason.into(),
        }
    }

    /// An unknown reference to a `kind` (`node`, `zone`, ...) with a hint such as
    /// ` (not in nodes.csv)`.
    pub fn unknown(kind: &'static str, id: &str, hint: impl Into<String>) -> Fault {
        Fault::UnknownReference {
            kind,
            id: clip(id),
            hint: hint.into(),
        }
    }
}

impl From<String> for Fault {
    fn from(reason: String) -> Fault {
        Fault::Rule { reason }
    }
}

impl From<&str> for Fault {
    fn from(reason: &str) -> Fault {
        if reason == "missing value" {
            Fault::missing()
        } else {
            Fault::Rule {
                reason: reason.to_string(),
            }
        }
    }
}

/// Why a file could not be loaded. Every variant names the file; those about a row name the
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
    #[error("{file}:{line}: malformed CSV: {}", clip_message(.reason))]
    MalformedCsv {
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
    #[error("{file}:{line}: {field}: {fault}")]
    Field {
        /// The file.
        file: String,
        /// The line.
        line: u64,
        /// The column (or TOML key).
        field: String,
        /// What is wrong.
        fault: Fault,
    },
    /// A TOML file does not parse, or a key has the wrong type (the TOML parser's message).
    #[error("{file}{}: {}", line_suffix(*.line), clip_message(.reason))]
    MalformedToml {
        /// The file.
        file: String,
        /// The line, when the parser knows it.
        line: Option<u64>,
        /// What is wrong.
        reason: String,
    },
    /// A JSON file does not parse, or a value has the wrong JSON type (serde_json's message,
    /// with its line and column).
    #[error("{file}:{line}:{column}: {}", clip_message(.reason))]
    MalformedJson {
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
    #[error("{file}: feature {index}: {field}: {fault}")]
    Feature {
        /// The file.
        file: String,
        /// The feature's position in `features` (0-based).
        index: usize,
        /// The member, as a path such as `geometry.coordinates[3]` or `properties.length_km`.
        field: String,
        /// What is wrong.
        fault: Fault,
    },
    /// A problem with a whole file (empty, not the expected kind of document, a coordinate
    /// system that is not WGS84 degrees).
    #[error("{file}: {}", clip_message(.reason))]
    Content {
        /// The file.
        file: String,
        /// What is wrong.
        reason: String,
    },
    /// A path is not a network in any format this reader knows.
    #[error("{path}: {}", clip_message(.reason))]
    UnknownFormat {
        /// The file or folder given.
        path: String,
        /// What was looked for and what was found.
        reason: String,
    },
    /// Values that do not form a network together (checked by the network builder after
    /// every row was read).
    #[error("{file}: {fault}")]
    Network {
        /// The file the values came from.
        file: String,
        /// Why: the network builder's error (`crate::network::BuildError`, which `io` does
        /// not name: it knows no domain type).
        fault: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Nodes and edges that do not form a geographic graph.
    #[error("{file}: {}", clip_message(.reason))]
    Graph {
        /// The file.
        file: String,
        /// Why (the graph's error).
        reason: String,
    },
    /// A packed network whose bytes are damaged or of an unknown version.
    #[error("{file}: not a valid packed network: {reason}")]
    CorruptPack {
        /// The pack's name.
        file: String,
        /// What is wrong.
        reason: String,
    },
}

fn line_suffix(line: Option<u64>) -> String {
    line.map(|line| format!(":{line}: toml"))
        .unwrap_or_default()
}

impl LoadError {
    /// The file the error is about.
    pub fn file(&self) -> &str {
        match self {
            LoadError::Read { file, .. }
            | LoadError::TooLarge { file, .. }
            | LoadError::NotAFile { file, .. }
            | LoadError::NotUtf8 { file, .. }
            | LoadError::MalformedCsv { file, .. }
            | LoadError::Empty { file, .. }
            | LoadError::MissingColumn { file, .. }
            | LoadError::UnknownColumn { file, .. }
            | LoadError::DuplicateColumn { file, .. }
            | LoadError::Field { file, .. }
            | LoadError::MalformedToml { file, .. }
            | LoadError::MalformedJson { file, .. }
            | LoadError::Feature { file, .. }
            | LoadError::Content { file, .. }
            | LoadError::Network { file, .. }
            | LoadError::Graph { file, .. }
            | LoadError::CorruptPack { file, .. } => file,
            LoadError::UnknownFormat { path, .. } => path,
        }
    }

    /// The line the error is about, when it is about one.
    pub fn line(&self) -> Option<u64> {
        match self {
            LoadError::NotUtf8 { line, .. }
            | LoadError::MalformedCsv { line, .. }
            | LoadError::Field { line, .. } => Some(*line),
            LoadError::MissingColumn { .. }
            | LoadError::UnknownColumn { .. }
            | LoadError::DuplicateColumn { .. } => Some(1),
            LoadError::MalformedToml { line, .. } => *line,
            LoadError::MalformedJson { line, .. } => Some(*line as u64),
            _ => None,
        }
    }

    /// The field the error is about, when it is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            LoadError::NotUtf8 { field, .. }
            | LoadError::Field { field, .. }
            | LoadError::Feature { field, .. } => Some(field),
            LoadError::MissingColumn { column, .. }
            | LoadError::UnknownColumn { column, .. }
            | LoadError::DuplicateColumn { column, .. } => Some(column),
            _ => None,
        }
    }

    /// A stable code naming the fault: `read`, `too_large`, `malformed_csv`,
    /// `missing_column`, ..., or for a field the [`Fault::code`] (`not_a_number`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            LoadError::Read { .. } => "read",
            LoadError::TooLarge { .. } => "too_large",
            LoadError::NotAFile { .. } => "not_a_file",
            LoadError::NotUtf8 { .. } => "not_utf8",
            LoadError::MalformedCsv { .. } => "malformed_csv",
            LoadError::Empty { .. } => "empty_file",
            LoadError::MissingColumn { .. } => "missing_column",
            LoadError::UnknownColumn { .. } => "unknown_column",
            LoadError::DuplicateColumn { .. } => "duplicate_column",
            LoadError::Field { fault, .. } | LoadError::Feature { fault, .. } => fault.code(),
            LoadError::MalformedToml { .. } => "malformed_toml",
            LoadError::MalformedJson { .. } => "malformed_json",
            LoadError::Content { .. } => "bad_content",
            LoadError::UnknownFormat { .. } => "unknown_format",
            LoadError::Network { .. } => "inconsistent_network",
            LoadError::Graph { .. } => "bad_graph",
            LoadError::CorruptPack { .. } => "corrupt_pack",
        }
    }

    /// An error about a field of a row.
    pub fn field_fault(file: &str, line: u64, field: &str, fault: impl Into<Fault>) -> LoadError {
        LoadError::Field {
            file: file.to_string(),
            line,
            field: field.to_string(),
            fault: fault.into(),
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
