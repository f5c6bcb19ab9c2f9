//! `SessionConfig`: the numbers of the reconnect policy, in one place.
//!
//! Why: the defaults (1 s doubling to 30 s, reset after a healthy minute,
//! resume 1 s early, 50 000 remembered IDs, a stream silent for 120 s is
//! presumed dead) are choices worth seeing together and tests need small ones.
//! Plain data; it must never read a clock.

use std::time::Duration;

/// The knobs; [`Default`] is what the viewer uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionConfig {
    /// The wait before the first retry (before jitter).
    pub initial_backoff: Duration,
    /// The longest wait between retries.
    pub max_backoff: Duration,
    /// A stream up this long resets the backoff.
    pub healthy_after: Duration,
    /// How far before the newest event a resume starts.
    pub resume_margin: Duration,
    /// How many `unique_id`s are remembered for de-duplication (oldest forgotten first).
    pub seen_capacity: usize,
    /// How many reconnect markers are kept (oldest dropped first; the count keeps counting).
    pub marker_capacity: usize,
    /// A stream with no byte for this long is ended and resumed (`None`: never),
    /// for stalled and half-open connections the browser never notices. TTS
    /// sends nothing on an idle stream (no heartbeats, API.md §3.5), so a stall
    /// looks exactly like a quiet stream and this also ends quiet ones: that
    /// costs one reconnect, whose resume loses and doubles nothing, and a
    /// marker saying so. 120 s is generous: TTS's own HTTP/1.1 read timeout (such
    /// paths end streams then anyway), and a connected gateway reports its
    /// stats about once a minute.
    pub stall_timeout: Option<Duration>,
    /// A first connection that never worked stops after this many failed
    /// attempts in a row (`None`: never): a wrong address or a server that
    /// is not TTS will not start working by itself, and the user should be
    /// told so rather than watch retries. A stream that worked once keeps
    /// retrying however long the outage.
    pub give_up_after: Option<u32>,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            healthy_after: Duration::from_secs(60),
            resume_margin: Duration::from_secs(1),
            seen_capacity: 50_000,
            marker_capacity: 1_000,
            stall_timeout: Some(Duration::from_secs(120)),
            give_up_after: Some(5),
        }
    }
}
