//! Joins in a row: the join-request's DevEUI, JoinEUI and DevNonce, the
//! DevAddr the network assigns, the MAC version (`LoRaWAN 1.0.3`), and the
//! join-accept on its way back.
//!
//! Why: a device that does not join is the most common support question; the
//! EUIs and the DevNonce are what to compare. Never: a session key, a key
//! envelope or a key ID — `session_keys`, `app_s_key` and friends are not read.

use serde_json::Value;

use super::codec::hex_or_base64;
use super::radio::push_airtime;
use super::read::{count_at, text};
use super::{EntityIds, Event, Facts};

/// An EUI or other hex field of `len` bytes (hex, or base64 from some servers).
fn hex_field(value: &Value, key: &str, len: usize) -> Option<String> {
    text(value, &[key]).and_then(|t| hex_or_base64(t, len))
}

/// DevEUI, JoinEUI and DevNonce of a `JoinRequestPayload`.
pub fn push_request_payload(payload: Option<&Value>, out: &mut Facts) {
    let Some(payload) = payload.filter(|p| p.is_object()) else {
        return;
    };
    push_euis(payload, out);
    if let Some(nonce) = hex_field(payload, "dev_nonce", 2) {
        out.add("DevNonce", nonce);
    }
}

/// DevEUI and JoinEUI of a message or identifiers object.
pub fn push_euis(value: &Value, out: &mut Facts) {
    if let Some(eui) = hex_field(value, "dev_eui", 8) {
        out.add("DevEUI", eui);
    }
    if let Some(eui) = hex_field(value, "join_eui", 8) {
        out.add("JoinEUI", eui);
    }
}

/// Rejoin type, DevEUI, JoinEUI and RJcount of a `RejoinRequestPayload`.
pub fn push_rejoin_payload(payload: Option<&Value>, out: &mut Facts) {
    let Some(payload) = payload.filter(|p| p.is_object()) else {
        return;
    };
    if let Some(kind) = text(payload, &["rejoin_type"]) {
        out.add("rejoin", super::read::words(kind));
    }
    push_euis(payload, out);
    if let Some(count) = count_at(payload, &["rejoin_cnt"]) {
        out.add("RJcount", count.to_string());
    }
}

/// `MAC_V1_0_3` → `LoRaWAN 1.0.3`.
pub fn mac_version(version: &str) -> String {
    match version.strip_prefix("MAC_V") {
        Some(rest) => format!("LoRaWAN {}", rest.replace('_', ".")),
        None => version.to_owned(),
    }
}

/// The new DevAddr, NetID and Rx settings of a `JoinAcceptPayload`.
pub fn push_accept_payload(payload: Option<&Value>, out: &mut Facts) {
    let Some(payload) = payload.filter(|p| p.is_object()) else {
        return;
    };
    if let Some(addr) = hex_field(payload, "dev_addr", 4) {
        out.add("new DevAddr", addr);
    }
    if let Some(net_id) = hex_field(payload, "net_id", 3) {
        out.add("NetID", net_id);
    }
}

/// A `JoinRequest` (Network Server → Join Server): EUIs, DevNonce, new DevAddr, MAC version.
pub fn join_request(data: &Value, out: &mut Facts) {
    push_request_payload(
        super::read::at(data, &["payload", "join_request_payload"]),
        out,
    );
    if let Some(addr) = hex_field(data, "dev_addr", 4) {
        out.add("new DevAddr", addr);
    }
    if let Some(version) = text(data, &["selected_mac_version"]) {
        out.add("", mac_version(version));
    }
    if let Some(net_id) = hex_field(data, "net_id", 3) {
        out.add("NetID", net_id);
    }
    push_airtime(data, out);
}

/// A `JoinResponse` (Join Server → Network Server): the device's EUIs and the
/// session lifetime; the keys it carries are never shown.
pub fn join_response(event: &Event, data: &Value, out: &mut Facts) {
    out.add("", "join-accept received");
    push_device_euis(event, out);
    if let Some(secs) = super::read::seconds(data.get("lifetime")).filter(|s| *s > 0.0) {
        out.add("session lifetime", super::read::duration(secs));
    }
}

/// DevEUI and JoinEUI of the event's device.
pub fn push_device_euis(event: &Event, out: &mut Facts) {
    for ids in &event.identifiers {
        if let EntityIds::Device {
            dev_eui, join_eui, ..
        } = ids
        {
            if let Some(eui) = dev_eui {
                out.add("DevEUI", eui.clone());
            }
            if let Some(eui) = join_eui {
                out.add("JoinEUI", eui.clone());
            }
            return;
        }
    }
}

/// `ApplicationUp.join_accept`: forwarded, the device's EUIs and new DevAddr,
/// pending session and invalidated downlinks (never `app_s_key`).
pub fn join_accept(ids: Option<&Value>, accept: &Value, out: &mut Facts) {
    out.add("", "join-accept forwarded");
    if let Some(ids) = ids {
        push_euis(ids, out);
        if let Some(addr) = hex_field(ids, "dev_addr", 4) {
            out.add("DevAddr", addr);
        }
    }
    if super::read::is_true(accept, &["pending_session"]) {
        out.add("", "pending session");
    }
    let invalidated = accept
        .get("invalidated_downlinks")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    if invalidated > 0 {
        out.add(
            "",
            format!(
                "{} invalidated",
                super::read::plural(invalidated, "downlink")
            ),
        );
    }
}
