//! `EntityIds`: the six kinds of entity an event stream can follow
//! (API.md §1.3), their JSON form, a stable grouping key, and the server's ID
//! rules (API.md §1.4).
//!
//! Why: events are grouped into lanes by entity and requests must name
//! entities exactly as the server expects. This module must never accept an
//! ID the server would reject, and never compare EUIs as anything but data
//! (they are shown, not matched: matching uses IDs only).

use std::fmt;

/// The kind of an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityKind {
    Application,
    Client,
    Device,
    Gateway,
    Organization,
    User,
}

impl EntityKind {
    /// The word used in sentences and in TTS error names (`no_application_rights`).
    pub const fn as_str(self) -> &'static str {
        match self {
            EntityKind::Application => "application",
            EntityKind::Client => "client",
            EntityKind::Device => "device",
            EntityKind::Gateway => "gateway",
            EntityKind::Organization => "organization",
            EntityKind::User => "user",
        }
    }

    /// The JSON field of the ID, e.g. `gateway_id`.
    pub const fn id_field(self) -> &'static str {
        match self {
            EntityKind::Application => "application_id",
            EntityKind::Client => "client_id",
            EntityKind::Device => "device_id",
            EntityKind::Gateway => "gateway_id",
            EntityKind::Organization => "organization_id",
            EntityKind::User => "user_id",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entity identifier, as in a request or an event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EntityIds {
    Application {
        application_id: String,
    },
    Client {
        client_id: String,
    },
    Device {
        application_id: String,
        device_id: String,
        /// Upper-case hex, when the server knows it.
        dev_eui: Option<String>,
        join_eui: Option<String>,
        dev_addr: Option<String>,
    },
    Gateway {
        gateway_id: String,
        /// Upper-case hex, when the server knows it.
        eui: Option<String>,
    },
    Organization {
        organization_id: String,
    },
    User {
        user_id: String,
    },
}

impl EntityIds {
    /// An application.
    pub fn application(id: impl Into<String>) -> Self {
        EntityIds::Application {
            application_id: id.into(),
        }
    }

    /// A device of an application, without EUIs.
    pub fn device(application_id: impl Into<String>, device_id: impl Into<String>) -> Self {
        EntityIds::Device {
            application_id: application_id.into(),
            device_id: device_id.into(),
            dev_eui: None,
            join_eui: None,
            dev_addr: None,
        }
    }

    /// A gateway, without EUI.
    pub fn gateway(id: impl Into<String>) -> Self {
        EntityIds::Gateway {
            gateway_id: id.into(),
            eui: None,
        }
    }

    /// An entity of a kind that has a single ID (every kind but `Device`).
    pub fn single(kind: EntityKind, id: impl Into<String>) -> Option<Self> {
        let id = id.into();
        Some(match kind {
            EntityKind::Application => EntityIds::Application { application_id: id },
            EntityKind::Client => EntityIds::Client { client_id: id },
            EntityKind::Gateway => EntityIds::Gateway {
                gateway_id: id,
                eui: None,
            },
            EntityKind::Organization => EntityIds::Organization {
                organization_id: id,
            },
            EntityKind::User => EntityIds::User { user_id: id },
            EntityKind::Device => return None,
        })
    }

    pub fn kind(&self) -> EntityKind {
        match self {
            EntityIds::Application { .. } => EntityKind::Application,
            EntityIds::Client { .. } => EntityKind::Client,
            EntityIds::Device { .. } => EntityKind::Device,
            EntityIds::Gateway { .. } => EntityKind::Gateway,
            EntityIds::Organization { .. } => EntityKind::Organization,
            EntityIds::User { .. } => EntityKind::User,
        }
    }

    /// The entity's own ID (for a device, the device ID).
    pub fn id(&self) -> &str {
        match self {
            EntityIds::Application { application_id: id }
            | EntityIds::Client { client_id: id }
            | EntityIds::Device { device_id: id, .. }
            | EntityIds::Gateway { gateway_id: id, .. }
            | EntityIds::Organization {
                organization_id: id,
            }
            | EntityIds::User { user_id: id } => id,
        }
    }

    /// The application an entity belongs to (itself for an application).
    pub fn application_id(&self) -> Option<&str> {
        match self {
            EntityIds::Application { application_id }
            | EntityIds::Device { application_id, .. } => Some(application_id),
            _ => None,
        }
    }

    /// A stable key for grouping, in the quick-paste syntax it parses from:
    /// `app`, `app/device`, `gw:gateway`, `org:x`, `user:x`, `client:x`.
    /// EUIs never change the key.
    pub fn key(&self) -> String {
        match self {
            EntityIds::Application { application_id } => application_id.clone(),
            EntityIds::Device {
                application_id,
                device_id,
                ..
            } => format!("{application_id}/{device_id}"),
            EntityIds::Gateway { gateway_id, .. } => format!("gw:{gateway_id}"),
            EntityIds::Organization { organization_id } => format!("org:{organization_id}"),
            EntityIds::User { user_id } => format!("user:{user_id}"),
            EntityIds::Client { client_id } => format!("client:{client_id}"),
        }
    }

    /// The DevEUI of a device, or the EUI of a gateway, when known.
    pub fn eui(&self) -> Option<&str> {
        match self {
            EntityIds::Device { dev_eui, .. } => dev_eui.as_deref(),
            EntityIds::Gateway { eui, .. } => eui.as_deref(),
            _ => None,
        }
    }

    /// The JoinEUI of a device, when known.
    pub fn join_eui(&self) -> Option<&str> {
        match self {
            EntityIds::Device { join_eui, .. } => join_eui.as_deref(),
            _ => None,
        }
    }

    /// The DevAddr of a device, when known.
    pub fn dev_addr(&self) -> Option<&str> {
        match self {
            EntityIds::Device { dev_addr, .. } => dev_addr.as_deref(),
            _ => None,
        }
    }

    /// This entity with its IDs only (EUIs and DevAddr dropped), as a request sends it.
    pub fn ids_only(&self) -> Self {
        match self {
            EntityIds::Device {
                application_id,
                device_id,
                ..
            } => EntityIds::device(application_id.clone(), device_id.clone()),
            EntityIds::Gateway { gateway_id, .. } => EntityIds::gateway(gateway_id.clone()),
            other => other.clone(),
        }
    }
}

/// For people: `application soil-sensors`, `device soil-node-01 of soil-sensors`, `gateway rooftop-gw-01`.
impl fmt::Display for EntityIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntityIds::Device {
                application_id,
                device_id,
                ..
            } => write!(f, "device {device_id} of {application_id}"),
            other => write!(f, "{} {}", other.kind(), other.id()),
        }
    }
}

/// Why an ID would fail the server's validation (API.md §1.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdError {
    Empty,
    TooLong { runes: usize },
    Pattern { min: usize },
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdError::Empty => f.write_str("is empty"),
            IdError::TooLong { runes } => write!(f, "is {runes} characters long; at most 36 are allowed"),
            IdError::Pattern { min } => write!(
                f,
                "must be at least {min} lowercase letters or digits, with single hyphens only between them (like `soil-sensors`)"
            ),
        }
    }
}

impl std::error::Error for IdError {}

/// Checks an ID of `kind` against the server's rules: at most 36 runes (checked
/// first), then `^[a-z0-9](?:[-]?[a-z0-9]){2,}$` (`{1,}` for users).
///
/// # Errors
///
/// [`IdError`] saying which rule the ID breaks.
pub fn validate_id(kind: EntityKind, id: &str) -> Result<(), IdError> {
    if id.is_empty() {
        return Err(IdError::Empty);
    }
    let runes = id.chars().count();
    if runes > 36 {
        return Err(IdError::TooLong { runes });
    }
    let min = if kind == EntityKind::User { 2 } else { 3 };
    let bytes = id.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let shape_ok = bytes.first().is_some_and(alnum)
        && bytes.last().is_some_and(alnum)
        && bytes.iter().all(|b| alnum(b) || *b == b'-')
        && !id.contains("--");
    if !shape_ok || bytes.iter().filter(|b| alnum(b)).count() < min {
        return Err(IdError::Pattern { min });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_server_rules() {
        for ok in [
            "abc",
            "soil-sensors",
            "a1-b2-c3",
            "000",
            "a-bc",
            &"a".repeat(36),
        ] {
            assert_eq!(validate_id(EntityKind::Application, ok), Ok(()), "{ok}");
        }
        for bad in [
            "ab",
            "a-b",
            "-abc",
            "abc-",
            "a--bc",
            "Soil",
            "soil sensors",
            "soil_sensors",
            "ünï",
        ] {
            assert!(validate_id(EntityKind::Gateway, bad).is_err(), "{bad}");
        }
        assert_eq!(validate_id(EntityKind::User, "al"), Ok(()));
        assert_eq!(
            validate_id(EntityKind::Device, &"a".repeat(37)),
            Err(IdError::TooLong { runes: 37 })
        );
        assert_eq!(validate_id(EntityKind::Client, ""), Err(IdError::Empty));
    }

    #[test]
    fn json_round_trips_and_accepts_lower_camel() {
        let json = r#"{"device_ids":{"device_id":"soil-node-01","application_ids":{"application_id":"soil-sensors"},"dev_eui":"70B3D57ED0061A2B","join_eui":"0000000000000000","dev_addr":"260B1C4F"}}"#;
        let ids: EntityIds = serde_json::from_str(json).expect("parses");
        assert_eq!(ids.key(), "soil-sensors/soil-node-01");
        assert_eq!(ids.eui(), Some("70B3D57ED0061A2B"));
        assert_eq!(ids.dev_addr(), Some("260B1C4F"));
        assert_eq!(ids.to_string(), "device soil-node-01 of soil-sensors");
        assert_eq!(serde_json::to_string(&ids).expect("serialises"), json);
        let camel: EntityIds = serde_json::from_str(
            r#"{"gatewayIds":{"gatewayId":"rooftop-gw-01","eui":"AC1F09FFFE0512A7"}}"#,
        )
        .expect("parses");
        assert_eq!(camel.key(), "gw:rooftop-gw-01");
        assert_eq!(
            serde_json::to_string(&camel.ids_only()).expect("ok"),
            r#"{"gateway_ids":{"gateway_id":"rooftop-gw-01"}}"#
        );
        assert!(serde_json::from_str::<EntityIds>("{}").is_err());
    }

    #[test]
    fn keys_are_distinct_per_kind() {
        let keys: Vec<String> = [
            EntityIds::application("abc"),
            EntityIds::gateway("abc"),
            EntityIds::single(EntityKind::Organization, "abc").expect("single"),
            EntityIds::single(EntityKind::User, "abc").expect("single"),
            EntityIds::single(EntityKind::Client, "abc").expect("single"),
            EntityIds::device("abc", "abc"),
        ]
        .iter()
        .map(EntityIds::key)
        .collect();
        assert_eq!(
            keys,
            [
                "abc",
                "gw:abc",
                "org:abc",
                "user:abc",
                "client:abc",
                "abc/abc"
            ]
        );
    }
}
