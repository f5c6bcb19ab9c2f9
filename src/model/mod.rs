//! [`Model`]: the viewer's whole state and its transitions — the connection
//! (a [`Session`] and the decoder of its current stream), the store, the
//! stats, the pause buffer, an import in progress, the view settings and the
//! filter — as plain Rust, tested natively.
//!
//! Why: components render and the core decides. The browser shell
//! (`ui/live.rs`, the import reader) performs I/O and calls these methods;
//! each returns what the shell must do next ([`Todo`]: open a stream, wait
//! until, stop), as the session does one level down. Nothing here reads a
//! clock (times are parameters), touches the DOM, or panics on input; and
//! the connection state is the session's, read through [`Model::status`],
//! never modelled a second time.
//!
//! Counting: events decoded from the stream wait in `incoming` until
//! [`Model::flush`] (at most once a frame), which moves them into the
//! store (or the pause buffer) and counts them as received at the same step,
//! so "received" and "shown" agree in every frame a user can see.

mod capture;
pub mod cursor;
mod failure;
mod form;
mod form_shared;
mod health;
mod journey;
pub mod lane_window;
mod live;
mod markers;
pub mod page_follow;
mod snapshot;
mod stats;
mod status;
mod view;
pub mod window;

#[cfg(test)]
mod tests;

pub use capture::CaptureState;
pub use failure::{explain, Failure, Page};
pub use form::{ConfigState, FormModel};
pub use form_shared::SharedLink;
pub use health::{recompute_due, FleetView};
pub use journey::{Answer, Fetch, OpenJourney, MAX_ASKED};
pub use live::{Open, Todo};
pub use markers::{Folded, MarkerLine, MarkersKey, RECENT_MARKERS};
pub use snapshot::{Share, SNAPSHOT_NAME};
pub use stats::{SkippedFrame, Stats, MAX_SKIPPED_KEPT};
pub use status::Status;
pub use view::{row_key, ViewSettings};

use std::collections::{HashSet, VecDeque};

use crate::share::ViewState;
use crate::store::Timeline;
use crate::stream::session::{ReconnectMarker, Session, SessionConfig};
use crate::tts::Event;

/// Events waiting for a flush beyond which the shell should flush at once
/// (a hidden tab gets no animation frames).
pub const MAX_QUEUED: usize = 20_000;

/// The least time between two flushes (ms): at most ten redraws a second
/// while events pour in, so drawing never crowds out reading the stream; a
/// first event after a quiet spell is applied after the next frame and drawn
/// in the one after.
pub const FLUSH_EVERY_MS: f64 = 100.0;
/// While events pour in, a flush that cost `c` ms (applying the events and
/// drawing them) waits at least `c` times this before the next, so drawing
/// takes at most a third of the page's time and reading the stream the rest.
pub const FLUSH_COST_FACTOR: f64 = 2.0;
/// The longest wait between two flushes (ms): the view moves at least once a second.
pub const FLUSH_AT_MOST_MS: f64 = 1_000.0;

/// Where events come from now.
#[derive(Debug)]
enum Source {
    /// Nothing connected or imported yet (or after a disconnect with no session).
    Nothing,
    /// A live stream and its session.
    Live(Box<live::Live>),
    /// A capture file, loading or loaded.
    Capture(Box<capture::Capture>),
}

/// The viewer's state.
#[derive(Debug)]
pub struct Model {
    store: Timeline,
    stats: Stats,
    /// Decoded, accepted events not yet applied (see the module comment).
    incoming: Vec<Event>,
    /// When the last flush applied events (ms), for [`Model::flush_wait`].
    last_flush_ms: f64,
    /// What the last flush cost (ms), drawing included, as the shell measured it.
    last_flush_cost_ms: f64,
    paused: bool,
    /// Events that arrived while paused: at most the timeline's capacity
    /// (on Resume, older ones would be evicted at once anyway).
    pending: VecDeque<Event>,
    /// Events that arrived while paused and were dropped from `pending`.
    pending_dropped: u64,
    source: Source,
    settings: ViewSettings,
    /// How many times following was asked for (see [`Model::follow_asks`]).
    follow_asks: u64,
    /// The `unique_id` (or `#seq`) of the event whose JSON is open.
    selected: Option<String>,
    /// Keys of collapsed lanes.
    collapsed: HashSet<String>,
    /// The lane given the whole page, if any.
    focused: Option<String>,
    /// The row that holds the keyboard's place.
    cursor: Option<cursor::RowAt>,
    /// The filter box as typed, and why it cannot be applied, if so.
    filter_text: String,
    filter_error: Option<String>,
    /// The request part of the shared view: what was last connected to or
    /// opened from a link (the settings part is read live).
    shared: ViewState,
    /// The reconnect policy of new sessions (from `config.json`).
    policy: SessionConfig,
    /// Where the page runs (for explaining failures).
    page: Page,
    /// A capture link refused unread (name, why), until the next source.
    refused_capture: Option<(String, String, bool)>,
    /// The journey a user opened, and what was fetched for it.
    journey: OpenJourney,
    /// Device lanes shown one row per message.
    messages_lanes: HashSet<String>,
    /// Lanes showing their Health panel.
    health_lanes: HashSet<String>,
    /// The fleet table.
    fleet: FleetView,
    /// Something a user can see changed since the last [`Model::take_dirty`].
    dirty: bool,
}

impl Default for Model {
    fn default() -> Self {
        Self::new()
    }
}

impl Model {
    /// An empty viewer: nothing connected, default settings.
    pub fn new() -> Self {
        Model {
            store: Timeline::new(),
            stats: Stats::default(),
            incoming: Vec::new(),
            last_flush_ms: f64::NEG_INFINITY,
            last_flush_cost_ms: 0.0,
            paused: false,
            pending: VecDeque::new(),
            pending_dropped: 0,
            source: Source::Nothing,
            settings: ViewSettings::default(),
            follow_asks: 0,
            selected: None,
            collapsed: HashSet::new(),
            focused: None,
            cursor: None,
            filter_text: String::new(),
            filter_error: None,
            shared: ViewState::default(),
            policy: SessionConfig::default(),
            page: Page::default(),
            refused_capture: None,
            journey: OpenJourney::default(),
            messages_lanes: HashSet::new(),
            health_lanes: HashSet::new(),
            fleet: FleetView::default(),
            dirty: true,
        }
    }

    /// Sets the reconnect policy of sessions started from now on.
    pub fn configure(&mut self, policy: SessionConfig) {
        self.policy = policy;
    }

    /// Tells the model where the page runs (its origin).
    pub fn set_page(&mut self, page: Page) {
        self.page = page;
    }

    /// Whether anything a user can see changed since the last call (and resets it).
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    fn touch(&mut self) {
        self.dirty = true;
    }

    // --- reading -----------------------------------------------------------

    /// The events retained and their views.
    pub fn store(&self) -> &Timeline {
        &self.store
    }

    /// The status bar's numbers.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Events per second arriving at `now_ms`, while a live session runs or
    /// retries; `None` once it stopped (nothing ticks the clock then, so the
    /// last figure would stay) and for a capture (its figure would only be
    /// how fast the file was read).
    pub fn arrival_rate(&self, now_ms: f64) -> Option<f64> {
        let running = self.session().is_some_and(|s| !s.is_stopped());
        running.then(|| self.stats.rate(now_ms))
    }

    /// Whether arriving events wait in the pause buffer.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// Whether events can still arrive, so Pause and Follow newest mean
    /// something: a session connecting, streaming or retrying. A stopped
    /// one (until Reconnect), a capture or an empty page brings none; while
    /// paused, Resume is always offered.
    pub fn is_live(&self) -> bool {
        self.paused || self.session().is_some_and(|s| !s.is_stopped())
    }

    /// Whether the user's own key opened a stream of this request (so a
    /// share key can be made with it): not after a refused key.
    pub fn key_worked(&self) -> bool {
        self.live_request()
            .is_some_and(|f| f.shared_until.is_none())
            && self.session().is_some_and(|s| s.ever_connected())
    }

    /// Whether Copy link gives a link that shows what is on screen: a
    /// capture read from a local file is in no link (Share these events
    /// carries its events); one opened from a link or a snapshot is.
    pub fn link_reopens_view(&self) -> bool {
        !matches!(self.source, Source::Capture(_))
            || self.shared.capture.is_some()
            || self.shared.snapshot.is_some()
    }

    /// How many events wait for Resume.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Whether decoded events wait for a flush.
    pub fn has_incoming(&self) -> bool {
        !self.incoming.is_empty()
    }

    /// How many decoded events wait for a flush.
    pub fn incoming(&self) -> usize {
        self.incoming.len()
    }

    /// The session's reconnects, for the timeline's markers (oldest first).
    pub fn reconnect_markers(&self) -> Vec<ReconnectMarker> {
        self.session()
            .map(|s| s.markers().cloned().collect())
            .unwrap_or_default()
    }

    /// How many times the stream came back.
    pub fn reconnects(&self) -> u64 {
        self.session().map_or(0, Session::reconnects)
    }

    /// How many times it came back after ending by itself (the user's own
    /// Disconnect and Reconnect are not a flaky link).
    pub fn dropouts(&self) -> u64 {
        self.session().map_or(0, Session::dropouts)
    }

    // --- events into the timeline ------------------------------------------

    /// How long (ms) the shell should wait before the next flush, at `now_ms`:
    /// 0 after a quiet spell; while events pour in, [`FLUSH_EVERY_MS`] after
    /// the last, or [`FLUSH_COST_FACTOR`] times what it cost (at most
    /// [`FLUSH_AT_MOST_MS`]).
    pub fn flush_wait(&self, now_ms: f64) -> f64 {
        let every =
            (self.last_flush_cost_ms * FLUSH_COST_FACTOR).clamp(FLUSH_EVERY_MS, FLUSH_AT_MOST_MS);
        (self.last_flush_ms + every - now_ms).clamp(0.0, every)
    }

    /// The shell measured what the last flush cost (ms): applying its events
    /// and drawing them. Nothing visible changes.
    pub fn flush_cost(&mut self, ms: f64) {
        if ms.is_finite() {
            self.last_flush_cost_ms = ms.max(0.0);
        }
    }

    /// Applies the events waiting since the last flush, at `now_ms`: into the
    /// store, or the pause buffer while paused; counted as received here.
    pub fn flush(&mut self, now_ms: f64) {
        if self.incoming.is_empty() {
            return;
        }
        self.last_flush_ms = now_ms;
        let batch = std::mem::take(&mut self.incoming);
        let n = batch.iter().filter(|e| !e.is_stream_start()).count() as u64;
        self.stats.record(now_ms, n);
        if self.paused {
            self.pending.extend(batch);
            self.trim_pending();
        } else {
            for event in batch {
                self.store.push(event);
            }
        }
        self.touch();
    }

    /// Computes up to `n` row previews not computed yet (idle time); returns
    /// whether some remain. Nothing visible changes, so nothing redraws.
    pub fn warm_previews(&mut self, n: usize) -> bool {
        self.store.warm_previews(n) > 0
    }

    /// Queues accepted events for the next flush.
    fn queue(&mut self, events: impl IntoIterator<Item = Event>) {
        self.incoming.extend(events);
    }

    /// Pause: new events wait (counted) until [`Model::resume`]; nothing
    /// to pause unless events can arrive ([`Model::is_live`]).
    pub fn pause(&mut self) {
        if !self.is_live() {
            return;
        }
        self.paused = true;
        self.touch();
    }

    /// Resume: the waiting events join the timeline.
    pub fn resume(&mut self) {
        self.paused = false;
        for event in std::mem::take(&mut self.pending) {
            self.store.push(event);
        }
        self.touch();
    }

    /// Keeps at most the capacity's worth of paused events, the newest:
    /// Resume would evict the older ones at once, so a long pause in a
    /// flood costs no more memory than the timeline itself.
    fn trim_pending(&mut self) {
        let over = self.pending.len().saturating_sub(self.store.capacity());
        if over > 0 {
            self.pending.drain(..over);
            self.pending_dropped += over as u64;
        }
    }

    /// Events dropped to stay under the capacity: evicted from the timeline,
    /// or dropped while paused.
    pub fn dropped(&self) -> u64 {
        self.store.evicted() + self.pending_dropped
    }

    /// Clear: empties the timeline, the pause buffer and the skipped frames
    /// (a running stream goes on; the received count goes on too).
    pub fn clear(&mut self) {
        self.incoming.clear();
        self.pending.clear();
        self.pending_dropped = 0;
        self.store.clear();
        self.selected = None;
        self.stats.clear_skipped();
        self.touch();
    }

    /// Starts over for a new source: an empty timeline, fresh numbers.
    fn reset_for_new_source(&mut self) {
        self.incoming.clear();
        self.pending.clear();
        self.pending_dropped = 0;
        self.paused = false;
        self.store.clear();
        self.selected = None;
        self.stats = Stats::default();
        self.refused_capture = None;
        self.touch();
    }

    /// Keeps at most `n` events (the oldest are dropped, and counted).
    pub fn set_capacity(&mut self, n: usize) {
        self.store.set_capacity(n);
        self.trim_pending();
        self.touch();
    }
}
