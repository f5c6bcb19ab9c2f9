//! How long to wait before the next attempt: capped doubling with jitter.
//!
//! Why: when a cluster restarts, every open viewer drops at the same moment;
//! waiting exactly 1, 2, 4 … s would bring them all back at once. The n-th
//! consecutive failure waits `min(initial · 2ⁿ⁻¹, max)` times a factor drawn
//! uniformly from `[0.5, 1.0]` ("equal jitter"), in whole milliseconds, so the
//! wait never exceeds the cap. It must never read a clock or an OS random
//! source: the caller seeds it, so tests replay exactly.

use std::time::Duration;

/// splitmix64: a tiny deterministic generator, enough for jitter.
pub(super) fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The wait after `failures` earlier consecutive failures (0 for the first retry).
pub(super) fn delay(initial: Duration, max: Duration, failures: u32, rng: &mut u64) -> Duration {
    let base = initial.saturating_mul(1u32 << failures.min(31)).min(max);
    let base_ms = u64::try_from(base.as_millis()).unwrap_or(u64::MAX);
    let half = base_ms / 2;
    let jitter = splitmix64(rng) % (base_ms - half).saturating_add(1);
    Duration::from_millis(half.saturating_add(jitter))
}
