//! Redaction: an event's JSON without what could identify a network or
//! unlock it, wherever in the event it sits — not a list of known paths.
//!
//! What it protects, and how it recognises it:
//! - **IP addresses**: members named like an address (`ip`, `ips`,
//!   `remote_ip`, `*_ip`, `*_ips`, `remote_addr*`, `*_remote_address`), and
//!   any string that *is* an IPv4/IPv6 address (with or without a port or a
//!   `scheme://`) — except under a member named like a version, where
//!   `1.2.3.4` is a firmware number. Such a member is removed; such an array
//!   item becomes `"(redacted)"`.
//! - **Session keys and key IDs**: `key`, `*_key`, `*_keys`, `*_key_id`,
//!   `encrypted_key` (e.g. `session_key_id`, `app_s_key`, `session_keys`).
//! - **Uplink tokens and authentication token IDs**: `token`, `*_token`,
//!   `token_id`, `*_token_id` (e.g. `uplink_token`, `authentication.token_id`).
//! - **Anything named like a secret**: `*secret*`, `*password*`,
//!   `*passphrase*`, `authorization`.
//!
//! How: one pass over the JSON text with an explicit stack (no recursion, so
//! an event nested 100,000 levels deep is rewritten like any other), writing
//! compact JSON (one line, as NDJSON needs). Pure; it never panics on input:
//! text that is not JSON is an error, and nothing is written for it.

use std::fmt;

/// What [`rewrite`] found wrong with its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotJson(pub usize);

impl fmt::Display for NotJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not valid JSON at byte {}", self.0)
    }
}

/// Whether a member with this name holds something redaction protects.
pub fn is_protected_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let ends = |s: &str| n == s || n.ends_with(&format!("_{s}"));
    ends("ip")
        || ends("ips")
        || n.starts_with("remote_addr")
        || n.ends_with("_remote_address")
        || n == "ip_address"
        || n == "ip_addresses"
        || ends("key")
        || ends("keys")
        || ends("key_id")
        || n == "encrypted_key"
        || ends("token")
        || ends("token_id")
        || n.contains("secret")
        || n.contains("password")
        || n.contains("passphrase")
        || n == "authorization"
}

fn is_version_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("version") || n.contains("firmware")
}

/// Whether `text` is an IP address (v4 or v6), optionally with a port, in
/// brackets, or after `scheme://`.
pub fn is_ip_address(text: &str) -> bool {
    use std::net::{IpAddr, SocketAddr};
    let text = text.split_once("://").map_or(text, |(_, rest)| rest);
    let text = text.trim_end_matches('/');
    if text.len() < 2 || text.len() > 64 {
        return false;
    }
    text.parse::<IpAddr>().is_ok()
        || text.parse::<SocketAddr>().is_ok()
        || text
            .strip_prefix('[')
            .and_then(|t| t.strip_suffix(']'))
            .is_some_and(|t| t.parse::<IpAddr>().is_ok())
}

/// An open container while rewriting.
struct Open {
    object: bool,
    /// Members or items read from the input (removed ones too): a separator precedes the next.
    read: usize,
    /// Members or items written (a comma precedes the next).
    written: usize,
    /// The member name this container is the value of (for the version rule).
    name: Option<String>,
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn skip_ws(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.bytes.get(self.pos).copied()
    }

    fn err<T>(&self) -> Result<T, NotJson> {
        Err(NotJson(self.pos))
    }

    fn expect(&mut self, b: u8) -> Result<(), NotJson> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            self.err()
        }
    }

    /// The span of the string starting here, quotes included.
    fn string(&mut self) -> Result<(usize, usize), NotJson> {
        self.skip_ws();
        let start = self.pos;
        self.expect(b'"')?;
        loop {
            let rest = self.bytes.get(self.pos..).unwrap_or_default();
            let Some(i) = memchr::memchr2(b'"', b'\\', rest) else {
                self.pos = self.bytes.len();
                return self.err();
            };
            self.pos += i;
            if self.bytes.get(self.pos) == Some(&b'\\') {
                self.pos += 2;
            } else {
                self.pos += 1;
                return Ok((start, self.pos));
            }
        }
    }

    /// The span of a number, `true`, `false` or `null` starting here.
    fn scalar(&mut self) -> Result<(usize, usize), NotJson> {
        let start = self.pos;
        while self
            .bytes
            .get(self.pos)
            .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.'))
        {
            self.pos += 1;
        }
        let span = self.bytes.get(start..self.pos).unwrap_or_default();
        let valid = matches!(span, b"true" | b"false" | b"null")
            || (!span.is_empty() && matches!(span[0], b'-' | b'0'..=b'9'));
        if valid {
            Ok((start, self.pos))
        } else {
            self.err()
        }
    }

    /// Skips one whole value (any depth, no recursion).
    fn skip_value(&mut self) -> Result<(), NotJson> {
        let mut depth = 0usize;
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.string()?;
                }
                Some(b'{' | b'[') => {
                    depth += 1;
                    self.pos += 1;
                    continue;
                }
                Some(b'}' | b']') if depth > 0 => {
                    depth -= 1;
                    self.pos += 1;
                }
                Some(b',' | b':') if depth > 0 => {
                    self.pos += 1;
                    continue;
                }
                Some(_) => {
                    self.scalar()?;
                }
                None => return self.err(),
            }
            if depth == 0 {
                return Ok(());
            }
        }
    }
}

/// The text of a JSON string span (quotes included), unescaped.
fn string_text(span: &str) -> Option<String> {
    if span.contains('\\') {
        serde_json::from_str(span).ok()
    } else {
        span.get(1..span.len().saturating_sub(1)).map(str::to_owned)
    }
}

/// Rewrites `json` compactly; with `redact`, without what the module comment
/// lists. Returns the text and how many values were removed or replaced.
///
/// # Errors
/// [`NotJson`] (with the byte offset) when `json` is not one JSON value.
pub fn rewrite(json: &str, redact: bool) -> Result<(String, usize), NotJson> {
    let mut s = Scanner {
        bytes: json.as_bytes(),
        pos: 0,
    };
    let mut out = String::with_capacity(json.len());
    let mut removed = 0;
    let mut stack: Vec<Open> = Vec::new();
    // The member name the next value belongs to.
    let mut member: Option<String> = None;
    loop {
        // A value starts here: at the top, or in a container after its separator.
        match s.peek() {
            Some(open @ (b'{' | b'[')) => {
                s.pos += 1;
                out.push(char::from(open));
                stack.push(Open {
                    object: open == b'{',
                    read: 0,
                    written: 0,
                    name: member.take(),
                });
            }
            Some(b'"') => {
                let (a, b) = s.string()?;
                let span = json.get(a..b).unwrap_or_default();
                // Members' strings were judged with their names; array items here.
                let item_of = stack
                    .last()
                    .filter(|o| !o.object)
                    .map(|o| o.name.as_deref().is_some_and(is_version_name));
                if redact
                    && item_of == Some(false)
                    && string_text(span).is_some_and(|t| is_ip_address(&t))
                {
                    out.push_str("\"(redacted)\"");
                    removed += 1;
                } else {
                    out.push_str(span);
                }
            }
            Some(_) => {
                let (a, b) = s.scalar()?;
                out.push_str(json.get(a..b).unwrap_or_default());
            }
            None => return s.err(),
        }
        // After a value or an opening bracket: close what ends here, then
        // find where the next value starts (skipping removed members).
        loop {
            let Some(open) = stack.last_mut() else {
                s.skip_ws();
                return if s.pos == s.bytes.len() {
                    Ok((out, removed))
                } else {
                    s.err()
                };
            };
            let closer = if open.object { b'}' } else { b']' };
            if s.peek() == Some(closer) {
                s.pos += 1;
                out.push(char::from(closer));
                stack.pop();
                continue;
            }
            if open.read > 0 {
                s.expect(b',')?;
            }
            open.read += 1;
            if !open.object {
                if open.written > 0 {
                    out.push(',');
                }
                open.written += 1;
                break;
            }
            let (a, b) = s.string()?;
            s.expect(b':')?;
            let span = json.get(a..b).unwrap_or_default();
            let name = string_text(span).unwrap_or_default();
            if redact && is_protected_name(&name) {
                s.skip_value()?;
                removed += 1;
                continue;
            }
            if redact && !is_version_name(&name) && s.peek() == Some(b'"') {
                let start = s.pos;
                let (va, vb) = s.string()?;
                let value = json.get(va..vb).unwrap_or_default();
                if string_text(value).is_some_and(|t| is_ip_address(&t)) {
                    removed += 1;
                    continue;
                }
                s.pos = start;
            }
            if open.written > 0 {
                out.push(',');
            }
            open.written += 1;
            out.push_str(span);
            out.push(':');
            member = Some(name);
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redacted(json: &str) -> String {
        rewrite(json, true).expect("valid").0
    }

    #[test]
    fn ip_addresses_are_removed_wherever_they_are() {
        let json = r#"{"a":{"ip":["203.0.113.17"],"b":[{"addr":"198.51.100.42:1700"}]},"list":["2001:db8::1","[::1]:80","ok"],"remote_ip":"192.0.2.1","url":"udp://192.0.2.9:1700"}"#;
        let out = redacted(json);
        assert_eq!(
            out,
            r#"{"a":{"b":[{}]},"list":["(redacted)","(redacted)","ok"]}"#
        );
        for ip in ["203.0.113.17", "198.51.100.42", "2001:db8", "192.0.2"] {
            assert!(!out.contains(ip), "{ip} in {out}");
        }
    }

    #[test]
    fn secrets_are_removed_by_what_they_are_named() {
        let json = r#"{"session_key_id":"AY","uplink_token":"x","authentication":{"type":"Bearer","token_type":"APIKey","token_id":"V6RQ"},"session_keys":{"app_s_key":{"key":"00"}},"client_secret":"s","password_hash":"p","dev_eui":"70B3D57ED0061A2B","f_cnt":1}"#;
        assert_eq!(
            redacted(json),
            r#"{"authentication":{"type":"Bearer","token_type":"APIKey"},"dev_eui":"70B3D57ED0061A2B","f_cnt":1}"#
        );
        assert_eq!(rewrite(json, true).unwrap().1, 6);
    }

    #[test]
    fn versions_that_look_like_addresses_stay() {
        let json =
            r#"{"versions":{"firmware":"1.2.3.4","model":"x"},"firmware_version":"10.0.0.1"}"#;
        assert_eq!(redacted(json), json);
    }

    #[test]
    fn without_redaction_the_text_is_only_made_compact() {
        let json =
            "{ \"a\" : [ 1 , 2.5e3 , true , null , \"x\\n\\\"y\" ] ,\n \"b\" : { } , \"c\":[] }";
        assert_eq!(
            rewrite(json, false).unwrap(),
            (
                r#"{"a":[1,2.5e3,true,null,"x\n\"y"],"b":{},"c":[]}"#.to_owned(),
                0
            )
        );
    }

    #[test]
    fn any_depth_is_rewritten_without_recursion() {
        let depth = 100_000;
        let json = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let deep = format!(r#"{{"remote_ip":"1.2.3.4","data":{json}}}"#);
        let (out, removed) = rewrite(&deep, true).unwrap();
        assert_eq!(removed, 1);
        assert_eq!(out, format!(r#"{{"data":{json}}}"#));
        let hidden = format!(r#"{{"password":{json},"x":1}}"#);
        assert_eq!(rewrite(&hidden, true).unwrap().0, r#"{"x":1}"#);
    }

    #[test]
    fn text_that_is_not_json_is_an_error_not_a_panic() {
        for bad in [
            "",
            "{",
            "[1,",
            "{\"a\"}",
            "{\"a\":1,}",
            "[1 2]",
            "nul",
            "\"open",
            "{}x",
            "{,}",
            "[,1]",
        ] {
            assert!(rewrite(bad, true).is_err(), "{bad:?}");
            assert!(rewrite(bad, false).is_err(), "{bad:?}");
        }
        for good in ["1", "\"s\"", "{}", "[]", "[[],{}]", "{\"a\":{\"b\":[]}}"] {
            assert_eq!(rewrite(good, false).unwrap().0, good);
        }
    }
}
