//! API keys (API.md §4.3 authentication rows): the key store (built-in demo keys or a keys
//! file) and `Authorization` header parsing, which turn a request into a [`Caller`]; what the
//! caller may then see is `rights.rs`.
//!
//! # Keys file format
//! TOML (`.toml`) or JSON (any other extension), a list of keys, each with `key` (the full
//! `NNSXS.<ID>.<SECRET>` token), an optional `name`, an optional `expires` (RFC 3339) and
//! `rights`: entity → list of rights, entity written `application:<id>`, `gateway:<id>`,
//! `user:<id>`, `organization:<id>`, `client:<id>` or `*` (every entity). Example:
//!
//! ```toml
//! [[keys]]
//! key = "NNSXS.…39 chars….…52 chars…"
//! expires = "2030-01-01T00:00:00Z"
//! [keys.rights]
//! "application:soil-sensors" = ["RIGHT_APPLICATION_TRAFFIC_READ"]
//! "gateway:rooftop-gw-01" = ["RIGHT_GATEWAY_ALL"]
//! ```
//!
//! This module must never log or return a key secret: only key IDs leave it.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;

use crate::clock::{parse_rfc3339, Nanos};
use crate::error::TtsError;
use crate::fleet::Fleet;
use crate::rights::Caller;

/// The demo key: all rights on every fleet entity.
pub const DEMO_API_KEY: &str =
    "NNSXS.EVENTLINEDEMOKEYLNI3FE7SP3GK54YJJ37G456.EVENTLINEDEMOKEYSECRET5PGCBSNSFSYIZII4FPW5TOPB43OMFD";
/// The limited key: `RIGHT_APPLICATION_ALL` on the first application, `RIGHT_GATEWAY_ALL` on the
/// gateways, nothing on the other applications.
pub const LIMITED_API_KEY: &str =
    "NNSXS.EVENTLINELIMITEDKEYZIZYC4PI76XCYZ76XCZT.EVENTLINELIMITEDKEYSECRET6FSORKWHMHWHS454F66TC4BOUFA";
/// The info-only key: only `RIGHT_APPLICATION_INFO` on the first application.
pub const INFO_ONLY_API_KEY: &str =
    "NNSXS.EVENTLINEINFOONLYKEYQM7SMQ5MTN223FPN562.EVENTLINEINFOONLYKEYSECRETXCYBZ5XHNJUXI63PGOZXS3HM4A";
/// An expired key (401 `api_key_expired`).
pub const EXPIRED_API_KEY: &str =
    "NNSXS.EVENTLINEEXPIREDKEY7IQLWL3J4DPCV7HJCYL4.EVENTLINEEXPIREDKEYSECRETC4RFFDLIIHFOCM32HPQ5C6F4VJ2";

/// One API key.
#[derive(Clone)]
pub struct ApiKey {
    /// Token ID (the middle part).
    pub id: String,
    secret: String,
    /// Label shown at start.
    pub name: String,
    /// Expiry, if any.
    pub expires: Option<Nanos>,
    /// Entity (`application:soil-sensors`, `*`) → rights.
    pub rights: Vec<(String, Vec<String>)>,
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("id", &self.id)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Why a keys file could not be used.
#[derive(Debug)]
pub enum KeysError {
    /// The file could not be read.
    Io(std::io::Error),
    /// The file is not valid TOML/JSON of the documented shape.
    Syntax(String),
    /// A key is not of the form `NNSXS.<id>.<secret>` or its `expires` is not RFC 3339.
    BadKey { index: usize, reason: String },
}

impl fmt::Display for KeysError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "cannot read keys file: {e}"),
            Self::Syntax(e) => write!(f, "keys file is not valid: {e}"),
            Self::BadKey { index, reason } => {
                write!(f, "key #{} in keys file: {reason}", index + 1)
            }
        }
    }
}

impl std::error::Error for KeysError {}

#[derive(Deserialize)]
struct KeysFile {
    keys: Vec<KeyEntry>,
}

#[derive(Deserialize)]
struct KeyEntry {
    key: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    expires: Option<String>,
    #[serde(default)]
    rights: HashMap<String, Vec<String>>,
}

/// The set of known API keys.
#[derive(Debug, Clone, Default)]
pub struct KeyStore {
    keys: HashMap<String, ApiKey>,
    order: Vec<String>,
}

/// `<type>.<id>.<secret>` split in three (`pkg/auth` `SplitToken`), `None` when malformed.
pub fn split_key(token: &str) -> Option<(&str, &str, &str)> {
    let mut parts = token.splitn(3, '.');
    let t = parts.next()?;
    let id = parts.next()?;
    let secret = parts.next()?;
    (!t.is_empty() && !id.is_empty() && !secret.is_empty() && !secret.contains('.'))
        .then_some((t, id, secret))
}

impl KeyStore {
    /// Adds a key.
    pub fn insert(
        &mut self,
        token: &str,
        name: &str,
        expires: Option<Nanos>,
        rights: Vec<(String, Vec<String>)>,
    ) -> bool {
        let Some(("NNSXS", id, secret)) = split_key(token) else {
            return false;
        };
        if !self.keys.contains_key(id) {
            self.order.push(id.to_string());
        }
        self.keys.insert(
            id.to_string(),
            ApiKey {
                id: id.into(),
                secret: secret.into(),
                name: name.into(),
                expires,
                rights,
            },
        );
        true
    }

    /// The default key set for `fleet` (demo, limited, info-only, expired).
    pub fn demo(fleet: &Fleet) -> Self {
        let mut s = Self::default();
        let mut all = Vec::new();
        for a in &fleet.applications {
            all.push((
                format!("application:{}", a.application_id),
                vec!["RIGHT_ALL".to_string()],
            ));
        }
        for g in &fleet.gateways {
            all.push((
                format!("gateway:{}", g.gateway_id),
                vec!["RIGHT_ALL".to_string()],
            ));
        }
        all.push((format!("user:{}", fleet.user_id), vec!["RIGHT_ALL".into()]));
        all.push((
            format!("organization:{}", fleet.organization_id),
            vec!["RIGHT_ALL".into()],
        ));
        all.push((
            format!("client:{}", fleet.client_id),
            vec!["RIGHT_ALL".into()],
        ));
        s.insert(
            DEMO_API_KEY,
            "demo (all rights on every fleet entity)",
            None,
            all,
        );
        let mut limited = Vec::new();
        if let Some(a) = fleet.applications.first() {
            limited.push((
                format!("application:{}", a.application_id),
                vec!["RIGHT_APPLICATION_ALL".to_string()],
            ));
        }
        for g in &fleet.gateways {
            limited.push((
                format!("gateway:{}", g.gateway_id),
                vec!["RIGHT_GATEWAY_ALL".to_string()],
            ));
        }
        s.insert(
            LIMITED_API_KEY,
            "limited (first application + gateways)",
            None,
            limited,
        );
        let info = fleet
            .applications
            .first()
            .map(|a| {
                vec![(
                    format!("application:{}", a.application_id),
                    vec!["RIGHT_APPLICATION_INFO".to_string()],
                )]
            })
            .unwrap_or_default();
        s.insert(
            INFO_ONLY_API_KEY,
            "info-only (RIGHT_APPLICATION_INFO on the first application)",
            None,
            info,
        );
        let expired = fleet
            .applications
            .first()
            .map(|a| {
                vec![(
                    format!("application:{}", a.application_id),
                    vec!["RIGHT_ALL".to_string()],
                )]
            })
            .unwrap_or_default();
        s.insert(
            EXPIRED_API_KEY,
            "expired",
            parse_rfc3339("2024-01-01T00:00:00Z"),
            expired,
        );
        s
    }

    /// Parses a keys file; TOML when `path` ends in `.toml`, JSON otherwise.
    ///
    /// # Errors
    /// `KeysError` when the file cannot be read or a key is malformed.
    pub fn load(path: &std::path::Path) -> Result<Self, KeysError> {
        let text = std::fs::read_to_string(path).map_err(KeysError::Io)?;
        let is_toml = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        Self::parse(&text, is_toml)
    }

    /// Parses keys-file text.
    ///
    /// # Errors
    /// `KeysError::Syntax` or `KeysError::BadKey`.
    pub fn parse(text: &str, is_toml: bool) -> Result<Self, KeysError> {
        let file: KeysFile = if is_toml {
            toml::from_str(text).map_err(|e| KeysError::Syntax(e.to_string()))?
        } else {
            serde_json::from_str(text).map_err(|e| KeysError::Syntax(e.to_string()))?
        };
        let mut s = Self::default();
        for (index, k) in file.keys.into_iter().enumerate() {
            let expires = match &k.expires {
                None => None,
                Some(e) => Some(parse_rfc3339(e).ok_or_else(|| KeysError::BadKey {
                    index,
                    reason: format!("`expires` is not an RFC 3339 timestamp: {e}"),
                })?),
            };
            let mut rights: Vec<(String, Vec<String>)> = k.rights.into_iter().collect();
            rights.sort();
            let name = k.name.unwrap_or_else(|| format!("key #{}", index + 1));
            if !s.insert(&k.key, &name, expires, rights) {
                return Err(KeysError::BadKey {
                    index,
                    reason: "`key` must look like NNSXS.<id>.<secret>".into(),
                });
            }
        }
        Ok(s)
    }

    /// The key with token ID `id`.
    pub fn get(&self, id: &str) -> Option<&ApiKey> {
        self.keys.get(id)
    }

    /// Keys in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &ApiKey> {
        self.order.iter().filter_map(|id| self.keys.get(id))
    }

    /// Authenticates an `Authorization` header value (API.md §4.3 auth rows).
    ///
    /// # Errors
    /// The TTS error for a wrong scheme, malformed token, unknown key, wrong secret or expiry.
    pub fn authenticate(&self, header: Option<&str>, now: Nanos) -> Result<Caller, TtsError> {
        let Some(h) = header else {
            return Ok(Caller::anonymous());
        };
        let (scheme, token) = h.split_once(' ').unwrap_or((h, ""));
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(TtsError::unsupported_authorization());
        }
        let Some((kind, id, secret)) = split_key(token.trim()) else {
            return Err(TtsError::invalid_token());
        };
        match kind {
            "NNSXS" => {}
            "MFRWG" | "ONZW4" => return Err(TtsError::token_not_found()),
            _ => return Err(TtsError::invalid_token()),
        }
        let Some(key) = self.keys.get(id) else {
            return Err(TtsError::api_key_not_found(id));
        };
        if key.secret != secret {
            return Err(TtsError::invalid_authorization());
        }
        if key.expires.is_some_and(|e| e <= now) {
            return Err(TtsError::api_key_expired());
        }
        Ok(Caller::with_rights(key.id.clone(), key.rights.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_keys_have_tts_shape() {
        for k in [
            DEMO_API_KEY,
            LIMITED_API_KEY,
            INFO_ONLY_API_KEY,
            EXPIRED_API_KEY,
        ] {
            let parts: Vec<&str> = k.split('.').collect();
            assert_eq!(parts.len(), 3);
            assert_eq!(parts[0], "NNSXS");
            assert_eq!(parts[1].len(), 39);
            assert_eq!(parts[2].len(), 52);
            assert!(parts[1..].iter().all(|p| p
                .bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))));
        }
    }

    #[test]
    fn auth_errors() {
        let s = KeyStore::demo(&Fleet::demo(1));
        let name = |h: &str| {
            s.authenticate(Some(h), crate::clock::now())
                .err()
                .map(|e| e.name)
        };
        assert_eq!(
            name("Basic abc").as_deref(),
            Some("unsupported_authorization")
        );
        assert_eq!(name("Bearer not-a-token").as_deref(), Some("token"));
        assert_eq!(
            name(&format!("Bearer {EXPIRED_API_KEY}")).as_deref(),
            Some("api_key_expired")
        );
        assert!(s
            .authenticate(Some(&format!("Bearer {DEMO_API_KEY}")), 0)
            .is_ok());
    }

    #[test]
    fn example_keys_file_loads() {
        let text = include_str!("../keys.example.toml");
        let s = KeyStore::parse(text, true);
        assert!(
            s.as_ref().is_ok_and(|s| s.keys().count() >= 2),
            "{:?}",
            s.err()
        );
    }
}
