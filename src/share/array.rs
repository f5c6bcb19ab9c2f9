//! A JSON array read as it arrives: the top-level items are cut out one by
//! one as their bytes come in, so a capture written as `[ev, ev, …]` streams
//! like NDJSON — memory bounded by the largest item, not the file, and time
//! linear in the bytes (each byte is looked at once, lines counted on the way).
//!
//! Grammar (RFC 8259, the part that finds item boundaries):
//! ```text
//! array  = ws "[" ws [ item *( ws "," ws item ) ] ws "]" ws
//! item   = any JSON value; its own strings, arrays and objects are skipped over
//! ```
//! Only the boundaries are found here; each item's bytes go to the caller to
//! parse. An item over the bound is reported once and skipped whole. Nothing
//! here panics on input.

/// What the scanner found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArrayPart {
    /// The bytes of item `index` (1-based), which starts on `line`.
    Item {
        index: usize,
        line: usize,
        bytes: Vec<u8>,
    },
    /// Something wrong at `line`, in words, and the start of the bytes concerned.
    Problem {
        line: usize,
        reason: String,
        excerpt: Vec<u8>,
    },
}

/// Bytes of an over-long item kept for its report.
const EXCERPT: usize = 80;

/// The scanner's state between chunks.
#[derive(Debug)]
pub struct ArrayScanner {
    /// The current line (1-based).
    line: usize,
    /// Nesting inside the current item (0: between items or in a scalar).
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// The current item's bytes (at most `max_item`).
    item: Vec<u8>,
    item_line: usize,
    index: usize,
    /// Skipping the rest of an over-long item.
    overlong: bool,
    max_item: usize,
    /// The array's `[` has been passed (the caller found it).
    closed: bool,
    /// Reported something after the closing `]` already.
    trailing_reported: bool,
}

impl ArrayScanner {
    /// A scanner that starts just after the array's `[`, which is on `line`.
    pub fn new(line: usize, max_item: usize) -> Self {
        ArrayScanner {
            line,
            depth: 0,
            in_string: false,
            escaped: false,
            item: Vec::new(),
            item_line: line,
            index: 1,
            overlong: false,
            max_item: max_item.max(1),
            closed: false,
            trailing_reported: false,
        }
    }

    /// Bytes held for the current item.
    pub fn buffered_len(&self) -> usize {
        self.item.len()
    }

    fn push(&mut self, bytes: &[u8], out: &mut Vec<ArrayPart>) {
        if self.overlong || bytes.is_empty() {
            return;
        }
        if self.item.is_empty() {
            let Some(first) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else {
                return;
            };
            // Lines inside `bytes` before the first byte were counted already.
            self.item_line = self.line - newlines(&bytes[first..]);
            return self.push_content(&bytes[first..], out);
        }
        self.push_content(bytes, out);
    }

    fn push_content(&mut self, bytes: &[u8], out: &mut Vec<ArrayPart>) {
        if self.item.len() + bytes.len() > self.max_item {
            let mut start = std::mem::take(&mut self.item);
            start.extend(bytes.iter().take(EXCERPT));
            start.truncate(EXCERPT);
            out.push(ArrayPart::Problem {
                line: self.item_line,
                reason: format!(
                    "item {} of the array is longer than {} bytes",
                    self.index, self.max_item
                ),
                excerpt: start,
            });
            self.overlong = true;
        } else {
            self.item.extend_from_slice(bytes);
        }
    }

    /// The current item is complete (a `,` or the closing `]` follows it).
    fn end_item(&mut self, closing: bool, out: &mut Vec<ArrayPart>) {
        let bytes = std::mem::take(&mut self.item);
        if self.overlong {
            self.overlong = false;
        } else if !bytes.is_empty() {
            out.push(ArrayPart::Item {
                index: self.index,
                line: self.item_line,
                bytes,
            });
        } else if !(closing && self.index == 1) {
            // `[]` is an empty array; `[,` `[1,,2]` `[1,]` have an empty item.
            out.push(ArrayPart::Problem {
                line: self.line,
                reason: format!(
                    "item {} of the array is empty (two commas, or one before ])",
                    self.index
                ),
                excerpt: Vec::new(),
            });
        }
        self.index += 1;
    }

    /// Scans a chunk; returns the items it completed and any problems.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<ArrayPart> {
        let mut out = Vec::new();
        let mut run = 0; // start of the bytes not yet pushed into the item
        let mut i = 0;
        while i < chunk.len() {
            if self.closed {
                let rest = &chunk[i..];
                self.line += newlines(rest);
                if !self.trailing_reported {
                    if let Some(p) = rest.iter().position(|b| !b.is_ascii_whitespace()) {
                        self.trailing_reported = true;
                        out.push(ArrayPart::Problem {
                            line: self.line - newlines(&rest[p..]),
                            reason:
                                "there is more after the end of the JSON array; it was not read"
                                    .into(),
                            excerpt: rest[p..].iter().take(EXCERPT).copied().collect(),
                        });
                    }
                }
                return out;
            }
            if self.in_string {
                if self.escaped {
                    // The byte after a backslash (maybe in the chunk before) is content.
                    self.escaped = false;
                    self.line += usize::from(chunk[i] == b'\n');
                    i += 1;
                    continue;
                }
                // Jump to the next quote or backslash (or newline, to count it).
                let Some(j) = memchr::memchr3(b'"', b'\\', b'\n', &chunk[i..]) else {
                    break; // the rest of the chunk is inside the string
                };
                let at = i + j;
                match chunk[at] {
                    b'\\' => self.escaped = true,
                    b'"' => self.in_string = false,
                    _ => self.line += 1,
                }
                i = at + 1;
                continue;
            }
            match chunk[i] {
                b'"' => self.in_string = true,
                b'[' | b'{' => self.depth += 1,
                b']' if self.depth == 0 => {
                    self.push(&chunk[run..i], &mut out);
                    self.end_item(true, &mut out);
                    self.closed = true;
                    run = i + 1;
                }
                b']' | b'}' => self.depth = self.depth.saturating_sub(1),
                b',' if self.depth == 0 => {
                    self.push(&chunk[run..i], &mut out);
                    self.end_item(false, &mut out);
                    run = i + 1;
                }
                b'\n' => self.line += 1,
                _ => {}
            }
            i += 1;
        }
        if !self.closed {
            self.push(&chunk[run.min(chunk.len())..], &mut out);
        }
        out
    }

    /// The end of the file: reports an array left open.
    pub fn finish(&mut self) -> Vec<ArrayPart> {
        if self.closed {
            return Vec::new();
        }
        let mut out = Vec::new();
        let cut_item = !self.item.is_empty() || self.depth > 0 || self.in_string;
        out.push(ArrayPart::Problem {
            line: self.line,
            reason: if cut_item {
                format!(
                    "the file ends inside item {} of the JSON array (it is cut off; no closing ])",
                    self.index
                )
            } else {
                "the file ends before the JSON array is closed (no ])".to_owned()
            },
            excerpt: std::mem::take(&mut self.item)
                .into_iter()
                .take(EXCERPT)
                .collect(),
        });
        self.closed = true;
        self.trailing_reported = true;
        out
    }
}

fn newlines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(text: &str, chunk: usize, max: usize) -> Vec<ArrayPart> {
        let mut s = ArrayScanner::new(1, max);
        let mut out = Vec::new();
        for part in text.as_bytes().chunks(chunk.max(1)) {
            out.extend(s.feed(part));
            assert!(s.buffered_len() <= max);
        }
        out.extend(s.finish());
        out
    }

    fn items(parts: &[ArrayPart]) -> Vec<(usize, usize, String)> {
        parts
            .iter()
            .map(|p| match p {
                ArrayPart::Item { index, line, bytes } => {
                    (*index, *line, String::from_utf8_lossy(bytes).into_owned())
                }
                ArrayPart::Problem { line, reason, .. } => (0, *line, reason.clone()),
            })
            .collect()
    }

    #[test]
    fn items_are_cut_at_top_level_commas_however_the_text_is_cut() {
        // After the `[` (line 1).
        let text = " {\"a\":[1,2],\"s\":\"x,]\\\"y\"},\n  [3,{\"b\":\"\\\\\"}],\n\"q\" , 4 ]  \n";
        let whole = scan(text, usize::MAX, 1000);
        assert_eq!(
            items(&whole),
            [
                (1, 1, "{\"a\":[1,2],\"s\":\"x,]\\\"y\"}".to_owned()),
                (2, 2, "[3,{\"b\":\"\\\\\"}]".to_owned()),
                (3, 3, "\"q\" ".to_owned()),
                (4, 3, "4 ".to_owned()),
            ]
        );
        for chunk in 1..8 {
            assert_eq!(scan(text, chunk, 1000), whole, "chunks of {chunk}");
        }
    }

    #[test]
    fn empty_arrays_items_and_trailing_text_are_told_apart() {
        assert!(scan("]", 1, 100).is_empty());
        assert!(scan(" \n ] \n", 1, 100).is_empty());
        let parts = items(&scan("1,,2,]", 1, 100));
        assert_eq!(
            parts[1].2,
            "item 2 of the array is empty (two commas, or one before ])"
        );
        assert_eq!(
            parts[3].2,
            "item 4 of the array is empty (two commas, or one before ])"
        );
        let after = items(&scan("1]\n x", 1, 100));
        assert_eq!(
            after[1],
            (
                0,
                2,
                "there is more after the end of the JSON array; it was not read".into()
            )
        );
    }

    #[test]
    fn a_file_that_stops_early_says_where() {
        let parts = items(&scan("1,\n{\"a\":", 3, 100));
        assert_eq!(parts[0], (1, 1, "1".into()));
        assert_eq!(parts[1].1, 2);
        assert!(parts[1].2.contains("ends inside item 2"), "{parts:?}");
        let open = items(&scan("1,\n", 3, 100));
        assert!(
            open[1].2.contains("before the JSON array is closed"),
            "{open:?}"
        );
    }

    #[test]
    fn an_item_over_the_bound_is_reported_once_and_the_rest_reads_on() {
        let big = format!("\"{}\"", "x".repeat(50));
        let text = format!("1,{big},2]");
        for chunk in [1, 5, 100] {
            let parts = items(&scan(&text, chunk, 20));
            assert_eq!(parts.len(), 3, "{parts:?}");
            assert_eq!(parts[1].2, "item 2 of the array is longer than 20 bytes");
            assert_eq!(parts[2], (3, 1, "2".into()));
        }
    }

    #[test]
    fn a_million_items_take_one_pass() {
        let text = format!("{}1]", "1,\n".repeat(1_000_000));
        let parts = scan(&text, 65_536, 1000);
        assert_eq!(parts.len(), 1_000_001);
        assert!(matches!(
            &parts[999_999],
            ArrayPart::Item {
                line: 1_000_000,
                ..
            }
        ));
    }
}
