//! The lane list beside the timeline: every lane with its count (its matches under a filter) and last
//! activity; a click jumps to the lane (and expands it). With thousands of
//! entities only the entries near the list's visible part exist (see
//! `model::lane_window::place_list`), and a jump to a lane not drawn yet
//! draws it first, then scrolls it into view and focuses it.

use leptos::prelude::*;

use super::format;
use super::state::Viewer;
use super::time;
use super::timeline::{lane_dom_id, lane_heading};
use crate::model::lane_window::place_list;

/// How many frames a jump waits for its lane to be drawn and to settle.
const JUMP_FRAMES: u32 = 60;
/// The widest window in which the page is one column (`style/main.css`).
const ONE_COLUMN_PX: f64 = 900.0;
/// How many frames in a row the lane must stay in view before the jump ends.
const SETTLED_FRAMES: u32 = 3;

/// Where lane element `id` is: absent, out of view, or in view.
#[derive(PartialEq)]
enum Seen {
    Absent,
    Away,
    InView,
}

fn lane_element(id: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}

fn seen(id: &str) -> Seen {
    let (Some(el), Some(window)) = (lane_element(id), web_sys::window()) else {
        return Seen::Absent;
    };
    let r = el.get_bounding_client_rect();
    let height = super::viewport::inner_height(&window);
    // Its header on screen (the last lanes cannot scroll to the top).
    if r.top() >= -1.0 && r.top() < height - 40.0 {
        Seen::InView
    } else {
        Seen::Away
    }
}

fn focus_toggle(id: &str) {
    let button = lane_element(id).and_then(|el| el.query_selector(".lane-toggle").ok().flatten());
    if let Some(b) =
        button.and_then(|b| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(b).ok())
    {
        let _ = b.focus();
    }
}

/// Draws lane `key` (pinned, wherever the page is scrolled), scrolls it to
/// the top of the view until it stays there for a few frames (the lanes
/// drawn around it settle), then focuses it and lets the window follow the
/// page again.
fn reveal(viewer: Viewer, key: String, frames_left: u32, settled: u32) {
    if frames_left == JUMP_FRAMES {
        viewer
            .viewport
            .update(|v| v.pinned_lane = Some(key.clone()));
    }
    request_animation_frame(move || {
        let id = lane_dom_id(&key);
        let now = seen(&id);
        if now == Seen::Away {
            if let Some(el) = lane_element(&id) {
                el.scroll_into_view();
            }
        }
        let settled = if now == Seen::InView { settled + 1 } else { 0 };
        if settled >= SETTLED_FRAMES || frames_left == 0 {
            focus_toggle(&id);
            viewer.viewport.update(|v| v.pinned_lane = None);
            return;
        }
        reveal(viewer, key, frames_left - 1, settled);
    });
}

/// The lane list.
#[component]
pub fn LaneList() -> impl IntoView {
    let viewer = Viewer::expect();
    let total = Memo::new(move |_| viewer.with(|m| m.visible_lanes().count()));
    let range = Memo::new(move |_| {
        let (item_h, view) = viewer.viewport.with(|v| (v.list_item_h, v.list_view));
        place_list(total.get(), item_h, view)
    });
    let entries = Memo::new(move |_| {
        let (start, end) = range.get();
        viewer.with(|m| {
            let utc = m.settings().utc;
            let filtered = m.store().filter().is_some();
            m.visible_lanes()
                .skip(start)
                .take(end - start)
                .map(|l| {
                    let (kind, id, _) = lane_heading(l.entity.as_ref());
                    (
                        l.key.clone(),
                        kind,
                        id,
                        (l.shown(filtered), l.count()),
                        time::display(l.last_seen, utc).1,
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    let jump = move |key: String| {
        viewer.act(|m| {
            if m.focused_lane().is_some() {
                m.focus_lane(Some(&key));
            } else if m.is_collapsed(&key) {
                m.toggle_lane(&key);
            }
        });
        reveal(viewer, key, JUMP_FRAMES, 0);
    };
    let spacer = move |after: bool| {
        let item_h = viewer.viewport.with(|v| v.list_item_h);
        let (start, end) = range.get();
        let n = if after { total.get() - end } else { start };
        format!("{}px", n as f64 * item_h)
    };
    // Folded at first where the list sits above the timeline (the page is one
    // column up to 900 px), so a phone's first screen shows events; then as
    // the user left it, also when the list goes and comes back (Clear).
    let unfolded = RwSignal::new(
        web_sys::window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|w| w.as_f64())
            .is_none_or(|w| w > ONE_COLUMN_PX),
    );
    let on_toggle = move |ev: leptos::ev::Event| {
        let open = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|d| d.has_attribute("open"));
        unfolded.set(open);
    };
    view! {
        <Show when=move || total.get() != 0>
            <nav class="lane-list" aria-label="Lanes">
                <details prop:open=move || unfolded.get_untracked() on:toggle=on_toggle>
                    <summary>
                        <h2>{move || format!("Lanes ({})", format::count(total.get() as u64))}</h2>
                    </summary>
                    <ul>
                        <li class="spacer" role="presentation" aria-hidden="true" style:height=move || spacer(false)></li>
                        <For each=move || entries.get() key=|l| l.clone() let:lane>
                            {
                                let (key, kind, id, count, last) = lane;
                                let k = key.clone();
                                let (shown, count) = count;
                                let title = format!("{kind} {id}: {} · last {last}", format::shown_of(shown, count));
                                view! {
                                    <li class="lane-entry" data-lane-key=key>
                                        <button type="button" class="link" on:click=move |_| jump(k.clone())
                                            title=title>
                                            <span class="lane-kind">{kind}</span>" "
                                            <span class="lane-id">{id}</span>
                                            <span class="lane-list-count">{format::count(shown as u64)}</span>
                                        </button>
                                    </li>
                                }
                            }
                        </For>
                        <li class="spacer" role="presentation" aria-hidden="true" style:height=move || spacer(true)></li>
                    </ul>
                </details>
            </nav>
        </Show>
    }
}
