//! Problems in a lane grouped by reason: drops, failures, decode failures and
//! warnings, each with a count and the latest example; one message's failure
//! counted once, however many components report it.
//!
//! Why: twenty `as.up.data.decode.fail` rows say one thing — "the decoder
//! fails for this reason, 20 times, last at 10:42" — and that is what a user
//! needs to read.

use std::collections::HashSet;

use crate::journey::own_ids;
use crate::store::{RowPreview, Seq, Timeline};
use crate::tts::{family, Family};

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
    // One message's failure, told by two components (the Network Server's
    // `ns.down.transmission.fail` and the Application Server's
    // `as.down.data.failed.forward`), is one problem: the newest telling.
    let mut told: HashSet<&str> = HashSet::new();
    for seq in l.all().iter().rev().take(super::uplinks::SCAN) {
        let Some(e) = store.event(seq) else { continue };
        let is_problem = family(&e.name) == Family::Problem
            || e.name.ends_with(".warning")
            || e.name.contains(".drop");
        if !is_problem {
            continue;
        }
        let own: Vec<&str> = own_ids(e).collect();
        let already_told = own.iter().any(|id| told.contains(id));
        told.extend(own);
        if already_told {
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
        match out
            .iter_mut()
            .find(|p| p.name == e.name && p.reason == reason)
        {
            Some(p) => p.count += 1,
            None => out.push(Problem {
                name: e.name.to_string(),
                reason,
                count: 1,
                latest: seq,
                latest_time: e.time.unix_nanos(),
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

fn reason_of(row: &RowPreview) -> String {
    row.facts()
        .find(|f| f.strong && f.label.is_empty())
        .map(|f| f.value.to_owned())
        .unwrap_or_default()
}
