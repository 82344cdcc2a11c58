//! Every service and every error code through the router; each answer also checked against
//! the OpenAPI description (`call`).

use super::{call, call_with, root, state};
use axum::http::StatusCode;
use serde_json::Value;
use silkroute_server::{AppState, Limits};

fn code(reply: &super::Reply) -> String {
    reply.json()["code"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn status_names_the_data_and_the_scenarios() {
    let reply = call("GET", "/status", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["code"], "Ok");
    let version = body["data_version"].as_str().expect("data_version");
    assert_eq!(version.len(), 16);
    assert!(version.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(body["places"], state().network().nodes().len());
    assert!(
        body["scenarios"]
            .as_array()
            .expect("scenarios")
            .contains(&Value::from("caspian_closed"))
    );
}

#[tokio::test]
async fn get_and_post_ask_the_same_route() {
    let get = call(
        "GET",
        "/route/v1/time/Xian;Duisburg?alternatives=3&avoid=RU,ferry&year=2030",
        None,
    )
    .await;
    assert_eq!(
        get.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&get.bytes)
    );
    let post = call(
        "POST",
        "/route",
        Some(r#"{"from":"Xian","to":"Duisburg","objective":"time","alternatives":3,"avoid":["RU","ferry"],"year":2030}"#),
    )
    .await;
    assert_eq!(get.bytes, post.bytes);
    let body = get.json();
    assert_eq!(body["routes"].as_array().expect("routes").len(), 3);
    assert_eq!(body["query"]["avoid"], serde_json::json!(["RU", "ferry"]));
    assert!(body.get("geojson").is_none());
    // One route unless asked, as OSRM.
    let reply = call("GET", "/route/v1/time/Xian;Duisburg", None).await;
    assert_eq!(reply.json()["routes"].as_array().expect("routes").len(), 1);
}

#[tokio::test]
async fn geometries_add_the_routes_geojson() {
    let reply = call(
        "GET",
        "/route/v1/cost/Lianyungang;Duisburg?geometries=geojson&pareto=true",
        None,
    )
    .await;
    let body = reply.json();
    assert_eq!(body["query"]["pareto"], true);
    assert_eq!(body["geojson"]["type"], "FeatureCollection");
    assert!(
        !body["geojson"]["features"]
            .as_array()
            .expect("features")
            .is_empty()
    );
}

#[tokio::test]
async fn coordinates_are_lon_lat_as_in_osrm() {
    // Xi'an is at 34.41 N, 109.06 E.
    let reply = call(
        "GET",
        "/route/v1/time/109.06,34.41;Duisburg?alternatives=1",
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["from"]["id"], "xian");
    let reply = call("GET", "/route/v1/time/0,0;Duisburg", None).await;
    assert_eq!(code(&reply), "NoSegment");
    assert_eq!(reply.json()["field"], "from");
}

#[tokio::test]
async fn an_unknown_place_gets_suggestions() {
    let reply = call("GET", "/route/v1/time/Xian;Duisberg", None).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let body = reply.json();
    assert_eq!(body["code"], "UnknownPlace");
    assert_eq!(body["field"], "to");
    assert_eq!(body["query"], "Duisberg");
    assert!(
        body["suggestions"]
            .as_array()
            .expect("suggestions")
            .contains(&Value::from("Duisburg")),
        "{body}"
    );
}

#[tokio::test]
async fn no_route_says_why_per_corridor() {
    let reply = call(
        "GET",
        "/route/v1/time/Lianyungang;Duisburg?avoid=RU,ferry,IR,sea_suez,sea_cape",
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let body = reply.json();
    assert_eq!(body["code"], "NoRoute");
    let reasons = body["reasons"].as_array().expect("reasons");
    assert_eq!(reasons.len(), state().network().corridors().len());
    assert!(
        reasons
            .iter()
            .all(|r| r["reason"].as_str().is_some_and(|t| !t.is_empty()))
    );
}

#[tokio::test]
async fn corridors_answer_one_record_per_corridor() {
    let reply = call("GET", "/corridors/v1/generalized/Chengdu;Lodz", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(
        body["corridors"].as_array().expect("corridors").len(),
        state().network().corridors().len()
    );
    let reply = call(
        "GET",
        "/corridors/v1/time/Chengdu;Lodz?alternatives=2",
        None,
    )
    .await;
    assert_eq!(code(&reply), "InvalidQuery");
    assert_eq!(reply.json()["field"], "alternatives");
}

#[tokio::test]
async fn places_autocomplete_and_suggest() {
    let reply = call("GET", "/places?q=khorg&limit=1", None).await;
    let body = reply.json();
    assert_eq!(body["places"].as_array().expect("places").len(), 1);
    assert!(body["total"].as_u64().expect("total") >= 2);
    let reply = call("GET", "/places?q=Duisberg", None).await;
    let body = reply.json();
    assert_eq!(body["total"], 0);
    assert!(
        body["suggestions"]
            .as_array()
            .expect("suggestions")
            .contains(&Value::from("Duisburg"))
    );
    let reply = call("GET", "/places?limit=0", None).await;
    assert_eq!(code(&reply), "InvalidValue");
    let all = call("GET", "/places", None).await;
    assert_eq!(
        all.json()["places"].as_array().expect("places").len(),
        state().network().nodes().len()
    );
}

#[tokio::test]
async fn the_network_and_its_geojson() {
    let reply = call("GET", "/network?geometries=geojson", None).await;
    let body = reply.json();
    assert_eq!(body["code"], "Ok");
    assert_eq!(body["geojson"]["type"], "FeatureCollection");
    let reply = call("GET", "/network?geometries=kml", None).await;
    assert_eq!(code(&reply), "InvalidQuery");
}

/// Method, URI, body, status, code and field of an error case.
type Case<'a> = (
    &'a str,
    &'a str,
    Option<&'a str>,
    StatusCode,
    &'a str,
    Option<&'a str>,
);

#[tokio::test]
async fn every_error_code_of_a_bad_request() {
    let cases: &[Case] = &[
        (
            "GET",
            "/nowhere",
            None,
            StatusCode::NOT_FOUND,
            "InvalidUrl",
            None,
        ),
        (
            "GET",
            "/route/v1/fastest/Xian;Baku",
            None,
            StatusCode::NOT_FOUND,
            "InvalidService",
            Some("objective"),
        ),
        (
            "GET",
            "/route/v1/time/Xian",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidQuery",
            Some("places"),
        ),
        (
            "GET",
            "/route/v1/time/Xian;;Baku",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidQuery",
            Some("places"),
        ),
        (
            "GET",
            "/route/v1/time/Xian;Baku?speed=9",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidQuery",
            Some("speed"),
        ),
        (
            "GET",
            "/route/v1/time/Xian;Baku?year=soon",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidQuery",
            Some("year"),
        ),
        (
            "GET",
            "/route/v1/time/Xian;Baku?year=2030&year=2031",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidQuery",
            Some("year"),
        ),
        (
            "GET",
            "/route/v1/time/Xian;Baku?year=1066",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidValue",
            Some("year"),
        ),
        (
            "GET",
            "/route/v1/time/Xian;Baku?month=13",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidValue",
            Some("month"),
        ),
        (
            "GET",
            "/route/v1/time/Xian;Baku?alternatives=0",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidValue",
            Some("alternatives"),
        ),
        (
            "GET",
            "/route/v1/time/Xian;Baku?alternatives=21",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidValue",
            Some("alternatives"),
        ),
        (
            "GET",
            "/route/v1/time/Xian;Baku?service=rocket",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidValue",
            Some("service"),
        ),
        (
            "GET",
            "/route/v1/time/Xian;Baku?avoid=XX",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidValue",
            Some("avoid"),
        ),
        (
            "GET",
            "/route/v1/time/Xian;Baku?risk=RU",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidValue",
            Some("risk"),
        ),
        (
            "GET",
            "/route/v1/time/Xian;Baku?carbon_price=-1",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidValue",
            Some("carbon_price"),
        ),
        (
            "GET",
            "/route/v1/time/Xian;Xian",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidValue",
            Some("places"),
        ),
        (
            "POST",
            "/route",
            Some("{"),
            StatusCode::BAD_REQUEST,
            "InvalidQuery",
            None,
        ),
        (
            "POST",
            "/route",
            Some(r#"{"from":"Xian"}"#),
            StatusCode::BAD_REQUEST,
            "InvalidQuery",
            None,
        ),
        (
            "POST",
            "/route",
            Some(r#"{"from":"Xian","to":"Baku","year":"2030"}"#),
            StatusCode::BAD_REQUEST,
            "InvalidQuery",
            Some("year"),
        ),
        (
            "POST",
            "/route",
            Some(r#"{"from":"Xian","to":"Baku","colour":"red"}"#),
            StatusCode::BAD_REQUEST,
            "InvalidQuery",
            None,
        ),
        (
            "POST",
            "/route",
            Some(r#"{"from":"Xian","to":"Baku","objective":"fast"}"#),
            StatusCode::BAD_REQUEST,
            "InvalidQuery",
            Some("objective"),
        ),
        (
            "DELETE",
            "/route",
            None,
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            None,
        ),
        (
            "GET",
            "/assign",
            None,
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            None,
        ),
        (
            "POST",
            "/assign",
            Some(r#"{"year":2026,"scenario":"caspian_closed"}"#),
            StatusCode::BAD_REQUEST,
            "InvalidQuery",
            Some("year"),
        ),
        (
            "POST",
            "/assign",
            Some(r#"{"scenario":"../etc/passwd"}"#),
            StatusCode::BAD_REQUEST,
            "InvalidValue",
            Some("scenario"),
        ),
        (
            "POST",
            "/assign",
            Some(r#"{"year":1800}"#),
            StatusCode::BAD_REQUEST,
            "InvalidValue",
            Some("year"),
        ),
        (
            "POST",
            "/scenario/compare",
            Some(r#"{"base":"baseline_2026","other":"nope"}"#),
            StatusCode::BAD_REQUEST,
            "InvalidValue",
            Some("other"),
        ),
        (
            "POST",
            "/simulate",
            Some(r#"{"replications":100000}"#),
            StatusCode::BAD_REQUEST,
            "TooBig",
            Some("replications"),
        ),
        (
            "POST",
            "/simulate",
            Some(r#"{"horizon_days":-1}"#),
            StatusCode::BAD_REQUEST,
            "InvalidValue",
            Some("horizon_days"),
        ),
    ];
    for (method, uri, body, status, expected, field) in cases {
        let reply = call(method, uri, *body).await;
        let json = reply.json();
        assert_eq!(reply.status, *status, "{method} {uri}: {json}");
        assert_eq!(json["code"], *expected, "{method} {uri}: {json}");
        assert!(json["message"].as_str().is_some_and(|m| !m.is_empty()));
        if let Some(field) = field {
            assert_eq!(json["field"], *field, "{method} {uri}: {json}");
        }
    }
}

#[tokio::test]
async fn oversized_requests_are_too_big() {
    let big = format!(
        r#"{{"from":"Xian","to":"Baku","avoid":["{}"]}}"#,
        "x".repeat(2 << 20)
    );
    let reply = call("POST", "/route", Some(&big)).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(code(&reply), "TooBig");
    let long = format!("/route/v1/time/Xian;Baku?avoid={}", "RU,".repeat(4000));
    let reply = call("GET", &long, None).await;
    assert_eq!(code(&reply), "TooBig");
}

#[tokio::test]
async fn long_jobs_beyond_the_workers_are_busy_and_beyond_the_time_limit_stopped() {
    let limits = Limits {
        max_jobs: 0,
        ..Limits::default()
    };
    let busy = AppState::load(None, Some(&root().join("data/scenarios")), limits).expect("state");
    let reply = call_with(busy, "POST", "/assign", Some("{}")).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(code(&reply), "Busy");
    let limits = Limits {
        job_seconds: 0,
        ..Limits::default()
    };
    let hasty = AppState::load(None, None, limits).expect("state");
    let reply = call_with(hasty, "POST", "/assign", Some("{}")).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(code(&reply), "Timeout");
}

#[tokio::test]
async fn assignment_comparison_and_simulation_answer() {
    let reply = call(
        "POST",
        "/assign",
        Some(r#"{"year":2026,"geometries":"geojson"}"#),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&reply.bytes[..300.min(reply.bytes.len())])
    );
    let body = reply.json();
    assert_eq!(body["year"], 2026);
    assert_eq!(body["geojson"]["type"], "FeatureCollection");
    let reply = call(
        "POST",
        "/scenario/compare",
        Some(r#"{"base":"baseline_2026","other":"caspian_closed"}"#),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let reply = call(
        "POST",
        "/scenario/run",
        Some(r#"{"scenario":"dostyk_closed"}"#),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["name"], "dostyk_closed");
    let reply = call(
        "POST",
        "/simulate",
        Some(r#"{"replications":2,"horizon_days":20,"warmup_days":5,"hazards":false}"#),
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&reply.bytes[..300.min(reply.bytes.len())])
    );
    assert!(
        !reply.json()["corridors"]
            .as_array()
            .expect("corridors")
            .is_empty()
    );
}

#[tokio::test]
async fn tables_and_their_limits() {
    let reply = call(
        "GET",
        "/table/v1/time/Xian;Chongqing;Duisburg;Baku?sources=0;1&destinations=2;3",
        None,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["days"].as_array().expect("rows").len(), 2);
    assert_eq!(body["days"][0].as_array().expect("columns").len(), 2);
    // A cell is the best route's days.
    let route = call("GET", "/route/v1/time/Xian;Baku?alternatives=1", None).await;
    assert_eq!(body["days"][0][1], route.json()["routes"][0]["total_days"]);
    let post = call(
        "POST",
        "/table",
        Some(r#"{"places":["Xian","Chongqing","Duisburg","Baku"],"sources":[0,1],"destinations":[2,3],"objective":"time"}"#),
    )
    .await;
    assert_eq!(post.bytes, reply.bytes);
    // Every place of the network: 100 × 100 in one request.
    let ids: Vec<String> = state()
        .network()
        .nodes()
        .iter()
        .map(|n| n.key.clone())
        .collect();
    let reply = call("GET", &format!("/table/v1/cost/{}", ids.join(";")), None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json()["usd"].as_array().expect("rows").len(),
        ids.len()
    );
    let too_many = vec!["Xian"; 201].join(";");
    let reply = call("GET", &format!("/table/v1/time/{too_many}"), None).await;
    assert_eq!(code(&reply), "TooBig");
    for (uri, expected, field) in [
        (
            "/table/v1/time/Xian;Baku?sources=0;2",
            "InvalidValue",
            "sources",
        ),
        ("/table/v1/time/Xian;Bakuu", "UnknownPlace", "places[1]"),
        (
            "/table/v1/time/Xian;Baku?geometries=geojson",
            "InvalidQuery",
            "geometries",
        ),
        (
            "/table/v1/time/Xian;Baku?sources=a",
            "InvalidQuery",
            "sources",
        ),
    ] {
        let reply = call("GET", uri, None).await;
        let body = reply.json();
        assert_eq!(
            (body["code"].as_str(), body["field"].as_str()),
            (Some(expected), Some(field)),
            "{uri}: {body}"
        );
    }
}

#[tokio::test]
async fn isochrones_band_every_place_by_its_best_route() {
    let reply = call(
        "GET",
        "/isochrone/v1/time/Xian?contours_days=8,12,16&geometries=geojson",
        None,
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&reply.bytes[..300.min(reply.bytes.len())])
    );
    let body = reply.json();
    let places = body["places"].as_array().expect("places");
    assert_eq!(places.len(), state().network().nodes().len());
    // A place's band is the first limit its best route's days are within.
    let duisburg = places
        .iter()
        .find(|p| p["id"] == "duisburg")
        .expect("Duisburg");
    let route = call("GET", "/route/v1/time/Xian;Duisburg?alternatives=1", None).await;
    let days = route.json()["routes"][0]["total_days"]
        .as_f64()
        .expect("days");
    assert_eq!(duisburg["days"].as_f64(), Some(days));
    let band = [8.0, 12.0, 16.0].iter().position(|&limit| days <= limit);
    assert_eq!(duisburg["band"].as_u64().map(|b| b as usize), band);
    assert_eq!(body["geojson"]["type"], "FeatureCollection");
    let reverse = call(
        "POST",
        "/reach",
        Some(r#"{"places":["Duisburg"],"reverse":true,"contours_days":[20],"objective":"time"}"#),
    )
    .await;
    let rows = reverse.json()["places"].as_array().expect("places").clone();
    let xian = rows.iter().find(|p| p["id"] == "xian").expect("Xi'an");
    assert_eq!(
        xian["days"].as_f64(),
        Some(days),
        "reverse: from Xi'an to Duisburg"
    );
    for (uri, expected, field) in [
        (
            "/isochrone/v1/time/Xian?contours_days=-1",
            "InvalidValue",
            "contours_days",
        ),
        (
            "/isochrone/v1/time/Xian?contours_days=1,2,3,4,5,6,7,8,9",
            "TooBig",
            "contours_days",
        ),
        (
            "/isochrone/v1/time/Xian?contours_days=12,8",
            "InvalidValue",
            "contours_days",
        ),
        ("/isochrone/v1/time/Atlantis", "UnknownPlace", "places[0]"),
        (
            "/isochrone/v1/time/Xian?contours_days=x",
            "InvalidQuery",
            "contours_days",
        ),
    ] {
        let reply = call("GET", uri, None).await;
        let body = reply.json();
        assert_eq!(
            (body["code"].as_str(), body["field"].as_str()),
            (Some(expected), Some(field)),
            "{uri}: {body}"
        );
    }
    let many = vec!["Xian"; 17].join(";");
    let reply = call(
        "GET",
        &format!("/isochrone/v1/time/{many}?contours_days=5"),
        None,
    )
    .await;
    assert_eq!(code(&reply), "TooBig");
}

mod random {
    //! Random requests on every service: never a 5xx, always a JSON `code`.
    use super::super::call_with;
    use super::state;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("Xian".to_string()),
            Just("Duisburg".to_string()),
            Just("69.6,42.3".to_string()),
            Just("-200,95".to_string()),
            Just("NaN,inf".to_string()),
            Just("".to_string()),
            "[a-zA-Z0-9 ,.;:%_-]{0,12}",
            ".{0,8}",
        ]
    }

    fn encode(text: &str) -> String {
        form_urlencoded::byte_serialize(text.as_bytes()).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn no_request_gets_a_server_error(
            service in prop_oneof![Just("route"), Just("corridors"), Just("table"), Just("isochrone"), Just("nope")],
            objective in prop_oneof![Just("time".to_string()), Just("generalized".to_string()), "[a-z]{0,6}"],
            places in proptest::collection::vec(text(), 0..4),
            parameters in proptest::collection::vec(
                (prop_oneof![
                    Just("year"), Just("alternatives"), Just("avoid"), Just("month"),
                    Just("sources"), Just("contours_days"), Just("reverse"), Just("risk"),
                    Just("sea_rate"), Just("pareto"), Just("geometries"), Just("zzz"),
                ], text()),
                0..4,
            ),
            body in prop_oneof![
                Just(None),
                text().prop_map(Some),
                Just(Some(r#"{"from":"Xian","to":"Baku","year":-5}"#.to_string())),
                Just(Some(r#"{"places":["Xian"],"contours_days":[1e308]}"#.to_string())),
                Just(Some(r#"{"places":[],"sources":[99999999999]}"#.to_string())),
                Just(Some("[1,2,3]".to_string())),
            ],
        ) {
            let path: Vec<String> = places.iter().map(|p| encode(p)).collect();
            let query: Vec<String> = parameters
                .iter()
                .map(|(k, v)| format!("{k}={}", encode(v)))
                .collect();
            let uri = format!("/{service}/v1/{}/{}?{}", encode(&objective), path.join(";"), query.join("&"));
            let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
            let get = runtime.block_on(call_with(state(), "GET", &uri, None));
            prop_assert!(get.status.as_u16() < 500, "GET {uri}: {}", get.status);
            let json = get.json();
            prop_assert!(json["code"].is_string(), "GET {uri}: {json}");
            let post_path = match service { "isochrone" => "/reach".to_string(), other => format!("/{other}") };
            let post = runtime.block_on(call_with(state(), "POST", &post_path, body.as_deref()));
            prop_assert!(post.status.as_u16() < 500, "POST {post_path} {body:?}: {}", post.status);
            prop_assert!(post.json()["code"].is_string());
        }
    }
}

#[tokio::test]
async fn geographic_routes_and_tables_on_the_sea_network() {
    // Shanghai → Rotterdam, and the same avoiding Suez.
    let reply = call(
        "GET",
        "/geo/route/v1/sea/121.5,31.2;4.4,51.9?geometries=geojson",
        None,
    )
    .await;
    assert_eq!(
        reply.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&reply.bytes[..300.min(reply.bytes.len())])
    );
    let body = reply.json();
    let km = body["km"].as_f64().expect("km");
    assert!(
        body["passages"]
            .as_array()
            .expect("passages")
            .contains(&Value::from("suez")),
        "{}",
        body["passages"]
    );
    assert_eq!(body["geojson"]["type"], "FeatureCollection");
    let around = call(
        "GET",
        "/geo/route/v1/sea/121.5,31.2;4.4,51.9?avoid_passage=suez",
        None,
    )
    .await;
    let around_km = around.json()["km"].as_f64().expect("km");
    assert!(around_km > km + 3000.0, "{around_km} vs {km}");
    // A table's cell is the route's km.
    let table = call(
        "GET",
        "/geo/table/v1/sea/121.5,31.2;4.4,51.9;103.8,1.3",
        None,
    )
    .await;
    assert_eq!(table.status, StatusCode::OK);
    let matrix = table.json();
    assert_eq!(matrix["km"][0][1].as_f64(), Some(km));
    let post = call(
        "POST",
        "/geo/table/sea",
        Some(r#"{"points":[[121.5,31.2],[4.4,51.9],[103.8,1.3]]}"#),
    )
    .await;
    assert_eq!(post.bytes, table.bytes);
    for (method, uri, body, status, expected) in [
        (
            "GET",
            "/geo/route/v1/air/1,2;3,4",
            None,
            StatusCode::NOT_FOUND,
            "InvalidService",
        ),
        (
            "GET",
            "/geo/route/v1/sea/121.5,31.2",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidQuery",
        ),
        (
            "GET",
            "/geo/route/v1/sea/Shanghai;4.4,51.9",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidQuery",
        ),
        (
            "GET",
            "/geo/route/v1/sea/121.5,95;4.4,51.9",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidValue",
        ),
        (
            "GET",
            "/geo/route/v1/sea/121.5,31.2;4.4,51.9?avoid_passage=atlantis",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidValue",
        ),
        (
            "GET",
            "/geo/route/v1/sea/121.5,31.2;4.4,51.9?max_snap_km=-1",
            None,
            StatusCode::BAD_REQUEST,
            "InvalidValue",
        ),
        (
            "GET",
            "/geo/route/v1/sea/80,45;4.4,51.9?max_snap_km=1",
            None,
            StatusCode::BAD_REQUEST,
            "NoSegment",
        ),
        (
            "POST",
            "/geo/table/sea",
            Some(r#"{"points":[[1,2]],"colour":"red"}"#),
            StatusCode::BAD_REQUEST,
            "InvalidQuery",
        ),
    ] {
        let reply = call(method, uri, body).await;
        let json = reply.json();
        assert_eq!(
            (reply.status, json["code"].as_str()),
            (status, Some(expected)),
            "{uri}: {json}"
        );
    }
}
