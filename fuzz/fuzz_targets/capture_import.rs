//! Fuzz target: arbitrary files, in arbitrary chunk splits, to `CaptureReader`.
//!
//! Input layout: byte 0 picks the line bound (small, so the over-long path is
//! hit; 255 = the default `MAX_LINE`), bytes 1..3 seed the chunk sizes; the
//! rest is the file. Asserts: no panic, an NDJSON reader holds at most one
//! line's bound between chunks, every reported line number is a line of the
//! file, and the split read yields exactly the items of a one-chunk read.
#![no_main]

use eventline::share::import::{CaptureReader, ImportItem, MAX_LINE};
use libfuzzer_sys::fuzz_target;

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn reader(max: usize) -> CaptureReader {
    CaptureReader::new().max_line(max)
}

/// Whether the file is a JSON array (read whole, so not bounded by a line).
fn is_array(file: &[u8]) -> bool {
    let file = file.strip_prefix(BOM).unwrap_or(file);
    file.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[')
}

fn check_lines(items: &[ImportItem], file: &[u8]) {
    let lines = 1 + file.iter().filter(|&&b| b == b'\n').count();
    for item in items {
        match item {
            ImportItem::Skipped { line, reason, .. } => {
                assert!(
                    (1..=lines).contains(line),
                    "line {line} of a {lines}-line file ({reason})"
                );
                assert!(!reason.is_empty());
            }
            ImportItem::Event(e) => {
                let _ = (e.data_type(), e.time.to_rfc3339_millis(), e.definition());
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (Some(&bound), Some(seed)) = (data.first(), data.get(1..3)) else {
        return;
    };
    let file = data.get(3..).unwrap_or_default();
    let max = if bound == 255 {
        MAX_LINE
    } else {
        16 + usize::from(bound) * 16
    };
    let bounded = !is_array(file);

    let mut whole = reader(max);
    let mut expected = whole.feed(file);
    assert!(
        !bounded || whole.buffered_len() <= max,
        "buffer over its bound"
    );
    expected.extend(whole.finish());
    check_lines(&expected, file);

    let mut state = u32::from(u16::from_le_bytes([seed[0], seed[1]])) | 1;
    let mut split = reader(max);
    let mut got = Vec::new();
    let mut rest = file;
    while !rest.is_empty() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = 1 + (state as usize % 64).min(rest.len() - 1);
        let (chunk, tail) = rest.split_at(n);
        got.extend(split.feed(chunk));
        assert!(
            !bounded || split.buffered_len() <= max,
            "buffer over its bound"
        );
        rest = tail;
    }
    got.extend(split.finish());
    assert_eq!(got, expected, "chunking changed the items");
});
