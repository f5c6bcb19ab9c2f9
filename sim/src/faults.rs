//! Fault injection for reliability tests: end a stream after N events or T ms, cut the connection
//! in the middle of a frame, stall, a mid-stream `{"error":…}`, one malformed frame, 1-byte
//! chunks, or an answer instead of the stream — TTS's 429, or any HTTP status with a TTS-shaped
//! JSON body or a reverse proxy's HTML error page. Also the per-stream pace of flood mode
//! (`rate`, `rate_after`), which benchmarks set the same way: fill the viewer as fast as it
//! reads, then stream at a steady rate.
//!
//! Switches come from three places, most specific first: query parameters of the request, the
//! armed sets of `POST /sim/faults` (a queue: each set is consumed by its next K streams, in
//! order), the CLI flags. This module
//! only decides *what* to inject; `stream.rs` does it. It must never affect a stream that did not
//! ask for a fault (query), was not armed for it (control endpoint), or run without CLI flags.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::error::TtsError;

/// Which error `error_after` sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FaultError {
    /// 16 `pkg/identityserver:api_key_expired`.
    Expired,
    /// 7 `pkg/auth/rights:no_<kind>_rights` for the first requested entity.
    Revoked,
    /// 14 Unavailable (the default).
    #[default]
    Unavailable,
}

/// The body of a `status` answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum FaultBody {
    /// A TTS-shaped `google.rpc.Status` JSON object (the default).
    #[default]
    Json,
    /// A reverse proxy's HTML error page (`Content-Type: text/html`).
    Html,
}

/// The statuses a `status` fault may answer with.
pub const FAULT_STATUSES: std::ops::RangeInclusive<u16> = 400..=599;

/// What a request gets instead of a stream, when a fault says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instead {
    /// TTS's rate-limit error (429 with `X-Rate-Limit-Retry: retry`).
    RateLimited {
        /// Seconds.
        retry: u64,
    },
    /// `status` with that body.
    Status {
        /// An HTTP status in [`FAULT_STATUSES`].
        status: u16,
        /// JSON or HTML.
        body: FaultBody,
    },
}

/// A set of fault switches; `None` = not set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// End the stream (EOF) after N events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_after: Option<u64>,
    /// After N events, write the first half of the next frame and break the connection (no
    /// clean end of the body: what a proxy or a dropped network does).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut_after: Option<u64>,
    /// End the stream (EOF) after T milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_after_ms: Option<u64>,
    /// Stop writing after N events but keep the connection open.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stall_after: Option<u64>,
    /// Send `{"error":…}` after N events, then end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_after: Option<u64>,
    /// Which error `error_after` sends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<FaultError>,
    /// Inject one malformed frame after N events, then continue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub malformed_after: Option<u64>,
    /// Write every byte as its own chunk (`true` or `1` in JSON).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "bool_or_number"
    )]
    pub chunk: Option<bool>,
    /// Answer 429 with this `X-Rate-Limit-Retry` (seconds) instead of streaming.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_429_retry: Option<u64>,
    /// Answer this HTTP status (400–599) instead of streaming. A JSON 429 is always
    /// `status_429_retry` (see [`Faults::with_status_429_as_retry`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The body of the `status` answer (default JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<FaultBody>,
    /// Flood mode only: pace this stream to R events per second (0 = unpaced).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<u64>,
    /// Flood mode only: with `rate`, send the first N events as fast as the client reads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_after: Option<u64>,
}

impl Faults {
    /// Parses query parameters (`end_after`, `end_after_ms`, `cut_after`, `stall_after`, `error_after`,
    /// `error=expired|revoked|unavailable`, `malformed_after`, `chunk=1`, `status=429&retry=S`,
    /// `status=N[&body=json|html]` (N in 400–599), and the flood pace `rate`, `rate_after`).
    ///
    /// # Errors
    /// A plain code-3 status naming the bad parameter.
    pub fn from_query(q: &HashMap<String, String>) -> Result<Self, TtsError> {
        let num = |k: &str| -> Result<Option<u64>, TtsError> {
            q.get(k)
                .map(|v| {
                    v.parse::<u64>()
                        .map_err(|_| TtsError::plain(3, format!("invalid fault parameter {k}={v}")))
                })
                .transpose()
        };
        let error = match q.get("error").map(String::as_str) {
            None => None,
            Some("expired") => Some(FaultError::Expired),
            Some("revoked") => Some(FaultError::Revoked),
            Some("unavailable") => Some(FaultError::Unavailable),
            Some(other) => {
                return Err(TtsError::plain(
                    3,
                    format!("invalid fault parameter error={other}"),
                ))
            }
        };
        let body = match q.get("body").map(String::as_str) {
            None => None,
            Some("json") => Some(FaultBody::Json),
            Some("html") => Some(FaultBody::Html),
            Some(other) => {
                return Err(TtsError::plain(
                    3,
                    format!("invalid fault parameter body={other}"),
                ))
            }
        };
        let status = match q.get("status") {
            None if body.is_some() => {
                return Err(TtsError::plain(
                    3,
                    "invalid fault parameter body: it needs status=N",
                ))
            }
            None => None,
            Some(v) => match v.parse::<u16>() {
                Ok(s) if FAULT_STATUSES.contains(&s) => Some(s),
                _ => {
                    return Err(TtsError::plain(
                        3,
                        format!("invalid fault parameter status={v} (400 to 599)"),
                    ))
                }
            },
        };
        let faults = Self {
            end_after: num("end_after")?,
            end_after_ms: num("end_after_ms")?,
            cut_after: num("cut_after")?,
            stall_after: num("stall_after")?,
            error_after: num("error_after")?,
            error,
            malformed_after: num("malformed_after")?,
            chunk: q.get("chunk").map(|v| v == "1" || v == "true"),
            status_429_retry: None,
            status,
            body,
            rate: num("rate")?,
            rate_after: num("rate_after")?,
        };
        let retry = if status.is_some() {
            num("retry")?
        } else {
            None
        };
        Ok(faults.with_status_429_as_retry(retry))
    }

    /// A JSON `status: 429` becomes `status_429_retry` (`retry`, else 60 s): TTS's rate-limit
    /// answer, the only one with a retry header. An HTML 429 stays a proxy's page.
    pub fn with_status_429_as_retry(mut self, retry: Option<u64>) -> Self {
        if self.status == Some(429) && self.body != Some(FaultBody::Html) {
            self.status_429_retry = self.status_429_retry.or(retry).or(Some(60));
            self.status = None;
            self.body = None;
        }
        self
    }

    /// What the request gets instead of a stream, if anything: `status` first, then
    /// `status_429_retry`.
    pub fn instead_of_stream(&self) -> Option<Instead> {
        match (self.status, self.status_429_retry) {
            (Some(status), _) => Some(Instead::Status {
                status,
                body: self.body.unwrap_or_default(),
            }),
            (None, Some(retry)) => Some(Instead::RateLimited { retry }),
            (None, None) => None,
        }
    }

    /// Checks switches that did not come through [`Faults::from_query`] (armed JSON).
    ///
    /// # Errors
    /// A plain code-3 status when `status` is outside 400–599.
    pub fn check(&self) -> Result<(), TtsError> {
        match self.status {
            Some(s) if !FAULT_STATUSES.contains(&s) => Err(TtsError::plain(
                3,
                format!("invalid fault status {s} (400 to 599)"),
            )),
            _ => Ok(()),
        }
    }

    /// `self` with unset switches taken from `fallback`. The answer instead of a stream
    /// (`status`, `body`, `status_429_retry`) is one switch: taken whole from `self` when it sets
    /// any status, else whole from `fallback`.
    pub fn or(self, fallback: &Faults) -> Faults {
        let answer = if self.status.is_some() || self.status_429_retry.is_some() {
            (self.status, self.body, self.status_429_retry)
        } else {
            (fallback.status, fallback.body, fallback.status_429_retry)
        };
        Faults {
            end_after: self.end_after.or(fallback.end_after),
            end_after_ms: self.end_after_ms.or(fallback.end_after_ms),
            cut_after: self.cut_after.or(fallback.cut_after),
            stall_after: self.stall_after.or(fallback.stall_after),
            error_after: self.error_after.or(fallback.error_after),
            error: self.error.or(fallback.error),
            malformed_after: self.malformed_after.or(fallback.malformed_after),
            chunk: self.chunk.or(fallback.chunk),
            status: answer.0,
            body: answer.1,
            status_429_retry: answer.2,
            rate: self.rate.or(fallback.rate),
            rate_after: self.rate_after.or(fallback.rate_after),
        }
    }

    /// Whether any switch is set.
    pub fn any(&self) -> bool {
        *self != Faults::default()
    }
}

fn bool_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let v = Option::<serde_json::Value>::deserialize(d)?;
    Ok(match v {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::Bool(b)) => Some(b),
        Some(serde_json::Value::Number(n)) => Some(n.as_f64().is_some_and(|f| f != 0.0)),
        Some(serde_json::Value::String(s)) => Some(s == "1" || s == "true"),
        Some(_) => return Err(serde::de::Error::custom("chunk must be a boolean or 0/1")),
    })
}

/// Body of `POST /sim/faults`: the switches plus how many streams they apply to. Like the query,
/// `"status":429,"retry":S` is accepted as a synonym of `"status_429_retry":S`, and
/// `"status":502,"body":"html"` answers a proxy's error page.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ArmedFaults {
    /// The switches.
    #[serde(flatten)]
    pub faults: Faults,
    /// Number of upcoming streams they apply to (default 1).
    #[serde(default = "one")]
    pub streams: u64,
    /// Seconds for `X-Rate-Limit-Retry` with `status: 429` (default 60).
    #[serde(default, skip_serializing)]
    pub retry: Option<u64>,
}

fn one() -> u64 {
    1
}

/// The faults armed through the control endpoint: a queue of sets, the front one applying to
/// the next stream.
#[derive(Debug, Default)]
pub struct FaultControl {
    armed: Mutex<VecDeque<ArmedFaults>>,
}

fn normalize(mut a: ArmedFaults) -> ArmedFaults {
    a.faults = a.faults.with_status_429_as_retry(a.retry.take());
    a
}

impl FaultControl {
    /// Arms `a` (replacing what was armed).
    pub fn arm(&self, a: ArmedFaults) {
        self.arm_queue(vec![a]);
    }

    /// Arms a queue of sets (replacing what was armed): the first applies to its `streams`
    /// next streams, then the second, and so on. Sets for 0 streams are dropped.
    pub fn arm_queue(&self, sets: Vec<ArmedFaults>) {
        if let Ok(mut g) = self.armed.lock() {
            *g = sets
                .into_iter()
                .map(normalize)
                .filter(|a| a.streams > 0)
                .collect();
        }
    }

    /// What is armed, next first.
    pub fn current(&self) -> Vec<ArmedFaults> {
        self.armed
            .lock()
            .map(|g| g.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Clears.
    pub fn clear(&self) {
        if let Ok(mut g) = self.armed.lock() {
            g.clear();
        }
    }

    /// Takes the armed faults for one stream (decrementing the front set's count).
    pub fn take(&self) -> Faults {
        let Ok(mut g) = self.armed.lock() else {
            return Faults::default();
        };
        let Some(a) = g.front_mut() else {
            return Faults::default();
        };
        let f = a.faults.clone();
        a.streams = a.streams.saturating_sub(1);
        if a.streams == 0 {
            g.pop_front();
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(end_after: u64, streams: u64) -> ArmedFaults {
        ArmedFaults {
            faults: Faults {
                end_after: Some(end_after),
                ..Faults::default()
            },
            streams,
            ..ArmedFaults::default()
        }
    }

    #[test]
    fn a_queue_is_consumed_in_order_then_streams_are_clean() {
        let control = FaultControl::default();
        control.arm_queue(vec![set(1, 2), set(7, 0), set(3, 1)]);
        let taken: Vec<Option<u64>> = (0..4).map(|_| control.take().end_after).collect();
        assert_eq!(taken, [Some(1), Some(1), Some(3), None]);
        assert!(control.current().is_empty());
    }

    fn query(q: &str) -> Result<Faults, TtsError> {
        let map = q
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Faults::from_query(&map)
    }

    fn instead(q: &str) -> Option<Instead> {
        query(q).ok().and_then(|f| f.instead_of_stream())
    }

    #[test]
    fn a_status_query_picks_the_answer_instead_of_the_stream() {
        assert_eq!(
            instead("status=429&retry=7"),
            Some(Instead::RateLimited { retry: 7 })
        );
        assert_eq!(
            instead("status=429"),
            Some(Instead::RateLimited { retry: 60 })
        );
        let html = FaultBody::Html;
        assert_eq!(
            instead("status=502&body=html"),
            Some(Instead::Status {
                status: 502,
                body: html
            })
        );
        assert_eq!(
            instead("status=429&body=html&retry=3"),
            Some(Instead::Status {
                status: 429,
                body: html
            })
        );
        assert_eq!(
            instead("status=503"),
            Some(Instead::Status {
                status: 503,
                body: FaultBody::Json
            })
        );
        for bad in [
            "status=200",
            "status=abc",
            "status=502&body=xml",
            "body=html",
        ] {
            let e = query(bad).err().map(|e| e.message()).unwrap_or_default();
            assert!(e.starts_with("invalid fault parameter"), "{bad}: {e:?}");
        }
    }

    #[test]
    fn the_most_specific_source_decides_the_answer_whole() {
        let cli = Faults {
            status: Some(502),
            body: Some(FaultBody::Html),
            ..Faults::default()
        };
        let from_query = query("status=429&retry=5").unwrap_or_default();
        assert_eq!(
            from_query.or(&cli).instead_of_stream(),
            Some(Instead::RateLimited { retry: 5 })
        );
        let unrelated = query("end_after=3").unwrap_or_default().or(&cli);
        assert_eq!(unrelated.end_after, Some(3));
        assert_eq!(
            unrelated.instead_of_stream(),
            Some(Instead::Status {
                status: 502,
                body: FaultBody::Html
            })
        );
    }

    #[test]
    fn an_armed_json_429_is_the_rate_limit_and_a_bad_status_is_refused() {
        let a: ArmedFaults =
            serde_json::from_str(r#"{"status":429,"retry":4}"#).unwrap_or_default();
        let control = FaultControl::default();
        control.arm(a);
        assert_eq!(
            control.take().instead_of_stream(),
            Some(Instead::RateLimited { retry: 4 })
        );
        let page: ArmedFaults =
            serde_json::from_str(r#"{"status":504,"body":"html"}"#).unwrap_or_default();
        assert!(page.faults.check().is_ok());
        let bad: ArmedFaults = serde_json::from_str(r#"{"status":302}"#).unwrap_or_default();
        assert!(bad.faults.check().is_err());
    }

    #[test]
    fn arming_again_replaces_the_queue() {
        let control = FaultControl::default();
        control.arm_queue(vec![set(1, 5), set(2, 5)]);
        control.arm(set(9, 1));
        assert_eq!(control.current(), vec![set(9, 1)]);
        control.clear();
        assert_eq!(control.take(), Faults::default());
    }
}
