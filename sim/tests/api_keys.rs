//! Over-the-wire checks of the API keys of an entity (API.md §11): create with the demo key and
//! stream with the new key (exactly its rights), list/get without secrets, TTS's 403s for a
//! missing settings right and for a superset of rights, validation, expiry and deletion ending
//! an open stream (and the reconnect refused), the gateway variant, CORS preflights and the
//! `/sim/requests` log. Keys are built at run time: no key-shaped literal here.

mod support;

use std::time::Duration;

use eventline_sim::clock::{format_rfc3339, now};
use eventline_sim::{DEMO_API_KEY, INFO_ONLY_API_KEY, LIMITED_API_KEY};
use serde_json::{json, Value};
use support::*;

fn detail(v: &Value) -> &Value {
    &v["details"][0]
}

async fn call(sim: &Sim, method: &str, path: &str, key: &str, body: &str) -> (u16, Value, Resp) {
    let auth = bearer(key);
    let h = [
        ("Authorization", auth.as_str()),
        ("Content-Type", "application/json"),
    ];
    let mut r = request(sim.addr, method, path, &h, body).await;
    let v = r.json().await;
    (r.status, v, r)
}

fn app(sim: &Sim, i: usize) -> String {
    sim.state.fleet.applications[i].application_id.clone()
}

fn gw(sim: &Sim) -> String {
    sim.state.fleet.gateways[0].gateway_id.clone()
}

fn gw_body(id: &str) -> String {
    format!(r#"{{"identifiers":[{{"gateway_ids":{{"gateway_id":"{id}"}}}}]}}"#)
}

/// Creates a key on `path` (`/api/v3/applications/x/api-keys`) with the demo key; its token.
async fn create(sim: &Sim, path: &str, body: Value) -> (String, Value) {
    let (status, v, _) = call(sim, "POST", path, DEMO_API_KEY, &body.to_string()).await;
    assert_eq!(status, 200, "{v}");
    (v["key"].as_str().unwrap_or_default().to_string(), v)
}

fn is_base32(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
}

#[tokio::test]
async fn created_key_streams_with_exactly_its_rights() {
    let sim = start(quiet()).await;
    let path = format!("/api/v3/applications/{}/api-keys", app(&sim, 0));
    let body = json!({"name": "viewer", "rights": ["RIGHT_APPLICATION_TRAFFIC_READ"]});
    let (token, v) = create(&sim, &path, body).await;
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[0], "NNSXS");
    assert_eq!((parts[1].len(), parts[2].len()), (39, 52));
    assert!(is_base32(parts[1]) && is_base32(parts[2]));
    assert_eq!(v["id"], parts[1]);
    assert_eq!(v["name"], "viewer");
    assert_eq!(v["rights"], json!(["RIGHT_APPLICATION_TRAFFIC_READ"]));
    assert!(v["created_at"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert_eq!(v["created_at"], v["updated_at"]);
    assert!(v.get("expires_at").is_none());

    let mut r = stream(sim.addr, "", Some(&token), None, &app_body(&app(&sim, 0))).await;
    assert_eq!(r.status, 200);
    let msgs = r.messages(1, b"\n").await;
    assert_eq!(results(&msgs)[0]["name"], "events.stream.start");

    let mut r = stream(sim.addr, "", Some(&token), None, &app_body(&app(&sim, 1))).await;
    assert_eq!(r.status, 403);
    let v = r.json().await;
    assert_eq!(detail(&v)["name"], "no_application_rights");
}

#[tokio::test]
async fn list_and_get_show_no_secret() {
    let sim = start(quiet()).await;
    let path = format!("/api/v3/applications/{}/api-keys", app(&sim, 0));
    let (status, v, r) = call(&sim, "GET", &path, DEMO_API_KEY, "").await;
    assert_eq!((status, v.clone()), (200, json!({})));
    assert_eq!(r.header("x-total-count"), Some("0"));
    let future = format_rfc3339(now() + 3_600_000_000_000);
    let (token, _) = create(
        &sim,
        &path,
        json!({"rights": ["APPLICATION_INFO"], "expiresAt": future}),
    )
    .await;
    create(&sim, &path, json!({"name": "b", "rights": [15]})).await;
    let (status, v, r) = call(&sim, "GET", &path, DEMO_API_KEY, "").await;
    assert_eq!(status, 200);
    assert_eq!(r.header("x-total-count"), Some("2"));
    let keys = v["api_keys"].as_array().cloned().unwrap_or_default();
    assert_eq!(keys.len(), 2);
    assert!(keys.iter().all(|k| k.get("key").is_none()));
    assert!(!v.to_string().contains(&token));
    let (_, v, r) = call(
        &sim,
        "GET",
        &format!("{path}?limit=1&page=2"),
        DEMO_API_KEY,
        "",
    )
    .await;
    assert_eq!(v["api_keys"].as_array().map(Vec::len), Some(1));
    assert_eq!(r.header("x-total-count"), Some("2"));
    let id = token.split('.').nth(1).unwrap_or_default();
    let (status, v, _) = call(&sim, "GET", &format!("{path}/{id}"), DEMO_API_KEY, "").await;
    assert_eq!(status, 200);
    assert_eq!(v["id"], id);
    assert_eq!(v["rights"], json!(["RIGHT_APPLICATION_INFO"]));
    assert!(v.get("key").is_none() && v["expires_at"].is_string());
}

#[tokio::test]
async fn rights_beyond_the_callers_are_insufficient() {
    let sim = start(quiet()).await;
    let path = format!("/api/v3/applications/{}/api-keys", app(&sim, 0));
    let body = json!({"rights": ["RIGHT_ALL"]}).to_string();
    let (status, v, _) = call(&sim, "POST", &path, LIMITED_API_KEY, &body).await;
    assert_eq!(status, 403);
    let d = detail(&v);
    assert_eq!(d["name"], "insufficient_application_rights");
    assert_eq!(d["namespace"], "pkg/auth/rights");
    assert_eq!(d["code"], 7);
    assert_eq!(d["attributes"]["missing"], json!(["RIGHT_ALL"]));
    assert_eq!(d["attributes"]["uid"], app(&sim, 0));

    // A key that may manage keys but holds only traffic-read cannot hand out more.
    let rights = json!({"rights": ["RIGHT_APPLICATION_SETTINGS_API_KEYS", "RIGHT_APPLICATION_TRAFFIC_READ"]});
    let (manager, _) = create(&sim, &path, rights).await;
    let body =
        json!({"rights": ["RIGHT_APPLICATION_TRAFFIC_READ", "RIGHT_APPLICATION_DEVICES_READ"]});
    let (status, v, _) = call(&sim, "POST", &path, &manager, &body.to_string()).await;
    assert_eq!(status, 403);
    assert_eq!(
        detail(&v)["attributes"]["missing"],
        json!(["RIGHT_APPLICATION_DEVICES_READ"])
    );
    let body = json!({"rights": ["RIGHT_APPLICATION_TRAFFIC_READ"]}).to_string();
    let (status, _, _) = call(&sim, "POST", &path, &manager, &body).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn managing_keys_needs_the_settings_right() {
    let sim = start(quiet()).await;
    let body = json!({"rights": ["RIGHT_APPLICATION_INFO"]}).to_string();
    let path = format!("/api/v3/applications/{}/api-keys", app(&sim, 0));
    for (method, b) in [("POST", body.as_str()), ("GET", "")] {
        let (status, v, _) = call(&sim, method, &path, INFO_ONLY_API_KEY, b).await;
        assert_eq!(status, 403, "{method}");
        assert_eq!(
            v["message"],
            format!(
                "error:pkg/auth/rights:insufficient_application_rights (insufficient rights for application `{}`)",
                app(&sim, 0)
            )
        );
        assert_eq!(
            detail(&v)["attributes"]["missing"],
            json!(["RIGHT_APPLICATION_SETTINGS_API_KEYS"])
        );
    }
    // No right at all on the entity, or an entity that does not exist: no_application_rights.
    let other = format!("/api/v3/applications/{}/api-keys", app(&sim, 1));
    for p in [other.as_str(), "/api/v3/applications/no-such-app/api-keys"] {
        let key = if p == other {
            INFO_ONLY_API_KEY
        } else {
            DEMO_API_KEY
        };
        let (status, v, _) = call(&sim, "POST", p, key, &body).await;
        assert_eq!(status, 403, "{p}");
        assert_eq!(detail(&v)["name"], "no_application_rights");
    }
}

#[tokio::test]
async fn bad_bodies_are_tts_shaped_400s() {
    let sim = start(quiet()).await;
    let path = format!("/api/v3/applications/{}/api-keys", app(&sim, 0));
    let (status, v, _) = call(&sim, "POST", &path, DEMO_API_KEY, "{xyz").await;
    assert_eq!((status, v["code"].clone()), (400, json!(3)));
    assert!(v.get("details").is_none());
    let past = format_rfc3339(now() - 60_000_000_000);
    for (body, field) in [
        (
            json!({"rights": ["RIGHT_APPLICATION_INFO"], "expires_at": past}),
            "expires_at",
        ),
        (json!({"name": "x"}), "rights"),
        (json!({"rights": [15, 15]}), "rights[1]"),
    ] {
        let (status, v, _) = call(&sim, "POST", &path, DEMO_API_KEY, &body.to_string()).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(detail(&v)["name"], "validation");
        assert_eq!(detail(&v)["attributes"]["field"], field);
        assert_eq!(
            detail(&v)["attributes"]["name"],
            "CreateApplicationAPIKeyRequestValidationError"
        );
    }
}

#[tokio::test]
async fn an_expiring_key_ends_its_stream_and_is_then_refused() {
    let sim = start(quiet()).await;
    let path = format!("/api/v3/applications/{}/api-keys", app(&sim, 0));
    let soon = format_rfc3339(now() + 1_500_000_000);
    let body = json!({"rights": ["RIGHT_APPLICATION_TRAFFIC_READ"], "expires_at": soon});
    let (token, _) = create(&sim, &path, body).await;
    let mut r = stream(sim.addr, "", Some(&token), None, &app_body(&app(&sim, 0))).await;
    assert_eq!(r.status, 200);
    assert!(
        r.ends_within(Duration::from_secs(4)).await,
        "stream outlived its key"
    );
    let text = r.text().await;
    assert!(text.contains("api_key_expired"), "{text}");
    let mut r = stream(sim.addr, "", Some(&token), None, &app_body(&app(&sim, 0))).await;
    assert_eq!(r.status, 401);
    assert_eq!(detail(&r.json().await)["name"], "api_key_expired");
}

#[tokio::test]
async fn deleting_a_key_ends_its_stream_and_refuses_it() {
    let sim = start(quiet()).await;
    let path = format!("/api/v3/applications/{}/api-keys", app(&sim, 0));
    let (token, v) = create(&sim, &path, json!({"rights": ["RIGHT_APPLICATION_ALL"]})).await;
    let id = v["id"].as_str().unwrap_or_default().to_string();
    let mut r = stream(sim.addr, "", Some(&token), None, &app_body(&app(&sim, 0))).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.messages(1, b"\n").await.len(), 1);
    let (status, v, _) = call(&sim, "DELETE", &format!("{path}/{id}"), DEMO_API_KEY, "").await;
    assert_eq!((status, v), (200, json!({})));
    assert!(
        r.ends_within(Duration::from_millis(1500)).await,
        "stream outlived its key"
    );
    let text = r.text().await;
    assert!(text.contains("\"api_key_not_found\""), "{text}");
    let mut r = stream(sim.addr, "", Some(&token), None, &app_body(&app(&sim, 0))).await;
    assert_eq!(r.status, 401);
    let v = r.json().await;
    assert_eq!(detail(&v)["name"], "api_key_not_found");
    assert_eq!(detail(&v)["cause"]["attributes"]["api_key_id"], id.as_str());
    let (status, v, _) = call(&sim, "DELETE", &format!("{path}/{id}"), DEMO_API_KEY, "").await;
    assert_eq!(status, 404);
    assert_eq!(detail(&v)["namespace"], "pkg/identityserver/store");
    assert_eq!(detail(&v)["name"], "api_key_not_found");
}

#[tokio::test]
async fn update_without_rights_deletes_like_tts() {
    let sim = start(quiet()).await;
    let path = format!("/api/v3/applications/{}/api-keys", app(&sim, 0));
    let (_, v) = create(&sim, &path, json!({"rights": ["RIGHT_APPLICATION_INFO"]})).await;
    let id = v["id"].as_str().unwrap_or_default().to_string();
    let rename = json!({"api_key": {"name": "renamed", "rights": ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_TRAFFIC_READ"]}});
    let (status, v, _) = call(
        &sim,
        "PUT",
        &format!("{path}/{id}"),
        DEMO_API_KEY,
        &rename.to_string(),
    )
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["name"], "renamed");
    assert_eq!(v["rights"].as_array().map(Vec::len), Some(2));
    let empty = json!({"api_key": {"rights": []}, "field_mask": {"paths": ["rights"]}});
    let (status, v, _) = call(
        &sim,
        "PUT",
        &format!("{path}/{id}"),
        DEMO_API_KEY,
        &empty.to_string(),
    )
    .await;
    assert_eq!((status, v), (200, json!({})));
    let (status, _, _) = call(&sim, "GET", &format!("{path}/{id}"), DEMO_API_KEY, "").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn gateway_keys_work_the_same() {
    let sim = start(quiet()).await;
    let path = format!("/api/v3/gateways/{}/api-keys", gw(&sim));
    let body = json!({"rights": ["RIGHT_GATEWAY_TRAFFIC_READ", "RIGHT_GATEWAY_STATUS_READ"]});
    let (token, _) = create(&sim, &path, body).await;
    let r = stream(sim.addr, "", Some(&token), None, &gw_body(&gw(&sim))).await;
    assert_eq!(r.status, 200);
    let r = stream(sim.addr, "", Some(&token), None, &app_body(&app(&sim, 0))).await;
    assert_eq!(r.status, 403);
    let body = json!({"rights": ["RIGHT_GATEWAY_INFO"]}).to_string();
    let (status, v, _) = call(&sim, "POST", &path, &token, &body).await;
    assert_eq!(status, 403);
    assert_eq!(
        detail(&v)["attributes"]["missing"],
        json!(["RIGHT_GATEWAY_SETTINGS_API_KEYS"])
    );
    assert_eq!(detail(&v)["name"], "insufficient_gateway_rights");
    let (_, v, r) = call(&sim, "GET", &path, DEMO_API_KEY, "").await;
    assert_eq!(r.header("x-total-count"), Some("1"));
    assert!(v["api_keys"][0].get("key").is_none());
}

#[tokio::test]
async fn preflights_allow_the_key_calls() {
    let sim = start(quiet()).await;
    let path = format!("/api/v3/applications/{}/api-keys/SOMEID", app(&sim, 0));
    for method in ["GET", "POST", "PUT", "DELETE"] {
        let h = [
            ("Origin", "https://viewer.example"),
            ("Access-Control-Request-Method", method),
            (
                "Access-Control-Request-Headers",
                "authorization,content-type",
            ),
        ];
        let r = request(sim.addr, "OPTIONS", &path, &h, "").await;
        assert_eq!(r.status, 200, "{method}");
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
        assert_eq!(
            r.header("access-control-allow-headers"),
            Some("Authorization,Content-Type")
        );
        let listed = r.header("access-control-allow-methods");
        let simple = method == "GET" || method == "POST";
        assert_eq!(listed, (!simple).then_some(method), "{method}");
    }
}

#[tokio::test]
async fn the_calls_are_in_the_requests_log_without_secrets() {
    let sim = start(quiet()).await;
    let path = format!("/api/v3/applications/{}/api-keys", app(&sim, 0));
    let (token, _) = create(&sim, &path, json!({"rights": ["RIGHT_APPLICATION_INFO"]})).await;
    call(&sim, "GET", &path, &token, "").await;
    let mut r = request(sim.addr, "GET", "/sim/requests", &[], "").await;
    let log = r.text().await;
    let demo_id = DEMO_API_KEY.split('.').nth(1).unwrap_or_default();
    let id = token.split('.').nth(1).unwrap_or_default();
    let seen: Vec<Value> = serde_json::from_str(&log).unwrap_or_default();
    assert!(seen
        .iter()
        .any(|s| s["method"] == "POST" && s["path"] == path.as_str() && s["key_id"] == demo_id));
    assert!(seen
        .iter()
        .any(|s| s["method"] == "GET" && s["key_id"] == id));
    let secret = token.split('.').nth(2).unwrap_or_default();
    assert!(!log.contains(secret));
}
