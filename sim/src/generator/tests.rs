//! Generator properties: determinism per seed, catalogue-consistent events, flow mix.

use std::collections::HashSet;

use serde_json::Value;

use super::Generator;
use crate::catalog::catalog;
use crate::fleet::Fleet;

fn run(seed: u64, n: usize) -> Vec<Value> {
    let mut g = Generator::new(Fleet::demo(seed), seed, 300);
    (0..n)
        .map(|i| g.next_event(1_730_106_842_000_000_000 + i as i64 * 1_000_000))
        .collect()
}

fn shape(v: &Value) -> (String, String) {
    (
        v["name"].as_str().unwrap_or_default().to_string(),
        v["identifiers"].to_string(),
    )
}

#[test]
fn same_seed_same_sequence() {
    let a: Vec<_> = run(42, 2000).iter().map(shape).collect();
    let b: Vec<_> = run(42, 2000).iter().map(shape).collect();
    assert_eq!(a, b);
    let c: Vec<_> = run(43, 2000).iter().map(shape).collect();
    assert_ne!(a, c);
}

#[test]
fn events_match_the_catalogue() {
    let events = run(7, 3000);
    let mut uids = HashSet::new();
    for e in &events {
        let name = e["name"].as_str().unwrap_or_default();
        let def = catalog().get(name);
        assert!(def.is_some(), "{name} is not a defined event");
        let rights: Vec<&str> = e["visibility"]["rights"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        assert_eq!(
            rights,
            def.map(|d| d.rights.iter().map(String::as_str).collect::<Vec<_>>())
                .unwrap_or_default()
        );
        assert_eq!(e["context"], serde_json::json!({}));
        assert_eq!(e["origin"], super::ORIGIN);
        let uid = e["unique_id"].as_str().unwrap_or_default();
        assert_eq!(uid.len(), 26);
        assert!(uids.insert(uid.to_string()), "duplicate unique_id");
        let cids: Vec<&str> = e["correlation_ids"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut sorted = cids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(cids, sorted, "correlation_ids sorted and unique");
        if let Some(t) = e["data"]["@type"].as_str() {
            if let Some(dt) = def.and_then(|d| d.data_type.as_deref()) {
                assert!(dt.starts_with(t), "{name}: {t} vs {dt}");
            }
        }
    }
    let names: HashSet<&str> = events.iter().filter_map(|e| e["name"].as_str()).collect();
    for want in [
        "gs.gateway.connect",
        "gs.status.receive",
        "gs.gateway.connection.stats",
        "gs.gateway.disconnect",
        "ns.up.join.receive",
        "js.join.accept",
        "as.up.data.forward",
        "as.down.data.ack.forward",
        "gs.up.drop",
        "ns.up.data.drop",
        "as.up.data.drop",
        "as.up.data.decode.fail",
        "end_device.update",
        "application.collaborator.update",
        "user.update",
    ] {
        assert!(names.contains(want), "{want} never generated");
    }
}

#[test]
fn uplinks_heard_by_one_to_three_gateways() {
    let events = run(9, 1500);
    let counts: HashSet<usize> = events
        .iter()
        .filter(|e| e["name"] == "as.up.data.forward")
        .filter_map(|e| {
            e["data"]["uplink_message"]["rx_metadata"]
                .as_array()
                .map(Vec::len)
        })
        .collect();
    assert!(counts.iter().all(|c| (1..=3).contains(c)));
    assert!(counts.len() >= 2, "{counts:?}");
}

#[test]
fn empty_fleet_does_not_panic() {
    let mut g = Generator::new(Fleet::new(1, 0, 0, 0), 1, 10);
    for i in 0..50 {
        let _ = g.next_event(i);
    }
}
