//! The generated flows against the ground truth of `data/example-events.jsonl`: which
//! correlation IDs each event of an uplink heard by several gateways, a join and a confirmed
//! downlink carries; one frame, one `raw_payload` at every gateway; fresh message IDs per
//! message; and the timing of a flow (hops of milliseconds, the NS de-duplication window, the
//! 1 s and 5 s receive windows), events in time order, flows overlapping.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde_json::Value;

use super::Generator;
use crate::clock::{parse_rfc3339, Nanos};
use crate::fleet::Fleet;

const MS: Nanos = 1_000_000;

fn stream(seed: u64, n: usize) -> Vec<Value> {
    let mut g = Generator::new(Fleet::demo(seed), seed, 300);
    (0..n)
        .map(|_| g.next_event(1_730_106_842_000_000_000))
        .collect()
}

fn cids(e: &Value) -> Vec<&str> {
    e["correlation_ids"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn with_prefix<'a>(e: &'a Value, prefix: &str) -> Vec<&'a str> {
    cids(e)
        .into_iter()
        .filter(|c| c.starts_with(prefix))
        .collect()
}

fn one<'a>(e: &'a Value, prefix: &str) -> &'a str {
    let found = with_prefix(e, prefix);
    assert_eq!(found.len(), 1, "{prefix} in {}: {found:?}", e["name"]);
    found[0]
}

fn time(e: &Value) -> Nanos {
    parse_rfc3339(e["time"].as_str().unwrap_or_default()).unwrap_or_default()
}

fn at(v: &Value) -> Nanos {
    parse_rfc3339(v.as_str().unwrap_or_default()).unwrap_or_default()
}

fn named<'a>(events: &'a [Value], name: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["name"] == name).collect()
}

/// The events by correlation ID, in stream order.
fn index(events: &[Value]) -> HashMap<&str, Vec<&Value>> {
    let mut by: HashMap<&str, Vec<&Value>> = HashMap::new();
    for e in events {
        for c in cids(e) {
            by.entry(c).or_default().push(e);
        }
    }
    by
}

/// The events carrying correlation ID `cid`.
fn carrying<'a>(by: &HashMap<&str, Vec<&'a Value>>, cid: &str) -> Vec<&'a Value> {
    by.get(cid).cloned().unwrap_or_default()
}

fn gateway_id(e: &Value) -> &str {
    e["identifiers"][0]["gateway_ids"]["gateway_id"]
        .as_str()
        .unwrap_or_default()
}

#[test]
fn one_uplink_heard_by_several_gateways() {
    let events = stream(5, 6000);
    let by = index(&events);
    let mut by_frame: HashMap<&str, Vec<&Value>> = HashMap::new();
    for r in named(&events, "gs.up.receive") {
        let raw = r["data"]["message"]["raw_payload"]
            .as_str()
            .unwrap_or_default();
        by_frame.entry(raw).or_default().push(r);
    }
    let mut counts = BTreeSet::new();
    // Flows the stream ends in the middle of are incomplete: only those processed 1 s before.
    let end = events.last().map_or(0, time);
    let done = |e: &&Value| time(e) + 1000 * MS < end;
    for process in named(&events, "ns.up.data.process")
        .into_iter()
        .filter(done)
    {
        let rx = process["data"]["rx_metadata"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let ns_uplink = one(process, "ns:uplink:");
        let raw = &process["data"]["raw_payload"];
        // Every gateway reported the same frame with its own gs:uplink ID and reception.
        let receives = by_frame
            .get(raw.as_str().unwrap_or_default())
            .cloned()
            .unwrap_or_default();
        assert_eq!(receives.len(), rx.len(), "one gs.up.receive per gateway");
        counts.insert(rx.len());
        let mut ups = HashSet::new();
        for r in &receives {
            let c = cids(r);
            assert_eq!(c.len(), 2, "only its connection and uplink: {c:?}");
            ups.insert(one(r, "gs:uplink:"));
            let m = &r["data"]["message"];
            let settings = &process["data"]["settings"];
            assert_eq!(m["settings"]["data_rate"], settings["data_rate"]);
            assert_eq!(m["settings"]["frequency"], settings["frequency"]);
            let own = &m["rx_metadata"][0];
            assert_eq!(own["gateway_ids"]["gateway_id"], gateway_id(r));
            assert_eq!(m["settings"]["timestamp"], own["timestamp"]);
            let merged = rx
                .iter()
                .find(|x| x["gateway_ids"] == own["gateway_ids"])
                .cloned()
                .unwrap_or_default();
            for k in [
                "uplink_token",
                "rssi",
                "snr",
                "channel_index",
                "timestamp",
                "received_at",
            ] {
                assert_eq!(own[k], merged[k], "{k} as the NS merged it");
            }
            // Its gs.up.forward: its connection, host and uplink only.
            let forward: Vec<&Value> = carrying(&by, one(r, "gs:uplink:"))
                .into_iter()
                .filter(|e| e["name"] == "gs.up.forward")
                .collect();
            assert_eq!(forward.len(), 1);
            assert_eq!(cids(forward[0]).len(), 3);
            assert_eq!(gateway_id(forward[0]), gateway_id(r));
        }
        assert_eq!(ups.len(), rx.len(), "a gs:uplink ID per gateway");
        // The NS and AS events: one ns:uplink, only the first reception's gateway IDs.
        let first = receives.iter().min_by_key(|e| time(e)).copied();
        let first_up = first.map(|f| one(f, "gs:uplink:")).unwrap_or_default();
        for e in carrying(&by, ns_uplink) {
            let name = e["name"].as_str().unwrap_or_default();
            if !(name.starts_with("ns.up.") || name.starts_with("as.up.")) {
                continue;
            }
            assert_eq!(one(e, "gs:uplink:"), first_up, "{name}");
            one(e, "gs:conn:");
            one(e, "gs:up:host:");
            one(e, "rpc:/ttn.lorawan.v3.GsNs/HandleUplink:");
            if name.starts_with("as.") {
                one(e, "as:up:");
                one(e, "rpc:/ttn.lorawan.v3.NsAs/HandleUplink:");
            }
            let listed = e["data"]["rx_metadata"]
                .as_array()
                .or(e["data"]["uplink_message"]["rx_metadata"].as_array())
                .map(Vec::len);
            match name {
                "ns.up.data.receive" => assert_eq!(listed, Some(1), "the first report"),
                "ns.up.data.process" | "ns.up.data.forward" | "as.up.data.forward" => {
                    assert_eq!(listed, Some(rx.len()), "{name}: every gateway")
                }
                _ => {}
            }
        }
    }
    assert!(counts.contains(&2) && counts.contains(&3), "{counts:?}");
}

#[test]
fn the_join_server_answers_with_its_rpc_id_only() {
    let events = stream(3, 8000);
    let by = index(&events);
    let accepts = named(&events, "js.join.accept");
    let rejects = named(&events, "js.join.reject");
    assert!(!accepts.is_empty() && !rejects.is_empty());
    for e in accepts.iter().chain(&rejects) {
        let c = cids(e);
        assert_eq!(c.len(), 1, "{c:?}");
        assert!(c[0].starts_with("rpc:/ttn.lorawan.v3.NsJs/HandleJoin:"));
    }
    // The rejoining device of the demo scenarios: DevNonce too small; the others: reused.
    let error = |e: &Value| match e["identifiers"][0]["device_ids"]["device_id"].as_str() {
        Some("soil-node-02") => "dev_nonce_too_small",
        _ => "reuse_dev_nonce",
    };
    for e in &rejects {
        assert_eq!(e["data"]["name"], error(e));
    }
    // A rejected join: the NS reports the failure with the uplink's IDs, and schedules nothing.
    for fail in named(&events, "ns.up.join.cluster.fail") {
        let up = one(fail, "ns:uplink:");
        let names: Vec<&str> = carrying(&by, up)
            .iter()
            .filter_map(|e| e["name"].as_str())
            .collect();
        assert_eq!(
            names,
            [
                "ns.up.join.receive",
                "ns.up.join.cluster.attempt",
                "ns.up.join.cluster.fail"
            ]
        );
        assert_eq!(fail["data"]["name"], error(fail));
    }
}

/// The uplink events (`ns.up.data.process`) by their `gs:uplink` ID.
fn uplinks(events: &[Value]) -> HashMap<&str, &Value> {
    named(events, "ns.up.data.process")
        .into_iter()
        .map(|e| (one(e, "gs:uplink:"), e))
        .collect()
}

#[test]
fn a_confirmed_downlink_is_sent_after_the_next_uplink_and_acknowledged_by_the_one_after() {
    confirmed_downlinks(&stream(8, 8000));
    // At a high rate a device's flows overlap; a downlink is still acknowledged only after it
    // went on air.
    let mut g = Generator::new(Fleet::demo(8), 8, 300).with_rate(2000.0);
    let events: Vec<Value> = (0..8000).map(|_| g.next_event(0)).collect();
    confirmed_downlinks(&events);
}

fn confirmed_downlinks(events: &[Value]) {
    let by = index(events);
    let ups = uplinks(events);
    // Downlinks whose flow ended before the stream did.
    let end = time(&events[events.len() - 1]) - 2000 * MS;
    let attempts: Vec<&Value> = named(events, "ns.down.data.schedule.attempt")
        .into_iter()
        .filter(|e| time(e) < end)
        .collect();
    assert!(attempts.len() >= 5, "{} downlinks", attempts.len());
    for attempt in attempts {
        let dl = one(attempt, "as:downlink:");
        let push = one(attempt, "rpc:/ttn.lorawan.v3.AppAs/DownlinkQueuePush:");
        for p in [
            "ns:downlink:",
            "ns:transmission:",
            "gs:conn:",
            "gs:up:host:",
            "ns:uplink:",
        ] {
            one(attempt, p);
        }
        one(attempt, "rpc:/ttn.lorawan.v3.GsNs/HandleUplink:");
        // The push carried the downlink's own IDs only.
        for name in ["as.down.data.receive", "as.down.data.forward"] {
            let pushed: Vec<&Value> = carrying(&by, dl)
                .into_iter()
                .filter(|e| e["name"] == name)
                .collect();
            assert_eq!(pushed.len(), 1);
            assert_eq!(cids(pushed[0]), {
                let mut v = vec![dl, push];
                v.sort_unstable();
                v
            });
        }
        // The triggering uplink: its IDs, and the gateway that heard it best.
        let up = ups.get(one(attempt, "gs:uplink:")).copied();
        let up = up.unwrap_or_else(|| panic!("no uplink for {dl}"));
        assert_eq!(one(up, "ns:uplink:"), one(attempt, "ns:uplink:"));
        let best = up["data"]["rx_metadata"]
            .as_array()
            .and_then(|rx| {
                rx.iter().max_by(|a, b| {
                    let k = |x: &Value| (x["snr"].as_f64(), x["rssi"].as_i64());
                    k(a).partial_cmp(&k(b)).unwrap_or(std::cmp::Ordering::Equal)
                })
            })
            .cloned()
            .unwrap_or_default();
        let tx = one(attempt, "ns:transmission:");
        let flow = carrying(&by, tx);
        let find = |name: &str| flow.iter().find(|e| e["name"] == name).copied();
        let send = find("gs.down.send").unwrap_or_else(|| panic!("no send for {dl}"));
        assert_eq!(gateway_id(send), best["gateway_ids"]["gateway_id"]);
        one(send, "rpc:/ttn.lorawan.v3.NsGs/ScheduleDownlink:");
        assert_eq!(one(send, "gs:uplink:"), one(up, "gs:uplink:"));
        let success = find("ns.down.data.schedule.success").unwrap_or(&Value::Null);
        assert_eq!(success["data"]["rx1"], true);
        assert_eq!(
            success["data"]["downlink_path"]["uplink_token"],
            best["uplink_token"]
        );
        let acked = find("gs.txack.receive").unwrap_or(&Value::Null);
        let tx_ack = one(acked, "gs:tx_ack:");
        // As the Network Server's ReportTxAcknowledgment: transmitted and sent, or failed.
        let (ns, app) = if find("gs.down.tx.success").is_some() {
            ("ns.down.transmission.success", "as.down.data.sent.forward")
        } else {
            assert!(find("gs.down.tx.fail").is_some(), "no tx result for {dl}");
            ("ns.down.transmission.fail", "as.down.data.failed.forward")
        };
        let ns = find(ns).unwrap_or_else(|| panic!("no {ns} for {dl}"));
        let app = find(app).unwrap_or_else(|| panic!("no {app} for {dl}"));
        for e in [ns, app] {
            assert_eq!(one(e, "as:downlink:"), dl);
            assert_eq!(one(e, "gs:tx_ack:"), tx_ack);
            assert!(time(e) > time(acked));
        }
        if app["name"] == "as.down.data.failed.forward" {
            let error = &app["data"]["downlink_failed"]["error"];
            assert_eq!(error["name"], "transmission");
            assert_eq!(error["attributes"]["result"], acked["data"]["result"]);
            assert_eq!(ns["data"]["correlation_id"], error["correlation_id"]);
        }
        // The data downlink goes out in Rx1: 1 s after the gateway received the uplink.
        let received = best["received_at"].clone();
        let window = time(acked) - at(&received);
        assert!(
            (1000 * MS..1040 * MS).contains(&window),
            "tx ack {window} ns after"
        );
        assert!(time(send) < at(&received) + 1000 * MS);
        assert!(
            time(attempt) > time(up),
            "scheduled after the uplink was processed"
        );
        // Acknowledged (or not) by a later uplink, whose IDs it carries.
        let answer = carrying(&by, dl).into_iter().find(|e| {
            e["name"] == "as.down.data.ack.forward" || e["name"] == "as.down.data.nack.forward"
        });
        if let Some(answer) = answer {
            let by = ups
                .get(one(answer, "gs:uplink:"))
                .copied()
                .unwrap_or(&Value::Null);
            assert_ne!(
                one(answer, "gs:uplink:"),
                one(up, "gs:uplink:"),
                "the next uplink"
            );
            assert_eq!(one(answer, "ns:uplink:"), one(by, "ns:uplink:"));
            one(answer, "as:up:");
            assert!(time(answer) > time(acked));
            let own = &answer["data"]["downlink_ack"]["correlation_ids"];
            let own = if own.is_null() {
                &answer["data"]["downlink_nack"]["correlation_ids"]
            } else {
                own
            };
            assert_eq!(
                own.as_array().map(Vec::len),
                Some(2),
                "the downlink's own IDs"
            );
        }
    }
    // Nacks come from the scenario device (tests_scenarios) and by chance here.
    let answers = named(events, "as.down.data.ack.forward").len()
        + named(events, "as.down.data.nack.forward").len();
    assert!(answers > 0, "no downlink was acknowledged or not");
    assert!(!named(events, "gs.down.tx.fail").is_empty());
    assert!(!named(events, "as.down.data.failed.forward").is_empty());
}

#[test]
fn every_message_gets_fresh_ids_and_connections_keep_theirs() {
    let events = stream(11, 6000);
    // A message ID names one frame (one raw_payload) of one entity.
    let mut frames: HashMap<&str, HashSet<String>> = HashMap::new();
    for e in &events {
        let raw = &e["data"]["raw_payload"];
        let raw = if raw.is_null() {
            &e["data"]["message"]["raw_payload"]
        } else {
            raw
        };
        let Some(raw) = raw.as_str() else { continue };
        if !e["name"].as_str().is_some_and(|n| n.contains(".up.")) {
            continue;
        }
        for c in with_prefix(e, "gs:uplink:")
            .into_iter()
            .chain(with_prefix(e, "ns:uplink:"))
        {
            frames.entry(c).or_default().insert(raw.to_owned());
        }
    }
    assert!(frames.len() > 500);
    assert!(
        frames.values().all(|f| f.len() == 1),
        "a message ID spans frames"
    );
    // Connection IDs are shared by every message of a connection.
    let conns: HashSet<&str> = events
        .iter()
        .flat_map(|e| with_prefix(e, "gs:conn:"))
        .collect();
    let connects = named(&events, "gs.gateway.connect").len();
    assert_eq!(conns.len(), connects);
    let hosts: HashSet<&str> = events
        .iter()
        .flat_map(|e| with_prefix(e, "gs:up:host:"))
        .collect();
    assert_eq!(hosts.len(), connects);
}

#[test]
fn events_leave_in_time_order_and_flows_overlap() {
    let events = stream(2, 5000);
    let times: Vec<Nanos> = events.iter().map(time).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "time order");
    // Between a join-request and its join-accept (5 s), other flows go on.
    let join = named(&events, "ns.up.join.receive")[0];
    let up = one(join, "ns:uplink:");
    let flow: Vec<usize> = (0..events.len())
        .filter(|&i| cids(&events[i]).contains(&up))
        .collect();
    let (first, last) = (flow[0], flow[flow.len() - 1]);
    assert!(last - first + 1 > flow.len(), "nothing interleaves");
}

#[test]
fn a_join_accept_goes_out_in_the_5_s_window_and_hops_take_milliseconds() {
    let events = stream(4, 8000);
    let by = index(&events);
    let accepts = named(&events, "js.join.accept");
    let mut joins = 0;
    for receive in named(&events, "ns.up.join.receive") {
        let up = one(receive, "gs:uplink:");
        let flow = carrying(&by, up);
        let find = |name: &str| flow.iter().find(|e| e["name"] == name).copied();
        let Some(send) = find("gs.down.send") else {
            continue; // rejected
        };
        joins += 1;
        let gs = find("gs.up.receive").unwrap_or(&Value::Null);
        let received = at(&gs["data"]["message"]["received_at"]);
        let hop = time(receive) - time(gs);
        assert!((0..15 * MS).contains(&hop), "GS→NS {hop}");
        let process = find("ns.up.join.process").unwrap_or(&Value::Null);
        let window = time(process) - time(receive);
        assert!(
            (190 * MS..215 * MS).contains(&window),
            "de-duplication {window}"
        );
        let sent = time(send) - time(gs);
        assert!(
            (4500 * MS..5000 * MS).contains(&sent),
            "join-accept sent {sent} after"
        );
        let acked = find("gs.txack.receive").unwrap_or(&Value::Null);
        let tx = time(acked) - received;
        assert!(
            (5000 * MS..5040 * MS).contains(&tx),
            "join-accept on air {tx} after"
        );
        // The Join Server's answer: same device, between the attempt and the success.
        let device = &receive["identifiers"][0]["device_ids"]["device_id"];
        let attempt = find("ns.up.join.cluster.attempt").map_or(0, time);
        let success = find("ns.up.join.cluster.success").map_or(0, time);
        assert!(accepts.iter().any(|e| {
            &e["identifiers"][0]["device_ids"]["device_id"] == device
                && (attempt..=success).contains(&time(e))
        }));
    }
    assert!(joins >= 3, "{joins} joins");
    for process in named(&events, "ns.up.data.process") {
        let up = one(process, "ns:uplink:");
        let receive = carrying(&by, up)
            .into_iter()
            .find(|e| e["name"] == "ns.up.data.receive")
            .map_or(0, time);
        let window = time(process) - receive;
        assert!(
            (190 * MS..215 * MS).contains(&window),
            "de-duplication {window}"
        );
    }
}

#[test]
fn the_rate_is_events_per_virtual_second_on_average() {
    for rate in [2.0, 50.0] {
        let mut g = Generator::new(Fleet::demo(1), 1, 300).with_rate(rate);
        let events: Vec<Value> = (0..4000).map(|_| g.next_event(0)).collect();
        let span = (time(&events[3999]) - time(&events[0])) as f64 / 1e9;
        let measured = 4000.0 / span;
        assert!(
            (rate * 0.8..rate * 1.25).contains(&measured),
            "{measured:.2} events/s at rate {rate}"
        );
    }
}
