//! One frame's bytes → [`Frame`]: the three envelopes of the events API.
//!
//! ```text
//! frame    = result / error / event / status
//! result   = {"result": Event}            ; every normal message (API.md §2.2)
//! error    = {"error": google.rpc.Status} ; last message of a failed stream (§2.3)
//! event    = Event                         ; bare, from other servers and proxies
//! status   = google.rpc.Status             ; bare, e.g. an error body fed to the decoder
//! ```
//!
//! Why separate: the decoder finds frame boundaries; this decides what a
//! frame means. It parses the slice once (twice only for bare objects) and
//! must never panic or return anything but a `Frame`.

use super::Frame;
use crate::tts::{ApiError, Event, Status};
use serde::Deserialize;

/// Bytes of the offending input quoted in a `Malformed` frame.
pub(crate) use super::lines::EXCERPT_BYTES;

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    result: Option<Event>,
    #[serde(default)]
    error: Option<Status>,
}

/// The first [`EXCERPT_BYTES`] of `bytes`, as text.
pub(crate) fn excerpt(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes.get(..EXCERPT_BYTES).unwrap_or(bytes)).into_owned()
}

pub(crate) fn malformed(reason: String, bytes: &[u8]) -> Frame {
    Frame::Malformed {
        reason,
        excerpt: excerpt(bytes),
    }
}

/// Interprets one complete frame (one JSON text).
///
/// UTF-8 is validated once for the whole frame, then parsed with
/// `serde_json::from_str`, which does not validate each string again.
pub fn parse_frame(json: &[u8]) -> Frame {
    let text = match std::str::from_utf8(json) {
        Ok(text) => text,
        Err(e) => return malformed(format!("the frame is not valid UTF-8: {e}"), json),
    };
    match serde_json::from_str::<Envelope>(text) {
        Ok(Envelope {
            result: Some(event),
            ..
        }) => Frame::Event(Box::new(event)),
        Ok(Envelope {
            error: Some(status),
            ..
        }) => Frame::ApiError(ApiError::from_status(status, None)),
        Ok(Envelope { .. }) => match serde_json::from_str::<Event>(text) {
            Ok(event) => Frame::Event(Box::new(event)),
            Err(event_error) => match ApiError::from_status_json(json, None) {
                Ok(error) => Frame::ApiError(error),
                Err(_) => malformed(format!("not an event: {event_error}"), json),
            },
        },
        Err(e) => malformed(e.to_string(), json),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_are_told_apart() {
        let event = r#"{"name":"gs.up.receive","time":"2024-10-28T10:02:40Z","unique_id":"U"}"#;
        for json in [
            format!(r#"{{"result":{event}}}"#),
            event.to_owned(),
            format!(r#" {{ "result" : {event} }} "#),
        ] {
            assert!(
                matches!(parse_frame(json.as_bytes()), Frame::Event(e) if e.unique_id == "U"),
                "{json}"
            );
        }
        let error = parse_frame(br#"{"error":{"code":1,"message":"context canceled"}}"#);
        assert!(matches!(error, Frame::ApiError(e) if e.grpc_code == 1));
        let bare = parse_frame(br#"{"code":14,"message":"unavailable"}"#);
        assert!(matches!(bare, Frame::ApiError(e) if e.grpc_code == 14));
    }

    #[test]
    fn anything_else_is_malformed_with_a_reason() {
        for bad in [
            &br#"{"result":{"name":1}}"#[..],
            b"[1,2]",
            b"{\"name\":",
            b"\xff\xfe",
            br#"{"other":true}"#,
        ] {
            match parse_frame(bad) {
                Frame::Malformed { reason, excerpt } => {
                    assert!(!reason.is_empty());
                    assert_eq!(excerpt, String::from_utf8_lossy(bad));
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
