//! Stable sorting with one copy of the standard library's sort in the bundle.
//!
//! Every `slice::sort_by` with its own element type or comparator gets its own
//! copy of the standard stable sort (driftsort: ≈ 4 kB of wasm each before
//! `wasm-opt`; the crate's 24 call sites made 25 copies, ≈ 95 kB, 23 kB gzip
//! after it). These helpers sort a permutation of indices instead, through one
//! comparator behind `dyn`, so the sort exists once; each call adds only its
//! comparator and the loop that moves its elements into place. Stable, like
//! `sort_by`.
//!
//! For what views, insights and previews sort (short lists, or up to tens of
//! thousands of rows; each call allocates its permutation); the store's
//! per-event paths keep the standard sorts.

use std::cmp::Ordering;

/// Sorts `v` by `cmp`, keeping equal elements in their order (as `sort_by`).
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    {
        let items: &[T] = v;
        let mut by_index = |a: usize, b: usize| match (items.get(a), items.get(b)) {
            (Some(a), Some(b)) => cmp(a, b),
            _ => Ordering::Equal,
        };
        sort_order(&mut order, &mut by_index);
    }
    permute(v, &mut order);
}

/// Sorts `v` by the key `key` gives each element (as `sort_by_key`).
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` in its natural order (as `sort`).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Compares two values either of which may be missing: by `cmp` when both
/// are there, a missing one after one that is there (whichever way `cmp`
/// orders, so a reversed column still lists its empty rows last).
pub fn missing_last<T>(a: Option<T>, b: Option<T>, cmp: impl FnOnce(T, T) -> Ordering) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => cmp(a, b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The one place the standard stable sort is instantiated.
#[inline(never)]
fn sort_order(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

/// Puts `v[order[i]]` at `i` for every `i`, following each cycle of the
/// permutation once (`order` is left as the identity).
fn permute<T>(v: &mut [T], order: &mut [usize]) {
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start || from == at {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pseudo-random pairs `(key, position)` with many equal keys.
    fn pairs(n: usize, seed: u64) -> Vec<(u8, usize)> {
        let mut x = seed;
        (0..n)
            .map(|i| {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                ((x >> 59) as u8, i)
            })
            .collect()
    }

    #[test]
    fn sorts_as_the_standard_stable_sort() {
        for (n, seed) in [
            (0, 1),
            (1, 2),
            (2, 3),
            (3, 4),
            (17, 5),
            (1_000, 6),
            (10_000, 7),
        ] {
            let mut ours = pairs(n, seed);
            let mut std = ours.clone();
            sort_by_key(&mut ours, |p| p.0);
            std.sort_by_key(|p| p.0);
            assert_eq!(ours, std, "{n} elements");
            // Stable: equal keys keep their positions' order.
            assert!(ours.windows(2).all(|w| w[0].0 < w[1].0 || w[0].1 < w[1].1));
        }
    }

    #[test]
    fn every_cycle_of_a_permutation_is_followed() {
        // Fixed points (0, 5), a 2-cycle (1 4) and a 3-cycle (2 6 3).
        let mut v = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
        let mut order = [0, 4, 6, 2, 1, 5, 3];
        permute(&mut v, &mut order);
        assert_eq!(v, ['a', 'e', 'g', 'c', 'b', 'f', 'd']);
        assert_eq!(order, [0, 1, 2, 3, 4, 5, 6], "left as the identity");
        // One cycle through everything.
        let mut v: Vec<usize> = (0..6).collect();
        let mut order = [1, 2, 3, 4, 5, 0];
        permute(&mut v, &mut order);
        assert_eq!(v, [1, 2, 3, 4, 5, 0]);
    }

    #[test]
    fn comparators_and_natural_order() {
        let mut words = vec!["pear", "fig", "apple", "kiwi", "date"];
        sort_by(&mut words, |a, b| a.len().cmp(&b.len()));
        assert_eq!(words, ["fig", "pear", "kiwi", "date", "apple"]);
        sort(&mut words);
        assert_eq!(words, ["apple", "date", "fig", "kiwi", "pear"]);
        let mut backwards: Vec<u32> = (0..50).rev().collect();
        sort(&mut backwards);
        assert_eq!(backwards, (0..50).collect::<Vec<_>>());
    }
}
