//! Problems in a lane grouped by reason: drops, failures, decode failures and
//! warnings, each with a count and the latest example; one downlink's failure
//! counted once, however many components report it.
//!
//! Why: twenty `as.up.data.decode.fail` rows say one thing — "the decoder
//! fails for this reason, 20 times, last at 10:42" — and that is what a user
//! needs to read.

use std::collections::HashMap;

use crate::journey::own_ids;
use crate::store::{RowPreview, Seq, Timeline};
use crate::tts::{family, Event, Family};

/// One kind of problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The event name (`as.up.data.decode.fail`).
    pub name: String,
    /// The reason the rows show ("data is outdated"), or the event's description.
    pub reason: String,
    pub count: usize,
    /// The latest example.
    pub latest: Seq,
    pub latest_time: i64,
}

/// The problems of a lane, most frequent first.
pub fn problems(store: &Timeline, lane: &str) -> Vec<Problem> {
    let Some(l) = store.lane(lane) else {
        return Vec::new();
    };
    let mut out: Vec<Problem> = Vec::new();
    // Oldest first, so a failure told again counts under its first telling.
    let seqs: Vec<Seq> = l.all().iter().rev().take(super::uplinks::SCAN).collect();
    let mut told: HashMap<&str, i64> = HashMap::new();
    for &seq in seqs.iter().rev() {
        let Some(e) = store.event(seq) else { continue };
        let is_problem = family(&e.name) == Family::Problem
            || e.name.ends_with(".warning")
            || e.name.contains(".drop");
        if !is_problem || told_again(e, &mut told) {
            continue;
        }
        let reason = store
            .preview(seq)
            .map(reason_of)
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| {
                e.definition()
                    .map_or(String::new(), |d| d.description.to_owned())
            });
        let time = e.time.unix_nanos();
        match out
            .iter_mut()
            .find(|p| p.name == e.name && p.reason == reason)
        {
            Some(p) => {
                p.count += 1;
                p.latest = seq;
                p.latest_time = time;
            }
            None => out.push(Problem {
                name: e.name.to_string(),
                reason,
                count: 1,
                latest: seq,
                latest_time: time,
            }),
        }
    }
    crate::sort::sort_by(&mut out, |a, b| {
        b.count
            .cmp(&a.count)
            .then(b.latest_time.cmp(&a.latest_time))
    });
    out
}

/// The events that tell of one downlink's failure, component after component
/// (the gateway's, the Network Server's, the Application Server's): one
/// failure, counted once, under its first telling (the most specific cause).
const ONE_FAILURE: [&str; 4] = [
    "gs.down.tx.fail",
    "ns.down.transmission.fail",
    "ns.down.data.schedule.fail",
    "as.down.data.failed.forward",
];

/// How far apart the tellings of one failure can be (ns): a retry of the
/// same downlink later is a failure of its own.
const TELLING_NS: i64 = 10_000_000_000;

/// Whether `e` tells again of a downlink failure already counted: one of
/// [`ONE_FAILURE`] sharing a message ID (never a batch's `rpc:` one) with
/// another within [`TELLING_NS`]. Remembers `e`'s IDs in `told`.
fn told_again<'e>(e: &'e Event, told: &mut HashMap<&'e str, i64>) -> bool {
    if !ONE_FAILURE.contains(&e.name.as_str()) {
        return false;
    }
    let time = e.time.unix_nanos();
    let mut again = false;
    for id in own_ids(e).filter(|id| !id.starts_with("rpc:")) {
        again |= told.get(id).is_some_and(|&at| time - at <= TELLING_NS);
        told.insert(id, time);
    }
    again
}

fn reason_of(row: &RowPreview) -> String {
    row.facts()
        .find(|f| f.strong && f.label.is_empty())
        .map(|f| f.value.to_owned())
        .unwrap_or_default()
}
