//! A gateway's health: traffic per minute, devices heard, connections,
//! status, downlink failures.

use super::*;
use crate::insight::{disconnected_since, gateway_health, MINUTES};

const GW: &str = r#"{"gateway_ids":{"gateway_id":"gw1"}}"#;

fn gs_up(ms: i64, addr: &str) -> Event {
    event(
        "gs.up.receive",
        ms,
        GW,
        &[format!("gs:uplink:{ms}")],
        &format!(
            r#"{{"message":{{"payload":{{"mac_payload":{{"f_hdr":{{"dev_addr":"{addr}","f_cnt":1}}}}}}}}}}"#
        ),
    )
}

#[test]
fn traffic_devices_connections_and_downlink_failures() {
    let store = store_of(vec![
        event("gs.gateway.connect", 0, GW, &[], "null"),
        gs_up(1_000, "260B0001"),
        gs_up(61_000, "260B0001"),
        gs_up(62_000, "260BFFFF"),
        event("gs.gateway.disconnect", 100_000, GW, &[], "null"),
        event("gs.gateway.connect", 110_000, GW, &[], "null"),
        event("gs.down.send", 120_000, GW, &[], "null"),
        event(
            "gs.down.tx.fail",
            121_000,
            GW,
            &[],
            r#"{"@type":"type.googleapis.com/google.protobuf.Value","value":2}"#,
        ),
        // The device with DevAddr 260B0001 is followed.
        uplink(130_000, 3, "260B0001", 7, &[("gw1", -90.0, 5.0)]),
    ]);
    let h = gateway_health(&store, "gw:gw1", ns(179_000));
    assert_eq!(h.uplinks, 3);
    assert_eq!(h.per_minute.len(), MINUTES);
    // Minute bins ending at 02:59: [00:59–01:59) holds the two at 01:01/01:02; 00:01 is two minutes back.
    assert_eq!(h.per_minute[MINUTES - 2..], [2, 0]);
    assert_eq!(h.per_minute[MINUTES - 3], 1);
    let devices: Vec<(&str, Option<&str>, usize)> = h
        .devices
        .iter()
        .map(|d| (d.dev_addr.as_str(), d.device.as_deref(), d.uplinks))
        .collect();
    assert_eq!(
        devices,
        [("260B0001", Some("app/dev"), 2), ("260BFFFF", None, 1)]
    );
    let conns: Vec<bool> = h.connections.iter().map(|c| c.connected).collect();
    assert_eq!(conns, [true, false, true]);
    assert_eq!(h.downlinks_sent, 1);
    assert_eq!(h.downlink_failures, [("too late".to_owned(), 1)]);
    assert_eq!(
        disconnected_since(&store, "gw:gw1"),
        None,
        "connected again"
    );
}

#[test]
fn a_gateway_that_went_away_says_since_when() {
    let mut events = vec![
        event("gs.gateway.connect", 0, GW, &[], "null"),
        gs_up(1_000, "260B0001"),
        event("gs.gateway.disconnect", 100_000, GW, &[], "null"),
    ];
    let store = store_of(events.clone());
    assert_eq!(disconnected_since(&store, "gw:gw1"), Some(ns(100_000)));
    let h = gateway_health(&store, "gw:gw1", ns(120_000));
    assert_eq!(
        h.disconnected_since,
        Some(ns(100_000)),
        "the panel says what the lane says"
    );
    assert_eq!(disconnected_since(&store, "gw:other"), None);
    // Heard from after a disconnect (an old connection's, replaced): connected.
    let mut heard = events.clone();
    heard.push(gs_up(100_500, "260B0001"));
    let heard = store_of(heard);
    assert_eq!(disconnected_since(&heard, "gw:gw1"), None);
    assert_eq!(
        gateway_health(&heard, "gw:gw1", ns(120_000)).disconnected_since,
        None
    );
    events.push(event("gs.gateway.connect", 200_000, GW, &[], "null"));
    assert_eq!(disconnected_since(&store_of(events), "gw:gw1"), None);
}

/// A device that rejoined had another DevAddr: the gateway's uplinks with
/// the old one are still that device's, not "a device this view does not follow".
#[test]
fn a_devaddr_the_device_had_before_a_rejoin_is_still_that_device() {
    let store = store_of(vec![
        gs_up(1_000, "260B0001"),
        uplink(1_100, 3, "260B0001", 7, &[("gw1", -90.0, 5.0)]),
        gs_up(60_000, "260B0002"),
        uplink(60_100, 0, "260B0002", 7, &[("gw1", -90.0, 5.0)]),
        gs_up(61_000, "260BFFFF"),
    ]);
    let h = gateway_health(&store, "gw:gw1", ns(120_000));
    let devices: Vec<(&str, Option<&str>)> = h
        .devices
        .iter()
        .map(|d| (d.dev_addr.as_str(), d.device.as_deref()))
        .collect();
    assert_eq!(
        devices,
        [
            ("260B0001", Some("app/dev")),
            ("260B0002", Some("app/dev")),
            ("260BFFFF", None)
        ]
    );
}

#[test]
fn the_example_gateway_shows_its_last_status() {
    let store = example_store();
    let now = crate::tts::Timestamp::parse("2024-10-28T09:30:00Z").map_or(0, |t| t.unix_nanos());
    let h = gateway_health(&store, "gw:rooftop-gw-01", now);
    let (_, facts) = h.status.expect("a status message");
    assert!(!facts.is_empty());
    assert!(h.connections.iter().any(|c| c.connected));
}

#[test]
fn with_no_status_message_in_memory_the_connection_stats_say_when_one_came() {
    let stats = |ms: i64, at: &str| {
        event(
            "gs.gateway.connection.stats",
            ms,
            GW,
            &[],
            &format!(
                r#"{{"@type":"type.googleapis.com/ttn.lorawan.v3.GatewayConnectionStats","last_status_received_at":"{at}"}}"#
            ),
        )
    };
    let store = store_of(vec![stats(1_000, &at(500)), stats(61_000, &at(60_000))]);
    let h = gateway_health(&store, "gw:gw1", ns(62_000));
    assert_eq!(h.status, None);
    assert_eq!(h.status_received_at, Some(ns(60_000)), "the newest stats");
}

#[test]
fn the_fleet_lists_gateways_the_disconnected_first() {
    let gw = |id: &str| format!(r#"{{"gateway_ids":{{"gateway_id":"{id}"}}}}"#);
    let store = store_of(vec![
        event("gs.gateway.connect", 0, &gw("a-up"), &[], "null"),
        event("gs.gateway.connect", 0, &gw("z-down"), &[], "null"),
        gs_up(1_000, "260B0001"),
        gs_up(2_000, "260B0002"),
        event("gs.down.send", 3_000, GW, &[], "null"),
        event("gs.gateway.disconnect", 50_000, &gw("z-down"), &[], "null"),
        event("gs.gateway.connect", 60_000, &gw("a-up"), &[], "null"),
    ]);
    let rows = crate::insight::gateways(&store, ns(70_000));
    let order: Vec<&str> = rows.iter().map(|r| r.lane.as_str()).collect();
    assert_eq!(order, ["gw:z-down", "gw:a-up", "gw:gw1"]);
    assert_eq!(rows[0].disconnected_since, Some(ns(50_000)));
    assert_eq!(rows[1].disconnected_since, None);
    let gw1 = &rows[2];
    assert_eq!((gw1.uplinks, gw1.devices, gw1.downlinks_sent), (2, 2, 1));
    assert_eq!(gw1.last_seen_ns, ns(70_000) - ns(3_000), "how long ago");
}
