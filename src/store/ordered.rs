//! [`Ordered`]: references to stored events kept sorted by event time, ties
//! by arrival — the order of a lane, of the flat view, and of their filtered
//! versions.
//!
//! A `VecDeque` of `(time ns, seq)` pairs: comparing needs no lookup into the
//! events, an event arriving in time order is appended at the back, and the
//! oldest (the one evicted first) is removed from the front, both O(1).

use std::collections::VecDeque;

/// The arrival number of a stored event: stable for the event's life in the store.
pub type Seq = u64;

/// Event references sorted by `(time, seq)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ordered(VecDeque<(i64, Seq)>);

impl Ordered {
    /// Adds a reference in its place. Events arriving in time order go at the end.
    pub fn insert(&mut self, time: i64, seq: Seq) {
        let key = (time, seq);
        match self.0.back() {
            Some(&last) if last > key => {
                let pos = self.0.partition_point(|&k| k < key);
                self.0.insert(pos, key);
            }
            _ => self.0.push_back(key),
        }
    }

    /// Removes a reference; `false` when it was not there.
    pub fn remove(&mut self, time: i64, seq: Seq) -> bool {
        let key = (time, seq);
        if self.0.front() == Some(&key) {
            self.0.pop_front();
            return true;
        }
        match self.position(time, seq) {
            Some(pos) => self.0.remove(pos).is_some(),
            None => false,
        }
    }

    /// Where `(time, seq)` is, oldest first.
    pub fn position(&self, time: i64, seq: Seq) -> Option<usize> {
        let key = (time, seq);
        let pos = self.0.partition_point(|&k| k < key);
        (self.0.get(pos) == Some(&key)).then_some(pos)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The references whose time is within `from..=to` (ns), oldest first.
    pub fn between(&self, from: i64, to: i64) -> impl Iterator<Item = Seq> + '_ {
        let start = self.0.partition_point(|&(t, _)| t < from);
        self.0
            .range(start..)
            .take_while(move |&&(t, _)| t <= to)
            .map(|&(_, s)| s)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every reference, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = Seq> + '_ {
        self.0.iter().map(|&(_, seq)| seq)
    }

    /// Every reference with its event's time (ns), oldest first.
    pub fn entries(&self) -> impl Iterator<Item = (i64, Seq)> + '_ {
        self.0.iter().copied()
    }

    /// The references at display positions `start..end` (clamped), in display order.
    pub fn window(&self, start: usize, end: usize, newest_first: bool) -> Vec<Seq> {
        let len = self.0.len();
        let end = end.min(len);
        if start >= end {
            return Vec::new();
        }
        if newest_first {
            (start..end)
                .filter_map(|i| self.0.get(len - 1 - i).map(|&(_, s)| s))
                .collect()
        } else {
            self.0.range(start..end).map(|&(_, s)| s).collect()
        }
    }

    /// The `(time, seq)` at display position `i`.
    pub fn key_at(&self, i: usize, newest_first: bool) -> Option<(i64, Seq)> {
        let len = self.0.len();
        let at = if newest_first {
            len.checked_sub(1)?.checked_sub(i)?
        } else {
            i
        };
        self.0.get(at).copied()
    }

    /// The display position of `(time, seq)`.
    pub fn display_position(&self, time: i64, seq: Seq, newest_first: bool) -> Option<usize> {
        let pos = self.position(time, seq)?;
        Some(if newest_first {
            self.0.len() - 1 - pos
        } else {
            pos
        })
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }
}

impl FromIterator<(i64, Seq)> for Ordered {
    /// Builds from pairs already in order.
    fn from_iter<I: IntoIterator<Item = (i64, Seq)>>(iter: I) -> Self {
        Ordered(iter.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_references_land_in_place_and_ties_keep_arrival_order() {
        let mut o = Ordered::default();
        o.insert(10, 0);
        o.insert(30, 1);
        o.insert(20, 2);
        o.insert(20, 3);
        o.insert(5, 4);
        assert_eq!(o.iter().collect::<Vec<_>>(), [4, 0, 2, 3, 1]);
        assert_eq!(o.window(0, 2, true), [1, 3]);
        assert_eq!(o.window(3, 99, false), [3, 1]);
        assert_eq!(o.display_position(20, 2, true), Some(2));
        assert!(o.remove(20, 2));
        assert!(!o.remove(20, 2));
        assert!(o.remove(5, 4));
        assert_eq!(o.iter().collect::<Vec<_>>(), [0, 3, 1]);
        assert!(o.window(5, 9, true).is_empty());
    }
}
