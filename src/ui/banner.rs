//! The banner under the status bar: what is happening and what went
//! wrong, in words — for every failed attempt, the first one included —
//! with what happens next (a countdown and Retry now, or Reconnect). It only
//! renders [`crate::model::Status`].

use leptos::prelude::*;

use super::live::Connection;
use super::state::Viewer;
use crate::model::{CaptureState, Failure, Status};
use crate::stream::session::StopReason;

/// A failed attempt: what happened, the likely causes, what to do, and the
/// technical details on demand.
fn failure_view(failure: Failure) -> impl IntoView {
    let details = RwSignal::new(false);
    let causes = (!failure.causes.is_empty()).then(|| {
        view! {
            <p class="causes-title">"Likely causes, most likely first:"</p>
            <ul class="causes">
                {failure.causes.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}
            </ul>
        }
    });
    let technical = failure.details.clone();
    let has_details = !technical.is_empty();
    view! {
        <p class="sentence">{failure.what.clone()}</p>
        {causes}
        {failure.hint.clone().map(|h| view! { <p class="hint">{h}</p> })}
        <Show when=move || has_details>
            <button type="button" class="link"
                aria-expanded=move || details.get().to_string()
                on:click=move |_| details.update(|d| *d = !*d)>
                {move || if details.get() { "Hide details" } else { "Details" }}
            </button>
        </Show>
        <Show when=move || details.get()>
            <ul class="details">
                {technical.iter().map(|l| view! { <li><code>{l.clone()}</code></li> }).collect_view()}
            </ul>
        </Show>
    }
}

/// What the banner shows, as owned data (the model's status borrows it).
#[derive(Debug, Clone, PartialEq)]
enum Banner {
    None,
    Connecting {
        url: String,
        attempt: u32,
        failure: Option<Failure>,
    },
    Retrying {
        at_ms: f64,
        attempt: u32,
        failure: Option<Failure>,
        cause: String,
    },
    Offline {
        failure: Option<Failure>,
    },
    Refused {
        failure: Option<Failure>,
        reason: String,
    },
    GaveUp {
        attempts: u32,
        failure: Option<Failure>,
    },
    CaptureLoading {
        name: String,
        progress: Option<f64>,
    },
    CaptureLoaded {
        text: String,
    },
    CaptureFailed {
        name: String,
        reason: String,
    },
}

fn banner_of(status: Status<'_>) -> Banner {
    match status {
        Status::Idle | Status::Streaming { .. } => Banner::None,
        Status::Connecting {
            url,
            attempt,
            failure,
        } => Banner::Connecting {
            url,
            attempt,
            failure: failure.cloned(),
        },
        Status::Retrying {
            at,
            attempt,
            failure,
            cause,
        } => Banner::Retrying {
            at_ms: at.unix_nanos() as f64 / 1e6,
            attempt,
            failure: failure.cloned(),
            cause: cause.to_owned(),
        },
        Status::Offline { failure } => Banner::Offline {
            failure: failure.cloned(),
        },
        Status::Stopped {
            reason: StopReason::Disconnected,
            ..
        } => Banner::None,
        Status::Stopped {
            reason: StopReason::GaveUp { attempts, .. },
            failure,
        } => Banner::GaveUp {
            attempts: *attempts,
            failure: failure.cloned(),
        },
        Status::Stopped { reason, failure } => Banner::Refused {
            failure: failure.cloned(),
            reason: reason.to_string(),
        },
        Status::Capture {
            name,
            state,
            snapshot,
        } => match state {
            CaptureState::Loading { progress } => Banner::CaptureLoading {
                name: name.to_owned(),
                progress: *progress,
            },
            CaptureState::Loaded => Banner::CaptureLoaded {
                text: snapshot.map_or_else(|| format!("Offline capture: {name}"), str::to_owned),
            },
            CaptureState::Failed(reason) => Banner::CaptureFailed {
                name: name.to_owned(),
                reason: reason.clone(),
            },
        },
    }
}

/// What is happening and what went wrong, in words, with what happens next.
#[component]
pub fn ErrorBanner() -> impl IntoView {
    let viewer = Viewer::expect();
    let connection = expect_context::<Connection>();
    let banner = Memo::new(move |_| viewer.with(|m| banner_of(m.status())));
    let refused_capture = Memo::new(move |_| {
        viewer.with(|m| {
            m.refused_capture()
                .map(|(n, r, file)| (n.to_owned(), r.to_owned(), file))
        })
    });
    let reconnect = move |_| connection.reconnect(viewer);
    let capture_failed = |name: String, reason: String, file: bool| {
        let hint = if file {
            "Choose a capture: an NDJSON or JSON file of events, as “Export NDJSON” writes."
        } else {
            "Check the link, or import the file with “Import capture”."
        };
        view! {
            <div class="banner-error" role="alert">
                <p class="sentence">{format!("The capture {name} could not be loaded: {reason}.")}</p>
                <p class="hint">{hint}</p>
            </div>
        }
    };
    let main = move || {
        match banner.get() {
        Banner::None => None,
        Banner::Connecting { url, attempt, failure } => Some(
            view! {
                <div class="banner-info" role="status">
                    <p>{if attempt > 1 {
                        format!("Connecting to {url} (attempt {attempt})…")
                    } else {
                        format!("Connecting to {url}…")
                    }}</p>
                    {failure.map(|f| view! { <div class="last-failure">{failure_view(f)}</div> })}
                </div>
            }
            .into_any(),
        ),
        Banner::Retrying { at_ms, attempt, failure, cause } => {
            let countdown = move || {
                let secs = ((at_ms - viewer.clock.get()) / 1000.0).ceil().max(0.0);
                format!("Retrying in {secs:.0} s (attempt {attempt}).")
            };
            Some(
                view! {
                    <div class="banner-error" role="alert">
                        {match failure {
                            Some(f) => failure_view(f).into_any(),
                            None => view! { <p class="sentence">{cause}</p> }.into_any(),
                        }}
                        <p class="next">
                            <span class="countdown">{countdown}</span>
                            " "
                            <button type="button" on:click=move |_| connection.retry_now(viewer)>
                                "Retry now"
                            </button>
                        </p>
                    </div>
                }
                .into_any(),
            )
        }
        Banner::Offline { failure } => Some(
            view! {
                <div class="banner-info" role="status">
                    <p>"This browser is offline. Eventline reconnects as soon as the network is back."</p>
                    {failure.map(|f| view! { <div class="last-failure">{failure_view(f)}</div> })}
                </div>
            }
            .into_any(),
        ),
        Banner::Refused { failure, reason } => Some(
            view! {
                <div class="banner-error" role="alert">
                    {match failure {
                        Some(f) => failure_view(f).into_any(),
                        None => view! { <p class="sentence">{reason}</p> }.into_any(),
                    }}
                    <p class="next">
                        <button type="button" on:click=reconnect>"Reconnect"</button>
                    </p>
                </div>
            }
            .into_any(),
        ),
        Banner::GaveUp { attempts, failure } => Some(
            view! {
                <div class="banner-error" role="alert">
                    <p class="sentence">{format!(
                        "Stopped after {attempts} failed attempts: this connection never worked, so Eventline stopped retrying."
                    )}</p>
                    {failure.map(failure_view)}
                    <p class="next">
                        <button type="button" on:click=reconnect>"Reconnect"</button>
                        " or fix the form and press Connect."
                    </p>
                </div>
            }
            .into_any(),
        ),
        Banner::CaptureLoading { name, progress } => Some(
            view! {
                <div class="banner-info" role="status">
                    <p>{match progress {
                        Some(p) => format!("Offline capture: {name} — loading, {:.0} %", p * 100.0),
                        None => format!("Offline capture: {name} — loading…"),
                    }}</p>
                    {match progress {
                        Some(p) => view! { <progress max="1" value=p.to_string() aria-label="Import progress"></progress> }.into_any(),
                        None => view! { <progress aria-label="Import progress"></progress> }.into_any(),
                    }}
                </div>
            }
            .into_any(),
        ),
        Banner::CaptureLoaded { text } => Some(
            view! {
                <div class="banner-info" role="status">
                    <p>{text}</p>
                </div>
            }
            .into_any(),
        ),
        Banner::CaptureFailed { name, reason } => Some(capture_failed(name, reason, false).into_any()),
    }
    };
    view! {
        {main}
        {move || refused_capture.get().map(|(name, reason, file)| capture_failed(name, reason, file))}
    }
}
