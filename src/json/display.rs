//! What a value looks like in the tree: its kind (for styling), its text
//! (truncated when long), the one-line summary of a closed container, and the
//! text that "copy value" puts on the clipboard.
//!
//! Kinds only choose a style and a truncation limit; they must never change
//! the value or decide anything else (a guess that a string is base64 can be
//! wrong, and then it is merely styled as a blob).

use serde_json::Value;

use super::tree::{BLOB_LIMIT, TEXT_LIMIT};

/// What kind of string a string value looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StrKind {
    /// An RFC 3339 date-time, e.g. `2024-10-28T09:15:14.839447463Z`.
    Timestamp,
    /// Base64, e.g. a `frm_payload` (`+SOZW2iZDQ==`).
    Base64,
    /// Hexadecimal, e.g. an EUI (`70B3D57ED0061A2B`).
    Hex,
    /// Anything else.
    Plain,
}

/// The kind of a JSON value, as the tree styles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Null,
    Bool,
    Number,
    String(StrKind),
    Object,
    Array,
}

impl ValueKind {
    /// The CSS class of a scalar's text (`json-num`, `json-time`, …); containers have none.
    pub fn css_class(self) -> &'static str {
        match self {
            ValueKind::Null => "json-null",
            ValueKind::Bool => "json-bool",
            ValueKind::Number => "json-num",
            ValueKind::String(StrKind::Timestamp) => "json-str json-time",
            ValueKind::String(StrKind::Base64 | StrKind::Hex) => "json-str json-blob",
            ValueKind::String(StrKind::Plain) => "json-str",
            ValueKind::Object | ValueKind::Array => "",
        }
    }
}

/// Classifies a value for styling.
pub fn classify(value: &Value) -> ValueKind {
    match value {
        Value::Null => ValueKind::Null,
        Value::Bool(_) => ValueKind::Bool,
        Value::Number(_) => ValueKind::Number,
        Value::String(s) => ValueKind::String(classify_str(s)),
        Value::Object(_) => ValueKind::Object,
        Value::Array(_) => ValueKind::Array,
    }
}

fn classify_str(s: &str) -> StrKind {
    if looks_rfc3339(s) {
        StrKind::Timestamp
    } else if looks_hex(s) {
        StrKind::Hex
    } else if looks_base64(s) {
        StrKind::Base64
    } else {
        StrKind::Plain
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, checked by shape only.
fn looks_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if !(digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && matches!(b.get(10), Some(b'T' | b't'))
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && b.get(16) == Some(&b':')
        && digits(17..19))
    {
        return false;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            i + 6 == b.len() && digits(i + 1..i + 3) && b[i + 3] == b':' && digits(i + 4..i + 6)
        }
        _ => false,
    }
}

/// Even length of at least 4, hex digits only, one letter case, and either a
/// letter in it or the width of an EUI (16): `260B1C4F`, `0000000000000000`.
/// Decimal strings such as `"868100000"` (int64 as string) stay plain.
fn looks_hex(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 4 || !b.len().is_multiple_of(2) || !b.iter().all(u8::is_ascii_hexdigit) {
        return false;
    }
    let upper = b.iter().any(u8::is_ascii_uppercase);
    let lower = b.iter().any(u8::is_ascii_lowercase);
    !(upper && lower) && (upper || lower || b.len() == 16)
}

/// Standard base64 with optional padding, and mixed enough not to be a word:
/// padded, or `+`/`/` with an upper-case letter or digit, or all of upper,
/// lower and digit, or several capitals and a small letter (`AQBa`).
fn looks_base64(s: &str) -> bool {
    let body = s.trim_end_matches('=');
    let padding = s.len() - body.len();
    if s.len() < 4 || !s.len().is_multiple_of(4) || padding > 2 {
        return false;
    }
    if !body
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
    {
        return false;
    }
    let uppers = body.bytes().filter(u8::is_ascii_uppercase).count();
    let lowers = body.bytes().filter(u8::is_ascii_lowercase).count();
    let digits = body.bytes().filter(u8::is_ascii_digit).count();
    let symbols = body.bytes().any(|c| c == b'+' || c == b'/');
    padding > 0
        || (symbols && (uppers > 0 || digits > 0))
        || (uppers > 0 && lowers > 0 && digits > 0)
        || (uppers >= 2 && lowers > 0)
}

/// A string as the tree shows it: maybe only a prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayString {
    /// The text to show (the whole string, or its first characters).
    pub shown: String,
    /// Whether `shown` is only a prefix (the tree adds "…" and "show all").
    pub truncated: bool,
    /// The length of the whole string, in characters.
    pub total_chars: usize,
}

/// Truncates a string of the given kind: blobs past [`BLOB_LIMIT`] characters,
/// anything else past [`TEXT_LIMIT`]. Counts characters, never splits one.
pub fn display_string(s: &str, kind: StrKind) -> DisplayString {
    let limit = match kind {
        StrKind::Base64 | StrKind::Hex => BLOB_LIMIT,
        StrKind::Timestamp | StrKind::Plain => TEXT_LIMIT,
    };
    let total_chars = s.chars().count();
    if total_chars <= limit {
        return DisplayString {
            shown: s.to_owned(),
            truncated: false,
            total_chars,
        };
    }
    DisplayString {
        shown: s.chars().take(limit).collect(),
        truncated: true,
        total_chars,
    }
}

/// The one-line summary of a container: `{…} 7 keys`, `[…] 3 items`; `None` for scalars.
pub fn summary(value: &Value) -> Option<String> {
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    match value {
        Value::Object(map) => Some(format!("{{…}} {}", plural(map.len(), "key", "keys"))),
        Value::Array(items) => Some(format!("[…] {}", plural(items.len(), "item", "items"))),
        _ => None,
    }
}

/// What "copy value" copies: strings raw (no quotes), containers as compact
/// JSON, numbers, booleans and null as JSON.
pub fn copy_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kind(s: &str) -> StrKind {
        classify_str(s)
    }

    #[test]
    fn scalars_and_containers() {
        assert_eq!(classify(&json!(null)), ValueKind::Null);
        assert_eq!(classify(&json!(true)), ValueKind::Bool);
        assert_eq!(classify(&json!(-111)), ValueKind::Number);
        assert_eq!(classify(&json!(4.25)), ValueKind::Number);
        assert_eq!(classify(&json!({})), ValueKind::Object);
        assert_eq!(classify(&json!([])), ValueKind::Array);
        assert_eq!(ValueKind::Number.css_class(), "json-num");
        assert_eq!(
            ValueKind::String(StrKind::Hex).css_class(),
            "json-str json-blob"
        );
    }

    #[test]
    fn timestamps_by_shape() {
        for t in [
            "2024-10-28T09:15:14.839447463Z",
            "2024-10-28T09:14:02Z",
            "2024-10-28T09:14:02.123+02:00",
            "2024-10-28t09:14:02-05:30",
        ] {
            assert_eq!(kind(t), StrKind::Timestamp, "{t}");
        }
        for t in [
            "2024-10-28",
            "2024-10-28T09:14:02",
            "2024-10-28T09:14:02.Z",
            "2024-10-28T09:14:02Zx",
            "2024-10-28T09:14:02+0200",
        ] {
            assert_ne!(kind(t), StrKind::Timestamp, "{t}");
        }
    }

    #[test]
    fn hex_values_from_events() {
        for h in [
            "70B3D57ED0061A2B",
            "0000000000000000",
            "260B1C4F",
            "01A7",
            "ec656e0000000181",
        ] {
            assert_eq!(kind(h), StrKind::Hex, "{h}");
        }
        // int64-as-string numbers, odd lengths and mixed case are not hex.
        for p in ["868100000", "1874552311", "000013", "abC1", "ABC"] {
            assert_ne!(kind(p), StrKind::Hex, "{p}");
        }
    }

    #[test]
    fn base64_values_from_events() {
        for b in [
            "+SOZW2iZDQ==",
            "AQBa",
            "CgN0dG4=",
            "B4GoOr0Euw5vNkmiqgy/JQ==",
            "g7MeCdLHKx61LbGgWI8eC4IJcnX2QsiHr6P6V2/PLfVaqRi5",
            "AAAAAAAAAAAALBoG0H7Vs3CnAV4cmjs=",
        ] {
            assert_eq!(kind(b), StrKind::Base64, "{b}");
        }
        for p in [
            "soil",
            "Test",
            "udp",
            "semtechws/lbslns",
            "SOURCE_GPS",
            "01JB96GY0QYTX6EG8PWWNHRCC0",
            "a===",
        ] {
            assert_eq!(kind(p), StrKind::Plain, "{p}");
        }
    }

    #[test]
    fn long_strings_and_blobs_are_truncated_by_characters() {
        let token = "g7MeCdLHKx61LbGgWI8eC4IJcnX2QsiHr6P6V2/PLfVaqRi5";
        let d = display_string(token, StrKind::Base64);
        assert!(d.truncated);
        assert_eq!(d.shown, &token[..BLOB_LIMIT]);
        assert_eq!(d.total_chars, 48);

        let short = display_string("+SOZW2iZDQ==", StrKind::Base64);
        assert_eq!(
            short,
            DisplayString {
                shown: "+SOZW2iZDQ==".into(),
                truncated: false,
                total_chars: 12
            }
        );

        let text = "é".repeat(TEXT_LIMIT + 1);
        let d = display_string(&text, StrKind::Plain);
        assert!(d.truncated);
        assert_eq!(d.shown.chars().count(), TEXT_LIMIT);
        assert_eq!(d.total_chars, TEXT_LIMIT + 1);
        assert!(!display_string(&"x".repeat(TEXT_LIMIT), StrKind::Plain).truncated);
    }

    #[test]
    fn summaries_count_keys_and_items() {
        assert_eq!(
            summary(&json!({"a": 1, "b": 2})).as_deref(),
            Some("{…} 2 keys")
        );
        assert_eq!(summary(&json!({"a": 1})).as_deref(), Some("{…} 1 key"));
        assert_eq!(summary(&json!([1, 2, 3])).as_deref(), Some("[…] 3 items"));
        assert_eq!(summary(&json!([[]])).as_deref(), Some("[…] 1 item"));
        assert_eq!(summary(&json!([])).as_deref(), Some("[…] 0 items"));
        assert_eq!(summary(&json!("x")), None);
    }

    #[test]
    fn copy_text_is_raw_for_strings_and_json_otherwise() {
        assert_eq!(copy_text(&json!("AQBa")), "AQBa");
        assert_eq!(copy_text(&json!("<img src=x>")), "<img src=x>");
        assert_eq!(copy_text(&json!(-111)), "-111");
        assert_eq!(copy_text(&json!(true)), "true");
        assert_eq!(copy_text(&json!(null)), "null");
        assert_eq!(
            copy_text(&json!({"rssi": -97, "snr": 4.25})),
            r#"{"rssi":-97,"snr":4.25}"#
        );
        assert_eq!(copy_text(&json!(["a", 1])), r#"["a",1]"#);
    }
}
