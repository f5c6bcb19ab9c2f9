//! A gateway's health from its lane: uplinks per minute, the devices it
//! hears (and DevAddrs no followed device has), its connection history, its
//! last status message, downlinks sent and failed with reasons.
//!
//! Why: "is the gateway the problem?" — a gateway that stops forwarding, hears
//! mostly foreign devices, reconnects every few minutes or fails its
//! downlinks "too late" shows it here without reading status JSON.

use serde_json::Value;
use std::collections::{HashMap, HashSet};

use super::problems::{problems, Problem};
use crate::store::{Seq, Timeline};
use crate::tts::preview::{text, tx_result};
use crate::tts::{EntityIds, Event, Fact};

/// Minutes in the uplinks-per-minute plot.
pub const MINUTES: usize = 30;

/// A device the gateway heard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeardDevice {
    pub dev_addr: String,
    /// The followed device with that DevAddr (its lane key), if any.
    pub device: Option<String>,
    pub uplinks: usize,
}

/// A connect or disconnect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub time: i64,
    pub connected: bool,
    pub seq: Seq,
}

/// Everything the Health panel says about a gateway.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GatewayHealth {
    /// Uplinks received per minute, oldest first, the last minute ending at `now`.
    pub per_minute: Vec<u32>,
    pub uplinks: usize,
    pub devices: Vec<HeardDevice>,
    pub connections: Vec<Connection>,
    /// When it disconnected, if it is disconnected (see [`disconnected_since`]).
    pub disconnected_since: Option<i64>,
    /// The latest status message: its time and the facts its row shows.
    pub status: Option<(i64, Vec<Fact>)>,
    /// When the gateway last sent a status, as its newest connection stats
    /// say (`last_status_received_at`): the time when the message itself is
    /// not in memory.
    pub status_received_at: Option<i64>,
    pub downlinks_sent: usize,
    /// (reason, count).
    pub downlink_failures: Vec<(String, usize)>,
    pub problems: Vec<Problem>,
}

/// How many of a gateway's newest events are read for its connection state.
const CONNECTION_SCAN: usize = 500;

/// When the gateway disconnected, if its latest connection event (among
/// its newest [`CONNECTION_SCAN`] events) says it did and nothing it sent
/// came after (a replaced connection's disconnect can follow the new
/// connect): what an operator must see on the lane itself, not only in its
/// Health panel.
pub fn disconnected_since(store: &Timeline, lane: &str) -> Option<i64> {
    let l = store.lane(lane)?;
    l.all()
        .iter()
        .rev()
        .take(CONNECTION_SCAN)
        .filter_map(|s| store.event(s))
        .find(|e| {
            matches!(
                e.name.as_str(),
                "gs.gateway.connect"
                    | "gs.gateway.disconnect"
                    | "gs.up.receive"
                    | "gs.status.receive"
            )
        })
        .filter(|e| e.name == "gs.gateway.disconnect")
        .map(|e| e.time.unix_nanos())
}

/// The health of the gateway lane `lane`, at `now` (ns).
pub fn gateway_health(store: &Timeline, lane: &str, now: i64) -> GatewayHealth {
    let mut h = GatewayHealth {
        per_minute: vec![0; MINUTES],
        ..GatewayHealth::default()
    };
    let Some(l) = store.lane(lane) else {
        return h;
    };
    let mut by_addr = None;
    for seq in l.all().iter().rev().take(super::uplinks::SCAN) {
        let Some(e) = store.event(seq) else { continue };
        match e.name.as_str() {
            "gs.up.receive" => {
                h.uplinks += 1;
                let age = (now - e.time.unix_nanos()) / 60_000_000_000;
                if let Some(bin) = usize::try_from(age).ok().filter(|a| *a < MINUTES) {
                    if let Some(slot) = h.per_minute.get_mut(MINUTES - 1 - bin) {
                        *slot += 1;
                    }
                }
                if let Some(addr) = dev_addr(e) {
                    match h.devices.iter_mut().find(|d| d.dev_addr == addr) {
                        Some(d) => d.uplinks += 1,
                        None => h.devices.push(HeardDevice {
                            device: device_with(store, &mut by_addr, &addr),
                            dev_addr: addr,
                            uplinks: 1,
                        }),
                    }
                }
            }
            "gs.gateway.connect" | "gs.gateway.disconnect" => h.connections.push(Connection {
                time: e.time.unix_nanos(),
                connected: e.name.ends_with(".connect"),
                seq,
            }),
            "gs.status.receive" if h.status.is_none() => {
                let facts = store
                    .preview(seq)
                    .map(|p| p.preview().facts)
                    .unwrap_or_default();
                h.status = Some((e.time.unix_nanos(), facts));
            }
            "gs.gateway.connection.stats" if h.status_received_at.is_none() => {
                h.status_received_at = parse(e)
                    .as_ref()
                    .and_then(|d| text(d, &["last_status_received_at"]))
                    .and_then(|t| crate::tts::Timestamp::parse(t).ok())
                    .map(|t| t.unix_nanos());
            }
            "gs.down.send" => h.downlinks_sent += 1,
            "gs.down.tx.fail" | "gs.down.schedule.fail" => {
                let why = tx_failure(e);
                match h.downlink_failures.iter_mut().find(|(w, _)| *w == why) {
                    Some((_, n)) => *n += 1,
                    None => h.downlink_failures.push((why, 1)),
                }
            }
            _ => {}
        }
    }
    h.connections.reverse();
    crate::sort::sort_by(&mut h.devices, |a, b| {
        b.uplinks.cmp(&a.uplinks).then(a.dev_addr.cmp(&b.dev_addr))
    });
    crate::sort::sort_by_key(&mut h.downlink_failures, |f| std::cmp::Reverse(f.1));
    h.problems = problems(store, lane);
    h.disconnected_since = disconnected_since(store, lane);
    h
}

fn parse(e: &Event) -> Option<Value> {
    serde_json::from_str(e.data.as_ref()?.as_str()).ok()
}

/// The DevAddr of a gateway's uplink (a join-request has none).
fn dev_addr(e: &Event) -> Option<String> {
    let d = parse(e)?;
    let m = d.get("message").unwrap_or(&d);
    text(m, &["payload", "mac_payload", "f_hdr", "dev_addr"]).map(str::to_ascii_uppercase)
}

/// The followed device lane that has (or had) DevAddr `addr`. The lanes'
/// DevAddrs now are read once (`known`); their retained events only for a
/// DevAddr none of them has now, and then once too.
fn device_with(
    store: &Timeline,
    known: &mut Option<(HashMap<String, String>, bool)>,
    addr: &str,
) -> Option<String> {
    let (by_addr, history) = known.get_or_insert_with(|| (devices_by_addr(store, false), false));
    if !by_addr.contains_key(addr) && !*history {
        *by_addr = devices_by_addr(store, true);
        *history = true;
    }
    by_addr.get(addr).cloned()
}

/// DevAddr (upper-case hex) → the followed device lane that has it: a
/// lane's DevAddr now first, then (`history`) those its retained events name
/// (a device that rejoined had others; its lane header shows only the latest).
fn devices_by_addr(store: &Timeline, history: bool) -> HashMap<String, String> {
    let devices = || {
        store
            .lanes()
            .filter(|l| matches!(l.entity, Some(EntityIds::Device { .. })))
    };
    let mut by_addr = HashMap::new();
    for lane in devices() {
        if let Some(addr) = lane.entity.as_ref().and_then(EntityIds::dev_addr) {
            by_addr.insert(addr.to_ascii_uppercase(), lane.key.clone());
        }
    }
    for lane in devices().filter(|_| history) {
        // Events share their identifiers: each distinct set is read once.
        let mut read = HashSet::new();
        for seq in lane.all().iter() {
            let Some(e) = store.event(seq) else { continue };
            if !read.insert(e.identifiers.addr()) {
                continue;
            }
            for ids in e.identifiers.iter() {
                if let (EntityIds::Device { .. }, Some(addr)) = (ids, ids.dev_addr()) {
                    if ids.key() == lane.key {
                        by_addr
                            .entry(addr.to_ascii_uppercase())
                            .or_insert_with(|| lane.key.clone());
                    }
                }
            }
        }
    }
    by_addr
}

fn tx_failure(e: &Event) -> String {
    parse(e)
        .as_ref()
        .and_then(|d| tx_result(d.get("value").or(d.get("result"))))
        .map(|(w, _)| w.to_owned())
        .or_else(|| {
            parse(e)
                .as_ref()
                .and_then(|d| text(d, &["message_format"]).map(str::to_owned))
        })
        .unwrap_or_else(|| {
            e.definition()
                .map_or(e.name.to_string(), |d| d.description.to_owned())
        })
}
