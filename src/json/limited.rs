//! JSON text → tree, no deeper than a bound: what is nested deeper is one
//! text value saying where the tree stops, so an event nested 100,000 levels
//! deep still opens with its envelope and the first levels of its `data`.
//!
//! Why: `serde_json` refuses to build a tree deeper than 128 levels and then
//! gives nothing at all; the inspector must show what can be shown. Below the
//! bound values are skipped without recursion (`IgnoredAny`), so no input can
//! exhaust the stack. Pure; never panics.

use std::fmt;

use serde::de::{
    Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::{Map, Value};

use crate::tts::Event;

/// Levels of the tree built (the inspector's root is level 0).
pub const MAX_TREE_DEPTH: usize = 64;

/// What stands for a value nested deeper than the bound.
pub fn too_deep_note(depth: usize) -> String {
    format!("… nested deeper than {depth} levels: not shown")
}

struct Limited {
    depth: usize,
    max: usize,
}

impl<'de> DeserializeSeed<'de> for Limited {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        if self.depth >= self.max {
            IgnoredAny::deserialize(d)?;
            return Ok(Value::String(too_deep_note(self.max)));
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Limited {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Limited {
            depth: self.depth + 1,
            max: self.max,
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Limited {
                depth: self.depth + 1,
                max: self.max,
            })?;
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

/// Parses `json` into a tree whose root is at level `depth`, cutting what lies
/// deeper than `max` levels.
///
/// # Errors
/// When `json` is not valid JSON.
pub fn parse_limited(json: &str, depth: usize, max: usize) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(json);
    let value = Limited { depth, max }.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// The whole event as the inspector shows it: the envelope in full and
/// `data` down to [`MAX_TREE_DEPTH`] levels from the root.
pub fn event_tree(event: &Event) -> Value {
    let data = event.data.as_ref().map(|raw| {
        parse_limited(raw.as_str(), 1, MAX_TREE_DEPTH)
            .unwrap_or_else(|e| Value::String(format!("(unreadable: {e})")))
    });
    let envelope = Event {
        data: None,
        ..event.clone()
    };
    let mut tree = serde_json::to_value(&envelope).unwrap_or(Value::Null);
    if let (Value::Object(members), Some(data)) = (&mut tree, data) {
        // `data` in its place: after `identifiers`, as the wire has it.
        let mut data = Some(data);
        let mut ordered = Map::new();
        for (k, v) in std::mem::take(members) {
            let after_ids = k == "identifiers";
            ordered.insert(k, v);
            if let Some(d) = data.take_if(|_| after_ids) {
                ordered.insert("data".into(), d);
            }
        }
        if let Some(d) = data {
            ordered.insert("data".into(), d);
        }
        *members = ordered;
    }
    tree
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_values_are_the_same_tree_serde_builds() {
        let json = r#"{"b":1,"a":[true,null,"x",-2,1.5,{"c":{}}],"z":18446744073709551615}"#;
        let ours = parse_limited(json, 0, MAX_TREE_DEPTH).unwrap();
        let theirs: Value = serde_json::from_str(json).unwrap();
        assert_eq!(ours, theirs);
        let keys: Vec<&String> = ours.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["b", "a", "z"], "keys keep the order they arrived in");
    }

    #[test]
    fn what_is_deeper_than_the_bound_is_one_note() {
        let json = format!("{}1{}", "[".repeat(200_000), "]".repeat(200_000));
        let tree = parse_limited(&json, 0, 3).unwrap();
        assert_eq!(tree, serde_json::json!([[[too_deep_note(3)]]]));
        assert!(parse_limited("[1,", 0, 3).is_err());
    }

    #[test]
    fn a_deep_event_opens_with_its_envelope_and_data_in_place() {
        let depth = 100_000;
        let json = format!(
            r#"{{"name":"as.up.data.forward","time":"2024-10-28T10:00:00Z","identifiers":[],"data":{{"x":{}{}}},"unique_id":"DEEP"}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let event = Event::from_json(json.as_bytes()).unwrap();
        let tree = event_tree(&event);
        assert_eq!(tree["name"], "as.up.data.forward");
        assert_eq!(tree["unique_id"], "DEEP");
        let keys: Vec<&String> = tree.as_object().unwrap().keys().collect();
        assert_eq!(keys[..4], ["name", "time", "identifiers", "data"]);
        let mut node = &tree["data"]["x"];
        let mut levels = 2;
        while let Some(inner) = node.get(0) {
            node = inner;
            levels += 1;
        }
        assert_eq!(levels, MAX_TREE_DEPTH);
        assert_eq!(node, &Value::String(too_deep_note(MAX_TREE_DEPTH)));
    }
}
