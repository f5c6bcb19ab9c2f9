//! Captures: the events in memory written out as NDJSON (one event per line,
//! as the API sends them inside `{"result":…}`, so `eventline-sim --replay`
//! and `jq` read it) or as a JSON array, optionally without the fields that
//! sit next to secrets.
//!
//! Pure: the UI hands it events and gets text and a file name back. It must
//! never add anything to an event, and never write the user's API key (which
//! it is never given).

use serde_json::Value;

use crate::tts::{Event, Timestamp};

/// Fields removed by redaction, wherever they appear in an event.
pub const REDACTED_FIELDS: [&str; 4] = [
    "session_key_id",
    "uplink_token",
    "remote_ip",
    "gateway_remote_address",
];

/// What redaction removes, for the note next to the option.
pub const REDACTION_NOTE: &str = "Removes session key IDs, uplink tokens, remote IP addresses \
     (of API clients and gateways) and the IDs of the keys or tokens that caused registry events.";

/// The two file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One event per line.
    Ndjson,
    /// One JSON array.
    JsonArray,
}

impl Format {
    pub const fn extension(self) -> &'static str {
        match self {
            Format::Ndjson => "ndjson",
            Format::JsonArray => "json",
        }
    }

    pub const fn mime(self) -> &'static str {
        match self {
            Format::Ndjson => "application/x-ndjson",
            Format::JsonArray => "application/json",
        }
    }
}

/// A finished export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub body: String,
    pub events: usize,
    /// How many fields redaction removed.
    pub redacted: usize,
}

/// Removes the redacted fields (and `authentication.token_id`) from `value`;
/// returns how many it removed.
pub fn redact(value: &mut Value) -> usize {
    match value {
        Value::Object(map) => {
            let mut removed = 0;
            for field in REDACTED_FIELDS {
                removed += usize::from(map.remove(field).is_some());
            }
            if let Some(Value::Object(auth)) = map.get_mut("authentication") {
                removed += usize::from(auth.remove("token_id").is_some());
            }
            removed + map.values_mut().map(redact).sum::<usize>()
        }
        Value::Array(items) => items.iter_mut().map(redact).sum(),
        _ => 0,
    }
}

/// Writes `events` in `format`, redacted or not.
pub fn export<'a>(
    events: impl IntoIterator<Item = &'a Event>,
    format: Format,
    redacted: bool,
) -> Export {
    let mut removed = 0;
    let mut values = Vec::new();
    for event in events {
        let Ok(mut value) = serde_json::to_value(event) else {
            continue;
        };
        if redacted {
            removed += redact(&mut value);
        }
        values.push(value);
    }
    let events = values.len();
    let body = match format {
        Format::Ndjson => values.iter().map(|v| format!("{v}\n")).collect::<String>(),
        Format::JsonArray => serde_json::to_string_pretty(&values).unwrap_or_default(),
    };
    Export {
        body,
        events,
        redacted: removed,
    }
}

/// `eventline-soil-sensors+gw-rooftop-gw-01-20241028T091500Z.ndjson`: the
/// entities (at most three named) and the export time.
pub fn file_name(entities: &[String], at: Timestamp, format: Format) -> String {
    let mut names: Vec<String> = entities
        .iter()
        .take(3)
        .map(|e| {
            e.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect()
        })
        .collect();
    if entities.len() > 3 {
        names.push(format!("{}-more", entities.len() - 3));
    }
    let stamp: String = at
        .to_rfc3339()
        .chars()
        .take(19)
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .collect();
    let who = if names.is_empty() {
        "events".to_owned()
    } else {
        names.join("+")
    };
    format!("eventline-{who}-{stamp}Z.{}", format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLES: &str = include_str!("../../data/example-events.jsonl");

    fn examples() -> Vec<Event> {
        EXAMPLES
            .lines()
            .filter_map(|l| Event::from_json(l.as_bytes()).ok())
            .collect()
    }

    #[test]
    fn ndjson_has_one_readable_event_per_line() {
        let events = examples();
        let out = export(&events, Format::Ndjson, false);
        assert_eq!(out.events, events.len());
        let lines: Vec<&str> = out.body.lines().collect();
        assert_eq!(lines.len(), events.len());
        for (line, event) in lines.iter().zip(&events) {
            let back = Event::from_json(line.as_bytes()).expect("an exported line reads back");
            assert_eq!(back.unique_id, event.unique_id);
            assert_eq!(back.time, event.time);
            assert_eq!(back.identifiers, event.identifiers);
        }
        let array: Vec<Value> =
            serde_json::from_str(&export(&events, Format::JsonArray, false).body).unwrap();
        assert_eq!(array.len(), events.len());
    }

    #[test]
    fn redaction_removes_what_sits_next_to_secrets_and_says_how_much() {
        let events = examples();
        let plain = export(&events, Format::Ndjson, false);
        for field in ["session_key_id", "uplink_token", "remote_ip", "token_id"] {
            assert!(plain.body.contains(field), "the examples carry {field}");
        }
        let out = export(&events, Format::Ndjson, true);
        for field in REDACTED_FIELDS.iter().chain(&["token_id"]) {
            assert!(
                !out.body.contains(&format!("\"{field}\"")),
                "{field} left in"
            );
        }
        assert!(out.redacted > 20, "{}", out.redacted);
        assert_eq!(plain.redacted, 0);
        // Everything else stays: same events, same names.
        assert_eq!(out.events, events.len());
        assert!(out.body.contains("\"f_cnt\":1843"));
    }

    #[test]
    fn file_names_say_what_and_when() {
        let at = Timestamp::parse("2024-10-28T09:15:00.123Z").unwrap();
        let entities = vec!["soil-sensors".to_owned(), "gw:rooftop-gw-01".to_owned()];
        assert_eq!(
            file_name(&entities, at, Format::Ndjson),
            "eventline-soil-sensors+gw-rooftop-gw-01-20241028T091500Z.ndjson"
        );
        let many: Vec<String> = (1..=5).map(|i| format!("app-{i}")).collect();
        assert_eq!(
            file_name(&many, at, Format::JsonArray),
            "eventline-app-1+app-2+app-3+2-more-20241028T091500Z.json"
        );
    }
}
