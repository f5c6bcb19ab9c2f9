//! The browser side of shared views: restores the view from the URL fragment
//! on load and on back/forward, writes it back as the view changes (a new
//! history entry for each connect), and copies a link to it.
//!
//! The fragment comes from [`ViewState`], which has no key field: a link, the
//! title and the history can never carry the API key. What a link may do is
//! the model's and the form's to decide (a linked cluster is confirmed before
//! a key goes there; a capture must be next to the app).

use leptos::prelude::*;

use super::live::Connection;
use super::state::Viewer;
use crate::share::{key_link, ViewState};

fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Whether this page was opened from a link naming a cluster and entities.
pub fn opened_from_link() -> bool {
    ViewState::from_fragment(&location_hash()).is_connectable()
}

fn write(fragment: &str, push: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if location_hash().trim_start_matches('#') == fragment {
        return;
    }
    let Ok(history) = window.history() else {
        return;
    };
    let url = format!("#{fragment}");
    let _ = if push {
        history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
    } else {
        history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
    };
}

/// A new history entry for the view just connected to (Back returns to the previous one).
pub fn push_view(viewer: Viewer) {
    write(
        &viewer.with_untracked(|m| m.view_state()).to_fragment(),
        true,
    );
}

/// How long the view must stay unchanged before the address is rewritten (ms).
const FRAGMENT_DELAY_MS: u64 = 250;

/// Opens what a link says: the form takes its request, the model its view,
/// and a capture it names, or the snapshot it carries, is loaded (no key, no
/// connection).
fn open_link(viewer: Viewer, connection: Connection, view: &ViewState, first: bool) {
    let (same_capture, same_snapshot) = viewer.with_untracked(|m| {
        let shown = m.view_state();
        (
            !first && shown.capture == view.capture,
            !first && shown.snapshot == view.snapshot,
        )
    });
    viewer.edit_form(|f| f.link_opened(view));
    viewer.act(|m| m.apply_view(view));
    if let Some(path) = view.capture.as_deref().filter(|_| !same_capture) {
        super::import::import_link(viewer, connection, path.to_owned());
    }
    if let Some(packed) = view.snapshot.clone().filter(|_| !same_snapshot) {
        super::snapshot::open_link(viewer, connection, packed);
    }
}

/// Opens the address's fragment. A share key in it is read, then taken out
/// of the address bar at once (the rest of the fragment kept); it lives in
/// the form's memory only.
fn open_current(viewer: Viewer, connection: Connection, first: bool) {
    let hash = location_hash();
    let shared = key_link::read(&hash);
    if shared.is_some() {
        write(&key_link::without_key(&hash), false);
    }
    let view = ViewState::from_fragment(&hash);
    open_link(viewer, connection, &view, first);
    if let Some(read) = shared {
        viewer.edit_form(|f| f.shared_link_opened(read, &view));
    }
}

/// Restores the view from the fragment now and on back/forward, and keeps the
/// fragment up to date as the view changes.
pub fn install(viewer: Viewer, connection: Connection) {
    open_current(viewer, connection, true);
    let shown = Memo::new(move |_| viewer.with(|m| m.view_state()));
    // Written a moment after the last change: typing a filter would
    // otherwise rewrite the address on every key (slow, and browsers throttle it).
    let pending = StoredValue::new(0_u32);
    Effect::watch(
        move || shown.get(),
        move |_, _, _| {
            pending.update_value(|n| *n += 1);
            let mine = pending.get_value();
            set_timeout(
                move || {
                    if pending.get_value() == mine {
                        write(
                            &viewer.with_untracked(|m| m.view_state()).to_fragment(),
                            false,
                        );
                    }
                },
                std::time::Duration::from_millis(FRAGMENT_DELAY_MS),
            );
        },
        false,
    );
    let handle = window_event_listener(leptos::ev::popstate, move |_| {
        open_current(viewer, connection, false);
    });
    on_cleanup(move || handle.remove());
}

/// A button that copies a link to the current view (never with the key).
#[component]
pub fn CopyLink() -> impl IntoView {
    let viewer = Viewer::expect();
    let status = RwSignal::new(None::<&'static str>);
    let copy = move |_| {
        write(
            &viewer.with_untracked(|m| m.view_state()).to_fragment(),
            false,
        );
        let Some(window) = web_sys::window() else {
            return;
        };
        let href = window.location().href().unwrap_or_default();
        let promise = window.navigator().clipboard().write_text(&href);
        leptos::task::spawn_local(async move {
            let copied = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            status.set(Some(if copied {
                "Link copied (without your API key)"
            } else {
                "Copy failed: the browser blocked clipboard access; copy the address bar instead"
            }));
        });
    };
    view! {
        <Show when=move || viewer.with(|m| m.link_reopens_view())>
            <button type="button" on:click=copy>"Copy link"</button>
            <span class="copy-status" role="status">{move || status.get()}</span>
        </Show>
    }
}
