//! The toolbar above the timeline — the views (flat, fleet), order, time
//! zone, relative times, follow, collapse/expand all, then sharing, export and
//! import — and the filter box (which says which filter the timeline shows),
//! which the sticky head holds under the status bar.
//! Toggle buttons keep their label and say their state with `aria-pressed`.

use leptos::prelude::*;

use super::state::Viewer;

/// The filter box: text, `as.up.*`, `kind:device`, `corr:…`; applied as you type.
#[component]
pub fn FilterBox() -> impl IntoView {
    let viewer = Viewer::expect();
    let on_input = move |ev| {
        viewer.type_filter(&event_target_value(&ev));
    };
    view! {
        <div class="filter">
            <input
                id="filter"
                type="search"
                aria-label="Filter events"
                placeholder="Filter (/): text, \"Exact\", as.up.*, kind:device, rssi<-110, fcnt:10..20, corr:…"
                title="Text is searched, ignoring case, in names, entities, correlation IDs, payloads and what rows show; \
                       \"quoted text\" matches exactly, case included. as.up.* or name:… matches event names; \
                       kind:device|application|gateway|organization|user|client; corr:ID shows one message through the stack. \
                       Fields: rssi<-110, snr<0, sf>=10, dr:5, freq:868.1, fport:2, fcnt:100..200, gw:rooftop-gw-01, \
                       devaddr:260BB94F, deveui:70B3D57ED0061A2B, confirmed, problem (any-rssi, any-snr: any gateway's). \
                       - negates a term."
                prop:value=move || viewer.with(|m| m.filter_text().to_owned())
                aria-invalid=move || viewer.with(|m| m.filter_error().is_some()).to_string()
                aria-describedby="filter-error"
                on:input=on_input
            />
            <span id="filter-error" class="field-error" role="alert">
                {move || viewer.with(|m| {
                    m.filter_error().map(|e| match m.filter_note() {
                        Some(note) => format!("{e} — {note}."),
                        None => e.to_owned(),
                    })
                })}
            </span>
        </div>
    }
}

/// A toggle button: a fixed label, its state in `aria-pressed`.
#[component]
fn Toggle(
    /// The button's label (it never changes).
    label: &'static str,
    /// Whether the option is on.
    #[prop(into)]
    on: Signal<bool>,
    /// Flips the option.
    flip: fn(&mut crate::model::Model),
) -> impl IntoView {
    let viewer = Viewer::expect();
    view! {
        <button type="button" class="toggle" aria-pressed=move || on.get().to_string()
            on:click=move |_| viewer.act(flip)>
            {label}
        </button>
    }
}

/// The toolbar above the timeline.
#[component]
pub fn Toolbar() -> impl IntoView {
    let viewer = Viewer::expect();
    let s = move || viewer.with(|m| m.settings());
    // Collapse and expand all lanes: only where there are lanes to fold.
    let lanes_mode = move || {
        viewer.with(|m| {
            !m.settings().flat && m.focused_lane().is_none() && m.store().lanes().next().is_some()
        })
    };
    view! {
        <div class="toolbar" role="toolbar" aria-label="Timeline view">
            // Two groups, each wrapped as a whole: how the timeline reads, then
            // what leaves or enters it. The views first (in view on a phone,
            // where the bar is one row scrolling sideways), then how rows read.
            <div class="toolbar-group" role="group" aria-label="How the timeline reads">
            <Toggle label="Flat view" on=Signal::derive(move || s().flat) flip=|m| m.toggle_flat() />
            <Toggle label="Fleet" on=Signal::derive(move || viewer.with(|m| m.fleet_view().open)) flip=|m| m.toggle_fleet() />
            <Toggle label="Newest first" on=Signal::derive(move || s().newest_first) flip=|m| m.toggle_order() />
            <Toggle label="UTC" on=Signal::derive(move || s().utc) flip=|m| m.toggle_utc() />
            <Toggle label="Time since previous" on=Signal::derive(move || s().relative) flip=|m| m.toggle_relative() />
            <Show when=move || viewer.with(|m| m.is_live())>
                <label class="check">
                    <input type="checkbox" prop:checked=move || s().follow
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            viewer.act(|m| m.set_follow(on));
                        } />
                    "Follow newest"
                </label>
            </Show>
            <Show when=lanes_mode>
                <button type="button" on:click=move |_| viewer.act(|m| m.collapse_all())>"Collapse all lanes"</button>
                <button type="button" on:click=move |_| viewer.act(|m| m.expand_all())>"Expand all lanes"</button>
            </Show>
            </div>
            <div class="toolbar-group" role="group" aria-label="Share, export and import">
            <super::share::CopyLink />
            <super::share_key::ShareWithKey />
            <super::snapshot::ShareEvents what=crate::model::Share::View />
            <super::export::ExportButtons />
            <super::import::ImportButton />
            </div>
        </div>
    }
}
