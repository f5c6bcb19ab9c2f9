//! Numbers as people read them: `12,345`.

/// `n` with a comma every three digits.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i != 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 event`, `12,345 events`.
pub fn events(n: u64) -> String {
    match n {
        1 => "1 event".to_owned(),
        n => format!("{} events", count(n)),
    }
}

/// A lane's size: `120 events`, or `3 of 120 events` when a filter shows fewer.
pub fn shown_of(shown: usize, all: usize) -> String {
    if shown == all {
        events(all as u64)
    } else {
        format!("{} of {}", count(shown as u64), events(all as u64))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_get_commas() {
        assert_eq!(super::count(0), "0");
        assert_eq!(super::count(999), "999");
        assert_eq!(super::count(1_000), "1,000");
        assert_eq!(super::count(12_345_678), "12,345,678");
        assert_eq!(super::events(1), "1 event");
        assert_eq!(super::events(100_000), "100,000 events");
        assert_eq!(super::shown_of(7, 7), "7 events");
        assert_eq!(super::shown_of(3, 1_200), "3 of 1,200 events");
    }
}
