//! Snapshots: which events a "Share these events" link holds (a journey's
//! steps, a lane's events for its Health panel, the filtered view), and
//! opening one — through the capture import, so its events land in the store
//! exactly as an imported file's do — with the panel it was shared from open.
//!
//! An opened snapshot is an offline capture: it never connects anywhere and
//! asks for no key (the journey fetches nothing: there is no live cluster).
//! The format and its limits are `share::snapshot`'s; compressing is the shell's.

use std::sync::Arc;

use super::{Model, Source};
use crate::share::snapshot::{Draft, Of, Opened, SnapshotError};
use crate::tts::{Event, Timestamp};

/// What a "Share these events" button shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Share {
    /// The open journey's steps.
    Journey,
    /// A lane's events (its Health panel opens with them).
    Lane(String),
    /// The rows the timeline shows now: the filter applied, the focused lane if any.
    View,
}

/// The name an opened snapshot goes by (in the sentence when it cannot be read).
pub const SNAPSHOT_NAME: &str = "in this snapshot link";

impl Model {
    /// The events `what` holds, redacted and capped, shared at `now`.
    ///
    /// # Errors
    /// [`SnapshotError::Empty`] when there is nothing to share.
    pub fn snapshot_draft(&self, what: &Share, now: Timestamp) -> Result<Draft, SnapshotError> {
        let draft = match what {
            Share::Journey => {
                let journey = self.journey();
                let id = self.journey_link_id().unwrap_or_default();
                let steps = journey
                    .as_ref()
                    .map(|j| j.steps.as_slice())
                    .unwrap_or_default();
                Draft::new(Of::Journey(id), steps.iter().map(|s| &s.event), now)
            }
            Share::Lane(lane) => {
                let events = self.store.lane(lane).map(|l| self.events_of(l.all()));
                Draft::new(Of::Health(lane.clone()), events.unwrap_or_default(), now)
            }
            Share::View => {
                let rows = self.store.rows(self.focused.as_deref());
                let events = rows.map(|r| self.events_of(r));
                Draft::new(Of::View, events.unwrap_or_default(), now)
            }
        };
        if draft.is_empty() {
            return Err(SnapshotError::Empty);
        }
        Ok(draft)
    }

    fn events_of(&self, rows: &crate::store::Ordered) -> Vec<&Event> {
        rows.iter().filter_map(|s| self.store.event(s)).collect()
    }

    /// Opens a snapshot read from a link (`link`: its packed text, kept in
    /// the address so the page can be reloaded and the link passed on): the
    /// timeline holds its events and nothing else, live streaming ends, and
    /// the panel it was shared from opens.
    pub fn open_snapshot(&mut self, link: Arc<str>, opened: Opened<'_>, now: Timestamp) {
        let header = opened.header;
        self.import_started(SNAPSHOT_NAME, Some(opened.events.len() as u64), now);
        self.import_bytes(opened.events);
        self.import_finished();
        let note = header.note(self.incoming.len() + self.store.len());
        if let Source::Capture(c) = &mut self.source {
            c.snapshot = Some(note);
        }
        self.shared.snapshot = Some(link);
        match header.of {
            Of::Journey(id) => {
                if self.journey_link_id().as_deref() != Some(id.as_str()) {
                    self.open_journey_id(&id);
                }
            }
            Of::Health(lane) => {
                if !self.shows_health(&lane) {
                    self.toggle_health(&lane);
                }
            }
            Of::View => {}
        }
        self.touch();
    }

    /// A snapshot link that could not be read: what is on screen stays, and
    /// the sentence says why.
    pub fn snapshot_refused(&mut self, why: &SnapshotError) {
        self.capture_refused(SNAPSHOT_NAME, &why.to_string());
    }

    /// "Snapshot of N events shared on …; not live", while one is shown.
    pub fn snapshot_note(&self) -> Option<&str> {
        match &self.source {
            Source::Capture(c) => c.snapshot.as_deref(),
            _ => None,
        }
    }
}
