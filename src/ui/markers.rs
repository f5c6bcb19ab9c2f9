//! The connection markers above the timeline: when each stream started (with
//! which names) and each reconnect (why, how much was back-filled), of each
//! kind the latest three one per line and, past four, earlier ones under one
//! disclosure line (`model::Folded`).

use leptos::prelude::*;

use super::state::Viewer;
use super::time;
use crate::model::{Folded, Model};
use crate::store::{Marker, MarkerKind};

/// The `events.stream.start` markers (when the stream went live, with which
/// names) and the reconnect markers, as text computed only when they change
/// (`Model::markers_key`), folded as [`Folded`] says.
#[component]
pub(super) fn Markers() -> impl IntoView {
    let viewer = Viewer::expect();
    // The lines are recomputed only when a marker changed, not at each flush.
    let key = Memo::new(move |_| viewer.with(|m| (m.settings().utc, m.markers_key())));
    let started = Memo::new(move |_| {
        let utc = key.with(|k| k.0);
        viewer.with_untracked(|m| {
            m.stream_starts().map(|marker: &Marker| {
                let (date, clock) = time::display(marker.time, utc);
                let MarkerKind::StreamStarted { names } = &marker.kind;
                let what = if names.is_empty() {
                    "all event names".to_owned()
                } else {
                    format!("{} event names: {}", names.len(), names.join(", "))
                };
                (Some(date), format!("Stream started {clock} — {what}"))
            })
        })
    });
    let reconnects = Memo::new(move |_| {
        let utc = key.with(|k| k.0);
        viewer
            .with_untracked(Model::reconnect_lines)
            .map(|(at, line)| {
                let (date, clock) = time::display(*at, utc);
                (
                    Some(format!("Stream ended {date} {clock}")),
                    format!("Stream ended {clock} — {line}"),
                )
            })
    });
    view! {
        <ul class="markers" aria-label="Connection markers">
            {move || started.with(|s| marker_lines(viewer, s, false, "stream starts"))}
            {move || reconnects.with(|r| marker_lines(viewer, r, true, "reconnects"))}
        </ul>
    }
}

/// A line: its title (shown on hover) and its text.
type Line = (Option<String>, String);

/// One kind of connection markers: the earlier ones folded under one line
/// (a disclosure), then the recent ones. Opening the fold stops following where the page scrolls the timeline
/// (`Model::markers_opened`): following would scroll what was opened under the bar.
fn marker_lines(
    viewer: Viewer,
    lines: &Folded<Line>,
    reconnect: bool,
    what: &str,
) -> impl IntoView {
    let items = move |lines: &[Line]| {
        lines
            .iter()
            .map(|(title, text)| {
                view! {
                    <li class="marker" class:marker-reconnect=reconnect title=title.clone()>
                        {text.clone()}
                    </li>
                }
            })
            .collect_view()
    };
    let earlier = (!lines.earlier.is_empty()).then(|| {
        let n = lines.earlier.len();
        view! {
            <li class="marker marker-earlier" class:marker-earlier-reconnect=reconnect>
                <details on:toggle=move |ev| {
                    if event_target::<web_sys::Element>(&ev).has_attribute("open") {
                        viewer.act(Model::markers_opened);
                    }
                }>
                    <summary>{format!("{n} earlier {what}")}</summary>
                    <ul class="markers">{items(&lines.earlier)}</ul>
                </details>
            </li>
        }
    });
    (earlier, items(&lines.recent))
}
