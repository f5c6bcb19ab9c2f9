//! Copying text to the system clipboard, with feedback the tree can show.
//!
//! `navigator.clipboard` is missing in insecure contexts and its promise
//! rejects when the browser refuses; both become a `Failed` status, never a
//! panic. This module must never read the clipboard.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// The outcome of the latest copy, shown next to the toolbar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum CopyStatus {
    /// The copy of what is named (e.g. `path data.f_cnt`) succeeded.
    Copied(String),
    /// The browser refused.
    Failed,
}

impl CopyStatus {
    /// The sentence for the status line.
    pub(super) fn message(&self) -> String {
        match self {
            CopyStatus::Copied(what) => format!("Copied {what}"),
            CopyStatus::Failed => "Copy failed: the browser blocked clipboard access".into(),
        }
    }
}

/// Copy state shared by every row of one tree.
#[derive(Debug, Clone, Copy)]
pub(super) struct Copier {
    /// The latest outcome; `None` before the first copy.
    pub(super) status: RwSignal<Option<CopyStatus>>,
    /// Bumped per copy, so a slow older promise cannot overwrite a newer result.
    attempt: RwSignal<u32>,
}

impl Copier {
    pub(super) fn new() -> Self {
        Self {
            status: RwSignal::new(None),
            attempt: RwSignal::new(0),
        }
    }

    /// Writes `text` to the clipboard; `what` names it in the feedback.
    pub(super) fn copy(&self, what: String, text: String) {
        let this = *self;
        this.attempt.update(|n| *n = n.wrapping_add(1));
        let attempt = this.attempt.get_untracked();
        this.status.set(None);
        leptos::task::spawn_local(async move {
            let ok = write_text(&text).await;
            if this.attempt.get_untracked() == attempt {
                this.status.set(Some(if ok {
                    CopyStatus::Copied(what)
                } else {
                    CopyStatus::Failed
                }));
            }
        });
    }
}

async fn write_text(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let clipboard = window.navigator().clipboard();
    let clipboard_js: &JsValue = clipboard.as_ref();
    if clipboard_js.is_undefined() || clipboard_js.is_null() {
        return false;
    }
    wasm_bindgen_futures::JsFuture::from(clipboard.write_text(text))
        .await
        .is_ok()
}
