//! Why an attempt to stream failed, in words: what was tried (the URL), what
//! happened, the likely causes in order, and the technical details — for
//! every failed attempt, the first one included.
//!
//! Why: a browser reports "refused", "no such host", "certificate not
//! trusted", "blocked by CORS" and "mixed content" all as one opaque network
//! error, so the page must list the causes it cannot tell apart, most likely
//! first, and name a server that answered but is not The Things Stack. Pure;
//! it never reads a clock or the page: the shell says whether the page is
//! served over https and from which origin.

use crate::share::key_link::time_words;
use crate::stream::session::EndCause;
use crate::tts::{ApiError, ErrorSource, Timestamp};

/// Where the viewer runs, for the causes that depend on it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    /// The page's origin, e.g. `https://tools.example.com`.
    pub origin: String,
}

impl Page {
    fn is_https(&self) -> bool {
        self.origin.starts_with("https://")
    }
}

/// One failed attempt, explained.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// What was tried: the events URL.
    pub url: String,
    /// What happened, one or two sentences.
    pub what: String,
    /// The likely causes, most likely first (empty when the server said why).
    pub causes: Vec<String>,
    /// What to do about it, when there is a clear next step.
    pub hint: Option<String>,
    /// HTTP status, error ID, cause chain, correlation ID: for the Details button.
    pub details: Vec<String>,
}

fn is_local(url: &str) -> bool {
    let authority = url
        .split_once("://")
        .map_or(url, |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    matches!(host, "localhost" | "127.0.0.1" | "::1")
}

fn details_of(error: &ApiError) -> Vec<String> {
    let mut lines = vec![format!("HTTP {}", error.status())];
    if let Some(id) = error.id() {
        lines.push(format!("error {id}"));
    }
    for cause in error.chain() {
        lines.push(format!("{}: {}", cause.id(), cause.message()));
    }
    if let Some(c) = error.correlation_id().filter(|c| !c.is_empty()) {
        lines.push(format!("correlation ID {c}"));
    }
    if let ErrorSource::NotStatus { excerpt, .. } = &error.source {
        if !excerpt.is_empty() {
            lines.push(format!("the body began: {excerpt}"));
        }
    }
    lines
}

/// The causes of a request that got no answer at all, most likely first.
fn unreachable_causes(url: &str, page: &Page) -> Vec<String> {
    let mut causes = Vec::new();
    if page.is_https() && url.starts_with("http://") && !is_local(url) {
        causes.push(
            "this page is served over https and the cluster over http: browsers block such mixed \
             content — use the cluster's https:// address"
                .to_owned(),
        );
    }
    causes.extend([
        "the address or the port is wrong, or no server is listening there".to_owned(),
        format!(
            "the server does not allow this page's origin ({}) (CORS): The Things Stack allows every \
             origin, so a proxy in front of it may be dropping the CORS headers",
            if page.origin.is_empty() { "this page" } else { &page.origin }
        ),
        "the host name does not resolve (DNS), or the server's certificate is not trusted (TLS)"
            .to_owned(),
        "this browser is offline, or a firewall or VPN blocks the connection".to_owned(),
    ]);
    causes
}

/// How far an attempt got before it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reached {
    /// No answer, and no stream of this session ever opened: the address
    /// itself may be wrong.
    Nothing,
    /// No answer now, but an earlier stream of this session opened: the
    /// address was right, an outage is likely (and retrying never stops).
    EarlierStream,
    /// This stream opened (the server answered) before it ended.
    ThisStream,
}

/// The causes of an attempt that got no answer from a cluster that
/// streamed before in this session, most likely first.
fn outage_causes() -> Vec<String> {
    vec![
        "the cluster, or a proxy in front of it, is restarting or down".to_owned(),
        "the network between this browser and the cluster is down, or a VPN or firewall now \
         blocks it"
            .to_owned(),
    ]
}

/// Explains how an attempt ended, given how far it got. `None` for an abort
/// (not a failure).
pub fn explain(cause: &EndCause, url: &str, reached: Reached, page: &Page) -> Option<Failure> {
    let failure = |what: String, causes: Vec<String>, hint: Option<String>, details| Failure {
        url: url.to_owned(),
        what,
        causes,
        hint,
        details,
    };
    Some(match cause {
        EndCause::Aborted => return None,
        EndCause::Network(detail) if reached == Reached::EarlierStream => failure(
            format!("Could not reach {url}: the browser got no answer ({detail})."),
            outage_causes(),
            Some(
                "It streamed before in this session: Eventline keeps retrying, and resumes \
                 where the stream stopped, nothing shown twice."
                    .into(),
            ),
            vec![format!("network error: {detail}")],
        ),
        EndCause::Network(detail) if reached == Reached::Nothing => failure(
            format!("Could not reach {url}: the browser got no answer ({detail})."),
            unreachable_causes(url, page),
            Some("Check the cluster URL first: copy it from the Console's address bar.".into()),
            vec![format!("network error: {detail}")],
        ),
        EndCause::Network(detail) => failure(
            format!("The connection to {url} broke ({detail})."),
            Vec::new(),
            None,
            vec![format!("network error: {detail}")],
        ),
        EndCause::Eof => failure(
            "The server ended the stream.".into(),
            Vec::new(),
            None,
            Vec::new(),
        ),
        EndCause::Silent(quiet) => failure(
            format!(
                "No data for {} s; the connection may have died.",
                quiet.as_secs()
            ),
            Vec::new(),
            None,
            Vec::new(),
        ),
        EndCause::StreamError(error) => failure(
            format!("The server ended the stream: {}", error.sentence()),
            Vec::new(),
            error.hint(),
            details_of(error),
        ),
        EndCause::Rejected {
            status: 429,
            retry_after_secs,
            error,
        } => failure(
            match retry_after_secs {
                Some(s) => {
                    format!("{url} asked to slow down (HTTP 429, rate limit) and to wait {s} s.")
                }
                None => format!("{url} asked to slow down (HTTP 429, rate limit)."),
            },
            Vec::new(),
            None,
            details_of(error),
        ),
        EndCause::Rejected { status, error, .. } => match &error.source {
            ErrorSource::NotStatus { content_type, .. } => {
                let ct = content_type
                    .as_deref()
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .unwrap_or("no content type");
                let causes = if *status >= 500 {
                    vec![
                        "a proxy or load balancer in front of the cluster failed, or cannot reach it"
                            .to_owned(),
                        "the cluster is restarting or overloaded".to_owned(),
                        "the URL points at another server than The Things Stack".to_owned(),
                    ]
                } else {
                    vec![
                        "the URL is not a The Things Stack cluster (another web server answered)"
                            .to_owned(),
                        "the path is wrong: enter the cluster's address without a path, e.g. \
                         https://eu1.cloud.thethings.network"
                            .to_owned(),
                    ]
                };
                failure(
                    format!(
                        "{url} answered HTTP {status} with {ct}, which does not look like The \
                         Things Stack's API."
                    ),
                    causes,
                    Some("Check the cluster URL; if it is right, try again in a moment.".into()),
                    details_of(error),
                )
            }
            ErrorSource::Status => failure(
                error.sentence(),
                Vec::new(),
                error.hint(),
                details_of(error),
            ),
        },
    })
}

/// A failure of a stream that used a share key from a link: the cluster's
/// refusal of that key said in words for the recipient (the sentences for a
/// user's own key stay as they are).
pub fn for_shared_key(mut failure: Failure, cause: &EndCause, until: Timestamp) -> Failure {
    let error = match cause {
        EndCause::StreamError(error) | EndCause::Rejected { error, .. } => error,
        _ => return failure,
    };
    let ask = "Ask whoever shared the link for a new one.";
    match error.name().unwrap_or_default() {
        "api_key_not_found" => {
            failure.what = "The shared key was revoked or does not exist any more.".into();
            failure.hint = Some(ask.into());
        }
        "api_key_expired" => {
            failure.what = format!("The shared key expired at {}.", time_words(until));
            failure.hint = Some(ask.into());
        }
        name if name.starts_with("no_") && name.ends_with("_rights") => {
            failure.hint = Some(
                "A shared key works only for the one application or gateway it was made for."
                    .into(),
            );
        }
        _ => {}
    }
    failure
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const URL: &str = "https://tts.example.com/api/v3/events";

    fn page(origin: &str) -> Page {
        Page {
            origin: origin.into(),
        }
    }

    #[test]
    fn an_unreachable_address_names_the_url_and_every_likely_cause() {
        let f = explain(
            &EndCause::Network("Failed to fetch".into()),
            URL,
            Reached::Nothing,
            &page("https://tools.example.com"),
        )
        .unwrap_or_else(|| panic!("a failure"));
        assert!(f.what.contains(URL), "{}", f.what);
        assert!(f.what.contains("Failed to fetch"));
        assert_eq!(f.causes.len(), 4);
        assert!(f.causes[0].contains("address or the port"));
        assert!(f
            .causes
            .iter()
            .any(|c| c.contains("(CORS)") && c.contains("https://tools.example.com")));
    }

    /// The address worked earlier in the session: an outage, not a wrong URL.
    #[test]
    fn no_answer_after_an_earlier_stream_names_an_outage() {
        let f = explain(
            &EndCause::Network("Failed to fetch".into()),
            URL,
            Reached::EarlierStream,
            &page("https://tools.example.com"),
        )
        .unwrap_or_else(|| panic!("a failure"));
        assert!(f.what.contains(URL), "{}", f.what);
        assert!(f.causes[0].contains("restarting or down"), "{:?}", f.causes);
        assert!(f.causes.iter().all(|c| !c.contains("address or the port")));
        assert!(f.hint.is_some_and(|h| h.contains("keeps retrying")));
    }

    #[test]
    fn an_http_cluster_from_an_https_page_names_mixed_content_first() {
        let http = "http://tts.example.com/api/v3/events";
        let f = explain(
            &EndCause::Network("x".into()),
            http,
            Reached::Nothing,
            &page("https://p.example"),
        )
        .unwrap_or_else(|| panic!("a failure"));
        assert!(f.causes[0].contains("mixed content"), "{:?}", f.causes);
        let local = "http://127.0.0.1:1885/api/v3/events";
        let f = explain(
            &EndCause::Network("x".into()),
            local,
            Reached::Nothing,
            &page("https://p.example"),
        )
        .unwrap_or_else(|| panic!("a failure"));
        assert!(!f.causes[0].contains("mixed content"));
        let f = explain(
            &EndCause::Network("x".into()),
            http,
            Reached::Nothing,
            &page("http://p.example"),
        )
        .unwrap_or_else(|| panic!("a failure"));
        assert!(!f.causes.iter().any(|c| c.contains("mixed content")));
    }

    #[test]
    fn a_server_that_is_not_tts_is_named_with_its_status_and_content_type() {
        let html =
            ApiError::from_response(502, Some("text/html"), b"<html><h1>Bad Gateway</h1></html>");
        let cause = EndCause::Rejected {
            status: 502,
            retry_after_secs: None,
            error: html,
        };
        let f = explain(&cause, URL, Reached::Nothing, &Page::default())
            .unwrap_or_else(|| panic!("a failure"));
        assert_eq!(
            f.what,
            format!("{URL} answered HTTP 502 with text/html, which does not look like The Things Stack's API.")
        );
        assert!(f.causes[0].contains("proxy"));
        assert!(f.details.iter().any(|d| d.contains("Bad Gateway")));
        let plain = ApiError::from_response(404, Some("text/plain"), b"404 page not found");
        let cause = EndCause::Rejected {
            status: 404,
            retry_after_secs: None,
            error: plain,
        };
        let f = explain(&cause, URL, Reached::Nothing, &Page::default())
            .unwrap_or_else(|| panic!("a failure"));
        assert!(f.what.contains("HTTP 404 with text/plain"));
        assert!(f.causes[0].contains("not a The Things Stack cluster"));
    }

    #[test]
    fn a_rate_limit_says_how_long_to_wait() {
        let error = ApiError::from_response(
            429,
            Some("application/json"),
            br#"{"code":8,"message":"rate"}"#,
        );
        let cause = EndCause::Rejected {
            status: 429,
            retry_after_secs: Some(7),
            error,
        };
        let f = explain(&cause, URL, Reached::ThisStream, &Page::default())
            .unwrap_or_else(|| panic!("a failure"));
        assert!(f.what.contains("wait 7 s"), "{}", f.what);
    }

    #[test]
    fn an_abort_is_not_a_failure_and_a_stall_says_how_long() {
        assert_eq!(
            explain(
                &EndCause::Aborted,
                URL,
                Reached::ThisStream,
                &Page::default()
            ),
            None
        );
        let f = explain(
            &EndCause::Silent(Duration::from_secs(120)),
            URL,
            Reached::ThisStream,
            &Page::default(),
        )
        .unwrap_or_else(|| panic!("a failure"));
        assert_eq!(f.what, "No data for 120 s; the connection may have died.");
    }
}
