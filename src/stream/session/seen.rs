//! `SeenIds`: the `unique_id`s received lately, for dropping resume overlaps.
//!
//! Why: a resume asks for a little history it already has (API.md §1.2), and
//! the copies must not show twice. A stream can run for days, so the memory is
//! bounded: past the capacity the oldest ID is forgotten first (FIFO). It must
//! never grow past its capacity. Every event passes here, so an ID is kept as
//! a [`UniqueId`] (a ULID inline): remembering one allocates nothing.

use std::collections::{HashSet, VecDeque};

use crate::tts::UniqueId;

/// A bounded set of IDs; inserting past the capacity forgets the oldest.
#[derive(Debug, Clone, Default)]
pub struct SeenIds {
    capacity: usize,
    set: HashSet<UniqueId>,
    order: VecDeque<UniqueId>,
}

impl SeenIds {
    /// An empty set that remembers at most `capacity` IDs.
    pub fn new(capacity: usize) -> Self {
        SeenIds {
            capacity,
            set: HashSet::new(),
            order: VecDeque::new(),
        }
    }

    /// Remembers `id`; `false` when it was already remembered.
    pub fn insert(&mut self, id: &str) -> bool {
        if self.set.contains(id) {
            return false;
        }
        if self.capacity == 0 {
            return true;
        }
        while self.order.len() >= self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        let id = UniqueId::new(id);
        self.set.insert(id.clone());
        self.order.push_back(id);
        true
    }

    /// Whether `id` is remembered.
    pub fn contains(&self, id: &str) -> bool {
        self.set.contains(id)
    }

    /// How many IDs are remembered.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}
