//! "Share with a key": a dialog that creates a read-only share key for one
//! connected application or gateway with the user's own key, on the
//! connected cluster only, and gives a link carrying it; and the list of
//! share keys created from this browser, each with Revoke. The rules (which
//! entities, rights, expiry, name, the link, the sentences) are
//! `share::key_grant` / `key_link` / `key_list`'s; this renders them and
//! performs the calls (`share_key_api`). The link is shown and copied, never
//! logged or stored; the list holds no secrets.

use leptos::html;
use leptos::prelude::*;

use super::share_key_api::{self, Answer};
use super::state::{now, Viewer};
use super::storage;
use crate::form::ApiKey;
use crate::share::key_grant::{self, Grant, Refusal, ShareFor, ShareTarget};
use crate::share::key_link::{anyone_can_watch, link_fragment, time_words};
use crate::share::key_list::{CreatedKey, CreatedKeys};
use crate::share::ViewState;
use crate::stream::ClusterUrl;

/// What Create gave: the link and its line, or why not.
#[derive(Clone)]
enum Outcome {
    Link { link: String, line: String },
    Refused(Refusal),
}

/// The live request's cluster and the user's own key (not a shared one).
fn own_connection(viewer: Viewer) -> Option<(ClusterUrl, ApiKey)> {
    viewer.with_untracked(|m| {
        m.live_request()
            .filter(|f| f.shared_until.is_none())
            .map(|f| (f.cluster.clone(), f.api_key.clone()))
    })
}

/// This page's address without its fragment.
fn page_address() -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return String::new();
    };
    format!(
        "{}{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    )
}

async fn create(viewer: Viewer, grant: Grant, list: RwSignal<CreatedKeys>) -> Outcome {
    let refused = |sentence: String| {
        Outcome::Refused(Refusal {
            sentence,
            command: None,
        })
    };
    let Some((cluster, key)) = own_connection(viewer) else {
        return refused("Connect with your own key first.".into());
    };
    let url = grant.target.keys_url(cluster.base());
    let created = match share_key_api::create(&url, &key, grant.body()).await {
        Answer::Ok(body) => match key_grant::read_created(&body) {
            Ok(created) => created,
            Err(sentence) => return refused(sentence),
        },
        Answer::Refused(error) => return Outcome::Refused(key_grant::refusal(&error, &grant)),
        Answer::Unreachable(sentence) => return refused(sentence),
    };
    list.update(|l| {
        l.add(CreatedKey {
            cluster: cluster.origin().to_owned(),
            kind: grant.target.kind.as_str().to_owned(),
            entity_id: grant.target.id.clone(),
            key_id: created.id.clone(),
            name: grant.name.clone(),
            expires_at: created.expires_at,
        });
        storage::store_share_keys(l);
    });
    let view = ViewState {
        cluster_url: cluster.base().to_owned(),
        entities: vec![grant.target.entity()],
        ..ViewState::default()
    };
    Outcome::Link {
        link: format!(
            "{}#{}",
            page_address(),
            link_fragment(&view, &created.key, created.expires_at)
        ),
        line: anyone_can_watch(&grant.target.words(), cluster.host(), created.expires_at),
    }
}

/// Revokes `row`: the row goes on success, or when the cluster no longer has it.
async fn revoke(viewer: Viewer, row: CreatedKey, list: RwSignal<CreatedKeys>) -> String {
    let Some((cluster, key)) = own_connection(viewer).filter(|(c, _)| c.origin() == row.cluster)
    else {
        return format!("Connect to {} with your own key to revoke it.", row.cluster);
    };
    let Some(url) = row.url(cluster.base()) else {
        return "This entry names no key to revoke.".into();
    };
    let gone = |l: &mut CreatedKeys| {
        l.remove(&row.cluster, &row.key_id);
        storage::store_share_keys(l);
    };
    match share_key_api::delete(&url, &key).await {
        Answer::Ok(_) => {
            list.update(gone);
            format!("Revoked share key {}.", row.key_id)
        }
        Answer::Refused(e) if e.name() == Some("api_key_not_found") => {
            list.update(gone);
            format!("Share key {} was already gone.", row.key_id)
        }
        Answer::Refused(e) => e.sentence(),
        Answer::Unreachable(sentence) => sentence,
    }
}

/// The share keys created from this browser, with Revoke.
#[component]
fn CreatedList(list: RwSignal<CreatedKeys>) -> impl IntoView {
    let viewer = Viewer::expect();
    let status = RwSignal::new(String::new());
    let connected = move || {
        viewer.with(|m| {
            m.live_request()
                .filter(|f| f.shared_until.is_none())
                .map(|f| f.cluster.origin().to_owned())
        })
    };
    view! {
        <Show when=move || !list.with(|l| l.keys.is_empty())>
            <h3>"Share keys created from this browser"</h3>
            <ul class="share-keys" aria-label="Share keys created from this browser">
                {move || list.get().keys.into_iter().map(|row| {
                    let blocked = CreatedKeys::revoke_blocked(&row, connected().as_deref());
                    let expired = row.expired(now());
                    let label = format!("Revoke share key {}", row.key_id);
                    let what = row.target().map(|t| t.words()).unwrap_or_default();
                    let r = row.clone();
                    let click = move |_| {
                        let r = r.clone();
                        leptos::task::spawn_local(async move {
                            status.set(revoke(viewer, r, list).await);
                        });
                    };
                    view! {
                        <li>
                            <span class="share-key-id">{row.key_id.clone()}</span>
                            <span>{format!(" · {what} on {} · ", row.cluster)}</span>
                            <span>{if expired {
                                format!("expired {}", time_words(row.expires_at))
                            } else {
                                format!("until {}", time_words(row.expires_at))
                            }}</span>
                            <button type="button" aria-label=label prop:disabled=blocked.is_some()
                                title=blocked.clone().unwrap_or_default() on:click=click>"Revoke"</button>
                            {blocked.map(|why| view! { <span class="help">{why}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </Show>
        <p class="copy-status" role="status">{move || status.get()}</p>
    }
}

/// The "Share with a key" button and its dialog (only while connected with
/// the user's own key).
#[component]
pub fn ShareWithKey() -> impl IntoView {
    let viewer = Viewer::expect();
    let dialog = NodeRef::<html::Dialog>::new();
    let opener = NodeRef::<html::Button>::new();
    let choices = Memo::new(move |_| {
        viewer.with(|m| {
            m.live_request()
                .filter(|_| m.key_worked())
                .map(|f| ShareTarget::choices(&f.request.identifiers))
                .unwrap_or_default()
        })
    });
    let chosen = RwSignal::new(0_usize);
    let lasts = RwSignal::new(ShareFor::Hour);
    let name = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Outcome>);
    let copied = RwSignal::new(None::<&'static str>);
    let list = RwSignal::new(storage::load_share_keys());
    let open = move |_| {
        name.set(key_grant::default_name(now()));
        outcome.set(None);
        problem.set(None);
        copied.set(None);
        list.set(storage::load_share_keys());
        if let Some(d) = dialog.get() {
            let _ = d.show_modal();
        }
    };
    let close = move |_| {
        if let Some(d) = dialog.get() {
            d.close();
        }
    };
    let closed = move |_| {
        if let Some(b) = opener.get() {
            let _ = b.focus();
        }
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let Some(target) = choices.with_untracked(|c| c.get(chosen.get_untracked()).cloned())
        else {
            problem.set(Some("Choose an application or a gateway.".into()));
            return;
        };
        match Grant::new(target, &name.get_untracked(), lasts.get_untracked(), now()) {
            Err(e) => problem.set(Some(e)),
            Ok(grant) => {
                problem.set(None);
                busy.set(true);
                leptos::task::spawn_local(async move {
                    outcome.set(Some(create(viewer, grant, list).await));
                    busy.set(false);
                });
            }
        }
    };
    let copy = move |_| {
        let Some(Outcome::Link { link, .. }) = outcome.get_untracked() else {
            return;
        };
        let Some(window) = web_sys::window() else {
            return;
        };
        let promise = window.navigator().clipboard().write_text(&link);
        leptos::task::spawn_local(async move {
            let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            copied.set(Some(if ok {
                "Link copied"
            } else {
                "Copy failed: the browser blocked clipboard access; copy the link from the field"
            }));
        });
    };
    let target_words = move || choices.with(|c| c.get(chosen.get()).map(ShareTarget::rights_words));
    view! {
        <Show when=move || !choices.with(Vec::is_empty)>
            <button type="button" node_ref=opener on:click=open
                title="Create a read-only key for one application or gateway and a link that carries it">
                "Share with a key"
            </button>
        </Show>
        <dialog node_ref=dialog class="share-key-dialog" aria-labelledby="share-key-title" on:close=closed>
            <h2 id="share-key-title">"Share with a key"</h2>
            <form on:submit=submit aria-label="Create a share key">
                <fieldset>
                    <legend>"Share"</legend>
                    <p class="help">"A key belongs to one application or one gateway; a device is covered by its application."</p>
                    {move || choices.get().into_iter().enumerate().map(|(i, t)| view! {
                        <label class="check">
                            <input type="radio" name="share-target" prop:checked=move || chosen.get() == i
                                on:change=move |_| chosen.set(i) />
                            {t.words()}
                        </label>
                    }).collect_view()}
                </fieldset>
                <p class="share-rights">
                    {move || target_words().map(|w| format!("Whoever has the link can {w} — nothing else, and never more than your key has (the cluster enforces it)."))}
                </p>
                <fieldset>
                    <legend>"For"</legend>
                    {ShareFor::ALL.into_iter().map(|d| view! {
                        <label class="check">
                            <input type="radio" name="share-for" prop:checked=move || lasts.get() == d
                                on:change=move |_| lasts.set(d) />
                            {d.label()}
                        </label>
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for="share-key-name">"Name"</label>
                    <input id="share-key-name" type="text" maxlength="50" prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev)) />
                </div>
                <p class="field-error" role="alert">{move || problem.get()}</p>
                <div class="actions">
                    <button type="submit" class="primary" prop:disabled=move || busy.get()>"Create share key"</button>
                    <button type="button" on:click=close>"Close"</button>
                </div>
            </form>
            {move || outcome.get().map(|o| match o {
                Outcome::Link { link, line } => view! {
                    <div class="share-key-link">
                        <p class="share-line">{line}</p>
                        <input type="text" class="share-link" readonly aria-label="Share link" prop:value=link />
                        <button type="button" on:click=copy>"Copy"</button>
                        <span class="copy-status" role="status">{move || copied.get()}</span>
                    </div>
                }.into_any(),
                Outcome::Refused(r) => view! {
                    <div class="share-key-refused" role="alert">
                        <p class="sentence">{r.sentence}</p>
                        {r.command.map(|c| view! {
                            <p>"Someone with that right can create the key with:"</p>
                            <pre><code>{c}</code></pre>
                        })}
                    </div>
                }.into_any(),
            })}
            <CreatedList list />
        </dialog>
    }
}
