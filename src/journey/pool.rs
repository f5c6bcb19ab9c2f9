//! Where a journey's events are looked up: the store, plus events fetched
//! from the cluster (which may repeat stored ones; the walk merges them by
//! `unique_id`, stored first).

use crate::store::Timeline;
use crate::tts::Event;

/// One event found, and where it came from.
#[derive(Debug, Clone, Copy)]
pub struct Found<'a> {
    pub event: &'a Event,
    /// Fetched from the cluster (`/events/related`), not from the stream.
    pub fetched: bool,
}

/// Where a journey's events are looked up: the store, plus events fetched
/// from the cluster (which may repeat stored ones: merged by `unique_id`).
#[derive(Debug, Clone, Copy)]
pub struct Pool<'a> {
    pub store: &'a Timeline,
    pub fetched: &'a [Event],
}

impl<'a> Pool<'a> {
    pub(super) fn correlated(&self, id: &str) -> Vec<Found<'a>> {
        let store = self.store;
        let mut out: Vec<Found<'a>> = store
            .correlated(id)
            .into_iter()
            .filter_map(|s| store.event(s))
            .map(|event| Found {
                event,
                fetched: false,
            })
            .collect();
        out.extend(
            self.fetched
                .iter()
                .filter(|e| e.correlation_ids.iter().any(|c| c == id))
                .map(|event| Found {
                    event,
                    fetched: true,
                }),
        );
        out
    }

    pub(super) fn between(&self, from: i64, to: i64) -> Vec<Found<'a>> {
        let mut out: Vec<Found<'a>> = self
            .store
            .between(from, to)
            .map(|event| Found {
                event,
                fetched: false,
            })
            .collect();
        out.extend(
            self.fetched
                .iter()
                .filter(|e| (from..=to).contains(&e.time.unix_nanos()))
                .map(|event| Found {
                    event,
                    fetched: true,
                }),
        );
        out
    }
}
