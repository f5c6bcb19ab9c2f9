//! [`Shared`]: a part of an event that repeats from event to event (its name,
//! origin, identifiers, context, visibility), decoded once and shared.
//!
//! Why: a busy stream repeats the same few values in every event. Decoding
//! each copy into strings of its own cost about 15 allocations and ~450 bytes
//! per retained event, and as many frees when the event was evicted. Here a
//! value's raw JSON text is copied out of the frame (one short-lived
//! allocation) and looked up in a small cache per type, keyed by that text:
//! a hit hands back the value already decoded; a miss decodes it and keeps
//! it, in place of the least recent of the two texts of its set.
//!
//! Bounds: a cache holds at most its number of slots, each a text of at most
//! 512 bytes (longer ones are decoded for their event alone), so all the
//! caches together stay under ~15 MB whatever the network sends; a slot taken
//! by another text only drops the cache's reference (the events keep theirs).
//! Two texts for one value (other spacing, other key order) are two entries,
//! never a wrong value: a hit needs the same text. More distinct texts than
//! slots (a fleet larger than the cache) only means more are decoded anew.
//! Nothing here panics; a cache already in use (it never is: decoding a
//! value does not decode another of its type) decodes without caching.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use std::cell::RefCell;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A decoded value shared by every event that carried the same JSON text.
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    /// Wraps a value of one's own (not cached).
    pub fn new(value: T) -> Self {
        Shared(Arc::new(value))
    }

    /// Where the shared value lives: the same for every event that shares
    /// it, and another value's only after this one is dropped (so a key for
    /// what was computed from it while the events that hold it stay alive).
    pub fn addr(&self) -> usize {
        Arc::as_ptr(&self.0).addr()
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared::new(value)
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || *self.0 == *other.0
    }
}

impl<T: Eq> Eq for Shared<T> {}

impl PartialEq<str> for Shared<String> {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Shared<String> {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Shared<String>> for String {
    fn eq(&self, other: &Shared<String>) -> bool {
        *self == **other
    }
}

impl<'a, T> IntoIterator for &'a Shared<Vec<T>> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: fmt::Display> fmt::Display for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: Cached + Default> Default for Shared<T> {
    /// The one empty value of its type (no allocation per event).
    fn default() -> Self {
        T::with_cache(|cache| match cache {
            Some(cache) => Shared(Arc::clone(
                cache.empty.get_or_insert_with(|| Arc::new(T::default())),
            )),
            None => Shared::new(T::default()),
        })
    }
}

impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de, T: Cached> Deserialize<'de> for Shared<T> {
    /// Reads the value's text (a copy that lives as long as the lookup:
    /// borrowing it would fail for input not held in memory, such as a
    /// `serde_json::Value`), then looks it up.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Shared::from_json(raw.get()).map_err(|e| D::Error::custom(without_position(&e)))
    }
}

impl<T: Cached> Shared<T> {
    /// The value of this JSON text: the cached one when this text was seen
    /// last in its slot, else decoded (and cached).
    ///
    /// # Errors
    ///
    /// When the text is not a valid `T`.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        T::with_cache(|cache| {
            let Some(cache) = cache.filter(|_| text.len() <= MAX_CACHED_TEXT) else {
                return serde_json::from_str(text).map(Shared::new);
            };
            let sets = (cache.slots.len() / WAYS).max(1);
            let set = (text_hash(text) % sets as u64) as usize * WAYS;
            let Some(ways) = cache.slots.get_mut(set..set + WAYS) else {
                return serde_json::from_str(text).map(Shared::new);
            };
            let hit = ways
                .iter()
                .position(|slot| matches!(slot, Some((known, _)) if **known == *text));
            if let Some(i) = hit {
                ways.swap(0, i); // the most recent first
                if let Some(Some((_, value))) = ways.first() {
                    return Ok(Shared(Arc::clone(value)));
                }
            }
            let value = Arc::new(serde_json::from_str::<T>(text)?);
            ways.rotate_right(1); // the least recent goes
            if let Some(first) = ways.first_mut() {
                *first = Some((text.into(), Arc::clone(&value)));
            }
            Ok(Shared(value))
        })
    }
}

/// The message of a value's error without its position (which is within the
/// value's own text): the frame's parser adds the position in the frame.
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&suffix) {
        Some(bare) => bare.to_owned(),
        None => message,
    }
}

/// Texts per set: a text may take either slot of its set, so two values
/// that fall in one set (common once a fleet nears the number of slots)
/// do not keep pushing each other out.
const WAYS: usize = 2;

/// The longest text a cache keeps: real values are far shorter (a device's
/// identifiers ~250 bytes); longer ones, which only a hostile or broken
/// server sends, are decoded for their event alone.
const MAX_CACHED_TEXT: usize = 512;

/// A hash of a text, eight bytes a step: which set of a cache it takes (and
/// the store's hash of IDs). Not keyed: a collision costs a cache miss or a
/// longer look, never a wrong answer (every user compares the text too).
pub(crate) fn text_hash(text: &str) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let step = |h: u64, word: u64| (h.rotate_left(5) ^ word).wrapping_mul(K);
    let mut words = text.as_bytes().chunks_exact(8);
    let mut h = (&mut words).fold(text.len() as u64, |h, w| {
        step(h, u64::from_le_bytes(w.try_into().unwrap_or_default()))
    });
    let rest = words.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 8];
        if let Some(head) = last.get_mut(..rest.len()) {
            head.copy_from_slice(rest);
        }
        h = step(h, u64::from_le_bytes(last));
    }
    // Every bit of the result depends on every byte (the sets are its low bits).
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// A text and its value, or nothing yet.
type Slot<T> = Option<(Box<str>, Arc<T>)>;

/// The values of one type seen last, by text.
pub struct Cache<T> {
    slots: Box<[Slot<T>]>,
    empty: Option<Arc<T>>,
}

/// A type with a cache of its own (one per thread).
pub trait Cached: DeserializeOwned + 'static {
    /// Runs `f` with this type's cache (`None` if it is in use).
    fn with_cache<R>(f: impl FnOnce(Option<&mut Cache<Self>>) -> R) -> R;
}

/// Gives `$type` a cache of `$slots` values.
macro_rules! cached {
    ($type:ty, $slots:expr) => {
        impl $crate::tts::shared::Cached for $type {
            fn with_cache<R>(
                f: impl FnOnce(Option<&mut $crate::tts::shared::Cache<Self>>) -> R,
            ) -> R {
                thread_local! {
                    static CACHE: std::cell::RefCell<$crate::tts::shared::Cache<$type>> =
                        std::cell::RefCell::new($crate::tts::shared::Cache::with_slots($slots));
                }
                CACHE.with(|cache| $crate::tts::shared::borrow(cache, f))
            }
        }
    };
}
pub(crate) use cached;

impl<T> Cache<T> {
    /// An empty cache of `slots` values (for [`cached!`]).
    pub fn with_slots(slots: usize) -> Self {
        Cache {
            slots: (0..slots.max(1)).map(|_| None).collect(),
            empty: None,
        }
    }
}

/// Runs `f` with the cache if it is free (for [`cached!`]).
pub fn borrow<T, R>(cache: &RefCell<Cache<T>>, f: impl FnOnce(Option<&mut Cache<T>>) -> R) -> R {
    match cache.try_borrow_mut() {
        Ok(mut cache) => f(Some(&mut cache)),
        Err(_) => f(None),
    }
}

// Names and origins: a few hundred distinct texts in any stream.
cached!(String, 1024);

#[cfg(test)]
mod tests {
    use super::*;

    /// IDs that differ in one character (as consecutive ULIDs do) spread over
    /// a cache's sets as random picks would (≈ 63 % of 4,096 sets for 4,096
    /// IDs), whatever the length and wherever the difference is.
    #[test]
    fn near_identical_texts_spread_over_the_sets() {
        for (prefix, suffix) in [("as:up:01JBK0", ""), ("", ":gs:uplink"), ("x", "")] {
            let sets: std::collections::HashSet<u64> = (0..4096)
                .map(|i| text_hash(&format!("{prefix}{i:05}{suffix}")) % 4096)
                .collect();
            assert!(sets.len() > 2_400, "{prefix}…{suffix}: {} sets", sets.len());
        }
        assert_ne!(
            text_hash("ab"),
            text_hash("ab\0"),
            "a trailing zero byte counts"
        );
    }

    #[test]
    fn the_same_text_is_one_value_and_other_texts_are_their_own() {
        let a = Shared::<String>::from_json(r#""as.up.data.forward""#).expect("valid");
        let b = Shared::<String>::from_json(r#""as.up.data.forward""#).expect("valid");
        assert!(Arc::ptr_eq(&a.0, &b.0), "one value for one text");
        assert_eq!(a, "as.up.data.forward");
        let escaped = Shared::<String>::from_json(r#""as.up.data.forwar\u0064""#).expect("valid");
        assert_eq!(escaped, a, "another text of the same value is equal");
        assert!(Shared::<String>::from_json("12").is_err());
        assert!(Shared::<String>::from_json(r#""unterminated"#).is_err());
    }

    #[test]
    fn a_slot_taken_by_another_text_never_gives_a_wrong_value() {
        // Far more texts than slots: every lookup is still the value of its text.
        let texts: Vec<String> = (0..5000).map(|i| format!("\"name-{i}\"")).collect();
        for _ in 0..2 {
            for (i, text) in texts.iter().enumerate() {
                let v = Shared::<String>::from_json(text).expect("valid");
                assert_eq!(*v, format!("name-{i}"));
            }
        }
        let empty = Shared::<String>::default();
        assert!(Arc::ptr_eq(&empty.0, &Shared::<String>::default().0));
        assert_eq!(empty, "");
    }

    #[test]
    fn two_texts_of_one_set_are_both_kept() {
        // Texts that share a set (found by trying): alternating between them
        // keeps both shared.
        let sets = 1024 / WAYS;
        let slot = |t: &str| text_hash(t) % sets as u64;
        let a = r#""gs.up.receive""#.to_owned();
        let b = (0..100_000)
            .map(|i| format!("\"name-{i}\""))
            .find(|t| slot(t) == slot(&a))
            .expect("a text of the same set");
        let (a1, b1) = (
            Shared::<String>::from_json(&a).expect("valid"),
            Shared::<String>::from_json(&b).expect("valid"),
        );
        let (a2, b2) = (
            Shared::<String>::from_json(&a).expect("valid"),
            Shared::<String>::from_json(&b).expect("valid"),
        );
        assert!(Arc::ptr_eq(&a1.0, &a2.0) && Arc::ptr_eq(&b1.0, &b2.0));
    }

    #[test]
    fn an_error_inside_a_value_is_placed_in_the_whole_text() {
        #[derive(Debug, Deserialize)]
        struct Outer {
            #[allow(dead_code)]
            name: Shared<String>,
        }
        let error = serde_json::from_str::<Outer>(r#"{"x": 1, "name": 17}"#).expect_err("a number");
        assert!(error.to_string().contains("invalid type"), "{error}");
        assert_eq!((error.line(), error.column()), (1, 20), "{error}");
    }

    #[test]
    fn long_texts_are_not_kept() {
        let long = format!("\"{}\"", "x".repeat(MAX_CACHED_TEXT));
        let a = Shared::<String>::from_json(&long).expect("valid");
        let b = Shared::<String>::from_json(&long).expect("valid");
        assert_eq!(a, b);
        assert!(!Arc::ptr_eq(&a.0, &b.0), "decoded for each event");
    }

    #[test]
    fn a_cache_in_use_decodes_without_it() {
        String::with_cache(|outer| {
            assert!(outer.is_some());
            let inner = Shared::<String>::from_json(r#""x""#).expect("valid");
            assert_eq!(inner, "x");
        });
    }
}
