//! `Progress`: up to when every event has arrived, i.e. where a resume starts.
//!
//! Why: TTS replays the back-fill per identifier, not in time order (API.md
//! §3.1): the first identifier's history runs up to the stream's start before
//! the second identifier's begins. So the newest event received is not a safe
//! resume point while a connection is still back-filling: a cut there would
//! skip the rest of the other identifiers' history. A connection counts only
//! once it is live — an event later than its `events.stream.start` by more than
//! the margin (no history event can be, unless a clock is off by more than the
//! margin that every resume already assumes), or a healthy minute up; it then
//! moves the resume point to its newest event (duplicates included: they show
//! how far the server got) and at least to its start (its back-fill is
//! complete). Until then a resume asks again from where the previous one did.
//! Before any connection was live, the first stream's start is the point:
//! what the user asked for with `tail` is context, completeness starts there.
//! Plain data; it must never read a clock.

use std::time::Duration;

use crate::tts::Timestamp;

pub(super) fn plus(t: Timestamp, d: Duration) -> Timestamp {
    let nanos = i64::try_from(d.as_nanos()).unwrap_or(i64::MAX);
    Timestamp::from_unix_nanos(t.unix_nanos().saturating_add(nanos))
}

pub(super) fn minus(t: Timestamp, d: Duration) -> Timestamp {
    let nanos = i64::try_from(d.as_nanos()).unwrap_or(i64::MAX);
    Timestamp::from_unix_nanos(t.unix_nanos().saturating_sub(nanos))
}

/// The resume point and the current connection's contribution to it.
#[derive(Debug, Clone, Default)]
pub(super) struct Progress {
    /// Everything up to here had arrived when the current connection began.
    watermark: Option<Timestamp>,
    /// The newest event time on the current connection.
    conn_newest: Option<Timestamp>,
    /// Whether the current connection is past its back-fill.
    conn_live: bool,
    /// New (not duplicate) events on the current connection.
    pub(super) conn_new_events: u64,
}

impl Progress {
    /// A new connection begins: the previous one's progress is folded in.
    /// `started` is the previous stream's start (`None` before any stream).
    pub(super) fn next_connection(&mut self, started: Option<Timestamp>) {
        if started.is_some() {
            self.watermark = self.complete_through(started);
        }
        self.conn_newest = None;
        self.conn_live = false;
        self.conn_new_events = 0;
    }

    /// An event arrived on the current connection, which started at `started`.
    pub(super) fn saw(&mut self, time: Timestamp, started: Option<Timestamp>, margin: Duration) {
        self.conn_newest = Some(self.conn_newest.map_or(time, |n| n.max(time)));
        if started.is_some_and(|s| time > plus(s, margin)) {
            self.conn_live = true;
        }
    }

    /// The current connection is surely past its back-fill (up a healthy minute).
    pub(super) fn live(&mut self) {
        self.conn_live = true;
    }

    /// Up to when every event has arrived, for a current stream that started at `started`.
    pub(super) fn complete_through(&self, started: Option<Timestamp>) -> Option<Timestamp> {
        let mut through = self.watermark;
        if self.conn_live {
            through = through.max(self.conn_newest).max(started);
        }
        through.or(started)
    }
}
