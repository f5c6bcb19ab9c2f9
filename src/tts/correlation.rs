//! [`CorrelationIds`]: an event's correlation IDs, in the order they arrived,
//! each one shared by every event that carried it.
//!
//! Why: an uplink carries five to eight IDs (`gs:conn:…`, `gs:uplink:…`,
//! `ns:uplink:…`, `rpc:/…`), 30–60 bytes each, and the five to ten events of
//! one message's journey carry the same ones. Kept as text of their own, they
//! were ~200 bytes of every retained event; here an ID read from a frame is
//! looked up among the IDs seen last (a small cache per thread, two per set,
//! keyed by the text) and a hit is the same `Arc<str>`, so an event holds
//! one pointer per ID and each ID's text lives once.
//!
//! Bounds: the cache holds at most [`SLOTS`] IDs of at most
//! [`LONGEST_SHARED`] bytes (≤ 2.3 MiB with their counts and the slots,
//! whatever the network sends, kept until the page closes); a longer ID is
//! its event's own. A slot taken by another ID only drops the cache's
//! reference (the events keep theirs); a hit needs the same text, so sharing
//! never changes what an event says.

use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use super::shared::text_hash;

/// IDs the cache holds: a few seconds of a busy stream's distinct IDs
/// (about one new ID per event), enough for every event of one journey.
const SLOTS: usize = 8192;

/// IDs per set: a long-lived ID (a gateway connection's `gs:conn:…`) is not
/// pushed out by the one new ID that falls in its set.
const WAYS: usize = 2;

/// The longest ID the cache keeps (real ones are under 100 bytes).
const LONGEST_SHARED: usize = 256;

thread_local! {
    static SEEN: RefCell<Vec<Option<Arc<str>>>> = const { RefCell::new(Vec::new()) };
}

/// The shared text of `id`: the one the cache holds for it, or a new one (then cached).
fn share(id: &str) -> Arc<str> {
    if id.len() > LONGEST_SHARED {
        return Arc::from(id);
    }
    SEEN.with(|seen| {
        let Ok(mut slots) = seen.try_borrow_mut() else {
            return Arc::from(id);
        };
        if slots.is_empty() {
            slots.resize(SLOTS, None);
        }
        let set = (text_hash(id) % (SLOTS / WAYS) as u64) as usize * WAYS;
        let Some(ways) = slots.get_mut(set..set + WAYS) else {
            return Arc::from(id);
        };
        if let Some(i) = ways
            .iter()
            .position(|s| s.as_deref().is_some_and(|known| known == id))
        {
            ways.swap(0, i); // the most recent first
            if let Some(Some(known)) = ways.first() {
                return Arc::clone(known);
            }
        }
        let new: Arc<str> = Arc::from(id);
        ways.rotate_right(1); // the least recent goes
        if let Some(first) = ways.first_mut() {
            *first = Some(Arc::clone(&new));
        }
        new
    })
}

/// An event's correlation IDs (`correlation_ids`), in order.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct CorrelationIds(Box<[Arc<str>]>);

impl CorrelationIds {
    /// The IDs, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &str> + Clone + '_ {
        self.0.iter().map(|id| &**id)
    }

    /// The IDs with where each one's shared text lives (the same for every
    /// event that shares it, and another ID's only after every event holding
    /// this one is gone: a key for what was computed from it meanwhile).
    pub fn shared(&self) -> impl Iterator<Item = (usize, &str)> + '_ {
        self.0
            .iter()
            .map(|id| (Arc::as_ptr(id).cast::<u8>().addr(), &**id))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `id` is one of them.
    pub fn contains(&self, id: &str) -> bool {
        self.iter().any(|c| c == id)
    }

    /// Adds an ID at the end.
    pub fn push(&mut self, id: &str) {
        let mut ids = std::mem::take(&mut self.0).into_vec();
        ids.push(share(id));
        self.0 = ids.into_boxed_slice();
    }
}

impl<S: AsRef<str>> FromIterator<S> for CorrelationIds {
    fn from_iter<I: IntoIterator<Item = S>>(ids: I) -> Self {
        CorrelationIds(ids.into_iter().map(|id| share(id.as_ref())).collect())
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

/// Reads a list of strings, sharing each (no allocation for an ID seen last).
struct Ids;

impl<'de> Visitor<'de> for Ids {
    type Value = CorrelationIds;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of strings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<CorrelationIds, A::Error> {
        let mut ids = Vec::with_capacity(seq.size_hint().unwrap_or(8).min(16));
        while let Some(id) = seq.next_element_seed(Id)? {
            ids.push(id);
        }
        Ok(CorrelationIds(ids.into_boxed_slice()))
    }
}

/// One ID, shared as it is read.
struct Id;

impl<'de> DeserializeSeed<'de> for Id {
    type Value = Arc<str>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Arc<str>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Id {
    type Value = Arc<str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, id: &str) -> Result<Arc<str>, E> {
        Ok(share(id))
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

    #[test]
    fn events_carrying_one_id_share_its_text_and_never_get_another() {
        let a: CorrelationIds =
            serde_json::from_str(r#"["gs:conn:01A","gs:uplink:01B"]"#).expect("valid");
        let b: CorrelationIds =
            serde_json::from_str(r#"["gs:uplink:01B","ns:uplink:01C"]"#).expect("valid");
        let addr = |ids: &CorrelationIds, id: &str| {
            ids.shared().find(|&(_, c)| c == id).map(|(addr, _)| addr)
        };
        assert_eq!(
            addr(&a, "gs:uplink:01B"),
            addr(&b, "gs:uplink:01B"),
            "one text for both events"
        );
        assert_ne!(addr(&a, "gs:conn:01A"), addr(&b, "ns:uplink:01C"));
        // Far more IDs than the cache holds, twice over: each reads back as itself.
        let many: Vec<String> = (0..3 * SLOTS).map(|i| format!("rpc:/x:{i}")).collect();
        for _ in 0..2 {
            for chunk in many.chunks(5) {
                let ids: CorrelationIds = chunk.iter().collect();
                assert!(ids.iter().eq(chunk.iter().map(String::as_str)));
            }
        }
        // A long ID is kept whole, its event's own.
        let long = "x".repeat(LONGEST_SHARED + 1);
        let (one, two): (CorrelationIds, CorrelationIds) =
            ([&long].into_iter().collect(), [&long].into_iter().collect());
        assert_eq!(one, two);
        assert_ne!(addr(&one, &long), addr(&two, &long));
        assert_eq!(one.iter().next(), Some(long.as_str()));
    }
}
