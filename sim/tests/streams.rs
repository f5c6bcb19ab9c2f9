//! Over-the-wire checks of streaming behaviour: rights filtering, propagate-to-parent,
//! tail/after and `X-Warning`, every fault switch (query, control endpoint), live traffic,
//! replay, the generator's join flow, and the binary's ready line.

mod support;

use std::time::Duration;

use eventline_sim::clock::now;
use eventline_sim::generator::Generator;
use eventline_sim::{Config, Traffic, DEMO_API_KEY, INFO_ONLY_API_KEY, LIMITED_API_KEY};
use serde_json::{json, Value};
use support::*;

const SSE: Option<&str> = Some("text/event-stream");
const D2: &[u8] = b"\n\n";

fn device_body(app: &str, dev: &str) -> String {
    format!(
        r#"{{"identifiers":[{{"device_ids":{{"device_id":"{dev}","application_ids":{{"application_id":"{app}"}}}}}}]}}"#
    )
}

/// Publishes generated events until an uplink of `soil-node-01` completed; returns how many
/// events of that device (and how many propagating ones) were published.
fn publish_uplinks(sim: &Sim, seed: u64, n: usize) {
    let mut g = Generator::new(sim.state.fleet.clone(), seed, 1000);
    for _ in 0..n {
        sim.state.hub.publish(g.next_event(now()));
    }
}

#[tokio::test]
async fn propagate_to_parent_and_device_streams() {
    let sim = start(quiet()).await;
    let mut app = stream(
        sim.addr,
        "",
        Some(DEMO_API_KEY),
        SSE,
        &app_body("soil-sensors"),
    )
    .await;
    let mut dev = stream(
        sim.addr,
        "",
        Some(DEMO_API_KEY),
        SSE,
        &device_body("soil-sensors", "soil-node-01"),
    )
    .await;
    let _ = app.messages(1, D2).await;
    let _ = dev.messages(1, D2).await;
    let mut g = Generator::new(sim.state.fleet.clone(), 11, 1000);
    let (mut n_app, mut n_dev) = (0, 0);
    let mut saw_forward = false;
    while n_dev < 30 || !saw_forward {
        let ev = sim.state.hub.publish(g.next_event(now()));
        let on_dev = ev.ids.iter().any(|i| i.id == "soil-node-01");
        let on_app = ev
            .ids
            .iter()
            .any(|i| i.app.as_deref() == Some("soil-sensors") || i.id == "soil-sensors");
        if on_dev {
            n_dev += 1;
            saw_forward |= ev.name == "as.up.data.forward";
        }
        if on_app && (ev.propagates || ev.ids.iter().any(|i| i.id == "soil-sensors")) {
            n_app += 1;
        }
    }
    let app_events = results(&app.messages(n_app, D2).await);
    let dev_events = results(&dev.messages(n_dev, D2).await);
    assert_eq!(app_events.len(), n_app);
    assert_eq!(dev_events.len(), n_dev);
    let an = names(&app_events);
    let dn = names(&dev_events);
    assert!(an.contains(&"as.up.data.forward".to_string()));
    assert!(!an.contains(&"ns.up.data.receive".to_string()), "{an:?}");
    assert!(!an.contains(&"as.up.data.receive".to_string()));
    assert!(dn.contains(&"ns.up.data.receive".to_string()));
    assert!(dn.contains(&"as.up.data.forward".to_string()));
    assert!(dev_events
        .iter()
        .all(|e| e["identifiers"].to_string().contains("soil-node-01")));
}

#[tokio::test]
async fn rights_filter_events() {
    let sim = start(quiet()).await;
    let mut info = stream(
        sim.addr,
        "",
        Some(INFO_ONLY_API_KEY),
        SSE,
        &app_body("soil-sensors"),
    )
    .await;
    let mut full = stream(
        sim.addr,
        "",
        Some(DEMO_API_KEY),
        SSE,
        &app_body("soil-sensors"),
    )
    .await;
    assert_eq!(info.status, 200);
    let _ = info.messages(1, D2).await;
    let _ = full.messages(1, D2).await;
    publish_uplinks(&sim, 5, 300);
    let mut marker = Generator::new(sim.state.fleet.clone(), 1, 1000).next_event(now());
    marker["name"] = json!("application.update");
    marker["identifiers"] = json!([{"application_ids": {"application_id": "soil-sensors"}}]);
    marker["visibility"] = json!({"rights": ["RIGHT_APPLICATION_INFO"]});
    sim.state.hub.publish(marker);
    // The info-only key sees nothing but the application.update.
    let got = results(&info.messages(1, D2).await);
    assert_eq!(names(&got), ["application.update"]);
    let all = results(&full.messages(5, D2).await);
    assert!(all
        .iter()
        .any(|e| e["visibility"]["rights"][0] == "RIGHT_APPLICATION_TRAFFIC_READ"));
    // Each event's visibility equals its definition's rights.
    for e in &all {
        let def = eventline_sim::catalog::catalog().get(e["name"].as_str().unwrap_or_default());
        assert_eq!(
            e["visibility"]["rights"],
            json!(def.map(|d| d.rights.clone()).unwrap_or_default())
        );
    }
}

#[tokio::test]
async fn limited_key_sees_gateway_traffic() {
    let sim = start(quiet()).await;
    let body = r#"{"identifiers":[{"gateway_ids":{"gateway_id":"rooftop-gw-01"}}],"names":["gs.up.receive"]}"#;
    let mut r = stream(sim.addr, "", Some(LIMITED_API_KEY), None, body).await;
    assert_eq!(r.status, 200);
    let _ = r.messages(1, b"\n").await;
    publish_uplinks(&sim, 2, 200);
    let got = results(&r.messages(2, b"\n").await);
    assert_eq!(names(&got), ["gs.up.receive", "gs.up.receive"]);
}

#[tokio::test]
async fn tail_and_after_serve_history() {
    let sim = start(quiet()).await;
    publish_uplinks(&sim, 4, 300);
    let body = r#"{"identifiers":[{"gateway_ids":{"gateway_id":"rooftop-gw-01"}}],"tail":3}"#;
    let mut r = stream(sim.addr, "?end_after=3", Some(DEMO_API_KEY), SSE, body).await;
    assert!(r.header("x-warning").is_none());
    let got = results(&r.messages(10, D2).await);
    assert_eq!(got.len(), 4, "start + 3 history events");
    assert!(got[1..]
        .iter()
        .all(|e| e["identifiers"].to_string().contains("rooftop-gw-01")));
    // after: only events strictly later than the given time.
    let t = eventline_sim::clock::format_rfc3339(now() + 3_600_000_000_000);
    let body = format!(
        r#"{{"identifiers":[{{"gateway_ids":{{"gateway_id":"rooftop-gw-01"}}}}],"after":"{t}"}}"#
    );
    let mut r = stream(
        sim.addr,
        "?end_after_ms=200",
        Some(DEMO_API_KEY),
        SSE,
        &body,
    )
    .await;
    assert_eq!(
        results(&r.messages(10, D2).await).len(),
        1,
        "nothing after a future time"
    );
    let body = r#"{"identifiers":[{"gateway_ids":{"gateway_id":"rooftop-gw-01"}}],"after":"2020-01-01T00:00:00Z"}"#;
    let mut r = stream(sim.addr, "?end_after=5", Some(DEMO_API_KEY), SSE, body).await;
    assert_eq!(results(&r.messages(10, D2).await).len(), 6);
}

#[tokio::test]
async fn no_store_warns() {
    let sim = start(Config {
        store: false,
        ..quiet()
    })
    .await;
    publish_uplinks(&sim, 4, 100);
    let body = r#"{"identifiers":[{"gateway_ids":{"gateway_id":"rooftop-gw-01"}}],"tail":3}"#;
    let mut r = stream(sim.addr, "?end_after_ms=100", Some(DEMO_API_KEY), SSE, body).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-warning"), Some("Events storage is not enabled"));
    assert_eq!(results(&r.messages(10, D2).await).len(), 1);
}

#[tokio::test]
async fn fault_end_error_malformed() {
    let sim = start(quiet()).await;
    let body = r#"{"identifiers":[{"gateway_ids":{"gateway_id":"rooftop-gw-01"}},{"gateway_ids":{"gateway_id":"warehouse-ttig"}},{"gateway_ids":{"gateway_id":"parking-gw-north"}}],"tail":50}"#;
    publish_uplinks(&sim, 6, 400);
    // end_after: EOF after exactly N events.
    let mut r = stream(sim.addr, "?end_after=4", Some(DEMO_API_KEY), SSE, body).await;
    assert_eq!(results(&r.messages(100, D2).await).len(), 5);
    // error_after: the error message, then EOF.
    for (kind, code, name) in [
        ("expired", 16, "api_key_expired"),
        ("revoked", 7, "no_gateway_rights"),
        ("", 14, "unavailable"),
    ] {
        let q = if kind.is_empty() {
            "?error_after=2".to_string()
        } else {
            format!("?error_after=2&error={kind}")
        };
        let mut r = stream(sim.addr, &q, Some(DEMO_API_KEY), SSE, body).await;
        let msgs = r.messages(100, D2).await;
        assert_eq!(msgs.len(), 4);
        let last: Value = serde_json::from_str(&msgs[3]).unwrap_or(Value::Null);
        assert_eq!(last["error"]["code"], code);
        assert_eq!(last["error"]["details"][0]["name"], name);
        assert!(r.body.is_empty());
    }
    // malformed_after: one broken frame, then the stream goes on.
    let mut r = stream(
        sim.addr,
        "?malformed_after=1&end_after=3",
        Some(DEMO_API_KEY),
        None,
        body,
    )
    .await;
    let msgs = r.messages(100, b"\n").await;
    assert_eq!(msgs.len(), 5);
    assert!(serde_json::from_str::<Value>(&msgs[2]).is_err());
    assert_eq!(results(&msgs).len(), 4);
    // end_after_ms: ends on time even when idle.
    let quiet_body = app_body("cold-chain");
    let mut r = stream(
        sim.addr,
        "?end_after_ms=150",
        Some(DEMO_API_KEY),
        SSE,
        &quiet_body,
    )
    .await;
    assert!(r.ends_within(Duration::from_secs(3)).await);
}

#[tokio::test]
async fn fault_stall_and_chunks() {
    let sim = start(quiet()).await;
    publish_uplinks(&sim, 6, 300);
    let body = r#"{"identifiers":[{"gateway_ids":{"gateway_id":"rooftop-gw-01"}}],"tail":10}"#;
    let mut r = stream(sim.addr, "?stall_after=2", Some(DEMO_API_KEY), SSE, body).await;
    assert_eq!(results(&r.messages(3, D2).await).len(), 3);
    publish_uplinks(&sim, 7, 100);
    assert!(
        !r.ends_within(Duration::from_millis(300)).await,
        "stalled, not ended"
    );
    assert!(r.body.is_empty(), "nothing written after the stall");
    // chunk=1: every chunk is a single byte, and the bytes still frame correctly.
    let mut r = stream(
        sim.addr,
        "?chunk=1&end_after=1",
        Some(DEMO_API_KEY),
        SSE,
        body,
    )
    .await;
    let mut bytes = Vec::new();
    while let Some(c) = r.next_chunk().await {
        assert_eq!(c.len(), 1);
        bytes.extend(c);
    }
    let text = String::from_utf8_lossy(&bytes);
    assert_eq!(text.matches("\n\n").count(), 2);
    assert!(text.starts_with("{\"result\":{\"name\":\"events.stream.start\""));
}

#[tokio::test]
async fn control_endpoint_arms_next_streams() {
    let sim = start(quiet()).await;
    let ct = [("Content-Type", "application/json")];
    let r = request(
        sim.addr,
        "POST",
        "/sim/faults",
        &ct,
        r#"{"end_after":0,"streams":2}"#,
    )
    .await;
    assert_eq!(r.status, 200);
    let v = request(sim.addr, "GET", "/sim/faults", &[], "")
        .await
        .json()
        .await;
    assert_eq!(v, json!({"end_after":0,"streams":2}));
    for _ in 0..2 {
        let mut r = stream(
            sim.addr,
            "",
            Some(DEMO_API_KEY),
            SSE,
            &app_body("soil-sensors"),
        )
        .await;
        assert!(r.ends_within(Duration::from_secs(2)).await);
    }
    let mut r = stream(
        sim.addr,
        "",
        Some(DEMO_API_KEY),
        SSE,
        &app_body("soil-sensors"),
    )
    .await;
    assert!(
        !r.ends_within(Duration::from_millis(200)).await,
        "third stream is normal"
    );
    let armed = r#"{"status":429,"retry":3,"chunk":1}"#;
    let v = request(sim.addr, "POST", "/sim/faults", &ct, armed)
        .await
        .json()
        .await;
    assert_eq!(
        v,
        json!({"chunk": true, "status_429_retry": 3, "streams": 1})
    );
    let r = request(sim.addr, "DELETE", "/sim/faults", &[], "").await;
    assert_eq!(r.status, 204);
    let r = stream(
        sim.addr,
        "",
        Some(DEMO_API_KEY),
        SSE,
        &app_body("soil-sensors"),
    )
    .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn join_flow_in_documented_order() {
    let sim = start(quiet()).await;
    let fleet = sim.state.fleet.clone();
    let mut ids: Vec<Value> = fleet
        .devices()
        .map(|d| json!({"device_ids": {"device_id": d.device_id, "application_ids": {"application_id": d.application_id}}}))
        .collect();
    ids.extend(
        fleet
            .gateways
            .iter()
            .map(|g| json!({"gateway_ids": {"gateway_id": g.gateway_id}})),
    );
    let body = json!({ "identifiers": ids }).to_string();
    let mut r = stream(sim.addr, "", Some(DEMO_API_KEY), SSE, &body).await;
    let _ = r.messages(1, D2).await;
    // An accepted join first (the demo scenarios' rejoining device starts with a rejected one).
    let mut g = Generator::new(fleet, 1, 1000).without_scenarios();
    let (mut expected, mut join_done, mut in_join) = (0, false, false);
    while !join_done {
        let ev = sim.state.hub.publish(g.next_event(now()));
        let req: Vec<_> = ev
            .ids
            .iter()
            .filter(|i| i.kind != eventline_sim::ids::EntityKind::Application)
            .collect();
        if !req.is_empty()
            && ev.ids.iter().all(|i| {
                matches!(
                    i.kind,
                    eventline_sim::ids::EntityKind::Device
                        | eventline_sim::ids::EntityKind::Gateway
                )
            })
        {
            expected += 1;
        }
        in_join |= ev.name == "ns.up.join.receive";
        join_done = in_join && ev.name == "ns.down.transmission.success";
        assert!(expected < 50_000);
    }
    let events = results(&r.messages(expected, D2).await);
    assert_eq!(events.len(), expected);
    let join = events
        .iter()
        .position(|e| e["name"] == "ns.up.join.receive")
        .unwrap_or(0);
    let uplink = events[join]["correlation_ids"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .find(|c| c.starts_with("gs:uplink:"))
        })
        .unwrap_or_default()
        .to_string();
    // The Join Server's answer carries only its own RPC ID (as in TTS): it belongs to the flow
    // as the first answer for the device after the cluster attempt.
    let device = &events[join]["identifiers"][0]["device_ids"]["device_id"];
    let of_flow = |e: &Value| e["correlation_ids"].to_string().contains(&uplink);
    let attempt = events
        .iter()
        .position(|e| e["name"] == "ns.up.join.cluster.attempt" && of_flow(e))
        .unwrap_or(0);
    let answer = events
        .iter()
        .enumerate()
        .skip(attempt)
        .find(|(_, e)| {
            e["name"] == "js.join.accept"
                && &e["identifiers"][0]["device_ids"]["device_id"] == device
        })
        .map(|(i, _)| i);
    let flow: Vec<&Value> = events
        .iter()
        .enumerate()
        .filter(|(i, e)| of_flow(e) || Some(*i) == answer)
        .map(|(_, e)| e)
        .collect();
    let js: Vec<&&Value> = flow
        .iter()
        .filter(|e| e["name"] == "js.join.accept")
        .collect();
    assert_eq!(js.len(), 1, "one Join Server answer");
    let js_ids = js[0]["correlation_ids"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(js_ids.len(), 1);
    assert!(js_ids[0]
        .as_str()
        .is_some_and(|c| c.starts_with("rpc:/ttn.lorawan.v3.NsJs/HandleJoin:")));
    let flow_names: Vec<&str> = flow
        .iter()
        .map(|e| e["name"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        flow_names,
        [
            "gs.up.receive",
            "ns.up.join.receive",
            "ns.up.join.cluster.attempt",
            "js.join.accept",
            "ns.up.join.cluster.success",
            "ns.up.join.process",
            "gs.up.forward",
            "ns.down.join.schedule.attempt",
            "gs.down.schedule.attempt",
            "gs.down.send",
            "ns.down.join.schedule.success",
            "ns.up.join.accept.forward",
            "as.up.join.receive",
            "as.up.join.forward",
            "gs.txack.receive",
            "gs.down.tx.success",
            "ns.down.transmission.success",
        ]
    );
    // Device events of the flow name the same device and the new DevAddr.
    let dev = &flow[1]["identifiers"][0]["device_ids"];
    assert!(flow
        .iter()
        .filter(|e| e["identifiers"][0].get("device_ids").is_some())
        .all(|e| &e["identifiers"][0]["device_ids"] == dev));
}

#[tokio::test]
async fn live_traffic_reaches_streams() {
    let sim = start(Config {
        traffic: Traffic::Live {
            rate: 400.0,
            limit: None,
        },
        ..quiet()
    })
    .await;
    let body = r#"{"identifiers":[{"gateway_ids":{"gateway_id":"rooftop-gw-01"}}]}"#;
    let mut r = stream(sim.addr, "", Some(DEMO_API_KEY), None, body).await;
    let got = results(&r.messages(6, b"\n").await);
    assert_eq!(got.len(), 6);
    let mut ids: Vec<&str> = got.iter().filter_map(|e| e["unique_id"].as_str()).collect();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

#[tokio::test]
async fn flood_mode_streams_as_fast_as_read() {
    let sim = start(Config {
        traffic: Traffic::Flood,
        flood_pool_events: 64,
        ..quiet()
    })
    .await;
    let mut r = stream(
        sim.addr,
        "?end_after=500",
        Some(DEMO_API_KEY),
        None,
        &app_body("soil-sensors"),
    )
    .await;
    assert_eq!(results(&r.messages(1000, b"\n").await).len(), 501);
}

#[tokio::test]
async fn replay_goes_through_the_hub() {
    let dir = std::env::temp_dir().join(format!("eventline-sim-replay-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("capture.jsonl");
    let mut text = include_str!("../../data/example-events.jsonl").to_string();
    text.push_str("this line is broken\n");
    let _ = std::fs::write(&path, text);
    let sim = start(Config {
        traffic: Traffic::Replay {
            path,
            speed: 0.0,
            looped: false,
        },
        ..quiet()
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let body = r#"{"identifiers":[{"device_ids":{"device_id":"soil-node-02","application_ids":{"application_id":"soil-sensors"}}}],"tail":100}"#;
    let mut r = stream(sim.addr, "?end_after_ms=300", Some(DEMO_API_KEY), SSE, body).await;
    let got = results(&r.messages(200, D2).await);
    assert!(names(&got).contains(&"js.join.accept".to_string()));
    assert!(got.len() > 5);
}

#[tokio::test]
async fn binary_prints_the_ready_line_first() {
    use tokio::io::AsyncBufReadExt;
    let exe = env!("CARGO_BIN_EXE_eventline-sim");
    let help = tokio::process::Command::new(exe)
        .arg("--help")
        .output()
        .await
        .map(|o| o.stdout)
        .unwrap_or_default();
    let help = String::from_utf8_lossy(&help);
    for flag in [
        "--listen",
        "--seed",
        "--rate",
        "--flood",
        "--replay",
        "--speed",
        "--no-store",
        "--no-event-store",
        "--related-ttl",
        "--related-capacity",
        "--keys",
        "--serve",
        "--base",
        "--fault-end-after",
        "DEMO SCENARIOS",
        "parking-gw-north",
    ] {
        assert!(help.contains(flag), "{flag} missing from --help");
    }
    let mut child = tokio::process::Command::new(exe)
        .args(["--listen", "127.0.0.1:0", "--rate", "0"])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let out = child.stdout.take().expect("stdout");
    let mut lines = tokio::io::BufReader::new(out).lines();
    let first = tokio::time::timeout(TIMEOUT, lines.next_line())
        .await
        .ok()
        .and_then(|l| l.ok())
        .flatten()
        .unwrap_or_default();
    assert!(
        first.starts_with("eventline-sim listening on http://127.0.0.1:"),
        "{first}"
    );
    assert!(!first.ends_with(":0"));
    let mut rest = String::new();
    for _ in 0..6 {
        if let Ok(Ok(Some(l))) = tokio::time::timeout(TIMEOUT, lines.next_line()).await {
            rest.push_str(&l);
        }
    }
    assert!(rest.contains(DEMO_API_KEY));
    let _ = child.kill().await;
}

#[tokio::test]
async fn a_flood_stream_can_be_paced_after_a_burst() {
    let sim = start(Config {
        traffic: Traffic::Flood,
        flood_pool_events: 64,
        ..quiet()
    })
    .await;
    let started = std::time::Instant::now();
    let mut r = stream(
        sim.addr,
        "?rate=20&rate_after=100",
        Some(DEMO_API_KEY),
        None,
        &app_body("soil-sensors"),
    )
    .await;
    // The start marker and the unpaced burst: at 20/s these would take 5 s.
    assert_eq!(results(&r.messages(101, b"\n").await).len(), 101);
    let burst = started.elapsed();
    assert!(burst < Duration::from_secs(4), "burst took {burst:?}");
    // Then 20 events per second: the 21st after the burst is due 1 s after its first (less the
    // head start the writer may have had while this reader was behind).
    let paced = std::time::Instant::now();
    assert_eq!(results(&r.messages(21, b"\n").await).len(), 21);
    let took = paced.elapsed();
    assert!(
        took >= Duration::from_millis(600),
        "21 paced events in {took:?}"
    );
}

#[tokio::test]
async fn a_flood_from_the_pool_has_fresh_ids_and_times() {
    let sim = start(Config {
        traffic: Traffic::Flood,
        flood_pool_events: 40,
        ..quiet()
    })
    .await;
    for _ in 0..200 {
        if sim.state.flood_pool.get().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(sim.state.flood_pool.get().is_some(), "the pool is built");
    let body = r#"{"identifiers":[{"application_ids":{"application_id":"soil-sensors"}},{"gateway_ids":{"gateway_id":"rooftop-gw-01"}}]}"#;
    let mut r = stream(sim.addr, "?end_after=300", Some(DEMO_API_KEY), SSE, body).await;
    let got = results(&r.messages(1000, D2).await);
    assert_eq!(
        got.len(),
        301,
        "the start marker and 300 events, more than the pool holds"
    );
    let mut uids: Vec<&str> = got.iter().filter_map(|e| e["unique_id"].as_str()).collect();
    uids.sort_unstable();
    uids.dedup();
    assert_eq!(uids.len(), 301, "every unique_id differs");
    let first = eventline_sim::clock::parse_rfc3339(got[1]["time"].as_str().unwrap_or_default());
    assert!(
        first.is_some_and(|t| (now() - t).abs() < 60_000_000_000),
        "times are now"
    );
}
