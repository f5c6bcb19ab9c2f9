//! The page: header, the deployment banner, the connect form with the status
//! bar, and the timeline. Provides the shared [`Viewer`] and [`Connection`].
//!
//! Loads the optional `config.json` (see [`crate::config`]) once at start;
//! a missing or broken file only logs a warning to the console.

use leptos::prelude::*;

use super::live::Connection;
use super::state::Viewer;
use super::status_bar::{ErrorBanner, StatusBar};
use super::timeline::Timeline;
use super::ConnectForm;
use crate::config::{LoadedConfig, ViewerConfig};

/// The whole application.
#[component]
pub fn App() -> impl IntoView {
    let viewer = Viewer::new();
    provide_context(viewer);
    provide_context(Connection::new());
    let config = RwSignal::new(ViewerConfig::default());
    leptos::task::spawn_local(async move {
        let loaded = fetch_config().await;
        if let Some(warning) = &loaded.warning {
            leptos::logging::warn!("{warning}");
        }
        config.set(loaded.config);
    });
    super::share::install(viewer);
    tick_every_second(viewer);
    follow_newest(viewer);
    track_viewport(viewer);

    view! {
        <header class="topbar">
            <h1 class="brand">"Eventline"</h1>
            <p class="tagline">"Live events from The Things Stack"</p>
        </header>
        <main class="page">
            <aside class="side">
                {move || {
                    config
                        .with(|c| c.banner.clone())
                        .map(|text| view! { <p class="banner" role="note">{text}</p> })
                }}
                <ConnectForm config=config.read_only() />
            </aside>
            <div class="main">
                <StatusBar />
                <ErrorBanner />
                <Timeline />
            </div>
        </main>
    }
}

/// Refreshes the viewer's clock (events/s, "last seen") once a second.
fn tick_every_second(viewer: Viewer) {
    #[cfg(target_arch = "wasm32")]
    {
        let handle = set_interval_with_handle(
            move || viewer.clock.set(js_sys::Date::now()),
            std::time::Duration::from_secs(1),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = viewer;
}

/// Measures the viewport and the rows for the virtualized lists: once per
/// animation frame after a scroll, a resize, a click or key (a JSON tree
/// opened or expanded), or a change of the timeline.
fn track_viewport(viewer: Viewer) {
    #[cfg(target_arch = "wasm32")]
    {
        let scheduled = StoredValue::new(false);
        let measure = move || {
            scheduled.set_value(false);
            let Some(window) = web_sys::window() else {
                return;
            };
            let Some(doc) = window.document() else {
                return;
            };
            let px = |selector: &str| {
                doc.query_selector(selector)
                    .ok()
                    .flatten()
                    .map(|e| e.get_bounding_client_rect().height())
            };
            let height = window
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(0.0);
            let scroll_y = window.scroll_y().unwrap_or(0.0);
            let row = px(".event-row:not(.open)").filter(|h| *h > 0.0);
            let open = px(".event-row.open");
            let nothing_open = viewer.selected.with_untracked(Option::is_none);
            viewer.viewport.update(|v| {
                v.height = height;
                v.scroll_y = scroll_y;
                if let Some(h) = row {
                    v.row_h = h;
                }
                if nothing_open {
                    v.extra = 0.0;
                } else if let Some(h) = open {
                    v.extra = (h - v.row_h).max(0.0);
                }
                v.tick += 1;
            });
        };
        let schedule = move || {
            if !scheduled.get_value() {
                scheduled.set_value(true);
                request_animation_frame(measure);
            }
        };
        Effect::new(move |_| {
            viewer.timeline.track();
            viewer.selected.track();
            viewer.settings.track();
            viewer.collapsed.track();
            schedule();
        });
        let handles = [
            window_event_listener(leptos::ev::scroll, move |_| schedule()),
            window_event_listener(leptos::ev::resize, move |_| schedule()),
            window_event_listener(leptos::ev::click, move |_| schedule()),
            window_event_listener(leptos::ev::keyup, move |_| schedule()),
        ];
        on_cleanup(move || handles.into_iter().for_each(|h| h.remove()));
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = viewer;
}

/// With "follow" on, keeps the newest events in view as they arrive: the top
/// of the timeline (newest first) or the end of the page (oldest first).
/// Scrolling away from there turns "follow" off; ticking it turns it back on.
fn follow_newest(viewer: Viewer) {
    #[cfg(target_arch = "wasm32")]
    {
        /// How far (px) the newest events may be out of view before following stops.
        const SLACK: f64 = 80.0;
        fn timeline_top() -> Option<web_sys::Element> {
            web_sys::window()?
                .document()?
                .query_selector(".main")
                .ok()?
        }
        fn page_height(window: &web_sys::Window) -> f64 {
            window
                .document()
                .and_then(|d| d.document_element())
                .map_or(0.0, |e| f64::from(e.scroll_height()))
        }
        let scroll_to_newest = move || {
            let Some(window) = web_sys::window() else {
                return;
            };
            if viewer.settings.with_untracked(|s| s.newest_first) {
                if let Some(top) = timeline_top() {
                    let y = top.get_bounding_client_rect().top();
                    if y.abs() > 1.0 {
                        let now = window.scroll_y().unwrap_or(0.0);
                        window.scroll_to_with_x_and_y(0.0, (now + y).max(0.0));
                    }
                }
            } else {
                window.scroll_to_with_x_and_y(0.0, page_height(&window));
            }
        };
        Effect::new(move |_| {
            viewer.timeline.track();
            if viewer.settings.with(|s| s.follow) {
                scroll_to_newest();
            }
        });
        let handle = window_event_listener(leptos::ev::scroll, move |_| {
            let Some(window) = web_sys::window() else {
                return;
            };
            if !viewer.settings.with_untracked(|s| s.follow) {
                return;
            }
            let y = window.scroll_y().unwrap_or(0.0);
            let height = window
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(0.0);
            let below = page_height(&window) - (y + height);
            let away = if viewer.settings.with_untracked(|s| s.newest_first) {
                // Above the timeline's top, or below it while the page could scroll further.
                timeline_top().is_some_and(|t| {
                    let top = t.get_bounding_client_rect().top();
                    top < -SLACK || (top > SLACK && below > 1.0)
                })
            } else {
                below > SLACK
            };
            if away {
                viewer.settings.update(|s| s.follow = false);
            }
        });
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = viewer;
}

/// Reads `config.json` next to `index.html` (a relative URL, so the app works
/// under any sub-path).
async fn fetch_config() -> LoadedConfig {
    match gloo_net::http::Request::get("config.json").send().await {
        Ok(response) => {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            ViewerConfig::from_response(status, &body)
        }
        Err(e) => LoadedConfig {
            config: ViewerConfig::default(),
            warning: Some(format!(
                "config.json could not be fetched ({e}); using the built-in defaults"
            )),
        },
    }
}
