//! One event as a list item: time, name and description, an icon by family,
//! the preview (computed once, when the event arrived); clicking it opens
//! the whole event as a JSON tree. Everything from the event is text.
//!
//! Keyboard (the rows of a list are one tab stop, roving): ↑/↓ and k/j move
//! between rows, Home/End to the ends, Enter/Space open and close, Esc closes
//! the open event and keeps the focus on its row — handled once per list, by
//! `row_events`, so a row carries no listener of its own.

use leptos::prelude::*;

use super::state::Viewer;
use super::time;
use super::JsonTree;
use crate::store::EventRef;
use crate::tts::{family, Event};

/// What a row shows, computed once when the row is created.
#[derive(Debug, Clone, PartialEq)]
pub struct RowData {
    pub key: String,
    pub at: EventRef,
    pub name: String,
    pub description: &'static str,
    pub family: crate::tts::Family,
    /// The facts the row shows (label, value; the full value on hover).
    pub facts: Vec<crate::tts::Fact>,
    pub time: crate::tts::Timestamp,
    /// For the flat view: which entities the event names (empty elsewhere).
    pub entities: String,
    /// The whole second line as text, values in full: on hover, since a
    /// long line (a decoded payload before the RSSI and SNR) is cut at the
    /// row's edge.
    pub line: String,
}

pub use crate::model::row_key;

/// What every row of one list reads, computed once per list: a row
/// subscribes to these instead of to the whole model, so an arriving event
/// re-runs in the rows already drawn only their tab stop's comparison (and,
/// with relative times, their time).
#[derive(Clone, Copy)]
pub struct ListInputs {
    /// The key of the open event, if any.
    pub selected: Memo<Option<String>>,
    /// The list's one tab stop (roving).
    pub tab_stop: Memo<Option<crate::store::Seq>>,
    /// (relative times, UTC).
    pub clock_mode: Memo<(bool, bool)>,
    /// Changes whenever the list's events may have (an event in, one
    /// evicted, another filter): a relative time is measured from the
    /// previous event of the list.
    pub contents: Memo<(usize, u64, String)>,
}

impl RowData {
    /// What the row of `event` shows; `entities` only for the flat view.
    pub fn new(at: EventRef, event: &Event, facts: Vec<crate::tts::Fact>, entities: bool) -> Self {
        let entities = if entities {
            event
                .identifiers
                .iter()
                .map(|i| i.key())
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            String::new()
        };
        let facts_line = crate::tts::Preview::line_of(&facts);
        let line = match (entities.is_empty(), facts_line.is_empty()) {
            (true, _) => facts_line,
            (false, true) => entities.clone(),
            (false, false) => format!("{entities} — {facts_line}"),
        };
        Self {
            key: row_key(at, event),
            at,
            name: event.name.to_string(),
            description: event.definition().map_or("", |d| d.description),
            family: family(&event.name),
            facts,
            time: event.time,
            entities,
            line,
        }
    }
}

/// The preview's facts: `label value` pairs, the important ones strong, the
/// full value of a shortened one on hover (`title`, its value underlined).
/// Text only. A fact is one element and its label one more; only a
/// shortened value has an element of its own (for its underline).
fn facts_view(facts: &[crate::tts::Fact]) -> impl IntoView {
    facts
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let label = (!f.label.is_empty())
                .then(|| view! { <span class="fact-k">{f.label.clone()}</span>" " });
            let value = match &f.full {
                Some(_) => view! { <span class="fact-v">{f.value.clone()}</span> }.into_any(),
                None => f.value.clone().into_any(),
            };
            view! {
                {(i > 0).then_some(" · ")}
                <span class="fact" class:strong=f.strong title=f.full.clone()>
                    {label}
                    {value}
                </span>
            }
        })
        .collect_view()
}

/// How many characters `facts` take in a row (the row's font is monospace,
/// so the stylesheet sizes parts by it in `ch`).
fn facts_chars(facts: &[crate::tts::Fact]) -> usize {
    let fact = |f: &crate::tts::Fact| {
        let label = f.label.chars().count();
        label + usize::from(label > 0) + f.value.chars().count()
    };
    facts.iter().map(fact).sum::<usize>() + 3 * facts.len().saturating_sub(1)
}

/// The row's second line: the entities (flat view) and the facts in their
/// parts ([`crate::tts::Part`]). The stylesheet cuts what follows an
/// uplink's radio first, then the lead (a long decoded payload ends in "…")
/// down to a few characters, and keeps the entities and the radio (RSSI and
/// SNR stay).
fn preview_view(entities: Option<String>, facts: &[crate::tts::Fact]) -> impl IntoView {
    use crate::tts::Part;
    let part = |p: Part| -> Vec<crate::tts::Fact> {
        facts.iter().filter(|f| f.part == p).cloned().collect()
    };
    let (lead, radio, after) = (part(Part::Lead), part(Part::Radio), part(Part::After));
    // Set through the CSSOM (`style:`): the page's policy forbids style attributes.
    let lead_ch = format!("{}ch", facts_chars(&lead));
    // The separator before it, and one character of slack for rounding.
    let radio_ch = match radio.len() {
        0 => "0ch".to_owned(),
        _ => format!("{}ch", facts_chars(&radio) + 4),
    };
    // The entity and its margin (0.75rem: about two characters).
    let entity_ch = format!(
        "{}ch",
        entities.as_ref().map_or(0, |e| e.chars().count() + 2)
    );
    let has_tail = !radio.is_empty() || !after.is_empty();
    let sep = || view! { <span class="tail-sep">"\u{a0}· "</span> };
    // A part gets a separator when something is before it on the line.
    let after_something = !lead.is_empty() || entities.is_some();
    let after_radio = after_something || !radio.is_empty();
    let tail = has_tail.then(|| {
        view! {
            <span class="facts-tail">
                {(!radio.is_empty()).then(|| view! {
                    <span class="facts-radio">{after_something.then(sep)}{facts_view(&radio)}</span>
                })}
                {(!after.is_empty()).then(|| view! {
                    <span class="facts-after">{after_radio.then(sep)}{facts_view(&after)}</span>
                })}
            </span>
        }
    });
    let with_entity = entities.is_some();
    let entities = entities.map(|e| view! { <span class="row-entity">{e}</span>" " });
    view! {
        <span class="row-preview" class:has-tail=has_tail class:with-entity=with_entity
            style:--lead-ch=lead_ch style:--radio-ch=radio_ch style:--entity-ch=entity_ch>
            {entities}
            <span class="facts-lead">{facts_view(&lead)}</span>
            {tail}
        </span>
    }
}

/// A timeline row.
#[component]
pub fn EventRow(
    /// The event's place in the timeline.
    at: EventRef,
    /// The list the row is in (a lane's key; `None`: the flat view).
    #[prop(default = None)]
    list: Option<String>,
    /// Show which entities the event names (flat view).
    #[prop(optional)]
    show_entities: bool,
    /// What the list's rows share.
    inputs: ListInputs,
) -> impl IntoView {
    let viewer = Viewer::expect();
    let row = viewer.with_untracked(|m| {
        let facts = m
            .store()
            .preview(at)
            .map(|p| p.preview().facts)
            .unwrap_or_default();
        m.store()
            .event(at)
            .map(|e| RowData::new(at, e, facts, show_entities))
    })?;
    let list = StoredValue::new(list);
    // The list's one tab stop (roving): this row, if it holds the keyboard's place.
    let tab_stop = Memo::new(move |_| inputs.tab_stop.get() == Some(at));
    let key = row.key.clone();
    let open = {
        let key = key.clone();
        Memo::new(move |_| inputs.selected.with(|s| s.as_deref() == Some(key.as_str())))
    };
    let ts = row.time;
    // The clock, or (relative times) the time since the previous, older event of this list.
    let clock = move || {
        let (relative, utc) = inputs.clock_mode.get();
        if !relative {
            return time::display(ts, utc).1;
        }
        inputs.contents.track();
        viewer.with_untracked(|m| {
            let previous = list.with_value(|l| {
                let rows = m.store().rows(l.as_deref())?;
                let i = rows.position(ts.unix_nanos(), at)?;
                let (older, _) = rows.key_at(i.checked_sub(1)?, false)?;
                Some(crate::tts::Timestamp::from_unix_nanos(older))
            });
            time::since(previous, ts)
        })
    };
    let tree = move || {
        open.get().then(|| {
            // This message's own IDs, the other direction's message it refers
            // to, and the IDs many messages share (filtering on one of those is
            // not following this message).
            let ids = viewer
                .with_untracked(|m| {
                    m.store().event(at).map(|e| {
                        let ids = crate::journey::row_ids(e);
                        let owned = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect::<Vec<_>>();
                        let referred = ids.referred_as();
                        (owned(ids.own), (referred, owned(ids.referred)), owned(ids.other))
                    })
                })
                .unwrap_or_default();
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
            let (own, (referred_label, referred), other) = ids;
            let chips = move |ids: Vec<String>| {
                ids.into_iter()
                    .map(|c| {
                        let query = format!("corr:{c}");
                        view! {
                            <button type="button" class="link chip" title="Show the events with this correlation ID"
                                on:click=move |_| {
                                    viewer.flush();
                                    viewer.act(|m| m.set_filter(&query));
                                }>
                                {c}
                            </button>
                        }
                    })
                    .collect_view()
            };
            let line = move |label: &'static str, ids: Vec<String>| {
                (!ids.is_empty()).then(|| view! { <p class="related">{label} {chips(ids)}</p> })
            };
            let related = (
                line("Follow this message through the stack: ", own),
                line(referred_label, referred),
                line("Other correlation IDs (shared by many messages, or not known to name one): ", other),
            );
            let journey = viewer.with_untracked(|m| m.has_journey(at)).then(|| {
                let open_journey = move |_| {
                    viewer.act(|m| list.with_value(|l| m.open_journey_at(l.as_deref(), at)));
                };
                view! {
                    <p class="journey-open">
                        <button type="button" on:click=open_journey>"Journey"</button>
                        " this message's whole way through the stack, with timing"
                    </p>
                }
            });
            view! {
                <div class="row-detail">
                    {journey}
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
    let preview = preview_view(show_entities.then(|| row.entities.clone()), &row.facts);
    Some(view! {
        <li class=class data-name=row.name.clone() data-seq=at.to_string()>
            // Clicks, keys and focus: handled by the list (`row_events`).
            <button
                type="button"
                class="row-main"
                aria-expanded=move || open.get().to_string()
                tabindex=move || if tab_stop.get() { "0" } else { "-1" }
            >
                <span class="glyph" aria-hidden="true">{row.family.glyph()}</span>
                <time class="row-time" datetime=ts.to_rfc3339() title=time::full(ts)>
                    {clock}
                </time>
                <span class="row-line1" title=row.description>
                    <span class="row-name">{row.name.clone()}</span>
                    " "
                    <span class="row-desc">{row.description}</span>
                </span>
                <span class="row-line2" title=(!row.line.is_empty()).then(|| row.line.clone())>
                    {preview}
                </span>
            </button>
            {tree}
        </li>
    })
}
