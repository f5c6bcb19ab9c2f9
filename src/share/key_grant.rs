//! A read-only share key, created on purpose: which entity it is for (one
//! application or one gateway — a TTS API key belongs to one entity), the
//! fixed rights it gets, how long it lives, its name; the `CreateAPIKey`
//! request body (API.md §11.1), the answer read back, and the cluster's
//! refusals turned into sentences (with the `ttn-lw-cli` command that would
//! work for someone who has the right).
//!
//! Pure: the shell sends the body with the user's own key to the connected
//! cluster and hands the answer here. Nothing here may format a key's secret
//! except [`Created::key`], which is handed to the link and nowhere else.

use crate::form::ApiKey;
use crate::tts::{ApiError, EntityIds, EntityKind, Timestamp};

/// What a share key is for: one application or one gateway.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShareTarget {
    /// `Application` or `Gateway`.
    pub kind: EntityKind,
    pub id: String,
}

impl ShareTarget {
    /// The entities a share key can be made for among `connected`: each
    /// application and gateway once; a device is covered by its application.
    pub fn choices(connected: &[EntityIds]) -> Vec<ShareTarget> {
        let mut out: Vec<ShareTarget> = Vec::new();
        for ids in connected {
            let target = match ids {
                EntityIds::Gateway { .. } => ShareTarget {
                    kind: EntityKind::Gateway,
                    id: ids.id().to_owned(),
                },
                _ => match ids.application_id() {
                    Some(app) => ShareTarget {
                        kind: EntityKind::Application,
                        id: app.to_owned(),
                    },
                    None => continue,
                },
            };
            if !out.contains(&target) {
                out.push(target);
            }
        }
        out
    }

    /// `application soil-sensors`, `gateway rooftop-gw-01`.
    pub fn words(&self) -> String {
        format!("{} {}", self.kind, self.id)
    }

    /// The entity as the connect form writes it (`soil-sensors`, `gw:rooftop-gw-01`).
    pub fn entity(&self) -> String {
        match self.kind {
            EntityKind::Gateway => format!("gw:{}", self.id),
            _ => self.id.clone(),
        }
    }

    /// Reads [`ShareTarget::entity`] back (an application or a gateway only).
    pub fn from_entity(entity: &str) -> Option<ShareTarget> {
        match crate::tts::parse_entity(entity).ok()? {
            EntityIds::Application { application_id } => Some(ShareTarget {
                kind: EntityKind::Application,
                id: application_id,
            }),
            EntityIds::Gateway { gateway_id, .. } => Some(ShareTarget {
                kind: EntityKind::Gateway,
                id: gateway_id,
            }),
            _ => None,
        }
    }

    /// The rights every share key gets: reading, nothing else.
    pub fn rights(&self) -> [&'static str; 3] {
        match self.kind {
            EntityKind::Gateway => [
                "RIGHT_GATEWAY_INFO",
                "RIGHT_GATEWAY_TRAFFIC_READ",
                "RIGHT_GATEWAY_STATUS_READ",
            ],
            _ => [
                "RIGHT_APPLICATION_INFO",
                "RIGHT_APPLICATION_TRAFFIC_READ",
                "RIGHT_APPLICATION_DEVICES_READ",
            ],
        }
    }

    /// The rights in words, for the dialog.
    pub fn rights_words(&self) -> &'static str {
        match self.kind {
            EntityKind::Gateway => "see the gateway's traffic, its status and its information",
            _ => "see the application's traffic and read its information and its devices'",
        }
    }

    /// The right the user's key needs to create keys for this entity.
    pub fn settings_right(&self) -> &'static str {
        match self.kind {
            EntityKind::Gateway => "RIGHT_GATEWAY_SETTINGS_API_KEYS",
            _ => "RIGHT_APPLICATION_SETTINGS_API_KEYS",
        }
    }

    /// `applications/soil-sensors` (under `/api/v3/`).
    fn path(&self) -> String {
        let plural = match self.kind {
            EntityKind::Gateway => "gateways",
            _ => "applications",
        };
        format!("{plural}/{}", self.id)
    }

    /// Where keys of this entity are created, on the cluster at `base`
    /// (`ClusterUrl::base`).
    pub fn keys_url(&self, base: &str) -> String {
        format!(
            "{}/api/v3/{}/api-keys",
            base.trim_end_matches('/'),
            self.path()
        )
    }
}

/// How long a share key lives. There is no "never".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShareFor {
    #[default]
    Hour,
    Day,
    Week,
}

impl ShareFor {
    pub const ALL: [ShareFor; 3] = [ShareFor::Hour, ShareFor::Day, ShareFor::Week];

    pub fn label(self) -> &'static str {
        match self {
            ShareFor::Hour => "1 hour",
            ShareFor::Day => "24 hours",
            ShareFor::Week => "7 days",
        }
    }

    fn seconds(self) -> i64 {
        match self {
            ShareFor::Hour => 3600,
            ShareFor::Day => 24 * 3600,
            ShareFor::Week => 7 * 24 * 3600,
        }
    }

    /// The expiry for a key created at `now`, to the second.
    pub fn until(self, now: Timestamp) -> Timestamp {
        let secs = now.unix_millis().div_euclid(1000) + self.seconds();
        Timestamp::from_unix_millis(secs * 1000)
    }
}

/// The longest name TTS accepts (runes).
pub const MAX_NAME: usize = 50;

/// The name offered: `Eventline share 2026-11-29`.
pub fn default_name(now: Timestamp) -> String {
    let date: String = now.to_rfc3339().chars().take(10).collect();
    format!("Eventline share {date}")
}

/// A share key to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub target: ShareTarget,
    pub name: String,
    pub expires_at: Timestamp,
}

impl Grant {
    /// Checks the name (trimmed, 1–50 characters).
    ///
    /// # Errors
    /// What is wrong with the name, as a sentence.
    pub fn new(
        target: ShareTarget,
        name: &str,
        lasts: ShareFor,
        now: Timestamp,
    ) -> Result<Grant, String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("Give the key a name, e.g. who it is for.".into());
        }
        if name.chars().count() > MAX_NAME {
            return Err(format!(
                "The name is too long: The Things Stack takes at most {MAX_NAME} characters."
            ));
        }
        Ok(Grant {
            target,
            name: name.to_owned(),
            expires_at: lasts.until(now),
        })
    }

    /// The `CreateApplicationAPIKeyRequest` / `CreateGatewayAPIKeyRequest` body.
    pub fn body(&self) -> String {
        serde_json::json!({
            "name": self.name,
            "rights": self.target.rights(),
            "expires_at": self.expires_at.to_rfc3339(),
        })
        .to_string()
    }

    /// The `ttn-lw-cli` command that creates the same key, for someone whose
    /// key has the settings right.
    pub fn cli_command(&self) -> String {
        let (plural, flag) = match self.target.kind {
            EntityKind::Gateway => ("gateways", "--gateway-id"),
            _ => ("applications", "--application-id"),
        };
        let rights: Vec<String> = self
            .target
            .rights()
            .iter()
            .map(|r| format!("--{}", r.to_ascii_lowercase().replace('_', "-")))
            .collect();
        format!(
            "ttn-lw-cli {plural} api-keys create {flag} {} --name \"{}\" {} --expires-at {}",
            self.target.id,
            self.name.replace(['"', '\\', '$', '`'], ""),
            rights.join(" "),
            self.expires_at.to_rfc3339()
        )
    }
}

/// A share key the cluster created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// The key's public ID.
    pub id: String,
    /// The whole key: for the link, nowhere else.
    pub key: ApiKey,
    pub expires_at: Timestamp,
}

/// Reads the answer to a successful create (an `APIKey` with `key`).
///
/// # Errors
/// A sentence when the answer is not what TTS sends.
pub fn read_created(body: &[u8]) -> Result<Created, String> {
    let bad = || "The cluster's answer did not hold a new API key.".to_owned();
    let v: serde_json::Value = serde_json::from_slice(body).map_err(|_| bad())?;
    let text = |k: &str| v.get(k).and_then(serde_json::Value::as_str);
    let id = text("id").filter(|id| !id.is_empty()).ok_or_else(bad)?;
    let key = text("key")
        .filter(|k| super::key_link::is_key_shaped(k))
        .ok_or_else(bad)?;
    let expires_at = text("expires_at")
        .and_then(|t| Timestamp::parse(t).ok())
        .ok_or_else(bad)?;
    Ok(Created {
        id: id.to_owned(),
        key: ApiKey::from_secret(key.to_owned()),
        expires_at,
    })
}

/// Why the cluster did not create the key: a sentence, and, when the user's
/// key lacks the right to create keys, the command someone with it could run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub sentence: String,
    pub command: Option<String>,
}

/// The strings of a list attribute (`missing`).
fn list_attribute(error: &ApiError, key: &str) -> Vec<String> {
    error
        .chain()
        .iter()
        .find_map(|d| d.attributes.get(key))
        .and_then(serde_json::Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Explains a refused create (or revoke) of `grant`'s kind.
pub fn refusal(error: &ApiError, grant: &Grant) -> Refusal {
    let target = &grant.target;
    let name = error.name().unwrap_or_default();
    let kind = target.kind.as_str();
    if name == format!("insufficient_{kind}_rights") {
        let missing = list_attribute(error, "missing");
        let right = target.settings_right();
        if missing.is_empty() || missing.iter().any(|m| m == right) {
            return Refusal {
                sentence: format!(
                    "Your API key may not create keys for {}: it lacks {right}.",
                    target.words()
                ),
                command: Some(grant.cli_command()),
            };
        }
        return Refusal {
            sentence: format!(
                "Your key cannot hand out rights it does not have: {}.",
                missing.join(", ")
            ),
            command: None,
        };
    }
    if name == format!("no_{kind}_rights") {
        return Refusal {
            sentence: format!(
                "Your key has no rights on {}, or it does not exist.",
                target.words()
            ),
            command: None,
        };
    }
    Refusal {
        sentence: error.sentence(),
        command: None,
    }
}

#[cfg(test)]
#[path = "key_grant_tests.rs"]
mod tests;
