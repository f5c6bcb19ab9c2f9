//! Fuzz target: arbitrary bytes, in arbitrary chunk splits, to every framing.
//!
//! Input layout: byte 0 picks the framing, byte 1 the frame bound (small, so
//! the oversized path is hit), bytes 2..4 seed the chunk sizes; the rest is
//! the stream. Asserts: no panic, the buffer stays within its bound, and the
//! split decode yields exactly the frames of a one-chunk decode.
#![no_main]

use eventline::stream::{Decoder, Frame, Framing};
use libfuzzer_sys::fuzz_target;

fn decoder(kind: u8, max: usize) -> Decoder {
    let d = match kind % 5 {
        0 => Decoder::new(Some("text/event-stream")),
        1 => Decoder::new(Some("application/json")),
        2 => Decoder::new(None),
        3 => Decoder::with_framing(Framing::Sse),
        _ => Decoder::with_framing(Framing::NdJson),
    };
    d.max_frame(max)
}

fn touch(frames: &[Frame]) {
    for f in frames {
        match f {
            Frame::Event(e) => {
                let _ = e.data_type();
                let _ = e.time.to_rfc3339_millis();
                let _ = e.definition();
                for ids in &e.identifiers {
                    let _ = (ids.key(), ids.to_string());
                }
                let _ = serde_json::to_string(e);
            }
            Frame::ApiError(e) => {
                let _ = (e.to_string(), e.chain().len(), e.is_transient());
            }
            Frame::Malformed { .. } => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (Some(&kind), Some(&bound), Some(seed)) = (data.first(), data.get(1), data.get(2..4)) else {
        return;
    };
    let stream = data.get(4..).unwrap_or_default();
    let max = 16 + usize::from(bound) * 16;

    let mut whole = decoder(kind, max);
    let mut expected = whole.feed(stream);
    assert!(whole.buffered_len() <= 2 * max);
    expected.extend(whole.finish());
    touch(&expected);

    let mut state = u32::from(u16::from_le_bytes([seed[0], seed[1]])) | 1;
    let mut split = decoder(kind, max);
    let mut got = Vec::new();
    let mut rest = stream;
    while !rest.is_empty() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let n = 1 + (state as usize % 64).min(rest.len() - 1);
        let (chunk, tail) = rest.split_at(n);
        split.feed_into(chunk, &mut got);
        assert!(split.buffered_len() <= 2 * max, "buffer over its bound");
        rest = tail;
    }
    got.extend(split.finish());
    assert_eq!(got, expected, "chunking changed the frames");

    if let Ok(text) = std::str::from_utf8(stream) {
        let _ = eventline::tts::Timestamp::parse(text);
        let _ = eventline::tts::parse_entities(text);
    }
    let _ = eventline::tts::ApiError::from_response(400, Some("text/html"), stream).to_string();
});
