//! The server through its router (no socket), its OpenAPI description, and the map in a
//! real browser.

mod api;
mod browser;
mod openapi;
mod schema;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use silkroute_server::{AppState, Limits, router};
use std::path::PathBuf;
use std::sync::OnceLock;
use tower::ServiceExt;

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The state over the embedded network and the shipped scenarios, loaded once.
pub fn state() -> AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE
        .get_or_init(|| {
            AppState::load(
                None,
                Some(&root().join("data/scenarios")),
                Limits::default(),
            )
            .expect("the embedded network loads")
        })
        .clone()
}

/// An answer: status, content type and body.
pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl Reply {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&self.bytes[..self.bytes.len().min(300)])
            )
        })
    }
}

/// One request through a router over `state`.
pub async fn call_with(state: AppState, method: &str, uri: &str, body: Option<&str>) -> Reply {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(match body {
            Some(text) => Body::from(text.to_string()),
            None => Body::empty(),
        })
        .expect("a request");
    let response = router(state).oneshot(request).await.expect("infallible");
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("a body")
        .to_bytes()
        .to_vec();
    Reply {
        status,
        content_type,
        bytes,
    }
}

/// One request on the default state, its answer checked against the OpenAPI description.
pub async fn call(method: &str, uri: &str, body: Option<&str>) -> Reply {
    let reply = call_with(state(), method, uri, body).await;
    schema::check_reply(method, uri, &reply);
    reply
}
