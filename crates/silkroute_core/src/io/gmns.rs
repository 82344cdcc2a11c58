//! What the two GMNS readers (geographic networks in [`crate::geo`], assignment networks in
//! [`crate::assign`]) share: missing values, `config.csv` units and coordinate system, WKT
//! `LINESTRING` geometry.

use super::LoadError;
use super::csv::{field_error, read_rows, text};

/// Whether a GMNS field holds no value (the specification's `missingValues`: empty or `NaN`).
pub(crate) fn is_missing(value: &str) -> bool {
    value.is_empty() || value == "NaN"
}

/// The units a GMNS `config.csv` states.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct GmnsConfig {
    /// Metres per `long_length` unit (link lengths).
    pub metres_per_long_length: Option<f64>,
    /// Metres per hour per `speed` unit (free-flow speeds).
    pub speed_metres_per_hour: Option<f64>,
    /// The coordinate system as written, with its line.
    pub crs: Option<(String, u64)>,
}

impl GmnsConfig {
    /// An error unless the coordinate system is WGS84 degrees (or not stated).
    pub fn check_wgs84(&self, file: &str) -> Result<(), LoadError> {
        match &self.crs {
            Some((crs, line)) if !is_wgs84(crs) => Err(field_error(
                file,
                *line,
                "crs",
                format!(
                    "`{crs}` is not WGS84 longitude/latitude (EPSG:4326); reproject the \
                     network to EPSG:4326"
                ),
            )),
            _ => Ok(()),
        }
    }
}

/// Reads `config.csv`: checks `crs` and returns the `long_length` and `speed` units, where
/// given.
pub(crate) fn read_config(config: &(String, Vec<u8>)) -> Result<GmnsConfig, LoadError> {
    let file = &config.0;
    let mut units = GmnsConfig::default();
    let mut rows = 0u32;
    read_rows(
        file,
        &config.1,
        &[],
        &["long_length", "crs", "speed"],
        |line, fields| {
            rows += 1;
            if rows > 1 {
                return Err(LoadError::MalformedCsv {
                    file: file.clone(),
                    line,
                    reason: "config.csv must have a single row".into(),
                });
            }
            let long_length = text(file, line, "long_length", fields[0])?;
            if !is_missing(long_length) {
                units.metres_per_long_length =
                    Some(metres_per_unit(long_length).ok_or_else(|| {
                        field_error(
                            file,
                            line,
                            "long_length",
                            format!(
                                "unknown length unit `{long_length}` (expected m, km, mi or ft, \
                                 or meter, kilometer, mile or foot)"
                            ),
                        )
                    })?);
            }
            let crs = text(file, line, "crs", fields[1])?;
            if !is_missing(crs) {
                units.crs = Some((crs.to_string(), line));
            }
            let speed = text(file, line, "speed", fields[2])?;
            if !is_missing(speed) {
                units.speed_metres_per_hour = Some(metres_per_hour(speed).ok_or_else(|| {
                    field_error(
                        file,
                        line,
                        "speed",
                        format!("unknown speed unit `{speed}` (expected mph, kph or m/s)"),
                    )
                })?);
            }
            Ok(())
        },
    )?;
    Ok(units)
}

/// Metres per hour in one unit of a GMNS speed unit name.
fn metres_per_hour(name: &str) -> Option<f64> {
    let key: String = name
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match key.as_str() {
        "mph" | "mi/h" | "mi/hr" | "miles/hour" | "milesperhour" => Some(1609.344),
        "kph" | "kmh" | "km/h" | "km/hr" | "kmph" | "kilometers/hour" | "kilometres/hour" => {
            Some(1000.0)
        }
        "m/s" | "mps" => Some(3600.0),
        _ => None,
    }
}

/// Metres in one unit of a GMNS length unit name.
pub(crate) fn metres_per_unit(name: &str) -> Option<f64> {
    match name.trim().to_ascii_lowercase().as_str() {
        "m" | "meter" | "meters" | "metre" | "metres" => Some(1.0),
        "km" | "kilometer" | "kilometers" | "kilometre" | "kilometres" => Some(1000.0),
        "mi" | "mile" | "miles" => Some(1609.344),
        "ft" | "foot" | "feet" => Some(0.3048),
        _ => None,
    }
}

/// Whether a coordinate-system name means WGS84 longitude/latitude degrees: `4326`,
/// `EPSG:4326`, `urn:ogc:def:crs:EPSG::4326`, `WGS84`, `OGC:CRS84`, ...
pub(crate) fn is_wgs84(crs: &str) -> bool {
    let key: String = crs
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    key.ends_with("4326") || key.ends_with("crs84") || key == "wgs84"
}

/// Parses a WKT `LINESTRING` (2D, or with Z/M values, which are ignored) into (lat, lon)
/// points; `None` for an empty field or `LINESTRING EMPTY`.
pub(crate) fn parse_wkt_linestring(wkt: &str) -> Result<Option<Vec<(f64, f64)>>, String> {
    let wkt = wkt.trim();
    if is_missing(wkt) {
        return Ok(None);
    }
    let keyword_end = wkt
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(wkt.len());
    let keyword = &wkt[..keyword_end];
    if !keyword.eq_ignore_ascii_case("LINESTRING") {
        return Err(format!("expected a WKT LINESTRING, found `{keyword}`"));
    }
    let mut rest = wkt[keyword_end..].trim_start();
    for tag in ["ZM", "Z", "M"] {
        // `get`, not slicing: the text after the keyword may start with any character.
        if rest
            .get(..tag.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(tag))
            && rest
                .as_bytes()
                .get(tag.len())
                .is_some_and(|next| !next.is_ascii_alphabetic())
        {
            rest = rest[tag.len()..].trim_start();
            break;
        }
    }
    if rest.eq_ignore_ascii_case("EMPTY") {
        return Ok(None);
    }
    let inner = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(|| "malformed WKT LINESTRING: expected `(x y, x y, ...)`".to_string())?;
    let mut points = Vec::new();
    for (index, point) in inner.split(',').enumerate() {
        let numbers: Vec<&str> = point.split_whitespace().collect();
        let parse = |raw: &str| raw.parse::<f64>().ok().filter(|v| v.is_finite());
        let (lon, lat) = match numbers.as_slice() {
            [x, y, ..] if numbers.len() <= 4 => (parse(x), parse(y)),
            _ => (None, None),
        };
        let (Some(lon), Some(lat)) = (lon, lat) else {
            return Err(format!(
                "point {}: `{}` is not `x y` in decimal degrees",
                index + 1,
                point.trim()
            ));
        };
        if !((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)) {
            return Err(format!(
                "point {}: ({lon} {lat}) is not a WGS84 longitude and latitude",
                index + 1
            ));
        }
        points.push((lat, lon));
    }
    if points.len() < 2 {
        return Err(format!(
            "a LINESTRING needs at least 2 points, found {}",
            points.len()
        ));
    }
    Ok(Some(points))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `geo_gmns` fuzz target: a multi-byte character right after the keyword
    /// was sliced through while looking for a Z/M tag (byte index 1 inside `Ð`).
    // See: issue #9
    #[test]
    fn a_non_ascii_character_after_the_keyword_is_an_error_not_a_panic_issue_9() {
        for wkt in [
            "LINESTRING Ð(51.17 43.65, 50.5 45.5)",
            "LINESTRING Ж",
            "LINESTRING é",
        ] {
            let error = parse_wkt_linestring(wkt).expect_err("not a LINESTRING");
            assert!(
                error.starts_with("malformed WKT LINESTRING"),
                "{wkt}: {error}"
            );
        }
        assert_eq!(
            parse_wkt_linestring("LINESTRING Z (1 2 3, 4 5 6)").expect("valid"),
            Some(vec![(2.0, 1.0), (5.0, 4.0)])
        );
        assert!(parse_wkt_linestring("LINESTRING M").is_err());
    }

    #[test]
    fn wkt_linestrings() {
        assert_eq!(
            parse_wkt_linestring("linestring z(1 2 3,4 5 6)"),
            Ok(Some(vec![(2.0, 1.0), (5.0, 4.0)]))
        );
        assert_eq!(parse_wkt_linestring("LINESTRING EMPTY"), Ok(None));
        assert_eq!(parse_wkt_linestring(""), Ok(None));
        for (wkt, expected) in [
            ("POINT (1 2)", "expected a WKT LINESTRING, found `POINT`"),
            ("LINESTRING (1 2)", "a LINESTRING needs at least 2 points"),
            ("LINESTRING (1 2, 3)", "point 2: `3` is not `x y`"),
            ("LINESTRING (1 2, 3 95)", "point 2: (3 95) is not a WGS84"),
            ("LINESTRING 1 2, 3 4", "malformed WKT LINESTRING"),
        ] {
            let error = parse_wkt_linestring(wkt).expect_err(wkt);
            assert!(error.starts_with(expected), "{wkt}: {error}");
        }
    }

    #[test]
    fn wgs84_names() {
        for crs in [
            "4326",
            "EPSG:4326",
            "urn:ogc:def:crs:OGC:1.3:CRS84",
            "WGS 84",
        ] {
            assert!(is_wgs84(crs), "{crs}");
        }
        for crs in ["3735", "EPSG:3857", "NAD83"] {
            assert!(!is_wgs84(crs), "{crs}");
        }
    }
}
