//! Virtualized rows: a lane (or the flat view) puts in the DOM only the rows
//! in and just around the viewport, with spacers standing for the rest, so
//! 100,000 events cost what 60 do.
//!
//! Every closed row has the same height (two lines, measured once from the
//! DOM); the one open row (its JSON tree) adds a measured extra height, so
//! positions are arithmetic and scrolling never jumps. The spacers are
//! sibling `<li>`s (not padding on the list), so the browser's scroll
//! anchoring keeps what the user is reading in place when rows arrive above
//! it: between scrolls, a list keeps showing the same events and grows its
//! top spacer instead.

use leptos::prelude::*;

use super::event_row::EventRow;
use super::state::Viewer;
use crate::store::{Ordered, Seq};

/// Rows rendered beyond each edge of the viewport.
const OVERSCAN: usize = 12;
/// Rows rendered before the list could be measured.
const INITIAL: usize = 40;

/// Row geometry: closed rows are `row_h` high; the open row (if in this list, at
/// display position `open`) is `extra` higher.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Geometry {
    row_h: f64,
    open: Option<usize>,
    extra: f64,
}

impl Geometry {
    /// The top of row `i` from the top of the first row.
    fn top(&self, i: usize) -> f64 {
        let extra = match self.open {
            Some(o) if i > o => self.extra,
            _ => 0.0,
        };
        i as f64 * self.row_h + extra
    }

    /// The row at `px` from the top of the first row.
    fn index_at(&self, px: f64) -> usize {
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
struct Window {
    start: usize,
    end: usize,
    first: Option<(i64, Seq)>,
    tick: u64,
    newest_first: bool,
}

/// The rows of one lane (`lane` = its key) or of the flat view (`None`).
#[component]
pub fn VirtualRows(
    lane: Option<String>,
    /// Show which entities each event names (flat view).
    #[prop(optional)]
    show_entities: bool,
) -> impl IntoView {
    let viewer = Viewer::expect();
    let lane = StoredValue::new(lane);
    let len = Memo::new(move |_| {
        viewer.with(|m| lane.with_value(|l| m.store().rows(l.as_deref()).map_or(0, Ordered::len)))
    });
    let newest_first = Memo::new(move |_| viewer.with(|m| m.settings().newest_first));
    let selected = Memo::new(move |_| viewer.with(|m| m.selected().map(str::to_owned)));
    // Where the open row is in this list, if it is.
    let open = Memo::new(move |_| {
        let selected = selected.get()?;
        let nf = newest_first.get();
        len.track();
        viewer.with_untracked(|m| {
            let t = m.store();
            let seq = t
                .find(&selected)
                .or_else(|| selected.strip_prefix('#')?.parse().ok())?;
            let time = t.event(seq)?.time.unix_nanos();
            lane.with_value(|l| t.rows(l.as_deref())?.display_position(time, seq, nf))
        })
    });
    let geometry = Memo::new(move |_| {
        let (row_h, extra) = viewer.viewport.with(|v| (v.row_h, v.extra));
        Geometry {
            row_h: row_h.max(1.0),
            open: open.get(),
            extra: extra.max(0.0),
        }
    });
    let key = lane.with_value(|l| l.clone().unwrap_or_default());
    let window = Memo::new(move |prev: Option<&Window>| {
        let (height, tick, rect) = viewer.viewport.with(|v| {
            let rect = lane.with_value(|l| v.lists.get(l.as_deref().unwrap_or("")).copied());
            (v.height, v.tick, rect)
        });
        let n = len.get();
        let nf = newest_first.get();
        let g = geometry.get();
        let first_at = |start: usize| {
            viewer.with_untracked(|m| {
                let t = m.store();
                lane.with_value(|l| {
                    let seq = *t.rows(l.as_deref())?.window(start, start + 1, nf).first()?;
                    Some((t.event(seq)?.time.unix_nanos(), seq))
                })
            })
        };
        // No scroll since the last window, which starts above the viewport:
        // stay on the same events (rows arriving above are out of sight; the
        // browser's scroll anchoring moves the page by their height).
        if let Some(prev) = prev.filter(|p| p.tick == tick && p.newest_first == nf && p.start > 0) {
            let moved = prev.first.and_then(|(time, seq)| {
                viewer.with_untracked(|m| {
                    lane.with_value(|l| {
                        m.store()
                            .rows(l.as_deref())?
                            .display_position(time, seq, nf)
                    })
                })
            });
            if let Some(start) = moved {
                let end = (start + (prev.end - prev.start).max(INITIAL)).min(n);
                return Window {
                    start,
                    end,
                    first: prev.first,
                    tick,
                    newest_first: nf,
                };
            }
        }
        // Where the list was at the last measurement, relative to the viewport;
        // rows start after the top spacer, which is part of the list.
        let (start, end) = match rect {
            Some((top, bottom)) if height > 0.0 => {
                if top > height * 2.0 || bottom < -height {
                    (0, 0) // far out of view: spacers only
                } else {
                    let from = g.index_at(-top).saturating_sub(OVERSCAN);
                    let to = g.index_at(height - top) + 1 + OVERSCAN;
                    (from.min(n), to.min(n))
                }
            }
            _ => (0, n.min(INITIAL)),
        };
        Window {
            start,
            end,
            first: first_at(start),
            tick,
            newest_first: nf,
        }
    });
    let rows = move || {
        let w = window.get();
        viewer.with(|m| {
            lane.with_value(|l| {
                m.store()
                    .rows(l.as_deref())
                    .map(|o| o.window(w.start, w.end, w.newest_first))
                    .unwrap_or_default()
            })
        })
    };
    let above = move || {
        let w = window.get();
        format!("{}px", geometry.get().top(w.start))
    };
    let below = move || {
        let w = window.get();
        let g = geometry.get();
        let n = len.get();
        format!("{}px", (g.top(n) - g.top(w.end.min(n))).max(0.0))
    };
    view! {
        <ol class="rows" data-lane=key>
            <li class="spacer" role="presentation" aria-hidden="true" style:height=above></li>
            <For each=rows key=|seq| *seq let:seq>
                <EventRow at=seq show_entities=show_entities />
            </For>
            <li class="spacer" role="presentation" aria-hidden="true" style:height=below></li>
        </ol>
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
}
