//! [`Lanes`]: the timeline's lanes, found by key in O(1) and listed in their
//! order (applications first, then devices, gateways, …, each by key). A lane
//! keeps its slot for life; the order is a list of slots, so adding or
//! dropping one lane moves a few integers and re-indexes nothing.
//!
//! Exists so that a stream naming 10,000 entities costs no work per new lane
//! proportional to the lanes already there (beyond that list's memmove).

use std::collections::HashMap;

use super::lane::{kind_rank, lane_keys, Lane};
use super::lane_memo::LaneMemo;
use super::ordered::Ordered;
use super::slots::LaneSlots;
use crate::tts::{Event, Timestamp};

#[derive(Debug, Default)]
pub(super) struct Lanes {
    slots: Vec<Option<Lane>>,
    /// Slots of dropped lanes, reused first.
    free: Vec<usize>,
    /// Slots in listing order.
    order: Vec<usize>,
    /// Key → slot.
    index: HashMap<String, usize>,
    /// Identifier set → slots, for events naming the entities of an earlier one.
    memo: LaneMemo,
}

impl Lanes {
    /// The slot of the lane with this key.
    pub fn slot_of(&self, key: &str) -> Option<usize> {
        self.index.get(key).copied()
    }

    pub fn get(&self, key: &str) -> Option<&Lane> {
        self.slots.get(self.slot_of(key)?)?.as_ref()
    }

    pub fn at_mut(&mut self, slot: usize) -> Option<&mut Lane> {
        self.slots.get_mut(slot)?.as_mut()
    }

    /// Where a lane ranked `(rank, key)` goes in the listing order.
    fn position(&self, rank: u8, key: &str) -> usize {
        self.order.partition_point(|&s| {
            self.slots
                .get(s)
                .and_then(Option::as_ref)
                .is_some_and(|l| (kind_rank(l.entity.as_ref()), l.key.as_str()) < (rank, key))
        })
    }

    /// The lanes `event` goes to, in the order it names its entities (one
    /// for no entity), made for entities new to the timeline. An event that
    /// shares its identifiers with an earlier one costs no key (see [`LaneMemo`]).
    pub fn slots_for(&mut self, event: &Event) -> LaneSlots {
        if let Some(known) = self.memo.get(&event.identifiers) {
            return known.clone();
        }
        let mut slots = LaneSlots::new();
        for (i, key) in lane_keys(event).into_iter().enumerate() {
            let at = match self.slot_of(&key) {
                Some(at) => at,
                None => self.add(Lane {
                    key,
                    entity: event.identifiers.get(i).cloned(),
                    last_seen: Timestamp::from_unix_nanos(i64::MIN),
                    all: Ordered::default(),
                    matched: Ordered::default(),
                }),
            };
            slots.push(at);
        }
        self.memo.put(&event.identifiers, &slots);
        slots
    }

    /// Adds a lane whose key is new; returns its slot.
    pub fn add(&mut self, lane: Lane) -> usize {
        let pos = self.position(kind_rank(lane.entity.as_ref()), &lane.key);
        let key = lane.key.clone();
        let slot = match self.free.pop() {
            Some(slot) => {
                if let Some(place) = self.slots.get_mut(slot) {
                    *place = Some(lane);
                }
                slot
            }
            None => {
                self.slots.push(Some(lane));
                self.slots.len() - 1
            }
        };
        self.index.insert(key, slot);
        self.order.insert(pos, slot);
        slot
    }

    /// Drops the lane in this slot.
    pub fn remove_slot(&mut self, slot: usize) {
        let key = self
            .slots
            .get(slot)
            .and_then(Option::as_ref)
            .map(|l| l.key.clone());
        if let Some(key) = key {
            self.remove(&key);
        }
    }

    /// Drops the lane with this key.
    pub fn remove(&mut self, key: &str) {
        let Some(slot) = self.index.remove(key) else {
            return;
        };
        self.memo.forget(); // its slot will be reused
        let rank = self
            .slots
            .get(slot)
            .and_then(Option::as_ref)
            .map(|l| kind_rank(l.entity.as_ref()));
        if let Some(rank) = rank {
            let pos = self.position(rank, key);
            if self.order.get(pos) == Some(&slot) {
                self.order.remove(pos);
            } else {
                self.order.retain(|&s| s != slot);
            }
        }
        if let Some(place) = self.slots.get_mut(slot) {
            *place = None;
        }
        self.free.push(slot);
    }

    /// Every lane in listing order.
    pub fn iter(&self) -> impl Iterator<Item = &Lane> {
        self.order
            .iter()
            .filter_map(|&s| self.slots.get(s).and_then(Option::as_ref))
    }

    /// Every lane, in no particular order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Lane> {
        self.slots.iter_mut().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ordered::Ordered;
    use crate::tts::{EntityIds, Timestamp};

    fn lane(entity: EntityIds) -> Lane {
        Lane {
            key: match &entity {
                EntityIds::Gateway { .. } => format!("gw:{}", entity.id()),
                _ => entity.id().to_string(),
            },
            entity: Some(entity),
            last_seen: Timestamp::from_unix_nanos(0),
            all: Ordered::default(),
            matched: Ordered::default(),
        }
    }

    fn keys(l: &Lanes) -> Vec<String> {
        l.iter().map(|l| l.key.clone()).collect()
    }

    #[test]
    fn lanes_list_by_kind_then_key_and_keep_their_slots() {
        let mut l = Lanes::default();
        let gw = l.add(lane(EntityIds::gateway("b-gw")));
        l.add(lane(EntityIds::application("zeta")));
        l.add(lane(EntityIds::gateway("a-gw")));
        l.add(lane(EntityIds::application("alpha")));
        assert_eq!(keys(&l), ["alpha", "zeta", "gw:a-gw", "gw:b-gw"]);
        assert_eq!(
            l.slot_of("gw:b-gw"),
            Some(gw),
            "adding others moved nothing"
        );
        l.remove("zeta");
        assert_eq!(keys(&l), ["alpha", "gw:a-gw", "gw:b-gw"]);
        assert!(l.get("zeta").is_none());
        let again = l.add(lane(EntityIds::application("mid")));
        assert_eq!(again, 1, "a dropped lane's slot is reused");
        assert_eq!(keys(&l), ["alpha", "mid", "gw:a-gw", "gw:b-gw"]);
        l.remove("not-there");
        assert_eq!(l.iter_mut().count(), 4);
    }

    #[test]
    fn ten_thousand_lanes_stay_in_order() {
        let mut l = Lanes::default();
        for i in (0..10_000).rev() {
            l.add(lane(EntityIds::application(format!("app-{i:05}"))));
        }
        for i in (0..10_000).step_by(2) {
            l.remove(&format!("app-{i:05}"));
        }
        let k = keys(&l);
        assert_eq!(k.len(), 5_000);
        assert!(k.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(
            l.get("app-00001").map(|l| l.key.as_str()),
            Some("app-00001")
        );
    }
}
