//! The page's geometry, read once per animation frame: the viewport, the
//! height of a row and of the open row, and for each virtualized list the
//! band of it a user can see (the viewport, or its lane's own scroll box).
//! Lists compute their windows from this snapshot and never read the DOM
//! themselves, so a frame costs one layout however many lanes there are.
//!
//! Also "follow newest": with it on, each frame that changed the timeline
//! keeps the newest events in view — every lane's scroll box at its newest
//! end, and in the flat view (or one lane given the whole page) the page
//! itself (where, against the connection markers above the rows, is
//! `model::page_follow`'s answer); a user scrolling away from there turns it off.

use super::state::Viewer;

#[cfg(target_arch = "wasm32")]
mod anchor;
#[cfg(target_arch = "wasm32")]
mod lanes;
#[cfg(target_arch = "wasm32")]
mod page;

/// The window's height in CSS px (0 if the browser does not say).
pub(super) fn inner_height(window: &web_sys::Window) -> f64 {
    window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0)
}

/// Starts measuring (and following) for `viewer`.
pub fn install(viewer: Viewer) {
    #[cfg(target_arch = "wasm32")]
    wasm::install(viewer);
    #[cfg(not(target_arch = "wasm32"))]
    let _ = viewer;
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use std::collections::HashMap;

    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    use super::super::state::Viewer;
    use super::lanes::{elements, measure_lanes, measure_list};
    use super::page::{bar_bottom, page_height, timeline_top};
    use super::{anchor, inner_height};
    use crate::model::lane_window::LaneSizes;
    use crate::model::page_follow::SLACK;

    /// Whether the timeline scrolls with the page (flat view, one lane on the
    /// whole page) rather than lane by lane.
    fn page_scrolls(viewer: Viewer) -> bool {
        viewer.with_untracked(|m| m.settings().flat || m.focused_lane().is_some())
    }

    fn lane_bodies(doc: &web_sys::Document) -> Vec<web_sys::Element> {
        doc.document_element()
            .map(|root| elements(&root, ".lane-body"))
            .unwrap_or_default()
    }

    /// Keeps the newest events in view.
    fn scroll_to_newest(viewer: Viewer, window: &web_sys::Window, doc: &web_sys::Document) {
        let newest_first = viewer.with_untracked(|m| m.settings().newest_first);
        if !page_scrolls(viewer) {
            for body in lane_bodies(doc) {
                let top = if newest_first {
                    0
                } else {
                    body.scroll_height()
                };
                if body.scroll_top() != top {
                    body.set_scroll_top(top);
                }
            }
            return;
        }
        if newest_first {
            // Only when the newest are out of view, to right below the bar:
            // a page scrolled up to the toolbar or the form, the newest row
            // still in view, stays where the user put it.
            let row = viewer.viewport.with_untracked(|v| v.row_h);
            if let Some(top) = timeline_top(doc, window, row).filter(|t| t.newest_hidden(1.0)) {
                let now = window.scroll_y().unwrap_or(0.0);
                window.scroll_to_with_x_and_y(0.0, top.follow_y(now));
            }
        } else {
            window.scroll_to_with_x_and_y(0.0, page_height(doc));
        }
    }

    /// One frame's reads: follow (or keep what is read in place), then every
    /// measurement, then one signal update. True when rows are drawn but none
    /// in the window ([`anchor::Found::Undrawn`], after a jump): the next frame
    /// must note the anchor, or the first event to arrive moves what is read.
    fn measure(
        viewer: Viewer,
        follow: bool,
        anchored: StoredValue<Option<anchor::Anchor>>,
    ) -> bool {
        let Some(window) = web_sys::window() else {
            return false;
        };
        let Some(doc) = window.document() else {
            return false;
        };
        let following = viewer.with_untracked(|m| m.settings().follow);
        let page = page_scrolls(viewer);
        let newest_first = viewer.with_untracked(|m| m.settings().newest_first);
        if follow && following {
            scroll_to_newest(viewer, &window, &doc);
        } else if page && !following {
            if let Some(a) = anchored.get_value() {
                anchor::restore(&a, &window, &doc, newest_first);
            }
        }
        let found = (page && !following)
            .then(|| anchor::find(&window, &doc, newest_first, bar_bottom(&doc)));
        let undrawn = matches!(found, Some(anchor::Found::Undrawn));
        anchored.set_value(match found {
            Some(anchor::Found::At(a)) => Some(a),
            _ => None,
        });
        let height_of = |selector: &str| {
            doc.query_selector(selector)
                .ok()
                .flatten()
                .map(|e| e.get_bounding_client_rect().height())
        };
        let row = height_of(".event-row:not(.open)").filter(|h| *h > 0.0);
        let open = height_of(".event-row.open");
        let height = inner_height(&window);
        let mut bands = HashMap::new();
        if let Ok(all) = doc.query_selector_all("ol.rows[data-lane]") {
            for i in 0..all.length() {
                let Some(el) = all
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                else {
                    continue;
                };
                let top = el.get_bounding_client_rect().top();
                // What clips the list: its lane's scroll box, and the viewport.
                let (clip_top, clip_bottom) = match el.closest(".lane-body").ok().flatten() {
                    Some(body) => {
                        let b = body.get_bounding_client_rect();
                        (b.top().max(0.0), b.bottom().min(height))
                    }
                    None => (0.0, height),
                };
                let key = el.get_attribute("data-lane").unwrap_or_default();
                bands.insert(key, (clip_top - top, clip_bottom - top));
            }
        }
        let lanes = measure_lanes(&window, &doc, height);
        let list = measure_list(&doc);
        let nothing_open = viewer.with_untracked(|m| m.selected().is_none());
        viewer.viewport.update(|v| {
            v.lanes_band = lanes.band;
            // The smallest size seen since the lane area last changed width:
            // it never flips between lanes, so the window cannot chase it.
            if lanes.width > 0.0 && (lanes.width - v.lanes_width).abs() > 0.5 {
                v.lanes_width = lanes.width;
                v.lane_sizes = LaneSizes {
                    collapsed: lanes.collapsed.unwrap_or(v.lane_sizes.collapsed),
                    chrome: lanes.chrome.unwrap_or(v.lane_sizes.chrome),
                    ..v.lane_sizes
                };
            } else {
                let s = &mut v.lane_sizes;
                s.collapsed = lanes.collapsed.map_or(s.collapsed, |c| c.min(s.collapsed));
                s.chrome = lanes.chrome.map_or(s.chrome, |c| c.min(s.chrome));
            }
            if let Some(max) = lanes.body_max {
                v.lane_sizes.body_max = max;
            }
            v.lane_heights.extend(lanes.panels);
            v.list_view = list.map(|l| (l.0, l.1));
            if let Some(h) = list.and_then(|l| l.2) {
                v.list_item_h = h;
            }
            v.height = height;
            if let Some(h) = row {
                v.row_h = h;
            }
            if nothing_open {
                v.extra = 0.0;
            } else if let Some(h) = open {
                v.extra = (h - v.row_h).max(0.0);
            }
            v.bands = bands;
            v.tick += 1;
        });
        undrawn
    }

    /// Whether a scroll (of the page, or of a lane's box) took the newest
    /// events out of view: the user left, and following stops.
    fn scrolled_away(viewer: Viewer, target: Option<web_sys::EventTarget>) -> bool {
        let Some(window) = web_sys::window() else {
            return false;
        };
        let Some(doc) = window.document() else {
            return false;
        };
        let newest_first = viewer.with_untracked(|m| m.settings().newest_first);
        let lane_body = target
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .filter(|e| e.class_list().contains("lane-body"));
        match lane_body {
            Some(body) if !page_scrolls(viewer) => {
                let top = f64::from(body.scroll_top());
                let below = f64::from(body.scroll_height() - body.client_height()) - top;
                if newest_first {
                    top > SLACK
                } else {
                    below > SLACK
                }
            }
            Some(_) => false,
            None if !page_scrolls(viewer) => false,
            None => {
                let y = window.scroll_y().unwrap_or(0.0);
                let below = page_height(&doc) - (y + inner_height(&window));
                if newest_first {
                    // The newest row under the bar, or (scrolled up to the
                    // toolbar or the form) so far below the window's bottom it
                    // is out of view while the page could scroll further. Not
                    // by any amount: a form folding on Connect shrinks the page
                    // and the browser's clamped scroll looks like one up.
                    let row = viewer.viewport.with_untracked(|v| v.row_h);
                    timeline_top(&doc, &window, row).is_some_and(|top| {
                        top.past_newest(SLACK) || (top.below_window(SLACK) && below > 1.0)
                    })
                } else {
                    below > SLACK
                }
            }
        }
    }

    /// Frames measured again, at most, while no anchor is found (see [`measure`]).
    const RETRIES: u8 = 2;

    /// A scheduled frame: measures, and again at the next frames while the
    /// anchor waits for its rows to be drawn.
    fn frame(
        viewer: Viewer,
        scheduled: StoredValue<(bool, bool)>,
        anchored: StoredValue<Option<anchor::Anchor>>,
        retries: u8,
    ) {
        // The page may have been unmounted since (tests mount several).
        let Some((_, follow)) = scheduled.try_get_value() else {
            return;
        };
        scheduled.set_value((false, false));
        if measure(viewer, follow, anchored) && retries > 0 {
            request_animation_frame(move || {
                // A frame scheduled meanwhile measures anyway.
                if scheduled
                    .try_get_value()
                    .is_some_and(|(pending, _)| !pending)
                {
                    frame(viewer, scheduled, anchored, retries - 1);
                }
            });
        }
    }

    pub fn install(viewer: Viewer) {
        // (pending, follow): a frame is scheduled; it should also follow.
        let scheduled = StoredValue::new((false, false));
        let anchored = StoredValue::new(None);
        // Following was just turned on (Connect, the checkbox) and no frame has
        // followed since: the page is still changing under it (Connect folds
        // the form), so a scroll now (the browser clamping the shrunk page) is
        // not the user leaving.
        let settling = StoredValue::new(false);
        let schedule = move |follow: bool| {
            // The page may have been unmounted (the scroll listener outlives it).
            let Some((pending, was_follow)) = scheduled.try_get_value() else {
                return;
            };
            scheduled.set_value((true, was_follow || follow));
            if !pending {
                request_animation_frame(move || {
                    let follows = scheduled.try_get_value().is_some_and(|(_, f)| f);
                    frame(viewer, scheduled, anchored, RETRIES);
                    if follows {
                        settling.try_set_value(false);
                    }
                });
            }
        };
        // Where the page scrolls the timeline (the flat view, one lane on the
        // whole page), following scrolls the page to the newest events and
        // `anchor` keeps what is read in place otherwise: the browser's
        // scroll anchoring would fight both, so it is off there.
        let follow_setting =
            Memo::new(move |_| viewer.with(|m| (m.settings().follow, m.follow_asks())));
        let page_scrolls_timeline =
            Memo::new(move |_| viewer.with(|m| m.settings().flat || m.focused_lane().is_some()));
        Effect::new(move |loaded: Option<()>| {
            let (follow, _) = follow_setting.get();
            // Asked for (the checkbox, Connect, even if on already): go to the newest now, before
            // any scroll event still on its way could be taken for the user leaving.
            // Not when the page loads: on a narrow screen the timeline is below
            // the form, which is what a user needs first.
            if follow && loaded.is_some() {
                if let Some(window) = web_sys::window() {
                    scroll_to_newest(viewer, &window, &document());
                    settling.set_value(true);
                }
            }
            // In the lanes view following scrolls each lane's box, not the page:
            // anchoring stays on, so lanes growing above what is read do not move it.
            let anchor = if page_scrolls_timeline.get() {
                "none"
            } else {
                "auto"
            };
            if let Some(root) = document().document_element() {
                if let Ok(el) = root.dyn_into::<web_sys::HtmlElement>() {
                    let _ = el.style().set_property("overflow-anchor", anchor);
                }
            }
        });
        Effect::new(move |_| {
            // Any visible change of the model (events, the open row, collapsed lanes).
            let follow = viewer.with(|m| m.settings().follow);
            schedule(follow);
        });
        // Scrolls of lane boxes do not bubble: listen in the capture phase.
        let on_scroll = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            schedule(false);
            if viewer.with_untracked(|m| m.settings().follow)
                && settling.try_get_value() == Some(false)
                && scrolled_away(viewer, ev.target())
            {
                viewer.act(|m| m.set_follow(false));
            }
        });
        let doc = document();
        let _ = doc.add_event_listener_with_callback_and_bool(
            "scroll",
            on_scroll.as_ref().unchecked_ref(),
            true,
        );
        on_scroll.forget();
        let handles = [
            window_event_listener(leptos::ev::resize, move |_| schedule(false)),
            window_event_listener(leptos::ev::click, move |_| schedule(false)),
            window_event_listener(leptos::ev::keyup, move |_| schedule(false)),
        ];
        on_cleanup(move || handles.into_iter().for_each(|h| h.remove()));
    }
}
