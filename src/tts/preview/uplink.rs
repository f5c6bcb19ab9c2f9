//! Uplinks in a row: `ApplicationUplink` (what the Application Server
//! forwards: FCnt, FPort, the decoded payload) and `UplinkMessage` /
//! `GatewayUplinkMessage` (the LoRaWAN frame as the Gateway and Network
//! Servers see it: DevAddr, FCnt, the join-request's EUIs), each followed by
//! the radio facts (data rate, frequency, best RSSI/SNR, gateways, airtime).
//!
//! Why: uplinks are most of a stream; the row must answer "which frame, what
//! did it say, how well was it heard" at a glance. Never reads keys.

use serde_json::Value;

use super::codec::hex_or_base64;
use super::join;
use super::payload::{push_application, push_hex, push_object};
use super::radio::push_uplink;
use super::read::{at, count_at, is_true, text};
use super::{about_device, Event, Facts};

/// Warnings of a payload formatter, shown first and prominently.
pub fn push_warnings(message: &Value, out: &mut Facts) {
    for key in ["decoded_payload_warnings", "normalized_payload_warnings"] {
        let warnings: Vec<&str> = at(message, &[key])
            .and_then(Value::as_array)
            .map(|list| list.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(first) = warnings.first() {
            let (value, full) = super::read::shorten(first, 160);
            let full = if warnings.len() > 1 {
                Some(warnings.join("; "))
            } else {
                full
            };
            out.push(
                super::Fact {
                    label: "warning".into(),
                    value,
                    full,
                    strong: true,
                    part: super::Part::Lead,
                },
                false,
            );
        }
    }
}

/// FCnt (strong), FPort and `confirmed` of an application message.
pub fn push_counters(message: &Value, out: &mut Facts) {
    if let Some(f_cnt) = count_at(message, &["f_cnt"]) {
        out.strong("FCnt", f_cnt.to_string());
    }
    if let Some(f_port) = count_at(message, &["f_port"]) {
        out.add("FPort", f_port.to_string());
    }
    if is_true(message, &["confirmed"]) {
        out.add("", "confirmed");
    }
}

/// An `ApplicationUplink`: warnings, FCnt, FPort, confirmed, payload, radio.
pub fn application_uplink(up: &Value, out: &mut Facts) {
    push_warnings(up, out);
    push_counters(up, out);
    push_application(up, out);
    if let Some(normalized) = at(up, &["normalized_payload"]).and_then(Value::as_array) {
        for (i, item) in normalized.iter().take(2).enumerate() {
            push_object(if i == 0 { "normalized" } else { "" }, item, out);
        }
    }
    push_uplink(up, out);
}

/// An `ApplicationUplinkNormalized`: FCnt, FPort, each normalized object, radio.
pub fn normalized_uplink(up: &Value, out: &mut Facts) {
    push_warnings(up, out);
    push_counters(up, out);
    match at(up, &["normalized_payload"]) {
        Some(Value::Object(map)) => {
            for (key, value) in map.iter().take(6) {
                push_object(key, value, out);
            }
        }
        Some(other) => push_object("normalized", other, out),
        None => {}
    }
    push_uplink(up, out);
}

/// The word for an uplink's MType when it is not a data frame.
fn frame_word(m_type: &str) -> Option<&'static str> {
    match m_type {
        "JOIN_REQUEST" => Some("join-request"),
        "REJOIN_REQUEST" => Some("rejoin-request"),
        "PROPRIETARY" => Some("proprietary"),
        _ => None,
    }
}

/// An `UplinkMessage` (or a `GatewayUplinkMessage`'s `message`).
pub fn uplink_message(event: &Event, message: &Value, out: &mut Facts) {
    let device = about_device(event);
    let payload = message.get("payload").unwrap_or(&Value::Null);
    let mac = payload.get("mac_payload").filter(|m| m.is_object());
    let dev_addr = mac
        .and_then(|m| text(m, &["f_hdr", "dev_addr"]))
        .and_then(|a| hex_or_base64(a, 4));
    if !device {
        if let Some(addr) = &dev_addr {
            out.add("DevAddr", addr.clone());
        }
        if let Some(word) = text(payload, &["m_hdr", "m_type"]).and_then(frame_word) {
            out.add("", word);
        }
    }
    if let Some(mac) = mac {
        let f_cnt = count_at(mac, &["full_f_cnt"]).or_else(|| count_at(mac, &["f_hdr", "f_cnt"]));
        if let Some(f_cnt) = f_cnt {
            out.strong("FCnt", f_cnt.to_string());
        }
        if let Some(f_port) = count_at(mac, &["f_port"]) {
            out.add("FPort", f_port.to_string());
        }
    }
    if text(payload, &["m_hdr", "m_type"]) == Some("CONFIRMED_UP") {
        out.add("", "confirmed");
    }
    if let Some(mac) = mac {
        if is_true(mac, &["f_hdr", "f_ctrl", "ack"]) {
            out.add("", "ACK");
        }
        if is_true(mac, &["f_hdr", "f_ctrl", "adr_ack_req"]) {
            out.add("", "ADRACKReq");
        }
        push_hex("FOpts", at(mac, &["f_hdr", "f_opts"]), out);
        push_hex("FRMPayload", mac.get("frm_payload"), out);
    }
    join::push_request_payload(payload.get("join_request_payload"), out);
    join::push_rejoin_payload(payload.get("rejoin_request_payload"), out);
    if at(message, &["crc_status"]).and_then(Value::as_bool) == Some(false) {
        out.strong("CRC", "failed");
    }
    push_uplink(message, out);
    if device {
        if let Some(addr) = dev_addr {
            out.add("DevAddr", addr);
        }
    }
}
