//! [`push_within`]: appends to a list that never holds more than a capacity
//! (plus the one an insert adds before its eviction), growing it as usual
//! but never past that: a full timeline of 100,000 events would otherwise
//! keep 131,072 slots, a quarter of them empty, in each of its lists.

use std::collections::VecDeque;

/// Appends `item`; `capacity` is what the list holds at most once evicted.
pub(super) fn push_within<T>(list: &mut VecDeque<T>, item: T, capacity: usize) {
    if list.len() == list.capacity() {
        let room = (capacity + 1).saturating_sub(list.len());
        list.reserve_exact(list.len().max(16).min(room).max(1));
    }
    list.push_back(item);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_list_keeps_no_spare_room_and_a_small_one_grows_as_usual() {
        let mut list = VecDeque::new();
        for i in 0..1000 {
            push_within(&mut list, i, 1000);
            if list.len() > 1000 {
                list.pop_front();
            }
        }
        push_within(&mut list, 1000, 1000);
        list.pop_front();
        assert_eq!(list.len(), 1000);
        assert!(list.capacity() <= 1024, "{}", list.capacity());
        assert_eq!(list.front(), Some(&1));
        // Past the capacity (it was raised), it grows again.
        for i in 0..100 {
            push_within(&mut list, i, 5000);
        }
        assert_eq!(list.len(), 1100);
    }
}
