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
use super::storage;
use crate::config::ViewerConfig;
use crate::form::{understood_entities, Field, FormErrors, FormInput};
use crate::trust::{ClusterCheck, ClusterSource, ConfirmReason};

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

/// The warning shown while the form's cluster came from a link and must be
/// confirmed before a key goes to it, or when the deployment refuses it.
#[component]
fn ClusterWarning() -> impl IntoView {
    let viewer = Viewer::expect();
    let check = Memo::new(move |_| {
        let policy = viewer.config.with(ViewerConfig::cluster_policy);
        viewer.saved.with(|saved| {
            viewer.confirmed.with(|confirmed| {
                viewer
                    .form
                    .with(|f| f.cluster_check(&policy, saved, confirmed.as_deref()))
            })
        })
    });
    move || match check.get() {
        Some(ClusterCheck::Confirm { host, reason }) => {
            let why = match reason {
                ConfirmReason::NeverUsed => {
                    "You have not connected to this cluster from this browser before.".to_owned()
                }
                ConfirmReason::NotTheDeployments(own) => {
                    format!("It is not the cluster this Eventline is set up for ({own}).")
                }
            };
            let trust = move |_| {
                let origin = viewer
                    .form
                    .with_untracked(|f| f.cluster().map(|c| c.origin().to_owned()));
                viewer.confirmed.set(origin);
            };
            Some(view! {
                <div class="cluster-warning" role="alert" aria-label="Check the cluster">
                    <p class="sentence">"A link set the cluster. Connecting sends your API key to:"</p>
                    <p class="host"><strong>{host.clone()}</strong></p>
                    <p>{why} " Only continue if you know this host and trust it with your key."</p>
                    <button type="button" class="primary" on:click=trust>
                        {format!("Trust {host}")}
                    </button>
                </div>
            }
            .into_any())
        }
        Some(ClusterCheck::Refused(sentence)) => Some(
            view! {
                <div class="cluster-warning refused" role="alert" aria-label="Check the cluster">
                    <p class="sentence">{format!("{sentence}.")}</p>
                </div>
            }
            .into_any(),
        ),
        Some(ClusterCheck::Trusted) | None => None,
    }
}

/// The keys saved on this device, each with the cluster it is for, and Forget.
#[component]
fn SavedKeyList() -> impl IntoView {
    let viewer = Viewer::expect();
    let clusters = Memo::new(move |_| viewer.saved.with(|s| s.clusters()));
    let forget = move |origin: String| {
        viewer.saved.update(|s| {
            s.forget(&origin);
            storage::store(s);
        });
        viewer.form.update(|f| {
            if f.key_filled_for.as_deref() == Some(origin.as_str()) {
                f.api_key.clear();
                f.key_filled_for = None;
                f.remember = false;
            }
        });
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
        <Show when=move || viewer.legacy_key_removed.get()>
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
    let input = viewer.form;
    let config = viewer.config;
    let errors = RwSignal::new(FormErrors::default());
    let show_key = RwSignal::new(false);

    // Pre-fill from the deployment config, without overwriting what the user
    // typed or a link set; the demo key only for the deployment's cluster.
    Effect::new(move |_| {
        config.with(|c| {
            let saved = viewer.saved.get_untracked();
            input.update(|i| {
                match &c.cluster_url {
                    Some(url) if i.cluster_url.is_empty() => {
                        i.set_cluster(url.clone(), ClusterSource::Config, &saved, c);
                    }
                    _ => i.offer_saved_key(&saved, c),
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
    let on_cluster = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let saved = viewer.saved.get_untracked();
        config.with_untracked(|c| input.update(|i| i.type_cluster(value, &saved, c)));
    };
    let active = move || viewer.conn.with(ConnState::is_active);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if active() {
            connection.disconnect();
            viewer.conn.set(ConnState::Idle);
            return;
        }
        let policy = config.with_untracked(ViewerConfig::cluster_policy);
        let checked = viewer.saved.with_untracked(|saved| {
            viewer.confirmed.with_untracked(|confirmed| {
                input.with_untracked(|i| i.validate_for(&policy, saved, confirmed.as_deref()))
            })
        });
        match checked {
            Ok(valid) => {
                errors.set(FormErrors::default());
                share::remember_view(viewer);
                let remember = input.with_untracked(|i| i.remember);
                viewer.saved.update(|saved| {
                    saved.mark_used(&valid.cluster);
                    if remember {
                        saved.save(&valid.cluster, &valid.api_key);
                    } else {
                        saved.forget(valid.cluster.origin());
                    }
                    storage::store(saved);
                });
                connection.connect(viewer, valid);
            }
            Err(problems) => errors.set(problems),
        }
    };
    let chips = move || input.with(|i| understood_entities(&i.entities));
    let key_origin = move || input.with(|i| i.cluster().map(|c| c.origin().to_owned()));

    view! {
        <form class="connect" on:submit=on_submit aria-label="Connect to a cluster" novalidate>
            <ClusterWarning />
            <div class="field">
                <label for="cluster-url">"Cluster URL"</label>
                <input id="cluster-url" name="cluster-url" type="url" list="cluster-suggestions"
                    placeholder="https://eu1.cloud.thethings.network" autocomplete="url"
                    aria-describedby="cluster-url-error" aria-invalid=invalid(Field::ClusterUrl)
                    prop:value=move || input.with(|i| i.cluster_url.clone())
                    on:input=on_cluster />
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
                        on:input=bind(FormInput::type_key) />
                    <button type="button" class="secondary" aria-controls="api-key"
                        aria-pressed=move || show_key.get().to_string()
                        on:click=move |_| show_key.update(|s| *s = !*s)>
                        {move || if show_key.get() { "Hide" } else { "Show" }}
                    </button>
                </div>
                <label class="check">
                    <input type="checkbox" prop:checked=move || input.with(|i| i.remember)
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            input.update(|i| i.remember = on);
                            if !on {
                                if let Some(origin) = key_origin() {
                                    viewer.saved.update(|s| {
                                        if s.forget(&origin) {
                                            storage::store(s);
                                        }
                                    });
                                }
                            }
                        } />
                    "Remember on this device"
                </label>
                <p class="help">
                    {move || match key_origin() {
                        Some(origin) => format!(
                            "Off: the key lives only in this tab's memory. On: it is saved in this browser for {origin} only, and offered again only for that cluster."
                        ),
                        None => "Off: the key lives only in this tab's memory. On: it is saved in this browser for this cluster only.".to_owned(),
                    }}
                </p>
                <SavedKeyList />
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
