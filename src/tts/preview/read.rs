//! Reading `data` the tolerant way: a path that is missing or has the wrong
//! type is simply absent, 64-bit numbers may come as strings (protojson),
//! and every value shown is cut to a row-sized text with the whole kept for
//! hover.
//!
//! Why: each preview file reads a handful of fields from deep inside
//! messages that the server may change or omit; doing it once here keeps
//! them short and keeps "wrong type" from ever meaning "panic".

use serde_json::Value;

/// The most characters a `full` text keeps (a huge payload must not make a huge row).
pub const FULL_LIMIT: usize = 4096;

/// The value at `path` (object keys), if every step exists.
pub fn at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, key| v.get(*key))
}

/// A non-empty string at `path`.
pub fn text<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(value, path)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A finite number, written as a JSON number or as a numeric string.
pub fn number(value: Option<&Value>) -> Option<f64> {
    let n = match value? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        // Wrapper types (`FloatValue`) may come as `{"value": …}`.
        Value::Object(o) => return number(o.get("value")),
        _ => None,
    }?;
    n.is_finite().then_some(n)
}

/// A number at `path`.
pub fn number_at(value: &Value, path: &[&str]) -> Option<f64> {
    number(at(value, path))
}

/// A whole, non-negative count at `path` (`"37"` or `37`).
pub fn count_at(value: &Value, path: &[&str]) -> Option<u64> {
    number_at(value, path)
        .filter(|n| *n >= 0.0 && n.fract() == 0.0 && *n < 1e19)
        .map(|n| n as u64)
}

/// Whether `path` holds `true`.
pub fn is_true(value: &Value, path: &[&str]) -> bool {
    at(value, path).and_then(Value::as_bool) == Some(true)
}

/// A number for people: at most `decimals` decimals, no trailing zeros, no `-0`.
pub fn decimal(n: f64, decimals: usize) -> String {
    if n.abs() >= 1e15 {
        // Not a LoRaWAN quantity: keep it short rather than 300 digits long.
        return format!("{n:.3e}");
    }
    let text = format!("{n:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text.as_str()
    };
    if text == "-0" {
        "0".to_owned()
    } else {
        text.to_owned()
    }
}

/// A protobuf `Duration` in seconds: `"0.185344s"` or `{"seconds":…,"nanos":…}`.
pub fn seconds(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::String(s) => s.trim().strip_suffix('s')?.parse::<f64>().ok(),
        Value::Object(o) => {
            let whole = number(o.get("seconds")).unwrap_or(0.0);
            let nanos = number(o.get("nanos")).unwrap_or(0.0);
            Some(whole + nanos / 1e9)
        }
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
    .filter(|s| s.is_finite())
}

/// A duration for people: `185 ms`, `0.4 ms`, `1.16 s`, `3 min`, `5 h 2 min`, `3 d 4 h`.
pub fn duration(secs: f64) -> String {
    let ms = secs * 1000.0;
    if ms.abs() < 10.0 {
        format!("{} ms", decimal(ms, 1))
    } else if ms.abs() < 999.5 {
        format!("{} ms", decimal(ms, 0))
    } else if secs.abs() < 10.0 {
        format!("{} s", decimal(secs, 2))
    } else if secs.abs() < 120.0 {
        format!("{} s", decimal(secs, 1))
    } else if secs.abs() < 7200.0 {
        format!("{} min", decimal(secs / 60.0, 0))
    } else if secs.abs() < 2.0 * 86_400.0 {
        let h = (secs / 3600.0).trunc();
        format!(
            "{} h {} min",
            decimal(h, 0),
            decimal((secs - h * 3600.0).abs() / 60.0, 0)
        )
    } else if secs.abs() < 1e9 {
        let d = (secs / 86_400.0).trunc();
        format!(
            "{} d {} h",
            decimal(d, 0),
            decimal((secs - d * 86_400.0).abs() / 3600.0, 0)
        )
    } else {
        format!("{} s", decimal(secs, 0))
    }
}

/// `text` cut to `max` characters (with `…`), and the whole when it was cut.
pub fn shorten(text: &str, max: usize) -> (String, Option<String>) {
    if text.chars().count() <= max {
        return (text.to_owned(), None);
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    (format!("{cut}…"), Some(capped(text)))
}

/// `text` cut to [`FULL_LIMIT`] characters.
pub fn capped(text: &str) -> String {
    if text.len() <= FULL_LIMIT {
        return text.to_owned();
    }
    let cut: String = text.chars().take(FULL_LIMIT).collect();
    format!("{cut}…")
}

/// Compact JSON of a value, cut to [`FULL_LIMIT`].
pub fn json(value: &Value) -> String {
    capped(&serde_json::to_string(value).unwrap_or_default())
}

/// A JSON value in one word or a few: scalars as they are (strings cut to
/// `max`), objects and arrays as `{…}`/`[…]` (`{}`/`[]` when empty); the
/// second part is the whole, when the first is not.
pub fn inline(value: &Value, max: usize) -> (String, Option<String>) {
    match value {
        Value::Object(o) if o.is_empty() => ("{}".into(), None),
        Value::Array(a) if a.is_empty() => ("[]".into(), None),
        Value::Object(_) => ("{…}".into(), Some(json(value))),
        Value::Array(_) => ("[…]".into(), Some(json(value))),
        Value::String(s) => shorten(s, max),
        Value::Null => ("null".into(), None),
        other => (other.to_string(), None),
    }
}

/// `1 downlink`, `3 downlinks`.
pub fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// An enum name for people: `UNKNOWN_ERROR` → `unknown error`.
pub fn words(name: &str) -> String {
    name.replace('_', " ").to_lowercase()
}

/// A list in a few items: `a, b, c +4 more`, and the whole list when cut.
pub fn list(items: &[String], keep: usize) -> (String, Option<String>) {
    let all = items.join(", ");
    if items.len() <= keep {
        return shorten(&all, 160);
    }
    let head = items[..keep].join(", ");
    (
        format!("{head} +{} more", items.len() - keep),
        Some(capped(&all)),
    )
}

/// How long ago something was (ns), as a clock reads: whole units, rounded
/// down — `< 1 s`, `42 s`, `1 min`, `119 min`, `2 h 59 min`, `3 d 4 h`. A
/// column of ages never mixes `119.6 s` with `2 min`.
pub fn age(ns: i64) -> String {
    const S: i64 = 1_000_000_000;
    const MIN: i64 = 60 * S;
    const H: i64 = 60 * MIN;
    const D: i64 = 24 * H;
    match ns {
        i64::MIN..S => "< 1 s".to_owned(),
        S..MIN => format!("{} s", ns / S),
        MIN..=7_199_999_999_999 => format!("{} min", ns / MIN),
        7_200_000_000_000..=172_799_999_999_999 => format!("{} h {} min", ns / H, ns % H / MIN),
        _ => format!("{} d {} h", ns / D, ns % D / H),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_read_from_numbers_and_strings_only() {
        let v = json!({"a": "868100000", "b": 4.25, "c": "x", "d": true, "e": {"value": 3}});
        assert_eq!(number_at(&v, &["a"]), Some(868_100_000.0));
        assert_eq!(number_at(&v, &["b"]), Some(4.25));
        assert_eq!(number_at(&v, &["c"]), None);
        assert_eq!(number_at(&v, &["d"]), None);
        assert_eq!(number_at(&v, &["e"]), Some(3.0));
        assert_eq!(count_at(&json!({"n": "-3"}), &["n"]), None);
        assert_eq!(decimal(-0.0001, 2), "0");
        assert_eq!(decimal(16.15, 2), "16.15");
        assert_eq!(decimal(125.0, 2), "125");
        assert_eq!(decimal(-1e300, 2), "-1.000e300");
    }

    #[test]
    fn ages_read_in_whole_units() {
        let s = 1_000_000_000;
        assert_eq!(age(400_000_000), "< 1 s");
        assert_eq!(age(-5), "< 1 s", "a clock a little behind the event");
        assert_eq!(age(42 * s + 600_000_000), "42 s");
        assert_eq!(age(119 * s + 600_000_000), "1 min");
        assert_eq!(age(120 * s), "2 min");
        assert_eq!(age(2 * 3600 * s - 1), "119 min");
        assert_eq!(age(3 * 3600 * s - 1), "2 h 59 min", "never '2 h 60 min'");
        assert_eq!(age(3 * 3600 * s + 5 * 60 * s), "3 h 5 min");
        assert_eq!(age(2 * 86_400 * s - 1), "47 h 59 min");
        assert_eq!(age(3 * 86_400 * s - 1), "2 d 23 h", "never '2 d 24 h'");
        assert_eq!(age(i64::MAX), "106751 d 23 h");
    }

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(seconds(Some(&json!("0.185344s"))), Some(0.185344));
        assert_eq!(seconds(Some(&json!("fast"))), None);
        assert_eq!(duration(0.185344), "185 ms");
        assert_eq!(duration(1.155072), "1.16 s");
        assert_eq!(duration(0.0004), "0.4 ms");
        assert_eq!(duration(3.0 * 86_400.0 + 4.0 * 3600.0), "3 d 4 h");
    }

    #[test]
    fn long_text_is_cut_and_kept_whole() {
        let (short, full) = shorten(&"x".repeat(50), 10);
        assert_eq!(short.chars().count(), 10);
        assert_eq!(full.map(|f| f.len()), Some(50));
        let (short, full) = inline(&json!({"a": [1, 2]}), 10);
        assert_eq!(
            (short.as_str(), full.as_deref()),
            ("{…}", Some(r#"{"a":[1,2]}"#))
        );
        assert!(json(&json!("y".repeat(10_000))).chars().count() <= FULL_LIMIT + 1);
    }
}
