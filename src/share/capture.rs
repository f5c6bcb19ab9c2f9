//! Captures: the events in memory written out as NDJSON (one event per line,
//! as the API sends them inside `{"result":…}`, so `eventline-sim --replay`
//! and `jq` read it) or as a JSON array, optionally without the fields that
//! sit next to secrets.
//!
//! Pure: the UI hands it events and gets text and a file name back. It must
//! never add anything to an event, and never write the user's API key (which
//! it is never given).

use super::redact::rewrite;
use crate::tts::{Event, Timestamp};

/// What redaction removes, for the note next to the option (see `share::redact`).
pub const REDACTION_NOTE: &str =
    "Removes IP addresses (of API clients and gateways, wherever they \
     appear), session keys and their IDs, uplink tokens, the IDs of the keys or tokens that caused \
     registry events, and anything named like a secret or password.";

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
    /// How many values redaction removed or replaced.
    pub redacted: usize,
    /// Events that could not be written, each with its `unique_id` (or name) and why.
    pub not_exported: Vec<String>,
}

/// One event as one line of compact JSON, redacted or not; how many values
/// redaction removed. Written from the event's raw `data` without building a
/// tree, so an event nested any depth is written like any other.
///
/// # Errors
/// Why the event could not be written (never expected for a received event).
pub fn event_line(event: &Event, redacted: bool) -> Result<(String, usize), String> {
    let json = serde_json::to_string(event).map_err(|e| e.to_string())?;
    rewrite(&json, redacted).map_err(|e| e.to_string())
}

/// Writes `events` in `format`, redacted or not.
pub fn export<'a>(
    events: impl IntoIterator<Item = &'a Event>,
    format: Format,
    redacted: bool,
) -> Export {
    let mut removed = 0;
    let mut lines = Vec::new();
    let mut not_exported = Vec::new();
    for event in events {
        match event_line(event, redacted) {
            Ok((line, n)) => {
                removed += n;
                lines.push(line);
            }
            Err(why) => {
                let who = if event.unique_id.is_empty() {
                    event.name.as_str()
                } else {
                    event.unique_id.as_str()
                };
                not_exported.push(format!("{who}: {why}"));
            }
        }
    }
    let events = lines.len();
    let body = match format {
        Format::Ndjson => lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
        Format::JsonArray if lines.is_empty() => "[]\n".to_owned(),
        Format::JsonArray => format!("[\n{}\n]\n", lines.join(",\n")),
    };
    Export {
        body,
        events,
        redacted: removed,
        not_exported,
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
        let array: Vec<serde_json::Value> =
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
        for field in [
            "session_key_id",
            "uplink_token",
            "remote_ip",
            "token_id",
            "\"ip\"",
        ] {
            assert!(!out.body.contains(field), "{field} left in");
        }
        assert!(out.redacted > 20, "{}", out.redacted);
        assert_eq!(plain.redacted, 0);
        // Everything else stays: same events, same names.
        assert_eq!(out.events, events.len());
        assert!(out.body.contains("\"f_cnt\":1843"));
    }

    /// Every IPv4 address-looking run of the text.
    fn ipv4s(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        for word in text.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
            let parts: Vec<&str> = word.split('.').collect();
            // Version numbers in a user agent (Chrome/130.0.0.0) and firmware are not addresses.
            let version = word == "130.0.0.0" || word == "1.0.3.4";
            if parts.len() == 4 && parts.iter().all(|p| p.parse::<u8>().is_ok()) && !version {
                found.push(word.to_owned());
            }
        }
        found
    }

    #[test]
    fn no_example_event_keeps_an_ip_address_or_a_secret_when_redacted() {
        let events = examples();
        let plain = export(&events, Format::Ndjson, false).body;
        assert!(ipv4s(&plain).iter().any(|ip| ip == "203.0.113.17"));
        assert!(ipv4s(&plain).iter().any(|ip| ip == "198.51.100.42"));
        for format in [Format::Ndjson, Format::JsonArray] {
            let out = export(&events, format, true);
            assert_eq!(ipv4s(&out.body), Vec::<String>::new(), "{format:?}");
            assert_eq!(out.events, events.len());
            assert!(out.not_exported.is_empty());
            for secret in ["session_key_id", "uplink_token", "token_id", "session_keys"] {
                assert!(!out.body.contains(secret), "{secret}");
            }
        }
    }

    /// Every `data` type of the catalogue, shaped like TTS sends it where it
    /// can carry an address or a secret (from the `.proto` files).
    #[test]
    fn every_data_type_of_the_catalogue_is_redacted() {
        let catalogue = include_str!("../../data/event-definitions.tsv");
        let types: std::collections::BTreeSet<&str> = catalogue
            .lines()
            .skip(1)
            .filter_map(|l| l.split('\t').nth(3))
            .filter(|t| t.starts_with("type.googleapis.com/"))
            .map(|t| t.split(' ').next().unwrap_or(t))
            .collect();
        assert!(types.len() > 60, "{}", types.len());
        let risky = r#""rx_metadata":[{"gateway_ids":{"gateway_id":"gw"},"uplink_token":"SEKRET-CiIK","packet_broker":{"forwarder_gateway_eui":"1"}}],
            "session_key_id":"SEKRET-AY2","session_keys":{"app_s_key":{"key":"SEKRET-AA"},"f_nwk_s_int_key":{"encrypted_key":"SEKRET-BB","kek_label":"x"}},
            "ip":["203.0.113.9"],"last_status":{"ip":["203.0.113.10"],"versions":{"firmware":"1.0.3.4"}},
            "network_interface":{"addresses":{"ip_addresses":["192.0.2.5","2001:db8::5"],"subnet_mask":"255.255.255.0","gateway":"192.0.2.1","dns_servers":["192.0.2.53"]}},
            "gateway_remote_address":{"ip":"198.51.100.3"},"remote_addr":"198.51.100.4:1700","address":"udp://198.51.100.6:1700",
            "app_key":{"key":"SEKRET-CC"},"client_secret":"SEKRET-s3","password":"SEKRET-p4","token":"SEKRET-t5""#;
        for data_type in types {
            let json = format!(
                r#"{{"name":"x.y","time":"2024-10-28T10:00:00Z","remote_ip":"192.0.2.200","data":{{"@type":"{data_type}",{risky}}},"unique_id":"U"}}"#
            );
            let event = Event::from_json(json.as_bytes()).expect("parses");
            let (line, removed) = event_line(&event, true).expect("writes");
            assert_eq!(ipv4s(&line).len(), 0, "{data_type}: {line}");
            for secret in ["2001:db8", "SEKRET"] {
                assert!(!line.contains(secret), "{data_type}: {secret} in {line}");
            }
            assert!(
                line.contains("1.0.3.4"),
                "a firmware version is not an address"
            );
            assert!(removed >= 12, "{data_type}: {removed}");
        }
    }

    #[test]
    fn an_event_nested_any_depth_is_exported_whole() {
        let depth = 100_000;
        let data = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let json = format!(
            r#"{{"name":"as.up.data.forward","time":"2024-10-28T10:00:00Z","data":{data},"unique_id":"DEEP"}}"#
        );
        let deep = Event::from_json(json.as_bytes()).expect("the decoder accepts it");
        let events = vec![examples().remove(0), deep];
        for redacted in [true, false] {
            let out = export(&events, Format::Ndjson, redacted);
            assert_eq!(out.events, 2, "{:?}", out.not_exported);
            assert!(out.body.contains(&data));
        }
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
