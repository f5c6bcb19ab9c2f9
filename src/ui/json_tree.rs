//! The event inspector: one event as a collapsible, keyboard-driven JSON tree
//! with expand/collapse all and copy (event, value, path).
//!
//! Every decision (paths, kinds, truncation, what is open) comes from
//! [`crate::json`]; this file and its submodules only render. Event content is
//! always a text node: never `inner_html`. A closed container's children are
//! not built at all.

mod clipboard;
mod node;
mod value;

use std::sync::Arc;

use leptos::prelude::*;
use serde_json::Value;

use crate::json::{JsonPath, OpenPolicy, TreeMode};
use clipboard::Copier;
use node::{child_paths, node, TreeCtx};

/// One JSON value (usually a whole event) as a tree.
#[component]
pub fn JsonTree(
    /// The value to show; a `serde_json::Value` converts into it. Read once:
    /// to show another event, mount a new tree (e.g. keyed by `unique_id`).
    #[prop(into)]
    value: Arc<Value>,
    /// Display text for a raw RFC 3339 timestamp string (the app passes its
    /// UTC/local formatting); `None` from it, or no callback, shows the raw string.
    #[prop(optional, into)]
    format_time: Option<Callback<String, Option<String>>>,
    /// The text "Copy event" puts on the clipboard, when the shown tree is
    /// not all of it (an event nested deeper than the tree goes); default:
    /// the tree, pretty-printed.
    #[prop(optional, into)]
    whole: Option<Callback<(), String>>,
) -> impl IntoView {
    let ctx = TreeCtx {
        root: StoredValue::new(value),
        mode: RwSignal::new(TreeMode::default()),
        focused: RwSignal::new(None),
        format_time,
        copier: Copier::new(),
    };
    // A container's members are the top rows; a bare scalar is one row.
    let top = ctx.root.with_value(|root| {
        if root.is_object() || root.is_array() {
            child_paths(&JsonPath::root(), root)
        } else {
            vec![JsonPath::root()]
        }
    });
    let empty = top.is_empty();
    let rows = top
        .into_iter()
        .enumerate()
        .map(|(i, path)| node(ctx, path, i == 0))
        .collect_view();

    let set_policy = move |policy: OpenPolicy| {
        ctx.focused.set(None);
        ctx.mode.update(|m| *m = m.with_policy(policy));
    };
    let copy_event = move |_| {
        let text = whole.map(|w| w.run(())).unwrap_or_else(|| {
            ctx.root.with_value(|root| {
                serde_json::to_string_pretty(root.as_ref()).unwrap_or_else(|_| root.to_string())
            })
        });
        ctx.copier.copy("event".into(), text);
    };
    let status = move || ctx.copier.status.with(|s| s.as_ref().map(|s| s.message()));

    view! {
        <div class="json-tree">
            <div class="json-toolbar" role="toolbar" aria-label="Event JSON actions">
                <button type="button" on:click=move |_| set_policy(OpenPolicy::ExpandAll)>
                    "Expand all"
                </button>
                <button type="button" on:click=move |_| set_policy(OpenPolicy::CollapseAll)>
                    "Collapse all"
                </button>
                <button type="button" on:click=copy_event>"Copy event"</button>
                <span class="json-copy-status" role="status">{status}</span>
            </div>
            {empty.then(|| view! { <p class="json-empty">"(empty)"</p> })}
            <ul class="json-root" role="tree" aria-label="Event JSON">
                {rows}
            </ul>
        </div>
    }
}
