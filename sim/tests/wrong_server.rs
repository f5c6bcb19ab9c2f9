//! What a viewer pointed at the wrong server meets, over the wire: a status instead of a stream
//! (TTS-shaped JSON, or a reverse proxy's HTML page — CORS still sent so the page can read it),
//! a server that does not allow the page's origin (`--no-cors`), and a plain web server that is
//! not a TTS cluster (`--plain-web-server`). Also the binary's flags for each.

mod support;

use std::net::SocketAddr;

use eventline_sim::faults::{FaultBody, Faults};
use eventline_sim::{Config, DEMO_API_KEY};
use serde_json::{json, Value};
use support::*;

const ORIGIN: (&str, &str) = ("Origin", "https://viewer.example.org");

/// `POST /api/v3/events` from another origin with the demo key.
async fn from_page(addr: SocketAddr, query: &str, accept: Option<&str>) -> Resp {
    let auth = bearer(DEMO_API_KEY);
    let mut h = vec![
        ORIGIN,
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    if let Some(a) = accept {
        h.push(("Accept", a));
    }
    let path = format!("/api/v3/events{query}");
    request(addr, "POST", &path, &h, &app_body("soil-sensors")).await
}

/// The browser's preflight for that request.
async fn preflight(addr: SocketAddr, path: &str) -> Resp {
    let h = [
        ORIGIN,
        ("Access-Control-Request-Method", "POST"),
        (
            "Access-Control-Request-Headers",
            "authorization,content-type",
        ),
    ];
    request(addr, "OPTIONS", path, &h, "").await
}

fn with_status(status: u16, body: Option<FaultBody>) -> Config {
    Config {
        faults: Faults {
            status: Some(status),
            body,
            ..Faults::default()
        },
        ..quiet()
    }
}

#[tokio::test]
async fn a_fault_status_answers_tts_shaped_json_the_page_can_read() {
    let sim = start(with_status(502, None)).await;
    let r = preflight(sim.addr, "/api/v3/events").await;
    assert_eq!(r.status, 200, "the preflight still passes");
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    for (accept, ct) in [
        (None, "application/json"),
        (Some("text/event-stream"), "text/event-stream"),
    ] {
        let mut r = from_page(sim.addr, "", accept).await;
        assert_eq!(r.status, 502);
        assert_eq!(r.header("content-type"), Some(ct));
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        assert_eq!(
            r.header("access-control-expose-headers"),
            Some(eventline_sim::cors::EXPOSED)
        );
        assert!(r.header("x-rate-limit-retry").is_none());
        let v = r.json().await;
        assert_eq!(v["code"], 14);
        assert_eq!(v["details"][0]["name"], "fault_status");
        assert_eq!(v["details"][0]["attributes"]["status"], 502);
    }
}

#[tokio::test]
async fn a_fault_status_with_an_html_body_is_a_proxy_error_page() {
    let sim = start(with_status(502, Some(FaultBody::Html))).await;
    let mut r = from_page(sim.addr, "", Some("text/event-stream")).await;
    assert_eq!(r.status, 502);
    assert_eq!(r.header("content-type"), Some("text/html"));
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let page = r.text().await;
    assert!(
        page.contains("<title>502 Bad Gateway</title>")
            && page.contains("<h1>502 Bad Gateway</h1>")
            && page.contains("<center>nginx</center>"),
        "{page}"
    );
    assert!(serde_json::from_str::<Value>(&page).is_err());
    // The control endpoint is not behind the "proxy".
    let r = request(sim.addr, "GET", "/sim/faults", &[], "").await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn a_status_query_answers_one_request_and_429_keeps_its_retry_header() {
    let sim = start(quiet()).await;
    let mut r = from_page(sim.addr, "?status=503&body=html", None).await;
    assert_eq!(
        (r.status, r.header("content-type")),
        (503, Some("text/html"))
    );
    assert!(r.text().await.contains("503 Service Unavailable"));
    let mut r = from_page(sim.addr, "?status=404", None).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json().await["code"], 5);
    let r = from_page(sim.addr, "?status=429&retry=9", None).await;
    assert_eq!((r.status, r.header("x-rate-limit-retry")), (429, Some("9")));
    let r = from_page(sim.addr, "?status=429&retry=9&body=html", None).await;
    assert_eq!(
        (r.status, r.header("content-type")),
        (429, Some("text/html"))
    );
    assert!(r.header("x-rate-limit-retry").is_none(), "a proxy's 429");
    for bad in [
        "?status=200",
        "?status=5O2",
        "?status=502&body=xml",
        "?body=html",
    ] {
        let mut r = from_page(sim.addr, bad, None).await;
        assert_eq!(r.status, 400, "{bad}");
        let v = r.json().await;
        assert!(
            v["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("invalid fault parameter")),
            "{bad}: {v}"
        );
    }
    // Without a query the same simulator streams.
    let r = from_page(sim.addr, "?end_after=0", None).await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn an_armed_status_answers_the_next_streams_then_they_stream_again() {
    let sim = start(quiet()).await;
    let ct = [("Content-Type", "application/json")];
    let armed = r#"{"status":502,"body":"html","streams":2}"#;
    let v = request(sim.addr, "POST", "/sim/faults", &ct, armed)
        .await
        .json()
        .await;
    assert_eq!(v, json!({"status": 502, "body": "html", "streams": 2}));
    for _ in 0..2 {
        let r = from_page(sim.addr, "", None).await;
        assert_eq!(
            (r.status, r.header("content-type")),
            (502, Some("text/html"))
        );
    }
    let r = from_page(sim.addr, "?end_after=0", None).await;
    assert_eq!(r.status, 200);
    let r = request(sim.addr, "POST", "/sim/faults", &ct, r#"{"status":302}"#).await;
    assert_eq!(r.status, 400, "only 400–599 can be armed");
    let v = request(sim.addr, "GET", "/sim/faults", &[], "")
        .await
        .json()
        .await;
    assert_eq!(v, json!({}));
}

#[tokio::test]
async fn without_cors_a_page_on_another_origin_cannot_read_anything() {
    let sim = start(Config {
        cors: false,
        ..quiet()
    })
    .await;
    let no_cors_header = |r: &Resp| {
        !r.headers
            .iter()
            .any(|(k, _)| k.starts_with("access-control-"))
    };
    let r = preflight(sim.addr, "/api/v3/events").await;
    assert_eq!(r.status, 200);
    assert!(no_cors_header(&r), "{:?}", r.headers);
    let mut r = from_page(sim.addr, "?end_after=0", None).await;
    assert_eq!(r.status, 200, "the stream itself is unchanged");
    assert!(no_cors_header(&r), "{:?}", r.headers);
    assert!(r.text().await.contains("events.stream.start"));
    let r = from_page(sim.addr, "?status=429", None).await;
    assert_eq!(r.status, 429);
    assert!(no_cors_header(&r), "errors have none either");
    let r = request(sim.addr, "GET", "/sim/faults", &[ORIGIN], "").await;
    assert!(no_cors_header(&r));
}

#[tokio::test]
async fn a_plain_web_server_answers_gos_404_under_api_and_still_serves_the_rest() {
    let dir = std::env::temp_dir().join(format!("eventline-sim-plain-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("index.html"), "<title>eventline</title>");
    let sim = start(Config {
        plain_web_server: true,
        serve_dir: Some(dir),
        ..quiet()
    })
    .await;
    let r = preflight(sim.addr, "/api/v3/events").await;
    assert!((200..300).contains(&r.status), "{}", r.status);
    assert!(
        r.header("allow").is_none(),
        "no router of the simulator answered"
    );
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert!(r
        .header("access-control-allow-methods")
        .is_some_and(|m| m.contains("POST")));
    let headers = r
        .header("access-control-allow-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(headers.contains("authorization") && headers.contains("content-type"));
    for (method, path) in [
        ("POST", "/api/v3/events"),
        ("GET", "/api/v3/events/related?correlation_id=x"),
        ("GET", "/api/v3/applications"),
    ] {
        let h = [ORIGIN, ("Content-Type", "application/json")];
        let mut r = request(sim.addr, method, path, &h, "{}").await;
        assert_eq!(r.status, 404, "{method} {path}");
        assert_eq!(r.header("content-type"), Some("text/plain"));
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        assert!(r.header("x-request-id").is_none(), "nothing of TTS answers");
        assert_eq!(r.text().await, "404 page not found\n");
    }
    let mut r = request(sim.addr, "GET", "/", &[], "").await;
    assert_eq!(r.status, 200);
    assert!(r.text().await.contains("<title>eventline</title>"));
    let v = request(sim.addr, "GET", "/sim/requests", &[], "")
        .await
        .json()
        .await;
    assert!(v
        .as_array()
        .is_some_and(|seen| seen.iter().any(|s| s["path"] == "/api/v3/events")));
    let r = request(sim.addr, "GET", "/sim/faults", &[ORIGIN], "").await;
    assert_eq!(r.status, 200);
}

/// Starts the binary with `args` and returns it with its address (from the ready line).
async fn spawn_binary(args: &[&str]) -> (tokio::process::Child, SocketAddr) {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_eventline-sim"))
        .args(["--listen", "127.0.0.1:0", "--rate", "0"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let out = child.stdout.take().expect("stdout");
    let mut lines = tokio::io::BufReader::new(out).lines();
    let first = tokio::time::timeout(TIMEOUT, lines.next_line())
        .await
        .ok()
        .and_then(|l| l.ok())
        .flatten()
        .unwrap_or_default();
    let addr = first
        .strip_prefix("eventline-sim listening on http://")
        .and_then(|a| a.parse().ok())
        .expect("ready line");
    // Keep reading stdout so the child never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, addr)
}

#[tokio::test]
async fn the_binary_has_a_flag_for_each_wrong_server() {
    let exe = env!("CARGO_BIN_EXE_eventline-sim");
    let help = tokio::process::Command::new(exe)
        .arg("--help")
        .output()
        .await
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .unwrap_or_default();
    for flag in [
        "--fault-status",
        "--fault-body-html",
        "--no-cors",
        "--plain-web-server",
        "status=N [body=json|html]",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
    let lone_html = tokio::process::Command::new(exe)
        .arg("--fault-body-html")
        .output()
        .await
        .map(|o| o.status.code());
    assert_eq!(lone_html.ok().flatten(), Some(2), "needs --fault-status");

    let (_proxy, addr) = spawn_binary(&["--fault-status", "504", "--fault-body-html"]).await;
    let mut r = from_page(addr, "", None).await;
    assert_eq!(
        (r.status, r.header("content-type")),
        (504, Some("text/html"))
    );
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert!(r.text().await.contains("<h1>504 Gateway Timeout</h1>"));

    let (_limited, addr) = spawn_binary(&["--fault-status", "429"]).await;
    let r = from_page(addr, "", None).await;
    assert_eq!(
        (r.status, r.header("x-rate-limit-retry")),
        (429, Some("60"))
    );

    let (_closed, addr) = spawn_binary(&["--no-cors"]).await;
    let r = preflight(addr, "/api/v3/events").await;
    assert!(r.header("access-control-allow-origin").is_none());

    let (_plain, addr) = spawn_binary(&["--plain-web-server"]).await;
    let mut r = from_page(addr, "", None).await;
    assert_eq!(
        (r.status, r.header("content-type")),
        (404, Some("text/plain"))
    );
    assert_eq!(r.text().await, "404 page not found\n");
}
