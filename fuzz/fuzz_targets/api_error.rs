//! Fuzz target: arbitrary error responses to `ApiError`, and every accessor.
//!
//! Input layout: bytes 0..2 pick the HTTP status (100..=599), byte 2 the
//! Content-Type (none, one of the usual ones, or up to 31 bytes of the input
//! after it); the rest is the body. Asserts: no panic; `from_response` keeps
//! the status it was given and never leaves the gRPC code unknown; a status
//! from a gRPC code alone is a real HTTP status; the sentence is never empty
//! and a body that is not a status names the status and the content type;
//! a BOM does not change a status body; and `fill_format` agrees with a
//! straightforward reading of its contract.
#![no_main]

use eventline::tts::{fill_format, ApiError, ErrorSource};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

const TYPES: [&str; 6] = [
    "text/event-stream",
    "application/json",
    "text/html",
    "text/plain; charset=utf-8",
    "application/json; charset=utf-8",
    "",
];

/// `fill_format`'s contract, read literally: each `{name}` whose name is an
/// attribute becomes the attribute's text (strings unquoted); anything else stays.
fn reference_fill(format: &str, attributes: &BTreeMap<String, serde_json::Value>) -> String {
    let chars: Vec<char> = format.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '{' {
            if let Some(len) = chars[i + 1..].iter().position(|&c| c == '}') {
                let name: String = chars[i + 1..i + 1 + len].iter().collect();
                if let Some(v) = attributes.get(&name) {
                    match v {
                        serde_json::Value::String(s) => out.push_str(s),
                        other => out.push_str(&other.to_string()),
                    }
                    i += len + 2;
                    continue;
                }
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn check(e: &ApiError) {
    let sentence = e.sentence();
    assert!(!sentence.trim().is_empty(), "empty sentence for {e:?}");
    let hint = e.hint();
    if let Some(h) = &hint {
        assert!(!h.trim().is_empty(), "empty hint for {e:?}");
    }
    let shown = e.to_string();
    assert!(shown.starts_with(&sentence));
    let _ = e.is_transient();

    let chain = e.chain();
    assert_eq!(chain.is_empty(), e.details.is_none());
    assert_eq!(e.id().is_some(), e.details.is_some());
    assert_eq!(e.name().is_some(), e.details.is_some());
    if let Some(d) = chain.first() {
        assert_eq!(e.id(), Some(format!("{}:{}", d.namespace, d.name)));
    }
    assert_ne!(e.correlation_id(), Some(""));
    for d in chain {
        assert_eq!(
            d.message(),
            reference_fill(&d.message_format, &d.attributes)
        );
        for key in d.attributes.keys() {
            let _ = d.attribute(key);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (Some(s), Some(&ct)) = (data.get(..2), data.get(2)) else {
        return;
    };
    let status = 100 + u16::from_le_bytes([s[0], s[1]]) % 500;
    let mut body = data.get(3..).unwrap_or_default();
    let typed;
    let content_type = match ct % 8 {
        0 => None,
        6 | 7 => {
            let n = usize::from(ct >> 3).min(body.len());
            typed = String::from_utf8_lossy(&body[..n]).into_owned();
            body = &body[n..];
            Some(typed.as_str())
        }
        k => Some(TYPES[usize::from(k) - 1]),
    };

    let e = ApiError::from_response(status, content_type, body);
    check(&e);
    assert_eq!(e.status(), status, "the response's status is kept");
    assert_eq!(e.http_status, Some(status));
    assert_ne!(e.grpc_code, 0, "a response always has a gRPC code");
    match &e.source {
        ErrorSource::NotStatus { .. } => {
            let ct = content_type.unwrap_or("no content type");
            let needle = format!("HTTP {status} with {ct}");
            assert!(e.sentence().contains(&needle), "{needle:?} not in {e}");
        }
        ErrorSource::Status if !body.starts_with(b"\xEF\xBB\xBF") => {
            let mut with_bom = b"\xEF\xBB\xBF".to_vec();
            with_bom.extend_from_slice(body);
            assert_eq!(
                ApiError::from_response(status, content_type, &with_bom),
                e,
                "a BOM changed a status body"
            );
        }
        ErrorSource::Status => {}
    }

    if let Ok(e) = ApiError::from_status_json(body, None) {
        check(&e);
        assert_eq!(e.http_status, None);
        assert!((100..=599).contains(&e.status()), "status {}", e.status());
        assert!(matches!(e.source, ErrorSource::Status));
    }

    // The format on its own, with a few attributes that make placeholders.
    if let Ok(format) = std::str::from_utf8(body) {
        let mut attributes = BTreeMap::new();
        attributes.insert("uid".to_owned(), serde_json::json!("soil-sensors"));
        attributes.insert("rate".to_owned(), serde_json::json!(10));
        attributes.insert(String::new(), serde_json::json!(""));
        attributes.insert("{".to_owned(), serde_json::json!("{uid}"));
        attributes.insert("é".to_owned(), serde_json::json!(null));
        assert_eq!(
            fill_format(format, &attributes),
            reference_fill(format, &attributes)
        );
        assert_eq!(fill_format(format, &BTreeMap::new()), format);
    }
});
