//! Export buttons: the events in memory as an NDJSON or JSON file, redacted
//! by default (the note says what that removes). The download is made in the
//! browser from a Blob; nothing is uploaded anywhere, and the key is never
//! part of an export.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::Viewer;
use crate::share::capture::{export, file_name, Format, REDACTION_NOTE};
use crate::tts::Timestamp;

/// Offers `body` to the user as a file named `name`.
fn download(name: &str, mime: &str, body: &str) -> Result<(), String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&body.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "the browser could not build the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser could not offer the file")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "no link element")?
        .unchecked_into();
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// "Export NDJSON", "Export JSON" and the redaction option.
#[component]
pub fn ExportButtons() -> impl IntoView {
    let viewer = Viewer::expect();
    let redact = RwSignal::new(true);
    let status = RwSignal::new(None::<String>);
    let run = move |format: Format| {
        let redacted = redact.get_untracked();
        viewer.flush();
        let (out, entities) = viewer.with_untracked(|m| {
            (
                export(m.store().in_time_order(), format, redacted),
                m.view_state().entities,
            )
        });
        let now = Timestamp::from_unix_millis(js_sys::Date::now() as i64);
        let name = file_name(&entities, now, format);
        let left_out = match out.not_exported.len() {
            0 => String::new(),
            n => format!(
                " {n} could not be written and are not in the file: {}.",
                out.not_exported.join("; ")
            ),
        };
        status.set(Some(match download(&name, format.mime(), &out.body) {
            Ok(()) if redacted => format!(
                "Exported {} events to {name}; {} addresses, keys, tokens and secrets removed.{left_out}",
                out.events, out.redacted
            ),
            Ok(()) => format!("Exported {} events to {name}.{left_out}", out.events),
            Err(e) => format!("Export failed: {e}."),
        }));
    };
    // Nothing in memory: a file of no events helps no one (paused events
    // join the timeline on Resume, and are exported then).
    let empty = move || viewer.with(|m| m.store().is_empty());
    let nothing = move || empty().then_some("No events in memory to export yet");
    // "Exported 1,291 events …" belongs to the events it wrote: gone with them
    // (an import, a new connection, Clear).
    Effect::new(move |_| {
        if empty() {
            status.set(None);
        }
    });
    view! {
        <div class="export" role="group" aria-label="Export">
            <button type="button" prop:disabled=empty title=nothing on:click=move |_| run(Format::Ndjson)>"Export NDJSON"</button>
            <button type="button" prop:disabled=empty title=nothing on:click=move |_| run(Format::JsonArray)>"Export JSON"</button>
            <label class="check" title=REDACTION_NOTE>
                <input type="checkbox" prop:checked=redact
                    on:change=move |ev| redact.set(event_target_checked(&ev)) />
                "Redact"
            </label>
            <span class="export-status" role="status">{move || status.get()}</span>
        </div>
    }
}
