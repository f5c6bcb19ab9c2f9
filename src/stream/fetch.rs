//! The browser transport: `fetch` POST to `{cluster}/api/v3/events`, reading
//! the body incrementally from its `ReadableStream` (wasm only).
//!
//! `EventSource` cannot POST or send `Authorization`, so this is plain fetch.
//! It sends exactly three request headers: `Authorization`, `Content-Type` and
//! `Accept` — any other header fails TTS's CORS preflight (API.md §6) — and
//! never sends cookies. It must never log the API key, and it holds no
//! protocol logic beyond "bytes in order" (and "none for too long", for the
//! stall watchdog): framing is the decoder's job.

use gloo_net::http::Request;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, ReadableStreamDefaultReader, RequestCredentials};

use crate::tts::ApiError;

/// What the response head said, for the status bar.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResponseInfo {
    pub status: u16,
    pub content_type: Option<String>,
    /// `X-Warning`, e.g. "Events storage is not enabled".
    pub warning: Option<String>,
    pub request_id: Option<String>,
    /// `X-Rate-Limit-Retry` in seconds, on 429 answers.
    pub retry_after_secs: Option<u64>,
}

/// Why a stream could not be opened or read.
#[derive(Debug, Clone, PartialEq)]
pub enum TransportError {
    /// The request never got an answer: offline, DNS, refused, CORS blocked.
    Network(String),
    /// The server answered with an error status; the body said why.
    Rejected(Box<ResponseInfo>, Box<ApiError>),
    /// The user (or the app) aborted the stream.
    Aborted,
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Network(detail) => write!(
                f,
                "The cluster could not be reached ({detail}). Check the URL, your connection, \
                 and that the server allows cross-origin requests."
            ),
            Self::Rejected(_, error) => write!(f, "{error}"),
            Self::Aborted => f.write_str("Disconnected."),
        }
    }
}

/// What [`EventStream::next_chunk_within`] got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    /// Body bytes, as they arrived.
    Bytes(Vec<u8>),
    /// The body ended.
    End,
    /// Nothing arrived in time; the read is still pending, so drop (abort) the stream.
    Silent,
}

/// A `setTimeout` as a promise that resolves to the string `"silent"`;
/// cleared when dropped so finished reads leave no timers behind.
struct Timer {
    promise: js_sys::Promise,
    id: Option<i32>,
}

impl Timer {
    fn start(after: std::time::Duration) -> Timer {
        let ms = i32::try_from(after.as_millis()).unwrap_or(i32::MAX);
        let mut id = None;
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            id = web_sys::window().and_then(|w| {
                w.set_timeout_with_callback_and_timeout_and_arguments_1(
                    &resolve,
                    ms,
                    &"silent".into(),
                )
                .ok()
            });
        });
        Timer { promise, id }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let (Some(id), Some(window)) = (self.id, web_sys::window()) {
            window.clear_timeout_with_handle(id);
        }
    }
}

/// An open event stream. Dropping it aborts the request.
pub struct EventStream {
    pub info: ResponseInfo,
    reader: ReadableStreamDefaultReader,
    controller: AbortController,
}

fn js_message(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

fn is_abort(value: &JsValue) -> bool {
    Reflect::get(value, &"name".into())
        .ok()
        .and_then(|n| n.as_string())
        .is_some_and(|n| n == "AbortError")
}

fn response_info(response: &gloo_net::http::Response) -> ResponseInfo {
    let headers = response.headers();
    ResponseInfo {
        status: response.status(),
        content_type: headers.get("content-type"),
        warning: headers.get("x-warning"),
        request_id: headers.get("x-request-id"),
        retry_after_secs: headers
            .get("x-rate-limit-retry")
            .and_then(|v| v.trim().parse().ok()),
    }
}

impl EventStream {
    /// Sends the stream request and waits for the response head.
    ///
    /// # Errors
    /// [`TransportError::Network`] when no answer arrives,
    /// [`TransportError::Rejected`] for a non-2xx answer (its body is read and
    /// turned into an [`ApiError`]).
    pub async fn open(
        events_url: &str,
        api_key: &str,
        body: String,
    ) -> Result<EventStream, TransportError> {
        let controller =
            AbortController::new().map_err(|e| TransportError::Network(js_message(&e)))?;
        let signal = controller.signal();
        let request = Request::post(events_url)
            .header("Authorization", &format!("Bearer {api_key}"))
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .credentials(RequestCredentials::Omit)
            .abort_signal(Some(&signal))
            .body(body)
            .map_err(|e| TransportError::Network(e.to_string()))?;
        let response = request.send().await.map_err(|e| match e {
            gloo_net::Error::JsError(js) if js.name == "AbortError" => TransportError::Aborted,
            other => TransportError::Network(other.to_string()),
        })?;
        let info = response_info(&response);
        if !response.ok() {
            let body = response.binary().await.unwrap_or_default();
            let error = ApiError::from_response(info.status, info.content_type.as_deref(), &body);
            return Err(TransportError::Rejected(Box::new(info), Box::new(error)));
        }
        let reader = response
            .body()
            .ok_or_else(|| TransportError::Network("the response has no body".into()))?
            .get_reader()
            .unchecked_into::<ReadableStreamDefaultReader>();
        Ok(EventStream {
            info,
            reader,
            controller,
        })
    }

    /// The next chunk of body bytes, as they arrived; `None` at the end.
    ///
    /// # Errors
    /// [`TransportError::Aborted`] after [`EventStream::abort`], else
    /// [`TransportError::Network`] when the connection broke.
    pub async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, TransportError> {
        match self.next_chunk_within(None).await? {
            Read::Bytes(bytes) => Ok(Some(bytes)),
            Read::End | Read::Silent => Ok(None),
        }
    }

    /// Like [`EventStream::next_chunk`], but gives up after `limit` without a
    /// byte ([`Read::Silent`]; `None` waits for ever). After `Silent` the
    /// stream must be dropped: its read is still pending.
    ///
    /// # Errors
    /// As [`EventStream::next_chunk`].
    pub async fn next_chunk_within(
        &mut self,
        limit: Option<std::time::Duration>,
    ) -> Result<Read, TransportError> {
        let read = self.reader.read();
        let timer = limit.map(Timer::start);
        let next = match &timer {
            Some(timer) => js_sys::Promise::race(&js_sys::Array::of2(&read, &timer.promise)),
            None => read,
        };
        let result = JsFuture::from(next).await.map_err(|e| {
            if is_abort(&e) {
                TransportError::Aborted
            } else {
                TransportError::Network(js_message(&e))
            }
        })?;
        drop(timer);
        if result.is_string() {
            return Ok(Read::Silent);
        }
        let done = Reflect::get(&result, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(Read::End);
        }
        let value = Reflect::get(&result, &"value".into())
            .map_err(|e| TransportError::Network(js_message(&e)))?;
        Ok(Read::Bytes(value.unchecked_into::<Uint8Array>().to_vec()))
    }

    /// Stops the request at once; a pending `next_chunk` ends with `Aborted`.
    pub fn abort(&self) {
        self.controller.abort();
    }

    /// A handle that can abort this stream from elsewhere (e.g. a Disconnect button).
    pub fn abort_handle(&self) -> AbortHandle {
        AbortHandle(self.controller.clone())
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.controller.abort();
    }
}

/// Aborts the stream it came from; cheap to clone.
#[derive(Clone)]
pub struct AbortHandle(AbortController);

impl AbortHandle {
    pub fn abort(&self) {
        self.0.abort();
    }
}
