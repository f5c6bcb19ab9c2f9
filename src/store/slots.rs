//! [`LaneSlots`]: the lanes an event is in, as their slots in [`super::lanes::Lanes`]
//! (a lane keeps its slot for life), kept beside each stored event.
//!
//! Why: eviction and a new filter visit every event's lanes; finding them by
//! slot costs nothing, where formatting each entity's lane key and hashing it
//! cost an allocation per lane per event. A slot is freed only when its lane
//! is empty, so no stored event ever points at a reused slot.

/// Up to two slots inline (nearly every event names one or two entities);
/// more on the heap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum LaneSlots {
    Few { len: u8, slots: [u32; 2] },
    Many(Box<[u32]>),
}

impl LaneSlots {
    /// No lane yet.
    pub fn new() -> Self {
        LaneSlots::Few {
            len: 0,
            slots: [0; 2],
        }
    }

    /// Adds the next lane's slot (no allocation for the first two).
    pub fn push(&mut self, slot: usize) {
        let slot = u32::try_from(slot).unwrap_or(u32::MAX);
        match self {
            LaneSlots::Few { len, slots } if usize::from(*len) < slots.len() => {
                if let Some(place) = slots.get_mut(usize::from(*len)) {
                    *place = slot;
                }
                *len += 1;
            }
            LaneSlots::Few { slots, .. } => {
                let mut all = slots.to_vec();
                all.push(slot);
                *self = LaneSlots::Many(all.into_boxed_slice());
            }
            LaneSlots::Many(all) => {
                let mut more = all.to_vec();
                more.push(slot);
                *all = more.into_boxed_slice();
            }
        }
    }

    /// The slots, in the order the event names its entities.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        let slice: &[u32] = match self {
            LaneSlots::Few { len, slots } => slots.get(..usize::from(*len)).unwrap_or_default(),
            LaneSlots::Many(all) => all,
        };
        slice.iter().map(|&s| s as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_come_back_as_given() {
        for given in [vec![], vec![7], vec![3, 9], vec![1, 2, 3, 4]] {
            let mut slots = LaneSlots::new();
            for &s in &given {
                slots.push(s);
            }
            assert_eq!(slots.iter().collect::<Vec<_>>(), given);
            assert_eq!(matches!(slots, LaneSlots::Few { .. }), given.len() <= 2);
        }
        assert!(std::mem::size_of::<LaneSlots>() <= 24);
    }
}
