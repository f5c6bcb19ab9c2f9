//! One event as a list item: time, name and description, an icon by family,
//! the one-line preview; clicking it opens the whole event as a JSON tree.
//! Everything from the event is rendered as text.

use leptos::prelude::*;

use super::state::Viewer;
use super::time;
use super::JsonTree;
use crate::store::EventRef;
use crate::tts::{family, preview, Event};

/// What a row shows, computed once when the row is created.
#[derive(Debug, Clone, PartialEq)]
pub struct RowData {
    pub key: String,
    pub at: EventRef,
    pub name: String,
    pub description: &'static str,
    pub family: crate::tts::Family,
    pub preview: String,
    pub time: crate::tts::Timestamp,
    /// For the flat view: which entities the event names.
    pub entities: String,
    pub correlation_ids: Vec<String>,
}

/// The key of a row: the event's `unique_id` (or its position if it has none).
pub fn row_key(at: EventRef, event: &Event) -> String {
    if event.unique_id.is_empty() {
        format!("#{at}")
    } else {
        event.unique_id.clone()
    }
}

impl RowData {
    pub fn new(at: EventRef, event: &Event) -> Self {
        Self {
            key: row_key(at, event),
            at,
            name: event.name.clone(),
            description: event.definition().map_or("", |d| d.description),
            family: family(&event.name),
            preview: preview(event),
            time: event.time,
            entities: event
                .identifiers
                .iter()
                .map(|i| i.key())
                .collect::<Vec<_>>()
                .join(", "),
            correlation_ids: event.correlation_ids.clone(),
        }
    }
}

/// A timeline row.
#[component]
pub fn EventRow(
    /// The event's place in the timeline.
    at: EventRef,
    /// Show which entities the event names (flat view).
    #[prop(optional)]
    show_entities: bool,
) -> impl IntoView {
    let viewer = Viewer::expect();
    let row = viewer.with_untracked(|m| m.store().event(at).map(|e| RowData::new(at, e)))?;
    let key = row.key.clone();
    let open = {
        let key = key.clone();
        Memo::new(move |_| viewer.with(|m| m.selected() == Some(key.as_str())))
    };
    let toggle = {
        let key = key.clone();
        move |_| {
            viewer.act(|m| m.toggle_selected(&key));
        }
    };
    let ts = row.time;
    let clock = move || {
        let utc = viewer.with(|m| m.settings().utc);
        time::display(ts, utc)
    };
    let corr = row.correlation_ids.clone();
    let tree = move || {
        open.get().then(|| {
            let value = viewer
                .with_untracked(|m| m.store().event(at).map(crate::json::event_tree))
                .unwrap_or_default();
            // "Copy event" copies the event whole, however deep it is nested
            // (pretty where serde can build the tree, compact where it cannot).
            let whole = Callback::new(move |()| {
                let compact = viewer
                    .with_untracked(|m| {
                        m.store()
                            .event(at)
                            .and_then(|e| serde_json::to_string(e).ok())
                    })
                    .unwrap_or_default();
                serde_json::from_str::<serde_json::Value>(&compact)
                    .ok()
                    .and_then(|v| serde_json::to_string_pretty(&v).ok())
                    .unwrap_or(compact)
            });
            let format_time = Callback::new(move |raw: String| {
                time::display_raw(&raw, viewer.with(|m| m.settings().utc))
            });
            let related = (!corr.is_empty()).then(|| {
                view! {
                    <p class="related">
                        "Follow this message through the stack: "
                        {corr
                            .iter()
                            .map(|c| {
                                let query = format!("corr:{c}");
                                view! {
                                    <button type="button" class="link chip" title="Show the events with this correlation ID"
                                        on:click=move |_| {
                                            viewer.flush();
                                            viewer.act(|m| m.set_filter(&query));
                                        }>
                                        {c.clone()}
                                    </button>
                                }
                            })
                            .collect_view()}
                    </p>
                }
            });
            view! {
                <div class="row-detail">
                    {related}
                    <JsonTree value=value format_time=format_time whole=whole />
                </div>
            }
        })
    };
    let class = move || {
        let open = if open.get() { " open" } else { "" };
        format!("event-row fam-{}{open}", row.family.as_str())
    };
    let entities =
        show_entities.then(|| view! { <span class="row-entity">{row.entities.clone()}</span> });
    Some(view! {
        <li class=class data-name=row.name.clone() data-seq=at.to_string()>
            <button
                type="button"
                class="row-main"
                aria-expanded=move || open.get().to_string()
                on:click=toggle
            >
                <span class="glyph" aria-hidden="true">{row.family.glyph()}</span>
                <time class="row-time" datetime=ts.to_rfc3339() title=move || clock().0>
                    {move || clock().1}
                </time>
                <span class="row-line1" title=row.description>
                    <span class="row-name">{row.name.clone()}</span>
                    " "
                    <span class="row-desc">{row.description}</span>
                </span>
                <span class="row-line2">
                    {entities}
                    <span class="row-preview">{row.preview.clone()}</span>
                </span>
            </button>
            {tree}
        </li>
    })
}
