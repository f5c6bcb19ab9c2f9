//! [`Backfill`]: whether the open stream is still catching up on history
//! (the status bar's "back-filling history: 2 (at most 10)"), and how far.

use super::{Session, State};

/// A connection catching up on history before it is live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backfill {
    /// New events this connection delivered so far.
    pub received: u64,
    /// About how many the history holds, when the request bounds it (`tail`
    /// per identifier); `None` for a back-fill `after` a time.
    pub expected: Option<u64>,
}

impl Session {
    /// The open stream is catching up on history (not yet live), and how far.
    pub fn backfill(&self) -> Option<Backfill> {
        if !matches!(self.state, State::Streaming { .. })
            || !self.conn_history
            || self.progress.is_live()
        {
            return None;
        }
        let (tail, ids, user_after) = self.request_history;
        let first = self.reconnects == 0;
        Some(Backfill {
            received: self.progress.conn_new_events,
            expected: (first && tail > 0 && !user_after).then(|| u64::from(tail) * ids as u64),
        })
    }
}
