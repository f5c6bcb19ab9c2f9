//! The page: header, the deployment banner, the connect form with the status
//! bar, and the timeline. Provides the shared [`Viewer`] and [`Connection`].
//!
//! Loads the optional `config.json` (see [`crate::config`]) once at start —
//! the form's defaults and the reconnect policy; a missing or broken file only
//! logs a warning to the console.

use leptos::prelude::*;

use super::banner::ErrorBanner;
use super::fleet::Fleet;
use super::journey::JourneyPanel;
use super::lane_list::LaneList;
use super::live::Connection;
use super::state::Viewer;
use super::status_bar::StatusBar;
use super::timeline::Timeline;
use super::toolbar::{FilterBox, Toolbar};
use super::ConnectForm;
use crate::config::{LoadedConfig, ViewerConfig};
use crate::model::FormModel;

/// The whole application.
#[component]
pub fn App() -> impl IntoView {
    let (saved, legacy_key_removed) = super::storage::load();
    let viewer = Viewer::new(FormModel::new(saved, legacy_key_removed));
    provide_context(viewer);
    let connection = Connection::new();
    provide_context(connection);
    leptos::task::spawn_local(async move {
        let loaded = fetch_config().await;
        if let Some(warning) = &loaded.warning {
            leptos::logging::warn!("{warning}");
        }
        let policy = loaded.config.session_config();
        viewer.act(|m| m.configure(policy));
        viewer.edit_form(|f| f.config_loaded(loaded));
    });
    super::share::install(viewer, connection);
    tick_every_second(viewer);
    super::viewport::install(viewer);
    super::journey_fetch::install(viewer);
    let banner = move || viewer.form(|f| f.config.banner.clone());
    let config_warning = move || viewer.form(|f| f.config_warning.clone());

    install_keys(viewer);
    let folded = move || viewer.form(|f| f.folded);

    view! {
        <header class="topbar">
            <h1 class="brand">"Eventline"</h1>
            <p class="tagline">"Live events from The Things Stack"</p>
        </header>
        <main class="page" class:connected=folded>
            <aside class="side">
                {move || banner().map(|text| view! { <p class="banner" role="note">{text}</p> })}
                {move || config_warning().map(|text| view! {
                    <p class="banner config-warning" role="note">{format!("This Eventline's settings have a problem, tell its operator: {text}")}</p>
                })}
                <super::shared_note::SharedKeyNote />
                <ConnectForm />
                <LaneList />
            </aside>
            <div class="main">
                <div class="sticky-head">
                    <StatusBar />
                    <ErrorBanner />
                    <FilterBox />
                </div>
                <Toolbar />
                <Fleet />
                <Timeline />
            </div>
            <JourneyPanel />
        </main>
    }
}

/// Whether a key press was meant for a text field (not a shortcut).
fn typing(ev: &leptos::ev::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    let Some(el) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || el.has_attribute("contenteditable")
}

/// Page-wide keys: `/` focuses the filter, `p` pauses and resumes.
fn install_keys(viewer: Viewer) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || typing(&ev) {
            return;
        }
        match ev.key().as_str() {
            "/" => {
                ev.prevent_default();
                let filter = document()
                    .get_element_by_id("filter")
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
                if let Some(filter) = filter {
                    let _ = filter.focus();
                }
            }
            "p" => {
                viewer.act(|m| if m.is_paused() { m.resume() } else { m.pause() });
            }
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
}

/// Refreshes the viewer's clock (events/s, "last seen", countdowns) once a second.
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
            unreadable: true,
        },
    }
}
