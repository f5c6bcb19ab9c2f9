//! A device's join attempts and their outcomes in words: joined, join
//! rejected (with the Join Server's reason), not answered; and repeated
//! joins flagged.
//!
//! Why: "the device keeps rejoining" and "it never joins" are answered by
//! the attempts in one line each, with the reason (DevNonce too small,
//! unknown device, MIC mismatch) that today hides in an error's cause chain.

use std::collections::HashMap;

use crate::store::{Seq, Timeline};
use crate::tts::{Event, Preview};

/// How long a join-request may wait for its accept before it counts as not answered (ns).
const ANSWER_NS: i64 = 10_000_000_000;
/// Joins closer than this are "repeated" (ns).
pub const REPEAT_WINDOW_NS: i64 = 10 * 60 * 1_000_000_000;
/// How many joins in the window make them "repeated".
pub const REPEATED: usize = 3;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Joined,
    Rejected(String),
    NotAnswered,
    /// Younger than the answer window, no outcome yet.
    Pending,
}

impl Outcome {
    pub fn text(&self) -> String {
        match self {
            Outcome::Joined => "joined".to_owned(),
            Outcome::Rejected(why) => format!("join rejected: {why}"),
            Outcome::NotAnswered => "join not answered".to_owned(),
            Outcome::Pending => "waiting for the join-accept".to_owned(),
        }
    }
}

/// One join attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Join {
    /// The join-request's time (ns).
    pub time: i64,
    pub outcome: Outcome,
    pub dev_nonce: Option<String>,
    /// The events behind it.
    pub events: Vec<Seq>,
}

/// The join attempts in a device lane (oldest first), judged at `now` (ns).
pub fn joins(store: &Timeline, lane: &str, now: i64) -> Vec<Join> {
    let Some(l) = store.lane(lane) else {
        return Vec::new();
    };
    let mut attempts: Vec<(i64, Vec<(Seq, &Event)>)> = Vec::new();
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut js: Vec<(Seq, &Event)> = Vec::new();
    let seqs: Vec<Seq> = l.all().iter().rev().take(super::uplinks::SCAN).collect();
    for &seq in seqs.iter().rev() {
        let Some(e) = store.event(seq) else { continue };
        if e.name.starts_with("js.join.") {
            js.push((seq, e));
            continue;
        }
        let join = e.name.starts_with("ns.up.join.")
            || e.name.starts_with("as.up.join.")
            || e.name.starts_with("ns.down.join.");
        if !join {
            continue;
        }
        let id = e
            .correlation_ids
            .iter()
            .find(|c| c.starts_with("ns:uplink:"))
            .unwrap_or("");
        let at = match by_id.get(id).filter(|_| !id.is_empty()) {
            Some(&i) => i,
            None => {
                attempts.push((e.time.unix_nanos(), Vec::new()));
                if !id.is_empty() {
                    by_id.insert(id, attempts.len() - 1);
                }
                attempts.len() - 1
            }
        };
        if let Some(a) = attempts.get_mut(at) {
            a.0 = a.0.min(e.time.unix_nanos());
            a.1.push((seq, e));
        }
    }
    // The Join Server's answer carries none of the join's IDs: nearest attempt before it.
    for (seq, e) in js {
        let t = e.time.unix_nanos();
        let nearest = attempts
            .iter_mut()
            .filter(|(start, _)| *start <= t && t - *start < ANSWER_NS)
            .max_by_key(|(start, _)| *start);
        if let Some(a) = nearest {
            a.1.push((seq, e));
        }
    }
    attempts
        .into_iter()
        .map(|(time, events)| judge(time, &events, now))
        .collect()
}

fn judge(time: i64, events: &[(Seq, &Event)], now: i64) -> Join {
    let has = |name: &str| events.iter().find(|(_, e)| e.name == name).map(|(_, e)| *e);
    let outcome = if let Some(reject) = has("js.join.reject") {
        Outcome::Rejected(reason(reject))
    } else if let Some(fail) = has("ns.up.join.cluster.fail").or(has("ns.up.join.drop")) {
        Outcome::Rejected(reason(fail))
    } else if has("as.up.join.forward").is_some()
        || has("ns.up.join.accept.forward").is_some()
        || has("ns.up.join.process").is_some()
        || has("js.join.accept").is_some()
    {
        Outcome::Joined
    } else if now - time > ANSWER_NS {
        Outcome::NotAnswered
    } else {
        Outcome::Pending
    };
    let dev_nonce = events.iter().find_map(|(_, e)| {
        let data: serde_json::Value = serde_json::from_str(e.data.as_ref()?.as_str()).ok()?;
        data.pointer("/payload/join_request_payload/dev_nonce")
            .or_else(|| data.pointer("/message/payload/join_request_payload/dev_nonce"))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    });
    Join {
        time,
        outcome,
        dev_nonce,
        events: events.iter().map(|(s, _)| *s).collect(),
    }
}

/// The error a row shows for a rejection (its message, the innermost cause when given).
fn reason(event: &Event) -> String {
    let preview = Preview::of(event);
    let strong: Vec<&str> = preview
        .facts
        .iter()
        .filter(|f| f.strong || f.label == "cause")
        .map(|f| f.value.as_str())
        .collect();
    match strong.as_slice() {
        [] => event
            .definition()
            .map_or(event.name.to_string(), |d| d.description.to_owned()),
        [one] => (*one).to_owned(),
        [first, .., last] => format!("{first} ({last})"),
    }
}

/// "5 join-requests in 10 min" (answered or not) when joins come too often (≥ 3 within 10 minutes of the latest).
pub fn repeated(joins: &[Join]) -> Option<String> {
    let latest = joins.last()?.time;
    let n = joins
        .iter()
        .filter(|j| latest - j.time <= REPEAT_WINDOW_NS)
        .count();
    (n >= REPEATED).then(|| format!("{n} join-requests in 10 min"))
}
