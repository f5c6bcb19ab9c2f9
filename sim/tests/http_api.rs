//! Over-the-wire checks of the request/response contract: every error row of API.md §4.3 that
//! the simulator reproduces, both framings byte for byte, CORS (§6), FindRelated (§7.1), and a
//! few in-process router calls (`tower::ServiceExt::oneshot`).

mod support;

use eventline_sim::{Config, DEMO_API_KEY, EXPIRED_API_KEY, LIMITED_API_KEY};
use serde_json::Value;
use support::*;

fn detail(v: &Value) -> &Value {
    &v["details"][0]
}

async fn error(body: &str, key: Option<&str>) -> (u16, Value, Option<String>) {
    let sim = start(quiet()).await;
    let mut r = stream(sim.addr, "", key, None, body).await;
    let www = r.header("www-authenticate").map(str::to_string);
    (r.status, r.json().await, www)
}

#[tokio::test]
async fn bad_json_is_a_plain_400() {
    let (status, v, _) = error("{xyz", Some(DEMO_API_KEY)).await;
    assert_eq!(status, 400);
    assert_eq!(v["code"], 3);
    assert!(v.get("details").is_none());
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[tokio::test]
async fn empty_body_and_typo_give_no_identifiers() {
    for body in ["", r#"{"identifier":[]}"#, r#"{"identifiers":[]}"#] {
        let (status, v, _) = error(body, Some(DEMO_API_KEY)).await;
        assert_eq!(status, 400);
        assert_eq!(
            v["message"],
            "error:pkg/events/grpc:no_identifiers (no identifiers)"
        );
        assert_eq!(
            detail(&v)["@type"],
            "type.googleapis.com/ttn.lorawan.v3.ErrorDetails"
        );
        assert_eq!(
            detail(&v)["correlation_id"].as_str().map(str::len),
            Some(32)
        );
    }
}

#[tokio::test]
async fn validation_has_the_nested_cause_chain() {
    let (status, v, _) = error(&app_body("Soil Sensors"), Some(DEMO_API_KEY)).await;
    assert_eq!(status, 400);
    assert_eq!(
        v["message"],
        "error:pkg/errors:validation (invalid `identifiers[0]`: embedded message failed validation)"
    );
    let d = detail(&v);
    assert_eq!(
        d["attributes"]["name"],
        "StreamEventsRequestValidationError"
    );
    assert_eq!(d["cause"]["attributes"]["field"], "application_ids");
    assert_eq!(d["cause"]["cause"]["attributes"]["field"], "application_id");
    assert_eq!(
        d["cause"]["cause"]["attributes"]["reason"],
        "value does not match regex pattern \"^[a-z0-9](?:[-]?[a-z0-9]){2,}$\""
    );
    assert!(d["cause"].get("@type").is_none());
    let long = "a".repeat(37);
    let (_, v, _) = error(&app_body(&long), Some(DEMO_API_KEY)).await;
    assert_eq!(
        detail(&v)["cause"]["cause"]["attributes"]["reason"],
        "value length must be at most 36 runes"
    );
    let (_, v, _) = error(r#"{"identifiers":[{}]}"#, Some(DEMO_API_KEY)).await;
    assert_eq!(detail(&v)["cause"]["attributes"]["field"], "ids");
    assert_eq!(
        detail(&v)["cause"]["attributes"]["reason"],
        "value is required"
    );
}

#[tokio::test]
async fn name_errors() {
    let body = |names: &str| {
        format!(
            r#"{{"identifiers":[{{"application_ids":{{"application_id":"soil-sensors"}}}}],"names":{names}}}"#
        )
    };
    let (s, v, _) = error(&body(r#"["as.up.foo"]"#), Some(DEMO_API_KEY)).await;
    assert_eq!(
        (s, v["message"].as_str()),
        (
            400,
            Some("error:pkg/events:unknown_event_name (unknown event `as.up.foo`)")
        )
    );
    let (s, v, _) = error(&body(r#"["/([/"]"#), Some(DEMO_API_KEY)).await;
    assert_eq!(
        (s, v["message"].as_str()),
        (
            400,
            Some("error:pkg/events:invalid_regexp (invalid regexp)")
        )
    );
    assert!(detail(&v).get("cause").is_none());
    let (s, v, _) = error(&body(r#"["/^zz\\./"]"#), Some(DEMO_API_KEY)).await;
    assert_eq!(s, 400);
    assert_eq!(
        v["message"],
        "error:pkg/events:no_matching_events (no matching events for regexp `^zz\\.`)"
    );
    assert_eq!(detail(&v)["attributes"]["regexp"], "^zz\\.");
}

#[tokio::test]
async fn authentication_errors() {
    let body = app_body("soil-sensors");
    // All-in-one behaviour: no Authorization = anonymous caller without rights.
    let (s, v, _) = error(&body, None).await;
    assert_eq!(s, 403);
    assert_eq!(
        v["message"],
        "error:pkg/auth/rights:no_application_rights (no rights for application `soil-sensors`)"
    );

    let sim = start(quiet()).await;
    let send = |auth: String| {
        let body = body.clone();
        async move {
            let mut r = request(
                sim.addr,
                "POST",
                "/api/v3/events",
                &[("Authorization", &auth)],
                &body,
            )
            .await;
            let www = r.header("www-authenticate").map(str::to_string);
            (r.status, r.json().await, www)
        }
    };
    let (s, v, _) = send("Bearer not-a-token".into()).await;
    assert_eq!(
        (s, v["message"].as_str()),
        (400, Some("error:pkg/auth:token (invalid token)"))
    );

    let (s, v, www) = send(format!("Basic {DEMO_API_KEY}")).await;
    assert_eq!(s, 401);
    assert_eq!(detail(&v)["name"], "unsupported_authorization");
    assert_eq!(www.as_deref(), v["message"].as_str());

    // Shaped like a key, plainly not one.
    let unknown = "NNSXS.EVENTLINEUNKNOWNKEYAAAAAAAAAAAAAAAAAAAA.EVENTLINEUNKNOWNKEYSECRETAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    let (s, v, www) = send(bearer(unknown)).await;
    assert_eq!(s, 401);
    assert_eq!(
        v["message"],
        "error:pkg/identityserver:api_key_not_found (API key not found)"
    );
    assert_eq!(detail(&v)["cause"]["namespace"], "pkg/identityserver/store");
    assert_eq!(detail(&v)["cause"]["code"], 5);
    assert_eq!(
        detail(&v)["cause"]["attributes"]["api_key_id"],
        "EVENTLINEUNKNOWNKEYAAAAAAAAAAAAAAAAAAAA"
    );
    assert_eq!(
        www.as_deref(),
        Some("error:pkg/identityserver:api_key_not_found (API key not found)")
    );

    let (id_part, _) = DEMO_API_KEY.rsplit_once('.').unwrap_or_default();
    let wrong = format!("{id_part}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let (s, v, _) = send(bearer(&wrong)).await;
    assert_eq!(
        (s, detail(&v)["name"].as_str()),
        (401, Some("invalid_authorization"))
    );

    let (s, v, _) = send(bearer(EXPIRED_API_KEY)).await;
    assert_eq!(
        (s, v["message"].as_str()),
        (
            401,
            Some("error:pkg/identityserver:api_key_expired (api key expired)")
        )
    );
    // The key secret never appears in any error.
    assert!(!v
        .to_string()
        .contains(EXPIRED_API_KEY.rsplit('.').next().unwrap_or("x")));
}

#[tokio::test]
async fn missing_rights_name_the_entity() {
    let sim = start(quiet()).await;
    let mut r = stream(
        sim.addr,
        "",
        Some(LIMITED_API_KEY),
        Some("text/event-stream"),
        &app_body("cold-chain"),
    )
    .await;
    assert_eq!(r.status, 403);
    assert_eq!(r.header("content-type"), Some("text/event-stream"));
    let v = r.json().await;
    assert_eq!(
        v["message"],
        "error:pkg/auth/rights:no_application_rights (no rights for application `cold-chain`)"
    );
    assert_eq!(detail(&v)["attributes"]["uid"], "cold-chain");
    // Device of an application without rights ⇒ no_application_rights; unknown gateway ⇒ no_gateway_rights.
    let body = r#"{"identifiers":[{"device_ids":{"device_id":"fridge-01","application_ids":{"application_id":"cold-chain"}}}]}"#;
    let v = stream(sim.addr, "", Some(LIMITED_API_KEY), None, body)
        .await
        .json()
        .await;
    assert_eq!(detail(&v)["name"], "no_application_rights");
    let body = r#"{"identifiers":[{"gateway_ids":{"gateway_id":"nobodys-gw"}}]}"#;
    let v = stream(sim.addr, "", Some(DEMO_API_KEY), None, body)
        .await
        .json()
        .await;
    assert_eq!(
        v["message"],
        "error:pkg/auth/rights:no_gateway_rights (no rights for gateway `nobodys-gw`)"
    );
}

#[tokio::test]
async fn rate_limit_fault_is_a_tts_429() {
    let sim = start(quiet()).await;
    let mut r = stream(
        sim.addr,
        "?status=429&retry=7",
        Some(DEMO_API_KEY),
        None,
        &app_body("soil-sensors"),
    )
    .await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("x-rate-limit-retry"), Some("7"));
    assert_eq!(r.header("x-rate-limit-available"), Some("0"));
    assert!(r.header("x-rate-limit-limit").is_some() && r.header("x-rate-limit-reset").is_some());
    let v = r.json().await;
    assert_eq!(v["code"], 8);
    assert_eq!(detail(&v)["name"], "rate_limit_exceeded");
}

#[tokio::test]
async fn routing_errors() {
    let sim = start(quiet()).await;
    let mut r = request(sim.addr, "GET", "/api/v3/events", &[], "").await;
    assert_eq!(r.status, 501);
    assert_eq!(
        r.text().await,
        r#"{"code":12,"message":"Method Not Allowed"}"#
    );
    let mut r = request(sim.addr, "POST", "/api/v3/nope", &[], "").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.text().await, r#"{"code":5,"message":"Not Found"}"#);
}

#[tokio::test]
async fn both_framings_byte_for_byte() {
    let sim = start(quiet()).await;
    for (accept, ct, delim) in [
        (Some("text/event-stream"), "text/event-stream", &b"\n\n"[..]),
        (None, "application/json", &b"\n"[..]),
        (
            Some("text/event-stream, */*"),
            "application/json",
            &b"\n"[..],
        ),
    ] {
        let mut r = stream(
            sim.addr,
            "?end_after=0",
            Some(DEMO_API_KEY),
            accept,
            &app_body("soil-sensors"),
        )
        .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some(ct));
        assert_eq!(r.header("cache-control"), Some("no-store"));
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        let rid = r.header("x-request-id").unwrap_or_default().to_string();
        assert_eq!(rid.len(), 26);
        let body = r.text().await;
        assert!(
            body.starts_with(r#"{"result":{"name":"events.stream.start","time":""#),
            "{body}"
        );
        let end = if delim.len() == 2 { "}}\n\n" } else { "}}\n" };
        assert!(body.ends_with(end));
        assert_eq!(
            body.matches('\n').count(),
            delim.len(),
            "exactly one message: {body:?}"
        );
        let v: Value = serde_json::from_str(body.trim_end()).unwrap_or(Value::Null);
        let start = &v["result"];
        assert_eq!(
            start["correlation_ids"][0],
            format!("rpc:/ttn.lorawan.v3.Events/Stream:{rid}")
        );
        assert!(
            start.get("data").is_none()
                && start.get("visibility").is_none()
                && start.get("context").is_none()
        );
        assert_eq!(
            start["identifiers"][0]["application_ids"]["application_id"],
            "soil-sensors"
        );
    }
}

#[tokio::test]
async fn stream_start_carries_expanded_names_and_echoes_request_id() {
    let sim = start(quiet()).await;
    let body = r#"{"identifiers":[{"applicationIds":{"applicationId":"soil-sensors"}}],"names":["as.up.data.forward","/^as\\.up\\.join\\./"]}"#;
    let h = [
        ("Authorization", bearer(DEMO_API_KEY)),
        ("X-Request-Id", "my-request-1".to_string()),
    ];
    let h: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut r = request(sim.addr, "POST", "/api/v3/events?end_after=0", &h, body).await;
    assert_eq!(r.header("x-request-id"), Some("my-request-1"));
    let v: Value = serde_json::from_str(r.text().await.trim()).unwrap_or(Value::Null);
    assert_eq!(
        v["result"]["data"],
        serde_json::json!({"@type":"type.googleapis.com/google.protobuf.Value","value":["as.up.data.forward","as.up.join.drop","as.up.join.forward","as.up.join.receive"]})
    );
    assert_eq!(
        v["result"]["correlation_ids"][0],
        "rpc:/ttn.lorawan.v3.Events/Stream:my-request-1"
    );
}

#[tokio::test]
async fn cors_like_gorilla() {
    let sim = start(quiet()).await;
    let pre = |headers: Vec<(&'static str, &'static str)>| async move {
        request(sim.addr, "OPTIONS", "/api/v3/events", &headers, "").await
    };
    let r = pre(vec![
        ("Origin", "https://viewer.example.org"),
        ("Access-Control-Request-Method", "POST"),
        (
            "Access-Control-Request-Headers",
            "authorization,content-type",
        ),
    ])
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("access-control-allow-headers"),
        Some("Authorization,Content-Type")
    );
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(r.header("access-control-max-age"), Some("600"));
    assert!(r.header("access-control-allow-methods").is_none());
    assert!(r.header("access-control-allow-credentials").is_none());
    let r = pre(vec![
        ("Origin", "https://viewer.example.org"),
        ("Access-Control-Request-Method", "POST"),
        (
            "Access-Control-Request-Headers",
            "authorization,x-requested-with",
        ),
    ])
    .await;
    assert_eq!(r.status, 403);
    assert!(r.header("access-control-allow-origin").is_none());
    let r = pre(vec![("Origin", "https://viewer.example.org")]).await;
    assert_eq!(r.status, 400);
    let r = pre(vec![
        ("Origin", "https://x.example"),
        ("Access-Control-Request-Method", "PUT"),
    ])
    .await;
    assert_eq!(r.header("access-control-allow-methods"), Some("PUT"));
    // Actual request: allow-origin and the expose list, also on errors.
    let h = [("Origin", "https://viewer.example.org")];
    let r = request(sim.addr, "POST", "/api/v3/events", &h, "").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        r.header("access-control-expose-headers"),
        Some(eventline_sim::cors::EXPOSED)
    );
    // Control endpoint too.
    let r = request(
        sim.addr,
        "OPTIONS",
        "/sim/faults",
        &[
            ("Origin", "http://localhost:8080"),
            ("Access-Control-Request-Method", "DELETE"),
            ("Access-Control-Request-Headers", "content-type"),
        ],
        "",
    )
    .await;
    assert_eq!(
        (r.status, r.header("access-control-allow-methods")),
        (200, Some("DELETE"))
    );
}

#[tokio::test]
async fn find_related_newest_first_and_redacted() {
    let sim = start(quiet()).await;
    let mut g = eventline_sim::generator::Generator::new(sim.state.fleet.clone(), 3, 1000);
    let mut cid = String::new();
    for _ in 0..400 {
        let ev = sim
            .state
            .hub
            .publish(g.next_event(eventline_sim::clock::now()));
        if ev.name == "as.up.data.forward" && cid.is_empty() {
            cid = ev
                .correlation_ids
                .iter()
                .find(|c| c.starts_with("as:up:"))
                .cloned()
                .unwrap_or_default();
        }
    }
    assert!(!cid.is_empty());
    let path = format!("/api/v3/events/related?correlation_id={cid}");
    let auth = bearer(DEMO_API_KEY);
    let v = request(sim.addr, "GET", &path, &[("Authorization", &auth)], "")
        .await
        .json()
        .await;
    let events = v["events"].as_array().cloned().unwrap_or_default();
    assert!(events.len() >= 2);
    assert_eq!(events[0]["name"], "as.up.data.forward", "newest first");
    assert!(events
        .iter()
        .all(|e| e.get("data").is_some() || e["name"] == "as.up.data.receive"));
    // Anonymous callers get reduced events.
    let v = request(sim.addr, "GET", &path, &[], "").await.json().await;
    let e = &v["events"][0];
    assert!(
        e.get("correlation_ids").is_none()
            && e.get("data").is_none()
            && e.get("unique_id").is_some()
    );
    // Empty correlation ID ⇒ validation; no store ⇒ storage_disabled.
    let r = request(sim.addr, "GET", "/api/v3/events/related", &[], "").await;
    assert_eq!(r.status, 400);
    let nostore = start(Config {
        store: false,
        ..quiet()
    })
    .await;
    let mut r = request(nostore.addr, "GET", &path, &[("Authorization", &auth)], "").await;
    assert_eq!(r.status, 400);
    let v = r.json().await;
    assert_eq!(
        v["message"],
        "error:pkg/events/grpc:storage_disabled (events storage is not not enabled)"
    );
    assert_eq!(v["code"], 9);
}

#[tokio::test]
async fn find_related_only_while_payloads_are_retained() {
    let sim = start(Config {
        related_ttl: 400_000_000,
        ..quiet()
    })
    .await;
    let mut g = eventline_sim::generator::Generator::new(sim.state.fleet.clone(), 4, 1000);
    let mut cid = String::new();
    while cid.is_empty() {
        let ev = sim
            .state
            .hub
            .publish(g.next_event(eventline_sim::clock::now()));
        if let Some(c) = ev
            .correlation_ids
            .iter()
            .find(|c| c.starts_with("ns:uplink:"))
        {
            cid = c.clone();
        }
    }
    let path = format!("/api/v3/events/related?correlation_id={cid}");
    let auth = bearer(DEMO_API_KEY);
    let v = request(sim.addr, "GET", &path, &[("Authorization", &auth)], "")
        .await
        .json()
        .await;
    assert!(v["events"].as_array().is_some_and(|a| !a.is_empty()), "{v}");
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let mut r = request(sim.addr, "GET", &path, &[("Authorization", &auth)], "").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json().await,
        serde_json::json!({"events": []}),
        "past the TTL"
    );
}

#[tokio::test]
async fn router_in_process() {
    use axum::body::Body;
    use axum::http::Request;
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let state = eventline_sim::SimState::new(quiet());
    let req = Request::post("/api/v3/events")
        .body(Body::from("{}"))
        .unwrap_or_default();
    let resp = eventline_sim::app(state.clone()).oneshot(req).await;
    let resp = resp.unwrap_or_else(|e| match e {});
    assert_eq!(resp.status(), 400);
    let body = resp
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    assert_eq!(detail(&v)["name"], "no_identifiers");
}

#[tokio::test]
async fn serves_the_static_viewer() {
    let dir = std::env::temp_dir().join(format!("eventline-sim-static-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(
        dir.join("index.html"),
        "<!doctype html><title>eventline</title>",
    );
    let _ = std::fs::write(dir.join("eventline_bg.wasm"), b"\0asm\x01\0\0\0");
    let sim = start(Config {
        serve_dir: Some(dir.clone()),
        base: "/eventline/".into(),
        ..quiet()
    })
    .await;
    let r = request(sim.addr, "GET", "/", &[], "").await;
    assert!((300..400).contains(&r.status));
    assert_eq!(r.header("location"), Some("/eventline/"));
    let r = request(sim.addr, "GET", "/eventline", &[], "").await;
    assert_eq!(r.header("location"), Some("/eventline/"));
    let mut r = request(sim.addr, "GET", "/eventline/", &[], "").await;
    assert_eq!(r.status, 200);
    assert!(r.text().await.contains("<title>eventline</title>"));
    let r = request(sim.addr, "GET", "/eventline/eventline_bg.wasm", &[], "").await;
    assert_eq!(
        (r.status, r.header("content-type")),
        (200, Some("application/wasm"))
    );
    // The API still works next to it.
    let r = stream(sim.addr, "", Some(DEMO_API_KEY), None, "").await;
    assert_eq!(r.status, 400);
    let root = start(Config {
        serve_dir: Some(dir),
        ..quiet()
    })
    .await;
    let mut r = request(root.addr, "GET", "/", &[], "").await;
    assert_eq!(r.status, 200);
    assert!(r.text().await.contains("eventline"));
    // No demo config unless asked for.
    let r = request(root.addr, "GET", "/config.json", &[], "").await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn viewer_config_prefills_this_cluster_and_the_demo_key() {
    let sim = start(Config {
        base: "/tools/eventline/".into(),
        viewer_config: true,
        ..quiet()
    })
    .await;
    let mut r = request(sim.addr, "GET", "/tools/eventline/config.json", &[], "").await;
    assert_eq!(r.status, 200);
    let config: serde_json::Value = serde_json::from_str(&r.text().await).expect("json");
    assert_eq!(config["cluster_url"], format!("http://{}", sim.addr));
    assert_eq!(config["demo_api_key"], DEMO_API_KEY);
    assert_eq!(
        config["entities"],
        serde_json::json!([
            "soil-sensors",
            "cold-chain",
            "gw:rooftop-gw-01",
            "gw:warehouse-ttig",
            "gw:parking-gw-north"
        ])
    );
}
