//! [`Timeline`]: events kept once in arrival order, up to a capacity, with
//! indexes by entity lane, by time, by correlation ID and by `unique_id`, and
//! the filtered views of an active [`Filter`].

use std::collections::VecDeque;

use super::corr::{CorrIndex, MAX_RETAINED};
use super::filter::Filter;
use super::ids::IdIndex;
use super::lane::{merge_ids, Lane};
use super::lanes::Lanes;
use super::marker::{stream_start_names, Marker, MarkerKind};
use super::ordered::{Ordered, Seq};
use super::preview::{LazyRow, RowPreview};
use super::room::push_within;
use super::slots::LaneSlots;
use crate::tts::Event;

/// How many events the timeline keeps unless told otherwise.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// The filtered flat view, present while a filter is active.
#[derive(Debug)]
struct Active {
    filter: Filter,
    flat: Ordered,
}

/// Everything retained, and the views over it.
#[derive(Debug)]
pub struct Timeline {
    events: VecDeque<Event>,
    /// What each event's row shows (computed on first need, then kept), beside it.
    shown: VecDeque<LazyRow>,
    /// The lanes each event is in, beside it.
    slots: VecDeque<LaneSlots>,
    /// The `Seq` of `events[0]`.
    base: Seq,
    /// The next event whose preview [`Timeline::warm_previews`] computes.
    warm: Seq,
    /// `unique_id` → seq.
    ids: IdIndex,
    /// A correlation ID's hash → its events in arrival order.
    correlations: CorrIndex,
    lanes: Lanes,
    flat: Ordered,
    markers: Vec<Marker>,
    duplicates: u64,
    capacity: usize,
    evicted: u64,
    active: Option<Active>,
}

impl Default for Timeline {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

impl Timeline {
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty timeline keeping at most `capacity` events (at least 1, at most 2^31).
    pub fn with_capacity(capacity: usize) -> Self {
        Timeline {
            events: VecDeque::new(),
            shown: VecDeque::new(),
            slots: VecDeque::new(),
            base: 0,
            warm: 0,
            ids: IdIndex::default(),
            correlations: CorrIndex::default(),
            lanes: Lanes::default(),
            flat: Ordered::default(),
            markers: Vec::new(),
            duplicates: 0,
            capacity: capacity.clamp(1, MAX_RETAINED),
            evicted: 0,
            active: None,
        }
    }

    /// The `Seq` of the retained event with this `unique_id`.
    pub fn find(&self, unique_id: &str) -> Option<Seq> {
        self.ids.find(unique_id, self.base, |seq| {
            self.event(seq).is_some_and(|e| e.unique_id == unique_id)
        })
    }

    /// Adds an event. Returns `false` (and counts it) when its `unique_id` is
    /// already retained. `events.stream.start` becomes a marker, not an event.
    /// Past the capacity, the oldest event is evicted (and counted).
    pub fn push(&mut self, event: Event) -> bool {
        if !event.unique_id.is_empty() && self.find(&event.unique_id).is_some() {
            self.duplicates += 1;
            return false;
        }
        if event.is_stream_start() {
            self.markers.push(Marker {
                time: event.time,
                kind: MarkerKind::StreamStarted {
                    names: stream_start_names(&event),
                },
            });
            return true;
        }
        let seq = self.base + self.events.len() as u64;
        let time = event.time.unix_nanos();
        let preview = LazyRow::default();
        let matched = self
            .active
            .as_ref()
            .is_some_and(|a| a.filter.matches(&event, &preview));
        let slots = self.lanes.slots_for(&event);
        for (i, at) in slots.iter().enumerate() {
            if let Some(lane) = self.lanes.at_mut(at) {
                if let (Some(known), Some(seen)) = (lane.entity.as_mut(), event.identifiers.get(i))
                {
                    merge_ids(known, seen);
                }
                if lane.all.is_empty() || event.time > lane.last_seen {
                    lane.last_seen = event.time;
                }
                lane.all.insert(time, seq);
                if matched {
                    lane.matched.insert(time, seq);
                }
            }
        }
        self.flat.insert(time, seq);
        if let (true, Some(active)) = (matched, self.active.as_mut()) {
            active.flat.insert(time, seq);
        }
        for c in event.correlation_ids.iter() {
            self.correlations.push(c, seq);
        }
        if !event.unique_id.is_empty() {
            self.ids.insert(&event.unique_id, seq);
        }
        push_within(&mut self.events, event, self.capacity);
        push_within(&mut self.shown, preview, self.capacity);
        push_within(&mut self.slots, slots, self.capacity);
        while self.events.len() > self.capacity {
            self.evict_oldest();
        }
        true
    }

    /// Forgets the oldest retained event and everything that points at it.
    fn evict_oldest(&mut self) {
        let Some(event) = self.events.pop_front() else {
            return;
        };
        self.shown.pop_front();
        let slots = self.slots.pop_front();
        let seq = self.base;
        self.base += 1;
        self.evicted += 1;
        let time = event.time.unix_nanos();
        for slot in slots.iter().flat_map(LaneSlots::iter) {
            let emptied = self.lanes.at_mut(slot).is_some_and(|lane| {
                lane.all.remove(time, seq);
                lane.matched.remove(time, seq);
                lane.all.is_empty()
            });
            if emptied {
                self.lanes.remove_slot(slot);
            }
        }
        self.flat.remove(time, seq);
        if let Some(active) = self.active.as_mut() {
            active.flat.remove(time, seq);
        }
        for c in event.correlation_ids.iter() {
            self.correlations.evict(c, seq);
        }
        if !event.unique_id.is_empty() {
            self.ids.remove(&event.unique_id, seq);
        }
    }

    /// The event stored as `seq`, if still retained.
    pub fn event(&self, seq: Seq) -> Option<&Event> {
        let at = usize::try_from(seq.checked_sub(self.base)?).ok()?;
        self.events.get(at)
    }

    /// What the row of the event stored as `seq` shows (computed the first
    /// time it is asked for, then kept).
    pub fn preview(&self, seq: Seq) -> Option<&RowPreview> {
        let at = usize::try_from(seq.checked_sub(self.base)?).ok()?;
        Some(self.shown.get(at)?.get(self.events.get(at)?))
    }

    /// How many rows have their preview computed (tests: ingest computes none).
    #[cfg(test)]
    pub(crate) fn previews_computed(&self) -> usize {
        self.shown.iter().filter(|r| r.is_ready()).count()
    }

    /// Computes the previews of up to `n` events not yet warmed, oldest
    /// first; returns how many events remain after them.
    pub fn warm_previews(&mut self, n: usize) -> usize {
        let end = self.base + self.events.len() as u64;
        let mut seq = self.warm.max(self.base);
        let stop = seq.saturating_add(n as u64).min(end);
        while seq < stop {
            if let Some((event, row)) = self.event_and_row(seq) {
                row.get(event);
            }
            seq += 1;
        }
        self.warm = seq;
        usize::try_from(end - seq).unwrap_or(usize::MAX)
    }

    /// The lanes of the event stored as `seq` (a copy: the lanes are changed while it is read).
    fn slots_of(&self, seq: Seq) -> Option<LaneSlots> {
        let at = usize::try_from(seq.checked_sub(self.base)?).ok()?;
        self.slots.get(at).cloned()
    }

    fn event_and_row(&self, seq: Seq) -> Option<(&Event, &LazyRow)> {
        let at = usize::try_from(seq.checked_sub(self.base)?).ok()?;
        Some((self.events.get(at)?, self.shown.get(at)?))
    }

    /// Lanes, applications first, then devices, gateways, organizations,
    /// users, clients, and events without an entity. With a filter active,
    /// only lanes with matching events.
    pub fn lanes(&self) -> impl Iterator<Item = &Lane> {
        let filtering = self.active.is_some();
        self.lanes
            .iter()
            .filter(move |l| !filtering || !l.matched.is_empty())
    }

    /// The lane with this key.
    pub fn lane(&self, key: &str) -> Option<&Lane> {
        self.lanes.get(key)
    }

    /// The rows of a lane (or, for `None`, of the flat view): all events, or
    /// those passing the active filter; sorted by event time.
    pub fn rows(&self, lane: Option<&str>) -> Option<&Ordered> {
        match (lane, &self.active) {
            (None, None) => Some(&self.flat),
            (None, Some(active)) => Some(&active.flat),
            (Some(key), active) => {
                self.lane(key)
                    .map(|l| if active.is_some() { &l.matched } else { &l.all })
            }
        }
    }

    /// Every retained event in event-time order, oldest first (what an export writes).
    pub fn in_time_order(&self) -> impl Iterator<Item = &Event> {
        self.flat.iter().filter_map(|s| self.event(s))
    }

    /// The time of the newest retained event (ns).
    pub fn newest_time(&self) -> Option<i64> {
        self.flat
            .iter()
            .rev()
            .find_map(|s| self.event(s))
            .map(|e| e.time.unix_nanos())
    }

    /// Retained events carrying this correlation ID, in arrival order.
    pub fn correlated(&self, id: &str) -> Vec<Seq> {
        self.correlations
            .get(id, self.base)
            .filter(|&s| {
                self.event(s)
                    .is_some_and(|e| e.correlation_ids.iter().any(|c| c == id))
            })
            .collect()
    }

    /// Retained events whose time is within `from..=to` (ns), oldest first.
    pub fn between(&self, from: i64, to: i64) -> impl Iterator<Item = &Event> {
        self.seqs_between(from, to).filter_map(|s| self.event(s))
    }
    /// The `Seq`s of [`Timeline::between`]'s events.
    pub fn seqs_between(&self, from: i64, to: i64) -> impl Iterator<Item = Seq> + '_ {
        self.flat.between(from, to)
    }

    pub fn markers(&self) -> &[Marker] {
        &self.markers
    }

    /// Entity events retained (an event naming two entities counts once).
    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Events passing the filter (all retained events without one).
    pub fn shown(&self) -> usize {
        self.rows(None).map_or(0, Ordered::len)
    }

    /// Events dropped because their `unique_id` was already retained.
    pub fn duplicates(&self) -> u64 {
        self.duplicates
    }

    /// The most events kept; older ones are evicted.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Events evicted to stay under the capacity.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// Changes the capacity (at least 1, at most 2^31), evicting the oldest events at once if over it.
    pub fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity.clamp(1, MAX_RETAINED);
        while self.events.len() > self.capacity {
            self.evict_oldest();
        }
    }

    /// The active filter, if any.
    pub fn filter(&self) -> Option<&Filter> {
        self.active.as_ref().map(|a| &a.filter)
    }

    /// Applies a filter to every retained event (and to those that arrive
    /// later); an empty filter removes it.
    pub fn set_filter(&mut self, filter: Filter) {
        for lane in self.lanes.iter_mut() {
            lane.matched.clear();
        }
        if filter.is_empty() {
            self.active = None;
            return;
        }
        // Typed on (`soil` → `soil-node`): only what the last filter let through.
        let narrowed = self
            .active
            .take()
            .filter(|a| filter.narrows(&a.filter))
            .map(|a| a.flat);
        let candidates: Vec<(i64, Seq)> = match (filter.required_correlation(), narrowed) {
            (Some(id), narrowed) => {
                let correlated = self.correlated(id);
                match narrowed.filter(|n| n.len() < correlated.len()) {
                    Some(fewer) => fewer.entries().collect(),
                    None => {
                        let mut c: Vec<(i64, Seq)> = correlated
                            .into_iter()
                            .filter_map(|s| Some((self.event(s)?.time.unix_nanos(), s)))
                            .collect();
                        c.sort_unstable();
                        c
                    }
                }
            }
            (None, narrowed) => narrowed.as_ref().unwrap_or(&self.flat).entries().collect(),
        };
        let mut flat = Ordered::default();
        let mut pass = filter.pass();
        for (time, seq) in candidates {
            let slots = match self.event_and_row(seq) {
                Some((event, row)) if pass.matches(event, row) => self.slots_of(seq),
                _ => continue,
            };
            for slot in slots.iter().flat_map(LaneSlots::iter) {
                if let Some(lane) = self.lanes.at_mut(slot) {
                    lane.matched.insert(time, seq);
                }
            }
            flat.insert(time, seq);
        }
        self.active = Some(Active { filter, flat });
    }

    /// Forgets every event and marker (the capacity and filter stay).
    pub fn clear(&mut self) {
        let filter = self.active.take().map(|a| a.filter);
        *self = Self::with_capacity(self.capacity);
        if let Some(filter) = filter {
            self.set_filter(filter);
        }
    }
}

#[cfg(test)]
#[path = "timeline_tests.rs"]
mod tests;
