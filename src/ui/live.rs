//! The live connection: drives the pure [`Session`] state machine with the
//! fetch transport and the decoder, and applies what arrives to the viewer
//! state. On EOF, network errors and retryable server errors it reconnects
//! with backoff and resumes with `after`, dropping what was already seen; it
//! stops for good on refusals (400/401/403), showing why. A thin shell: every
//! decision is the session's, and so are the numbers (from `config.json`).
//!
//! The stall watchdog lives here because it needs a timer: a stream that gets
//! no byte for the session's `stall_timeout` is dropped and ends as
//! [`EndCause::Silent`]. A connection that breaks mid-frame leaves part of a
//! frame in the decoder; that is dropped without a "skipped" report, because
//! the resume fetches the event again whole (a clean EOF mid-frame is still
//! reported: that is the server's doing).
//!
//! It must never log the API key; it keeps it only for the requests.

use leptos::prelude::*;

use super::state::{ConnState, SkippedFrame, Viewer};
use crate::form::ValidForm;
use crate::stream::fetch::{AbortHandle, EventStream, Read, TransportError};
use crate::stream::session::{Accept, Action, EndCause, Session, SessionConfig, StopReason};
use crate::stream::{Decoder, Frame};
use crate::tts::Timestamp;

/// How often a waiting session looks at the clock and at `navigator.onLine`.
const POLL_MS: i32 = 250;

/// Where the running stream can be stopped or restarted from.
#[derive(Clone, Copy)]
pub struct Connection {
    abort: StoredValue<Option<AbortHandle>, LocalStorage>,
    /// Bumped by every connect/disconnect; a loop from an older one stops.
    generation: StoredValue<u64>,
    /// The last request, for the Reconnect button (memory only).
    last: StoredValue<Option<ValidForm>>,
    /// The reconnect policy of new sessions (deploy-time, from `config.json`).
    policy: StoredValue<SessionConfig>,
}

fn now() -> Timestamp {
    Timestamp::from_unix_millis(js_sys::Date::now() as i64)
}

fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

impl Connection {
    pub fn new() -> Self {
        Self {
            abort: StoredValue::new_local(None),
            generation: StoredValue::new(0),
            last: StoredValue::new(None),
            policy: StoredValue::new(SessionConfig::default()),
        }
    }

    /// Sets the reconnect policy for connections made from now on.
    pub fn configure(&self, policy: SessionConfig) {
        self.policy.set_value(policy);
    }

    /// Stops the running stream and any pending reconnect.
    pub fn disconnect(&self) {
        self.generation.update_value(|g| *g += 1);
        if let Some(handle) = self.abort.try_update_value(Option::take).flatten() {
            handle.abort();
        }
    }

    /// Whether a previous request can be repeated (the Reconnect button).
    pub fn can_reconnect(&self) -> bool {
        self.last.with_value(Option::is_some)
    }

    /// Repeats the last request.
    pub fn reconnect(&self, viewer: Viewer) {
        if let Some(form) = self.last.get_value() {
            self.connect(viewer, form);
        }
    }

    fn current(&self, generation: u64) -> bool {
        self.generation.get_value() == generation
    }

    /// Starts streaming what `form` asks for into `viewer`, replacing any running stream.
    pub fn connect(&self, viewer: Viewer, form: ValidForm) {
        self.disconnect();
        self.last.set_value(Some(form.clone()));
        let generation = self.generation.get_value();
        let this = *self;
        viewer.conn.set(ConnState::Connecting);
        viewer.settings.update(|s| s.follow = true);
        viewer.stats.update(|s| {
            s.received = 0;
            s.samples.clear();
            s.warning = None;
            s.reconnects = 0;
        });
        viewer.reconnects.set(Vec::new());
        leptos::task::spawn_local(async move {
            let seed = js_sys::Date::now().to_bits();
            let mut session =
                Session::new(this.policy.get_value(), seed).for_request(&form.request);
            let mut action = session.tick(now());
            while this.current(generation) {
                action = match action {
                    Action::Connect { conn, after } => {
                        let cause = this
                            .stream_once(viewer, &form, &mut session, conn, after, generation)
                            .await;
                        let next = session.ended(now(), conn, cause);
                        publish(viewer, &session);
                        next
                    }
                    Action::WaitUntil(until) => {
                        if let Some(cause) = session.markers().last().map(|m| m.cause.clone()) {
                            viewer
                                .conn
                                .set(ConnState::Reconnecting { cause, at: until });
                        }
                        this.wait(&mut session, Some(until), generation).await
                    }
                    Action::Idle => {
                        if !online() {
                            viewer.conn.set(ConnState::Offline);
                        }
                        this.wait(&mut session, None, generation).await
                    }
                    Action::Stop(reason) => {
                        viewer.conn.set(match reason {
                            StopReason::Refused(error) => ConnState::Failed(*error),
                            StopReason::Disconnected => ConnState::Idle,
                        });
                        break;
                    }
                };
            }
        });
    }

    /// Waits until `until` (or one poll, for `None`), telling the session
    /// about the browser going offline or online meanwhile.
    async fn wait(
        &self,
        session: &mut Session,
        until: Option<Timestamp>,
        generation: u64,
    ) -> Action {
        let mut was_online = online();
        loop {
            sleep_ms(POLL_MS).await;
            if !self.current(generation) {
                return Action::Idle;
            }
            let is_online = online();
            if is_online != was_online {
                was_online = is_online;
                let action = if is_online {
                    session.online(now())
                } else {
                    session.offline(now())
                };
                if !matches!(action, Action::Idle | Action::WaitUntil(_)) {
                    return action;
                }
            }
            if until.is_none_or(|t| now() >= t) {
                return session.tick(now());
            }
        }
    }

    /// Opens one stream and reads it to its end; returns how it ended.
    async fn stream_once(
        &self,
        viewer: Viewer,
        form: &ValidForm,
        session: &mut Session,
        conn: crate::stream::session::ConnId,
        after: Option<Timestamp>,
        generation: u64,
    ) -> EndCause {
        let mut request = form.request.clone();
        if let Some(after) = after {
            // Resume: history after what has arrived, no tail, the least far identifiers first.
            request.after = Some(after);
            request.tail = 0;
            let ordered: Vec<_> = session
                .resume_order()
                .iter()
                .filter_map(|&i| form.request.identifiers.get(i).cloned())
                .collect();
            if ordered.len() == request.identifiers.len() {
                request.identifiers = ordered;
            }
        }
        let opened = EventStream::open(&form.cluster, &form.api_key, request.to_json()).await;
        let mut stream = match opened {
            Ok(stream) => stream,
            Err(e) => return EndCause::from(e),
        };
        if !self.current(generation) {
            return EndCause::Aborted;
        }
        self.abort.set_value(Some(stream.abort_handle()));
        let warning = stream.info.warning.clone();
        let has_store = warning.is_none();
        viewer.stats.update(|s| s.warning = warning);
        viewer.conn.set(ConnState::Streaming);
        let _ = session.connected(now(), conn, has_store);
        publish(viewer, session);
        let mut decoder = Decoder::new(stream.info.content_type.as_deref());
        let limit = session.config().stall_timeout;
        loop {
            let (frames, end) = match stream.next_chunk_within(limit).await {
                Ok(Read::Bytes(bytes)) => (decoder.feed(&bytes), None),
                Ok(Read::End) => (decoder.finish(), Some(EndCause::Eof)),
                Ok(Read::Silent) => {
                    let quiet = limit.unwrap_or_default();
                    (Vec::new(), Some(EndCause::Silent(quiet)))
                }
                Err(TransportError::Aborted) => (Vec::new(), Some(EndCause::Aborted)),
                // Broken mid-frame: the partial frame comes again whole on resume.
                Err(e) => (Vec::new(), Some(EndCause::from(e))),
            };
            if let Some(error) = apply(viewer, session, frames) {
                return EndCause::StreamError(error);
            }
            if let Some(end) = end {
                return end;
            }
        }
    }
}

impl Default for Connection {
    fn default() -> Self {
        Self::new()
    }
}

/// Shows the session's reconnect markers and count.
fn publish(viewer: Viewer, session: &Session) {
    let markers: Vec<_> = session.markers().cloned().collect();
    if viewer.reconnects.with_untracked(|m| *m != markers) {
        viewer.reconnects.set(markers);
    }
    let count = session.reconnects();
    viewer.stats.update(|s| s.reconnects = count);
}

/// Applies decoded frames, dropping events the session has seen already;
/// returns the server's error if the stream carried one (it ends after it).
fn apply(
    viewer: Viewer,
    session: &mut Session,
    frames: Vec<Frame>,
) -> Option<crate::tts::ApiError> {
    let mut events = Vec::new();
    let mut skipped = Vec::new();
    let mut failed = None;
    for frame in frames {
        match frame {
            Frame::Event(e) => {
                if session.event(&e) == Accept::New {
                    events.push(*e);
                }
            }
            Frame::Malformed { reason, excerpt } => skipped.push(SkippedFrame { reason, excerpt }),
            Frame::ApiError(error) => failed = Some(error),
        }
    }
    // The synthetic `events.stream.start` is a marker, not a received event.
    let n = events
        .iter()
        .filter(|e| e.name != "events.stream.start")
        .count() as u64;
    if n > 0 || !skipped.is_empty() {
        let now = js_sys::Date::now();
        viewer.stats.update(|s| {
            if n > 0 {
                s.record(now, n);
            }
            s.skip(skipped);
        });
    }
    viewer.accept(events);
    failed
}
