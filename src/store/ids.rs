//! [`IdIndex`]: `unique_id` → the event's seq, for de-duplication and for
//! finding the open event again. 32-bit hashes of IDs and the low bits of
//! seqs (8 bytes an entry), checked against the event on lookup, so a hash
//! collision can never drop or confuse an event (a colliding ID goes to an
//! overflow map). Plain data; nothing here panics.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use super::corr::Low;
use super::ordered::Seq;

use crate::tts::text_hash;

/// The retained events' `unique_id`s.
#[derive(Debug, Default)]
pub(super) struct IdIndex {
    hashes: HashMap<u32, Low>,
    overflow: HashMap<String, Seq>,
}

/// The index's hash of an ID: [`text_hash`]'s low 32 bits (a collision only sends
/// an ID to the overflow map).
fn hash(id: &str) -> u32 {
    text_hash(id) as u32
}

impl IdIndex {
    /// The seq stored for `id`, given the oldest retained seq (`base`); `is`
    /// says whether the event at a seq has that id.
    pub(super) fn find(&self, id: &str, base: Seq, is: impl Fn(Seq) -> bool) -> Option<Seq> {
        if let Some(&seq) = self.overflow.get(id) {
            return Some(seq);
        }
        let seq = self.hashes.get(&hash(id))?.seq(base);
        is(seq).then_some(seq)
    }

    /// Remembers `id` at `seq` (the caller checked it is not retained yet).
    pub(super) fn insert(&mut self, id: &str, seq: Seq) {
        match self.hashes.entry(hash(id)) {
            Entry::Occupied(_) => {
                self.overflow.insert(id.to_owned(), seq);
            }
            Entry::Vacant(slot) => {
                slot.insert(Low::of(seq));
            }
        }
    }

    /// Forgets `id`, evicted at `seq`.
    pub(super) fn remove(&mut self, id: &str, seq: Seq) {
        let hash = hash(id);
        if self.hashes.get(&hash) == Some(&Low::of(seq)) {
            self.hashes.remove(&hash);
        } else {
            self.overflow.remove(id);
        }
    }
}
