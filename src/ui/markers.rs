//! The connection markers above the timeline, in time order: when each
//! stream started (with which names) and when each ended (why, what
//! followed, how much was back-filled); the latest three one per line and,
//! past four, the earlier ones under one disclosure line (`model::Folded`).

use leptos::prelude::*;

use super::state::Viewer;
use super::time;
use crate::model::{Folded, MarkerLine, Model};

/// The markers as text computed only when they change
/// (`Model::markers_key`), folded as [`Folded`] says.
#[component]
pub(super) fn Markers() -> impl IntoView {
    let viewer = Viewer::expect();
    // The lines are recomputed only when a marker changed, not at each flush.
    let key = Memo::new(move |_| {
        viewer.with(|m| {
            let s = m.settings();
            (s.utc, s.newest_first, m.markers_key())
        })
    });
    let lines = Memo::new(move |_| {
        let utc = key.with(|k| k.0);
        viewer
            .with_untracked(Model::marker_lines_shown)
            .map(|line| {
                let (date, clock) = time::display(line.at(), utc);
                match line {
                    MarkerLine::Started { names, .. } => {
                        let what = if names.is_empty() {
                            "all event names".to_owned()
                        } else {
                            format!("{} event names: {}", names.len(), names.join(", "))
                        };
                        (
                            Some(date),
                            format!("Stream started {clock} — {what}"),
                            false,
                        )
                    }
                    MarkerLine::Ended { line, .. } => (
                        Some(format!("Stream ended {date} {clock}")),
                        format!("Stream ended {clock} — {line}"),
                        true,
                    ),
                }
            })
    });
    view! {
        <ul class="markers" aria-label="Connection markers">
            {move || lines.with(|l| marker_lines(viewer, l))}
        </ul>
    }
}

/// A line: its title (shown on hover), its text, and whether it is a
/// stream's end.
type Line = (Option<String>, String, bool);

/// The markers: the earlier ones folded under one line (a disclosure), then
/// the recent ones. Opening the fold stops following where the page scrolls
/// the timeline (`Model::markers_opened`): following would scroll what was
/// opened under the bar.
fn marker_lines(viewer: Viewer, lines: &Folded<Line>) -> impl IntoView {
    let items = move |lines: &[Line]| {
        lines
            .iter()
            .map(|(title, text, ended)| {
                view! {
                    <li class="marker" class:marker-reconnect=*ended title=title.clone()>
                        {text.clone()}
                    </li>
                }
            })
            .collect_view()
    };
    let earlier = (!lines.earlier.is_empty()).then(|| {
        let n = lines.earlier.len();
        view! {
            <li class="marker marker-earlier">
                <details on:toggle=move |ev| {
                    if event_target::<web_sys::Element>(&ev).has_attribute("open") {
                        viewer.act(Model::markers_opened);
                    }
                }>
                    <summary>{format!("{n} earlier connection markers")}</summary>
                    <ul class="markers">{items(&lines.earlier)}</ul>
                </details>
            </li>
        }
    });
    let recent = items(&lines.recent).into_any();
    let earlier = earlier.into_any();
    if lines.newest_first {
        (recent, earlier)
    } else {
        (earlier, recent)
    }
}
