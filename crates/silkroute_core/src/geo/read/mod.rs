//! A geographic network in any of the formats silkroute reads, recognized from its path:
//! a folder with `nodes.csv` + `edges.csv` (silkroute's CSV format), a folder with `node.csv` +
//! `link.csv` (GMNS, with an optional `config.csv`), or a `.geojson`/`.json` file. The files are
//! read once, so the cache fingerprint and the parse see the same bytes.

mod csv;
mod geojson;
mod gmns;

pub use csv::{GeoNetwork, apply_passage_tags, load_geo_dir, parse_geo};
pub use geojson::parse_geojson;
pub use gmns::parse_gmns;

use crate::geo::fingerprint;
use crate::io::{Limit, LoadError, LoadWarning, read_named};
use std::path::Path;

/// The format of a geographic network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeoFormat {
    /// A folder with `nodes.csv` (`id,lat,lon`) and `edges.csv` (`from,to,km`).
    Csv,
    /// A GMNS folder: `node.csv`, `link.csv` and optionally `config.csv`.
    Gmns,
    /// A GeoJSON file of `LineString`/`MultiLineString` features.
    GeoJson,
}

impl GeoFormat {
    /// A short name for messages.
    pub fn name(self) -> &'static str {
        match self {
            GeoFormat::Csv => "nodes.csv/edges.csv",
            GeoFormat::Gmns => "GMNS",
            GeoFormat::GeoJson => "GeoJSON",
        }
    }
}

/// The files of a geographic network, read but not parsed.
#[derive(Debug, Clone)]
pub struct GeoSource {
    /// The format.
    pub format: GeoFormat,
    /// Each file read, as (path for messages, bytes), in the format's order: nodes.csv and
    /// edges.csv; node.csv, link.csv and config.csv when there is one; the GeoJSON file.
    pub files: Vec<(String, Vec<u8>)>,
}

/// What [`detect_geo_format`] looks for, for messages.
const EXPECTED: &str = "expected a folder with nodes.csv and edges.csv, a GMNS folder with \
                        node.csv and link.csv, or a .geojson or .json file";

/// Recognizes the format of a network from its path (see the module documentation).
///
/// # Errors
/// [`LoadError::UnknownFormat`] saying what was looked for and what was found.
pub fn detect_geo_format(path: &Path) -> Result<GeoFormat, LoadError> {
    let unknown = |found: String| LoadError::UnknownFormat {
        path: path.display().to_string(),
        reason: format!("not a geographic network: {found}; {EXPECTED}"),
    };
    if path.is_dir() {
        let has = |name: &str| path.join(name).is_file();
        if has("nodes.csv") && has("edges.csv") {
            return Ok(GeoFormat::Csv);
        }
        if has("node.csv") && has("link.csv") {
            return Ok(GeoFormat::Gmns);
        }
        let present: Vec<&str> = ["nodes.csv", "edges.csv", "node.csv", "link.csv"]
            .into_iter()
            .filter(|name| has(name))
            .collect();
        return Err(unknown(if present.is_empty() {
            "the folder has none of nodes.csv, edges.csv, node.csv, link.csv".to_string()
        } else {
            format!("the folder has only {}", present.join(" and "))
        }));
    }
    if path.is_file() {
        let extension = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        return match extension.as_deref() {
            Some("geojson" | "json") => Ok(GeoFormat::GeoJson),
            _ => Err(unknown(
                "a file that does not end in .geojson or .json".into(),
            )),
        };
    }
    Err(unknown("no such file or folder".into()))
}

/// Recognizes the format of a network and reads its files.
///
/// # Errors
/// As [`detect_geo_format`], or [`LoadError::Read`] for a file that cannot be read.
pub fn read_geo_source(path: &Path) -> Result<GeoSource, LoadError> {
    let format = detect_geo_format(path)?;
    let read = |path: &Path| read_named(path, Limit::GEO_FILE);
    let files = match format {
        GeoFormat::Csv => vec![
            read(&path.join("nodes.csv"))?,
            read(&path.join("edges.csv"))?,
        ],
        GeoFormat::Gmns => {
            let mut files = vec![read(&path.join("node.csv"))?, read(&path.join("link.csv"))?];
            let config = path.join("config.csv");
            if config.is_file() {
                files.push(read(&config)?);
            }
            files
        }
        GeoFormat::GeoJson => vec![read(path)?],
    };
    Ok(GeoSource { format, files })
}

impl GeoSource {
    /// The fingerprint of the files for the cache: for the CSV format that of nodes.csv and
    /// edges.csv (as before other formats existed); for the others, also the format and
    /// whether GMNS's config.csv exists.
    pub fn fingerprint(&self) -> u64 {
        let tag: &[u8] = match self.format {
            GeoFormat::Csv => {
                let files: Vec<&[u8]> = self.files.iter().map(|f| f.1.as_slice()).collect();
                return fingerprint(&files);
            }
            GeoFormat::Gmns => b"GMNS",
            GeoFormat::GeoJson => b"GeoJSON",
        };
        let mut parts: Vec<&[u8]> = vec![tag];
        parts.extend(self.files.iter().map(|f| f.1.as_slice()));
        fingerprint(&parts)
    }

    /// Parses the files.
    ///
    /// # Errors
    /// [`LoadError`] naming the file, line (CSV) or feature (GeoJSON) and field of the first
    /// problem; see [`parse_geo`], [`parse_gmns`] and [`parse_geojson`].
    pub fn parse(&self) -> Result<(GeoNetwork, Vec<LoadWarning>), LoadError> {
        match (self.format, self.files.as_slice()) {
            (GeoFormat::Csv, [nodes, edges]) => Ok((parse_geo(nodes, edges)?, Vec::new())),
            (GeoFormat::Gmns, [node, link, config @ ..]) => parse_gmns(node, link, config.first()),
            (GeoFormat::GeoJson, [file]) => parse_geojson(file),
            (format, files) => Err(LoadError::UnknownFormat {
                path: files.first().map(|f| f.0.clone()).unwrap_or_default(),
                reason: format!("{} files missing", format.name()),
            }),
        }
    }
}

/// Loads a geographic network in any format (see [`detect_geo_format`]).
///
/// # Errors
/// As [`read_geo_source`] and [`GeoSource::parse`].
pub fn load_geo(path: &Path) -> Result<(GeoNetwork, Vec<LoadWarning>), LoadError> {
    read_geo_source(path)?.parse()
}

/// Reads the numeric `columns` of every row of a CSV list of points or queries (`lat,lon`;
/// `olat,olon,dlat,dlon`); other columns are ignored.
///
/// # Errors
/// [`LoadError`] naming the file, line and column of a missing column, a malformed row, a
/// value that is not a finite number or a latitude/longitude out of range (a column whose
/// name ends in `lat` or `lon`); a file too large for a list.
pub fn read_points(path: &Path, columns: &[&'static str]) -> Result<Vec<Vec<f64>>, LoadError> {
    let (file, bytes) = read_named(path, Limit::LIST_FILE)?;
    parse_points(&file, &bytes, columns)
}

/// [`read_points`] on the bytes of a file named `file` in messages.
///
/// # Errors
/// As [`read_points`].
pub fn parse_points(
    file: &str,
    bytes: &[u8],
    columns: &[&'static str],
) -> Result<Vec<Vec<f64>>, LoadError> {
    let mut rows = Vec::new();
    crate::io::csv::read_rows(file, bytes, columns, &[], |line, fields| {
        let mut values = Vec::with_capacity(columns.len());
        for (raw, name) in fields.iter().zip(columns) {
            let text = crate::io::csv::text(file, line, name, raw)?;
            let value = crate::io::csv::finite(file, line, name, text)?;
            // A latitude or longitude column (`lat`, `olat`, `dlon`...) holds degrees.
            let range = if name.ends_with("lat") {
                Some((90.0, "[-90, 90]"))
            } else if name.ends_with("lon") {
                Some((180.0, "[-180, 180]"))
            } else {
                None
            };
            if let Some((limit, range)) = range
                && value.abs() > limit
            {
                return Err(crate::io::csv::field_error(
                    file,
                    line,
                    name,
                    crate::io::Fault::OutOfRange {
                        value: crate::io::clip(text),
                        range,
                    },
                ));
            }
            values.push(value);
        }
        rows.push(values);
        Ok(())
    })?;
    Ok(rows)
}

/// The text of a network folder's `ATTRIBUTION` file (the ODbL notice of OpenStreetMap
/// data), trimmed; empty for a file, or a folder without one.
pub fn folder_attribution(path: &Path) -> String {
    if !path.is_dir() {
        return String::new();
    }
    crate::io::read_limited(&path.join("ATTRIBUTION"), crate::io::Limit::LIST_FILE)
        .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn testdata(name: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata")
            .join(name)
    }

    #[test]
    fn points_out_of_range_are_errors_naming_line_and_column() {
        let error = parse_points("p.csv", b"lat,lon\n43.6,51.1\n95,51.9\n", &["lat", "lon"])
            .expect_err("latitude 95");
        assert_eq!(error.to_string(), "p.csv:3: lat: 95 is outside [-90, 90]");
        let error = parse_points(
            "q.csv",
            b"olat,olon,dlat,dlon\n1,2,3,-180.5\n",
            &["olat", "olon", "dlat", "dlon"],
        )
        .expect_err("longitude -180.5");
        assert_eq!(
            error.to_string(),
            "q.csv:2: dlon: -180.5 is outside [-180, 180]"
        );
        let rows = parse_points("p.csv", b"lat,lon\n-90,180\n90,-180\n", &["lat", "lon"])
            .expect("the edges of the range");
        assert_eq!(rows, [vec![-90.0, 180.0], vec![90.0, -180.0]]);
    }

    #[test]
    fn formats_are_recognized_from_the_path() {
        let cases = [
            ("geo_tiny", GeoFormat::Csv),
            ("geo_gmns_tiny", GeoFormat::Gmns),
            ("geo_geojson_tiny/tiny.geojson", GeoFormat::GeoJson),
        ];
        for (path, format) in cases {
            assert_eq!(detect_geo_format(&testdata(path)).expect(path), format);
        }
        for (path, expected) in [
            (
                "mini",
                "the folder has only nodes.csv; expected a folder with",
            ),
            ("osm_tiny", "the folder has none of nodes.csv, edges.csv"),
            (
                "geo_tiny/README.md",
                "a file that does not end in .geojson or .json",
            ),
            ("no_such_network", "no such file or folder"),
        ] {
            let error = detect_geo_format(&testdata(path))
                .expect_err(path)
                .to_string();
            assert!(error.contains(expected), "{error}");
            assert!(error.contains("not a geographic network"), "{error}");
        }
    }

    /// (origin, destination, metres) by coordinates.
    type Distance = ((f64, f64), (f64, f64), Option<u64>);

    /// Shortest distances between every pair of nodes that have edges.
    fn all_distances(network: &GeoNetwork) -> Vec<Distance> {
        let graph = &network.graph;
        let mut search = crate::geo::BidirectionalDijkstra::new(graph);
        let mut rows = Vec::new();
        for a in graph.node_ids() {
            for b in graph.node_ids() {
                if graph.degree(a) > 0 && graph.degree(b) > 0 {
                    let km = search.distance(graph, a, b);
                    rows.push((graph.coord(a), graph.coord(b), km));
                }
            }
        }
        rows.sort_by(|x, y| x.partial_cmp(y).expect("finite coordinates"));
        rows
    }

    #[test]
    fn the_three_tiny_networks_are_the_same_network() {
        let (csv, warnings) = load_geo(&testdata("geo_tiny")).expect("csv");
        assert!(warnings.is_empty());
        let (gmns, warnings) = load_geo(&testdata("geo_gmns_tiny")).expect("gmns");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(gmns, csv, "same node order, ids, coordinates and edges");
        let (geojson, warnings) =
            load_geo(&testdata("geo_geojson_tiny/tiny.geojson")).expect("geojson");
        assert_eq!(
            warnings.len(),
            1,
            "the point of the isolated node is skipped"
        );
        assert_eq!(all_distances(&geojson), all_distances(&csv));
        assert_eq!(geojson.graph.edge_count(), csv.graph.edge_count());
    }

    #[test]
    fn fingerprints_follow_format_and_bytes() {
        let csv = read_geo_source(&testdata("geo_tiny")).expect("csv");
        let nodes = &csv.files[0].1;
        let edges = &csv.files[1].1;
        assert_eq!(
            csv.fingerprint(),
            fingerprint(&[nodes, edges]),
            "unchanged for the CSV format, so existing caches stay valid"
        );
        let gmns = read_geo_source(&testdata("geo_gmns_tiny")).expect("gmns");
        assert_eq!(gmns.files.len(), 3, "config.csv is read");
        let mut without_config = gmns.clone();
        without_config.files.pop();
        assert_ne!(gmns.fingerprint(), without_config.fingerprint());
        let mut edited = gmns.clone();
        edited.files[1].1.push(b'\n');
        assert_ne!(gmns.fingerprint(), edited.fingerprint());
        let geojson = GeoSource {
            format: GeoFormat::GeoJson,
            files: vec![("x".into(), nodes.clone())],
        };
        assert_ne!(
            geojson.fingerprint(),
            fingerprint(&[nodes]),
            "the format is part of the fingerprint"
        );
    }
}
