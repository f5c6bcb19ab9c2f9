//! The page's geometry, read once per animation frame: the viewport, the
//! height of a row and of the open row, and where each virtualized list is.
//! Lists compute their windows from this snapshot and never read the DOM
//! themselves, so a frame costs one layout however many lanes there are.
//!
//! Also "follow newest": with it on, each frame that changed the timeline
//! scrolls to the newest events (the top of the timeline, newest first; the
//! end of the page, oldest first); scrolling away from there turns it off.

use super::state::Viewer;

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
    use wasm_bindgen::JsCast;

    use super::super::state::Viewer;

    /// How far (px) the newest events may be out of view before following stops.
    const SLACK: f64 = 80.0;

    fn timeline_top(doc: &web_sys::Document) -> Option<f64> {
        Some(
            doc.query_selector(".main")
                .ok()??
                .get_bounding_client_rect()
                .top(),
        )
    }

    fn page_height(doc: &web_sys::Document) -> f64 {
        doc.document_element()
            .map_or(0.0, |e| f64::from(e.scroll_height()))
    }

    fn inner_height(window: &web_sys::Window) -> f64 {
        window
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(0.0)
    }

    /// Scrolls to where the newest events are.
    fn scroll_to_newest(viewer: Viewer, window: &web_sys::Window, doc: &web_sys::Document) {
        if viewer.with_untracked(|m| m.settings().newest_first) {
            if let Some(y) = timeline_top(doc).filter(|y| y.abs() > 1.0) {
                let now = window.scroll_y().unwrap_or(0.0);
                window.scroll_to_with_x_and_y(0.0, (now + y).max(0.0));
            }
        } else {
            window.scroll_to_with_x_and_y(0.0, page_height(doc));
        }
    }

    /// One frame's reads: follow, then every measurement, then one signal update.
    fn measure(viewer: Viewer, follow: bool) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let Some(doc) = window.document() else {
            return;
        };
        if follow && viewer.with_untracked(|m| m.settings().follow) {
            scroll_to_newest(viewer, &window, &doc);
        }
        let height_of = |selector: &str| {
            doc.query_selector(selector)
                .ok()
                .flatten()
                .map(|e| e.get_bounding_client_rect().height())
        };
        let row = height_of(".event-row:not(.open)").filter(|h| *h > 0.0);
        let open = height_of(".event-row.open");
        let mut lists = HashMap::new();
        if let Ok(all) = doc.query_selector_all("ol.rows[data-lane]") {
            for i in 0..all.length() {
                let Some(el) = all
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
                else {
                    continue;
                };
                let rect = el.get_bounding_client_rect();
                let key = el.get_attribute("data-lane").unwrap_or_default();
                lists.insert(key, (rect.top(), rect.bottom()));
            }
        }
        let height = inner_height(&window);
        let nothing_open = viewer.with_untracked(|m| m.selected().is_none());
        viewer.viewport.update(|v| {
            v.height = height;
            if let Some(h) = row {
                v.row_h = h;
            }
            if nothing_open {
                v.extra = 0.0;
            } else if let Some(h) = open {
                v.extra = (h - v.row_h).max(0.0);
            }
            v.lists = lists;
            v.tick += 1;
        });
    }

    pub fn install(viewer: Viewer) {
        // (pending, follow): a frame is scheduled; it should also follow.
        let scheduled = StoredValue::new((false, false));
        let schedule = move |follow: bool| {
            let (pending, was_follow) = scheduled.get_value();
            scheduled.set_value((true, was_follow || follow));
            if !pending {
                request_animation_frame(move || {
                    let (_, follow) = scheduled.get_value();
                    scheduled.set_value((false, false));
                    measure(viewer, follow);
                });
            }
        };
        // Following, the newest events are kept in view by scrolling to them;
        // the browser's scroll anchoring (which keeps what is read in place
        // when rows arrive above it) would fight that, so it is on only while
        // not following.
        let follow_setting = Memo::new(move |_| viewer.with(|m| m.settings().follow));
        Effect::new(move |loaded: Option<()>| {
            let follow = follow_setting.get();
            // Turned on (by the user or by Connect): go to the newest now, before
            // any scroll event still on its way could be taken for the user leaving.
            // Not when the page loads: on a narrow screen the timeline is below
            // the form, which is what a user needs first.
            if follow && loaded.is_some() {
                if let Some(window) = web_sys::window() {
                    scroll_to_newest(viewer, &window, &document());
                }
            }
            if let Some(root) = document().document_element() {
                if let Ok(el) = root.dyn_into::<web_sys::HtmlElement>() {
                    let _ = el
                        .style()
                        .set_property("overflow-anchor", if follow { "none" } else { "auto" });
                }
            }
        });
        Effect::new(move |_| {
            // Any visible change of the model (events, the open row, collapsed lanes).
            let follow = viewer.with(|m| m.settings().follow);
            schedule(follow);
        });
        let on_scroll = move |_| {
            schedule(false);
            let Some(window) = web_sys::window() else {
                return;
            };
            let Some(doc) = window.document() else {
                return;
            };
            if !viewer.with_untracked(|m| m.settings().follow) {
                return;
            }
            let y = window.scroll_y().unwrap_or(0.0);
            let below = page_height(&doc) - (y + inner_height(&window));
            let away = if viewer.with_untracked(|m| m.settings().newest_first) {
                // Above the timeline's top, or below it while the page could scroll further.
                timeline_top(&doc).is_some_and(|top| top < -SLACK || (top > SLACK && below > 1.0))
            } else {
                below > SLACK
            };
            if away {
                viewer.act(|m| m.set_follow(false));
            }
        };
        let handles = [
            window_event_listener(leptos::ev::scroll, on_scroll),
            window_event_listener(leptos::ev::resize, move |_| schedule(false)),
            window_event_listener(leptos::ev::click, move |_| schedule(false)),
            window_event_listener(leptos::ev::keyup, move |_| schedule(false)),
        ];
        on_cleanup(move || handles.into_iter().for_each(|h| h.remove()));
    }
}
