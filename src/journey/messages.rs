//! A device's messages, one per row: each uplink (by FCnt), join and
//! downlink, with its status (forwarded, dropped and why, decode failed,
//! acknowledged, …) and its end-to-end time from the first gateway reception
//! to the application.
//!
//! Why: a device lane interleaves a dozen events per uplink; the question
//! "which uplinks arrived, which did not, how long did they take" needs one
//! row per message. Computed on demand from the lane (bounded: the newest
//! [`SCAN`] events), never kept.

use std::collections::HashMap;

use serde_json::Value;

use super::lifecycle::lifecycle;
use super::scope::{direction, own_ids, Scope};
use super::{How, Kind, Seed, Step};
use crate::store::Timeline;
use crate::tts::{Event, Preview, Timestamp};

/// How many of a lane's newest events the messages are made from.
pub const SCAN: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Uplink,
    Join,
    Downlink,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageStatus {
    /// "forwarded", "dropped by the Network Server: data is outdated", …
    pub text: String,
    pub failed: bool,
    /// For a downlink: the lifecycle stage it reached, or failed at.
    pub stage: Option<&'static str>,
    /// Why it failed, when it did.
    pub reason: Option<String>,
}

/// One message of a device.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub kind: MessageKind,
    pub f_cnt: Option<u64>,
    pub f_port: Option<u64>,
    /// The message's first event.
    pub time: Timestamp,
    pub status: MessageStatus,
    /// First gateway reception → forwarded to the application (uplinks), or
    /// first → last step (joins, downlinks), in ns.
    pub end_to_end_ns: Option<i64>,
    /// Opens the message's journey.
    pub seed: Seed,
    /// How many of the lane's events are steps of it.
    pub events: usize,
}

/// The messages of a lane, newest first, at most `limit`; and how many there
/// are in the scanned events.
pub fn messages(store: &Timeline, lane_key: &str, limit: usize) -> (Vec<Message>, usize) {
    let groups = groups(store, lane_key);
    let total = groups.len();
    let out = groups
        .iter()
        .take(limit)
        .filter_map(|g| message(store, g))
        .collect();
    (out, total)
}

/// The status of each of the lane's downlinks, newest first: what a Health
/// panel counts while events arrive, so nothing else of a message (FCnt,
/// port, timing) is computed.
pub fn downlink_statuses(store: &Timeline, lane_key: &str) -> Vec<MessageStatus> {
    groups(store, lane_key)
        .iter()
        .filter(|g| {
            g.first()
                .is_some_and(|e| direction(&e.name) == Scope::Downlink)
        })
        .map(|g| downlink_status(&steps(g)))
        .collect()
}

/// The lane's newest [`SCAN`] events grouped by message (by their own
/// correlation IDs): newest message first, each oldest event first.
fn groups<'a>(store: &'a Timeline, lane_key: &str) -> Vec<Vec<&'a Event>> {
    let Some(lane) = store.lane(lane_key) else {
        return Vec::new();
    };
    let mut groups: Vec<Vec<&Event>> = Vec::new();
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for event in lane
        .all()
        .iter()
        .rev()
        .take(SCAN)
        .filter_map(|s| store.event(s))
    {
        if event.name.starts_with("js.") {
            continue;
        }
        let ids: Vec<&str> = own_ids(event).collect();
        if ids.is_empty() {
            continue;
        }
        let group = match ids.iter().find_map(|id| by_id.get(id).copied()) {
            Some(g) => g,
            None => {
                groups.push(Vec::new());
                groups.len() - 1
            }
        };
        for id in ids {
            by_id.entry(id).or_insert(group);
        }
        if let Some(g) = groups.get_mut(group) {
            g.push(event);
        }
    }
    for g in &mut groups {
        g.reverse();
    }
    // Newest first by when each message began (the time its row shows):
    // a downlink's last step can come after a later uplink's first.
    crate::sort::sort_by_key(&mut groups, |g| {
        std::cmp::Reverse(g.first().map(|e| e.time))
    });
    groups
}

fn message(store: &Timeline, events: &[&Event]) -> Option<Message> {
    let first = events.first()?;
    let dir = direction(&first.name);
    let seed = Seed {
        direction: dir,
        ids: events
            .iter()
            .flat_map(|e| own_ids(e))
            .fold(Vec::new(), |mut v: Vec<String>, id| {
                if !v.iter().any(|x| x == id) {
                    v.push(id.to_owned());
                }
                v
            }),
    };
    let kind = if dir == Scope::Downlink {
        MessageKind::Downlink
    } else if events.iter().any(|e| e.name.contains(".join.")) {
        MessageKind::Join
    } else {
        MessageKind::Uplink
    };
    let start = first.time.unix_nanos();
    let status = match kind {
        MessageKind::Downlink => downlink_status(&steps(events)),
        MessageKind::Join => join_status(events),
        MessageKind::Uplink => uplink_status(events),
    };
    let end_to_end_ns = match kind {
        MessageKind::Uplink => uplink_time(store, events),
        _ => events
            .last()
            .map(|e| e.time.unix_nanos() - start)
            .filter(|&n| n > 0),
    };
    let f_cnt = events.iter().find_map(|e| f_cnt(e)).or_else(|| match kind {
        MessageKind::Downlink => downlink_f_cnt(store, events),
        _ => None,
    });
    Some(Message {
        kind,
        f_cnt,
        f_port: events.iter().find_map(|e| f_port(e)),
        time: first.time,
        status,
        end_to_end_ns,
        seed,
        events: events.len(),
    })
}

/// A downlink's events as the steps its lifecycle reads (copies: downlinks only).
fn steps(events: &[&Event]) -> Vec<Step> {
    let start = events.first().map_or(0, |e| e.time.unix_nanos());
    events
        .iter()
        .map(|e| Step {
            event: (*e).clone(),
            how: How::Carries,
            fetched: false,
            offset_ns: e.time.unix_nanos() - start,
        })
        .collect()
}

fn find<'a>(events: &[&'a Event], name: &str) -> Option<&'a Event> {
    events.iter().copied().find(|e| e.name == name)
}

/// The error a drop or failure row shows.
fn why(event: &Event) -> String {
    let preview = Preview::of(event);
    preview
        .facts
        .iter()
        .find(|f| f.strong)
        .map(|f| f.value.clone())
        .unwrap_or_else(|| {
            event
                .definition()
                .map_or(event.name.to_string(), |d| d.description.to_owned())
        })
}

fn status(text: impl Into<String>, failed: bool) -> MessageStatus {
    MessageStatus {
        text: text.into(),
        failed,
        stage: None,
        reason: None,
    }
}

fn uplink_status(events: &[&Event]) -> MessageStatus {
    if find(events, "as.up.data.decode.fail").is_some() {
        return status("forwarded, decode failed", true);
    }
    if let Some(e) = find(events, "as.up.data.drop") {
        return status(
            format!("dropped by the Application Server: {}", why(e)),
            true,
        );
    }
    if let Some(e) = find(events, "ns.up.data.drop") {
        return status(format!("dropped by the Network Server: {}", why(e)), true);
    }
    if find(events, "as.up.data.forward").is_some() {
        return status("forwarded", false);
    }
    let last = events
        .last()
        .map_or("", |e| e.definition().map_or("", |d| d.description));
    status(format!("not forwarded (yet): last step “{last}”"), false)
}

fn join_status(events: &[&Event]) -> MessageStatus {
    if let Some(e) = find(events, "ns.up.join.cluster.fail").or(find(events, "ns.up.join.drop")) {
        return status(format!("rejected: {}", why(e)), true);
    }
    if find(events, "as.up.join.forward").is_some() {
        return status("joined", false);
    }
    if find(events, "ns.up.join.process").is_some() {
        return status("join-accept sent", false);
    }
    status("join-request not answered (yet)", false)
}

fn downlink_status(steps: &[Step]) -> MessageStatus {
    let kind = Kind::Downlink { f_cnt: None };
    let Some(l) = lifecycle(&kind, steps) else {
        return status("pending", false);
    };
    if let Some(f) = l.stages.iter().find(|s| s.failed) {
        let text = if f.label == "acknowledged" {
            format!("not acknowledged: {}", f.detail)
        } else {
            format!("failed at “{}”: {}", f.label, f.detail)
        };
        return MessageStatus {
            stage: Some(f.label),
            reason: Some(f.detail.clone()),
            ..status(text, true)
        };
    }
    match l.stages.iter().rev().find(|s| s.at.is_some()) {
        Some(s) => MessageStatus {
            stage: Some(s.label),
            ..status(s.label, false)
        },
        None => status("pending", false),
    }
}

/// A downlink's FCnt from its Gateway Server steps (in the gateway's lane,
/// not the device's): the steps that share one of the downlink's own IDs.
fn downlink_f_cnt(store: &Timeline, events: &[&Event]) -> Option<u64> {
    events
        .iter()
        .flat_map(|e| own_ids(e))
        .flat_map(|id| store.correlated(id))
        .filter_map(|seq| store.event(seq))
        .filter(|e| e.name.starts_with("gs.down."))
        .find_map(f_cnt)
}

/// First gateway reception (a `gs.up.receive` in the store, or the earliest
/// `received_at` of the NS's `rx_metadata`) → `as.up.data.forward`.
fn uplink_time(store: &Timeline, events: &[&Event]) -> Option<i64> {
    let end = find(events, "as.up.data.forward")?.time.unix_nanos();
    let mut first: Option<i64> = None;
    let mut earliest = |t: i64| first = Some(first.map_or(t, |f: i64| f.min(t)));
    for id in events
        .iter()
        .flat_map(|e| e.correlation_ids.iter())
        .filter(|c| c.starts_with("gs:uplink:"))
    {
        for seq in store.correlated(id) {
            if let Some(e) = store.event(seq).filter(|e| e.name == "gs.up.receive") {
                earliest(e.time.unix_nanos());
            }
        }
    }
    for e in events.iter().filter(|e| e.name.starts_with("ns.up.data.")) {
        let data: Option<Value> = e
            .data
            .as_ref()
            .and_then(|d| serde_json::from_str(d.as_str()).ok());
        for rx in data
            .as_ref()
            .and_then(|d| d.get("rx_metadata"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(t) = rx
                .get("received_at")
                .and_then(Value::as_str)
                .and_then(|s| Timestamp::parse(s).ok())
            {
                earliest(t.unix_nanos());
            }
        }
    }
    let start = first.unwrap_or_else(|| events.first().map_or(end, |e| e.time.unix_nanos()));
    Some(end - start).filter(|&n| n >= 0)
}

fn data(event: &Event) -> Option<Value> {
    serde_json::from_str(event.data.as_ref()?.as_str()).ok()
}

/// The frame counter of an uplink or downlink step.
pub fn f_cnt(event: &Event) -> Option<u64> {
    let d = data(event)?;
    let message = d.get("message").unwrap_or(&d);
    [
        "/payload/mac_payload/full_f_cnt",
        "/payload/mac_payload/f_hdr/f_cnt",
        "/uplink_message/f_cnt",
        "/downlink_ack/f_cnt",
        "/downlink_nack/f_cnt",
        "/downlink_sent/f_cnt",
    ]
    .iter()
    .find_map(|p| message.pointer(p).and_then(Value::as_u64))
    .or_else(|| raw_f_cnt(message.get("raw_payload")?.as_str()?))
}

/// The FCnt on air (its low 16 bits) of a data message's PHYPayload, for
/// events that carry only `raw_payload` (the Gateway Server's downlink
/// steps): MHDR, DevAddr (4 bytes), FCtrl, then FCnt, little-endian.
fn raw_f_cnt(base64: &str) -> Option<u64> {
    let bytes = crate::tts::preview::decode_base64(base64)?;
    let data_message = matches!(bytes.first()? >> 5, 2..=5);
    let f_cnt = bytes.get(6..8)?;
    data_message.then(|| u64::from(u16::from_le_bytes([f_cnt[0], f_cnt[1]])))
}

fn f_port(event: &Event) -> Option<u64> {
    let d = data(event)?;
    let message = d.get("message").unwrap_or(&d);
    [
        "/payload/mac_payload/f_port",
        "/f_port", // an ApplicationDownlink (as.down.data.receive)
        "/uplink_message/f_port",
        "/downlink_ack/f_port",
        "/downlink_sent/f_port",
    ]
    .iter()
    .find_map(|p| message.pointer(p).and_then(Value::as_u64))
}
