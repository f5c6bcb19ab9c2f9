//! Application payloads in a row: a decoded payload as its own key/values
//! (`temperature 21.5 humidity 48`, nested values as `{…}`/`[…]` with the
//! JSON on hover), else the FRMPayload bytes as upper-case hex, cut after 16
//! bytes.
//!
//! Why: the decoded values are what application developers look for first
//! (the TTS Console shows them inline too). Never: more than a handful of
//! facts per payload, or a panic on a payload that is not base64.

use serde_json::Value;

use super::codec::{decode_base64, encode_hex};
use super::read::{inline, json, shorten};
use super::Facts;

/// The most key/values of one decoded payload shown in a row.
const KEYS_SHOWN: usize = 8;
/// The most bytes shown before the hex is cut.
const BYTES_SHOWN: usize = 16;
/// The most characters of one decoded value.
const VALUE_CHARS: usize = 32;

/// The key/values of a decoded payload (`decoded_payload`, `service_data.data`);
/// `false` when there is nothing to show.
pub fn push_decoded(decoded: Option<&Value>, out: &mut Facts) -> bool {
    let Some(map) = decoded.and_then(Value::as_object).filter(|m| !m.is_empty()) else {
        return false;
    };
    for (key, value) in map.iter().take(KEYS_SHOWN) {
        let (key, _) = shorten(key, VALUE_CHARS);
        out.cut(&key, inline(value, VALUE_CHARS));
    }
    if map.len() > KEYS_SHOWN {
        out.cut(
            "",
            (
                format!("+{} more", map.len() - KEYS_SHOWN),
                Some(json(decoded.unwrap_or(&Value::Null))),
            ),
        );
    }
    true
}

/// Base64 bytes as hex (`010CE4021F0338`), cut after [`BYTES_SHOWN`] bytes;
/// nothing for an empty or undecodable value.
pub fn hex_of(base64: Option<&Value>) -> Option<(String, Option<String>)> {
    let bytes = decode_base64(base64.and_then(Value::as_str)?.trim())?;
    if bytes.is_empty() {
        return None;
    }
    if bytes.len() <= BYTES_SHOWN {
        return Some((encode_hex(&bytes), None));
    }
    let head = encode_hex(&bytes[..BYTES_SHOWN]);
    Some((
        format!("{head}… ({} bytes)", bytes.len()),
        Some(super::read::capped(&encode_hex(&bytes))),
    ))
}

/// `label` and the hex of a base64 field, when it decodes.
pub fn push_hex(label: &str, base64: Option<&Value>, out: &mut Facts) {
    if let Some(hex) = hex_of(base64) {
        out.cut(label, hex);
    }
}

/// A decoded payload if there is one, else the FRMPayload as hex.
pub fn push_application(message: &Value, out: &mut Facts) {
    if !push_decoded(message.get("decoded_payload"), out) {
        push_hex("FRMPayload", message.get("frm_payload"), out);
    }
}

/// One object in a few words: `temperature 9.4 pressure 1012.3`, nested
/// values as `{…}`, cut at 64 characters, with the JSON on hover.
pub fn push_object(label: &str, value: &Value, out: &mut Facts) {
    let Some(map) = value.as_object() else {
        out.cut(label, inline(value, VALUE_CHARS));
        return;
    };
    let words: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{k} {}", inline(v, VALUE_CHARS).0))
        .collect();
    let (text, cut) = shorten(&words.join(" "), 64);
    let nested = map.values().any(|v| v.is_object() || v.is_array());
    let full = (cut.is_some() || nested).then(|| json(value));
    out.cut(label, (text, full));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hex_is_upper_case_and_cut_after_sixteen_bytes() {
        assert_eq!(
            hex_of(Some(&json!("AQzkAh8DOA=="))),
            Some(("010CE4021F0338".into(), None))
        );
        let (short, full) = hex_of(Some(&json!(
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7"
        )))
        .unwrap_or_default();
        assert_eq!(short, "000102030405060708090A0B0C0D0E0F… (60 bytes)");
        assert!(full.is_some_and(|f| f.ends_with("393A3B") && f.len() == 120));
        assert_eq!(hex_of(Some(&json!("not base64!"))), None);
        assert_eq!(hex_of(Some(&json!(12))), None);
        assert_eq!(hex_of(Some(&json!(""))), None);
    }
}
