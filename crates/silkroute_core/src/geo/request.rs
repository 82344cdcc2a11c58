//! Requests of the geographic engine as a front end receives them, checked before any network
//! is prepared: the CLI, a server and a binding reject the same requests with the same
//! [`GeoError`]s.

use super::{GeoError, GeoQuery, GeoQueryOptions, LatLon, MAX_MATRIX_POINTS, parse_coordinate};

/// The shortest route between two points.
///
/// # Example
/// ```
/// use silkroute_core::geo::{GeoQueryOptions, GeoRouteRequest};
/// let request = GeoRouteRequest {
///     from: "43.65,51.17".to_string(),
///     to: "51.9,4.1".to_string(),
///     options: GeoQueryOptions::default(),
/// };
/// assert_eq!(request.resolve().unwrap(), ((43.65, 51.17), (51.9, 4.1)));
/// let swapped = GeoRouteRequest { to: "95,4.1".to_string(), ..request };
/// assert!(swapped.resolve().unwrap_err().to_string().contains("did you mean"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct GeoRouteRequest {
    /// The origin, `lat,lon` in decimal degrees.
    pub from: String,
    /// The destination, `lat,lon`.
    pub to: String,
    /// Snapping and passages.
    pub options: GeoQueryOptions,
}

impl GeoRouteRequest {
    /// The origin and destination, once the request is checked; answer it with
    /// [`super::GeoEngine::new`] on [`GeoRouteRequest::options`] and
    /// [`super::GeoEngine::route_path`].
    ///
    /// # Errors
    /// [`GeoError::InvalidParameter`] for a bad option, [`GeoError::BadCoordinate`] for a
    /// point that is not `lat,lon` in range (with a hint when the two look swapped).
    pub fn resolve(&self) -> Result<GeoQuery, GeoError> {
        self.options.validate()?;
        Ok((
            parse_coordinate(&self.from, "origin")?,
            parse_coordinate(&self.to, "destination")?,
        ))
    }
}

/// The distance matrix between points (every pair, both ways).
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixRequest {
    /// The points, `(lat, lon)` in decimal degrees.
    pub points: Vec<LatLon>,
    /// Snapping and passages.
    pub options: GeoQueryOptions,
}

impl MatrixRequest {
    /// Checks the request; answer it with [`super::GeoEngine::new`] on
    /// [`MatrixRequest::options`] and [`super::GeoEngine::matrix`].
    ///
    /// # Errors
    /// [`GeoError::TooManyPoints`] past [`MAX_MATRIX_POINTS`], [`GeoError::InvalidParameter`]
    /// for a bad option, [`GeoError::BadPoint`] for a point out of range (numbered from 1).
    pub fn validate(&self) -> Result<(), GeoError> {
        if self.points.len() > MAX_MATRIX_POINTS {
            return Err(GeoError::TooManyPoints {
                points: self.points.len(),
            });
        }
        self.options.validate()?;
        for (index, &(lat, lon)) in self.points.iter().enumerate() {
            if !crate::network::is_lat_lon(lat, lon) {
                return Err(GeoError::BadPoint {
                    number: index + 1,
                    lat,
                    lon,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(from: &str, to: &str) -> GeoRouteRequest {
        GeoRouteRequest {
            from: from.to_string(),
            to: to.to_string(),
            options: GeoQueryOptions::default(),
        }
    }

    #[test]
    fn a_route_request_checks_its_points_and_options() {
        assert_eq!(
            route("43.65, 51.17", "-33.9,18.4")
                .resolve()
                .expect("valid"),
            ((43.65, 51.17), (-33.9, 18.4))
        );
        let error = route("x", "1,2").resolve().expect_err("not a point");
        assert!(error.to_string().starts_with("origin `x`"), "{error}");
        let error = route("1,2", "100,20").resolve().expect_err("swapped");
        assert!(
            error.to_string().contains("did you mean 20,100?"),
            "{error}"
        );
        let mut negative = route("1,2", "3,4");
        negative.options.max_snap_km = -1.0;
        let error = negative.resolve().expect_err("negative distance");
        assert_eq!(error.field(), Some("max_snap_km"));
    }

    #[test]
    fn a_matrix_request_checks_its_size_points_and_options() {
        let request = |points: Vec<LatLon>| MatrixRequest {
            points,
            options: GeoQueryOptions::default(),
        };
        assert!(request(vec![(0.0, 0.0), (90.0, -180.0)]).validate().is_ok());
        let error = request(vec![(0.0, 0.0), (91.0, 0.0)])
            .validate()
            .expect_err("out of range");
        assert_eq!(
            error.to_string(),
            "point 2 (91, 0): latitude must be in [-90, 90], longitude in [-180, 180]"
        );
        let error = request(vec![(0.0, f64::NAN)]).validate().expect_err("NaN");
        assert!(matches!(error, GeoError::BadPoint { number: 1, .. }));
        let error = request(vec![(0.0, 0.0); MAX_MATRIX_POINTS + 1])
            .validate()
            .expect_err("too many");
        assert!(matches!(error, GeoError::TooManyPoints { .. }));
    }
}
