//! The OpenAPI description: its golden copy, and every service of the router in it.

use super::root;
use serde_json::Value;

#[test]
fn the_description_matches_its_golden_copy() {
    let path = root().join("crates/silkroute_server/openapi.json");
    let served = silkroute_server::openapi_json();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &served).expect("write the golden copy");
    }
    let golden = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        golden == served,
        "crates/silkroute_server/openapi.json is not the served description: rerun with UPDATE_GOLDEN=1 and review the diff"
    );
}

#[test]
fn the_description_is_openapi_3_1_and_lists_every_service() {
    let doc: Value = serde_json::from_str(&silkroute_server::openapi_json()).expect("JSON");
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().expect("paths");
    for (path, method) in [
        ("/status", "get"),
        ("/places", "get"),
        ("/network", "get"),
        ("/route/v1/{objective}/{places}", "get"),
        ("/route", "post"),
        ("/corridors/v1/{objective}/{places}", "get"),
        ("/corridors", "post"),
        ("/assign", "post"),
        ("/scenario/compare", "post"),
        ("/scenario/run", "post"),
        ("/table/v1/{objective}/{places}", "get"),
        ("/table", "post"),
        ("/isochrone/v1/{objective}/{places}", "get"),
        ("/reach", "post"),
        ("/geo/route/v1/{network}/{points}", "get"),
        ("/geo/table/v1/{network}/{points}", "get"),
        ("/geo/table/{network}", "post"),
        ("/simulate", "post"),
    ] {
        assert!(
            paths.get(path).is_some_and(|p| p.get(method).is_some()),
            "{method} {path}"
        );
    }
    // Every $ref resolves.
    let text = doc.to_string();
    for piece in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = piece.split('"').next().expect("a name");
        assert!(doc["components"]["schemas"].get(name).is_some(), "{name}");
    }
}
