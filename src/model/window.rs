//! Which rows of a virtualized list exist in the DOM: the arithmetic of
//! positions (every closed row the same height, the open row taller by a
//! measured extra) and of the window around the viewport, kept on the same
//! events when rows arrive above it between scrolls (so the browser's scroll
//! anchoring keeps what the user reads in place).
//!
//! Pure: the component passes what it measured; nothing here reads the DOM.

use crate::store::{Ordered, Seq};

/// Rows rendered beyond each edge of the viewport: about 300 px, more than
/// a wheel step scrolls between two frames. Each is drawn again by a filter
/// (12 drew 20 rows in a lane box showing 7, and a pasted filter spent most
/// of its time drawing and laying out rows no one could see).
pub const OVERSCAN: usize = 6;
/// Rows rendered before the list could be measured.
pub const INITIAL: usize = 40;

/// Row geometry: closed rows are `row_h` high; the open row (if in this list,
/// at display position `open`) is `extra` higher.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub row_h: f64,
    pub open: Option<usize>,
    pub extra: f64,
}

impl Geometry {
    /// The top of row `i` from the top of the first row.
    pub fn top(&self, i: usize) -> f64 {
        let extra = match self.open {
            Some(o) if i > o => self.extra,
            _ => 0.0,
        };
        i as f64 * self.row_h + extra
    }

    /// The row at `px` from the top of the first row.
    pub fn index_at(&self, px: f64) -> usize {
        let px = px.max(0.0);
        let plain = (px / self.row_h) as usize;
        match self.open {
            Some(o) if plain > o => {
                if px < (o + 1) as f64 * self.row_h + self.extra {
                    o
                } else {
                    ((px - self.extra) / self.row_h) as usize
                }
            }
            _ => plain,
        }
    }
}

/// The display positions rendered, and the event at the first (so the window
/// can stay on the same events when rows arrive before the next scroll).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub start: usize,
    pub end: usize,
    pub first: Option<(i64, Seq)>,
    /// The measurement this window was placed by.
    pub tick: u64,
    pub newest_first: bool,
}

/// What the list's last measurement says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    /// The viewport's height (0 before any measurement).
    pub height: f64,
    /// The band of the list a user can see, in px from the list's top: the
    /// viewport, or the lane's own scroll box, whichever is narrower. `None`
    /// before the list was measured.
    pub band: Option<(f64, f64)>,
    /// Which measurement this is.
    pub tick: u64,
    /// How many rows to draw while the list is not measured yet: [`INITIAL`]
    /// for a list as tall as the page, what fits in its box for a lane's, none
    /// for a lane estimated far out of view (see `lane_window::far_lanes`).
    pub unmeasured: usize,
}

/// Places the window of `rows` for the measurement `at`, given the previous
/// window: with no scroll since it (the same tick) and it starting above the
/// viewport, it stays on the same events, however many rows arrived above.
pub fn place(
    prev: Option<&Window>,
    rows: &Ordered,
    newest_first: bool,
    g: Geometry,
    at: Measured,
) -> Window {
    let n = rows.len();
    if let Some(prev) =
        prev.filter(|p| p.tick == at.tick && p.newest_first == newest_first && p.start > 0)
    {
        if let Some(start) = prev
            .first
            .and_then(|(time, seq)| rows.display_position(time, seq, newest_first))
        {
            let end = (start + (prev.end - prev.start).max(INITIAL)).min(n);
            return Window {
                start,
                end,
                first: prev.first,
                tick: at.tick,
                newest_first,
            };
        }
    }
    // The rows in the visible band (and a viewport's height around it).
    let (start, end) = match at.band {
        Some((from, to)) if at.height > 0.0 => {
            if to < -at.height || from > g.top(n) + at.height {
                (0, 0) // far out of view: spacers only
            } else {
                let first = g.index_at(from).saturating_sub(OVERSCAN);
                let last = g.index_at(to.max(0.0)) + 1 + OVERSCAN;
                (first.min(n), last.min(n))
            }
        }
        _ => (0, n.min(at.unmeasured)),
    };
    Window {
        start,
        end,
        first: rows.key_at(start, newest_first),
        tick: at.tick,
        newest_first,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_account_for_the_open_row() {
        let g = Geometry {
            row_h: 40.0,
            open: Some(2),
            extra: 300.0,
        };
        assert_eq!(g.top(2), 80.0);
        assert_eq!(g.top(3), 420.0);
        assert_eq!(g.index_at(0.0), 0);
        assert_eq!(g.index_at(119.0), 2);
        assert_eq!(g.index_at(400.0), 2, "inside the open row");
        assert_eq!(g.index_at(420.0), 3);
        assert_eq!(g.index_at(-50.0), 0);
        let closed = Geometry { open: None, ..g };
        assert_eq!(closed.index_at(400.0), 10);
    }

    fn rows(n: i64) -> Ordered {
        (0..n).map(|i| (i * 10, i as Seq)).collect()
    }

    const G: Geometry = Geometry {
        row_h: 40.0,
        open: None,
        extra: 0.0,
    };

    #[test]
    fn the_window_covers_the_viewport_and_its_overscan() {
        let list = rows(1_000);
        // The list starts 4,000 px above the viewport (row 100 at the top), 800 px high.
        let at = Measured {
            height: 800.0,
            band: Some((4_000.0, 4_800.0)),
            tick: 1,
            unmeasured: INITIAL,
        };
        let w = place(None, &list, false, G, at);
        assert_eq!((w.start, w.end), (100 - OVERSCAN, 120 + 1 + OVERSCAN));
        assert_eq!(
            w.first,
            Some(((100 - OVERSCAN as i64) * 10, (100 - OVERSCAN) as Seq))
        );
        // Far below the viewport: nothing rendered.
        let far = Measured {
            band: Some((-5_000.0, -4_200.0)),
            ..at
        };
        assert_eq!(place(None, &list, false, G, far).end, 0);
        // A lane's own scroll box, 320 px high, scrolled to row 10.
        let lane = Measured {
            band: Some((400.0, 720.0)),
            ..at
        };
        let w = place(None, &list, false, G, lane);
        assert_eq!((w.start, w.end), (10 - OVERSCAN, 18 + 1 + OVERSCAN));
        // Not measured yet: the first rows.
        let unmeasured = Measured {
            height: 0.0,
            band: None,
            tick: 0,
            unmeasured: INITIAL,
        };
        assert_eq!(
            (
                place(None, &list, false, G, unmeasured).start,
                place(None, &list, false, G, unmeasured).end
            ),
            (0, INITIAL)
        );
        // A lane's box not measured yet draws what fits in it; one far out of view, nothing.
        let boxed = Measured {
            unmeasured: 10,
            ..unmeasured
        };
        assert_eq!(place(None, &list, false, G, boxed).end, 10);
        let far = Measured {
            unmeasured: 0,
            ..unmeasured
        };
        assert_eq!(place(None, &list, false, G, far).end, 0);
    }

    #[test]
    fn rows_arriving_above_between_scrolls_keep_the_window_on_the_same_events() {
        let mut list = rows(1_000);
        let at = Measured {
            height: 800.0,
            band: Some((4_000.0, 4_800.0)),
            tick: 7,
            unmeasured: INITIAL,
        };
        let first = place(None, &list, true, G, at);
        // Newest first: 50 newer events arrive above; no scroll (same tick).
        for i in 1_000..1_050 {
            list.insert(i * 10, i as Seq);
        }
        let again = place(Some(&first), &list, true, G, at);
        assert_eq!(again.start, first.start + 50);
        assert_eq!(again.first, first.first);
        // After a scroll (a new measurement) the window follows the viewport again.
        let scrolled = place(Some(&again), &list, true, G, Measured { tick: 8, ..at });
        assert_eq!(scrolled.start, first.start);
    }
}
