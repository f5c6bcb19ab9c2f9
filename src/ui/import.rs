//! Importing a capture: a file picked or dropped on the page, or a file
//! hosted next to the app and named by a `#capture=…` link, is read as a
//! stream (so 100 MB does not freeze the page or build one big string), shown
//! with a progress figure, and loaded into the same timeline, offline — no
//! key, no event stream. Bad lines are listed with their line numbers and skipped.

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
        s.skip(skipped);
    });
    viewer.accept(events);
}

/// How long reading may run before letting the page paint (ms).
const WORK_PER_FRAME_MS: f64 = 12.0;

/// The most bytes read between two looks at the clock.
const SLICE_BYTES: usize = 16 * 1024;

/// Resolves at the next animation frame (after the timeline's batch for it).
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        request_animation_frame(move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        });
    });
    let _ = JsFuture::from(promise).await;
}

/// Empties the viewer for a capture called `name`, loading from now on.
fn start(viewer: Viewer, connection: Connection, name: &str) {
    connection.disconnect();
    viewer.clear();
    viewer.paused.set(false);
    viewer.reconnects.set(Vec::new());
    viewer.stats.update(|s| *s = Default::default());
    viewer.conn.set(ConnState::Capture {
        name: name.to_owned(),
        progress: Some(0.0),
    });
}

/// Reads a capture's bytes from `reader` into the timeline, showing progress
/// against `size` (bytes, when known).
async fn read_capture(
    viewer: Viewer,
    name: String,
    reader: web_sys::ReadableStreamDefaultReader,
    size: Option<f64>,
) {
    let mut capture = CaptureReader::new();
    let mut read = 0.0;
    let show_progress = |read: f64| {
        viewer.conn.set(ConnState::Capture {
            name: name.clone(),
            progress: Some(size.map_or(f64::NAN, |size| (read / size.max(1.0)).min(1.0))),
        });
    };
    let mut since_frame = js_sys::Date::now();
    loop {
        // A file's chunks are ready at once: without a pause the whole file
        // would be read in one task and the page would freeze until the end.
        if js_sys::Date::now() - since_frame > WORK_PER_FRAME_MS {
            next_frame().await;
            since_frame = js_sys::Date::now();
        }
        let result = match JsFuture::from(reader.read()).await {
            Ok(result) => result,
            Err(e) => {
                apply(viewer, capture.finish());
                viewer.flush();
                let shown = viewer.timeline.with_untracked(|t| t.len());
                let detail = e
                    .dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
                    .unwrap_or_else(|| "no reason given".into());
                viewer.conn.set(ConnState::CaptureFailed {
                    name,
                    reason: format!(
                        "reading stopped before the end of the file ({detail}); the {shown} events read until then are shown"
                    ),
                });
                return;
            }
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
        // A chunk may be megabytes (a million tiny array items): read it in
        // slices, letting the page paint whenever a slice ran past the budget.
        for slice in bytes.chunks(SLICE_BYTES) {
            if js_sys::Date::now() - since_frame > WORK_PER_FRAME_MS {
                show_progress(read);
                next_frame().await;
                since_frame = js_sys::Date::now();
            }
            read += slice.len() as f64;
            apply(viewer, capture.feed(slice));
        }
        show_progress(read);
    }
    apply(viewer, capture.finish());
    viewer.flush();
    viewer.conn.set(ConnState::Capture {
        name,
        progress: None,
    });
}

/// Reads `file` into the timeline, replacing what was there.
pub fn import(viewer: Viewer, connection: Connection, file: web_sys::File) {
    let name = file.name();
    // A link cannot point at a local file: the shared view no longer names a capture.
    viewer.shared.update_value(|s| s.capture = None);
    start(viewer, connection, &name);
    let size = file.size();
    let reader: web_sys::ReadableStreamDefaultReader = file.stream().get_reader().unchecked_into();
    leptos::task::spawn_local(read_capture(viewer, name, reader, Some(size)));
}

/// The capture's address resolved against the page, if it stays on the
/// page's own origin (the pure check refused every other form already).
fn same_origin_url(path: &str) -> Option<String> {
    let page = web_sys::window()?.location();
    let url = web_sys::Url::new_with_base(path, &page.href().ok()?).ok()?;
    (url.origin() == page.origin().ok()?).then(|| url.href())
}

/// Fetches a capture hosted next to the app (`url` relative to the page, as a
/// `#capture=…` link names it) and reads it into the timeline, streaming.
/// Any other address (another server, an absolute path) is refused unread.
pub fn import_url(viewer: Viewer, connection: Connection, url: String) {
    start(viewer, connection, &url);
    let failed = move |name: &str, why: String| {
        viewer.conn.set(ConnState::CaptureFailed {
            name: name.to_owned(),
            reason: why,
        })
    };
    let checked = crate::trust::capture_path(&url).and_then(|path| {
        same_origin_url(&path).ok_or_else(|| {
            format!("the link names {path:?}, which is not on this page's own server")
        })
    });
    let target = match checked {
        Ok(target) => target,
        Err(why) => return failed(&url, why),
    };
    leptos::task::spawn_local(async move {
        let failed = |why: String| failed(&url, why);
        let Some(window) = web_sys::window() else {
            return;
        };
        let response = match JsFuture::from(window.fetch_with_str(&target)).await {
            Ok(r) => r.unchecked_into::<web_sys::Response>(),
            Err(_) => {
                return failed(
                    "the browser could not fetch it (the server is unreachable, or it does not allow this origin)"
                        .into(),
                )
            }
        };
        if !response.ok() {
            return failed(match response.status() {
                404 => "there is no file at this address (HTTP 404)".into(),
                s => format!("the server answered HTTP {s}"),
            });
        }
        let size = response
            .headers()
            .get("content-length")
            .ok()
            .flatten()
            .and_then(|l| l.parse::<f64>().ok());
        let Some(body) = response.body() else {
            return failed("the response has no body".into());
        };
        let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        read_capture(viewer, url.clone(), reader, size).await;
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
