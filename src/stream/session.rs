//! `Session`: the reconnect/resume state machine of one live stream.
//!
//! Why: TTS streams end without warning (no heartbeats; EOF, a `{"error"}`
//! message, or a 120 s cut on HTTP/1.1 — API.md §3.5), so the viewer must
//! reconnect by itself, back-fill what it missed with `after`, drop what it
//! already has by `unique_id`, and give up on what cannot succeed (bad request,
//! bad key, missing rights — §4.3). It is sans-IO: inputs (each with the time,
//! `now`, from the caller) in, an [`Action`] out; the browser shell opens and
//! aborts streams and sets timers. It must never read a clock, never sleep,
//! never panic on any sequence of inputs, never hold unbounded memory, and
//! never answer [`Action::Connect`] while stopped until the user asks again.
//!
//! Choices, in numbers (see [`SessionConfig`]):
//! - backoff: the n-th consecutive failed attempt waits `min(1 s · 2ⁿ⁻¹, 30 s)`
//!   times a jitter factor drawn uniformly from `[0.5, 1.0]` (so never longer
//!   than the cap). The count starts over after a stream that stayed up for
//!   60 s or delivered new events: a stream that worked and was then cut is not
//!   a server that is down (which, like one sending only duplicates, backs off).
//! - resume: `after` = the newest event time up to which everything has
//!   arrived, − 1 s (TTS truncates `after` to ms and other hosts' clocks lag,
//!   §1.2). The overlap comes back and is dropped as [`Accept::Duplicate`].
//!   Back-fill comes per identifier, not in time order (§3.1), so how far
//!   each identifier got is tracked apart, the resume asks from the least far
//!   and lists it first (see `session/progress.rs`).
//! - `events.stream.start` is always new, never moves the resume point, and
//!   marks the boundary between back-filled and live events on its connection.
//! - silence: the shell ends a stream after [`SessionConfig::stall_timeout`]
//!   without a byte ([`EndCause::Silent`], retried like EOF; see the config).

mod action;
mod backfill;
mod backoff;
mod cause;
mod config;
mod marker;
mod outage;
mod progress;
mod seen;

use std::collections::VecDeque;
use std::time::Duration;

#[cfg(test)]
use crate::tts::STREAM_START;
use crate::tts::{Event, StreamRequest, Timestamp};
pub use action::{Accept, Action, ConnId, State};
pub use backfill::Backfill;
use cause::{verdict, Verdict};
pub use cause::{EndCause, StopReason};
pub use config::SessionConfig;
pub use marker::ReconnectMarker;

use progress::{minus, plus, Progress};
pub use seen::SeenIds;

/// The reconnect/resume state machine (see the module comment).
#[derive(Debug, Clone)]
pub struct Session {
    config: SessionConfig,
    rng: u64,
    state: State,
    /// `Connecting` and the `Connect` action not yet handed out.
    connect_due: bool,
    conn: u64,
    online: bool,
    /// Consecutive failed attempts (reset by a healthy stream or the user).
    failures: u32,
    seen: SeenIds,
    /// The newest event time received (for the gap of a store-less reconnect).
    newest: Option<Timestamp>,
    /// Where a resume starts.
    progress: Progress,
    /// When the newest stream started (server time if known).
    stream_started: Option<Timestamp>,
    /// Events up to this time on the current stream are back-fill for the last marker.
    backfill_until: Option<Timestamp>,
    /// The last marker is still waiting for its reconnect.
    marker_open: bool,
    /// When the session last stopped (a refusal, a Disconnect).
    stopped_at: Timestamp,
    ever_connected: bool,
    reconnects: u64,
    /// Reconnects after the stream ended by itself (not the user's
    /// Disconnect or Reconnect): what says the link is unstable.
    dropouts: u64,
    /// The open outage began with the user (Disconnect, or Reconnect while streaming).
    outage_asked: bool,
    markers: VecDeque<ReconnectMarker>,
    /// The user's request asks for history: its `tail` (per identifier) and
    /// how many identifiers, and whether it has an `after`.
    request_history: (u32, usize, bool),
    /// The current connection asks for history (a tail, an `after`, or a resume).
    conn_history: bool,
}

impl Session {
    /// A session about to make its first connection (with the user's request).
    pub fn new(config: SessionConfig, jitter_seed: u64) -> Self {
        let seen = SeenIds::new(config.seen_capacity);
        let progress = Progress::new(config.resume_margin);
        Session {
            config,
            rng: jitter_seed,
            state: State::Connecting { attempt: 1 },
            connect_due: true,
            conn: 0,
            online: true,
            failures: 0,
            seen,
            newest: None,
            progress,
            stream_started: None,
            backfill_until: None,
            marker_open: false,
            stopped_at: Timestamp::from_unix_nanos(0),
            ever_connected: false,
            reconnects: 0,
            dropouts: 0,
            outage_asked: false,
            markers: VecDeque::new(),
            request_history: (0, 0, false),
            conn_history: false,
        }
    }

    /// The user's own request (its identifiers, `after` and `tail`): resumes
    /// then ask from the right point and in the best order (`session/progress.rs`).
    #[must_use]
    pub fn for_request(mut self, request: &StreamRequest) -> Self {
        let (ids, after, tail) = (&request.identifiers, request.after, request.tail);
        self.progress = self.progress.for_request(ids, after, tail);
        self.request_history = (tail, ids.len(), after.is_some());
        self
    }

    /// Where the session is.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The de-duplication memory.
    pub fn seen(&self) -> &SeenIds {
        &self.seen
    }

    /// The numbers this session runs with.
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// The order the latest [`Action::Connect`] asks for the identifiers in:
    /// indices into the request's (empty without [`Session::for_request`]).
    pub fn resume_order(&self) -> &[usize] {
        self.progress.order()
    }

    /// The `after` the next resume will ask for.
    pub fn resume_after(&self) -> Option<Timestamp> {
        self.progress
            .complete_through(self.stream_started)
            .map(|t| minus(t, self.config.resume_margin))
    }

    /// What to do now; call it when a [`Action::WaitUntil`] time has come.
    pub fn tick(&mut self, now: Timestamp) -> Action {
        match &self.state {
            State::Connecting { .. } if self.connect_due => {
                self.connect_due = false;
                self.conn += 1;
                self.progress.next_connection(self.stream_started);
                let after = if self.ever_connected {
                    self.resume_after()
                } else {
                    None
                };
                if let Some(m) = self.open_marker() {
                    m.resumed_after = after;
                    m.attempts = m.attempts.saturating_add(1);
                }
                let (tail, _, user_after) = self.request_history;
                self.conn_history =
                    after.is_some() || (!self.ever_connected && (tail > 0 || user_after));
                Action::Connect {
                    conn: ConnId(self.conn),
                    after,
                }
            }
            State::Waiting { until, attempt, .. } if now >= *until => {
                self.state = State::Connecting { attempt: *attempt };
                self.connect_due = true;
                self.tick(now)
            }
            State::Waiting { until, .. } => Action::WaitUntil(*until),
            State::Streaming { since } => {
                if now >= plus(*since, self.config.healthy_after) {
                    // Healthy, and long past any back-fill.
                    self.failures = 0;
                    self.progress.live();
                }
                Action::Idle
            }
            State::Stopped { reason } => Action::Stop(reason.clone()),
            State::Connecting { .. } | State::Offline => Action::Idle,
        }
    }

    /// The stream `conn` is open. Pass `has_store = false` when the response
    /// carried `X-Warning` (no events storage, API.md §3.2).
    pub fn connected(&mut self, now: Timestamp, conn: ConnId, has_store: bool) -> Action {
        if self.is_current(conn, false) {
            self.state = State::Streaming { since: now };
            self.ever_connected = true;
            self.stream_started = Some(now);
            self.backfill_until = None;
            let last = self.newest;
            if let Some(m) = self.open_marker() {
                m.reconnected_at = Some(now);
                if !has_store {
                    m.gap = Some((last.unwrap_or(m.at).min(now), now));
                }
                self.backfill_until = has_store.then_some(now);
                self.marker_open = false;
                self.reconnects = self.reconnects.saturating_add(1);
                if !self.outage_asked {
                    self.dropouts = self.dropouts.saturating_add(1);
                }
            }
        }
        self.tick(now)
    }

    /// Records an event; drop it if this says [`Accept::Duplicate`]. Events
    /// without `unique_id` are always new.
    pub fn event(&mut self, event: &Event) -> Accept {
        if event.is_stream_start() {
            self.stream_started = Some(event.time);
            let reopened = self
                .markers
                .back_mut()
                .filter(|m| m.reconnected_at.is_some());
            if let Some(m) = reopened.filter(|m| m.next_start.is_none()) {
                m.next_start = Some(event.time);
            }
            if self.backfill_until.is_some() {
                self.backfill_until = Some(event.time);
            }
            return Accept::New;
        }
        let new = event.unique_id.is_empty() || self.seen.insert(&event.unique_id);
        self.progress.saw(event, self.stream_started, new);
        if !new {
            return Accept::Duplicate;
        }
        self.newest = Some(self.newest.map_or(event.time, |n| n.max(event.time)));
        if self.backfill_until.is_some_and(|until| event.time <= until) {
            if let Some(m) = self.markers.back_mut() {
                m.backfilled += 1;
            }
        }
        Accept::New
    }

    /// The stream (or the attempt to open it) `conn` ended.
    pub fn ended(&mut self, now: Timestamp, conn: ConnId, cause: EndCause) -> Action {
        if !self.is_current(conn, true) {
            return self.tick(now);
        }
        self.tick(now); // a healthy stream resets the backoff
        let was_streaming = matches!(self.state, State::Streaming { .. });
        self.backfill_until = None;
        match verdict(cause) {
            Verdict::Stop(reason) => self.stop(reason, now),
            Verdict::Retry { wait, cause } => {
                if was_streaming {
                    self.open_new_marker(now, cause.clone(), false);
                }
                if self.progress.conn_new_events > 0 {
                    // It worked until it was cut: start over (module comment).
                    self.failures = 0;
                }
                let backoff = self.next_backoff();
                self.failures = self.failures.saturating_add(1);
                if !self.ever_connected
                    && self
                        .config
                        .give_up_after
                        .is_some_and(|n| self.failures >= n)
                {
                    self.stop(
                        StopReason::GaveUp {
                            attempts: self.failures,
                            cause,
                        },
                        now,
                    );
                    return self.tick(now);
                }
                let attempt = self.next_attempt();
                self.state = if self.online {
                    let until = plus(now, wait.unwrap_or(backoff));
                    State::Waiting {
                        until,
                        attempt,
                        cause,
                    }
                } else {
                    State::Offline
                };
            }
        }
        self.tick(now)
    }

    /// Whether nothing more is tried until Reconnect (the user disconnected,
    /// the server refused, or the attempts ran out).
    pub fn is_stopped(&self) -> bool {
        matches!(self.state(), State::Stopped { .. })
    }

    /// Since when nothing arrives, while the session is stopped: when it
    /// stopped, or when the stream before it dropped (an outage's retries
    /// stopped by a Disconnect or a refusal received nothing either).
    pub fn stopped_since(&self) -> Option<Timestamp> {
        if !self.is_stopped() {
            return None;
        }
        let dropped = self.markers.back().filter(|_| self.marker_open);
        Some(dropped.map_or(self.stopped_at, |m| m.at.min(self.stopped_at)))
    }

    /// Whether a stream of this session was ever open.
    pub fn ever_connected(&self) -> bool {
        self.ever_connected
    }

    /// The user pressed Disconnect: stop until [`Session::user_reconnect`].
    pub fn user_disconnect(&mut self, now: Timestamp) -> Action {
        self.stop(StopReason::Disconnected, now);
        self.tick(now)
    }

    fn stop(&mut self, reason: StopReason, now: Timestamp) {
        self.stopped_at = now;
        // An outage's marker says that retrying stopped, and why (it stays
        // open: a Reconnect continues the same outage).
        if self.marker_open {
            let why = reason.sentence();
            if let Some(m) = self.open_marker() {
                m.stopped = Some(why);
            }
        }
        self.state = State::Stopped { reason };
        self.connect_due = false;
        self.backfill_until = None;
    }

    /// Whether a report about `conn` would count: it is the attempt in
    /// flight or the open stream (not an older, aborted one).
    pub fn is_current_conn(&self, conn: ConnId) -> bool {
        self.is_current(conn, true)
    }

    /// Whether `conn` is the connection the session waits to hear about.
    fn is_current(&self, conn: ConnId, may_be_streaming: bool) -> bool {
        conn.0 == self.conn
            && !self.connect_due
            && match self.state {
                State::Connecting { .. } => true,
                State::Streaming { .. } => may_be_streaming,
                _ => false,
            }
    }

    /// The wait before the next attempt (see [`backoff`]).
    fn next_backoff(&mut self) -> Duration {
        let c = &self.config;
        backoff::delay(
            c.initial_backoff,
            c.max_backoff,
            self.failures,
            &mut self.rng,
        )
    }
}

#[cfg(test)]
mod tests;
