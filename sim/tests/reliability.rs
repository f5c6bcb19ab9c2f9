//! What the viewer's fault test relies on, over the wire: a connection cut in the middle of a
//! frame, a queue of armed faults consumed one stream at a time, a generator that stops after
//! exactly N events and records each of them, and a history deep enough to back-fill them.

mod support;

use std::time::Duration;

use eventline_sim::clock::now;
use eventline_sim::generator::Generator;
use eventline_sim::{Config, Traffic, DEMO_API_KEY};
use serde_json::{json, Value};
use support::*;

const SSE: Option<&str> = Some("text/event-stream");
const D2: &[u8] = b"\n\n";
const GATEWAY: &str =
    r#"{"identifiers":[{"gateway_ids":{"gateway_id":"rooftop-gw-01"}}],"tail":50}"#;

fn publish(sim: &Sim, seed: u64, n: usize) {
    let mut g = Generator::new(sim.state.fleet.clone(), seed, 1000);
    for _ in 0..n {
        sim.state.hub.publish(g.next_event(now()));
    }
}

#[tokio::test]
async fn cut_after_breaks_the_connection_inside_a_frame() {
    let sim = start(quiet()).await;
    publish(&sim, 3, 300);
    let mut r = stream(sim.addr, "?cut_after=2", Some(DEMO_API_KEY), SSE, GATEWAY).await;
    assert_eq!(r.status, 200);
    let text = r.text().await;
    assert!(
        !r.ended_cleanly(),
        "no terminating chunk: the connection broke"
    );
    let frames: Vec<&str> = text.split("\n\n").collect();
    // The start, two whole events, then half of the third with no delimiter.
    assert_eq!(frames.len(), 4, "{text}");
    assert!(frames[0].contains("events.stream.start"));
    assert_eq!(results(&[frames[1].into(), frames[2].into()]).len(), 2);
    let half = frames[3];
    assert!(half.starts_with("{\"result\":{"), "{half}");
    assert!(
        serde_json::from_str::<Value>(half).is_err(),
        "a partial frame: {half}"
    );

    // Without the fault the same request ends cleanly only when told to.
    let mut r = stream(sim.addr, "?end_after=2", Some(DEMO_API_KEY), SSE, GATEWAY).await;
    assert_eq!(results(&r.messages(10, D2).await).len(), 3);
    assert!(r.ended_cleanly());
}

#[tokio::test]
async fn an_armed_queue_applies_one_set_per_stream_in_order() {
    let sim = start(quiet()).await;
    publish(&sim, 4, 300);
    let ct = [("Content-Type", "application/json")];
    let queue =
        r#"[{"end_after":1},{"error_after":2,"error":"unavailable"},{"cut_after":0,"streams":2}]"#;
    let v = request(sim.addr, "POST", "/sim/faults", &ct, queue)
        .await
        .json()
        .await;
    assert_eq!(
        v,
        json!([{"end_after":1,"streams":1},{"error_after":2,"error":"unavailable","streams":1},{"cut_after":0,"streams":2}])
    );
    let mut r = stream(sim.addr, "", Some(DEMO_API_KEY), SSE, GATEWAY).await;
    assert_eq!(results(&r.messages(10, D2).await).len(), 2, "start + 1");
    assert!(r.ended_cleanly());
    let mut r = stream(sim.addr, "", Some(DEMO_API_KEY), SSE, GATEWAY).await;
    let msgs = r.messages(10, D2).await;
    assert_eq!(results(&msgs).len(), 3, "start + 2");
    assert!(
        msgs.last().is_some_and(|m| m.contains("\"code\":14")),
        "{msgs:?}"
    );
    for _ in 0..2 {
        let mut r = stream(sim.addr, "", Some(DEMO_API_KEY), SSE, GATEWAY).await;
        r.text().await;
        assert!(!r.ended_cleanly(), "cut");
    }
    let v = request(sim.addr, "GET", "/sim/faults", &[], "")
        .await
        .json()
        .await;
    assert_eq!(v, json!({}), "the queue is used up");
    let mut r = stream(sim.addr, "", Some(DEMO_API_KEY), SSE, GATEWAY).await;
    assert!(
        !r.ends_within(Duration::from_millis(200)).await,
        "clean again"
    );
}

#[tokio::test]
async fn the_generator_stops_at_its_limit_and_records_every_event() {
    let dir = std::env::temp_dir().join(format!("eventline-sim-record-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("record.jsonl");
    let sim = start(Config {
        traffic: Traffic::Live {
            rate: 2_000.0,
            limit: Some(300),
        },
        record: Some(path.clone()),
        history_limit: 1_000,
        ..quiet()
    })
    .await;
    let mut lines = 0;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        lines = std::fs::read_to_string(&path)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if lines == 300 {
            break;
        }
    }
    assert_eq!(lines, 300);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let recorded: Vec<Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(recorded.len(), 300, "no more after the limit");
    // The store kept them all: a history read for every entity of the fleet returns exactly the
    // record (events from before the hub are none: the generator was its only source).
    let f = &sim.state.fleet;
    let mut ids: Vec<Value> = Vec::new();
    for a in &f.applications {
        ids.push(json!({"application_ids":{"application_id":a.application_id}}));
        for d in &a.devices {
            ids.push(json!({"device_ids":{"device_id":d.device_id,"application_ids":{"application_id":a.application_id}}}));
        }
    }
    for g in &f.gateways {
        ids.push(json!({"gateway_ids":{"gateway_id":g.gateway_id}}));
    }
    ids.push(json!({"user_ids":{"user_id":f.user_id}}));
    ids.push(json!({"organization_ids":{"organization_id":f.organization_id}}));
    ids.push(json!({"client_ids":{"client_id":f.client_id}}));
    let body = json!({"identifiers": ids, "after": "2000-01-01T00:00:00Z"}).to_string();
    let mut r = stream(
        sim.addr,
        "?end_after_ms=500",
        Some(DEMO_API_KEY),
        SSE,
        &body,
    )
    .await;
    let got = results(&r.messages(1_000, D2).await);
    let uid = |e: &Value| e["unique_id"].as_str().unwrap_or_default().to_string();
    let mut streamed: Vec<String> = got
        .iter()
        .filter(|e| e["name"] != "events.stream.start")
        .map(uid)
        .collect();
    let mut expected: Vec<String> = recorded.iter().map(uid).collect();
    streamed.sort();
    expected.sort();
    assert_eq!(streamed, expected);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_history_limit_is_per_entity() {
    let sim = start(Config {
        history_limit: 7,
        ..quiet()
    })
    .await;
    publish(&sim, 5, 400);
    let body = r#"{"identifiers":[{"gateway_ids":{"gateway_id":"rooftop-gw-01"}}],"after":"2000-01-01T00:00:00Z"}"#;
    let mut r = stream(sim.addr, "?end_after_ms=300", Some(DEMO_API_KEY), SSE, body).await;
    assert_eq!(results(&r.messages(100, D2).await).len(), 1 + 7);
}
