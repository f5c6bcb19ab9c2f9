//! Middleware and small handlers shared by every API route: request IDs (`X-Request-Id`, echoed
//! or a new ULID), the common security/cache headers of API.md §2.2, grpc-gateway's routing
//! errors (501 `Method Not Allowed`, 404 `Not Found`), FindRelated (§7.1), the fault control
//! endpoint (`/sim/faults`) and the log of requests seen (`/sim/requests`).
//!
//! Exists so `stream.rs` only deals with streams. It must never expose a key secret.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::auth::DEMO_API_KEY;
use crate::clock::now;
use crate::error::TtsError;
use crate::faults::ArmedFaults;
use crate::framing::Framing;
use crate::prng::Prng;
use crate::state::AppState;

/// The request's ID (from `X-Request-Id` or a new ULID), available to handlers.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Adds the request ID and the common headers to API responses.
pub async fn common_headers(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| {
            let t = now();
            Prng::new(t as u64 ^ 0xA11CE).ulid(t)
        });
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    for (k, v) in [
        ("cache-control", "no-store"),
        ("pragma", "no-cache"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "SAMEORIGIN"),
        ("x-xss-protection", "1; mode=block"),
        ("vary", "Accept-Encoding"),
    ] {
        h.insert(k, HeaderValue::from_static(v));
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        h.insert("x-request-id", v);
    }
    resp
}

/// 501 `Method Not Allowed` (grpc-gateway routing error, no details).
pub async fn method_not_allowed(headers: HeaderMap) -> Response {
    TtsError::plain(12, "Method Not Allowed")
        .into_response_with(Framing::from_headers(&headers).content_type)
}

/// 404 `Not Found` under `/api/v3/`.
pub async fn not_found(headers: HeaderMap) -> Response {
    TtsError::plain(5, "Not Found").into_response_with(Framing::from_headers(&headers).content_type)
}

/// `GET /api/v3/events/related?correlation_id=…`: newest first, at most 100, only while retained
/// (`--related-ttl`), invisible events reduced; 400 `storage_disabled` without an events store.
pub async fn find_related(
    State(state): State<AppState>,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let ct = Framing::from_headers(&headers).content_type;
    let cid = query
        .ok()
        .and_then(|q| q.0.get("correlation_id").cloned())
        .unwrap_or_default();
    let n = cid.chars().count();
    if n == 0 || n > 100 {
        return TtsError::validation(
            "correlation_id",
            "FindRelatedEventsRequestValidationError",
            "value length must be between 1 and 100 runes, inclusive",
        )
        .into_response_with(ct);
    }
    let auth = headers
        .get("authorization")
        .map(|v| v.to_str().unwrap_or("\u{0}"));
    let caller = match state.keys.authenticate(auth, now()) {
        Ok(c) => c,
        Err(e) => return e.into_response_with(ct),
    };
    if !state.hub.has_store() {
        return TtsError::storage_disabled().into_response_with(ct);
    }
    let events: Vec<Value> = state
        .hub
        .related(&cid)
        .iter()
        .map(|e| {
            if caller.can_see(&e.ids, &e.visibility) {
                e.to_value()
            } else {
                e.redacted()
            }
        })
        .collect();
    let mut resp = json!({ "events": events }).to_string().into_response();
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static(ct));
    resp
}

/// What is armed, as `GET`/`POST /sim/faults` show it: `{}` when nothing, the set itself when
/// one, the queue (an array, next first) when several.
fn armed_json(state: &AppState) -> Response {
    let mut armed = state.faults.current();
    match armed.len() {
        0 => Json(json!({})).into_response(),
        1 => Json(armed.remove(0)).into_response(),
        _ => Json(armed).into_response(),
    }
}

/// `GET /sim/faults`: what is armed.
pub async fn faults_get(State(state): State<AppState>) -> Response {
    armed_json(&state)
}

/// `POST /sim/faults`: arm switches for the next `streams` streams; a JSON array arms a queue of
/// such sets, consumed in order (one stream after another).
pub async fn faults_post(State(state): State<AppState>, body: Bytes) -> Response {
    if body.is_empty() {
        state.faults.arm(ArmedFaults {
            streams: 1,
            ..ArmedFaults::default()
        });
        return armed_json(&state);
    }
    let parsed = if body.trim_ascii_start().starts_with(b"[") {
        serde_json::from_slice::<Vec<ArmedFaults>>(&body)
    } else {
        serde_json::from_slice::<ArmedFaults>(&body).map(|a| vec![a])
    };
    let checked = parsed
        .map_err(|e| TtsError::plain(3, e.to_string()))
        .and_then(|sets| {
            sets.iter().try_for_each(|a| a.faults.check())?;
            Ok(sets)
        });
    match checked {
        Ok(sets) => {
            state.faults.arm_queue(sets);
            armed_json(&state)
        }
        Err(e) => e.into_response(),
    }
}

/// `DELETE /sim/faults`: clear.
pub async fn faults_delete(State(state): State<AppState>) -> Response {
    state.faults.clear();
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /sim/requests`: what reached this simulator (see `seen.rs`).
pub async fn requests_seen(State(state): State<AppState>) -> Response {
    Json(state.seen.all()).into_response()
}

/// `<base>config.json` for the demo: pre-fills the viewer with this simulator's
/// own origin and, when the built-in keys are in use, the demo API key.
pub async fn viewer_config(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1:1885");
    let demo_key = state.config.keys.is_none().then_some(DEMO_API_KEY);
    // The fleet in the viewer's quick-paste syntax: applications, then gateways.
    let fleet = &state.fleet;
    let entities: Vec<String> = fleet
        .applications
        .iter()
        .map(|a| a.application_id.clone())
        .chain(
            fleet
                .gateways
                .iter()
                .map(|g| format!("gw:{}", g.gateway_id)),
        )
        .collect();
    Json(json!({
        "cluster_url": format!("http://{host}"),
        "demo_api_key": demo_key,
        "entities": entities,
        "banner": "Demo: a simulated cluster (eventline-sim); its address and key are filled in.",
    }))
    .into_response()
}
