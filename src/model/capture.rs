//! Importing a capture file into the viewer: started (which ends any live
//! stream and empties the timeline), bytes read, finished, or failed — with
//! the progress the status shows. The reading itself is
//! [`CaptureReader`](crate::share::import::CaptureReader)'s; the shell only
//! hands over bytes as the file or the response gives them.

use super::{Model, SkippedFrame, Source};
use crate::share::import::{CaptureReader, ImportItem};
use crate::tts::Timestamp;

/// How far an import is.
#[derive(Debug, Clone, PartialEq)]
pub enum CaptureState {
    /// Reading; `progress` in 0–1 when the size is known.
    Loading { progress: Option<f64> },
    /// Everything read.
    Loaded,
    /// It could not be read (to the end); the sentence says why.
    Failed(String),
}

/// A capture being read or shown.
#[derive(Debug)]
pub(super) struct Capture {
    pub(super) name: String,
    size: Option<u64>,
    read: u64,
    reader: CaptureReader,
    pub(super) state: CaptureState,
    /// The note of an opened snapshot link (see `model/snapshot.rs`).
    pub(super) snapshot: Option<String>,
}

impl Capture {
    fn progress(&self) -> Option<f64> {
        self.size
            .map(|size| (self.read as f64 / size.max(1) as f64).min(1.0))
    }
}

impl Model {
    fn capture(&mut self) -> Option<&mut Capture> {
        match &mut self.source {
            Source::Capture(c) => Some(c),
            _ => None,
        }
    }

    /// What an import would throw away: the events in memory (paused ones
    /// included), and whether it ends a stream; `None` when nothing is lost.
    pub fn import_would_replace(&self) -> Option<(usize, bool)> {
        let events = self.store.len() + self.pending.len();
        let streaming = self.session().is_some_and(|s| !s.is_stopped());
        (events > 0 || streaming).then_some((events, streaming))
    }

    /// What a Connect would throw away: the events of the capture on show
    /// (an imported file, a hosted capture or a snapshot), and its name
    /// ("this snapshot link" for a snapshot);
    /// `None` when nothing is lost. A live timeline is not asked about: the
    /// same request resumes it, another one is a new view of the cluster,
    /// which can send those events again.
    pub fn connect_would_replace(&self) -> Option<(usize, &str)> {
        let Source::Capture(c) = &self.source else {
            return None;
        };
        let events = self.store.len() + self.pending.len() + self.incoming.len();
        let name = match c.name.as_str() {
            super::SNAPSHOT_NAME => "this snapshot link",
            file => file,
        };
        (events > 0).then_some((events, name))
    }

    /// A capture called `name` (`size` bytes, when known) starts loading: any
    /// live stream ends (the shell stops it), the timeline starts empty.
    pub fn import_started(&mut self, name: &str, size: Option<u64>, now: Timestamp) {
        self.user_disconnect(now);
        self.reset_for_new_source();
        self.source = Source::Capture(Box::new(Capture {
            name: name.to_owned(),
            size,
            read: 0,
            reader: CaptureReader::new(),
            state: CaptureState::Loading {
                progress: size.map(|_| 0.0),
            },
            snapshot: None,
        }));
        self.shared.capture = None;
        self.shared.snapshot = None;
    }

    /// A capture named by a link (`path`, relative to the app) starts loading;
    /// the link can be passed on with it.
    pub fn import_link_started(&mut self, path: &str, now: Timestamp) {
        self.import_started(path, None, now);
        self.shared.capture = Some(path.to_owned());
    }

    /// The capture's size became known (a response's `Content-Length`).
    pub fn import_size(&mut self, size: u64) {
        if let Some(c) = self.capture() {
            c.size = Some(size);
        }
    }

    /// Bytes of the capture, in order.
    pub fn import_bytes(&mut self, bytes: &[u8]) {
        let Some(c) = self.capture() else {
            return;
        };
        if !matches!(c.state, CaptureState::Loading { .. }) {
            return;
        }
        let percent = |c: &Capture| c.progress().map(|p| (p * 100.0) as u32);
        let before = percent(c);
        c.read += bytes.len() as u64;
        let items = c.reader.feed(bytes);
        c.state = CaptureState::Loading {
            progress: c.progress(),
        };
        // Progress is worth a repaint when a whole percent more is read.
        if percent(c) != before {
            self.touch();
        }
        self.import_items(items);
    }

    fn import_items(&mut self, items: Vec<ImportItem>) {
        let mut events = Vec::new();
        let skipped_before = self.stats.skipped_count;
        for item in items {
            match item {
                ImportItem::Event(e) => events.push(*e),
                ImportItem::Skipped {
                    line,
                    reason,
                    excerpt,
                } => self.stats.skip_one(|| SkippedFrame {
                    reason: format!("line {line}: {reason}"),
                    excerpt,
                }),
            }
        }
        if self.stats.skipped_count != skipped_before {
            self.touch();
        }
        self.queue(events);
    }

    /// The file ended: its last line is read and the import is done.
    pub fn import_finished(&mut self) {
        let Some(c) = self.capture() else {
            return;
        };
        if !matches!(c.state, CaptureState::Loading { .. }) {
            return;
        }
        let items = c.reader.finish();
        c.state = CaptureState::Loaded;
        self.import_items(items);
        self.touch();
    }

    /// Reading stopped for `reason` (what was read until then stays shown,
    /// and the sentence says how much).
    pub fn import_failed(&mut self, reason: &str) {
        let Some(c) = self.capture() else {
            return;
        };
        let was_reading = c.read > 0;
        let items = c.reader.finish();
        self.import_items(items);
        let shown = self.store.len() + self.incoming.len();
        let Some(c) = self.capture() else {
            return;
        };
        c.state = CaptureState::Failed(if was_reading {
            format!("{reason}; the {shown} events read until then are shown")
        } else {
            reason.to_owned()
        });
        self.touch();
    }

    /// A capture link was refused before anything was read or replaced:
    /// what is on screen stays, and the sentence says why.
    pub fn capture_refused(&mut self, name: &str, reason: &str) {
        self.refused_capture = Some((name.to_owned(), reason.to_owned(), false));
        self.touch();
    }

    /// A file to import was refused after a look at its start (see
    /// `share::import::check_head`): the events on screen stay.
    pub fn file_refused(&mut self, name: &str, reason: &str) {
        self.refused_capture = Some((name.to_owned(), reason.to_owned(), true));
        self.touch();
    }

    /// The capture refused last (until the next import or connect): its
    /// name, why, and whether it was a file (else a link).
    pub fn refused_capture(&self) -> Option<(&str, &str, bool)> {
        self.refused_capture
            .as_ref()
            .map(|(n, r, file)| (n.as_str(), r.as_str(), *file))
    }

    /// The capture on show, and how far it is.
    pub fn capture_state(&self) -> Option<(&str, &CaptureState)> {
        match &self.source {
            Source::Capture(c) => Some((&c.name, &c.state)),
            _ => None,
        }
    }
}
