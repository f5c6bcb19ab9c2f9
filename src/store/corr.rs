//! [`CorrIndex`]: a correlation ID's hash → the retained events carrying it,
//! in arrival order. 32-bit hashes, so a lookup checks each event (see
//! `Timeline::correlated`): IDs of one hash share a list, never a wrong
//! answer. Plain data, nothing here panics.
//!
//! Why compact: a real stream brings about one new ID per event, and most IDs
//! are carried by the four to ten events of one message's journey. A list of
//! their own for each ID (as this index had) is an allocation of 32–64 bytes
//! per ID; here up to [`INLINE`] events sit in the map's own entry, as the
//! low 32 bits of their seqs ([`Low`]), and only the few long-lived IDs (a
//! gateway connection's) get a list of their own. An event is listed once
//! under an ID however often it names it.

use std::collections::{HashMap, VecDeque};

use super::ordered::Seq;
use crate::tts::text_hash;

/// Events kept in an ID's entry before it gets a list of its own.
const INLINE: usize = 5;

/// A retained event's seq by its low 32 bits: the retained seqs are fewer
/// than 2^32 ([`MAX_RETAINED`]), so these and the oldest retained seq give
/// the seq back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Low(u32);

/// The most events a timeline retains (so [`Low`] is exact).
pub(super) const MAX_RETAINED: usize = 1 << 31;

impl Low {
    pub(super) fn of(seq: Seq) -> Self {
        Low(seq as u32)
    }

    /// The seq, given the oldest retained one (`base`).
    pub(super) fn seq(self, base: Seq) -> Seq {
        base + u64::from(self.0.wrapping_sub(base as u32))
    }
}

/// The events carrying one ID (or IDs of one hash), oldest first.
#[derive(Debug)]
enum Postings {
    Few { len: u8, seqs: [Low; INLINE] },
    Many(VecDeque<Low>),
}

impl Postings {
    fn one(seq: Low) -> Self {
        Postings::Few {
            len: 1,
            seqs: [seq; INLINE],
        }
    }

    /// Adds `seq` after the others, once (an event may list an ID twice).
    fn push(&mut self, seq: Low) {
        let (a, b) = self.as_slices();
        if b.last().or(a.last()) == Some(&seq) {
            return;
        }
        match self {
            Postings::Few { len, seqs } if usize::from(*len) < INLINE => {
                if let Some(slot) = seqs.get_mut(usize::from(*len)) {
                    *slot = seq;
                    *len += 1;
                }
            }
            Postings::Few { seqs, .. } => {
                let mut many: VecDeque<Low> = seqs.iter().copied().collect();
                many.push_back(seq);
                *self = Postings::Many(many);
            }
            Postings::Many(many) => many.push_back(seq),
        }
    }

    fn as_slices(&self) -> (&[Low], &[Low]) {
        match self {
            Postings::Few { len, seqs } => (seqs.get(..usize::from(*len)).unwrap_or(&[]), &[]),
            Postings::Many(many) => many.as_slices(),
        }
    }

    /// Drops the oldest if it is `seq`; whether none are left.
    fn pop_if_first(&mut self, seq: Low) -> bool {
        match self {
            Postings::Few { len, seqs } => {
                if *len > 0 && seqs.first() == Some(&seq) {
                    seqs.rotate_left(1);
                    *len -= 1;
                }
                *len == 0
            }
            Postings::Many(many) => {
                if many.front() == Some(&seq) {
                    many.pop_front();
                }
                many.is_empty()
            }
        }
    }
}

/// The retained events of each correlation ID's hash.
#[derive(Debug, Default)]
pub(super) struct CorrIndex {
    /// 32-bit keys: a real stream brings about one new ID per event, so this
    /// map has about as many entries as events are retained.
    map: HashMap<u32, Postings>,
}

/// The index's hash of an ID: [`text_hash`]'s low 32 bits.
fn hash(id: &str) -> u32 {
    text_hash(id) as u32
}

impl CorrIndex {
    /// Adds `seq` (newer than every seq already there) under `id`.
    pub(super) fn push(&mut self, id: &str, seq: Seq) {
        let hash = hash(id);
        let low = Low::of(seq);
        self.map
            .entry(hash)
            .and_modify(|p| p.push(low))
            .or_insert_with(|| Postings::one(low));
    }

    /// Forgets `seq` under `id` when it is the oldest there (evictions go oldest first).
    pub(super) fn evict(&mut self, id: &str, seq: Seq) {
        let hash = hash(id);
        if self
            .map
            .get_mut(&hash)
            .is_some_and(|p| p.pop_if_first(Low::of(seq)))
        {
            self.map.remove(&hash);
        }
    }

    /// The seqs under `id`'s hash, oldest first, given the oldest retained
    /// seq (an event there may carry another ID of the same hash).
    pub(super) fn get(&self, id: &str, base: Seq) -> impl Iterator<Item = Seq> + '_ {
        let (a, b) = self
            .map
            .get(&hash(id))
            .map_or((&[][..], &[][..]), Postings::as_slices);
        a.iter().chain(b).map(move |low| low.seq(base))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seqs_come_back_whole_across_the_32_bit_wrap() {
        for base in [0, 7, u64::from(u32::MAX) - 3, (5 << 32) + 10] {
            for seq in base..base + 8 {
                assert_eq!(Low::of(seq).seq(base), seq);
            }
            let far = base + MAX_RETAINED as u64 - 1;
            assert_eq!(Low::of(far).seq(base), far);
        }
    }

    #[test]
    fn an_id_lists_its_events_in_order_inline_and_past_it() {
        let mut index = CorrIndex::default();
        let base = u64::from(u32::MAX) - 2; // the seqs wrap their low bits
        let seqs: Vec<Seq> = (base..base + 12).collect();
        for &s in &seqs {
            index.push("1", s);
            if s % 3 == 0 {
                index.push("2", s);
            }
        }
        assert!(index.get("1", base).eq(seqs.iter().copied()));
        let threes: Vec<Seq> = seqs.iter().copied().filter(|s| s % 3 == 0).collect();
        assert!(index.get("2", base).eq(threes.iter().copied()));
        assert_eq!(index.get("3", base).count(), 0);
        // Evicted oldest first: each list loses its front, and an emptied ID is gone.
        for (i, &s) in seqs.iter().enumerate() {
            index.evict("1", s);
            if s % 3 == 0 {
                index.evict("2", s);
            }
            let rest = seqs.get(i + 1..).unwrap_or(&[]);
            assert!(index.get("1", s + 1).eq(rest.iter().copied()), "after {s}");
        }
        assert!(index.map.is_empty(), "{:?}", index.map);
        // A seq that is not the oldest is left alone.
        index.push("4", 100);
        index.push("4", 101);
        index.evict("4", 101);
        assert!(index.get("4", 100).eq([100, 101]));
        // An event naming an ID twice is listed once, and evicted once.
        for seq in [102, 102, 103, 103] {
            index.push("5", seq);
        }
        assert!(index.get("5", 100).eq([102, 103]));
        for seq in [102, 102] {
            index.evict("5", seq);
        }
        assert!(index.get("5", 100).eq([103]));
    }
}
