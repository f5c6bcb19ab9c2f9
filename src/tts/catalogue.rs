//! The built-in catalogue of event names The Things Stack defines (generated
//! at build time from `data/event-definitions.tsv`), and the resolution of a
//! request's `names` against it, exactly as the server does (API.md §1.5).
//!
//! Why: the server rejects a whole stream request for one unknown name or one
//! regexp that matches nothing, so the form checks the names before sending.
//! This module must never change the server's rules: an entry wrapped in
//! slashes is an unanchored regexp, anything else must match exactly.

use std::fmt;

/// One `events.Define(…)` of The Things Stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventDefinition {
    /// The event name, e.g. `as.up.data.forward`.
    pub name: &'static str,
    /// The server's one-line description, e.g. `forward data message to Application Server`.
    pub description: &'static str,
    /// Rights of which the caller needs one to see the event (empty: visible to all).
    pub visibility_rights: &'static [&'static str],
    /// The documented `@type` of `data` (without `type.googleapis.com/`), when declared.
    pub data_type: Option<&'static str>,
    /// Whether an application stream receives this event of its devices (API.md §3.3).
    pub propagate_to_parent: bool,
    /// Where the definition lives in the TTS source, for reference.
    pub source_file: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/event_definitions.rs"));

/// All definitions, sorted by name.
pub fn definitions() -> &'static [EventDefinition] {
    &EVENT_DEFINITIONS
}

/// The definition of an exactly named event, if the server defines it.
pub fn definition(name: &str) -> Option<&'static EventDefinition> {
    EVENT_DEFINITIONS
        .binary_search_by(|d| d.name.cmp(name))
        .ok()
        .and_then(|i| EVENT_DEFINITIONS.get(i))
}

/// Why one entry of `names` would be rejected by the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    /// Not wrapped in slashes and not a defined name (`pkg/events:unknown_event_name`).
    Unknown { name: String },
    /// Wrapped in slashes, but the regexp does not compile (`pkg/events:invalid_regexp`).
    InvalidRegexp { regexp: String, reason: String },
    /// The regexp compiles but matches no defined name (`pkg/events:no_matching_events`).
    NoMatch { regexp: String },
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::Unknown { name } => write!(
                f,
                "`{name}` is not an event name The Things Stack defines; use an exact name such as `as.up.data.forward`, or a regular expression between slashes such as `/^as\\.up\\./`"
            ),
            NameError::InvalidRegexp { regexp, reason } => {
                write!(f, "the regular expression `{regexp}` is not valid: {reason}")
            }
            NameError::NoMatch { regexp } => write!(
                f,
                "the regular expression `{regexp}` matches no event name, so the server would reject the request"
            ),
        }
    }
}

impl std::error::Error for NameError {}

/// Expands one `names` entry the way `pkg/events/pattern.go` does: `/re/`
/// (starts and ends with a slash; all leading and trailing slashes removed)
/// is matched unanchored against every defined name; anything else must be a
/// defined name.
///
/// # Errors
///
/// [`NameError`] when the server would reject the entry.
pub fn resolve_name(entry: &str) -> Result<Vec<&'static str>, NameError> {
    if entry.len() >= 2 && entry.starts_with('/') && entry.ends_with('/') {
        let pattern = entry.trim_matches('/');
        let re = regex_lite::Regex::new(pattern).map_err(|e| NameError::InvalidRegexp {
            regexp: pattern.to_owned(),
            reason: e.to_string(),
        })?;
        let matched: Vec<&'static str> = EVENT_DEFINITIONS
            .iter()
            .map(|d| d.name)
            .filter(|n| re.is_match(n))
            .collect();
        if matched.is_empty() {
            return Err(NameError::NoMatch {
                regexp: pattern.to_owned(),
            });
        }
        Ok(matched)
    } else {
        definition(entry)
            .map(|d| vec![d.name])
            .ok_or_else(|| NameError::Unknown {
                name: entry.to_owned(),
            })
    }
}

/// Expands every entry; the result is sorted and de-duplicated, as the server's.
/// An empty list means "all events".
///
/// # Errors
///
/// Every entry the server would reject, each with its position.
pub fn resolve_names<S: AsRef<str>>(
    entries: &[S],
) -> Result<Vec<&'static str>, Vec<(usize, NameError)>> {
    let mut names = Vec::new();
    let mut errors = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        match resolve_name(entry.as_ref()) {
            Ok(found) => names.extend(found),
            Err(e) => errors.push((i, e)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    crate::sort::sort(&mut names);
    names.dedup();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_has_every_definition_sorted() {
        assert_eq!(definitions().len(), 248);
        assert!(definitions().windows(2).all(|w| w[0].name < w[1].name));
        let d = definition("as.up.data.forward").expect("defined");
        assert_eq!(d.visibility_rights, ["RIGHT_APPLICATION_TRAFFIC_READ"]);
        assert_eq!(d.data_type, Some("ttn.lorawan.v3.ApplicationUp"));
        assert!(d.propagate_to_parent);
        assert_eq!(
            definition("account.user.login_failed").map(|d| d.data_type),
            Some(None)
        );
        assert!(definition("events.stream.start").is_none());
    }

    #[test]
    fn names_resolve_like_the_server() {
        assert_eq!(
            resolve_name("as.up.data.forward"),
            Ok(vec!["as.up.data.forward"])
        );
        let joins = resolve_name(r"/^as\.up\.join\./").expect("matches");
        assert!(
            joins.contains(&"as.up.join.forward")
                && joins.iter().all(|n| n.starts_with("as.up.join."))
        );
        // Unanchored, like Go's MatchString.
        assert!(resolve_name("/join.accept/")
            .expect("matches")
            .contains(&"js.join.accept"));
        // All leading and trailing slashes are trimmed.
        assert!(resolve_name("//^gs\\.up\\.//").is_ok());
        assert!(matches!(
            resolve_name("as.up.foo"),
            Err(NameError::Unknown { .. })
        ));
        assert!(matches!(
            resolve_name("/([/"),
            Err(NameError::InvalidRegexp { .. })
        ));
        assert_eq!(
            resolve_name(r"/^zz\./"),
            Err(NameError::NoMatch {
                regexp: r"^zz\.".into()
            })
        );
        // A single slash is not a regexp.
        assert!(matches!(resolve_name("/"), Err(NameError::Unknown { .. })));
    }

    #[test]
    fn resolving_a_list_sorts_dedups_and_reports_each_bad_entry() {
        let names = resolve_names(&[
            "js.join.accept",
            "/^js\\.join\\.accept$/",
            "as.up.data.forward",
        ])
        .expect("ok");
        assert_eq!(names, ["as.up.data.forward", "js.join.accept"]);
        let errors = resolve_names(&["as.up.foo", "js.join.accept", "/^zz/"]).expect_err("two bad");
        assert_eq!(errors.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0, 2]);
        assert!(errors[0].1.to_string().contains("`as.up.foo`"));
    }
}
