//! Registry and bookkeeping events in a row: what an update changed (`fields:
//! name, description`), who did it (`by API key`), API keys and
//! collaborators (name, who, how many rights), batch deletions, notifications,
//! the plain `google.protobuf.Value` payloads, and — for events without data
//! — what their identifiers say (DevEUI, the user of a collaborator event).
//!
//! Why: the lane already names the entity; the row adds what changed and by
//! whom. Never: an API key's secret (`key`), an authentication token ID, or
//! the caller's `remote_ip`.

use serde_json::Value;

use super::downlink::tx_result;
use super::payload::push_object;
use super::read::{list, shorten, text, words};
use super::{EntityIds, Event, Facts};
use crate::tts::STREAM_START;

/// Whether the event name is a registry change.
fn is_registry(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    matches!(last, "create" | "update" | "delete" | "restore" | "purge")
        || name.contains(".claim.")
        || name.contains(".unclaim.")
}

/// Strings of an array value.
fn strings(value: Option<&Value>) -> Option<Vec<String>> {
    let items = value?.as_array()?;
    Some(
        items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
    )
}

/// A `google.protobuf.Value`: field paths of an update, event names of a
/// stream start, a Tx result number, an upstream name, or the value itself.
pub fn value(event: &Event, data: &Value, out: &mut Facts) {
    let Some(value) = data.get("value") else {
        return;
    };
    let paths = strings(Some(value))
        .filter(|_| value.is_array())
        .or_else(|| strings(value.get("paths")))
        .or_else(|| strings(data.get("paths")));
    if event.name == STREAM_START {
        if let Some(names) = paths {
            let (_, full) = list(&names, 0);
            out.cut("", (super::read::plural(names.len(), "event name"), full));
        }
        return;
    }
    if let Some(paths) = paths {
        let label = if is_registry(&event.name) {
            "fields"
        } else {
            ""
        };
        out.cut(label, list(&paths, 4));
        return;
    }
    if value.is_number() && event.name.contains(".tx.") {
        if let Some((words, failed)) = tx_result(Some(value)) {
            if failed {
                out.strong("", words);
            } else {
                out.add("", words);
            }
            return;
        }
    }
    match value {
        Value::String(s) if event.name == "gs.up.forward" => out.cut("to", shorten(s, 64)),
        Value::Object(_) => push_object("", value, out),
        other => out.cut("", super::read::inline(other, 120)),
    }
}

/// IDs from a list of identifier objects, each found at `path`.
fn push_id_list(label: &str, items: Option<&Value>, path: &[&str], out: &mut Facts) {
    let ids: Vec<String> = items
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|i| text(i, path))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    if !ids.is_empty() {
        out.cut(label, list(&ids, 3));
    }
}

/// `EndDeviceIdentifiersList` (batch deletes): the device IDs.
pub fn device_list(data: &Value, out: &mut Facts) {
    let count = data
        .get("end_device_ids")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    out.add("", super::read::plural(count, "device"));
    push_id_list("", data.get("end_device_ids"), &["device_id"], out);
}

/// `GatewayIdentifiersList` (batch deletes): the gateway IDs.
pub fn gateway_list(data: &Value, out: &mut Facts) {
    let count = data
        .get("gateway_ids")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    out.add("", super::read::plural(count, "gateway"));
    push_id_list("", data.get("gateway_ids"), &["gateway_id"], out);
}

/// `RIGHT_APPLICATION_INFO` → `application info`; one or two listed, more counted.
fn push_rights(data: &Value, out: &mut Facts) {
    let Some(rights) = strings(data.get("rights")) else {
        return;
    };
    let names: Vec<String> = rights
        .iter()
        .map(|r| words(r.strip_prefix("RIGHT_").unwrap_or(r)))
        .collect();
    match names.len() {
        0 => {}
        1 | 2 => out.add("rights", names.join(", ")),
        n => out.cut("", (format!("{n} rights"), Some(names.join(", ")))),
    }
}

/// An `APIKey`: name, rights, expiry and ID — never `key`.
pub fn api_key(data: &Value, out: &mut Facts) {
    if let Some(name) = text(data, &["name"]) {
        out.cut("name", shorten(name, 50));
    }
    push_rights(data, out);
    if let Some(expires) = text(data, &["expires_at"]) {
        out.cut(
            "expires",
            (expires.chars().take(10).collect(), Some(expires.to_owned())),
        );
    }
    if let Some(id) = text(data, &["id"]) {
        out.cut("ID", shorten(id, 9));
    }
}

/// Which user or organization an `OrganizationOrUserIdentifiers` names.
fn push_member(ids: Option<&Value>, out: &mut Facts) {
    let Some(ids) = ids else { return };
    if let Some(user) = text(ids, &["user_ids", "user_id"]) {
        out.add("user", user);
    } else if let Some(org) = text(ids, &["organization_ids", "organization_id"]) {
        out.add("organization", org);
    }
}

/// A `Collaborator`: who and their rights.
pub fn collaborator(data: &Value, out: &mut Facts) {
    push_member(data.get("ids"), out);
    push_rights(data, out);
}

/// The kind and ID of an `EntityIdentifiers` object: (`application`, `soil-sensors`).
fn entity(ids: &Value) -> Option<(&'static str, &str)> {
    const KINDS: [(&str, &str, &str); 6] = [
        ("device_ids", "device_id", "device"),
        ("application_ids", "application_id", "application"),
        ("gateway_ids", "gateway_id", "gateway"),
        ("organization_ids", "organization_id", "organization"),
        ("user_ids", "user_id", "user"),
        ("client_ids", "client_id", "client"),
    ];
    KINDS
        .iter()
        .find_map(|(key, id, label)| text(ids, &[key, id]).map(|id| (*label, id)))
}

/// A `Notification`: its type, the entity, the sender and the status.
pub fn notification(data: &Value, out: &mut Facts) {
    if let Some(kind) = text(data, &["notification_type"]) {
        out.add("", words(kind));
    }
    if let Some((kind, id)) = data.get("entity_ids").and_then(entity) {
        out.add(kind, id);
    }
    if let Some(sender) = text(data, &["sender_ids", "user_id"]) {
        out.add("from", sender);
    }
    if let Some(receivers) = strings(data.get("receivers")).filter(|r| !r.is_empty()) {
        let names: Vec<String> = receivers
            .iter()
            .map(|r| words(r.strip_prefix("NOTIFICATION_RECEIVER_").unwrap_or(r)))
            .collect();
        out.cut("to", list(&names, 2));
    }
    if let Some(status) = text(data, &["status"]) {
        out.add(
            "",
            words(
                status
                    .strip_prefix("NOTIFICATION_STATUS_")
                    .unwrap_or(status),
            ),
        );
    }
    if super::read::is_true(data, &["email"]) {
        out.add("", "by email");
    }
}

/// An `UpdateNotificationStatusRequest`: the new status and how many notifications.
pub fn notification_status(data: &Value, out: &mut Facts) {
    let status = text(data, &["status"]).unwrap_or("NOTIFICATION_STATUS_UNSEEN");
    out.add(
        "",
        format!(
            "marked {}",
            words(
                status
                    .strip_prefix("NOTIFICATION_STATUS_")
                    .unwrap_or(status)
            )
        ),
    );
    let count = data
        .get("ids")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    if count > 0 {
        out.add("", super::read::plural(count, "notification"));
    }
}

/// A data type this preview does not know: a `value` or nothing.
pub fn other(data: &Value, out: &mut Facts) {
    if let Some(value) = data.get("value").filter(|v| !v.is_null()) {
        out.cut("", super::read::inline(value, 120));
    }
}

/// For an event whose data said nothing: the device's DevAddr (and, for
/// joins and registry changes, its EUIs), and any identifiers after the first
/// (the user of a collaborator event, the client of an authorization).
pub fn identifiers(event: &Event, out: &mut Facts) {
    let euis = event.name.contains("join") || is_registry(&event.name);
    for (i, ids) in event.identifiers.iter().enumerate() {
        match ids {
            EntityIds::Device {
                dev_eui,
                join_eui,
                dev_addr,
                ..
            } if i == 0 => {
                if euis {
                    if let Some(eui) = dev_eui {
                        out.add("DevEUI", eui.clone());
                    }
                    if let Some(eui) = join_eui {
                        out.add("JoinEUI", eui.clone());
                    }
                }
                if let Some(addr) = dev_addr {
                    out.add("DevAddr", addr.clone());
                }
            }
            _ if i == 0 => {}
            other => out.add(&other.kind().to_string(), other.id().to_owned()),
        }
    }
}

/// Who caused the event, by the kind of credential (`by API key`) — never the token's ID.
pub fn authentication(event: &Event, out: &mut Facts) {
    let Some(auth) = &event.authentication else {
        return;
    };
    let who = match auth.token_type.as_str() {
        "" => return,
        "APIKey" => "by API key".to_owned(),
        "AccessToken" => "by access token".to_owned(),
        "SessionToken" => "by session".to_owned(),
        other => format!("by {}", words(other)),
    };
    out.add("", who);
}
