//! [`Caseless`]: text found in event bytes ignoring ASCII case — the text
//! filter's inner loop, run over every retained payload (≈ 100 MB at
//! 100,000 events, at every keystroke).
//!
//! In the browser (wasm32) a text longer than a block is scanned with wasm
//! SIMD, 16 positions at once: the needle's first and last bytes at each
//! position, and the whole needle only where both match (the "generic SIMD"
//! substring search). Over 1,000-byte texts that is ≈ 4× faster in V8 than
//! `memchr` (which on wasm32 without SIMD reads 4 bytes at a time and stops
//! at every occurrence of one byte); short texts (IDs, names) keep `memchr`,
//! whose start-up is cheaper. Natively (tests, benches) `memchr` jumps
//! between occurrences of the needle's rarest byte.

/// Text to find, ignoring ASCII case.
#[derive(Debug, Clone)]
pub struct Caseless {
    /// The text, lower-cased (ASCII).
    lower: Vec<u8>,
    /// The position of its rarest byte (the scalar scan's anchor).
    anchor: usize,
}

/// How common a byte is in TTS event JSON (higher = more common): the
/// native scan jumps between occurrences of the needle's rarest byte.
fn commonness(b: u8) -> u8 {
    match b {
        b'"' | b':' | b',' | b' ' => 255,
        b'e' | b't' | b'a' | b'i' | b'o' | b'n' | b's' | b'r' => 200,
        b'a'..=b'z' => 160,
        b'0'..=b'9' => 150,
        b'_' | b'.' | b'-' | b'/' | b'{' | b'}' => 140,
        _ => 60,
    }
}

impl Caseless {
    /// `text`, to be found in any ASCII case.
    pub fn new(text: &str) -> Self {
        let lower = text.as_bytes().to_ascii_lowercase();
        let anchor = lower
            .iter()
            .enumerate()
            .min_by_key(|&(_, &b)| commonness(b))
            .map_or(0, |(i, _)| i);
        Caseless { lower, anchor }
    }

    /// Whether the text occurs in `hay`, ignoring ASCII case (the empty text
    /// occurs everywhere).
    pub fn found_in(&self, hay: &[u8]) -> bool {
        #[cfg(target_arch = "wasm32")]
        {
            // Below a block and a needle, the SIMD loop would not run.
            if hay.len() < 16 + self.lower.len() {
                return anchored(hay, &self.lower, self.anchor);
            }
            // Safe to call on wasm: an engine without SIMD refuses the whole
            // module when it loads (it is validated before anything runs).
            simd::found(hay, &self.lower)
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            anchored(hay, &self.lower, self.anchor)
        }
    }
}

/// Whether `lower` (lower-case ASCII) occurs in `hay`, ignoring ASCII case:
/// `memchr` to each occurrence of the byte at `anchor`, then a comparison.
fn anchored(hay: &[u8], lower: &[u8], anchor: usize) -> bool {
    let n = lower.len();
    let Some(&a) = lower.get(anchor) else {
        return true; // the empty needle
    };
    if hay.len() < n {
        return false;
    }
    let upper = a.to_ascii_uppercase();
    // The anchor byte can be at positions anchor ..= hay.len() - n + anchor.
    let limit = hay.len() - n + anchor + 1;
    let mut from = anchor;
    while from < limit {
        let rest = hay.get(from..limit).unwrap_or_default();
        let hit = if a == upper {
            memchr::memchr(a, rest)
        } else {
            memchr::memchr2(a, upper, rest)
        };
        let Some(i) = hit else {
            return false;
        };
        let at = from + i - anchor;
        if hay
            .get(at..at + n)
            .is_some_and(|w| w.eq_ignore_ascii_case(lower))
        {
            return true;
        }
        from += i + 1;
    }
    false
}

#[cfg(target_arch = "wasm32")]
mod simd {
    use core::arch::wasm32::{
        u8x16_bitmask, u8x16_eq, u8x16_splat, v128, v128_and, v128_load, v128_or,
    };

    /// What a byte of the hay is ORed with before it is compared to the
    /// needle's byte `b`: 0x20 folds `A`–`Z` onto `a`–`z` (and nothing else
    /// onto a letter), other bytes are compared as they are.
    fn fold(b: u8) -> u8 {
        if b.is_ascii_lowercase() {
            0x20
        } else {
            0
        }
    }

    /// Whether `lower` (lower-case ASCII) occurs in `hay`, ignoring ASCII case.
    #[target_feature(enable = "simd128")]
    pub(super) fn found(hay: &[u8], lower: &[u8]) -> bool {
        let n = lower.len();
        let (Some(&first), Some(&last)) = (lower.first(), lower.last()) else {
            return true; // the empty needle
        };
        if hay.len() < n {
            return false;
        }
        let (first_folds, first_is) = (u8x16_splat(fold(first)), u8x16_splat(first));
        let (last_folds, last_is) = (u8x16_splat(fold(last)), u8x16_splat(last));
        let matches_at = |at: usize| {
            hay.get(at..at + n)
                .is_some_and(|w| w.eq_ignore_ascii_case(lower))
        };
        // Positions `at` can start the needle while `at + n <= hay.len()`;
        // a block tests the starts at..at + 16, reading the 16 bytes from
        // `at` and those from `at + n - 1`.
        let starts = hay.len() - n + 1;
        let base = hay.as_ptr();
        let mut at = 0;
        while at + 16 <= starts {
            // SAFETY: at + 16 <= hay.len() - n + 1, so both reads end within
            // `hay` (the second at at + n - 1 + 16 <= hay.len());
            // `v128.load` needs no alignment. (Slicing here instead costs
            // two out-of-line calls per block at opt-level "z".)
            let (head, tail) = unsafe {
                (
                    v128_load(base.add(at).cast::<v128>()),
                    v128_load(base.add(at + n - 1).cast::<v128>()),
                )
            };
            let both = v128_and(
                u8x16_eq(v128_or(head, first_folds), first_is),
                u8x16_eq(v128_or(tail, last_folds), last_is),
            );
            let mut bits = u8x16_bitmask(both);
            while bits != 0 {
                if matches_at(at + bits.trailing_zeros() as usize) {
                    return true;
                }
                bits &= bits - 1;
            }
            at += 16;
        }
        // The last starts, one at a time: the ends first, the whole needle
        // only where both match (a call each, so never at every position).
        let (first_fold, last_fold) = (fold(first), fold(last));
        (at..starts).any(|at| {
            hay.get(at).is_some_and(|&b| b | first_fold == first)
                && hay.get(at + n - 1).is_some_and(|&b| b | last_fold == last)
                && matches_at(at)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_a_naive_search() {
        let hays = [
            "", "a", "abcABC", "xxAbCxx", "aaaaab", "ab", "ba", "Zz", "zZz",
        ];
        let needles = ["a", "ab", "abc", "bc", "aab", "zz", "b", "cx", ""];
        for h in hays {
            for n in needles {
                let naive = h.to_ascii_lowercase().contains(n);
                assert_eq!(Caseless::new(n).found_in(h.as_bytes()), naive, "{n} in {h}");
            }
        }
    }

    /// Letters fold onto their other case and nothing else: `@` is not `` ` ``,
    /// `[` is not `{`, and a needle's symbols and digits match only themselves.
    #[test]
    fn only_letters_fold() {
        assert!(!Caseless::new("`a").found_in(b"@A"));
        assert!(!Caseless::new("{x").found_in(b"[X"));
        assert!(Caseless::new("soil-node-01").found_in(b"..\"SOIL-Node-01\".."));
        assert!(!Caseless::new("soil-node-01").found_in(b"soil\rnode-01"));
    }
}
