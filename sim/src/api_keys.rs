//! The API keys of an entity (API.md §11): TTS's ApplicationAccess / GatewayAccess
//! `CreateAPIKey`, `ListAPIKeys`, `GetAPIKey`, `UpdateAPIKey` and `DeleteAPIKey` over HTTP
//! (`/api/v3/applications/{application_id}/api-keys[/{key_id}]`, the same under `/gateways/`),
//! with TTS's checks in TTS's order: body decoding, validation, authentication, the
//! `RIGHT_<KIND>_SETTINGS_API_KEYS` right, then the new key's rights as a subset of the caller's.
//!
//! Exists apart from `keyring.rs` (which keeps the keys) because it decides who may do what. It
//! returns a key's secret once, in the create response, and logs key IDs only.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::api_key_request::{
    check_path_id, decode_create, decode_update, entity_not_found, key_not_found, list_query,
    message, validate_fields,
};
use crate::clock::now;
use crate::error::TtsError;
use crate::framing::Framing;
use crate::ids::{EntityKind, EntityRef, EMBEDDED};
use crate::keyring::{micros, EntityKey};
use crate::rights::Caller;
use crate::state::AppState;

type Query_ = Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>;

type Params = Path<HashMap<String, String>>;

/// The entity a request is about, from its path parameters: (kind, entity ID, key ID or "").
fn target(p: &HashMap<String, String>) -> (EntityKind, String, String) {
    let key_id = p.get("key_id").cloned().unwrap_or_default();
    match p.get("gateway_id") {
        Some(g) => (EntityKind::Gateway, g.clone(), key_id),
        None => {
            let a = p.get("application_id").cloned().unwrap_or_default();
            (EntityKind::Application, a, key_id)
        }
    }
}

/// The right that lets a caller manage the keys of an entity of `kind`.
pub fn settings_right(kind: EntityKind) -> String {
    format!(
        "RIGHT_{}_SETTINGS_API_KEYS",
        kind.word().to_ascii_uppercase()
    )
}

fn exists(state: &AppState, e: &EntityRef) -> bool {
    let fleet = &state.fleet;
    match e.kind {
        EntityKind::Application => fleet.applications.iter().any(|a| a.application_id == e.id),
        EntityKind::Gateway => fleet.gateways.iter().any(|g| g.gateway_id == e.id),
        _ => false,
    }
}

/// Authentication, then the entity and the settings right, as TTS's `Require<Kind>` sees them:
/// an entity that does not exist gives no rights (403), unless the caller has rights on every
/// entity (`*`, like an admin's universal rights): then 404 `<kind>_not_found`.
fn authorize(state: &AppState, headers: &HeaderMap, e: &EntityRef) -> Result<Caller, TtsError> {
    let auth = headers
        .get("authorization")
        .map(|v| v.to_str().unwrap_or("\u{0}"));
    let caller = state.keys.authenticate(auth, now())?;
    if !exists(state, e) {
        return Err(if caller.rights_on(e).is_empty() {
            TtsError::no_rights(e.kind.word(), &e.id)
        } else {
            entity_not_found(e.kind, &e.id)
        });
    }
    caller.require(e, &[settings_right(e.kind)])?;
    Ok(caller)
}

fn answer(result: Result<(Value, Option<usize>), TtsError>, ct: &'static str) -> Response {
    match result {
        Ok((v, total)) => {
            let mut resp = (StatusCode::OK, v.to_string()).into_response();
            let h = resp.headers_mut();
            h.insert("content-type", HeaderValue::from_static(ct));
            if let Some(n) = total.and_then(|n| HeaderValue::from_str(&n.to_string()).ok()) {
                h.insert("x-total-count", n);
            }
            resp
        }
        Err(e) => e.into_response_with(ct),
    }
}

fn log(caller: &Caller, what: &str, e: &EntityRef, key_id: &str) {
    let who = caller.key_id.as_deref().unwrap_or("anonymous");
    eprintln!(
        "eventline-sim: api key {what} id={key_id} entity={}:{} by key={who}",
        e.kind.word(),
        e.id
    );
}

/// `POST …/api-keys`: `CreateAPIKey`; answers the `APIKey` with its full token in `key`.
pub async fn create(
    State(state): State<AppState>,
    Path(params): Params,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ct = Framing::from_headers(&headers).content_type;
    let (kind, id, _) = target(&params);
    let msg = message(kind, "Create");
    let result = (|| {
        let fields = decode_create(&body, &msg)?;
        check_path_id(kind, &id, &msg)?;
        let rights = validate_fields(&fields, &msg, true)?;
        let entity = EntityRef::new(kind, &id);
        let caller = authorize(&state, &headers, &entity)?;
        caller.require(&entity, &rights)?;
        let name = fields.name.unwrap_or_default();
        let (key, token) = state.keys.create(&entity, name, rights, fields.expires_at);
        log(&caller, "created", &entity, &key.id);
        Ok((key.to_json(Some(&token)), None))
    })();
    answer(result, ct)
}

fn order(keys: &mut [EntityKey], field: &str, desc: bool) {
    keys.sort_by(|a, b| {
        let o = match field {
            "name" => a.name.cmp(&b.name),
            "created_at" => a.created_at.cmp(&b.created_at),
            // SQL puts NULL last when ascending.
            "expires_at" => match (a.expires_at, b.expires_at) {
                (Some(x), Some(y)) => x.cmp(&y),
                (x, y) => y.is_some().cmp(&x.is_some()),
            },
            _ => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.id.cmp(&b.id));
        if desc {
            o.reverse()
        } else {
            o
        }
    });
}

/// `GET …/api-keys`: `ListAPIKeys`, without secrets, paged (`limit`, `page`, `order`), the total
/// in `X-Total-Count`; no key at all is `{}`.
pub async fn list(
    State(state): State<AppState>,
    Path(params): Params,
    query: Query_,
    headers: HeaderMap,
) -> Response {
    let ct = Framing::from_headers(&headers).content_type;
    let (kind, id, _) = target(&params);
    let msg = message(kind, "List");
    let q = query.map(|q| q.0).unwrap_or_default();
    let result = (|| {
        check_path_id(kind, &id, &msg)?;
        let q = list_query(&q, &msg)?;
        let entity = EntityRef::new(kind, &id);
        authorize(&state, &headers, &entity)?;
        let mut keys = state.keys.list(&entity);
        order(&mut keys, &q.order.0, q.order.1);
        let total = keys.len();
        let page: Vec<Value> = keys
            .iter()
            .skip((q.page - 1).saturating_mul(q.limit))
            .take(q.limit)
            .map(|k| k.to_json(None))
            .collect();
        let body = if page.is_empty() {
            json!({})
        } else {
            json!({ "api_keys": page })
        };
        Ok((body, Some(total)))
    })();
    answer(result, ct)
}

/// `GET …/api-keys/{key_id}`: `GetAPIKey`, without the secret.
pub async fn get_key(
    State(state): State<AppState>,
    Path(params): Params,
    headers: HeaderMap,
) -> Response {
    let ct = Framing::from_headers(&headers).content_type;
    let (kind, id, key_id) = target(&params);
    let result = (|| {
        check_path_id(kind, &id, &message(kind, "Get"))?;
        let entity = EntityRef::new(kind, &id);
        authorize(&state, &headers, &entity)?;
        let key = state
            .keys
            .get(&entity, &key_id)
            .ok_or_else(|| key_not_found(kind, &id, &key_id))?;
        Ok((key.to_json(None), None))
    })();
    answer(result, ct)
}

/// `DELETE …/api-keys/{key_id}`: `DeleteAPIKey`; answers `{}`. Streams opened with the key end.
pub async fn delete(
    State(state): State<AppState>,
    Path(params): Params,
    headers: HeaderMap,
) -> Response {
    let ct = Framing::from_headers(&headers).content_type;
    let (kind, id, key_id) = target(&params);
    let result = (|| {
        check_path_id(kind, &id, &message(kind, "Delete"))?;
        let entity = EntityRef::new(kind, &id);
        let caller = authorize(&state, &headers, &entity)?;
        if !state.keys.delete(&entity, &key_id) {
            return Err(key_not_found(kind, &id, &key_id));
        }
        log(&caller, "deleted", &entity, &key_id);
        Ok((json!({}), None))
    })();
    answer(result, ct)
}

/// `PUT …/api-keys/{key_id}`: `UpdateAPIKey` (`{"api_key":{…},"field_mask":{"paths":[…]}}`,
/// no mask = `rights`,`name`). The caller needs every added and every removed right; empty
/// `rights` under the mask deletes the key and answers `{}`, as TTS does.
pub async fn update(
    State(state): State<AppState>,
    Path(params): Params,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ct = Framing::from_headers(&headers).content_type;
    let (kind, id, key_id) = target(&params);
    let msg = message(kind, "Update");
    let result = (|| {
        let (fields, paths) = decode_update(&body, &msg)?;
        check_path_id(kind, &id, &msg)?;
        let Some(fields) = fields else {
            return Err(TtsError::validation(
                "api_key",
                &format!("{msg}ValidationError"),
                "value is required",
            ));
        };
        let rights = validate_fields(&fields, "APIKey", false).map_err(|e| {
            TtsError::validation("api_key", &format!("{msg}ValidationError"), EMBEDDED)
                .with_cause(e)
        })?;
        let entity = EntityRef::new(kind, &id);
        let caller = authorize(&state, &headers, &entity)?;
        let missing = || key_not_found(kind, &id, &key_id);
        let has = |p: &str| paths.iter().any(|x| x == p);
        if !rights.is_empty() {
            let old = state.keys.get(&entity, &key_id).ok_or_else(missing)?;
            let added: Vec<String> = rights
                .iter()
                .filter(|r| !old.rights.contains(r))
                .cloned()
                .collect();
            let removed: Vec<String> = old
                .rights
                .iter()
                .filter(|r| !rights.contains(r))
                .cloned()
                .collect();
            caller.require(&entity, &added)?;
            caller.require(&entity, &removed)?;
        } else if has("rights") {
            if !state.keys.delete(&entity, &key_id) {
                return Err(missing());
            }
            log(&caller, "deleted (no rights)", &entity, &key_id);
            return Ok((json!({}), None));
        }
        let mut key = state.keys.get(&entity, &key_id).ok_or_else(missing)?;
        if has("name") {
            key.name = fields.name.unwrap_or_default();
        }
        if has("rights") {
            key.rights = rights;
        }
        if has("expires_at") {
            key.expires_at = fields.expires_at.map(micros);
        }
        key.updated_at = micros(now());
        if !state.keys.replace(&entity, key.clone()) {
            return Err(missing());
        }
        log(&caller, "updated", &entity, &key_id);
        Ok((key.to_json(None), None))
    })();
    answer(result, ct)
}
