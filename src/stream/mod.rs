//! The stream: bytes from the transport in, [`Frame`]s out.
//!
//! Why: the events API answers with one long response body whose chunk
//! boundaries mean nothing; this module turns it into events, error messages
//! and clearly labelled garbage. The decoder is pure (no I/O, no clock, no
//! browser) so it is tested natively. The fetch transport ([`fetch`], wasm only)
//! is the thin browser shell in front of it; the [`session`] state machine
//! (pure, clock injected) decides when to reconnect and from where to resume.
//! Nothing here may panic on input or hold unbounded memory.

mod cluster;
mod decoder;
pub mod fetch;
mod frame;
pub mod lines;
pub mod session;
mod sse;

pub use cluster::{ClusterUrl, ClusterUrlError};
pub use decoder::{Decoder, Framing, DEFAULT_MAX_FRAME};
pub(crate) use frame::excerpt;
pub use frame::parse_frame;

use crate::tts::{ApiError, Event};

/// One message of the stream.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// An event (`{"result":<Event>}` or a bare event object).
    Event(Box<Event>),
    /// An error message (`{"error":<Status>}`); the server ends the stream after it.
    ApiError(ApiError),
    /// Bytes that are not a frame; the decoder carried on after them.
    Malformed {
        /// Why, for people (e.g. `EOF while parsing an object at line 1 column 57`).
        reason: String,
        /// The start of the offending bytes, as lossy UTF-8 (at most 80 bytes).
        excerpt: String,
    },
}

impl Frame {
    /// The event, if this frame is one.
    pub fn as_event(&self) -> Option<&Event> {
        match self {
            Frame::Event(e) => Some(e),
            _ => None,
        }
    }
}
