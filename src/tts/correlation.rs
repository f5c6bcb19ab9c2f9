//! [`CorrelationIds`]: an event's correlation IDs, in the order they arrived,
//! kept as one text and where each ID ends.
//!
//! Why: an uplink carries five to eight IDs (`gs:conn:…`, `gs:uplink:…`,
//! `ns:uplink:…`, `rpc:/…`), each unique to its message. As a `Vec<String>`
//! they were six to nine allocations per event, ~25 % of all the decoder
//! made; here they are two, read straight from the frame.

use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An event's correlation IDs (`correlation_ids`), in order.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CorrelationIds {
    /// The IDs one after the other.
    text: Box<str>,
    /// Where each ID ends in `text`.
    ends: Box<[u32]>,
}

impl CorrelationIds {
    /// The IDs, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &str> + Clone + '_ {
        (0..self.ends.len()).map(move |i| {
            let from = i
                .checked_sub(1)
                .and_then(|before| self.ends.get(before))
                .map_or(0, |&end| end as usize);
            let to = self.ends.get(i).map_or(from, |&end| end as usize);
            self.text.get(from..to).unwrap_or("")
        })
    }

    /// The IDs one after the other, with nothing between them: text found in
    /// an ID is found here (one search instead of one per ID), but text found
    /// here may span two IDs.
    pub fn joined(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Whether `id` is one of them.
    pub fn contains(&self, id: &str) -> bool {
        self.iter().any(|c| c == id)
    }

    /// Adds an ID at the end.
    pub fn push(&mut self, id: &str) {
        *self = self.iter().chain([id]).collect();
    }
}

impl<S: AsRef<str>> FromIterator<S> for CorrelationIds {
    fn from_iter<I: IntoIterator<Item = S>>(ids: I) -> Self {
        let mut builder = Builder::default();
        for id in ids {
            builder.push(id.as_ref());
        }
        builder.finish()
    }
}

/// Collects IDs (the text grows; an ID past 4 GiB of text is dropped).
#[derive(Default)]
struct Builder {
    text: String,
    ends: Vec<u32>,
}

impl Builder {
    fn push(&mut self, id: &str) {
        if let Ok(end) = u32::try_from(self.text.len() + id.len()) {
            self.text.push_str(id);
            self.ends.push(end);
        }
    }

    fn finish(self) -> CorrelationIds {
        CorrelationIds {
            text: self.text.into_boxed_str(),
            ends: self.ends.into_boxed_slice(),
        }
    }
}

impl fmt::Debug for CorrelationIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<const N: usize> PartialEq<[&str; N]> for CorrelationIds {
    fn eq(&self, other: &[&str; N]) -> bool {
        self.iter().eq(other.iter().copied())
    }
}

impl Serialize for CorrelationIds {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for CorrelationIds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(Ids)
    }
}

/// Reads a list of strings into one [`Builder`], no allocation per ID.
struct Ids;

impl<'de> Visitor<'de> for Ids {
    type Value = CorrelationIds;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of strings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<CorrelationIds, A::Error> {
        let mut builder = Builder::default();
        while seq.next_element_seed(Id(&mut builder))?.is_some() {}
        Ok(builder.finish())
    }
}

/// One ID, appended to the builder as it is read.
struct Id<'a>(&'a mut Builder);

impl<'de> DeserializeSeed<'de> for Id<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Id<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, id: &str) -> Result<(), E> {
        self.0.push(id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_their_order_and_read_back_as_written() {
        let json =
            r#"["gs:conn:01A","gs:uplink:01B","","rpc:/ttn.lorawan.v3.GsNs/HandleUplink:\u00e9"]"#;
        let ids: CorrelationIds = serde_json::from_str(json).expect("valid");
        assert_eq!(ids.len(), 4);
        assert_eq!(
            ids,
            [
                "gs:conn:01A",
                "gs:uplink:01B",
                "",
                "rpc:/ttn.lorawan.v3.GsNs/HandleUplink:é"
            ]
        );
        assert!(ids.contains("gs:uplink:01B") && !ids.contains("gs:uplink"));
        assert_eq!(
            ids.iter().next_back(),
            Some("rpc:/ttn.lorawan.v3.GsNs/HandleUplink:é")
        );
        let again: CorrelationIds =
            serde_json::from_str(&serde_json::to_string(&ids).expect("ser")).expect("valid");
        assert_eq!(again, ids);
        // From a tree too (strings not borrowed from the input).
        let value: serde_json::Value = serde_json::from_str(json).expect("valid");
        assert_eq!(
            serde_json::from_value::<CorrelationIds>(value).expect("valid"),
            ids
        );
    }

    #[test]
    fn only_a_list_of_strings_is_accepted_and_push_appends() {
        for bad in ["[1]", r#""gs:conn:01A""#, "null", r#"["a",{}]"#] {
            assert!(
                serde_json::from_str::<CorrelationIds>(bad).is_err(),
                "{bad}"
            );
        }
        let mut ids: CorrelationIds = serde_json::from_str("[]").expect("valid");
        assert!(ids.is_empty() && ids.iter().next().is_none());
        ids.push("as:up:01");
        ids.push("ns:uplink:02");
        assert_eq!(ids, ["as:up:01", "ns:uplink:02"]);
        assert_eq!(format!("{ids:?}"), r#"["as:up:01", "ns:uplink:02"]"#);
    }
}
