//! A leaf of the JSON tree: a value as text — timestamps in the chosen zone,
//! long strings shortened until "show all", byte fields in hex, base64, LSB
//! or a C array with a copy button. Never HTML.

use leptos::prelude::*;
use serde_json::Value;

use super::node::TreeCtx;
use crate::json::bytes::{bytes_of, render, ByteView};
use crate::json::{copy_text, display_string, StrKind, ValueKind, BLOB_LIMIT};

/// A scalar's text, styled by kind; long strings get "show all".
pub(super) fn scalar_view(
    ctx: TreeCtx,
    value: Value,
    kind: ValueKind,
    key: Option<String>,
    id: String,
    tabindex: impl Fn() -> &'static str + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let class = kind.css_class();
    let (text, str_kind) = match (value, kind) {
        (Value::String(s), ValueKind::String(k)) => (s, k),
        (other, _) => {
            return view! { <span class=class id=id>{copy_text(&other)}</span> }.into_any()
        }
    };
    if let Some(bytes) = key.as_deref().and_then(|k| bytes_of(k, &text)) {
        return bytes_view(ctx, bytes, &text, class, id, tabindex).into_any();
    }
    if let (StrKind::Timestamp, Some(format)) = (str_kind, ctx.format_time) {
        let raw = text.clone();
        let shown = move || format.run(raw.clone()).unwrap_or_else(|| raw.clone());
        return view! { <span class=class id=id title=text>{shown}</span> }.into_any();
    }
    let display = display_string(&text, str_kind);
    if !display.truncated {
        return view! { <span class=class id=id>{text}</span> }.into_any();
    }
    let full = RwSignal::new(false);
    let prefix = display.shown;
    let total = display.total_chars;
    view! {
        <span class=class id=id>
            {move || if full.get() { text.clone() } else { prefix.clone() }}
            {move || (!full.get()).then_some("…")}
        </span>
        <button
            type="button"
            class="json-more"
            tabindex=tabindex
            aria-expanded=move || full.get().to_string()
            on:click=move |_| full.update(|f| *f = !*f)
        >
            {move || if full.get() { "show less".to_owned() } else { format!("show all ({total} chars)") }}
        </button>
    }
    .into_any()
}

/// A byte field: its bytes in the chosen view (at first the way TTS wrote
/// them: hex or base64; then base64, hex, LSB, a C array), a button cycling
/// the views, one copying what is shown, and long values shortened until
/// "show all".
fn bytes_view(
    ctx: TreeCtx,
    bytes: Vec<u8>,
    written: &str,
    class: &'static str,
    id: String,
    tabindex: impl Fn() -> &'static str + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let first = if render(&bytes, ByteView::Hex).eq_ignore_ascii_case(written) {
        ByteView::Hex
    } else {
        ByteView::Base64
    };
    let view_as = RwSignal::new(first);
    let full = RwSignal::new(false);
    let bytes = StoredValue::new(bytes);
    let text = move || bytes.with_value(|b| render(b, view_as.get()));
    let long = move || text().chars().count() > BLOB_LIMIT;
    let shown = move || {
        let t = text();
        if full.get() || t.chars().count() <= BLOB_LIMIT {
            t
        } else {
            format!("{}…", t.chars().take(BLOB_LIMIT).collect::<String>())
        }
    };
    let copy = move |_| {
        let text = bytes.with_value(|b| render(b, view_as.get_untracked()));
        ctx.copier
            .copy(format!("bytes as {}", view_as.get_untracked().name()), text);
    };
    view! {
        <span class=format!("{class} json-bytes") id=id>{shown}</span>
        <Show when=long>
            <button type="button" class="json-more" tabindex=tabindex
                aria-expanded=move || full.get().to_string()
                on:click=move |_| full.update(|f| *f = !*f)>
                {move || if full.get() { "show less".to_owned() } else { format!("show all ({} chars)", text().chars().count()) }}
            </button>
        </Show>
        <button type="button" class="json-bytes-view" tabindex=tabindex
            title="Show these bytes as hex, base64, hex with the byte order reversed (LSB), or a C array"
            on:click=move |_| view_as.update(|v| *v = v.next())>
            {move || view_as.get().name()}
        </button>
        <button type="button" class="json-copy" tabindex=tabindex on:click=copy>
            {move || format!("Copy {}", view_as.get().name())}
        </button>
    }
}
