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
            None => ("https".to_owned(), input),
        };
        if scheme != "http" && scheme != "https" {
            return Err(ClusterUrlError::UnsupportedScheme(scheme));
        }
        if rest.contains(['?', '#']) {
            return Err(ClusterUrlError::HasQueryOrFragment);
        }
        let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
        if authority.contains('@') {
            return Err(ClusterUrlError::HasCredentials);
        }
        if authority.is_empty() || authority.starts_with(':') {
            return Err(ClusterUrlError::MissingHost);
        }
        let mut path = path.trim_end_matches('/');
        for suffix in ["/api/v3/events", "/api/v3"] {
            if let Some(stripped) = path.strip_suffix(suffix) {
                path = stripped.trim_end_matches('/');
                break;
            }
        }
        Ok(Self {
            base: format!("{scheme}://{}{path}", authority.to_ascii_lowercase()),
        })
    }

    /// The base URL, e.g. `https://eu1.cloud.thethings.network`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Where to `POST` a stream request.
    pub fn events_url(&self) -> String {
        format!("{}/api/v3/events", self.base)
    }
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
        let message = ClusterUrl::parse("ftp://x").unwrap_err().to_string();
        assert!(message.contains("https://"), "{message}");
    }
}
