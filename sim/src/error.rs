//! The one TTS-shaped error type: a `google.rpc.Status` with `ttn.lorawan.v3.ErrorDetails`
//! (API.md §4.1), its HTTP status (§4.2) and its rendering, both as a bare error body and as
//! the mid-stream `{"error":…}` message (§2.3).
//!
//! Exists so that every rejection the simulator produces has exactly the shape, codes and
//! messages a real TTS v3.32 server produces. It must never include an API key secret.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use crate::prng::{hex_lower, Prng};

/// A TTS error (or, with `plain`, a grpc-gateway status without details).
#[derive(Debug, Clone, PartialEq)]
pub struct TtsError {
    /// gRPC code.
    pub code: u32,
    /// e.g. `pkg/events/grpc`.
    pub namespace: String,
    /// e.g. `no_identifiers`.
    pub name: String,
    /// e.g. ``no rights for application `{uid}` ``.
    pub message_format: String,
    /// Public attributes (sorted, like protojson renders a `Struct`).
    pub attributes: BTreeMap<String, Value>,
    /// The error that caused this one.
    pub cause: Option<Box<TtsError>>,
    /// A plain status (no details), e.g. the grpc-gateway's own JSON decode error.
    pub plain_message: Option<String>,
    /// Extra response headers (e.g. `X-Rate-Limit-*`).
    pub headers: Vec<(&'static str, String)>,
    /// An HTTP status other than the code's (the `status` fault); `None` = from the code.
    pub http_status: Option<StatusCode>,
}

/// A fresh 32-hex-char correlation ID (per error instance, like TTS's UUIDs).
pub fn error_correlation_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut p = Prng::new(n ^ crate::clock::now() as u64);
    hex_lower(&p.bytes(16))
}

impl TtsError {
    /// A TTS error with `ErrorDetails`.
    pub fn new(code: u32, namespace: &str, name: &str, message_format: &str) -> Self {
        Self {
            code,
            namespace: namespace.into(),
            name: name.into(),
            message_format: message_format.into(),
            attributes: BTreeMap::new(),
            cause: None,
            plain_message: None,
            headers: Vec::new(),
            http_status: None,
        }
    }

    /// A plain status without details (grpc-gateway errors).
    pub fn plain(code: u32, message: impl Into<String>) -> Self {
        let mut e = Self::new(code, "", "", "");
        e.plain_message = Some(message.into());
        e
    }

    /// Adds a public attribute.
    pub fn attr(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.attributes.insert(key.into(), value.into());
        self
    }

    /// Sets the cause.
    pub fn with_cause(mut self, cause: TtsError) -> Self {
        self.cause = Some(Box::new(cause));
        self
    }

    /// The message format with attributes filled in.
    pub fn formatted(&self) -> String {
        let mut s = self.message_format.clone();
        for (k, v) in &self.attributes {
            let text = match v {
                Value::String(t) => t.clone(),
                other => other.to_string(),
            };
            s = s.replace(&format!("{{{k}}}"), &text);
        }
        s
    }

    /// `error:<namespace>:<name> (<formatted>)`, or the plain message.
    pub fn message(&self) -> String {
        match &self.plain_message {
            Some(m) => m.clone(),
            None => format!(
                "error:{}:{} ({})",
                self.namespace,
                self.name,
                self.formatted()
            ),
        }
    }

    /// HTTP status for the gRPC code (grpc-gateway `HTTPStatusFromCode`), unless set explicitly.
    pub fn status(&self) -> StatusCode {
        if let Some(s) = self.http_status {
            return s;
        }
        let s = match self.code {
            0 => 200,
            1 => 499,
            3 | 9 | 11 => 400,
            4 => 504,
            5 => 404,
            6 | 10 => 409,
            7 => 403,
            8 => 429,
            12 => 501,
            14 => 503,
            16 => 401,
            _ => 500,
        };
        StatusCode::from_u16(s).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn details_json(&self, with_type: bool) -> Value {
        let mut m = Map::new();
        if with_type {
            m.insert(
                "@type".into(),
                json!("type.googleapis.com/ttn.lorawan.v3.ErrorDetails"),
            );
        }
        m.insert("namespace".into(), json!(self.namespace));
        m.insert("name".into(), json!(self.name));
        m.insert("message_format".into(), json!(self.message_format));
        if !self.attributes.is_empty() {
            let attrs: Map<String, Value> = self
                .attributes
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            m.insert("attributes".into(), Value::Object(attrs));
        }
        m.insert("correlation_id".into(), json!(error_correlation_id()));
        if let Some(c) = &self.cause {
            m.insert("cause".into(), c.details_json(false));
        }
        m.insert("code".into(), json!(self.code));
        Value::Object(m)
    }

    /// The `google.rpc.Status` JSON object.
    pub fn to_status_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("code".into(), json!(self.code));
        m.insert("message".into(), json!(self.message()));
        if self.plain_message.is_none() {
            m.insert("details".into(), json!([self.details_json(true)]));
        }
        Value::Object(m)
    }

    /// The mid-stream message `{"error":<status>}` (without delimiter).
    pub fn to_stream_message(&self) -> String {
        json!({ "error": self.to_status_json() }).to_string()
    }

    /// The HTTP error response with the negotiated `Content-Type`.
    pub fn into_response_with(self, content_type: &'static str) -> Response {
        let body = self.to_status_json().to_string();
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static(content_type));
        if self.code == 16 {
            if let Ok(v) = HeaderValue::from_str(&self.message()) {
                headers.insert("www-authenticate", v);
            }
        }
        for (k, v) in &self.headers {
            if let (Ok(name), Ok(value)) = (HeaderName::try_from(*k), HeaderValue::from_str(v)) {
                headers.insert(name, value);
            }
        }
        (self.status(), headers, body).into_response()
    }

    // ---- the catalogue of API.md §4.3 ----

    /// `pkg/events/grpc:no_identifiers`.
    pub fn no_identifiers() -> Self {
        Self::new(3, "pkg/events/grpc", "no_identifiers", "no identifiers")
    }
    /// `pkg/events:unknown_event_name`.
    pub fn unknown_event_name(name: &str) -> Self {
        Self::new(
            3,
            "pkg/events",
            "unknown_event_name",
            "unknown event `{name}`",
        )
        .attr("name", name)
    }
    /// `pkg/events:invalid_regexp`.
    pub fn invalid_regexp() -> Self {
        Self::new(3, "pkg/events", "invalid_regexp", "invalid regexp")
    }
    /// `pkg/events:no_matching_events`.
    pub fn no_matching_events(re: &str) -> Self {
        Self::new(
            3,
            "pkg/events",
            "no_matching_events",
            "no matching events for regexp `{regexp}`",
        )
        .attr("regexp", re)
    }
    /// `pkg/errors:validation` for `field` of message type `name`.
    pub fn validation(field: &str, validation_name: &str, reason: &str) -> Self {
        Self::new(3, "pkg/errors", "validation", "invalid `{field}`: {reason}")
            .attr("field", field)
            .attr("name", validation_name)
            .attr("reason", reason)
    }
    /// `pkg/auth:token`.
    pub fn invalid_token() -> Self {
        Self::new(3, "pkg/auth", "token", "invalid token")
    }
    /// `pkg/identityserver:unsupported_authorization`.
    pub fn unsupported_authorization() -> Self {
        Self::new(
            16,
            "pkg/identityserver",
            "unsupported_authorization",
            "unsupported authorization method",
        )
    }
    /// `pkg/identityserver:api_key_not_found` caused by the store's not-found.
    pub fn api_key_not_found(key_id: &str) -> Self {
        Self::new(
            16,
            "pkg/identityserver",
            "api_key_not_found",
            "API key not found",
        )
        .with_cause(
            Self::new(
                5,
                "pkg/identityserver/store",
                "api_key_not_found",
                "api key with id `{api_key_id}` not found",
            )
            .attr("api_key_id", key_id),
        )
    }
    /// `pkg/identityserver:token_not_found` (OAuth access tokens are not simulated).
    pub fn token_not_found() -> Self {
        Self::new(
            16,
            "pkg/identityserver",
            "token_not_found",
            "token not found",
        )
    }
    /// `pkg/identityserver:invalid_authorization`.
    pub fn invalid_authorization() -> Self {
        Self::new(
            16,
            "pkg/identityserver",
            "invalid_authorization",
            "invalid authorization",
        )
    }
    /// `pkg/identityserver:api_key_expired`.
    pub fn api_key_expired() -> Self {
        Self::new(
            16,
            "pkg/identityserver",
            "api_key_expired",
            "api key expired",
        )
    }
    /// `pkg/auth/rights:no_<kind>_rights` for entity `uid`.
    pub fn no_rights(kind_word: &str, uid: &str) -> Self {
        Self::new(
            7,
            "pkg/auth/rights",
            &format!("no_{kind_word}_rights"),
            &format!("no rights for {kind_word} `{{uid}}`"),
        )
        .attr("uid", uid)
    }
    /// `pkg/auth/rights:insufficient_<kind>_rights` for entity `uid`, naming the `missing` rights.
    pub fn insufficient_rights(kind_word: &str, uid: &str, missing: Vec<String>) -> Self {
        Self::new(
            7,
            "pkg/auth/rights",
            &format!("insufficient_{kind_word}_rights"),
            &format!("insufficient rights for {kind_word} `{{uid}}`"),
        )
        .attr("missing", missing)
        .attr("uid", uid)
    }
    /// `pkg/ratelimit:rate_limit_exceeded` with the `X-Rate-Limit-*` headers.
    pub fn rate_limited(key_id: &str, retry_s: u64) -> Self {
        let mut e = Self::new(
            8,
            "pkg/ratelimit",
            "rate_limit_exceeded",
            "rate limit of `{rate}` accesses per minute exceeded for resource `{key}`",
        )
        .attr(
            "key",
            format!("grpc:stream:accept:/ttn.lorawan.v3.Events/Stream:token:{key_id}"),
        )
        .attr("rate", 10);
        e.headers = vec![
            ("x-rate-limit-available", "0".into()),
            ("x-rate-limit-limit", "10".into()),
            ("x-rate-limit-reset", retry_s.to_string()),
            ("x-rate-limit-retry", retry_s.to_string()),
        ];
        e
    }
    /// `pkg/events/grpc:storage_disabled` (the "not not" is TTS's).
    pub fn storage_disabled() -> Self {
        Self::new(
            9,
            "pkg/events/grpc",
            "storage_disabled",
            "events storage is not not enabled",
        )
    }
    /// The `status` fault's TTS-shaped answer: HTTP `status`, with the gRPC code grpc-gateway
    /// maps to it (API.md §4.2; 502 → 14 Unavailable like 503, unmapped → 2 Unknown).
    pub fn fault_status(status: StatusCode) -> Self {
        let code = match status.as_u16() {
            400 => 3,
            401 => 16,
            403 => 7,
            404 => 5,
            409 => 10,
            429 => 8,
            499 => 1,
            501 => 12,
            502 | 503 => 14,
            504 => 4,
            _ => 2,
        };
        let mut e = Self::new(
            code,
            "eventline-sim",
            "fault_status",
            "simulated HTTP status `{status}` (a fault switched on in the simulator)",
        )
        .attr("status", status.as_u16());
        e.http_status = Some(status);
        e
    }
    /// A simulated mid-stream outage (code 14 Unavailable).
    pub fn unavailable() -> Self {
        Self::new(
            14,
            "pkg/events/redis",
            "unavailable",
            "events backend unavailable",
        )
    }
}

impl IntoResponse for TtsError {
    fn into_response(self) -> Response {
        self.into_response_with("application/json")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_tts() {
        let e = TtsError::no_rights("application", "soil-sensors");
        assert_eq!(e.message(), "error:pkg/auth/rights:no_application_rights (no rights for application `soil-sensors`)");
        assert_eq!(e.status(), StatusCode::FORBIDDEN);
        let v = e.to_status_json();
        assert_eq!(v["details"][0]["attributes"]["uid"], "soil-sensors");
        assert_eq!(
            v["details"][0]["correlation_id"].as_str().map(str::len),
            Some(32)
        );
        let plain = TtsError::plain(12, "Method Not Allowed").to_status_json();
        assert_eq!(
            plain.to_string(),
            r#"{"code":12,"message":"Method Not Allowed"}"#
        );
    }
}
