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

/// `ttn.lorawan.v3.Right`: every defined name and number (`api/ttn/lorawan/v3/rights.proto`).
pub const RIGHTS: [(&str, i64); 64] = [
    ("right_invalid", 0),
    ("RIGHT_USER_INFO", 1),
    ("RIGHT_USER_SETTINGS_BASIC", 2),
    ("RIGHT_USER_SETTINGS_API_KEYS", 3),
    ("RIGHT_USER_DELETE", 4),
    ("RIGHT_USER_AUTHORIZED_CLIENTS", 5),
    ("RIGHT_USER_APPLICATIONS_LIST", 6),
    ("RIGHT_USER_APPLICATIONS_CREATE", 7),
    ("RIGHT_USER_GATEWAYS_LIST", 8),
    ("RIGHT_USER_GATEWAYS_CREATE", 9),
    ("RIGHT_USER_CLIENTS_LIST", 10),
    ("RIGHT_USER_CLIENTS_CREATE", 11),
    ("RIGHT_USER_ORGANIZATIONS_LIST", 12),
    ("RIGHT_USER_ORGANIZATIONS_CREATE", 13),
    ("RIGHT_USER_NOTIFICATIONS_READ", 59),
    ("RIGHT_USER_ALL", 14),
    ("RIGHT_APPLICATION_INFO", 15),
    ("RIGHT_APPLICATION_SETTINGS_BASIC", 16),
    ("RIGHT_APPLICATION_SETTINGS_API_KEYS", 17),
    ("RIGHT_APPLICATION_SETTINGS_COLLABORATORS", 18),
    ("RIGHT_APPLICATION_SETTINGS_PACKAGES", 56),
    ("RIGHT_APPLICATION_DELETE", 19),
    ("RIGHT_APPLICATION_DEVICES_READ", 20),
    ("RIGHT_APPLICATION_DEVICES_WRITE", 21),
    ("RIGHT_APPLICATION_DEVICES_READ_KEYS", 22),
    ("RIGHT_APPLICATION_DEVICES_WRITE_KEYS", 23),
    ("RIGHT_APPLICATION_TRAFFIC_READ", 24),
    ("RIGHT_APPLICATION_TRAFFIC_UP_WRITE", 25),
    ("RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE", 26),
    ("RIGHT_APPLICATION_LINK", 27),
    ("RIGHT_APPLICATION_ALL", 28),
    ("RIGHT_CLIENT_ALL", 29),
    ("RIGHT_CLIENT_INFO", 60),
    ("RIGHT_CLIENT_SETTINGS_BASIC", 61),
    ("RIGHT_CLIENT_SETTINGS_COLLABORATORS", 62),
    ("RIGHT_CLIENT_DELETE", 63),
    ("RIGHT_GATEWAY_INFO", 30),
    ("RIGHT_GATEWAY_SETTINGS_BASIC", 31),
    ("RIGHT_GATEWAY_SETTINGS_API_KEYS", 32),
    ("RIGHT_GATEWAY_SETTINGS_COLLABORATORS", 33),
    ("RIGHT_GATEWAY_DELETE", 34),
    ("RIGHT_GATEWAY_TRAFFIC_READ", 35),
    ("RIGHT_GATEWAY_TRAFFIC_DOWN_WRITE", 36),
    ("RIGHT_GATEWAY_LINK", 37),
    ("RIGHT_GATEWAY_STATUS_READ", 38),
    ("RIGHT_GATEWAY_LOCATION_READ", 39),
    ("RIGHT_GATEWAY_WRITE_SECRETS", 57),
    ("RIGHT_GATEWAY_READ_SECRETS", 58),
    ("RIGHT_GATEWAY_ALL", 40),
    ("RIGHT_ORGANIZATION_INFO", 41),
    ("RIGHT_ORGANIZATION_SETTINGS_BASIC", 42),
    ("RIGHT_ORGANIZATION_SETTINGS_API_KEYS", 43),
    ("RIGHT_ORGANIZATION_SETTINGS_MEMBERS", 44),
    ("RIGHT_ORGANIZATION_DELETE", 45),
    ("RIGHT_ORGANIZATION_APPLICATIONS_LIST", 46),
    ("RIGHT_ORGANIZATION_APPLICATIONS_CREATE", 47),
    ("RIGHT_ORGANIZATION_GATEWAYS_LIST", 48),
    ("RIGHT_ORGANIZATION_GATEWAYS_CREATE", 49),
    ("RIGHT_ORGANIZATION_CLIENTS_LIST", 50),
    ("RIGHT_ORGANIZATION_CLIENTS_CREATE", 51),
    ("RIGHT_ORGANIZATION_ADD_AS_COLLABORATOR", 52),
    ("RIGHT_ORGANIZATION_ALL", 53),
    ("RIGHT_SEND_INVITES", 54),
    ("RIGHT_ALL", 55),
];

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

    /// `rights.Require<Kind>`: no right at all on `e` ⇒ `no_<kind>_rights`; some of `wanted` not
    /// implied by the rights on `e` (or not a right of its kind) ⇒ `insufficient_<kind>_rights`.
    ///
    /// # Errors
    /// Those two, naming the entity (and the `missing` rights).
    pub fn require(&self, e: &EntityRef, wanted: &[String]) -> Result<(), TtsError> {
        let granted = self.rights_on(e);
        let (kind, id) = e.rights_entity();
        if granted.is_empty() {
            return Err(TtsError::no_rights(kind.word(), id));
        }
        let missing: Vec<String> = wanted
            .iter()
            .filter(|w| !(right_applies(w, kind) && granted.iter().any(|g| implies(g, w))))
            .cloned()
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(TtsError::insufficient_rights(kind.word(), id, missing))
        }
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
