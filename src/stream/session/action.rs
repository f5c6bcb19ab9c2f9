//! What the session tells the shell: the [`Action`] to take, whether an event
//! is [`Accept::New`], and the [`State`] for the status bar.
//!
//! Why: the vocabulary between the pure [`Session`](super::Session) and the
//! browser shell, apart from the machine itself. Plain data; it must never
//! read a clock.

use crate::tts::Timestamp;

use super::StopReason;

/// Identifies one connection attempt, so reports about an old stream are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConnId(pub(super) u64);

/// What the shell must do now.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Abort any running stream and open a new one. `after: None` means the
    /// user's own request; `Some(t)` means "history after `t`, no `tail`".
    /// Report its fate with [`Session::connected`](super::Session::connected) / [`Session::ended`](super::Session::ended) and `conn`.
    Connect {
        conn: ConnId,
        after: Option<Timestamp>,
    },
    /// Nothing to do before this time; call [`Session::tick`](super::Session::tick) then.
    WaitUntil(Timestamp),
    /// Make sure no stream runs; show the reason and a Reconnect button.
    Stop(StopReason),
    /// Nothing to do (streaming, a request in flight, or offline).
    Idle,
}

/// What [`Session::event`](super::Session::event) made of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// Show it.
    New,
    /// Already received (a resume overlap); drop it.
    Duplicate,
}

/// Where the session is, for the status bar.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// A connection is about to be or being opened; `attempt` counts from 1 per outage.
    Connecting { attempt: u32 },
    /// The stream is open.
    Streaming { since: Timestamp },
    /// Retrying at `until`, after `cause` (for people).
    Waiting {
        until: Timestamp,
        attempt: u32,
        cause: String,
    },
    /// The browser is offline; retrying when it is back.
    Offline,
    /// Not retrying until the user reconnects.
    Stopped { reason: StopReason },
}
