//! The connection markers as the timeline shows them: stream starts and
//! stream ends in time order, the three most recent one per line and, past
//! four, the earlier ones folded under one line, so a flaky link, which adds
//! two per reconnect, does not push the newest events off the page.

use super::Model;
use crate::tts::Timestamp;

/// One line of the connection markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarkerLine {
    /// A stream went live (the server's `events.stream.start`), with the
    /// event names it was asked for (none: all).
    Started { at: Timestamp, names: Vec<String> },
    /// A stream ended (the browser's clock): the session's line on why and
    /// what followed.
    Ended { at: Timestamp, line: String },
}

impl MarkerLine {
    pub fn at(&self) -> Timestamp {
        match self {
            MarkerLine::Started { at, .. } | MarkerLine::Ended { at, .. } => *at,
        }
    }
}

/// See [`Model::markers_key`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkersKey {
    starts: usize,
    newest_start: Option<Timestamp>,
    reconnects: u64,
    newest: Option<String>,
    unmarked_end: Option<(Timestamp, String, Option<Timestamp>)>,
}

/// How many markers of each kind, the most recent, show one per line when
/// the earlier ones fold (they fold only when there are two or more).
pub const RECENT_MARKERS: usize = 3;

/// Markers as the timeline shows them, oldest first (unless
/// `newest_first`): the most recent [`RECENT_MARKERS`] one per line, the
/// earlier ones folded under one line ("7 earlier connection markers").
/// None are folded when that would fold one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Folded<T> {
    pub earlier: Vec<T>,
    pub recent: Vec<T>,
    /// Newest first (as the rows are): both lists newest first, and the
    /// fold of earlier ones goes last.
    pub newest_first: bool,
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
            newest_first: false,
        }
    }

    /// Each line made into another, the fold kept.
    pub fn map<U>(&self, f: impl Fn(&T) -> U) -> Folded<U> {
        Folded {
            earlier: self.earlier.iter().map(&f).collect(),
            recent: self.recent.iter().map(&f).collect(),
            newest_first: self.newest_first,
        }
    }
}

/// Where a stream's end (`at`, our clock) sorts among the starts (the
/// server's clock): after the start of the stream it ended (`prev`), before
/// the start that followed (`next`), whatever the skew between the clocks.
/// The rank puts it after a start at the same time it was raised to, and
/// before one it was lowered to (starts rank 1).
fn end_key(at: Timestamp, prev: Option<Timestamp>, next: Option<Timestamp>) -> (Timestamp, u8) {
    let key = next.map_or(at, |next| next.min(at));
    match prev {
        Some(prev) if prev > key => (prev, 2),
        _ => (key, 0),
    }
}

impl Model {
    /// A user opened a fold of earlier markers to read them: where the page
    /// scrolls the timeline, following stops, as when they scroll away (it
    /// would scroll what they opened under the bar to show the newest row).
    pub fn markers_opened(&mut self) {
        if self.settings().flat || self.focused_lane().is_some() {
            self.set_follow(false);
        }
    }

    /// Changes whenever the markers' lines may have (a marker added, the
    /// newest one updated, the timeline or the session replaced), and costs
    /// one line's text: the view recomputes the lines only when it changes,
    /// not at each flush.
    pub fn markers_key(&self) -> MarkersKey {
        let starts = self.store().markers();
        let newest = self
            .session()
            .and_then(|s| s.markers().next_back().map(|m| s.marker_line(m)));
        MarkersKey {
            starts: starts.len(),
            newest_start: starts.last().map(|m| m.time),
            reconnects: self.reconnects(),
            newest,
            unmarked_end: self.session().and_then(|s| s.unmarked_end()),
        }
    }

    /// Every connection marker in time order, a stream's end before the
    /// start that followed it (and the end of a stream the user disconnected,
    /// before any Reconnect), folded as [`Folded`] says. Starts carry the
    /// server's time and ends the browser's, so an end sorts no later than
    /// the start that followed it (`ReconnectMarker::next_start`), whatever
    /// the skew between the two clocks.
    pub fn marker_lines(&self) -> Folded<MarkerLine> {
        let starts = self.store().markers().iter().map(|m| {
            let crate::store::MarkerKind::StreamStarted { names } = &m.kind;
            let line = MarkerLine::Started {
                at: m.time,
                names: names.clone(),
            };
            ((m.time, 1), line)
        });
        let ends = self.session().into_iter().flat_map(|s| {
            s.markers().map(|m| {
                let line = MarkerLine::Ended {
                    at: m.at,
                    line: s.marker_line(m),
                };
                (end_key(m.at, m.prev_start, m.next_start), line)
            })
        });
        // Disconnected: the stream's end shows now, not only once Reconnect
        // makes it a marker (sorted by the same rule).
        let unmarked =
            self.session()
                .and_then(|s| s.unmarked_end())
                .map(|(at, line, prev_start)| {
                    (
                        end_key(at, prev_start, None),
                        MarkerLine::Ended { at, line },
                    )
                });
        let mut all: Vec<((Timestamp, u8), MarkerLine)> =
            starts.chain(ends).chain(unmarked).collect();
        crate::sort::sort_by_key(&mut all, |(key, _)| *key);
        Folded::new(all.into_iter().map(|(_, line)| line).collect())
    }

    /// [`Model::marker_lines`] in the order the timeline shows its rows:
    /// with "Newest first" the newest marker on top and the fold of earlier
    /// ones last, so the markers read the way the rows below them do.
    pub fn marker_lines_shown(&self) -> Folded<MarkerLine> {
        let mut lines = self.marker_lines();
        if self.settings().newest_first {
            lines.earlier.reverse();
            lines.recent.reverse();
            lines.newest_first = true;
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_three_show_and_past_four_the_rest_fold() {
        for (n, folded) in [(0, 0), (1, 0), (3, 0), (4, 0), (5, 2), (6, 3), (1_000, 997)] {
            let f = Folded::new((0..n).collect::<Vec<_>>());
            assert_eq!(f.earlier.len(), folded, "{n} markers");
            assert_eq!(f.recent.len(), n - folded, "{n} markers");
            assert_eq!(f.earlier.iter().chain(&f.recent).count(), n);
            assert!(
                f.earlier.iter().chain(&f.recent).is_sorted(),
                "oldest first"
            );
        }
        assert_eq!(
            Folded::new(vec![1, 2, 3, 4, 5]).map(|x| x * 10).recent,
            [30, 40, 50]
        );
    }

    #[test]
    fn opening_a_fold_stops_following_only_where_the_page_scrolls_the_timeline() {
        let mut m = Model::new();
        assert!(m.settings().follow);
        m.markers_opened();
        assert!(
            m.settings().follow,
            "lanes scroll on their own: nothing to fight"
        );
        m.toggle_flat();
        m.markers_opened();
        assert!(!m.settings().follow);
    }
}
