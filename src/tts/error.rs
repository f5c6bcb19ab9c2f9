//! `ApiError`: an error answer of The Things Stack (API.md §4), from an HTTP
//! error response or from a `{"error":…}` message inside a stream.
//!
//! Why: the user needs to know what went wrong in words (which key, which
//! entity, which right), not a gRPC code. Shape of the JSON (§4.1):
//!
//! ```text
//! status  = {"code": int, "message": "error:<ns>:<name> (<text>)", "details": [any…]}
//! wrapped = {"error": status}
//! details = {"@type": "…ErrorDetails", "namespace", "name", "message_format",
//!            "attributes": {…}, "correlation_id", "cause": details, "code"}
//! ```
//!
//! This module must never fail to produce an `ApiError` (a proxy's HTML page
//! is an error too) and never put the API key into a message.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;

/// `ErrorDetails`, recursive through `cause`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ErrorDetails {
    #[serde(default)]
    pub namespace: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub message_format: String,
    #[serde(default)]
    pub attributes: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub correlation_id: String,
    #[serde(default)]
    pub cause: Option<Box<ErrorDetails>>,
    #[serde(default)]
    pub code: u32,
}

impl ErrorDetails {
    /// `namespace:name`, e.g. `pkg/auth/rights:no_application_rights`.
    pub fn id(&self) -> String {
        format!("{}:{}", self.namespace, self.name)
    }

    /// The message format with its attributes filled in.
    pub fn message(&self) -> String {
        fill_format(&self.message_format, &self.attributes)
    }

    /// An attribute rendered as text (strings without quotes).
    pub fn attribute(&self, key: &str) -> Option<String> {
        self.attributes.get(key).map(value_text)
    }
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Replaces each `{name}` of `format` with the attribute's text; unknown placeholders stay.
pub fn fill_format(format: &str, attributes: &BTreeMap<String, serde_json::Value>) -> String {
    let mut out = String::with_capacity(format.len());
    let mut rest = format;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if attributes.contains_key(&after[..close]) => {
                out.push_str(
                    &attributes
                        .get(&after[..close])
                        .map(value_text)
                        .unwrap_or_default(),
                );
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `google.rpc.Status` as TTS writes it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Status {
    #[serde(default)]
    pub code: u32,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub details: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct MaybeWrapped {
    error: Option<Status>,
    #[serde(default)]
    code: Option<u32>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    details: Vec<serde_json::Value>,
}

/// What produced the error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorSource {
    /// A TTS (or grpc-gateway) status JSON.
    Status,
    /// A body that is not a status JSON (e.g. a proxy's HTML page).
    NotStatus {
        content_type: Option<String>,
        excerpt: String,
    },
}

/// An error answer, ready to show to a person ([`fmt::Display`] is a sentence plus a hint).
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status, when the error came as a response (not mid-stream).
    pub http_status: Option<u16>,
    /// The gRPC code (0 when unknown).
    pub grpc_code: u32,
    /// The status `message`, e.g. `error:pkg/events:unknown_event_name (unknown event `as.up.foo`)`.
    pub message: String,
    /// The TTS details, when present; their `cause` chain is inside.
    pub details: Option<ErrorDetails>,
    pub source: ErrorSource,
}

impl ApiError {
    /// Builds the error from a decoded status.
    pub fn from_status(status: Status, http_status: Option<u16>) -> Self {
        let details = status
            .details
            .into_iter()
            .filter(|d| d.get("namespace").is_some() || d.get("name").is_some())
            .find_map(|d| serde_json::from_value::<ErrorDetails>(d).ok());
        ApiError {
            http_status,
            grpc_code: status.code,
            message: status.message,
            details,
            source: ErrorSource::Status,
        }
    }

    /// Parses a status JSON, bare (`{"code":…}`) or wrapped (`{"error":{…}}`).
    ///
    /// # Errors
    ///
    /// When `json` is not a JSON object with a status in it.
    pub fn from_status_json(
        json: &[u8],
        http_status: Option<u16>,
    ) -> Result<Self, serde_json::Error> {
        let parsed: MaybeWrapped = serde_json::from_slice(json)?;
        let status = match parsed {
            MaybeWrapped {
                error: Some(status),
                ..
            } => status,
            MaybeWrapped {
                code: Some(code),
                message,
                details,
                ..
            } => Status {
                code,
                message: message.unwrap_or_default(),
                details,
            },
            MaybeWrapped {
                message: Some(message),
                details,
                ..
            } => Status {
                code: 0,
                message,
                details,
            },
            _ => {
                return Err(serde::de::Error::custom(
                    "no `error`, `code` or `message` in the object",
                ))
            }
        };
        Ok(ApiError::from_status(status, http_status))
    }

    /// Interprets a non-2xx HTTP response. Never fails: a body that is not a
    /// status JSON becomes an error naming the status and the content type.
    pub fn from_response(status: u16, content_type: Option<&str>, body: &[u8]) -> Self {
        let trimmed = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        if let Ok(mut e) = ApiError::from_status_json(trimmed, Some(status)) {
            if e.grpc_code == 0 {
                e.grpc_code = grpc_code_of_http(status);
            }
            return e;
        }
        let text = String::from_utf8_lossy(body);
        let excerpt: String = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(160)
            .collect();
        ApiError {
            http_status: Some(status),
            grpc_code: grpc_code_of_http(status),
            message: String::new(),
            details: None,
            source: ErrorSource::NotStatus {
                content_type: content_type.map(str::to_owned),
                excerpt,
            },
        }
    }

    /// `namespace:name` of the TTS error, e.g. `pkg/identityserver:api_key_not_found`.
    pub fn id(&self) -> Option<String> {
        self.details.as_ref().map(ErrorDetails::id)
    }

    /// The error `name` (after the colon), when TTS sent details.
    pub fn name(&self) -> Option<&str> {
        self.details.as_ref().map(|d| d.name.as_str())
    }

    /// The correlation ID to quote to a cluster operator.
    pub fn correlation_id(&self) -> Option<&str> {
        self.details
            .as_ref()
            .map(|d| d.correlation_id.as_str())
            .filter(|c| !c.is_empty())
    }

    /// The details and then each cause, outermost first.
    pub fn chain(&self) -> Vec<&ErrorDetails> {
        let mut chain = Vec::new();
        let mut next = self.details.as_ref();
        while let Some(d) = next {
            chain.push(d);
            next = d.cause.as_deref();
        }
        chain
    }

    /// The HTTP status this error has or would have (from the gRPC code, API.md §4.2).
    pub fn status(&self) -> u16 {
        self.http_status
            .unwrap_or_else(|| http_of_grpc_code(self.grpc_code))
    }

    /// Whether reconnecting later may succeed (server busy, cut, rate-limited);
    /// not for bad keys, missing rights or a bad request.
    pub fn is_transient(&self) -> bool {
        matches!(self.grpc_code, 1 | 4 | 8 | 10 | 13 | 14)
            || matches!(self.source, ErrorSource::NotStatus { .. })
                && matches!(self.status(), 408 | 429 | 500..=599)
    }
}

/// gRPC code → HTTP status (API.md §4.2).
pub fn http_of_grpc_code(code: u32) -> u16 {
    match code {
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
    }
}

fn grpc_code_of_http(status: u16) -> u32 {
    match status {
        400 => 3,
        401 => 16,
        403 => 7,
        404 => 5,
        409 => 10,
        429 => 8,
        499 => 1,
        501 => 12,
        502..=504 => 14,
        _ => 2,
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sentence())?;
        if let Some(hint) = self.hint() {
            write!(f, " {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}
