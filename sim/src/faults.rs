//! Fault injection for reliability tests: end a stream after N events or T ms, cut the connection
//! in the middle of a frame, stall, a mid-stream `{"error":…}`, one malformed frame, 1-byte
//! chunks, or a 429 before the stream. Also the per-stream pace of flood mode (`rate`,
//! `rate_after`), which benchmarks set the same way: fill the viewer as fast as it reads, then
//! stream at a steady rate.
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
    /// and the flood pace `rate`, `rate_after`).
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
        let status_429_retry = match q.get("status").map(String::as_str) {
            None => None,
            Some("429") => Some(num("retry")?.unwrap_or(60)),
            Some(other) => {
                return Err(TtsError::plain(
                    3,
                    format!("invalid fault parameter status={other}"),
                ))
            }
        };
        Ok(Self {
            end_after: num("end_after")?,
            end_after_ms: num("end_after_ms")?,
            cut_after: num("cut_after")?,
            stall_after: num("stall_after")?,
            error_after: num("error_after")?,
            error,
            malformed_after: num("malformed_after")?,
            chunk: q.get("chunk").map(|v| v == "1" || v == "true"),
            status_429_retry,
            rate: num("rate")?,
            rate_after: num("rate_after")?,
        })
    }

    /// `self` with unset switches taken from `fallback`.
    pub fn or(self, fallback: &Faults) -> Faults {
        Faults {
            end_after: self.end_after.or(fallback.end_after),
            end_after_ms: self.end_after_ms.or(fallback.end_after_ms),
            cut_after: self.cut_after.or(fallback.cut_after),
            stall_after: self.stall_after.or(fallback.stall_after),
            error_after: self.error_after.or(fallback.error_after),
            error: self.error.or(fallback.error),
            malformed_after: self.malformed_after.or(fallback.malformed_after),
            chunk: self.chunk.or(fallback.chunk),
            status_429_retry: self.status_429_retry.or(fallback.status_429_retry),
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
/// `"status":429,"retry":S` is accepted as a synonym of `"status_429_retry":S`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ArmedFaults {
    /// The switches.
    #[serde(flatten)]
    pub faults: Faults,
    /// Number of upcoming streams they apply to (default 1).
    #[serde(default = "one")]
    pub streams: u64,
    /// `429` = answer with a rate-limit error (query-style synonym).
    #[serde(default, skip_serializing)]
    pub status: Option<u16>,
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
    if a.status == Some(429) && a.faults.status_429_retry.is_none() {
        a.faults.status_429_retry = Some(a.retry.unwrap_or(60));
    }
    a.status = None;
    a.retry = None;
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
