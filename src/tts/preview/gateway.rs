//! Gateways in a row: how one connected (`via Semtech UDP from private
//! network`), its connection statistics (uplinks, downlinks, round-trip
//! time, when it was last heard), and its status (firmware, the packet
//! forwarder's counters `rxin rxok txin txok`, position, uptime).
//!
//! Why: "is my gateway online and forwarding" is answered here. Never: the
//! gateway's IP address (`gateway_remote_address.ip`, `last_status.ip`,
//! `ip`) — only its category is shown.

use serde_json::Value;

use super::read::{at, count_at, decimal, duration, number, number_at, seconds, text};
use super::safe::{category, parse_ip};
use super::{Event, Facts};
use crate::tts::Timestamp;

/// `udp` → `Semtech UDP`, `semtechws/lbslns` → `LoRa Basics Station`, …
pub fn protocol_name(protocol: &str) -> String {
    match protocol {
        "udp" => "Semtech UDP".into(),
        "mqtt" => "MQTT".into(),
        "mqttv2" => "MQTT v2".into(),
        "grpc" => "gRPC".into(),
        "ws" => "WebSocket".into(),
        p if p.starts_with("semtechws") => "LoRa Basics Station".into(),
        p if p.starts_with("ttigpro") => "TTIG Pro".into(),
        other => other.to_owned(),
    }
}

/// How long before `now` the timestamp at `path` was, as `3 s ago` (the
/// RFC 3339 text on hover); the text alone when it does not parse.
fn age(now: Timestamp, data: &Value, path: &[&str]) -> Option<(String, Option<String>)> {
    let at_text = text(data, path)?;
    let Ok(then) = Timestamp::parse(at_text) else {
        return Some((at_text.to_owned(), None));
    };
    let ns = now.unix_nanos().saturating_sub(then.unix_nanos());
    (ns >= 0).then(|| (format!("{} ago", super::age(ns)), Some(then.to_rfc3339())))
}

/// A `GatewayConnectionStats` (`gs.gateway.connect`, `gs.gateway.connection.stats`).
pub fn connection_stats(event: &Event, stats: &Value, out: &mut Facts) {
    if stats.get("disconnected_at").is_some() {
        out.strong("", "disconnected");
    }
    if let Some(protocol) = text(stats, &["protocol"]) {
        out.add("via", protocol_name(protocol));
    }
    if let Some(ip) = text(stats, &["gateway_remote_address", "ip"]).and_then(parse_ip) {
        out.add("from", category(ip));
    }
    for (key, label) in [
        ("uplink_count", "uplinks"),
        ("downlink_count", "downlinks"),
        ("tx_acknowledgment_count", "Tx acks"),
    ] {
        if let Some(n) = count_at(stats, &[key]) {
            out.add(label, n.to_string());
        }
    }
    if let Some(rtt) = stats.get("round_trip_times").filter(|r| r.is_object()) {
        if let Some(median) = seconds(rtt.get("median")) {
            let mut parts = Vec::new();
            for key in ["min", "median", "max"] {
                if let Some(s) = seconds(rtt.get(key)) {
                    parts.push(format!("{key} {}", duration(s)));
                }
            }
            if let Some(n) = count_at(rtt, &["count"]) {
                parts.push(format!("{n} samples"));
            }
            out.cut("RTT", (duration(median), Some(parts.join(", "))));
        }
    }
    for (key, label) in [
        ("last_uplink_received_at", "last uplink"),
        ("last_downlink_received_at", "last downlink"),
        ("last_status_received_at", "last status"),
    ] {
        if let Some(ago) = age(event.time, stats, &[key]) {
            out.cut(label, ago);
        }
    }
    if let Some(firmware) = text(stats, &["last_status", "versions", "firmware"]) {
        out.version("firmware", firmware);
    }
}

/// Version keys in the order people look for them; the Gateway Server's own comes last.
const VERSIONS: [&str; 6] = ["firmware", "station", "package", "platform", "model", "hal"];
/// Packet forwarder counters in the order of its `stat` message.
const METRICS: [&str; 8] = [
    "rxin", "rxok", "rxfw", "ackr", "txin", "txok", "temp", "rtt_ms",
];

/// A `GatewayStatus` (`gs.status.receive`): versions, metrics, position, uptime.
pub fn status(event: &Event, status: &Value, out: &mut Facts) {
    if let Some(versions) = status.get("versions").and_then(Value::as_object) {
        let mut keys: Vec<&String> = versions.keys().collect();
        crate::sort::sort_by_key(&mut keys, |k| {
            (
                VERSIONS
                    .iter()
                    .position(|v| v == k)
                    .unwrap_or(VERSIONS.len()),
                k.starts_with("ttn-lw"),
                k.as_str(),
            )
        });
        for key in keys.into_iter().take(4) {
            if let Some(v) = versions
                .get(key)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
            {
                out.version(key, v);
            }
        }
    }
    if let Some(metrics) = status.get("metrics").and_then(Value::as_object) {
        let mut keys: Vec<&String> = metrics.keys().collect();
        crate::sort::sort_by_key(&mut keys, |k| {
            (
                METRICS.iter().position(|m| m == k).unwrap_or(METRICS.len()),
                k.as_str(),
            )
        });
        let shown = 8;
        for key in keys.iter().take(shown) {
            if let Some(n) = number(metrics.get(key.as_str())) {
                let unit = if key.as_str() == "ackr" { "%" } else { "" };
                out.add(key, format!("{}{unit}", decimal(n, 2)));
            }
        }
        if keys.len() > shown {
            let rest: Vec<String> = keys[shown..]
                .iter()
                .map(|k| {
                    format!(
                        "{k} {}",
                        number(metrics.get(k.as_str())).map_or("?".into(), |n| decimal(n, 2))
                    )
                })
                .collect();
            out.cut("", (format!("+{} more", rest.len()), Some(rest.join(", "))));
        }
    }
    if let Some(first) = at(status, &["antenna_locations"])
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        location(first, out);
    }
    let boot = text(status, &["boot_time"]).and_then(|t| Timestamp::parse(t).ok());
    let now = text(status, &["time"])
        .and_then(|t| Timestamp::parse(t).ok())
        .unwrap_or(event.time);
    // Go's zero time (`0001-01-01T00:00:00Z`) means "not reported".
    if let Some(boot) = boot.filter(|b| b.unix_nanos() > 0) {
        let secs = now.unix_nanos().saturating_sub(boot.unix_nanos()) as f64 / 1e9;
        if secs >= 0.0 {
            out.cut(
                "up",
                (
                    duration(secs),
                    Some(format!("booted {}", boot.to_rfc3339())),
                ),
            );
        }
    }
}

/// `SOURCE_GPS` → `GPS`.
fn source_name(source: &str) -> String {
    match source.strip_prefix("SOURCE_").unwrap_or(source) {
        "GPS" => "GPS".into(),
        "IP_GEOLOCATION" => "IP geolocation".into(),
        "WIFI_RSSI_GEOLOCATION" => "Wi-Fi geolocation".into(),
        "BT_RSSI_GEOLOCATION" => "Bluetooth geolocation".into(),
        "COMBINED_GEOLOCATION" => "combined geolocation".into(),
        other => super::read::words(other),
    }
}

/// A `Location`: `at 52.37403, 4.88969`, altitude, accuracy, source.
pub fn location(location: &Value, out: &mut Facts) {
    let lat = number_at(location, &["latitude"]);
    let lon = number_at(location, &["longitude"]);
    if lat.is_some() || lon.is_some() {
        let coord = |c: Option<f64>| c.map_or("?".into(), |c| decimal(c, 6));
        out.add("at", format!("{}, {}", coord(lat), coord(lon)));
    }
    if let Some(alt) = number_at(location, &["altitude"]) {
        out.add("alt", format!("{} m", decimal(alt, 1)));
    }
    if let Some(accuracy) = number_at(location, &["accuracy"]).filter(|a| *a > 0.0) {
        out.add("±", format!("{} m", decimal(accuracy, 1)));
    }
    if let Some(source) = text(location, &["source"]) {
        out.add("source", source_name(source));
    }
}

/// `GatewayIdentifiers` (`gs.io.up.repeat`): the gateway ID and EUI.
pub fn identifiers(ids: &Value, out: &mut Facts) {
    if let Some(id) = text(ids, &["gateway_id"]) {
        out.add("gateway", id);
    }
    if let Some(eui) = text(ids, &["eui"]) {
        out.add("EUI", eui);
    }
}
