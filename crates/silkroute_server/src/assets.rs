//! The web map: one page and its assets, embedded in the binary (no internet needed):
//! Leaflet 1.9.4 and the Natural Earth 1:50m countries (assets/README.md says where each file
//! comes from).

use crate::error::{ApiError, Code};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

macro_rules! asset {
    ($name:literal, $kind:literal) => {
        (
            $name,
            $kind,
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/", $name)).as_slice(),
        )
    };
}

/// Name, content type and bytes of every asset.
const ASSETS: &[(&str, &str, &[u8])] = &[
    asset!("index.html", "text/html; charset=utf-8"),
    asset!("app.js", "text/javascript; charset=utf-8"),
    asset!("app.css", "text/css; charset=utf-8"),
    asset!("leaflet.js", "text/javascript; charset=utf-8"),
    asset!("leaflet.css", "text/css; charset=utf-8"),
    asset!("countries.geojson", "application/geo+json"),
    asset!("LICENSE-leaflet.txt", "text/plain; charset=utf-8"),
];

fn answer(name: &str) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == name) {
        Some((_, kind, bytes)) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            response
        }
        None => ApiError::new(
            Code::InvalidUrl,
            format!("no asset `{}`", silkroute_core::io::clip(name)),
        )
        .into_response(),
    }
}

/// `GET /`: the map.
pub async fn index() -> Response {
    answer("index.html")
}

/// `GET /assets/{name}`.
pub async fn asset(crate::Segments(name): crate::Segments<String>) -> Response {
    answer(&name)
}
