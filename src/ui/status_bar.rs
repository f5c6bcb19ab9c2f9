//! The status bar: connection state, events received and shown, events/s,
//! skipped frames (and the Problems list they open), the server's warning,
//! how many events to keep, pause/resume and clear. It only renders
//! [`crate::model::Status`] and the model's numbers; the banner that says
//! what went wrong is `banner.rs`'s.

use leptos::prelude::*;

use super::format;
use super::state::Viewer;
use crate::store::DEFAULT_CAPACITY;

/// The capacities offered (events kept in memory).
const CAPACITIES: [usize; 5] = [1_000, 10_000, 50_000, DEFAULT_CAPACITY, 250_000];

/// The bar above the timeline: what the connection is doing, and its controls.
#[component]
pub fn StatusBar() -> impl IntoView {
    let viewer = Viewer::expect();
    let show_skipped = RwSignal::new(false);
    let word = move || viewer.with(|m| m.status().word());
    let headline = move || {
        let now = viewer.clock.get();
        viewer.with(|m| m.headline(now))
    };
    let backfilling = move || {
        let now = viewer.clock.get();
        viewer.with(|m| m.backfill(now).is_some())
    };
    let state_class = move || format!("state state-{}", word().replace(' ', "-"));
    let numbers = move || {
        viewer.with(|m| {
            let store = m.store();
            (
                m.stats().received,
                store.shown(),
                store.filter().is_some(),
                m.dropped(),
                store.capacity(),
            )
        })
    };
    let rate = move || {
        let now = viewer.clock.get();
        viewer.with(|m| m.arrival_rate(now))
    };
    let skipped = move || viewer.with(|m| m.stats().skipped_count);
    let warning = move || viewer.with(|m| m.stats().warning.clone());
    let reconnects = move || viewer.with(|m| m.dropouts());
    let paused = move || viewer.with(|m| m.is_paused());
    let pending = move || viewer.with(|m| m.pending());
    view! {
        // Not a live region: a screen reader would read every count. Only the
        // connection's state (and, in the banner, what went wrong) is announced.
        <div class="status-bar" aria-label="Connection status">
            <span class="sr-only" role="status">{word}</span>
            <span class=state_class>{headline}</span>
            // A capture's events were read from it, not received from a cluster.
            <span class="stat" data-stat="received">{move || format!(
                "{} {}",
                format::events(numbers().0),
                if viewer.with(|m| m.capture_state().is_some()) { "read" } else { "received" },
            )}</span>
            <span class="stat" data-stat="shown">
                {move || match numbers() {
                    (_, n, false, ..) => format!("{} shown", format::count(n as u64)),
                    (_, n, true, ..) => format!("{} shown (filtered)", format::count(n as u64)),
                }}
            </span>
            <Show when=move || numbers().3 != 0>
                <span class="stat stat-evicted" data-stat="evicted">
                    {move || {
                        let (.., n, cap) = numbers();
                        format!(
                            "{} older {} dropped to stay under {}",
                            format::count(n),
                            if n == 1 { "event" } else { "events" },
                            format::count(cap as u64)
                        )
                    }}
                </span>
            </Show>
            <Show when=move || rate().is_some() && !backfilling()>
                <span class="stat">{move || format!("{:.1} events/s", rate().unwrap_or_default())}</span>
            </Show>
            <Show when=move || reconnects() != 0>
                <span class="stat">
                    {move || match reconnects() {
                        1 => "1 reconnect".to_owned(),
                        n => format!("{n} reconnects"),
                    }}
                </span>
            </Show>
            <Show when=move || skipped() != 0>
                <button type="button" class="link stat-skipped"
                    aria-expanded=move || show_skipped.get().to_string()
                    on:click=move |_| show_skipped.update(|s| *s = !*s)>
                    {move || format!("{} skipped malformed", format::count(skipped()))}
                </button>
            </Show>
            {move || warning().map(|w| view! { <span class="warning">{format!("Server warning: {w}")}</span> })}
            <span class="spacer"></span>
            // What is kept in memory and the stream's controls, together: a
            // narrow bar wraps before them (and, paused on a phone, Resume's
            // count may take them onto two lines, right-aligned).
            <span class="status-actions">
                <CapacitySelect />
                <Show when=move || viewer.with(|m| m.is_live())>
                    <Show
                        when=paused
                        fallback=move || view! {
                            <button type="button" on:click=move |_| viewer.act(|m| m.pause())>"Pause"</button>
                        }
                    >
                        <button type="button" class="primary" on:click=move |_| viewer.act(|m| m.resume())>
                            {move || format!("Resume ({} new)", pending())}
                        </button>
                    </Show>
                </Show>
                <button type="button" on:click=move |_| viewer.act(|m| m.clear())>"Clear"</button>
            </span>
        </div>
        <Show when=move || show_skipped.get() && skipped() != 0>
            <section class="problems" aria-label="Problems">
            <h2>"Problems"</h2>
            <p class="hint">
                {move || if viewer.with(|m| m.capture_state().is_some()) {
                    "Parts of the capture that could not be read were skipped; the rest was loaded."
                } else {
                    "Frames that could not be read were skipped; the stream went on."
                }}
                " An excerpt of each is below (at most the first 200 kept)."
            </p>
            <ul class="skipped" aria-label="Skipped frames">
                {move || viewer.with(|m| {
                    m.stats()
                        .skipped
                        .iter()
                        .map(|f| view! {
                            <li><span>{f.reason.clone()}</span> <code>{f.excerpt.clone()}</code></li>
                        })
                        .collect_view()
                })}
            </ul>
            </section>
        </Show>
    }
}

/// "Keep at most N events" (a phone hides the word "events"; its name keeps it).
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
        <label class="capacity" title="Events kept in memory; older ones are dropped (and counted)">
            "Keep "
            <select on:change=on_change prop:value=move || current().to_string()>
                {CAPACITIES
                    .iter()
                    .map(|&n| view! { <option value=n.to_string()>{format::count(n as u64)}</option> })
                    .collect_view()}
            </select>
            <span class="capacity-unit">" events"</span>
        </label>
    }
}
