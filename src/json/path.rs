//! Paths into a JSON value, written the way a person types them in
//! JavaScript: `data.uplink_message.rx_metadata[0].rssi`, `context["tenant-id"]`.
//!
//! Paths are labels for "copy path" and accessible names; they must never be
//! parsed back or used to build HTML.

use std::fmt;

/// One step from a container to a child.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathSegment {
    /// A member of an object.
    Key(String),
    /// An element of an array.
    Index(usize),
}

/// Where a value sits inside the event; the empty path is the event itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct JsonPath(Vec<PathSegment>);

impl JsonPath {
    /// The path of the whole value.
    pub fn root() -> Self {
        Self::default()
    }

    /// The path of member `key` of the object at this path.
    pub fn key(&self, key: &str) -> Self {
        let mut segments = self.0.clone();
        segments.push(PathSegment::Key(key.to_owned()));
        Self(segments)
    }

    /// The path of element `index` of the array at this path.
    pub fn index(&self, index: usize) -> Self {
        let mut segments = self.0.clone();
        segments.push(PathSegment::Index(index));
        Self(segments)
    }

    /// How many steps below the root (the root is 0, `data` is 1).
    pub fn depth(&self) -> usize {
        self.0.len()
    }

    /// The steps, outermost first.
    pub fn segments(&self) -> &[PathSegment] {
        &self.0
    }

    /// Whether this path is `ancestor` or lies below it.
    pub fn is_within(&self, ancestor: &JsonPath) -> bool {
        self.0.starts_with(&ancestor.0)
    }

    /// The value at this path inside `root`, if there is one.
    pub fn resolve<'v>(&self, root: &'v serde_json::Value) -> Option<&'v serde_json::Value> {
        self.0
            .iter()
            .try_fold(root, |value, segment| match segment {
                PathSegment::Key(k) => value.as_object()?.get(k),
                PathSegment::Index(i) => value.as_array()?.get(*i),
            })
    }

    /// How the last step reads as a row label: the key, or `[i]`; empty for the root.
    pub fn label(&self) -> String {
        match self.0.last() {
            Some(PathSegment::Key(k)) => k.clone(),
            Some(PathSegment::Index(i)) => format!("[{i}]"),
            None => String::new(),
        }
    }
}

/// A key that may follow a dot: a JavaScript-style identifier in ASCII.
fn is_identifier(key: &str) -> bool {
    let mut chars = key.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' || c == '$' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                PathSegment::Key(k) if is_identifier(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                PathSegment::Key(k) => {
                    // A JSON string literal is also a valid JS one: quotes and
                    // backslashes in the key come out escaped.
                    let quoted = serde_json::Value::String(k.clone()).to_string();
                    write!(f, "[{quoted}]")?;
                }
                PathSegment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_join_with_dots_and_indexes_with_brackets() {
        let p = JsonPath::root()
            .key("data")
            .key("uplink_message")
            .key("rx_metadata")
            .index(0)
            .key("rssi");
        assert_eq!(p.to_string(), "data.uplink_message.rx_metadata[0].rssi");
        assert_eq!(p.depth(), 5);
        assert_eq!(p.label(), "rssi");
        assert_eq!(JsonPath::root().key("ids").index(3).label(), "[3]");
    }

    #[test]
    fn other_keys_are_bracket_quoted() {
        assert_eq!(
            JsonPath::root().key("data").key("@type").to_string(),
            r#"data["@type"]"#
        );
        assert_eq!(
            JsonPath::root().key("context").key("tenant-id").to_string(),
            r#"context["tenant-id"]"#
        );
        assert_eq!(
            JsonPath::root().key("a.b").key("c d").to_string(),
            r#"["a.b"]["c d"]"#
        );
        assert_eq!(JsonPath::root().key("1st").to_string(), r#"["1st"]"#);
        assert_eq!(JsonPath::root().key("").to_string(), r#"[""]"#);
        assert_eq!(
            JsonPath::root().key(r#"say "hi"\"#).to_string(),
            r#"["say \"hi\"\\"]"#
        );
        assert_eq!(JsonPath::root().key("ключ").to_string(), r#"["ключ"]"#);
    }

    #[test]
    fn resolves_values_and_knows_ancestors() {
        let event = serde_json::json!({"data": {"rx_metadata": [{"rssi": -111}], "@type": "x"}});
        let rssi = JsonPath::root()
            .key("data")
            .key("rx_metadata")
            .index(0)
            .key("rssi");
        assert_eq!(rssi.resolve(&event), Some(&serde_json::json!(-111)));
        assert_eq!(JsonPath::root().resolve(&event), Some(&event));
        assert_eq!(JsonPath::root().key("data").index(0).resolve(&event), None);
        assert_eq!(
            JsonPath::root()
                .key("data")
                .key("rx_metadata")
                .index(1)
                .resolve(&event),
            None
        );
        assert!(rssi.is_within(&JsonPath::root().key("data")));
        assert!(rssi.is_within(&rssi));
        assert!(!JsonPath::root().key("data").is_within(&rssi));
        assert!(!JsonPath::root()
            .key("data2")
            .is_within(&JsonPath::root().key("data")));
    }

    #[test]
    fn root_and_leading_index() {
        assert_eq!(JsonPath::root().to_string(), "");
        assert_eq!(JsonPath::root().label(), "");
        assert_eq!(JsonPath::root().index(2).key("x").to_string(), "[2].x");
        assert_eq!(JsonPath::root().key("$ok_1").to_string(), "$ok_1");
    }
}
