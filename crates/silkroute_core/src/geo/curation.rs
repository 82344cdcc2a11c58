//! Curated additions to the geographic data, each with its reason:
//!
//! * **patches** (`rail_patches.csv`, with a `SOURCES.toml` beside it): short edges for lines
//!   that exist in reality but are broken in the source data, joined by
//!   `silkroute network heal --patches`;
//! * **link notes** (`shapes_notes.csv`): why a link's curated length may differ from its length
//!   on the geographic network, printed by `silkroute network shapes --notes`.
//!
//! The formats are in `docs/formats.md`. Every error names the file, the line and the field.

use crate::io::csv::{Column, Table, required, split_list};
use crate::io::{Fault, Limit, LoadError, read_named};
use crate::network::parse_sources;
use std::collections::{HashMap, HashSet};
use std::path::Path;

/// One row of a patch file: an edge to add between the network nodes nearest to two points.
#[derive(Debug, Clone, PartialEq)]
pub struct GeoPatch {
    /// Its id (`[a-z0-9_]+`, unique in the file).
    pub id: String,
    /// Its line in the file (1-based, the header is line 1).
    pub line: u64,
    /// First end, (lat, lon) in degrees.
    pub from: (f64, f64),
    /// Second end, (lat, lon) in degrees.
    pub to: (f64, f64),
    /// Why the line exists and where the data breaks it.
    pub reason: String,
    /// Source ids (in the `SOURCES.toml` beside the file) showing that the line exists.
    pub sources: Vec<String>,
}

const PATCH_COLUMNS: &[Column] = &[
    required("id"),
    required("lat1"),
    required("lon1"),
    required("lat2"),
    required("lon2"),
    required("reason"),
    required("source"),
];

/// Reads a patch file and checks its source ids against the `SOURCES.toml` in the same folder.
///
/// # Errors
/// [`LoadError`] naming the file, line and field of the first problem (also a missing or
/// invalid `SOURCES.toml`).
pub fn load_geo_patches(path: &Path) -> Result<Vec<GeoPatch>, LoadError> {
    let read = |path: &Path| read_named(path, Limit::LIST_FILE);
    let patches = read(path)?;
    let sources_path = path
        .parent()
        .unwrap_or_else(|| Path::new(""))
        .join("SOURCES.toml");
    let sources = read(&sources_path)?;
    parse_geo_patches(&patches, &sources)
}

/// Parses a patch file and its `SOURCES.toml`, each given as (name for messages, bytes).
///
/// # Errors
/// As [`load_geo_patches`].
pub fn parse_geo_patches(
    patches: &(String, Vec<u8>),
    sources: &(String, Vec<u8>),
) -> Result<Vec<GeoPatch>, LoadError> {
    let (known, _) = parse_sources(sources)?;
    let known: HashSet<&str> = known.iter().map(|s| s.key.as_str()).collect();
    let table = Table::parse(&patches.0, &patches.1, PATCH_COLUMNS)?;
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut out = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let fields = table.at(row);
        let id = fields.required_text("id")?;
        if !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(fields.error(
                "id",
                format!("`{id}` must use only lower-case letters, digits and `_`"),
            ));
        }
        if let Some(first) = seen.insert(id.to_string(), fields.line()) {
            return Err(fields.error(
                "id",
                Fault::DuplicateId {
                    id: crate::io::clip(id),
                    first_line: Some(first),
                },
            ));
        }
        let coordinate = |field: &str, limit: f64| -> Result<f64, LoadError> {
            let value = fields
                .number(field)?
                .ok_or_else(|| fields.error(field, "missing value"))?;
            if value.abs() > limit {
                return Err(fields.error(field, format!("{value} is outside [-{limit}, {limit}]")));
            }
            Ok(value)
        };
        let from = (coordinate("lat1", 90.0)?, coordinate("lon1", 180.0)?);
        let to = (coordinate("lat2", 90.0)?, coordinate("lon2", 180.0)?);
        let reason = fields.required_text("reason")?.to_string();
        let ids = split_list(fields.text("source"));
        if ids.is_empty() {
            return Err(fields.error(
                "source",
                Fault::Missing {
                    hint: " (a patch needs a source id)",
                },
            ));
        }
        if let Some(unknown) = ids.iter().find(|key| !known.contains(key.as_str())) {
            return Err(fields.error(
                "source",
                format!("unknown source id `{unknown}` (not in {})", sources.0),
            ));
        }
        out.push(GeoPatch {
            id: id.to_string(),
            line: fields.line(),
            from,
            to,
            reason,
            sources: ids,
        });
    }
    Ok(out)
}

/// Why a link's curated and network lengths may legitimately differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NoteReason {
    /// A short link (border stub, port spur) where snapping the places dominates.
    ShortLink,
    /// The geographic network has no track or lane there (missing line, lake, far place).
    NoTrack,
    /// The line is not built yet (the link is under construction, or a road feeder for it).
    UnderConstruction,
    /// The network's shortest path takes another line than the one the curated length is
    /// about (a high-speed line, a city point instead of the junction, another sea lane).
    OtherRoute,
    /// The network follows the line, but its simplified geometry gives another length.
    CoarseNetwork,
}

impl NoteReason {
    /// Every reason, in file order.
    pub const ALL: [NoteReason; 5] = [
        NoteReason::ShortLink,
        NoteReason::NoTrack,
        NoteReason::UnderConstruction,
        NoteReason::OtherRoute,
        NoteReason::CoarseNetwork,
    ];

    /// The name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            NoteReason::ShortLink => "short_link",
            NoteReason::NoTrack => "no_track",
            NoteReason::UnderConstruction => "under_construction",
            NoteReason::OtherRoute => "other_route",
            NoteReason::CoarseNetwork => "coarse_network",
        }
    }

    /// The reason named `text`.
    pub fn parse(text: &str) -> Option<NoteReason> {
        NoteReason::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// One row of a link-notes file.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkNote {
    /// The link id (checked against the network by the caller).
    pub link: String,
    /// Its line in the file.
    pub line: u64,
    /// The kind of reason.
    pub reason: NoteReason,
    /// The explanation.
    pub note: String,
}

const NOTE_COLUMNS: &[Column] = &[required("link_id"), required("reason"), required("note")];

/// Reads a link-notes file.
///
/// # Errors
/// [`LoadError`] naming the file, line and field of the first problem.
pub fn load_link_notes(path: &Path) -> Result<Vec<LinkNote>, LoadError> {
    parse_link_notes(&read_named(path, Limit::LIST_FILE)?)
}

/// Parses a link-notes file given as (name for messages, bytes).
///
/// # Errors
/// As [`load_link_notes`]: a missing value, an unknown reason, a link noted twice.
pub fn parse_link_notes(file: &(String, Vec<u8>)) -> Result<Vec<LinkNote>, LoadError> {
    let table = Table::parse(&file.0, &file.1, NOTE_COLUMNS)?;
    let names: Vec<&str> = NoteReason::ALL.iter().map(|r| r.as_str()).collect();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut out = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let fields = table.at(row);
        let link = fields.required_text("link_id")?;
        if let Some(first) = seen.insert(link.to_string(), fields.line()) {
            return Err(fields.error(
                "link_id",
                format!("link `{link}` has a note already (line {first})"),
            ));
        }
        let reason = fields.one_of("reason", NoteReason::parse, &names)?;
        let note = fields.required_text("note")?.to_string();
        out.push(LinkNote {
            link: link.to_string(),
            line: fields.line(),
            reason,
            note,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCES: &str = "[[source]]\nid = \"OSM_X\"\ntitle = \"x\"\nkind = \"published\"\n";

    fn patches(text: &str) -> Result<Vec<GeoPatch>, LoadError> {
        parse_geo_patches(
            &("rail_patches.csv".into(), text.as_bytes().to_vec()),
            &("SOURCES.toml".into(), SOURCES.as_bytes().to_vec()),
        )
    }

    const HEADER: &str = "id,lat1,lon1,lat2,lon2,reason,source\n";

    #[test]
    fn reads_patches_with_their_lines() {
        let text = format!(
            "{HEADER}# comment\nab_1,47.893,80.412,48.001,80.431,\"Turksib, broken\",OSM_X\n"
        );
        let read = patches(&text).expect("valid");
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].line, 3);
        assert_eq!(read[0].from, (47.893, 80.412));
        assert_eq!(read[0].reason, "Turksib, broken");
        assert_eq!(read[0].sources, vec!["OSM_X"]);
    }

    #[test]
    fn bad_patches_name_file_line_and_field() {
        for (row, expected) in [
            (
                "a,91,0,0,0,r,OSM_X",
                "rail_patches.csv:2: lat1: 91 is outside [-90, 90]",
            ),
            (
                "a,0,x,0,0,r,OSM_X",
                "rail_patches.csv:2: lon1: `x` is not a number",
            ),
            (
                "a,0,0,,0,r,OSM_X",
                "rail_patches.csv:2: lat2: missing value",
            ),
            (
                "a,0,0,0,0,,OSM_X",
                "rail_patches.csv:2: reason: missing value",
            ),
            ("a,0,0,0,0,r,", "rail_patches.csv:2: source: missing value"),
            (
                "a,0,0,0,0,r,NOPE",
                "rail_patches.csv:2: source: unknown source id `NOPE`",
            ),
            (
                "A b,0,0,0,0,r,OSM_X",
                "rail_patches.csv:2: id: `A b` must use only",
            ),
            (
                "a,0,0,0,0,r,OSM_X\na,1,1,1,1,r,OSM_X",
                "rail_patches.csv:3: id: duplicate id `a` (first defined on line 2)",
            ),
            ("a,0,0,0,0,r", "rail_patches.csv:2: malformed CSV"),
        ] {
            let error = patches(&format!("{HEADER}{row}\n"))
                .expect_err(expected)
                .to_string();
            assert!(
                error.starts_with(expected),
                "{error} does not start with {expected}"
            );
        }
        let error = patches("id,lat1,lon1,lat2,lon2,reason\n")
            .expect_err("no source column")
            .to_string();
        assert_eq!(error, "rail_patches.csv:1: missing column `source`");
    }

    #[test]
    fn reads_notes_and_rejects_bad_ones() {
        let file = |text: &str| ("shapes_notes.csv".to_string(), text.as_bytes().to_vec());
        let notes = parse_link_notes(&file(
            "link_id,reason,note\nvan_tatvan_ferry,no_track,\"Lake Van, no lanes\"\n",
        ))
        .expect("valid");
        assert_eq!(notes[0].reason, NoteReason::NoTrack);
        assert_eq!(notes[0].line, 2);
        for (text, expected) in [
            (
                "link_id,reason,note\na,odd,x\n",
                "shapes_notes.csv:2: reason: unknown value `odd`",
            ),
            (
                "link_id,reason,note\na,no_track,\n",
                "shapes_notes.csv:2: note: missing value",
            ),
            (
                "link_id,reason,note\na,no_track,x\na,short_link,y\n",
                "shapes_notes.csv:3: link_id: link `a` has a note already (line 2)",
            ),
        ] {
            let error = parse_link_notes(&file(text))
                .expect_err(expected)
                .to_string();
            assert!(error.starts_with(expected), "{error}");
        }
    }
}
