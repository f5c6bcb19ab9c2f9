//! "Share these events" and `#snapshot=` links, the browser side: the model
//! chooses and redacts the events and `share::snapshot` writes them; this
//! shell packs the text with the browser's own `CompressionStream`
//! ("deflate-raw": no compression code in the bundle), copies the link, and
//! opens such links — unpacking with `DecompressionStream` and stopping the
//! moment the output passes `MAX_UNPACKED` bytes (a link is untrusted input).
//!
//! Nothing is sent anywhere: the events travel in the link's fragment, which
//! browsers never send to a server, and opening one connects to nothing.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use super::live::Connection;
use super::state::{now, Viewer};
use crate::model::Share;
use crate::share::snapshot::{self, SnapshotError, MAX_UNPACKED};
use crate::share::{base64url, ViewState};

// The Compression Streams API (every current browser has it); web-sys
// offers it only as an unstable API, so the few members used are bound here.
#[wasm_bindgen]
extern "C" {
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &CompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &CompressionStream) -> web_sys::WritableStream;

    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &DecompressionStream) -> web_sys::ReadableStream;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &DecompressionStream) -> web_sys::WritableStream;
}

/// The format both ends use: DEFLATE without a header (RFC 1951), the smallest.
const FORMAT: &str = "deflate-raw";

/// Why a stream through a (de)compressor did not give its bytes.
enum Unread {
    /// More than the limit came out (reading stopped there).
    TooBig,
    /// The browser's reason.
    Failed(String),
}

fn js_error(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|| "no reason given".into())
}

fn failed(e: JsValue) -> Unread {
    Unread::Failed(js_error(&e))
}

/// `bytes` through `(writable, readable)` of a compressor or decompressor;
/// at most `limit` bytes of what comes out are read.
async fn transform(
    bytes: &[u8],
    pair: web_sys::ReadableWritablePair,
    limit: usize,
) -> Result<Vec<u8>, Unread> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(failed)?;
    let reader: web_sys::ReadableStreamDefaultReader = blob
        .stream()
        .pipe_through(&pair)
        .get_reader()
        .unchecked_into();
    let mut out = Vec::new();
    loop {
        let result = JsFuture::from(reader.read()).await.map_err(failed)?;
        let done = js_sys::Reflect::get(&result, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        let Some(chunk) = js_sys::Reflect::get(&result, &"value".into())
            .ok()
            .filter(|_| !done)
            .and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok())
        else {
            return Ok(out);
        };
        if out.len() + chunk.length() as usize > limit {
            let _ = reader.cancel();
            return Err(Unread::TooBig);
        }
        out.extend(chunk.to_vec());
    }
}

async fn deflate(text: &str) -> Result<Vec<u8>, String> {
    let cs = CompressionStream::new(FORMAT)
        .map_err(|e| format!("this browser cannot compress ({})", js_error(&e)))?;
    let pair = web_sys::ReadableWritablePair::new(&cs.readable(), &cs.writable());
    transform(text.as_bytes(), pair, MAX_UNPACKED)
        .await
        .map_err(|e| match e {
            Unread::TooBig => "the events are too large for a link".to_owned(),
            Unread::Failed(why) => format!("compressing failed ({why})"),
        })
}

/// A link's `snapshot=` value back to the snapshot's text (bounded).
async fn inflate(text: &str) -> Result<Vec<u8>, SnapshotError> {
    let packed = snapshot::payload(text)?;
    let ds =
        DecompressionStream::new(FORMAT).map_err(|e| SnapshotError::NotPacked(js_error(&e)))?;
    let pair = web_sys::ReadableWritablePair::new(&ds.readable(), &ds.writable());
    transform(&packed, pair, MAX_UNPACKED)
        .await
        .map_err(|e| match e {
            Unread::TooBig => SnapshotError::TooBig,
            Unread::Failed(why) => SnapshotError::NotPacked(why),
        })
}

/// Opens a `#snapshot=` link: read whole first, and only then does it
/// replace what is on screen (a damaged link leaves it, with a sentence).
pub fn open_link(viewer: Viewer, connection: Connection, packed: Arc<str>) {
    leptos::task::spawn_local(async move {
        let unpacked = inflate(&packed).await;
        let opened = unpacked
            .as_deref()
            .map_err(Clone::clone)
            .and_then(snapshot::open);
        match opened {
            Ok(opened) => {
                connection.begin();
                viewer.act(|m| m.open_snapshot(packed.clone(), opened, now()));
                viewer.flush();
            }
            Err(why) => viewer.act(|m| m.snapshot_refused(&why)),
        }
    });
}

/// The page's address without its fragment.
fn page_address() -> String {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_owned()
}

/// Makes the link for `what`: as many events as fit; and what it holds, in words.
async fn make_link(viewer: Viewer, what: &Share) -> Result<(String, String), String> {
    viewer.flush();
    let (draft, settings) =
        viewer.with_untracked(|m| (m.snapshot_draft(what, now()), m.settings()));
    let draft = draft.map_err(|e| e.to_string())?;
    let mut n = draft.len();
    loop {
        let packed = base64url::encode(&deflate(&draft.text(n)).await?);
        let fits = draft.fit(n, packed.len()).map_err(|e| e.to_string())?;
        if fits == n {
            let view = ViewState {
                flat: settings.flat,
                utc: settings.utc,
                relative: settings.relative,
                newest_first: settings.newest_first,
                snapshot: Some(packed.into()),
                ..ViewState::default()
            };
            let link = format!("{}#{}", page_address(), view.to_fragment());
            return Ok((link, draft.summary(n)));
        }
        n = fits;
    }
}

/// What a share attempt says, and the link when it could not be copied.
type Outcome = (String, Option<String>);

async fn share(viewer: Viewer, what: Share) -> Outcome {
    let (link, summary) = match make_link(viewer, &what).await {
        Ok(made) => made,
        Err(why) => return (format!("No link made: {why}."), None),
    };
    let Some(window) = web_sys::window() else {
        return ("No link made: no window.".into(), None);
    };
    let copy = window.navigator().clipboard().write_text(&link);
    match JsFuture::from(copy).await {
        Ok(_) => (summary, None),
        Err(_) => (
            "Copy failed: the browser blocked clipboard access; copy the link from this field."
                .into(),
            Some(link),
        ),
    }
}

/// A "Share these events" button and the line saying what the link holds.
#[component]
pub fn ShareEvents(
    /// Which events: the open journey's, a lane's, or the filtered view's.
    what: Share,
) -> impl IntoView {
    let viewer = Viewer::expect();
    let what = StoredValue::new(what);
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Outcome>);
    let click = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let what = what.get_value();
        leptos::task::spawn_local(async move {
            outcome.set(Some(share(viewer, what).await));
            busy.set(false);
        });
    };
    let empty = move || viewer.with(|m| m.store().is_empty());
    view! {
        <span class="share-events">
            <button type="button" on:click=click prop:disabled=move || busy.get() || empty()
                title=move || if empty() {
                    "No events in memory to share yet"
                } else {
                    "A link that holds these events themselves (redacted as Export), for someone without a key"
                }>
                "Share these events"
            </button>
            <span class="copy-status" role="status">{move || outcome.with(|o| o.as_ref().map(|(s, _)| s.clone()))}</span>
            {move || outcome.with(|o| o.as_ref().and_then(|(_, l)| l.clone())).map(|link| view! {
                <input type="text" class="share-link" readonly aria-label="Snapshot link" prop:value=link />
            })}
        </span>
    }
}
