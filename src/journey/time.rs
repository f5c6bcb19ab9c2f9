//! Durations in a journey: `+7.5 ms` offsets and `1.82 s` totals; and ages
//! ("last seen 2 min ago").

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

/// How long ago something was (ns), as a clock reads: whole seconds under a
/// minute, whole minutes (rounded down) under two hours, then as [`span`]. A
/// column of ages never mixes `119.6 s` with `2 min`.
pub fn age(ns: i64) -> String {
    const S: i64 = 1_000_000_000;
    match ns {
        i64::MIN..S => "< 1 s".to_owned(),
        S..60_000_000_000 => format!("{} s", ns / S),
        60_000_000_000..7_200_000_000_000 => format!("{} min", ns / (60 * S)),
        _ => span(ns),
    }
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

    #[test]
    fn ages_read_in_whole_units() {
        let s = 1_000_000_000;
        assert_eq!(age(400_000_000), "< 1 s");
        assert_eq!(age(-5), "< 1 s", "a clock a little behind the event");
        assert_eq!(age(42 * s + 600_000_000), "42 s");
        assert_eq!(age(119 * s + 600_000_000), "1 min");
        assert_eq!(age(120 * s), "2 min");
        assert_eq!(age(119 * 60 * s), "119 min");
        assert_eq!(age(3 * 3600 * s + 5 * 60 * s), "3 h 5 min");
    }
}
