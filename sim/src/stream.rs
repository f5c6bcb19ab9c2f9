//! `POST /api/v3/events`: the checks of API.md §1.6 in order, then the stream itself —
//! `events.stream.start`, history, live (or flood) events, each `{"result":…}` + delimiter —
//! and one log line per stream. Where events come from is `source.rs`; how they are written,
//! with fault injection (`faults.rs` decides) and pacing, is `writer.rs`.
//!
//! Exists as the heart of the simulator. It must never write a byte before every check has
//! passed (errors before the stream are plain HTTP errors), never log a key secret, and never
//! keep a task alive after its client has gone.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::{json, Map, Value};

use crate::clock::{format_rfc3339, now};
use crate::error::TtsError;
use crate::faults::{FaultBody, Faults, Instead};
use crate::framing::{frame, Framing};
use crate::generator::ORIGIN;
use crate::ids::EntityKind;
use crate::prng::Prng;
use crate::request::{decode, StreamRequest};
use crate::rights::Caller;
use crate::source::{EventSource, Filter};
use crate::state::AppState;
use crate::web::RequestId;
use crate::writer::{write_stream, FaultPoints, Writer};
use crate::wrong_server::proxy_page;

fn key_id_hint(h: &HeaderMap) -> String {
    h.get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .and_then(|(_, t)| {
            // Only the token ID (middle part of `<type>.<id>.<secret>`), never anything else.
            let parts: Vec<&str> = t.trim().split('.').collect();
            (parts.len() == 3).then(|| parts[1].to_string())
        })
        .unwrap_or_else(|| "anonymous".to_string())
}

/// The handler.
pub async fn stream_events(
    State(state): State<AppState>,
    Extension(RequestId(request_id)): Extension<RequestId>,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let framing = Framing::from_headers(&headers);
    match prepare(
        &state,
        query.map(|q| q.0).unwrap_or_default(),
        &headers,
        &body,
    ) {
        Ok(plan) => start(state, plan, framing, request_id),
        Err(rejected) => {
            log_line(
                &key_id_hint(&headers),
                "-",
                &format!("rejected: {}", rejected.reason()),
            );
            rejected.into_response_with(framing.content_type)
        }
    }
}

/// A validated, authorised stream.
struct Plan {
    req: StreamRequest,
    caller: Caller,
    faults: Faults,
}

/// Why a request gets no stream.
enum Rejected {
    /// A TTS error (the checks, or a fault's TTS-shaped answer).
    Tts(TtsError),
    /// The `status` fault with `body=html`: a reverse proxy's error page.
    ProxyPage(StatusCode),
}

impl From<TtsError> for Rejected {
    fn from(e: TtsError) -> Self {
        Self::Tts(e)
    }
}

impl Rejected {
    fn reason(&self) -> String {
        match self {
            Self::Tts(e) => e.message(),
            Self::ProxyPage(s) => format!("fault: HTML page {}", s.as_u16()),
        }
    }

    fn into_response_with(self, content_type: &'static str) -> Response {
        match self {
            Self::Tts(e) => e.into_response_with(content_type),
            Self::ProxyPage(s) => proxy_page(s),
        }
    }
}

fn prepare(
    state: &AppState,
    query: HashMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Plan, Rejected> {
    let raw = decode(body)?;
    let faults = Faults::from_query(&query)?
        .or(&state.faults.take())
        .or(&state.config.faults);
    match faults.instead_of_stream() {
        None => {}
        Some(Instead::RateLimited { retry }) => {
            return Err(TtsError::rate_limited(&key_id_hint(headers), retry).into())
        }
        Some(Instead::Status { status, body }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            return Err(match body {
                FaultBody::Json => TtsError::fault_status(status).into(),
                FaultBody::Html => Rejected::ProxyPage(status),
            });
        }
    }
    let req = raw.validate()?;
    let auth = headers
        .get("authorization")
        .map(|v| v.to_str().unwrap_or("\u{0}"));
    let caller = state.keys.authenticate(auth, now())?;
    caller.require_any(&req.identifiers)?;
    Ok(Plan {
        req,
        caller,
        faults,
    })
}

fn start_event(req: &StreamRequest, request_id: &str, p: &mut Prng) -> String {
    let t = now();
    let mut m = Map::new();
    m.insert("name".into(), json!("events.stream.start"));
    m.insert("time".into(), json!(format_rfc3339(t)));
    m.insert(
        "identifiers".into(),
        Value::Array(req.identifiers.iter().map(|i| i.to_json()).collect()),
    );
    if req.names_given {
        m.insert(
            "data".into(),
            json!({"@type": "type.googleapis.com/google.protobuf.Value", "value": req.names}),
        );
    }
    m.insert(
        "correlation_ids".into(),
        json!([format!("rpc:/ttn.lorawan.v3.Events/Stream:{request_id}")]),
    );
    m.insert("origin".into(), json!(ORIGIN));
    m.insert("unique_id".into(), json!(p.ulid(t)));
    Value::Object(m).to_string()
}

fn start(state: AppState, plan: Plan, framing: Framing, request_id: String) -> Response {
    let Plan {
        req,
        caller,
        faults,
    } = plan;
    let warn = !state.hub.has_store() && (req.tail > 0 || req.after.is_some());
    let mut p = Prng::new(now() as u64);
    let first = frame(&start_event(&req, &request_id, &mut p), framing.delimiter);
    let key_id = caller.key_id.clone();
    let who = key_id.clone().unwrap_or_else(|| "anonymous".into());
    let what = describe(&req);
    let revoked = req
        .identifiers
        .first()
        .map_or((EntityKind::Application, String::new()), |i| {
            let (kind, id) = i.rights_entity();
            (kind, id.to_string())
        });
    let source = EventSource::open(&state, &req, Filter::new(&req, caller), framing.delimiter);
    let (writer, body) = Writer::channel(faults.chunk == Some(true));
    let points = FaultPoints::new(faults, framing, revoked);
    let end = Ending {
        key_id,
        delimiter: framing.delimiter,
        who,
        what,
    };
    tokio::spawn(run(state, writer, first, source, points, end));
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(
        "content-type",
        HeaderValue::from_static(framing.content_type),
    );
    if warn {
        h.insert(
            "x-warning",
            HeaderValue::from_static("Events storage is not enabled"),
        );
    }
    resp
}

/// The requested entities and how many names, for the log line.
fn describe(req: &StreamRequest) -> String {
    format!(
        "{} names={}",
        req.identifiers
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(","),
        if req.names.is_empty() {
            "all".to_string()
        } else {
            req.names.len().to_string()
        }
    )
}

/// What a stream needs to know to end: its key, its delimiter, and the log line's parts.
struct Ending {
    /// The key it was opened with (`None`: anonymous).
    key_id: Option<String>,
    delimiter: &'static [u8],
    who: String,
    what: String,
}

/// Writes the stream until it ends, the server shuts down, or its key is deleted or expires —
/// then the stream's last message is the error a reconnect would get (`api_key_not_found`,
/// `api_key_expired`, API.md §4.4) — and logs how it ended.
async fn run(
    state: AppState,
    mut w: Writer,
    first: Bytes,
    mut source: EventSource,
    mut points: FaultPoints,
    end: Ending,
) {
    let mut shutdown = state.shutdown.subscribe();
    let key_ended = async {
        match &end.key_id {
            Some(id) => state.keys.ended(id).await,
            None => std::future::pending().await,
        }
    };
    let ended = tokio::select! {
        why = write_stream(&mut w, first, &mut source, &mut points) => Err(why),
        _ = shutdown.wait_for(|s| *s) => Err("server shutdown".to_string()),
        e = key_ended => Ok(e),
    };
    let why = match ended {
        Err(why) => why,
        Ok(e) => {
            w.error(&e, end.delimiter).await;
            format!("key: {}", e.name)
        }
    };
    log_line(
        &end.who,
        &end.what,
        &format!("ended after {} events: {why}", w.count),
    );
}

/// One line per stream on stderr: who (key ID only), what, how it ended.
pub fn log_line(who: &str, what: &str, how: &str) {
    eprintln!("eventline-sim: stream key={who} ids={what} {how}");
}
