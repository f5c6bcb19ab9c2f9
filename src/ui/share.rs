//! The browser side of shared views: restores the view from the URL fragment
//! on load and on back/forward, writes it back as the view changes (a new
//! history entry for each connect), and copies a link to it.
//!
//! The fragment comes from [`ViewState`], which has no key field: a link, the
//! title and the history can never carry the API key.

use leptos::prelude::*;

use super::state::Viewer;
use crate::form::split_names;
use crate::share::ViewState;

fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Whether this page was opened from a link naming a cluster and entities.
pub fn opened_from_link() -> bool {
    ViewState::from_fragment(&location_hash()).is_connectable()
}

/// The request part of the view (cluster, entities, names, tail, after) as
/// the form holds it now.
fn form_view(viewer: Viewer) -> ViewState {
    let form = viewer.form.get_untracked();
    ViewState {
        cluster_url: form.cluster_url.trim().to_owned(),
        entities: form
            .entities
            .split([',', '\n'])
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_owned)
            .collect(),
        names: split_names(&form.event_names),
        tail: form.tail.trim().parse().ok(),
        after: Some(form.after.trim().to_owned()).filter(|a| !a.is_empty()),
        ..ViewState::default()
    }
}

/// The view as the link should show it: the request last connected to (or
/// opened from a link) — not what is half-typed in the form — with the view
/// settings as they are now.
pub fn current_view(viewer: Viewer) -> ViewState {
    let settings = viewer.settings.get_untracked();
    let mut collapsed: Vec<String> = viewer.collapsed.get_untracked().into_iter().collect();
    collapsed.sort();
    ViewState {
        flat: settings.flat,
        utc: settings.utc,
        newest_first: settings.newest_first,
        collapsed,
        selected: viewer.selected.get_untracked(),
        filter: viewer
            .timeline
            .with_untracked(|t| t.filter().map(|f| f.query().to_owned()))
            .unwrap_or_default(),
        ..viewer.shared.get_value()
    }
}

/// Puts a view into the form and the settings. A cluster it names is
/// marked as set by a link (the user confirms it before a key goes there);
/// a saved key leaves the field unless it was saved for that cluster.
pub fn apply_view(viewer: Viewer, view: &ViewState) {
    let saved = viewer.saved.get_untracked();
    let config = viewer.config.get_untracked();
    viewer.form.update(|f| {
        if !view.cluster_url.is_empty() && view.cluster_url != f.cluster_url {
            f.set_cluster(
                view.cluster_url.clone(),
                crate::trust::ClusterSource::Link,
                &saved,
                &config,
            );
        }
        if !view.entities.is_empty() {
            f.entities = view.entities.join("\n");
        }
        f.event_names = view.names.join(", ");
        f.tail = view.tail.map(|t| t.to_string()).unwrap_or_default();
        f.after = view.after.clone().unwrap_or_default();
    });
    viewer.settings.update(|s| {
        s.flat = view.flat;
        s.utc = view.utc;
        s.newest_first = view.newest_first;
    });
    viewer
        .collapsed
        .set(view.collapsed.iter().cloned().collect());
    viewer.selected.set(view.selected.clone());
    viewer.filter_text.set(view.filter.clone());
    super::toolbar::apply_filter(viewer, &view.filter);
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

/// A new history entry for the view being connected to (Back returns to the previous one).
pub fn remember_view(viewer: Viewer) {
    viewer.shared.set_value(form_view(viewer));
    write(&current_view(viewer).to_fragment(), true);
}

/// How long the view must stay unchanged before the address is rewritten (ms).
const FRAGMENT_DELAY_MS: u64 = 250;

/// Loads the capture a link names, if any (no key, no connection).
fn open_capture(viewer: Viewer, connection: super::live::Connection, view: &ViewState) {
    if let Some(url) = &view.capture {
        super::import::import_url(viewer, connection, url.clone());
    }
}

/// Restores the view from the fragment now and on back/forward, and keeps the
/// fragment up to date as the view settings change.
pub fn install(viewer: Viewer) {
    let connection = expect_context::<super::live::Connection>();
    let initial = ViewState::from_fragment(&location_hash());
    apply_view(viewer, &initial);
    open_capture(viewer, connection, &initial);
    viewer.shared.set_value(initial);
    let applied = Memo::new(move |_| {
        viewer
            .timeline
            .with(|t| t.filter().map(|f| f.query().to_owned()))
    });
    // Only what a link carries: "follow" and the like must not rewrite history.
    let shown = Memo::new(move |_| {
        let s = viewer.settings.get();
        (
            s.flat,
            s.utc,
            s.newest_first,
            viewer.collapsed.get(),
            viewer.selected.get(),
            applied.get(),
        )
    });
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
                        write(&current_view(viewer).to_fragment(), false);
                    }
                },
                std::time::Duration::from_millis(FRAGMENT_DELAY_MS),
            );
        },
        false,
    );
    let handle = window_event_listener(leptos::ev::popstate, move |_| {
        let view = ViewState::from_fragment(&location_hash());
        let same_capture = viewer.shared.with_value(|s| s.capture == view.capture);
        apply_view(viewer, &view);
        if !same_capture {
            open_capture(viewer, connection, &view);
        }
        viewer.shared.set_value(view);
    });
    on_cleanup(move || handle.remove());
}

/// A button that copies a link to the current view (never with the key).
#[component]
pub fn CopyLink() -> impl IntoView {
    let viewer = Viewer::expect();
    let status = RwSignal::new(None::<&'static str>);
    let copy = move |_| {
        let fragment = current_view(viewer).to_fragment();
        write(&fragment, false);
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
        <button type="button" on:click=copy>"Copy link"</button>
        <span class="copy-status" role="status">{move || status.get()}</span>
    }
}
