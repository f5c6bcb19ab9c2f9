//! The recipient's side of a share-key link: before anything is sent, a
//! note saying what the link lets anyone watch, where, until when, and the
//! one button that connects with the shared key; once in use, a line in the
//! connect form saying so (never the secret), with a way back to one's own key.
//! The rules are `FormModel`'s (`model/form_shared.rs`).

use leptos::prelude::*;

use super::live::Connection;
use super::share;
use super::state::Viewer;
use crate::model::FormModel;
use crate::share::key_link::time_words;

/// The note shown while a link's shared key waits for the recipient's press.
#[component]
pub fn SharedKeyNote() -> impl IntoView {
    let viewer = Viewer::expect();
    let connection = expect_context::<Connection>();
    let note = move || viewer.form(|f| f.shared_pending().map(|s| s.note()));
    let error = move || viewer.form(|f| f.shared_error.clone());
    let watch = move |_| {
        let before = viewer.form_untracked(FormModel::clone);
        if let Some(valid) = viewer.edit_form(FormModel::watch_shared) {
            if !super::live::keep_capture_or_go_on(viewer, before) {
                return;
            }
            let view = viewer.form_untracked(FormModel::request_view);
            connection.connect(viewer, valid, view);
            share::push_view(viewer);
        }
    };
    view! {
        {move || note().map(|text| view! {
            <section class="shared-key-note" role="region" aria-label="Shared link">
                <p class="sentence">{text}</p>
                <p class="help">"The link carries a read-only key. Nothing is sent to the cluster until you press the button."</p>
                <div class="actions">
                    <button type="button" class="primary" on:click=watch>"Watch with the shared key"</button>
                    <button type="button" on:click=move |_| viewer.edit_form(FormModel::drop_shared)>
                        "Use my own key instead"
                    </button>
                </div>
            </section>
        })}
        {move || error().map(|text| view! {
            <p class="cluster-warning refused" role="alert">{text}</p>
        })}
    }
}

/// In the connect form: the shared key in use (not its secret).
#[component]
pub fn SharedKeyInUse() -> impl IntoView {
    let viewer = Viewer::expect();
    let until = move || viewer.form(|f| f.shared_in_use().map(|s| time_words(s.key.until)));
    view! {
        {move || until().map(|until| view! {
            <p class="shared-note" role="note">
                {format!("Using the shared key from the link (it works until {until}), not a key of yours. ")}
                <button type="button" class="link" on:click=move |_| viewer.edit_form(FormModel::drop_shared)>
                    "Use my own key"
                </button>
            </p>
        })}
    }
}
