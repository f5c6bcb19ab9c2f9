//! Requests of the ApplicationAccess / GatewayAccess API-key calls (API.md §11): lenient JSON
//! decoding like TTS's (snake_case or lowerCamelCase keys, unknown keys ignored, one JSON value
//! read, rights by full name, short name or number), then the PGV validation TTS runs before
//! any rights check, and the store errors of those calls.
//!
//! Exists to keep `api_keys.rs` about rights and answers. It must never panic on input, and
//! never sees a key secret (requests carry none).

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::clock::{now, parse_rfc3339, Nanos};
use crate::error::TtsError;
use crate::ids::{check_id, EntityKind, EMBEDDED};
use crate::rights::RIGHTS;

/// The request message's name: `CreateApplicationAPIKeyRequest`, `ListGatewayAPIKeysRequest`, …
pub fn message(kind: EntityKind, verb: &str) -> String {
    let k = if kind == EntityKind::Gateway {
        "Gateway"
    } else {
        "Application"
    };
    let s = if verb == "List" { "s" } else { "" };
    format!("{verb}{k}APIKey{s}Request")
}

/// PGV's error for `field` of `message`.
fn invalid(message: &str, field: &str, reason: &str) -> TtsError {
    TtsError::validation(field, &format!("{message}ValidationError"), reason)
}

/// Validates the entity ID taken from the path (`application_ids.application_id`).
///
/// # Errors
/// `pkg/errors:validation` for `<kind>_ids` caused by the ID's own error.
pub fn check_path_id(kind: EntityKind, id: &str, message: &str) -> Result<(), TtsError> {
    match check_id(id, 2) {
        None => Ok(()),
        Some(reason) => Err(invalid(message, kind.key(), EMBEDDED).with_cause(
            TtsError::validation(kind.id_keys().0, kind.validation_name(), &reason),
        )),
    }
}

/// The fields of an `APIKey` (or a create request) as sent; `None` = absent.
#[derive(Debug, Default, Clone)]
pub struct KeyFields {
    /// `id` (update bodies only).
    pub id: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `rights`, as numbers (validated later).
    pub rights: Option<Vec<i64>>,
    /// `expires_at`.
    pub expires_at: Option<Nanos>,
}

fn plain(msg: impl Into<String>) -> TtsError {
    TtsError::plain(3, msg)
}

/// The body's one JSON object; an empty body is `{}`.
fn object(body: &[u8], message: &str) -> Result<Map<String, Value>, TtsError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let mut it = serde_json::Deserializer::from_slice(body).into_iter::<Value>();
    match it.next() {
        Some(Ok(Value::Object(m))) => Ok(m),
        Some(Ok(Value::Null)) | None => Ok(Map::new()),
        Some(Ok(_)) => Err(plain(format!(
            "invalid value for {message}: expected object"
        ))),
        Some(Err(e)) => Err(plain(e.to_string())),
    }
}

/// The value of `snake` or its lowerCamelCase spelling `camel`, `null` counting as absent.
fn field<'a>(m: &'a Map<String, Value>, snake: &str, camel: &str) -> Option<&'a Value> {
    m.get(snake)
        .or_else(|| m.get(camel))
        .filter(|v| !v.is_null())
}

/// One `Right` (`jsonplugin` `ReadEnum`): a number, a name, a name without `RIGHT_`, or a
/// number in a string.
fn right_number(v: &Value) -> Result<i64, TtsError> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| plain(format!("could not read Right enum: invalid number {n}"))),
        Value::String(s) => RIGHTS
            .iter()
            .find(|(name, _)| name == s || name.strip_prefix("RIGHT_") == Some(s.as_str()))
            .map(|(_, n)| *n)
            .or_else(|| s.parse::<i32>().ok().map(i64::from))
            .ok_or_else(|| {
                plain(format!(
                    "could not read Right enum: unknown value for enum: {s:?}"
                ))
            }),
        _ => Err(plain(
            "could not read Right enum: invalid value type for enum",
        )),
    }
}

/// Decodes the fields of an `APIKey` / create request from `m`.
fn key_fields(m: &Map<String, Value>) -> Result<KeyFields, TtsError> {
    let string = |snake: &str, camel: &str| -> Result<Option<String>, TtsError> {
        match field(m, snake, camel) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(plain(format!("invalid value for string field {snake}"))),
        }
    };
    let rights = match field(m, "rights", "rights") {
        None => None,
        Some(Value::Array(a)) => Some(a.iter().map(right_number).collect::<Result<_, _>>()?),
        Some(_) => return Err(plain("invalid value for repeated enum field rights")),
    };
    let expires_at = match string("expires_at", "expiresAt")? {
        None => None,
        // `jsonplugin` `ReadTime`: UTC with a `Z`, no offset.
        Some(s) => Some(
            s.ends_with('Z')
                .then(|| parse_rfc3339(&s))
                .flatten()
                .ok_or_else(|| plain(format!("invalid time: parsing time {s:?}")))?,
        ),
    };
    Ok(KeyFields {
        id: string("id", "id")?,
        name: string("name", "name")?,
        rights,
        expires_at,
    })
}

/// Decodes a create body (`CreateApplicationAPIKeyRequest`: `name`, `rights`, `expires_at`;
/// the `<kind>_ids` in it are read and overridden by the path, like grpc-gateway does).
///
/// # Errors
/// A plain code-3 status when the body is not JSON or a field has the wrong type.
pub fn decode_create(body: &[u8], message: &str) -> Result<KeyFields, TtsError> {
    let m = object(body, message)?;
    let mut k = key_fields(&m)?;
    k.id = None;
    Ok(k)
}

/// Decodes an update body (`{"api_key":{…},"field_mask":{"paths":[…]}}`); the field mask
/// also as a comma-separated string. No mask means `rights` and `name` (TTS's default).
///
/// # Errors
/// As [`decode_create`].
pub fn decode_update(
    body: &[u8],
    message: &str,
) -> Result<(Option<KeyFields>, Vec<String>), TtsError> {
    let m = object(body, message)?;
    let key = match field(&m, "api_key", "apiKey") {
        None => None,
        Some(Value::Object(k)) => Some(key_fields(k)?),
        Some(_) => return Err(plain("invalid value for api_key: expected object")),
    };
    let paths: Vec<String> = match field(&m, "field_mask", "fieldMask") {
        None => Vec::new(),
        Some(Value::String(s)) => s.split(',').filter(|p| !p.is_empty()).map(snake).collect(),
        Some(Value::Object(f)) => match f.get("paths") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).map(snake).collect(),
            Some(_) => return Err(plain("invalid value for field_mask.paths")),
        },
        Some(_) => return Err(plain("invalid value for field_mask")),
    };
    let paths = if paths.is_empty() {
        vec!["rights".to_string(), "name".to_string()]
    } else {
        paths
    };
    Ok((key, paths))
}

/// `expiresAt` → `expires_at`.
fn snake(p: &str) -> String {
    let mut out = String::new();
    for c in p.trim().chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// PGV's rules for `name`, `rights` (`min_items` when `required`, unique, defined) and
/// `expires_at` (`gt_now`), as the canonical right names.
///
/// # Errors
/// `pkg/errors:validation` for the first failing field of `message`.
pub fn validate_fields(
    k: &KeyFields,
    message: &str,
    required: bool,
) -> Result<Vec<String>, TtsError> {
    if k.name.as_ref().is_some_and(|n| n.chars().count() > 50) {
        return Err(invalid(
            message,
            "name",
            "value length must be at most 50 runes",
        ));
    }
    let numbers = k.rights.clone().unwrap_or_default();
    if required && numbers.is_empty() {
        return Err(invalid(
            message,
            "rights",
            "value must contain at least 1 item(s)",
        ));
    }
    let mut names = Vec::new();
    for (i, n) in numbers.iter().enumerate() {
        let field = format!("rights[{i}]");
        if numbers[..i].contains(n) && required {
            return Err(invalid(
                message,
                &field,
                "repeated value must contain unique items",
            ));
        }
        let Some((name, _)) = RIGHTS.iter().find(|(_, v)| v == n) else {
            return Err(invalid(
                message,
                &field,
                "value must be one of the defined enum values",
            ));
        };
        names.push((*name).to_string());
    }
    if k.expires_at.is_some_and(|t| t <= now()) {
        return Err(invalid(
            message,
            "expires_at",
            "value must be greater than now",
        ));
    }
    Ok(names)
}

/// `ListApplicationAPIKeysRequest`'s query: `limit` (≤ 1000; 0 = the default 100), `page`
/// (0 = 1), `order` (`api_key_id`, `name`, `created_at`, `expires_at`, `-` for descending).
#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    /// Page size.
    pub limit: usize,
    /// 1-based page.
    pub page: usize,
    /// Sort field and whether descending.
    pub order: (String, bool),
}

const ORDERS: [&str; 9] = [
    "",
    "api_key_id",
    "-api_key_id",
    "name",
    "-name",
    "created_at",
    "-created_at",
    "expires_at",
    "-expires_at",
];

/// Parses and validates the list query.
///
/// # Errors
/// A plain code-3 status for a non-number, `pkg/errors:validation` for `limit` or `order`.
pub fn list_query(q: &HashMap<String, String>, message: &str) -> Result<ListQuery, TtsError> {
    let number = |name: &str| -> Result<usize, TtsError> {
        match q.get(name).map(String::as_str) {
            None | Some("") => Ok(0),
            Some(v) => v.parse::<u32>().map(|n| n as usize).map_err(|_| {
                plain(format!(
                    "parsing field {name:?}: strconv.ParseUint: parsing {v:?}: invalid syntax"
                ))
            }),
        }
    };
    let limit = number("limit")?;
    let page = number("page")?;
    let order = q.get("order").cloned().unwrap_or_default();
    if !ORDERS.contains(&order.as_str()) {
        return Err(invalid(
            message,
            "order",
            "value must be in list [ api_key_id -api_key_id name -name created_at -created_at expires_at -expires_at]",
        ));
    }
    if limit > 1000 {
        return Err(invalid(
            message,
            "limit",
            "value must be less than or equal to 1000",
        ));
    }
    let desc = order.starts_with('-');
    Ok(ListQuery {
        limit: if limit == 0 { 100 } else { limit },
        page: page.max(1),
        order: (order.trim_start_matches('-').to_string(), desc),
    })
}

/// `pkg/identityserver/store:api_key_not_found` (code 5, 404) for key `id` of an entity.
pub fn key_not_found(kind: EntityKind, entity_id: &str, id: &str) -> TtsError {
    TtsError::new(
        5,
        "pkg/identityserver/store",
        "api_key_not_found",
        "api key with id `{api_key_id}` not found",
    )
    .attr("api_key_id", id)
    .attr("entity_id", entity_id)
    .attr("entity_type", kind.word())
}

/// `pkg/identityserver/store:<kind>_not_found` (code 5, 404): what TTS answers an admin asking
/// about an entity that does not exist (others get `no_<kind>_rights`).
pub fn entity_not_found(kind: EntityKind, id: &str) -> TtsError {
    let word = kind.word();
    TtsError::new(
        5,
        "pkg/identityserver/store",
        &format!("{word}_not_found"),
        &format!("{word} with id `{{{word}_id}}` not found"),
    )
    .attr(&format!("{word}_id"), id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rights_by_name_short_name_or_number() {
        let m = serde_json::json!({"rights": ["RIGHT_APPLICATION_INFO", "APPLICATION_TRAFFIC_READ", 17, "55"]});
        let Value::Object(m) = m else { return };
        let k = key_fields(&m).ok().and_then(|k| k.rights);
        assert_eq!(k, Some(vec![15, 24, 17, 55]));
        let bad = serde_json::json!({"rights": ["RIGHT_NOPE"]});
        let Value::Object(bad) = bad else { return };
        assert!(key_fields(&bad).is_err_and(|e| e.code == 3 && e.plain_message.is_some()));
    }

    #[test]
    fn validation_names_and_rules() {
        assert_eq!(
            message(EntityKind::Gateway, "List"),
            "ListGatewayAPIKeysRequest"
        );
        let k = KeyFields {
            rights: Some(vec![15, 15]),
            ..KeyFields::default()
        };
        let e = validate_fields(&k, "CreateApplicationAPIKeyRequest", true).err();
        assert_eq!(
            e.map(|e| e.formatted()).as_deref(),
            Some("invalid `rights[1]`: repeated value must contain unique items")
        );
        assert_eq!(snake("expiresAt"), "expires_at");
    }
}
