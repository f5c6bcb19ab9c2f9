//! Entity identifiers (`ttn.lorawan.v3.EntityIdentifiers`, API.md §1.3–§1.4): lenient decoding of
//! the six kinds (snake_case and lowerCamelCase keys, hex or base64 EUIs), PGV-style validation
//! with the nested cause chain TTS produces, and the normalised snake_case output.
//!
//! Exists so the request parser, the event hub and the rights check agree on what an entity is.
//! It must never panic on odd JSON: every shape mismatch is a `DecodeError` or a `TtsError`.

use std::fmt;

use serde_json::{json, Map, Value};

use crate::error::TtsError;
use crate::prng::hex_upper;

/// The six entity kinds that can be streamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    /// `application_ids`
    Application,
    /// `client_ids`
    Client,
    /// `device_ids`
    Device,
    /// `gateway_ids`
    Gateway,
    /// `organization_ids`
    Organization,
    /// `user_ids`
    User,
}

impl EntityKind {
    /// The word used in rights errors and keys files (`application`, `gateway`, …).
    pub fn word(self) -> &'static str {
        match self {
            Self::Application => "application",
            Self::Client => "client",
            Self::Device => "device",
            Self::Gateway => "gateway",
            Self::Organization => "organization",
            Self::User => "user",
        }
    }

    /// The snake_case oneof key.
    pub fn key(self) -> &'static str {
        match self {
            Self::Application => "application_ids",
            Self::Client => "client_ids",
            Self::Device => "device_ids",
            Self::Gateway => "gateway_ids",
            Self::Organization => "organization_ids",
            Self::User => "user_ids",
        }
    }

    const ALL: [EntityKind; 6] = [
        Self::Application,
        Self::Client,
        Self::Device,
        Self::Gateway,
        Self::Organization,
        Self::User,
    ];

    fn camel_key(self) -> &'static str {
        match self {
            Self::Application => "applicationIds",
            Self::Client => "clientIds",
            Self::Device => "deviceIds",
            Self::Gateway => "gatewayIds",
            Self::Organization => "organizationIds",
            Self::User => "userIds",
        }
    }

    /// The ID key, snake_case and lowerCamelCase (`application_id`, `applicationId`).
    pub fn id_keys(self) -> (&'static str, &'static str) {
        match self {
            Self::Application => ("application_id", "applicationId"),
            Self::Client => ("client_id", "clientId"),
            Self::Device => ("device_id", "deviceId"),
            Self::Gateway => ("gateway_id", "gatewayId"),
            Self::Organization => ("organization_id", "organizationId"),
            Self::User => ("user_id", "userId"),
        }
    }

    /// The `name` attribute of this identifiers message's validation errors.
    pub fn validation_name(self) -> &'static str {
        match self {
            Self::Application => "ApplicationIdentifiersValidationError",
            Self::Client => "ClientIdentifiersValidationError",
            Self::Device => "EndDeviceIdentifiersValidationError",
            Self::Gateway => "GatewayIdentifiersValidationError",
            Self::Organization => "OrganizationIdentifiersValidationError",
            Self::User => "UserIdentifiersValidationError",
        }
    }
}

/// One entity, by its unique ID (device IDs are scoped by application).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityRef {
    /// Kind.
    pub kind: EntityKind,
    /// The entity ID (`device_id` for devices).
    pub id: String,
    /// For devices: the application ID.
    pub app: Option<String>,
    /// Optional hex EUIs/DevAddr as given (devices: dev_eui, join_eui, dev_addr; gateways: eui).
    pub extra: Vec<(&'static str, String)>,
}

impl EntityRef {
    /// A plain entity reference.
    pub fn new(kind: EntityKind, id: &str) -> Self {
        Self {
            kind,
            id: id.into(),
            app: None,
            extra: Vec::new(),
        }
    }

    /// A device of `app`.
    pub fn device(app: &str, id: &str) -> Self {
        Self {
            kind: EntityKind::Device,
            id: id.into(),
            app: Some(app.into()),
            extra: Vec::new(),
        }
    }

    /// Same entity (ignores EUIs)?
    pub fn same(&self, other: &Self) -> bool {
        self.kind == other.kind && self.id == other.id && self.app == other.app
    }

    /// The entity whose rights govern this one (devices → their application).
    pub fn rights_entity(&self) -> (EntityKind, &str) {
        match (self.kind, &self.app) {
            (EntityKind::Device, Some(app)) => (EntityKind::Application, app.as_str()),
            _ => (self.kind, self.id.as_str()),
        }
    }

    /// The normalised `EntityIdentifiers` JSON (snake_case).
    pub fn to_json(&self) -> Value {
        let (id_key, _) = self.kind.id_keys();
        let mut inner = Map::new();
        inner.insert(id_key.into(), json!(self.id));
        if let Some(app) = &self.app {
            inner.insert("application_ids".into(), json!({ "application_id": app }));
        }
        for (k, v) in &self.extra {
            inner.insert((*k).into(), json!(v));
        }
        let mut outer = Map::new();
        outer.insert(self.kind.key().into(), Value::Object(inner));
        Value::Object(outer)
    }
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.app {
            Some(app) => write!(f, "device:{app}/{}", self.id),
            None => write!(f, "{}:{}", self.kind.word(), self.id),
        }
    }
}

/// A JSON shape the decoder cannot accept (reported as a plain code-3 status, like grpc-gateway).
#[derive(Debug, Clone, PartialEq)]
pub struct DecodeError(pub String);

fn get<'a>(m: &'a Map<String, Value>, snake: &str, camel: &str) -> Option<&'a Value> {
    m.get(snake)
        .or_else(|| m.get(camel))
        .filter(|v| !v.is_null())
}

fn get_str(m: &Map<String, Value>, snake: &str, camel: &str) -> Result<String, DecodeError> {
    match get(m, snake, camel) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(DecodeError(format!(
            "invalid value for string field {snake}"
        ))),
    }
}

/// Decodes hex (any case) or base64 (std/URL, padding optional) of exactly `n` bytes.
pub fn decode_bytes(s: &str, n: usize) -> Option<Vec<u8>> {
    if s.len() == 2 * n && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return (0..n)
            .map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok())
            .collect();
    }
    let mut bits: u32 = 0;
    let mut nbits = 0;
    let mut out = Vec::new();
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    (out.len() == n).then_some(out)
}

fn get_bytes(
    m: &Map<String, Value>,
    snake: &'static str,
    camel: &str,
    n: usize,
    out: &mut Vec<(&'static str, String)>,
) -> Result<(), DecodeError> {
    let s = get_str(m, snake, camel)?;
    if s.is_empty() {
        return Ok(());
    }
    let b = decode_bytes(&s, n)
        .ok_or_else(|| DecodeError(format!("invalid length or encoding of {snake} `{s}`")))?;
    out.push((snake, hex_upper(&b)));
    Ok(())
}

/// A decoded `EntityIdentifiers` element: `None` when the oneof is unset.
pub type RawIds = Option<EntityRef>;

/// Decodes one `EntityIdentifiers` element.
///
/// # Errors
/// `DecodeError` when a field has the wrong JSON type or an EUI has the wrong length.
pub fn decode_entity(v: &Value) -> Result<RawIds, DecodeError> {
    let Value::Object(m) = v else {
        return Err(DecodeError(
            "invalid value for EntityIdentifiers: expected object".into(),
        ));
    };
    for kind in EntityKind::ALL {
        let Some(inner) = get(m, kind.key(), kind.camel_key()) else {
            continue;
        };
        let Value::Object(inner) = inner else {
            return Err(DecodeError(format!(
                "invalid value for {}: expected object",
                kind.key()
            )));
        };
        let (snake, camel) = kind.id_keys();
        let id = get_str(inner, snake, camel)?;
        let mut r = EntityRef::new(kind, &id);
        match kind {
            EntityKind::Device => {
                r.app = match get(inner, "application_ids", "applicationIds") {
                    None => None,
                    Some(Value::Object(a)) => Some(get_str(a, "application_id", "applicationId")?),
                    Some(_) => return Err(DecodeError("invalid value for application_ids".into())),
                };
                get_bytes(inner, "dev_eui", "devEui", 8, &mut r.extra)?;
                get_bytes(inner, "join_eui", "joinEui", 8, &mut r.extra)?;
                get_bytes(inner, "dev_addr", "devAddr", 4, &mut r.extra)?;
            }
            EntityKind::Gateway => get_bytes(inner, "eui", "eui", 8, &mut r.extra)?,
            _ => {}
        }
        return Ok(Some(r));
    }
    Ok(None)
}

const ID_PATTERN: &str = "^[a-z0-9](?:[-]?[a-z0-9]){2,}$";
const USER_ID_PATTERN: &str = "^[a-z0-9](?:[-]?[a-z0-9]){1,}$";

/// Checks an ID like the PGV rules: length first, then the regex. Returns the reason.
/// Why `id` is not a valid entity ID (PGV's reason), `None` when it is.
pub fn check_id(id: &str, min_alnum: usize) -> Option<String> {
    if id.chars().count() > 36 {
        return Some("value length must be at most 36 runes".into());
    }
    let b = id.as_bytes();
    let ok = !b.is_empty()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b.first() != Some(&b'-')
        && b.last() != Some(&b'-')
        && !id.contains("--")
        && b.iter().filter(|c| **c != b'-').count() > min_alnum;
    if ok {
        None
    } else {
        let pattern = if min_alnum == 1 {
            USER_ID_PATTERN
        } else {
            ID_PATTERN
        };
        Some(format!("value does not match regex pattern \"{pattern}\""))
    }
}

/// PGV's reason for a nested message that failed validation.
pub const EMBEDDED: &str = "embedded message failed validation";

/// Validates `identifiers[index]` and returns the nested validation error TTS would produce.
pub fn validate(index: usize, ids: &RawIds) -> Result<(), TtsError> {
    let outer = |kind_key: &str, cause: TtsError| {
        TtsError::validation(
            &format!("identifiers[{index}]"),
            "StreamEventsRequestValidationError",
            EMBEDDED,
        )
        .with_cause(
            TtsError::validation(kind_key, "EntityIdentifiersValidationError", EMBEDDED)
                .with_cause(cause),
        )
    };
    let Some(r) = ids else {
        return Err(TtsError::validation(
            &format!("identifiers[{index}]"),
            "StreamEventsRequestValidationError",
            EMBEDDED,
        )
        .with_cause(TtsError::validation(
            "ids",
            "EntityIdentifiersValidationError",
            "value is required",
        )));
    };
    let (id_key, _) = r.kind.id_keys();
    let min = if r.kind == EntityKind::User { 1 } else { 2 };
    if let Some(reason) = check_id(&r.id, min) {
        return Err(outer(
            r.kind.key(),
            TtsError::validation(id_key, r.kind.validation_name(), &reason),
        ));
    }
    if r.kind == EntityKind::Device {
        match &r.app {
            None => {
                return Err(outer(
                    r.kind.key(),
                    TtsError::validation(
                        "application_ids",
                        r.kind.validation_name(),
                        "value is required",
                    ),
                ))
            }
            Some(app) => {
                if let Some(reason) = check_id(app, 2) {
                    return Err(outer(
                        r.kind.key(),
                        TtsError::validation("application_ids", r.kind.validation_name(), EMBEDDED)
                            .with_cause(TtsError::validation(
                                "application_id",
                                EntityKind::Application.validation_name(),
                                &reason,
                            )),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Reads the identifiers of an event (output form, snake_case) leniently; undecodable entries are skipped.
pub fn event_identifiers(event: &Value) -> Vec<EntityRef> {
    event
        .get("identifiers")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| decode_entity(v).ok().flatten())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_both_casings_and_base64() {
        let v = json!({"deviceIds": {"deviceId": "soil-node-01", "applicationIds": {"applicationId": "soil-sensors"}, "devEui": "cLPVftAGGis="}});
        let r = decode_entity(&v).ok().flatten();
        let r = r.unwrap_or_else(|| EntityRef::new(EntityKind::User, "x"));
        assert_eq!(r.to_string(), "device:soil-sensors/soil-node-01");
        assert_eq!(r.extra, vec![("dev_eui", "70B3D57ED0061A2B".to_string())]);
        assert!(
            decode_entity(&json!({"gateway_ids": {"gateway_id": "g-1", "eui": "00"}})).is_err()
        );
    }

    #[test]
    fn validation_reasons() {
        assert_eq!(check_id("soil-sensors", 2), None);
        assert!(check_id("Soil Sensors", 2).is_some_and(|r| r.contains("regex")));
        assert!(check_id("ab", 2).is_some());
        assert_eq!(check_id("ab", 1), None);
        assert!(check_id("a--b", 2).is_some());
        assert_eq!(
            check_id(&"a".repeat(37), 2).as_deref(),
            Some("value length must be at most 36 runes")
        );
        let e = validate(
            0,
            &Some(EntityRef::new(EntityKind::Application, "Soil Sensors")),
        )
        .err();
        let e = e.map(|e| e.to_status_json()).unwrap_or_default();
        assert_eq!(
            e["details"][0]["cause"]["cause"]["attributes"]["field"],
            "application_id"
        );
    }
}
