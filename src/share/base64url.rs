//! Base64url without padding (RFC 4648 §5): the alphabet a URL carries
//! unencoded. A snapshot link's events are written in it. Pure; decoding
//! says which character is wrong and never panics.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Why text is not base64url.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Damaged {
    /// The character at `at` (0-based, in characters) is not in the alphabet.
    At { at: usize, found: char },
    /// The length cannot be base64 (a lone last character).
    CutShort,
}

/// `bytes` as base64url without padding.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..=chunk.len() {
            let index = (n >> (18 - 6 * i)) & 63;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

fn sextet(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// The bytes `text` (base64url, no padding) stands for.
///
/// # Errors
/// The first character not in the alphabet, or a length no encoder writes.
pub fn decode(text: &str) -> Result<Vec<u8>, Damaged> {
    if let Some((at, found)) = text
        .char_indices()
        .find(|&(_, c)| !c.is_ascii() || sextet(c as u8).is_none())
    {
        let at = text.get(..at).map_or(at, |s| s.chars().count());
        return Err(Damaged::At { at, found });
    }
    if text.len() % 4 == 1 {
        return Err(Damaged::CutShort);
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0_u32;
        for (i, &b) in chunk.iter().enumerate() {
            n |= sextet(b).unwrap_or(0) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(bytes.get(1..chunk.len()).unwrap_or_default());
    }
    Ok(out)
}
