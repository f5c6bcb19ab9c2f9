//! The numbers the status bar shows about the events that arrived: how many,
//! how fast, which frames could not be read, and the server's warning.
//!
//! Plain data, updated by the model at the same step that moves events into
//! the timeline, so "received" and "shown" never disagree in a frame. It must
//! never read a clock: times come in as milliseconds.

/// A frame (or capture line) that could not be read, for the Problems panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedFrame {
    pub reason: String,
    pub excerpt: String,
}

/// Skipped frames kept with their excerpts (the rest are only counted).
pub const MAX_SKIPPED_KEPT: usize = 200;

/// How far back the events/s figure looks (ms).
const RATE_WINDOW_MS: f64 = 5_000.0;

/// Counters shown in the status bar.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// Events received on this connection or from this capture (duplicates
    /// dropped; paused ones included), counted when they reach the timeline
    /// or the pause buffer.
    pub received: u64,
    /// Recent (milliseconds, events) samples for the events/s figure.
    samples: Vec<(f64, u64)>,
    /// The first [`MAX_SKIPPED_KEPT`] frames that could not be read, with excerpts.
    pub skipped: Vec<SkippedFrame>,
    /// How many frames could not be read (all of them, kept or not).
    pub skipped_count: u64,
    /// The server's `X-Warning`, e.g. "Events storage is not enabled".
    pub warning: Option<String>,
    /// When the last event arrived (ms).
    pub last_arrival_ms: Option<f64>,
}

impl Stats {
    /// Events per second over the last five seconds at `now_ms`.
    pub fn rate(&self, now_ms: f64) -> f64 {
        let recent: u64 = self
            .samples
            .iter()
            .filter(|(t, _)| now_ms - t <= RATE_WINDOW_MS)
            .map(|(_, n)| n)
            .sum();
        recent as f64 / (RATE_WINDOW_MS / 1000.0)
    }

    /// Counts frames that could not be read, keeping the first few.
    pub fn skip(&mut self, frames: impl IntoIterator<Item = SkippedFrame>) {
        for f in frames {
            self.skipped_count += 1;
            if self.skipped.len() < MAX_SKIPPED_KEPT {
                self.skipped.push(f);
            }
        }
    }

    /// Counts one frame that could not be read; `describe` is called only if
    /// it is one of the first few kept (a million bad lines cost a count each).
    pub fn skip_one(&mut self, describe: impl FnOnce() -> SkippedFrame) {
        self.skipped_count += 1;
        if self.skipped.len() < MAX_SKIPPED_KEPT {
            self.skipped.push(describe());
        }
    }

    /// Records `n` events arriving at `now_ms`, forgetting samples older than the window.
    pub fn record(&mut self, now_ms: f64, n: u64) {
        if n == 0 {
            return;
        }
        self.received += n;
        self.last_arrival_ms = Some(now_ms);
        self.samples.retain(|(t, _)| now_ms - t <= RATE_WINDOW_MS);
        self.samples.push((now_ms, n));
    }

    /// Forgets the skipped frames (Clear).
    pub fn clear_skipped(&mut self) {
        self.skipped.clear();
        self.skipped_count = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_counts_the_last_five_seconds_only() {
        let mut stats = Stats::default();
        stats.record(0.0, 100);
        stats.record(4_000.0, 10);
        stats.record(5_000.0, 15);
        assert_eq!(stats.received, 125);
        assert_eq!(stats.rate(5_000.0), 25.0);
        assert_eq!(stats.rate(20_000.0), 0.0);
        stats.record(30_000.0, 5);
        assert_eq!(stats.samples.len(), 1);
    }

    #[test]
    fn skipped_frames_are_all_counted_but_only_the_first_kept() {
        let mut stats = Stats::default();
        let frame = |i: usize| SkippedFrame {
            reason: format!("bad {i}"),
            excerpt: String::new(),
        };
        stats.skip((0..MAX_SKIPPED_KEPT + 50).map(frame));
        stats.skip([frame(9_999)]);
        assert_eq!(stats.skipped_count, MAX_SKIPPED_KEPT as u64 + 51);
        assert_eq!(stats.skipped.len(), MAX_SKIPPED_KEPT);
        assert_eq!(stats.skipped[0].reason, "bad 0");
    }
}
