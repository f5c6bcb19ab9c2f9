//! `StreamEventsRequest` decoding (API.md §1.2–§1.4): lenient JSON like TTS's `TTNDecoder`
//! (empty body = `{}`, unknown keys ignored, one JSON value read), then validation in the order
//! of §1.6 (per-identifier validation, `no_identifiers`, `names`).
//!
//! Exists to keep the HTTP handler free of JSON shape details. It must never panic on input;
//! authentication and rights are not its business (see `auth.rs`).

use serde_json::Value;

use crate::catalog::catalog;
use crate::clock::{parse_rfc3339, Nanos};
use crate::error::TtsError;
use crate::ids::{decode_entity, validate, DecodeError, EntityRef, RawIds};

/// A decoded, not yet validated request.
#[derive(Debug, Clone, Default)]
pub struct RawRequest {
    /// `identifiers` (unset oneofs are `None`).
    pub identifiers: Vec<RawIds>,
    /// `tail`.
    pub tail: u32,
    /// `after`.
    pub after: Option<Nanos>,
    /// `names`.
    pub names: Vec<String>,
}

/// A valid request.
#[derive(Debug, Clone)]
pub struct StreamRequest {
    /// Requested entities (≥ 1).
    pub identifiers: Vec<EntityRef>,
    /// `tail`.
    pub tail: u32,
    /// `after`.
    pub after: Option<Nanos>,
    /// The expanded, sorted names (empty = all).
    pub names: Vec<String>,
    /// Whether `names` was sent non-empty (then `events.stream.start` carries them).
    pub names_given: bool,
}

fn decode_err(e: DecodeError) -> TtsError {
    TtsError::plain(3, e.0)
}

/// Decodes a request body.
///
/// # Errors
/// A plain code-3 status (no details) when the body is not JSON or has wrong types.
pub fn decode(body: &[u8]) -> Result<RawRequest, TtsError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(RawRequest::default());
    }
    let mut it = serde_json::Deserializer::from_slice(body).into_iter::<Value>();
    let v = match it.next() {
        Some(Ok(v)) => v,
        Some(Err(e)) => return Err(TtsError::plain(3, e.to_string())),
        None => return Ok(RawRequest::default()),
    };
    let Value::Object(m) = v else {
        return Err(TtsError::plain(
            3,
            "invalid value for StreamEventsRequest: expected object",
        ));
    };
    let mut r = RawRequest::default();
    match m.get("identifiers") {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) => {
            for e in a {
                r.identifiers.push(decode_entity(e).map_err(decode_err)?);
            }
        }
        Some(_) => {
            return Err(TtsError::plain(
                3,
                "invalid value for identifiers: expected array",
            ))
        }
    }
    match m.get("tail") {
        None | Some(Value::Null) => {}
        Some(Value::Number(n)) => {
            r.tail = n
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| {
                    TtsError::plain(3, format!("invalid value for uint32 field tail: {n}"))
                })?;
        }
        Some(Value::String(s)) => {
            r.tail = s.parse().map_err(|_| {
                TtsError::plain(3, format!("invalid value for uint32 field tail: {s}"))
            })?;
        }
        Some(_) => return Err(TtsError::plain(3, "invalid value for uint32 field tail")),
    }
    match m.get("after") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => {
            r.after = Some(parse_rfc3339(s).ok_or_else(|| {
                TtsError::plain(3, format!("invalid value for timestamp field after: {s}"))
            })?);
        }
        Some(_) => {
            return Err(TtsError::plain(
                3,
                "invalid value for timestamp field after",
            ))
        }
    }
    match m.get("names") {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) => {
            for n in a {
                match n {
                    Value::String(s) => r.names.push(s.clone()),
                    _ => {
                        return Err(TtsError::plain(
                            3,
                            "invalid value for repeated string field names",
                        ))
                    }
                }
            }
        }
        Some(_) => {
            return Err(TtsError::plain(
                3,
                "invalid value for repeated string field names",
            ))
        }
    }
    Ok(r)
}

impl RawRequest {
    /// Validation, `no_identifiers` and `names` resolution, in TTS's order.
    ///
    /// # Errors
    /// `pkg/errors:validation`, `no_identifiers`, `unknown_event_name`, `invalid_regexp`,
    /// `no_matching_events`.
    pub fn validate(self) -> Result<StreamRequest, TtsError> {
        for (i, ids) in self.identifiers.iter().enumerate() {
            validate(i, ids)?;
        }
        let identifiers: Vec<EntityRef> = self.identifiers.into_iter().flatten().collect();
        if identifiers.is_empty() {
            return Err(TtsError::no_identifiers());
        }
        let names = catalog().expand(&self.names)?;
        Ok(StreamRequest {
            identifiers,
            tail: self.tail,
            after: self.after,
            names_given: !names.is_empty(),
            names,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_body_is_no_identifiers() {
        let e = decode(b"")
            .and_then(RawRequest::validate)
            .err()
            .map(|e| e.name);
        assert_eq!(e.as_deref(), Some("no_identifiers"));
        let e = decode(b"{\"identifier\":[]}")
            .and_then(RawRequest::validate)
            .err()
            .map(|e| e.name);
        assert_eq!(e.as_deref(), Some("no_identifiers"));
    }

    #[test]
    fn bad_json_is_plain() {
        let e = decode(b"xyz").err().map(|e| e.to_status_json());
        assert!(e.is_some_and(|v| v.get("details").is_none() && v["code"] == 3));
    }

    #[test]
    fn camel_case_and_trailing_data() {
        let r = decode(br#"{"identifiers":[{"gatewayIds":{"gatewayId":"rooftop-gw-01"}}],"tail":"5"} trailing"#);
        let r = r.and_then(RawRequest::validate);
        assert!(
            r.as_ref()
                .is_ok_and(|r| r.tail == 5 && r.identifiers[0].id == "rooftop-gw-01"),
            "{r:?}"
        );
    }
}
