//! The toolbar above the timeline: grouping, order, time zone, follow, the
//! filter box, how many events to keep, and sharing/export/import.

use leptos::prelude::*;

use super::format;
use super::state::Viewer;
use crate::store::DEFAULT_CAPACITY;

/// The capacities offered (events kept in memory).
const CAPACITIES: [usize; 5] = [1_000, 10_000, 50_000, DEFAULT_CAPACITY, 250_000];

/// The filter box: text, `as.up.*`, `kind:device`, `corr:…`; applied as you type.
#[component]
fn FilterBox() -> impl IntoView {
    let viewer = Viewer::expect();
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        viewer.flush();
        viewer.act(|m| m.type_filter(&text));
    };
    view! {
        <div class="filter">
            <input
                type="search"
                aria-label="Filter events"
                placeholder="Filter: text, as.up.*, kind:device, corr:…"
                title="Text is searched in names, entities, correlation IDs and payloads (lower-case ignores case). \
                       as.up.* or name:… matches event names; kind:device|application|gateway|organization|user|client; \
                       corr:ID shows one message through the stack; - negates a term."
                prop:value=move || viewer.with(|m| m.filter_text().to_owned())
                aria-invalid=move || viewer.with(|m| m.filter_error().is_some()).to_string()
                aria-describedby="filter-error"
                on:input=on_input
            />
            <span id="filter-error" class="field-error" role="alert">
                {move || viewer.with(|m| m.filter_error().map(str::to_owned))}
            </span>
        </div>
    }
}

/// "Keep at most N events".
#[component]
fn CapacitySelect() -> impl IntoView {
    let viewer = Viewer::expect();
    let current = move || viewer.with(|m| m.store().capacity());
    let on_change = move |ev| {
        if let Ok(n) = event_target_value(&ev).parse::<usize>() {
            viewer.flush();
            viewer.act(|m| m.set_capacity(n));
        }
    };
    view! {
        <label class="capacity">
            "Keep "
            <select on:change=on_change prop:value=move || current().to_string()>
                {CAPACITIES
                    .iter()
                    .map(|&n| view! { <option value=n.to_string()>{format::count(n as u64)}</option> })
                    .collect_view()}
            </select>
            " events"
        </label>
    }
}

/// The toolbar above the timeline.
#[component]
pub fn Toolbar() -> impl IntoView {
    let viewer = Viewer::expect();
    let s = move || viewer.with(|m| m.settings());
    view! {
        <div class="toolbar" role="toolbar" aria-label="Timeline view">
            <FilterBox />
            <button type="button" aria-pressed=move || s().flat.to_string()
                on:click=move |_| viewer.act(|m| m.toggle_flat())>
                {move || if s().flat { "Group by entity" } else { "Flat view" }}
            </button>
            <button type="button" on:click=move |_| viewer.act(|m| m.toggle_order())>
                {move || if s().newest_first { "Newest first" } else { "Oldest first" }}
            </button>
            <button type="button" aria-pressed=move || (!s().utc).to_string()
                on:click=move |_| viewer.act(|m| m.toggle_utc())>
                {move || if s().utc { "Times: UTC" } else { "Times: local" }}
            </button>
            <label class="check">
                <input type="checkbox" prop:checked=move || s().follow
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        viewer.act(|m| m.set_follow(on));
                    } />
                "Follow newest"
            </label>
            <CapacitySelect />
            <super::share::CopyLink />
            <super::export::ExportButtons />
            <super::import::ImportButton />
        </div>
    }
}
