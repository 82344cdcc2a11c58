//! `silkroute serve` as a process on a loopback port: its answers are the CLI's
//! `--format json` reports for the same queries (plus `code` and `data_version`), and a long
//! job stops when its client goes away.

use super::support::stdout_of;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .env("XDG_CACHE_HOME", super::support::cache_home())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the server starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut line = String::new();
    BufReader::new(stderr)
        .read_line(&mut line)
        .expect("the server says where it listens");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    Server { child, addr }
}

/// One HTTP/1.1 exchange; the status and the body.
fn exchange(addr: &str, method: &str, path: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(300)))
        .expect("a timeout");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("sends");
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).expect("reads");
    let reply = String::from_utf8(reply).expect("UTF-8");
    let (head, body) = reply.split_once("\r\n\r\n").expect("a head and a body");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    (status, body.to_string())
}

/// The report of an answer: the body without the members the server adds.
fn report(body: &str) -> Value {
    let mut value: Value = serde_json::from_str(body).expect("JSON");
    let object = value.as_object_mut().expect("an object");
    assert_eq!(
        object.remove("code"),
        Some(Value::from("Ok")),
        "{body:.300}"
    );
    assert!(object.remove("data_version").is_some());
    value
}

fn cli_json(args: &[&str]) -> Value {
    serde_json::from_str(&stdout_of(args)).expect("JSON")
}

/// The CLI's JSON run from the repository's root, as the server runs (reports that name
/// files then name them alike).
fn cli_json_at_root(args: &[&str]) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_silkroute"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .env("XDG_CACHE_HOME", super::support::cache_home())
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON")
}

#[test]
fn answers_equal_the_cli_json_for_the_same_query() {
    let server = serve(&[]);
    let addr = &server.addr;
    let cases: &[(&str, &[&str])] = &[
        (
            "/route/v1/time/Xian;Duisburg",
            &[
                "route",
                "Xian",
                "Duisburg",
                "--by",
                "time",
                "--alternatives",
                "1",
                "--format",
                "json",
            ],
        ),
        (
            "/route/v1/time/Xian;Duisburg?alternatives=5",
            &[
                "route", "Xian", "Duisburg", "--by", "time", "--format", "json",
            ],
        ),
        (
            "/route/v1/cost/Lianyungang;Duisburg?avoid=RU&year=2030&alternatives=3",
            &[
                "route",
                "Lianyungang",
                "Duisburg",
                "--by",
                "cost",
                "--avoid",
                "RU",
                "--year",
                "2030",
                "--alternatives",
                "3",
                "--format",
                "json",
            ],
        ),
        (
            "/route/v1/generalized/Chongqing;Duisburg?pareto=true&service=express",
            &[
                "route",
                "Chongqing",
                "Duisburg",
                "--pareto",
                "--service",
                "express",
                "--format",
                "json",
            ],
        ),
        (
            "/route/v1/time/109.06,34.41;Baku?month=1&alternatives=5",
            &[
                "route",
                "34.41,109.06",
                "Baku",
                "--by",
                "time",
                "--month",
                "1",
                "--format",
                "json",
            ],
        ),
        (
            "/corridors/v1/generalized/Chengdu;Lodz?carbon_price=100",
            &[
                "corridors",
                "Chengdu",
                "Lodz",
                "--carbon-price",
                "100",
                "--format",
                "json",
            ],
        ),
    ];
    for (path, args) in cases {
        let (status, body) = exchange(addr, "GET", path, "");
        assert_eq!(status, 200, "{path}: {body:.300}");
        assert_eq!(
            report(&body),
            cli_json(args),
            "{path} differs from silkroute {args:?}"
        );
    }
    // GeoJSON: the answer's member equals the CLI's --format geojson.
    let (_, body) = exchange(
        addr,
        "GET",
        "/route/v1/time/Xian;Duisburg?geometries=geojson&alternatives=5",
        "",
    );
    let mut answer = report(&body);
    let geojson = answer
        .as_object_mut()
        .and_then(|o| o.remove("geojson"))
        .expect("geojson");
    assert_eq!(
        geojson,
        cli_json(&[
            "route", "Xian", "Duisburg", "--by", "time", "--format", "geojson"
        ])
    );
    let (_, body) = exchange(
        addr,
        "GET",
        "/isochrone/v1/time/Xian?contours_days=8,12&geometries=geojson",
        "",
    );
    let mut answer = report(&body);
    let geojson = answer
        .as_object_mut()
        .and_then(|o| o.remove("geojson"))
        .expect("geojson");
    assert_eq!(
        geojson,
        cli_json(&[
            "reach", "Xian", "--days", "8,12", "--by", "time", "--format", "geojson"
        ])
    );
    // A route and a table on the sea network equal `geo route` and `geo matrix`.
    let (status, body) = exchange(addr, "GET", "/geo/route/v1/sea/121.5,31.2;4.4,51.9", "");
    assert_eq!(status, 200, "{body:.300}");
    assert_eq!(
        report(&body),
        cli_json(&[
            "geo",
            "route",
            "31.2,121.5",
            "51.9,4.4",
            "--network",
            "sea",
            "--format",
            "json",
        ])
    );
    let scratch = super::support::temp_dir();
    let points = scratch.path().join("points.csv");
    std::fs::write(&points, "lat,lon\n31.2,121.5\n51.9,4.4\n1.3,103.8\n").expect("written");
    let (_, body) = exchange(
        addr,
        "GET",
        "/geo/table/v1/sea/121.5,31.2;4.4,51.9;103.8,1.3",
        "",
    );
    assert_eq!(
        report(&body),
        cli_json(&[
            "geo",
            "matrix",
            points.to_str().expect("UTF-8"),
            "--network",
            "sea",
            "--format",
            "json",
        ])
    );
    // Places: the answer's list equals the CLI's.
    let (_, body) = exchange(addr, "GET", "/places?q=khorg", "");
    let answer: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(
        answer["places"],
        cli_json(&["places", "khorg", "--format", "json"])
    );
    // The network summary.
    let (_, body) = exchange(addr, "GET", "/network", "");
    assert_eq!(report(&body), cli_json(&["network", "--format", "json"]));
    // A scenario run: the CLI's list of one report.
    let (status, body) = exchange(
        addr,
        "POST",
        "/scenario/run",
        r#"{"scenario":"dostyk_closed"}"#,
    );
    assert_eq!(status, 200, "{body:.300}");
    assert_eq!(
        report(&body),
        cli_json_at_root(&[
            "scenario",
            "run",
            "data/scenarios/dostyk_closed.toml",
            "--format",
            "json",
        ])[0]
    );
    // The freight assignment of a year.
    let (status, body) = exchange(addr, "POST", "/assign", r#"{"year":2030}"#);
    assert_eq!(status, 200, "{body:.300}");
    assert_eq!(
        report(&body),
        cli_json(&["assign", "--year", "2030", "--format", "json"])
    );
}

#[test]
fn a_long_job_stops_when_its_client_goes_away() {
    let server = serve(&["--jobs", "1"]);
    let addr = server.addr.clone();
    // A simulation of many replications; the client hangs up after half a second.
    let mut stream = TcpStream::connect(&addr).expect("connects");
    let body = r#"{"replications":1000}"#;
    write!(
        stream,
        "POST /simulate HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .expect("sends");
    std::thread::sleep(Duration::from_millis(500));
    let (status, busy) = exchange(&addr, "POST", "/assign", "{}");
    assert_eq!((status, busy.contains("Busy")), (503, true), "{busy}");
    drop(stream);
    // The only worker is free again long before 1,000 replications could finish.
    let start = Instant::now();
    loop {
        let (status, body) = exchange(
            &addr,
            "POST",
            "/simulate",
            r#"{"replications":1,"horizon_days":5,"warmup_days":1,"hazards":false}"#,
        );
        if status == 200 {
            break;
        }
        assert!(body.contains("Busy"), "{body:.300}");
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the abandoned job still holds the worker"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
