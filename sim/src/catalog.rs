//! The 248 event definitions of TTS v3.32 (`data/event-definitions.tsv`, compiled in) and the
//! `names` resolution of `pkg/events/pattern.go` `NamesFromPatterns` (API.md §1.5).
//!
//! Exists so that name validation, visibility and propagate-to-parent all come from the same
//! table the real server was built with. It must never read files at run time.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use crate::error::TtsError;

const TSV: &str = include_str!("../../data/event-definitions.tsv");

/// One `events.Define` call.
#[derive(Debug, Clone)]
pub struct Definition {
    /// e.g. `as.up.data.forward`.
    pub name: String,
    /// Human description.
    pub description: String,
    /// `visibility.rights` of events with this name.
    pub rights: Vec<String>,
    /// Documented data `@type` (without prefix), `None` for `-`.
    pub data_type: Option<String>,
    /// Whether device events of this name also reach application streams.
    pub propagate_to_parent: bool,
}

/// All definitions, sorted by name.
pub struct Catalog {
    defs: Vec<Definition>,
    by_name: HashMap<String, usize>,
}

impl Catalog {
    fn parse() -> Self {
        let mut defs: Vec<Definition> = TSV
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .filter_map(|line| {
                let cols: Vec<&str> = line.split('\t').collect();
                let name = (*cols.first()?).to_string();
                Some(Definition {
                    name,
                    description: cols.get(1).unwrap_or(&"").to_string(),
                    rights: cols
                        .get(2)
                        .unwrap_or(&"")
                        .split(',')
                        .filter(|r| !r.is_empty() && *r != "-")
                        .map(str::to_string)
                        .collect(),
                    data_type: cols.get(3).filter(|t| **t != "-").map(|t| t.to_string()),
                    propagate_to_parent: cols.get(4) == Some(&"yes"),
                })
            })
            .collect();
        defs.sort_by(|a, b| a.name.cmp(&b.name));
        let by_name = defs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.name.clone(), i))
            .collect();
        Self { defs, by_name }
    }

    /// All definitions, sorted by name.
    pub fn all(&self) -> &[Definition] {
        &self.defs
    }

    /// The definition named `name`.
    pub fn get(&self, name: &str) -> Option<&Definition> {
        self.by_name.get(name).and_then(|i| self.defs.get(*i))
    }

    /// Whether device events named `name` reach application subscriptions.
    pub fn propagates(&self, name: &str) -> bool {
        self.get(name).is_some_and(|d| d.propagate_to_parent)
    }

    /// Expands `names` (exact names or `/regex/`) into the sorted, de-duplicated list of defined
    /// names. An empty input means "all events" and yields an empty list.
    ///
    /// # Errors
    /// `unknown_event_name`, `invalid_regexp`, `no_matching_events` as in API.md §4.3.
    pub fn expand(&self, names: &[String]) -> Result<Vec<String>, TtsError> {
        let mut out = BTreeSet::new();
        for name in names {
            if name.starts_with('/') && name.ends_with('/') {
                let pattern = name.trim_matches('/');
                let re = regex::Regex::new(pattern).map_err(|_| TtsError::invalid_regexp())?;
                let mut matched = false;
                for d in &self.defs {
                    if re.is_match(&d.name) {
                        matched = true;
                        out.insert(d.name.clone());
                    }
                }
                if !matched {
                    return Err(TtsError::no_matching_events(pattern));
                }
            } else if self.by_name.contains_key(name) {
                out.insert(name.clone());
            } else {
                return Err(TtsError::unknown_event_name(name));
            }
        }
        Ok(out.into_iter().collect())
    }
}

/// The compiled-in catalogue.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(Catalog::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_248_definitions_and_56_propagating() {
        let c = catalog();
        assert_eq!(c.all().len(), 248);
        assert_eq!(c.all().iter().filter(|d| d.propagate_to_parent).count(), 56);
        assert!(c.propagates("as.up.data.forward"));
        assert!(!c.propagates("ns.up.data.receive"));
    }

    #[test]
    fn expands_regex_and_exact_names_sorted() {
        let c = catalog();
        let names = vec![
            "as.up.data.forward".to_string(),
            "/^as\\.up\\.join\\./".to_string(),
        ];
        let got = c.expand(&names).unwrap_or_default();
        assert_eq!(
            got,
            [
                "as.up.data.forward",
                "as.up.join.drop",
                "as.up.join.forward",
                "as.up.join.receive"
            ]
        );
    }

    #[test]
    fn name_errors() {
        let c = catalog();
        let e = |s: &str| c.expand(&[s.to_string()]).err().map(|e| e.name);
        assert_eq!(e("as.up.foo").as_deref(), Some("unknown_event_name"));
        assert_eq!(e("/([/").as_deref(), Some("invalid_regexp"));
        assert_eq!(e("/^zz\\./").as_deref(), Some("no_matching_events"));
    }
}
