//! Importing a capture: a file picked or dropped on the page is read as a
//! stream (so 100 MB does not freeze the page or build one big string), shown
//! with a progress figure, and loaded into the same timeline, offline — no
//! key, no server. Bad lines are listed with their line numbers and skipped.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::live::Connection;
use super::state::{ConnState, SkippedFrame, Viewer};
use crate::share::import::{CaptureReader, ImportItem};

fn apply(viewer: Viewer, items: Vec<ImportItem>) {
    let mut events = Vec::new();
    let mut skipped = Vec::new();
    for item in items {
        match item {
            ImportItem::Event(e) => events.push(*e),
            ImportItem::Skipped {
                line,
                reason,
                excerpt,
            } => skipped.push(SkippedFrame {
                reason: format!("line {line}: {reason}"),
                excerpt,
            }),
        }
    }
    let n = events
        .iter()
        .filter(|e| e.name != "events.stream.start")
        .count() as u64;
    viewer.stats.update(|s| {
        s.received += n;
        s.skipped.extend(skipped);
    });
    viewer.accept(events);
}

/// Reads `file` into the timeline, replacing what was there.
pub fn import(viewer: Viewer, connection: Connection, file: web_sys::File) {
    connection.disconnect();
    viewer.clear();
    viewer.paused.set(false);
    viewer.reconnects.set(Vec::new());
    viewer.stats.update(|s| *s = Default::default());
    let name = file.name();
    let size = file.size().max(1.0);
    viewer.conn.set(ConnState::Capture {
        name: name.clone(),
        progress: Some(0.0),
    });
    leptos::task::spawn_local(async move {
        let reader: web_sys::ReadableStreamDefaultReader =
            file.stream().get_reader().unchecked_into();
        let mut capture = CaptureReader::new();
        let mut read = 0.0;
        loop {
            let Ok(result) = JsFuture::from(reader.read()).await else {
                viewer.stats.update(|s| {
                    s.skipped.push(SkippedFrame {
                        reason: "the browser stopped reading the file".into(),
                        excerpt: String::new(),
                    })
                });
                break;
            };
            let done = js_sys::Reflect::get(&result, &"done".into())
                .ok()
                .and_then(|d| d.as_bool())
                .unwrap_or(true);
            if done {
                break;
            }
            let Ok(value) = js_sys::Reflect::get(&result, &"value".into()) else {
                break;
            };
            let bytes = value.unchecked_into::<js_sys::Uint8Array>().to_vec();
            read += bytes.len() as f64;
            apply(viewer, capture.feed(&bytes));
            viewer.conn.set(ConnState::Capture {
                name: name.clone(),
                progress: Some((read / size).min(1.0)),
            });
        }
        apply(viewer, capture.finish());
        viewer.conn.set(ConnState::Capture {
            name,
            progress: None,
        });
    });
}

/// The "Import capture" button (a file picker); files dropped anywhere on the page work too.
#[component]
pub fn ImportButton() -> impl IntoView {
    let viewer = Viewer::expect();
    let connection = expect_context::<Connection>();
    let on_change = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        if let Some(input) = input {
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                import(viewer, connection, file);
            }
            input.set_value("");
        }
    };
    let over = window_event_listener(leptos::ev::dragover, |ev| ev.prevent_default());
    let drop = window_event_listener(leptos::ev::drop, move |ev| {
        ev.prevent_default();
        if let Some(file) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|f| f.get(0))
        {
            import(viewer, connection, file);
        }
    });
    on_cleanup(move || {
        over.remove();
        drop.remove();
    });
    view! {
        <label class="file-button">
            "Import capture"
            <input type="file" accept=".ndjson,.jsonl,.json,application/json" on:change=on_change />
        </label>
    }
}
