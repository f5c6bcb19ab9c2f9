//! One row of the JSON tree (a `treeitem`): toggle, key, value, copy buttons,
//! and, only while open, its children.
//!
//! Rows follow the WAI-ARIA tree pattern: one tab stop (roving `tabindex`),
//! Enter/Space toggle, Right opens or enters, Left closes or leaves, Up/Down,
//! Home/End move. Values are text nodes; this module never builds HTML from
//! event content and never builds a closed container's children.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};

use super::clipboard::Copier;
use crate::json::{classify, copy_text, summary, JsonPath, TreeMode, ValueKind};

/// What every row of one tree shares.
#[derive(Clone, Copy)]
pub(super) struct TreeCtx {
    /// The whole value; rows look themselves up by path.
    pub(super) root: StoredValue<Arc<Value>>,
    /// Expand/collapse-all policy and its generation.
    pub(super) mode: RwSignal<TreeMode>,
    /// The row that holds the tree's tab stop; `None` = the first row.
    pub(super) focused: RwSignal<Option<JsonPath>>,
    /// Display text for timestamp strings.
    pub(super) format_time: Option<Callback<String, Option<String>>>,
    /// Clipboard writes and their feedback.
    pub(super) copier: Copier,
}

/// Gives every row unique element ids for `aria-labelledby`.
static NEXT_ROW_ID: AtomicU64 = AtomicU64::new(0);

/// The paths of the members of `container` (the value at `parent`).
pub(super) fn child_paths(parent: &JsonPath, container: &Value) -> Vec<JsonPath> {
    match container {
        Value::Object(map) => map.keys().map(|k| parent.key(k)).collect(),
        Value::Array(items) => (0..items.len()).map(|i| parent.index(i)).collect(),
        _ => Vec::new(),
    }
}

/// The row for the value at `path`; `first` holds the tab stop until another row is focused.
pub(super) fn node(ctx: TreeCtx, path: JsonPath, first: bool) -> AnyView {
    let Some((kind, scalar, summary)) = ctx.root.with_value(|root| {
        path.resolve(root).map(|v| {
            let kind = classify(v);
            let container = matches!(kind, ValueKind::Object | ValueKind::Array);
            (kind, (!container).then(|| v.clone()), summary(v))
        })
    }) else {
        return ().into_any();
    };
    let is_container = scalar.is_none();
    let depth = path.depth();
    let path_text = path.to_string();
    let label = if depth == 0 {
        "value".to_owned()
    } else {
        path.label()
    };
    let li = NodeRef::<leptos::html::Li>::new();
    // The row is named by its key and value, not by its buttons or children.
    let id = format!("json-row-{}", NEXT_ROW_ID.fetch_add(1, Ordering::Relaxed));
    let (key_id, value_id) = (format!("{id}-k"), format!("{id}-v"));
    let labelled_by = format!("{key_id} {value_id}");

    let toggle = RwSignal::new(None::<(u32, bool)>);
    // The path in a Copy handle, so the closures below stay Copy.
    let here = StoredValue::new(path.clone());
    let is_open = move || {
        is_container
            && ctx
                .mode
                .with(|m| here.with_value(|p| m.is_open(p, toggle.get())))
    };
    let open_now = move || {
        is_container
            && ctx
                .mode
                .with_untracked(|m| here.with_value(|p| m.is_open(p, toggle.get_untracked())))
    };
    let set_open = {
        let path = path.clone();
        move |open: bool| {
            // Closing over the focused row: keep focus (and the tab stop) here.
            let inside = ctx
                .focused
                .with_untracked(|f| f.as_ref().is_some_and(|f| f != &path && f.is_within(&path)));
            toggle.set(ctx.mode.get_untracked().toggle(open));
            if !open && inside {
                ctx.focused.set(Some(path.clone()));
                if let Some(el) = li.get_untracked() {
                    let _ = el.focus();
                }
            }
        }
    };
    let tab_stop = {
        let path = path.clone();
        Signal::derive(move || {
            ctx.focused
                .with(|f| f.as_ref().map_or(first, |f| *f == path))
        })
    };
    let tabindex = move || if tab_stop.get() { "0" } else { "-1" };

    let on_keydown = {
        let set_open = set_open.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            let Some(el) = li.get_untracked() else { return };
            let element: &web_sys::Element = &el;
            if ev.target().map(JsValue::from) != Some(JsValue::from(element.clone())) {
                return; // a key on a button inside the row, or on a child row
            }
            let open = open_now();
            let handled = match ev.key().as_str() {
                "Enter" | " " if is_container => {
                    set_open(!open);
                    true
                }
                "ArrowRight" if is_container => {
                    if open {
                        focus_first_child(element);
                    } else {
                        set_open(true);
                    }
                    true
                }
                "ArrowLeft" => {
                    if open {
                        set_open(false);
                    } else {
                        focus_parent(element);
                    }
                    true
                }
                "ArrowDown" => move_focus(element, Step::Next),
                "ArrowUp" => move_focus(element, Step::Previous),
                "Home" => move_focus(element, Step::First),
                "End" => move_focus(element, Step::Last),
                _ => false,
            };
            if handled {
                ev.prevent_default();
                ev.stop_propagation();
            }
        }
    };
    let on_focusin = {
        let path = path.clone();
        move |ev: leptos::ev::FocusEvent| {
            ev.stop_propagation();
            if ctx.focused.with_untracked(|f| f.as_ref() != Some(&path)) {
                ctx.focused.set(Some(path.clone()));
            }
        }
    };

    let toggle_button = is_container.then(|| {
        let set_open = set_open.clone();
        let label = label.clone();
        view! {
            <button
                type="button"
                class="json-toggle"
                tabindex="-1"
                aria-label=move || format!("{} {label}", if is_open() { "Collapse" } else { "Expand" })
                on:click=move |_| set_open(!open_now())
            >
                {move || if is_open() { "▾" } else { "▸" }}
            </button>
        }
    });
    let value_view = match scalar {
        Some(v) => {
            let key = match path.segments().last() {
                Some(crate::json::PathSegment::Key(k)) => Some(k.clone()),
                _ => None,
            };
            super::value::scalar_view(ctx, v, kind, key, value_id.clone(), tabindex).into_any()
        }
        None => {
            view! { <span class="json-summary" id=value_id.clone()>{summary}</span> }.into_any()
        }
    };
    let copy_value = {
        let path = path.clone();
        let what = format!("value {path_text}");
        move |_| {
            let text = ctx
                .root
                .with_value(|root| path.resolve(root).map(copy_text));
            ctx.copier.copy(what.clone(), text.unwrap_or_default());
        }
    };
    let copy_path = {
        let (what, text) = (format!("path {path_text}"), path_text.clone());
        move |_| ctx.copier.copy(what.clone(), text.clone())
    };
    let children = move || {
        is_open().then(|| {
            let paths = ctx
                .root
                .with_value(|root| path.resolve(root).map(|v| child_paths(&path, v)))
                .unwrap_or_default();
            let rows = paths
                .into_iter()
                .map(|p| node(ctx, p, false))
                .collect_view();
            view! { <ul class="json-group" role="group">{rows}</ul> }
        })
    };

    view! {
        <li
            node_ref=li
            class="json-node"
            role="treeitem"
            aria-expanded=move || is_container.then(|| is_open().to_string())
            aria-labelledby=labelled_by
            data-path=path_text.clone()
            tabindex=tabindex
            on:keydown=on_keydown
            on:focusin=on_focusin
        >
            <div class="json-row">
                {toggle_button}
                <span class="json-key" class:json-key-toggle=is_container id=key_id
                    on:click={
                        let set_open = set_open.clone();
                        move |_| if is_container { set_open(!open_now()) }
                    }>{label}</span>
                <span class="json-colon" aria-hidden="true">": "</span>
                {value_view}
                <span class="json-actions">
                    <button
                        type="button"
                        class="json-copy"
                        tabindex=tabindex
                        aria-label=format!("Copy value {path_text}")
                        on:click=copy_value
                    >
                        "Copy value"
                    </button>
                    <button
                        type="button"
                        class="json-copy"
                        tabindex=tabindex
                        aria-label=format!("Copy path {path_text}")
                        on:click=copy_path
                    >
                        "Copy path"
                    </button>
                </span>
            </div>
            {children}
        </li>
    }
    .into_any()
}

/// Where arrow keys move focus among the visible rows.
#[derive(Clone, Copy)]
enum Step {
    Next,
    Previous,
    First,
    Last,
}

fn focus(element: &web_sys::Element) {
    if let Some(el) = element.dyn_ref::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}

fn focus_first_child(item: &web_sys::Element) {
    if let Ok(Some(child)) = item.query_selector(":scope > [role=group] > [role=treeitem]") {
        focus(&child);
    }
}

fn focus_parent(item: &web_sys::Element) {
    let parent = item
        .parent_element()
        .and_then(|group| group.closest("[role=treeitem]").ok().flatten());
    if let Some(parent) = parent {
        focus(&parent);
    }
}

/// Moves focus among the rendered rows (closed subtrees are not rendered, so
/// document order is visual order). Returns whether the key was handled.
fn move_focus(item: &web_sys::Element, step: Step) -> bool {
    let Some(tree) = item.closest("[role=tree]").ok().flatten() else {
        return false;
    };
    let Ok(list) = tree.query_selector_all("[role=treeitem]") else {
        return false;
    };
    let items: Vec<web_sys::Element> = (0..list.length())
        .filter_map(|i| list.item(i).and_then(|n| n.dyn_into().ok()))
        .collect();
    let Some(here) = items.iter().position(|e| e == item) else {
        return false;
    };
    let target = match step {
        Step::Next => items.get(here + 1),
        Step::Previous => here.checked_sub(1).and_then(|i| items.get(i)),
        Step::First => items.first(),
        Step::Last => items.last(),
    };
    if let Some(target) = target {
        focus(target);
    }
    true
}
