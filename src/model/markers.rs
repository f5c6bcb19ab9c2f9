//! The connection markers as the timeline shows them: of each kind (stream
//! starts, reconnects) the most recent one per line and the earlier ones
//! folded under one line, so a flaky link, which adds one of each per
//! reconnect, does not push the newest events off the page.

use super::{Model, Source};
use crate::store::Marker;
use crate::tts::Timestamp;

/// See [`Model::markers_key`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkersKey {
    starts: usize,
    newest_start: Option<Timestamp>,
    reconnects: u64,
    newest: Option<String>,
}

/// Connection markers of each kind shown one per line, the most recent;
/// earlier ones fold under one line.
pub const RECENT_MARKERS: usize = 3;

/// Markers of one kind as the timeline shows them, oldest first: the most
/// recent [`RECENT_MARKERS`] one per line, the earlier ones folded under one
/// line ("7 earlier reconnects"). None are folded when that would fold one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Folded<T> {
    pub earlier: Vec<T>,
    pub recent: Vec<T>,
}

impl<T> Folded<T> {
    pub fn new(mut all: Vec<T>) -> Self {
        let keep = if all.len() > RECENT_MARKERS + 1 {
            RECENT_MARKERS
        } else {
            all.len()
        };
        let recent = all.split_off(all.len() - keep);
        Folded {
            earlier: all,
            recent,
        }
    }
}

impl Model {
    /// The reconnect markers as the timeline shows them (see [`Folded`]):
    /// up to the session's marker capacity (a thousand), which one per line
    /// would push the newest events off the page on a flaky link.
    pub fn reconnect_lines(&self) -> Folded<String> {
        Folded::new(match &self.source {
            Source::Live(live) => live.session.markers().map(ToString::to_string).collect(),
            _ => Vec::new(),
        })
    }

    /// Changes whenever the markers' lines may have (a marker added, the
    /// newest one updated, the timeline or the session replaced), and costs
    /// one line's text: the view recomputes the lines only when it changes,
    /// not at each flush.
    pub fn markers_key(&self) -> MarkersKey {
        let starts = self.store().markers();
        let (reconnects, newest) = match &self.source {
            Source::Live(live) => (
                live.session.reconnects(),
                live.session.markers().next_back().map(ToString::to_string),
            ),
            _ => (0, None),
        };
        MarkersKey {
            starts: starts.len(),
            newest_start: starts.last().map(|m| m.time),
            reconnects,
            newest,
        }
    }

    /// The stream-start markers as the timeline shows them (see [`Folded`]):
    /// one more with each reconnect.
    pub fn stream_starts(&self) -> Folded<Marker> {
        Folded::new(self.store().markers().to_vec())
    }
}
