//! Byte fields as The Things Stack writes them in JSON: standard base64 for
//! most `bytes` (`frm_payload`, `raw_payload`, `session_key_id`) and
//! upper-case hex for EUIs, DevAddr and nonces.
//!
//! Why: the preview shows payloads as hex, and the JSON tree offers other
//! views of the same bytes (`json::bytes`); both decode here, once. These
//! functions never panic and never guess: text that is not exactly valid
//! base64 or hex gives `None`.

/// The standard base64 alphabet (RFC 4648 §4).
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The 6-bit value of a base64 character (standard or URL-safe alphabet).
fn sextet(c: u8) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Decodes base64 (standard or URL-safe alphabet, padding optional).
/// `None` for any other character, misplaced padding or an impossible length.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let body = text.trim_end_matches('=').as_bytes();
    let padding = bytes.len() - body.len();
    if padding > 2 || (padding > 0 && !bytes.len().is_multiple_of(4)) || body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.chunks(4) {
        let mut acc = 0u32;
        for &c in chunk {
            acc = (acc << 6) | sextet(c)?;
        }
        // 4 chars → 3 bytes, 3 → 2, 2 → 1; left-align the bits first.
        acc <<= 6 * (4 - chunk.len() as u32);
        let [_, a, b, c] = acc.to_be_bytes();
        out.extend_from_slice(&[a, b, c][..chunk.len() - 1]);
    }
    Some(out)
}

/// Encodes standard base64 with padding, as TTS writes it.
pub fn encode_base64(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let mut buf = [0u8; 3];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = u32::from_be_bytes([0, buf[0], buf[1], buf[2]]);
        for i in 0..4 {
            if i <= chunk.len() {
                let index = (n >> (18 - 6 * i)) & 0x3f;
                out.push(char::from(ALPHABET[index as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes hex (either case, even length, nothing else).
pub fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| char::from(c).to_digit(16);
    bytes
        .chunks(2)
        .map(|pair| Some((digit(pair[0])? << 4 | digit(pair[1])?) as u8))
        .collect()
}

/// Upper-case hex without separators, as TTS writes EUIs: `70B3D57ED0061A2B`.
pub fn encode_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// A hex-marshalled field of `len` bytes that some servers write as base64
/// instead (API.md §2.4: `JoinRequest.dev_addr`): upper-case hex either way.
pub fn hex_or_base64(text: &str, len: usize) -> Option<String> {
    if text.len() == len * 2 {
        if let Some(bytes) = decode_hex(text) {
            return Some(encode_hex(&bytes));
        }
    }
    decode_base64(text)
        .filter(|b| b.len() == len)
        .map(|b| encode_hex(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_every_length() {
        for len in 0..40u8 {
            let bytes: Vec<u8> = (0..len)
                .map(|i| i.wrapping_mul(37).wrapping_add(200))
                .collect();
            let text = encode_base64(&bytes);
            assert_eq!(decode_base64(&text), Some(bytes.clone()), "{text}");
            assert_eq!(decode_base64(text.trim_end_matches('=')), Some(bytes));
        }
        assert_eq!(
            decode_base64("AQzkAh8DOA=="),
            Some(vec![1, 12, 228, 2, 31, 3, 56])
        );
        assert_eq!(encode_base64(&[0xf9, 0x23, 0x99]), "+SOZ");
    }

    #[test]
    fn bad_base64_is_refused() {
        assert_eq!(decode_base64("é"), None);
        assert_eq!(decode_base64("A==="), None);
        assert_eq!(decode_base64("A"), None);
        assert_eq!(decode_base64("AB=C"), None);
        assert_eq!(decode_base64("ABC==="), None);
        assert_eq!(decode_base64("ab cd"), None);
        assert_eq!(decode_base64("AQE=AQE="), None);
        assert_eq!(decode_base64("AQ="), None);
    }

    #[test]
    fn hex_round_trips_and_refuses_odd_text() {
        assert_eq!(decode_hex("70b3D57E"), Some(vec![0x70, 0xb3, 0xd5, 0x7e]));
        assert_eq!(encode_hex(&[0x70, 0xb3, 0x0a]), "70B30A");
        assert_eq!(decode_hex("ABC"), None);
        assert_eq!(decode_hex("GG"), None);
        assert_eq!(decode_hex("+1"), None);
        assert_eq!(decode_hex(""), Some(vec![]));
    }

    #[test]
    fn hex_fields_written_as_base64_still_read_as_hex() {
        assert_eq!(hex_or_base64("260B7E21", 4).as_deref(), Some("260B7E21"));
        assert_eq!(hex_or_base64("Jgt+IQ==", 4).as_deref(), Some("260B7E21"));
        assert_eq!(hex_or_base64("AAAT", 3).as_deref(), Some("000013"));
        assert_eq!(hex_or_base64("nonsense", 4), None);
    }
}
