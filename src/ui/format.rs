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
    }
}
