//! The timeline: the connection markers, then one lane per entity (each in a
//! box of bounded height that scrolls on its own), one flat chronological
//! list, or one lane given the whole page. Rows are list items, virtualized;
//! a lane is an ARIA region labelled with its entity. Also the lane list, the
//! jump bar beside the timeline.

use std::collections::HashSet;

use leptos::prelude::*;

use super::format;
use super::health::DeviceHealthPanel;
use super::health_gateway::GatewayHealthPanel;
use super::markers::Markers;
use super::messages::MessageList;
use super::state::{FarLanes, Viewer, Viewport};
use super::time;
use super::virtual_rows::VirtualRows;
use crate::model::lane_window::{far_lanes, place_around, place_lanes};
use crate::model::Model;
use crate::tts::EntityIds;

pub(super) fn lane_heading(entity: Option<&EntityIds>) -> (String, String, Vec<String>) {
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

/// Every lane's height in listing order: from its rows and the measured
/// sizes of a lane's parts, or as last measured for a lane with a panel open.
fn lane_heights(m: &Model, v: &Viewport) -> Vec<f64> {
    let filtered = m.store().filter().is_some();
    let row_h = v.row_h.max(1.0);
    m.visible_lanes()
        .map(|l| {
            let collapsed = m.is_collapsed(&l.key);
            let panel = !collapsed && (m.shows_health(&l.key) || m.shows_messages(&l.key));
            match v.lane_heights.get(&l.key) {
                Some(&h) if panel => h,
                _ => v.lane_sizes.height(collapsed, l.shown(filtered), row_h),
            }
        })
        .collect()
}

/// The id of a lane's section element (for the lane list's jumps).
pub(super) fn lane_dom_id(key: &str) -> String {
    let safe: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!(
        "lane-{safe}-{:x}",
        key.bytes()
            .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
    )
}

/// One entity's events.
#[component]
fn LaneView(
    /// The lane's key in the timeline.
    key: String,
    /// The lane has the whole page (no own scroll box).
    #[prop(optional)]
    whole_page: bool,
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
        Memo::new(move |_| !whole_page && viewer.with(|m| m.is_collapsed(&key)))
    };
    let toggle = {
        let key = key.clone();
        move |_| {
            viewer.act(|m| m.toggle_lane(&key));
        }
    };
    let focus = {
        let key = key.clone();
        move |_| {
            viewer.act(|m| m.focus_lane(if whole_page { None } else { Some(&key) }));
        }
    };
    let as_messages = {
        let key = key.clone();
        Memo::new(move |_| viewer.with(|m| m.shows_messages(&key)))
    };
    let toggle_messages = {
        let key = key.clone();
        move |_| {
            viewer.act(|m| m.toggle_messages(&key));
        }
    };
    let label = move || head.with(|h| h.as_ref().map(|h| h.0.clone()).unwrap_or_default());
    let heading = move || head.with(|h| h.as_ref().map(|h| h.1.clone()));
    // The entity's kind never changes: a memo, so what depends on it (the
    // Messages and Health buttons, an open Health panel) is not rebuilt at
    // every event of the lane — a rebuilt panel loses the click pressed on
    // it and recomputes its health from scratch.
    let kind = Memo::new(move |_| head.with(|h| h.as_ref().map(|h| (h.1).0.clone())));
    let is_device = move || kind.with(|k| k.as_deref() == Some("device"));
    let is_gateway = move || kind.with(|k| k.as_deref() == Some("gateway"));
    let health_open = {
        let key = key.clone();
        Memo::new(move |_| viewer.with(|m| m.shows_health(&key)))
    };
    let toggle_health = {
        let key = key.clone();
        move |_| {
            viewer.act(|m| m.toggle_health(&key));
        }
    };
    // A gateway that went away says so on its lane, not only in its Health.
    let disconnected = {
        let key = key.clone();
        Memo::new(move |_| {
            if !is_gateway() {
                return None;
            }
            let utc = viewer.with(|m| m.settings().utc);
            viewer
                .with(|m| m.gateway_disconnected(&key))
                .map(|t| format!("disconnected since {}", time::display(t, utc).1))
        })
    };
    let count = move || head.with(|h| h.as_ref().map_or((0, 0), |h| h.2));
    let last_seen = move || {
        let utc = viewer.with(|m| m.settings().utc);
        head.with(|h| h.as_ref().map(|h| time::display(h.3, utc).1))
    };
    let body_id = format!("{}-rows", lane_dom_id(&key));
    let section_id = lane_dom_id(&key);
    let data_key = key.clone();
    let focus_label = move || {
        if whole_page {
            "Back to all lanes".to_owned()
        } else {
            format!("Give {} the whole page", label())
        }
    };
    view! {
        <section class="lane" class:whole-page=whole_page role="region" aria-label=label id=section_id
            data-lane-key=data_key data-collapsed=move || collapsed.get().to_string()>
            <header class="lane-head">
                <button type="button" class="lane-toggle"
                    aria-expanded=move || (!collapsed.get()).to_string()
                    aria-controls=body_id.clone()
                    disabled=whole_page
                    on:click=toggle>
                    <span aria-hidden="true">{move || if collapsed.get() { "▸" } else { "▾" }}</span>
                    <span class="lane-kind">{move || heading().map(|h| h.0)}</span>
                    <span class="lane-id">{move || heading().map(|h| h.1)}</span>
                </button>
                <span class="lane-extra">{move || heading().map(|h| h.2.join(" · "))}</span>
                <span class="lane-count">
                    {move || { let (shown, all) = count(); format::shown_of(shown, all) }}
                </span>
                <span class="lane-seen">{move || last_seen().map(|t| format!("last {t}"))}</span>
                {move || disconnected.get().map(|text| view! { <span class="lane-alert">{text}</span> })}
                {move || is_device().then(|| view! {
                    <button type="button" class="toggle lane-messages" aria-pressed=move || as_messages.get().to_string()
                        on:click=toggle_messages.clone()>
                        "Messages"
                    </button>
                })}
                {move || (is_device() || is_gateway()).then(|| view! {
                    <button type="button" class="toggle lane-health" aria-pressed=move || health_open.get().to_string()
                        on:click=toggle_health.clone()>
                        "Health"
                    </button>
                })}
                <button type="button" class="link lane-focus" aria-label=focus_label on:click=focus>
                    {if whole_page { "All lanes" } else { "Whole page" }}
                </button>
            </header>
            {
                let key = key.clone();
                move || health_open.get().then(|| {
                    let label = untrack(label);
                    if is_device() {
                        view! { <DeviceHealthPanel lane=key.clone() label=label /> }.into_any()
                    } else {
                        view! { <GatewayHealthPanel lane=key.clone() label=label /> }.into_any()
                    }
                })
            }
            <Show when=move || !collapsed.get()>
                <div id=body_id.clone() class=if whole_page { "lane-rows" } else { "lane-body" }>
                    {
                        let key = key.clone();
                        move || if as_messages.get() {
                            view! { <MessageList lane=key.clone() /> }.into_any()
                        } else {
                            view! { <VirtualRows lane=Some(key.clone()) /> }.into_any()
                        }
                    }
                </div>
            </Show>
        </section>
    }
}

/// The timeline.
#[component]
pub fn Timeline() -> impl IntoView {
    let viewer = Viewer::expect();
    // Only the lanes near what is visible are drawn (many entities: see
    // `model::lane_window`); the spacers stand for the others.
    let window = Memo::new(move |_| {
        let heights = viewer
            .viewport
            .with(|v| viewer.with(|m| lane_heights(m, v)));
        let (band, pinned) = viewer
            .viewport
            .with(|v| (v.lanes_band, v.pinned_lane.clone()));
        let mut w = place_lanes(&heights, band);
        if let Some(pinned) = pinned {
            let index = viewer.with(|m| m.visible_lanes().position(|l| l.key == pinned));
            if let Some(i) = index.filter(|i| !(w.start..w.end).contains(i)) {
                w = place_around(&heights, i);
            }
        }
        let keys = viewer.with(|m| {
            m.visible_lanes()
                .skip(w.start)
                .take(w.end - w.start)
                .map(|l| l.key.clone())
                .collect::<Vec<_>>()
        });
        // Before the lane area was measured (the first events of a stream or
        // capture), it is taken to start at the top of the window.
        let margin = viewer.viewport.with(|v| v.height);
        let seen = band.or((margin > 0.0).then_some((0.0, margin)));
        let far = far_lanes(&heights, &w, seen, margin)
            .into_iter()
            .filter_map(|i| keys.get(i - w.start).cloned())
            .collect::<HashSet<_>>();
        (keys, w.above, w.below, heights.iter().sum::<f64>(), far)
    });
    provide_context(FarLanes(Memo::new(move |_| window.with(|w| w.4.clone()))));
    let focused = Memo::new(move |_| {
        viewer.with(|m| {
            m.focused_lane()
                .filter(|k| m.store().lane(k).is_some())
                .map(str::to_owned)
        })
    });
    let empty = move || viewer.with(|m| m.store().is_empty());
    let nothing_matches = move || viewer.with(|m| m.store().shown() == 0 && !m.store().is_empty());
    let applied = move || viewer.with(|m| m.applied_filter().unwrap_or_default().to_owned());
    let empty_text = move || viewer.with(crate::model::Model::empty_timeline);
    let all_lanes = move || {
        view! {
            // At least as tall as every lane: while the drawn lanes change
            // (a spacer shrinks before the lanes replacing it are in), the
            // page never gets shorter, so the browser never pulls it up.
            <div class="lanes" style:min-height=move || format!("{}px", window.with(|w| w.3))>
                <div class="spacer" aria-hidden="true" style:height=move || format!("{}px", window.with(|w| w.1))></div>
                <For each=move || window.with(|w| w.0.clone()) key=|k| k.clone() let:key>
                    <LaneView key=key />
                </For>
                <div class="spacer" aria-hidden="true" style:height=move || format!("{}px", window.with(|w| w.2))></div>
            </div>
        }
    };
    // Memos: the closure below rebuilds the whole list of lanes when it
    // re-runs, so it may only re-run when the choice of view changes.
    let flat = Memo::new(move |_| viewer.with(|m| m.settings().flat));
    let view_of = move || {
        if let Some(key) = focused.get() {
            return view! { <LaneView key=key whole_page=true /> }.into_any();
        }
        if flat.get() {
            return view! {
                <section class="lane flat" role="region" aria-label="All events">
                    <VirtualRows lane=None show_entities=true />
                </section>
            }
            .into_any();
        }
        all_lanes().into_any()
    };
    view! {
        <section class="timeline" aria-label="Timeline" data-filter-applied=applied>
            <Markers />
            <Show when=move || !empty() fallback=move || view! {
                <p class="empty">{empty_text}</p>
            }>
                <Show when=nothing_matches>
                    <p class="empty">
                        {move || match viewer.with(|m| m.store().len()) {
                            1 => "The one event in the timeline does not match the filter. ".to_owned(),
                            n => format!(
                                "None of the {} events in the timeline matches the filter. ",
                                format::count(n as u64),
                            ),
                        }}
                        <button type="button" class="link" on:click=move |_| {
                            viewer.type_filter("");
                            super::focus::first("#filter");
                        }>"Clear the filter"</button>
                    </p>
                </Show>
                {view_of}
            </Show>
        </section>
    }
}
