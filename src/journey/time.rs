//! Durations in a journey: `+7.5 ms` offsets and `1.82 s` totals.

use crate::tts::preview::duration;

/// A duration (ns) for people: `0.4 ms`, `185 ms`, `1.82 s`, `3 min`.
pub fn span(ns: i64) -> String {
    duration(ns as f64 / 1e9)
}

/// An offset from the journey's first step: `+0 ms`, `+7.5 ms`, `+1.82 s`.
pub fn offset(ns: i64) -> String {
    if ns == 0 {
        return "+0 ms".to_owned();
    }
    if ns < 0 {
        return format!("−{}", span(-ns));
    }
    format!("+{}", span(ns))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_read_like_a_waterfall() {
        assert_eq!(offset(0), "+0 ms");
        assert_eq!(offset(7_500_000), "+7.5 ms");
        assert_eq!(offset(214_000_000), "+214 ms");
        assert_eq!(offset(1_820_000_000), "+1.82 s");
        assert_eq!(span(4_600_000_000), "4.6 s");
        assert_eq!(offset(-3_000_000), "−3 ms");
    }
}
