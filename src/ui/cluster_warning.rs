//! The warning above the connect form while its cluster came from a link
//! and must be confirmed before a key goes to it (the safe choice first), or
//! when the deployment refuses that cluster.

use leptos::prelude::*;

use super::state::Viewer;
use crate::model::FormModel;
use crate::trust::{owner_domain, ClusterCheck};

/// A host name that may wrap only after its dots, never inside a label.
fn host_view(host: &str) -> impl IntoView {
    let labels: Vec<String> = host.split('.').map(str::to_owned).collect();
    let last = labels.len().saturating_sub(1);
    labels
        .into_iter()
        .enumerate()
        .map(|(i, label)| {
            let dot = if i < last { "." } else { "" };
            view! { <span class="label">{format!("{label}{dot}")}</span><wbr /> }
        })
        .collect_view()
}

/// The warning shown while the form's cluster came from a link and must be
/// confirmed before a key goes to it, or when the deployment refuses it.
#[component]
pub(super) fn ClusterWarning() -> impl IntoView {
    let viewer = Viewer::expect();
    // A shared key waiting for (or used on) this cluster has its own note:
    // "Connecting sends your API key" would be false, and Trust unneeded.
    let check = Memo::new(move |_| {
        viewer.form(|f| match f.cluster_check() {
            Some(ClusterCheck::Confirm { .. })
                if f.shared_pending().is_some() || f.shared_in_use().is_some() =>
            {
                None
            }
            other => other,
        })
    });
    move || match check.get() {
        Some(ClusterCheck::Confirm { host, reason }) => {
            // Trust exactly the host shown, whatever the field holds by the time of the click.
            let origin = viewer.form_untracked(FormModel::key_origin);
            let trust = move |_| {
                let origin = origin.clone();
                viewer.edit_form(|f| f.trust_origin(origin));
                let key_empty = viewer.form_untracked(|f| f.input.api_key.is_empty());
                super::focus::first(if key_empty {
                    "#api-key"
                } else {
                    "form.connect button[type=submit]"
                });
            };
            let distrust = move |_| {
                viewer.edit_form(FormModel::distrust);
                super::focus::first("#cluster-url");
            };
            let domain = owner_domain(&host).to_owned();
            let whole = domain == host;
            Some(view! {
                <div class="cluster-warning" role="alert" aria-label="Check the cluster">
                    <p class="sentence">"A link set the cluster. Connecting sends your API key to:"</p>
                    <p class="host"><strong>{host_view(&host)}</strong></p>
                    {(!whole).then(|| view! {
                        <p class="domain">"That is a server of "<strong>{domain.clone()}</strong>"."</p>
                    })}
                    <p>{reason.sentence()} " Only continue if you know this host and trust it with your key."</p>
                    // The safe choice first and primary: Connect focuses it, so
                    // Enter pressed twice never sends the key to a linked host.
                    <div class="actions">
                        <button type="button" class="primary" on:click=distrust>"Don't trust it"</button>
                        <button type="button" on:click=trust>{format!("Trust {host}")}</button>
                    </div>
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
