//! Reading a `GET /api/v3/events/related?correlation_id=…` answer
//! (API.md §7.1): `{"events":[Event…]}`, newest first, at most 100; events
//! the key may not see come reduced to name, time, identifiers, origin,
//! visibility and `unique_id`.
//!
//! Why: steps that are not in memory (evicted, from before the connection,
//! left out by the request's names) can be asked of the cluster. The answer
//! is untrusted input like any event: bad items are skipped and counted,
//! never a panic.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::tts::Event;

/// The most events read from one answer (the server sends at most 100).
pub const MAX_RELATED: usize = 200;

/// What one answer held.
#[derive(Debug, Default)]
pub struct Related {
    pub events: Vec<Event>,
    /// Events the cluster reduced because the key may not see them.
    pub redacted: usize,
    /// Items that were not events.
    pub skipped: usize,
}

#[derive(Deserialize)]
struct Body<'a> {
    #[serde(borrow, default)]
    events: Vec<&'a RawValue>,
}

/// Reads the answer for correlation ID `id`. Reduced events lose their
/// correlation IDs on the way: `id` is put back, since the cluster found
/// them by it.
///
/// # Errors
///
/// A sentence when the body is not `{"events":[…]}`.
pub fn parse_related(id: &str, body: &[u8]) -> Result<Related, String> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let parsed: Body<'_> = serde_json::from_slice(body)
        .map_err(|e| format!("the cluster's answer is not a list of events ({e})"))?;
    let mut out = Related::default();
    for raw in parsed.events.into_iter().take(MAX_RELATED) {
        match Event::from_json(raw.get().as_bytes()) {
            Ok(mut event) if !event.name.is_empty() => {
                if event.correlation_ids.is_empty() && event.data.is_none() {
                    out.redacted += 1;
                }
                if !event.correlation_ids.contains(id) {
                    event.correlation_ids.push(id);
                }
                out.events.push(event);
            }
            _ => out.skipped += 1,
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_reduced_ones_counted_and_bad_items_skipped() {
        let body = br#"{"events":[
            {"name":"as.up.data.forward","time":"2024-10-28T09:15:14.845Z","identifiers":[],"correlation_ids":["ns:uplink:N"],"unique_id":"A","data":{"x":1}},
            {"name":"gs.up.receive","time":"2024-10-28T09:15:14.631Z","identifiers":[{"gateway_ids":{"gateway_id":"g"}}],"unique_id":"B"},
            42,
            {"name":"x","time":"not a time"}
        ]}"#;
        let r = parse_related("ns:uplink:N", body).expect("a list");
        assert_eq!(r.events.len(), 2);
        assert_eq!(r.redacted, 1);
        assert_eq!(r.skipped, 2);
        assert!(r.events[1].correlation_ids.contains("ns:uplink:N"));
    }

    #[test]
    fn an_answer_that_is_not_a_list_is_named() {
        let e = parse_related("x", b"<html>502</html>").expect_err("not JSON");
        assert!(
            e.starts_with("the cluster's answer is not a list of events"),
            "{e}"
        );
        assert!(parse_related("x", br#"{"events":[]}"#).is_ok_and(|r| r.events.is_empty()));
    }
}
