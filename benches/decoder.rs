//! Decoder throughput on a realistic 100 MB TTS stream (`text/event-stream`
//! framing), built in memory from the 72 example events with varied
//! `unique_id`s and times, fed in 64 KiB reads like a browser's fetch.
//!
//! Run: `CARGO_TARGET_DIR=… cargo bench -p eventline --bench decoder`.
//! Measures only; asserts nothing about time.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use criterion::{criterion_group, Criterion, Throughput};
    use eventline::stream::{Decoder, Frame};
    use std::hint::black_box;

    const EXAMPLES: &str = include_str!("../data/example-events.jsonl");
    const TARGET_BYTES: usize = 100 * 1000 * 1000;
    const READ: usize = 64 * 1024;

    /// Builds the stream and returns it with its number of events.
    fn stream() -> (Vec<u8>, usize) {
        stream_of(true, None)
    }

    /// The stream, with each event's `data` left out when `data` is false
    /// (what skipping `data` could save the decoder at most): 100 MB, or
    /// `events` events when given.
    fn stream_of(data: bool, events: Option<usize>) -> (Vec<u8>, usize) {
        let examples: Vec<serde_json::Value> = EXAMPLES
            .lines()
            .map(|l| serde_json::from_str(l).expect("example event"))
            .collect();
        let mut out = Vec::with_capacity(TARGET_BYTES + 8192);
        let mut count = 0usize;
        let base_ns: i64 = 1_730_106_840_000_000_000;
        while events.map_or(out.len() < TARGET_BYTES, |n| count < n) {
            let mut event = examples[count % examples.len()].clone();
            let t = eventline::tts::Timestamp::from_unix_nanos(base_ns + count as i64 * 1_234_567);
            event["time"] = t.to_rfc3339().into();
            event["unique_id"] = format!("01JB{count:022}").into();
            if !data {
                if let Some(e) = event.as_object_mut() {
                    e.remove("data");
                }
            }
            serde_json::to_writer(&mut out, &serde_json::json!({ "result": event }))
                .expect("write");
            out.extend_from_slice(b"\n\n");
            count += 1;
        }
        (out, count)
    }

    fn decode(bytes: &[u8]) -> usize {
        decode_in(bytes, READ)
    }

    fn decode_in(bytes: &[u8], read: usize) -> usize {
        let mut decoder = Decoder::new(Some("text/event-stream"));
        let mut frames = Vec::new();
        let mut events = 0;
        for chunk in bytes.chunks(read) {
            decoder.feed_into(chunk, &mut frames);
            events += frames
                .iter()
                .filter(|f| matches!(f, Frame::Event(_)))
                .count();
            frames.clear();
        }
        events + decoder.finish().len()
    }

    fn bench(c: &mut Criterion) {
        let (bytes, count) = stream();
        assert_eq!(decode(&bytes), count, "every event decodes");
        println!("stream: {} bytes, {count} events", bytes.len());
        let mut group = c.benchmark_group("decoder");
        group.sample_size(10);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function("tts_100MB_64KiB_reads", |b| {
            b.iter(|| decode(black_box(&bytes)))
        });
        // Context, not a target: the cost of memchr + serde_json validating
        // each line without building anything (a ceiling for any decoder on serde_json).
        group.bench_function("ceiling_memchr_plus_serde_ignored_any", |b| {
            b.iter(|| {
                black_box(&bytes)
                    .split(|b| *b == b'\n')
                    .filter(|l| !l.is_empty())
                    .filter(|l| serde_json::from_slice::<serde::de::IgnoredAny>(l).is_ok())
                    .count()
            })
        });
        group.bench_function("tts_100MB_1KiB_reads", |b| {
            b.iter(|| decode_in(black_box(&bytes), 1024))
        });
        group.throughput(Throughput::Elements(count as u64));
        group.bench_function("tts_100MB_64KiB_reads_events", |b| {
            b.iter(|| decode(black_box(&bytes)))
        });
        // The same events without `data`: per event, the rest is the envelope.
        let (bare, bare_count) = stream_of(false, Some(count));
        assert_eq!(bare_count, count);
        assert_eq!(decode(&bare), count, "every event decodes without data");
        group.bench_function("tts_same_events_without_data_events", |b| {
            b.iter(|| decode(black_box(&bare)))
        });
        group.finish();
    }

    criterion_group!(benches, bench);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(native::benches);

/// Benchmarks run natively only; this keeps `--all-targets` building for wasm.
#[cfg(target_arch = "wasm32")]
fn main() {}
