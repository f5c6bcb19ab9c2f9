//! Flood mode's event source. Building an event (serde_json values, one allocation per field)
//! costs far more than any client spends reading it, so a flood generated event by event
//! measures the simulator, not the client. Instead a pool of [`POOL_EVENTS`] generated events is
//! built once in the background, and streams cycle through it, splicing a fresh `time` and
//! `unique_id` into each copy: a memcpy per event. Until the pool is ready a stream generates
//! events one by one as before.
//!
//! What repeats every [`POOL_EVENTS`] events: names, identifiers, payloads, correlation IDs and
//! nested times; `time` and `unique_id` are always new (a viewer de-duplicating by `unique_id`
//! keeps every event).

use std::sync::Arc;

use axum::body::Bytes;
use serde_json::Value;

use crate::clock::{format_rfc3339, now, Nanos};
use crate::fleet::Fleet;
use crate::framing::frame;
use crate::generator::Generator;
use crate::hub::{Hub, SimEvent};
use crate::prng::Prng;

/// How many distinct generated events a pool holds (`Config::flood_pool_events`).
pub const POOL_EVENTS: usize = 10_000;

/// Where the fresh values go in a pooled event's JSON.
const TIME_MARK: &str = "\"@@eventline-sim-time@@\"";
const UID_MARK: &str = "\"@@eventline-sim-unique-id@@\"";

/// One pooled event: what filters see, and its JSON cut around `time` and `unique_id`.
struct Pooled {
    event: Arc<SimEvent>,
    /// Literal JSON, with a hole between consecutive pieces.
    pieces: [String; 3],
    /// Whether the first hole is `time` (else `unique_id`).
    time_first: bool,
}

impl Pooled {
    fn new(value: Value) -> Option<Self> {
        let mut template = value.clone();
        let m = template.as_object_mut()?;
        m.insert("time".into(), Value::String(String::new()));
        m.insert("unique_id".into(), Value::String(String::new()));
        let json = serde_json::to_string(&template).ok()?;
        // The markers replace the empty strings set above (each occurs once: top level).
        let json = json.replacen("\"time\":\"\"", &format!("\"time\":{TIME_MARK}"), 1);
        let json = json.replacen(
            "\"unique_id\":\"\"",
            &format!("\"unique_id\":{UID_MARK}"),
            1,
        );
        let (t, u) = (json.find(TIME_MARK)?, json.find(UID_MARK)?);
        let (first, first_mark, second_mark) = if t < u {
            (t, TIME_MARK, UID_MARK)
        } else {
            (u, UID_MARK, TIME_MARK)
        };
        let head = &json[..first];
        let rest = &json[first + first_mark.len()..];
        let second = rest.find(second_mark)?;
        let pieces = [
            head.to_owned(),
            rest[..second].to_owned(),
            rest[second + second_mark.len()..].to_owned(),
        ];
        let mut event = SimEvent::from_value(0, value);
        event.value = Value::Null; // filters read the parsed fields; the pool keeps only JSON
        Some(Self {
            event: Arc::new(event),
            pieces,
            time_first: t < u,
        })
    }

    /// `{"result":<event with time and unique_id>}` + `delimiter`.
    fn frame(&self, time: &str, unique_id: &str, delimiter: &[u8]) -> Bytes {
        let (a, b) = if self.time_first {
            (time, unique_id)
        } else {
            (unique_id, time)
        };
        let len = self.pieces.iter().map(String::len).sum::<usize>() + 80;
        let mut out = Vec::with_capacity(len + delimiter.len());
        out.extend_from_slice(b"{\"result\":");
        out.extend_from_slice(self.pieces[0].as_bytes());
        for (hole, piece) in [(a, &self.pieces[1]), (b, &self.pieces[2])] {
            out.push(b'"');
            out.extend_from_slice(hole.as_bytes());
            out.push(b'"');
            out.extend_from_slice(piece.as_bytes());
        }
        out.push(b'}');
        out.extend_from_slice(delimiter);
        Bytes::from(out)
    }
}

/// Generated events, ready to be replayed with fresh times and IDs.
pub struct Pool {
    events: Vec<Pooled>,
}

impl Pool {
    /// Generates `n` events for `fleet` from `seed` (a second or so; call it off the runtime).
    pub fn generate(fleet: Fleet, seed: u64, n: usize) -> Self {
        let mut g = Generator::new(fleet, seed, 300).without_scenarios();
        let mut events = Vec::with_capacity(n);
        while events.len() < n {
            events.extend(Pooled::new(g.next_event(now())));
        }
        Self { events }
    }

    /// Number of pooled events.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

/// What the last [`Source::next_event`] returned, for [`Source::frame`].
enum Current {
    None,
    Pooled(usize),
    Fresh(Arc<SimEvent>),
}

/// One flood stream's events: from the pool once it is ready, generated before.
pub struct Source {
    pool: Option<Arc<Pool>>,
    generator: Generator,
    p: Prng,
    next: usize,
    current: Current,
}

impl Source {
    /// A source for one stream (`seed` varies per stream).
    pub fn new(fleet: Fleet, seed: u64) -> Self {
        Self {
            pool: None,
            generator: Generator::new(fleet, seed, 300).without_scenarios(),
            p: Prng::new(seed),
            next: (seed % POOL_EVENTS as u64) as usize,
            current: Current::None,
        }
    }

    /// The next event (to be filtered, then framed with [`Source::frame`]).
    pub fn next_event(&mut self, hub: &Hub, pool: Option<&Arc<Pool>>) -> Arc<SimEvent> {
        if self.pool.is_none() {
            self.pool = pool.filter(|p| !p.is_empty()).cloned();
        }
        match &self.pool {
            Some(pool) => {
                let i = self.next % pool.len();
                self.next = i + 1;
                self.current = Current::Pooled(i);
                Arc::clone(&pool.events[i].event)
            }
            None => {
                // Stamped now, like a pooled event's frame (the generator's own clock runs at
                // its planned rate, far slower than a flood).
                let t = now();
                let mut v = self.generator.next_event(t);
                if let Some(m) = v.as_object_mut() {
                    m.insert("time".into(), Value::String(format_rfc3339(t)));
                }
                let ev = hub.wrap(v);
                self.current = Current::Fresh(Arc::clone(&ev));
                ev
            }
        }
    }

    /// The frame of the event last returned, stamped `t` (pooled events get a new `unique_id`).
    pub fn frame(&mut self, t: Nanos, delimiter: &[u8]) -> Bytes {
        match (&self.current, &self.pool) {
            (Current::Pooled(i), Some(pool)) => {
                let uid = self.p.ulid(t);
                pool.events[*i].frame(&format_rfc3339(t), &uid, delimiter)
            }
            (Current::Fresh(ev), _) => frame(&ev.json, delimiter),
            _ => Bytes::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_events_come_back_whole_with_new_times_and_ids() {
        let hub = Hub::new(false);
        let fleet = Fleet::new(1, 2, 3, 3);
        let pool = Arc::new(Pool::generate(fleet.clone(), 7, 50));
        assert_eq!(pool.len(), 50);
        let mut source = Source::new(fleet, 3);
        let mut ids = std::collections::HashSet::new();
        for k in 0..120i64 {
            let ev = source.next_event(&hub, Some(&pool));
            let t = 1_800_000_000_000_000_000 + k * 1_000_000;
            let frame = source.frame(t, b"\n\n");
            let text = std::str::from_utf8(&frame).expect("utf-8");
            let text = text.strip_suffix("\n\n").expect("delimiter");
            let v: Value = serde_json::from_str(text).expect("one JSON object per frame");
            let r = &v["result"];
            assert_eq!(r["name"], ev.name.as_str());
            assert_eq!(r["time"], format_rfc3339(t).as_str());
            let uid = r["unique_id"].as_str().expect("unique_id");
            assert_eq!(uid.len(), 26);
            assert!(ids.insert(uid.to_owned()), "unique_id repeated: {uid}");
            assert!(r["identifiers"].is_array());
        }
    }

    #[test]
    fn a_source_without_a_pool_generates() {
        let hub = Hub::new(false);
        let mut source = Source::new(Fleet::new(1, 1, 1, 1), 5);
        let ev = source.next_event(&hub, None);
        let frame = source.frame(now(), b"\n");
        assert!(frame.starts_with(b"{\"result\":{"));
        assert!(std::str::from_utf8(&frame).is_ok_and(|f| f.contains(&ev.unique_id)));
    }
}
