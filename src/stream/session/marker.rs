//! `ReconnectMarker`: one reconnect as the timeline shows it.
//!
//! Why: a user looking at a quiet stretch must see that the stream was down,
//! why, how much the resume recovered, and where nothing could be recovered
//! (no events storage). Plain data; it must never read a clock.

use std::collections::VecDeque;
use std::fmt;

use crate::tts::Timestamp;

/// One reconnect, for the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconnectMarker {
    /// When the previous stream ended (our clock).
    pub at: Timestamp,
    /// Why, for people.
    pub cause: String,
    /// Reconnects tried so far in this outage (the status bar numbers the
    /// next one after them).
    pub attempts: u32,
    /// When the stream was back (our clock); `None` while still retrying.
    pub reconnected_at: Option<Timestamp>,
    /// Why retrying stopped before the stream was back (a refused key, the
    /// user's Disconnect); `None` while retrying, or once reconnected.
    pub stopped: Option<String>,
    /// The `after` the resume asked for.
    pub resumed_after: Option<Timestamp>,
    /// The time of the `events.stream.start` that followed (the server's
    /// clock): this end comes before it, whatever the two clocks say.
    pub next_start: Option<Timestamp>,
    /// The start of the stream that ended (its `events.stream.start` time,
    /// else when it opened): this end comes after it, whatever the clocks say.
    pub prev_start: Option<Timestamp>,
    /// New events on the new stream no later than its start (`events.stream.start`
    /// time, else `reconnected_at`): what the resume recovered.
    pub backfilled: u64,
    /// No events storage (`X-Warning`): nothing could be back-filled between
    /// these times (the newest event before the drop, else the drop; the reconnect).
    pub gap: Option<(Timestamp, Timestamp)>,
}

impl ReconnectMarker {
    /// Adds a new marker for a stream that ended at `at`, dropping the oldest
    /// past `capacity`; `false` when none are kept (capacity 0).
    pub(super) fn push(
        markers: &mut VecDeque<ReconnectMarker>,
        capacity: usize,
        at: Timestamp,
        cause: String,
        prev_start: Option<Timestamp>,
    ) -> bool {
        if capacity == 0 {
            return false;
        }
        while markers.len() >= capacity {
            markers.pop_front();
        }
        markers.push_back(ReconnectMarker {
            at,
            cause,
            attempts: 0,
            reconnected_at: None,
            stopped: None,
            resumed_after: None,
            next_start: None,
            prev_start,
            backfilled: 0,
            gap: None,
        });
        true
    }
}

impl fmt::Display for ReconnectMarker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.cause)?;
        match (self.reconnected_at, self.gap) {
            (None, _) => match &self.stopped {
                Some(reason) => write!(f, "Not reconnected: {reason}"),
                None if self.attempts == 0 => f.write_str("Reconnecting."),
                None => {
                    let s = if self.attempts == 1 { "" } else { "s" };
                    write!(f, "Reconnecting ({} attempt{s} so far).", self.attempts)
                }
            },
            (Some(_), Some((from, to))) => write!(
                f,
                "Reconnected, but the server keeps no event history: events between {} and {} \
                 cannot be back-filled.",
                from.to_rfc3339_millis(),
                to.to_rfc3339_millis()
            ),
            (Some(_), None) => {
                let s = if self.backfilled == 1 { "" } else { "s" };
                write!(f, "Reconnected; {} event{s} back-filled.", self.backfilled)
            }
        }
    }
}
