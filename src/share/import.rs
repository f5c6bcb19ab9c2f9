//! Reading a capture back: NDJSON (one event per line, bare or inside
//! `{"result":…}`, as `Export NDJSON` and `ttn-lw-cli events` write it) fed in
//! chunks of any size, so a 100 MB file streams in without building one big
//! string; or a JSON array (read whole at the end).
//!
//! A line that is not an event is reported with its line number and skipped;
//! the rest loads. Nothing here panics on a file's content, and the result
//! does not depend on how the file was cut into chunks. Memory for NDJSON is
//! bounded by the line bound (a longer line is reported and skipped whole);
//! a JSON array is held until `finish`. A leading UTF-8 BOM is ignored.

use crate::stream::{parse_frame, Frame};
use crate::tts::Event;

/// The longest line read (16 MiB, like a stream frame); longer ones are reported and skipped.
pub const MAX_LINE: usize = 16 << 20;

/// Bytes of a bad line quoted in its [`ImportItem::Skipped`].
const EXCERPT_BYTES: usize = 80;

const BOM: &[u8] = b"\xEF\xBB\xBF";

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
#[derive(Debug)]
pub struct CaptureReader {
    /// NDJSON: the unfinished line (at most `max_line` bytes). Array: the file
    /// from its `[`. Before either is known: a partial BOM.
    pending: Vec<u8>,
    /// NDJSON: the line number of the first byte in `pending`. Array: the line of its `[`.
    line: usize,
    /// Known once a non-blank byte arrived: whether the file is a JSON array.
    array: Option<bool>,
    /// A leading BOM was looked for.
    bom_checked: bool,
    /// Skipping the rest of an over-long line.
    overlong: bool,
    /// The longest line kept ([`MAX_LINE`] unless set by [`CaptureReader::max_line`]).
    max_line: usize,
}

impl Default for CaptureReader {
    fn default() -> Self {
        Self::new()
    }
}

fn excerpt(bytes: &[u8]) -> String {
    let cut = bytes.len().min(EXCERPT_BYTES);
    String::from_utf8_lossy(bytes.get(..cut).unwrap_or_default()).into_owned()
}

fn newlines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

impl CaptureReader {
    pub fn new() -> Self {
        Self {
            pending: Vec::new(),
            line: 1,
            array: None,
            bom_checked: false,
            overlong: false,
            max_line: MAX_LINE,
        }
    }

    /// Sets the longest line kept (tests and fuzzing use small bounds).
    #[must_use]
    pub fn max_line(mut self, max: usize) -> Self {
        self.max_line = max;
        self
    }

    /// Bytes held: of an unfinished line (never more than the line bound), or of a JSON array.
    pub fn buffered_len(&self) -> usize {
        self.pending.len()
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

    /// The report for the current line, now known to be longer than the
    /// bound, of which `pending` and then `more` have arrived. It quotes no
    /// more than `max_line + 1` bytes: what has always arrived by then, however
    /// the file was cut.
    fn overlong_item(&self, more: &[u8]) -> ImportItem {
        let cut = EXCERPT_BYTES.min(self.max_line.saturating_add(1));
        let mut start: Vec<u8> = self.pending.iter().take(cut).copied().collect();
        start.extend(more.iter().take(cut - start.len()));
        ImportItem::Skipped {
            line: self.line,
            reason: format!("the line is longer than {} bytes", self.max_line),
            excerpt: excerpt(&start),
        }
    }

    /// Reads a chunk; returns what its complete lines held.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<ImportItem> {
        let mut out = Vec::new();
        match self.array {
            Some(true) => self.pending.extend_from_slice(chunk),
            Some(false) => self.lines(chunk, &mut out),
            None => self.start(chunk, &mut out),
        }
        out
    }

    /// Before the first non-blank byte: drops a BOM and blank lines (counting
    /// them), then tells NDJSON from a JSON array by that byte.
    fn start(&mut self, chunk: &[u8], out: &mut Vec<ImportItem>) {
        let mut head = std::mem::take(&mut self.pending);
        head.extend_from_slice(chunk);
        let mut rest = head.as_slice();
        if !self.bom_checked {
            if rest.len() < BOM.len() && BOM.starts_with(rest) {
                self.pending = head;
                return;
            }
            rest = rest.strip_prefix(BOM).unwrap_or(rest);
            self.bom_checked = true;
        }
        let Some(first) = rest.iter().position(|b| !b.is_ascii_whitespace()) else {
            self.line += newlines(rest);
            return;
        };
        let (blank, text) = rest.split_at(first);
        self.line += newlines(blank);
        if text.first() == Some(&b'[') {
            self.array = Some(true);
            self.pending = text.to_vec();
        } else {
            self.array = Some(false);
            self.lines(text, out);
        }
    }

    /// NDJSON: each complete line becomes an item; the unfinished one waits.
    fn lines(&mut self, mut chunk: &[u8], out: &mut Vec<ImportItem>) {
        while let Some(nl) = memchr::memchr(b'\n', chunk) {
            let (head, rest) = chunk.split_at(nl);
            if self.overlong {
                self.overlong = false;
            } else if self.pending.len() + head.len() > self.max_line {
                out.push(self.overlong_item(head));
            } else if self.pending.is_empty() {
                Self::line_item(self.line, head, out);
            } else {
                self.pending.extend_from_slice(head);
                Self::line_item(self.line, &self.pending, out);
            }
            self.pending.clear();
            self.line += 1;
            chunk = rest.get(1..).unwrap_or_default();
        }
        if self.overlong {
            return;
        }
        if self.pending.len() + chunk.len() > self.max_line {
            out.push(self.overlong_item(chunk));
            self.pending.clear();
            self.overlong = true;
        } else {
            self.pending.extend_from_slice(chunk);
        }
    }

    /// The end of the file: the last line, or the whole JSON array.
    pub fn finish(&mut self) -> Vec<ImportItem> {
        let mut out = Vec::new();
        let pending = std::mem::take(&mut self.pending);
        if self.array == Some(true) {
            self.array_items(&pending, &mut out);
        } else if !self.overlong {
            Self::line_item(self.line, &pending, &mut out);
        }
        out
    }

    /// A JSON array starting at line `self.line`; each bad item is reported
    /// with the line it starts on.
    fn array_items(&self, array: &[u8], out: &mut Vec<ImportItem>) {
        let items = match serde_json::from_slice::<Vec<&serde_json::value::RawValue>>(array) {
            Ok(items) => items,
            Err(e) => {
                out.push(ImportItem::Skipped {
                    line: self.line + e.line().saturating_sub(1),
                    reason: format!("the file is not a valid JSON array: {e}"),
                    excerpt: excerpt(array),
                });
                return;
            }
        };
        for (i, raw) in items.iter().enumerate() {
            let bytes = raw.get().as_bytes();
            match parse_frame(bytes) {
                Frame::Event(e) => out.push(ImportItem::Event(e)),
                _ => {
                    // The item borrows from `array`: its offset there gives its line.
                    let offset = (bytes.as_ptr() as usize).saturating_sub(array.as_ptr() as usize);
                    let before = array.get(..offset).unwrap_or_default();
                    out.push(ImportItem::Skipped {
                        line: self.line + newlines(before),
                        reason: format!("item {} of the array is not an event", i + 1),
                        excerpt: excerpt(bytes),
                    });
                }
            }
        }
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

    fn skipped(items: &[ImportItem]) -> Vec<(usize, &str)> {
        items
            .iter()
            .filter_map(|i| match i {
                ImportItem::Skipped { line, reason, .. } => Some((*line, reason.as_str())),
                ImportItem::Event(_) => None,
            })
            .collect()
    }

    fn read_bounded(bytes: &[u8], chunk: usize, max: usize) -> Vec<ImportItem> {
        let mut reader = CaptureReader::new().max_line(max);
        let mut items = Vec::new();
        for part in bytes.chunks(chunk.max(1)) {
            items.extend(reader.feed(part));
            assert!(reader.buffered_len() <= max, "chunks of {chunk}");
        }
        items.extend(reader.finish());
        items
    }

    #[test]
    fn fuzz_regression_a_line_over_the_bound_is_skipped_however_the_file_is_cut() {
        // Found by `cargo fuzz run capture_import`: a long line that arrived
        // with its newline in one chunk was read; cut before the newline, it
        // was reported as too long.
        let first = EXAMPLES.lines().next().unwrap_or_default();
        let max = first.len() + 10;
        let body = format!("{first}\n{}\n{first}\n", "x".repeat(max + 1));
        let whole = read_bounded(body.as_bytes(), usize::MAX, max);
        assert_eq!(events(&whole), 2);
        let too_long = format!("the line is longer than {max} bytes");
        assert_eq!(skipped(&whole), [(2, too_long.as_str())]);
        for size in [1, 7, 64, max + 1] {
            assert_eq!(
                read_bounded(body.as_bytes(), size, max),
                whole,
                "chunks of {size}"
            );
        }
        // With a bound below the excerpt's length the quote is the same too.
        let tiny = read_bounded(body.as_bytes(), usize::MAX, 10);
        assert_eq!(skipped(&tiny).len(), 3);
        assert_eq!(read_bounded(body.as_bytes(), 3, 10), tiny);
    }

    #[test]
    fn a_leading_bom_is_ignored_in_both_formats() {
        let originals: Vec<Event> = EXAMPLES
            .lines()
            .take(5)
            .filter_map(|l| Event::from_json(l.as_bytes()).ok())
            .collect();
        for format in [Format::Ndjson, Format::JsonArray] {
            let body = format!("\u{FEFF}{}", export(&originals, format, false).body);
            for size in [1, 2, 333] {
                let items = read_all(body.as_bytes(), size);
                assert_eq!(skipped(&items), [], "{format:?}, chunks of {size}");
                assert_eq!(events(&items), originals.len(), "{format:?}");
            }
        }
    }

    #[test]
    fn a_bad_array_item_is_reported_on_its_line_however_the_file_is_cut() {
        let first = EXAMPLES.lines().next().unwrap_or_default();
        // Two blank lines, then a pretty-printed array: the bad item `42` is on line 5.
        let body = format!("\n\r\n[\n  {first},\n  42,\n  {{\"result\": {first}}}\n]\n");
        let whole = read_all(body.as_bytes(), usize::MAX);
        assert_eq!(events(&whole), 2);
        assert_eq!(
            skipped(&whole),
            [(5, "item 2 of the array is not an event")]
        );
        for size in [1, 2, 5] {
            assert_eq!(read_all(body.as_bytes(), size), whole, "chunks of {size}");
        }
        let items = read_all(b"[1, 2,\n3]", 4);
        let lines: Vec<usize> = skipped(&items).iter().map(|s| s.0).collect();
        assert_eq!(lines, [1, 1, 2]);
        let broken = read_all(b"\n\n[1,\n", 1);
        assert_eq!(skipped(&broken).first().map(|s| s.0), Some(4));
    }
}
