//! The connect form: where the cluster, key and filters come from.
//!
//! Every field has a visible `<label>` with a fixed text (tests and screen
//! readers rely on them) and its problems shown next to it, in words, before
//! anything is sent. The API key lives in memory only, unless the user ticks
//! "Remember on this device"; it never goes into a URL or a log line.

use leptos::prelude::*;

use super::live::Connection;
use super::name_input::NameInput;
use super::share;
use super::state::{ConnState, Viewer};
use crate::config::ViewerConfig;
use crate::form::{understood_entities, Field, FormErrors, FormInput};

const REMEMBER_KEY: &str = "eventline.api-key";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

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

/// The form to connect to a cluster's event stream.
#[component]
pub fn ConnectForm(
    /// Deployment defaults; applied whenever they change (i.e. once loaded).
    config: ReadSignal<ViewerConfig>,
) -> impl IntoView {
    let viewer = Viewer::expect();
    let connection = expect_context::<Connection>();
    let input = viewer.form;
    let errors = RwSignal::new(FormErrors::default());
    let show_key = RwSignal::new(false);
    let remember = RwSignal::new(false);

    if let Some(key) = local_storage().and_then(|s| s.get_item(REMEMBER_KEY).ok().flatten()) {
        input.update(|i| i.api_key = key);
        remember.set(true);
    }
    // Pre-fill from the deployment config, without overwriting what the user typed.
    Effect::new(move |_| {
        config.with(|c| {
            input.update(|i| {
                if i.cluster_url.is_empty() {
                    if let Some(url) = &c.cluster_url {
                        i.cluster_url.clone_from(url);
                    }
                }
                if i.api_key.is_empty() {
                    if let Some(key) = &c.demo_api_key {
                        i.api_key.clone_from(key);
                    }
                }
                if i.entities.is_empty() && !c.entities.is_empty() {
                    i.entities = c.entities.join("\n");
                }
            })
        })
    });
    let suggestions = move || config.with(ViewerConfig::suggestions);
    let messages = move |field: Field| Signal::derive(move || errors.with(|e| e.for_field(field)));
    let invalid =
        move |field: Field| move || (!errors.with(|e| e.for_field(field).is_empty())).to_string();
    let bind = move |set: fn(&mut FormInput, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            input.update(|i| set(i, value));
        }
    };
    let active = move || viewer.conn.with(ConnState::is_active);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if active() {
            connection.disconnect();
            viewer.conn.set(ConnState::Idle);
            return;
        }
        match input.with_untracked(FormInput::validate) {
            Ok(valid) => {
                errors.set(FormErrors::default());
                share::remember_view(viewer);
                if let Some(storage) = local_storage() {
                    let _ = if remember.get_untracked() {
                        storage.set_item(REMEMBER_KEY, &valid.api_key)
                    } else {
                        storage.remove_item(REMEMBER_KEY)
                    };
                }
                connection.connect(viewer, valid);
            }
            Err(problems) => errors.set(problems),
        }
    };
    let chips = move || input.with(|i| understood_entities(&i.entities));

    view! {
        <form class="connect" on:submit=on_submit aria-label="Connect to a cluster" novalidate>
            <div class="field">
                <label for="cluster-url">"Cluster URL"</label>
                <input id="cluster-url" name="cluster-url" type="url" list="cluster-suggestions"
                    placeholder="https://eu1.cloud.thethings.network" autocomplete="url"
                    aria-describedby="cluster-url-error" aria-invalid=invalid(Field::ClusterUrl)
                    prop:value=move || input.with(|i| i.cluster_url.clone())
                    on:input=bind(|i, v| i.cluster_url = v) />
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
                        prop:value=move || input.with(|i| i.api_key.clone())
                        on:input=bind(|i, v| i.api_key = v) />
                    <button type="button" class="secondary" aria-controls="api-key"
                        aria-pressed=move || show_key.get().to_string()
                        on:click=move |_| show_key.update(|s| *s = !*s)>
                        {move || if show_key.get() { "Hide" } else { "Show" }}
                    </button>
                </div>
                <label class="check">
                    <input type="checkbox" prop:checked=remember
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            remember.set(on);
                            if !on {
                                if let Some(s) = local_storage() {
                                    let _ = s.remove_item(REMEMBER_KEY);
                                }
                            }
                        } />
                    "Remember on this device"
                </label>
                <p class="help">"Off: the key lives only in this tab's memory. On: it is saved in this browser's local storage until you untick this box."</p>
                <Show when=move || share::opened_from_link() && input.with(|i| i.api_key.is_empty())>
                    <p class="shared-note" role="note">
                        "Opened from a shared link: enter your own API key and press Connect."
                    </p>
                </Show>
                <FieldErrors messages=messages(Field::ApiKey) id="api-key-error" />
            </div>
            <div class="field">
                <label for="entities">"Entities"</label>
                <textarea id="entities" name="entities" rows="3"
                    placeholder="my-app, my-app/my-device, gw:my-gateway, org:…, user:…, client:…"
                    aria-describedby="entities-help entities-error" aria-invalid=invalid(Field::Entities)
                    prop:value=move || input.with(|i| i.entities.clone())
                    on:input=bind(|i, v| i.entities = v)></textarea>
                <p class="help" id="entities-help">
                    "One per line or comma-separated: an application ID, application/device, or gw:, org:, user:, client: and an ID. All go into one connection."
                </p>
                <ul class="chips" aria-label="Entities understood">
                    {move || chips().into_iter().map(|e| view! { <li>{e.to_string()}</li> }).collect_view()}
                </ul>
                <FieldErrors messages=messages(Field::Entities) id="entities-error" />
            </div>
            <div class="field">
                <label for="event-names">"Event names"</label>
                <NameInput
                    value=Signal::derive(move || input.with(|i| i.event_names.clone()))
                    on_change=Callback::new(move |v: String| input.update(|i| i.event_names = v))
                    invalid=Signal::derive(move || errors.with(|e| !e.for_field(Field::EventNames).is_empty()))
                />
                <FieldErrors messages=messages(Field::EventNames) id="event-names-error" />
            </div>
            <div class="row">
                <div class="field">
                    <label for="tail">"Tail"</label>
                    <input id="tail" name="tail" inputmode="numeric" placeholder="0"
                        aria-describedby="tail-error" aria-invalid=invalid(Field::Tail)
                        prop:value=move || input.with(|i| i.tail.clone())
                        on:input=bind(|i, v| i.tail = v) />
                    <FieldErrors messages=messages(Field::Tail) id="tail-error" />
                </div>
                <div class="field">
                    <label for="after">"After"</label>
                    <input id="after" name="after" placeholder="2024-10-28T09:00:00Z"
                        aria-describedby="after-error" aria-invalid=invalid(Field::After)
                        prop:value=move || input.with(|i| i.after.clone())
                        on:input=bind(|i, v| i.after = v) />
                    <FieldErrors messages=messages(Field::After) id="after-error" />
                </div>
            </div>
            <div class="actions">
                <button type="submit" class="primary">
                    {move || if active() { "Disconnect" } else { "Connect" }}
                </button>
            </div>
        </form>
    }
}
