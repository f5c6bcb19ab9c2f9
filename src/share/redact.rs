//! Redaction: an event's JSON without what could identify a network or
//! unlock it, wherever in the event it sits — not a list of known paths.
//!
//! What it protects (the rules are in `share/secrets.rs`): IP addresses,
//! session keys and their IDs, uplink tokens, the IDs of the keys or tokens
//! behind registry events, and anything named like a secret — by member name
//! (such a member is removed whole), and inside any text (an address, a key,
//! a token, a URL's password or `token=` becomes `(redacted)`; a string that
//! is nothing but an address is removed with its member). A member whose
//! name is itself an address, or cannot be read, is removed. Under a member
//! named like a version (`firmware`, `*_version`, `versions`) a bare
//! `1.2.3.4` is a firmware number and stays.
//!
//! How: one pass over the JSON text with an explicit stack (no recursion, so
//! an event nested 100,000 levels deep is rewritten like any other), writing
//! compact JSON (one line, as NDJSON needs). Pure; it never panics. It is
//! written for JSON that serde has already checked: it finds the structure
//! (strings, brackets, separators) and reports what breaks it, but it does
//! not check every number.

use std::fmt;

use super::secrets::{is_ip_address, is_protected_name, is_version_name, redact_text, REDACTED};

/// What [`rewrite`] found wrong with its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotJson(pub usize);

impl fmt::Display for NotJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not valid JSON at byte {}", self.0)
    }
}

/// A bare dotted number (`1.0.3.4`): a version where a version is expected.
fn is_bare_dotted(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// What to write for a string (its JSON span given): `None` to drop it.
enum Written {
    Same,
    Redacted(String),
    Drop,
}

fn judge_string(span: &str, under_version: bool) -> Written {
    let Some(text) = string_text(span) else {
        return Written::Drop; // cannot be read, cannot be judged
    };
    if under_version && is_bare_dotted(&text) {
        return Written::Same;
    }
    match redact_text(&text) {
        None => Written::Same,
        Some(r) if r == REDACTED => Written::Drop,
        Some(r) => Written::Redacted(
            serde_json::to_string(&r).unwrap_or_else(|_| format!("\"{REDACTED}\"")),
        ),
    }
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

    fn eat(&mut self, b: u8) -> Result<(), NotJson> {
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
        self.eat(b'"')?;
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
                match item_of.filter(|_| redact).map(|v| judge_string(span, v)) {
                    Some(Written::Redacted(text)) => {
                        out.push_str(&text);
                        removed += 1;
                    }
                    Some(Written::Drop) => {
                        out.push('"');
                        out.push_str(REDACTED);
                        out.push('"');
                        removed += 1;
                    }
                    _ => out.push_str(span),
                }
                member = None;
            }
            Some(_) => {
                let (a, b) = s.scalar()?;
                out.push_str(json.get(a..b).unwrap_or_default());
                member = None;
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
                s.eat(b',')?;
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
            s.eat(b':')?;
            let span = json.get(a..b).unwrap_or_default();
            let name = string_text(span);
            let protected = name
                .as_deref()
                .is_none_or(|n| is_protected_name(n) || is_ip_address(n));
            if redact && protected {
                s.skip_value()?;
                removed += 1;
                continue;
            }
            let name = name.unwrap_or_default();
            let mut value_span = None;
            if redact && s.peek() == Some(b'"') {
                let (va, vb) = s.string()?;
                let value = json.get(va..vb).unwrap_or_default();
                match judge_string(value, is_version_name(&name)) {
                    Written::Same => value_span = Some(value.to_owned()),
                    Written::Redacted(text) => {
                        removed += 1;
                        value_span = Some(text);
                    }
                    Written::Drop => {
                        removed += 1;
                        continue;
                    }
                }
            }
            if open.written > 0 {
                out.push(',');
            }
            open.written += 1;
            out.push_str(span);
            out.push(':');
            if let Some(value) = value_span {
                // A string value, judged and written here: carry on after it.
                out.push_str(&value);
                continue;
            }
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
            r#"{"a":{"b":[{}]},"list":["(redacted)","(redacted)","ok"],"url":"udp://(redacted)"}"#
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
    fn addresses_and_keys_inside_text_and_names_are_redacted() {
        let json = r#"{"message":"dial tcp 10.1.2.3:1700: refused","peers":{"10.0.0.1":{"ok":true}},"hook":"https://u:pw@h.example/x?token=abc","apiKey":"NNSXS.X.Y","h":{"Cookie":"a=b","X-Api-Key":"k"}}"#;
        assert_eq!(
            redacted(json),
            r#"{"message":"dial tcp (redacted): refused","peers":{},"hook":"https://(redacted)@h.example/x?token=(redacted)","h":{}}"#
        );
    }

    #[test]
    fn a_member_name_seen_before_a_container_does_not_name_the_next_one() {
        // Found in review: "firmware" named the inner array, whose address then stayed.
        let json = r#"{"routes":[{"firmware":"1.0"},["10.0.0.1"]]}"#;
        assert_eq!(
            redacted(json),
            r#"{"routes":[{"firmware":"1.0"},["(redacted)"]]}"#
        );
        let json = r#"{"firmware_server":"10.0.0.1:80","firmware_mirrors":["10.0.0.2"]}"#;
        assert_eq!(redacted(json), r#"{"firmware_mirrors":["(redacted)"]}"#);
    }

    #[test]
    fn a_name_that_cannot_be_read_is_removed() {
        let json = r#"{"password\ud800":"hunter2","ok":1}"#;
        assert_eq!(redacted(json), r#"{"ok":1}"#);
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
