//! Errors in a row: an `ErrorDetails` as its message with the attributes
//! filled in (strong), its root cause (the innermost `cause`), and
//! `namespace:name` to search for; a plain `StringValue` error as its text.
//!
//! Why: `*.fail`, `*.drop` and `downlink_failed` rows must say why without a
//! click. Never: an address or a key from an attribute (the facts are
//! scrubbed like every other), or a panic on a malformed or very deep cause.

use std::collections::BTreeMap;

use serde_json::Value;

use super::read::{shorten, text};
use super::Facts;
use crate::tts::fill_format;

/// How many `cause` levels are followed (a malicious chain must not cost much).
const MAX_DEPTH: usize = 16;
/// The most characters of a message in a row (the rest on hover).
const MESSAGE_CHARS: usize = 200;

/// One level's `message_format` with its `attributes` filled in.
fn filled(details: &Value) -> Option<String> {
    let format = text(details, &["message_format"])?;
    let attributes: BTreeMap<String, Value> = details
        .get("attributes")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    Some(fill_format(format, &attributes)).filter(|m| !m.trim().is_empty())
}

/// `namespace:name` of one level.
fn code(details: &Value) -> Option<String> {
    match (text(details, &["namespace"]), text(details, &["name"])) {
        (Some(ns), Some(name)) => Some(format!("{ns}:{name}")),
        (None, Some(name)) => Some(name.to_owned()),
        _ => None,
    }
}

/// An `ErrorDetails`: message (strong), root cause, `namespace:name`.
pub fn error_details(details: &Value, out: &mut Facts) {
    let message = filled(details);
    let mut root = None;
    let mut cause = details.get("cause");
    for _ in 0..MAX_DEPTH {
        let Some(c) = cause.filter(|c| c.is_object()) else {
            break;
        };
        root = filled(c).or(root);
        cause = c.get("cause");
    }
    match (&message, &root) {
        (Some(m), _) => {
            let (value, full) = shorten(m, MESSAGE_CHARS);
            out.push(
                super::Fact {
                    label: String::new(),
                    value,
                    full,
                    strong: true,
                    part: super::Part::Lead,
                },
                false,
            );
        }
        (None, None) => {
            if let Some(code) = code(details) {
                out.strong("", code);
            }
            return;
        }
        (None, Some(_)) => {}
    }
    if let Some(root) = root.filter(|r| Some(r) != message.as_ref()) {
        out.cut("cause", shorten(&root, MESSAGE_CHARS));
    }
    if let Some(code) = code(details) {
        out.cut("", shorten(&code, 80));
    }
}

/// A `google.protobuf.StringValue` (a Go error that is not a TTS error).
pub fn string_value(data: &Value, out: &mut Facts) {
    if let Some(message) = text(data, &["value"]) {
        let (value, full) = shorten(message, MESSAGE_CHARS);
        out.push(
            super::Fact {
                label: String::new(),
                value,
                full,
                strong: true,
                part: super::Part::Lead,
            },
            false,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts(details: &Value) -> Vec<(String, String)> {
        let mut out = Facts::default();
        error_details(details, &mut out);
        out.finish()
            .facts
            .into_iter()
            .map(|f| (f.label, f.value))
            .collect()
    }

    #[test]
    fn the_message_is_filled_and_the_root_cause_follows() {
        let details = json!({
            "namespace": "pkg/networkserver", "name": "schedule",
            "message_format": "failed to schedule to `{gateway_uid}`",
            "attributes": {"gateway_uid": "rooftop-gw-01"},
            "cause": {"message_format": "level 2", "cause": {"message_format": "no gateway at {ip}", "attributes": {"ip": "10.0.0.7"}}}
        });
        assert_eq!(
            facts(&details),
            [
                ("".into(), "failed to schedule to `rooftop-gw-01`".into()),
                ("cause".into(), "no gateway at (private network)".into()),
                ("".into(), "pkg/networkserver:schedule".into()),
            ]
        );
    }

    #[test]
    fn odd_details_give_what_they_can() {
        assert!(facts(&json!({"message_format": 7})).is_empty());
        assert_eq!(
            facts(&json!({"name": "x", "cause": "y"})),
            [("".into(), "x".into())]
        );
        let mut deep = json!({"message_format": "bottom"});
        for _ in 0..100 {
            deep = json!({"message_format": "m", "cause": deep});
        }
        let deep = json!({"message_format": "top", "cause": deep});
        assert_eq!(facts(&deep).len(), 2);
    }
}
