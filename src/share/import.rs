//! Reading a capture back: NDJSON (one event per line, bare or inside
//! `{"result":…}`, as `Export NDJSON` and `ttn-lw-cli events` write it) fed in
//! chunks of any size, so a 100 MB file streams in without building one big
//! string; or a JSON array, whose items are cut out as they arrive (see
//! `share/array.rs`), so it streams the same way.
//!
//! A line that is not an event is reported with its line number and skipped;
//! the rest loads. Nothing here panics on a file's content, and the result
//! does not depend on how the file was cut into chunks. Memory is bounded by
//! the line bound (a longer line or array item is reported and skipped
//! whole), and time is linear in the bytes. A leading UTF-8 BOM is ignored.

use super::array::{ArrayPart, ArrayScanner};
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
    /// NDJSON: the unfinished line (at most `max_line` bytes). Before the
    /// format is known: a partial BOM.
    pending: Vec<u8>,
    /// NDJSON: the line number of the first byte in `pending`.
    line: usize,
    /// Known once a non-blank byte arrived: whether the file is a JSON array.
    array: Option<bool>,
    /// A JSON array's item scanner (from its `[` on).
    items: Option<ArrayScanner>,
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

/// Why a line or item that is not `{…}` is skipped (said without parsing
/// it: a million stray numbers must not cost a million parser errors).
const NOT_AN_OBJECT: &str = "not a JSON object";

/// Whether `bytes` (trimmed or not) can be an event: a JSON object.
fn starts_an_object(bytes: &[u8]) -> bool {
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
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
            items: None,
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

    /// Bytes held: of an unfinished line or array item (never more than the line bound).
    pub fn buffered_len(&self) -> usize {
        self.pending.len() + self.items.as_ref().map_or(0, ArrayScanner::buffered_len)
    }

    fn array_parts(parts: Vec<ArrayPart>, out: &mut Vec<ImportItem>) {
        for part in parts {
            out.push(match part {
                ArrayPart::Item { index, line, bytes } if !starts_an_object(&bytes) => {
                    ImportItem::Skipped {
                        line,
                        reason: format!(
                            "item {index} of the array is not an event: {NOT_AN_OBJECT}"
                        ),
                        excerpt: excerpt(&bytes),
                    }
                }
                ArrayPart::Item { index, line, bytes } => match parse_frame(&bytes) {
                    Frame::Event(e) => ImportItem::Event(e),
                    Frame::Malformed { reason, .. } => ImportItem::Skipped {
                        line,
                        reason: format!("item {index} of the array is not an event: {reason}"),
                        excerpt: excerpt(&bytes),
                    },
                    Frame::ApiError(e) => ImportItem::Skipped {
                        line,
                        reason: format!(
                            "item {index} of the array is an error message, not an event: {e}"
                        ),
                        excerpt: excerpt(&bytes),
                    },
                },
                ArrayPart::Problem {
                    line,
                    reason,
                    excerpt: start,
                } => ImportItem::Skipped {
                    line,
                    reason,
                    excerpt: excerpt(&start),
                },
            });
        }
    }

    fn line_item(line: usize, bytes: &[u8], out: &mut Vec<ImportItem>) {
        let trimmed = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if trimmed.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        if !starts_an_object(trimmed) {
            return out.push(ImportItem::Skipped {
                line,
                reason: NOT_AN_OBJECT.into(),
                excerpt: excerpt(trimmed),
            });
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
            Some(true) => {
                if let Some(items) = self.items.as_mut() {
                    Self::array_parts(items.feed(chunk), &mut out);
                }
            }
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
        if let Some(rest) = text.strip_prefix(b"[") {
            self.array = Some(true);
            let mut items = ArrayScanner::new(self.line, self.max_line);
            Self::array_parts(items.feed(rest), out);
            self.items = Some(items);
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

    /// The end of the file: the last line, or the end of the JSON array.
    pub fn finish(&mut self) -> Vec<ImportItem> {
        let mut out = Vec::new();
        let pending = std::mem::take(&mut self.pending);
        if let Some(items) = self.items.as_mut() {
            Self::array_parts(items.finish(), &mut out);
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
        let report = skipped(&whole);
        assert_eq!(report.len(), 1);
        assert_eq!(report[0].0, 5);
        assert!(
            report[0]
                .1
                .starts_with("item 2 of the array is not an event: "),
            "{report:?}"
        );
        for size in [1, 2, 5] {
            assert_eq!(read_all(body.as_bytes(), size), whole, "chunks of {size}");
        }
        let items = read_all(b"[1, 2,\n3]", 4);
        let lines: Vec<usize> = skipped(&items).iter().map(|s| s.0).collect();
        assert_eq!(lines, [1, 1, 2]);
        // An array cut off: its items are read, and the end says it is open.
        let broken = read_all(b"\n\n[1,\n", 1);
        let report = skipped(&broken);
        assert_eq!(report[0].0, 3);
        assert!(report[0]
            .1
            .starts_with("item 1 of the array is not an event"));
        assert_eq!(report[1].0, 4);
        assert!(
            report[1].1.contains("before the JSON array is closed"),
            "{report:?}"
        );
    }

    #[test]
    fn a_json_array_streams_item_by_item_in_bounded_memory() {
        let first = EXAMPLES.lines().next().unwrap_or_default();
        let body = format!("[{}]", vec![first; 50].join(",\n"));
        let mut reader = CaptureReader::new().max_line(first.len() + 10);
        let mut seen = 0;
        for part in body.as_bytes().chunks(1000) {
            seen += events(&reader.feed(part));
            assert!(reader.buffered_len() <= first.len() + 10);
        }
        seen += events(&reader.finish());
        assert_eq!(seen, 50);
    }

    #[test]
    fn a_million_item_array_reads_in_one_pass() {
        let body = format!("[{}1]", "1,\n".repeat(1_000_000));
        let items = read_all(body.as_bytes(), 65_536);
        assert_eq!(items.len(), 1_000_001);
        assert_eq!(skipped(&items)[999_999].0, 1_000_000);
    }
}
