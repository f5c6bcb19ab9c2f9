//! Reading a capture back: NDJSON (one event per line, bare or inside
//! `{"result":…}`, as `Export NDJSON` and `ttn-lw-cli events` write it) fed in
//! chunks of any size, so a 100 MB file streams in without building one big
//! string; or a JSON array, whose items are cut out as they arrive (see
//! `share/array.rs`), so it streams the same way. The lines come from the
//! same framer as the event stream's ([`Lines`]).
//!
//! A line that is not an event is reported with its line number and skipped;
//! the rest loads. Nothing here panics on a file's content, and the result
//! does not depend on how the file was cut into chunks. Memory is bounded by
//! the line bound (a longer line or array item is reported and skipped
//! whole), and time is linear in the bytes. A leading UTF-8 BOM is ignored.

use super::array::{ArrayPart, ArrayScanner};
use crate::stream::lines::{Line, Lines};
use crate::stream::{excerpt, parse_frame, Frame};
use crate::tts::Event;

/// The longest line read (16 MiB, like a stream frame); longer ones are reported and skipped.
pub const MAX_LINE: usize = 16 << 20;

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

/// What the file turned out to be.
#[derive(Debug)]
enum Shape {
    /// Not known yet: no non-blank byte seen. `head` holds a partial BOM.
    Unknown { head: Vec<u8>, bom_checked: bool },
    /// One event per line.
    Ndjson(Lines),
    /// A JSON array, from its `[` on.
    Array(ArrayScanner),
}

/// Incremental capture reader.
#[derive(Debug)]
pub struct CaptureReader {
    shape: Shape,
    /// The line the next byte is on while the shape is unknown.
    line: usize,
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

fn newlines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

impl CaptureReader {
    pub fn new() -> Self {
        Self {
            shape: Shape::Unknown {
                head: Vec::new(),
                bom_checked: false,
            },
            line: 1,
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
        match &self.shape {
            Shape::Unknown { head, .. } => head.len(),
            Shape::Ndjson(lines) => lines.buffered_len(),
            Shape::Array(items) => items.buffered_len(),
        }
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

    /// One line of an NDJSON capture (or the report of a too-long one).
    fn line_item(line: Line<'_>, max_line: usize, out: &mut Vec<ImportItem>) {
        let (line, bytes) = match line {
            Line::TooLong { number, head } => {
                return out.push(ImportItem::Skipped {
                    line: number,
                    reason: format!("the line is longer than {max_line} bytes"),
                    excerpt: excerpt(&head),
                })
            }
            Line::Whole { number, bytes } => (number, bytes),
        };
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        if !starts_an_object(bytes) {
            return out.push(ImportItem::Skipped {
                line,
                reason: NOT_AN_OBJECT.into(),
                excerpt: excerpt(bytes),
            });
        }
        out.push(match parse_frame(bytes) {
            Frame::Event(e) => ImportItem::Event(e),
            Frame::Malformed { reason, .. } => ImportItem::Skipped {
                line,
                reason,
                excerpt: excerpt(bytes),
            },
            Frame::ApiError(e) => ImportItem::Skipped {
                line,
                reason: format!("an error message, not an event: {e}"),
                excerpt: excerpt(bytes),
            },
        });
    }

    /// Reads a chunk; returns what its complete lines (or array items) held.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<ImportItem> {
        let mut out = Vec::new();
        let max_line = self.max_line;
        match &mut self.shape {
            Shape::Array(items) => Self::array_parts(items.feed(chunk), &mut out),
            Shape::Ndjson(lines) => {
                lines.feed(chunk, |line| Self::line_item(line, max_line, &mut out));
            }
            Shape::Unknown { .. } => self.start(chunk, &mut out),
        }
        out
    }

    /// Before the first non-blank byte: drops a BOM and blank lines (counting
    /// them), then tells NDJSON from a JSON array by that byte.
    fn start(&mut self, chunk: &[u8], out: &mut Vec<ImportItem>) {
        let Shape::Unknown { head, bom_checked } = &mut self.shape else {
            return;
        };
        let mut bytes = std::mem::take(head);
        bytes.extend_from_slice(chunk);
        let mut rest = bytes.as_slice();
        if !*bom_checked {
            if rest.len() < BOM.len() && BOM.starts_with(rest) {
                *head = bytes;
                return;
            }
            rest = rest.strip_prefix(BOM).unwrap_or(rest);
            *bom_checked = true;
        }
        let Some(first) = rest.iter().position(|b| !b.is_ascii_whitespace()) else {
            self.line += newlines(rest);
            return;
        };
        // The blank run before it, up to its line's start, is counted here.
        let (blank, text) = rest.split_at(first);
        let line_start = blank.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        self.line += newlines(blank);
        if let Some(after) = text.strip_prefix(b"[") {
            let mut items = ArrayScanner::new(self.line, self.max_line);
            Self::array_parts(items.feed(after), out);
            self.shape = Shape::Array(items);
        } else {
            let max_line = self.max_line;
            let mut lines = Lines::new(max_line).starting_at(self.line);
            let from_line_start = blank.get(line_start..).unwrap_or_default();
            lines.feed(from_line_start, |_| {});
            lines.feed(text, |line| Self::line_item(line, max_line, out));
            self.shape = Shape::Ndjson(lines);
        }
    }

    /// The end of the file: the last line, or the end of the JSON array.
    pub fn finish(&mut self) -> Vec<ImportItem> {
        let mut out = Vec::new();
        let max_line = self.max_line;
        match &mut self.shape {
            Shape::Array(items) => Self::array_parts(items.finish(), &mut out),
            Shape::Ndjson(lines) => lines.finish(|line| Self::line_item(line, max_line, &mut out)),
            Shape::Unknown { .. } => {}
        }
        out
    }
}

/// How much of a file [`check_head`] reads.
pub const HEAD_BYTES: usize = 64 * 1024;

/// How many lines (or array items) that are not events, with no event
/// among them, make the start of a file no capture.
const NOT_A_CAPTURE_AFTER: usize = 3;

/// Whether a file whose first bytes are `head` (`whole`: the file is no
/// longer) looks like a capture: checked before an import replaces events
/// on screen, so the wrong file (a picture, a log, an empty file) loses
/// nothing. `Err` says why in words for "could not be loaded: …". A start
/// that holds an event, or too little to tell (one long line), passes; the
/// import then reports what it skips as it goes.
///
/// # Errors
/// The file is empty, or its start holds no event and at least
/// [`NOT_A_CAPTURE_AFTER`] lines that are not events (or all of it is such lines).
pub fn check_head(head: &[u8], whole: bool) -> Result<(), String> {
    let mut reader = CaptureReader::new();
    let mut items = reader.feed(head);
    if whole {
        items.extend(reader.finish());
    }
    if items.iter().any(|i| matches!(i, ImportItem::Event(_))) {
        return Ok(());
    }
    let first = items.iter().find_map(|i| match i {
        ImportItem::Skipped { line, reason, .. } => Some((line, reason)),
        ImportItem::Event(_) => None,
    });
    match first {
        None if whole => Err("the file holds no events (it is empty)".into()),
        Some((line, reason)) if whole || items.len() >= NOT_A_CAPTURE_AFTER => {
            let what = match items.len() {
                1 => "its first line or item is not an event".to_owned(),
                n => format!("none of its first {n} lines or items is an event"),
            };
            Err(format!(
                "this is not a capture: {what} (line {line}: {reason}). Nothing was replaced"
            ))
        }
        _ => Ok(()),
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

    #[test]
    fn the_start_of_the_wrong_file_is_no_capture_and_a_captures_is() {
        fn head(bytes: &[u8]) -> &[u8] {
            &bytes[..bytes.len().min(HEAD_BYTES)]
        }
        // A capture (its start, or all of it), and one after two bad lines.
        assert_eq!(check_head(head(EXAMPLES.as_bytes()), false), Ok(()));
        assert_eq!(check_head(EXAMPLES.as_bytes(), true), Ok(()));
        let late = format!("oops\n{{\"x\":1}}\n{EXAMPLES}");
        assert_eq!(check_head(late.as_bytes(), true), Ok(()));
        // Too little to tell (one line, not ended): the import decides.
        assert_eq!(check_head(&[b'{'; 1000], false), Ok(()));
        assert_eq!(check_head(b"garbage\n", false), Ok(()));
        // A picture, a log, an empty file: refused, saying why.
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend((0..20_000u32).flat_map(|i| [(i % 251) as u8, b'\n']));
        let why = check_head(head(&png), false).expect_err("a picture");
        assert!(
            why.starts_with("this is not a capture: none of its first "),
            "{why}"
        );
        assert!(why.contains("(line 1: "), "{why}");
        let why = check_head(b"one\ntwo\n", true).expect_err("a short text");
        assert!(
            why.contains("none of its first 2 lines or items is an event"),
            "{why}"
        );
        let why = check_head(b"one\n", true).expect_err("one line");
        assert!(
            why.contains("its first line or item is not an event"),
            "{why}"
        );
        assert_eq!(
            check_head(b"", true),
            Err("the file holds no events (it is empty)".into())
        );
        assert!(
            check_head(b"[1,2,3,4]", true).is_err(),
            "an array of numbers"
        );
    }
}
