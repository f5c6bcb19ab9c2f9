//! The status bar (connection state, events received, events/s, skipped
//! frames, the server's warning, pause/resume and clear; the form's button
//! connects and disconnects) and the error banner
//! that says in words what went wrong and what to do.

use leptos::prelude::*;

use super::format;
use super::live::Connection;
use super::state::{ConnState, Viewer};
use super::time;

/// The bar under the form: what the connection is doing, and its controls.
#[component]
pub fn StatusBar() -> impl IntoView {
    let viewer = Viewer::expect();
    let show_skipped = RwSignal::new(false);
    let state = move || viewer.conn.with(|c| c.word());
    let state_class = move || format!("state state-{}", state().replace(' ', "-"));
    let received = move || viewer.stats.with(|s| s.received);
    let shown = move || viewer.timeline.with(|t| (t.shown(), t.filter().is_some()));
    let evicted = move || viewer.timeline.with(|t| (t.evicted(), t.capacity()));
    let rate = move || {
        let now = viewer.clock.get();
        viewer.stats.with(|s| s.rate(now))
    };
    let skipped = move || viewer.stats.with(|s| s.skipped_count);
    let warning = move || viewer.stats.with(|s| s.warning.clone());
    let pending = move || viewer.pending.with(Vec::len);
    view! {
        <div class="status-bar" role="status" aria-label="Connection status">
            <span class=state_class>{state}</span>
            <span class="stat" data-stat="received">{move || format!("{} events received", format::count(received()))}</span>
            <span class="stat" data-stat="shown">
                {move || match shown() {
                    (n, false) => format!("{} shown", format::count(n as u64)),
                    (n, true) => format!("{} shown (filtered)", format::count(n as u64)),
                }}
            </span>
            <Show when=move || evicted().0 != 0>
                <span class="stat stat-evicted" data-stat="evicted">
                    {move || {
                        let (n, cap) = evicted();
                        format!(
                            "{} older {} dropped to stay under {}",
                            format::count(n),
                            if n == 1 { "event" } else { "events" },
                            format::count(cap as u64)
                        )
                    }}
                </span>
            </Show>
            <span class="stat">{move || format!("{:.1} events/s", rate())}</span>
            <Show when=move || viewer.stats.with(|s| s.reconnects) != 0>
                <span class="stat">
                    {move || match viewer.stats.with(|s| s.reconnects) {
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
            <Show
                when=move || viewer.paused.get()
                fallback=move || view! {
                    <button type="button" on:click=move |_| viewer.paused.set(true)>"Pause"</button>
                }
            >
                <button type="button" class="primary" on:click=move |_| viewer.resume()>
                    {move || format!("Resume ({} new)", pending())}
                </button>
            </Show>
            <button type="button" on:click=move |_| viewer.clear()>"Clear"</button>
        </div>
        <Show when=move || show_skipped.get() && skipped() != 0>
            <section class="problems" aria-label="Problems">
            <h2>"Problems"</h2>
            <p class="hint">
                "Frames that could not be read were skipped; the stream went on. \
                 An excerpt of each is below (at most the first 200 kept)."
            </p>
            <ul class="skipped" aria-label="Skipped frames">
                {move || viewer.stats.with(|s| {
                    s.skipped
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

/// What went wrong, in words, with a hint and the details on demand.
#[component]
pub fn ErrorBanner() -> impl IntoView {
    let viewer = Viewer::expect();
    let connection = expect_context::<Connection>();
    let details = RwSignal::new(false);
    move || {
        match viewer.conn.get() {
        ConnState::Failed(error) => {
            let technical = {
                let mut lines = vec![format!("HTTP {}", error.status())];
                if let Some(id) = error.id() {
                    lines.push(format!("error {id}"));
                }
                for cause in error.chain() {
                    lines.push(format!("{}: {}", cause.id(), cause.message()));
                }
                if let Some(c) = error.correlation_id() {
                    lines.push(format!("correlation ID {c}"));
                }
                lines
            };
            Some(
                view! {
                    <div class="banner-error" role="alert">
                        <p class="sentence">{error.sentence()}</p>
                        {error.hint().map(|h| view! { <p class="hint">{h}</p> })}
                        <Show when=move || connection.can_reconnect()>
                            <button type="button" on:click=move |_| connection.reconnect(viewer)>
                                "Reconnect"
                            </button>
                        </Show>
                        <button type="button" class="link"
                            aria-expanded=move || details.get().to_string()
                            on:click=move |_| details.update(|d| *d = !*d)>
                            {move || if details.get() { "Hide details" } else { "Details" }}
                        </button>
                        <Show when=move || details.get()>
                            <ul class="details">
                                {technical.iter().map(|l| view! { <li><code>{l.clone()}</code></li> }).collect_view()}
                            </ul>
                        </Show>
                    </div>
                }
                .into_any(),
            )
        }
        ConnState::Reconnecting { cause, at } => {
            let (_, clock) = time::display(at, viewer.settings.with_untracked(|s| s.utc));
            Some(
                view! {
                    <div class="banner-info" role="status">
                        <p>{format!("{cause} Reconnecting at {clock}…")}</p>
                    </div>
                }
                .into_any(),
            )
        }
        ConnState::CaptureFailed { name, reason } => Some(
            view! {
                <div class="banner-error" role="alert">
                    <p class="sentence">{format!("The capture {name} could not be loaded: {reason}.")}</p>
                    <p class="hint">"Check the link, or import the file with “Import capture”."</p>
                </div>
            }
            .into_any(),
        ),
        ConnState::Capture { name, progress } => Some(
            view! {
                <div class="banner-info" role="status">
                    <p>
                        {match progress {
                            Some(p) if p.is_nan() => format!("Offline capture: {name} — loading…"),
                            Some(p) => format!("Offline capture: {name} — loading, {:.0} %", p * 100.0),
                            None => format!("Offline capture: {name}"),
                        }}
                    </p>
                    {progress.map(|p| if p.is_nan() {
                        view! { <progress aria-label="Import progress"></progress> }.into_any()
                    } else {
                        view! { <progress max="1" value=p.to_string() aria-label="Import progress"></progress> }.into_any()
                    })}
                </div>
            }
            .into_any(),
        ),
        ConnState::Offline => Some(
            view! {
                <div class="banner-info" role="status">
                    <p>"This browser is offline. Eventline reconnects as soon as the network is back."</p>
                </div>
            }
            .into_any(),
        ),
        _ => None,
    }
    }
}
