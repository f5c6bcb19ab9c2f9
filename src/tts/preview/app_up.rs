//! `ApplicationUp` in a row, by the one message it carries: an uplink, a
//! normalized uplink, a join-accept, a downlink's fate (queued, sent, ack,
//! nack, failed with its reason, invalidated), a solved location, or a
//! service's data.
//!
//! Why: the Application Server sends all of these under one type; the row
//! must say which one and its facts. Never reads `app_s_key`.

use serde_json::Value;

use super::codec::hex_or_base64;
use super::payload::{push_decoded, push_object};
use super::read::text;
use super::{downlink, gateway, join, problem, uplink, Event, Facts};

pub fn describe(event: &Event, data: &Value, out: &mut Facts) {
    let ids = data.get("end_device_ids").filter(|i| i.is_object());
    let inner = |key: &str| data.get(key).filter(|v| v.is_object());
    let mut dev_addr_last = true;
    if let Some(up) = inner("uplink_message") {
        uplink::application_uplink(up, out);
    } else if let Some(up) = inner("uplink_normalized") {
        uplink::normalized_uplink(up, out);
    } else if let Some(accept) = inner("join_accept") {
        join::join_accept(ids, accept, out);
        dev_addr_last = false;
    } else if let Some(failed) = inner("downlink_failed") {
        if let Some(error) = failed.get("error").filter(|e| e.is_object()) {
            problem::error_details(error, out);
        }
        if let Some(down) = failed.get("downlink").filter(|d| d.is_object()) {
            downlink::application_downlink(down, out);
        }
    } else if let Some(queue) = inner("downlink_queue_invalidated") {
        downlink::invalidated(queue, out);
    } else if let Some(location) = inner("location_solved") {
        solved_location(location, out);
    } else if let Some(service) = inner("service_data") {
        service_data(service, out);
    } else {
        for key in [
            "downlink_queued",
            "downlink_sent",
            "downlink_ack",
            "downlink_nack",
        ] {
            if let Some(down) = inner(key) {
                if !event.name.contains(".down.") {
                    out.add("", key.replace('_', " "));
                }
                downlink::application_downlink(down, out);
                break;
            }
        }
    }
    if super::read::is_true(data, &["simulated"]) {
        out.add("", "simulated");
    }
    if dev_addr_last {
        if let Some(addr) = ids
            .and_then(|i| text(i, &["dev_addr"]))
            .and_then(|a| hex_or_base64(a, 4))
        {
            out.add("DevAddr", addr);
        }
    }
}

/// `ApplicationLocation`: where a location service placed the device.
fn solved_location(solved: &Value, out: &mut Facts) {
    if let Some(location) = solved.get("location").filter(|l| l.is_object()) {
        gateway::location(location, out);
    }
    if let Some(service) = text(solved, &["service"]) {
        out.add("service", service);
    }
}

/// `ApplicationServiceData`: the service and its data in a few key/values.
fn service_data(service: &Value, out: &mut Facts) {
    if let Some(name) = text(service, &["service"]) {
        out.add("service", name);
    }
    if !push_decoded(service.get("data"), out) {
        if let Some(data) = service.get("data").filter(|d| !d.is_null()) {
            push_object("data", data, out);
        }
    }
}
