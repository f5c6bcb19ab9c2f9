//! Where one stream's events come from, in the order they are sent: first the stored history
//! (`tail`/`after`, the backlog), then either the hub's live feed (the generator, or a replay,
//! both publish there) or, in flood mode, the stream's own flood source. Every event passes the
//! stream's [`Filter`] and leaves as a ready frame.
//!
//! Exists so the stream writer (`writer.rs`) knows nothing about hubs, pools or rights: it asks
//! for the next frame. It must never hand out an event the caller may not see or did not ask
//! for, and never block the hub: a lagging live subscriber loses events, it does not hold them.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Bytes;
use tokio::sync::broadcast::{self, error::RecvError};

use crate::clock::now;
use crate::flood;
use crate::framing::frame;
use crate::hub::SimEvent;
use crate::ids::EntityRef;
use crate::request::StreamRequest;
use crate::rights::Caller;
use crate::state::{AppState, Traffic};

/// Which events a stream passes on: its entities, its names, and what its caller may see.
pub struct Filter {
    identifiers: Vec<EntityRef>,
    names: HashSet<String>,
    caller: Caller,
}

impl Filter {
    /// The filter of a validated request made by `caller`.
    pub fn new(req: &StreamRequest, caller: Caller) -> Self {
        Self {
            identifiers: req.identifiers.clone(),
            names: req.names.iter().cloned().collect(),
            caller,
        }
    }

    /// Whether `ev` concerns a requested entity, has a requested name (or all are), and is
    /// visible to the caller.
    pub fn passes(&self, ev: &SimEvent) -> bool {
        self.identifiers.iter().any(|r| ev.matches(r))
            && (self.names.is_empty() || self.names.contains(&ev.name))
            && self.caller.can_see(&ev.ids, &ev.visibility)
    }
}

/// What follows the backlog.
enum Feed {
    /// The hub's broadcast, from publication `min_seq` on (earlier ones are in the backlog).
    Live {
        rx: broadcast::Receiver<Arc<SimEvent>>,
        min_seq: u64,
    },
    /// This stream's own flood, as fast as it is read.
    Flood {
        state: AppState,
        source: Box<flood::Source>,
        /// Events filtered out so far (the task yields every 64).
        skipped: u32,
    },
}

/// One stream's events.
pub struct EventSource {
    filter: Filter,
    delimiter: &'static [u8],
    backlog: std::vec::IntoIter<Arc<SimEvent>>,
    feed: Feed,
}

impl EventSource {
    /// Subscribes to the hub (so nothing published from now on is missed), reads the history
    /// the request asks for (with a store), and picks the feed of the configured traffic.
    pub fn open(
        state: &AppState,
        req: &StreamRequest,
        filter: Filter,
        delimiter: &'static [u8],
    ) -> Self {
        let (rx, min_seq) = state.hub.subscribe();
        let backlog = if state.hub.has_store() && (req.tail > 0 || req.after.is_some()) {
            state
                .hub
                .history(&req.identifiers, req.tail, req.after, min_seq)
        } else {
            Vec::new()
        };
        let feed = match state.config.traffic {
            Traffic::Flood => Feed::Flood {
                state: Arc::clone(state),
                source: Box::new(flood::Source::new(
                    state.fleet.clone(),
                    state.config.seed ^ now() as u64,
                )),
                skipped: 0,
            },
            Traffic::Live { .. } | Traffic::Replay { .. } => Feed::Live { rx, min_seq },
        };
        Self {
            filter,
            delimiter,
            backlog: backlog.into_iter(),
            feed,
        }
    }

    /// Whether events come from a flood (the only feed a `rate` paces).
    pub fn is_flood(&self) -> bool {
        matches!(self.feed, Feed::Flood { .. })
    }

    /// The next stored event's frame; `None` once the backlog has been sent.
    pub fn backlog(&mut self) -> Option<Bytes> {
        let filter = &self.filter;
        self.backlog
            .find(|ev| filter.passes(ev))
            .map(|ev| frame(&ev.json, self.delimiter))
    }

    /// The next live or flood event's frame, waiting for it if need be; `Err(why)` when no more
    /// will come. Cancel-safe: dropping the future loses no live event.
    pub async fn next(&mut self) -> Result<Bytes, String> {
        let Self {
            filter,
            delimiter,
            feed,
            ..
        } = self;
        match feed {
            Feed::Live { rx, min_seq } => loop {
                match rx.recv().await {
                    Ok(ev) if ev.seq >= *min_seq && filter.passes(&ev) => {
                        return Ok(frame(&ev.json, delimiter))
                    }
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return Err("server closed".into()),
                }
            },
            Feed::Flood {
                state,
                source,
                skipped,
            } => loop {
                let ev = source.next_event(&state.hub, state.flood_pool.get());
                if filter.passes(&ev) {
                    return Ok(source.frame(now(), delimiter));
                }
                *skipped += 1;
                if skipped.is_multiple_of(64) {
                    tokio::task::yield_now().await;
                }
            },
        }
    }
}
