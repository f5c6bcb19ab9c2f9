//! The event hub: every live or replayed event passes through here once, is kept in the history
//! store (per entity: last 100 events / 24 h; per correlation ID: last 100, like TTS's Redis store
//! defaults, API.md §3.2; the per-entity count is adjustable like TTS's
//! `events.redis.store.entity-count`), optionally appended to a capture file (`--record`), and is
//! broadcast to every open stream. FindRelated (API.md §7.1) only finds events while their
//! payloads are retained (TTS: 10 min after storing, `--related-ttl`), and the store keeps at most
//! [`RELATED_CAPACITY`] of them (more than a viewer holds, so a journey it evicted can be fetched).
//!
//! Exists so that `tail`/`after`, FindRelated and live streams all see the same events in the same
//! order. It must never block a publisher on a slow subscriber: lagging receivers lose events.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::sync::broadcast;

use crate::catalog::catalog;
use crate::clock::{now, parse_rfc3339, Nanos};
use crate::ids::{event_identifiers, EntityKind, EntityRef};

/// Default per-entity and per-correlation-ID history limit.
pub const HISTORY_LIMIT: usize = 100;
/// History retention (24 h).
pub const HISTORY_TTL: Nanos = 24 * 3600 * 1_000_000_000;
/// How long FindRelated finds an event after it was stored (TTS's payload TTL, 10 min).
pub const RELATED_TTL: Nanos = 10 * 60 * 1_000_000_000;
/// At most this many events are retained for FindRelated (the viewer holds 100,000).
pub const RELATED_CAPACITY: usize = 200_000;

/// One event with what streams need to route and filter it, serialised once.
#[derive(Debug)]
pub struct SimEvent {
    /// Publication order in this hub.
    pub seq: u64,
    /// Event name.
    pub name: String,
    /// `time` as nanoseconds.
    pub time: Nanos,
    /// The event's identifiers.
    pub ids: Vec<EntityRef>,
    /// `correlation_ids`.
    pub correlation_ids: Vec<String>,
    /// `visibility.rights`.
    pub visibility: Vec<String>,
    /// `unique_id`.
    pub unique_id: String,
    /// Whether device events of this name reach application streams.
    pub propagates: bool,
    /// The compact JSON of the Event object.
    pub json: String,
    /// The Event object.
    pub value: Value,
}

impl SimEvent {
    /// Wraps an Event JSON object (fields missing from it are treated as empty).
    pub fn from_value(seq: u64, value: Value) -> Self {
        let s = |k: &str| {
            value
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let strings = |v: Option<&Value>| -> Vec<String> {
            v.and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let name = s("name");
        Self {
            seq,
            time: parse_rfc3339(&s("time")).unwrap_or(0),
            ids: event_identifiers(&value),
            correlation_ids: strings(value.get("correlation_ids")),
            visibility: strings(value.get("visibility").and_then(|v| v.get("rights"))),
            unique_id: s("unique_id"),
            propagates: catalog().propagates(&name),
            json: value.to_string(),
            name,
            value,
        }
    }

    /// Does this event belong to a subscription on `req` (API.md §3.3)?
    pub fn matches(&self, req: &EntityRef) -> bool {
        self.ids.iter().any(|e| {
            e.same(req)
                || (req.kind == EntityKind::Application
                    && e.kind == EntityKind::Device
                    && self.propagates
                    && e.app.as_deref() == Some(req.id.as_str()))
        })
    }

    /// The Event object (parsed again from its JSON when the hub let go of the parsed form).
    pub fn to_value(&self) -> Value {
        if self.value.is_null() {
            serde_json::from_str(&self.json).unwrap_or(Value::Null)
        } else {
            self.value.clone()
        }
    }

    /// The reduced form FindRelated returns for events the caller may not see.
    pub fn redacted(&self) -> Value {
        let value = self.to_value();
        let mut m = serde_json::Map::new();
        for k in [
            "name",
            "time",
            "identifiers",
            "origin",
            "visibility",
            "unique_id",
        ] {
            if let Some(v) = value.get(k) {
                m.insert(k.into(), v.clone());
            }
        }
        Value::Object(m)
    }
}

fn store_key(e: &EntityRef) -> String {
    e.to_string()
}

/// An event with the time it was stored (FindRelated's retention counts from there).
type Stored = (Nanos, Arc<SimEvent>);

#[derive(Default)]
struct Store {
    by_entity: HashMap<String, VecDeque<Arc<SimEvent>>>,
    by_correlation: HashMap<String, VecDeque<Stored>>,
    /// Every event the correlation index holds, oldest first (for retention and capacity).
    related: VecDeque<Stored>,
    /// `--record`: every published event, one JSON line each, in publication order.
    record: Option<Box<dyn Write + Send>>,
}

impl Store {
    /// Indexes `ev` by its correlation IDs (at most `HISTORY_LIMIT` per ID), then lets go of
    /// events stored before `at - ttl` and of the oldest beyond `capacity`.
    fn relate(&mut self, ev: &Arc<SimEvent>, at: Nanos, ttl: Nanos, capacity: usize) {
        for c in &ev.correlation_ids {
            let q = self.by_correlation.entry(c.clone()).or_default();
            q.push_back((at, Arc::clone(ev)));
            if q.len() > HISTORY_LIMIT {
                q.pop_front();
            }
        }
        self.related.push_back((at, Arc::clone(ev)));
        while let Some((stored, old)) = self.related.front().cloned() {
            if self.related.len() <= capacity && at - stored <= ttl {
                break;
            }
            self.related.pop_front();
            for c in &old.correlation_ids {
                if let Some(q) = self.by_correlation.get_mut(c) {
                    while q.front().is_some_and(|(_, e)| e.seq == old.seq) {
                        q.pop_front();
                    }
                    if q.is_empty() {
                        self.by_correlation.remove(c);
                    }
                }
            }
        }
    }
}

fn push(q: &mut VecDeque<Arc<SimEvent>>, ev: &Arc<SimEvent>, limit: usize) {
    q.push_back(Arc::clone(ev));
    while q.len() > limit {
        q.pop_front();
    }
    while q.front().is_some_and(|f| ev.time - f.time > HISTORY_TTL) {
        q.pop_front();
    }
}

/// The hub shared by the traffic source(s) and all streams.
pub struct Hub {
    seq: AtomicU64,
    with_store: bool,
    /// Events kept per entity (the per-correlation-ID index keeps [`HISTORY_LIMIT`]).
    entity_limit: usize,
    /// How long FindRelated finds an event after it was stored.
    related_ttl: Nanos,
    /// At most this many events are kept for FindRelated.
    related_capacity: usize,
    store: Mutex<Store>,
    tx: broadcast::Sender<Arc<SimEvent>>,
}

impl Hub {
    /// A hub; `with_store = false` mimics TTS's default `internal` backend without history.
    pub fn new(with_store: bool) -> Self {
        let (tx, _) = broadcast::channel(4096);
        Self {
            seq: AtomicU64::new(1),
            with_store,
            entity_limit: HISTORY_LIMIT,
            related_ttl: RELATED_TTL,
            related_capacity: RELATED_CAPACITY,
            store: Mutex::new(Store::default()),
            tx,
        }
    }

    /// Keeps the last `limit` events per entity instead of [`HISTORY_LIMIT`] (at least 1).
    #[must_use]
    pub fn with_entity_limit(mut self, limit: usize) -> Self {
        self.entity_limit = limit.max(1);
        self
    }

    /// FindRelated finds an event for `ttl` after it was stored (at least 1 ns), and at most
    /// `capacity` events are retained for it (at least 1).
    #[must_use]
    pub fn with_related(mut self, ttl: Nanos, capacity: usize) -> Self {
        self.related_ttl = ttl.max(1);
        self.related_capacity = capacity.max(1);
        self
    }

    /// Appends every published event to `out` as one JSON line (a capture `--replay` reads).
    #[must_use]
    pub fn recording_to(self, out: Box<dyn Write + Send>) -> Self {
        if let Ok(mut s) = self.store.lock() {
            s.record = Some(out);
        }
        self
    }

    /// Whether history is kept.
    pub fn has_store(&self) -> bool {
        self.with_store
    }

    /// Wraps an event without publishing it (flood mode).
    pub fn wrap(&self, value: Value) -> Arc<SimEvent> {
        Arc::new(SimEvent::from_value(
            self.seq.fetch_add(1, Ordering::Relaxed),
            value,
        ))
    }

    /// Stores and broadcasts one Event JSON object.
    pub fn publish(&self, value: Value) -> Arc<SimEvent> {
        self.publish_at(value, now())
    }

    /// [`Hub::publish`], stored at `at` (wall clock).
    pub fn publish_at(&self, value: Value, at: Nanos) -> Arc<SimEvent> {
        // The lock orders seq assignment, storage and broadcast against `subscribe`.
        let mut guard = self
            .store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut ev = SimEvent::from_value(self.seq.fetch_add(1, Ordering::Relaxed), value);
        // Streams read the parsed fields and the JSON; FindRelated parses again: the store holds
        // many events, the parsed form would triple what each costs.
        ev.value = Value::Null;
        let ev = Arc::new(ev);
        if let Some(out) = guard.record.as_mut() {
            let written = out
                .write_all(ev.json.as_bytes())
                .and_then(|()| out.write_all(b"\n"));
            if let Err(e) = written {
                eprintln!("eventline-sim: recording stopped: {e}");
                guard.record = None;
            }
        }
        if self.with_store {
            {
                let s = &mut *guard;
                let mut keys: HashSet<String> = ev.ids.iter().map(store_key).collect();
                if ev.propagates {
                    for e in &ev.ids {
                        if let (EntityKind::Device, Some(app)) = (e.kind, &e.app) {
                            keys.insert(store_key(&EntityRef::new(EntityKind::Application, app)));
                        }
                    }
                }
                for k in keys {
                    push(s.by_entity.entry(k).or_default(), &ev, self.entity_limit);
                }
                s.relate(&ev, at, self.related_ttl, self.related_capacity);
            }
        }
        let _ = self.tx.send(Arc::clone(&ev));
        drop(guard);
        ev
    }

    /// A receiver for live events plus the first sequence number it will see: history must be
    /// taken strictly below it, live events at or above it.
    pub fn subscribe(&self) -> (broadcast::Receiver<Arc<SimEvent>>, u64) {
        let _guard = self
            .store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (self.tx.subscribe(), self.seq.load(Ordering::Relaxed))
    }

    /// History for `ids` (per identifier, oldest first): events with `time > after` (ms-truncated),
    /// at most `tail` per identifier when `tail > 0`, only those published before `max_seq`.
    pub fn history(
        &self,
        ids: &[EntityRef],
        tail: u32,
        after: Option<Nanos>,
        max_seq: u64,
    ) -> Vec<Arc<SimEvent>> {
        if !self.with_store {
            return Vec::new();
        }
        let s = self
            .store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let after = after.map(|a| a - a.rem_euclid(1_000_000));
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for id in ids {
            let Some(q) = s.by_entity.get(&store_key(&EntityRef {
                extra: Vec::new(),
                ..id.clone()
            })) else {
                continue;
            };
            let mut picked: Vec<&Arc<SimEvent>> = q
                .iter()
                .filter(|e| e.seq < max_seq && after.is_none_or(|a| e.time > a))
                .collect();
            if tail > 0 && picked.len() > tail as usize {
                picked = picked.split_off(picked.len() - tail as usize);
            }
            for e in picked {
                if seen.insert(e.seq) {
                    out.push(Arc::clone(e));
                }
            }
        }
        out
    }

    /// Events with correlation ID `cid`, newest first, at most [`HISTORY_LIMIT`], only those
    /// still retained (FindRelated).
    pub fn related(&self, cid: &str) -> Vec<Arc<SimEvent>> {
        self.related_at(cid, now())
    }

    /// [`Hub::related`] as seen at wall-clock time `at`.
    pub fn related_at(&self, cid: &str, at: Nanos) -> Vec<Arc<SimEvent>> {
        let s = self
            .store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        s.by_correlation
            .get(cid)
            .map(|q| {
                q.iter()
                    .rev()
                    .filter(|(stored, _)| at - stored <= self.related_ttl)
                    .take(HISTORY_LIMIT)
                    .map(|(_, e)| Arc::clone(e))
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SEC: Nanos = 1_000_000_000;

    fn event(n: u64, cids: &[&str]) -> Value {
        json!({
            "name": "as.up.data.forward",
            "time": "2024-10-28T09:15:14Z",
            "identifiers": [{"application_ids": {"application_id": "soil-sensors"}}],
            "correlation_ids": cids,
            "unique_id": format!("U{n}"),
        })
    }

    fn uids(evs: &[Arc<SimEvent>]) -> Vec<String> {
        evs.iter().map(|e| e.unique_id.clone()).collect()
    }

    #[test]
    fn related_is_newest_first_and_at_most_100() {
        let hub = Hub::new(true);
        for n in 0..150 {
            hub.publish_at(event(n, &["as:up:A"]), 1000 * SEC);
        }
        let found = hub.related_at("as:up:A", 1000 * SEC);
        assert_eq!(found.len(), HISTORY_LIMIT);
        assert_eq!(found[0].unique_id, "U149");
        assert_eq!(found[99].unique_id, "U50");
        // The full event comes back, parsed again from its JSON.
        assert_eq!(found[0].to_value()["correlation_ids"], json!(["as:up:A"]));
        assert!(found[0].redacted().get("correlation_ids").is_none());
    }

    #[test]
    fn related_forgets_events_past_the_retention() {
        let hub = Hub::new(true).with_related(10 * SEC, RELATED_CAPACITY);
        hub.publish_at(event(1, &["ns:uplink:A", "gs:conn:C"]), 100 * SEC);
        hub.publish_at(event(2, &["ns:uplink:B", "gs:conn:C"]), 105 * SEC);
        assert_eq!(uids(&hub.related_at("ns:uplink:A", 110 * SEC)), ["U1"]);
        assert!(
            hub.related_at("ns:uplink:A", 111 * SEC).is_empty(),
            "past the TTL"
        );
        assert_eq!(uids(&hub.related_at("gs:conn:C", 111 * SEC)), ["U2"]);
        // A later event lets go of what expired, index entries included.
        hub.publish_at(event(3, &["ns:uplink:D"]), 116 * SEC);
        let s = hub
            .store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        assert!(!s.by_correlation.contains_key("ns:uplink:A"));
        assert!(!s.by_correlation.contains_key("ns:uplink:B"));
        assert_eq!(s.related.len(), 1);
    }

    #[test]
    fn related_keeps_at_most_its_capacity() {
        let hub = Hub::new(true).with_related(3600 * SEC, 3);
        for n in 0..5 {
            hub.publish_at(event(n, &["gs:conn:C", &format!("ns:uplink:{n}")]), SEC);
        }
        assert_eq!(uids(&hub.related_at("gs:conn:C", SEC)), ["U4", "U3", "U2"]);
        assert!(hub.related_at("ns:uplink:1", SEC).is_empty());
        assert_eq!(uids(&hub.related_at("ns:uplink:2", SEC)), ["U2"]);
    }

    #[test]
    fn without_a_store_nothing_is_related() {
        let hub = Hub::new(false);
        hub.publish_at(event(1, &["as:up:A"]), SEC);
        assert!(hub.related_at("as:up:A", SEC).is_empty());
    }
}
