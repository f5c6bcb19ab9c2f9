//! The connect form's quick-paste syntax for entities: one per line or
//! comma-separated.
//!
//! ```text
//! item   = app-id                       ; an application
//!        | app-id "/" device-id         ; a device of that application
//!        | prefix ":" id                ; any kind, by prefix
//! prefix = "app" | "application" | "gw" | "gateway" | "org" | "organization"
//!        | "user" | "client"
//! ```
//!
//! Why: people paste lists from the Console or a spreadsheet. This parser is
//! pure; it must never guess (an unknown prefix is an error naming the item)
//! and must never drop an item silently.

use super::ids::{validate_id, EntityIds, EntityKind, IdError};
use std::fmt;

/// One pasted item that is not an entity, quoting the item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasteError {
    /// The item as written (trimmed).
    pub item: String,
    pub problem: PasteProblem,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasteProblem {
    UnknownPrefix(String),
    BadId { field: &'static str, error: IdError },
    TooManySlashes,
}

impl fmt::Display for PasteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let item = &self.item;
        match &self.problem {
            PasteProblem::UnknownPrefix(p) => write!(
                f,
                "`{item}`: `{p}:` is not a kind of entity; use app:, gw:, org:, user: or client: (or app/device for a device)"
            ),
            PasteProblem::BadId { field, error } => write!(f, "`{item}`: the {field} {error}"),
            PasteProblem::TooManySlashes => {
                write!(f, "`{item}`: a device is written application/device, with one slash")
            }
        }
    }
}

impl std::error::Error for PasteError {}

fn kind_of_prefix(prefix: &str) -> Option<EntityKind> {
    Some(match prefix.trim().to_ascii_lowercase().as_str() {
        "app" | "application" => EntityKind::Application,
        "gw" | "gateway" => EntityKind::Gateway,
        "org" | "organization" => EntityKind::Organization,
        "user" => EntityKind::User,
        "client" => EntityKind::Client,
        "dev" | "device" => EntityKind::Device,
        _ => return None,
    })
}

/// Parses one item (already trimmed, non-empty).
///
/// # Errors
///
/// [`PasteError`] naming the item and what is wrong with it.
pub fn parse_entity(item: &str) -> Result<EntityIds, PasteError> {
    let err = |problem| PasteError {
        item: item.to_owned(),
        problem,
    };
    let check = |kind: EntityKind, id: &str| {
        validate_id(kind, id).map_err(|error| {
            err(PasteProblem::BadId {
                field: kind.id_field(),
                error,
            })
        })
    };
    let (kind, rest) = match item.split_once(':') {
        Some((prefix, rest)) => match kind_of_prefix(prefix) {
            Some(kind) => (Some(kind), rest.trim()),
            None => return Err(err(PasteProblem::UnknownPrefix(prefix.trim().to_owned()))),
        },
        None => (None, item),
    };
    match (kind, rest.split_once('/')) {
        (None | Some(EntityKind::Application | EntityKind::Device), Some((app, dev))) => {
            let (app, dev) = (app.trim(), dev.trim());
            if dev.contains('/') {
                return Err(err(PasteProblem::TooManySlashes));
            }
            check(EntityKind::Application, app)?;
            check(EntityKind::Device, dev)?;
            Ok(EntityIds::device(app, dev))
        }
        (Some(EntityKind::Device), None) => Err(err(PasteProblem::BadId {
            field: "application_id",
            error: IdError::Empty,
        })),
        (_, Some(_)) => Err(err(PasteProblem::TooManySlashes)),
        (kind, None) => {
            let kind = kind.unwrap_or(EntityKind::Application);
            check(kind, rest)?;
            EntityIds::single(kind, rest).ok_or_else(|| err(PasteProblem::TooManySlashes))
        }
    }
}

/// Parses a pasted list: items separated by newlines or commas; blank items are skipped.
///
/// # Errors
///
/// Every bad item, in order, each naming the item.
pub fn parse_entities(text: &str) -> Result<Vec<EntityIds>, Vec<PasteError>> {
    let mut entities: Vec<EntityIds> = Vec::new();
    let mut errors = Vec::new();
    for item in text
        .split(['\n', ','])
        .map(str::trim)
        .filter(|i| !i.is_empty())
    {
        match parse_entity(item) {
            Ok(e) if !entities.contains(&e) => entities.push(e),
            Ok(_) => {}
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(entities)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_syntax_form_parses() {
        let got = parse_entities(
            "app1, app1/dev2\r\ngw:gw2\ngateway:gw3, org:acme, organization:acme2\nuser:al, client:cli, app:app3, application:app4\n\n",
        )
        .expect("all valid");
        let keys: Vec<String> = got.iter().map(EntityIds::key).collect();
        assert_eq!(
            keys,
            [
                "app1",
                "app1/dev2",
                "gw:gw2",
                "gw:gw3",
                "org:acme",
                "org:acme2",
                "user:al",
                "client:cli",
                "app3",
                "app4"
            ]
        );
    }

    #[test]
    fn keys_parse_back_to_the_same_entity() {
        for e in
            parse_entities("app1, app1/dev2, gw:gw2, org:acme, user:al, client:cli").expect("valid")
        {
            assert_eq!(parse_entity(&e.key()), Ok(e));
        }
    }

    #[test]
    fn bad_items_are_named_one_by_one() {
        let errors =
            parse_entities("app1, Bad App, gw:, foo:bar, a/b/c, app1/x").expect_err("bad items");
        let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 5, "{messages:?}");
        assert!(
            messages[0].starts_with("`Bad App`: the application_id must be"),
            "{}",
            messages[0]
        );
        assert!(
            messages[1].starts_with("`gw:`: the gateway_id is empty"),
            "{}",
            messages[1]
        );
        assert!(
            messages[2].contains("`foo:` is not a kind of entity"),
            "{}",
            messages[2]
        );
        assert!(messages[3].contains("one slash"), "{}", messages[3]);
        assert!(
            messages[4].starts_with("`app1/x`: the device_id"),
            "{}",
            messages[4]
        );
    }
}
