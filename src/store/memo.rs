//! [`SharedMemo`]: what a search found in the values events share (an
//! event's name, its identifiers, each of its correlation IDs: one value held
//! by every event that carried the same text, see `tts::Shared` and
//! `tts::CorrelationIds`), remembered for one pass of a filter
//! over the timeline, so 100,000 events with fifty names search those names
//! about fifty times (a few more where two share a slot), not 100,000.
//!
//! Keyed by the value's address ([`Shared::addr`](crate::tts::Shared::addr),
//! [`CorrelationIds::shared`](crate::tts::CorrelationIds::shared)):
//! sound only while every value looked up stays alive, which one pass over
//! the timeline guarantees (it drops no event), so a memo never outlives its
//! pass. Direct-mapped: a value whose slot another took is searched again,
//! never answered wrongly (a hit needs the same address).

/// Answers by address, for one pass.
#[derive(Debug)]
pub struct SharedMemo {
    /// `(address, answer)`; address 0 is an empty slot (no value lives there).
    slots: Box<[(usize, bool)]>,
    /// 64 minus the number of bits of a slot index.
    shift: u32,
}

impl SharedMemo {
    /// A memo of `2^bits` slots (`bits` between 1 and 16).
    pub fn new(bits: u32) -> Self {
        let bits = bits.clamp(1, 16);
        SharedMemo {
            slots: vec![(0, false); 1 << bits].into_boxed_slice(),
            shift: 64 - bits,
        }
    }

    /// The answer for the value at `addr`: remembered, or `search`ed now
    /// (and remembered in place of what held its slot).
    pub fn get_or(&mut self, addr: usize, search: impl FnOnce() -> bool) -> bool {
        // Fibonacci hashing: allocations a few bytes apart land far apart.
        let i = ((addr as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize;
        match self.slots.get_mut(i) {
            Some((known, answer)) if *known == addr && addr != 0 => *answer,
            Some(slot) => {
                let answer = search();
                *slot = (addr, answer);
                answer
            }
            None => search(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_value_is_searched_once_until_another_takes_its_slot() {
        let searches = Cell::new(0);
        let mut memo = SharedMemo::new(1); // two slots: collisions guaranteed
        let mut ask = |addr: usize| {
            memo.get_or(addr, || {
                searches.set(searches.get() + 1);
                addr.is_multiple_of(16)
            })
        };
        assert!(ask(64));
        assert!(ask(64));
        assert_eq!(searches.get(), 1, "the second answer was remembered");
        // Many other addresses: whatever they evict, every answer stays right.
        for addr in (8..4_000).step_by(8) {
            assert_eq!(ask(addr), addr.is_multiple_of(16), "address {addr}");
        }
        assert!(ask(64));
        let before = searches.get();
        ask(0);
        ask(0);
        assert_eq!(searches.get(), before + 2, "address 0 is never a hit");
    }
}
