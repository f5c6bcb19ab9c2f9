//! The journey panel (ARIA region "Journey"): one message's steps as a
//! waterfall on a shared time axis, the gateways that heard it, and its
//! downlink's lifecycle. A drawer beside the timeline; Esc or "Close
//! journey" closes it and gives the focus back to the row it came from.
//!
//! Reads `Model::journey()` (pure, `src/journey/`); the fetching of steps
//! not in memory is `journey_fetch.rs`. Everything from an event is text.

use leptos::prelude::*;

use super::state::Viewer;
use super::time;
use crate::journey::{lifecycle, offset, reception, Heard, Journey, Lifecycle, Step};
use crate::tts::preview::decimal;

/// The panel, when a journey is open.
#[component]
pub fn JourneyPanel() -> impl IntoView {
    let viewer = Viewer::expect();
    let open = Memo::new(move |_| viewer.with(|m| m.journey_is_open()));
    let journey = Memo::new(move |_| viewer.with(|m| m.journey().map(JourneyView::of)));
    let note = Memo::new(move |_| viewer.with(|m| m.journey_note()));
    let close = move || {
        let from = viewer.act(|m| m.close_journey());
        if let Some(row) = from {
            viewer.pending_focus.set(Some(row));
        }
    };
    let keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            close();
        }
    };
    // Focus moves into the panel when it opens.
    Effect::new(move |_| {
        if open.get() {
            request_animation_frame(|| {
                let heading = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("journey-heading"));
                if let Some(h) = heading
                    .and_then(|h| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(h).ok())
                {
                    let _ = h.focus();
                }
            });
        }
    });
    view! {
        <Show when=move || open.get()>
            <section class="journey" role="region" aria-label="Journey" on:keydown=keydown>
                <header class="journey-head">
                    <h2 id="journey-heading" tabindex="-1">
                        {move || journey.with(|j| j.as_ref().map_or_else(
                            || "No step of this message is in memory.".to_owned(),
                            |j| j.headline.clone(),
                        ))}
                    </h2>
                    <button type="button" class="journey-close" on:click=move |_| close()>
                        "Close journey"
                    </button>
                </header>
                <super::snapshot::ShareEvents what=crate::model::Share::Journey />
                {move || note.get().map(|n| view! { <p class="journey-note" role="status">{n}</p> })}
                {move || journey.get().map(|j| view! {
                    <Waterfall steps=j.steps.clone() total=j.total />
                    {(!j.heard.is_empty()).then(|| view! { <ReceptionTable heard=j.heard.clone() /> })}
                    {j.lifecycle.clone().map(|l| view! { <LifecycleList life=l join=j.join /> })}
                })}
            </section>
        </Show>
    }
}

/// What the panel shows, computed once per change.
#[derive(Debug, Clone, PartialEq)]
struct JourneyView {
    headline: String,
    steps: Vec<StepView>,
    total: i64,
    heard: Vec<Heard>,
    lifecycle: Option<Lifecycle>,
    join: bool,
}

#[derive(Debug, Clone, PartialEq)]
struct StepView {
    component: &'static str,
    name: String,
    description: &'static str,
    offset_ns: i64,
    time: crate::tts::Timestamp,
    tags: Vec<&'static str>,
    entity: String,
}

impl JourneyView {
    fn of(j: Journey) -> Self {
        let steps = j.steps.iter().map(StepView::of).collect();
        JourneyView {
            headline: j.headline(),
            total: j.total_ns(),
            heard: reception(&j.steps),
            lifecycle: lifecycle(&j.kind, &j.steps),
            join: j.kind == crate::journey::Kind::Join,
            steps,
        }
    }
}

impl StepView {
    fn of(s: &Step) -> Self {
        let mut tags: Vec<&'static str> = s.tag().into_iter().collect();
        if s.fetched {
            tags.push("fetched from the cluster");
        }
        StepView {
            component: s.component(),
            name: s.event.name.to_string(),
            description: s.description(),
            offset_ns: s.offset_ns,
            time: s.event.time,
            tags,
            entity: s
                .event
                .identifiers
                .iter()
                .map(crate::tts::EntityIds::key)
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// The steps in time order, each with a bar on the journey's time axis.
#[component]
fn Waterfall(steps: Vec<StepView>, total: i64) -> impl IntoView {
    let viewer = Viewer::expect();
    let total = total.max(1) as f64;
    let mut previous = 0_i64;
    let items = steps
        .into_iter()
        .map(|s| {
            // The bar runs from the previous step to this one: where the time went.
            let from = previous.min(s.offset_ns);
            previous = s.offset_ns;
            let left = (from as f64 / total * 100.0).clamp(0.0, 100.0);
            let width = ((s.offset_ns - from) as f64 / total * 100.0).clamp(0.0, 100.0 - left);
            let (left, width) = (format!("{left:.2}%"), format!("{width:.2}%"));
            let ts = s.time;
            let clock = move || time::display(ts, viewer.with(|m| m.settings().utc)).1;
            let tags = s
                .tags
                .iter()
                .map(|t| view! { <span class="journey-tag">{*t}</span> })
                .collect_view();
            view! {
                <li class="journey-step" class:inferred=s.tags.contains(&"inferred") data-name=s.name.clone()>
                    <span class=format!("journey-comp comp-{}", s.component.to_ascii_lowercase())>{s.component}</span>
                    <span class="journey-offset">{offset(s.offset_ns)}</span>
                    <span class="journey-what">
                        <span class="row-name">{s.name.clone()}</span>" "
                        <span class="row-desc">{s.description}</span>" "
                        {tags}
                        <span class="journey-entity">{s.entity.clone()}</span>
                        <time class="journey-time" datetime=ts.to_rfc3339()>{clock}</time>
                    </span>
                    <span class="journey-axis" aria-hidden="true">
                        <span class="journey-bar" style:left=left style:width=width></span>
                    </span>
                </li>
            }
        })
        .collect_view();
    view! { <ol class="journey-steps" aria-label="Steps">{items}</ol> }
}

/// Every gateway that heard the uplink.
#[component]
fn ReceptionTable(heard: Vec<Heard>) -> impl IntoView {
    let num = |v: Option<f64>| v.map(|n| decimal(n, 2)).unwrap_or_default();
    let rows = heard
        .into_iter()
        .map(|h| {
            view! {
                <tr class:chosen=h.chosen>
                    <th scope="row">{h.gateway_id.clone()}{h.chosen.then_some(" (downlink path)")}</th>
                    <td>{num(h.rssi)}</td>
                    <td>{num(h.snr)}</td>
                    <td>{h.channel.map(|c| c.to_string()).unwrap_or_default()}</td>
                    <td>{h.frequency.clone().unwrap_or_default()}</td>
                    <td>{h.data_rate.clone().unwrap_or_default()}</td>
                    <td>{h.timestamp.map(|t| t.to_string()).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="journey-reception">
            <caption>"Reception"</caption>
            <thead>
                <tr>
                    <th scope="col">"Gateway"</th>
                    <th scope="col">"RSSI (dBm)"</th>
                    <th scope="col">"SNR (dB)"</th>
                    <th scope="col">"Channel"</th>
                    <th scope="col">"Frequency"</th>
                    <th scope="col">"Data rate"</th>
                    <th scope="col">"Gateway timestamp (µs)"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The downlink's (or join-accept's) stages and where it stopped.
#[component]
fn LifecycleList(life: Lifecycle, join: bool) -> impl IntoView {
    let stages = life
        .stages
        .into_iter()
        .map(|s| {
            let mark = match (s.failed, s.at.is_some()) {
                (true, _) => "✗",
                (false, true) => "✓",
                (false, false) => "·",
            };
            let state = match (s.failed, s.at.is_some()) {
                (true, _) => "failed",
                (false, true) => "reached",
                (false, false) => "not reached",
            };
            view! {
                <li class=format!("stage {}", state.replace(' ', "-"))>
                    <span class="stage-mark" aria-hidden="true">{mark}</span>
                    <span class="stage-label">{s.label}</span>
                    <span class="sr-only">{format!(" ({state})")}</span>
                    {s.at.map(|at| view! { <span class="stage-at">{offset(at)}</span> })}
                    {(!s.detail.is_empty()).then(|| view! { <span class="stage-detail">{s.detail.clone()}</span> })}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="journey-lifecycle">
            <h3>{if join { "Join-accept" } else { "Downlink" }}</h3>
            <p>{life.summary}</p>
            <ol>{stages}</ol>
        </div>
    }
}
