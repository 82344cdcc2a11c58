//! The encoded polyline format (precision 1e-5 degree), a compact text form of a line's
//! coordinates: each coordinate is a zig-zag varint of its difference to the previous one,
//! written in base-64 characters from `?` upwards.
//!
//! Reference: Google Maps "Encoded Polyline Algorithm Format".

const SCALE: f64 = 1e5;

/// Encodes `(lat, lon)` points.
pub fn encode_polyline(points: &[(f64, f64)]) -> String {
    let mut out = String::new();
    let (mut last_lat, mut last_lon) = (0i64, 0i64);
    for &(lat, lon) in points {
        let (lat, lon) = ((lat * SCALE).round() as i64, (lon * SCALE).round() as i64);
        for delta in [lat - last_lat, lon - last_lon] {
            let mut value = if delta < 0 { !(delta << 1) } else { delta << 1 } as u64;
            while value >= 0x20 {
                out.push(char::from(((0x20 | (value & 0x1f)) + 63) as u8));
                value >>= 5;
            }
            out.push(char::from((value + 63) as u8));
        }
        (last_lat, last_lon) = (lat, lon);
    }
    out
}

/// Decodes an encoded polyline; `None` when the text is not one.
pub fn decode_polyline(text: &str) -> Option<Vec<(f64, f64)>> {
    let bytes = text.as_bytes();
    let mut points = Vec::new();
    let (mut lat, mut lon) = (0i64, 0i64);
    let mut index = 0;
    let mut next = || -> Option<Option<i64>> {
        if index == bytes.len() {
            return Some(None);
        }
        let (mut result, mut shift) = (0u64, 0u32);
        loop {
            let byte = *bytes.get(index)?;
            index += 1;
            let chunk = u64::from(byte.checked_sub(63)?);
            if chunk >= 64 || shift > 60 {
                return None;
            }
            result |= (chunk & 0x1f) << shift;
            shift += 5;
            if chunk < 0x20 {
                break;
            }
        }
        let value = (result >> 1) as i64;
        Some(Some(if result & 1 == 1 { !value } else { value }))
    };
    while let Some(delta_lat) = next()? {
        let delta_lon = next()??;
        lat += delta_lat;
        lon += delta_lon;
        let point = (lat as f64 / SCALE, lon as f64 / SCALE);
        if !(-90.0..=90.0).contains(&point.0) || !(-180.0..=180.0).contains(&point.1) {
            return None;
        }
        points.push(point);
    }
    Some(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_example() {
        // The example of the format's documentation.
        let points = [(38.5, -120.2), (40.7, -120.95), (43.252, -126.453)];
        assert_eq!(encode_polyline(&points), "_p~iF~ps|U_ulLnnqC_mqNvxq`@");
        assert_eq!(
            decode_polyline("_p~iF~ps|U_ulLnnqC_mqNvxq`@"),
            Some(points.to_vec())
        );
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(decode_polyline(""), Some(vec![]));
        assert_eq!(
            decode_polyline("_p~iF"),
            None,
            "a latitude without longitude"
        );
        assert_eq!(decode_polyline(" "), None);
        assert_eq!(decode_polyline("~~~~~~~~~~~~~~~~"), None);
    }
}
