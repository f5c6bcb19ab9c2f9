//! Deterministic pseudo-randomness (splitmix64), ULIDs and base64, all dependency-free.
//!
//! Exists so that `--seed N` reproduces the same sequence of event names and entity choices:
//! every random choice of the simulator flows from one `Prng`. It is not cryptographic and must
//! never be used for secrets.

use crate::clock::Nanos;

/// A splitmix64 generator: tiny, fast, and good enough for simulated radio noise.
#[derive(Debug, Clone)]
pub struct Prng {
    state: u64,
}

impl Prng {
    /// A generator seeded with `seed` (any value, including 0, is fine).
    pub fn new(seed: u64) -> Self {
        Self {
            state: seed ^ 0x5EED_E7E4_71AE_0001,
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform integer in `0..n` (`0` when `n == 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// A uniform integer in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| (self.next_u64() >> 56) as u8).collect()
    }

    /// Upper-case hex of `n` random bytes.
    pub fn hex(&mut self, n: usize) -> String {
        hex_upper(&self.bytes(n))
    }

    /// A ULID whose time part is `t` (ms precision) and whose 80 random bits come from this PRNG.
    pub fn ulid(&mut self, t: Nanos) -> String {
        let ms = (t.max(0) / 1_000_000) as u128 & ((1u128 << 48) - 1);
        let rand = (u128::from(self.next_u64()) << 16) | u128::from(self.next_u64() >> 48);
        let v = (ms << 80) | (rand & ((1u128 << 80) - 1));
        ulid_string(v)
    }
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn ulid_string(v: u128) -> String {
    (0..26)
        .map(|i| {
            let shift = 125 - 5 * i;
            CROCKFORD[((v >> shift) & 31) as usize] as char
        })
        .collect()
}

/// Upper-case hex.
pub fn hex_upper(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02X}")).collect()
}

/// Lower-case hex.
pub fn hex_lower(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (how protojson writes `bytes`).
pub fn base64(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_numbers() {
        let (mut a, mut b) = (Prng::new(7), Prng::new(7));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn ulids_are_26_crockford_chars_and_time_ordered() {
        let mut p = Prng::new(1);
        let a = p.ulid(1_730_106_842_000_000_000);
        let b = p.ulid(1_730_106_843_000_000_000);
        assert_eq!(a.len(), 26);
        assert!(a.bytes().all(|c| CROCKFORD.contains(&c)));
        assert!(a < b);
        assert!(a.starts_with("01JB"));
    }

    #[test]
    fn base64_matches_reference() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
