//! Why a stream ended, and whether retrying can help (API.md §3.5, §4.2–4.4).
//!
//! Why: the one place that decides "retry" or "stop" for each way a stream
//! ends, so the rule can be read in one screen: EOF, network errors, silence,
//! 5xx and transient mid-stream errors are retried; 429 waits what the server says;
//! 400/401/403/404 and non-transient mid-stream errors (revoked rights, expired
//! key) stop. It must never retry what cannot succeed and never hold state.

use std::fmt;
use std::time::Duration;

use crate::stream::fetch::TransportError;
use crate::tts::ApiError;

/// Why the session stopped retrying.
#[derive(Debug, Clone, PartialEq)]
pub enum StopReason {
    /// The server refused in a way retrying cannot fix (400, 401, 403, 404,
    /// or a non-transient error mid-stream such as revoked rights).
    Refused(Box<ApiError>),
    /// The user (or the app) disconnected.
    Disconnected,
    /// A first connection failed this many times in a row without ever
    /// working (the last failure's cause is given): retrying stopped.
    GaveUp { attempts: u32, cause: String },
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StopReason::Refused(error) => write!(f, "{error}"),
            StopReason::Disconnected => f.write_str("Disconnected."),
            StopReason::GaveUp { attempts, cause } => write!(
                f,
                "Stopped after {attempts} failed attempts without ever connecting. {cause}"
            ),
        }
    }
}

impl StopReason {
    /// The reason in one sentence, without what to check (for a marker's
    /// line; the banner gives the rest).
    pub fn sentence(&self) -> String {
        match self {
            StopReason::Refused(error) => error.sentence(),
            other => other.to_string(),
        }
    }
}

/// How a stream (or an attempt to open one) ended.
#[derive(Debug, Clone, PartialEq)]
pub enum EndCause {
    /// The body ended.
    Eof,
    /// The connection broke or never got an answer.
    Network(String),
    /// A `{"error":…}` message inside the stream (the server ends it after that).
    StreamError(ApiError),
    /// An error status instead of a stream.
    Rejected {
        status: u16,
        /// `X-Rate-Limit-Retry`, on 429 answers.
        retry_after_secs: Option<u64>,
        error: ApiError,
    },
    /// No byte arrived for this long and the shell gave up on the stream (a
    /// stalled or half-open connection, or a quiet stream: TTS cannot tell).
    Silent(Duration),
    /// Aborted by something other than an [`Action`](super::Action) (treated as a disconnect).
    Aborted,
}

impl From<TransportError> for EndCause {
    fn from(e: TransportError) -> Self {
        match e {
            TransportError::Network(detail) => EndCause::Network(detail),
            TransportError::Rejected(info, error) => EndCause::Rejected {
                status: info.status,
                retry_after_secs: info.retry_after_secs,
                error: *error,
            },
            TransportError::Aborted => EndCause::Aborted,
        }
    }
}

/// What to do after a stream ended.
pub(super) enum Verdict {
    Retry {
        wait: Option<Duration>,
        cause: String,
    },
    Stop(StopReason),
}

pub(super) fn verdict(cause: EndCause) -> Verdict {
    let retry = |cause: String| Verdict::Retry { wait: None, cause };
    match cause {
        EndCause::Eof => retry("The server ended the stream.".into()),
        EndCause::Network(detail) => retry(format!("The connection broke ({detail}).")),
        EndCause::Silent(quiet) => retry(format!(
            "No data for {} s; the connection may have died.",
            quiet.as_secs()
        )),
        EndCause::StreamError(e) if e.is_transient() => {
            retry(format!("The server ended the stream: {e}"))
        }
        EndCause::StreamError(e) => Verdict::Stop(StopReason::Refused(Box::new(e))),
        EndCause::Rejected {
            status: 400 | 401 | 403 | 404,
            error,
            ..
        } => Verdict::Stop(StopReason::Refused(Box::new(error))),
        EndCause::Rejected {
            status: 429,
            retry_after_secs,
            ..
        } => Verdict::Retry {
            wait: retry_after_secs.map(Duration::from_secs),
            cause: "The server asked to slow down (rate limit).".into(),
        },
        EndCause::Rejected { status, error, .. }
            if error.is_transient() || matches!(status, 408 | 499 | 500 | 502..=599) =>
        {
            retry(format!("The server answered {status}: {error}"))
        }
        EndCause::Rejected { error, .. } => Verdict::Stop(StopReason::Refused(Box::new(error))),
        EndCause::Aborted => Verdict::Stop(StopReason::Disconnected),
    }
}
