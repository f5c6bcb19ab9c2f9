//! The viewer's shared state, provided as context: reads flow down as
//! signals, writes go through these named fields. The store is one signal
//! holding plain data (not a signal per event), and arriving events are
//! applied to it in batches, once per animation frame.

use std::collections::HashSet;

use leptos::prelude::*;

use crate::config::ViewerConfig;
use crate::form::FormInput;
use crate::share::ViewState;
use crate::store::Timeline;
use crate::stream::session::ReconnectMarker;
use crate::trust::SavedKeys;
use crate::tts::{ApiError, Event, Timestamp};

/// Where the connection stands, for the status bar and the Connect button.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnState {
    Idle,
    Connecting,
    Streaming,
    /// The stream ended or could not be opened; a new attempt is due at `at`.
    Reconnecting {
        cause: String,
        at: Timestamp,
    },
    /// The browser is offline; the session reconnects when it is back.
    Offline,
    /// The server refused, or broke off with an error retrying cannot fix.
    Failed(ApiError),
    /// Showing an imported capture, offline; `progress` (0–1) while it loads.
    Capture {
        name: String,
        progress: Option<f64>,
    },
    /// A capture named by a link could not be loaded.
    CaptureFailed {
        name: String,
        reason: String,
    },
}

impl ConnState {
    /// Whether a stream is running or will be retried (the button says Disconnect).
    pub fn is_active(&self) -> bool {
        matches!(
            self,
            ConnState::Connecting
                | ConnState::Streaming
                | ConnState::Reconnecting { .. }
                | ConnState::Offline
        )
    }

    /// One word for the status bar.
    pub fn word(&self) -> &'static str {
        match self {
            ConnState::Idle => "not connected",
            ConnState::Connecting => "connecting",
            ConnState::Streaming => "streaming",
            ConnState::Reconnecting { .. } => "reconnecting",
            ConnState::Offline => "offline",
            ConnState::Failed(_) => "error",
            ConnState::Capture { .. } => "offline capture",
            ConnState::CaptureFailed { .. } => "error",
        }
    }
}

/// A frame that could not be read, for the status bar's count and details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedFrame {
    pub reason: String,
    pub excerpt: String,
}

/// Counters shown in the status bar.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// Events received on this connection (including duplicates and paused ones).
    pub received: u64,
    /// Recent (milliseconds, events) samples for the events/s figure.
    pub samples: Vec<(f64, u64)>,
    /// The first [`MAX_SKIPPED_KEPT`] frames that could not be read, with excerpts.
    pub skipped: Vec<SkippedFrame>,
    /// How many frames could not be read (all of them, kept or not).
    pub skipped_count: u64,
    /// The server's `X-Warning`, e.g. "Events storage is not enabled".
    pub warning: Option<String>,
    /// Successful reconnects of the current session.
    pub reconnects: u64,
}

impl Stats {
    /// Events per second over the last five seconds at `now_ms`.
    pub fn rate(&self, now_ms: f64) -> f64 {
        let window = 5_000.0;
        let recent: u64 = self
            .samples
            .iter()
            .filter(|(t, _)| now_ms - t <= window)
            .map(|(_, n)| n)
            .sum();
        recent as f64 / (window / 1000.0)
    }

    /// Counts frames that could not be read, keeping the first few for the Problems panel.
    pub fn skip(&mut self, frames: impl IntoIterator<Item = SkippedFrame>) {
        for f in frames {
            self.skipped_count += 1;
            if self.skipped.len() < MAX_SKIPPED_KEPT {
                self.skipped.push(f);
            }
        }
    }

    /// Records `n` events arriving at `now_ms`, forgetting samples older than the window.
    pub fn record(&mut self, now_ms: f64, n: u64) {
        self.received += n;
        self.samples.retain(|(t, _)| now_ms - t <= 5_000.0);
        self.samples.push((now_ms, n));
    }
}

/// How the timeline is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ViewSettings {
    pub utc: bool,
    pub newest_first: bool,
    pub flat: bool,
    pub follow: bool,
}

impl Default for ViewSettings {
    fn default() -> Self {
        Self {
            utc: true,
            newest_first: true,
            flat: false,
            follow: true,
        }
    }
}

/// Skipped frames kept with their excerpts (the rest are only counted).
pub const MAX_SKIPPED_KEPT: usize = 200;

/// Events waiting for an animation frame beyond which they are applied at once.
const MAX_QUEUED: usize = 20_000;

/// The page's viewport and row sizes (CSS px), for the virtualized lists.
#[derive(Debug, Clone, PartialEq)]
pub struct Viewport {
    /// The window's inner height (0 before the first measurement).
    pub height: f64,
    /// The height of a closed row, measured from the DOM.
    pub row_h: f64,
    /// How much taller than a closed row the open row (its JSON tree) is.
    pub extra: f64,
    /// Each virtualized list's top and bottom relative to the viewport, by lane key (`""` = flat view).
    pub lists: std::collections::HashMap<String, (f64, f64)>,
    /// Bumped by every measurement, so lists look again at where they are.
    pub tick: u64,
}

impl Default for Viewport {
    fn default() -> Self {
        Self {
            height: 0.0,
            row_h: 44.0,
            extra: 0.0,
            lists: std::collections::HashMap::new(),
            tick: 0,
        }
    }
}

/// Everything the components share.
#[derive(Clone, Copy)]
pub struct Viewer {
    pub timeline: RwSignal<Timeline>,
    pub conn: RwSignal<ConnState>,
    pub stats: RwSignal<Stats>,
    pub settings: RwSignal<ViewSettings>,
    /// While paused, arriving events wait here.
    pub paused: RwSignal<bool>,
    pub pending: RwSignal<Vec<Event>>,
    /// The `unique_id` of the event whose JSON is open.
    pub selected: RwSignal<Option<String>>,
    /// Keys of collapsed lanes.
    pub collapsed: RwSignal<HashSet<String>>,
    /// Ticks once a second so times like "3 s ago" and events/s refresh.
    pub clock: RwSignal<f64>,
    /// The session's reconnects, shown as markers in the timeline.
    pub reconnects: RwSignal<Vec<ReconnectMarker>>,
    /// What the connect form holds (the key in memory only).
    pub form: RwSignal<FormInput>,
    /// The deployment's `config.json` (defaults until it has loaded).
    pub config: RwSignal<ViewerConfig>,
    /// The keys saved on this device (per cluster) and the clusters used.
    pub saved: RwSignal<SavedKeys>,
    /// The cluster origin the user confirmed on this page (after a link set it).
    pub confirmed: RwSignal<Option<String>>,
    /// A key saved by an older version, for no cluster, was removed at start.
    pub legacy_key_removed: RwSignal<bool>,
    /// What the user typed in the filter box, and why it cannot be applied, if so.
    pub filter_text: RwSignal<String>,
    pub filter_error: RwSignal<Option<String>>,
    /// Where the page is scrolled, for the virtualized lists.
    pub viewport: RwSignal<Viewport>,
    /// Events received but not yet applied (until the next animation frame).
    incoming: StoredValue<Vec<Event>>,
    flush_scheduled: StoredValue<bool>,
    /// The request part of the shared view: what was last connected to or opened from a link.
    pub shared: StoredValue<ViewState>,
}

impl Viewer {
    pub fn new() -> Self {
        Self {
            timeline: RwSignal::new(Timeline::new()),
            conn: RwSignal::new(ConnState::Idle),
            stats: RwSignal::new(Stats::default()),
            settings: RwSignal::new(ViewSettings::default()),
            paused: RwSignal::new(false),
            pending: RwSignal::new(Vec::new()),
            selected: RwSignal::new(None),
            collapsed: RwSignal::new(HashSet::new()),
            clock: RwSignal::new(0.0),
            reconnects: RwSignal::new(Vec::new()),
            form: RwSignal::new(FormInput::default()),
            config: RwSignal::new(ViewerConfig::default()),
            saved: RwSignal::new(SavedKeys::default()),
            confirmed: RwSignal::new(None),
            legacy_key_removed: RwSignal::new(false),
            shared: StoredValue::new(ViewState::default()),
            filter_text: RwSignal::new(String::new()),
            filter_error: RwSignal::new(None),
            viewport: RwSignal::new(Viewport::default()),
            incoming: StoredValue::new(Vec::new()),
            flush_scheduled: StoredValue::new(false),
        }
    }

    /// The viewer provided by `<App/>`.
    pub fn expect() -> Self {
        expect_context::<Viewer>()
    }

    /// Adds events to the timeline (at the next animation frame, together
    /// with whatever else arrived meanwhile), or to the pending buffer while paused.
    pub fn accept(&self, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        if self.paused.get_untracked() {
            self.pending.update(|p| p.extend(events));
            return;
        }
        let queued = self
            .incoming
            .try_update_value(|q| {
                q.extend(events);
                q.len()
            })
            .unwrap_or_default();
        // A hidden tab gets no animation frames: past a bound, apply at once.
        if queued >= MAX_QUEUED || !cfg!(target_arch = "wasm32") {
            self.flush();
        } else if !self.flush_scheduled.get_value() {
            self.flush_scheduled.set_value(true);
            let this = *self;
            request_animation_frame(move || this.flush());
        }
    }

    /// Applies the events waiting for the next animation frame now (one update of the timeline).
    pub fn flush(&self) {
        self.flush_scheduled.set_value(false);
        let batch = self
            .incoming
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        if batch.is_empty() {
            return;
        }
        self.timeline.update(|t| {
            for e in batch {
                t.push(e);
            }
        });
    }

    /// Leaves pause: the buffered events join the timeline.
    pub fn resume(&self) {
        self.paused.set(false);
        let pending = self.pending.try_update(std::mem::take).unwrap_or_default();
        self.accept(pending);
    }

    /// Empties the timeline (the connection, if any, goes on).
    pub fn clear(&self) {
        self.incoming.update_value(Vec::clear);
        self.timeline.update(Timeline::clear);
        self.pending.update(Vec::clear);
        self.selected.set(None);
        self.stats.update(|s| {
            s.skipped.clear();
            s.skipped_count = 0;
        });
    }
}

impl Default for Viewer {
    fn default() -> Self {
        Self::new()
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
        // Old samples are forgotten as new ones arrive.
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

    #[test]
    fn only_connecting_and_streaming_are_active() {
        assert!(ConnState::Connecting.is_active());
        assert!(ConnState::Streaming.is_active());
        assert!(!ConnState::Idle.is_active());
        assert!(ConnState::Offline.is_active());
        let waiting = ConnState::Reconnecting {
            cause: "The server ended the stream.".into(),
            at: Timestamp::from_unix_millis(0),
        };
        assert!(waiting.is_active());
        assert_eq!(waiting.word(), "reconnecting");
    }
}
