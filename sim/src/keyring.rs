//! The simulator's key ring: the configured keys (`auth.rs`, fixed at start) plus the API keys
//! created at run time through the ApplicationAccess / GatewayAccess endpoints (`api_keys.rs`).
//! A created key belongs to one application or gateway and grants its rights on that entity
//! only, like TTS's entity API keys. Deleting a key, or its expiry, ends every stream opened
//! with it ([`Keyring::ended`]).
//!
//! Exists so that authentication sees one store whatever made a key. A created key's secret is
//! drawn from the OS's random source, kept only to check tokens, and leaves this module once:
//! in the token [`Keyring::create`] returns for the create response. Nothing here logs.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io::Read;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{json, Map, Value};
use tokio::sync::watch;

use crate::auth::{split_key, KeyStore};
use crate::clock::{format_rfc3339, now, Nanos};
use crate::error::TtsError;
use crate::ids::EntityRef;
use crate::prng::Prng;
use crate::rights::Caller;

/// Random bytes of a token's ID (`pkg/auth` `idLength`): 39 base32 characters.
const ID_BYTES: usize = 24;
/// Random bytes of a token's secret (`pkg/auth` `keyLength`): 52 base32 characters.
const SECRET_BYTES: usize = 32;

/// A key created at run time, as TTS lists it: everything but the secret.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityKey {
    /// Token ID (the middle part of `NNSXS.<ID>.<SECRET>`).
    pub id: String,
    /// Friendly name (may be empty).
    pub name: String,
    /// Rights on the owning entity, canonical names, as given.
    pub rights: Vec<String>,
    /// When it was created (microsecond precision, like TTS's database).
    pub created_at: Nanos,
    /// When it was last changed.
    pub updated_at: Nanos,
    /// When it expires, if ever.
    pub expires_at: Option<Nanos>,
}

impl EntityKey {
    /// TTS's `APIKey` JSON (empty fields left out); `key` only when `token` is given, which is
    /// the create response alone.
    pub fn to_json(&self, token: Option<&str>) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        if let Some(t) = token {
            m.insert("key".into(), json!(t));
        }
        if !self.name.is_empty() {
            m.insert("name".into(), json!(self.name));
        }
        if !self.rights.is_empty() {
            m.insert("rights".into(), json!(self.rights));
        }
        m.insert("created_at".into(), json!(format_rfc3339(self.created_at)));
        m.insert("updated_at".into(), json!(format_rfc3339(self.updated_at)));
        if let Some(e) = self.expires_at {
            m.insert("expires_at".into(), json!(format_rfc3339(e)));
        }
        Value::Object(m)
    }
}

/// Truncates to microseconds (what TTS's database keeps).
pub fn micros(t: Nanos) -> Nanos {
    t - t.rem_euclid(1_000)
}

struct Created {
    owner: EntityRef,
    secret: String,
    key: EntityKey,
}

/// Every key the simulator knows: configured and created.
pub struct Keyring {
    configured: KeyStore,
    created: Mutex<Vec<Created>>,
    /// Bumped on every change of a created key (streams re-check theirs).
    changed: watch::Sender<u64>,
}

fn random_bytes(n: usize) -> Vec<u8> {
    let mut b = vec![0u8; n];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut b));
    if read.is_err() {
        // No /dev/urandom: std's per-process random hash keys seed the PRNG instead.
        b = Prng::new(RandomState::new().hash_one(now())).bytes(n);
    }
    b
}

/// RFC 4648 base32 without padding (Go's `base32.StdEncoding.WithPadding(NoPadding)`).
pub fn base32(data: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(data.len() * 8 / 5 + 1);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in data {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((acc >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((acc << (5 - bits)) & 31) as usize]));
    }
    out
}

impl Keyring {
    /// A ring holding `configured` and no created key.
    pub fn new(configured: KeyStore) -> Self {
        Self {
            configured,
            created: Mutex::new(Vec::new()),
            changed: watch::channel(0).0,
        }
    }

    /// The keys configured at start (demo keys or `--keys`).
    pub fn configured(&self) -> &KeyStore {
        &self.configured
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Created>> {
        self.created.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Authenticates an `Authorization` header against configured, then created keys.
    ///
    /// # Errors
    /// As [`KeyStore::authenticate`]; a created key can be `invalid_authorization` (wrong
    /// secret) or `api_key_expired`; a deleted one is `api_key_not_found`.
    pub fn authenticate(&self, header: Option<&str>, now: Nanos) -> Result<Caller, TtsError> {
        let not_found = match self.configured.authenticate(header, now) {
            Err(e) if e.name == "api_key_not_found" => e,
            other => return other,
        };
        let token = header
            .and_then(|h| h.split_once(' '))
            .map(|(_, t)| t.trim());
        let Some((_, id, secret)) = token.and_then(split_key) else {
            return Err(not_found);
        };
        let created = self.lock();
        let Some(c) = created.iter().find(|c| c.key.id == id) else {
            return Err(not_found);
        };
        if c.secret != secret {
            return Err(TtsError::invalid_authorization());
        }
        if c.key.expires_at.is_some_and(|e| e <= now) {
            return Err(TtsError::api_key_expired());
        }
        let entity = format!("{}:{}", c.owner.kind.word(), c.owner.id);
        Ok(Caller::with_rights(
            c.key.id.clone(),
            vec![(entity, c.key.rights.clone())],
        ))
    }

    /// Creates a key of `owner`; returns it and its full token (`NNSXS.<ID>.<SECRET>`), which
    /// only the create response may show.
    pub fn create(
        &self,
        owner: &EntityRef,
        name: String,
        rights: Vec<String>,
        expires_at: Option<Nanos>,
    ) -> (EntityKey, String) {
        let t = micros(now());
        let mut created = self.lock();
        let (id, secret) = loop {
            let b = random_bytes(ID_BYTES + SECRET_BYTES);
            let id = base32(&b[..ID_BYTES]);
            let taken =
                self.configured.get(&id).is_some() || created.iter().any(|c| c.key.id == id);
            if !taken {
                break (id, base32(&b[ID_BYTES..]));
            }
        };
        let key = EntityKey {
            id,
            name,
            rights,
            created_at: t,
            updated_at: t,
            expires_at: expires_at.map(micros),
        };
        let token = format!("NNSXS.{}.{secret}", key.id);
        created.push(Created {
            owner: owner.clone(),
            secret,
            key: key.clone(),
        });
        (key, token)
    }

    /// The keys of `owner`, oldest first.
    pub fn list(&self, owner: &EntityRef) -> Vec<EntityKey> {
        self.lock()
            .iter()
            .filter(|c| owns(owner, c))
            .map(|c| c.key.clone())
            .collect()
    }

    /// The key `id` of `owner`.
    pub fn get(&self, owner: &EntityRef, id: &str) -> Option<EntityKey> {
        self.lock()
            .iter()
            .find(|c| owns(owner, c) && c.key.id == id)
            .map(|c| c.key.clone())
    }

    /// Replaces the key `key.id` of `owner` (name, rights, expiry); `false` if there is none.
    pub fn replace(&self, owner: &EntityRef, key: EntityKey) -> bool {
        let done = match self
            .lock()
            .iter_mut()
            .find(|c| owns(owner, c) && c.key.id == key.id)
        {
            Some(c) => {
                c.key = key;
                true
            }
            None => false,
        };
        self.changed.send_modify(|n| *n += 1);
        done
    }

    /// Deletes the key `id` of `owner`; `false` if there is none. Streams opened with it end.
    pub fn delete(&self, owner: &EntityRef, id: &str) -> bool {
        let done = {
            let mut created = self.lock();
            let before = created.len();
            created.retain(|c| !(owns(owner, c) && c.key.id == id));
            created.len() != before
        };
        self.changed.send_modify(|n| *n += 1);
        done
    }

    /// Whether key `id` exists and, if so, when it expires.
    fn expiry(&self, id: &str) -> Option<Option<Nanos>> {
        if let Some(k) = self.configured.get(id) {
            return Some(k.expires);
        }
        self.lock()
            .iter()
            .find(|c| c.key.id == id)
            .map(|c| c.key.expires_at)
    }

    /// Resolves when the key `id` stops being valid, with the error a reconnect would get:
    /// `api_key_not_found` once deleted, `api_key_expired` at its expiry. Never for a key that
    /// stays.
    pub async fn ended(&self, id: &str) -> TtsError {
        let mut changes = self.changed.subscribe();
        loop {
            let Some(expires) = self.expiry(id) else {
                return TtsError::api_key_not_found(id);
            };
            let left = expires.map(|t| t - now());
            if left.is_some_and(|l| l <= 0) {
                return TtsError::api_key_expired();
            }
            let expiry = async move {
                match left {
                    Some(l) => tokio::time::sleep(Duration::from_nanos(l.unsigned_abs())).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = expiry => {}
                changed = changes.changed() => {
                    if changed.is_err() {
                        std::future::pending::<()>().await;
                    }
                }
            }
        }
    }
}

fn owns(owner: &EntityRef, c: &Created) -> bool {
    c.owner.kind == owner.kind && c.owner.id == owner.id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_like_go() {
        assert_eq!(base32(b"key"), "NNSXS");
        assert_eq!(base32(b"acc"), "MFRWG");
        assert_eq!(base32(&[0u8; 24]).len(), 39);
        assert_eq!(base32(&[0u8; 32]).len(), 52);
    }
}
