//! [`LaneMemo`]: the lanes of the identifier sets met last, so that an event
//! naming the same entities as an earlier one goes to their lanes without a
//! lane key formatted or looked up (events share their decoded identifiers:
//! `tts::Shared`, one value per distinct JSON text).
//!
//! An entry holds the shared identifiers it is for, so no other set can
//! take its address while it is there (an address match is the same set);
//! it counts only until a lane is dropped (a dropped lane's slot is reused).

use super::slots::LaneSlots;
use crate::tts::{EntityIds, Shared};

/// Identifier sets remembered: a busy stream's entities (a gateway's, its
/// application's, each device's) for as long as they keep sending.
const SETS: usize = 1024;

#[derive(Debug)]
struct Entry {
    ids: Shared<Vec<EntityIds>>,
    /// The lanes' generation it was made in.
    generation: u64,
    lanes: LaneSlots,
}

/// Identifier set → the slots of its lanes (see the module's documentation).
#[derive(Debug, Default)]
pub(super) struct LaneMemo {
    entries: Vec<Option<Entry>>,
    /// Moves on whenever a lane is dropped: older entries no longer count.
    generation: u64,
}

/// Where the set living at `addr` goes (Fibonacci hashing: allocations a few
/// bytes apart land far apart).
fn place(addr: usize) -> usize {
    let bits = SETS.trailing_zeros();
    ((addr as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

impl LaneMemo {
    /// The lanes of `ids`, if met since the last lane was dropped.
    pub fn get(&self, ids: &Shared<Vec<EntityIds>>) -> Option<&LaneSlots> {
        let entry = self.entries.get(place(ids.addr()))?.as_ref()?;
        (entry.generation == self.generation && entry.ids.addr() == ids.addr())
            .then_some(&entry.lanes)
    }

    /// Remembers the lanes of `ids`.
    pub fn put(&mut self, ids: &Shared<Vec<EntityIds>>, lanes: &LaneSlots) {
        if self.entries.is_empty() {
            self.entries.resize_with(SETS, || None);
        }
        if let Some(slot) = self.entries.get_mut(place(ids.addr())) {
            *slot = Some(Entry {
                ids: ids.clone(),
                generation: self.generation,
                lanes: lanes.clone(),
            });
        }
    }

    /// A lane was dropped: nothing remembered counts any more.
    pub fn forget(&mut self) {
        self.generation = self.generation.wrapping_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(of: &[usize]) -> LaneSlots {
        let mut s = LaneSlots::new();
        for &slot in of {
            s.push(slot);
        }
        s
    }

    #[test]
    fn the_same_shared_set_is_found_until_a_lane_is_dropped() {
        let mut memo = LaneMemo::default();
        let gw = Shared::new(vec![EntityIds::gateway("gw-1")]);
        let same_text_other_value = Shared::new(vec![EntityIds::gateway("gw-1")]);
        assert!(memo.get(&gw).is_none(), "empty");
        memo.put(&gw, &slots(&[3]));
        assert_eq!(
            memo.get(&gw.clone()),
            Some(&slots(&[3])),
            "a clone is the same set"
        );
        assert!(
            memo.get(&same_text_other_value).is_none(),
            "entries are found by the shared value's address, not by content"
        );
        memo.forget();
        assert!(
            memo.get(&gw).is_none(),
            "a dropped lane's slot may be reused"
        );
        memo.put(&gw, &slots(&[4, 7]));
        assert_eq!(memo.get(&gw), Some(&slots(&[4, 7])));
    }
}
