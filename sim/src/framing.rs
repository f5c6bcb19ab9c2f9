//! How messages are framed on the wire (API.md §2.1–2.2): the `Content-Type` and delimiter that
//! `Accept` negotiates, and the `{"result":…}` frame every streamed event travels in.
//!
//! Exists as a leaf shared by the stream writer, flood mode and the plain error handlers, so none
//! of them has to import another for these few lines. It must never import another module of
//! this crate: everything else may depend on it, so it depends on nothing.

use axum::body::Bytes;
use axum::http::HeaderMap;

/// The framing negotiated by `Accept` (exact string match, API.md §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Framing {
    /// `Content-Type` of responses.
    pub content_type: &'static str,
    /// Delimiter after each message.
    pub delimiter: &'static [u8],
}

impl Framing {
    /// Picks the framing from the request headers: `text/event-stream` (`"\n\n"`) only when an
    /// `Accept` header is exactly that string, else `application/json` (`"\n"`).
    pub fn from_headers(h: &HeaderMap) -> Self {
        let sse = h
            .get_all("accept")
            .iter()
            .any(|v| v.as_bytes() == b"text/event-stream");
        if sse {
            Self {
                content_type: "text/event-stream",
                delimiter: b"\n\n",
            }
        } else {
            Self {
                content_type: "application/json",
                delimiter: b"\n",
            }
        }
    }
}

/// `{"result":<json>}` + `delimiter`.
pub fn frame(json: &str, delimiter: &[u8]) -> Bytes {
    let mut b = Vec::with_capacity(json.len() + 12 + delimiter.len());
    b.extend_from_slice(b"{\"result\":");
    b.extend_from_slice(json.as_bytes());
    b.push(b'}');
    b.extend_from_slice(delimiter);
    Bytes::from(b)
}

/// `<json>` + `delimiter`: a message that is not an event (a mid-stream `{"error":…}`, or the
/// broken frame of the `malformed_after` fault).
pub fn message(json: &[u8], delimiter: &[u8]) -> Bytes {
    let mut b = Vec::with_capacity(json.len() + delimiter.len());
    b.extend_from_slice(json);
    b.extend_from_slice(delimiter);
    Bytes::from(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_an_exact_event_stream_accept_selects_sse() {
        let mut h = HeaderMap::new();
        assert_eq!(Framing::from_headers(&h).delimiter, b"\n");
        h.insert("accept", HeaderValue::from_static("text/event-stream, */*"));
        assert_eq!(Framing::from_headers(&h).content_type, "application/json");
        h.insert("accept", HeaderValue::from_static("text/event-stream"));
        assert_eq!(Framing::from_headers(&h).delimiter, b"\n\n");
    }

    #[test]
    fn a_frame_wraps_the_event_in_result() {
        assert_eq!(
            &frame("{\"a\":1}", b"\n\n")[..],
            b"{\"result\":{\"a\":1}}\n\n"
        );
    }
}
