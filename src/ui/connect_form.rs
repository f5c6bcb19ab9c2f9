//! The connect form: where the cluster, key and filters come from.
//!
//! Every field has a visible `<label>` with a fixed text (tests and screen
//! readers rely on them) and its problems shown next to it, in words, before
//! anything is sent. The API key lives in memory only, unless the user ticks
//! "Remember on this device" (then it is saved for that cluster only); it
//! never goes into a URL or a log line. Every rule is [`FormModel`]'s; this
//! renders it and stores what it says changed.

use leptos::prelude::*;

use super::live::Connection;
use super::name_input::NameInput;
use super::share;
use super::state::Viewer;
use super::storage;
use crate::config::ViewerConfig;
use crate::form::{understood_entities, Field, FormInput};
use crate::model::{FormModel, Status};
use crate::trust::ClusterCheck;

/// A field's problems, in a paragraph the input points at with `aria-describedby`.
#[component]
fn FieldErrors(
    /// The messages for this field (empty: nothing shown).
    messages: Signal<Vec<String>>,
    /// The element ID the input refers to.
    id: &'static str,
) -> impl IntoView {
    view! {
        <Show when=move || !messages.with(Vec::is_empty)>
            <div class="field-error" id=id>
                {move || messages.get().into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
            </div>
        </Show>
    }
}

/// Stores what the form saved or forgot, when a transition says it changed.
fn store_saved(viewer: Viewer) {
    viewer.form_untracked(|f| storage::store(&f.saved));
}

/// The keys saved on this device, each with the cluster it is for, and Forget.
#[component]
fn SavedKeyList() -> impl IntoView {
    let viewer = Viewer::expect();
    let clusters = Memo::new(move |_| viewer.form(|f| f.saved.clusters()));
    let forget = move |origin: String| {
        if viewer.edit_form(|f| f.forget(&origin)) {
            store_saved(viewer);
        }
    };
    view! {
        <Show when=move || !clusters.with(Vec::is_empty)>
            <div class="saved-keys">
                <p class="help">"Keys saved on this device, each sent only to its own cluster:"</p>
                <ul aria-label="Saved keys">
                    {move || clusters.get().into_iter().map(|origin| {
                        let label = format!("Forget the key saved for {origin}");
                        let o = origin.clone();
                        view! {
                            <li>
                                <span class="saved-cluster">{origin.clone()}</span>
                                <button type="button" class="link" aria-label=label
                                    on:click=move |_| forget(o.clone())>"Forget"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        </Show>
        <Show when=move || viewer.form(|f| f.legacy_key_removed)>
            <p class="shared-note" role="note">
                "A key remembered by an earlier version of Eventline was removed: it did not say which \
                 cluster it belongs to. Enter it again and tick Remember to save it for one cluster."
            </p>
        </Show>
    }
}

/// The form to connect to a cluster's event stream.
#[component]
pub fn ConnectForm() -> impl IntoView {
    let viewer = Viewer::expect();
    let connection = expect_context::<Connection>();
    let show_key = RwSignal::new(false);
    let input = move |read: fn(&FormInput) -> String| move || viewer.form(|f| read(&f.input));
    let messages =
        move |field: Field| Signal::derive(move || viewer.form(|f| f.errors.for_field(field)));
    let invalid = move |field: Field| {
        move || (!viewer.form(|f| f.errors.for_field(field).is_empty())).to_string()
    };
    let bind = move |set: fn(&mut FormModel, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            viewer.edit_form(|f| set(f, value));
        }
    };
    let suggestions = move || viewer.form(|f| ViewerConfig::suggestions(&f.config));
    let active = move || viewer.with(|m| m.status().is_active());

    // Connect with what the form says (the same request resumes).
    let connect = move || {
        let before = viewer.form_untracked(FormModel::clone);
        let Some(valid) = viewer.edit_form(FormModel::submit) else {
            // Show the first problem: the cluster warning's Trust, else the first bad field.
            let warned = viewer.form_untracked(|f| {
                matches!(f.cluster_check(), Some(ClusterCheck::Confirm { .. }))
            });
            if warned {
                super::focus::first_within(".cluster-warning button", ".cluster-warning");
            } else {
                super::focus::first("form.connect [aria-invalid=true]");
            }
            return;
        };
        if !super::live::keep_capture_or_go_on(viewer, before) {
            return;
        }
        store_saved(viewer);
        let view = viewer.form_untracked(FormModel::request_view);
        connection.connect(viewer, valid, view);
        share::push_view(viewer);
        super::focus::after_connect();
    };
    // Edited while streaming: the changes apply without a Disconnect first
    // (computed only while the form is open: it validates the form).
    let changed = Memo::new(move |_| {
        if viewer.form(|f| f.folded) {
            return false;
        }
        let running = viewer.with(|m| m.live_request().cloned());
        running.is_some_and(|r| viewer.form(|f| f.differs_from(&r)))
    });
    // Enter in a field: Connect, or while streaming the edits (never a Disconnect).
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !active() || changed.get_untracked() {
            connect();
        }
    };
    let disconnect = move |ev: leptos::ev::MouseEvent| {
        if active() {
            // Disconnecting turns this button back into Connect's submit
            // button before the click's default action runs: cancel it, or
            // the form would submit and connect again at once.
            ev.prevent_default();
            connection.disconnect(viewer);
            viewer.edit_form(FormModel::unfold);
        }
    };
    // Refused, or never reached: the whole form again, to fix what is wrong.
    // (What went wrong is also said beside Connect: on a phone the banner is
    // far below the form.)
    let failed = Memo::new(move |_| {
        viewer.with(|m| match m.status() {
            Status::Stopped { reason, failure }
                if !matches!(reason, crate::stream::session::StopReason::Disconnected) =>
            {
                Some(failure.map_or_else(|| reason.sentence(), |f| f.what.clone()))
            }
            _ => None,
        })
    });
    Effect::new(move |_| {
        if failed.with(Option::is_some) {
            viewer.edit_form(FormModel::unfold);
            super::focus::reveal_next_frame(".form-failure");
        }
    });
    // The key and the cluster are remembered once a stream to them opened.
    Effect::new(move |_| {
        let streaming_to = viewer.with(|m| {
            matches!(m.status(), Status::Streaming { .. })
                .then(|| m.live_request().map(|f| f.cluster.origin().to_owned()))
                .flatten()
        });
        if let Some(origin) = streaming_to {
            if viewer.edit_form(|f| f.connected(&origin)) {
                store_saved(viewer);
            }
        }
    });
    let needs_trust =
        move || viewer.form(|f| !matches!(f.cluster_check(), Some(ClusterCheck::Trusted) | None));
    let chips = move || viewer.form(|f| understood_entities(&f.input.entities));
    let key_origin = move || viewer.form(FormModel::key_origin);

    let folded = move || viewer.form(|f| f.folded);
    let summary = move || viewer.form(FormModel::summary);
    let unfold = move |_| {
        viewer.edit_form(FormModel::unfold);
        // The form is drawn (no longer hidden) only after this handler.
        super::focus::first_next_frame("#cluster-url");
    };
    view! {
        <Show when=folded>
            <div class="form-summary" role="group" aria-label="Connection">
                <p class="summary-text" title=summary>{summary}</p>
                <div class="actions">
                    <button type="button" aria-controls="connect-form" aria-expanded="false" on:click=unfold>
                        "Edit"
                    </button>
                    <button type="button" class="primary" on:click=move |_| {
                        if active() {
                            // Disconnected: the whole form again, to change and connect.
                            connection.disconnect(viewer);
                            viewer.edit_form(FormModel::unfold);
                        } else {
                            connection.reconnect(viewer);
                        }
                    }>
                        {move || if active() { "Disconnect" } else { "Reconnect" }}
                    </button>
                </div>
            </div>
        </Show>
        <form class="connect" id="connect-form" on:submit=on_submit aria-label="Connect to a cluster" novalidate
            hidden=folded>
            <super::cluster_warning::ClusterWarning />
            <div class="field">
                <label for="cluster-url">"Cluster URL"</label>
                <input id="cluster-url" name="cluster-url" type="url" list="cluster-suggestions"
                    placeholder="https://eu1.cloud.thethings.network" autocomplete="url"
                    aria-describedby="cluster-url-error" aria-invalid=invalid(Field::ClusterUrl)
                    prop:value=input(|i| i.cluster_url.clone())
                    on:input=bind(FormModel::type_cluster) />
                <datalist id="cluster-suggestions">
                    {move || suggestions().into_iter().map(|url| view! { <option value=url></option> }).collect_view()}
                </datalist>
                <FieldErrors messages=messages(Field::ClusterUrl) id="cluster-url-error" />
            </div>
            <div class="field">
                <label for="api-key">"API key"</label>
                <div class="with-button">
                    <input id="api-key" name="api-key"
                        type=move || if show_key.get() { "text" } else { "password" }
                        placeholder="NNSXS.…" autocomplete="off" spellcheck="false"
                        aria-describedby="api-key-error" aria-invalid=invalid(Field::ApiKey)
                        prop:value=input(|i| i.api_key.clone())
                        on:input=bind(|f, v| f.input.type_key(v)) />
                    <button type="button" class="secondary" aria-controls="api-key"
                        aria-pressed=move || show_key.get().to_string()
                        on:click=move |_| show_key.update(|s| *s = !*s)>
                        {move || if show_key.get() { "Hide" } else { "Show" }}
                    </button>
                </div>
                <label class="check">
                    <input type="checkbox" prop:checked=move || viewer.form(|f| f.input.remember)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            if viewer.edit_form(|f| f.set_remember(on)) {
                                store_saved(viewer);
                            }
                        } />
                    "Remember on this device"
                </label>
                <p class="help">
                    {move || match key_origin() {
                        Some(origin) => format!("Saves the key in this browser for {origin} only."),
                        None => "Saves the key in this browser, for this cluster only.".to_owned(),
                    }}
                </p>
                {move || viewer.form(|f| f.input.key_taken_from.clone()).map(|origin| view! {
                    <p class="help key-taken" role="note">{format!(
                        "The key entered for {origin} was taken out: a key goes only to the cluster it was entered for."
                    )}</p>
                })}
                <SavedKeyList />
                <super::shared_note::SharedKeyInUse />
                <Show when=move || share::opened_from_link() && !needs_trust() && viewer.form(|f| f.input.api_key.is_empty() && f.shared.is_none())>
                    <p class="shared-note" role="note">
                        "Opened from a shared link: enter your own API key and press Connect."
                    </p>
                </Show>
                <FieldErrors messages=messages(Field::ApiKey) id="api-key-error" />
            </div>
            <div class="field">
                <label for="entities">"Entities"</label>
                <textarea id="entities" name="entities" rows="2"
                    placeholder="my-app, my-app/my-device, gw:my-gateway, org:…, user:…, client:…"
                    aria-describedby="entities-help entities-error" aria-invalid=invalid(Field::Entities)
                    prop:value=input(|i| i.entities.clone())
                    on:input=bind(|f, v| f.input.entities = v)></textarea>
                <p class="help" id="entities-help">
                    "One per line or comma-separated: app, app/device, gw:…, org:…, user:…, client:…"
                </p>
                <ul class="chips" aria-label="Entities understood">
                    {move || chips().into_iter().map(|e| view! { <li>{e.to_string()}</li> }).collect_view()}
                </ul>
                <FieldErrors messages=messages(Field::Entities) id="entities-error" />
            </div>
            <div class="field">
                <label for="event-names">"Event names"</label>
                <NameInput
                    value=Signal::derive(move || viewer.form(|f| f.input.event_names.clone()))
                    on_change=Callback::new(move |v: String| viewer.edit_form(|f| f.input.event_names = v))
                    invalid=Signal::derive(move || viewer.form(|f| !f.errors.for_field(Field::EventNames).is_empty()))
                />
                <FieldErrors messages=messages(Field::EventNames) id="event-names-error" />
            </div>
            <div class="row">
                <div class="field">
                    <label for="tail">"Tail"</label>
                    <input id="tail" name="tail" inputmode="numeric" placeholder="0"
                        aria-describedby="tail-error" aria-invalid=invalid(Field::Tail)
                        prop:value=input(|i| i.tail.clone())
                        on:input=bind(|f, v| f.input.tail = v) />
                    <FieldErrors messages=messages(Field::Tail) id="tail-error" />
                </div>
                <div class="field">
                    <label for="after">"After"</label>
                    <input id="after" name="after" placeholder="2024-10-28T09:00:00Z"
                        aria-describedby="after-error" aria-invalid=invalid(Field::After)
                        prop:value=input(|i| i.after.clone())
                        on:input=bind(|f, v| f.input.after = v) />
                    <FieldErrors messages=messages(Field::After) id="after-error" />
                </div>
            </div>
            <div class="actions">
                // Connect submits the form. While streaming the same button
                // disconnects, and is not a submit button: Enter in a field then
                // presses Apply changes (if there are any), never Disconnect.
                <button type=move || if active() { "button" } else { "submit" } class="primary"
                    on:click=disconnect>
                    {move || if active() { "Disconnect" } else { "Connect" }}
                </button>
                <Show when=move || active() && changed.get()>
                    <button type="submit">"Apply changes"</button>
                </Show>
            </div>
            <div class="field-error form-failure">
                {move || failed.get().map(|what| view! { <p>{format!("Not connected: {what}")}</p> })}
            </div>
        </form>
    }
}
