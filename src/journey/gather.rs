//! Collecting one message's events: from a seed's message-scoped IDs through
//! the events that carry them, the IDs those events add, the same radio frame
//! heard by other gateways, and the Join Server's answer (which carries none
//! of the message's IDs).
//!
//! Why: a journey must hold every step of one message and nothing of another.
//! The rules are in `scope.rs`; this module applies them to whatever events
//! are at hand (the store, plus events fetched from the cluster). Bounded:
//! a hostile stream cannot make it follow more than [`MAX_IDS`] IDs or hold
//! more than [`MAX_MEMBERS`] events.

use std::collections::HashSet;

pub use super::device::{raw_payload, DeviceKey};
pub use super::pool::{Found, Pool};
use super::scope::{direction, own_ids, scope, Scope};
use crate::tts::Event;

/// The most message IDs one journey follows.
pub const MAX_IDS: usize = 64;
/// The most events one journey holds.
pub const MAX_MEMBERS: usize = 1000;
/// How far apart two gateways' receptions of one frame can be (ns).
const SAME_AIR_NS: i64 = 2_000_000_000;
/// How long after the cluster attempt a Join Server answer is looked for,
/// when the attempt's result is not at hand (ns).
const JOIN_WAIT_NS: i64 = 10_000_000_000;

/// How an event belongs to the journey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// It carries the message's IDs.
    Carries,
    /// The same frame, heard by another gateway (same `raw_payload`, within 2 s).
    SameFrame,
    /// A step of the other direction that refers to this message: the
    /// downlink sent in reply to an uplink, the ack an uplink carried.
    Reply,
    /// Carries none of the message's IDs; attached by device and time (the
    /// Join Server's answer between the cluster attempt and its result).
    Inferred,
}

/// One event of a journey.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    pub found: Found<'a>,
    pub how: How,
}

/// What a journey starts from: message IDs and their direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seed {
    pub direction: Scope,
    pub ids: Vec<String>,
}

impl Seed {
    /// The journey of an event's own message, or of the message it refers to
    /// when it has no ID of its own; `None` when it is not a step of any
    /// message (a registry change, a gateway status).
    pub fn of(event: &Event) -> Option<Seed> {
        let ids: Vec<String> = own_ids(event).map(str::to_owned).collect();
        if !ids.is_empty() {
            return Some(Seed {
                direction: direction(&event.name),
                ids,
            });
        }
        let other: Vec<&str> = event
            .correlation_ids
            .iter()
            .filter(|id| scope(id) != Scope::Shared)
            .collect();
        let first = other.first()?;
        let dir = scope(first);
        Some(Seed {
            direction: dir,
            ids: other
                .into_iter()
                .filter(|id| scope(id) == dir)
                .map(str::to_owned)
                .collect(),
        })
    }

    /// The journey of one message ID (from a link).
    pub fn of_id(id: &str) -> Option<Seed> {
        let dir = scope(id);
        (dir != Scope::Shared && !id.is_empty()).then(|| Seed {
            direction: dir,
            ids: vec![id.to_owned()],
        })
    }
}

/// The events of one message, unsorted, and the message IDs followed.
#[derive(Debug, Default)]
pub struct Gathered<'a> {
    pub members: Vec<Member<'a>>,
    pub ids: Vec<String>,
}

struct Walk<'a> {
    pool: Pool<'a>,
    dir: Scope,
    queue: Vec<String>,
    ids: HashSet<String>,
    seen: HashSet<String>,
    out: Gathered<'a>,
}

impl<'a> Walk<'a> {
    fn follow(&mut self, id: &str) {
        if self.ids.len() < MAX_IDS && self.ids.insert(id.to_owned()) {
            self.out.ids.push(id.to_owned());
            self.queue.push(id.to_owned());
        }
    }

    /// Adds an event once (by `unique_id`); `false` when already there.
    fn add(&mut self, found: Found<'a>, how: How) -> bool {
        if self.out.members.len() >= MAX_MEMBERS {
            return false;
        }
        let key = if found.event.unique_id.is_empty() {
            format!("{}@{}", found.event.name, found.event.time.unix_nanos())
        } else {
            found.event.unique_id.to_string()
        };
        if !self.seen.insert(key) {
            return false;
        }
        if how != How::Reply {
            let dir = self.dir;
            for id in own_ids(found.event).filter(|id| scope(id) == dir) {
                self.follow(id);
            }
        }
        self.out.members.push(Member { found, how });
        true
    }

    fn drain(&mut self) {
        while let Some(id) = self.queue.pop() {
            for found in self.pool.correlated(&id) {
                let how = if direction(&found.event.name) == self.dir {
                    How::Carries
                } else {
                    How::Reply
                };
                self.add(found, how);
            }
        }
    }

    /// Other gateways' receptions of a frame this journey holds.
    fn same_frames(&mut self) -> bool {
        let frames: Vec<(String, i64)> = self
            .out
            .members
            .iter()
            .filter(|m| m.how != How::Reply)
            .filter_map(|m| {
                raw_payload(m.found.event).map(|p| (p, m.found.event.time.unix_nanos()))
            })
            .collect();
        let mut added = false;
        for (payload, time) in frames {
            for found in self.pool.between(time - SAME_AIR_NS, time + SAME_AIR_NS) {
                let event = found.event;
                let candidate = event.name == "gs.up.receive"
                    && event
                        .data
                        .as_ref()
                        .is_some_and(|d| d.as_str().contains(&payload))
                    && raw_payload(event).as_deref() == Some(payload.as_str());
                if candidate && self.add(found, How::SameFrame) {
                    added = true;
                }
            }
        }
        added
    }

    /// The Join Server's answer to a join this journey holds: between the
    /// cluster attempt and its result (or, without the attempt, in the 2 s
    /// before the result).
    fn join_server(&mut self) {
        let events: Vec<&Event> = self.out.members.iter().map(|m| m.found.event).collect();
        let time = |e: &Event| e.time.unix_nanos();
        let is_result = |e: &&&Event| {
            e.name == "ns.up.join.cluster.success" || e.name == "ns.up.join.cluster.fail"
        };
        let mut windows: Vec<(i64, i64, Option<DeviceKey>)> = events
            .iter()
            .filter(|e| e.name == "ns.up.join.cluster.attempt")
            .map(|a| {
                let start = time(a);
                let end = events
                    .iter()
                    .filter(is_result)
                    .map(|e| time(e))
                    .filter(|&t| t >= start)
                    .min()
                    .unwrap_or(start + JOIN_WAIT_NS);
                (start, end, DeviceKey::of(a))
            })
            .collect();
        if windows.is_empty() {
            windows = events
                .iter()
                .filter(is_result)
                .map(|e| (time(e) - SAME_AIR_NS, time(e), DeviceKey::of(e)))
                .collect();
        }
        for (start, end, device) in windows {
            let Some(device) = device else { continue };
            for found in self.pool.between(start, end) {
                if found.event.name.starts_with("js.join.")
                    && DeviceKey::of(found.event).is_some_and(|d| d.same(&device))
                {
                    self.add(found, How::Inferred);
                }
            }
        }
    }
}

/// The events of the seed's message that `pool` holds.
pub fn gather<'a>(pool: Pool<'a>, seed: &Seed) -> Gathered<'a> {
    let mut walk = Walk {
        pool,
        dir: seed.direction,
        queue: Vec::new(),
        ids: HashSet::new(),
        seen: HashSet::new(),
        out: Gathered::default(),
    };
    for id in &seed.ids {
        walk.follow(id);
    }
    walk.drain();
    if seed.direction == Scope::Uplink {
        join_server_backwards(&mut walk);
        walk.drain();
        while walk.same_frames() {
            walk.drain();
        }
        walk.join_server();
    }
    walk.out
}

/// A journey seeded by a Join Server event (which carries only its own RPC
/// ID): the join it answered is the device's cluster attempt just before it.
fn join_server_backwards(walk: &mut Walk<'_>) {
    let js: Vec<(i64, DeviceKey)> = walk
        .out
        .members
        .iter()
        .map(|m| m.found.event)
        .filter(|e| e.name.starts_with("js.join."))
        .filter_map(|e| DeviceKey::of(e).map(|d| (e.time.unix_nanos(), d)))
        .collect();
    let has_attempt = walk
        .out
        .members
        .iter()
        .any(|m| m.found.event.name.starts_with("ns.up.join."));
    if has_attempt {
        return;
    }
    for (time, device) in js {
        let same = |f: &Found<'_>| DeviceKey::of(f.event).is_some_and(|d| d.same(&device));
        let attempt = walk
            .pool
            .between(time - JOIN_WAIT_NS, time)
            .into_iter()
            .filter(|f| f.event.name == "ns.up.join.cluster.attempt" && same(f))
            .max_by_key(|f| f.event.time.unix_nanos())
            .or_else(|| {
                walk.pool
                    .between(time, time + SAME_AIR_NS)
                    .into_iter()
                    .filter(|f| f.event.name.starts_with("ns.up.join.cluster.") && same(f))
                    .min_by_key(|f| f.event.time.unix_nanos())
            });
        if let Some(found) = attempt {
            for m in walk.out.members.iter_mut() {
                if m.found.event.name.starts_with("js.join.") {
                    m.how = How::Inferred;
                }
            }
            walk.add(found, How::Carries);
        }
    }
}
