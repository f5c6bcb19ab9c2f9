//! What a [`Session`] does and says about an outage: how many there were
//! (and how many the link caused), the user's Reconnect, the reconnect
//! markers and their lines (the one still retrying says the attempt the
//! status bar says), a disconnected stream's end before it becomes a
//! marker, the browser going offline and online, "Retry now", and the next
//! attempt's number. Plain data; it must never read a clock.

use super::{Action, ReconnectMarker, Session, State};
use crate::tts::Timestamp;

impl Session {
    /// How many times the stream came back after ending, for any reason.
    pub fn reconnects(&self) -> u64 {
        self.reconnects
    }

    /// How many times the session brought it back by itself (the status
    /// bar's "2 reconnects": a flaky link), not after a stop that waited for
    /// the user's Reconnect (a Disconnect, a refused key) nor when they
    /// asked for one.
    pub fn dropouts(&self) -> u64 {
        self.dropouts
    }

    /// The user pressed Reconnect: connect at once, resuming, whatever the state.
    pub fn user_reconnect(&mut self, now: Timestamp) -> Action {
        if self.ever_connected && !self.marker_open {
            let cause = match &self.state {
                State::Stopped { reason } => format!("Stopped: {}", reason.sentence()),
                _ => "You asked to reconnect.".into(),
            };
            // The line's time is when the stream ended, not when Reconnect was pressed.
            let ended = match self.state {
                State::Stopped { .. } => self.stopped_at,
                _ => now,
            };
            // Not a dropout: the stream was stopped (by the user, or refused
            // until they changed something), or they asked while it ran.
            self.open_new_marker(ended, cause, true);
        }
        if let Some(m) = self.open_marker() {
            m.stopped = None; // retrying again
        }
        self.failures = 0;
        self.backfill_until = None;
        self.state = State::Connecting {
            attempt: self.next_attempt(),
        };
        self.connect_due = true;
        self.tick(now)
    }

    /// The most recent reconnects, oldest first.
    pub fn markers(&self) -> impl DoubleEndedIterator<Item = &ReconnectMarker> {
        self.markers.iter()
    }

    /// A marker's line as the timeline shows it: the outage still retrying
    /// says the attempt the status bar says ("Reconnecting (attempt 3)."),
    /// so the two never read as disagreeing; the others as they ended.
    pub fn marker_line(&self, m: &ReconnectMarker) -> String {
        let open = self.marker_open
            && self
                .markers
                .back()
                .is_some_and(|last| std::ptr::eq(last, m));
        match &self.state {
            State::Connecting { attempt } | State::Waiting { attempt, .. }
                if open && m.stopped.is_none() =>
            {
                format!("{} Reconnecting (attempt {attempt}).", m.cause)
            }
            _ => m.to_string(),
        }
    }

    /// The end of the last stream when the session stopped with no outage's
    /// marker open (the user's Disconnect, or the server ending the stream
    /// for good): its time and line, until a Reconnect turns it into a
    /// marker with the same time and cause.
    /// Also the start of that stream, as a marker's `prev_start`.
    pub fn unmarked_end(&self) -> Option<(Timestamp, String, Option<Timestamp>)> {
        match &self.state {
            State::Stopped { reason } if self.ever_connected && !self.marker_open => Some((
                self.stopped_at,
                format!("Stopped: {}", reason.sentence()),
                self.stream_started,
            )),
            _ => None,
        }
    }

    /// The browser went offline: retries pause (a running stream is left alone).
    pub fn offline(&mut self, now: Timestamp) -> Action {
        self.online = false;
        if matches!(self.state, State::Waiting { .. }) {
            self.state = State::Offline;
        }
        self.tick(now)
    }

    /// The browser is back online: a paused retry happens at once.
    pub fn online(&mut self, now: Timestamp) -> Action {
        self.online = true;
        if matches!(self.state, State::Offline) {
            let attempt = self.next_attempt();
            self.state = State::Connecting { attempt };
            self.connect_due = true;
        }
        self.tick(now)
    }

    /// The user pressed "Retry now" while a retry was scheduled (or the
    /// browser offline): try at once, with no marker — it is the same outage.
    /// Anything else (streaming, stopped) is left as it is.
    pub fn retry_now(&mut self, now: Timestamp) -> Action {
        if matches!(self.state, State::Waiting { .. } | State::Offline) {
            let attempt = self.next_attempt();
            self.state = State::Connecting { attempt };
            self.connect_due = true;
        }
        self.tick(now)
    }

    /// The number of the next attempt, as the status bar says it: in an
    /// outage (its marker open), one more than the reconnects tried in it;
    /// else one more than the failures in a row.
    pub(super) fn next_attempt(&self) -> u32 {
        match self.markers.back().filter(|_| self.marker_open) {
            Some(m) => m.attempts.saturating_add(1),
            None => self.failures.saturating_add(1),
        }
    }

    pub(super) fn open_marker(&mut self) -> Option<&mut ReconnectMarker> {
        if self.marker_open {
            self.markers.back_mut()
        } else {
            None
        }
    }

    /// An outage begins: the stream ended at `now` for `cause`, by the
    /// user's doing when `asked`.
    pub(super) fn open_new_marker(&mut self, now: Timestamp, cause: String, asked: bool) {
        let capacity = self.config.marker_capacity;
        let started = self.stream_started;
        self.marker_open = ReconnectMarker::push(&mut self.markers, capacity, now, cause, started);
        self.outage_asked = asked;
    }
}
