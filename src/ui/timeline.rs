//! The timeline: a toolbar (lanes/flat, order, time zone, follow), the
//! connection markers, and either one lane per entity or one flat
//! chronological list. Rows are list items; a lane is an ARIA region labelled
//! with its entity.

use leptos::prelude::*;

use super::event_row::{row_key, EventRow};
use super::state::Viewer;
use super::time;
use crate::store::{EventRef, MarkerKind, Timeline as TimelineStore};
use crate::tts::EntityIds;

/// How many rows one list renders at most (the newest); the rest are counted.
/// (Issue 7 replaces this cap with a virtualized list.)
pub const MAX_ROWS: usize = 500;

/// The rows of `refs` to render (key and event), in display order. Cheap: a
/// row's content is computed once, when `<For>` creates it.
fn visible_rows(
    t: &TimelineStore,
    refs: &[EventRef],
    newest_first: bool,
) -> Vec<(String, EventRef)> {
    let start = refs.len().saturating_sub(MAX_ROWS);
    let mut rows: Vec<(String, EventRef)> = refs
        .get(start..)
        .unwrap_or_default()
        .iter()
        .filter_map(|&r| t.event(r).map(|e| (row_key(r, e), r)))
        .collect();
    if newest_first {
        rows.reverse();
    }
    rows
}

fn more_note(total: usize) -> Option<impl IntoView> {
    (total > MAX_ROWS).then(|| {
        view! {
            <p class="more-note">
                {format!("Showing the newest {MAX_ROWS} of {total} events.")}
            </p>
        }
    })
}

/// The toolbar above the timeline.
#[component]
fn Toolbar() -> impl IntoView {
    let viewer = Viewer::expect();
    let toggle = move |f: fn(&mut super::state::ViewSettings)| move |_| viewer.settings.update(f);
    let s = move || viewer.settings.get();
    view! {
        <div class="toolbar" role="toolbar" aria-label="Timeline view">
            <button type="button" aria-pressed=move || s().flat.to_string()
                on:click=toggle(|s| s.flat = !s.flat)>
                {move || if s().flat { "Group by entity" } else { "Flat view" }}
            </button>
            <button type="button" on:click=toggle(|s| s.newest_first = !s.newest_first)>
                {move || if s().newest_first { "Newest first" } else { "Oldest first" }}
            </button>
            <button type="button" aria-pressed=move || (!s().utc).to_string()
                on:click=toggle(|s| s.utc = !s.utc)>
                {move || if s().utc { "Times: UTC" } else { "Times: local" }}
            </button>
            <label class="check">
                <input type="checkbox" prop:checked=move || s().follow
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        viewer.settings.update(|s| s.follow = on);
                    } />
                "Follow newest"
            </label>
            <super::share::CopyLink />
            <super::export::ExportButtons />
            <super::import::ImportButton />
        </div>
    }
}

/// The `events.stream.start` markers: when the stream went live, with which names.
#[component]
fn Markers() -> impl IntoView {
    let viewer = Viewer::expect();
    let markers = move || viewer.timeline.with(|t| t.markers().to_vec());
    let reconnects = move || {
        viewer.reconnects.with(|r| {
            r.iter()
                .map(|m| view! { <li class="marker marker-reconnect">{m.to_string()}</li> })
                .collect_view()
        })
    };
    view! {
        <ul class="markers" aria-label="Connection markers">
            {move || {
                let utc = viewer.settings.with(|s| s.utc);
                markers()
                    .into_iter()
                    .map(|m| {
                        let (date, clock) = time::display(m.time, utc);
                        let MarkerKind::StreamStarted { names } = m.kind;
                        let what = if names.is_empty() {
                            "all event names".to_owned()
                        } else {
                            format!("{} event names: {}", names.len(), names.join(", "))
                        };
                        view! {
                            <li class="marker" title=date>
                                {format!("Stream started {clock} — {what}")}
                            </li>
                        }
                    })
                    .collect_view()
            }}
            {reconnects}
        </ul>
    }
}

fn lane_heading(entity: &EntityIds) -> (String, String, Vec<String>) {
    let kind = entity.kind().as_str().to_owned();
    let mut extra = Vec::new();
    let id = match entity {
        EntityIds::Device {
            application_id,
            device_id,
            ..
        } => {
            extra.push(format!("application {application_id}"));
            device_id.clone()
        }
        other => other.id().to_owned(),
    };
    match entity {
        EntityIds::Device { .. } => {
            if let Some(eui) = entity.eui() {
                extra.push(format!("DevEUI {eui}"));
            }
            if let Some(addr) = entity.dev_addr() {
                extra.push(format!("DevAddr {addr}"));
            }
        }
        EntityIds::Gateway { .. } => {
            if let Some(eui) = entity.eui() {
                extra.push(format!("EUI {eui}"));
            }
        }
        _ => {}
    }
    (kind, id, extra)
}

/// One entity's events.
#[component]
fn LaneView(
    /// The lane's key in the timeline.
    key: String,
) -> impl IntoView {
    let viewer = Viewer::expect();
    // The lane's header, as a small value: no copy of the lane's event list
    // on every update.
    let head = {
        let key = key.clone();
        Memo::new(move |_| {
            viewer.timeline.with(|t| {
                t.lanes()
                    .iter()
                    .find(|l| l.key == key)
                    .map(|l| (l.label(), lane_heading(&l.entity), l.count(), l.last_seen))
            })
        })
    };
    let collapsed = {
        let key = key.clone();
        Memo::new(move |_| viewer.collapsed.with(|c| c.contains(&key)))
    };
    let toggle = {
        let key = key.clone();
        move |_| {
            viewer.collapsed.update(|c| {
                if !c.remove(&key) {
                    c.insert(key.clone());
                }
            })
        }
    };
    let label = move || head.with(|h| h.as_ref().map(|h| h.0.clone()).unwrap_or_default());
    let heading = move || head.with(|h| h.as_ref().map(|h| h.1.clone()));
    let count = move || head.with(|h| h.as_ref().map_or(0, |h| h.2));
    let last_seen = move || {
        let utc = viewer.settings.with(|s| s.utc);
        head.with(|h| h.as_ref().map(|h| time::display(h.3, utc).1))
    };
    let lane_key = StoredValue::new(key.clone());
    let rows = move || {
        let newest_first = viewer.settings.with(|s| s.newest_first);
        viewer.timeline.with(|t| {
            lane_key.with_value(|key| {
                t.lanes()
                    .iter()
                    .find(|l| &l.key == key)
                    .map(|l| visible_rows(t, l.events(), newest_first))
                    .unwrap_or_default()
            })
        })
    };
    let id = format!("lane-{}", key.replace(['/', ':'], "-"));
    view! {
        <section class="lane" role="region" aria-label=label>
            <header class="lane-head">
                <button type="button" class="lane-toggle"
                    aria-expanded=move || (!collapsed.get()).to_string()
                    aria-controls=id.clone()
                    on:click=toggle>
                    <span aria-hidden="true">{move || if collapsed.get() { "▸" } else { "▾" }}</span>
                    <span class="lane-kind">{move || heading().map(|h| h.0)}</span>
                    <span class="lane-id">{move || heading().map(|h| h.1)}</span>
                </button>
                <span class="lane-extra">{move || heading().map(|h| h.2.join(" · "))}</span>
                <span class="lane-count">
                    {move || match count() { 1 => "1 event".to_owned(), n => format!("{n} events") }}
                </span>
                <span class="lane-seen">{move || last_seen().map(|t| format!("last {t}"))}</span>
            </header>
            <Show when=move || !collapsed.get()>
                <ol class="rows" id=id.clone()>
                    <For each=rows key=|r| r.0.clone() let:row>
                        <EventRow at=row.1 />
                    </For>
                </ol>
                {move || more_note(count())}
            </Show>
        </section>
    }
}

/// The timeline with its toolbar.
#[component]
pub fn Timeline() -> impl IntoView {
    let viewer = Viewer::expect();
    let lane_keys = Memo::new(move |_| {
        viewer
            .timeline
            .with(|t| t.lanes().iter().map(|l| l.key.clone()).collect::<Vec<_>>())
    });
    let flat_rows = move || {
        let newest_first = viewer.settings.with(|s| s.newest_first);
        viewer
            .timeline
            .with(|t| visible_rows(t, t.flat(), newest_first))
    };
    let flat_total = move || viewer.timeline.with(|t| t.flat().len());
    let empty = move || viewer.timeline.with(|t| t.is_empty());
    view! {
        <section class="timeline" aria-label="Timeline">
            <Toolbar />
            <Markers />
            <Show when=move || !empty() fallback=|| view! {
                <p class="empty">"No events yet. Connect to a cluster to watch its events arrive."</p>
            }>
                <Show
                    when=move || viewer.settings.with(|s| s.flat)
                    fallback=move || view! {
                        <div class="lanes">
                            <For each=move || lane_keys.get() key=|k| k.clone() let:key>
                                <LaneView key=key />
                            </For>
                        </div>
                    }
                >
                    <section class="lane flat" role="region" aria-label="All events">
                        <ol class="rows">
                            <For each=flat_rows key=|r| r.0.clone() let:row>
                                <EventRow at=row.1 show_entities=true />
                            </For>
                        </ol>
                        {move || more_note(flat_total())}
                    </section>
                </Show>
            </Show>
        </section>
    }
}
