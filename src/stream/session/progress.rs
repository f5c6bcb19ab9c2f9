//! `Progress`: up to when every event has arrived, per requested identifier —
//! where a resume starts, and in which order it asks for the identifiers.
//!
//! Why: TTS replays the back-fill per identifier, in the order of the request,
//! not in time order (API.md §3.1; `SubscribeWithHistory` in
//! `pkg/events/redis/store.go`): the first identifier's history runs up to the
//! stream's start before the second identifier's begins. So the newest event
//! received is not a safe resume point while a connection is back-filling: a
//! cut there would skip the rest of the other identifiers' history. And one
//! `after` serves every identifier, so it can only be the least far of them.
//!
//! How:
//! - A connection is live once an event is later than its
//!   `events.stream.start` by more than the margin (no history event can be,
//!   unless a clock is off by more than the margin every resume assumes), or
//!   after a healthy minute. Then every identifier has arrived up to its
//!   newest event, and at least up to its start.
//! - Before that, each event is placed in the back-fill of the first
//!   identifier, from the current one on, that it belongs to (§3.3): the
//!   identifiers before that one are complete up to the stream's start, the
//!   current one up to its newest event, the later ones as far as before.
//!   A guess can only err towards "not as far", never further.
//! - The resume asks from the least far identifier, and puts the least far
//!   first, so even a stream cut in every back-fill makes headway.
//! - Before any connection, the user's own `after` is the point; with none,
//!   the first stream's start (what `tail` gives is context, and a tail does
//!   not say how far an identifier got).
//!
//! Plain data; it must never read a clock.

use std::time::Duration;

use crate::tts::{definition, EntityIds, Event, Timestamp};

pub(super) fn plus(t: Timestamp, d: Duration) -> Timestamp {
    let nanos = i64::try_from(d.as_nanos()).unwrap_or(i64::MAX);
    Timestamp::from_unix_nanos(t.unix_nanos().saturating_add(nanos))
}

pub(super) fn minus(t: Timestamp, d: Duration) -> Timestamp {
    let nanos = i64::try_from(d.as_nanos()).unwrap_or(i64::MAX);
    Timestamp::from_unix_nanos(t.unix_nanos().saturating_sub(nanos))
}

/// Which events one requested identifier gets (API.md §3.3).
#[derive(Debug, Clone)]
struct Wanted {
    /// Its grouping key (`app`, `app/dev`, `gw:x`, …).
    key: String,
    /// For an application: its ID (its devices' propagating events come too).
    application: Option<String>,
}

impl Wanted {
    fn new(ids: &EntityIds) -> Self {
        let application = match ids {
            EntityIds::Application { application_id } => Some(application_id.clone()),
            _ => None,
        };
        Wanted {
            key: ids.key(),
            application,
        }
    }

    fn gets(&self, event: &Event, keys: &[String]) -> bool {
        keys.contains(&self.key)
            || self.application.as_ref().is_some_and(|app| {
                event.identifiers.iter().any(|ids| {
                    matches!(ids, EntityIds::Device { application_id, .. } if application_id == app)
                }) && definition(&event.name).is_some_and(|d| d.propagate_to_parent)
            })
    }
}

/// How far each identifier got, and the current connection's part in it.
#[derive(Debug, Clone)]
pub(super) struct Progress {
    /// How far clocks may be off (the resume margin).
    margin: Duration,
    /// The requested identifiers, in the user's order (empty: unknown, one point for all).
    wanted: Vec<Wanted>,
    /// Per identifier (one entry when `wanted` is empty): all up to here had arrived.
    through: Vec<Option<Timestamp>>,
    /// The order the current connection asks in (indices into `wanted`).
    order: Vec<usize>,
    /// Whether this connection's back-fill is all history since its `after` (not a tail).
    complete_segments: bool,
    /// Where in `order` the back-fill is, and its newest event there.
    segment: usize,
    segment_newest: Option<Timestamp>,
    /// The current connection: its newest event time (duplicates too: they show
    /// how far the server got), whether it is live, how many new events it gave.
    conn_newest: Option<Timestamp>,
    conn_live: bool,
    pub(super) conn_new_events: u64,
}

impl Progress {
    /// No progress yet, request unknown; clocks may be off by `margin`.
    pub(super) fn new(margin: Duration) -> Self {
        Progress {
            margin,
            wanted: Vec::new(),
            through: vec![None],
            order: Vec::new(),
            complete_segments: false,
            segment: 0,
            segment_newest: None,
            conn_newest: None,
            conn_live: false,
            conn_new_events: 0,
        }
    }

    /// The user's own request: its identifiers, `after` and `tail`.
    pub(super) fn for_request(
        self,
        identifiers: &[EntityIds],
        after: Option<Timestamp>,
        tail: u32,
    ) -> Self {
        let from = after.map(|a| plus(a, self.margin));
        Progress {
            wanted: identifiers.iter().map(Wanted::new).collect(),
            through: vec![from; identifiers.len().max(1)],
            order: (0..identifiers.len()).collect(),
            complete_segments: tail == 0,
            ..self
        }
    }

    /// The order the connection about to be made asks in (indices into the
    /// user's identifiers; empty when the request is unknown).
    pub(super) fn order(&self) -> &[usize] {
        &self.order
    }

    /// A new connection begins: the previous one (started at `started`, `None`
    /// before any) is folded in, and the least far identifiers go first.
    pub(super) fn next_connection(&mut self, started: Option<Timestamp>) {
        if let Some(started) = started {
            self.fold(started);
            let through = &self.through;
            crate::sort::sort_by_key(&mut self.order, |&i| through.get(i).copied().flatten());
            self.complete_segments = true; // resumes ask with `after` and no tail
        }
        self.segment = 0;
        self.segment_newest = None;
        self.conn_newest = None;
        self.conn_live = false;
        self.conn_new_events = 0;
    }

    fn fold(&mut self, started: Timestamp) {
        if self.conn_live {
            let reached = self.conn_newest.max(Some(started));
            for through in &mut self.through {
                *through = (*through).max(reached);
            }
        } else if self.complete_segments {
            for (position, &i) in self.order.iter().enumerate() {
                let reached = match position.cmp(&self.segment) {
                    std::cmp::Ordering::Less => Some(started),
                    std::cmp::Ordering::Equal => self.segment_newest,
                    std::cmp::Ordering::Greater => None,
                };
                if let Some(through) = self.through.get_mut(i) {
                    *through = (*through).max(reached);
                }
            }
        }
        for through in &mut self.through {
            *through = through.or(Some(started));
        }
    }

    /// An event (`new` or a duplicate) arrived on the current connection, which started at `started`.
    pub(super) fn saw(&mut self, event: &Event, started: Option<Timestamp>, new: bool) {
        if new {
            self.conn_new_events = self.conn_new_events.saturating_add(1);
        }
        self.conn_newest = Some(self.conn_newest.map_or(event.time, |n| n.max(event.time)));
        if started.is_some_and(|s| event.time > plus(s, self.margin)) {
            self.conn_live = true;
        }
        if self.conn_live || self.wanted.is_empty() {
            return;
        }
        let keys: Vec<String> = event.identifiers.iter().map(EntityIds::key).collect();
        let wanted = &self.wanted;
        let found = self
            .order
            .iter()
            .enumerate()
            .skip(self.segment)
            .find(|(_, &i)| wanted.get(i).is_some_and(|w| w.gets(event, &keys)));
        if let Some((position, _)) = found {
            if position > self.segment {
                self.segment = position;
                self.segment_newest = None;
            }
            self.segment_newest = Some(
                self.segment_newest
                    .map_or(event.time, |n| n.max(event.time)),
            );
        }
    }

    /// Whether the current connection is past its back-fill.
    pub(super) fn is_live(&self) -> bool {
        self.conn_live
    }

    /// The current connection is surely past its back-fill (up a healthy minute).
    pub(super) fn live(&mut self) {
        self.conn_live = true;
    }

    /// Up to when every event has arrived, for a current stream that started at `started`.
    pub(super) fn complete_through(&self, started: Option<Timestamp>) -> Option<Timestamp> {
        let mut progress = self.clone();
        if let Some(started) = started {
            progress.fold(started);
        }
        progress.through.iter().copied().min().flatten()
    }
}
