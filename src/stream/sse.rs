//! Standard Server-Sent Events, for servers and proxies that wrap each JSON
//! message in `data:` lines (TTS itself does not, API.md §2.2).
//!
//! Grammar (WHATWG HTML "event stream interpretation"), per line, line ends
//! already removed by the decoder:
//!
//! ```text
//! line    = empty                  ; dispatch the event: its data is one frame
//!         | ":" any                ; comment, ignored
//!         | name [":" [" "] value] ; field; one leading space of value dropped
//! name    = "data"                 ; appended to the data, lines joined by "\n"
//!         | "id" | "retry"         ; remembered (last event ID, reconnection delay)
//!         | "event" | other        ; ignored (the JSON says what it is)
//! ```
//!
//! This module must never keep more than the frame bound of data: past it,
//! one `Malformed` and the rest of that event is skipped.

use super::frame::{malformed, parse_frame};
use super::Frame;

/// The longest `id:` value kept, in bytes.
const MAX_ID: usize = 256;

#[derive(Debug, Default)]
pub(crate) struct SseState {
    data: Vec<u8>,
    has_data: bool,
    /// The current event passed the bound: skip its data until the blank line.
    discarding: bool,
    pub(crate) last_event_id: Option<String>,
    pub(crate) retry_ms: Option<u64>,
}

impl SseState {
    pub(crate) fn buffered_len(&self) -> usize {
        self.data.len()
    }

    /// Handles one line (without its line end).
    pub(crate) fn line(&mut self, line: &[u8], max_frame: usize, out: &mut Vec<Frame>) {
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line.first() == Some(&b':') {
            return;
        }
        let (name, value) = match memchr::memchr(b':', line) {
            Some(i) => {
                let (name, rest) = line.split_at(i);
                let value = rest.get(1..).unwrap_or_default();
                (name, value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        match name {
            b"data" if !self.discarding => {
                let added = value.len() + usize::from(self.has_data);
                if self.data.len() + added > max_frame {
                    out.push(malformed(
                        format!("an SSE event's data is larger than the limit of {max_frame} bytes; skipped it"),
                        if self.data.is_empty() { value } else { &self.data },
                    ));
                    self.data = Vec::new();
                    self.has_data = false;
                    self.discarding = true;
                } else {
                    if self.has_data {
                        self.data.push(b'\n');
                    }
                    self.data.extend_from_slice(value);
                    self.has_data = true;
                }
            }
            b"id" if !value.contains(&0) => {
                let value = value.get(..MAX_ID).unwrap_or(value);
                self.last_event_id = Some(String::from_utf8_lossy(value).into_owned());
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                self.retry_ms = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok());
            }
            _ => {}
        }
    }

    /// Ends the current event: its data, if any, is one frame.
    pub(crate) fn dispatch(&mut self, out: &mut Vec<Frame>) {
        if self.has_data && !self.discarding {
            let blank = self.data.iter().all(u8::is_ascii_whitespace);
            if !blank {
                out.push(parse_frame(&self.data));
            }
        }
        self.data.clear();
        if self.data.capacity() > 1 << 20 {
            self.data = Vec::new();
        }
        self.has_data = false;
        self.discarding = false;
    }
}
