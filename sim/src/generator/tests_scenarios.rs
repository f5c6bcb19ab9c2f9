//! The demo fleet's named scenarios at the default demo rate (5 events/s, as `cargo xtask demo`
//! runs the simulator), for several seeds: the lossy device's FCnt gaps, the rejoining device's
//! rejected-then-accepted episodes, the downlink device's acked / nacked / too-late rotation,
//! the device heard near, mid and far, the weak device, the flaky gateway (a minute offline);
//! and `consumed_airtime` as LoRa time on air.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::payload::{airtime, proto_duration};
use super::schedule::SEC;
use super::Generator;
use crate::clock::{parse_rfc3339, Nanos};
use crate::fleet::Fleet;

const SEEDS: [u64; 4] = [1, 2, 7, 42];

/// The first `secs` seconds of the demo (virtual time 0 = the first event's anchor).
fn demo(seed: u64, secs: i64) -> Vec<Value> {
    let mut g = Generator::new(Fleet::demo(seed), seed, 300).with_rate(5.0);
    let mut out = Vec::new();
    loop {
        let e = g.next_event(0);
        if time(&e) >= secs * SEC {
            return out;
        }
        out.push(e);
    }
}

fn time(e: &Value) -> Nanos {
    parse_rfc3339(e["time"].as_str().unwrap_or_default()).unwrap_or_default()
}

fn secs(t: Nanos) -> f64 {
    t as f64 / SEC as f64
}

fn device(e: &Value) -> &str {
    e["identifiers"][0]["device_ids"]["device_id"]
        .as_str()
        .unwrap_or_default()
}

fn gateway(e: &Value) -> &str {
    e["identifiers"][0]["gateway_ids"]["gateway_id"]
        .as_str()
        .unwrap_or_default()
}

fn of<'a>(events: &'a [Value], name: &str, dev: &str) -> Vec<&'a Value> {
    events
        .iter()
        .filter(|e| e["name"] == name && device(e) == dev)
        .collect()
}

fn cids(e: &Value) -> Vec<&str> {
    e["correlation_ids"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn with_prefix<'a>(e: &'a Value, prefix: &str) -> Option<&'a str> {
    cids(e).into_iter().find(|c| c.starts_with(prefix))
}

/// An uplink as the Network Server processed it: (time, FCnt, DevAddr, receptions).
fn uplinks<'a>(events: &'a [Value], dev: &str) -> Vec<(Nanos, u64, &'a str, &'a Vec<Value>)> {
    static EMPTY: Vec<Value> = Vec::new();
    of(events, "ns.up.data.process", dev)
        .into_iter()
        .map(|e| {
            let f_hdr = &e["data"]["payload"]["mac_payload"]["f_hdr"];
            (
                time(e),
                f_hdr["f_cnt"].as_u64().unwrap_or(u64::MAX),
                f_hdr["dev_addr"].as_str().unwrap_or_default(),
                e["data"]["rx_metadata"].as_array().unwrap_or(&EMPTY),
            )
        })
        .collect()
}

#[test]
fn the_lossy_device_skips_frame_counters() {
    for seed in SEEDS {
        let events = demo(seed, 900);
        let ups = uplinks(&events, "fridge-02");
        assert!(ups.len() >= 12, "seed {seed}: {} uplinks", ups.len());
        let mut gaps = Vec::new();
        for (i, w) in ups.windows(2).enumerate() {
            let (a, b) = (w[0].1, w[1].1);
            if w[0].2 != w[1].2 {
                assert_eq!(b, 0, "seed {seed}: a new session starts at FCnt 0");
                continue;
            }
            // Every uplink increments FCnt; 1–3 lost ones make a gap.
            assert!(
                (a + 1..=a + 4).contains(&b),
                "seed {seed}: FCnt {a} then {b}"
            );
            if b > a + 1 {
                gaps.push((i + 1, b - a - 1, secs(w[1].0)));
            }
        }
        assert!(
            gaps.first().is_some_and(|g| g.0 < 10),
            "seed {seed}: gaps (uplink index, lost, s) {gaps:?}"
        );
        assert!(gaps.len() >= 2, "seed {seed}: {gaps:?}");
        // Nothing of a lost uplink reaches the stream.
        let heard: HashSet<(&str, u64)> = ups.iter().map(|u| (u.2, u.1)).collect();
        for w in ups.windows(2).filter(|w| w[0].2 == w[1].2) {
            for lost in w[0].1 + 1..w[1].1 {
                assert!(!heard.contains(&(w[0].2, lost)));
            }
        }
        // Other devices count without gaps.
        for dev in ["soil-node-01", "soil-node-03", "fridge-01", "fridge-03"] {
            let ups = uplinks(&events, dev);
            for w in ups.windows(2).filter(|w| w[0].2 == w[1].2) {
                assert_eq!(w[1].1, w[0].1 + 1, "seed {seed}: {dev}");
            }
        }
    }
}

#[test]
fn the_rejoining_device_is_rejected_then_accepted_with_a_new_session() {
    for seed in SEEDS {
        let events = demo(seed, 400);
        let rejects = of(&events, "js.join.reject", "soil-node-02");
        let accepts = of(&events, "js.join.accept", "soil-node-02");
        assert!(
            rejects.len() >= 3,
            "seed {seed}: {} episodes",
            rejects.len()
        );
        assert!(time(rejects[0]) < 10 * SEC, "seed {seed}: first reject");
        let fails = of(&events, "ns.up.join.cluster.fail", "soil-node-02");
        assert_eq!(fails.len(), rejects.len());
        let requests = of(&events, "ns.up.join.receive", "soil-node-02");
        let nonce = |t: Nanos| {
            requests
                .iter()
                .rfind(|r| time(r) <= t)
                .and_then(|r| r["data"]["payload"]["join_request_payload"]["dev_nonce"].as_str())
                .and_then(|n| u16::from_str_radix(n, 16).ok())
        };
        for (reject, fail) in rejects.iter().zip(&fails) {
            let error = &reject["data"];
            assert_eq!(error["namespace"], "pkg/joinserver");
            assert_eq!(error["name"], "dev_nonce_too_small");
            assert_eq!(error["message_format"], "DevNonce is too small");
            assert_eq!(error["code"], 3);
            assert_eq!(
                error["@type"],
                "type.googleapis.com/ttn.lorawan.v3.ErrorDetails"
            );
            assert_eq!(&fail["data"], error, "the NS reports the JS's error");
            // A retry a few seconds later is accepted: a join-accept, a new DevAddr.
            let t = time(reject);
            let accept = accepts
                .iter()
                .find(|a| time(a) > t)
                .unwrap_or_else(|| panic!("seed {seed}: no retry after {}", secs(t)));
            let retry = time(accept) - t;
            assert!((5 * SEC..12 * SEC).contains(&retry), "seed {seed}: {retry}");
            let (rejected, retried) = (nonce(t), nonce(time(accept)));
            assert!(
                rejected.is_some() && retried.is_some() && rejected < retried,
                "the retry's DevNonce is larger: {rejected:?} {retried:?}"
            );
            let forward = of(&events, "as.up.join.forward", "soil-node-02")
                .into_iter()
                .find(|e| time(e) > time(accept));
            let forward = forward.unwrap_or_else(|| panic!("seed {seed}: no join-accept"));
            let before = fail["identifiers"][0]["device_ids"]["dev_addr"].as_str();
            let after = forward["identifiers"][0]["device_ids"]["dev_addr"].as_str();
            assert!(after.is_some() && before != after, "{before:?} → {after:?}");
            // The new session's first uplink: FCnt 0.
            let ups = uplinks(&events, "soil-node-02");
            if let Some(up) = ups.iter().find(|u| u.0 > time(accept)) {
                if Some(up.2) == after {
                    assert_eq!(up.1, 0, "seed {seed}");
                }
            }
        }
        if seed == 1 {
            let accepted = accepts.first().map_or(0, |a| time(a));
            eprintln!(
                "rejoin: rejected at {:.1} s, accepted at {:.1} s",
                secs(time(rejects[0])),
                secs(accepted)
            );
        }
        assert!(accepts.first().is_some_and(|a| time(a) < 20 * SEC));
        // No other device's join fails that way.
        assert!(events
            .iter()
            .filter(|e| e["name"] == "js.join.reject" && device(e) != "soil-node-02")
            .all(|e| e["data"]["name"] == "reuse_dev_nonce"));
    }
}

/// Each confirmed downlink of `dev` by its `as:downlink:` ID, in push order, with what it came
/// to and when that was known.
fn downlink_outcomes(events: &[Value], dev: &str) -> Vec<(&'static str, Nanos)> {
    let pushed: Vec<&str> = of(events, "as.down.data.forward", dev)
        .into_iter()
        .filter_map(|e| with_prefix(e, "as:downlink:"))
        .collect();
    let mut by: HashMap<&str, Vec<&Value>> = HashMap::new();
    for e in events {
        for c in cids(e) {
            by.entry(c).or_default().push(e);
        }
    }
    let mut out = Vec::new();
    for id in pushed {
        let flow = by.get(id).cloned().unwrap_or_default();
        let find = |name: &str| flow.iter().find(|e| e["name"] == name).copied();
        let outcome = if let Some(fail) = find("gs.down.tx.fail") {
            assert_eq!(fail["data"]["value"], 2, "TOO_LATE");
            let ack = find("gs.txack.receive").unwrap_or(&Value::Null);
            assert_eq!(ack["data"]["result"], "TOO_LATE");
            let failed = find("as.down.data.failed.forward").unwrap_or(&Value::Null);
            let error = &failed["data"]["downlink_failed"]["error"];
            assert_eq!(error["attributes"]["result"], "TOO_LATE");
            assert!(find("ns.down.transmission.fail").is_some());
            Some(("too late", time(fail)))
        } else if let Some(a) = find("as.down.data.ack.forward") {
            Some(("ack", time(a)))
        } else {
            find("as.down.data.nack.forward").map(|n| ("nack", time(n)))
        };
        match outcome {
            Some(o) => out.push(o),
            None => break, // still on its way when the stream ends
        }
    }
    out
}

#[test]
fn the_downlink_device_gets_acked_nacked_and_too_late_in_turn() {
    for seed in SEEDS {
        let events = demo(seed, 300);
        let outcomes = downlink_outcomes(&events, "fridge-01");
        let kinds: Vec<&str> = outcomes.iter().map(|o| o.0).collect();
        assert!(kinds.len() >= 6, "seed {seed}: {kinds:?}");
        for (i, k) in kinds.iter().enumerate() {
            assert_eq!(
                *k,
                ["ack", "nack", "too late"][i % 3],
                "seed {seed}: {kinds:?}"
            );
        }
        let all_known = outcomes.iter().take(3).map(|o| o.1).max().unwrap_or(0);
        if seed == 1 {
            eprintln!("downlinks: {outcomes:?}");
        }
        assert!(all_known < 30 * SEC, "seed {seed}: {outcomes:?}");
    }
}

/// When each gateway was disconnected: (gateway, from, to; `Nanos::MAX` if still).
fn offline(events: &[Value]) -> Vec<(&str, Nanos, Nanos)> {
    let mut out = Vec::new();
    for (i, e) in events.iter().enumerate() {
        if e["name"] != "gs.gateway.disconnect" {
            continue;
        }
        let gw = gateway(e);
        let back = events[i + 1..]
            .iter()
            .find(|c| c["name"] == "gs.gateway.connect" && gateway(c) == gw);
        out.push((gw, time(e), back.map_or(Nanos::MAX, time)));
    }
    out
}

/// When an uplink was sent: its first reception.
fn sent_at(rx: &[Value]) -> Nanos {
    rx.iter()
        .filter_map(|r| r["received_at"].as_str().and_then(parse_rfc3339))
        .min()
        .unwrap_or_default()
}

#[test]
fn a_device_is_heard_near_mid_and_far_and_another_is_weak() {
    type Band = (i64, i64, f64, f64);
    let bands: HashMap<&str, Band> = HashMap::from([
        ("rooftop-gw-01", (-85, -70, 7.0, 10.0)),
        ("warehouse-ttig", (-105, -95, -2.0, 3.0)),
        ("parking-gw-north", (-120, -112, -14.0, -9.0)),
    ]);
    for seed in SEEDS {
        let events = demo(seed, 600);
        let windows = offline(&events);
        assert!(
            windows.iter().any(|w| w.0 == "parking-gw-north"),
            "seed {seed}"
        );
        let ups = uplinks(&events, "soil-node-01");
        assert!(ups.len() >= 10, "seed {seed}: {} uplinks", ups.len());
        let mut all_three = 0;
        for up in &ups {
            let t = sent_at(up.3);
            let heard: HashSet<&str> =
                up.3.iter()
                    .filter_map(|rx| rx["gateway_ids"]["gateway_id"].as_str())
                    .collect();
            // Every gateway that is connected hears it; none that is not. (A gateway goes
            // once the frames it is hearing are over: the seconds before, either.)
            for gw in bands.keys() {
                let off = windows
                    .iter()
                    .any(|w| w.0 == *gw && (w.1..w.2).contains(&t));
                let going = windows
                    .iter()
                    .any(|w| w.0 == *gw && (w.1 - 10 * SEC..w.2).contains(&t));
                let why = format!("seed {seed}: {gw} at {:.1} s, heard by {heard:?}", secs(t));
                if off {
                    assert!(!heard.contains(gw), "{why}");
                } else if !going {
                    assert!(heard.contains(gw), "{why}");
                }
            }
            all_three += usize::from(heard.len() == 3);
            for rx in up.3 {
                let gw = rx["gateway_ids"]["gateway_id"].as_str().unwrap_or_default();
                let (lo, hi, snr_lo, snr_hi) = bands[gw];
                let (rssi, snr) = (rx["rssi"].as_i64().unwrap_or(0), rx["snr"].as_f64());
                assert!((lo..=hi).contains(&rssi), "{gw}: RSSI {rssi}");
                assert!(
                    snr.is_some_and(|s| (snr_lo..=snr_hi).contains(&s)),
                    "{gw}: {snr:?}"
                );
            }
        }
        assert!(
            all_three >= 3,
            "seed {seed}: {all_three}/{} by all three",
            ups.len()
        );
        let weak = uplinks(&events, "fridge-03");
        assert!(weak.len() >= 10, "seed {seed}: {} uplinks", weak.len());
        // Every reception of its uplinks and join-requests is weak.
        let frames = events.iter().filter(|e| {
            device(e) == "fridge-03"
                && ["ns.up.data.process", "ns.up.join.receive"]
                    .contains(&e["name"].as_str().unwrap_or_default())
        });
        for e in frames {
            for rx in e["data"]["rx_metadata"].as_array().into_iter().flatten() {
                let rssi = rx["rssi"].as_i64();
                assert!(
                    rssi.is_some_and(|r| r < -110),
                    "seed {seed}: {}: {rssi:?}",
                    e["name"]
                );
            }
            let sf = &e["data"]["settings"]["data_rate"]["lora"]["spreading_factor"];
            assert!(sf == 11 || sf == 12, "{}: SF {sf}", e["name"]);
        }
        // Other devices are heard at RSSIs above that, most of the time.
        let strong = uplinks(&events, "soil-node-03")
            .iter()
            .filter(|u| u.3.iter().filter_map(|rx| rx["rssi"].as_i64()).max() >= Some(-110))
            .count();
        assert!(strong > 0, "seed {seed}");
    }
}

#[test]
fn the_flaky_gateway_disconnects_and_reconnects_a_minute_later() {
    for seed in SEEDS {
        let events = demo(seed, 600);
        let north: Vec<&Value> = events
            .iter()
            .filter(|e| gateway(e) == "parking-gw-north")
            .collect();
        let downs: Vec<usize> = (0..north.len())
            .filter(|&i| north[i]["name"] == "gs.gateway.disconnect")
            .collect();
        assert!(
            downs.len() >= 3,
            "seed {seed}: {} disconnections",
            downs.len()
        );
        assert!(time(north[downs[0]]) < 50 * SEC);
        let mut back = 0;
        for &i in &downs {
            let gone = time(north[i]);
            let old = with_prefix(north[i], "gs:conn:");
            let Some(j) = (i + 1..north.len()).find(|&j| north[j]["name"] == "gs.gateway.connect")
            else {
                continue; // the stream ended first
            };
            back += 1;
            let offline = time(north[j]) - gone;
            assert!(
                (55 * SEC..=65 * SEC).contains(&offline),
                "seed {seed}: {offline}"
            );
            assert_ne!(with_prefix(north[j], "gs:conn:"), old, "a new connection");
            // Silent while disconnected (the registry may still update it), and in nobody's
            // receptions.
            for e in &north[i + 1..j] {
                assert!(!e["name"].as_str().is_some_and(|n| n.starts_with("gs.")));
            }
            for e in events
                .iter()
                .filter(|e| (gone..time(north[j])).contains(&time(e)))
            {
                let rx = e["data"]["rx_metadata"].as_array();
                assert!(rx.is_none_or(|rx| rx
                    .iter()
                    .all(|r| r["gateway_ids"]["gateway_id"] != "parking-gw-north")));
            }
            // Connected again, it reports its status and hears frames again.
            let after = &north[j + 1..];
            assert!(
                after.iter().any(|e| e["name"] == "gs.status.receive"),
                "seed {seed}"
            );
        }
        assert!(back >= 3, "seed {seed}: {back} reconnections");
        let gaps: Vec<Nanos> = downs
            .windows(2)
            .map(|w| time(north[w[1]]) - time(north[w[0]]))
            .collect();
        assert!(
            gaps.iter().all(|g| (175 * SEC..190 * SEC).contains(g)),
            "{gaps:?}"
        );
    }
}

/// Bytes of a base64 string (its length is all that counts here).
fn decoded_len(b64: &str) -> usize {
    let b = b64.trim_end_matches('=');
    b.len() * 3 / 4
}

#[test]
fn consumed_airtime_is_the_time_on_air_of_the_frame() {
    let events = demo(3, 300);
    let mut checked = 0;
    for e in &events {
        let (up, raw_len) = match e["name"].as_str() {
            Some("ns.up.data.receive" | "ns.up.data.process" | "ns.up.join.receive") => (
                &e["data"],
                decoded_len(e["data"]["raw_payload"].as_str().unwrap_or("")),
            ),
            Some("ns.up.data.forward" | "as.up.data.forward") => {
                let m = &e["data"]["uplink_message"];
                (m, decoded_len(m["frm_payload"].as_str().unwrap_or("")) + 13)
            }
            _ => continue,
        };
        let sf = up["settings"]["data_rate"]["lora"]["spreading_factor"].as_u64();
        let sf = sf.unwrap_or(0) as u32;
        let want = proto_duration(airtime(sf, raw_len));
        assert_eq!(up["consumed_airtime"], want.as_str(), "{}", e["name"]);
        checked += 1;
    }
    assert!(checked > 100, "{checked}");
}

#[test]
fn without_scenarios_nothing_is_forced() {
    let mut g = Generator::new(Fleet::demo(1), 1, 300)
        .with_rate(5.0)
        .without_scenarios();
    let events: Vec<Value> = (0..3000).map(|_| g.next_event(0)).collect();
    assert!(events
        .iter()
        .all(|e| e["data"]["name"] != "dev_nonce_too_small"));
    let disconnects = events
        .iter()
        .filter(|e| e["name"] == "gs.gateway.disconnect" && gateway(e) == "parking-gw-north")
        .count();
    assert!(disconnects <= 3, "{disconnects}");
}
