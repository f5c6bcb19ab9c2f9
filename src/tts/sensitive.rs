//! Where secrets can hide in free text: runs of bytes that may be an IP
//! address, and words shaped like a TTS API key or token (`NNSXS.…`) or a
//! JWT. One scanner for both users: the preview (which names an address's
//! category) and the export's redaction (which replaces it).
//!
//! Pure; never panics.

/// A byte that can be part of an address token (hex digits, `:`, `.`, `%`, brackets).
fn address_byte(b: u8) -> bool {
    b.is_ascii_hexdigit() || matches!(b, b':' | b'.' | b'%' | b'[' | b']')
}

/// A byte of a base32 or base64url word (keys, tokens).
fn word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')
}

/// The spans (start, end) of runs of address bytes — an IPv6 zone (`%eth0`)
/// included, a trailing `.`/`:` (a sentence's end) not — that may be an
/// address; the caller decides which are.
pub fn address_runs(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !address_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && address_byte(bytes[i]) {
            if bytes[i] == b'%' {
                i += 1;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                continue;
            }
            i += 1;
        }
        let mut end = i;
        while end > start && matches!(bytes[end - 1], b'.' | b':') {
            end -= 1;
        }
        if end > start {
            runs.push((start, end));
        }
    }
    runs
}

/// The spans (start, end) of the words of `text` that are keys or tokens.
pub fn key_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !word_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && word_byte(bytes[i]) {
            i += 1;
        }
        let word = text.get(start..i).unwrap_or_default().trim_end_matches('.');
        if is_key_or_token(word) {
            spans.push((start, start + word.len()));
        }
    }
    spans
}

/// `NNSXS.<base32>.<base32>` (a TTS API key or token) or `eyJ….….…` (a JWT).
pub fn is_key_or_token(word: &str) -> bool {
    let parts: Vec<&str> = word.split('.').collect();
    if parts.len() != 3 {
        return false;
    }
    let base32 = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
    };
    let tts = parts[0].len() == 5
        && parts[0].bytes().all(|b| b.is_ascii_uppercase())
        && parts[1].len() >= 16
        && parts[2].len() >= 16
        && parts.iter().all(|p| base32(p));
    let jwt = parts[0].starts_with("eyJ") && parts[1].len() >= 4;
    tts || jwt
}
