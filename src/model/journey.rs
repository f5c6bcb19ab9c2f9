//! The open journey: which message, the steps fetched from the cluster for
//! it, and what the fetching found; and the device lanes shown as messages.
//!
//! Transitions: open (from a row, or a link's `journey=` ID), close, the
//! shell's fetches out ([`Model::journey_fetches`]) and their answers in
//! ([`Model::journey_answer`]). An answer for a journey that was closed or
//! replaced meanwhile is dropped (by generation). Fetching is asked only of
//! the cluster the live stream is connected to, with its key.

use super::{Model, Source};
use crate::form::ApiKey;
use crate::journey::{parse_related, Journey, Pool, Seed};
use crate::store::EventRef;
use crate::tts::{ApiError, Event, Timestamp};

/// The most correlation IDs asked of the cluster for one journey.
pub const MAX_ASKED: usize = 8;
/// The most events fetched and kept for one journey.
const MAX_FETCHED: usize = 1000;
/// How long TTS keeps event payloads by default (API.md §7.1), ms.
const HISTORY_MS: i64 = 10 * 60 * 1000;

/// What a fetch for the journey returned.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// `200` with this body.
    Body(Vec<u8>),
    /// Another status, with its content type and body.
    Error {
        status: u16,
        content_type: Option<String>,
        body: Vec<u8>,
    },
    /// No response (network, CORS).
    Unreachable(String),
}

/// One request the shell must make: `GET /api/v3/events/related?correlation_id=…`
/// of the connected cluster, with its key.
#[derive(Debug, Clone)]
pub struct Fetch {
    pub generation: u64,
    pub correlation_id: String,
    /// `GET` here.
    pub url: String,
    /// As `Authorization: Bearer …`, to this URL only.
    pub key: ApiKey,
}

/// The journey a user opened.
#[derive(Debug, Clone, Default)]
pub struct OpenJourney {
    seed: Option<Seed>,
    /// The row it was opened from, and its list (a lane key, `""` for the
    /// flat view): focus returns there on close.
    from_row: Option<(String, EventRef)>,
    generation: u64,
    fetched: Vec<Event>,
    asked: Vec<String>,
    answered: usize,
    empty: usize,
    redacted: usize,
    storage_disabled: bool,
    problem: Option<String>,
    /// When the last answer came (ms), to judge the cluster's history window.
    answered_at: Option<i64>,
    /// The ID a link carries (kept: the view is read on every change).
    link: Option<String>,
}

impl Model {
    /// Opens the journey of the event at `at` (a row of `list`); `false`
    /// when it is not a step of any message.
    pub fn open_journey_at(&mut self, list: Option<&str>, at: EventRef) -> bool {
        let Some(seed) = self.store.event(at).and_then(Seed::of) else {
            return false;
        };
        self.start_journey(seed, Some((list.unwrap_or_default().to_owned(), at)));
        true
    }

    /// Whether the event at `at` is a step of a message (has a journey).
    pub fn has_journey(&self, at: EventRef) -> bool {
        self.store.event(at).and_then(Seed::of).is_some()
    }

    /// Opens the journey of one message ID (from a link); `false` when the
    /// ID names no message.
    pub fn open_journey_id(&mut self, id: &str) -> bool {
        let Some(seed) = Seed::of_id(id) else {
            return false;
        };
        self.start_journey(seed, None);
        true
    }

    fn start_journey(&mut self, seed: Seed, from_row: Option<(String, EventRef)>) {
        let generation = self.journey.generation + 1;
        self.journey = OpenJourney {
            seed: Some(seed),
            from_row,
            generation,
            ..OpenJourney::default()
        };
        self.update_link();
        self.touch();
    }

    fn update_link(&mut self) {
        let seed = self
            .journey
            .seed
            .as_ref()
            .and_then(|s| s.ids.first().cloned());
        self.journey.link = self
            .journey()
            .and_then(|j| j.link_id().map(str::to_owned))
            .or(seed);
    }

    /// Closes the journey; the row it was opened from (list, row), to give
    /// the focus back.
    pub fn close_journey(&mut self) -> Option<(String, EventRef)> {
        let from = self.journey.from_row.take();
        self.journey.seed = None;
        self.journey.fetched.clear();
        self.touch();
        from
    }

    pub fn journey_is_open(&self) -> bool {
        self.journey.seed.is_some()
    }

    /// The open journey, from the store and what was fetched for it.
    pub fn journey(&self) -> Option<Journey> {
        let seed = self.journey.seed.as_ref()?;
        Journey::build(
            Pool {
                store: &self.store,
                fetched: &self.journey.fetched,
            },
            seed,
        )
    }

    /// The ID a link carries for the open journey.
    pub fn journey_link_id(&self) -> Option<String> {
        self.journey.seed.as_ref()?;
        self.journey.link.clone()
    }

    /// The requests to make now: the journey's message IDs not asked yet
    /// (at most [`MAX_ASKED`] in all), when a live stream is connected. The
    /// requests are marked as asked.
    pub fn journey_fetches(&mut self) -> Vec<Fetch> {
        let Some((cluster, key)) = self.live_target() else {
            return Vec::new();
        };
        if self.journey.seed.is_none() {
            return Vec::new();
        }
        let mut ids: Vec<String> = self.journey().map(|j| j.ids).unwrap_or_default();
        if let Some(seed) = &self.journey.seed {
            for id in &seed.ids {
                if !ids.contains(id) {
                    ids.push(id.clone());
                }
            }
        }
        // The message's own IDs first; RPC IDs only when nothing else is known.
        crate::sort::sort_by_key(&mut ids, |id| id.starts_with("rpc:"));
        let generation = self.journey.generation;
        let mut out = Vec::new();
        for id in ids {
            if self.journey.asked.len() >= MAX_ASKED {
                break;
            }
            if self.journey.asked.contains(&id) || id.len() > 100 {
                continue;
            }
            self.journey.asked.push(id.clone());
            out.push(Fetch {
                generation,
                url: cluster.related_url(&id),
                key: key.clone(),
                correlation_id: id,
            });
        }
        if !out.is_empty() {
            self.touch();
        }
        out
    }

    fn can_fetch(&self) -> bool {
        self.live_target().is_some()
    }

    /// The cluster the live stream is connected to, and its key.
    fn live_target(&self) -> Option<(crate::stream::ClusterUrl, ApiKey)> {
        match &self.source {
            Source::Live(live) => Some((live.form.cluster.clone(), live.form.api_key.clone())),
            _ => None,
        }
    }

    /// An answer to [`Fetch`] `fetch` arrived at `now`. Returns whether more
    /// requests should be made (the answer named new message IDs).
    pub fn journey_answer(&mut self, fetch: &Fetch, answer: Answer, now: Timestamp) -> bool {
        if fetch.generation != self.journey.generation || self.journey.seed.is_none() {
            return false;
        }
        let j = &mut self.journey;
        j.answered += 1;
        j.answered_at = Some(now.unix_millis());
        match answer {
            Answer::Body(body) => match parse_related(&fetch.correlation_id, &body) {
                Ok(related) => {
                    if related.events.is_empty() {
                        j.empty += 1;
                    }
                    j.redacted += related.redacted;
                    for event in related.events {
                        let known = j.fetched.iter().any(|e| e.unique_id == event.unique_id);
                        if !known && j.fetched.len() < MAX_FETCHED {
                            j.fetched.push(event);
                        }
                    }
                }
                Err(why) => j.problem = Some(why),
            },
            Answer::Error {
                status,
                content_type,
                body,
            } => {
                let error = ApiError::from_response(status, content_type.as_deref(), &body);
                if error.name() == Some("storage_disabled") {
                    j.storage_disabled = true;
                } else {
                    j.problem = Some(format!("The cluster answered {status}: {error}"));
                }
            }
            Answer::Unreachable(why) => {
                j.problem = Some(format!("The cluster could not be reached: {why}"));
            }
        }
        self.update_link();
        self.touch();
        let asked = self.journey.asked.len();
        asked < MAX_ASKED
            && self
                .journey()
                .is_some_and(|j| j.ids.iter().any(|id| !self.journey.asked.contains(id)))
    }

    /// A sentence on what was fetched and what could not be, if there is
    /// anything to say.
    pub fn journey_note(&self) -> Option<String> {
        let j = &self.journey;
        j.seed.as_ref()?;
        if j.storage_disabled {
            return Some(
                "This cluster keeps no event history (its events storage is not enabled), so \
                 steps that are not in memory cannot be fetched."
                    .to_owned(),
            );
        }
        if let Some(problem) = &j.problem {
            return Some(format!("Fetching the other steps failed. {problem}"));
        }
        if j.answered < j.asked.len() {
            return Some(format!(
                "Asking the cluster for the steps not in memory ({} of {} answered)…",
                j.answered,
                j.asked.len()
            ));
        }
        if j.asked.is_empty() && self.snapshot_note().is_some() {
            return Some("Only the steps the snapshot holds are shown.".to_owned());
        }
        if j.asked.is_empty() && self.capture_state().is_some() {
            return Some("Only the steps the capture holds are shown.".to_owned());
        }
        if j.asked.is_empty() {
            return (!self.can_fetch()).then(|| {
                "Only the steps in memory are shown: connect to the cluster to fetch the others."
                    .to_owned()
            });
        }
        let journey = self.journey();
        let fetched = journey.as_ref().map_or(0, Journey::fetched);
        let mut parts = Vec::new();
        if fetched > 0 {
            parts.push(format!(
                "{fetched} step{} fetched from the cluster.",
                if fetched == 1 { "" } else { "s" }
            ));
        }
        if j.redacted > 0 {
            parts.push(format!(
                "{} step{} hidden by the cluster: the API key lacks the rights to see them.",
                j.redacted,
                if j.redacted == 1 { " is" } else { "s are" }
            ));
        }
        if j.empty == j.answered {
            let age = journey
                .as_ref()
                .and_then(|jr| jr.steps.first())
                .zip(j.answered_at)
                .map(|(s, now)| now - s.event.time.unix_millis());
            parts.push(match age {
                Some(age) if age > HISTORY_MS => format!(
                    "The cluster had no more steps: it keeps event history only for a short \
                     time (10 minutes by default) and this message is {} old.",
                    crate::journey::span(age * 1_000_000)
                ),
                _ => "The cluster had no steps beyond those in memory.".to_owned(),
            });
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    }

    // --- device lanes as messages ------------------------------------------

    /// Whether a lane shows one row per message.
    pub fn shows_messages(&self, lane: &str) -> bool {
        self.messages_lanes.contains(lane)
    }

    /// Messages ↔ events for a device lane.
    pub fn toggle_messages(&mut self, lane: &str) {
        if !self.messages_lanes.remove(lane) {
            self.messages_lanes.insert(lane.to_owned());
        }
        self.touch();
    }

    /// The lanes shown as messages, for the link.
    pub fn messages_lanes(&self) -> Vec<String> {
        let mut v: Vec<String> = self.messages_lanes.iter().cloned().collect();
        crate::sort::sort(&mut v);
        v
    }
}
