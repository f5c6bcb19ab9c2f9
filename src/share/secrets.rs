//! What counts as a secret or an address, by name and inside text: the rules
//! [`super::redact`] applies to every member name and string of an event.
//!
//! By name (normalised: `appSKey`, `app-s-key` and `app_s_key` are one):
//! addresses (`ip`, `*_ip`, `remote_addr…`), keys and their IDs (`key`,
//! `*_key`, `*_keys`, `*_key_id`, `apikey`), tokens (`token`, `*_token`,
//! `*_token_id`), and anything holding `secret`, `password`, `passphrase`,
//! `credential`, `cookie` or being `authorization`.
//!
//! Inside text: IP addresses (v4, v6 with or without a zone or a port),
//! The Things Stack keys and tokens (`NNSXS.…`), JSON web tokens (`eyJ….….…`),
//! a URL's `user:password@`, a URL's `token=`/`key=`/… query values, and what
//! follows `Bearer `. Each is replaced by `(redacted)`, the rest of the text
//! stays readable. Pure; never panics.

use crate::tts::sensitive::{address_runs, key_spans};

/// What a redacted part of a text becomes.
pub const REDACTED: &str = "(redacted)";

/// `appSKey` → `app_s_key`, `X-Api-Key` → `x_api_key`, `HTTPProxy` → `http_proxy`.
fn normalize(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        if c.is_ascii_uppercase() {
            let after_word = prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
            let acronym_end = prev.is_some_and(|p| p.is_ascii_uppercase())
                && next.is_some_and(|n| n.is_ascii_lowercase());
            if (after_word || acronym_end) && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c == '-' || c == ' ' || c == '.' {
            out.push('_');
        } else {
            out.push(c);
        }
    }
    out
}

/// `n` is `word`, or ends in `_word`.
fn is_or_ends(n: &str, word: &str) -> bool {
    n == word
        || (n.len() > word.len()
            && n.ends_with(word)
            && n.as_bytes().get(n.len() - word.len() - 1) == Some(&b'_'))
}

/// Whether a member with this name holds something redaction protects.
pub fn is_protected_name(name: &str) -> bool {
    let n = normalize(name);
    [
        "ip", "ips", "key", "keys", "key_id", "token", "tokens", "token_id", "apikey",
    ]
    .iter()
    .any(|w| is_or_ends(&n, w))
        || n.starts_with("remote_addr")
        || n.ends_with("remote_address")
        || n.starts_with("ip_address")
        || ["secret", "password", "passphrase", "credential", "cookie"]
            .iter()
            .any(|w| n.contains(w))
        || n == "authorization"
        || n == "proxy_authorization"
}

/// Whether a member with this name holds a version number (`1.2.3.4` there
/// is firmware, not an address).
pub fn is_version_name(name: &str) -> bool {
    let n = normalize(name);
    n == "firmware" || is_or_ends(&n, "version") || n == "versions"
}

/// Whether `text` is an IP address (v4 or v6), optionally with a port, a
/// zone, brackets, or after `scheme://`.
pub fn is_ip_address(text: &str) -> bool {
    use std::net::{IpAddr, SocketAddr};
    let text = text.split_once("://").map_or(text, |(_, rest)| rest);
    let text = text.trim_end_matches('/');
    if text.len() < 2 || text.len() > 64 {
        return false;
    }
    let unzoned = |t: &str| t.split('%').next().unwrap_or(t).to_owned();
    text.parse::<IpAddr>().is_ok()
        || text.parse::<SocketAddr>().is_ok()
        || unzoned(text).parse::<IpAddr>().is_ok()
        || text
            .strip_prefix('[')
            .and_then(|t| t.split(']').next())
            .is_some_and(|t| unzoned(t).parse::<IpAddr>().is_ok())
}

/// The spans (start, end) of `text` to redact, in order, not overlapping.
fn secret_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = address_runs(text)
        .into_iter()
        .filter(|&(start, end)| text.get(start..end).is_some_and(is_ip_address))
        .collect();
    spans.extend(key_spans(text));
    // `scheme://user:password@host`, `?token=…`, `Bearer …`.
    let mut from = 0;
    while let Some(at) = text.get(from..).and_then(|t| t.find("://")) {
        let auth_start = from + at + 3;
        let rest = text.get(auth_start..).unwrap_or_default();
        let authority_end = rest.find(['/', '?', '#', ' ']).unwrap_or(rest.len());
        if let Some(atsign) = rest.get(..authority_end).and_then(|a| a.rfind('@')) {
            spans.push((auth_start, auth_start + atsign));
        }
        from = auth_start;
    }
    for (i, _) in text.match_indices(['?', '&']) {
        let param = text.get(i + 1..).unwrap_or_default();
        let Some(eq) = param.find('=') else { continue };
        let name = param.get(..eq).unwrap_or_default();
        if name.is_empty() || name.contains([' ', '&', '?']) {
            continue;
        }
        let value_start = i + 1 + eq + 1;
        let value = text.get(value_start..).unwrap_or_default();
        let len = value.find(['&', '#', ' ', '"']).unwrap_or(value.len());
        let sensitive = is_protected_name(name)
            || matches!(
                normalize(name).as_str(),
                "sig" | "signature" | "auth" | "code"
            );
        if sensitive && len > 0 {
            spans.push((value_start, value_start + len));
        }
    }
    for (i, m) in text.match_indices("Bearer ") {
        let start = i + m.len();
        let rest = text.get(start..).unwrap_or_default();
        let len = rest.find([' ', '"', ',', ';']).unwrap_or(rest.len());
        if len > 0 {
            spans.push((start, start + len));
        }
    }
    crate::sort::sort(&mut spans);
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// `text` with its secrets and addresses replaced, or `None` if it has none.
pub fn redact_text(text: &str) -> Option<String> {
    let spans = secret_spans(text);
    if spans.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (s, e) in spans {
        out.push_str(text.get(at..s).unwrap_or_default());
        out.push_str(REDACTED);
        at = e;
    }
    out.push_str(text.get(at..).unwrap_or_default());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised() {
        assert_eq!(normalize("appSKey"), "app_s_key");
        assert_eq!(normalize("X-Api-Key"), "x_api_key");
        assert_eq!(normalize("HTTPProxy"), "http_proxy");
        assert_eq!(normalize("fNwkSIntKey"), "f_nwk_s_int_key");
        assert_eq!(normalize("session_key_id"), "session_key_id");
    }

    #[test]
    fn names_are_recognised_however_they_are_spelled() {
        for secret in [
            "session_key_id",
            "appSKey",
            "app_s_key",
            "AppKey",
            "X-Api-Key",
            "apiKey",
            "apikey",
            "uplink_token",
            "access_token",
            "token_id",
            "client_secret",
            "password_hash",
            "Cookie",
            "set-cookie",
            "credentials",
            "Authorization",
            "remote_ip",
            "ip",
            "gateway_remote_address",
            "ip_addresses",
            "root_keys",
            "session_keys",
        ] {
            assert!(is_protected_name(secret), "{secret}");
        }
        for plain in [
            "dev_eui",
            "join_eui",
            "f_cnt",
            "keyboard",
            "monkey",
            "rssi",
            "description",
            "gateway_id",
        ] {
            assert!(!is_protected_name(plain), "{plain}");
        }
        assert!(is_version_name("firmware") && is_version_name("firmwareVersion"));
        assert!(!is_version_name("firmware_server"));
    }

    #[test]
    fn addresses_and_keys_inside_text_are_replaced_and_the_rest_stays() {
        let cases = [
            (
                "dial tcp 10.1.2.3:1700: connection refused",
                "dial tcp (redacted): connection refused",
            ),
            ("http://192.168.1.1:8080/api", "http://(redacted)/api"),
            (
                "from fe80::1%eth0 and [2001:db8::1]:80.",
                "from (redacted) and (redacted).",
            ),
            (
                "token eyJhbGciOi.eyJzdWIiOjE.c2lnbmF0dXJl end",
                "token (redacted) end",
            ),
            (
                "https://user:hunter2@host.example/x?token=abc&v=1",
                "https://(redacted)@host.example/x?token=(redacted)&v=1",
            ),
            (
                "Authorization: Bearer NNSXS.X.Y",
                "Authorization: Bearer (redacted)",
            ),
            ("10.0.0.0/8", "(redacted)/8"),
        ];
        for (text, want) in cases {
            assert_eq!(redact_text(text).as_deref(), Some(want), "{text}");
        }
        // A key of TTS's shape, built here so no key-shaped literal is committed.
        let key = format!("NNSXS.{}.{}", "A".repeat(20), "B".repeat(24));
        assert_eq!(
            redact_text(&format!("key {key} used")).as_deref(),
            Some("key (redacted) used")
        );
        for plain in [
            "2024-10-28T10:02:40.104776Z",
            "gs:uplink:01JB996A5CB3W8N1R6T0Y4K2QF",
            "70B3D57ED0061A2B",
            "ec:65:6e:00:01:00",
            "SF7BW125",
            "868.1 MHz",
            "unknown frame type 0x7f",
        ] {
            assert_eq!(redact_text(plain), None, "{plain}");
        }
    }
}
