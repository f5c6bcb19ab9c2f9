//! Writes one stream's body: the `events.stream.start` frame, the backlog, then live or flood
//! frames as the source yields them — with the faults of `faults.rs` injected between frames
//! (end, cut mid-frame, stall, mid-stream error, one malformed frame, 1-byte chunks, a deadline)
//! and a flood paced to its `rate`.
//!
//! Exists so `stream.rs` only checks and starts streams, and `source.rs` only finds events.
//! It must never write after the client has gone, never keep waiting once the client has gone,
//! and never inject a fault the stream's switches do not ask for.

use std::time::Duration;

use axum::body::{Body, Bytes};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::error::TtsError;
use crate::faults::{FaultError, Faults};
use crate::framing::{message, Framing};
use crate::ids::EntityKind;
use crate::source::EventSource;

/// One piece of the response body; an error breaks the connection (the `cut_after` fault).
type Chunk = Result<Bytes, std::io::Error>;

/// The sending end of a streamed response body, counting the events written.
pub struct Writer {
    tx: mpsc::Sender<Chunk>,
    /// Write every byte as its own chunk.
    chunk: bool,
    /// Events written (the start event not included).
    pub count: u64,
}

/// Whether to go on after a write or a fault point.
enum Next {
    Go,
    End(String),
}

impl Writer {
    /// A writer and the response body it feeds (`chunk`: one byte per chunk).
    pub fn channel(chunk: bool) -> (Self, Body) {
        let (tx, mut rx) = mpsc::channel::<Chunk>(64);
        // An `Err` item makes hyper drop the connection without ending the body cleanly.
        let body = Body::from_stream(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)));
        let writer = Self {
            tx,
            chunk,
            count: 0,
        };
        (writer, body)
    }

    /// Writes one mid-stream `{"error":…}` message (API.md §2.3); `false` if the client has gone.
    pub async fn error(&mut self, e: &TtsError, delimiter: &[u8]) -> bool {
        let json = e.to_stream_message();
        self.write(message(json.as_bytes(), delimiter)).await
    }

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

/// The faults checked after the start event and after every event.
pub struct FaultPoints {
    faults: Faults,
    framing: Framing,
    /// The entity a `revoked` error names (the first requested one).
    revoked: (EntityKind, String),
    malformed_done: bool,
}

impl FaultPoints {
    /// The points for a stream with `faults`, first requesting `revoked` (rights entity).
    pub fn new(faults: Faults, framing: Framing, revoked: (EntityKind, String)) -> Self {
        Self {
            faults,
            framing,
            revoked,
            malformed_done: false,
        }
    }

    /// After `w.count` events: the malformed frame, then end, mid-stream error or stall.
    async fn after(&mut self, w: &mut Writer) -> Next {
        let faults = &self.faults;
        let n = w.count;
        if faults.malformed_after == Some(n) && !self.malformed_done {
            self.malformed_done = true;
            let broken = b"{\"result\":{\"name\":\"as.up.data.forward\",\"time\":\"20";
            if !w.write(message(broken, self.framing.delimiter)).await {
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
                FaultError::Revoked => TtsError::no_rights(self.revoked.0.word(), &self.revoked.1),
            };
            let json = e.to_stream_message();
            let _ = w
                .write(message(json.as_bytes(), self.framing.delimiter))
                .await;
            return Next::End(format!("fault: error_after={n} ({})", e.name));
        }
        if faults.stall_after == Some(n) {
            w.tx.closed().await;
            return Next::End(format!("fault: stalled after {n}, then client gone"));
        }
        Next::Go
    }
}

/// The per-stream pace of a flood (`rate`, `rate_after`).
struct Pace {
    rate: u64,
    after: u64,
    /// When pacing started and the event count then.
    since: Option<(Instant, u64)>,
}

impl Pace {
    fn of(faults: &Faults) -> Option<Self> {
        faults.rate.filter(|r| *r > 0).map(|rate| Self {
            rate,
            after: faults.rate_after.unwrap_or(0),
            since: None,
        })
    }

    /// When the event after `count` written ones is due; `None` while unpaced.
    fn due(&mut self, count: u64) -> Option<Instant> {
        if count < self.after {
            return None;
        }
        let (t0, n0) = *self.since.get_or_insert_with(|| (Instant::now(), count));
        Some(t0 + Duration::from_secs_f64((count - n0) as f64 / self.rate as f64))
    }
}

async fn until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// Writes the whole stream: `first` (the start event), the backlog, then the feed, until a
/// fault, the client, or the source ends it. Returns why it ended (for the log line).
pub async fn write_stream(
    w: &mut Writer,
    first: Bytes,
    source: &mut EventSource,
    points: &mut FaultPoints,
) -> String {
    let deadline = points
        .faults
        .end_after_ms
        .map(|ms| Instant::now() + Duration::from_millis(ms));
    if !w.write(first).await {
        return "client gone".into();
    }
    if let Next::End(why) = points.after(w).await {
        return why;
    }
    while let Some(b) = source.backlog() {
        if let Next::End(why) = w.event(&points.faults, b).await {
            return why;
        }
        if let Next::End(why) = points.after(w).await {
            return why;
        }
    }
    let mut pace = Pace::of(&points.faults).filter(|_| source.is_flood());
    loop {
        if let Some(due) = pace.as_mut().and_then(|p| p.due(w.count)) {
            tokio::select! {
                () = tokio::time::sleep_until(due) => {}
                () = w.tx.closed() => return "client gone".into(),
            }
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return "fault: end_after_ms".into();
        }
        // The source first: while it has an event ready (a flood always does) nothing else is
        // polled, and a client that has gone shows as a failed write; while it waits, so does
        // the stream for its client and its deadline.
        let b = tokio::select! {
            biased;
            next = source.next() => match next {
                Ok(b) => b,
                Err(why) => return why,
            },
            () = w.tx.closed() => return "client gone".into(),
            () = until(deadline) => return "fault: end_after_ms".into(),
        };
        if let Next::End(why) = w.event(&points.faults, b).await {
            return why;
        }
        if let Next::End(why) = points.after(w).await {
            return why;
        }
    }
}
