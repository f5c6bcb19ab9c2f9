//! Rights (API.md §5): implied rights, and the authenticated [`Caller`] with the checks a stream
//! makes — at least one right on every requested entity, and which events it may see.
//!
//! Implied rights: `RIGHT_ALL` ⇒ everything; `RIGHT_<KIND>_ALL` ⇒ every `RIGHT_<KIND>_*`;
//! `RIGHT_APPLICATION_LINK` ⇒ `APPLICATION_INFO`, `APPLICATION_TRAFFIC_READ`,
//! `APPLICATION_TRAFFIC_DOWN_WRITE`; `RIGHT_GATEWAY_LINK` ⇒ `GATEWAY_INFO`.
//!
//! Exists apart from `auth.rs` (who is calling) because it answers a different question (what
//! they may see). A caller carries a key ID, never a key secret, and this module must never
//! grant a right that TTS would not.

use crate::error::TtsError;
use crate::ids::{EntityKind, EntityRef};

/// Whether `granted` implies `wanted` (`pkg/ttnpb/rights.go` `Right.Implied`).
pub fn implies(granted: &str, wanted: &str) -> bool {
    if granted == wanted || granted == "RIGHT_ALL" {
        return true;
    }
    if let Some(prefix) = granted.strip_suffix("ALL") {
        if wanted.starts_with(prefix) {
            return true;
        }
    }
    match granted {
        "RIGHT_APPLICATION_LINK" => matches!(
            wanted,
            "RIGHT_APPLICATION_INFO"
                | "RIGHT_APPLICATION_TRAFFIC_READ"
                | "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE"
        ),
        "RIGHT_GATEWAY_LINK" => wanted == "RIGHT_GATEWAY_INFO",
        _ => false,
    }
}

fn right_applies(right: &str, kind: EntityKind) -> bool {
    right == "RIGHT_ALL"
        || right.starts_with(&format!("RIGHT_{}_", kind.word().to_ascii_uppercase()))
}

/// The authenticated caller: key ID (never the secret) and its rights.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Token ID, `None` for anonymous callers.
    pub key_id: Option<String>,
    rights: Vec<(String, Vec<String>)>,
}

impl Caller {
    /// A caller authenticated by the key `key_id` with `rights` (entity → rights).
    pub fn with_rights(key_id: String, rights: Vec<(String, Vec<String>)>) -> Self {
        Self {
            key_id: Some(key_id),
            rights,
        }
    }

    /// A caller without credentials (all-in-one TTS: no rights at all).
    pub fn anonymous() -> Self {
        Self {
            key_id: None,
            rights: Vec::new(),
        }
    }

    /// The rights granted on the entity governing `e` (devices → application).
    pub fn rights_on(&self, e: &EntityRef) -> Vec<&str> {
        let (kind, id) = e.rights_entity();
        let name = format!("{}:{id}", kind.word());
        self.rights
            .iter()
            .filter(|(entity, _)| *entity == name || entity == "*")
            .flat_map(|(_, r)| r.iter().map(String::as_str))
            .filter(|r| right_applies(r, kind))
            .collect()
    }

    /// `rights.RequireAny`: at least one right on every requested entity.
    ///
    /// # Errors
    /// `no_<kind>_rights` naming the first entity without rights.
    pub fn require_any(&self, ids: &[EntityRef]) -> Result<(), TtsError> {
        for e in ids {
            if self.rights_on(e).is_empty() {
                let (kind, id) = e.rights_entity();
                return Err(TtsError::no_rights(kind.word(), id));
            }
        }
        Ok(())
    }

    /// `rightsutil.EventIsVisible`: empty visibility ⇒ visible; else some identifier's implied
    /// rights intersect the visibility rights.
    pub fn can_see(&self, event_ids: &[EntityRef], visibility: &[String]) -> bool {
        if visibility.is_empty() {
            return true;
        }
        event_ids.iter().any(|e| {
            let granted = self.rights_on(e);
            visibility
                .iter()
                .any(|w| granted.iter().any(|g| implies(g, w)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn implied_rights() {
        assert!(implies(
            "RIGHT_APPLICATION_ALL",
            "RIGHT_APPLICATION_TRAFFIC_READ"
        ));
        assert!(implies(
            "RIGHT_APPLICATION_LINK",
            "RIGHT_APPLICATION_TRAFFIC_READ"
        ));
        assert!(!implies(
            "RIGHT_APPLICATION_LINK",
            "RIGHT_APPLICATION_DEVICES_READ"
        ));
        assert!(implies("RIGHT_GATEWAY_LINK", "RIGHT_GATEWAY_INFO"));
        assert!(!implies(
            "RIGHT_APPLICATION_INFO",
            "RIGHT_APPLICATION_TRAFFIC_READ"
        ));
    }
}
