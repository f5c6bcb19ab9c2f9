//! Downlinks in a row: what the application queued (`ApplicationDownlink`:
//! FCnt, FPort, confirmed, payload), how the network plans to send it
//! (`DownlinkMessage.request`: class, Rx1 delay, Rx windows), what the
//! gateway transmits (`DownlinkMessage.scheduled`: Tx power, data rate,
//! frequency), and how it went (`TxAcknowledgment`, `ScheduleDownlinkResponse`).
//!
//! Why: a downlink's trouble is either its content or its timing; both must
//! be readable in the row. Never reads session keys.

use serde_json::Value;

use super::codec::hex_or_base64;
use super::join::push_accept_payload;
use super::payload::{push_application, push_hex};
use super::radio::{push_request, push_scheduled};
use super::read::{at, count_at, duration, number, seconds, text, words};
use super::uplink::{push_counters, push_warnings};
use super::{about_device, Event, Facts};

/// An `ApplicationDownlink`: warnings, FCnt, FPort, confirmed, payload, class B/C, priority, retry.
pub fn application_downlink(down: &Value, out: &mut Facts) {
    push_warnings(down, out);
    push_counters(down, out);
    push_application(down, out);
    if down.get("class_b_c").is_some_and(Value::is_object) {
        out.add("", "Class B/C");
    }
    if let Some(priority) = text(down, &["priority"]).filter(|p| *p != "NORMAL") {
        out.add("priority", words(priority));
    }
    if let Some(attempt) = count_at(down, &["confirmed_retry", "attempt"]).filter(|a| *a > 0) {
        let value = match count_at(down, &["confirmed_retry", "max_attempts"]) {
            Some(max) => format!("{attempt}/{max}"),
            None => attempt.to_string(),
        };
        out.add("attempt", value);
    }
}

/// A `DownlinkMessage`: the frame (DevAddr, FCnt, FPort, confirmed, payload,
/// or a join-accept's new DevAddr), then its `scheduled` or `request` settings.
pub fn downlink_message(event: &Event, down: &Value, out: &mut Facts) {
    let device = about_device(event);
    let payload = down.get("payload").unwrap_or(&Value::Null);
    let mac = payload.get("mac_payload").filter(|m| m.is_object());
    let dev_addr = mac
        .and_then(|m| text(m, &["f_hdr", "dev_addr"]))
        .and_then(|a| hex_or_base64(a, 4));
    if !device {
        if let Some(addr) = &dev_addr {
            out.add("DevAddr", addr.clone());
        }
    }
    if text(payload, &["m_hdr", "m_type"]) == Some("JOIN_ACCEPT") && !event.name.contains("join") {
        out.add("", "join-accept");
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
    if text(payload, &["m_hdr", "m_type"]) == Some("CONFIRMED_DOWN") {
        out.add("", "confirmed");
    }
    if let Some(mac) = mac {
        if super::read::is_true(mac, &["f_hdr", "f_ctrl", "ack"]) {
            out.add("", "ACK");
        }
        push_hex("FOpts", at(mac, &["f_hdr", "f_opts"]), out);
        push_hex("FRMPayload", mac.get("frm_payload"), out);
    }
    push_accept_payload(payload.get("join_accept_payload"), out);
    if let Some(scheduled) = down.get("scheduled").filter(|s| s.is_object()) {
        push_scheduled(scheduled, out);
    }
    if let Some(request) = down.get("request").filter(|r| r.is_object()) {
        push_request(request, out);
    }
    if device {
        if let Some(addr) = dev_addr {
            out.add("DevAddr", addr);
        }
    }
}

/// A `TxAcknowledgment.Result` (name or number) in words, and whether it is a failure.
pub fn tx_result(result: Option<&Value>) -> Option<(&'static str, bool)> {
    const NAMES: [(&str, &str); 9] = [
        ("SUCCESS", "transmitted"),
        ("UNKNOWN_ERROR", "unknown error"),
        ("TOO_LATE", "too late"),
        ("TOO_EARLY", "too early"),
        ("COLLISION_PACKET", "collision with another packet"),
        ("COLLISION_BEACON", "collision with a beacon"),
        ("TX_FREQ", "frequency not supported"),
        ("TX_POWER", "Tx power not supported"),
        ("GPS_UNLOCKED", "GPS not locked"),
    ];
    let index = match result? {
        Value::String(name) => NAMES.iter().position(|(n, _)| n == name)?,
        other => {
            let n = number(Some(other))?;
            (n >= 0.0 && n.fract() == 0.0 && n < NAMES.len() as f64).then_some(n as usize)?
        }
    };
    NAMES.get(index).map(|(_, words)| (*words, index != 0))
}

/// A `TxAcknowledgment`: the result (absent means success), then the
/// acknowledged downlink's Tx power, data rate and frequency.
pub fn tx_acknowledgment(event: &Event, ack: &Value, out: &mut Facts) {
    match ack.get("result") {
        None => out.add("", "transmitted"),
        some => match tx_result(some) {
            Some((words, true)) => out.strong("", words),
            Some((words, false)) => out.add("", words),
            None => {}
        },
    }
    if let Some(down) = ack.get("downlink_message").filter(|d| d.is_object()) {
        downlink_message(event, down, out);
    }
}

/// A `ScheduleDownlinkResponse`: the Rx window chosen and the delay until transmission.
pub fn schedule_response(response: &Value, out: &mut Facts) {
    let rx1 = super::read::is_true(response, &["rx1"]);
    let rx2 = super::read::is_true(response, &["rx2"]);
    match (rx1, rx2) {
        (true, true) => out.add("", "Rx1 or Rx2"),
        (true, false) => out.add("", "Rx1"),
        (false, true) => out.add("", "Rx2"),
        (false, false) => {}
    }
    if let Some(delay) = seconds(response.get("delay")) {
        out.add("in", duration(delay));
    }
}

/// `ApplicationInvalidatedDownlinks`: how many and the last FCnt used.
pub fn invalidated(queue: &Value, out: &mut Facts) {
    let count = queue
        .get("downlinks")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    out.add(
        "",
        format!("{} invalidated", super::read::plural(count, "downlink")),
    );
    if let Some(last) = count_at(queue, &["last_f_cnt_down"]) {
        out.add("last FCntDown", last.to_string());
    }
}
