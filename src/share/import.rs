//! Reading a capture back: NDJSON (one event per line, bare or inside
//! `{"result":…}`, as `Export NDJSON` and `ttn-lw-cli events` write it) fed in
//! chunks of any size, so a 100 MB file streams in without building one big
//! string; or a JSON array (read whole at the end).
//!
//! A line that is not an event is reported with its line number and skipped;
//! the rest loads. Nothing here panics on a file's content, and memory is
//! bounded by the longest line (capped, like the stream decoder's frames).

use crate::stream::{parse_frame, Frame};
use crate::tts::Event;

/// The longest line read (16 MiB, like a stream frame); longer ones are reported and skipped.
pub const MAX_LINE: usize = 16 << 20;

/// One thing the file held.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportItem {
    Event(Box<Event>),
    /// A line that is not an event (1-based line number, reason, the line's start).
    Skipped {
        line: usize,
        reason: String,
        excerpt: String,
    },
}

/// Incremental capture reader.
#[derive(Debug, Default)]
pub struct CaptureReader {
    pending: Vec<u8>,
    /// Line number of the first byte in `pending`.
    line: usize,
    /// The file is a JSON array (first non-blank byte `[`): kept whole until `finish`.
    array: Option<bool>,
    /// Skipping the rest of an over-long line.
    overlong: bool,
}

fn excerpt(bytes: &[u8]) -> String {
    let cut = bytes.len().min(80);
    String::from_utf8_lossy(bytes.get(..cut).unwrap_or_default()).into_owned()
}

impl CaptureReader {
    pub fn new() -> Self {
        Self {
            line: 1,
            ..Self::default()
        }
    }

    fn line_item(line: usize, bytes: &[u8], out: &mut Vec<ImportItem>) {
        let trimmed = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if trimmed.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        out.push(match parse_frame(trimmed) {
            Frame::Event(e) => ImportItem::Event(e),
            Frame::Malformed { reason, .. } => ImportItem::Skipped {
                line,
                reason,
                excerpt: excerpt(trimmed),
            },
            Frame::ApiError(e) => ImportItem::Skipped {
                line,
                reason: format!("an error message, not an event: {e}"),
                excerpt: excerpt(trimmed),
            },
        });
    }

    /// Reads a chunk; returns what its complete lines held.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<ImportItem> {
        let mut out = Vec::new();
        let mut chunk = chunk;
        if self.array.is_none() {
            let start = chunk
                .iter()
                .position(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
            if let Some(i) = start {
                self.array = Some(chunk.get(i) == Some(&b'['));
            }
        }
        if self.array == Some(true) {
            self.pending.extend_from_slice(chunk);
            return out;
        }
        while let Some(nl) = memchr::memchr(b'\n', chunk) {
            let (head, rest) = chunk.split_at(nl);
            if self.overlong {
                self.overlong = false;
            } else if self.pending.is_empty() {
                Self::line_item(self.line, head, &mut out);
            } else {
                self.pending.extend_from_slice(head);
                Self::line_item(self.line, &self.pending, &mut out);
                self.pending.clear();
            }
            self.line += 1;
            chunk = rest.get(1..).unwrap_or_default();
        }
        if !self.overlong {
            self.pending.extend_from_slice(chunk);
            if self.pending.len() > MAX_LINE {
                out.push(ImportItem::Skipped {
                    line: self.line,
                    reason: format!("the line is longer than {MAX_LINE} bytes"),
                    excerpt: excerpt(&self.pending),
                });
                self.pending.clear();
                self.overlong = true;
            }
        }
        out
    }

    /// The end of the file: the last line, or the whole JSON array.
    pub fn finish(&mut self) -> Vec<ImportItem> {
        let mut out = Vec::new();
        let pending = std::mem::take(&mut self.pending);
        if self.array == Some(true) {
            match serde_json::from_slice::<Vec<Box<serde_json::value::RawValue>>>(&pending) {
                Ok(items) => {
                    for (i, raw) in items.iter().enumerate() {
                        match parse_frame(raw.get().as_bytes()) {
                            Frame::Event(e) => out.push(ImportItem::Event(e)),
                            _ => out.push(ImportItem::Skipped {
                                line: i + 1,
                                reason: format!("item {} of the array is not an event", i + 1),
                                excerpt: excerpt(raw.get().as_bytes()),
                            }),
                        }
                    }
                }
                Err(e) => out.push(ImportItem::Skipped {
                    line: e.line(),
                    reason: format!("the file is not a valid JSON array: {e}"),
                    excerpt: excerpt(&pending),
                }),
            }
        } else if !self.overlong {
            Self::line_item(self.line, &pending, &mut out);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::share::capture::{export, Format};

    const EXAMPLES: &str = include_str!("../../data/example-events.jsonl");

    fn read_all(bytes: &[u8], chunk: usize) -> Vec<ImportItem> {
        let mut reader = CaptureReader::new();
        let mut items = Vec::new();
        for part in bytes.chunks(chunk.max(1)) {
            items.extend(reader.feed(part));
        }
        items.extend(reader.finish());
        items
    }

    fn events(items: &[ImportItem]) -> usize {
        items
            .iter()
            .filter(|i| matches!(i, ImportItem::Event(_)))
            .count()
    }

    #[test]
    fn every_chunk_size_reads_the_same_events() {
        let whole = read_all(EXAMPLES.as_bytes(), usize::MAX);
        assert_eq!(events(&whole), 72);
        for size in [1, 7, 100, 4096] {
            assert_eq!(
                read_all(EXAMPLES.as_bytes(), size),
                whole,
                "chunks of {size}"
            );
        }
    }

    #[test]
    fn an_export_reads_back_in_both_formats() {
        let originals: Vec<Event> = EXAMPLES
            .lines()
            .filter_map(|l| Event::from_json(l.as_bytes()).ok())
            .collect();
        for format in [Format::Ndjson, Format::JsonArray] {
            let body = export(&originals, format, true).body;
            assert_eq!(
                events(&read_all(body.as_bytes(), 333)),
                originals.len(),
                "{format:?}"
            );
        }
    }

    #[test]
    fn a_bad_line_is_reported_by_number_and_the_rest_loads() {
        let mut text: Vec<&str> = EXAMPLES.lines().take(5).collect();
        text.insert(2, "{\"name\": truncated");
        text.insert(4, "");
        text.insert(5, "not json at all");
        let body = text.join("\r\n");
        let items = read_all(body.as_bytes(), 50);
        assert_eq!(events(&items), 5);
        let skipped: Vec<usize> = items
            .iter()
            .filter_map(|i| match i {
                ImportItem::Skipped { line, .. } => Some(*line),
                ImportItem::Event(_) => None,
            })
            .collect();
        assert_eq!(skipped, [3, 6]);
    }
}
