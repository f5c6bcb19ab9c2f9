//! The cluster URL a user typed, normalised to the base the API lives under.
//!
//! People paste `https://eu1.cloud.thethings.network`, the same with a
//! trailing slash, with `/api/v3`, or with `/api/v3/events`; all mean one
//! cluster. Anything that is not an http(s) URL is refused with a sentence
//! saying why, before any request is made. Credentials never belong in it.

use std::fmt;

/// A normalised cluster URL: scheme, host, optional port and path prefix,
/// without a trailing slash and without `/api/v3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterUrl {
    base: String,
}

/// Why a cluster URL was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterUrlError {
    Empty,
    /// Another scheme than http or https, e.g. `ftp` or `ws`.
    UnsupportedScheme(String),
    MissingHost,
    /// `user:password@` in the URL: the API key field is for credentials.
    HasCredentials,
    /// A `?query` or `#fragment`, which the events API never uses.
    HasQueryOrFragment,
    /// Whitespace or other characters a URL cannot hold.
    InvalidCharacter(char),
    /// A host name with characters beyond `a-z 0-9 . -` (or a bad port): a
    /// look-alike host (`thethings.nеtwork` with a Cyrillic `е`) or a `\`
    /// that browsers read as `/` would show one host and reach another.
    InvalidHost(String),
}

impl fmt::Display for ClusterUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("Enter the cluster URL, e.g. https://eu1.cloud.thethings.network"),
            Self::UnsupportedScheme(s) => write!(
                f,
                "The cluster URL must start with https:// (or http:// for a local cluster), not {s}://"
            ),
            Self::MissingHost => f.write_str("The cluster URL has no host name"),
            Self::HasCredentials => f.write_str(
                "Remove the user name and password from the cluster URL; put the API key in the API key field",
            ),
            Self::HasQueryOrFragment => {
                f.write_str("The cluster URL cannot contain ? or #; enter just the address of the cluster")
            }
            Self::InvalidCharacter(c) => {
                write!(f, "The cluster URL contains a character a URL cannot hold: {c:?}")
            }
            Self::InvalidHost(host) => write!(
                f,
                "The cluster's host name {host:?} may only hold letters a–z, digits, dots and dashes \
                 (and :port); write an international name in its xn-- form"
            ),
        }
    }
}

impl std::error::Error for ClusterUrlError {}

impl ClusterUrl {
    /// Normalises what a user typed. A bare host (`eu1.cloud.thethings.network`)
    /// means https.
    ///
    /// # Errors
    /// A [`ClusterUrlError`] saying what is wrong with the input.
    pub fn parse(input: &str) -> Result<Self, ClusterUrlError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(ClusterUrlError::Empty);
        }
        if let Some(c) = input.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(ClusterUrlError::InvalidCharacter(c));
        }
        let (scheme, rest) = match input.split_once("://") {
            Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
            // `//host` is a host; `javascript:…`, `data:…` name a scheme, not a host.
            None => match input.strip_prefix("//") {
                Some(rest) => ("https".to_owned(), rest),
                None => {
                    if let Some(scheme) = bare_scheme(input) {
                        return Err(ClusterUrlError::UnsupportedScheme(scheme));
                    }
                    ("https".to_owned(), input)
                }
            },
        };
        if scheme != "http" && scheme != "https" {
            return Err(ClusterUrlError::UnsupportedScheme(scheme));
        }
        if rest.contains(['?', '#']) {
            return Err(ClusterUrlError::HasQueryOrFragment);
        }
        let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
        // In the path too: `host/@other` reads like a user name for `other`.
        if rest.contains('@') {
            return Err(ClusterUrlError::HasCredentials);
        }
        if authority.is_empty() || authority.starts_with(':') {
            return Err(ClusterUrlError::MissingHost);
        }
        let authority = valid_authority(authority)?;
        let mut path = path.trim_end_matches('/');
        for suffix in ["/api/v3/events", "/api/v3"] {
            if let Some(stripped) = path.strip_suffix(suffix) {
                path = stripped.trim_end_matches('/');
                break;
            }
        }
        if path.contains('\\') {
            return Err(ClusterUrlError::InvalidCharacter('\\'));
        }
        let default_port = if scheme == "https" { ":443" } else { ":80" };
        let authority = authority.strip_suffix(default_port).unwrap_or(&authority);
        Ok(Self {
            base: format!("{scheme}://{authority}{path}"),
        })
    }

    /// The origin the key is sent to: `https://host[:port]` (no path), the
    /// unit a remembered key and a confirmed cluster belong to.
    pub fn origin(&self) -> &str {
        let after_scheme = self.base.find("://").map_or(0, |i| i + 3);
        let end = self.base[after_scheme..]
            .find('/')
            .map_or(self.base.len(), |i| after_scheme + i);
        &self.base[..end]
    }

    /// The host name and port, in full, as a person must read it before
    /// trusting the cluster with a key (`eu1.cloud.thethings.network`).
    pub fn host(&self) -> &str {
        let origin = self.origin();
        origin.find("://").map_or(origin, |i| &origin[i + 3..])
    }

    /// The base URL, e.g. `https://eu1.cloud.thethings.network`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Where to `POST` a stream request.
    pub fn events_url(&self) -> String {
        format!("{}/api/v3/events", self.base)
    }

    /// Where to `GET` the events of one correlation ID (API.md §7.1); the
    /// ID is percent-encoded, so it cannot add a parameter or a path.
    pub fn related_url(&self, correlation_id: &str) -> String {
        let mut encoded = String::with_capacity(correlation_id.len() * 3);
        for b in correlation_id.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                encoded.push(char::from(b));
            } else {
                encoded.push_str(&format!("%{b:02X}"));
            }
        }
        format!(
            "{}/api/v3/events/related?correlation_id={encoded}",
            self.base
        )
    }
}

/// The scheme of `scheme:rest` without `//` (`javascript:alert(1)`), if the
/// text has one; `host:1885` (a port after the colon) has none.
fn bare_scheme(input: &str) -> Option<String> {
    let (scheme, rest) = input.split_once(':')?;
    let is_scheme = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let port_follows = rest.chars().next().is_some_and(|c| c.is_ascii_digit());
    (is_scheme && !port_follows).then(|| scheme.to_ascii_lowercase())
}

/// Checks the `host[:port]` part and writes it as the browser would: ASCII
/// letters, digits, dots and dashes (no trailing dot), a dotted-quad IPv4
/// address (not `0x7f000001` or `127.1`, which browsers read as other
/// addresses than they show), or an `[IPv6]` literal (canonical form); a
/// port from 1 to 65535 without leading zeros.
fn valid_authority(authority: &str) -> Result<String, ClusterUrlError> {
    let bad = || ClusterUrlError::InvalidHost(authority.to_owned());
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (v6, after) = rest.split_once(']').ok_or_else(bad)?;
        let addr: std::net::Ipv6Addr = v6.parse().map_err(|_| bad())?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':').ok_or_else(bad)?),
        };
        (format!("[{addr}]"), port)
    } else {
        let (h, p) = match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        let labels_ok = !h.is_empty()
            && !h.starts_with(['.', '-'])
            && !h.ends_with('.')
            && !h.contains("..")
            && h.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        // A last label of digits (or `0x…`) makes the host an address: it must be a plain one.
        let last = h.rsplit('.').next().unwrap_or(h);
        let numeric =
            last.chars().all(|c| c.is_ascii_digit()) || last.to_ascii_lowercase().starts_with("0x");
        if !labels_ok || (numeric && h.parse::<std::net::Ipv4Addr>().is_err()) {
            return Err(bad());
        }
        (h.to_ascii_lowercase(), p)
    };
    let port = match port {
        None => None,
        Some(p) => {
            let number = (!p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()))
                .then(|| p.parse::<u32>().ok())
                .flatten()
                .filter(|n| (1..=65_535).contains(n))
                .ok_or_else(bad)?;
            Some(number)
        }
    };
    Ok(match port {
        Some(p) => format!("{host}:{p}"),
        None => host,
    })
}

impl fmt::Display for ClusterUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_related_url_encodes_the_id_so_it_cannot_add_parameters() {
        let url = ClusterUrl::parse("https://eu1.cloud.thethings.network").expect("valid");
        assert_eq!(
            url.related_url("rpc:/ttn.lorawan.v3.GsNs/HandleUplink:01J&x=1#y"),
            "https://eu1.cloud.thethings.network/api/v3/events/related?correlation_id=\
             rpc%3A%2Fttn.lorawan.v3.GsNs%2FHandleUplink%3A01J%26x%3D1%23y"
        );
    }

    #[test]
    fn the_usual_spellings_name_one_cluster() {
        for input in [
            "https://eu1.cloud.thethings.network",
            "https://eu1.cloud.thethings.network/",
            "https://eu1.cloud.thethings.network/api/v3",
            "https://eu1.cloud.thethings.network/api/v3/",
            "https://eu1.cloud.thethings.network/api/v3/events",
            "  HTTPS://EU1.cloud.thethings.network  ",
            "eu1.cloud.thethings.network",
        ] {
            let url = ClusterUrl::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(
                url.events_url(),
                "https://eu1.cloud.thethings.network/api/v3/events",
                "{input}"
            );
        }
    }

    #[test]
    fn the_origin_is_scheme_host_and_port_without_the_path() {
        let url = ClusterUrl::parse("https://Example.com:443/tts/api/v3").unwrap();
        assert_eq!(url.origin(), "https://example.com");
        assert_eq!(url.host(), "example.com");
        assert_eq!(url.base(), "https://example.com/tts");
        let url = ClusterUrl::parse("http://127.0.0.1:1885").unwrap();
        assert_eq!(url.origin(), "http://127.0.0.1:1885");
        assert_eq!(url.host(), "127.0.0.1:1885");
        let url = ClusterUrl::parse("http://[::1]:1885/").unwrap();
        assert_eq!(url.origin(), "http://[::1]:1885");
        let url = ClusterUrl::parse("http://[0:0::1]:01885/").unwrap();
        assert_eq!(
            url.origin(),
            "http://[::1]:1885",
            "as the browser writes it"
        );
        assert_eq!(
            ClusterUrl::parse("https://x.example:0443")
                .unwrap()
                .origin(),
            "https://x.example"
        );
        assert_eq!(
            ClusterUrl::parse("//x.example").unwrap().origin(),
            "https://x.example"
        );
        assert_eq!(
            ClusterUrl::parse("localhost:1885").unwrap().origin(),
            "https://localhost:1885"
        );
        let look_alike =
            ClusterUrl::parse("https://eu1.cloud.thethings.network.evil.example").unwrap();
        assert_eq!(
            look_alike.host(),
            "eu1.cloud.thethings.network.evil.example"
        );
    }

    #[test]
    fn ports_paths_and_plain_http_are_kept() {
        let url = ClusterUrl::parse("http://127.0.0.1:1885/").unwrap();
        assert_eq!(url.events_url(), "http://127.0.0.1:1885/api/v3/events");
        let url = ClusterUrl::parse("https://example.com/tts/api/v3").unwrap();
        assert_eq!(url.base(), "https://example.com/tts");
    }

    #[test]
    fn what_is_not_an_http_url_is_refused_with_a_reason() {
        let cases = [
            ("", ClusterUrlError::Empty),
            ("   ", ClusterUrlError::Empty),
            (
                "ftp://example.com",
                ClusterUrlError::UnsupportedScheme("ftp".into()),
            ),
            (
                "wss://example.com",
                ClusterUrlError::UnsupportedScheme("wss".into()),
            ),
            ("https://", ClusterUrlError::MissingHost),
            ("https:///api/v3", ClusterUrlError::MissingHost),
            (
                "https://me:secret@example.com",
                ClusterUrlError::HasCredentials,
            ),
            (
                "https://example.com/?x=1",
                ClusterUrlError::HasQueryOrFragment,
            ),
            (
                "https://exa mple.com",
                ClusterUrlError::InvalidCharacter(' '),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(ClusterUrl::parse(input), Err(expected), "{input:?}");
        }
        for look_alike in [
            "https://example.com.",
            "http://0x7f000001:1885",
            "http://2130706433",
            "http://127.1",
            "https://example.com:0",
            "https://a..example",
            "https://eu1.cloud.thethings.n\u{0435}twork",
            "https://evil.example\\eu1.cloud.thethings.network",
            "https://evil.example:1700x",
            "https://evil.example:99999",
            "https://-evil.example",
        ] {
            assert!(
                matches!(
                    ClusterUrl::parse(look_alike),
                    Err(ClusterUrlError::InvalidHost(_))
                ),
                "{look_alike}"
            );
        }
        assert!(ClusterUrl::parse("https://x.example/a\\b").is_err());
        assert_eq!(
            ClusterUrl::parse("http://127.0.0.1:39111/@127.0.0.1:36219"),
            Err(ClusterUrlError::HasCredentials)
        );
        for scheme in [
            "javascript:alert(1)",
            "data:text/html,x",
            "file:/etc/passwd",
        ] {
            assert!(
                matches!(
                    ClusterUrl::parse(scheme),
                    Err(ClusterUrlError::UnsupportedScheme(_))
                ),
                "{scheme}"
            );
        }
        let message = ClusterUrl::parse("ftp://x").unwrap_err().to_string();
        assert!(message.contains("https://"), "{message}");
    }
}
