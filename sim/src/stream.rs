//! `POST /api/v3/events`: the checks of API.md §1.6 in order, then the stream itself —
//! `events.stream.start`, history, live (or flood) events, each `{"result":…}` + delimiter,
//! with fault injection (`faults.rs` decides, this module injects) and one log line per stream.
//!
//! Exists as the heart of the simulator. It must never write a byte before every check has
//! passed (errors before the stream are plain HTTP errors), never log a key secret, and never
//! keep a task alive after its client has gone.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::{json, Map, Value};
use tokio::sync::{broadcast, mpsc};

use crate::auth::Caller;
use crate::clock::{format_rfc3339, now};
use crate::error::TtsError;
use crate::faults::{FaultError, Faults};
use crate::flood::Source;
use crate::generator::ORIGIN;
use crate::hub::SimEvent;
use crate::ids::EntityKind;
use crate::prng::Prng;
use crate::request::{decode, StreamRequest};
use crate::web::RequestId;
use crate::{AppState, Traffic};

/// The framing negotiated by `Accept` (exact string match, API.md §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framing {
    /// `Content-Type` of responses.
    pub content_type: &'static str,
    /// Delimiter after each message.
    pub delimiter: &'static [u8],
}

impl Framing {
    /// Picks the framing from the request headers.
    pub fn from_headers(h: &HeaderMap) -> Self {
        let sse = h
            .get_all("accept")
            .iter()
            .any(|v| v.as_bytes() == b"text/event-stream");
        if sse {
            Self {
                content_type: "text/event-stream",
                delimiter: b"\n\n",
            }
        } else {
            Self {
                content_type: "application/json",
                delimiter: b"\n",
            }
        }
    }
}

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
        Err(e) => {
            log_line(
                &key_id_hint(&headers),
                "-",
                &format!("rejected: {}", e.message()),
            );
            e.into_response_with(framing.content_type)
        }
    }
}

/// A validated, authorised stream.
struct Plan {
    req: StreamRequest,
    caller: Caller,
    faults: Faults,
}

fn prepare(
    state: &AppState,
    query: HashMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Plan, TtsError> {
    let raw = decode(body)?;
    let faults = Faults::from_query(&query)?
        .or(&state.faults.take())
        .or(&state.config.faults);
    if let Some(retry) = faults.status_429_retry {
        return Err(TtsError::rate_limited(&key_id_hint(headers), retry));
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

/// `{"result":<json>}` + `delimiter`.
pub(crate) fn frame(json: &str, delimiter: &[u8]) -> Bytes {
    let mut b = Vec::with_capacity(json.len() + 12);
    b.extend_from_slice(b"{\"result\":");
    b.extend_from_slice(json.as_bytes());
    b.push(b'}');
    b.extend_from_slice(delimiter);
    Bytes::from(b)
}

fn start(state: AppState, plan: Plan, framing: Framing, request_id: String) -> Response {
    let (tx, mut rx) = mpsc::channel::<Chunk>(64);
    let warn = !state.hub.has_store() && (plan.req.tail > 0 || plan.req.after.is_some());
    let mut p = Prng::new(now() as u64);
    let first = frame(
        &start_event(&plan.req, &request_id, &mut p),
        framing.delimiter,
    );
    let (live, min_seq) = state.hub.subscribe();
    let history = if state.hub.has_store() && (plan.req.tail > 0 || plan.req.after.is_some()) {
        state.hub.history(
            &plan.req.identifiers,
            plan.req.tail,
            plan.req.after,
            min_seq,
        )
    } else {
        Vec::new()
    };
    let writer = Writer {
        tx,
        chunk: plan.faults.chunk == Some(true),
        count: 0,
    };
    tokio::spawn(run(
        state, plan, framing, writer, first, history, live, min_seq,
    ));
    // An `Err` item makes hyper drop the connection without ending the body cleanly.
    let body = Body::from_stream(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)));
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

/// One piece of the response body; an error breaks the connection (the `cut_after` fault).
type Chunk = Result<Bytes, std::io::Error>;

struct Writer {
    tx: mpsc::Sender<Chunk>,
    chunk: bool,
    count: u64,
}

impl Writer {
    async fn write(&mut self, b: Bytes) -> bool {
        if self.chunk {
            for i in 0..b.len() {
                if self.tx.send(Ok(b.slice(i..i + 1))).await.is_err() {
                    return false;
                }
            }
            true
        } else {
            self.tx.send(Ok(b)).await.is_ok()
        }
    }

    /// Writes one event's frame, or — when the `cut_after` fault is due — the first half of it
    /// and then breaks the connection.
    async fn event(&mut self, faults: &Faults, b: Bytes) -> Next {
        if faults.cut_after == Some(self.count) {
            let half = b.slice(..b.len() / 2);
            if self.write(half).await {
                // hyper drops what it has not written yet when the body fails: let it take and
                // flush every chunk first, so the client really gets half a frame.
                while self.tx.capacity() < self.tx.max_capacity() && !self.tx.is_closed() {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                let _ = self
                    .tx
                    .send(Err(std::io::Error::other("fault: cut_after")))
                    .await;
            }
            return Next::End(format!("fault: cut mid-frame after {}", self.count));
        }
        if !self.write(b).await {
            return Next::End("client gone".into());
        }
        self.count += 1;
        Next::Go
    }
}

enum Next {
    Go,
    End(String),
}

struct Filter {
    names: HashSet<String>,
    plan: Plan,
}

impl Filter {
    fn passes(&self, ev: &SimEvent) -> bool {
        self.plan.req.identifiers.iter().any(|r| ev.matches(r))
            && (self.names.is_empty() || self.names.contains(&ev.name))
            && self.plan.caller.can_see(&ev.ids, &ev.visibility)
    }
}

async fn fault_point(
    w: &mut Writer,
    f: &Filter,
    framing: Framing,
    malformed_done: &mut bool,
) -> Next {
    let faults = &f.plan.faults;
    let n = w.count;
    if faults.malformed_after == Some(n) && !*malformed_done {
        *malformed_done = true;
        let mut b = b"{\"result\":{\"name\":\"as.up.data.forward\",\"time\":\"20".to_vec();
        b.extend_from_slice(framing.delimiter);
        if !w.write(Bytes::from(b)).await {
            return Next::End("client gone".into());
        }
    }
    if faults.end_after == Some(n) {
        return Next::End(format!("fault: end_after={n}"));
    }
    if faults.error_after == Some(n) {
        let e = match faults.error.unwrap_or_default() {
            FaultError::Expired => TtsError::api_key_expired(),
            FaultError::Unavailable => TtsError::unavailable(),
            FaultError::Revoked => {
                let (kind, id) = f
                    .plan
                    .req
                    .identifiers
                    .first()
                    .map_or((EntityKind::Application, ""), |i| i.rights_entity());
                TtsError::no_rights(kind.word(), id)
            }
        };
        let mut b = e.to_stream_message().into_bytes();
        b.extend_from_slice(framing.delimiter);
        let _ = w.write(Bytes::from(b)).await;
        return Next::End(format!("fault: error_after={n} ({})", e.name));
    }
    if faults.stall_after == Some(n) {
        w.tx.closed().await;
        return Next::End(format!("fault: stalled after {n}, then client gone"));
    }
    Next::Go
}

/// The per-stream pace of a flood (`rate`, `rate_after`).
struct Pace {
    rate: u64,
    after: u64,
    /// When pacing started and the event count then.
    since: Option<(tokio::time::Instant, u64)>,
}

impl Pace {
    /// When the event after `count` written ones is due; `None` while unpaced.
    fn due(&mut self, count: u64) -> Option<tokio::time::Instant> {
        if count < self.after {
            return None;
        }
        let (t0, n0) = *self
            .since
            .get_or_insert_with(|| (tokio::time::Instant::now(), count));
        Some(t0 + Duration::from_secs_f64((count - n0) as f64 / self.rate as f64))
    }
}

#[allow(clippy::too_many_arguments)]
async fn run(
    state: AppState,
    plan: Plan,
    framing: Framing,
    mut w: Writer,
    first: Bytes,
    history: Vec<Arc<SimEvent>>,
    mut live: broadcast::Receiver<Arc<SimEvent>>,
    min_seq: u64,
) {
    let who = plan
        .caller
        .key_id
        .clone()
        .unwrap_or_else(|| "anonymous".into());
    let what = format!(
        "{} names={}",
        plan.req
            .identifiers
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(","),
        if plan.req.names.is_empty() {
            "all".to_string()
        } else {
            plan.req.names.len().to_string()
        }
    );
    let deadline = plan
        .faults
        .end_after_ms
        .map(|ms| tokio::time::Instant::now() + Duration::from_millis(ms));
    let f = Filter {
        names: plan.req.names.iter().cloned().collect(),
        plan,
    };
    let mut malformed_done = false;
    let mut shutdown = state.shutdown.subscribe();
    let ended = async {
        if !w.write(first).await {
            return "client gone".to_string();
        }
        if let Next::End(why) = fault_point(&mut w, &f, framing, &mut malformed_done).await {
            return why;
        }
        for ev in history.iter().filter(|e| f.passes(e)) {
            let faults = &f.plan.faults;
            if let Next::End(why) = w.event(faults, frame(&ev.json, framing.delimiter)).await {
                return why;
            }
            if let Next::End(why) = fault_point(&mut w, &f, framing, &mut malformed_done).await {
                return why;
            }
        }
        let mut flood = matches!(state.config.traffic, Traffic::Flood)
            .then(|| Source::new(state.fleet.clone(), state.config.seed ^ now() as u64));
        let mut pace = f.plan.faults.rate.filter(|r| *r > 0).map(|rate| Pace {
            rate,
            after: f.plan.faults.rate_after.unwrap_or(0),
            since: None,
        });
        let mut skipped = 0u32;
        loop {
            let bytes = if let Some(g) = flood.as_mut() {
                if w.tx.is_closed() {
                    return "client gone".into();
                }
                if deadline.is_some_and(|d| tokio::time::Instant::now() >= d) {
                    return "fault: end_after_ms".into();
                }
                let ev = g.next_event(&state.hub, state.flood_pool.get());
                if !f.passes(&ev) {
                    skipped += 1;
                    if skipped.is_multiple_of(64) {
                        tokio::task::yield_now().await;
                    }
                    continue;
                }
                if let Some(due) = pace.as_mut().and_then(|p| p.due(w.count)) {
                    tokio::select! {
                        () = tokio::time::sleep_until(due) => {}
                        () = w.tx.closed() => return "client gone".into(),
                    }
                }
                g.frame(now(), framing.delimiter)
            } else {
                let sleep = async {
                    match deadline {
                        Some(d) => tokio::time::sleep_until(d).await,
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    r = live.recv() => match r {
                        Ok(ev) if ev.seq >= min_seq && f.passes(&ev) => frame(&ev.json, framing.delimiter),
                        Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
                        Err(broadcast::error::RecvError::Closed) => return "server closed".into(),
                    },
                    _ = w.tx.closed() => return "client gone".into(),
                    _ = sleep => return "fault: end_after_ms".into(),
                }
            };
            let faults = &f.plan.faults;
            if let Next::End(why) = w.event(faults, bytes).await {
                return why;
            }
            if let Next::End(why) = fault_point(&mut w, &f, framing, &mut malformed_done).await {
                return why;
            }
        }
    };
    let why = tokio::select! {
        why = ended => why,
        _ = shutdown.wait_for(|s| *s) => "server shutdown".to_string(),
    };
    log_line(
        &who,
        &what,
        &format!("ended after {} events: {why}", w.count),
    );
}

/// One line per stream on stderr: who (key ID only), what, how it ended.
pub fn log_line(who: &str, what: &str, how: &str) {
    eprintln!("eventline-sim: stream key={who} ids={what} {how}");
}
