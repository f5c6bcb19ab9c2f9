//! The generator's virtual clock: every planned event waits in a queue ordered by its time within
//! the simulated network (virtual nanoseconds since the stream started, then planning order), and
//! is built from its template only when it is taken out, stamped with that time.
//!
//! Exists so flows can overlap and hop at realistic, millisecond-level delays (GS→NS, the NS
//! de-duplication window, the 1 s / 5 s receive windows) while events still leave in time order.
//! It must never reorder two events of the same time (planning order breaks ties), so a seed gives
//! the same sequence whatever the wall clock does.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use serde_json::Value;

use super::template::Subst;
use crate::clock::Nanos;

/// One second in [`Nanos`].
pub const SEC: Nanos = 1_000_000_000;

/// A change to an instantiated event: at the object `at` (a JSON pointer), set `key` to `value`,
/// or remove it (`None`). Nothing happens when `at` is not an object.
#[derive(Debug, Clone)]
pub struct Edit {
    /// JSON pointer of the object (e.g. `/data/uplink_message`).
    pub at: &'static str,
    /// The member.
    pub key: &'static str,
    /// Its new value; `None` removes it.
    pub value: Option<Value>,
}

impl Edit {
    /// Sets `at`/`key` to `value`.
    pub fn set(at: &'static str, key: &'static str, value: Value) -> Self {
        Self {
            at,
            key,
            value: Some(value),
        }
    }

    /// Removes `at`/`key`.
    pub fn remove(at: &'static str, key: &'static str) -> Self {
        Self {
            at,
            key,
            value: None,
        }
    }

    /// Applies the edit to `v`.
    pub fn apply(&self, v: &mut Value) {
        if let Some(Value::Object(m)) = v.pointer_mut(self.at) {
            match &self.value {
                Some(x) => {
                    m.insert(self.key.into(), x.clone());
                }
                None => {
                    m.shift_remove(self.key);
                }
            }
        }
    }
}

/// One event waiting for its time.
pub struct Planned {
    /// Virtual time (since the stream's start).
    pub at: Nanos,
    /// Planning order (ties).
    pub seq: u64,
    /// Template name.
    pub name: &'static str,
    /// Which example of that name.
    pub nth: usize,
    /// What to put in, times virtual.
    pub subst: Subst,
    /// Changes after instantiation.
    pub edits: Vec<Edit>,
}

impl PartialEq for Planned {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}

impl Eq for Planned {}

impl PartialOrd for Planned {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Planned {
    /// Reversed: the earliest event is the greatest (`BinaryHeap` is a max-heap).
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// The planned events, earliest first.
#[derive(Default)]
pub struct Queue {
    heap: BinaryHeap<Planned>,
    seq: u64,
}

impl Queue {
    /// Plans `name` at virtual time `at`.
    pub fn push(
        &mut self,
        at: Nanos,
        name: &'static str,
        nth: usize,
        subst: Subst,
        edits: Vec<Edit>,
    ) {
        self.seq += 1;
        self.heap.push(Planned {
            at,
            seq: self.seq,
            name,
            nth,
            subst,
            edits,
        });
    }

    /// How many events have been planned so far (all time).
    pub fn planned(&self) -> u64 {
        self.seq
    }

    /// The virtual time of the earliest waiting event.
    pub fn next_at(&self) -> Option<Nanos> {
        self.heap.peek().map(|p| p.at)
    }

    /// Takes the earliest waiting event.
    pub fn pop(&mut self) -> Option<Planned> {
        self.heap.pop()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_first_then_planning_order() {
        let mut q = Queue::default();
        for (at, name) in [(5, "c"), (1, "a"), (5, "d"), (2, "b")] {
            q.push(at, name, 0, Subst::default(), Vec::new());
        }
        let order: Vec<&str> = std::iter::from_fn(|| q.pop().map(|p| p.name)).collect();
        assert_eq!(order, ["a", "b", "c", "d"]);
    }

    #[test]
    fn edits_set_and_remove() {
        let mut v = serde_json::json!({"data": {"a": 1, "b": 2}});
        Edit::set("/data", "c", serde_json::json!(3)).apply(&mut v);
        Edit::remove("/data", "a").apply(&mut v);
        Edit::set("/nothing", "x", serde_json::json!(0)).apply(&mut v);
        assert_eq!(v, serde_json::json!({"data": {"b": 2, "c": 3}}));
    }
}
