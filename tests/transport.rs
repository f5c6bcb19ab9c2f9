//! Browser tests of the fetch transport against a real simulator
//! (`cargo xtask test` starts `eventline-sim` at `EVENTLINE_TEST_SIM`):
//! bytes arrive as the server sends them, error answers become the right
//! `ApiError`, abort stops a stream at once, a stalled stream is noticed and
//! a connection broken mid-frame is a network error.
#![cfg(target_arch = "wasm32")]

use eventline::stream::fetch::{EventStream, Read, TransportError};
use eventline::stream::{ClusterUrl, Decoder, Frame};
use eventline::tts::{EntityIds, StreamRequest};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The simulator's built-in keys (see `eventline_sim::DEMO_API_KEY` and friends).
const DEMO_KEY: &str = "NNSXS.EVENTLINEDEMOKEYLNI3FE7SP3GK54YJJ37G456.EVENTLINEDEMOKEYSECRET5PGCBSNSFSYIZII4FPW5TOPB43OMFD";
const LIMITED_KEY: &str = "NNSXS.EVENTLINELIMITEDKEYZIZYC4PI76XCYZ76XCZT.EVENTLINELIMITEDKEYSECRET6FSORKWHMHWHS454F66TC4BOUFA";
const UNKNOWN_KEY: &str = "NNSXS.EVENTLINEUNKNOWNKEYAAAAAAAAAAAAAAAAAAAAAA.EVENTLINEUNKNOWNKEYSECRETAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

fn sim() -> ClusterUrl {
    let url = option_env!("EVENTLINE_TEST_SIM").unwrap_or("http://127.0.0.1:18785");
    ClusterUrl::parse(url).expect("simulator URL")
}

fn whole_fleet() -> String {
    let mut request = StreamRequest::new()
        .entity(EntityIds::application("soil-sensors"))
        .entity(EntityIds::application("cold-chain"));
    for gw in ["rooftop-gw-01", "warehouse-ttig", "parking-gw-north"] {
        request = request.entity(EntityIds::gateway(gw));
    }
    request.to_json()
}

/// Arms a fault on the simulator for its next stream.
async fn arm(fault: &str) {
    let url = format!("{}/sim/faults", sim().base());
    let response = gloo_net::http::Request::post(&url)
        .header("Content-Type", "application/json")
        .body(fault.to_owned())
        .expect("request")
        .send()
        .await
        .expect("simulator reachable");
    assert!(
        response.ok(),
        "arming {fault} failed: {}",
        response.status()
    );
}

fn now() -> f64 {
    js_sys::Date::now()
}

#[wasm_bindgen_test]
async fn events_arrive_incrementally_as_the_server_sends_them() {
    arm(r#"{"end_after": 4, "streams": 1}"#).await;
    let mut stream = EventStream::open(&sim().events_url(), DEMO_KEY, whole_fleet())
        .await
        .expect("stream opens");
    assert_eq!(stream.info.status, 200);
    assert_eq!(
        stream.info.content_type.as_deref(),
        Some("text/event-stream")
    );
    let mut decoder = Decoder::new(stream.info.content_type.as_deref());
    let started = now();
    let mut arrivals = Vec::new();
    while let Some(chunk) = stream.next_chunk().await.expect("no network error") {
        for frame in decoder.feed(&chunk) {
            if let Frame::Event(e) = frame {
                arrivals.push((now() - started, e.name.clone()));
            }
        }
    }
    assert_eq!(
        arrivals.first().map(|a| a.1.as_str()),
        Some("events.stream.start")
    );
    assert_eq!(arrivals.len(), 5, "start + 4 events: {arrivals:?}");
    // Live traffic at a few events per second: the last event arrived well after the first.
    let spread = arrivals.last().map_or(0.0, |a| a.0) - arrivals[0].0;
    assert!(spread >= 100.0, "events came in one burst: {arrivals:?}");
}

#[wasm_bindgen_test]
async fn an_unknown_key_is_a_401_api_error() {
    let request = StreamRequest::new().entity(EntityIds::application("soil-sensors"));
    let Err(TransportError::Rejected(info, error)) =
        EventStream::open(&sim().events_url(), UNKNOWN_KEY, request.to_json()).await
    else {
        panic!("an unknown key must be rejected");
    };
    assert_eq!(info.status, 401);
    assert_eq!(error.status(), 401);
    assert_eq!(error.name(), Some("api_key_not_found"));
    assert!(error.sentence().contains("API key"), "{}", error.sentence());
}

#[wasm_bindgen_test]
async fn missing_rights_are_a_403_naming_the_application() {
    let request = StreamRequest::new()
        .entity(EntityIds::application("soil-sensors"))
        .entity(EntityIds::application("cold-chain"));
    let Err(TransportError::Rejected(info, error)) =
        EventStream::open(&sim().events_url(), LIMITED_KEY, request.to_json()).await
    else {
        panic!("a key without rights on cold-chain must be rejected");
    };
    assert_eq!(info.status, 403);
    assert_eq!(error.name(), Some("no_application_rights"));
    assert!(
        error.sentence().contains("cold-chain"),
        "{}",
        error.sentence()
    );
    let hint = error.hint().unwrap_or_default();
    assert!(hint.contains("RIGHT_APPLICATION_TRAFFIC_READ"), "{hint}");
}

#[wasm_bindgen_test]
async fn abort_stops_the_stream_at_once() {
    let mut stream = EventStream::open(&sim().events_url(), DEMO_KEY, whole_fleet())
        .await
        .expect("stream opens");
    let first = stream.next_chunk().await.expect("first chunk");
    assert!(first.is_some());
    let handle = stream.abort_handle();
    let started = now();
    handle.abort();
    let after = stream.next_chunk().await;
    assert_eq!(after, Err(TransportError::Aborted));
    assert!(now() - started < 1000.0, "abort took too long");
}

#[wasm_bindgen_test]
async fn an_unreachable_cluster_is_a_network_error() {
    let closed = ClusterUrl::parse("http://127.0.0.1:9").expect("url");
    let request = StreamRequest::new().entity(EntityIds::application("soil-sensors"));
    let result = EventStream::open(&closed.events_url(), DEMO_KEY, request.to_json()).await;
    assert!(
        matches!(result, Err(TransportError::Network(_))),
        "{:?}",
        result.err()
    );
}

#[wasm_bindgen_test]
async fn a_stalled_stream_is_silent_after_the_limit() {
    // Stalled right after the start: nothing depends on when the generator sends its first.
    arm(r#"{"stall_after": 0, "streams": 1}"#).await;
    let mut stream = EventStream::open(&sim().events_url(), DEMO_KEY, whole_fleet())
        .await
        .expect("stream opens");
    let mut decoder = Decoder::new(stream.info.content_type.as_deref());
    let mut events = 0;
    let mut last_byte = now();
    let limit = std::time::Duration::from_millis(600);
    loop {
        match stream.next_chunk_within(Some(limit)).await {
            Ok(Read::Bytes(bytes)) => {
                last_byte = now();
                events += decoder.feed(&bytes).len();
            }
            Ok(Read::Silent) => break,
            other => panic!("a stall neither ends nor breaks: {other:?}"),
        }
    }
    let quiet = now() - last_byte;
    assert!((550.0..3_000.0).contains(&quiet), "silent after {quiet} ms");
    assert_eq!(events, 1, "the start, then nothing");
}

#[wasm_bindgen_test]
async fn a_connection_broken_mid_frame_is_a_network_error() {
    arm(r#"{"cut_after": 1, "streams": 1}"#).await;
    let mut stream = EventStream::open(&sim().events_url(), DEMO_KEY, whole_fleet())
        .await
        .expect("stream opens");
    let mut bytes = Vec::new();
    let end = loop {
        match stream.next_chunk().await {
            Ok(Some(chunk)) => bytes.extend(chunk),
            other => break other,
        }
    };
    assert!(
        matches!(end, Err(TransportError::Network(_))),
        "not a clean end: {end:?}"
    );
    let mut decoder = Decoder::new(stream.info.content_type.as_deref());
    let whole = decoder.feed(&bytes);
    assert_eq!(whole.len(), 2, "the start and one event");
    let rest = decoder.finish();
    assert!(
        matches!(rest.as_slice(), [Frame::Malformed { .. }]),
        "half a frame was left: {rest:?}"
    );
}
