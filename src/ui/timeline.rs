//! The timeline: a toolbar (lanes/flat, order, time zone, follow, filter),
//! the connection markers, and either one lane per entity or one flat
//! chronological list. Rows are list items, virtualized; a lane is an ARIA
//! region labelled with its entity.

use leptos::prelude::*;

use super::format;
use super::state::Viewer;
use super::time;
use super::toolbar::Toolbar;
use super::virtual_rows::VirtualRows;
use crate::store::MarkerKind;
use crate::tts::EntityIds;

/// The `events.stream.start` markers: when the stream went live, with which names.
#[component]
fn Markers() -> impl IntoView {
    let viewer = Viewer::expect();
    let markers = move || viewer.with(|m| m.store().markers().to_vec());
    let reconnects = move || {
        viewer.with(|m| {
            m.reconnect_markers()
                .iter()
                .map(|m| view! { <li class="marker marker-reconnect">{m.to_string()}</li> })
                .collect_view()
        })
    };
    view! {
        <ul class="markers" aria-label="Connection markers">
            {move || {
                let utc = viewer.with(|m| m.settings().utc);
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

fn lane_heading(entity: Option<&EntityIds>) -> (String, String, Vec<String>) {
    let Some(entity) = entity else {
        return ("events".into(), "without an entity".into(), Vec::new());
    };
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
    // on every update. `shown` differs from `count` while a filter is active.
    let head = {
        let key = key.clone();
        Memo::new(move |_| {
            viewer.with(|m| {
                let t = m.store();
                let shown = t.rows(Some(&key)).map_or(0, |r| r.len());
                t.lane(&key).map(|l| {
                    (
                        l.label(),
                        lane_heading(l.entity.as_ref()),
                        (shown, l.count()),
                        l.last_seen,
                    )
                })
            })
        })
    };
    let collapsed = {
        let key = key.clone();
        Memo::new(move |_| viewer.with(|m| m.is_collapsed(&key)))
    };
    let toggle = {
        let key = key.clone();
        move |_| {
            viewer.act(|m| m.toggle_lane(&key));
        }
    };
    let label = move || head.with(|h| h.as_ref().map(|h| h.0.clone()).unwrap_or_default());
    let heading = move || head.with(|h| h.as_ref().map(|h| h.1.clone()));
    let count = move || head.with(|h| h.as_ref().map_or((0, 0), |h| h.2));
    let last_seen = move || {
        let utc = viewer.with(|m| m.settings().utc);
        head.with(|h| h.as_ref().map(|h| time::display(h.3, utc).1))
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
                    {move || match count() {
                        (shown, all) if shown == all => format::events(all as u64),
                        (shown, all) => format!("{} of {}", format::count(shown as u64), format::events(all as u64)),
                    }}
                </span>
                <span class="lane-seen">{move || last_seen().map(|t| format!("last {t}"))}</span>
            </header>
            <Show when=move || !collapsed.get()>
                <div id=id.clone()>
                    <VirtualRows lane=Some(key.clone()) />
                </div>
            </Show>
        </section>
    }
}

/// The timeline with its toolbar.
#[component]
pub fn Timeline() -> impl IntoView {
    let viewer = Viewer::expect();
    let lane_keys = Memo::new(move |_| {
        viewer.with(|m| m.store().lanes().map(|l| l.key.clone()).collect::<Vec<_>>())
    });
    let empty = move || viewer.with(|m| m.store().is_empty());
    let nothing_matches = move || viewer.with(|m| m.store().shown() == 0 && !m.store().is_empty());
    let applied = move || viewer.with(|m| m.applied_filter().unwrap_or_default().to_owned());
    let empty_text = move || viewer.with(|m| m.status().empty_timeline());
    view! {
        <section class="timeline" aria-label="Timeline" data-filter-applied=applied>
            <Toolbar />
            <Markers />
            <Show when=move || !empty() fallback=move || view! {
                <p class="empty">{empty_text}</p>
            }>
                <Show when=nothing_matches>
                    <p class="empty">"No event matches the filter."</p>
                </Show>
                <Show
                    when=move || viewer.with(|m| m.settings().flat)
                    fallback=move || view! {
                        <div class="lanes">
                            <For each=move || lane_keys.get() key=|k| k.clone() let:key>
                                <LaneView key=key />
                            </For>
                        </div>
                    }
                >
                    <section class="lane flat" role="region" aria-label="All events">
                        <VirtualRows lane=None show_entities=true />
                    </section>
                </Show>
            </Show>
        </section>
    }
}
