//! The decoder against every example of `docs/tts/wire-examples.md` (copied
//! into `tests/fixtures/`), fed whole, in 1-byte chunks and at random splits,
//! plus malformed input and a property test over generated streams.
#![cfg(not(target_arch = "wasm32"))]

use eventline::stream::{Decoder, Frame, Framing};
use eventline::tts::{ApiError, EntityIds, Event, StreamRequest};

const TTS_STREAM: &[u8] = include_bytes!("fixtures/tts-event-stream.txt");
const HTTP1_CHUNKED: &[u8] = include_bytes!("fixtures/http1-chunked.txt");
const NDJSON: &[u8] = include_bytes!("fixtures/ndjson.txt");
const ERROR_BODIES: &str = include_str!("fixtures/error-bodies.jsonl");
const RELATED: &str = include_str!("fixtures/related.json");
const WEBSOCKET: &str = include_str!("fixtures/websocket.txt");
const REQUEST_BODY: &str = include_str!("fixtures/request-body.json");
const EXAMPLE_EVENTS: &str = include_str!("../data/example-events.jsonl");

/// A small deterministic PRNG (xorshift64*), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn decode_chunks<'a>(
    mut decoder: Decoder,
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> Vec<Frame> {
    let mut frames = Vec::new();
    for chunk in chunks {
        decoder.feed_into(chunk, &mut frames);
        assert!(decoder.buffered_len() <= 2 * eventline::stream::DEFAULT_MAX_FRAME);
    }
    frames.extend(decoder.finish());
    frames
}

fn random_splits<'a>(bytes: &'a [u8], rng: &mut Rng) -> Vec<&'a [u8]> {
    let mut chunks = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let limit = if rng.below(4) == 0 { 8 } else { 700 };
        let n = 1 + rng.below(limit).min(rest.len() - 1);
        let (a, b) = rest.split_at(n.min(rest.len()));
        chunks.push(a);
        rest = b;
    }
    chunks
}

/// Decodes `bytes` whole, byte by byte and at 60 random splits; all must agree.
fn decode_every_way(make: impl Fn() -> Decoder, bytes: &[u8]) -> Vec<Frame> {
    let whole = decode_chunks(make(), [bytes]);
    let bytewise = decode_chunks(make(), bytes.chunks(1));
    assert_eq!(bytewise, whole, "1-byte chunks differ from one chunk");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ bytes.len() as u64);
    for round in 0..60 {
        let split = random_splits(bytes, &mut rng);
        assert_eq!(
            decode_chunks(make(), split),
            whole,
            "random split #{round} differs"
        );
    }
    whole
}

fn tts() -> Decoder {
    Decoder::new(Some("text/event-stream"))
}

fn names(frames: &[Frame]) -> Vec<String> {
    frames
        .iter()
        .map(|f| match f {
            Frame::Event(e) => e.name.to_string(),
            Frame::ApiError(e) => format!("error {}", e.id().unwrap_or_default()),
            Frame::Malformed { reason, .. } => format!("malformed: {reason}"),
        })
        .collect()
}

#[test]
fn wire_3_2_tts_event_stream_body() {
    let frames = decode_every_way(tts, TTS_STREAM);
    assert_eq!(
        names(&frames),
        [
            "events.stream.start",
            "as.up.data.forward",
            "as.up.join.forward",
            "error pkg/auth/rights:no_application_rights"
        ]
    );
    let up = frames[1].as_event().expect("event");
    assert_eq!(up.unique_id, "01JB996A5CB3W8N1R6T0Y4K2QF");
    assert_eq!(up.identifiers[0].key(), "soil-sensors/soil-node-01");
    assert_eq!(
        up.data_type().as_deref(),
        Some("ttn.lorawan.v3.ApplicationUp")
    );
    assert_eq!(up.time.to_rfc3339(), "2024-10-28T10:02:40.104776Z");
    let Frame::ApiError(error) = &frames[3] else {
        panic!("error frame")
    };
    assert_eq!(error.grpc_code, 7);
    assert!(
        error.to_string().contains("application `soil-sensors`"),
        "{error}"
    );
    let mut d = tts();
    d.feed(TTS_STREAM);
    assert_eq!(d.framing(), Framing::TtsEventStream);
}

/// De-chunks the HTTP/1.1 rendition and feeds each HTTP chunk as one read.
#[test]
fn wire_3_3_http1_chunks_are_not_message_boundaries() {
    let mut chunks: Vec<&[u8]> = Vec::new();
    let mut rest = HTTP1_CHUNKED;
    loop {
        let eol = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("size line");
        let size = usize::from_str_radix(std::str::from_utf8(&rest[..eol]).expect("hex"), 16)
            .expect("hex");
        let (data, after) = rest[eol + 2..].split_at(size);
        assert_eq!(&after[..2], b"\r\n");
        rest = &after[2..];
        if size == 0 {
            break;
        }
        chunks.push(data);
    }
    assert!(rest.is_empty());
    assert_eq!(chunks.concat(), TTS_STREAM);
    assert_eq!(
        decode_chunks(tts(), chunks.iter().copied()),
        decode_every_way(tts, TTS_STREAM)
    );
}

#[test]
fn wire_4_ndjson_gives_the_same_frames() {
    let ndjson = || Decoder::new(Some("application/json"));
    let frames = decode_every_way(ndjson, NDJSON);
    assert_eq!(frames, decode_every_way(tts, TTS_STREAM));
    let mut d = ndjson();
    d.feed(NDJSON);
    assert_eq!(d.framing(), Framing::NdJson);
    // Without the last newline the last frame still counts.
    assert_eq!(
        decode_every_way(ndjson, NDJSON.strip_suffix(b"\n").expect("LF")),
        frames
    );
}

#[test]
fn crlf_line_ends_and_a_bom_change_nothing() {
    let crlf: Vec<u8> = String::from_utf8(TTS_STREAM.to_vec())
        .expect("utf8")
        .replace('\n', "\r\n")
        .into_bytes();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&crlf);
    let expected = decode_every_way(tts, TTS_STREAM);
    assert_eq!(decode_every_way(tts, &crlf), expected);
    assert_eq!(decode_every_way(tts, &bom), expected);
    assert_eq!(decode_every_way(|| Decoder::new(None), &bom), expected);
}

/// The same messages as standard SSE: `data:` (also split over lines), `event:`, `id:`, `retry:`, comments.
#[test]
fn standard_sse_gives_the_same_frames() {
    let mut sse = String::from(": hello\nretry: 2500\n\n");
    for (i, line) in std::str::from_utf8(TTS_STREAM)
        .expect("utf8")
        .lines()
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        sse.push_str(&format!("event: message\nid: {i}\n"));
        let (a, b) = line.split_at(line.find(",\"").expect("a second field") + 1);
        sse.push_str(&format!("data: {a}\ndata:{b}\n: comment\n\n"));
    }
    let frames = decode_every_way(|| Decoder::new(Some("text/event-stream")), sse.as_bytes());
    assert_eq!(frames, decode_every_way(tts, TTS_STREAM));
    let mut d = Decoder::new(Some("text/event-stream"));
    d.feed(sse.as_bytes());
    assert_eq!(d.framing(), Framing::Sse);
    assert_eq!(d.last_event_id(), Some("3"));
    assert_eq!(d.retry_ms(), Some(2500));
    // An unterminated last event is still decoded at the end.
    let cut = sse.trim_end_matches('\n').trim_end_matches(": comment");
    assert_eq!(
        decode_every_way(|| Decoder::with_framing(Framing::Sse), cut.as_bytes()),
        frames
    );
}

#[test]
fn wire_5_error_bodies_before_the_stream() {
    let mut count = 0;
    for line in ERROR_BODIES.lines() {
        let case: serde_json::Value = serde_json::from_str(line).expect("fixture");
        let status = case["status"].as_u64().expect("status") as u16;
        let content_type = case["content_type"].as_str();
        let body = case["body"].as_str().expect("body");
        let error = ApiError::from_response(status, content_type, body.as_bytes());
        assert_eq!(error.status(), status, "{body}");
        assert!(!error.to_string().is_empty());
        assert!(
            !error
                .to_string()
                .contains("instead of a The Things Stack error"),
            "{error}"
        );
        // Fed to the decoder (a body without delimiter), it is one ApiError frame.
        let frames = decode_every_way(|| Decoder::new(content_type), body.as_bytes());
        match frames.as_slice() {
            [Frame::ApiError(e)] => assert_eq!(e.message, error.message),
            other => panic!("{other:?}"),
        }
        count += 1;
    }
    assert_eq!(count, 11);
    let first = ApiError::from_response(
        401,
        None,
        ERROR_BODIES
            .lines()
            .next()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).expect("fixture");
                v["body"].as_str().expect("body").to_owned()
            })
            .expect("line")
            .as_bytes(),
    );
    assert_eq!(
        first.id().as_deref(),
        Some("pkg/identityserver:api_key_not_found")
    );
    assert_eq!(first.chain().len(), 2);
    assert_eq!(
        first.chain()[1].message(),
        "api key with id `V6RQXK2ZJ3Y7Q6W5C2T4UO3NF4HD5M7L2PQRS3Y` not found"
    );
}

#[test]
fn wire_2_request_body_and_7_8_other_transports_parse() {
    let req = StreamRequest::new()
        .entity(EntityIds::application("soil-sensors"))
        .name("as.up.data.forward")
        .name(r"/^as\.up\.join\./");
    assert_eq!(req.to_json(), REQUEST_BODY);

    #[derive(serde::Deserialize)]
    struct Related {
        events: Vec<Event>,
    }
    let related: Related = serde_json::from_str(RELATED).expect("related events");
    assert_eq!(related.events.len(), 1);
    assert_eq!(related.events[0].name, "as.up.data.forward");

    let (mut events, mut errors) = (0, 0);
    for line in WEBSOCKET.lines().filter_map(|l| l.strip_prefix("S→C ")) {
        let msg: serde_json::Value = serde_json::from_str(line).expect("ws message");
        if let Some(event) = msg.get("event") {
            let e: Event = serde_json::from_value(event.clone()).expect("event");
            assert_eq!(e.unique_id, "01JB9973K6Q1T4W7Z0C3F6J9M2");
            events += 1;
        }
        if let Some(error) = msg.get("error") {
            let e = ApiError::from_status_json(error.to_string().as_bytes(), None).expect("status");
            assert_eq!(e.name(), Some("already_subscribed"));
            errors += 1;
        }
    }
    assert_eq!((events, errors), (1, 1));
}

#[test]
fn all_72_example_events_decode_bare_and_wrapped() {
    let bare = decode_every_way(
        || Decoder::new(Some("application/json")),
        EXAMPLE_EVENTS.as_bytes(),
    );
    assert_eq!(bare.len(), 72);
    assert!(
        bare.iter().all(|f| f.as_event().is_some()),
        "{:?}",
        names(&bare)
    );
    let wrapped: String = EXAMPLE_EVENTS
        .lines()
        .map(|l| format!("{{\"result\":{l}}}\n\n"))
        .collect();
    assert_eq!(decode_every_way(tts, wrapped.as_bytes()), bare);
}

fn is_malformed(f: &Frame) -> bool {
    matches!(f, Frame::Malformed { .. })
}

/// The first message of the TTS example stream, as text.
fn first_frame() -> String {
    std::str::from_utf8(TTS_STREAM)
        .expect("utf8")
        .lines()
        .next()
        .expect("line")
        .to_owned()
}

#[test]
fn malformed_input_is_reported_and_the_decoder_recovers() {
    let good = first_frame();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "truncated JSON",
            format!("{}\n\n{good}\n\n", &good[..100]).into_bytes(),
        ),
        (
            "garbage between frames",
            format!("{good}\n\nHTTP/1.1 502 oops\n\n{good}\n\n").into_bytes(),
        ),
        (
            "invalid UTF-8",
            [
                &good.as_bytes()[..60],
                b"\xff\xfe\xc3",
                &good.as_bytes()[60..],
                b"\n\n",
                good.as_bytes(),
                b"\n\n",
            ]
            .concat(),
        ),
        (
            "not an object",
            format!("[1,2,3]\n\n{good}\n\n").into_bytes(),
        ),
        (
            "an event without a time",
            format!("{{\"result\":{{\"name\":\"x\"}}}}\n\n{good}\n\n").into_bytes(),
        ),
    ];
    for (what, bytes) in cases {
        let frames = decode_every_way(tts, &bytes);
        assert_eq!(
            frames.iter().filter(|f| is_malformed(f)).count(),
            1,
            "{what}: {:?}",
            names(&frames)
        );
        assert!(
            frames.last().and_then(Frame::as_event).is_some(),
            "{what}: recovers"
        );
        if let Some(Frame::Malformed { reason, excerpt }) = frames.iter().find(|f| is_malformed(f))
        {
            assert!(!reason.is_empty() && !excerpt.is_empty(), "{what}");
            assert!(excerpt.len() <= 80 * 3, "{what}");
        }
    }
    // Cut off in the middle: the end says so.
    let frames = decode_every_way(tts, &TTS_STREAM[..TTS_STREAM.len() - 30]);
    match frames.last() {
        Some(Frame::Malformed { reason, .. }) => assert!(
            reason.starts_with("the stream ended inside a frame"),
            "{reason}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_oversized_frame_is_one_malformed_then_resync() {
    let good = first_frame();
    let huge = format!("{{\"result\":{{\"name\":\"{}\"}}}}", "x".repeat(5000));
    let bytes = format!("{good}\n\n{huge}\n\n{good}\n\n").into_bytes();
    let bounded = || tts().max_frame(1000);
    let frames = decode_every_way(bounded, &bytes);
    assert_eq!(frames.len(), 3, "{:?}", names(&frames));
    assert!(is_malformed(&frames[1]));
    assert!(names(&frames)[1].contains("larger than the limit of 1000 bytes"));
    assert_eq!(frames[0], frames[2]);
    let mut d = bounded();
    for chunk in bytes.chunks(7) {
        d.feed(chunk);
        assert!(d.buffered_len() <= 1000);
    }
    // The same for SSE data spread over many lines.
    let sse = format!(
        "data: {good}\n\n{}\ndata: {good}\n\n",
        "data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n".repeat(40)
    );
    let frames = decode_every_way(|| Decoder::new(None).max_frame(1000), sse.as_bytes());
    assert_eq!(frames.len(), 3, "{:?}", names(&frames));
    assert!(is_malformed(&frames[1]));
}

/// Property: any split of a generated stream (valid frames, blank lines, CRLF,
/// garbage, truncation, oversized lines) yields the frames of one chunk.
#[test]
fn any_split_yields_the_same_frames() {
    let events: Vec<&str> = EXAMPLE_EVENTS.lines().collect();
    let mut rng = Rng(42);
    for case in 0..150 {
        let mut stream = Vec::new();
        if rng.below(5) == 0 {
            stream.extend_from_slice(b"\xEF\xBB\xBF");
        }
        let sse = rng.below(4) == 0;
        for _ in 0..rng.below(12) {
            let event = events[rng.below(events.len())];
            let end: &[u8] = if rng.below(3) == 0 { b"\r\n" } else { b"\n" };
            let body = match rng.below(10) {
                0 => event[..rng.below(event.len())].to_owned(),
                1 => "\u{1F600} garbage ä".to_owned(),
                2 => "x".repeat(3000),
                3 => event.to_owned(),
                _ => format!("{{\"result\":{event}}}"),
            };
            if sse {
                stream.extend_from_slice(b"data: ");
            }
            stream.extend_from_slice(body.as_bytes());
            stream.extend_from_slice(end);
            if rng.below(3) != 0 || sse {
                stream.extend_from_slice(end);
            }
        }
        let max = [20, 50, 2000, 4000, 1 << 20][rng.below(5)];
        let content_type = ["text/event-stream", "application/json"][rng.below(2)];
        let whole = decode_chunks(
            Decoder::new(Some(content_type)).max_frame(max),
            [&stream[..]],
        );
        for _ in 0..20 {
            let split = random_splits(&stream, &mut rng);
            let frames = decode_chunks(Decoder::new(Some(content_type)).max_frame(max), split);
            assert_eq!(frames, whole, "case {case}");
        }
        assert_eq!(
            decode_chunks(
                Decoder::new(Some(content_type)).max_frame(max),
                stream.chunks(1)
            ),
            whole,
            "case {case}"
        );
    }
}

/// Found by the fuzzer: with a bound below the excerpt size, an oversized
/// last line must quote the same bytes however it was chunked.
#[test]
fn fuzz_regression_oversized_excerpt_does_not_depend_on_chunks() {
    let input = b"app1, ap]1/dev2\ngw:gw2, org:x, user\x01\x01\x01app1, ap]:al, client:c";
    let frames = decode_every_way(|| Decoder::new(None).max_frame(32), input);
    assert_eq!(frames.len(), 2, "{:?}", names(&frames));
}
