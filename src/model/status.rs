//! [`Status`]: where the viewer stands, for the status bar, the banner, the
//! Connect button and the timeline's empty state — read from the session's
//! own state and the import's, never kept a second time.

use super::capture::CaptureState;
use super::failure::Failure;
use super::{Model, Source};
use crate::stream::session::{Backfill, State, StopReason};
use crate::tts::Timestamp;

/// How long a stream catching up on history may fall quiet before its
/// back-fill counts as done (ms).
pub const HISTORY_QUIET_MS: f64 = 2_000.0;

/// Where the viewer stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Status<'a> {
    /// Nothing connected or imported.
    Idle,
    /// An attempt is being made (the first, or a retry); `url` is what is tried.
    Connecting {
        url: String,
        attempt: u32,
        /// Why the previous attempt failed, if one did.
        failure: Option<&'a Failure>,
    },
    /// The stream is open; catching up on history if `backfill` says so.
    Streaming { backfill: Option<Backfill> },
    /// The last attempt failed; the next is due at `at`.
    Retrying {
        at: Timestamp,
        attempt: u32,
        failure: Option<&'a Failure>,
        cause: &'a str,
    },
    /// The browser is offline; the session reconnects when it is back.
    Offline { failure: Option<&'a Failure> },
    /// No retrying: the user disconnected, the server refused, or a first
    /// connection never worked; Reconnect (or Connect) starts again.
    Stopped {
        reason: &'a StopReason,
        failure: Option<&'a Failure>,
    },
    /// A capture, loading or loaded, or one that could not be read.
    Capture {
        name: &'a str,
        state: &'a CaptureState,
        /// An opened snapshot link's note ("Snapshot of N events shared on …; not live").
        snapshot: Option<&'a str>,
    },
}

impl Status<'_> {
    /// One word (or two) for the status bar.
    pub fn word(&self) -> &'static str {
        match self {
            Status::Idle => "not connected",
            Status::Connecting { .. } => "connecting",
            Status::Streaming { .. } => "streaming",
            Status::Retrying { .. } => "retrying",
            Status::Offline { .. } => "offline",
            Status::Stopped {
                reason: StopReason::Disconnected,
                ..
            } => "disconnected",
            Status::Stopped { .. } => "error",
            Status::Capture {
                state: CaptureState::Failed(_),
                ..
            } => "error",
            Status::Capture {
                snapshot: Some(_), ..
            } => "snapshot, not live",
            Status::Capture { .. } => "offline capture",
        }
    }

    /// What an empty timeline says: never "connect" while connecting or retrying.
    pub fn empty_timeline(&self) -> &'static str {
        match self {
            Status::Idle
            | Status::Stopped {
                reason: StopReason::Disconnected,
                ..
            } => "No events yet. Connect to a cluster to watch its events arrive.",
            Status::Connecting { .. } => "Waiting for the cluster to answer…",
            Status::Streaming { .. } => {
                "Connected. No events yet: they appear here as they happen."
            }
            Status::Retrying { .. } | Status::Offline { .. } | Status::Stopped { .. } => {
                "No events yet: the connection has not worked so far (see above)."
            }
            Status::Capture {
                state: CaptureState::Loading { .. },
                ..
            } => "Loading the capture…",
            Status::Capture { .. } => "The capture holds no events.",
        }
    }

    /// Whether a stream is running or will be retried (the button says Disconnect).
    pub fn is_active(&self) -> bool {
        matches!(
            self,
            Status::Connecting { .. }
                | Status::Streaming { .. }
                | Status::Retrying { .. }
                | Status::Offline { .. }
        )
    }
}

impl Model {
    /// What an empty timeline says ([`Status::empty_timeline`]); a capture
    /// read to the end with none of its lines an event says how many it skipped.
    pub fn empty_timeline(&self) -> String {
        let skipped = self.stats.skipped_count;
        match self.status() {
            Status::Capture {
                state: CaptureState::Loaded,
                ..
            } if skipped > 0 => {
                let s = if skipped == 1 { "" } else { "s" };
                format!(
                    "The capture holds no events: {skipped} line{s} could not be read as one (the status bar's “skipped malformed” lists them)."
                )
            }
            status => status.empty_timeline().to_owned(),
        }
    }

    /// Where the viewer stands now.
    pub fn status(&self) -> Status<'_> {
        match &self.source {
            Source::Nothing => Status::Idle,
            Source::Capture(c) => Status::Capture {
                name: &c.name,
                state: &c.state,
                snapshot: c.snapshot.as_deref(),
            },
            Source::Live(live) => {
                let failure = live.failure.as_ref();
                match live.session.state() {
                    State::Connecting { attempt } => Status::Connecting {
                        url: live.form.cluster.events_url(),
                        attempt: *attempt,
                        failure,
                    },
                    State::Streaming { .. } => Status::Streaming {
                        backfill: live.session.backfill(),
                    },
                    State::Waiting {
                        until,
                        attempt,
                        cause,
                    } => Status::Retrying {
                        at: *until,
                        attempt: *attempt,
                        failure,
                        cause,
                    },
                    State::Offline => Status::Offline { failure },
                    State::Stopped { reason } => Status::Stopped { reason, failure },
                }
            }
        }
    }

    /// The status bar's first words at `now_ms`: the connection's state, or
    /// "paused" with how many wait, or how far a back-fill got (instead of a
    /// rate that would mislead while history pours in). History stops when
    /// the stream falls quiet for [`HISTORY_QUIET_MS`]: TTS marks no end.
    pub fn headline(&self, now_ms: f64) -> String {
        if self.paused {
            return format!("paused ({} new waiting)", self.pending.len());
        }
        match self.backfill(now_ms) {
            Some(b) => match b.expected {
                Some(total) => format!("back-filling history: {} (at most {total})", b.received),
                None => format!("back-filling history: {} so far", b.received),
            },
            None => self.status().word().to_owned(),
        }
    }

    /// The back-fill in progress at `now_ms`, if the stream is still in one.
    pub fn backfill(&self, now_ms: f64) -> Option<Backfill> {
        let Status::Streaming { backfill: Some(b) } = self.status() else {
            return None;
        };
        let quiet = self
            .stats
            .last_arrival_ms
            .is_none_or(|last| now_ms - last > HISTORY_QUIET_MS);
        let done = b.expected.is_some_and(|total| b.received >= total);
        (!quiet && !done).then_some(b)
    }

    /// Whether Reconnect can resume a session (it was stopped).
    pub fn can_reconnect(&self) -> bool {
        matches!(self.status(), Status::Stopped { .. })
    }
}
