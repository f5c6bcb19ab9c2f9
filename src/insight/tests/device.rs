//! A device's health: interval, radio, reception, joins, downlinks, problems, the fleet.

use super::*;
use crate::insight::{device_health, fleet, joins, repeated, Column, Outcome};

fn join_request(ms: i64, id: &str) -> Event {
    event(
        "ns.up.join.receive",
        ms,
        &device_ids("A"),
        &[format!("ns:uplink:{id}")],
        r#"{"payload":{"join_request_payload":{"dev_eui":"70B3D57ED0000001","dev_nonce":"00A1"}}}"#,
    )
}

fn js_reject(ms: i64) -> Event {
    event(
        "js.join.reject",
        ms,
        &device_ids("A"),
        &["rpc:/ttn.lorawan.v3.NsJs/HandleJoin:X".to_owned()],
        r#"{"@type":"type.googleapis.com/ttn.lorawan.v3.ErrorDetails","namespace":"pkg/joinserver","name":"dev_nonce_too_small","message_format":"DevNonce is too small","code":3}"#,
    )
}

#[test]
fn joins_are_judged_in_words_and_repeats_flagged() {
    let mut events = vec![
        join_request(0, "J1"),
        event(
            "as.up.join.forward",
            5_000,
            &device_ids("A"),
            &["ns:uplink:J1".to_owned()],
            "null",
        ),
        join_request(60_000, "J2"),
        js_reject(60_010),
        event(
            "ns.up.join.cluster.fail",
            60_011,
            &device_ids("A"),
            &["ns:uplink:J2".to_owned()],
            "null",
        ),
        join_request(120_000, "J3"),
        join_request(200_000, "J4"),
    ];
    events.push(uplink(205_000, 0, "B", 7, &[("gw1", -80.0, 9.0)]));
    let store = store_of(events);
    let now = ns(205_000);
    let j = joins(&store, LANE, now);
    let outcomes: Vec<String> = j.iter().map(|j| j.outcome.text()).collect();
    assert_eq!(
        outcomes,
        [
            "joined",
            "join rejected: DevNonce is too small",
            "join not answered",
            "waiting for the join-accept"
        ]
    );
    assert_eq!(j[0].dev_nonce.as_deref(), Some("00A1"));
    assert_eq!(repeated(&j).as_deref(), Some("4 join-requests in 10 min"));
    assert!(matches!(j[1].outcome, Outcome::Rejected(_)));
}

#[test]
fn a_device_that_only_joins_was_heard() {
    let store = store_of(vec![join_request(0, "J1"), join_request(60_000, "J2")]);
    let h = device_health(&store, LANE, ns(90_000));
    assert_eq!(h.uplinks, 0);
    let thirty_s = ns(90_000) - ns(60_000);
    assert_eq!(
        h.last_seen_ns,
        Some(thirty_s),
        "heard at its last join-request"
    );
    assert_eq!(
        h.longest_silence_ns,
        Some(ns(60_000) - ns(0)),
        "between its two join-requests"
    );
}

#[test]
fn one_failure_told_by_two_components_is_one_problem() {
    let fail = |name: &str, ms: i64, id: &str| {
        event(
            name,
            ms,
            &device_ids("A"),
            &[format!("as:downlink:{id}")],
            r#"{"@type":"type.googleapis.com/ttn.lorawan.v3.ErrorDetails","namespace":"pkg/gatewayserver","name":"too_late","message_format":"too late","code":9}"#,
        )
    };
    let store = store_of(vec![
        fail("ns.down.transmission.fail", 0, "D1"),
        fail("as.down.data.failed.forward", 5, "D1"),
        fail("ns.down.transmission.fail", 60_000, "D2"),
        // The same downlink failing again a minute later: a failure of its own.
        fail("ns.down.transmission.fail", 120_000, "D2"),
        // Two kinds of problem about one uplink are two problems.
        event(
            "as.up.data.decode.fail",
            130_000,
            &device_ids("A"),
            &["as:up:U1".to_owned()],
            "null",
        ),
        event(
            "as.up.data.drop",
            130_001,
            &device_ids("A"),
            &["as:up:U1".to_owned()],
            "null",
        ),
    ]);
    let h = device_health(&store, LANE, ns(131_000));
    let count = |name: &str| -> usize {
        h.problems
            .iter()
            .filter(|p| p.name == name)
            .map(|p| p.count)
            .sum()
    };
    assert_eq!(
        count("ns.down.transmission.fail"),
        3,
        "each failure counted under its first telling: {:?}",
        h.problems
    );
    assert_eq!(count("as.down.data.failed.forward"), 0, "told again");
    assert_eq!(count("as.up.data.decode.fail"), 1);
    assert_eq!(count("as.up.data.drop"), 1, "{:?}", h.problems);
}

#[test]
fn snr_is_judged_at_each_uplinks_spreading_factor() {
    use crate::insight::Quality;
    // Mostly SF7 with good margins; a far gateway hears only the SF12 ones, at
    // −15 dB: 5 dB over SF12's floor (fair), which SF7's would call bad.
    let store = store_of(vec![
        uplink(0, 1, "A", 7, &[("near", -70.0, 5.0)]),
        uplink(10_000, 2, "A", 7, &[("near", -71.0, 4.0)]),
        uplink(20_000, 3, "A", 7, &[("near", -72.0, 6.0)]),
        uplink(
            30_000,
            4,
            "A",
            12,
            &[("near", -100.0, -4.0), ("far", -120.0, -15.0)],
        ),
        uplink(40_000, 5, "A", 12, &[("far", -121.0, -15.0)]),
    ]);
    let h = device_health(&store, LANE, ns(41_000));
    assert_eq!(h.main_sf(), Some(7));
    assert_eq!(h.snr_worst_quality(), Some(Quality::Fair), "−15 dB at SF12");
    assert_eq!(h.snr_median_quality(), Some(Quality::Good));
    let far = h.reception.iter().find(|r| r.gateway_id == "far");
    assert_eq!(far.and_then(|r| r.snr_quality), Some(Quality::Fair));
    let near = h.reception.iter().find(|r| r.gateway_id == "near");
    assert_eq!(near.and_then(|r| r.snr_quality), Some(Quality::Good));
}

#[test]
fn radio_interval_and_reception_per_gateway() {
    let store = store_of(vec![
        uplink(
            0,
            1,
            "A",
            7,
            &[("near", -80.0, 9.0), ("far", -117.0, -11.0)],
        ),
        uplink(60_000, 2, "A", 7, &[("near", -82.0, 8.0)]),
        uplink(
            120_000,
            3,
            "A",
            9,
            &[("near", -84.0, 7.5), ("far", -119.0, -14.0)],
        ),
        uplink(300_000, 5, "A", 12, &[("far", -121.0, -16.0)]),
    ]);
    let h = device_health(&store, LANE, ns(360_000));
    // Both heard 3 uplinks: the better signal first, not the name.
    let order: Vec<&str> = h.reception.iter().map(|r| r.gateway_id.as_str()).collect();
    assert_eq!(order, ["near", "far"]);
    assert_eq!(h.uplinks, 4);
    assert_eq!(h.counters.missed_text(), "1 missed (FCnt 4)");
    assert_eq!(h.median_interval_ns, Some(60_000_000_000));
    assert_eq!(h.longest_silence_ns, Some(180_000_000_000));
    assert_eq!(h.last_seen_ns, Some(60_000_000_000));
    assert_eq!(
        h.data_rates,
        [
            ("SF7BW125".to_owned(), 2),
            ("SF12BW125".to_owned(), 1),
            ("SF9BW125".to_owned(), 1)
        ]
    );
    // Best gateway per uplink: -80/9, -82/8, -84/7.5, -121/-16.
    assert_eq!(h.rssi.median, Some(-83.0));
    assert_eq!(h.rssi.worst, Some(-121.0));
    assert_eq!(h.snr.worst, Some(-16.0));
    assert!(h.esp.worst.is_some_and(|e| e < -130.0));
    let gw = |id: &str| {
        h.reception
            .iter()
            .find(|r| r.gateway_id == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id}"))
    };
    let near = gw("near");
    assert_eq!(near.heard, 3);
    // 5 uplinks were sent (4 received + 1 missed); "near" heard 3 → PER 40 %.
    assert_eq!(near.per.map(|p| (p * 100.0).round()), Some(40.0));
    assert_eq!(gw("far").rssi, Some(-119.0));
    assert_eq!(gw("far").heard, 3);
    let (total, n) = h.airtime.unwrap_or_default();
    assert_eq!(n, 4);
    // 16-byte PHYPayloads (13 + 3): SF7 51.456 ms ×2, SF9 164.864 ms, SF12 1318.912 ms.
    assert!((total - 1.586_688).abs() < 1e-6, "{total}");
}

#[test]
fn the_example_devices_read_as_an_engineer_would() {
    let store = example_store();
    let now = crate::tts::Timestamp::parse("2024-10-28T09:30:00Z").map_or(0, |t| t.unix_nanos());
    let soil = device_health(&store, "soil-sensors/soil-node-01", now);
    assert!(soil
        .reception
        .iter()
        .any(|r| r.gateway_id == "rooftop-gw-01"));
    assert!(
        soil.problems
            .iter()
            .any(|p| p.name == "ns.up.data.drop" && p.reason == "data is outdated"),
        "{:?}",
        soil.problems
    );
    let joined = device_health(&store, "soil-sensors/soil-node-02", now);
    assert_eq!(
        joined.joins.first().map(|j| j.outcome.clone()),
        Some(Outcome::Joined)
    );
    let fridge = device_health(&store, "cold-chain/fridge-07", now);
    assert!(
        fridge
            .downlinks
            .by_stage
            .iter()
            .any(|(s, n)| *s == "acknowledged" && *n >= 1),
        "{:?}",
        fridge.downlinks
    );
    assert!(
        fridge
            .downlinks
            .failures
            .iter()
            .any(|(w, _)| w.contains("application downlink payload is too long")),
        "{:?}",
        fridge.downlinks.failures
    );
    assert!(fridge
        .downlinks
        .failures
        .iter()
        .any(|(w, _)| w.starts_with("nacked")));
}

#[test]
fn the_fleet_puts_the_sickest_first() {
    let mut events = vec![];
    for (dev, lost) in [("good", 0), ("lossy", 3), ("quiet", 1)] {
        let ids = format!(
            r#"{{"device_ids":{{"device_id":"{dev}","application_ids":{{"application_id":"app"}}}}}}"#
        );
        let mut f = 0;
        for i in 0..6 {
            f += 1 + if i == 3 { lost } else { 0 };
            let mut e = uplink(
                i * 60_000,
                f,
                "A",
                7,
                &[("gw1", -90.0 - f64::from(lost) * 5.0, 3.0)],
            );
            e.identifiers = crate::tts::Event::from_json(
                format!(r#"{{"name":"x","time":"{}","identifiers":[{ids}]}}"#, at(0)).as_bytes(),
            )
            .map(|x| x.identifiers)
            .unwrap_or_default();
            e.unique_id = format!("{dev}-{i}").into();
            events.push(e);
        }
    }
    let store = store_of(events);
    let rows = fleet(&store, ns(400_000), Column::Missed, true);
    let order: Vec<&str> = rows.iter().map(|r| r.lane.as_str()).collect();
    assert_eq!(order, ["app/lossy", "app/quiet", "app/good"]);
    let by_rssi = fleet(&store, ns(400_000), Column::Rssi, true);
    assert_eq!(by_rssi[0].lane, "app/lossy", "worst signal first");
    let by_name = fleet(&store, ns(400_000), Column::Device, false);
    assert_eq!(by_name[0].lane, "app/good");
}

/// An uplink the Application Server dropped (no session): the drop names
/// only its IDs; a followed gateway's copy `gs.up.receive` has FCnt 3.
fn dropped_uplink(with_gateway_copy: bool) -> Timeline {
    let mut events = vec![
        uplink(0, 1, "A", 7, &[("gw1", -90.0, 5.0)]),
        uplink(60_000, 2, "A", 7, &[("gw1", -91.0, 5.5)]),
    ];
    if with_gateway_copy {
        events.push(event(
            "gs.up.receive",
            120_000,
            r#"{"gateway_ids":{"gateway_id":"gw1"}}"#,
            &["gs:uplink:G3".to_owned()],
            r#"{"@type":"type.googleapis.com/ttn.lorawan.v3.GatewayUplinkMessage","message":{"payload":{"mac_payload":{"f_hdr":{"dev_addr":"A","f_cnt":3},"f_port":1}},"settings":{"data_rate":{"lora":{"bandwidth":125000,"spreading_factor":7}}},"rx_metadata":[{"gateway_ids":{"gateway_id":"gw1"},"rssi":-92,"snr":4.5}]}}"#,
        ));
    }
    events.push(event(
        "as.up.data.drop",
        120_050,
        &device_ids("A"),
        &["gs:uplink:G3".to_owned(), "ns:uplink:N3".to_owned()],
        r#"{"@type":"type.googleapis.com/ttn.lorawan.v3.ErrorDetails","namespace":"pkg/applicationserver","name":"no_device_session","message_format":"no device session; check device activation","code":9}"#,
    ));
    events.push(uplink(180_000, 4, "A", 7, &[("gw1", -90.0, 6.0)]));
    store_of(events)
}

#[test]
fn an_uplink_the_application_server_dropped_was_heard_not_missed() {
    let h = device_health(&dropped_uplink(true), LANE, ns(181_000));
    assert_eq!(h.counters.missed, 0, "{}", h.counters.missed_text());
    assert_eq!(h.uplinks, 4);
    let gw1 = h.reception.iter().find(|r| r.gateway_id == "gw1");
    assert_eq!(gw1.map(|r| r.heard), Some(4), "{:?}", h.reception);
    // It is still a problem: the reason the AS gave.
    assert!(h.problems.iter().any(|p| p.name == "as.up.data.drop"));
    // With no gateway followed, nothing tells its FCnt: the gap stays.
    let h = device_health(&dropped_uplink(false), LANE, ns(181_000));
    assert_eq!(h.counters.missed_text(), "1 missed (FCnt 3)");
    assert_eq!(h.uplinks, 3);
    // But the network received it: it ends a silence, as a join-request does.
    assert_eq!(h.longest_silence_ns, Some(60_050_000_000));
    // The fleet's Problems cell says what it counts.
    let rows = fleet(&dropped_uplink(true), ns(181_000), Column::Problems, true);
    assert_eq!(
        (rows[0].problems, rows[0].problem_reasons.as_str()),
        (1, "1 × no device session; check device activation")
    );
}

/// A gateway's copy of FCnt `low` (16 bits) of DevAddr `addr`, as frame `raw`.
fn gateway_copy(ms: i64, gw: &str, id: &str, addr: &str, low: u32, raw: &str) -> Event {
    event(
        "gs.up.receive",
        ms,
        &format!(r#"{{"gateway_ids":{{"gateway_id":"{gw}"}}}}"#),
        &[format!("gs:uplink:{id}")],
        &format!(
            r#"{{"message":{{"raw_payload":"{raw}","payload":{{"mac_payload":{{"f_hdr":{{"dev_addr":"{addr}","f_cnt":{low}}},"f_port":1}}}},"rx_metadata":[{{"gateway_ids":{{"gateway_id":"{gw}"}},"rssi":-100,"snr":1}}]}}}}"#
        ),
    )
}

fn as_drop(ms: i64, gs_uplink: &str) -> Event {
    event(
        "as.up.data.drop",
        ms,
        &device_ids("A"),
        &[format!("gs:uplink:{gs_uplink}")],
        r#"{"@type":"type.googleapis.com/ttn.lorawan.v3.ErrorDetails","message_format":"no device session; check device activation"}"#,
    )
}

#[test]
fn a_dropped_uplink_is_every_gateways_and_its_fcnt_widens_from_a_later_uplink() {
    // FCnt 70,000 and 70,001 dropped (no session yet), then 70,002 forwarded.
    // The NS kept only gw1's IDs; gw2 heard the same frame; gw3's copy of
    // the same time is another device's frame.
    let store = store_of(vec![
        gateway_copy(0, "gw1", "a1", "A", 70_000 & 0xFFFF, "QUFB"),
        gateway_copy(100, "gw2", "a2", "A", 70_000 & 0xFFFF, "QUFB"),
        gateway_copy(150, "gw3", "a3", "B", 9, "QkJC"),
        as_drop(300, "a1"),
        gateway_copy(60_000, "gw1", "b1", "A", 70_001 & 0xFFFF, "QUFC"),
        as_drop(60_300, "b1"),
        uplink(120_000, 70_002, "A", 7, &[("gw1", -90.0, 5.0)]),
    ]);
    let h = device_health(&store, LANE, ns(121_000));
    assert_eq!(h.uplinks, 3);
    assert_eq!(
        (h.counters.missed, h.counters.resets.len()),
        (0, 0),
        "{:?}",
        h.counters
    );
    assert_eq!(h.counters.range, Some((70_000, 70_002)));
    let heard = |gw: &str| {
        h.reception
            .iter()
            .find(|r| r.gateway_id == gw)
            .map(|r| r.heard)
    };
    assert_eq!(
        (heard("gw1"), heard("gw2"), heard("gw3")),
        (Some(3), Some(1), None)
    );
}
