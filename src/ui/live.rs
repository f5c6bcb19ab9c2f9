//! The live connection's shell: performs what the model asks ([`Todo`]) —
//! opens streams with the fetch transport, reads their bytes, sleeps until a
//! retry is due, watches `navigator.onLine` — and reports every outcome back
//! to the model. It decides nothing: when to retry, what to request and what
//! a failure means are the model's (and its session's).
//!
//! The stall watchdog lives here because it needs a timer: a stream that gets
//! no byte for the model's stall timeout is dropped and reported as
//! [`EndCause::Silent`].
//!
//! One driver loop runs at a time: every user action that starts or stops a
//! stream (or an import) bumps the generation, aborts the running request,
//! and older loops end at their next step.
//!
//! It must never log the API key; it hands it only to the request.

use leptos::prelude::*;

use super::state::{now, Viewer};
use crate::form::ValidForm;
use crate::model::{FormModel, Open, Page, Todo};
use crate::share::ViewState;
use crate::stream::fetch::{AbortHandle, EventStream, Read, TransportError};
use crate::stream::session::EndCause;

/// How often a waiting loop looks at the clock and at `navigator.onLine` (ms).
const POLL_MS: i32 = 250;

/// Where the running stream (or import) can be stopped from.
#[derive(Clone, Copy)]
pub struct Connection {
    abort: StoredValue<Option<AbortHandle>, LocalStorage>,
    /// Bumped by every connect/disconnect/import; a loop from an older one stops.
    generation: StoredValue<u64>,
}

/// Asks before a Connect throws away the capture on show (an import can
/// take a while, and its file may be gone). Called once the form has been
/// submitted (so an invalid form asks nothing): on Cancel the form goes back
/// to `before`, as if Connect had not been pressed, and this returns `false`.
pub fn keep_capture_or_go_on(viewer: Viewer, before: FormModel) -> bool {
    let question = viewer.with_untracked(|m| {
        m.connect_would_replace().map(|(events, name)| {
            format!(
                "Connecting replaces the {} of {name} in memory. Export them first to keep them. Connect anyway?",
                super::format::events(events as u64),
            )
        })
    });
    if question.is_none_or(|q| super::ask(&q)) {
        return true;
    }
    viewer.edit_form(|f| *f = before);
    false
}

fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

/// Where this page runs, for the model's explanations.
pub fn page() -> Page {
    Page {
        origin: web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default(),
    }
}

async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

impl Default for Connection {
    fn default() -> Self {
        Self::new()
    }
}

impl Connection {
    pub fn new() -> Self {
        Self {
            abort: StoredValue::new_local(None),
            generation: StoredValue::new(0),
        }
    }

    /// Stops whatever runs (stream, retry timer, import) and returns the
    /// generation of what starts now.
    pub fn begin(&self) -> u64 {
        self.generation.update_value(|g| *g += 1);
        if let Some(handle) = self.abort.try_update_value(Option::take).flatten() {
            handle.abort();
        }
        self.generation.get_value()
    }

    /// The running generation (to tell later whether anything began since).
    pub fn current(&self) -> u64 {
        self.generation.get_value()
    }

    /// Whether `generation` is still the running one.
    pub fn is_current(&self, generation: u64) -> bool {
        self.generation.get_value() == generation
    }

    /// Connect pressed with a valid form (`view`: the request part of the link).
    pub fn connect(&self, viewer: Viewer, form: ValidForm, view: ViewState) {
        let seed = js_sys::Date::now().to_bits();
        viewer.act(|m| m.set_page(page()));
        let todo = viewer.act(|m| m.connect(form, view, now(), seed));
        self.drive(viewer, todo);
    }

    /// Disconnect pressed.
    pub fn disconnect(&self, viewer: Viewer) {
        self.begin();
        viewer.act(|m| m.user_disconnect(now()));
    }

    /// Reconnect pressed: the same session resumes, with the key now in the
    /// form if one was corrected there (`FormModel::resubmit_with_new_key`).
    pub fn reconnect(&self, viewer: Viewer) {
        let running = viewer.with_untracked(|m| m.live_request().cloned());
        let corrected = running.and_then(|r| viewer.edit_form(|f| f.resubmit_with_new_key(&r)));
        if let Some(valid) = corrected {
            viewer.form_untracked(|f| super::storage::store(&f.saved));
            let view = viewer.form_untracked(FormModel::request_view);
            self.connect(viewer, valid, view);
            return;
        }
        let todo = viewer.act(|m| m.user_reconnect(now()));
        self.drive(viewer, todo);
    }

    /// "Retry now" pressed during a backoff.
    pub fn retry_now(&self, viewer: Viewer) {
        let todo = viewer.act(|m| m.retry_now(now()));
        self.drive(viewer, todo);
    }

    /// Runs the model's plan from `todo` until it says stop (or something
    /// newer takes over).
    fn drive(&self, viewer: Viewer, todo: Todo) {
        let generation = self.begin();
        let this = *self;
        leptos::task::spawn_local(async move {
            let mut todo = todo;
            while this.is_current(generation) {
                todo = match todo {
                    Todo::Open(open) => this.stream(viewer, open, generation).await,
                    Todo::WaitUntil(until) => this.wait(viewer, Some(until), generation).await,
                    Todo::Continue => this.wait(viewer, None, generation).await,
                    Todo::Stop => break,
                };
            }
        });
    }

    /// Waits until `until` (or one poll, for `None`), telling the model about
    /// the browser going offline or online meanwhile.
    async fn wait(
        &self,
        viewer: Viewer,
        until: Option<crate::tts::Timestamp>,
        generation: u64,
    ) -> Todo {
        let mut was_online = online();
        loop {
            sleep_ms(POLL_MS).await;
            if !self.is_current(generation) {
                return Todo::Stop;
            }
            let is_online = online();
            if is_online != was_online {
                was_online = is_online;
                let todo = viewer.act(|m| {
                    if is_online {
                        m.online(now())
                    } else {
                        m.offline(now())
                    }
                });
                if !matches!(todo, Todo::Continue | Todo::WaitUntil(_)) {
                    return todo;
                }
            }
            if until.is_none_or(|t| now() >= t) {
                return viewer.act(|m| m.tick(now()));
            }
        }
    }

    /// Opens one stream and reads it until it ends; what the model says next.
    async fn stream(&self, viewer: Viewer, open: Open, generation: u64) -> Todo {
        let conn = open.conn;
        let opened = EventStream::open(&open.url, open.key.expose(), open.body).await;
        if !self.is_current(generation) {
            return Todo::Stop; // dropping the stream aborts it
        }
        let mut stream = match opened {
            Ok(stream) => stream,
            Err(e) => return viewer.act(|m| m.ended(conn, now(), EndCause::from(e))),
        };
        self.abort.set_value(Some(stream.abort_handle()));
        let content_type = stream.info.content_type.clone();
        let warning = stream.info.warning.clone();
        let todo = viewer.act(|m| m.opened(conn, now(), content_type.as_deref(), warning));
        if todo != Todo::Continue {
            return todo;
        }
        let limit = viewer.with_untracked(|m| m.stall_timeout());
        loop {
            let read = stream.next_chunk_within(limit).await;
            if !self.is_current(generation) {
                return Todo::Stop;
            }
            let cause = match read {
                Ok(Read::Bytes(bytes)) => {
                    let todo = viewer.act(|m| m.bytes(conn, now(), &bytes));
                    if todo == Todo::Continue {
                        continue;
                    }
                    return todo;
                }
                Ok(Read::End) => EndCause::Eof,
                Ok(Read::Silent) => EndCause::Silent(limit.unwrap_or_default()),
                Err(TransportError::Aborted) => EndCause::Aborted,
                Err(e) => EndCause::from(e),
            };
            return viewer.act(|m| m.ended(conn, now(), cause));
        }
    }
}
