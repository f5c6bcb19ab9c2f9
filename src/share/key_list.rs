//! The share keys this browser created, for the dialog's list and Revoke:
//! the cluster origin each was made on, its entity, key ID, name and expiry
//! — never the secret (there is no field for it). Kept in localStorage under
//! [`STORAGE_KEY`] as JSON; a damaged entry reads as an empty list.
//!
//! Revoke sends the user's own key, so it is offered only while connected to
//! the cluster the share key was made on ([`CreatedKeys::revoke_blocked`]).

use serde::{Deserialize, Serialize};

use super::key_grant::ShareTarget;
use crate::tts::{EntityKind, Timestamp};

/// The localStorage entry.
pub const STORAGE_KEY: &str = "eventline.share-keys";

/// One share key created from this browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedKey {
    /// The cluster origin it was made on (`https://eu1.cloud.thethings.network`).
    pub cluster: String,
    /// `application` or `gateway`.
    pub kind: String,
    pub entity_id: String,
    pub key_id: String,
    pub name: String,
    pub expires_at: Timestamp,
}

impl CreatedKey {
    /// The entity it is for, if the entry names one it can be.
    pub fn target(&self) -> Option<ShareTarget> {
        let kind = match self.kind.as_str() {
            "application" => EntityKind::Application,
            "gateway" => EntityKind::Gateway,
            _ => return None,
        };
        Some(ShareTarget {
            kind,
            id: self.entity_id.clone(),
        })
    }

    /// Whether it no longer works at `now`.
    pub fn expired(&self, now: Timestamp) -> bool {
        self.expires_at <= now
    }

    /// `…/api/v3/applications/{id}/api-keys/{key_id}` on `base`; `None`
    /// when the stored entry names no entity or an odd key ID.
    pub fn url(&self, base: &str) -> Option<String> {
        let target = self.target()?;
        let id_ok =
            |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !id_ok(&self.key_id) || !id_ok(&target.id) {
            return None;
        }
        Some(format!("{}/{}", target.keys_url(base), self.key_id))
    }
}

/// The list, newest last.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedKeys {
    pub keys: Vec<CreatedKey>,
}

impl CreatedKeys {
    /// Reads the stored JSON (empty when absent or damaged).
    pub fn parse(stored: Option<&str>) -> Self {
        stored
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn add(&mut self, key: CreatedKey) {
        self.keys.retain(|k| k.key_id != key.key_id);
        self.keys.push(key);
    }

    /// Takes the key `key_id` of `cluster` out; whether it was there.
    pub fn remove(&mut self, cluster: &str, key_id: &str) -> bool {
        let before = self.keys.len();
        self.keys
            .retain(|k| !(k.cluster == cluster && k.key_id == key_id));
        before != self.keys.len()
    }

    /// Why Revoke cannot be pressed now for `key`, when connected (with the
    /// user's own key) to `connected` (an origin), if at all.
    pub fn revoke_blocked(key: &CreatedKey, connected: Option<&str>) -> Option<String> {
        match connected {
            Some(origin) if origin == key.cluster => None,
            _ => Some(format!(
                "Connect to {} with your own key to revoke it.",
                key.cluster
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str) -> CreatedKey {
        CreatedKey {
            cluster: "https://tts.example.com".into(),
            kind: "application".into(),
            entity_id: "soil-sensors".into(),
            key_id: id.into(),
            name: "Eventline share 2026-11-29".into(),
            expires_at: Timestamp::parse("2026-11-29T15:00:00Z").unwrap(),
        }
    }

    #[test]
    fn the_list_survives_storage_and_holds_no_secret() {
        let mut list = CreatedKeys::default();
        list.add(entry("KEY1"));
        list.add(entry("KEY2"));
        list.add(entry("KEY1"));
        let json = list.to_json();
        assert!(!json.contains("NNSXS"), "{json}");
        let back = CreatedKeys::parse(Some(&json));
        assert_eq!(back, list);
        assert_eq!(
            back.keys
                .iter()
                .map(|k| k.key_id.as_str())
                .collect::<Vec<_>>(),
            ["KEY2", "KEY1"]
        );
        assert_eq!(CreatedKeys::parse(Some("{nope")), CreatedKeys::default());
        assert_eq!(CreatedKeys::parse(None), CreatedKeys::default());
    }

    #[test]
    fn revoke_goes_to_the_cluster_the_key_was_made_on_only() {
        let mut list = CreatedKeys::default();
        list.add(entry("KEY1"));
        let key = &list.keys[0];
        assert_eq!(
            key.url("https://tts.example.com").as_deref(),
            Some("https://tts.example.com/api/v3/applications/soil-sensors/api-keys/KEY1")
        );
        assert_eq!(
            CreatedKeys::revoke_blocked(key, Some("https://tts.example.com")),
            None
        );
        let why = CreatedKeys::revoke_blocked(key, Some("https://other.example"));
        assert!(why.is_some_and(|w| w.contains("https://tts.example.com")));
        assert!(CreatedKeys::revoke_blocked(key, None).is_some());
        assert!(key.expired(Timestamp::parse("2026-11-29T15:00:00Z").unwrap()));
        assert!(!key.expired(Timestamp::parse("2026-11-29T14:59:59Z").unwrap()));
        assert!(!list.remove("https://other.example", "KEY1"));
        assert!(list.remove("https://tts.example.com", "KEY1"));
        assert!(list.keys.is_empty());
    }
}
