//! The incremental decoder: feed byte chunks of any size, get [`Frame`]s.
//!
//! Wire grammar (API.md §2.1–2.3; wire-examples.md §3–4):
//!
//! ```text
//! tts-event-stream = *( json-object LF LF )     ; Content-Type: text/event-stream
//! ndjson           = *( json-object LF )        ; Content-Type: application/json
//! sse              = *( *field-line LF )        ; `data:` lines, see `sse.rs`
//! LF               = %x0A                       ; optionally preceded by CR
//! ```
//!
//! JSON never contains a raw LF, so both TTS framings are decoded the same
//! way: split on LF, skip blank lines, parse each line. SSE is chosen when the
//! first non-blank line starts like an SSE field (`data`, `event`, `id`,
//! `retry` then `:` or the line end, or a `:` comment); the Content-Type only
//! names which JSON framing it is, since proxies and other servers differ.
//!
//! Scan, then parse: the lines come from [`Lines`] (shared with the capture
//! reader), which finds each LF once and hands complete lines over in place;
//! this module decides what a line means. "Need more bytes" is a normal
//! answer (no frames); the end of input is [`Decoder::finish`].
//!
//! Bounds: a line (or SSE event data) longer than the frame bound yields one
//! `Malformed` and the decoder resynchronises at the next LF; it never holds
//! more than the bound. Nothing here panics on input.

use super::frame::{excerpt, parse_frame};
use super::lines::{Line, Lines};
use super::sse::SseState;
use super::Frame;

/// The default bound on one frame: 16 MiB, the server's own request limit.
pub const DEFAULT_MAX_FRAME: usize = 16 << 20;

/// How the body is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Not known yet: no non-blank line seen.
    Undetermined,
    /// TTS with `Accept: text/event-stream`: JSON objects separated by a blank line.
    TtsEventStream,
    /// Newline-delimited JSON (`application/json`).
    NdJson,
    /// Standard Server-Sent Events with `data:` lines.
    Sse,
}

/// An incremental decoder for one response body.
#[derive(Debug)]
pub struct Decoder {
    /// The body's lines (bounded by the frame bound).
    lines: Lines,
    /// What the lines mean.
    meaning: Meaning,
}

/// How lines are read: the framing, once known, and the SSE state.
#[derive(Debug)]
struct Meaning {
    max_frame: usize,
    framing: Framing,
    /// The framing given to [`Decoder::with_framing`] (`Undetermined`: detect).
    forced: Framing,
    /// The JSON framing named by the Content-Type, used once a line shows it is not SSE.
    json_framing: Framing,
    sse: SseState,
}

fn looks_like_sse(line: &[u8]) -> bool {
    if line.first() == Some(&b':') {
        return true;
    }
    [&b"data"[..], b"event", b"id", b"retry"]
        .iter()
        .any(|field| {
            line.strip_prefix(*field)
                .is_some_and(|rest| rest.is_empty() || rest.first() == Some(&b':'))
        })
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

impl Decoder {
    /// A decoder for a response with this `Content-Type` (`None` if absent).
    pub fn new(content_type: Option<&str>) -> Self {
        let json_framing = match content_type {
            Some(ct) if ct.to_ascii_lowercase().contains("event-stream") => Framing::TtsEventStream,
            _ => Framing::NdJson,
        };
        Decoder {
            lines: Lines::new(DEFAULT_MAX_FRAME),
            meaning: Meaning {
                max_frame: DEFAULT_MAX_FRAME,
                framing: Framing::Undetermined,
                forced: Framing::Undetermined,
                json_framing,
                sse: SseState::default(),
            },
        }
    }

    /// A decoder that does not detect: it uses `framing` from the first byte
    /// (`Undetermined` means detect, as [`Decoder::new`]).
    pub fn with_framing(framing: Framing) -> Self {
        let mut decoder = Decoder::new(None);
        decoder.meaning.framing = framing;
        decoder.meaning.forced = framing;
        if framing == Framing::TtsEventStream {
            decoder.meaning.json_framing = framing;
        }
        decoder
    }

    /// Sets the bound on one frame, in bytes (at least 1).
    pub fn max_frame(mut self, bytes: usize) -> Self {
        self.meaning.max_frame = bytes.max(1);
        self.lines = Lines::new(bytes);
        self
    }

    /// The framing in use (`Undetermined` until the first non-blank line).
    pub fn framing(&self) -> Framing {
        self.meaning.framing
    }

    /// Bytes held for unfinished frames; never more than twice the frame bound.
    pub fn buffered_len(&self) -> usize {
        self.lines.buffered_len() + self.meaning.sse.buffered_len()
    }

    /// The last SSE `id:` seen (SSE framing only).
    pub fn last_event_id(&self) -> Option<&str> {
        self.meaning.sse.last_event_id.as_deref()
    }

    /// The last SSE `retry:` in milliseconds (SSE framing only).
    pub fn retry_ms(&self) -> Option<u64> {
        self.meaning.sse.retry_ms
    }

    /// Feeds a chunk and returns the frames it completed (often none).
    ///
    /// # Panics
    ///
    /// Never, whatever the bytes.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<Frame> {
        let mut out = Vec::new();
        self.feed_into(chunk, &mut out);
        out
    }

    /// Feeds a chunk, appending completed frames to `out` (no allocation per
    /// call beyond the frames themselves and an unfinished tail).
    ///
    /// # Panics
    ///
    /// Never, whatever the bytes.
    pub fn feed_into(&mut self, chunk: &[u8], out: &mut Vec<Frame>) {
        let meaning = &mut self.meaning;
        self.lines.feed(chunk, |line| meaning.line(line, out));
    }

    /// Ends the input: an unfinished last frame is decoded if it is whole
    /// (NDJSON may omit the last LF) or reported as `Malformed`. The decoder
    /// is then ready for a new stream, with the same settings.
    ///
    /// # Panics
    ///
    /// Never, whatever the bytes fed before.
    pub fn finish(&mut self) -> Vec<Frame> {
        let mut out = Vec::new();
        let meaning = &mut self.meaning;
        self.lines.finish(|line| {
            let before = out.len();
            meaning.line(line, &mut out);
            if let Some(Frame::Malformed { reason, .. }) = out.get_mut(before) {
                *reason = format!("the stream ended inside a frame: {reason}");
            }
        });
        if meaning.framing == Framing::Sse {
            meaning.sse.dispatch(&mut out);
        }
        let (json_framing, max_frame, forced) =
            (meaning.json_framing, meaning.max_frame, meaning.forced);
        *self = Decoder::with_framing(forced).max_frame(max_frame);
        self.meaning.json_framing = json_framing;
        out
    }
}

impl Meaning {
    /// What one line (or a too-long one) means.
    fn line(&mut self, line: Line<'_>, out: &mut Vec<Frame>) {
        match line {
            Line::TooLong { head, .. } => out.push(Frame::Malformed {
                reason: format!(
                    "a frame is larger than the limit of {} bytes; skipped it",
                    self.max_frame
                ),
                excerpt: excerpt(&head),
            }),
            Line::Whole { bytes, .. } => self.complete_line(bytes, out),
        }
    }

    /// Handles one complete line (LF, a trailing CR and a leading BOM removed).
    fn complete_line(&mut self, line: &[u8], out: &mut Vec<Frame>) {
        if self.framing == Framing::Undetermined {
            if is_blank(line) {
                return;
            }
            self.framing = if looks_like_sse(line) {
                Framing::Sse
            } else {
                self.json_framing
            };
        }
        match self.framing {
            Framing::Sse => self.sse.line(line, self.max_frame, out),
            _ if is_blank(line) => {}
            _ => out.push(parse_frame(line)),
        }
    }
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_framing_from_the_first_line() {
        let mut d = Decoder::new(Some("text/event-stream"));
        assert_eq!(d.framing(), Framing::Undetermined);
        d.feed(b"\n\r\n");
        assert_eq!(d.framing(), Framing::Undetermined);
        d.feed(b"{}\n");
        assert_eq!(d.framing(), Framing::TtsEventStream);
        let mut d = Decoder::new(Some("text/event-stream; charset=utf-8"));
        d.feed(b"data: {}\n");
        assert_eq!(d.framing(), Framing::Sse);
        let mut d = Decoder::new(Some("application/json"));
        d.feed(b"{}\n");
        assert_eq!(d.framing(), Framing::NdJson);
        let mut d = Decoder::new(None);
        d.feed(b": keep-alive\n");
        assert_eq!(d.framing(), Framing::Sse);
    }

    #[test]
    fn the_buffer_never_exceeds_the_bound() {
        let mut d = Decoder::new(None).max_frame(10);
        let frames = d.feed(b"0123456789ABCDEF");
        assert_eq!(frames.len(), 1);
        assert_eq!(d.buffered_len(), 0);
        assert!(d.feed(b"more garbage without end").is_empty());
        assert!(d.feed(b"\n").is_empty());
        assert_eq!(d.feed(b"{\"a\":1}\n").len(), 1);
        assert!(d.finish().is_empty());
    }

    #[test]
    fn finish_resets_for_a_new_stream_with_the_same_settings() {
        let mut d = Decoder::with_framing(Framing::NdJson).max_frame(100);
        assert!(matches!(
            d.feed(b"data: {}\n").as_slice(),
            [Frame::Malformed { .. }]
        ));
        assert_eq!(d.finish(), Vec::new());
        assert_eq!(d.framing(), Framing::NdJson);
        let mut d = Decoder::new(Some("text/event-stream"));
        d.feed(b"data: x\n\n");
        d.finish();
        assert_eq!(d.framing(), Framing::Undetermined);
        d.feed(b"{\"code\":14}\n");
        assert_eq!(d.framing(), Framing::TtsEventStream);
    }

    #[test]
    fn sse_fields_follow_the_standard() {
        let mut d = Decoder::with_framing(Framing::Sse);
        let frames = d.feed(b"retry: soon\nid\nid: a\0b\nevent\ndata\n\ndata:{\"code\":1}\n\n");
        assert_eq!(d.retry_ms(), None);
        assert_eq!(d.last_event_id(), Some(""));
        // `data` with no colon is an empty data line: a blank frame, skipped.
        assert!(matches!(frames.as_slice(), [Frame::ApiError(e)] if e.grpc_code == 1));
    }
}
