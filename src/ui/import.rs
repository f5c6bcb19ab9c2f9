//! Importing a capture: the shell that hands a file's (or a hosted
//! capture's) bytes to the model as they are read, in slices that let the
//! page paint, and tells it when the file ended or failed. Which address a
//! link may name is checked before anything is fetched or cleared.
//!
//! A new import, connect or disconnect stops a running one (the connection's
//! generation), so two never feed the timeline at once.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::live::Connection;
use super::state::{after_next_frame, now, now_ms, Viewer};

/// How long reading may run before letting the page paint (ms).
const WORK_PER_FRAME_MS: f64 = 12.0;

/// The most bytes read between two looks at the clock.
const SLICE_BYTES: usize = 4 * 1024;

/// Resolves in a task of its own once the next frame is drawn (see
/// [`after_next_frame`]): a slice of reading never shares a task with a flush
/// or the browser's rendering.
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        after_next_frame(move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        });
    });
    let _ = JsFuture::from(promise).await;
}

fn js_error(e: &wasm_bindgen::JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|| "no reason given".into())
}

/// Asks before an import throws away a stream or the events in memory (a
/// file dropped on the page by mistake would end a debugging session). `of`
/// files were dropped at once: the question says only the first is read.
fn confirmed_replacing(viewer: Viewer, name: &str, of: u32) -> bool {
    let Some((events, live)) = viewer.with_untracked(|m| m.import_would_replace()) else {
        return of < 2
            || super::ask(&format!(
                "Eventline reads one capture at a time. Import {name} (the first of the {of} files dropped)?"
            ));
    };
    let name = match of {
        0 | 1 => name.to_owned(),
        n => format!(
            "{name} (the first of the {n} files dropped: Eventline reads one capture at a time)"
        ),
    };
    let ends = if live { "ends the stream" } else { "" };
    let question = match events {
        0 => format!("Importing {name} {ends}. Import anyway?"),
        n => format!(
            "Importing {name} {ends}{and}replaces the {} in memory. Export them first to keep them. Import anyway?",
            super::format::events(n as u64),
            and = if live { " and " } else { "" },
        ),
    };
    super::ask(&question)
}

/// Reads a capture's bytes from `reader` into the model until the end (or
/// until something newer than `generation` starts).
async fn read_capture(
    viewer: Viewer,
    connection: Connection,
    generation: u64,
    reader: web_sys::ReadableStreamDefaultReader,
) {
    let mut since_frame = now_ms();
    loop {
        let result = match JsFuture::from(reader.read()).await {
            Ok(result) => result,
            Err(e) => {
                if connection.is_current(generation) {
                    let reason = format!(
                        "reading stopped before the end of the file ({})",
                        js_error(&e)
                    );
                    viewer.act(|m| m.import_failed(&reason));
                }
                return;
            }
        };
        if !connection.is_current(generation) {
            let _ = reader.cancel();
            return;
        }
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
        // slices until the frame's budget is spent (one model update for
        // them all), then let the page paint.
        let mut rest = bytes.as_slice();
        while !rest.is_empty() {
            if now_ms() - since_frame > WORK_PER_FRAME_MS {
                next_frame().await;
                since_frame = now_ms();
                if !connection.is_current(generation) {
                    let _ = reader.cancel();
                    return;
                }
            }
            let deadline = since_frame + WORK_PER_FRAME_MS;
            let read = viewer.act(|m| {
                let mut read = 0;
                for slice in rest.chunks(SLICE_BYTES) {
                    m.import_bytes(slice);
                    read += slice.len();
                    if now_ms() > deadline {
                        break;
                    }
                }
                read
            });
            rest = rest.get(read..).unwrap_or_default();
        }
    }
    viewer.act(|m| m.import_finished());
    viewer.flush();
}

/// The first [`HEAD_BYTES`](crate::share::import::HEAD_BYTES) of `file`.
async fn head_of(file: &web_sys::File) -> Option<Vec<u8>> {
    let end = crate::share::import::HEAD_BYTES as f64;
    let head = file.slice_with_f64_and_f64(0.0, end).ok()?;
    let buffer = JsFuture::from(head.array_buffer()).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Reads `file` into the timeline, replacing what was there. When events
/// are on screen, the file's start is looked at first: the wrong file is
/// refused and replaces nothing; then the user is asked. `file` is the first
/// of `of` files chosen or dropped together: one capture is read at a time,
/// which the one question asked says.
pub fn import(viewer: Viewer, connection: Connection, file: web_sys::File, of: u32) {
    if viewer
        .with_untracked(|m| m.import_would_replace())
        .is_none()
    {
        if confirmed_replacing(viewer, &file.name(), of) {
            start_import(viewer, connection, file);
        }
        return;
    }
    // A connect, a link or another file started while the start is read wins.
    let before = connection.current();
    leptos::task::spawn_local(async move {
        let name = file.name();
        let head = head_of(&file).await;
        if !connection.is_current(before) {
            return;
        }
        if let Some(head) = head {
            let whole = file.size() <= head.len() as f64;
            if let Err(why) = crate::share::import::check_head(&head, whole) {
                viewer.act(|m| m.file_refused(&name, &why));
                return;
            }
        }
        if confirmed_replacing(viewer, &name, of) {
            start_import(viewer, connection, file);
        }
    });
}

fn start_import(viewer: Viewer, connection: Connection, file: web_sys::File) {
    let generation = connection.begin();
    let size = file.size();
    viewer.act(|m| m.import_started(&file.name(), Some(size as u64), now()));
    // The stream is over: the form offers Connect again, not a Reconnect
    // that has no session to resume.
    viewer.edit_form(crate::model::FormModel::unfold);
    let reader: web_sys::ReadableStreamDefaultReader = file.stream().get_reader().unchecked_into();
    leptos::task::spawn_local(read_capture(viewer, connection, generation, reader));
}

/// The capture's address resolved against the page, if it stays on the
/// page's own origin (the pure check refused every other form already).
fn same_origin_url(path: &str) -> Option<String> {
    let page = web_sys::window()?.location();
    let url = web_sys::Url::new_with_base(path, &page.href().ok()?).ok()?;
    (url.origin() == page.origin().ok()?).then(|| url.href())
}

/// Whether a response came from the page's own origin (not redirected away).
fn same_origin_response(response: &web_sys::Response) -> bool {
    let page_origin = web_sys::window().and_then(|w| w.location().origin().ok());
    let url = web_sys::Url::new(&response.url()).ok();
    matches!((page_origin, url), (Some(page), Some(url)) if url.origin() == page)
}

/// Fetches a capture a `#capture=…` link names (`path` relative to the app)
/// and reads it into the timeline, streaming. Any other address (another
/// server, an absolute path, a redirect away) is refused unread — and
/// refused before anything on screen is replaced.
pub fn import_link(viewer: Viewer, connection: Connection, path: String) {
    let checked = crate::trust::capture_path(&path).and_then(|relative| {
        same_origin_url(&relative).ok_or_else(|| {
            format!("the link names {relative:?}, which is not on this page's own server")
        })
    });
    let target = match checked {
        Ok(target) => target,
        Err(why) => {
            viewer.act(|m| m.capture_refused(&path, &why));
            return;
        }
    };
    let generation = connection.begin();
    viewer.act(|m| m.import_link_started(&path, now()));
    viewer.edit_form(crate::model::FormModel::unfold);
    leptos::task::spawn_local(async move {
        let failed = move |why: String| {
            if connection.is_current(generation) {
                viewer.act(|m| m.import_failed(&why));
            }
        };
        let Some(window) = web_sys::window() else {
            return;
        };
        let init = web_sys::RequestInit::new();
        init.set_redirect(web_sys::RequestRedirect::Error);
        let response = match JsFuture::from(window.fetch_with_str_and_init(&target, &init)).await {
            Ok(r) => r.unchecked_into::<web_sys::Response>(),
            Err(_) => {
                return failed(
                    "the browser could not fetch it (the server is unreachable, or it redirected elsewhere)"
                        .into(),
                )
            }
        };
        if !same_origin_response(&response) {
            return failed(
                "the server sent it from another address, which a capture link may not do".into(),
            );
        }
        if !response.ok() {
            return failed(match response.status() {
                404 => "there is no file at this address (HTTP 404)".into(),
                s => format!("the server answered HTTP {s}"),
            });
        }
        if let Some(size) = response
            .headers()
            .get("content-length")
            .ok()
            .flatten()
            .and_then(|l| l.parse::<u64>().ok())
        {
            viewer.act(|m| m.import_size(size));
        }
        let Some(body) = response.body() else {
            return failed("the response has no body".into());
        };
        let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
        read_capture(viewer, connection, generation, reader).await;
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
                import(viewer, connection, file, 1);
            }
            input.set_value("");
        }
    };
    let over = window_event_listener(leptos::ev::dragover, |ev| ev.prevent_default());
    let drop = window_event_listener(leptos::ev::drop, move |ev| {
        ev.prevent_default();
        let Some(files) = ev.data_transfer().and_then(|d| d.files()) else {
            return;
        };
        if let Some(file) = files.get(0) {
            import(viewer, connection, file, files.length());
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
