//! The connect form: where the cluster, key and filters come from.
//!
//! Every field has a visible `<label>` with a fixed text (tests and screen
//! readers rely on them). The API key lives only in this component's memory:
//! it is never written to a URL, storage or a log line.

use leptos::prelude::*;

use crate::config::ViewerConfig;

/// The form to connect to a cluster's event stream.
#[component]
pub fn ConnectForm(
    /// Deployment defaults; applied whenever they change (i.e. once loaded).
    config: ReadSignal<ViewerConfig>,
) -> impl IntoView {
    let cluster_url = RwSignal::new(String::new());
    let api_key = RwSignal::new(String::new());
    let entities = RwSignal::new(String::new());
    let event_names = RwSignal::new(String::new());
    let tail = RwSignal::new(String::new());
    let after = RwSignal::new(String::new());
    let show_key = RwSignal::new(false);
    let status = RwSignal::new(None::<String>);

    // Pre-fill from the deployment config, without overwriting what the user typed.
    Effect::new(move |_| {
        config.with(|c| {
            if let Some(url) = &c.cluster_url {
                if cluster_url.with_untracked(String::is_empty) {
                    cluster_url.set(url.clone());
                }
            }
            if let Some(key) = &c.demo_api_key {
                if api_key.with_untracked(String::is_empty) {
                    api_key.set(key.clone());
                }
            }
        })
    });
    let suggestions = move || config.with(ViewerConfig::suggestions);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        status.set(Some(
            "Streaming is not wired up in this build yet: this is the application shell.".into(),
        ));
    };

    view! {
        <form class="connect" on:submit=on_submit aria-label="Connect to a cluster">
            <div class="field">
                <label for="cluster-url">"Cluster URL"</label>
                <input
                    id="cluster-url"
                    name="cluster-url"
                    type="url"
                    list="cluster-suggestions"
                    placeholder="https://eu1.cloud.thethings.network"
                    autocomplete="url"
                    prop:value=cluster_url
                    on:input=move |ev| cluster_url.set(event_target_value(&ev))
                />
                <datalist id="cluster-suggestions">
                    {move || {
                        suggestions()
                            .into_iter()
                            .map(|url| view! { <option value=url></option> })
                            .collect_view()
                    }}
                </datalist>
            </div>
            <div class="field">
                <label for="api-key">"API key"</label>
                <div class="with-button">
                    <input
                        id="api-key"
                        name="api-key"
                        type=move || if show_key.get() { "text" } else { "password" }
                        placeholder="NNSXS.…"
                        autocomplete="off"
                        spellcheck="false"
                        prop:value=api_key
                        on:input=move |ev| api_key.set(event_target_value(&ev))
                    />
                    <button
                        type="button"
                        class="secondary"
                        aria-controls="api-key"
                        aria-pressed=move || show_key.get().to_string()
                        on:click=move |_| show_key.update(|s| *s = !*s)
                    >
                        {move || if show_key.get() { "Hide" } else { "Show" }}
                    </button>
                </div>
            </div>
            <div class="field">
                <label for="entities">"Entities"</label>
                <textarea
                    id="entities"
                    name="entities"
                    rows="3"
                    placeholder="app1, app1/dev2, gw:gw2 — one per line or comma-separated"
                    prop:value=entities
                    on:input=move |ev| entities.set(event_target_value(&ev))
                ></textarea>
            </div>
            <div class="field">
                <label for="event-names">"Event names"</label>
                <input
                    id="event-names"
                    name="event-names"
                    placeholder="all events; or e.g. as.up.data.forward, /^gs\\.up\\./"
                    prop:value=event_names
                    on:input=move |ev| event_names.set(event_target_value(&ev))
                />
            </div>
            <div class="row">
                <div class="field">
                    <label for="tail">"Tail"</label>
                    <input
                        id="tail"
                        name="tail"
                        type="number"
                        min="0"
                        placeholder="0"
                        prop:value=tail
                        on:input=move |ev| tail.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for="after">"After"</label>
                    <input
                        id="after"
                        name="after"
                        placeholder="2024-10-28T09:00:00Z"
                        prop:value=after
                        on:input=move |ev| after.set(event_target_value(&ev))
                    />
                </div>
            </div>
            <div class="actions">
                <button type="submit" class="primary">"Connect"</button>
            </div>
            {move || status.get().map(|s| view! { <p class="status" role="status">{s}</p> })}
        </form>
    }
}
