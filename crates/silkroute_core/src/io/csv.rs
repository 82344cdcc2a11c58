//! Reading a CSV table row by row with its line numbers, and typed access to its fields that
//! reports the file, line and column of any bad value.

use super::{Fault, LoadError, clip};
use std::collections::HashMap;

/// A column of a table format.
pub(crate) struct Column {
    pub name: &'static str,
    pub required: bool,
}

/// Shorthand for a required column.
pub(crate) const fn required(name: &'static str) -> Column {
    Column {
        name,
        required: true,
    }
}

/// Shorthand for an optional column.
pub(crate) const fn optional(name: &'static str) -> Column {
    Column {
        name,
        required: false,
    }
}

/// A whole table, parsed into UTF-8 rows.
pub(crate) struct Table {
    pub file: String,
    columns: HashMap<&'static str, usize>,
    pub rows: Vec<Row>,
}

/// One data row.
pub(crate) struct Row {
    pub line: u64,
    fields: Vec<String>,
}

/// How strictly a CSV file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strictness {
    /// The project's own formats (the corridor network folder, curated lists): every column
    /// must be one of the format's, a column may appear once, `#` starts a comment line, and
    /// an unclosed quote is found before parsing so the message points at its line.
    Strict,
    /// Files written by other tools (geographic networks, GMNS): columns the reader does not
    /// need are ignored, the first of repeated columns counts, no comment lines.
    Lenient,
}

/// The one CSV reader: header checks by [`Strictness`], data rows as byte records with the
/// line where each starts (past comment and blank lines), rows of whitespace skipped, CSV
/// errors with their line.
pub(crate) struct CsvReader<'a> {
    file: &'a str,
    bytes: std::borrow::Cow<'a, [u8]>,
    /// The header as written (trimmed, byte-order mark removed).
    header: Vec<String>,
    /// Where each column of the schema is in the file.
    positions: Vec<Option<usize>>,
    strictness: Strictness,
}

impl<'a> CsvReader<'a> {
    /// Reads the header of `bytes` and finds the `schema`'s columns in it.
    ///
    /// # Errors
    /// An empty file, a missing required column; in strict mode also an unknown or repeated
    /// column, an unclosed quote.
    pub fn new(
        file: &'a str,
        bytes: &'a [u8],
        schema: &[Column],
        strictness: Strictness,
    ) -> Result<CsvReader<'a>, LoadError> {
        let bytes = unix_line_endings(bytes);
        // The CSV reader lets an unclosed quote swallow the rest of the file and then reports a
        // field count; find the quote first so the message points at its line.
        if strictness == Strictness::Strict
            && let Some(line) = unclosed_quote_line(&bytes)
        {
            return Err(LoadError::MalformedCsv {
                file: file.to_string(),
                line,
                reason: "unclosed quote: a quoted field opened on this line is never closed (a `\"` inside a quoted field must be doubled)".to_string(),
            });
        }
        let mut reader = builder(strictness).from_reader(&*bytes);
        let mut record = csv::ByteRecord::new();
        if !reader
            .read_byte_record(&mut record)
            .map_err(|error| csv_error(file, &error))?
        {
            return Err(LoadError::Empty {
                file: file.to_string(),
                expected: schema
                    .iter()
                    .filter(|c| c.required)
                    .map(|c| c.name)
                    .collect::<Vec<_>>()
                    .join(","),
            });
        }
        let header: Vec<String> = match strictness {
            Strictness::Strict => utf8_fields(file, 1, &record, None)?,
            Strictness::Lenient => record
                .iter()
                .map(|name| String::from_utf8_lossy(name).into_owned())
                .collect(),
        }
        .into_iter()
        .map(|name| name.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
        let mut positions = vec![None; schema.len()];
        for (position, name) in header.iter().enumerate() {
            match schema.iter().position(|c| c.name == name) {
                Some(column) => match (positions[column], strictness) {
                    (None, _) => positions[column] = Some(position),
                    (Some(_), Strictness::Strict) => {
                        return Err(LoadError::DuplicateColumn {
                            file: file.to_string(),
                            column: name.to_string(),
                        });
                    }
                    (Some(_), Strictness::Lenient) => {}
                },
                None if strictness == Strictness::Strict => {
                    return Err(LoadError::UnknownColumn {
                        file: file.to_string(),
                        column: name.to_string(),
                        known: schema.iter().map(|c| c.name).collect::<Vec<_>>().join(", "),
                    });
                }
                None => {}
            }
        }
        for (column, position) in schema.iter().zip(&positions) {
            if column.required && position.is_none() {
                return Err(LoadError::MissingColumn {
                    file: file.to_string(),
                    column: column.name.to_string(),
                });
            }
        }
        Ok(CsvReader {
            file,
            bytes,
            header,
            positions,
            strictness,
        })
    }

    /// Where each column of the schema is in the file, in schema order.
    pub fn positions(&self) -> &[Option<usize>] {
        &self.positions
    }

    /// Calls `row(line, record)` for every data row that is not only whitespace; in strict
    /// mode every field is checked to be UTF-8 first.
    ///
    /// # Errors
    /// A malformed row, a field that is not UTF-8 (strict), or the first error of `row`.
    pub fn for_each(
        &self,
        mut row: impl FnMut(u64, &csv::ByteRecord) -> Result<(), LoadError>,
    ) -> Result<(), LoadError> {
        let mut reader = builder(self.strictness).from_reader(&*self.bytes);
        let mut record = csv::ByteRecord::new();
        let mut first = true;
        while reader
            .read_byte_record(&mut record)
            .map_err(|error| csv_error(self.file, &error))?
        {
            if std::mem::take(&mut first) {
                continue; // the header
            }
            let line = record.position().map_or(0, |p| {
                first_data_line(&self.bytes, p.byte() as usize, p.line())
            });
            if record
                .iter()
                .all(|field| field.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            if self.strictness == Strictness::Strict {
                check_utf8(self.file, line, &record, &self.header)?;
            }
            row(line, &record)?;
        }
        Ok(())
    }
}

fn builder(strictness: Strictness) -> csv::ReaderBuilder {
    let mut builder = csv::ReaderBuilder::new();
    builder.has_headers(false).flexible(false);
    if strictness == Strictness::Strict {
        builder.comment(Some(b'#'));
    }
    builder
}

impl Table {
    /// Parses `bytes` as a CSV table with exactly the given columns (optional ones may be
    /// absent; unknown ones are an error): [`CsvReader`] in strict mode, rows kept.
    pub fn parse(file: &str, bytes: &[u8], schema: &[Column]) -> Result<Table, LoadError> {
        let reader = CsvReader::new(file, bytes, schema, Strictness::Strict)?;
        let columns = schema
            .iter()
            .zip(reader.positions())
            .filter_map(|(column, position)| Some((column.name, (*position)?)))
            .collect();
        let mut rows = Vec::new();
        reader.for_each(|line, record| {
            let fields = record
                .iter()
                .map(|field| {
                    std::str::from_utf8(field)
                        .expect("strict rows are checked to be UTF-8")
                        .to_string()
                })
                .collect();
            rows.push(Row { line, fields });
            Ok(())
        })?;
        Ok(Table {
            file: file.to_string(),
            columns,
            rows,
        })
    }

    /// Typed access to one row.
    pub fn at<'a>(&'a self, row: &'a Row) -> Fields<'a> {
        Fields { table: self, row }
    }
}

/// A file whose lines end in `\r` alone (classic Mac OS) with its line ends turned into
/// `\n`, so that comments end at their line and line numbers count its lines; any other file
/// as it is.
fn unix_line_endings(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if bytes.contains(&b'\r') && !bytes.contains(&b'\n') {
        std::borrow::Cow::Owned(
            bytes
                .iter()
                .map(|&b| if b == b'\r' { b'\n' } else { b })
                .collect(),
        )
    } else {
        std::borrow::Cow::Borrowed(bytes)
    }
}

/// The CSV reader reports where it started reading a record, which lies before any comment or
/// blank lines it skipped; move past those to the line where the record really starts.
///
/// Each skipped line is scanned only to its own end (`\n` or a lone `\r`, which the CSV reader
/// also ends lines at), so the work is linear in the skipped bytes: a file with `\r` line
/// endings once made every record scan to the end of the file (quadratic: 6 s for 2 MB).
fn first_data_line(bytes: &[u8], mut offset: usize, mut line: u64) -> u64 {
    while let Some(&first) = bytes.get(offset) {
        let blank = first == b'\n' || first == b'\r';
        if first != b'#' && !blank {
            break;
        }
        let Some(end) = bytes[offset..]
            .iter()
            .position(|&b| b == b'\n' || b == b'\r')
        else {
            break;
        };
        offset += end;
        // `\r\n` is one line end; the reader counts lines by `\n`.
        if bytes[offset] == b'\r' {
            offset += 1;
        }
        if bytes.get(offset) == Some(&b'\n') {
            offset += 1;
            line += 1;
        }
    }
    line
}

/// Line of a `"` that opens a quoted field never closed, skipping `#` comment lines.
fn unclosed_quote_line(bytes: &[u8]) -> Option<u64> {
    let mut line = 1u64;
    let mut in_quote = false;
    let mut opened_on = 0u64;
    let mut at_line_start = true;
    let mut in_comment = false;
    for &byte in bytes {
        if in_comment {
            if byte == b'\n' {
                in_comment = false;
                line += 1;
                at_line_start = true;
            }
            continue;
        }
        if at_line_start && !in_quote && byte == b'#' {
            in_comment = true;
            continue;
        }
        at_line_start = false;
        match byte {
            b'"' => {
                in_quote = !in_quote;
                if in_quote {
                    opened_on = line;
                }
            }
            b'\n' => {
                line += 1;
                at_line_start = true;
            }
            _ => {}
        }
    }
    in_quote.then_some(opened_on)
}

fn csv_error(file: &str, error: &csv::Error) -> LoadError {
    let line = error.position().map_or(0, |p| p.line());
    let reason = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields as in the header, found {len}"),
        _ => error.to_string(),
    };
    LoadError::MalformedCsv {
        file: file.to_string(),
        line,
        reason,
    }
}

fn check_utf8(
    file: &str,
    line: u64,
    record: &csv::ByteRecord,
    header: &[String],
) -> Result<(), LoadError> {
    for (index, bytes) in record.iter().enumerate() {
        if let Err(error) = std::str::from_utf8(bytes) {
            let position = error.valid_up_to();
            return Err(LoadError::NotUtf8 {
                file: file.to_string(),
                line,
                field: header
                    .get(index)
                    .cloned()
                    .unwrap_or_else(|| "header".to_string()),
                byte: bytes[position],
                position,
            });
        }
    }
    Ok(())
}

fn utf8_fields(
    file: &str,
    line: u64,
    record: &csv::ByteRecord,
    header: Option<&[String]>,
) -> Result<Vec<String>, LoadError> {
    record
        .iter()
        .enumerate()
        .map(|(index, bytes)| match std::str::from_utf8(bytes) {
            Ok(text) => Ok(text.to_string()),
            Err(error) => {
                let position = error.valid_up_to();
                Err(LoadError::NotUtf8 {
                    file: file.to_string(),
                    line,
                    field: header
                        .and_then(|h| h.get(index).cloned())
                        .unwrap_or_else(|| "header".to_string()),
                    byte: bytes[position],
                    position,
                })
            }
        })
        .collect()
}

/// Typed access to the fields of one row.
pub(crate) struct Fields<'a> {
    table: &'a Table,
    row: &'a Row,
}

impl Fields<'_> {
    pub fn line(&self) -> u64 {
        self.row.line
    }

    /// An error about a field of this row.
    pub fn error(&self, field: &str, fault: impl Into<Fault>) -> LoadError {
        LoadError::Field {
            file: self.table.file.clone(),
            line: self.row.line,
            field: field.to_string(),
            fault: fault.into(),
        }
    }

    /// The trimmed text of a field, empty when absent.
    pub fn text(&self, field: &str) -> &str {
        self.table
            .columns
            .get(field)
            .and_then(|&index| self.row.fields.get(index))
            .map_or("", |text| text.trim())
    }

    /// A non-empty field.
    pub fn required_text(&self, field: &str) -> Result<&str, LoadError> {
        let text = self.text(field);
        if text.is_empty() {
            Err(self.error(field, Fault::missing()))
        } else {
            Ok(text)
        }
    }

    /// An optional finite number.
    pub fn number(&self, field: &str) -> Result<Option<f64>, LoadError> {
        let text = self.text(field);
        if text.is_empty() {
            return Ok(None);
        }
        match text.parse::<f64>() {
            Ok(value) if value.is_finite() => Ok(Some(value)),
            _ => Err(self.error(field, Fault::number(text))),
        }
    }

    /// An optional number ≥ 0.
    pub fn non_negative(&self, field: &str) -> Result<Option<f64>, LoadError> {
        match self.number(field)? {
            Some(value) if value < 0.0 => Err(self.error(
                field,
                Fault::Negative {
                    value: value.to_string(),
                },
            )),
            other => Ok(other),
        }
    }

    /// An optional number > 0.
    pub fn positive(&self, field: &str) -> Result<Option<f64>, LoadError> {
        match self.number(field)? {
            Some(value) if value <= 0.0 => Err(self.error(
                field,
                Fault::NotPositive {
                    value: value.to_string(),
                },
            )),
            other => Ok(other),
        }
    }

    /// An optional integer year.
    pub fn year(&self, field: &str) -> Result<Option<i32>, LoadError> {
        let text = self.text(field);
        if text.is_empty() {
            return Ok(None);
        }
        match text.parse::<i32>() {
            Ok(year) if (1800..=2200).contains(&year) => Ok(Some(year)),
            _ => Err(self.error(field, Fault::NotAYear { value: clip(text) })),
        }
    }

    /// A required value of an enum, parsed by `parse`.
    pub fn one_of<T>(
        &self,
        field: &str,
        parse: impl Fn(&str) -> Option<T>,
        allowed: &[&str],
    ) -> Result<T, LoadError> {
        let text = self.required_text(field)?;
        parse(text).ok_or_else(|| {
            self.error(
                field,
                Fault::UnknownValue {
                    value: clip(text),
                    expected: allowed.join(", "),
                },
            )
        })
    }

    /// A `|`-separated list, empty items dropped.
    pub fn list(&self, field: &str) -> Vec<String> {
        split_list(self.text(field))
    }

    /// The source ids in `source_field` as `resolve` maps them, required when `has_value` is
    /// true. Ids must exist.
    pub fn sources<Id>(
        &self,
        source_field: &str,
        value_field: &str,
        has_value: bool,
        resolve: &dyn Fn(&str) -> Option<Id>,
    ) -> Result<Vec<Id>, LoadError> {
        let keys = self.list(source_field);
        if has_value && keys.is_empty() {
            return Err(self.error(
                source_field,
                Fault::MissingSource {
                    value_field: value_field.to_string(),
                },
            ));
        }
        keys.iter()
            .map(|key| {
                resolve(key).ok_or_else(|| {
                    self.error(
                        source_field,
                        Fault::unknown("source id", key, " (not in SOURCES.toml)"),
                    )
                })
            })
            .collect()
    }
}

/// Splits a `|`-separated list, trimming items and dropping empty ones.
pub(crate) fn split_list(text: &str) -> Vec<String> {
    text.split('|')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

// ---- Byte rows: the lenient reader of large geographic tables ----

pub(crate) fn field_error(
    file: &str,
    line: u64,
    field: &str,
    fault: impl Into<Fault>,
) -> LoadError {
    LoadError::field_fault(file, line, field, fault)
}

pub(crate) fn text<'a>(
    file: &str,
    line: u64,
    field: &str,
    raw: &'a [u8],
) -> Result<&'a str, LoadError> {
    std::str::from_utf8(raw).map(str::trim).map_err(|error| {
        let position = error.valid_up_to();
        LoadError::NotUtf8 {
            file: file.to_string(),
            line,
            field: field.to_string(),
            byte: raw[position],
            position,
        }
    })
}

pub(crate) fn number(file: &str, line: u64, field: &str, raw: &[u8]) -> Result<f64, LoadError> {
    let value = text(file, line, field, raw)?;
    if value.is_empty() {
        return Err(field_error(file, line, field, Fault::missing()));
    }
    finite(file, line, field, value)
}

/// `value` as a finite number, or an error naming the field.
pub(crate) fn finite(file: &str, line: u64, field: &str, value: &str) -> Result<f64, LoadError> {
    match value.parse::<f64>() {
        Ok(number) if number.is_finite() => Ok(number),
        _ => Err(field_error(file, line, field, Fault::number(value))),
    }
}

/// Calls `row` with the line number and the fields of `columns` then `optional` (empty where
/// the file has no such column), in that order, for every data row. Other columns are allowed
/// and ignored.
/// Most columns of interest a geo table reader asks for.
const MAX_COLUMNS: usize = 16;

pub(crate) fn read_rows(
    file: &str,
    bytes: &[u8],
    columns: &[&'static str],
    optional_columns: &[&'static str],
    mut row: impl FnMut(u64, &[&[u8]]) -> Result<(), LoadError>,
) -> Result<(), LoadError> {
    let schema: Vec<Column> = columns
        .iter()
        .map(|&name| required(name))
        .chain(optional_columns.iter().map(|&name| optional(name)))
        .collect();
    assert!(
        schema.len() <= MAX_COLUMNS,
        "geo tables have at most {MAX_COLUMNS} columns of interest"
    );
    let reader = CsvReader::new(file, bytes, &schema, Strictness::Lenient)?;
    let positions = reader.positions().to_vec();
    reader.for_each(|line, record| {
        let mut fields: [&[u8]; MAX_COLUMNS] = [b""; MAX_COLUMNS];
        for (slot, position) in fields.iter_mut().zip(&positions) {
            *slot = position.and_then(|p| record.get(p)).unwrap_or(b"");
        }
        row(line, &fields[..positions.len()])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &[Column] = &[required("a"), optional("b")];

    #[test]
    fn rows_keep_their_line_numbers_past_comments_and_quoted_newlines() {
        let text = b"a,b\n# a comment\n1,\"two\nlines\"\n3,4\n";
        let table = Table::parse("t.csv", text, SCHEMA).expect("valid");
        let lines: Vec<u64> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![3, 5]);
        assert_eq!(table.at(&table.rows[1]).text("b"), "4");
    }

    #[test]
    fn classic_mac_line_endings_count_lines_and_end_comments_issue_9() {
        // See: issue #9 (the reader once scanned to the end of such a file for every record).
        let text = b"# comment\ra,b\r1,2\r# another\r\r3,\"x\ry\"\r5,6\r";
        let table = Table::parse("t.csv", text, SCHEMA).expect("valid");
        let lines: Vec<u64> = table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![3, 6, 8]);
        assert_eq!(table.at(&table.rows[1]).text("b"), "x\ny");
        let mut rows = Vec::new();
        read_rows(
            "t.csv",
            b"a,b\r1,2\r3,4\r",
            &["a"],
            &["b"],
            |line, fields| {
                rows.push((line, fields[0].to_vec()));
                Ok(())
            },
        )
        .expect("valid");
        assert_eq!(rows, vec![(2, b"1".to_vec()), (3, b"3".to_vec())]);
    }

    #[test]
    fn unclosed_quote_is_found_on_its_line() {
        assert_eq!(unclosed_quote_line(b"a,b\n1,2\n3,\"x\n4,5\n"), Some(3));
        assert_eq!(unclosed_quote_line(b"a,b\n1,\"say \"\"hi\"\"\"\n"), None);
        assert_eq!(unclosed_quote_line(b"a,b\n# it's \"quoted\n1,2\n"), None);
    }

    #[test]
    fn numbers_are_checked_with_file_line_and_field() {
        let table = Table::parse("t.csv", b"a,b\nNaN,-1\n", SCHEMA).expect("valid");
        let fields = table.at(&table.rows[0]);
        let error = fields.number("a").expect_err("NaN is rejected");
        assert_eq!(
            error.to_string(),
            "t.csv:2: a: `NaN` is not a finite number"
        );
        let error = fields.non_negative("b").expect_err("negative");
        assert_eq!(error.to_string(), "t.csv:2: b: must be ≥ 0, found -1");
    }

    #[test]
    fn header_problems_are_reported() {
        let missing = Table::parse("t.csv", b"b\n1\n", SCHEMA)
            .err()
            .expect("error");
        assert_eq!(missing.to_string(), "t.csv:1: missing column `a`");
        let unknown = Table::parse("t.csv", b"a,c\n1,2\n", SCHEMA)
            .err()
            .expect("error");
        assert!(
            unknown
                .to_string()
                .starts_with("t.csv:1: unknown column `c`")
        );
        let empty = Table::parse("t.csv", b"", SCHEMA).err().expect("error");
        assert!(empty.to_string().starts_with("t.csv: empty file"));
    }
}
