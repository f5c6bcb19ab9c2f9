//! `Event`: one message of The Things Stack's event stream (API.md §2.4).
//!
//! Why: everything the viewer shows is an event. Decoding must be fast (a busy
//! stream carries thousands per second), so `data` is kept as the raw JSON it
//! arrived as and only looked into on demand. This module must never fail on
//! an unknown field (the server adds fields over time) and must never require
//! `data` (history and redacted events omit it).

use super::correlation::CorrelationIds;
use super::shared::{cached, Shared};
use super::{catalogue, EntityIds, Timestamp, UniqueId};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// A JSON value kept exactly as received (validated, not interpreted).
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawJson(Box<RawValue>);

impl RawJson {
    /// The JSON text, exactly as it arrived.
    pub fn as_str(&self) -> &str {
        self.0.get()
    }

    /// Wraps JSON text.
    ///
    /// # Errors
    ///
    /// When `json` is not one valid JSON value.
    pub fn from_string(json: String) -> Result<Self, serde_json::Error> {
        RawValue::from_string(json).map(RawJson)
    }

    /// Parses the value into a tree (for the JSON view; costs an allocation per node).
    ///
    /// # Errors
    ///
    /// Never for values that came from the decoder; kept for API honesty.
    pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::from_str(self.as_str())
    }

    /// The `@type` of a protobuf `Any`, e.g. `type.googleapis.com/ttn.lorawan.v3.ApplicationUp`.
    /// Reads the JSON again, so call it when needed, not for every event.
    pub fn type_url(&self) -> Option<String> {
        #[derive(Deserialize)]
        struct TypeOnly<'a> {
            #[serde(rename = "@type", borrow, default)]
            type_url: Option<Cow<'a, str>>,
        }
        serde_json::from_str::<TypeOnly<'_>>(self.as_str())
            .ok()
            .and_then(|t| t.type_url)
            .map(Cow::into_owned)
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for RawJson {}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rights of which a caller needs one to see an event.
/// An event's `context` (`string → base64 bytes`, e.g. `{"tenant-id":"CgN0dG4="}`),
/// in the order it arrived. A list, not a map: events carry one or two
/// entries, and a `BTreeMap`'s first node alone takes over 500 bytes — per
/// event, 100,000 times.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context(Box<[(String, String)]>);

impl Context {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Context {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Context {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> serde::de::Visitor<'de> for Entries {
            type Value = Context;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of strings")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Context, A::Error> {
                // A repeated key keeps its last value, as a map would. Events
                // carry one or two entries, found by a look along the list; past
                // a few, by an index, so an event with 100,000 keys (from a
                // stream or a capture file) costs no quadratic time.
                const LOOK_ALONG: usize = 8;
                let mut entries: Vec<(String, String)> = Vec::new();
                let mut index: Option<std::collections::HashMap<String, usize>> = None;
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    let known = match &index {
                        Some(index) => index.get(&k).copied(),
                        None => entries.iter().position(|(known, _)| *known == k),
                    };
                    if let Some(entry) = known.and_then(|i| entries.get_mut(i)) {
                        entry.1 = v;
                        continue;
                    }
                    if let Some(index) = index.as_mut() {
                        index.insert(k.clone(), entries.len());
                    }
                    entries.push((k, v));
                    if index.is_none() && entries.len() > LOOK_ALONG {
                        index = Some(
                            entries
                                .iter()
                                .enumerate()
                                .map(|(i, (k, _))| (k.clone(), i))
                                .collect(),
                        );
                    }
                }
                Ok(Context(entries.into_boxed_slice()))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visibility {
    #[serde(default)]
    pub rights: Vec<String>,
}

/// Who caused a registry or downlink event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authentication {
    /// `Bearer`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// `APIKey`, `AccessToken` or `SessionToken`.
    #[serde(default)]
    pub token_type: String,
    /// The ID of the key or token (never its secret).
    #[serde(default)]
    pub token_id: String,
}

/// One event, every field of API.md §2.4. Missing fields take empty values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// E.g. `as.up.data.forward`; see [`catalogue`].
    pub name: Shared<String>,
    pub time: Timestamp,
    #[serde(default)]
    pub identifiers: Shared<Vec<EntityIds>>,
    /// A protobuf `Any` (`{"@type": …, …}`), kept raw; absent in history and redacted events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<RawJson>,
    /// Sorted by the server; used to follow one message through the stack.
    #[serde(default)]
    pub correlation_ids: CorrelationIds,
    /// Host name of the server process that emitted the event.
    #[serde(default)]
    pub origin: Shared<String>,
    /// `string → base64 bytes`, e.g. `{"tenant-id":"CgN0dG4="}`.
    #[serde(default)]
    pub context: Shared<Context>,
    #[serde(default)]
    pub visibility: Shared<Visibility>,
    /// Boxed, as the two below: most events carry none of the three, and
    /// an absent one then takes one word, not three, in each retained event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication: Option<Box<Authentication>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remote_ip: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<Box<str>>,
    /// A ULID; the key for de-duplication.
    #[serde(default)]
    pub unique_id: UniqueId,
}

// The parts of events that repeat (see `shared`): identifiers, one list per
// entity or group of entities, so as many slots as a large fleet has devices.
cached!(Vec<EntityIds>, 4096);
cached!(Context, 256);
cached!(Visibility, 256);

/// The synthetic first message of every stream (API.md §3.1).
pub const STREAM_START: &str = "events.stream.start";

impl Event {
    /// Whether this is the synthetic `events.stream.start` of a stream: a
    /// marker of when the stream went live, not something that happened.
    pub fn is_stream_start(&self) -> bool {
        self.name == STREAM_START
    }

    /// Parses one event object.
    ///
    /// # Errors
    ///
    /// When the JSON is invalid or lacks `name`/`time`.
    pub fn from_json(json: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(json)
    }

    /// The full `@type` of `data`, if any.
    pub fn data_type_url(&self) -> Option<String> {
        self.data.as_ref().and_then(RawJson::type_url)
    }

    /// The message name of `data`'s `@type` without `type.googleapis.com/`,
    /// e.g. `ttn.lorawan.v3.ApplicationUp`.
    pub fn data_type(&self) -> Option<String> {
        self.data_type_url().map(|t| {
            t.rsplit_once('/')
                .map_or(t.as_str(), |(_, name)| name)
                .to_owned()
        })
    }

    /// The catalogue's definition of this event (`events.stream.start` has none).
    pub fn definition(&self) -> Option<&'static catalogue::EventDefinition> {
        catalogue::definition(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UPLINK: &str = r#"{"name":"as.up.data.forward","time":"2024-10-28T10:02:40.104776Z","identifiers":[{"device_ids":{"device_id":"soil-node-01","application_ids":{"application_id":"soil-sensors"},"dev_eui":"70B3D57ED0061A2B"}}],"data":{"received_at":"2024-10-28T10:02:40.102981Z","@type":"type.googleapis.com/ttn.lorawan.v3.ApplicationUp"},"correlation_ids":["as:up:01JB996A5ASJ9X1T6YV4C2N8QD"],"origin":"4a2f3c1d9b7e","context":{"tenant-id":"CgN0dG4="},"visibility":{"rights":["RIGHT_APPLICATION_TRAFFIC_READ"]},"authentication":{"type":"Bearer","token_type":"APIKey","token_id":"V6RQ"},"remote_ip":"203.0.113.17","user_agent":"curl/8","future_field":{"x":[1,2]},"unique_id":"01JB996A5CB3W8N1R6T0Y4K2QF"}"#;

    #[test]
    fn every_field_is_read_and_unknown_ones_tolerated() {
        let e = Event::from_json(UPLINK.as_bytes()).expect("valid");
        assert_eq!(e.name, "as.up.data.forward");
        assert_eq!(
            e.time,
            Timestamp::parse("2024-10-28T10:02:40.104776Z").expect("ok")
        );
        assert_eq!(e.identifiers[0].key(), "soil-sensors/soil-node-01");
        assert_eq!(
            e.data_type().as_deref(),
            Some("ttn.lorawan.v3.ApplicationUp")
        );
        assert_eq!(e.correlation_ids, ["as:up:01JB996A5ASJ9X1T6YV4C2N8QD"]);
        assert_eq!(e.context.get("tenant-id"), Some("CgN0dG4="));
        assert_eq!(e.visibility.rights, ["RIGHT_APPLICATION_TRAFFIC_READ"]);
        assert_eq!(
            e.authentication.as_ref().map(|a| a.token_type.as_str()),
            Some("APIKey")
        );
        assert_eq!(e.remote_ip.as_deref(), Some("203.0.113.17"));
        assert_eq!(e.user_agent.as_deref(), Some("curl/8"));
        assert_eq!(e.unique_id, "01JB996A5CB3W8N1R6T0Y4K2QF");
        assert!(e.definition().is_some_and(|d| d.propagate_to_parent));
    }

    #[test]
    fn context_keeps_its_order_and_a_repeated_key_its_last_value() {
        let c: Context =
            serde_json::from_str(r#"{"z":"MQ==","a":"Mg==","z":"Mw=="}"#).expect("valid");
        assert_eq!(
            (c.get("z"), c.get("a"), c.get("b")),
            (Some("Mw=="), Some("Mg=="), None)
        );
        assert_eq!(
            serde_json::to_string(&c).expect("ser"),
            r#"{"z":"Mw==","a":"Mg=="}"#
        );
        assert!(serde_json::from_str::<Context>(r#"{"a":1}"#).is_err());
        assert!(serde_json::from_str::<Context>("{}")
            .expect("empty")
            .is_empty());
        // Many keys (looked up by an index past the first few): the same rules.
        let mut many: Vec<String> = (0..20).map(|i| format!(r#""k{i}":"{i}""#)).collect();
        many.push(r#""k3":"last""#.to_owned());
        many.push(r#""k15":"last""#.to_owned());
        let c: Context = serde_json::from_str(&format!("{{{}}}", many.join(","))).expect("valid");
        assert_eq!(
            (c.get("k3"), c.get("k15"), c.get("k19")),
            (Some("last"), Some("last"), Some("19"))
        );
        let text = serde_json::to_string(&c).expect("ser");
        assert_eq!(text.matches(':').count(), 20);
        assert!(
            text.starts_with(r#"{"k0":"0","k1":"1","k2":"2","k3":"last""#),
            "{text}"
        );
    }

    #[test]
    fn missing_data_is_normal_and_the_event_round_trips() {
        let e = Event::from_json(
            br#"{"name":"js.join.accept","time":"2024-10-28T10:03:00Z","identifiers":[]}"#,
        )
        .expect("valid");
        assert_eq!(e.data, None);
        assert_eq!(e.data_type(), None);
        let again = Event::from_json(serde_json::to_string(&e).expect("ser").as_bytes())
            .expect("round trip");
        assert_eq!(again, e);
        let full = Event::from_json(UPLINK.as_bytes()).expect("valid");
        let again = Event::from_json(serde_json::to_string(&full).expect("ser").as_bytes())
            .expect("round trip");
        assert_eq!(again, full);
    }

    #[test]
    fn name_and_time_are_required() {
        assert!(Event::from_json(br#"{"time":"2024-10-28T10:03:00Z"}"#).is_err());
        assert!(Event::from_json(br#"{"name":"x","time":"yesterday"}"#).is_err());
    }
}
