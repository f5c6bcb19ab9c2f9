//! [`UniqueId`]: an event's `unique_id`, the key for de-duplication — a ULID
//! (26 characters) in every event TTS sends, kept inside the event.
//!
//! Why: a `String` of its own cost every retained event an allocation (its
//! bytes, the allocator's header, the string's three words) and a free when
//! it was evicted. Up to [`INLINE`] bytes sit in the value itself; a longer
//! ID (the wire allows any string) is boxed, so nothing is ever cut. Two IDs
//! are equal when their text is.

use serde::de::{Error, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::Deref;

/// The longest ID kept inline: a ULID's length.
const INLINE: usize = 26;

/// An event's `unique_id` (empty when the event has none).
#[derive(Clone)]
pub struct UniqueId(Repr);

/// Private, so the inline bytes are always a whole `str` of `len` bytes.
#[derive(Clone)]
enum Repr {
    Inline { len: u8, bytes: [u8; INLINE] },
    Boxed(Box<str>),
}

impl UniqueId {
    pub fn new(id: &str) -> Self {
        let mut bytes = [0; INLINE];
        match (bytes.get_mut(..id.len()), u8::try_from(id.len())) {
            (Some(place), Ok(len)) => {
                place.copy_from_slice(id.as_bytes());
                UniqueId(Repr::Inline { len, bytes })
            }
            _ => UniqueId(Repr::Boxed(id.into())),
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            // A whole `str` was copied in: always valid (checked all the same).
            Repr::Inline { len, bytes } => bytes
                .get(..usize::from(*len))
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default(),
            Repr::Boxed(id) => id,
        }
    }

    /// Whether the ID sits in the value itself (tests).
    #[cfg(test)]
    fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline { .. })
    }
}

impl Default for UniqueId {
    fn default() -> Self {
        UniqueId::new("")
    }
}

impl Deref for UniqueId {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for UniqueId {
    fn from(id: &str) -> Self {
        UniqueId::new(id)
    }
}

impl From<String> for UniqueId {
    fn from(id: String) -> Self {
        if id.len() > INLINE {
            UniqueId(Repr::Boxed(id.into_boxed_str()))
        } else {
            UniqueId::new(&id)
        }
    }
}

impl PartialEq for UniqueId {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for UniqueId {}

// Hashed and compared as its text, so a set of IDs can be asked for a `&str`.
impl std::hash::Hash for UniqueId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl std::borrow::Borrow<str> for UniqueId {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for UniqueId {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for UniqueId {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for UniqueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for UniqueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for UniqueId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for UniqueId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Id;
        impl Visitor<'_> for Id {
            type Value = UniqueId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<UniqueId, E> {
                Ok(UniqueId::new(v))
            }
        }
        d.deserialize_str(Id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_of_any_length_come_back_whole() {
        for id in [
            "",
            "01JB996A5CB3W8N1R6T0Y4K2QF",
            "01JB996A5CB3W8N1R6T0Y4K2QF7",
            "é",
            &"ü".repeat(40),
        ] {
            let u = UniqueId::new(id);
            assert_eq!(u, id);
            assert_eq!(u.len(), id.len());
            assert_eq!(u.is_inline(), id.len() <= INLINE);
            assert_eq!(UniqueId::from(id.to_owned()), u);
            let json = serde_json::to_string(&u).expect("serializes");
            assert_eq!(json, serde_json::to_string(id).expect("a string"));
            let back: UniqueId = serde_json::from_str(&json).expect("reads back");
            assert_eq!(back, u);
        }
        assert!(serde_json::from_str::<UniqueId>("7").is_err());
        // Escaped in the JSON: read as its text.
        let escaped: UniqueId = serde_json::from_str(r#""01JB\u00e9\"x""#).expect("reads");
        assert_eq!(escaped, "01JBé\"x");
        // Found in a set by its text, inline or boxed.
        let long = "x".repeat(27);
        let set: std::collections::HashSet<UniqueId> =
            ["01JB996A5CB3W8N1R6T0Y4K2QF", long.as_str()]
                .map(UniqueId::new)
                .into();
        assert!(set.contains("01JB996A5CB3W8N1R6T0Y4K2QF") && set.contains(long.as_str()));
        assert!(!set.contains("01JB996A5CB3W8N1R6T0Y4K2Q"));
        assert_eq!(UniqueId::default(), "");
    }
}
