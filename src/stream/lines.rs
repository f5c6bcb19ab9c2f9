//! [`Lines`]: the lines of a byte stream fed in chunks of any size — one
//! framer for the event stream's decoder and the capture reader.
//!
//! ```text
//! input = *( line LF ) [ line ]      ; the last line may lack its LF (see `finish`)
//! line  = *( any byte except LF )    ; a trailing CR and a leading BOM are dropped
//! ```
//!
//! Scan, then hand over: `memchr` finds the next LF in the *new* bytes only;
//! the bytes of an unfinished line wait in `partial`, which never holds an LF,
//! so no byte is searched twice, and complete lines inside a chunk are handed
//! over in place (no copy). Bounded: a line longer than `max` is reported
//! once ([`Line::TooLong`], quoting at most `max + 1` bytes — what has always
//! arrived by then, however the input was cut) and skipped to the next LF;
//! the framer never holds more than `max` bytes. Nothing here panics.

/// Bytes of a too-long line quoted in its report.
pub const EXCERPT_BYTES: usize = 80;

/// One line, or the report of one that was too long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line<'a> {
    /// A whole line (1-based `number`), without its LF, a trailing CR, or a leading BOM.
    Whole { number: usize, bytes: &'a [u8] },
    /// A line longer than the bound, skipped; `head` is its start.
    TooLong { number: usize, head: Vec<u8> },
}

/// The framer's state between chunks.
#[derive(Debug, Clone)]
pub struct Lines {
    /// The unfinished line: never contains LF, never longer than `max`.
    partial: Vec<u8>,
    max: usize,
    /// Skipping the rest of a too-long line until the next LF.
    discarding: bool,
    /// No line handed over yet (a leading BOM is dropped from the first).
    at_start: bool,
    /// The number of the line now being read.
    number: usize,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn clean(line: &[u8], at_start: bool) -> &[u8] {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if at_start {
        line.strip_prefix(BOM).unwrap_or(line)
    } else {
        line
    }
}

impl Lines {
    /// A framer for lines of at most `max` bytes (at least 1), numbered from 1.
    pub fn new(max: usize) -> Self {
        Lines {
            partial: Vec::new(),
            max: max.max(1),
            discarding: false,
            at_start: true,
            number: 1,
        }
    }

    /// Numbers lines from `line` on (the input began further into a file).
    #[must_use]
    pub fn starting_at(mut self, line: usize) -> Self {
        self.number = line;
        self
    }

    /// The bound on one line.
    pub fn max(&self) -> usize {
        self.max
    }

    /// Bytes held for the unfinished line.
    pub fn buffered_len(&self) -> usize {
        self.partial.len()
    }

    /// The report of the current line, now known to be longer than the bound,
    /// of which `partial` and then `more` have arrived.
    fn too_long(&mut self, more: &[u8]) -> Line<'static> {
        let want = EXCERPT_BYTES.min(self.max.saturating_add(1));
        let mut head: Vec<u8> = self.partial.iter().take(want).copied().collect();
        head.extend(more.iter().take(want - head.len()));
        self.partial = Vec::new();
        self.at_start = false;
        Line::TooLong {
            number: self.number,
            head,
        }
    }

    /// Feeds a chunk; `each` gets every line it completed, in order.
    pub fn feed(&mut self, chunk: &[u8], mut each: impl FnMut(Line<'_>)) {
        let mut rest = chunk;
        while let Some(i) = memchr::memchr(b'\n', rest) {
            let (line, after) = rest.split_at(i);
            rest = after.get(1..).unwrap_or_default();
            if self.discarding {
                self.discarding = false;
            } else if self.partial.len() + line.len() > self.max {
                each(self.too_long(line));
            } else if self.partial.is_empty() {
                each(Line::Whole {
                    number: self.number,
                    bytes: clean(line, self.at_start),
                });
                self.at_start = false;
            } else {
                let mut whole = std::mem::take(&mut self.partial);
                whole.extend_from_slice(line);
                each(Line::Whole {
                    number: self.number,
                    bytes: clean(&whole, self.at_start),
                });
                self.at_start = false;
                whole.clear();
                if whole.capacity() <= 1 << 20 {
                    self.partial = whole; // reuse the allocation
                }
            }
            self.number += 1;
        }
        if self.discarding || rest.is_empty() {
            return;
        }
        if self.partial.len() + rest.len() > self.max {
            each(self.too_long(rest));
            self.discarding = true;
        } else {
            self.partial.extend_from_slice(rest);
        }
    }

    /// The end of the input: the last line if it lacked its LF (not one
    /// being skipped). The framer then starts over, numbering from 1.
    pub fn finish(&mut self, mut each: impl FnMut(Line<'_>)) {
        if !self.discarding && !self.partial.is_empty() {
            let last = std::mem::take(&mut self.partial);
            each(Line::Whole {
                number: self.number,
                bytes: clean(&last, self.at_start),
            });
        }
        *self = Lines::new(self.max);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &[u8], chunk: usize, max: usize) -> Vec<(usize, String, bool)> {
        let mut lines = Lines::new(max);
        let mut out = Vec::new();
        let mut take = |l: Line<'_>| {
            out.push(match l {
                Line::Whole { number, bytes } => {
                    (number, String::from_utf8_lossy(bytes).into_owned(), true)
                }
                Line::TooLong { number, head } => {
                    (number, String::from_utf8_lossy(&head).into_owned(), false)
                }
            })
        };
        for part in input.chunks(chunk.max(1)) {
            lines.feed(part, &mut take);
            assert!(lines.buffered_len() <= max);
        }
        lines.finish(&mut take);
        out
    }

    #[test]
    fn every_cut_gives_the_same_lines_with_their_numbers() {
        let input = b"\xEF\xBB\xBFfirst\r\nsecond\n\nfourth, no LF";
        let whole = all(input, usize::MAX, 100);
        assert_eq!(
            whole,
            [
                (1, "first".into(), true),
                (2, "second".into(), true),
                (3, String::new(), true),
                (4, "fourth, no LF".into(), true),
            ]
        );
        for chunk in 1..10 {
            assert_eq!(all(input, chunk, 100), whole, "chunks of {chunk}");
        }
    }

    #[test]
    fn a_line_over_the_bound_is_reported_once_and_skipped() {
        let input = b"ok\n0123456789ABCDEF\nafter\n0123456789ABCDEF";
        let whole = all(input, usize::MAX, 10);
        assert_eq!(
            whole,
            [
                (1, "ok".into(), true),
                (2, "0123456789A".into(), false),
                (3, "after".into(), true),
                (4, "0123456789A".into(), false),
            ]
        );
        for chunk in 1..12 {
            assert_eq!(all(input, chunk, 10), whole, "chunks of {chunk}");
        }
    }
}
