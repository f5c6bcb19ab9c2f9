//! Virtualized rows: a lane (or the flat view) puts in the DOM only the rows
//! in and just around the viewport, with spacers standing for the rest, so
//! 100,000 events cost what 60 do.
//!
//! Every closed row has the same height (two lines, measured once from the
//! DOM); the one open row (its JSON tree) adds a measured extra height, so
//! positions are arithmetic and scrolling never jumps. The spacers are
//! sibling `<li>`s (not padding on the list), so scroll anchoring (the
//! browser's in a lane's box, `viewport::anchor`'s where the page scrolls)
//! keeps what the user is reading in place when rows arrive above it:
//! between scrolls, a list keeps showing the same events and grows its top
//! spacer instead.

use leptos::prelude::*;

use super::event_row::{EventRow, ListInputs};
use super::row_events::RowEvents;
use super::state::{FarLanes, Viewer};
use crate::model::window::{place, Geometry, Measured, Window, INITIAL};
use crate::store::{Ordered, Seq};

/// Focuses the row button of `seq` inside `list`, if it is rendered.
fn focus_row(list: &web_sys::Element, seq: Seq) -> bool {
    let found = list
        .query_selector(&format!("li[data-seq='{seq}'] > .row-main"))
        .ok()
        .flatten()
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
    match found {
        Some(button) => button.focus().is_ok(),
        None => false,
    }
}

/// Scrolls `list`'s scroll box (its lane's, or the page) so that `px` from
/// the list's top is in view.
fn scroll_list_to(list: &web_sys::Element, px: f64) {
    let top = list.get_bounding_client_rect().top();
    match list.closest(".lane-body").ok().flatten() {
        Some(body) => {
            let body_top = body.get_bounding_client_rect().top();
            let now = f64::from(body.scroll_top());
            body.set_scroll_top((now + top - body_top + px).max(0.0) as i32);
        }
        None => {
            if let Some(window) = web_sys::window() {
                let now = window.scroll_y().unwrap_or(0.0);
                window.scroll_to_with_x_and_y(0.0, (now + top + px - 120.0).max(0.0));
            }
        }
    }
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
    let list_ref = NodeRef::<leptos::html::Ol>::new();
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
    let far = use_context::<FarLanes>();
    let window = Memo::new(move |prev: Option<&Window>| {
        // Not measured yet: a page's worth for a list as tall as the page, a
        // box's worth for a lane's list, nothing for a lane far out of view.
        // (The list is made anew when the view changes between lanes, the
        // flat view and one lane on the whole page: read without subscribing.)
        let boxed = viewer.with_untracked(|m| m.focused_lane().is_none() && !m.settings().flat);
        let unmeasured = lane.with_value(|l| match l {
            Some(key) if boxed => {
                if far.is_some_and(|f| f.0.with(|f| f.contains(key))) {
                    0
                } else {
                    viewer.viewport.with(|v| v.lane_sizes.rows_in_box(v.row_h))
                }
            }
            _ => INITIAL,
        });
        let measured = viewer.viewport.with(|v| Measured {
            height: v.height,
            band: lane.with_value(|l| v.bands.get(l.as_deref().unwrap_or("")).copied()),
            tick: v.tick,
            unmeasured,
        });
        len.track();
        let nf = newest_first.get();
        let g = geometry.get();
        viewer.with_untracked(|m| {
            lane.with_value(|l| match m.store().rows(l.as_deref()) {
                Some(rows) => place(prev, rows, nf, g, measured),
                None => place(prev, &Ordered::default(), nf, g, measured),
            })
        })
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
    // The keyboard moved to a row of this list: focus it, scrolling it in first if needed.
    // A row the keyboard just focused is watched for four more windows: while the list
    // settles (around a scroll) the keyed `<For>` may move the row's element, which drops
    // the focus to the page. (Why it moves an element that stays in the window is not
    // known; this repairs the effect, not the cause.)
    let list_key = key.clone();
    let settling = StoredValue::new(None::<(Seq, u8)>);
    Effect::new(move |_| {
        window.track();
        if let Some((seq, left)) = settling.get_value() {
            // Checked at the next frame, after this change's DOM updates.
            request_animation_frame(move || {
                let lost = document()
                    .active_element()
                    .is_none_or(|a| document().body().is_some_and(|b| *b == a));
                if let (true, Some(list)) = (lost, list_ref.get_untracked()) {
                    focus_row(&list, seq);
                }
            });
            settling.set_value((left > 1).then(|| (seq, left - 1)));
        }
        let Some((pending_list, seq)) = viewer.pending_focus.get() else {
            return;
        };
        if pending_list != list_key {
            return;
        }
        let Some(list) = list_ref.get() else {
            return;
        };
        // Focused: nothing pending, and the row watched while the list settles.
        let landed = move |list: &web_sys::Element| {
            let focused = focus_row(list, seq);
            if focused {
                viewer.pending_focus.set(None);
                settling.set_value(Some((seq, 4)));
            }
            focused
        };
        if landed(&list) {
            return;
        }
        let index = viewer.with_untracked(|m| {
            let time = m.store().event(seq)?.time.unix_nanos();
            lane.with_value(|l| {
                m.store().rows(l.as_deref())?.display_position(
                    time,
                    seq,
                    newest_first.get_untracked(),
                )
            })
        });
        match index {
            // The window already holds the row but the DOM has not caught up
            // (this effect can run before the list's own update): try again
            // once it has, rather than waiting for a scroll that will not come.
            Some(i) if window.with_untracked(|w| (w.start..w.end).contains(&i)) => {
                request_animation_frame(move || {
                    landed(&list);
                });
            }
            Some(i) => scroll_list_to(&list, geometry.get_untracked().top(i)),
            None => viewer.pending_focus.set(None),
        }
    });
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
    let inputs = ListInputs {
        selected,
        tab_stop: Memo::new(move |_| {
            viewer.with(|m| lane.with_value(|l| m.tab_stop(l.as_deref())))
        }),
        clock_mode: Memo::new(move |_| viewer.with(|m| (m.settings().relative, m.settings().utc))),
        contents: Memo::new(move |_| {
            viewer.with(|m| {
                let filter = m.applied_filter().unwrap_or_default().to_owned();
                (len.get(), m.store().evicted(), filter)
            })
        }),
    };
    let list = lane.with_value(Clone::clone);
    let events = RowEvents::new(viewer, lane);
    view! {
        <ol class="rows" data-lane=key node_ref=list_ref
            on:click=move |ev| events.click(ev)
            on:keydown=move |ev| events.keydown(ev)
            on:focusin=move |ev| events.focusin(ev)>
            <li class="spacer" role="presentation" aria-hidden="true" style:height=above></li>
            <For each=rows key=|seq| *seq let:seq>
                <EventRow at=seq list=list.clone() show_entities=show_entities inputs=inputs />
            </For>
            <li class="spacer" role="presentation" aria-hidden="true" style:height=below></li>
        </ol>
    }
}
