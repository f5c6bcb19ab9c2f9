//! The live connection: opens the stream, feeds each chunk to the decoder and
//! applies the frames to the viewer state. A thin shell between the fetch
//! transport and the pure core; it decides nothing about the protocol.
//!
//! It must never log the API key; it keeps it only for the request.

use leptos::prelude::*;

use super::state::{ConnState, SkippedFrame, Viewer};
use crate::form::ValidForm;
use crate::stream::fetch::{AbortHandle, EventStream, TransportError};
use crate::stream::{Decoder, Frame};

/// Where the running stream can be stopped from (the Disconnect button).
#[derive(Clone, Copy)]
pub struct Connection {
    abort: StoredValue<Option<AbortHandle>, LocalStorage>,
}

impl Connection {
    pub fn new() -> Self {
        Self {
            abort: StoredValue::new_local(None),
        }
    }

    /// Stops the running stream, if any.
    pub fn disconnect(&self) {
        if let Some(handle) = self.abort.try_update_value(Option::take).flatten() {
            handle.abort();
        }
    }

    /// Starts streaming what `form` asks for into `viewer`, replacing any running stream.
    pub fn connect(&self, viewer: Viewer, form: ValidForm) {
        self.disconnect();
        let this = *self;
        viewer.conn.set(ConnState::Connecting);
        viewer.settings.update(|s| s.follow = true);
        viewer.stats.update(|s| {
            s.received = 0;
            s.samples.clear();
            s.warning = None;
        });
        leptos::task::spawn_local(async move {
            let body = form.request.to_json();
            let mut stream = match EventStream::open(&form.cluster, &form.api_key, body).await {
                Ok(stream) => stream,
                Err(e) => {
                    viewer.conn.set(match e {
                        TransportError::Rejected(_, error) => ConnState::Failed(*error),
                        TransportError::Network(detail) => ConnState::Unreachable(detail),
                        TransportError::Aborted => ConnState::Idle,
                    });
                    return;
                }
            };
            this.abort.set_value(Some(stream.abort_handle()));
            let warning = stream.info.warning.clone();
            viewer.stats.update(|s| s.warning = warning);
            viewer.conn.set(ConnState::Streaming);
            let mut decoder = Decoder::new(stream.info.content_type.as_deref());
            let end = loop {
                match stream.next_chunk().await {
                    Ok(Some(bytes)) => {
                        if let Some(end) = apply(viewer, decoder.feed(&bytes)) {
                            break end;
                        }
                    }
                    Ok(None) => {
                        break apply(viewer, decoder.finish()).unwrap_or_else(|| {
                            ConnState::Ended("The server ended the stream.".into())
                        });
                    }
                    Err(TransportError::Aborted) => break ConnState::Idle,
                    Err(e) => {
                        break ConnState::Ended(format!("The connection broke: {e}"));
                    }
                }
            };
            viewer.conn.set(end);
        });
    }
}

impl Default for Connection {
    fn default() -> Self {
        Self::new()
    }
}

/// Applies decoded frames; returns the final state if the server sent an error.
fn apply(viewer: Viewer, frames: Vec<Frame>) -> Option<ConnState> {
    let mut events = Vec::new();
    let mut skipped = Vec::new();
    let mut failed = None;
    for frame in frames {
        match frame {
            Frame::Event(e) => events.push(*e),
            Frame::Malformed { reason, excerpt } => skipped.push(SkippedFrame { reason, excerpt }),
            Frame::ApiError(error) => failed = Some(ConnState::Failed(error)),
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
            s.skipped.extend(skipped);
        });
    }
    viewer.accept(events);
    failed
}
